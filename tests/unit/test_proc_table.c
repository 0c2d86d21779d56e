/* The tracked-process table behind ps/top (app/proc_table.h) over a recorded /proc tree: vanished
 * PIDs are skipped, children are counted, steady-state refreshes keep the same descriptors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "proc_table.h"

static struct app_proc_table table;

static const struct app_proc_entry *find(int32_t pid)
{
	return app_proc_table_find(&table, pid);
}

static uint32_t children(int32_t pid)
{
	const struct app_proc_entry *e = find(pid);
	assert_non_null(e);
	return app_proc_children(&table, (uint32_t)(e - table.slot));
}

static void test_refresh_fixture(void **state)
{
	(void)state;
	struct hal_procfs fs;
	assert_int_equal(hal_procfs_open(&fs, PICMON_SOURCE_DIR "/tests/fixtures/proc-normal"), PM_OK);
	app_proc_table_init(&table, &fs, HAL_PROC_BASIC);
	assert_int_equal(app_proc_table_refresh(&table), PM_OK);
	assert_int_equal(table.n, 4); /* 500 vanished mid-read */
	for (uint32_t k = 1; k < table.n; k++) {
		assert_true(table.slot[table.order[k - 1]].h.pid < table.slot[table.order[k]].h.pid);
	}
	assert_int_equal(children(1), 1);
	assert_int_equal(children(42), 1);
	assert_int_equal(children(77), 0);
	assert_int_equal(table.counts.zombie, 1);
	assert_int_equal(table.counts.running, 1);
	assert_int_equal(table.counts.idle, 1);
	assert_int_equal(table.counts.sleeping, 1);
	int fd = find(42)->h.stat_fd;
	assert_int_equal(app_proc_table_refresh(&table), PM_OK);
	assert_int_equal(table.n, 4);
	/* A recorded tree has no kernel behind its loadavg: every refresh lists the directory. */
	assert_int_equal(fs.mark_fd, -1);
	assert_int_equal(table.listings, table.refreshes);
	assert_int_equal(find(42)->h.stat_fd, fd);
	assert_int_equal(find(42)->nsamples, 2);
	/* A recorded tree does not move: 0 % CPU, class inactive. */
	assert_true(find(42)->rates.cpu_percent == 0.0);
	assert_int_equal(find(42)->cls, RT_PROC_INACTIVE);
	app_proc_table_close(&table);
	assert_int_equal(table.n, 0);
	hal_procfs_close(&fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refresh_fixture),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
