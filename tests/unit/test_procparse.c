/* Unit tests of the /proc and /sys text parsers (hal/procparse.h): normal text, odd comm names,
 * truncated and malformed input, overflow, and the cpu-list / size formats. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hal/procparse.h"

#define S(text) text, (sizeof(text) - 1)

static void test_stat_normal(void **state)
{
	(void)state;
	struct hal_proc_stat st;
	assert_int_equal(
	    hal_parse_stat(S("1234 (bash) S 1 1234 1234 34816 5678 4194560 1200 0 3 0 150 50 0 0 20 0 "
	                     "3 0 98765 44371968 3311 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 "
	                     "2 0 0 5 0 0\n"),
	                   &st),
	    PM_OK);
	assert_int_equal(st.pid, 1234);
	assert_string_equal(st.comm, "bash");
	assert_int_equal(st.state, 'S');
	assert_int_equal(st.ppid, 1);
	assert_int_equal(st.tpgid, 5678);
	assert_int_equal(st.minflt, 1200);
	assert_int_equal(st.majflt, 3);
	assert_int_equal(st.utime, 150);
	assert_int_equal(st.stime, 50);
	assert_int_equal(st.priority, 20);
	assert_int_equal(st.num_threads, 3);
	assert_int_equal(st.starttime, 98765);
	assert_int_equal(st.vsize, 44371968);
	assert_int_equal(st.rss_pages, 3311);
	assert_int_equal(st.processor, 2);
	assert_int_equal(st.rt_priority, 0);
	assert_int_equal(st.policy, 0);
	assert_int_equal(st.blkio_ticks, 5);
}

static void test_stat_comm_with_spaces_and_parens(void **state)
{
	(void)state;
	struct hal_proc_stat st;
	assert_int_equal(
	    hal_parse_stat(S("42 (my (weird) prog) x) R 1 42 42 0 -1 0 0 0 0 0 7 8 0 0 -51 0 1 0 5000 "
	                     "10 2 0 0 0 0 0 0 0 0 0 0 0 0 0 17 3 50 1 0\n"),
	                   &st),
	    PM_OK);
	assert_string_equal(st.comm, "my (weird) prog) x");
	assert_int_equal(st.state, 'R');
	assert_int_equal(st.priority, -51);
	assert_int_equal(st.tpgid, -1);
	assert_int_equal(st.processor, 3);
	assert_int_equal(st.rt_priority, 50);
	assert_int_equal(st.policy, 1);
	/* An empty comm and a comm that is only ')' */
	assert_int_equal(hal_parse_stat(S("5 () S 1 1 1 0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 9\n"), &st), PM_OK);
	assert_string_equal(st.comm, "");
	assert_int_equal(hal_parse_stat(S("5 ()) S 1 1 1 0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 9\n"), &st), PM_OK);
	assert_string_equal(st.comm, ")");
}

static void test_stat_old_kernel_and_truncation(void **state)
{
	(void)state;
	struct hal_proc_stat st;
	/* Ends after rss: processor unknown. */
	assert_int_equal(
	    hal_parse_stat(S("10 (oldd) S 1 10 10 0 -1 4202752 50 0 0 0 7 3 0 0 20 0 1 0 100 1048576 64\n"),
	                   &st),
	    PM_OK);
	assert_int_equal(st.processor, -1);
	assert_int_equal(st.rss_pages, 64);
	/* Truncated before starttime: an error. */
	assert_int_equal(hal_parse_stat(S("10 (oldd) S 1 10 10 0 -1 4202752 50 0 0 0 7 3 0 0 20 0 1 0"), &st),
	                 PM_ERR_PARSE);
	assert_int_equal(hal_parse_stat(S("10 (oldd S 1"), &st), PM_ERR_PARSE);
	assert_int_equal(hal_parse_stat(S(""), &st), PM_ERR_PARSE);
	assert_int_equal(hal_parse_stat(S("x (a) S"), &st), PM_ERR_PARSE);
	assert_int_equal(
	    hal_parse_stat(S("1 (a) S 1 1 1 0 0 0 0 0 0 0 99999999999999999999 0 0 0 20 0 1 0 9\n"), &st),
	    PM_ERR_PARSE);
	assert_int_equal(hal_parse_stat(NULL, 0, &st), PM_ERR_INVAL);
}

static void test_status(void **state)
{
	(void)state;
	struct hal_proc_status s;
	assert_int_equal(
	    hal_parse_status(S("Name:\tbash\nState:\tS (sleeping)\nUid:\t1000\t1001\t1000\t1000\n"
	                       "VmSize:\t   43336 kB\nVmData:\t    9876 kB\nVmStk:\t     132 kB\n"
	                       "VmRSS:\t   13244 kB\nThreads:\t4\nvoluntary_ctxt_switches:\t10\n"
	                       "nonvoluntary_ctxt_switches:\t2\n"),
	                     &s),
	    PM_OK);
	assert_int_equal(s.uid, 1000);
	assert_int_equal(s.euid, 1001);
	assert_int_equal(s.vm_size_kb, 43336);
	assert_int_equal(s.vm_data_kb, 9876);
	assert_int_equal(s.vm_stk_kb, 132);
	assert_int_equal(s.vm_rss_kb, 13244);
	assert_int_equal(s.threads, 4);
	assert_int_equal(s.voluntary_ctxt_switches, 10);
	assert_int_equal(s.nonvoluntary_ctxt_switches, 2);
	assert_int_equal(s.present & HAL_STATUS_VMRSS, HAL_STATUS_VMRSS);
	/* A zombie: no Vm lines. */
	assert_int_equal(hal_parse_status(S("Name:\tdefunct\nState:\tZ (zombie)\nThreads:\t1\n"), &s), PM_OK);
	assert_int_equal(s.present & HAL_STATUS_VMRSS, 0);
	assert_int_equal(s.vm_rss_kb, 0);
	assert_int_equal(hal_parse_status(S("VmRSS:\t12 kB\n"), &s),
	                 PM_ERR_PARSE); /* no Name: not a status file */
	assert_int_equal(hal_parse_status(S("Name:\tx\nVmRSS:\tabc kB\n"), &s), PM_ERR_PARSE);
}

static void test_io_schedstat_sched(void **state)
{
	(void)state;
	struct hal_proc_io io;
	assert_int_equal(
	    hal_parse_io(S("rchar: 1\nwchar: 2\nsyscr: 3\nsyscw: 4\nread_bytes: 5\nwrite_bytes: 6\n"
	                   "cancelled_write_bytes: 7\n"),
	                 &io),
	    PM_OK);
	assert_int_equal(io.rchar, 1);
	assert_int_equal(io.syscw, 4);
	assert_int_equal(io.write_bytes, 6);
	assert_int_equal(io.cancelled_write_bytes, 7);
	assert_int_equal(hal_parse_io(S("rchar: 1\n"), &io), PM_ERR_PARSE);
	struct hal_schedstat ss;
	assert_int_equal(hal_parse_schedstat(S("58079 43424 2\n"), &ss), PM_OK);
	assert_int_equal(ss.run_ns, 58079);
	assert_int_equal(ss.wait_ns, 43424);
	assert_int_equal(ss.timeslices, 2);
	assert_int_equal(hal_parse_schedstat(S("1 2"), &ss), PM_ERR_PARSE);
	struct hal_proc_sched sc;
	assert_int_equal(
	    hal_parse_sched(S("cat (1, #threads: 1)\n---\nse.nr_migrations    :    17\nnr_switches :  42\n"),
	                    &sc),
	    PM_OK);
	assert_int_equal(sc.nr_migrations, 17);
	assert_int_equal(sc.nr_switches, 42);
	assert_int_equal(hal_parse_sched(S("nr_switches : 42\n"), &sc), PM_ERR_PARSE);
}

static void test_meminfo_procstat(void **state)
{
	(void)state;
	struct hal_meminfo mi;
	assert_int_equal(
	    hal_parse_meminfo(S("MemTotal:  1000 kB\nMemFree:  200 kB\nMemAvailable: 500 kB\nCached: 7 kB\n"
	                        "SwapTotal: 3 kB\nSwapFree: 2 kB\n"),
	                      &mi),
	    PM_OK);
	assert_int_equal(mi.mem_total_kb, 1000);
	assert_int_equal(mi.mem_available_kb, 500);
	assert_int_equal(mi.cached_kb, 7);
	assert_int_equal(mi.swap_free_kb, 2);
	assert_int_equal(hal_parse_meminfo(S("MemFree: 1 kB\n"), &mi), PM_ERR_PARSE);
	static struct hal_cpu_times ct;
	assert_int_equal(
	    hal_parse_proc_stat(S("cpu  10 1 5 100 2 0 1 0 0 0\ncpu0 5 1 2 50 1 0 1 0\ncpu3 5 0 3 50\n"
	                          "ctxt 99\nbtime 7\nprocesses 5\nprocs_running 2\nprocs_blocked 1\n"),
	                        &ct),
	    PM_OK);
	assert_int_equal(ct.ncpu_lines, 2);
	assert_true(hal_cpuset_has(&ct.present, 0));
	assert_true(hal_cpuset_has(&ct.present, 3));
	assert_false(hal_cpuset_has(&ct.present, 1));
	assert_int_equal(ct.cpu[3].system, 3);
	assert_int_equal(ct.ctxt, 99);
	assert_int_equal(ct.procs_running, 2);
	assert_int_equal(hal_cpu_ticks_total(&ct.total), 119);
	assert_int_equal(hal_cpu_ticks_busy(&ct.total), 17);
	assert_int_equal(hal_parse_proc_stat(S("cpu0 1 2 3 4\n"), &ct), PM_ERR_PARSE);
	assert_int_equal(hal_parse_proc_stat(S("cpu  1 2\n"), &ct), PM_ERR_PARSE);
}

static void test_loadavg_vmstat_psi_netdev(void **state)
{
	(void)state;
	struct hal_loadavg la;
	assert_int_equal(hal_parse_loadavg(S("0.52 10.58 0.09 3/467 12345\n"), &la), PM_OK);
	assert_true(la.load1 > 0.519 && la.load1 < 0.521);
	assert_true(la.load5 > 10.579 && la.load5 < 10.581);
	assert_int_equal(la.runnable, 3);
	assert_int_equal(la.total, 467);
	assert_int_equal(la.last_pid, 12345);
	assert_int_equal(hal_parse_loadavg(S("0.52 0.58 0.59 3 467\n"), &la), PM_ERR_PARSE);
	struct hal_vmstat vm;
	assert_int_equal(hal_parse_vmstat(S("pgfault 5\npgmajfault 2\npgfaultx 9\noom_kill 1\n"), &vm),
	                 PM_OK);
	assert_int_equal(vm.pgfault, 5);
	assert_int_equal(vm.pgmajfault, 2);
	assert_int_equal(vm.oom_kill, 1);
	struct hal_psi psi;
	assert_int_equal(hal_parse_psi(S("some avg10=12.34 avg60=5.00 avg300=1.00 total=999\n"
	                                 "full avg10=10.00 avg60=4.00 avg300=0.50 total=888\n"),
	                               &psi),
	                 PM_OK);
	assert_int_equal(psi.some.avg10_x100, 1234);
	assert_int_equal(psi.full.avg300_x100, 50);
	assert_int_equal(psi.full.total_us, 888);
	assert_int_equal(psi.has_full, 1);
	assert_int_equal(hal_parse_psi(S("some avg10=1.00 total=5\n"), &psi), PM_ERR_PARSE);
	static struct hal_netdev_table nd;
	assert_int_equal(
	    hal_parse_netdev(
	        S("Inter-|   Receive |  Transmit\n face |bytes packets|bytes\n"
	          "    lo:    3267      29    0    0    0     0          0         0     3267      29    "
	          "0    0    0     0       0          0\n"
	          "  eth0: 98765 123 1 2 0 0 0 10 12345 54 3 4 0 0 0 0\n"),
	        &nd),
	    PM_OK);
	assert_int_equal(nd.count, 2);
	assert_string_equal(nd.dev[1].name, "eth0");
	assert_int_equal(nd.dev[1].rx_bytes, 98765);
	assert_int_equal(nd.dev[1].rx_drop, 2);
	assert_int_equal(nd.dev[1].tx_bytes, 12345);
	assert_int_equal(nd.dev[1].tx_drop, 4);
	assert_int_equal(hal_parse_netdev(S("  eth0: 1 2 3\n"), &nd), PM_ERR_PARSE);
}

static void test_cpulist_and_size(void **state)
{
	(void)state;
	struct hal_cpuset s;
	char buf[64];
	assert_int_equal(hal_parse_cpulist(S("0-3,8\n"), &s), PM_OK);
	assert_int_equal(hal_cpuset_count(&s), 5);
	assert_true(hal_cpuset_has(&s, 8));
	assert_false(hal_cpuset_has(&s, 4));
	assert_int_equal(hal_format_cpulist(&s, buf, sizeof(buf)), PM_OK);
	assert_string_equal(buf, "0-3,8");
	assert_int_equal(hal_parse_cpulist(S("\n"), &s), PM_OK);
	assert_int_equal(hal_cpuset_count(&s), 0);
	assert_int_equal(hal_parse_cpulist(S("255"), &s), PM_OK);
	assert_int_equal(hal_parse_cpulist(S("256"), &s), PM_ERR_PARSE);
	assert_int_equal(hal_parse_cpulist(S("3-1"), &s), PM_ERR_PARSE);
	assert_int_equal(hal_parse_cpulist(S("1,"), &s), PM_ERR_PARSE);
	assert_int_equal(hal_parse_cpulist(S("1;2"), &s), PM_ERR_PARSE);
	assert_int_equal(hal_parse_cpulist(S("0-255"), &s), PM_OK);
	assert_int_equal(hal_format_cpulist(&s, buf, 4), PM_ERR_NOSPACE);
	assert_int_equal(hal_format_cpulist(&s, buf, sizeof(buf)), PM_OK);
	assert_string_equal(buf, "0-255");
	uint64_t v;
	assert_int_equal(hal_parse_size(S("32K\n"), &v), PM_OK);
	assert_int_equal(v, 32768);
	assert_int_equal(hal_parse_size(S("12M"), &v), PM_OK);
	assert_int_equal(v, 12u << 20);
	assert_int_equal(hal_parse_size(S("1G"), &v), PM_OK);
	assert_int_equal(v, 1u << 30);
	assert_int_equal(hal_parse_size(S("4096"), &v), PM_OK);
	assert_int_equal(v, 4096);
	assert_int_equal(hal_parse_size(S("32KB"), &v), PM_OK);
	assert_int_equal(hal_parse_size(S("32X"), &v), PM_ERR_PARSE);
	assert_int_equal(hal_parse_size(S("K"), &v), PM_ERR_PARSE);
	assert_int_equal(hal_parse_size(S("17179869184G"), &v), PM_ERR_PARSE); /* 2^34 G overflows */
}

static void test_cgroup_text(void **state)
{
	(void)state;
	struct hal_cgroup_cpu_stat cs;
	assert_int_equal(
	    hal_parse_cgroup_cpu_stat(S("usage_usec 5\nuser_usec 4\nsystem_usec 1\nnr_throttled 2\n"), &cs),
	    PM_OK);
	assert_int_equal(cs.usage_usec, 5);
	assert_int_equal(cs.nr_throttled, 2);
	uint64_t v;
	assert_int_equal(hal_parse_u64_or_max(S("max\n"), &v), PM_OK);
	assert_true(v == UINT64_MAX);
	assert_int_equal(hal_parse_u64_or_max(S("123\n"), &v), PM_OK);
	assert_int_equal(v, 123);
	assert_int_equal(hal_parse_u64_or_max(S("12 3"), &v), PM_ERR_PARSE);
	char path[64];
	assert_int_equal(
	    hal_parse_cgroup_path(S("12:pids:/\n0::/system.slice/x.service\n"), path, sizeof(path)), PM_OK);
	assert_string_equal(path, "/system.slice/x.service");
	assert_int_equal(hal_parse_cgroup_path(S("12:pids:/\n"), path, sizeof(path)), PM_ERR_NOENT);
	assert_int_equal(hal_parse_cgroup_path(S("0::/a/very/long/path\n"), path, 8), PM_ERR_NOSPACE);
}

/* The C library's reading of the same text, the reference the word-at-a-time paths must match. */
static int reference_u64(const char *buf, size_t len, uint64_t *out, size_t *used)
{
	char text[64];
	assert_true(len < sizeof(text));
	memcpy(text, buf, len);
	text[len] = '\0';
	size_t start = strspn(text, " \t");
	if (text[start] < '0' || text[start] > '9') {
		return -1;
	}
	char *end = NULL;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno == ERANGE) {
		return -1;
	}
	*out = (uint64_t)v;
	*used = (size_t)(end - text);
	return 0;
}

/* Every length from 1 to 21 digits, every distance from the end of the buffer (the word paths need
 * 8 and 16 bytes), and terminators on both sides of the digit range ('/' and ':'), blank, newline,
 * letter. */
static void test_number_reader_paths(void **state)
{
	(void)state;
	static const char digits[] = "18446744073709551615"
	                             "9";
	static const char terms[] = "/: \nx";
	char buf[64];
	int checked = 0;
	for (size_t ndig = 1; ndig <= 21; ndig++) {
		for (size_t lead = 0; lead <= 2; lead++) {
			for (size_t t = 0; t < sizeof(terms); t++) { /* t == strlen: no terminator */
				for (size_t extra = 0; extra <= 17; extra++) {
					size_t len = 0;
					for (size_t k = 0; k < lead; k++) {
						buf[len++] = ' ';
					}
					/* Vary the digits so every lane sees each value. */
					for (size_t k = 0; k < ndig; k++) {
						buf[len++] =
						    (char)('0' +
						           ((size_t)(digits[k] - '0') + extra + t) % 10u);
					}
					if (t < sizeof(terms) - 1) {
						buf[len++] = terms[t];
						for (size_t k = 0; k < extra; k++) {
							buf[len++] =
							    (char)('0' + k % 10); /* digits after the end must
							                             not count */
						}
					}
					uint64_t want = 0;
					size_t want_used = 0;
					uint64_t got = 0;
					size_t got_used = 0;
					int ref = reference_u64(buf, len, &want, &want_used);
					pm_status st = hal_parse_u64(buf, len, &got, &got_used);
					if (ref != 0) {
						assert_int_equal(st, PM_ERR_PARSE);
					} else {
						assert_int_equal(st, PM_OK);
						assert_true(got == want);
						assert_int_equal(got_used, want_used);
					}
					checked++;
				}
			}
		}
	}
	assert_int_equal(checked, 21 * 3 * 6 * 18);
	uint64_t v = 0;
	size_t used = 0;
	assert_int_equal(hal_parse_u64(S("18446744073709551615 "), &v, &used), PM_OK);
	assert_true(v == UINT64_MAX);
	assert_int_equal(hal_parse_u64(S("18446744073709551616 "), &v, &used), PM_ERR_PARSE);
	assert_int_equal(hal_parse_u64(S("12345678"), &v, &used), PM_OK); /* exactly one word */
	assert_true(v == 12345678u);
	assert_int_equal(used, 8);
	assert_int_equal(hal_parse_u64(S("1234567812345678 tail"), &v, &used), PM_OK);
	assert_true(v == UINT64_C(1234567812345678));
	assert_int_equal(hal_parse_u64(S("x1234567812345678"), &v, &used), PM_ERR_PARSE);
	assert_int_equal(hal_parse_u64(S(""), &v, &used), PM_ERR_PARSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stat_normal),
		cmocka_unit_test(test_stat_comm_with_spaces_and_parens),
		cmocka_unit_test(test_stat_old_kernel_and_truncation),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_io_schedstat_sched),
		cmocka_unit_test(test_meminfo_procstat),
		cmocka_unit_test(test_loadavg_vmstat_psi_netdev),
		cmocka_unit_test(test_cpulist_and_size),
		cmocka_unit_test(test_cgroup_text),
		cmocka_unit_test(test_number_reader_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
