/* Anomaly detection (HLD §4.4): a baseline per series learned during the learning period (mean and
 * variance by Welford, EWMA after), a z-score test at the configured sensitivity suppressed while
 * learning, and pattern detection on per-window counts (state transitions, errors). Baselines are
 * plain numbers so that they can be persisted and restored across restarts. */
#ifndef RT_ANOMALY_H
#define RT_ANOMALY_H

#include <stdbool.h>
#include <stdint.h>

#include "hal/status.h"
#include "rt/limits.h"
#include "rt/time.h"

enum rt_sensitivity {
	RT_SENS_LOW = 0,    /* 4 sigma */
	RT_SENS_MEDIUM = 1, /* 3 sigma */
	RT_SENS_HIGH = 2,   /* 2 sigma */
};

struct rt_anomaly_spec {
	uint32_t enabled;
	/* statistical method */
	uint32_t n_stat_metrics;
	uint32_t stat_metrics[PM_MAX_METRICS]; /* enum rt_metric */
	uint32_t sensitivity;                  /* enum rt_sensitivity */
	/* pattern_based method */
	uint32_t pattern_transitions; /* 1: state_transitions per window */
	uint32_t pattern_errors;      /* 1: error_counts per window */
	uint32_t pattern_sensitivity; /* enum rt_sensitivity */
	pm_ns window_ns;              /* window_size */
	/* baseline */
	uint32_t auto_learn;   /* 0: only a restored baseline is used, never updated */
	uint32_t min_samples;  /* samples a baseline needs besides the learning period */
	pm_ns learning_ns;     /* learning_period: time observed before detection starts */
	double ewma_alpha;     /* weight of a new normal sample after learning, (0, 1) */
	double min_rel_stddev; /* sigma floor relative to |mean|, so a flat series is not hair-trigger */
	double min_abs_stddev; /* absolute sigma floor */
	uint32_t clear_after;  /* consecutive normal samples that clear an active anomaly */
};

/* HLD §4.4 defaults: statistical on execution_time and memory_usage at medium, pattern on
 * state_transitions and error_counts per 1 h, auto_learn with a 7 d learning period. */
void rt_anomaly_spec_default(struct rt_anomaly_spec *out);
pm_status rt_anomaly_spec_validate(const struct rt_anomaly_spec *spec);
double rt_sensitivity_sigma(enum rt_sensitivity s);
pm_status rt_sensitivity_from_name(const char *name, enum rt_sensitivity *out);

/* One learned series. */
struct rt_baseline {
	uint64_t n; /* samples absorbed */
	double mean;
	double var;       /* population variance */
	double m2;        /* Welford sum of squares while learning */
	pm_ns learned_ns; /* observation time accumulated while learning (survives restarts) */
	pm_ns last_ns;    /* time of the last sample in this run; 0 = none yet */
	uint32_t learned; /* 1 once the learning period is over */
	uint32_t reserved;
};

enum rt_anomaly_verdict {
	RT_AN_LEARNING = 0, /* no verdict: baseline still learning (detection suppressed) */
	RT_AN_NORMAL = 1,
	RT_AN_ANOMALY = 2,
};

void rt_baseline_init(struct rt_baseline *b);
/* Score of x against the baseline: |x - mean| / max(sigma, floors). */
double rt_baseline_z(const struct rt_baseline *b, double x, double floor_sd);
/* Statistical method: judges x, then absorbs it (anomalies are not absorbed, so a spike does not
 * widen the band). *z_out (may be NULL) gets the score, 0 while learning. */
enum rt_anomaly_verdict rt_baseline_observe(const struct rt_anomaly_spec *spec, struct rt_baseline *b,
                                            double x, pm_ns now, double *z_out);

/* Pattern method on one count per window. */
struct rt_pattern {
	pm_ns window_start; /* 0 = not started */
	uint32_t count;
	uint32_t flagged; /* 1 once the current window was reported */
	struct rt_baseline base;
};

void rt_pattern_init(struct rt_pattern *p);
/* Counts one occurrence at `now`. Returns RT_AN_ANOMALY once per window, as soon as the count
 * exceeds the learned band (so a burst is reported while it happens, not at the end of the hour). */
enum rt_anomaly_verdict rt_pattern_count(const struct rt_anomaly_spec *spec, struct rt_pattern *p, pm_ns now,
                                         double *z_out);
/* Closes windows that ended by `now`, feeding their counts to the baseline (bounded: after a long
 * gap at most 64 empty windows are fed). Returns true when a window closed. */
bool rt_pattern_roll(const struct rt_anomaly_spec *spec, struct rt_pattern *p, pm_ns now);

#endif
