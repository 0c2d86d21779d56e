/* Restart policy of a supervised Model: a restart budget per sliding window and exponential backoff.
 * Pure decision logic; the caller (app) runs the recovery command or signals the process. */
#ifndef RT_RECOVERY_H
#define RT_RECOVERY_H

#include <stdint.h>

#include "hal/status.h"
#include "rt/limits.h"
#include "rt/time.h"

struct rt_restart_policy {
	uint32_t max_restarts; /* restarts allowed per window, 1..PM_MAX_RESTARTS_PER_WINDOW */
	uint32_t reserved;
	pm_ns window_ns;          /* sliding window of the budget, > 0 */
	pm_ns backoff_initial_ns; /* wait before the 2nd restart in a window; doubles for each further one */
	pm_ns backoff_max_ns;     /* cap of the wait, >= backoff_initial_ns */
};

enum rt_restart_verdict {
	RT_RESTART_NOW = 0,       /* restart now, then call rt_restart_done */
	RT_RESTART_WAIT = 1,      /* backoff: ask again at *until */
	RT_RESTART_EXHAUSTED = 2, /* budget spent: no more restarts until rt_restart_reset (latched) */
};

struct rt_restart_state {
	struct rt_restart_policy policy;
	pm_ns
	    history[PM_MAX_RESTARTS_PER_WINDOW]; /* times of the restarts still in the window, oldest first */
	uint32_t count;
	uint32_t exhausted;
	uint64_t total; /* restarts over the whole run */
};

/* PM_ERR_INVAL for a policy outside the ranges above. */
pm_status rt_restart_init(struct rt_restart_state *st, const struct rt_restart_policy *policy);

/* Decides whether a restart asked for at `now` may run. With n restarts in the window ending at
 * now, the n-th may run at last + min(initial * 2^(n-1), max) (n = 0: at once); n == max_restarts
 * means the budget is exhausted. `*until` gets the time to ask again for RT_RESTART_WAIT, else now. */
enum rt_restart_verdict rt_restart_decide(struct rt_restart_state *st, pm_ns now, pm_ns *until);

/* Records that a restart was performed at `now` (after RT_RESTART_NOW). PM_ERR_STATE if exhausted. */
pm_status rt_restart_done(struct rt_restart_state *st, pm_ns now);

/* Operator reset: empties the window and clears the exhausted latch. */
void rt_restart_reset(struct rt_restart_state *st);

const char *rt_restart_verdict_name(enum rt_restart_verdict v);

#endif
