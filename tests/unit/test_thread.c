/* Unit tests of hal/thread.h: threads run on their own stacks, get (or are refused, and say so) their
 * policy and affinity, and the grant matches what the kernel reports from inside the thread. */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hal/thread.h"

struct seen {
	int policy;
	int priority;
	int cpu;
	uintptr_t stack_probe;
};

static void *observe(void *arg)
{
	struct seen *seen = arg;
	struct sched_param param;
	int policy = -1;
	if (pthread_getschedparam(pthread_self(), &policy, &param) == 0) {
		seen->policy = policy;
		seen->priority = param.sched_priority;
	}
	seen->cpu = sched_getcpu();
	int local = 0;
	seen->stack_probe = (uintptr_t)&local;
	return NULL;
}

static void test_other_thread_runs_on_its_stack(void **state)
{
	(void)state;
	struct hal_thread_ctl t;
	struct hal_thread_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.name = "pm-test";
	attr.policy = HAL_SCHED_OTHER;
	attr.stack_size = 100000; /* rounded up to pages */
	struct seen seen = { -1, -1, -1, 0 };
	assert_int_equal(hal_thread_start(&t, &attr, observe, &seen), PM_OK);
	assert_true(t.stack_size >= 100000 && t.stack_size % 4096 == 0);
	uintptr_t lo = (uintptr_t)t.stack;
	uintptr_t hi = lo + t.stack_size;
	assert_int_equal(hal_thread_join(&t), PM_OK);
	assert_true(t.grant.policy_granted);
	assert_int_equal(seen.policy, SCHED_OTHER);
	assert_true(seen.stack_probe >= lo && seen.stack_probe < hi);
	assert_int_equal(hal_thread_join(&t), PM_ERR_INVAL); /* joined once only */
}

static void test_fifo_granted_or_refused_truthfully(void **state)
{
	(void)state;
	struct hal_thread_ctl t;
	struct hal_thread_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.name = "pm-fifo";
	attr.policy = HAL_SCHED_FIFO;
	attr.priority = 10;
	hal_cpuset_add(&attr.cpus, 0); /* CPU 0 exists everywhere */
	struct seen seen = { -1, -1, -1, 0 };
	assert_int_equal(hal_thread_start(&t, &attr, observe, &seen), PM_OK);
	assert_int_equal(hal_thread_join(&t), PM_OK);
	if (t.grant.policy_granted) {
		assert_int_equal(t.grant.policy, HAL_SCHED_FIFO);
		assert_int_equal(seen.policy, SCHED_FIFO);
		assert_int_equal(seen.priority, 10);
	} else {
		/* degraded: the thread still ran, with SCHED_OTHER, and the reason is known */
		assert_int_equal(seen.policy, SCHED_OTHER);
		assert_int_not_equal(t.grant.policy_status, PM_OK);
	}
	if (t.grant.affinity_granted) {
		assert_int_equal(seen.cpu, 0);
	}
}

static void test_bad_affinity_degrades(void **state)
{
	(void)state;
	struct hal_thread_ctl t;
	struct hal_thread_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.policy = HAL_SCHED_OTHER;
	hal_cpuset_add(&attr.cpus, PM_MAX_CPUS - 1); /* not present on test machines */
	if (hal_cpu_count() >= PM_MAX_CPUS) {
		skip();
	}
	struct seen seen = { -1, -1, -1, 0 };
	assert_int_equal(hal_thread_start(&t, &attr, observe, &seen), PM_OK);
	assert_int_equal(hal_thread_join(&t), PM_OK);
	assert_false(t.grant.affinity_granted);
	assert_int_equal(t.grant.affinity_status, PM_ERR_INVAL);
	assert_true(seen.cpu >= 0);
}

static void test_argument_checks(void **state)
{
	(void)state;
	struct hal_thread_ctl t;
	struct hal_thread_attr attr;
	memset(&attr, 0, sizeof(attr));
	assert_int_equal(hal_thread_start(NULL, &attr, observe, NULL), PM_ERR_INVAL);
	assert_int_equal(hal_thread_start(&t, NULL, observe, NULL), PM_ERR_INVAL);
	assert_int_equal(hal_thread_start(&t, &attr, NULL, NULL), PM_ERR_INVAL);
	assert_string_equal(hal_sched_policy_name(HAL_SCHED_FIFO), "fifo");
	assert_true(hal_cpu_count() >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_other_thread_runs_on_its_stack),
		cmocka_unit_test(test_fifo_granted_or_refused_truthfully),
		cmocka_unit_test(test_bad_affinity_degrades),
		cmocka_unit_test(test_argument_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
