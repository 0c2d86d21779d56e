/* Timing supervision of one time-critical Model (DESIGN §4): alive/period, deadline (also of a job
 * still running), CPU budget and scheduling latency, safety metrics in fixed memory, and the AUTOSAR
 * health-management status DEACTIVATED -> OK <-> FAILED -> EXPIRED with the escalation decision.
 * Pure logic: the caller passes the time, the job records, the in-flight snapshot (or schedstat
 * samples for Models without the client library) and a sink for the records it emits.
 *
 * Definitions (all times CLOCK_MONOTONIC ns):
 * - Activation grid: anchored at the first activation's release, slots every period. An activation
 *   (a job seen for the first time, in a record or the in-flight snapshot) fills the slot nearest its
 *   release; a release more than release_tolerance away from that slot, or a second activation in a
 *   filled slot, is an ALIVE violation (and re-anchors the grid). A slot whose activation has not
 *   begun by due + tolerance + grace (grace = one supervisor tick) is a missing activation: an ALIVE
 *   violation reported at the first tick after that, once per slot. A job that overruns past the
 *   next due time therefore also makes that activation late (one ALIVE violation besides the
 *   deadline miss); a hung job adds one ALIVE violation per period until it ends.
 * - Deadline: end - release <= deadline. A job in flight past release + deadline is reported at the
 *   next tick with its elapsed time; its later completion is then not reported again. If its record
 *   then shows it ended in time (the client read its end clock before the deadline but was preempted
 *   before publishing), the miss is retracted: counted in misses_retracted, taken out of
 *   deadlineMissCount and constraintViolations, and said in an event; the tolerance window keeps it.
 * - Budget: cpu_ns <= budget_ns for jobs with RT_JOB_F_CPU_MEASURED (budget_ns > 0).
 * - Scheduling latency: start - release, statistics only.
 * - Tolerance: a violation in a cycle (activation slot) counts in the window of the last
 *   window_jobs cycles. Any violation -> FAILED; more than max_violations in the window -> EXPIRED
 *   (latched until rt_sup_activate); a whole window without violation -> OK again.
 * detect_delay_ns of a violation = detection time - the moment it became certain (release + deadline,
 * due + tolerance + grace, the job's end for a budget overrun, the window end in estimated mode).
 *
 * Use (the supervisor thread of `picmon run`), per time-critical Model:
 *   init:     rt_sup_init(&sup, name, &timing, &escalation, tick_ns, estimated);
 *             sink = { .emit = rt_sup_emit_ring, .ctx = &ring, .real_offset_ns = real - mono };
 *   attach:   rt_sup_activate(&sup, now, &sink, &esc);       (client attached / restarted)
 *   tick:     for each job record drained from the Model's slot ring:
 *                 rt_sup_job(&sup, &rec, now, &sink, &esc);  act(esc);
 *             then the in-flight snapshot taken after draining:
 *                 rt_sup_tick(&sup, &inflight, now, &sink, &esc);  act(esc);
 *             (estimated Models instead: rt_sup_est_sample(&sup, samples, n, now, &sink, &esc))
 *   act(esc): esc.actions & RT_ESC_SIGNAL -> signal the Model's process with esc.signal;
 *             esc.actions & RT_ESC_RESTART -> rt_restart_decide() (rt/recovery.h), run the recovery
 *             command on RT_RESTART_NOW then rt_restart_done(), retry at `until` on RT_RESTART_WAIT,
 *             give up on RT_RESTART_EXHAUSTED; rt_sup_activate() when the Model is back.
 *   detach:   rt_sup_deactivate(&sup, now, &sink, &esc);
 *   summary:  rt_sup_write_json(&sup, real - mono, buf, cap, &len) inside the Model's JSON object.
 *
 * Inputs from a client are never trusted: a record whose times are not ordered within [0, now], an
 * in-flight snapshot with times after `now`, or a sequence number that does not increase is counted
 * in bad_records and not judged. Every entry point refuses a `now` outside [0, 2^61] ns with
 * PM_ERR_INVAL, which keeps all time arithmetic free of overflow. */
#ifndef RT_SUPERVISE_H
#define RT_SUPERVISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/status.h"
#include "rt/job.h"
#include "rt/limits.h"
#include "rt/record.h"
#include "rt/stats.h"
#include "rt/time.h"

enum rt_sup_status {
	RT_SUP_DEACTIVATED = 0,
	RT_SUP_OK = 1,
	RT_SUP_FAILED = 2,  /* violations within the tolerance */
	RT_SUP_EXPIRED = 3, /* tolerance exceeded: qualified failure, escalated */
};

/* Escalation actions. An event is emitted on every status change; signal and restart are asked for
 * on the transition to EXPIRED when configured. The caller executes them (the supervisor is pure). */
#define RT_ESC_EVENT 0x1u
#define RT_ESC_SIGNAL 0x2u
#define RT_ESC_RESTART 0x4u

struct rt_escalation_spec {
	uint32_t actions; /* RT_ESC_SIGNAL and/or RT_ESC_RESTART on EXPIRED; RT_ESC_EVENT is implied */
	int32_t signal;   /* signal number for RT_ESC_SIGNAL (e.g. SIGTERM), > 0 */
};

/* What one supervisor call decided: `actions` is 0 when the status did not change in the call. */
struct rt_sup_escalation {
	uint32_t actions;
	int32_t signal;
	uint32_t from; /* enum rt_sup_status at the start of the call */
	uint32_t to;   /* enum rt_sup_status at its end */
};

/* Where records go. `emit` returns false when the record could not be queued (counted in
 * `dropped`, never retried). real_ns of each record = mono_ns + real_offset_ns. */
struct rt_sup_sink {
	bool (*emit)(void *ctx, const struct rt_record *rec);
	void *ctx;
	pm_ns real_offset_ns;
	uint64_t emitted;
	uint64_t dropped;
};

/* An `emit` for struct rt_sup_sink over an rt_record_ring (ctx = the ring): the supervisor thread's
 * usual sink. Returns false when the ring was full (the ring counts the drop and carries the gap). */
bool rt_sup_emit_ring(void *ctx, const struct rt_record *rec);

/* One thread's cumulative /proc/PID/task/TID/schedstat: on-CPU ns, run-queue wait ns, timeslices. */
struct rt_sched_sample {
	int32_t tid;
	uint32_t reserved;
	pm_ns run_ns;
	pm_ns wait_ns;
	uint64_t slices;
};

enum rt_sup_check {
	RT_CHECK_TIMING = 0, /* "Timing Constraint": deadline */
	RT_CHECK_ALIVE = 1,  /* "Alive": activations */
	RT_CHECK_BUDGET = 2, /* "Budget": CPU time per job / window */
	RT_CHECK_COUNT = 3,
};

enum rt_check_result {
	RT_CHECK_NOT_CHECKED = 0,
	RT_CHECK_PASS = 1,
	RT_CHECK_FAIL = 2,
};

struct rt_sup_check_state {
	uint32_t result; /* enum rt_check_result of the latest check */
	uint32_t reserved;
	pm_ns last_check_ns; /* mono time of the latest check */
	uint64_t checked;
	uint64_t failed;
};

/* Safety metrics of the HLD Model template, plus the counters an assessor needs to trust them. */
struct rt_sup_metrics {
	uint64_t jobs;        /* completed jobs (estimated mode: period windows judged) */
	uint64_t jobs_lost;   /* sequence gaps: records lost to a full client ring */
	uint64_t bad_records; /* records out of order, duplicated or with end < start (ignored) */
	uint64_t deadline_miss_count;
	uint64_t budget_overrun_count;
	uint64_t alive_failure_count;
	uint64_t constraints_checked;
	uint64_t constraint_violations;
	uint64_t reports_coalesced;  /* violations counted but not emitted as separate records */
	uint64_t misses_retracted;   /* in-flight deadline misses whose record then showed end <= deadline */
	struct rt_welford response;  /* end - release */
	struct rt_welford execution; /* cpu_ns when measured, else end - start (estimated: CPU per window) */
	struct rt_welford sched_latency; /* start - release (estimated: run-queue wait per timeslice) */
	struct rt_histogram response_hist;
	struct rt_histogram execution_hist;
	struct rt_sup_check_state checks[RT_CHECK_COUNT];
};

struct rt_sup {
	char name[PM_MAX_NAME];
	struct rt_timing_spec spec;
	struct rt_escalation_spec escalation;
	pm_ns grace_ns;     /* one supervisor tick */
	uint32_t estimated; /* 1: supervised from schedstat (no client library) */
	uint32_t status;    /* enum rt_sup_status */
	pm_ns status_since_ns;

	/* Activation grid. */
	uint32_t anchored; /* 0 until the first activation after rt_sup_activate */
	uint32_t reserved;
	pm_ns anchor_ns;         /* release of slot 0 */
	int64_t filled_slot;     /* newest slot with an activation */
	int64_t reported_slot;   /* newest slot reported missing */
	uint64_t last_begun_seq; /* newest job seen begun (record or in-flight) */
	uint64_t last_rec_seq;   /* newest job record consumed */

	/* Deadline misses already reported while the job was in flight (by seq). */
	uint64_t inflight_missed[4];
	uint32_t inflight_missed_next;

	/* Tolerance window: cycle numbers of the most recent violations. */
	uint32_t viol_count; /* valid entries in viol_cycle, <= max_violations + 1 */
	uint32_t viol_next;
	uint64_t cycle;
	uint64_t viol_cycle[PM_MAX_SUP_TOLERANCE + 1];

	/* Estimated mode: the window start and its schedstat baseline. */
	pm_ns est_window_start_ns;
	size_t est_count;
	uint32_t est_started;
	struct rt_sched_sample est_prev[PM_MAX_THREADS_PER_MODEL];

	uint32_t reports_this_call;
	struct rt_sup_metrics m;
};

/* Validates `spec` (0 < period <= 1 day, 0 < deadline <= period, budget >= 0, 0 <= tolerance <
 * period/2, window_jobs >= 1, max_violations <= PM_MAX_SUP_TOLERANCE) and sets the
 * Model DEACTIVATED. `tick_ns` is the supervisor tick (the grace for missing activations).
 * `estimated` selects supervision from schedstat (rt_sup_est_sample) instead of job records.
 * `escalation` may be NULL (event only). Returns PM_ERR_INVAL for a bad argument. */
pm_status rt_sup_init(struct rt_sup *s, const char *name, const struct rt_timing_spec *spec,
                      const struct rt_escalation_spec *escalation, pm_ns tick_ns, bool estimated);

/* Starts supervision (the Model attached, or was restarted): DEACTIVATED/EXPIRED -> OK, clears the
 * tolerance window and the activation grid and expects the first activation within one period.
 * Statistics are kept. Job sequence numbers restart (a new attachment counts from 1). */
pm_status rt_sup_activate(struct rt_sup *s, pm_ns now, struct rt_sup_sink *sink,
                          struct rt_sup_escalation *esc);

/* Stops supervision (the Model detached or was stopped on purpose): -> DEACTIVATED, no checks. */
pm_status rt_sup_deactivate(struct rt_sup *s, pm_ns now, struct rt_sup_sink *sink,
                            struct rt_sup_escalation *esc);

/* Feeds one completed job, in ring order, observed at `now`. A job fed while DEACTIVATED activates
 * supervision first (at its release). Returns PM_ERR_STATE in estimated mode. */
pm_status rt_sup_job(struct rt_sup *s, const struct rt_job_record *rec, pm_ns now, struct rt_sup_sink *sink,
                     struct rt_sup_escalation *esc);

/* The tick: the in-flight snapshot taken after draining the ring, at `now`. Detects jobs running past
 * their deadline and missing activations. */
pm_status rt_sup_tick(struct rt_sup *s, const struct rt_job_inflight *inflight, pm_ns now,
                      struct rt_sup_sink *sink, struct rt_sup_escalation *esc);

/* Estimated mode: cumulative schedstat of the Model's threads at `now` (any cadence; a window is
 * judged each time a period has elapsed since the last one). The first call sets the baseline; a
 * thread not seen before joins at the next window. Returns PM_ERR_INVAL when n exceeds
 * PM_MAX_THREADS_PER_MODEL, PM_ERR_STATE when the Model is supervised from job records. */
pm_status rt_sup_est_sample(struct rt_sup *s, const struct rt_sched_sample *samples, size_t n, pm_ns now,
                            struct rt_sup_sink *sink, struct rt_sup_escalation *esc);

/* Stable names: "DEACTIVATED", "OK", "FAILED", "EXPIRED"; "Timing Constraint", "Alive", "Budget";
 * "NotChecked", "Pass", "Fail". Never NULL. */
const char *rt_sup_status_name(uint32_t status);
const char *rt_sup_check_name(uint32_t check);
const char *rt_check_result_name(uint32_t result);

/* Violations of the current tolerance window. */
uint32_t rt_sup_window_violations(const struct rt_sup *s);

/* Writes the Model's part of the run summary as JSON object members, without the enclosing braces:
 *   "supervisionStatus":"OK","jobs":N,"estimated":false,"safetyMetrics":{deadlineMissCount,
 *   worstCaseExecutionTime, averageExecutionTime, executionTimeVariance, schedulingLatency (mean),
 *   schedulingLatencyMax, worstCaseResponseTime, constraintsChecked, constraintViolations,
 *   budgetOverrunCount, aliveFailureCount, jobsLost, badRecords, safetyMonitorStatus ("Active" /
 *   "Inactive"), safetyChecks:[{name, status ("Pass"/"Fail"/"NotChecked"), lastCheckTime, checked,
 *   failed}]}
 * Times in ms (variance in ms^2); lastCheckTime as RFC 3339 UTC (mono + real_offset_ns) or null.
 * `*len` gets the length without the NUL. PM_ERR_NOSPACE when `cap` is too small (buf is then ""). */
#define RT_SUP_JSON_CAP 2048 /* a buffer this size always holds rt_sup_write_json's output */

pm_status rt_sup_write_json(const struct rt_sup *s, pm_ns real_offset_ns, char *buf, size_t cap, size_t *len);

#endif
