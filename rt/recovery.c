/* Restart budget per sliding window with exponential backoff (rt/recovery.h). */
#include "rt/recovery.h"

#include <assert.h>
#include <string.h>

pm_status rt_restart_init(struct rt_restart_state *st, const struct rt_restart_policy *policy)
{
	if (st == NULL || policy == NULL || policy->max_restarts == 0 ||
	    policy->max_restarts > PM_MAX_RESTARTS_PER_WINDOW || policy->window_ns <= 0 ||
	    policy->backoff_initial_ns < 0 || policy->backoff_max_ns < policy->backoff_initial_ns) {
		return PM_ERR_INVAL;
	}
	memset(st, 0, sizeof(*st));
	st->policy = *policy;
	return PM_OK;
}

/* Drops restarts that have left the window (now - t >= window). */
static void expire(struct rt_restart_state *st, pm_ns now)
{
	uint32_t keep_from = 0;
	while (keep_from < st->count && now - st->history[keep_from] >= st->policy.window_ns) {
		keep_from++;
	}
	if (keep_from > 0) {
		memmove(st->history, st->history + keep_from,
		        (st->count - keep_from) * sizeof(st->history[0]));
		st->count -= keep_from;
	}
}

static pm_ns backoff(const struct rt_restart_policy *p, uint32_t n)
{
	assert(n >= 1);
	pm_ns wait = p->backoff_initial_ns;
	/* Doubling saturates at the cap; bounded by the budget (<= 32 steps). */
	for (uint32_t i = 1; i < n && wait < p->backoff_max_ns; i++) {
		wait = wait > p->backoff_max_ns / 2 ? p->backoff_max_ns : wait * 2;
	}
	return wait < p->backoff_max_ns ? wait : p->backoff_max_ns;
}

enum rt_restart_verdict rt_restart_decide(struct rt_restart_state *st, pm_ns now, pm_ns *until)
{
	assert(st != NULL);
	pm_ns dummy;
	if (until == NULL) {
		until = &dummy;
	}
	*until = now;
	if (st->exhausted) {
		return RT_RESTART_EXHAUSTED;
	}
	expire(st, now);
	if (st->count >= st->policy.max_restarts) {
		st->exhausted = 1;
		return RT_RESTART_EXHAUSTED;
	}
	if (st->count == 0) {
		return RT_RESTART_NOW;
	}
	pm_ns at = rt_ns_add_sat(st->history[st->count - 1], backoff(&st->policy, st->count));
	if (now < at) {
		*until = at;
		return RT_RESTART_WAIT;
	}
	return RT_RESTART_NOW;
}

pm_status rt_restart_done(struct rt_restart_state *st, pm_ns now)
{
	if (st == NULL) {
		return PM_ERR_INVAL;
	}
	if (st->exhausted) {
		return PM_ERR_STATE;
	}
	expire(st, now);
	if (st->count >= st->policy.max_restarts) {
		st->exhausted = 1;
		return PM_ERR_STATE;
	}
	st->history[st->count++] = now;
	st->total++;
	return PM_OK;
}

void rt_restart_reset(struct rt_restart_state *st)
{
	assert(st != NULL);
	st->count = 0;
	st->exhausted = 0;
}

const char *rt_restart_verdict_name(enum rt_restart_verdict v)
{
	switch (v) {
	case RT_RESTART_NOW:
		return "restart now";
	case RT_RESTART_WAIT:
		return "wait";
	case RT_RESTART_EXHAUSTED:
		return "budget exhausted";
	}
	return "unknown";
}
