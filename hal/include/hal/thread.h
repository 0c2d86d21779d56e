/* Threads of `picmon run`: created in init with caller-owned, pre-faulted stacks, then given their
 * policy, priority and CPU affinity from inside the new thread (pthread_setschedparam and
 * sched_setaffinity: musl's sched_setscheduler is ENOSYS). What the kernel granted is reported back so
 * the monitor can say once that it runs degraded and record it. */
#ifndef HAL_THREAD_H
#define HAL_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/cpuset.h"
#include "hal/sched.h"
#include "hal/status.h"

struct hal_thread_attr {
	const char *name;             /* thread name, up to 15 characters are kept */
	enum hal_sched_policy policy; /* requested policy */
	int priority;                 /* 1..99 for FIFO/RR, ignored for OTHER */
	struct hal_cpuset cpus;       /* requested CPUs; empty = no pinning */
	size_t stack_size;            /* bytes; rounded up to pages; minimum 64 KiB */
};

/* What the kernel granted. `policy_granted` false means the thread runs SCHED_OTHER instead. */
struct hal_thread_grant {
	bool policy_granted;
	bool affinity_granted;
	enum hal_sched_policy policy; /* in effect */
	int priority;                 /* in effect */
	pm_status policy_status;      /* why the policy was refused (PM_OK when granted) */
	pm_status affinity_status;    /* why the affinity was refused */
};

struct hal_thread_ctl {
	uintptr_t handle; /* pthread_t */
	void *stack;
	size_t stack_size;
	void *(*fn)(void *);
	void *arg;
	struct hal_thread_attr attr;
	struct hal_thread_grant grant;
	_Atomic int started; /* 1 once the thread applied its attributes */
	bool joinable;
};

/* Creates the thread, waits (bounded, 2 s) until it applied its scheduling, fills `t->grant`.
 * A refused policy or affinity is not an error: the thread runs with what it got. */
pm_status hal_thread_start(struct hal_thread_ctl *t, const struct hal_thread_attr *attr, void *(*fn)(void *),
                           void *arg);

/* Joins and releases the stack. */
pm_status hal_thread_join(struct hal_thread_ctl *t);

/* Applies policy/priority/affinity to the calling thread (used by the simulator's RT job too). */
pm_status hal_thread_apply_self(const struct hal_thread_attr *attr, struct hal_thread_grant *grant);

/* mlockall(MCL_CURRENT | MCL_FUTURE): no page faults on the RT path after init. */
pm_status hal_memory_lock_all(void);

/* Asks the kernel's PM QoS for zero CPU wake-up latency (/dev/cpu_dma_latency) for as long as the
 * process lives, as cyclictest does: deep C-states otherwise add their exit latency to every
 * supervisor wake-up. PM_ERR_NOENT/PM_ERR_PERM where the machine has no such control. */
pm_status hal_cpu_latency_hold_zero(void);

/* Number of CPUs configured on this machine (for range checks of affinities). */
int hal_cpu_count(void);

#endif
