/* Welford running statistics and log-linear duration histograms (rt/stats.h). */
#include "rt/stats.h"

#include <assert.h>
#include <string.h>

void rt_welford_init(struct rt_welford *w)
{
	assert(w != NULL);
	memset(w, 0, sizeof(*w));
}

void rt_welford_add(struct rt_welford *w, pm_ns sample)
{
	assert(w != NULL);
	if (w->count == 0 || sample < w->min) {
		w->min = sample;
	}
	if (w->count == 0 || sample > w->max) {
		w->max = sample;
	}
	w->count++;
	/* Welford: numerically stable where the naive sum of squares cancels catastrophically. */
	double x = (double)sample;
	double delta = x - w->mean;
	w->mean += delta / (double)w->count;
	w->m2 += delta * (x - w->mean);
}

double rt_welford_variance(const struct rt_welford *w)
{
	assert(w != NULL);
	if (w->count < 2) {
		return 0.0;
	}
	return w->m2 / (double)w->count;
}

void rt_histogram_init(struct rt_histogram *h)
{
	assert(h != NULL);
	memset(h, 0, sizeof(*h));
}

#define HIST_SUBS (1u << PM_HISTOGRAM_SUB_BITS)
#define HIST_FIRST_BIT 10 /* bucket 0 ends at 2^10 ns */

size_t rt_histogram_bucket(pm_ns sample)
{
	if (sample < (INT64_C(1) << HIST_FIRST_BIT)) {
		return 0;
	}
	/* O(1) for the supervisor tick: the top bit names the doubling, the next SUB_BITS the bucket. */
	unsigned top = 63u - (unsigned)__builtin_clzll((uint64_t)sample);
	unsigned octave = top - HIST_FIRST_BIT;
	if (octave >= PM_HISTOGRAM_OCTAVES) {
		return PM_HISTOGRAM_BUCKETS - 1;
	}
	unsigned sub = (unsigned)((uint64_t)sample >> (top - PM_HISTOGRAM_SUB_BITS)) & (HIST_SUBS - 1u);
	return 1u + octave * HIST_SUBS + sub;
}

pm_ns rt_histogram_upper_ns(size_t i)
{
	assert(i < PM_HISTOGRAM_BUCKETS);
	if (i == 0) {
		return INT64_C(1) << HIST_FIRST_BIT;
	}
	if (i + 1 >= PM_HISTOGRAM_BUCKETS) {
		return INT64_MAX;
	}
	size_t octave = (i - 1) / HIST_SUBS;
	size_t sub = (i - 1) % HIST_SUBS;
	/* Bucket (octave, sub) is [(SUBS + sub), (SUBS + sub + 1)) units of 2^(octave + 10 - SUB_BITS). */
	return (pm_ns)((uint64_t)(HIST_SUBS + sub + 1u) << (octave + HIST_FIRST_BIT - PM_HISTOGRAM_SUB_BITS));
}

void rt_histogram_add(struct rt_histogram *h, pm_ns sample)
{
	assert(h != NULL);
	if (sample < 0) {
		h->negative++;
	}
	h->bucket[rt_histogram_bucket(sample)]++;
}

pm_ns rt_histogram_quantile_upper_ns(const struct rt_histogram *h, uint32_t permille)
{
	assert(h != NULL);
	uint64_t total = 0;
	for (size_t i = 0; i < PM_HISTOGRAM_BUCKETS; i++) {
		total += h->bucket[i];
	}
	if (total == 0) {
		return 0;
	}
	if (permille > 1000) {
		permille = 1000;
	}
	/* ceil(total * permille / 1000) samples must lie below the bound. */
	uint64_t need = (total * permille + 999) / 1000;
	if (need == 0) {
		need = 1;
	}
	uint64_t seen = 0;
	for (size_t i = 0; i < PM_HISTOGRAM_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= need) {
			return rt_histogram_upper_ns(i);
		}
	}
	return INT64_MAX;
}
