/* Unit tests of thresholds with hysteresis: a value at the line does not flap, levels enter at the
 * line and leave only below the band, defaults are the HLD's. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "rt/threshold.h"

static const struct rt_threshold_spec mem = { RT_MET_MEMORY_USAGE, RT_THR_HAS_WARNING | RT_THR_HAS_CRITICAL,
	                                      80.0, 95.0, -1.0 };

static void test_value_at_the_line_does_not_flap(void **state)
{
	(void)state;
	struct rt_threshold_state st;
	rt_threshold_init(&st, 1);
	/* Noise around the warning line: one crossing up, no way back while within the 4-point band. */
	static const double series[] = { 79.9, 80.0, 79.99, 80.0, 79.5, 80.01, 78.0, 80.0, 76.5, 79.0, 80.0 };
	unsigned crossings = 0;
	for (size_t i = 0; i < sizeof(series) / sizeof(series[0]); i++) {
		enum rt_level from;
		if (rt_threshold_update(&mem, &st, series[i], (pm_ns)(i + 2), &from)) {
			crossings++;
			assert_int_equal(from, RT_LEVEL_OK);
			assert_int_equal(st.level, RT_LEVEL_WARNING);
			assert_int_equal(i, 1); /* entered exactly at the line (>=) */
		}
	}
	assert_int_equal(crossings, 1);
	/* Leaving needs a value below 80 - 5 % of 80 = 76. */
	enum rt_level from;
	assert_false(rt_threshold_update(&mem, &st, 76.0, 100, &from));
	assert_true(rt_threshold_update(&mem, &st, 75.99, 101, &from));
	assert_int_equal(st.level, RT_LEVEL_OK);
	assert_int_equal(from, RT_LEVEL_WARNING);
	assert_int_equal(st.since, 101);
}

static void test_critical_and_back(void **state)
{
	(void)state;
	struct rt_threshold_state st;
	rt_threshold_init(&st, 1);
	enum rt_level from;
	assert_true(rt_threshold_update(&mem, &st, 99.0, 2, &from)); /* straight to critical */
	assert_int_equal(st.level, RT_LEVEL_CRITICAL);
	assert_int_equal(from, RT_LEVEL_OK);
	assert_false(rt_threshold_update(&mem, &st, 94.9, 3, &from)); /* inside the band (95 - 4.75) */
	assert_false(rt_threshold_update(&mem, &st, 95.0, 4, &from));
	assert_true(rt_threshold_update(&mem, &st, 90.0, 5, &from)); /* below 90.25: warning */
	assert_int_equal(st.level, RT_LEVEL_WARNING);
	assert_int_equal(from, RT_LEVEL_CRITICAL);
	assert_true(rt_threshold_update(&mem, &st, 10.0, 6, &from));
	assert_int_equal(st.level, RT_LEVEL_OK);
	assert_false(rt_threshold_update(&mem, &st, NAN, 7, &from)); /* ignored */
	/* Explicit band and a warning-only metric. */
	struct rt_threshold_spec w = { RT_MET_EXECUTION_TIME, RT_THR_HAS_WARNING, 500.0, 0.0, 0.0 };
	assert_int_equal(rt_threshold_validate(&w), PM_OK);
	rt_threshold_init(&st, 1);
	assert_true(rt_threshold_update(&w, &st, 500.0, 2, &from));
	assert_true(rt_threshold_update(&w, &st, 499.999, 3, &from)); /* band 0: leaves right below */
	assert_false(rt_threshold_update(&w, &st, 2000.0, 4, &from) && st.level == RT_LEVEL_CRITICAL);
	assert_int_equal(st.level, RT_LEVEL_WARNING);
}

static void test_defaults_and_names(void **state)
{
	(void)state;
	struct rt_threshold_spec d[8];
	uint32_t n = rt_threshold_defaults(d, 8);
	assert_int_equal(n, 4);
	assert_int_equal(d[0].metric, RT_MET_EXECUTION_TIME);
	assert_true(d[0].warning == 500.0 && d[0].critical == 1000.0);
	assert_int_equal(d[1].metric, RT_MET_MEMORY_USAGE);
	assert_true(d[1].warning == 80.0 && d[1].critical == 95.0);
	assert_int_equal(d[2].metric, RT_MET_FAILURE_RATE);
	assert_true(d[2].warning == 5.0 && d[2].critical == 10.0);
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(rt_threshold_validate(&d[i]), PM_OK);
	}
	assert_int_equal(rt_threshold_defaults(d, 2), 2);
	enum rt_metric m;
	assert_int_equal(rt_metric_from_name("memory_usage", &m), PM_OK);
	assert_int_equal(m, RT_MET_MEMORY_USAGE);
	assert_int_equal(rt_metric_from_name("cpu", &m), PM_OK);
	assert_int_equal(m, RT_MET_CPU_USAGE);
	assert_int_equal(rt_metric_from_name("nope", &m), PM_ERR_NOENT);
	struct rt_threshold_spec bad = { RT_MET_CPU_USAGE, RT_THR_HAS_WARNING | RT_THR_HAS_CRITICAL, 90.0,
		                         80.0, -1.0 };
	assert_int_equal(rt_threshold_validate(&bad), PM_ERR_INVAL);
	bad.critical = NAN;
	assert_int_equal(rt_threshold_validate(&bad), PM_ERR_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_at_the_line_does_not_flap),
		cmocka_unit_test(test_critical_and_back),
		cmocka_unit_test(test_defaults_and_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
