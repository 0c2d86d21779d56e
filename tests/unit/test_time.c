/* Unit tests of the status type and of duration parsing/formatting (rt/time.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hal/status.h"
#include "rt/time.h"

static pm_status parse(const char *text, pm_ns *out)
{
	return rt_duration_parse(text, strlen(text), out);
}

static void test_status_names_are_distinct_and_total(void **state)
{
	(void)state;
	for (int a = PM_STATUS_MIN; a <= 0; a++) {
		const char *name = pm_status_str((pm_status)a);
		assert_non_null(name);
		assert_string_not_equal(name, "unknown status");
		for (int b = PM_STATUS_MIN; b < a; b++) {
			assert_string_not_equal(name, pm_status_str((pm_status)b));
		}
	}
	assert_string_equal(pm_status_str((pm_status)(PM_STATUS_MIN - 1)), "unknown status");
}

static void test_status_from_errno(void **state)
{
	(void)state;
	assert_int_equal(pm_status_from_errno(0), PM_OK);
	assert_int_equal(pm_status_from_errno(ENOENT), PM_ERR_NOENT);
	assert_int_equal(pm_status_from_errno(EACCES), PM_ERR_PERM);
	assert_int_equal(pm_status_from_errno(EPERM), PM_ERR_PERM);
	assert_int_equal(pm_status_from_errno(ESRCH), PM_ERR_GONE);
	assert_int_equal(pm_status_from_errno(EINTR), PM_ERR_AGAIN);
	assert_int_equal(pm_status_from_errno(ENOSYS), PM_ERR_UNSUPPORTED);
	assert_int_equal(pm_status_from_errno(EIO), PM_ERR_IO);
}

static void test_duration_units(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		pm_ns ns;
	} cases[] = {
		{ "0s", 0 },
		{ "2ms", 2 * PM_NS_PER_MS },
		{ "500us", 500 * PM_NS_PER_US },
		{ "30s", 30 * PM_NS_PER_S },
		{ "1h", PM_NS_PER_HOUR },
		{ "7d", 7 * PM_NS_PER_DAY },
		{ "5m", 5 * PM_NS_PER_MIN },
		{ "250ns", 250 },
		{ "1.5ms", 1500 * PM_NS_PER_US },
		{ "0.001s", PM_NS_PER_MS },
		{ "9223372036854775807ns", INT64_MAX },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pm_ns got = -1;
		assert_int_equal(parse(cases[i].text, &got), PM_OK);
		assert_true(got == cases[i].ns);
	}
}

static void test_duration_rejects(void **state)
{
	(void)state;
	pm_ns got = 42;
	static const char *const malformed[] = { "",    "ms", "10",   "10 ms",         "-1s",   "1.s",
		                                 ".5s", "1x", "1msx", "1.0000000001s", "1e3ms", "1,5ms" };
	for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		assert_int_equal(parse(malformed[i], &got), PM_ERR_PARSE);
	}
	assert_int_equal(parse("9223372036854775808ns", &got), PM_ERR_INVAL);
	assert_int_equal(parse("106752d", &got), PM_ERR_INVAL); /* > 292 years */
	assert_int_equal(parse("1.5ns", &got), PM_ERR_INVAL);   /* finer than a nanosecond */
	assert_true(got == 42);                                 /* untouched on failure */
	assert_int_equal(rt_duration_parse(NULL, 0, &got), PM_ERR_INVAL);
}

static void test_duration_length_is_respected(void **state)
{
	(void)state;
	pm_ns got = 0;
	/* YAML scalars are not NUL-terminated at the value's end: only `len` bytes count. */
	assert_int_equal(rt_duration_parse("10msXYZ", 4, &got), PM_OK);
	assert_true(got == 10 * PM_NS_PER_MS);
}

static void test_duration_format(void **state)
{
	(void)state;
	char buf[32];
	assert_int_equal(rt_duration_format(10 * PM_NS_PER_MS, buf, sizeof(buf)), PM_OK);
	assert_string_equal(buf, "10ms");
	assert_int_equal(rt_duration_format(1500 * PM_NS_PER_US, buf, sizeof(buf)), PM_OK);
	assert_string_equal(buf, "1500us");
	assert_int_equal(rt_duration_format(0, buf, sizeof(buf)), PM_OK);
	assert_string_equal(buf, "0s");
	assert_int_equal(rt_duration_format(7 * PM_NS_PER_DAY, buf, sizeof(buf)), PM_OK);
	assert_string_equal(buf, "7d");
	assert_int_equal(rt_duration_format(-3, buf, sizeof(buf)), PM_OK);
	assert_string_equal(buf, "-3ns");
	assert_int_equal(rt_duration_format(INT64_MIN, buf, sizeof(buf)), PM_OK);
	assert_string_equal(buf, "-9223372036854775808ns");
	assert_int_equal(rt_duration_format(10 * PM_NS_PER_MS, buf, 4), PM_ERR_NOSPACE);
	assert_string_equal(buf, "");
}

static void test_duration_round_trip(void **state)
{
	(void)state;
	char buf[32];
	pm_ns values[] = { 1, 999, PM_NS_PER_US, 123 * PM_NS_PER_MS, 59 * PM_NS_PER_S, PM_NS_PER_DAY + 1 };
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		pm_ns back = 0;
		assert_int_equal(rt_duration_format(values[i], buf, sizeof(buf)), PM_OK);
		assert_int_equal(parse(buf, &back), PM_OK);
		assert_true(back == values[i]);
	}
}

static void test_ns_helpers(void **state)
{
	(void)state;
	assert_true(rt_ns_to_ms(2500 * PM_NS_PER_US) == 2.5);
	assert_true(rt_ns_add_sat(INT64_MAX - 1, 5) == INT64_MAX);
	assert_true(rt_ns_add_sat(INT64_MIN + 1, -5) == INT64_MIN);
	assert_true(rt_ns_add_sat(40, 2) == 42);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_names_are_distinct_and_total),
		cmocka_unit_test(test_status_from_errno),
		cmocka_unit_test(test_duration_units),
		cmocka_unit_test(test_duration_rejects),
		cmocka_unit_test(test_duration_length_is_respected),
		cmocka_unit_test(test_duration_format),
		cmocka_unit_test(test_duration_round_trip),
		cmocka_unit_test(test_ns_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
