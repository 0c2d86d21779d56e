/* Workload classification and the topology-aware affinity recommendation (rt/workload.h), over the
 * recorded topology of tests/fixtures/proc-normal (4 CPUs: 2 cores x 2 SMT threads, one L3, CPUs 2-3
 * slower) and synthetic ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hal/sysinfo.h"
#include "rt/workload.h"

static struct hal_topology topo;

static int load_topo(void **state)
{
	(void)state;
	struct hal_procfs fs;
	if (hal_procfs_open(&fs, PICMON_SOURCE_DIR "/tests/fixtures/proc-normal") != PM_OK) {
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

static void test_classify_seed_thresholds(void **state)
{
	(void)state;
	assert_int_equal(rt_workload_classify(85, 50, 0, 0), RT_WORKLOAD_CPU_INTENSIVE_STEADY);
	assert_int_equal(rt_workload_classify(85, 100, 0, 0), RT_WORKLOAD_CPU_INTENSIVE_BURSTY);
	assert_int_equal(rt_workload_classify(80, 0, 6, 0), RT_WORKLOAD_MIGRATION_HEAVY);
	assert_int_equal(rt_workload_classify(50, 0, 5, 0.31), RT_WORKLOAD_CACHE_SENSITIVE);
	assert_int_equal(rt_workload_classify(19.9, 0, 5, 0.3), RT_WORKLOAD_IO_BOUND);
	assert_int_equal(rt_workload_classify(20, 0, 5, 0.3), RT_WORKLOAD_BALANCED);
	assert_string_equal(rt_workload_name(RT_WORKLOAD_CPU_INTENSIVE_STEADY), "cpu_intensive_steady");
	assert_string_equal(rt_workload_name(RT_WORKLOAD_CPU_INTENSIVE_BURSTY), "cpu_intensive_bursty");
	assert_string_equal(rt_workload_name(RT_WORKLOAD_MIGRATION_HEAVY), "migration_heavy");
	assert_string_equal(rt_workload_name(RT_WORKLOAD_CACHE_SENSITIVE), "cache_sensitive");
	assert_string_equal(rt_workload_name(RT_WORKLOAD_IO_BOUND), "io_bound");
	assert_string_equal(rt_workload_name(RT_WORKLOAD_BALANCED), "balanced");
}

static void test_accumulate_measured_and_estimated(void **state)
{
	(void)state;
	struct rt_workload_acc acc;
	struct rt_workload_analysis an;
	rt_workload_acc_init(&acc);
	for (int i = 0; i < 10; i++) {
		rt_workload_acc_add(&acc, i % 2 == 0 ? 95.0 : 75.0, 1, true);
	}
	rt_workload_acc_set_cache(&acc, 1000, 100);
	rt_workload_finish(&acc, 10 * PM_NS_PER_S, &an);
	assert_int_equal(an.samples, 10);
	assert_true(an.avg_cpu > 84.99 && an.avg_cpu < 85.01);
	assert_true(an.cpu_variance > 99.99 && an.cpu_variance < 100.01); /* population variance */
	assert_true(an.migration_rate > 0.99 && an.migration_rate < 1.01);
	assert_true(an.cache_miss_ratio > 0.099 && an.cache_miss_ratio < 0.101);
	assert_false(an.cache_estimated);
	assert_false(an.migrations_estimated);
	assert_int_equal(an.type, RT_WORKLOAD_CPU_INTENSIVE_BURSTY);
	/* Without perf: the seed's heuristic (migration while CPU < 50 %), marked estimated. */
	rt_workload_acc_init(&acc);
	for (int i = 0; i < 10; i++) {
		rt_workload_acc_add(&acc, 30.0, i < 4 ? 1 : 0, false);
	}
	rt_workload_finish(&acc, 10 * PM_NS_PER_S, &an);
	assert_true(an.cache_estimated);
	assert_true(an.migrations_estimated);
	assert_true(an.cache_miss_ratio > 0.399 && an.cache_miss_ratio < 0.401);
	assert_int_equal(an.type, RT_WORKLOAD_CACHE_SENSITIVE);
	/* Many measured migrations. */
	rt_workload_acc_init(&acc);
	for (int i = 0; i < 4; i++) {
		rt_workload_acc_add(&acc, 40.0, 30, true);
	}
	rt_workload_acc_set_cache(&acc, 0, 0);
	rt_workload_finish(&acc, 4 * PM_NS_PER_S, &an);
	assert_int_equal(an.total_migrations, 120);
	assert_int_equal(an.type, RT_WORKLOAD_MIGRATION_HEAVY);
}

static void test_recommend_on_fixture_topology(void **state)
{
	(void)state;
	struct hal_cpuset out;
	const char *why = NULL;
	double busy[PM_MAX_CPUS];
	memset(busy, 0, sizeof(busy));
	/* Steady: a dedicated core, not core 0 (CPUs 0,2): core 1's first thread. */
	assert_int_equal(rt_affinity_recommend(&topo, RT_WORKLOAD_CPU_INTENSIVE_STEADY, 0, busy, &out, &why),
	                 PM_OK);
	assert_set(&out, "1");
	assert_non_null(why);
	/* Bursty: that core with its SMT sibling. */
	assert_int_equal(rt_affinity_recommend(&topo, RT_WORKLOAD_CPU_INTENSIVE_BURSTY, 0, busy, &out, &why),
	                 PM_OK);
	assert_set(&out, "1,3");
	/* Migration-heavy: two least-busy CPUs of the node. */
	busy[0] = 0.9;
	busy[1] = 0.1;
	busy[2] = 0.5;
	busy[3] = 0.2;
	assert_int_equal(rt_affinity_recommend(&topo, RT_WORKLOAD_MIGRATION_HEAVY, 2, busy, &out, &why),
	                 PM_OK);
	assert_set(&out, "1,3");
	/* Cache-sensitive: the L3 sharers. */
	assert_int_equal(rt_affinity_recommend(&topo, RT_WORKLOAD_CACHE_SENSITIVE, 1, busy, &out, &why),
	                 PM_OK);
	assert_set(&out, "0-3");
	/* I/O bound: the slow CPUs 2 and 3. */
	assert_int_equal(rt_affinity_recommend(&topo, RT_WORKLOAD_IO_BOUND, 0, busy, &out, &why), PM_OK);
	assert_set(&out, "2-3");
	/* Balanced: first half of the node. */
	assert_int_equal(rt_affinity_recommend(&topo, RT_WORKLOAD_BALANCED, 0, NULL, &out, &why), PM_OK);
	assert_set(&out, "0-1");
}

static void test_recommend_edge_topologies(void **state)
{
	(void)state;
	static struct hal_topology t;
	memset(&t, 0, sizeof(t));
	struct hal_cpuset out;
	assert_int_equal(rt_affinity_recommend(&t, RT_WORKLOAD_BALANCED, 0, NULL, &out, NULL), PM_ERR_INVAL);
	/* One CPU, nothing known about it. */
	(void)hal_cpuset_add(&t.online, 0);
	(void)hal_cpuset_add(&t.cpu[0].siblings, 0);
	for (int type = RT_WORKLOAD_CPU_INTENSIVE_STEADY; type <= RT_WORKLOAD_BALANCED; type++) {
		assert_int_equal(rt_affinity_recommend(&t, (enum rt_workload_type)type, 5, NULL, &out, NULL),
		                 PM_OK);
		assert_set(&out, "0");
	}
	/* Two NUMA nodes: migration-heavy stays on the process's node. */
	for (uint32_t c = 0; c < 8; c++) {
		(void)hal_cpuset_add(&t.online, c);
		hal_cpuset_clear(&t.cpu[c].siblings);
		(void)hal_cpuset_add(&t.cpu[c].siblings, c);
		t.cpu[c].node = c < 4 ? 0 : 1;
	}
	assert_int_equal(rt_affinity_recommend(&t, RT_WORKLOAD_MIGRATION_HEAVY, 6, NULL, &out, NULL), PM_OK);
	assert_set(&out, "4-5");
	assert_int_equal(rt_affinity_recommend(&t, RT_WORKLOAD_BALANCED, 6, NULL, &out, NULL), PM_OK);
	assert_set(&out, "4-5");
	/* No cache information: the node instead. */
	assert_int_equal(rt_affinity_recommend(&t, RT_WORKLOAD_CACHE_SENSITIVE, 1, NULL, &out, NULL), PM_OK);
	assert_set(&out, "0-3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify_seed_thresholds),
		cmocka_unit_test(test_accumulate_measured_and_estimated),
		cmocka_unit_test(test_recommend_on_fixture_topology),
		cmocka_unit_test(test_recommend_edge_topologies),
	};
	return cmocka_run_group_tests(tests, load_topo, NULL);
}
