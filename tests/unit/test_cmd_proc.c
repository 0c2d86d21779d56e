/* The command contracts of `picmon ps`, `top`, `topology` and `affinity` over the recorded tree:
 * JSON shape and field names (parsed with jsmn), batch frames, exit codes of bad input. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture.h"

#define JSMN_STATIC
#include <jsmn.h>

#include "commands.h"

#define ROOT PICMON_SOURCE_DIR "/tests/fixtures/proc-normal"

static char out[1 << 16];

/* Runs a command with stdout captured into `out`; returns its exit code. */
static int run(int (*cmd)(int, char **), int argc, const char **argv)
{
	return pm_test_run_captured(cmd, argc, argv, out, sizeof(out), NULL, 0);
}

static int tok_is(const char *js, const jsmntok_t *t, const char *s)
{
	return t->type == JSMN_STRING && (size_t)(t->end - t->start) == strlen(s) &&
	       strncmp(js + t->start, s, strlen(s)) == 0;
}

static void test_ps_json(void **state)
{
	(void)state;
	const char *argv[] = { "ps", "--json", "--interval", "1", "--root", ROOT };
	assert_int_equal(run(app_cmd_ps, 6, argv), APP_EXIT_OK);
	static jsmntok_t tok[2048];
	jsmn_parser p;
	jsmn_init(&p);
	int n = jsmn_parse(&p, out, strlen(out), tok, 2048);
	assert_true(n > 0);
	assert_int_equal(tok[0].type, JSMN_ARRAY);
	assert_int_equal(tok[0].size, 4); /* 1, 42, 77, 300: 500 vanished */
	static const char *const fields[] = {
		"pid",          "ppid",    "state", "comm",     "cpu_percent",         "rss_kb",
		"vsz_kb",       "threads", "fds",   "children", "io_read_bytes_per_s", "io_write_bytes_per_s",
		"io_ops_per_s", "class"
	};
	assert_int_equal(tok[1].type, JSMN_OBJECT);
	for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		int found = 0;
		for (int i = 2; i < n && tok[i].start < tok[1].end; i++) {
			found |= tok_is(out, &tok[i], fields[f]);
		}
		assert_true(found);
	}
	assert_non_null(strstr(out, "\"comm\":\"my (weird) prog) x\""));
	assert_non_null(strstr(out, "\"class\":\"inactive\""));
	assert_non_null(strstr(out, "\"state\":\"Z\""));
	assert_non_null(strstr(out, "\"fds\":null")); /* the zombie */
}

static void test_ps_table_and_usage(void **state)
{
	(void)state;
	const char *argv[] = { "ps", "--interval", "1", "--root", ROOT };
	assert_int_equal(run(app_cmd_ps, 5, argv), APP_EXIT_OK);
	assert_non_null(strstr(out, "CLASS"));
	assert_non_null(strstr(out, "my (weird) prog) x"));
	const char *bad[] = { "ps", "--bogus" };
	assert_int_equal(run(app_cmd_ps, 2, bad), APP_EXIT_USAGE);
	const char *badint[] = { "ps", "--interval", "0" };
	assert_int_equal(run(app_cmd_ps, 3, badint), APP_EXIT_USAGE);
	const char *noroot[] = { "ps", "--root", "/nonexistent-root" };
	assert_int_equal(run(app_cmd_ps, 3, noroot), APP_EXIT_FAILURE);
	/* Two samples give the classifier one rate: the help says bursty processes need top. */
	const char *help[] = { "ps", "--help" };
	assert_int_equal(run(app_cmd_ps, 2, help), APP_EXIT_OK);
	assert_non_null(strstr(out, "'active' (bursty) needs three and never shows here"));
	assert_non_null(strstr(out, "use 'picmon top' for bursty processes"));
}

static void test_top_batch(void **state)
{
	(void)state;
	const char *argv[] = { "top", "-b", "-n", "2", "-d", "0.01", "--sort", "rss", "--root", ROOT };
	assert_int_equal(run(app_cmd_top, 10, argv), APP_EXIT_OK);
	/* Two frames, no terminal control. */
	const char *first = strstr(out, "picmon top");
	assert_non_null(first);
	assert_non_null(strstr(first + 1, "picmon top"));
	assert_null(strchr(out, '\033'));
	assert_non_null(
	    strstr(out, "Tasks: 4 total, 1 running, 1 sleeping, 0 disk sleep, 0 stopped, 1 zombie, 1 idle"));
	/* Users: the recorded tree has no etc/passwd, so its four processes count under the uid
	 * that owns the checked-out files, as a number. */
	struct stat st;
	assert_int_equal(stat(ROOT "/proc/1/stat", &st), 0);
	char users[64];
	snprintf(users, sizeof(users), "\nUsers: %u 4\n", (unsigned)st.st_uid);
	assert_non_null(strstr(out, users));
	/* Sorted by RSS: init (13244 kB) before the others. */
	assert_true(strstr(out, " init") < strstr(out, "kworker"));
	const char *bad[] = { "top", "--sort", "mem" };
	assert_int_equal(run(app_cmd_top, 3, bad), APP_EXIT_USAGE);
	const char *badd[] = { "top", "-d", "x" };
	assert_int_equal(run(app_cmd_top, 3, badd), APP_EXIT_USAGE);
	const char *badn[] = { "top", "-b", "-n", "0" };
	assert_int_equal(run(app_cmd_top, 4, badn), APP_EXIT_USAGE);
}

static void test_topology(void **state)
{
	(void)state;
	const char *argv[] = { "topology", "--json", "--root", ROOT };
	assert_int_equal(run(app_cmd_topology, 4, argv), APP_EXIT_OK);
	static jsmntok_t tok[1024];
	jsmn_parser p;
	jsmn_init(&p);
	assert_true(jsmn_parse(&p, out, strlen(out), tok, 1024) > 0);
	assert_non_null(strstr(out, "\"cpus\":4,\"cores\":2,\"numa_nodes\":1"));
	assert_non_null(strstr(out, "\"siblings\":\"0,2\""));
	assert_non_null(strstr(out, "\"size_bytes\":12582912,\"shared_cpus\":\"0-3\""));
	assert_non_null(strstr(out, "\"max_khz\":2400000"));
	const char *text[] = { "topology", "--root", ROOT };
	assert_int_equal(run(app_cmd_topology, 3, text), APP_EXIT_OK);
	assert_non_null(strstr(out, "physical cores: 2"));
	assert_non_null(strstr(out, "L3U 12M [0-3]"));
}

static void test_affinity_errors(void **state)
{
	(void)state;
	const char *notpid[] = { "affinity", "abc" };
	assert_int_equal(run(app_cmd_affinity, 2, notpid), APP_EXIT_FAILURE);
	const char *gone[] = { "affinity", "2147483000", "--analyze", "0.2" };
	assert_int_equal(run(app_cmd_affinity, 4, gone), APP_EXIT_FAILURE);
	const char *usage[] = { "affinity" };
	assert_int_equal(run(app_cmd_affinity, 1, usage), APP_EXIT_USAGE);
	const char *badopt[] = { "affinity", "1", "--bogus" };
	assert_int_equal(run(app_cmd_affinity, 3, badopt), APP_EXIT_USAGE);
	const char *bads[] = { "affinity", "1", "--analyze", "-1" };
	assert_int_equal(run(app_cmd_affinity, 4, bads), APP_EXIT_USAGE);
}

static void test_affinity_self(void **state)
{
	(void)state;
	char pid[16];
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	const char *argv[] = { "affinity", pid, "--analyze", "0.4" };
	assert_int_equal(run(app_cmd_affinity, 4, argv), APP_EXIT_OK);
	assert_non_null(strstr(out, "workload type: "));
	assert_non_null(strstr(out, "recommended CPUs: "));
	assert_non_null(strstr(out, "migrations: "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ps_json),         cmocka_unit_test(test_ps_table_and_usage),
		cmocka_unit_test(test_top_batch),       cmocka_unit_test(test_topology),
		cmocka_unit_test(test_affinity_errors), cmocka_unit_test(test_affinity_self),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
