/* The process-state classifier (rt/proc_class.h) against the profile table of
 * process-state-profiles.md, its boundaries, and the derived rates (rt/proc_rates.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rt/proc_class.h"
#include "rt/proc_rates.h"

static enum rt_proc_class classify_steady(double cpu, double io, int n)
{
	struct rt_proc_window w;
	rt_proc_window_reset(&w);
	for (int i = 0; i < n; i++) {
		rt_proc_window_push(&w, cpu, io);
	}
	return rt_proc_classify(&w);
}

static void test_profile_table_midpoints(void **state)
{
	(void)state;
	/* Each row of the seed's resource profile, at its midpoint and its edges. */
	assert_int_equal(classify_steady(87.5, 300, 8), RT_PROC_FOREGROUND_ACTIVE);
	assert_int_equal(classify_steady(80, 100, 8), RT_PROC_FOREGROUND_ACTIVE);
	assert_int_equal(classify_steady(95, 500, 8), RT_PROC_FOREGROUND_ACTIVE);
	assert_int_equal(classify_steady(60, 30, 8), RT_PROC_BACKGROUND_ACTIVE);
	assert_int_equal(classify_steady(50, 10, 8), RT_PROC_BACKGROUND_ACTIVE);
	assert_int_equal(classify_steady(70, 50, 8), RT_PROC_BACKGROUND_ACTIVE);
	assert_int_equal(classify_steady(40, 10, 8), RT_PROC_RUNNING);
	assert_int_equal(classify_steady(30, 1, 8), RT_PROC_RUNNING);
	assert_int_equal(classify_steady(49.9, 20, 8), RT_PROC_RUNNING);
	assert_int_equal(classify_steady(2.5, 0.5, 8), RT_PROC_INACTIVE);
	assert_int_equal(classify_steady(0, 0, 8), RT_PROC_INACTIVE);
	/* Active (bursty): 40-90 % in bursts, idle between them. */
	struct rt_proc_window w;
	rt_proc_window_reset(&w);
	for (int i = 0; i < 12; i++) {
		rt_proc_window_push(&w, (i % 3 == 0) ? 90.0 : 1.0, 50.0);
	}
	assert_int_equal(rt_proc_classify(&w), RT_PROC_ACTIVE);
	rt_proc_window_reset(&w);
	for (int i = 0; i < 12; i++) {
		rt_proc_window_push(&w, (i % 2 == 0) ? 40.0 : 85.0, 5.0);
	}
	assert_int_equal(rt_proc_classify(&w), RT_PROC_ACTIVE); /* sd 22.5 */
}

static void test_boundaries(void **state)
{
	(void)state;
	assert_int_equal(classify_steady(74.9, 99, 8), RT_PROC_BACKGROUND_ACTIVE);
	assert_int_equal(classify_steady(75.0, 0, 8), RT_PROC_FOREGROUND_ACTIVE);
	assert_int_equal(classify_steady(65.0, 100, 8), RT_PROC_FOREGROUND_ACTIVE); /* heavy I/O tips it */
	assert_int_equal(classify_steady(64.9, 500, 8), RT_PROC_BACKGROUND_ACTIVE);
	assert_int_equal(classify_steady(4.9, 0, 8), RT_PROC_INACTIVE);
	assert_int_equal(classify_steady(5.0, 0, 8), RT_PROC_RUNNING);
	/* A lone spike under 20 % in an idle window: still running, not inactive. */
	struct rt_proc_window w;
	rt_proc_window_reset(&w);
	for (int i = 0; i < 8; i++) {
		rt_proc_window_push(&w, i == 3 ? 25.0 : 0.0, 0);
	}
	assert_int_equal(rt_proc_classify(&w), RT_PROC_RUNNING);
	/* Two samples cannot show a burst pattern. */
	rt_proc_window_reset(&w);
	rt_proc_window_push(&w, 0.0, 0);
	rt_proc_window_push(&w, 90.0, 0);
	assert_int_equal(rt_proc_classify(&w), RT_PROC_RUNNING);
	rt_proc_window_push(&w, 0.0, 0);
	assert_int_equal(rt_proc_classify(&w), RT_PROC_ACTIVE);
	/* Empty window, negative input clamped. */
	rt_proc_window_reset(&w);
	assert_int_equal(rt_proc_classify(&w), RT_PROC_INACTIVE);
	rt_proc_window_push(&w, -5.0, -1.0);
	struct rt_proc_window_stats st;
	rt_proc_window_stats(&w, &st);
	assert_true(st.mean == 0.0 && st.io_mean == 0.0);
}

static void test_window_rolls(void **state)
{
	(void)state;
	struct rt_proc_window w;
	rt_proc_window_reset(&w);
	for (int i = 0; i < RT_PROC_WINDOW; i++) {
		rt_proc_window_push(&w, 90.0, 200);
	}
	assert_int_equal(rt_proc_classify(&w), RT_PROC_FOREGROUND_ACTIVE);
	for (int i = 0; i < 3 * RT_PROC_WINDOW; i++) {
		rt_proc_window_push(&w, 0.0, 0);
	}
	assert_int_equal(w.count, RT_PROC_WINDOW);
	assert_int_equal(rt_proc_classify(&w), RT_PROC_INACTIVE);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(rt_proc_class_name(RT_PROC_FOREGROUND_ACTIVE), "foreground_active");
	assert_string_equal(rt_proc_class_name(RT_PROC_BACKGROUND_ACTIVE), "background_active");
	assert_string_equal(rt_proc_class_name(RT_PROC_ACTIVE), "active");
	assert_string_equal(rt_proc_class_name(RT_PROC_RUNNING), "running");
	assert_string_equal(rt_proc_class_name(RT_PROC_INACTIVE), "inactive");
	assert_string_equal(rt_proc_class_name(RT_PROC_CLASS_COUNT), "unknown");
}

static void test_rates(void **state)
{
	(void)state;
	/* 50 ticks at 100 Hz over one second = 50 %. */
	assert_true(rt_cpu_percent_ticks(100, 150, PM_NS_PER_S, 100) > 49.999);
	assert_true(rt_cpu_percent_ticks(100, 150, PM_NS_PER_S, 100) < 50.001);
	assert_true(rt_cpu_percent_ticks(150, 100, PM_NS_PER_S, 100) == 0.0);
	assert_true(rt_cpu_percent_ticks(100, 150, 0, 100) == 0.0);
	assert_true(rt_cpu_percent_ns(0, 2 * PM_NS_PER_S, PM_NS_PER_S) > 199.9); /* two CPUs busy */
	assert_true(rt_rate_per_s(10, 30, PM_NS_PER_S / 2) > 39.99);
	assert_true(rt_rate_per_s(30, 10, PM_NS_PER_S) == 0.0);
	struct hal_proc_sample a;
	struct hal_proc_sample b;
	memset(&a, 0, sizeof(a));
	a.stat.pid = 7;
	a.stat.starttime = 99;
	a.valid = HAL_PROC_ALL;
	a.mono_ns = PM_NS_PER_S;
	b = a;
	b.mono_ns = 3 * PM_NS_PER_S;
	b.stat.utime = 100;
	b.stat.stime = 100;
	b.io.syscr = 30;
	b.io.syscw = 10;
	b.io.read_bytes = 4096;
	b.status.voluntary_ctxt_switches = 8;
	b.sched.nr_migrations = 6;
	struct rt_proc_rates r;
	rt_proc_rates_compute(&a, &b, 100, &r);
	assert_true(r.cpu_percent > 99.99 && r.cpu_percent < 100.01);
	assert_true(r.io_ops_s > 19.99 && r.io_ops_s < 20.01);
	assert_true(r.read_bytes_s > 2047.9 && r.read_bytes_s < 2048.1);
	assert_true(r.ctxsw_s > 3.99 && r.ctxsw_s < 4.01);
	assert_true(r.migrations_s > 2.99 && r.migrations_s < 3.01);
	/* A reused PID (other starttime) gives nothing. */
	b.stat.starttime = 100;
	rt_proc_rates_compute(&a, &b, 100, &r);
	assert_true(r.cpu_percent == 0.0 && r.valid == 0);
	/* io unavailable in one sample: no io rates. */
	b.stat.starttime = 99;
	b.valid = HAL_PROC_STAT;
	rt_proc_rates_compute(&a, &b, 100, &r);
	assert_int_equal(r.valid, HAL_PROC_STAT);
	assert_true(r.io_ops_s == 0.0);
	/* Thread CPU from schedstat ns. */
	struct hal_thread_sample ta;
	struct hal_thread_sample tb;
	memset(&ta, 0, sizeof(ta));
	ta.valid = HAL_THREAD_STAT | HAL_THREAD_SCHEDSTAT;
	tb = ta;
	tb.mono_ns = PM_NS_PER_S;
	tb.schedstat.run_ns = 250000000;
	assert_true(rt_thread_cpu_percent(&ta, &tb, 100) > 24.99 &&
	            rt_thread_cpu_percent(&ta, &tb, 100) < 25.01);
}

static void test_child_counts(void **state)
{
	(void)state;
	const int32_t pids[] = { 1, 2, 10, 11, 12, 20 };
	const int32_t ppids[] = { 0, 0, 1, 1, 10, 99 };
	uint32_t kids[6];
	rt_proc_child_counts(pids, ppids, 6, kids);
	assert_int_equal(kids[0], 2);
	assert_int_equal(kids[1], 0);
	assert_int_equal(kids[2], 1);
	assert_int_equal(kids[5], 0);
}

/* The no-CPU shortcut: a window without CPU is inactive whatever its I/O, and the count of CPU samples
 * follows samples in and out of the window. */
static void test_idle_window_shortcut(void **state)
{
	(void)state;
	assert_int_equal(classify_steady(0, 100000, RT_PROC_WINDOW), RT_PROC_INACTIVE);
	struct rt_proc_window w;
	rt_proc_window_reset(&w);
	rt_proc_window_push(&w, 90, 0);
	assert_int_equal(w.cpu_nonzero, 1);
	assert_int_equal(rt_proc_classify(&w), RT_PROC_FOREGROUND_ACTIVE);
	for (int i = 0; i < RT_PROC_WINDOW - 1; i++) {
		rt_proc_window_push(&w, 0, 500);
	}
	assert_int_equal(w.cpu_nonzero, 1); /* the 90 % is still in the window */
	assert_int_not_equal(rt_proc_classify(&w), RT_PROC_FOREGROUND_ACTIVE);
	rt_proc_window_push(&w, 0, 500); /* and now it has left */
	assert_int_equal(w.cpu_nonzero, 0);
	assert_int_equal(rt_proc_classify(&w), RT_PROC_INACTIVE);
	rt_proc_window_push(&w, -3, 0); /* negative (a clock step) counts as 0 */
	assert_int_equal(w.cpu_nonzero, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profile_table_midpoints),
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_window_rolls),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_child_counts),
		cmocka_unit_test(test_idle_window_shortcut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
