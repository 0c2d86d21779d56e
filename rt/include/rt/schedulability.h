/* Per-CPU utilization of the time-critical Models pinned there, with the Liu-Layland and hyperbolic
 * bound tests (fixed-priority, partitioned). A Model allowed on several CPUs is counted on each of
 * them (it may run on any). The bounds are applied to the density C/min(D,T): with D = T that is the
 * utilization C/T of Liu and Layland; with D < T it keeps the test sufficient (deadline monotonic). */
#ifndef RT_SCHEDULABILITY_H
#define RT_SCHEDULABILITY_H

#include <stddef.h>
#include <stdint.h>

#include "rt/config.h"

enum rt_bound_verdict {
	RT_BOUND_PASS = 0, /* schedulable by this sufficient test */
	RT_BOUND_INCONCLUSIVE =
	    1,                 /* the bound is exceeded but the load is <= 1: needs response-time analysis */
	RT_BOUND_OVERLOAD = 2, /* density above 1: not schedulable */
};

struct rt_cpu_load {
	uint32_t cpu;
	uint16_t n_models;
	uint16_t models[PM_MAX_MODELS]; /* indexes into cfg->models */
	double utilization;             /* sum C/T */
	double density;                 /* sum C/min(D,T) */
	double ll_bound;                /* n (2^(1/n) - 1) */
	enum rt_bound_verdict liu_layland;
	double hyperbolic_product; /* prod (C/min(D,T) + 1), passes when <= 2 */
	enum rt_bound_verdict hyperbolic;
};

/* Fills out[] with one entry per CPU that has at least one pinned time-critical Model, in CPU order.
 * Returns the number of entries (at most cap). */
size_t rt_cpu_loads(const struct rt_config *cfg, struct rt_cpu_load *out, size_t cap);

/* "pass", "inconclusive", "overload". */
const char *rt_bound_verdict_name(enum rt_bound_verdict verdict);

#endif
