/* Utilization bound tests per CPU (rt/schedulability.h). */
#include "rt/schedulability.h"

#include <math.h>

/* A rounding margin so that a set exactly at a bound (e.g. U = 1.0 for one task) passes. */
#define BOUND_EPS 1e-12

const char *rt_bound_verdict_name(enum rt_bound_verdict verdict)
{
	switch (verdict) {
	case RT_BOUND_PASS:
		return "pass";
	case RT_BOUND_INCONCLUSIVE:
		return "inconclusive";
	case RT_BOUND_OVERLOAD:
		return "overload";
	}
	return "?";
}

static enum rt_bound_verdict verdict(int passes, double density)
{
	if (passes) {
		return RT_BOUND_PASS;
	}
	return density > 1.0 + BOUND_EPS ? RT_BOUND_OVERLOAD : RT_BOUND_INCONCLUSIVE;
}

size_t rt_cpu_loads(const struct rt_config *cfg, struct rt_cpu_load *out, size_t cap)
{
	size_t n = 0;
	for (uint32_t cpu = 0; cpu < PM_MAX_CPUS && n < cap; cpu++) {
		struct rt_cpu_load *l = &out[n];
		l->cpu = cpu;
		l->n_models = 0;
		l->utilization = 0.0;
		l->density = 0.0;
		l->hyperbolic_product = 1.0;
		for (uint16_t m = 0; m < cfg->n_models && m < PM_MAX_MODELS; m++) {
			const struct rt_model_cfg *model = &cfg->models[m];
			const struct rt_timing_spec *t = &model->timing;
			if (!model->time_critical || t->period_ns <= 0 ||
			    !hal_cpuset_has(&model->cpus, cpu)) {
				continue;
			}
			pm_ns d = (t->deadline_ns > 0 && t->deadline_ns < t->period_ns) ? t->deadline_ns
			                                                                : t->period_ns;
			double u = (double)t->budget_ns / (double)t->period_ns;
			double dens = (double)t->budget_ns / (double)d;
			l->models[l->n_models++] = m;
			l->utilization += u;
			l->density += dens;
			l->hyperbolic_product *= dens + 1.0;
		}
		if (l->n_models == 0) {
			continue;
		}
		double k = (double)l->n_models;
		l->ll_bound = k * (pow(2.0, 1.0 / k) - 1.0);
		l->liu_layland = verdict(l->density <= l->ll_bound + BOUND_EPS, l->density);
		l->hyperbolic = verdict(l->hyperbolic_product <= 2.0 + BOUND_EPS, l->density);
		n++;
	}
	return n;
}
