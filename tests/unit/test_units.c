/* Unit tests of the configuration value parsers (rt/units.h), the CPU set, ASIL cycles and the
 * per-CPU bound tests (rt/schedulability.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rt/config.h"
#include "rt/schedulability.h"
#include "rt/units.h"

#define S(text) text, strlen(text)

static void test_size(void **state)
{
	(void)state;
	uint64_t v = 0;
	assert_int_equal(rt_size_parse(S("512Mi"), &v), PM_OK);
	assert_true(v == UINT64_C(512) << 20);
	assert_int_equal(rt_size_parse(S("1Gi"), &v), PM_OK);
	assert_true(v == UINT64_C(1) << 30);
	assert_int_equal(rt_size_parse(S("64Ki"), &v), PM_OK);
	assert_true(v == 65536);
	assert_int_equal(rt_size_parse(S("100MB"), &v), PM_OK);
	assert_true(v == 100000000);
	assert_int_equal(rt_size_parse(S("1G"), &v), PM_OK);
	assert_true(v == 1000000000);
	assert_int_equal(rt_size_parse(S("4096"), &v), PM_OK);
	assert_true(v == 4096);
	assert_int_equal(rt_size_parse(S("1.5Gi"), &v), PM_OK);
	assert_true(v == (UINT64_C(3) << 29));
	assert_int_equal(rt_size_parse(S("5.6MB"), &v), PM_OK);
	assert_true(v == 5600000);
	assert_int_equal(rt_size_parse(S("0B"), &v), PM_OK);
	assert_true(v == 0);
	assert_int_equal(rt_size_parse(S(""), &v), PM_ERR_PARSE);
	assert_int_equal(rt_size_parse(S("Mi"), &v), PM_ERR_PARSE);
	assert_int_equal(rt_size_parse(S("12mi"), &v), PM_ERR_PARSE);
	assert_int_equal(rt_size_parse(S("-1Mi"), &v), PM_ERR_PARSE);
	assert_int_equal(rt_size_parse(S("1.Mi"), &v), PM_ERR_PARSE);
	assert_int_equal(rt_size_parse(S("1 Mi"), &v), PM_ERR_PARSE);
	assert_int_equal(rt_size_parse(S("99999999999Ti"), &v), PM_ERR_INVAL);
	assert_int_equal(rt_size_parse(S("18446744073709551616"), &v), PM_ERR_INVAL);
}

static void test_cpu_qty(void **state)
{
	(void)state;
	uint32_t m = 0;
	assert_int_equal(rt_cpu_qty_parse(S("500m"), &m), PM_OK);
	assert_int_equal(m, 500);
	assert_int_equal(rt_cpu_qty_parse(S("1"), &m), PM_OK);
	assert_int_equal(m, 1000);
	assert_int_equal(rt_cpu_qty_parse(S("1.5"), &m), PM_OK);
	assert_int_equal(m, 1500);
	assert_int_equal(rt_cpu_qty_parse(S("0.25"), &m), PM_OK);
	assert_int_equal(m, 250);
	assert_int_equal(rt_cpu_qty_parse(S("0"), &m), PM_OK);
	assert_int_equal(m, 0);
	assert_int_equal(rt_cpu_qty_parse(S("256"), &m), PM_OK);
	assert_int_equal(m, 256000);
	assert_int_equal(rt_cpu_qty_parse(S("257"), &m), PM_ERR_INVAL);
	assert_int_equal(rt_cpu_qty_parse(S("0.0001"), &m), PM_ERR_INVAL); /* finer than 1m */
	assert_int_equal(rt_cpu_qty_parse(S("1.5m"), &m), PM_ERR_PARSE);
	assert_int_equal(rt_cpu_qty_parse(S("500M"), &m), PM_ERR_PARSE);
	assert_int_equal(rt_cpu_qty_parse(S("m"), &m), PM_ERR_PARSE);
	assert_int_equal(rt_cpu_qty_parse(S("two"), &m), PM_ERR_PARSE);
}

static void test_percent(void **state)
{
	(void)state;
	uint32_t bp = 0;
	assert_int_equal(rt_percent_parse(S("80%"), &bp), PM_OK);
	assert_int_equal(bp, 8000);
	assert_int_equal(rt_percent_parse(S("0.5%"), &bp), PM_OK);
	assert_int_equal(bp, 50);
	assert_int_equal(rt_percent_parse(S("100%"), &bp), PM_OK);
	assert_int_equal(bp, 10000);
	assert_int_equal(rt_percent_parse(S("0%"), &bp), PM_OK);
	assert_int_equal(bp, 0);
	assert_int_equal(rt_percent_parse(S("100.01%"), &bp), PM_ERR_INVAL);
	assert_int_equal(rt_percent_parse(S("0.001%"), &bp), PM_ERR_INVAL);
	assert_int_equal(rt_percent_parse(S("80"), &bp), PM_ERR_PARSE);
	assert_int_equal(rt_percent_parse(S("0.8"), &bp), PM_ERR_PARSE);
	assert_int_equal(rt_percent_parse(S("%"), &bp), PM_ERR_PARSE);
	assert_int_equal(rt_percent_parse(S("80 %"), &bp), PM_ERR_PARSE);
}

static void test_cpulist(void **state)
{
	(void)state;
	struct hal_cpuset set;
	hal_cpuset_clear(&set);
	assert_int_equal(rt_cpulist_parse(S("2-3"), &set), PM_OK);
	assert_int_equal(hal_cpuset_count(&set), 2);
	assert_true(hal_cpuset_has(&set, 2) && hal_cpuset_has(&set, 3));
	hal_cpuset_clear(&set);
	assert_int_equal(rt_cpulist_parse(S("0, 2-4,255"), &set), PM_OK);
	assert_int_equal(hal_cpuset_count(&set), 5);
	assert_true(hal_cpuset_has(&set, 255));
	assert_false(hal_cpuset_has(&set, 1));
	struct hal_cpuset before = set;
	assert_int_equal(rt_cpulist_parse(S("256"), &set), PM_ERR_INVAL);
	assert_int_equal(rt_cpulist_parse(S("3-2"), &set), PM_ERR_INVAL);
	assert_int_equal(rt_cpulist_parse(S("1,"), &set), PM_ERR_PARSE);
	assert_int_equal(rt_cpulist_parse(S(""), &set), PM_ERR_PARSE);
	assert_int_equal(rt_cpulist_parse(S("a"), &set), PM_ERR_PARSE);
	assert_int_equal(rt_cpulist_parse(S("1;2"), &set), PM_ERR_PARSE);
	assert_true(hal_cpuset_equal(&before, &set)); /* a failed parse leaves the set alone */
	assert_false(hal_cpuset_add(&set, PM_MAX_CPUS));
}

static void test_asil(void **state)
{
	(void)state;
	enum rt_asil a = RT_ASIL_QM;
	assert_int_equal(rt_asil_parse(S("B"), &a), PM_OK);
	assert_int_equal(a, RT_ASIL_B);
	assert_int_equal(rt_asil_parse(S("qm"), &a), PM_OK);
	assert_int_equal(a, RT_ASIL_QM);
	assert_int_equal(rt_asil_parse(S("ASIL-D"), &a), PM_OK);
	assert_int_equal(a, RT_ASIL_D);
	assert_int_equal(rt_asil_parse(S("asil c"), &a), PM_OK);
	assert_int_equal(a, RT_ASIL_C);
	assert_int_equal(rt_asil_parse(S("E"), &a), PM_ERR_PARSE);
	assert_int_equal(rt_asil_parse(S(""), &a), PM_ERR_PARSE);
	assert_int_equal(rt_asil_parse(S("ASIL"), &a), PM_ERR_PARSE);
	assert_int_equal(rt_asil_parse(S("AB"), &a), PM_ERR_PARSE);
	assert_string_equal(rt_asil_name(RT_ASIL_A), "A");
	assert_string_equal(rt_asil_name(RT_ASIL_QM), "QM");
	assert_true(rt_config_cycle_for_asil(RT_ASIL_D) == 5 * PM_NS_PER_MS);
	assert_true(rt_config_cycle_for_asil(RT_ASIL_C) == 50 * PM_NS_PER_MS);
	assert_true(rt_config_cycle_for_asil(RT_ASIL_B) == 100 * PM_NS_PER_MS);
	assert_true(rt_config_cycle_for_asil(RT_ASIL_A) == 500 * PM_NS_PER_MS);
	assert_true(rt_config_cycle_for_asil(RT_ASIL_QM) == PM_NS_PER_S);
}

static void test_integers(void **state)
{
	(void)state;
	uint64_t u = 0;
	int64_t i = 0;
	assert_int_equal(rt_u64_parse(S("4096"), &u), PM_OK);
	assert_true(u == 4096);
	assert_int_equal(rt_u64_parse(S("0x1000"), &u), PM_OK);
	assert_true(u == 4096);
	assert_int_equal(rt_u64_parse(S("0xFFFFFFFFFFFFFFFF"), &u), PM_OK);
	assert_true(u == UINT64_MAX);
	assert_int_equal(rt_u64_parse(S("0x10000000000000000"), &u), PM_ERR_INVAL);
	assert_int_equal(rt_u64_parse(S("18446744073709551616"), &u), PM_ERR_INVAL);
	assert_int_equal(rt_u64_parse(S("0xg"), &u), PM_ERR_PARSE);
	assert_int_equal(rt_u64_parse(S(""), &u), PM_ERR_PARSE);
	assert_int_equal(rt_i64_parse(S("-5"), -10, 10, &i), PM_OK);
	assert_true(i == -5);
	assert_int_equal(rt_i64_parse(S("+7"), 0, 10, &i), PM_OK);
	assert_true(i == 7);
	assert_int_equal(rt_i64_parse(S("11"), -10, 10, &i), PM_ERR_INVAL);
	assert_int_equal(rt_i64_parse(S("-9223372036854775808"), INT64_MIN, INT64_MAX, &i), PM_OK);
	assert_true(i == INT64_MIN);
	assert_int_equal(rt_i64_parse(S("9223372036854775808"), INT64_MIN, INT64_MAX, &i), PM_ERR_INVAL);
	assert_int_equal(rt_i64_parse(S("1.5"), 0, 10, &i), PM_ERR_PARSE);
	assert_int_equal(rt_i64_parse(S("-"), 0, 10, &i), PM_ERR_PARSE);
}

static struct rt_config cfg;

static void add_model(const char *name, pm_ns period, pm_ns deadline, pm_ns budget, uint32_t cpu)
{
	struct rt_model_cfg *m = &cfg.models[cfg.n_models++];
	memset(m, 0, sizeof(*m));
	strcpy(m->name, name);
	m->time_critical = true;
	m->timing.period_ns = period;
	m->timing.deadline_ns = deadline;
	m->timing.budget_ns = budget;
	(void)hal_cpuset_add(&m->cpus, cpu);
}

static void test_bounds(void **state)
{
	(void)state;
	static struct rt_cpu_load loads[PM_MAX_CPUS];
	memset(&cfg, 0, sizeof(cfg));
	/* CPU 0: one task at exactly U = 1 passes both. */
	add_model("a", 10 * PM_NS_PER_MS, 10 * PM_NS_PER_MS, 10 * PM_NS_PER_MS, 0);
	/* CPU 1: two tasks of U = 0.4 each: 0.8 > LL(2) = 0.828? no, passes LL; hyperbolic 1.96 passes. */
	add_model("b", 10 * PM_NS_PER_MS, 10 * PM_NS_PER_MS, 4 * PM_NS_PER_MS, 1);
	add_model("c", 20 * PM_NS_PER_MS, 20 * PM_NS_PER_MS, 8 * PM_NS_PER_MS, 1);
	/* CPU 2: U = 0.5 + 0.35 = 0.85 > LL(2) 0.8284 but product 1.5*1.35 = 2.025 > 2: inconclusive both. */
	add_model("d", 10 * PM_NS_PER_MS, 10 * PM_NS_PER_MS, 5 * PM_NS_PER_MS, 2);
	add_model("e", 20 * PM_NS_PER_MS, 20 * PM_NS_PER_MS, 7 * PM_NS_PER_MS, 2);
	/* CPU 3: U = 0.6 + 0.25 = 0.85 > LL but product 1.6*1.25 = 2.0: hyperbolic passes where LL does not.
	 */
	add_model("f", 10 * PM_NS_PER_MS, 10 * PM_NS_PER_MS, 6 * PM_NS_PER_MS, 3);
	add_model("g", 20 * PM_NS_PER_MS, 20 * PM_NS_PER_MS, 5 * PM_NS_PER_MS, 3);
	/* CPU 4: overload. */
	add_model("h", 10 * PM_NS_PER_MS, 10 * PM_NS_PER_MS, 8 * PM_NS_PER_MS, 4);
	add_model("i", 10 * PM_NS_PER_MS, 5 * PM_NS_PER_MS, 4 * PM_NS_PER_MS, 4);
	size_t n = rt_cpu_loads(&cfg, loads, PM_MAX_CPUS);
	assert_int_equal(n, 5);
	assert_int_equal(loads[0].cpu, 0);
	assert_int_equal(loads[0].liu_layland, RT_BOUND_PASS);
	assert_int_equal(loads[0].hyperbolic, RT_BOUND_PASS);
	assert_int_equal(loads[1].n_models, 2);
	assert_true(loads[1].utilization > 0.799 && loads[1].utilization < 0.801);
	assert_true(loads[1].ll_bound > 0.828 && loads[1].ll_bound < 0.829);
	assert_int_equal(loads[1].liu_layland, RT_BOUND_PASS);
	assert_int_equal(loads[1].hyperbolic, RT_BOUND_PASS);
	assert_int_equal(loads[2].liu_layland, RT_BOUND_INCONCLUSIVE);
	assert_int_equal(loads[2].hyperbolic, RT_BOUND_INCONCLUSIVE);
	assert_int_equal(loads[3].liu_layland, RT_BOUND_INCONCLUSIVE);
	assert_int_equal(loads[3].hyperbolic, RT_BOUND_PASS);
	/* density of i is 4/5 = 0.8: total 1.6 */
	assert_true(loads[4].density > 1.59 && loads[4].density < 1.61);
	assert_true(loads[4].utilization > 1.19 && loads[4].utilization < 1.21);
	assert_int_equal(loads[4].liu_layland, RT_BOUND_OVERLOAD);
	assert_int_equal(loads[4].hyperbolic, RT_BOUND_OVERLOAD);
	assert_string_equal(rt_bound_verdict_name(RT_BOUND_INCONCLUSIVE), "inconclusive");
	/* Capacity of the output is respected. */
	assert_int_equal(rt_cpu_loads(&cfg, loads, 2), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size),    cmocka_unit_test(test_cpu_qty),
		cmocka_unit_test(test_percent), cmocka_unit_test(test_cpulist),
		cmocka_unit_test(test_asil),    cmocka_unit_test(test_integers),
		cmocka_unit_test(test_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
