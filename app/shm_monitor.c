/* Monitor side of the client shared-memory segment: creation with stale-segment handling, owner
 * probing, orderly close. */
#include "shm_monitor.h"

#include <stdlib.h>
#include <string.h>

#include "hal/log.h"
#include "hal/proc_ident.h"

const char *app_shm_default_name(void)
{
	const char *env = getenv(RT_SHM_ENV_NAME);
	return env != NULL && env[0] != '\0' ? env : RT_SHM_DEFAULT_NAME;
}

/* An existing segment: PM_OK when it may be removed (stale), PM_ERR_STATE when its monitor lives. */
static pm_status judge_existing(const char *name)
{
	struct hal_shm old;
	pm_status st = hal_shm_open(name, sizeof(struct rt_shm_header), &old);
	if (st == PM_ERR_NOENT) {
		return PM_OK;
	}
	if (st == PM_ERR_CORRUPT) {
		hal_log(HAL_LOG_WARN, "shm %s: too small to be a picmon segment, removing it", name);
		return PM_OK;
	}
	if (st != PM_OK) {
		return st;
	}
	const struct rt_shm_header *h = old.addr;
	pm_status verdict = PM_OK;
	if (h->magic == RT_SHM_MAGIC && h->creator_pid > 0) {
		uint64_t start = 0;
		pm_status probe = hal_proc_starttime(h->creator_pid, &start);
		uint32_t state = atomic_load_explicit(&h->state, memory_order_acquire);
		if (probe == PM_OK && start == h->creator_starttime && state != RT_SHM_STATE_CLOSED) {
			hal_log(HAL_LOG_ERROR, "shm %s: in use by a running monitor (pid %d, epoch %llu)",
			        name, (int)h->creator_pid, (unsigned long long)h->epoch);
			verdict = PM_ERR_STATE;
		} else {
			hal_log(HAL_LOG_WARN,
			        "shm %s: stale segment of an earlier run (pid %d, epoch %llu) removed", name,
			        (int)h->creator_pid, (unsigned long long)h->epoch);
		}
	} else {
		hal_log(HAL_LOG_WARN, "shm %s: not a picmon segment of this layout, removing it", name);
	}
	pm_status cst = hal_shm_close(&old);
	if (verdict != PM_OK) {
		return verdict;
	}
	return cst;
}

pm_status app_shm_create(const char *name, uint64_t epoch, const char *const *models,
                         const struct rt_timing_spec *specs, uint32_t n, struct app_shm *out)
{
	if (out == NULL || epoch == 0) {
		return PM_ERR_INVAL;
	}
	memset(out, 0, sizeof(*out));
	if (name == NULL) {
		name = app_shm_default_name();
	}
	int pid = hal_proc_self_pid();
	uint64_t start = 0;
	pm_status st = hal_proc_starttime(pid, &start);
	if (st != PM_OK) {
		return st;
	}
	st = hal_shm_create(name, sizeof(struct rt_shm_segment), &out->map);
	if (st == PM_ERR_STATE) {
		st = judge_existing(name);
		if (st != PM_OK) {
			return st;
		}
		st = hal_shm_unlink(name);
		if (st != PM_OK && st != PM_ERR_NOENT) {
			return st;
		}
		st = hal_shm_create(name, sizeof(struct rt_shm_segment), &out->map);
	}
	if (st != PM_OK) {
		hal_log(HAL_LOG_ERROR, "shm %s: cannot create: %s", name, pm_status_str(st));
		return st;
	}
	struct rt_shm_segment *seg = out->map.addr;
	st = rt_shm_segment_init(seg, epoch, (int32_t)pid, start, models, specs, n);
	if (st != PM_OK) {
		(void)hal_shm_close(&out->map);
		(void)hal_shm_unlink(name);
		return st;
	}
	pm_status lst = hal_shm_lock(&out->map);
	if (lst != PM_OK) {
		hal_log(HAL_LOG_WARN, "shm %s: not locked in RAM (%s): page faults possible", name,
		        pm_status_str(lst));
	}
	out->seg = seg;
	out->epoch = epoch;
	rt_shm_segment_publish(seg);
	return PM_OK;
}

pm_status app_shm_check_owner(const struct app_shm *shm, uint32_t index, struct rt_shm_owner *owner,
                              enum rt_shm_owner_verdict *verdict)
{
	if (shm == NULL || shm->seg == NULL || index >= PM_MAX_MODELS || owner == NULL || verdict == NULL) {
		return PM_ERR_INVAL;
	}
	rt_shm_slot_owner(&shm->seg->slots[index], owner);
	uint64_t start = 0;
	pm_status probe = PM_ERR_NOENT;
	if (owner->pid > 0) {
		probe = hal_proc_starttime(owner->pid, &start);
		if (probe != PM_OK && probe != PM_ERR_NOENT && probe != PM_ERR_GONE) {
			return probe; /* cannot tell (e.g. /proc unreadable): do not judge */
		}
	}
	*verdict = rt_shm_owner_judge(owner, shm->epoch, probe, start);
	return PM_OK;
}

pm_status app_shm_destroy(struct app_shm *shm)
{
	if (shm == NULL || shm->seg == NULL) {
		return PM_ERR_INVAL;
	}
	rt_shm_segment_close(shm->seg);
	char name[HAL_SHM_NAME_MAX];
	memcpy(name, shm->map.name, sizeof(name));
	shm->seg = NULL;
	pm_status st = hal_shm_close(&shm->map);
	pm_status ust = hal_shm_unlink(name);
	return st != PM_OK ? st : ust;
}
