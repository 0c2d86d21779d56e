/* The HAL against live processes: a child is put in a known state (sleeping, busy, stopped, zombie,
 * several threads, extra descriptors) and what the HAL reads is checked against it. Every child is
 * killed and reaped by its PID; every wait is bounded. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/clock.h"
#include "hal/proc.h"
#include "hal/sched.h"
#include "hal/syscall.h"
#include "hal/sysinfo.h"
#include "proc_table.h"
#include "rt/proc_rates.h"

static struct hal_procfs fs;
/* Threads of a plain child: 1 natively, 2 under qemu-user (its RCU thread). */
static int32_t base_threads = 1;

static void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

static void *thread_sleep(void *arg)
{
	(void)arg;
	for (int i = 0; i < 600; i++) {
		sleep_ms(100);
	}
	return NULL;
}

enum child_kind { CHILD_SLEEP, CHILD_BUSY, CHILD_EXIT, CHILD_THREADS, CHILD_FDS };

static pid_t spawn(enum child_kind kind)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid > 0) {
		return pid;
	}
	switch (kind) {
	case CHILD_BUSY: {
		/* Bounded busy loop (SCHED_OTHER), then sleep. */
		int64_t end = hal_clock_mono_ns() + 3 * PM_NS_PER_S;
		volatile uint64_t x = 0;
		while (hal_clock_mono_ns() < end) {
			x++;
		}
		break;
	}
	case CHILD_EXIT:
		_exit(0);
	case CHILD_THREADS: {
		pthread_t t[2];
		for (int i = 0; i < 2; i++) {
			if (pthread_create(&t[i], NULL, thread_sleep, NULL) != 0) {
				_exit(3);
			}
		}
		break;
	}
	case CHILD_FDS:
		for (int i = 0; i < 7; i++) {
			if (open("/dev/null", O_RDONLY) < 0) {
				_exit(4);
			}
		}
		break;
	case CHILD_SLEEP:
	default:
		break;
	}
	for (int i = 0; i < 600; i++) {
		sleep_ms(100);
	}
	_exit(0);
}

static void reap(pid_t pid)
{
	(void)kill(pid, SIGKILL);
	int status;
	(void)waitpid(pid, &status, 0);
}

/* Waits (bounded) until the child shows `state` in its stat. */
static int wait_state(pid_t pid, char state, struct hal_proc_stat *st)
{
	for (int i = 0; i < 200; i++) {
		if (hal_proc_read_stat(&fs, (int32_t)pid, st) == PM_OK && st->state == state) {
			return 1;
		}
		sleep_ms(10);
	}
	return 0;
}

static int setup(void **state)
{
	(void)state;
	return hal_procfs_open(&fs, NULL) == PM_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	hal_procfs_close(&fs);
	return 0;
}

static void test_sleeping_child(void **state)
{
	(void)state;
	pid_t pid = spawn(CHILD_SLEEP);
	struct hal_proc_stat st;
	assert_true(wait_state(pid, 'S', &st));
	struct hal_proc p;
	struct hal_proc_sample s;
	assert_int_equal(hal_proc_open(&fs, (int32_t)pid, HAL_PROC_ALL, &p, &s), PM_OK);
	assert_int_equal(s.stat.pid, pid);
	assert_int_equal(s.stat.ppid, getpid());
	assert_int_equal(s.stat.state, 'S');
	assert_true(s.stat.num_threads >= 1 && s.stat.num_threads <= 2);
	base_threads = s.stat.num_threads;
	assert_true((s.valid & HAL_PROC_STATUS) != 0);
	assert_true(s.status.vm_rss_kb > 0);
	assert_true((s.valid & HAL_PROC_IO) != 0); /* our own child */
	assert_true(s.fd_count >= 3);
	int64_t t0 = s.mono_ns;
	struct hal_proc_sample s2;
	sleep_ms(100);
	assert_int_equal(hal_proc_sample(&p, &s2), PM_OK);
	assert_true(s2.mono_ns > t0);
	struct rt_proc_rates r;
	rt_proc_rates_compute(&s, &s2, fs.clk_tck, &r);
	assert_true(r.cpu_percent < 20.0);
	char cg[PM_MAX_PATH];
	pm_status cst = hal_proc_cgroup(&fs, (int32_t)pid, cg, sizeof(cg));
	assert_true(cst == PM_OK || cst == PM_ERR_NOENT);
	/* Exit: the kept descriptors report it (reaped: ESRCH or an empty read). */
	reap(pid);
	assert_int_equal(hal_proc_sample(&p, &s2), PM_ERR_GONE);
	hal_proc_close(&p);
	assert_int_equal(hal_proc_open(&fs, (int32_t)pid, HAL_PROC_BASIC, &p, &s), PM_ERR_GONE);
}

static void test_busy_child_cpu(void **state)
{
	(void)state;
	pid_t pid = spawn(CHILD_BUSY);
	struct hal_proc p;
	struct hal_proc_sample a;
	struct hal_proc_sample b;
	sleep_ms(100);
	assert_int_equal(hal_proc_open(&fs, (int32_t)pid, HAL_PROC_BASIC, &p, &a), PM_OK);
	sleep_ms(1000);
	assert_int_equal(hal_proc_sample(&p, &b), PM_OK);
	struct rt_proc_rates r;
	rt_proc_rates_compute(&a, &b, fs.clk_tck, &r);
	/* One spinning thread on a shared 2-CPU machine: well above idle, at most one CPU. */
	assert_true(r.cpu_percent > 20.0);
	assert_true(r.cpu_percent < 110.0);
	hal_proc_close(&p);
	reap(pid);
}

static void test_stopped_and_zombie(void **state)
{
	(void)state;
	pid_t pid = spawn(CHILD_SLEEP);
	struct hal_proc_stat st;
	assert_true(wait_state(pid, 'S', &st));
	assert_int_equal(kill(pid, SIGSTOP), 0);
	assert_true(wait_state(pid, 'T', &st));
	assert_int_equal(kill(pid, SIGCONT), 0);
	reap(pid);

	pid_t z = spawn(CHILD_EXIT);
	assert_true(wait_state(z, 'Z', &st));
	struct hal_proc p;
	struct hal_proc_sample s;
	assert_int_equal(hal_proc_open(&fs, (int32_t)z, HAL_PROC_BASIC, &p, &s), PM_OK);
	assert_int_equal(s.stat.state, 'Z');
	assert_int_equal(s.status.present & HAL_STATUS_VMRSS, 0);
	assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
	int status;
	assert_int_equal(waitpid(z, &status, 0), z);
	assert_int_equal(hal_proc_sample(&p, &s), PM_ERR_GONE);
	hal_proc_close(&p);
}

static void test_threads_and_affinity(void **state)
{
	(void)state;
	pid_t pid = spawn(CHILD_THREADS);
	int32_t tids[16];
	size_t n = 0;
	size_t want = (size_t)base_threads + 2u;
	for (int i = 0; i < 200 && n < want; i++) {
		assert_int_equal(hal_proc_list_threads(&fs, (int32_t)pid, tids, 16, &n), PM_OK);
		if (n < want) {
			sleep_ms(10);
		}
	}
	assert_int_equal(n, want);
	for (size_t i = 0; i < n; i++) {
		struct hal_thread t;
		struct hal_thread_sample ts;
		assert_int_equal(hal_thread_open(&fs, (int32_t)pid, tids[i],
		                                 HAL_THREAD_STAT | HAL_THREAD_SCHEDSTAT, &t, &ts),
		                 PM_OK);
		assert_int_equal(ts.stat.pid, tids[i]);
		assert_true((ts.valid & HAL_THREAD_STAT) != 0);
		hal_thread_close(&t);
	}
	int policy = -1;
	int prio = -1;
	assert_int_equal(hal_sched_get(tids[1], &policy, &prio), PM_OK);
	assert_int_equal(policy, HAL_SCHED_OTHER);
	assert_int_equal(prio, 0);
	assert_int_equal(hal_sched_set(tids[1], HAL_SCHED_BATCH, 0), PM_OK);
	assert_int_equal(hal_sched_get(tids[1], &policy, &prio), PM_OK);
	assert_int_equal(policy, HAL_SCHED_BATCH);
	struct hal_cpuset one;
	hal_cpuset_clear(&one);
	(void)hal_cpuset_add(&one, 0);
	struct hal_sched_apply res;
	assert_int_equal(hal_affinity_set_process(&fs, (int32_t)pid, &one, &res), PM_OK);
	assert_int_equal(res.threads, n);
	assert_int_equal(res.applied, n);
	for (size_t i = 0; i < n; i++) {
		struct hal_cpuset got;
		assert_int_equal(hal_affinity_get(tids[i], &got), PM_OK);
		assert_true(hal_cpuset_equal(&got, &one));
	}
	assert_int_equal(hal_sched_set_process(&fs, (int32_t)pid, HAL_SCHED_OTHER, 0, &res), PM_OK);
	assert_int_equal(res.applied, n);
	assert_int_equal(hal_sched_set(tids[0], HAL_SCHED_FIFO, 0), PM_ERR_INVAL);
	reap(pid);
	assert_int_equal(hal_affinity_set(pid, &one), PM_ERR_GONE);
	assert_int_equal(hal_affinity_set_process(&fs, (int32_t)pid, &one, &res), PM_ERR_GONE);
}

static void test_fd_count_both_modes(void **state)
{
	(void)state;
	pid_t pid = spawn(CHILD_FDS);
	sleep_ms(200);
	struct hal_proc p;
	struct hal_proc_sample s;
	struct hal_procfs counting = fs;
	counting.fd_mode = HAL_FD_MODE_ENUMERATE;
	assert_int_equal(hal_proc_open(&counting, (int32_t)pid, HAL_PROC_FDS, &p, &s), PM_OK);
	int32_t counted = s.fd_count;
	hal_proc_close(&p);
	assert_true(counted >= 3 + 7);
	if (fs.fd_mode == HAL_FD_MODE_STAT_SIZE) {
		assert_int_equal(hal_proc_open(&fs, (int32_t)pid, HAL_PROC_FDS, &p, &s), PM_OK);
		assert_int_equal(s.fd_count, counted);
		hal_proc_close(&p);
	}
	reap(pid);
}

static void test_cmdline_and_table(void **state)
{
	(void)state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		static char a0[] = "sleep";
		static char a1[] = "30";
		char *const argv[] = { a0, a1, NULL };
		execv("/bin/sleep", argv);
		_exit(127);
	}
	struct hal_proc_stat st;
	assert_true(wait_state(pid, 'S', &st));
	char buf[64];
	size_t len = 0;
	for (int i = 0; i < 100; i++) {
		assert_int_equal(hal_proc_cmdline(&fs, (int32_t)pid, buf, sizeof(buf), &len), PM_OK);
		if (strcmp(buf, "sleep 30") == 0) {
			break;
		}
		sleep_ms(10);
	}
	assert_string_equal(buf, "sleep 30");
	static struct app_proc_table table;
	app_proc_table_init(&table, &fs, HAL_PROC_BASIC);
	pm_status rs = app_proc_table_refresh(&table);
	assert_true(rs == PM_OK || rs == PM_ERR_NOSPACE);
	int found = 0;
	for (uint32_t k = 0; k < table.n; k++) {
		if (table.slot[table.order[k]].h.pid == pid) {
			found = 1;
		}
	}
	assert_true(found);
	reap(pid);
	rs = app_proc_table_refresh(&table);
	assert_true(rs == PM_OK || rs == PM_ERR_NOSPACE);
	for (uint32_t k = 0; k < table.n; k++) {
		assert_int_not_equal(table.slot[table.order[k]].h.pid, pid);
	}
	assert_true(table.exits_seen >= 1);
	app_proc_table_close(&table);
}

static void test_system_live(void **state)
{
	(void)state;
	struct hal_sysinfo si;
	assert_int_equal(hal_sysinfo_open(&fs, &si), PM_OK);
	static struct hal_cpu_times ct;
	assert_int_equal(hal_sysinfo_cpu_times(&si, &ct), PM_OK);
	assert_true(ct.ncpu_lines >= 1);
	struct hal_meminfo mi;
	assert_int_equal(hal_sysinfo_meminfo(&si, &mi), PM_OK);
	assert_true(mi.mem_total_kb > 0);
	hal_sysinfo_close(&si);
	static struct hal_topology topo;
	assert_int_equal(hal_topology_read(&fs, &topo), PM_OK);
	assert_true(topo.ncpus >= 1);
	assert_true(hal_cpu_count_allowed() >= 1);
}

/* The creation mark on the live tree: with the mark held still (a seam in front of pread), refreshes
 * trust the tracked set and still see an exit; a moved mark makes the next refresh list /proc and
 * find a new child. */
static int g_mark_fd = -1;
static int64_t g_fake_last_pid = 1;
static int64_t (*g_real_pread)(int fd, void *buf, size_t len, int64_t offset);

static int64_t pread_fake_mark(int fd, void *buf, size_t len, int64_t offset)
{
	if (fd != g_mark_fd) {
		return g_real_pread(fd, buf, len, offset);
	}
	char text[64];
	int n = snprintf(text, sizeof(text), "0.00 0.00 0.00 1/100 %lld\n", (long long)g_fake_last_pid);
	assert_true(n > 0 && (size_t)n < sizeof(text));
	if (offset >= n) {
		return 0;
	}
	size_t give = (size_t)n - (size_t)offset;
	give = give < len ? give : len;
	memcpy(buf, text + offset, give);
	return (int64_t)give;
}

static int table_has(const struct app_proc_table *t, pid_t pid)
{
	for (uint32_t k = 0; k < t->n; k++) {
		if (t->slot[t->order[k]].h.pid == pid) {
			return 1;
		}
	}
	return 0;
}

static void test_discovery_mark(void **state)
{
	(void)state;
	assert_true(fs.mark_fd >= 0); /* our own PID namespace: the mark is usable */
	int64_t mark = 0;
	assert_int_equal(hal_proc_creation_mark(&fs, &mark), PM_OK);
	assert_true(mark > 0);
	g_mark_fd = fs.mark_fd;
	g_real_pread = hal_sys.pread;
	hal_sys.pread = pread_fake_mark;
	static struct app_proc_table table;
	app_proc_table_init(&table, &fs, HAL_PROC_BASIC);
	pm_status rs = app_proc_table_refresh(&table);
	assert_true(rs == PM_OK);
	assert_int_equal(table.listings, 1);
	pid_t child = spawn(CHILD_SLEEP);
	/* The mark did not move: the child stays unseen, and no listing is made. */
	assert_int_equal(app_proc_table_refresh(&table), PM_OK);
	assert_int_equal(table.listings, 1);
	assert_false(table_has(&table, child));
	g_fake_last_pid++;
	assert_int_equal(app_proc_table_refresh(&table), PM_OK);
	assert_int_equal(table.listings, 2);
	assert_true(table_has(&table, child));
	/* An exit needs no listing: the kept files fail. */
	reap(child);
	uint64_t exits = table.exits_seen;
	assert_int_equal(app_proc_table_refresh(&table), PM_OK);
	assert_int_equal(table.listings, 2);
	assert_false(table_has(&table, child));
	assert_true(table.exits_seen > exits);
	/* Whatever the mark says, a listing comes at least every APP_PROC_RELIST_EVERY refreshes. */
	for (uint32_t k = 0; k < APP_PROC_RELIST_EVERY; k++) {
		assert_int_equal(app_proc_table_refresh(&table), PM_OK);
	}
	assert_int_equal(table.listings, 3);
	hal_sys.pread = g_real_pread;
	app_proc_table_close(&table);
}

/* A line-by-line reading of status, the reference for the parser's key-to-key fast path. */
static int reference_status(const char *text, struct hal_proc_status *out)
{
	memset(out, 0, sizeof(*out));
	int have_name = 0;
	const char *line = text;
	while (*line != '\0') {
		const char *nl = strchr(line, '\n');
		size_t n = nl != NULL ? (size_t)(nl - line) : strlen(line);
		char *endp;
#define REF_KEY(k) (n >= sizeof(k) - 1 && strncmp(line, k, sizeof(k) - 1) == 0)
		if (REF_KEY("Name:")) {
			have_name = 1;
		} else if (REF_KEY("Uid:")) {
			out->uid = (uint32_t)strtoul(line + 4, &endp, 10);
			out->euid = (uint32_t)strtoul(endp, NULL, 10);
			out->present |= HAL_STATUS_UID;
		} else if (REF_KEY("VmSize:")) {
			out->vm_size_kb = strtoull(line + 7, NULL, 10);
			out->present |= HAL_STATUS_VMSIZE;
		} else if (REF_KEY("VmRSS:")) {
			out->vm_rss_kb = strtoull(line + 6, NULL, 10);
			out->present |= HAL_STATUS_VMRSS;
		} else if (REF_KEY("VmData:")) {
			out->vm_data_kb = strtoull(line + 7, NULL, 10);
			out->present |= HAL_STATUS_VMDATA;
		} else if (REF_KEY("VmStk:")) {
			out->vm_stk_kb = strtoull(line + 6, NULL, 10);
			out->present |= HAL_STATUS_VMSTK;
		} else if (REF_KEY("Threads:")) {
			out->threads = (uint32_t)strtoul(line + 8, NULL, 10);
			out->present |= HAL_STATUS_THREADS;
		} else if (REF_KEY("voluntary_ctxt_switches:")) {
			out->voluntary_ctxt_switches = strtoull(line + 24, NULL, 10);
			out->present |= HAL_STATUS_CTXSW;
		} else if (REF_KEY("nonvoluntary_ctxt_switches:")) {
			out->nonvoluntary_ctxt_switches = strtoull(line + 27, NULL, 10);
			out->present |= HAL_STATUS_CTXSW;
		}
#undef REF_KEY
		line += n;
		if (*line == '\n') {
			line++;
		}
	}
	return have_name;
}

/* Reads a whole small /proc file into text; 0 when the process has gone (or the file is not ours). */
static size_t read_proc_text(int32_t pid, const char *file, char *text, size_t cap)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return 0;
	}
	ssize_t got = read(fd, text, cap - 1);
	close(fd);
	if (got <= 0) {
		return 0;
	}
	text[got] = '\0';
	return (size_t)got;
}

/* Every process in /proc now (the first PM_MAX_PROCESSES of them): how many were listed. */
static size_t list_every_process(int32_t pids[PM_MAX_PROCESSES])
{
	size_t n = 0;
	pm_status ls = hal_proc_list(&fs, pids, PM_MAX_PROCESSES, &n);
	assert_true(ls == PM_OK || ls == PM_ERR_NOSPACE);
	return n;
}

/* Every process on this machine (kernel threads, which have no memory lines, included): the parser
 * reads each status file as the reference does. */
static void test_status_parser_against_reference(void **state)
{
	(void)state;
	static int32_t pids[PM_MAX_PROCESSES];
	const size_t n = list_every_process(pids);
	int compared = 0;
	int without_memory = 0;
	for (size_t i = 0; i < n; i++) {
		static char text[8192];
		size_t got = read_proc_text(pids[i], "status", text, sizeof(text));
		if (got == 0) {
			continue; /* exited since the listing */
		}
		struct hal_proc_status want;
		struct hal_proc_status have;
		assert_true(reference_status(text, &want));
		assert_int_equal(hal_parse_status(text, got, &have), PM_OK);
		assert_int_equal(have.present, want.present);
		assert_true(have.uid == want.uid && have.euid == want.euid && have.threads == want.threads);
		assert_true(have.vm_size_kb == want.vm_size_kb && have.vm_rss_kb == want.vm_rss_kb);
		assert_true(have.vm_data_kb == want.vm_data_kb && have.vm_stk_kb == want.vm_stk_kb);
		assert_true(have.voluntary_ctxt_switches == want.voluntary_ctxt_switches);
		assert_true(have.nonvoluntary_ctxt_switches == want.nonvoluntary_ctxt_switches);
		compared++;
		if ((want.present & HAL_STATUS_VMSIZE) == 0) {
			without_memory++;
		}
	}
	assert_true(compared >= 2);
	assert_true(without_memory >= 1); /* kernel threads, such as kthreadd */
}

/* Every process on this machine: the stat parser reads what a strtoll reading of the fields after
 * the last ')' reads, and the io parser what strtoull reads after each key. */
static void test_stat_and_io_parsers_against_reference(void **state)
{
	(void)state;
	static int32_t pids[PM_MAX_PROCESSES];
	const size_t n = list_every_process(pids);
	int stats = 0;
	int ios = 0;
	for (size_t i = 0; i < n; i++) {
		static char text[4096];
		/* Under qemu-user (the ARM64 tests) our own stat is QEMU's imitation, whose state is "0". */
		size_t got =
		    pids[i] == (int32_t)getpid() ? 0 : read_proc_text(pids[i], "stat", text, sizeof(text));
		if (got > 0) {
			struct hal_proc_stat have;
			assert_int_equal(hal_parse_stat(text, got, &have), PM_OK);
			char *close = strrchr(text, ')');
			assert_non_null(close);
			assert_int_equal(have.state, close[2]);
			long long field[53] = { 0 }; /* field[k]: the k-th field of proc(5), 4.. */
			char *p = close + 3;
			for (int k = 4; k <= 52 && *p != '\0' && *p != '\n'; k++) {
				/* unsigned fields above LLONG_MAX (signal masks, rsslim) wrap alike on both
				 * sides */
				field[k] = *p == '-' ? strtoll(p, &p, 10) : (long long)strtoull(p, &p, 10);
			}
			assert_int_equal(have.pid, pids[i]);
			assert_int_equal(have.ppid, field[4]);
			assert_int_equal(have.pgrp, field[5]);
			assert_int_equal(have.session, field[6]);
			assert_int_equal(have.tty_nr, field[7]);
			assert_int_equal(have.tpgid, field[8]);
			assert_int_equal(have.minflt, field[10]);
			assert_int_equal(have.majflt, field[12]);
			assert_int_equal(have.utime, field[14]);
			assert_int_equal(have.stime, field[15]);
			assert_int_equal(have.cutime, field[16]);
			assert_int_equal(have.cstime, field[17]);
			assert_int_equal(have.priority, field[18]);
			assert_int_equal(have.nice, field[19]);
			assert_int_equal(have.num_threads, field[20]);
			assert_int_equal(have.starttime, field[22]);
			assert_int_equal(have.vsize, field[23]);
			assert_int_equal(have.rss_pages, field[24]);
			assert_int_equal(have.processor, field[39]);
			assert_int_equal(have.rt_priority, field[40]);
			assert_int_equal(have.policy, field[41]);
			assert_int_equal(have.blkio_ticks, field[42]);
			stats++;
		}
		got = read_proc_text(pids[i], "io", text, sizeof(text));
		if (got > 0) {
			struct hal_proc_io have;
			assert_int_equal(hal_parse_io(text, got, &have), PM_OK);
			const struct {
				const char *key;
				uint64_t value;
			} fields[] = { { "rchar", have.rchar },
				       { "wchar", have.wchar },
				       { "syscr", have.syscr },
				       { "syscw", have.syscw },
				       { "read_bytes", have.read_bytes },
				       { "write_bytes", have.write_bytes },
				       { "cancelled_write_bytes", have.cancelled_write_bytes } };
			int matched = 0;
			for (char *line = text; *line != '\0';) { /* "key: value" lines */
				char *colon = strchr(line, ':');
				assert_non_null(colon);
				*colon = '\0';
				char *next;
				uint64_t value = strtoull(colon + 1, &next, 10);
				for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
					if (strcmp(line, fields[k].key) == 0) {
						assert_int_equal(fields[k].value, value);
						matched++;
					}
				}
				line = *next == '\n' ? next + 1 : next;
			}
			assert_int_equal(matched, 7);
			ios++;
		}
	}
	assert_true(stats >= 2);
	assert_true(ios >= 1); /* our own process at least */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sleeping_child),
		cmocka_unit_test(test_busy_child_cpu),
		cmocka_unit_test(test_stopped_and_zombie),
		cmocka_unit_test(test_threads_and_affinity),
		cmocka_unit_test(test_fd_count_both_modes),
		cmocka_unit_test(test_cmdline_and_table),
		cmocka_unit_test(test_system_live),
		cmocka_unit_test(test_discovery_mark),
		cmocka_unit_test(test_status_parser_against_reference),
		cmocka_unit_test(test_stat_and_io_parsers_against_reference),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
