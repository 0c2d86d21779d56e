/* Workload classification and topology-aware affinity recommendation (rt/workload.h). */
#include "rt/workload.h"

#include <string.h>

void rt_workload_acc_init(struct rt_workload_acc *acc)
{
	memset(acc, 0, sizeof(*acc));
	acc->migrations_measured = true;
}

void rt_workload_acc_add(struct rt_workload_acc *acc, double cpu_percent, uint64_t migrations_delta,
                         bool measured)
{
	acc->n++;
	double d = cpu_percent - acc->cpu_mean;
	acc->cpu_mean += d / acc->n;
	acc->cpu_m2 += d * (cpu_percent - acc->cpu_mean);
	if (cpu_percent > acc->cpu_max) {
		acc->cpu_max = cpu_percent;
	}
	acc->migrations += migrations_delta;
	if (!measured) {
		acc->migrations_measured = false;
	}
	if (migrations_delta > 0 && cpu_percent < 50.0) {
		acc->est_cache_hits++;
	}
}

void rt_workload_acc_set_cache(struct rt_workload_acc *acc, uint64_t refs, uint64_t misses)
{
	acc->cache_refs = refs;
	acc->cache_misses = misses;
	acc->cache_measured = true;
}

void rt_workload_finish(const struct rt_workload_acc *acc, pm_ns duration, struct rt_workload_analysis *out)
{
	memset(out, 0, sizeof(*out));
	out->samples = acc->n;
	out->avg_cpu = acc->cpu_mean;
	out->max_cpu = acc->cpu_max;
	/* Population variance, as numpy.var in the seed. */
	out->cpu_variance = acc->n > 0 ? acc->cpu_m2 / acc->n : 0.0;
	out->total_migrations = acc->migrations;
	out->migration_rate =
	    duration > 0 ? (double)acc->migrations * (double)PM_NS_PER_S / (double)duration : 0.0;
	out->migrations_estimated = !acc->migrations_measured;
	if (acc->cache_measured && acc->cache_refs > 0) {
		out->cache_miss_ratio = (double)acc->cache_misses / (double)acc->cache_refs;
	} else if (acc->cache_measured) {
		out->cache_miss_ratio = 0.0; /* counted, and nothing touched the cache hierarchy */
	} else {
		out->cache_estimated = true;
		out->cache_miss_ratio = acc->n > 0 ? (double)acc->est_cache_hits / acc->n : 0.0;
	}
	out->type =
	    rt_workload_classify(out->avg_cpu, out->cpu_variance, out->migration_rate, out->cache_miss_ratio);
}

enum rt_workload_type rt_workload_classify(double avg_cpu, double cpu_variance, double migration_rate,
                                           double cache_miss_ratio)
{
	if (avg_cpu > 80.0) {
		return cpu_variance < 100.0 ? RT_WORKLOAD_CPU_INTENSIVE_STEADY
		                            : RT_WORKLOAD_CPU_INTENSIVE_BURSTY;
	}
	if (migration_rate > 5.0) {
		return RT_WORKLOAD_MIGRATION_HEAVY;
	}
	if (cache_miss_ratio > 0.3) {
		return RT_WORKLOAD_CACHE_SENSITIVE;
	}
	if (avg_cpu < 20.0) {
		return RT_WORKLOAD_IO_BOUND;
	}
	return RT_WORKLOAD_BALANCED;
}

const char *rt_workload_name(enum rt_workload_type t)
{
	switch (t) {
	case RT_WORKLOAD_CPU_INTENSIVE_STEADY:
		return "cpu_intensive_steady";
	case RT_WORKLOAD_CPU_INTENSIVE_BURSTY:
		return "cpu_intensive_bursty";
	case RT_WORKLOAD_MIGRATION_HEAVY:
		return "migration_heavy";
	case RT_WORKLOAD_CACHE_SENSITIVE:
		return "cache_sensitive";
	case RT_WORKLOAD_IO_BOUND:
		return "io_bound";
	case RT_WORKLOAD_BALANCED:
		return "balanced";
	default:
		return "unknown";
	}
}

static double cpu_busy(const double *busy, uint32_t cpu)
{
	return busy != NULL ? busy[cpu] : 0.0;
}

/* Busy average of a physical core (its sibling set). */
static double core_busy(const struct hal_topology *topo, const double *busy, uint32_t cpu)
{
	double sum = 0.0;
	uint32_t n = 0;
	for (uint32_t c = 0; c < PM_MAX_CPUS; c++) {
		if (hal_cpuset_has(&topo->cpu[cpu].siblings, c) && hal_cpuset_has(&topo->online, c)) {
			sum += cpu_busy(busy, c);
			n++;
		}
	}
	return n > 0 ? sum / n : 0.0;
}

/* First online CPU of each physical core (the lowest id among its siblings). */
static bool is_core_leader(const struct hal_topology *topo, uint32_t cpu)
{
	for (uint32_t c = 0; c < cpu; c++) {
		if (hal_cpuset_has(&topo->cpu[cpu].siblings, c) && hal_cpuset_has(&topo->online, c)) {
			return false;
		}
	}
	return true;
}

static int32_t least_busy_core(const struct hal_topology *topo, const double *busy)
{
	uint32_t cores = 0;
	for (uint32_t c = 0; c < PM_MAX_CPUS; c++) {
		cores += (hal_cpuset_has(&topo->online, c) && is_core_leader(topo, c)) ? 1u : 0u;
	}
	int32_t best = -1;
	double best_busy = 0.0;
	for (uint32_t c = 0; c < PM_MAX_CPUS; c++) {
		if (!hal_cpuset_has(&topo->online, c) || !is_core_leader(topo, c)) {
			continue;
		}
		if (cores > 1 && hal_cpuset_has(&topo->cpu[c].siblings, 0)) {
			continue; /* keep the interrupt-heavy core 0 for the rest of the system */
		}
		double b = core_busy(topo, busy, c);
		if (best < 0 || b < best_busy) {
			best = (int32_t)c;
			best_busy = b;
		}
	}
	return best;
}

/* Adds the `count` least-busy CPUs of `from` to out (ties: lower id). */
static void add_least_busy(const struct hal_topology *topo, const struct hal_cpuset *from, const double *busy,
                           uint32_t count, struct hal_cpuset *out)
{
	for (uint32_t k = 0; k < count; k++) {
		int32_t best = -1;
		for (uint32_t c = 0; c < PM_MAX_CPUS; c++) {
			if (!hal_cpuset_has(from, c) || !hal_cpuset_has(&topo->online, c) ||
			    hal_cpuset_has(out, c)) {
				continue;
			}
			if (best < 0 || cpu_busy(busy, c) < cpu_busy(busy, (uint32_t)best)) {
				best = (int32_t)c;
			}
		}
		if (best < 0) {
			return;
		}
		(void)hal_cpuset_add(out, (uint32_t)best);
	}
}

static void node_cpus(const struct hal_topology *topo, int32_t node, struct hal_cpuset *out)
{
	hal_cpuset_clear(out);
	for (uint32_t c = 0; c < PM_MAX_CPUS; c++) {
		if (hal_cpuset_has(&topo->online, c) && topo->cpu[c].node == node) {
			(void)hal_cpuset_add(out, c);
		}
	}
}

static uint32_t first_online(const struct hal_topology *topo)
{
	for (uint32_t c = 0; c < PM_MAX_CPUS; c++) {
		if (hal_cpuset_has(&topo->online, c)) {
			return c;
		}
	}
	return 0;
}

pm_status rt_affinity_recommend(const struct hal_topology *topo, enum rt_workload_type type,
                                int32_t current_cpu, const double *busy, struct hal_cpuset *out,
                                const char **why)
{
	if (topo == NULL || out == NULL || hal_cpuset_count(&topo->online) == 0) {
		return PM_ERR_INVAL;
	}
	hal_cpuset_clear(out);
	const char *reason = "";
	uint32_t cur = (current_cpu >= 0 && hal_cpuset_has(&topo->online, (uint32_t)current_cpu))
	                   ? (uint32_t)current_cpu
	                   : first_online(topo);
	struct hal_cpuset set;
	switch (type) {
	case RT_WORKLOAD_CPU_INTENSIVE_STEADY: {
		int32_t core = least_busy_core(topo, busy);
		(void)hal_cpuset_add(out, core >= 0 ? (uint32_t)core : cur);
		reason = "dedicated physical core (first hardware thread of the least-busy core)";
		break;
	}
	case RT_WORKLOAD_CPU_INTENSIVE_BURSTY: {
		int32_t core = least_busy_core(topo, busy);
		uint32_t leader = core >= 0 ? (uint32_t)core : cur;
		for (uint32_t c = 0; c < PM_MAX_CPUS; c++) {
			if (hal_cpuset_has(&topo->cpu[leader].siblings, c) &&
			    hal_cpuset_has(&topo->online, c)) {
				(void)hal_cpuset_add(out, c);
			}
		}
		(void)hal_cpuset_add(out, leader);
		reason = "one physical core with its SMT siblings (least-busy core)";
		break;
	}
	case RT_WORKLOAD_MIGRATION_HEAVY:
		node_cpus(topo, topo->cpu[cur].node, &set);
		add_least_busy(topo, &set, busy, 2, out);
		reason = "two least-busy CPUs of the NUMA node the process runs on";
		break;
	case RT_WORKLOAD_CACHE_SENSITIVE: {
		const struct hal_cache *llc = NULL;
		for (uint32_t i = 0; i < topo->cpu[cur].ncaches; i++) {
			const struct hal_cache *c = &topo->cpu[cur].cache[i];
			if (strcmp(c->type, "Instruction") != 0 && (llc == NULL || c->level > llc->level)) {
				llc = c;
			}
		}
		if (llc != NULL) {
			for (uint32_t c = 0; c < PM_MAX_CPUS; c++) {
				if (hal_cpuset_has(&llc->shared, c) && hal_cpuset_has(&topo->online, c)) {
					(void)hal_cpuset_add(out, c);
				}
			}
			reason = "CPUs sharing the last-level cache of the CPU the process runs on";
		} else {
			node_cpus(topo, topo->cpu[cur].node, out);
			reason = "no cache topology in /sys: the CPUs of the process's NUMA node";
		}
		break;
	}
	case RT_WORKLOAD_IO_BOUND: {
		uint32_t min_khz = UINT32_MAX;
		for (uint32_t c = 0; c < PM_MAX_CPUS; c++) {
			if (hal_cpuset_has(&topo->online, c) && topo->cpu[c].max_khz < min_khz) {
				min_khz = topo->cpu[c].max_khz;
			}
		}
		hal_cpuset_clear(&set);
		for (uint32_t c = 0; c < PM_MAX_CPUS; c++) {
			if (hal_cpuset_has(&topo->online, c) && topo->cpu[c].max_khz == min_khz) {
				(void)hal_cpuset_add(&set, c);
			}
		}
		add_least_busy(topo, &set, busy, 2, out);
		if (hal_cpuset_count(out) < 2) {
			add_least_busy(topo, &topo->online, busy, 2 - hal_cpuset_count(out), out);
		}
		reason = min_khz == 0 ? "frequencies unknown (no cpufreq): two least-busy CPUs"
		                      : "two lowest-frequency (energy-efficient) CPUs";
		break;
	}
	case RT_WORKLOAD_BALANCED:
	default: {
		node_cpus(topo, topo->cpu[cur].node, &set);
		uint32_t half = hal_cpuset_count(&set) / 2;
		half = half > 0 ? half : 1;
		for (uint32_t c = 0; c < PM_MAX_CPUS && hal_cpuset_count(out) < half; c++) {
			if (hal_cpuset_has(&set, c)) {
				(void)hal_cpuset_add(out, c);
			}
		}
		reason = "first half of the CPUs of the process's NUMA node";
		break;
	}
	}
	if (hal_cpuset_count(out) == 0) {
		(void)hal_cpuset_add(out, cur);
	}
	if (why != NULL) {
		*why = reason;
	}
	return PM_OK;
}
