/* Unit tests of hal/process.h against real child processes: spawn by argv, reap exit codes and
 * signals without blocking, signal names, and the error for a missing program. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "hal/process.h"

static void wait_exit(int pid, enum hal_exit_kind *kind, int *code)
{
	for (int i = 0; i < 5000; i++) { /* at most 5 s */
		assert_int_equal(hal_process_reap(pid, kind, code), PM_OK);
		if (*kind != HAL_EXIT_RUNNING) {
			return;
		}
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
	}
	fail_msg("child %d did not exit", pid);
}

static void test_exit_code_is_reaped(void **state)
{
	(void)state;
	const char *const argv[] = { "sh", "-c", "exit 3", NULL };
	int pid = 0;
	assert_int_equal(hal_process_spawn(argv, &pid), PM_OK);
	assert_true(pid > 0);
	enum hal_exit_kind kind;
	int code;
	wait_exit(pid, &kind, &code);
	assert_int_equal(kind, HAL_EXIT_CODE);
	assert_int_equal(code, 3);
	assert_int_equal(hal_process_reap(pid, &kind, &code), PM_ERR_NOENT);
}

static void test_signal_by_group(void **state)
{
	(void)state;
	const char *const argv[] = { "sleep", "30", NULL };
	int pid = 0;
	assert_int_equal(hal_process_spawn(argv, &pid), PM_OK);
	assert_true(hal_process_exists(pid));
	enum hal_exit_kind kind;
	int code;
	assert_int_equal(hal_process_reap(pid, &kind, &code), PM_OK);
	assert_int_equal(kind, HAL_EXIT_RUNNING);
	int term = 0;
	assert_int_equal(hal_signal_from_name("SIGTERM", &term), PM_OK);
	assert_int_equal(hal_process_signal(pid, term, true), PM_OK); /* own process group */
	wait_exit(pid, &kind, &code);
	assert_int_equal(kind, HAL_EXIT_SIGNAL);
	assert_int_equal(code, SIGTERM);
	assert_false(hal_process_exists(pid));
	assert_int_equal(hal_process_signal(pid, term, false), PM_ERR_GONE);
}

static void test_missing_program_is_an_error(void **state)
{
	(void)state;
	const char *const argv[] = { "picmon-no-such-program-here", NULL };
	int pid = 0;
	pm_status st = hal_process_spawn(argv, &pid);
	if (st == PM_OK) {
		/* some libcs report exec failure only as exit status 127 */
		enum hal_exit_kind kind;
		int code;
		wait_exit(pid, &kind, &code);
		assert_int_equal(kind, HAL_EXIT_CODE);
		assert_int_equal(code, 127);
	} else {
		assert_int_equal(st, PM_ERR_NOENT);
	}
	assert_int_equal(hal_process_spawn(NULL, &pid), PM_ERR_INVAL);
}

static void test_signal_names(void **state)
{
	(void)state;
	int signo = 0;
	assert_int_equal(hal_signal_from_name("USR1", &signo), PM_OK);
	assert_int_equal(signo, SIGUSR1);
	assert_int_equal(hal_signal_from_name("SIGKILL", &signo), PM_OK);
	assert_int_equal(signo, SIGKILL);
	assert_int_equal(hal_signal_from_name("SIGNOPE", &signo), PM_ERR_INVAL);
	assert_string_equal(hal_signal_name(SIGTERM), "SIGTERM");
	assert_string_equal(hal_signal_name(SIGSEGV), "SIGSEGV");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_code_is_reaped),
		cmocka_unit_test(test_signal_by_group),
		cmocka_unit_test(test_missing_program_is_an_error),
		cmocka_unit_test(test_signal_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
