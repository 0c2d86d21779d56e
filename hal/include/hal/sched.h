/* Scheduling policy, priority and CPU affinity of a thread (by tid) or of every thread of a process.
 * Other tasks go through the raw system calls (musl's sched_setscheduler wrapper is ENOSYS); the calling
 * thread goes through pthread_setschedparam. EPERM/ESRCH become PM_ERR_PERM/PM_ERR_GONE. */
#ifndef HAL_SCHED_H
#define HAL_SCHED_H

#include <stdint.h>

#include "hal/cpuset.h"
#include "hal/proc.h"
#include "hal/status.h"

/* Linux policy numbers (stable ABI). */
enum hal_sched_policy {
	HAL_SCHED_OTHER = 0,
	HAL_SCHED_FIFO = 1,
	HAL_SCHED_RR = 2,
	HAL_SCHED_BATCH = 3,
	HAL_SCHED_IDLE = 5,
	HAL_SCHED_DEADLINE = 6,
};

/* "other", "fifo", "rr", "batch", "idle", "deadline"; "unknown" otherwise. */
const char *hal_sched_policy_name(int policy);

/* tid 0 means the calling thread. */
pm_status hal_sched_get(int32_t tid, int *policy, int *priority);
/* FIFO/RR take priority 1..99, the others 0. */
pm_status hal_sched_set(int32_t tid, int policy, int priority);
/* The calling thread, through pthread_setschedparam. */
pm_status hal_sched_set_self(int policy, int priority);

pm_status hal_affinity_get(int32_t tid, struct hal_cpuset *out);
pm_status hal_affinity_set(int32_t tid, const struct hal_cpuset *set);

/* Result of applying a setting to every thread of a process. */
struct hal_sched_apply {
	uint32_t threads; /* listed */
	uint32_t applied;
	uint32_t vanished; /* exited between listing and applying: not a failure */
	uint32_t failed;
	pm_status first_error; /* PM_OK when failed == 0 */
};

/* Applies an affinity / a policy to every thread listed in <root>/proc/PID/task (up to
 * PM_MAX_THREADS_PER_PROCESS threads). Returns PM_ERR_GONE when the process is not there, the first
 * error when no thread could be changed, PM_OK otherwise (partial results in `res`). */
pm_status hal_affinity_set_process(const struct hal_procfs *fs, int32_t pid, const struct hal_cpuset *set,
                                   struct hal_sched_apply *res);
pm_status hal_sched_set_process(const struct hal_procfs *fs, int32_t pid, int policy, int priority,
                                struct hal_sched_apply *res);

/* Number of CPUs the calling process may run on (sched_getaffinity of itself). */
uint32_t hal_cpu_count_allowed(void);

#endif
