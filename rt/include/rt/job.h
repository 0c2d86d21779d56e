/* What a Model reports about one job, and the timing contract it is checked against. Shared by the
 * client library (producer, through shared memory) and the supervisor (consumer). */
#ifndef RT_JOB_H
#define RT_JOB_H

#include <stdint.h>

#include "rt/time.h"

/* One completed job, as the client library writes it into the Model's SPSC ring. */
struct rt_job_record {
	uint64_t seq;     /* job number within the attachment, from 1, no gaps unless the ring overflowed */
	pm_ns release_ns; /* CLOCK_MONOTONIC activation the job waited for (its absolute sleep target) */
	pm_ns start_ns;   /* pm_job_begin() */
	pm_ns end_ns;     /* pm_job_end() */
	pm_ns cpu_ns;     /* CPU time of the job (thread CPU clock), or -1 where not measured */
	uint32_t checkpoint; /* last pm_checkpoint() id within the job, 0 if none */
	uint32_t flags;      /* RT_JOB_F_* */
};

#define RT_JOB_F_CPU_MEASURED 0x1u

/* The job a Model is executing right now, as the supervisor sees it at a tick (a consistent snapshot
 * of the slot's in-flight fields), so that a job still running past its deadline is reported at the
 * next tick and not only when it finally ends. */
struct rt_job_inflight {
	uint64_t seq;     /* job number of the running job; 0 when no job has ever begun */
	pm_ns release_ns; /* its activation */
	pm_ns start_ns;   /* its pm_job_begin() */
	uint32_t running; /* 1 between pm_job_begin() and pm_job_end() */
	uint32_t reserved;
	pm_ns heartbeat_ns; /* last sign of life of the client (job begin/end or explicit beat) */
};

/* The timing contract of a time-critical Model (spec.scheduling or its Schedule task). */
struct rt_timing_spec {
	pm_ns period_ns;            /* > 0 */
	pm_ns deadline_ns;          /* relative to release; 0 < deadline <= period */
	pm_ns budget_ns;            /* CPU budget per job (executionTime / WCET); 0 = not checked */
	pm_ns release_tolerance_ns; /* allowed jitter of an activation around its expected time */
	uint32_t max_violations;    /* tolerated violations per window before FAILED -> EXPIRED */
	uint32_t window_jobs;       /* window length in jobs for max_violations (e.g. max_dmiss) */
	int32_t priority;           /* SCHED_FIFO priority the Model runs at, 0 = not real-time */
};

#endif
