/* The topology reader and the affinity recommendation over a recorded two-node machine
 * (tests/fixtures/sys-numa2): 8 CPUs in 2 packages, one NUMA node each (node0 CPUs 0-1,4-5,
 * node1 2-3,6-7, plus a memory-only node2 without CPUs), 2 cores x 2 SMT threads per package
 * (siblings N and N+4), L1/L2 per core, one L3 per node (16 MiB and 12 MiB), max frequencies
 * 3.6 GHz on package 0, 2.8 GHz on CPUs 2,6 and 2.0 GHz on CPUs 3,7. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hal/sysinfo.h"
#include "rt/workload.h"

#define ROOT PICMON_SOURCE_DIR "/tests/fixtures/sys-numa2"

static struct hal_topology topo;

static int load_topo(void **state)
{
	(void)state;
	struct hal_procfs fs;
	if (hal_procfs_open(&fs, ROOT) != PM_OK) {
		return -1;
	}
	pm_status st = hal_topology_read(&fs, &topo);
	hal_procfs_close(&fs);
	return st == PM_OK ? 0 : -1;
}

static void assert_set(const struct hal_cpuset *s, const char *expect)
{
	char buf[64];
	assert_int_equal(hal_format_cpulist(s, buf, sizeof(buf)), PM_OK);
	assert_string_equal(buf, expect);
}

static int subset(const struct hal_cpuset *a, const struct hal_cpuset *b)
{
	for (uint32_t c = 0; c < PM_MAX_CPUS; c++) {
		if (hal_cpuset_has(a, c) && !hal_cpuset_has(b, c)) {
			return 0;
		}
	}
	return 1;
}

static void node_set(int32_t node, struct hal_cpuset *out)
{
	hal_cpuset_clear(out);
	for (uint32_t c = 0; c < PM_MAX_CPUS; c++) {
		if (hal_cpuset_has(&topo.online, c) && topo.cpu[c].node == node) {
			(void)hal_cpuset_add(out, c);
		}
	}
}

/* The node all CPUs of `s` are on; -1 when they span nodes (or `s` is empty). */
static int32_t one_node(const struct hal_cpuset *s)
{
	int32_t node = -1;
	for (uint32_t c = 0; c < PM_MAX_CPUS; c++) {
		if (!hal_cpuset_has(s, c)) {
			continue;
		}
		if (node >= 0 && topo.cpu[c].node != node) {
			return -1;
		}
		node = topo.cpu[c].node;
	}
	return node;
}

static void test_read_two_nodes(void **state)
{
	(void)state;
	static const int32_t node[8] = { 0, 0, 1, 1, 0, 0, 1, 1 };
	static const int32_t core[8] = { 0, 1, 0, 1, 0, 1, 0, 1 };
	static const uint32_t khz[8] = { 3600000, 3600000, 2800000, 2000000,
		                         3600000, 3600000, 2800000, 2000000 };
	static const char *const siblings[8] = { "0,4", "1,5", "2,6", "3,7", "0,4", "1,5", "2,6", "3,7" };
	static const char *const nodes[2] = { "0-1,4-5", "2-3,6-7" };
	static const uint64_t l3[2] = { 16u << 20, 12u << 20 };
	assert_int_equal(topo.ncpus, 8);
	assert_set(&topo.online, "0-7");
	assert_set(&topo.present, "0-7");
	assert_int_equal(topo.nnodes, 2); /* node2 has memory only */
	for (int32_t n = 0; n < 2; n++) {
		struct hal_cpuset s;
		node_set(n, &s);
		assert_int_equal(hal_cpuset_count(&s), 4);
		assert_set(&s, nodes[n]);
	}
	for (uint32_t c = 0; c < 8; c++) {
		const struct hal_cpu_topo *t = &topo.cpu[c];
		assert_int_equal(t->node, node[c]);
		assert_int_equal(t->package, node[c]); /* one node per package */
		assert_int_equal(t->core, core[c]);
		assert_int_equal(t->max_khz, khz[c]);
		assert_set(&t->siblings, siblings[c]);
		assert_int_equal(t->ncaches, 4);
		static const uint32_t level[4] = { 1, 1, 2, 3 };
		static const char *const type[4] = { "Data", "Instruction", "Unified", "Unified" };
		const uint64_t size[4] = { 32u << 10, 32u << 10, 1u << 20, l3[node[c]] };
		for (uint32_t i = 0; i < 4; i++) {
			assert_int_equal(t->cache[i].level, level[i]);
			assert_string_equal(t->cache[i].type, type[i]);
			assert_int_equal(t->cache[i].size_bytes, size[i]);
			/* L1 and L2 belong to the core, L3 to the node. */
			assert_set(&t->cache[i].shared, i < 3 ? siblings[c] : nodes[node[c]]);
		}
	}
	/* Beyond the online CPUs nothing is known. */
	assert_int_equal(topo.cpu[8].package, -1);
	assert_int_equal(topo.cpu[8].ncaches, 0);
}

/* Each workload type on the recorded machine, with and without per-CPU load, as the rules of
 * rt/workload.h say. */
static void test_recommend_per_workload(void **state)
{
	(void)state;
	struct hal_cpuset out;
	const char *why = NULL;
	/* Node 0 busy; on node 1 core 3 (CPUs 3,7) is the least busy. */
	static const double busy[PM_MAX_CPUS] = { 0.9, 0.8, 0.5, 0.1, 0.9, 0.8, 0.5, 0.3 };
	static const double core0_idle[PM_MAX_CPUS] = { 0.0, 0.9, 0.9, 0.9, 0.0, 0.9, 0.9, 0.9 };

	/* Steady: one hardware thread of a dedicated physical core, never CPU 0's core. */
	assert_int_equal(rt_affinity_recommend(&topo, RT_WORKLOAD_CPU_INTENSIVE_STEADY, 0, NULL, &out, &why),
	                 PM_OK);
	assert_set(&out, "1");
	assert_non_null(why);
	assert_int_equal(rt_affinity_recommend(&topo, RT_WORKLOAD_CPU_INTENSIVE_STEADY, 0, busy, &out, &why),
	                 PM_OK);
	assert_set(&out, "3");
	assert_int_equal(
	    rt_affinity_recommend(&topo, RT_WORKLOAD_CPU_INTENSIVE_STEADY, 0, core0_idle, &out, &why), PM_OK);
	assert_set(&out, "1"); /* core 0 is idle but kept for interrupts */

	/* Bursty: that core with its SMT sibling, on one node. */
	assert_int_equal(rt_affinity_recommend(&topo, RT_WORKLOAD_CPU_INTENSIVE_BURSTY, 0, NULL, &out, &why),
	                 PM_OK);
	assert_set(&out, "1,5");
	assert_int_equal(rt_affinity_recommend(&topo, RT_WORKLOAD_CPU_INTENSIVE_BURSTY, 6, busy, &out, &why),
	                 PM_OK);
	assert_set(&out, "3,7");
	assert_int_equal(one_node(&out), 1);

	/* Migration-heavy: the two least-busy CPUs of the node the process runs on. */
	assert_int_equal(rt_affinity_recommend(&topo, RT_WORKLOAD_MIGRATION_HEAVY, 6, busy, &out, &why),
	                 PM_OK);
	assert_set(&out, "3,7");
	assert_int_equal(rt_affinity_recommend(&topo, RT_WORKLOAD_MIGRATION_HEAVY, 0, busy, &out, &why),
	                 PM_OK);
	assert_set(&out, "1,5"); /* node 0's least busy, though node 1 is idler */
	assert_int_equal(rt_affinity_recommend(&topo, RT_WORKLOAD_MIGRATION_HEAVY, 5, NULL, &out, &why),
	                 PM_OK);
	assert_set(&out, "0-1");

	/* Cache-sensitive: the CPUs sharing the L3 of the current CPU: its node. */
	assert_int_equal(rt_affinity_recommend(&topo, RT_WORKLOAD_CACHE_SENSITIVE, 5, busy, &out, &why),
	                 PM_OK);
	assert_set(&out, "0-1,4-5");
	assert_int_equal(rt_affinity_recommend(&topo, RT_WORKLOAD_CACHE_SENSITIVE, 7, NULL, &out, &why),
	                 PM_OK);
	assert_set(&out, "2-3,6-7");

	/* I/O bound: the two lowest-frequency CPUs, wherever the process runs. */
	for (int32_t cur = 0; cur < 8; cur++) {
		assert_int_equal(rt_affinity_recommend(&topo, RT_WORKLOAD_IO_BOUND, cur, busy, &out, &why),
		                 PM_OK);
		assert_set(&out, "3,7");
	}

	/* Balanced: the first half of the current node. */
	assert_int_equal(rt_affinity_recommend(&topo, RT_WORKLOAD_BALANCED, 6, NULL, &out, &why), PM_OK);
	assert_set(&out, "2-3");
	assert_int_equal(rt_affinity_recommend(&topo, RT_WORKLOAD_BALANCED, 1, busy, &out, &why), PM_OK);
	assert_set(&out, "0-1");
}

/* For every type and every current CPU: the recommendation is on one node; where the rule names the
 * current CPU's node (migration-heavy, cache-sensitive, balanced) it is that node; the core types
 * give one physical core; the I/O type gives the slowest CPUs. */
static void test_recommend_invariants(void **state)
{
	(void)state;
	static const double busy[PM_MAX_CPUS] = { 0.2, 0.7, 0.4, 0.6, 0.1, 0.3, 0.9, 0.5 };
	for (int type = RT_WORKLOAD_CPU_INTENSIVE_STEADY; type <= RT_WORKLOAD_BALANCED; type++) {
		for (int32_t cur = 0; cur < 8; cur++) {
			for (int loaded = 0; loaded < 2; loaded++) {
				struct hal_cpuset out;
				assert_int_equal(rt_affinity_recommend(&topo, (enum rt_workload_type)type,
				                                       cur, loaded ? busy : NULL, &out, NULL),
				                 PM_OK);
				uint32_t n = hal_cpuset_count(&out);
				assert_true(n >= 1 && subset(&out, &topo.online));
				int32_t node = one_node(&out);
				assert_true(node >= 0);
				uint32_t first = 0;
				while (!hal_cpuset_has(&out, first)) {
					first++;
				}
				switch ((enum rt_workload_type)type) {
				case RT_WORKLOAD_CPU_INTENSIVE_STEADY:
					assert_int_equal(n, 1);
					assert_false(hal_cpuset_has(&topo.cpu[first].siblings, 0));
					break;
				case RT_WORKLOAD_CPU_INTENSIVE_BURSTY:
					assert_true(hal_cpuset_equal(&out, &topo.cpu[first].siblings));
					assert_false(hal_cpuset_has(&out, 0));
					break;
				case RT_WORKLOAD_MIGRATION_HEAVY:
					assert_int_equal(n, 2);
					assert_int_equal(node, topo.cpu[cur].node);
					break;
				case RT_WORKLOAD_CACHE_SENSITIVE:
					assert_true(hal_cpuset_equal(&out, &topo.cpu[cur].cache[3].shared));
					assert_int_equal(node, topo.cpu[cur].node);
					break;
				case RT_WORKLOAD_IO_BOUND:
					assert_int_equal(n, 2);
					for (uint32_t c = 0; c < 8; c++) {
						if (hal_cpuset_has(&out, c)) {
							assert_int_equal(topo.cpu[c].max_khz, 2000000);
						}
					}
					break;
				case RT_WORKLOAD_BALANCED:
				default:
					assert_int_equal(n, 2);
					assert_int_equal(node, topo.cpu[cur].node);
					break;
				}
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_two_nodes),
		cmocka_unit_test(test_recommend_per_workload),
		cmocka_unit_test(test_recommend_invariants),
	};
	return cmocka_run_group_tests(tests, load_topo, NULL);
}
