/* Running statistics in fixed memory: Welford mean/variance with min/max, and a log-linear histogram
 * of durations. Used by timing supervision; O(1) per sample, no allocation. */
#ifndef RT_STATS_H
#define RT_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "rt/limits.h"
#include "rt/time.h"

struct rt_welford {
	uint64_t count;
	pm_ns min; /* valid when count > 0 */
	pm_ns max;
	double mean; /* ns */
	double m2;   /* sum of squared deviations from the mean, ns^2 */
};

void rt_welford_init(struct rt_welford *w);
void rt_welford_add(struct rt_welford *w, pm_ns sample);
/* Population variance (m2 / count) in ns^2; 0 with fewer than two samples. */
double rt_welford_variance(const struct rt_welford *w);

/* Log-linear: bucket 0 holds [0, 1024 ns); every doubling from there, [2^(10+k), 2^(11+k)) ns for
 * k < PM_HISTOGRAM_OCTAVES, is split into 2^PM_HISTOGRAM_SUB_BITS buckets of equal width, so a
 * bucket's upper edge overstates any sample in it by at most 1/8 (a power-of-two bucket alone
 * overstated by up to 2x, which made a p99 of 0.53 ms read 1.05 ms); the last bucket holds
 * everything from 2^40 ns (about 1100 s) up. Negative samples (a clock anomaly) go to bucket 0 and are
 * counted in `negative`. */
struct rt_histogram {
	uint64_t bucket[PM_HISTOGRAM_BUCKETS];
	uint64_t negative;
};

void rt_histogram_init(struct rt_histogram *h);
void rt_histogram_add(struct rt_histogram *h, pm_ns sample);
/* Index of the bucket a sample falls into. */
size_t rt_histogram_bucket(pm_ns sample);
/* Exclusive upper bound of bucket `i` in ns; INT64_MAX for the last bucket. */
pm_ns rt_histogram_upper_ns(size_t i);
/* Smallest bucket upper bound below which at least `permille`/1000 of the samples lie (an upper
 * estimate of the quantile); 0 when the histogram is empty. */
pm_ns rt_histogram_quantile_upper_ns(const struct rt_histogram *h, uint32_t permille);

#endif
