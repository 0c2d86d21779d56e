/* Policy, priority and affinity of threads and processes (hal/sched.h), through the syscall seam. */
#include "hal/sched.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>

#include "hal/syscall.h"

#define HAL_APPLY_MAX_THREADS PM_MAX_THREADS_PER_PROCESS

static pm_status map(int neg)
{
	return neg == -ESRCH ? PM_ERR_GONE : pm_status_from_errno(-neg);
}

const char *hal_sched_policy_name(int policy)
{
	switch (policy) {
	case HAL_SCHED_OTHER:
		return "other";
	case HAL_SCHED_FIFO:
		return "fifo";
	case HAL_SCHED_RR:
		return "rr";
	case HAL_SCHED_BATCH:
		return "batch";
	case HAL_SCHED_IDLE:
		return "idle";
	case HAL_SCHED_DEADLINE:
		return "deadline";
	default:
		return "unknown";
	}
}

pm_status hal_sched_get(int32_t tid, int *policy, int *priority)
{
	if (tid < 0 || policy == NULL || priority == NULL) {
		return PM_ERR_INVAL;
	}
	int pol = hal_sys.sched_getscheduler(tid);
	if (pol < 0) {
		return map(pol);
	}
	int prio = 0;
	int r = hal_sys.sched_getparam(tid, &prio);
	if (r < 0) {
		return map(r);
	}
	/* SCHED_RESET_ON_FORK is a flag bit, not a policy. */
	*policy = pol & ~0x40000000;
	*priority = prio;
	return PM_OK;
}

static int valid_policy(int policy, int priority)
{
	if (policy == HAL_SCHED_FIFO || policy == HAL_SCHED_RR) {
		return priority >= 1 && priority <= 99;
	}
	return (policy == HAL_SCHED_OTHER || policy == HAL_SCHED_BATCH || policy == HAL_SCHED_IDLE) &&
	       priority == 0;
}

pm_status hal_sched_set(int32_t tid, int policy, int priority)
{
	if (tid < 0 || !valid_policy(policy, priority)) {
		return PM_ERR_INVAL;
	}
	int r = hal_sys.set_task_policy(tid, policy, priority);
	return r < 0 ? map(r) : PM_OK;
}

pm_status hal_sched_set_self(int policy, int priority)
{
	if (!valid_policy(policy, priority)) {
		return PM_ERR_INVAL;
	}
	struct sched_param sp;
	memset(&sp, 0, sizeof(sp));
	sp.sched_priority = priority;
	int err = pthread_setschedparam(pthread_self(), policy, &sp);
	return err == 0 ? PM_OK : pm_status_from_errno(err);
}

pm_status hal_affinity_get(int32_t tid, struct hal_cpuset *out)
{
	if (tid < 0 || out == NULL) {
		return PM_ERR_INVAL;
	}
	hal_cpuset_clear(out);
	int r = hal_sys.sched_getaffinity(tid, sizeof(out->bits), out->bits);
	return r < 0 ? map(r) : PM_OK;
}

pm_status hal_affinity_set(int32_t tid, const struct hal_cpuset *set)
{
	if (tid < 0 || set == NULL || hal_cpuset_count(set) == 0) {
		return PM_ERR_INVAL;
	}
	int r = hal_sys.sched_setaffinity(tid, sizeof(set->bits), set->bits);
	return r < 0 ? map(r) : PM_OK;
}

enum apply_kind { APPLY_AFFINITY, APPLY_SCHED };

static pm_status apply_all(const struct hal_procfs *fs, int32_t pid, enum apply_kind kind,
                           const struct hal_cpuset *set, int policy, int priority,
                           struct hal_sched_apply *res)
{
	if (fs == NULL || pid <= 0 || res == NULL) {
		return PM_ERR_INVAL;
	}
	memset(res, 0, sizeof(*res));
	int32_t tids[HAL_APPLY_MAX_THREADS];
	size_t n = 0;
	pm_status st = hal_proc_list_threads(fs, pid, tids, HAL_APPLY_MAX_THREADS, &n);
	if (st != PM_OK && st != PM_ERR_NOSPACE) {
		return st;
	}
	pm_status listing = st;
	res->threads = (uint32_t)n;
	for (size_t i = 0; i < n; i++) {
		st = kind == APPLY_AFFINITY ? hal_affinity_set(tids[i], set)
		                            : hal_sched_set(tids[i], policy, priority);
		if (st == PM_OK) {
			res->applied++;
		} else if (st == PM_ERR_GONE) {
			res->vanished++;
		} else {
			res->failed++;
			if (res->first_error == PM_OK) {
				res->first_error = st;
			}
		}
	}
	if (res->applied == 0) {
		return res->failed > 0 ? res->first_error : PM_ERR_GONE;
	}
	if (listing == PM_ERR_NOSPACE && res->first_error == PM_OK) {
		res->first_error = PM_ERR_NOSPACE; /* threads beyond the table were not changed */
	}
	return PM_OK;
}

pm_status hal_affinity_set_process(const struct hal_procfs *fs, int32_t pid, const struct hal_cpuset *set,
                                   struct hal_sched_apply *res)
{
	if (set == NULL || hal_cpuset_count(set) == 0) {
		return PM_ERR_INVAL;
	}
	return apply_all(fs, pid, APPLY_AFFINITY, set, 0, 0, res);
}

pm_status hal_sched_set_process(const struct hal_procfs *fs, int32_t pid, int policy, int priority,
                                struct hal_sched_apply *res)
{
	if (!valid_policy(policy, priority)) {
		return PM_ERR_INVAL;
	}
	return apply_all(fs, pid, APPLY_SCHED, NULL, policy, priority, res);
}

uint32_t hal_cpu_count_allowed(void)
{
	struct hal_cpuset s;
	if (hal_affinity_get(0, &s) != PM_OK) {
		return 1;
	}
	uint32_t n = hal_cpuset_count(&s);
	return n > 0 ? n : 1;
}
