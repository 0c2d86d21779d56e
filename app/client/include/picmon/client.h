/* picmon client library for Models: report each job (release, start, end, CPU time), checkpoints,
 * a heartbeat and the application metrics of the HLD Model template to the picmon monitor through
 * its shared-memory segment (protocol: rt/shm_layout.h).
 *
 * Use: pm_attach("vision-system") once at start-up; then per activation pm_job_begin_at(release) (or
 * pm_job_begin()) ... pm_job_end(); pm_detach() at exit. One Model per process; the job calls of one
 * attachment come from one thread at a time.
 *
 * Guarantees: the job calls are wait-free and lock-free, never allocate and make no syscall but the
 * vDSO monotonic clock, plus one CLOCK_THREAD_CPUTIME_ID read at begin and at end only while the
 * monitor gave the Model a CPU budget. The segment name is PICMON_SHM (default "/picmon").
 * A missing, stopped or restarted monitor never stops the Model: pm_attach() returns the error (and
 * pm_attach_error() says why in words) and the job calls become no-ops that return PM_ERR_STATE.
 * pm_attach() may be called again later (outside the job path) to re-attach. */
#ifndef PICMON_CLIENT_H
#define PICMON_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "hal/status.h"

/* Attaches to the Model slot `model_name`. PM_ERR_NOENT: no monitor (no segment), or the Model is not
 * in its configuration; PM_ERR_GONE: the segment is stale (its monitor is gone); PM_ERR_STATE: another
 * live process holds the Model, or the monitor is starting/stopping; PM_ERR_CORRUPT: a segment of
 * another layout version. A slot held by a dead process (or by a reused pid) is taken over. Calling it
 * while attached detaches first. */
pm_status pm_attach(const char *model_name);

/* Why the last pm_attach() failed, in one line ("" after success). */
const char *pm_attach_error(void);

/* True while attached to a live monitor's segment (false after it closed or reclaimed the slot). */
bool pm_attached(void);

/* Begins a job released at `release_ns` (CLOCK_MONOTONIC, the absolute time the Model slept until).
 * PM_ERR_STATE when not attached (no-op) or a job is already running (the running one is kept). */
pm_status pm_job_begin_at(int64_t release_ns);

/* Begins a job whose release is derived from the Model's period in the slot: the latest activation
 * of the series release(k) = release(k-1) + period not after now (the first job: now). */
pm_status pm_job_begin(void);

/* Ends the running job and publishes its record. PM_ERR_NOSPACE: the monitor's ring was full, the
 * record was dropped and counted. PM_ERR_STATE: no job running or not attached. */
pm_status pm_job_end(void);

/* Marks progress inside the running job (the id is kept in the job record and the slot). */
pm_status pm_checkpoint(uint32_t id);

/* Sign of life between jobs (for Models that are idle longer than their alive tolerance). */
pm_status pm_heartbeat(void);

/* Sets an application metric: "inferenceTime", "throughput", "latency" or "accuracy" (PM_ERR_INVAL for
 * others). Latest value wins. */
pm_status pm_metric(const char *name, double value);

/* Releases the slot and unmaps the segment. PM_ERR_STATE when not attached. */
pm_status pm_detach(void);

/* The figures of the last job this process published, exactly as the monitor receives them. */
struct pm_job_times {
	uint64_t seq;
	int64_t release_ns;
	int64_t start_ns;
	int64_t end_ns;
	int64_t cpu_ns; /* -1 when not measured (the Model has no budget) */
};

/* PM_OK with the last published job; PM_ERR_STATE when none was published in this attachment. */
pm_status pm_job_last(struct pm_job_times *out);

/* Counters of this attachment (for tests and self-reports). */
struct pm_client_stats {
	uint64_t jobs;       /* jobs ended and published */
	uint64_t dropped;    /* jobs ended while the ring was full */
	uint64_t noop_calls; /* job calls while not attached */
};
void pm_client_stats(struct pm_client_stats *out);

#endif
