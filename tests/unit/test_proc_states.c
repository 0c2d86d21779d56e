/* The process states a live test cannot make on demand, over a recorded tree
 * (tests/fixtures/proc-states): `dd` in disk sleep (D), `tracee` in tracing stop (t) under `gdb`,
 * and `reaped`, a dead task (X) whose memory, io and fd files are already gone. The HAL parses
 * them, the table counts them, `picmon ps` shows them. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture.h"

#define JSMN_STATIC
#include <jsmn.h>

#include "commands.h"
#include "hal/proc.h"
#include "proc_table.h"

#define ROOT PICMON_SOURCE_DIR "/tests/fixtures/proc-states"

static struct hal_procfs fs;

static int setup(void **state)
{
	(void)state;
	return hal_procfs_open(&fs, ROOT) == PM_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	hal_procfs_close(&fs);
	return 0;
}

static void open_sample(int32_t pid, struct hal_proc *p, struct hal_proc_sample *s)
{
	assert_int_equal(hal_proc_open(&fs, pid, HAL_PROC_BASIC, p, s), PM_OK);
	assert_int_equal(s->stat.pid, pid);
	assert_int_equal(hal_proc_sample(p, s), PM_OK); /* the kept files read again */
}

static void test_hal_parses_states(void **state)
{
	(void)state;
	struct hal_proc p;
	struct hal_proc_sample s;

	open_sample(210, &p, &s);
	assert_int_equal(s.stat.state, 'D');
	assert_string_equal(s.stat.comm, "dd");
	assert_int_equal(s.stat.ppid, 1);
	assert_int_equal(s.stat.blkio_ticks, 1500);
	assert_int_equal(s.stat.stime, 900);
	assert_int_equal(s.valid, HAL_PROC_BASIC);
	assert_int_equal(s.status.vm_rss_kb, 2048);
	assert_int_equal(s.io.write_bytes, 519045120);
	assert_int_equal(s.fd_count, 3);
	hal_proc_close(&p);

	open_sample(220, &p, &s);
	assert_int_equal(s.stat.state, 't');
	assert_string_equal(s.stat.comm, "tracee");
	assert_int_equal(s.stat.ppid, 215);
	assert_int_equal(s.stat.pgrp, 215);
	assert_int_equal(s.valid, HAL_PROC_BASIC);
	assert_int_equal(s.status.uid, 1000);
	assert_int_equal(s.status.vm_rss_kb, 1000);
	hal_proc_close(&p);

	/* Dead: stat and a status without memory lines; no io, no fd directory. */
	open_sample(230, &p, &s);
	assert_int_equal(s.stat.state, 'X');
	assert_string_equal(s.stat.comm, "reaped");
	assert_int_equal(s.stat.vsize, 0);
	assert_int_equal(s.stat.rss_pages, 0);
	assert_int_equal(p.unavailable, HAL_PROC_IO | HAL_PROC_FDS);
	assert_int_equal(s.valid, HAL_PROC_STAT | HAL_PROC_STATUS);
	assert_int_equal(s.status.present & (HAL_STATUS_VMRSS | HAL_STATUS_VMSIZE), 0);
	assert_int_equal(s.status.voluntary_ctxt_switches, 5);
	assert_int_equal(s.fd_count, -1);
	hal_proc_close(&p);
}

static struct app_proc_table table;

static const struct app_proc_entry *find(int32_t pid)
{
	return app_proc_table_find(&table, pid);
}

static void test_table_counts_states(void **state)
{
	(void)state;
	app_proc_table_init(&table, &fs, HAL_PROC_BASIC);
	for (int refresh = 0; refresh < 2; refresh++) {
		assert_int_equal(app_proc_table_refresh(&table), PM_OK);
		assert_int_equal(table.n, 5);
		const struct app_proc_counts *c = &table.counts;
		assert_int_equal(c->total, 5);
		assert_int_equal(c->running, 0);
		assert_int_equal(c->sleeping, 2); /* init, gdb */
		assert_int_equal(c->disk_sleep, 1);
		assert_int_equal(c->stopped, 1); /* t counts as stopped */
		assert_int_equal(c->zombie, 0);
		assert_int_equal(c->idle, 0);
		assert_int_equal(c->other, 1); /* X */
	}
	const struct app_proc_entry *init = find(1);
	const struct app_proc_entry *gdb = find(215);
	assert_non_null(init);
	assert_non_null(gdb);
	assert_non_null(find(230));
	assert_int_equal(app_proc_children(&table, (uint32_t)(init - table.slot)), 3);
	assert_int_equal(app_proc_children(&table, (uint32_t)(gdb - table.slot)), 1);
	app_proc_table_close(&table);
}

static char out[1 << 16];

/* Runs a command with stdout captured into `out`; returns its exit code. */
static int run(int (*cmd)(int, char **), int argc, const char **argv)
{
	return pm_test_run_captured(cmd, argc, argv, out, sizeof(out), NULL, 0);
}

/* The row of `pid` in the ps table begins "    PID    PPID S " and ends with the command name. */
static void assert_row(int pid, int ppid, char state, const char *comm)
{
	char head[32];
	snprintf(head, sizeof(head), "\n%7d %7d %c ", pid, ppid, state);
	const char *row = strstr(out, head);
	assert_non_null(row);
	const char *eol = strchr(row + 1, '\n');
	assert_non_null(eol);
	size_t n = strlen(comm);
	assert_true((size_t)(eol - row) > n && strncmp(eol - n, comm, n) == 0);
}

static void test_ps_shows_states(void **state)
{
	(void)state;
	const char *text[] = { "ps", "--interval", "1", "--root", ROOT };
	assert_int_equal(run(app_cmd_ps, 5, text), APP_EXIT_OK);
	assert_row(210, 1, 'D', "dd");
	assert_row(220, 215, 't', "tracee");
	assert_row(230, 1, 'X', "reaped");

	const char *json[] = { "ps", "--json", "--interval", "1", "--root", ROOT };
	assert_int_equal(run(app_cmd_ps, 6, json), APP_EXIT_OK);
	static jsmntok_t tok[1024];
	jsmn_parser jp;
	jsmn_init(&jp);
	assert_true(jsmn_parse(&jp, out, strlen(out), tok, 1024) > 0);
	assert_int_equal(tok[0].type, JSMN_ARRAY);
	assert_int_equal(tok[0].size, 5);
	assert_non_null(strstr(out, "{\"pid\":210,\"ppid\":1,\"state\":\"D\",\"comm\":\"dd\""));
	assert_non_null(strstr(out, "{\"pid\":220,\"ppid\":215,\"state\":\"t\",\"comm\":\"tracee\""));
	const char *dead = strstr(out, "{\"pid\":230,\"ppid\":1,\"state\":\"X\",\"comm\":\"reaped\"");
	assert_non_null(dead);
	const char *end = strchr(dead, '}');
	assert_non_null(end);
	const char *fds = strstr(dead, "\"fds\":null");
	const char *io = strstr(dead, "\"io_read_bytes_per_s\":null");
	assert_true(fds != NULL && fds < end);
	assert_true(io != NULL && io < end);
}

/* top's header adds up to its total: the X process is counted as "other". */
static void test_top_header_counts_states(void **state)
{
	(void)state;
	const char *argv[] = { "top", "-b", "-n", "1", "--root", ROOT };
	assert_int_equal(run(app_cmd_top, 6, argv), APP_EXIT_OK);
	assert_non_null(strstr(out,
	                       "Tasks: 5 total, 0 running, 2 sleeping, 1 disk sleep, 1 stopped, 0 zombie, "
	                       "0 idle, 1 other\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hal_parses_states),
		cmocka_unit_test(test_table_counts_states),
		cmocka_unit_test(test_ps_shows_states),
		cmocka_unit_test(test_top_header_counts_states),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
