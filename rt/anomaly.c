/* Baselines (Welford while learning, EWMA after), z-score verdicts and per-window pattern counts. */
#include "rt/anomaly.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "rt/threshold.h"

void rt_anomaly_spec_default(struct rt_anomaly_spec *out)
{
	assert(out != NULL);
	memset(out, 0, sizeof(*out));
	out->enabled = 1;
	out->n_stat_metrics = 2;
	out->stat_metrics[0] = RT_MET_EXECUTION_TIME;
	out->stat_metrics[1] = RT_MET_MEMORY_USAGE;
	out->sensitivity = RT_SENS_MEDIUM;
	out->pattern_transitions = 1;
	out->pattern_errors = 1;
	out->pattern_sensitivity = RT_SENS_MEDIUM;
	out->window_ns = PM_NS_PER_HOUR;
	out->auto_learn = 1;
	out->min_samples = 30;
	out->learning_ns = 7 * PM_NS_PER_DAY;
	out->ewma_alpha = 0.01;
	out->min_rel_stddev = 0.01;
	out->min_abs_stddev = 1e-9;
	out->clear_after = 3;
}

pm_status rt_anomaly_spec_validate(const struct rt_anomaly_spec *spec)
{
	if (spec == NULL || spec->n_stat_metrics > PM_MAX_METRICS || spec->sensitivity > RT_SENS_HIGH ||
	    spec->pattern_sensitivity > RT_SENS_HIGH || spec->learning_ns < 0 ||
	    !(spec->ewma_alpha > 0.0 && spec->ewma_alpha < 1.0) || !(spec->min_rel_stddev >= 0.0) ||
	    !(spec->min_abs_stddev >= 0.0)) {
		return PM_ERR_INVAL;
	}
	if ((spec->pattern_transitions || spec->pattern_errors) && spec->window_ns <= 0) {
		return PM_ERR_INVAL;
	}
	for (uint32_t i = 0; i < spec->n_stat_metrics; i++) {
		if (spec->stat_metrics[i] >= RT_MET_COUNT) {
			return PM_ERR_INVAL;
		}
	}
	return PM_OK;
}

double rt_sensitivity_sigma(enum rt_sensitivity s)
{
	switch (s) {
	case RT_SENS_LOW:
		return 4.0;
	case RT_SENS_HIGH:
		return 2.0;
	case RT_SENS_MEDIUM:
	default:
		return 3.0;
	}
}

pm_status rt_sensitivity_from_name(const char *name, enum rt_sensitivity *out)
{
	if (name == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	if (strcmp(name, "low") == 0) {
		*out = RT_SENS_LOW;
	} else if (strcmp(name, "medium") == 0) {
		*out = RT_SENS_MEDIUM;
	} else if (strcmp(name, "high") == 0) {
		*out = RT_SENS_HIGH;
	} else {
		return PM_ERR_NOENT;
	}
	return PM_OK;
}

void rt_baseline_init(struct rt_baseline *b)
{
	assert(b != NULL);
	memset(b, 0, sizeof(*b));
}

double rt_baseline_z(const struct rt_baseline *b, double x, double floor_sd)
{
	double sd = b->var > 0.0 ? sqrt(b->var) : 0.0;
	if (sd < floor_sd) {
		sd = floor_sd;
	}
	if (!(sd > 0.0)) {
		return x == b->mean ? 0.0 : INFINITY;
	}
	return fabs(x - b->mean) / sd;
}

static void learn(struct rt_baseline *b, double x)
{
	b->n++;
	double d = x - b->mean;
	b->mean += d / (double)b->n;
	b->m2 += d * (x - b->mean);
	b->var = b->n > 1 ? b->m2 / (double)b->n : 0.0;
}

static void ewma(struct rt_baseline *b, double x, double alpha)
{
	double d = x - b->mean;
	b->mean += alpha * d;
	b->var = (1.0 - alpha) * (b->var + alpha * d * d);
	b->n++;
}

/* Advances the learning clock; gaps between samples count, the first sample of a run does not. */
static void advance(const struct rt_anomaly_spec *spec, struct rt_baseline *b, pm_ns now)
{
	if (b->learned == 0 && b->last_ns != 0 && now > b->last_ns) {
		b->learned_ns = rt_ns_add_sat(b->learned_ns, now - b->last_ns);
	}
	b->last_ns = now;
	if (b->learned == 0 && b->learned_ns >= spec->learning_ns && b->n >= spec->min_samples && b->n > 0) {
		b->learned = 1;
	}
}

enum rt_anomaly_verdict rt_baseline_observe(const struct rt_anomaly_spec *spec, struct rt_baseline *b,
                                            double x, pm_ns now, double *z_out)
{
	assert(spec != NULL && b != NULL);
	if (z_out != NULL) {
		*z_out = 0.0;
	}
	if (!isfinite(x)) {
		return RT_AN_LEARNING;
	}
	advance(spec, b, now);
	if (b->learned == 0) {
		if (spec->auto_learn != 0) {
			learn(b, x);
			advance(spec, b, now); /* the sample may complete min_samples */
		}
		return RT_AN_LEARNING;
	}
	double floor_sd = fabs(b->mean) * spec->min_rel_stddev;
	if (floor_sd < spec->min_abs_stddev) {
		floor_sd = spec->min_abs_stddev;
	}
	double z = rt_baseline_z(b, x, floor_sd);
	if (z_out != NULL) {
		*z_out = z;
	}
	if (z > rt_sensitivity_sigma((enum rt_sensitivity)spec->sensitivity)) {
		return RT_AN_ANOMALY;
	}
	if (spec->auto_learn != 0) {
		ewma(b, x, spec->ewma_alpha);
	}
	return RT_AN_NORMAL;
}

void rt_pattern_init(struct rt_pattern *p)
{
	assert(p != NULL);
	memset(p, 0, sizeof(*p));
	rt_baseline_init(&p->base);
}

/* Counts are events: a sigma below sqrt(mean) (Poisson) or below 1 would flag ordinary noise. */
static double count_floor(const struct rt_baseline *b)
{
	double f = sqrt(b->mean > 1.0 ? b->mean : 1.0);
	return f;
}

static void feed_window(const struct rt_anomaly_spec *spec, struct rt_pattern *p, double count, pm_ns end)
{
	struct rt_baseline *b = &p->base;
	advance(spec, b, end);
	if (spec->auto_learn == 0) {
		return;
	}
	if (b->learned == 0) {
		learn(b, count);
		advance(spec, b, end);
	} else if (rt_baseline_z(b, count, count_floor(b)) <=
	           rt_sensitivity_sigma((enum rt_sensitivity)spec->pattern_sensitivity)) {
		ewma(b, count, spec->ewma_alpha);
	}
}

bool rt_pattern_roll(const struct rt_anomaly_spec *spec, struct rt_pattern *p, pm_ns now)
{
	assert(spec != NULL && p != NULL && spec->window_ns > 0);
	if (p->window_start == 0) {
		p->window_start = now;
		if (p->base.last_ns == 0) {
			p->base.last_ns = now; /* the first window's length counts toward learning */
		}
		return false;
	}
	bool closed = false;
	for (unsigned i = 0; i < 64 && now - p->window_start >= spec->window_ns; i++) {
		pm_ns end = p->window_start + spec->window_ns;
		feed_window(spec, p, (double)p->count, end);
		p->count = 0;
		p->flagged = 0;
		p->window_start = end;
		closed = true;
	}
	if (now - p->window_start >= spec->window_ns) {
		/* Longer gap than 64 windows: start over at now rather than loop. */
		p->window_start = now;
		p->base.last_ns = now;
	}
	return closed;
}

enum rt_anomaly_verdict rt_pattern_count(const struct rt_anomaly_spec *spec, struct rt_pattern *p, pm_ns now,
                                         double *z_out)
{
	assert(spec != NULL && p != NULL);
	if (z_out != NULL) {
		*z_out = 0.0;
	}
	(void)rt_pattern_roll(spec, p, now);
	if (p->count < UINT32_MAX) {
		p->count++;
	}
	if (p->base.learned == 0) {
		return RT_AN_LEARNING;
	}
	double c = (double)p->count;
	if (c <= p->base.mean) {
		return RT_AN_NORMAL;
	}
	double z = rt_baseline_z(&p->base, c, count_floor(&p->base));
	if (z_out != NULL) {
		*z_out = z;
	}
	if (z > rt_sensitivity_sigma((enum rt_sensitivity)spec->pattern_sensitivity) && p->flagged == 0) {
		p->flagged = 1;
		return RT_AN_ANOMALY;
	}
	return RT_AN_NORMAL;
}
