/* Prints ns per pm_job_begin()+pm_job_end() pair beside two bare clock_gettime(CLOCK_MONOTONIC) calls
 * measured in the same run (interleaved rounds, median), without and with CPU-time measurement, and
 * the ratios. The monitor side is a segment created in this process; the ring is drained between
 * timed batches so that every pair takes the normal (non-overflow) path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hal/clock.h"
#include "hal/shm.h"
#include "picmon/client.h"
#include "shm_monitor.h"

#define BATCH 200
#define ROUNDS 301

static volatile long sink;

static long long ns_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a;
	double y = *(const double *)b;
	return (x > y) - (x < y);
}

static double batch_clocks(void)
{
	long long t0 = ns_now();
	for (int i = 0; i < BATCH; i++) {
		struct timespec a;
		struct timespec b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		clock_gettime(CLOCK_MONOTONIC, &b);
		sink += a.tv_nsec + b.tv_nsec;
	}
	return (double)(ns_now() - t0) / BATCH;
}

static double batch_pairs(struct rt_shm_slot *slot, int begin_at)
{
	long long t0 = ns_now();
	for (int i = 0; i < BATCH; i++) {
		if (begin_at) {
			(void)pm_job_begin_at(1000);
		} else {
			(void)pm_job_begin();
		}
		(void)pm_job_end();
	}
	double per = (double)(ns_now() - t0) / BATCH;
	struct rt_job_record rec;
	for (int i = 0; i < BATCH + 1 && rt_shm_slot_consume(slot, &rec) == PM_OK; i++) {
	}
	return per;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return v[n / 2];
}

int main(void)
{
	char name[64];
	snprintf(name, sizeof(name), "/picmon-bench-%d", (int)getpid());
	setenv("PICMON_SHM", name, 1);
	const char *models[] = { "bench-model" };
	struct rt_timing_spec spec;
	memset(&spec, 0, sizeof(spec));
	spec.period_ns = 10 * PM_NS_PER_MS;
	struct app_shm mon;
	if (app_shm_create(NULL, 1, models, &spec, 1, &mon) != PM_OK || pm_attach("bench-model") != PM_OK) {
		fprintf(stderr, "bench_client: cannot set up the segment: %s\n", pm_attach_error());
		return 1;
	}
	struct rt_shm_slot *slot = &mon.seg->slots[0];
	static double clk[ROUNDS], pair[ROUNDS], pair_at[ROUNDS], clk2[ROUNDS], cpu[ROUNDS];
	/* Warm-up, then interleaved rounds so that frequency and noise hit all variants alike. */
	for (int r = 0; r < 20; r++) {
		(void)batch_clocks();
		(void)batch_pairs(slot, 0);
	}
	for (int r = 0; r < ROUNDS; r++) {
		clk[r] = batch_clocks();
		pair[r] = batch_pairs(slot, 0);
		pair_at[r] = batch_pairs(slot, 1);
	}
	rt_shm_slot_set_timing(slot, spec.period_ns, 2 * PM_NS_PER_MS); /* a budget: CPU time measured */
	for (int r = 0; r < ROUNDS; r++) {
		clk2[r] = batch_clocks();
		cpu[r] = batch_pairs(slot, 0);
	}
	double c = median(clk, ROUNDS);
	double p = median(pair, ROUNDS);
	double pa = median(pair_at, ROUNDS);
	double c2 = median(clk2, ROUNDS);
	double pc = median(cpu, ROUNDS);
	printf("bench_client: median of %d rounds x %d, ns per operation\n", ROUNDS, BATCH);
	printf("  2 x clock_gettime(CLOCK_MONOTONIC)          %8.1f ns  (reference)\n", c);
	printf("  pm_job_begin() + pm_job_end()               %8.1f ns  ratio %.2f (target <= 1.30)\n", p,
	       p / c);
	printf("  pm_job_begin_at() + pm_job_end()            %8.1f ns  ratio %.2f\n", pa, pa / c);
	printf("  with CPU time (budget set, 2 thread-clock reads) %8.1f ns  ratio %.2f to %.1f ns\n", pc,
	       pc / c2, c2);
	(void)pm_detach();
	(void)app_shm_destroy(&mon);
	return 0;
}
