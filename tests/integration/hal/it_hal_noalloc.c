/* Proof that steady-state sampling does not allocate: after start-up (opening every file), refreshes
 * of the live process table, thread samples and system reads make no malloc/calloc/realloc/free
 * call, counted through the linker's --wrap (this also catches libc-internal calls when linked
 * statically, as in the musl builds). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "alloc_count.h"
#include "hal/proc.h"
#include "hal/sysinfo.h"
#include "proc_table.h"

static struct app_proc_table table;
static struct hal_cpu_times ct;
static struct hal_netdev_table nd;

static void test_steady_state_allocates_nothing(void **state)
{
	(void)state;
	struct hal_procfs fs;
	assert_int_equal(hal_procfs_open(&fs, NULL), PM_OK);
	app_proc_table_init(&table, &fs, HAL_PROC_ALL);
	pm_status st = app_proc_table_refresh(&table);
	assert_true(st == PM_OK || st == PM_ERR_NOSPACE);
	struct hal_sysinfo si;
	assert_int_equal(hal_sysinfo_open(&fs, &si), PM_OK);
	struct hal_thread t;
	struct hal_thread_sample ts;
	assert_int_equal(hal_thread_open(&fs, (int32_t)getpid(), (int32_t)getpid(),
	                                 HAL_THREAD_STAT | HAL_THREAD_SCHEDSTAT | HAL_THREAD_SCHED, &t, &ts),
	                 PM_OK);
	uint64_t before = test_alloc_calls();
	for (int i = 0; i < 20; i++) {
		st = app_proc_table_refresh(&table);
		assert_true(st == PM_OK || st == PM_ERR_NOSPACE);
		assert_int_equal(hal_thread_sample(&t, &ts), PM_OK);
		assert_int_equal(hal_sysinfo_cpu_times(&si, &ct), PM_OK);
		struct hal_meminfo mi;
		assert_int_equal(hal_sysinfo_meminfo(&si, &mi), PM_OK);
		struct hal_loadavg la;
		(void)hal_sysinfo_loadavg(&si, &la);
		(void)hal_sysinfo_netdev(&si, &nd);
		struct hal_psi psi;
		(void)hal_sysinfo_psi(&si, HAL_PSI_CPU, &psi);
	}
	assert_int_equal(test_alloc_calls() - before, 0);
	assert_true(table.n > 0);
	hal_thread_close(&t);
	hal_sysinfo_close(&si);
	app_proc_table_close(&table);
	hal_procfs_close(&fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steady_state_allocates_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
