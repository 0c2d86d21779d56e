/* Unit tests of anomaly detection on synthetic series: an injected spike is detected, a slow drift
 * inside the band is not, detection is suppressed while learning, pattern counts per window. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "rt/anomaly.h"

/* Deterministic noise in [-1, 1): a test must not depend on the libc's rand(). */
static uint32_t lcg = 12345u;
static double noise(void)
{
	lcg = lcg * 1664525u + 1013904223u;
	return ((double)(lcg >> 8) / (double)(1u << 24)) * 2.0 - 1.0;
}

static struct rt_anomaly_spec spec(void)
{
	struct rt_anomaly_spec s;
	rt_anomaly_spec_default(&s);
	s.learning_ns = 60 * PM_NS_PER_S; /* one minute of 1 s samples instead of 7 days */
	s.min_samples = 30;
	return s;
}

#define T0 (1000 * PM_NS_PER_S)

/* Learns mean 200, noise +-10 for 100 samples; returns the next sample time. */
static pm_ns learn_series(const struct rt_anomaly_spec *s, struct rt_baseline *b)
{
	pm_ns t = T0;
	for (int i = 0; i < 100; i++, t += PM_NS_PER_S) {
		enum rt_anomaly_verdict v = rt_baseline_observe(s, b, 200.0 + 10.0 * noise(), t, NULL);
		if (i < 60) {
			assert_int_equal(v, RT_AN_LEARNING);
		}
	}
	assert_int_equal(b->learned, 1);
	assert_true(fabs(b->mean - 200.0) < 2.0);
	return t;
}

static void test_spike_detected(void **state)
{
	(void)state;
	struct rt_anomaly_spec s = spec();
	struct rt_baseline b;
	rt_baseline_init(&b);
	pm_ns t = learn_series(&s, &b);
	for (int i = 0; i < 50; i++, t += PM_NS_PER_S) {
		assert_int_equal(rt_baseline_observe(&s, &b, 200.0 + 10.0 * noise(), t, NULL), RT_AN_NORMAL);
	}
	double mean_before = b.mean;
	double z = 0.0;
	assert_int_equal(rt_baseline_observe(&s, &b, 400.0, t, &z), RT_AN_ANOMALY);
	assert_true(z > 3.0);
	assert_true(b.mean == mean_before); /* the spike is not absorbed */
	/* Low sensitivity (4 sigma) ignores what high (2 sigma) reports. */
	double sd = sqrt(b.var);
	double x = b.mean + 3.0 * sd;
	s.sensitivity = RT_SENS_LOW;
	assert_int_equal(rt_baseline_observe(&s, &b, x, t + 1, NULL), RT_AN_NORMAL);
	s.sensitivity = RT_SENS_HIGH;
	assert_int_equal(rt_baseline_observe(&s, &b, b.mean + 3.0 * sqrt(b.var), t + 2, NULL), RT_AN_ANOMALY);
}

static void test_slow_drift_inside_band_not_detected(void **state)
{
	(void)state;
	struct rt_anomaly_spec s = spec();
	struct rt_baseline b;
	rt_baseline_init(&b);
	pm_ns t = learn_series(&s, &b);
	/* +50 over 2500 samples (5 sigma in total, 0.02 per sample): the EWMA follows it. */
	double max_z = 0.0;
	for (int i = 0; i < 2500; i++, t += PM_NS_PER_S) {
		double z = 0.0;
		enum rt_anomaly_verdict v =
		    rt_baseline_observe(&s, &b, 200.0 + 0.02 * i + 10.0 * noise(), t, &z);
		assert_int_equal(v, RT_AN_NORMAL);
		max_z = z > max_z ? z : max_z;
	}
	assert_true(max_z < 3.0);
	assert_true(b.mean > 240.0); /* the baseline moved with the drift */
	/* The same +50 as a step is an anomaly. */
	struct rt_baseline b2;
	rt_baseline_init(&b2);
	t = learn_series(&s, &b2);
	assert_int_equal(rt_baseline_observe(&s, &b2, 250.0, t, NULL), RT_AN_ANOMALY);
}

static void test_learning_suppresses(void **state)
{
	(void)state;
	struct rt_anomaly_spec s = spec();
	struct rt_baseline b;
	rt_baseline_init(&b);
	pm_ns t = T0;
	for (int i = 0; i < 40; i++, t += PM_NS_PER_S) {
		assert_int_equal(rt_baseline_observe(&s, &b, 200.0 + 10.0 * noise(), t, NULL),
		                 RT_AN_LEARNING);
	}
	/* 40 samples but only 39 s of the 60 s period: a spike is not reported. */
	assert_int_equal(rt_baseline_observe(&s, &b, 5000.0, t, NULL), RT_AN_LEARNING);
	assert_int_equal(b.learned, 0);
	/* Samples alone do not end learning; time alone does not either. */
	struct rt_baseline b2;
	rt_baseline_init(&b2);
	assert_int_equal(rt_baseline_observe(&s, &b2, 1.0, T0, NULL), RT_AN_LEARNING);
	assert_int_equal(rt_baseline_observe(&s, &b2, 1.0, T0 + 3600 * PM_NS_PER_S, NULL), RT_AN_LEARNING);
	assert_int_equal(b2.learned, 0);
	/* Without auto_learn nothing is learned and nothing is judged. */
	s.auto_learn = 0;
	struct rt_baseline b3;
	rt_baseline_init(&b3);
	for (int i = 0; i < 200; i++) {
		assert_int_equal(rt_baseline_observe(&s, &b3, 1.0, T0 + i * PM_NS_PER_S, NULL),
		                 RT_AN_LEARNING);
	}
	assert_int_equal(b3.n, 0);
}

static void test_flat_series_has_a_floor(void **state)
{
	(void)state;
	struct rt_anomaly_spec s = spec();
	struct rt_baseline b;
	rt_baseline_init(&b);
	pm_ns t = T0;
	for (int i = 0; i < 100; i++, t += PM_NS_PER_S) {
		(void)rt_baseline_observe(&s, &b, 100.0, t, NULL);
	}
	assert_int_equal(b.learned, 1);
	/* sigma floor 1 % of the mean: 102 is 2 sigma, normal at medium; 104 is 4 sigma. */
	assert_int_equal(rt_baseline_observe(&s, &b, 102.0, t, NULL), RT_AN_NORMAL);
	assert_int_equal(rt_baseline_observe(&s, &b, 104.0, t + 1, NULL), RT_AN_ANOMALY);
}

static void test_pattern_burst(void **state)
{
	(void)state;
	struct rt_anomaly_spec s = spec();
	s.window_ns = 60 * PM_NS_PER_S;
	s.learning_ns = 10 * 60 * PM_NS_PER_S;
	s.min_samples = 5;
	struct rt_pattern p;
	rt_pattern_init(&p);
	pm_ns t = T0;
	assert_false(rt_pattern_roll(&s, &p, t));
	/* 12 windows of 2 events each: learning, never an anomaly, even with a burst of 6 in window 3. */
	for (int w = 0; w < 12; w++) {
		int n = w == 3 ? 6 : 2;
		for (int i = 0; i < n; i++) {
			assert_int_not_equal(
			    rt_pattern_count(&s, &p, t + w * s.window_ns + (i + 1) * PM_NS_PER_S, NULL),
			    RT_AN_ANOMALY);
		}
	}
	t += 12 * s.window_ns;
	assert_true(rt_pattern_roll(&s, &p, t));
	assert_int_equal(p.base.learned, 1);
	/* A normal window, then a burst: reported once, as soon as the count leaves the band. */
	unsigned reports = 0;
	unsigned at = 0;
	for (unsigned i = 0; i < 40; i++) {
		if (rt_pattern_count(&s, &p, t + (pm_ns)(i + 1) * PM_NS_PER_S / 2, NULL) == RT_AN_ANOMALY) {
			reports++;
			at = i + 1;
		}
	}
	assert_int_equal(reports, 1);
	assert_true(at > 3 && at < 30);
	/* Next window starts clean. */
	assert_true(rt_pattern_roll(&s, &p, t + s.window_ns));
	assert_int_equal(p.count, 0);
	assert_int_equal(rt_pattern_count(&s, &p, t + s.window_ns + 1, NULL), RT_AN_NORMAL);
	/* A long silence closes at most 64 windows and then restarts at now. */
	assert_true(rt_pattern_roll(&s, &p, t + 1000 * s.window_ns));
	assert_int_equal(p.window_start, t + 1000 * s.window_ns);
}

static void test_spec_validation(void **state)
{
	(void)state;
	struct rt_anomaly_spec s = spec();
	assert_int_equal(rt_anomaly_spec_validate(&s), PM_OK);
	s.ewma_alpha = 1.5;
	assert_int_equal(rt_anomaly_spec_validate(&s), PM_ERR_INVAL);
	s = spec();
	s.window_ns = 0;
	assert_int_equal(rt_anomaly_spec_validate(&s), PM_ERR_INVAL);
	enum rt_sensitivity sens;
	assert_int_equal(rt_sensitivity_from_name("high", &sens), PM_OK);
	assert_true(rt_sensitivity_sigma(sens) == 2.0);
	assert_true(rt_sensitivity_sigma(RT_SENS_MEDIUM) == 3.0);
	assert_true(rt_sensitivity_sigma(RT_SENS_LOW) == 4.0);
	assert_int_equal(rt_sensitivity_from_name("extreme", &sens), PM_ERR_NOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spike_detected),
		cmocka_unit_test(test_slow_drift_inside_band_not_detected),
		cmocka_unit_test(test_learning_suppresses),
		cmocka_unit_test(test_flat_series_has_a_floor),
		cmocka_unit_test(test_pattern_burst),
		cmocka_unit_test(test_spec_validation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
