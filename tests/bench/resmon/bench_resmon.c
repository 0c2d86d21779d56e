/* Prints what the resource monitor costs per operation with every capacity of rt/limits.h in use:
 * a Model event (state move, Package/Scenario derivation, dependency evaluation, records), a metric
 * sample (thresholds and anomaly baseline), a tick, the summary JSON and a baseline save.
 * There is no reference tool doing the same work, so the figures stand alone (ns per operation).
 * Run: build/host/tests/bench/resmon/bench_resmon [iterations] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/clock.h"
#include "rt/resmon.h"

static struct rt_resmon mon;
static char summary[RT_RESMON_SUMMARY_SIZE];
static uint8_t blob[RT_BASELINE_BLOB_MAX];
static uint64_t sunk;

static void count_sink(void *ctx, const struct rt_record *rec)
{
	(void)ctx;
	sunk += rec->kind;
}

static void setup(void)
{
	struct rt_record_sink sink = { count_sink, NULL };
	rt_resmon_init(&mon, sink);
	static const uint32_t cap[RT_RES_TYPE_COUNT] = { PM_MAX_SCENARIOS, PM_MAX_PACKAGES, PM_MAX_MODELS,
		                                         PM_MAX_NODES };
	for (uint32_t t = 0; t < RT_RES_TYPE_COUNT; t++) {
		for (uint32_t i = 0; i < cap[t]; i++) {
			char name[PM_MAX_NAME];
			(void)snprintf(name, sizeof(name), "resource-%u-%u", t, i);
			if (rt_resmon_add(&mon, (enum rt_resource_type)t, name, NULL) != PM_OK) {
				exit(1);
			}
		}
	}
	for (uint32_t s = 0; s < PM_MAX_SCENARIOS; s++) {
		for (uint32_t p = 0; p < PM_MAX_PACKAGES_PER_SCENARIO; p++) {
			(void)rt_resmon_add_child(&mon, RT_RES_SCENARIO, s, (s + p) % PM_MAX_PACKAGES);
		}
	}
	for (uint32_t p = 0; p < PM_MAX_PACKAGES; p++) {
		for (uint32_t c = 0; c < PM_MAX_MODELS_PER_PACKAGE; c++) {
			(void)rt_resmon_add_child(&mon, RT_RES_PACKAGE, p, (p * 2 + c) % PM_MAX_MODELS);
		}
	}
	char err[128];
	if (rt_resmon_start(&mon, PM_NS_PER_S, err, sizeof(err)) != PM_OK) {
		fprintf(stderr, "start: %s\n", err);
		exit(1);
	}
}

static void report(const char *what, int64_t t0, int64_t t1, long n)
{
	printf("%-44s %10.0f ns/op  (%ld ops)\n", what, (double)(t1 - t0) / (double)n, n);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
	if (n <= 0) {
		return 2;
	}
	setup();
	pm_ns now = 2 * PM_NS_PER_S;
	int64_t t0 = hal_clock_mono_ns();
	for (long i = 0; i < n; i++) {
		uint32_t model = (uint32_t)i % PM_MAX_MODELS;
		enum rt_sm_event ev = (i / PM_MAX_MODELS) % 2 == 0 ? RT_EV_CRASHED : RT_EV_RESTARTED;
		(void)rt_resmon_model_event(&mon, model, ev, now += PM_NS_PER_MS);
	}
	int64_t t1 = hal_clock_mono_ns();
	report("model event (move + derive + dependencies)", t0, t1, n);
	t0 = hal_clock_mono_ns();
	for (long i = 0; i < n; i++) {
		(void)rt_resmon_model_event(&mon, (uint32_t)i % PM_MAX_MODELS, RT_EV_SUP_OK,
		                            now += PM_NS_PER_MS);
	}
	t1 = hal_clock_mono_ns();
	report("model event that moves nothing", t0, t1, n);
	t0 = hal_clock_mono_ns();
	for (long i = 0; i < n; i++) {
		(void)rt_resmon_observe_metric(&mon, RT_RES_MODEL, (uint32_t)i % PM_MAX_MODELS,
		                               RT_MET_EXECUTION_TIME, 100.0 + (double)(i % 7),
		                               now += PM_NS_PER_MS);
	}
	t1 = hal_clock_mono_ns();
	report("metric sample (thresholds + baseline)", t0, t1, n);
	long ticks = n / 10 > 0 ? n / 10 : 1;
	t0 = hal_clock_mono_ns();
	for (long i = 0; i < ticks; i++) {
		rt_resmon_tick(&mon, now += PM_NS_PER_MS);
	}
	t1 = hal_clock_mono_ns();
	report("tick over every resource", t0, t1, ticks);
	size_t len = 0;
	long reps = 20;
	t0 = hal_clock_mono_ns();
	for (long i = 0; i < reps; i++) {
		if (rt_resmon_summary_json(&mon, now, summary, sizeof(summary), &len) != PM_OK) {
			return 1;
		}
	}
	t1 = hal_clock_mono_ns();
	report("summary JSON of a full configuration", t0, t1, reps);
	printf("%-44s %10zu bytes\n", "summary size", len);
	t0 = hal_clock_mono_ns();
	for (long i = 0; i < reps; i++) {
		if (rt_resmon_baseline_save(&mon, blob, sizeof(blob), &len) != PM_OK) {
			return 1;
		}
	}
	t1 = hal_clock_mono_ns();
	report("baseline save", t0, t1, reps);
	printf("%-44s %10zu bytes\n", "baseline size", len);
	printf("%-44s %10zu bytes\n", "sizeof(struct rt_resmon)", sizeof(struct rt_resmon));
	printf("records emitted: %llu (checksum %llu)\n", (unsigned long long)mon.records,
	       (unsigned long long)sunk);
	return 0;
}
