/* Workload type of cpu-affinity-manager.md and a topology-aware affinity recommendation.
 *
 * The seed tool guessed: "migrations" were context switches and the cache-miss ratio was the share
 * of samples with a migration while CPU < 50 %. Here migrations are the kernel's se.nr_migrations
 * and the cache-miss ratio is misses / references from perf_event_open counters. When either
 * source is unavailable the seed's estimate is used for it and the analysis is marked estimated.
 *
 * Classification (seed thresholds, in order): avg CPU > 80 -> cpu_intensive_steady when the CPU %
 * variance < 100, else cpu_intensive_bursty; migrations > 5/s -> migration_heavy; cache-miss ratio
 * > 0.3 -> cache_sensitive; avg CPU < 20 -> io_bound; else balanced. */
#ifndef RT_WORKLOAD_H
#define RT_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "hal/cpuset.h"
#include "hal/status.h"
#include "hal/sysinfo.h"
#include "rt/time.h"

enum rt_workload_type {
	RT_WORKLOAD_CPU_INTENSIVE_STEADY = 0,
	RT_WORKLOAD_CPU_INTENSIVE_BURSTY = 1,
	RT_WORKLOAD_MIGRATION_HEAVY = 2,
	RT_WORKLOAD_CACHE_SENSITIVE = 3,
	RT_WORKLOAD_IO_BOUND = 4,
	RT_WORKLOAD_BALANCED = 5,
};

/* Accumulates one analysis (Welford for the CPU % variance; fixed memory). */
struct rt_workload_acc {
	uint32_t n;
	double cpu_mean;
	double cpu_m2;
	double cpu_max;
	uint64_t migrations;      /* sum of deltas */
	uint32_t est_cache_hits;  /* seed estimate: samples with a migration while CPU < 50 % */
	bool migrations_measured; /* every sample had se.nr_migrations */
	uint64_t cache_refs;
	uint64_t cache_misses;
	bool cache_measured;
};

struct rt_workload_analysis {
	uint32_t samples;
	double avg_cpu;
	double max_cpu;
	double cpu_variance;
	uint64_t total_migrations;
	double migration_rate; /* per second */
	double cache_miss_ratio;
	bool migrations_estimated; /* from context switches, as the seed did */
	bool cache_estimated;      /* from the seed's heuristic */
	enum rt_workload_type type;
};

void rt_workload_acc_init(struct rt_workload_acc *acc);
/* One sample: CPU % over the last interval and the migrations in it; `measured` false when the
 * count came from context switches (no /proc/PID/sched). */
void rt_workload_acc_add(struct rt_workload_acc *acc, double cpu_percent, uint64_t migrations_delta,
                         bool measured);
/* Counter totals over the analysis, from perf. */
void rt_workload_acc_set_cache(struct rt_workload_acc *acc, uint64_t refs, uint64_t misses);
void rt_workload_finish(const struct rt_workload_acc *acc, pm_ns duration, struct rt_workload_analysis *out);

enum rt_workload_type rt_workload_classify(double avg_cpu, double cpu_variance, double migration_rate,
                                           double cache_miss_ratio);
const char *rt_workload_name(enum rt_workload_type t);

/* Recommends CPUs for a workload type over the online CPUs of `topo`:
 *   cpu_intensive_steady  one dedicated physical core: the first thread of the least-busy core
 *   cpu_intensive_bursty  the least-busy physical core with all its SMT siblings
 *   migration_heavy       one NUMA node (the one of `current_cpu`): its two least-busy CPUs
 *   cache_sensitive       the CPUs sharing the last-level cache of `current_cpu`
 *   io_bound              the two lowest max-frequency CPUs (least busy on ties / unknown)
 *   balanced              the first half (at least one) of the CPUs of the node of `current_cpu`
 * Physical cores other than the one of CPU 0 are preferred when there are several (CPU 0 handles
 * most interrupts). `busy` (may be NULL) is the busy fraction 0..1 of each CPU. `why` gets a short
 * static explanation. PM_ERR_INVAL without online CPUs. */
pm_status rt_affinity_recommend(const struct hal_topology *topo, enum rt_workload_type type,
                                int32_t current_cpu, const double *busy, struct hal_cpuset *out,
                                const char **why);

#endif
