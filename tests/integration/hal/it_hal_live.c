/* The HAL against live processes: a child is put in a known state (sleeping, busy, stopped, zombie,
 * several threads, extra descriptors, moved between CPUs, SCHED_FIFO, doing counted I/O) and what
 * the HAL reads is checked against it; the system files are checked against a reading of the same
 * text done here. Every child is killed and reaped by its PID (a failed test's children by its
 * teardown); every wait is bounded. */
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
#include <sys/prctl.h>
#include <sys/resource.h>
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

/* A thread that names itself (so the parent finds it in task/) and spins for a bounded time. */
static void *thread_busy(void *arg)
{
	(void)arg;
	(void)prctl(PR_SET_NAME, "itbusy", 0, 0, 0);
	int64_t end = hal_clock_mono_ns() + 4 * PM_NS_PER_S;
	volatile uint64_t x = 0;
	while (hal_clock_mono_ns() < end) {
		x++;
	}
	return thread_sleep(NULL);
}

enum child_kind {
	CHILD_SLEEP,
	CHILD_BUSY,
	CHILD_EXIT,
	CHILD_THREADS,
	CHILD_FDS,
	CHILD_NAP,
	CHILD_BUSY_THREAD
};

/* Children not reaped yet: a test that fails half-way leaves them to its teardown. */
#define MAX_CHILDREN 8
static pid_t g_children[MAX_CHILDREN];

static void track(pid_t pid)
{
	for (int i = 0; i < MAX_CHILDREN; i++) {
		if (g_children[i] == 0) {
			g_children[i] = pid;
			return;
		}
	}
	(void)kill(pid, SIGKILL);
	fail_msg("more than %d children at once", MAX_CHILDREN);
}

/* The child was reaped elsewhere: its PID may be reused, so it must never be signalled again. */
static void forget(pid_t pid)
{
	for (int i = 0; i < MAX_CHILDREN; i++) {
		if (g_children[i] == pid) {
			g_children[i] = 0;
		}
	}
}

static pid_t spawn(enum child_kind kind)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid > 0) {
		track(pid);
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
	case CHILD_NAP:
		/* Short sleeps: a new affinity takes effect at the next wake-up. */
		for (int i = 0; i < 3000; i++) {
			sleep_ms(10);
		}
		_exit(0);
	case CHILD_BUSY_THREAD: {
		pthread_t t;
		if (pthread_create(&t, NULL, thread_busy, NULL) != 0) {
			_exit(3);
		}
		break;
	}
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
	forget(pid);
}

static int reap_leftovers(void **state)
{
	(void)state;
	for (int i = 0; i < MAX_CHILDREN; i++) {
		if (g_children[i] != 0) {
			reap(g_children[i]);
		}
	}
	return 0;
}

/* The independent readings: a whole file into text (NUL-terminated) with plain read(2), up to the
 * end of file; 0 when it is absent, unreadable or empty. A file that fills `cap` fails the test. */
static size_t read_text(const char *path, char *text, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return 0;
	}
	size_t n = 0;
	int failed = 0;
	for (int calls = 0; calls < 256; calls++) {
		ssize_t got = read(fd, text + n, cap - 1 - n);
		if (got < 0 && errno == EINTR) {
			continue;
		}
		if (got <= 0) {
			failed = got < 0;
			break;
		}
		n += (size_t)got;
		assert_true(n + 1 < cap);
	}
	close(fd);
	n = failed ? 0 : n;
	text[n] = '\0';
	return n;
}

/* A whole small /proc/PID file; 0 when the process has gone (or the file is not ours). */
static size_t read_proc_text(int32_t pid, const char *file, char *text, size_t cap)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	return read_text(path, text, cap);
}

/* The fields of a stat line after the last ')': field[k] is the k-th field of proc(5), 3.. (the
 * state is field[3] as a character code). 0 when the line has no ')'. */
static int stat_fields(char *text, long long field[53])
{
	memset(field, 0, 53 * sizeof(field[0]));
	char *close = strrchr(text, ')');
	if (close == NULL || close[1] != ' ' || close[2] == '\0') {
		return 0;
	}
	field[3] = close[2];
	char *p = close + 3;
	for (int k = 4; k <= 52 && *p != '\0' && *p != '\n'; k++) {
		/* unsigned fields above LLONG_MAX (signal masks, rsslim) wrap alike on both sides */
		field[k] = *p == '-' ? strtoll(p, &p, 10) : (long long)strtoull(p, &p, 10);
	}
	return 1;
}

/* The value of "key<spaces>: value" in /proc/PID/sched (or a task's); 0 when absent. */
static int sched_value(const char *path, const char *key, uint64_t *out)
{
	static char text[8192];
	if (read_text(path, text, sizeof(text)) == 0) {
		return 0;
	}
	size_t klen = strlen(key);
	for (const char *line = text; *line != '\0';) {
		if (strncmp(line, key, klen) == 0 && (line[klen] == ' ' || line[klen] == ':')) {
			const char *colon = strchr(line, ':');
			if (colon == NULL) {
				return 0;
			}
			*out = strtoull(colon + 1, NULL, 10);
			return 1;
		}
		const char *nl = strchr(line, '\n');
		line = nl != NULL ? nl + 1 : line + strlen(line);
	}
	return 0;
}

/* The cgroup v2 path of this process from the "0::" line of /proc/self/cgroup; 0 when none. */
static int self_cgroup_v2(char *path, size_t cap)
{
	static char text[4096];
	if (read_text("/proc/self/cgroup", text, sizeof(text)) == 0) {
		return 0;
	}
	for (char *line = text; *line != '\0';) {
		char *nl = strchr(line, '\n');
		if (nl != NULL) {
			*nl = '\0';
		}
		if (strncmp(line, "0::", 3) == 0) {
			assert_true(strlen(line + 3) < cap);
			strcpy(path, line + 3);
			return 1;
		}
		line = nl != NULL ? nl + 1 : line + strlen(line);
	}
	return 0;
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
	/* The child is in our cgroup: the v2 path is the "0::" line of our own cgroup file, which a
	 * cgroup v2 machine always has. */
	char cg[PM_MAX_PATH];
	char want[PM_MAX_PATH];
	int have_v2 = self_cgroup_v2(want, sizeof(want));
	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0) {
		assert_true(have_v2);
	}
	pm_status cst = hal_proc_cgroup(&fs, (int32_t)pid, cg, sizeof(cg));
	if (have_v2) {
		assert_int_equal(cst, PM_OK);
		assert_string_equal(cg, want);
	} else {
		assert_int_equal(cst, PM_ERR_NOENT);
	}
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
	forget(z);
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
	track(pid);
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
	assert_non_null(app_proc_table_find(&table, pid));
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

/* Waits (bounded) until the child's stat shows it last ran on `cpu`. */
static int wait_cpu(pid_t pid, uint32_t cpu)
{
	struct hal_proc_stat st;
	for (int i = 0; i < 400; i++) {
		if (hal_proc_read_stat(&fs, (int32_t)pid, &st) == PM_OK && st.processor == (int32_t)cpu) {
			return 1;
		}
		sleep_ms(5);
	}
	return 0;
}

/* se.nr_migrations and nr_switches: the HAL's reading lies between two readings of the text done
 * here just before and just after it (both only grow). */
static void sample_sched_bracketed(pid_t pid, struct hal_proc *p, struct hal_proc_sample *s)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/sched", (int)pid);
	uint64_t mig0 = 0;
	uint64_t mig1 = 0;
	uint64_t sw0 = 0;
	uint64_t sw1 = 0;
	assert_true(sched_value(path, "se.nr_migrations", &mig0));
	assert_true(sched_value(path, "nr_switches", &sw0));
	assert_int_equal(hal_proc_sample(p, s), PM_OK);
	assert_true(sched_value(path, "se.nr_migrations", &mig1));
	assert_true(sched_value(path, "nr_switches", &sw1));
	assert_true((s->valid & HAL_PROC_SCHED) != 0);
	assert_true(mig0 <= s->sched.nr_migrations && s->sched.nr_migrations <= mig1);
	assert_true(sw0 <= s->sched.nr_switches && s->sched.nr_switches <= sw1);
}

/* A child pinned to one CPU and then moved between two CPUs MOVES times (each move seen in its
 * stat's last-CPU field) has migrated at least MOVES times by /proc/PID/sched. Pinned, it has no
 * other way to migrate, so the count is exactly MOVES in theory; twice that is the sanity bound. */
static void test_sched_migrations(void **state)
{
	(void)state;
	enum { MOVES = 6 };
	if (access("/proc/self/sched", R_OK) != 0) {
		print_message("skipped: no /proc/PID/sched on this kernel (CONFIG_SCHED_DEBUG)\n");
		skip();
	}
	struct hal_cpuset allowed;
	assert_int_equal(hal_affinity_get(0, &allowed), PM_OK);
	uint32_t cpu[2];
	uint32_t ncpu = 0;
	for (uint32_t c = 0; c < PM_MAX_CPUS && ncpu < 2; c++) {
		if (hal_cpuset_has(&allowed, c)) {
			cpu[ncpu++] = c;
		}
	}
	if (ncpu < 2) {
		print_message("skipped: only one CPU online (or allowed): nothing to migrate between\n");
		skip();
	}
	struct hal_cpuset on[2];
	for (int i = 0; i < 2; i++) {
		hal_cpuset_clear(&on[i]);
		(void)hal_cpuset_add(&on[i], cpu[i]);
	}
	pid_t pid = spawn(CHILD_NAP);
	assert_int_equal(hal_affinity_set((int32_t)pid, &on[0]), PM_OK);
	assert_true(wait_cpu(pid, cpu[0]));
	struct hal_proc p;
	struct hal_proc_sample a;
	struct hal_proc_sample b;
	assert_int_equal(hal_proc_open(&fs, (int32_t)pid, HAL_PROC_ALL, &p, &a), PM_OK);
	assert_int_equal(p.unavailable & HAL_PROC_SCHED, 0);
	sample_sched_bracketed(pid, &p, &a);
	for (int i = 1; i <= MOVES; i++) {
		assert_int_equal(hal_affinity_set((int32_t)pid, &on[i % 2]), PM_OK);
		assert_true(wait_cpu(pid, cpu[i % 2]));
	}
	sleep_ms(50); /* a sleeping task may be moved without running: let it wake a few times */
	sample_sched_bracketed(pid, &p, &b);
	uint64_t moved = b.sched.nr_migrations - a.sched.nr_migrations;
	assert_true(b.sched.nr_migrations >= a.sched.nr_migrations);
	assert_true(moved >= MOVES);
	assert_true(moved <= 2 * MOVES);
	assert_true(b.sched.nr_switches > a.sched.nr_switches);
	hal_proc_close(&p);
	reap(pid);
}

/* run_ns of a thread's schedstat: the HAL's reading lies between two readings of the text. */
static void sample_schedstat_bracketed(pid_t pid, struct hal_thread *t, struct hal_thread_sample *s)
{
	char path[64];
	char text[128];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", (int)pid, (int)t->tid);
	assert_true(read_text(path, text, sizeof(text)) > 0);
	uint64_t run0 = strtoull(text, NULL, 10);
	assert_int_equal(hal_thread_sample(t, s), PM_OK);
	assert_true(read_text(path, text, sizeof(text)) > 0);
	uint64_t run1 = strtoull(text, NULL, 10);
	assert_true((s->valid & HAL_THREAD_STAT) != 0);
	assert_true((s->valid & HAL_THREAD_SCHEDSTAT) != 0);
	assert_true(run0 <= s->schedstat.run_ns && s->schedstat.run_ns <= run1);
}

/* Per-thread schedstat of a child whose second thread spins while its main thread sleeps: over
 * 400 ms the spinning thread's on-CPU time grows by at least a fifth of it (the machine is shared)
 * and by no more than the interval (plus a tick of accounting lag), the sleeper's by under 20 ms
 * while it still gets on the CPU to run its sleep loop. */
static void test_thread_schedstat(void **state)
{
	(void)state;
	pid_t pid = spawn(CHILD_BUSY_THREAD);
	int32_t busy = -1;
	for (int i = 0; i < 200 && busy < 0; i++) {
		int32_t tids[16];
		size_t n = 0;
		assert_int_equal(hal_proc_list_threads(&fs, (int32_t)pid, tids, 16, &n), PM_OK);
		for (size_t k = 0; k < n; k++) {
			struct hal_proc_stat st;
			char path[64];
			char text[512];
			snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tids[k]);
			if (read_text(path, text, sizeof(text)) > 0 &&
			    hal_parse_stat(text, strlen(text), &st) == PM_OK &&
			    strcmp(st.comm, "itbusy") == 0) {
				busy = tids[k];
			}
		}
		if (busy < 0) {
			sleep_ms(10);
		}
	}
	assert_true(busy > 0);
	struct hal_thread tb;
	struct hal_thread ts;
	struct hal_thread_sample b0;
	struct hal_thread_sample b1;
	struct hal_thread_sample s0;
	struct hal_thread_sample s1;
	const uint32_t fields = HAL_THREAD_STAT | HAL_THREAD_SCHEDSTAT;
	assert_int_equal(hal_thread_open(&fs, (int32_t)pid, busy, fields, &tb, &b0), PM_OK);
	assert_int_equal(hal_thread_open(&fs, (int32_t)pid, (int32_t)pid, fields, &ts, &s0), PM_OK);
	assert_int_equal(tb.unavailable, 0);
	assert_int_equal(ts.unavailable, 0);
	sample_schedstat_bracketed(pid, &tb, &b0);
	sample_schedstat_bracketed(pid, &ts, &s0);
	sleep_ms(400);
	sample_schedstat_bracketed(pid, &tb, &b1);
	sample_schedstat_bracketed(pid, &ts, &s1);
	assert_string_equal(b1.stat.comm, "itbusy");
	assert_int_equal(b1.stat.state, 'R');
	assert_int_equal(s1.stat.pid, pid);
	int64_t wall = b1.mono_ns - b0.mono_ns;
	assert_true(wall >= 400 * PM_NS_PER_MS);
	assert_true(b1.schedstat.run_ns >= b0.schedstat.run_ns);
	uint64_t busy_ns = b1.schedstat.run_ns - b0.schedstat.run_ns;
	assert_true(busy_ns >= (uint64_t)wall / 5u);
	assert_true(busy_ns <= (uint64_t)wall + 20u * PM_NS_PER_MS);
	assert_true(s1.schedstat.run_ns >= s0.schedstat.run_ns);
	assert_true(s1.schedstat.run_ns - s0.schedstat.run_ns < 20u * PM_NS_PER_MS);
	assert_true(s1.schedstat.timeslices > s0.schedstat.timeslices);
	hal_thread_close(&tb);
	hal_thread_close(&ts);
	reap(pid);
}

/* policy, rt_priority and priority of a live task as /proc/PID/stat shows them, read two ways. */
static void check_stat_policy(pid_t pid, uint32_t policy, uint32_t rt_priority)
{
	struct hal_proc_stat st;
	assert_int_equal(hal_proc_read_stat(&fs, (int32_t)pid, &st), PM_OK);
	assert_int_equal(st.policy, policy);
	assert_int_equal(st.rt_priority, rt_priority);
	static char text[1024];
	long long field[53];
	assert_true(read_proc_text((int32_t)pid, "stat", text, sizeof(text)) > 0);
	assert_true(stat_fields(text, field));
	assert_int_equal(field[41], policy);
	assert_int_equal(field[40], rt_priority);
	/* proc(5): priority is -1 - rt_priority for real-time tasks, 20 + nice otherwise. */
	assert_int_equal(field[18], rt_priority > 0 ? -1 - (long long)rt_priority : 20);
	assert_int_equal(st.priority, field[18]);
}

/* SCHED_FIFO 10 on a sleeping child's thread through the HAL, read back through the HAL and from
 * its stat, then put back; without the right to do it, PM_ERR_PERM and nothing changed. The child
 * only ever sleeps, and it is put back at once (or killed by the teardown if a check fails). */
static void test_fifo_priority(void **state)
{
	(void)state;
	struct rlimit rl;
	assert_int_equal(getrlimit(RLIMIT_RTPRIO, &rl), 0);
	int allowed = geteuid() == 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= 10;
	pid_t pid = spawn(CHILD_SLEEP);
	struct hal_proc_stat st;
	assert_true(wait_state(pid, 'S', &st));
	int policy = -1;
	int prio = -1;
	pm_status set = hal_sched_set((int32_t)pid, HAL_SCHED_FIFO, 10);
	if (!allowed) {
		assert_int_equal(set, PM_ERR_PERM);
	} else {
		assert_int_equal(set, PM_OK);
		assert_int_equal(hal_sched_get((int32_t)pid, &policy, &prio), PM_OK);
		assert_int_equal(policy, HAL_SCHED_FIFO);
		assert_int_equal(prio, 10);
		check_stat_policy(pid, HAL_SCHED_FIFO, 10);
		assert_int_equal(hal_sched_set((int32_t)pid, HAL_SCHED_OTHER, 0), PM_OK);
	}
	assert_int_equal(hal_sched_get((int32_t)pid, &policy, &prio), PM_OK);
	assert_int_equal(policy, HAL_SCHED_OTHER);
	assert_int_equal(prio, 0);
	check_stat_policy(pid, HAL_SCHED_OTHER, 0);
	reap(pid);
}

/* /proc/loadavg through the kept HAL file against sscanf readings just before and after: the
 * averages move at most once between (every 5 s), the counts a little, the newest PID only up. */
static void test_loadavg_live(void **state)
{
	(void)state;
	struct hal_sysinfo si;
	assert_int_equal(hal_sysinfo_open(&fs, &si), PM_OK);
	assert_true(si.loadavg_fd >= 0);
	char text[2][256];
	struct hal_loadavg want[2];
	struct hal_loadavg la;
	assert_true(read_text("/proc/loadavg", text[0], sizeof(text[0])) > 0);
	assert_int_equal(hal_sysinfo_loadavg(&si, &la), PM_OK);
	assert_true(read_text("/proc/loadavg", text[1], sizeof(text[1])) > 0);
	hal_sysinfo_close(&si);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(sscanf(text[i], "%lf %lf %lf %u/%u %d", &want[i].load1, &want[i].load5,
		                        &want[i].load15, &want[i].runnable, &want[i].total,
		                        &want[i].last_pid),
		                 6);
	}
#define BETWEEN(v, a, b, slack)                                                                              \
	((v) >= ((a) < (b) ? (a) : (b)) - (slack) && (v) <= ((a) > (b) ? (a) : (b)) + (slack))
	assert_true(BETWEEN(la.load1, want[0].load1, want[1].load1, 0.005));
	assert_true(BETWEEN(la.load5, want[0].load5, want[1].load5, 0.005));
	assert_true(BETWEEN(la.load15, want[0].load15, want[1].load15, 0.005));
	assert_true(BETWEEN((double)la.total, (double)want[0].total, (double)want[1].total, 32.0));
	assert_true(la.runnable >= 1 && la.runnable <= la.total); /* we run */
	if (want[0].last_pid <= want[1].last_pid) {               /* else the PID counter wrapped between */
		assert_true(want[0].last_pid <= la.last_pid && la.last_pid <= want[1].last_pid);
	}
}

/* The value after "key " at a line start of a "key value" file (vmstat); 0 when absent. */
static uint64_t kv_value(const char *text, const char *key)
{
	size_t klen = strlen(key);
	for (const char *line = text; *line != '\0';) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
			return strtoull(line + klen + 1, NULL, 10);
		}
		const char *nl = strchr(line, '\n');
		line = nl != NULL ? nl + 1 : line + strlen(line);
	}
	return 0;
}

/* /proc/vmstat: every counter the HAL reads lies between two readings of the text (they only grow). */
static void test_vmstat_live(void **state)
{
	(void)state;
	struct hal_sysinfo si;
	assert_int_equal(hal_sysinfo_open(&fs, &si), PM_OK);
	assert_true(si.vmstat_fd >= 0);
	static char text[2][65536];
	struct hal_vmstat vm;
	assert_true(read_text("/proc/vmstat", text[0], sizeof(text[0])) > 0);
	assert_int_equal(hal_sysinfo_vmstat(&si, &vm), PM_OK);
	assert_true(read_text("/proc/vmstat", text[1], sizeof(text[1])) > 0);
	hal_sysinfo_close(&si);
	const struct {
		const char *key;
		uint64_t have;
	} f[] = { { "pgfault", vm.pgfault },  { "pgmajfault", vm.pgmajfault }, { "pswpin", vm.pswpin },
		  { "pswpout", vm.pswpout },  { "pgpgin", vm.pgpgin },         { "pgpgout", vm.pgpgout },
		  { "oom_kill", vm.oom_kill } };
	for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++) {
		uint64_t a = kv_value(text[0], f[k].key);
		uint64_t b = kv_value(text[1], f[k].key);
		assert_true(a <= f[k].have && f[k].have <= b);
	}
	assert_true(vm.pgfault > 0);
}

/* One PSI line as the kernel prints it ("some avg10=3.58 avg60=2.89 avg300=2.83 total=29912896"). */
static int psi_line(const char *text, const char *kind, struct hal_psi_line *out)
{
	const char *line = strstr(text, kind);
	if (line == NULL || (line != text && line[-1] != '\n')) {
		return 0;
	}
	unsigned a[6];
	unsigned long long total;
	if (sscanf(line + strlen(kind), " avg10=%u.%u avg60=%u.%u avg300=%u.%u total=%llu", &a[0], &a[1],
	           &a[2], &a[3], &a[4], &a[5], &total) != 7) {
		return 0;
	}
	out->avg10_x100 = a[0] * 100u + a[1];
	out->avg60_x100 = a[2] * 100u + a[3];
	out->avg300_x100 = a[4] * 100u + a[5];
	out->total_us = total;
	return 1;
}

static void check_psi_line(const struct hal_psi_line *have, const struct hal_psi_line *a,
                           const struct hal_psi_line *b)
{
	/* Averages are recomputed every 2 s: at most one change between the readings. */
	assert_true(BETWEEN(have->avg10_x100, a->avg10_x100, b->avg10_x100, 0u));
	assert_true(BETWEEN(have->avg60_x100, a->avg60_x100, b->avg60_x100, 0u));
	assert_true(BETWEEN(have->avg300_x100, a->avg300_x100, b->avg300_x100, 0u));
	assert_true(a->total_us <= have->total_us && have->total_us <= b->total_us);
}

/* PSI: where /proc/pressure/X reads, the HAL's values lie between two readings of the text; where
 * it does not (no CONFIG_PSI, or psi=0 and the read fails), the HAL says PM_ERR_UNSUPPORTED. */
static void test_psi_live(void **state)
{
	(void)state;
	static const char *const files[HAL_PSI_COUNT] = { "/proc/pressure/cpu", "/proc/pressure/memory",
		                                          "/proc/pressure/io" };
	struct hal_sysinfo si;
	assert_int_equal(hal_sysinfo_open(&fs, &si), PM_OK);
	int present = 0;
	for (int r = 0; r < HAL_PSI_COUNT; r++) {
		char text[2][256];
		struct hal_psi psi;
		size_t got = read_text(files[r], text[0], sizeof(text[0]));
		pm_status st = hal_sysinfo_psi(&si, (enum hal_psi_resource)r, &psi);
		if (got == 0) {
			assert_int_equal(st, PM_ERR_UNSUPPORTED);
			continue;
		}
		assert_int_equal(st, PM_OK);
		assert_true(read_text(files[r], text[1], sizeof(text[1])) > 0);
		struct hal_psi_line some[2];
		struct hal_psi_line full[2];
		assert_true(psi_line(text[0], "some", &some[0]) && psi_line(text[1], "some", &some[1]));
		check_psi_line(&psi.some, &some[0], &some[1]);
		int has_full = psi_line(text[0], "full", &full[0]);
		assert_int_equal(psi.has_full != 0, has_full);
		if (has_full) {
			assert_true(psi_line(text[1], "full", &full[1]));
			check_psi_line(&psi.full, &full[0], &full[1]);
		}
		present++;
	}
	hal_sysinfo_close(&si);
	if (present == 0) {
		print_message("no PSI on this kernel: the HAL said PM_ERR_UNSUPPORTED for each file\n");
	}
}

/* One interface of /proc/net/dev as read here: its 16 counters. */
struct netdev_ref {
	char name[HAL_NETDEV_NAME];
	unsigned long long v[16];
};

static size_t netdev_reference(char *text, struct netdev_ref *out, size_t cap)
{
	size_t n = 0;
	int line_no = 0;
	for (char *line = text; *line != '\0'; line_no++) {
		char *nl = strchr(line, '\n');
		if (nl != NULL) {
			*nl = '\0';
		}
		char *colon = strchr(line, ':');
		if (line_no >= 2 && colon != NULL) { /* two header lines */
			assert_true(n < cap);
			char *name = line;
			while (*name == ' ') {
				name++;
			}
			size_t len = (size_t)(colon - name);
			assert_true(len < HAL_NETDEV_NAME);
			memcpy(out[n].name, name, len);
			out[n].name[len] = '\0';
			unsigned long long *v = out[n].v;
			assert_int_equal(sscanf(colon + 1,
			                        "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu "
			                        "%llu %llu %llu %llu",
			                        &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8],
			                        &v[9], &v[10], &v[11], &v[12], &v[13], &v[14], &v[15]),
			                 16);
			n++;
		}
		line = nl != NULL ? nl + 1 : line + strlen(line);
	}
	return n;
}

static const struct netdev_ref *netdev_find(const struct netdev_ref *refs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(refs[i].name, name) == 0) {
			return &refs[i];
		}
	}
	return NULL;
}

/* /proc/net/dev: the same interfaces as a reading here, each counter between two readings. */
static void test_netdev_live(void **state)
{
	(void)state;
	struct hal_sysinfo si;
	assert_int_equal(hal_sysinfo_open(&fs, &si), PM_OK);
	assert_true(si.netdev_fd >= 0);
	static char text[2][65536];
	static struct hal_netdev_table nd;
	static struct netdev_ref ref[2][256];
	assert_true(read_text("/proc/net/dev", text[0], sizeof(text[0])) > 0);
	assert_int_equal(hal_sysinfo_netdev(&si, &nd), PM_OK);
	assert_true(read_text("/proc/net/dev", text[1], sizeof(text[1])) > 0);
	hal_sysinfo_close(&si);
	size_t n0 = netdev_reference(text[0], ref[0], 256);
	size_t n1 = netdev_reference(text[1], ref[1], 256);
	assert_true(nd.count + nd.truncated == n0 || nd.count + nd.truncated == n1);
	int have_lo = 0;
	for (uint32_t i = 0; i < nd.count; i++) {
		const struct hal_netdev *d = &nd.dev[i];
		const struct netdev_ref *a = netdev_find(ref[0], n0, d->name);
		const struct netdev_ref *b = netdev_find(ref[1], n1, d->name);
		assert_true(a != NULL || b != NULL);
		if (a == NULL || b == NULL) {
			continue; /* came or went between the readings */
		}
		const uint64_t have[8] = { d->rx_bytes, d->rx_packets, d->rx_errs, d->rx_drop,
			                   d->tx_bytes, d->tx_packets, d->tx_errs, d->tx_drop };
		static const int col[8] = { 0, 1, 2, 3, 8, 9, 10, 11 };
		for (int k = 0; k < 8; k++) {
			assert_true(a->v[col[k]] <= have[k] && have[k] <= b->v[col[k]]);
		}
		have_lo |= strcmp(d->name, "lo") == 0;
	}
	assert_true(have_lo); /* every network namespace has one */
}

/* cgroup v2 files of our own group: the mount point is the cgroup2 line of mountinfo read here;
 * each controller file that reads here is valid in the HAL's reading, with counters between two
 * readings and levels within a quarter of them; the others are left out of `valid`, and a group
 * with none of them is PM_ERR_NOENT. Without a cgroup2 mount the HAL says PM_ERR_NOENT. */
static void test_cgroup_files_live(void **state)
{
	(void)state;
	static char info[65536];
	char want_mount[PM_MAX_PATH] = "";
	assert_true(read_text("/proc/self/mountinfo", info, sizeof(info)) > 0);
	for (char *line = info; *line != '\0' && want_mount[0] == '\0';) {
		char *nl = strchr(line, '\n');
		if (nl != NULL) {
			*nl = '\0';
		}
		char point[PM_MAX_PATH];
		if (strstr(line, " - cgroup2 ") != NULL &&
		    sscanf(line, "%*s %*s %*s %*s %255s", point) == 1) {
			snprintf(want_mount, sizeof(want_mount), "%s", point);
		}
		line = nl != NULL ? nl + 1 : line + strlen(line);
	}
	char mount[PM_MAX_PATH];
	pm_status ms = hal_cgroup_mount(&fs, mount, sizeof(mount));
	if (want_mount[0] == '\0') {
		assert_int_equal(ms, PM_ERR_NOENT);
		print_message("no cgroup v2 hierarchy mounted: the HAL said PM_ERR_NOENT\n");
		return;
	}
	assert_int_equal(ms, PM_OK);
	const char *w = want_mount;
	while (*w == '/') {
		w++;
	}
	assert_string_equal(mount, w);
	char path[PM_MAX_PATH];
	char want_path[PM_MAX_PATH];
	assert_true(self_cgroup_v2(want_path, sizeof(want_path)));
	assert_int_equal(hal_proc_cgroup(&fs, (int32_t)getpid(), path, sizeof(path)), PM_OK);
	assert_string_equal(path, want_path);

	static const char *const files[4] = { "cpu.stat", "memory.current", "memory.max", "pids.current" };
	static const uint32_t bits[4] = { HAL_CGROUP_CPU, HAL_CGROUP_MEMORY_CURRENT, HAL_CGROUP_MEMORY_MAX,
		                          HAL_CGROUP_PIDS };
	char full[4][PM_MAX_PATH * 2 + 32];
	static char text[2][4][2048];
	size_t got[2][4];
	for (int k = 0; k < 4; k++) {
		snprintf(full[k], sizeof(full[k]), "/%s%s%s%s", mount, want_path,
		         strcmp(want_path, "/") == 0 ? "" : "/", files[k]);
		got[0][k] = read_text(full[k], text[0][k], sizeof(text[0][k]));
	}
	struct hal_cgroup_stats cs;
	pm_status rs = hal_cgroup_read(&fs, mount, path, &cs);
	for (int k = 0; k < 4; k++) {
		got[1][k] = read_text(full[k], text[1][k], sizeof(text[1][k]));
	}
	uint32_t readable = 0;
	for (int k = 0; k < 4; k++) {
		if (got[0][k] > 0 && got[1][k] > 0) {
			readable |= bits[k];
		}
	}
	assert_int_equal(cs.valid, readable);
	assert_int_equal(rs, readable != 0 ? PM_OK : PM_ERR_NOENT);
	if ((readable & HAL_CGROUP_CPU) != 0) {
		const struct {
			const char *key;
			uint64_t have;
		} f[] = {
			{ "usage_usec", cs.cpu.usage_usec },     { "user_usec", cs.cpu.user_usec },
			{ "system_usec", cs.cpu.system_usec },   { "nr_periods", cs.cpu.nr_periods },
			{ "nr_throttled", cs.cpu.nr_throttled }, { "throttled_usec", cs.cpu.throttled_usec }
		};
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
			uint64_t a = kv_value(text[0][0], f[i].key);
			uint64_t b = kv_value(text[1][0], f[i].key);
			assert_true(a <= f[i].have && f[i].have <= b);
		}
		assert_true(cs.cpu.usage_usec > 0); /* this test has run in the group */
	}
	if ((readable & HAL_CGROUP_MEMORY_CURRENT) != 0) {
		double a = (double)strtoull(text[0][1], NULL, 10);
		double b = (double)strtoull(text[1][1], NULL, 10);
		double slack = (a > b ? a : b) / 4.0 + 1048576.0;
		assert_true(BETWEEN((double)cs.memory_current, a, b, slack));
	}
	if ((readable & HAL_CGROUP_MEMORY_MAX) != 0) {
		uint64_t v[2];
		for (int i = 0; i < 2; i++) {
			v[i] =
			    strncmp(text[i][2], "max", 3) == 0 ? UINT64_MAX : strtoull(text[i][2], NULL, 10);
		}
		assert_true(cs.memory_max == v[0] || cs.memory_max == v[1]);
	}
	if ((readable & HAL_CGROUP_PIDS) != 0) {
		double a = (double)strtoull(text[0][3], NULL, 10);
		double b = (double)strtoull(text[1][3], NULL, 10);
		assert_true(BETWEEN((double)cs.pids_current, a, b, (a > b ? a : b) / 4.0 + 16.0));
		assert_true(cs.pids_current >= 1); /* us */
	}
#undef BETWEEN
}

/* A child writes exactly K bytes in M write() calls to a file and reads R bytes back in N read()
 * calls between two HAL samples of its io: the deltas are at least that, and at most that plus
 * what else it does meanwhile (one byte read from the start pipe, one written to the done pipe;
 * the bound allows a little more: the C library may add calls of its own, but not many). */
static void test_io_counts_child(void **state)
{
	(void)state;
	enum { M = 10, CHUNK = 4000, K = M * CHUNK, N = 3, R = N * CHUNK };
	enum { EXTRA_BYTES = 4096, EXTRA_CALLS = 8 };
	char tmp[] = "/tmp/picmon-it-io-XXXXXX";
	int file = mkstemp(tmp);
	assert_true(file >= 0);
	assert_int_equal(unlink(tmp), 0);
	int go[2];
	int done[2];
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(done), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		static char chunk[CHUNK];
		memset(chunk, 'x', sizeof(chunk));
		char c;
		if (read(go[0], &c, 1) != 1) {
			_exit(5);
		}
		char result = 'k';
		for (int i = 0; i < M; i++) {
			result = write(file, chunk, CHUNK) == CHUNK ? result : 'w';
		}
		result = lseek(file, 0, SEEK_SET) == 0 ? result : 'l';
		for (int i = 0; i < N; i++) {
			result = read(file, chunk, CHUNK) == CHUNK ? result : 'r';
		}
		if (write(done[1], &result, 1) != 1) {
			_exit(6);
		}
		for (int i = 0; i < 600; i++) {
			sleep_ms(100);
		}
		_exit(0);
	}
	track(pid);
	close(go[0]);
	close(done[1]);
	close(file);
	struct hal_proc_stat st;
	assert_true(wait_state(pid, 'S', &st)); /* blocked on the start pipe */
	struct hal_proc p;
	struct hal_proc_sample a;
	struct hal_proc_sample b;
	assert_int_equal(hal_proc_open(&fs, (int32_t)pid, HAL_PROC_STAT | HAL_PROC_IO, &p, &a), PM_OK);
	assert_true((a.valid & HAL_PROC_IO) != 0);
	assert_int_equal(write(go[1], "g", 1), 1);
	char result = 0;
	ssize_t got;
	do {
		got = read(done[0], &result, 1); /* the child's exit closes it: bounded by its life */
	} while (got < 0 && errno == EINTR);
	close(go[1]);
	close(done[0]);
	assert_int_equal(got, 1);
	assert_int_equal(result, 'k');
	assert_int_equal(hal_proc_sample(&p, &b), PM_OK);
	assert_true((b.valid & HAL_PROC_IO) != 0);
	assert_true(b.io.wchar >= a.io.wchar && b.io.syscw >= a.io.syscw);
	assert_true(b.io.rchar >= a.io.rchar && b.io.syscr >= a.io.syscr);
	uint64_t wchar = b.io.wchar - a.io.wchar;
	uint64_t syscw = b.io.syscw - a.io.syscw;
	uint64_t rchar = b.io.rchar - a.io.rchar;
	uint64_t syscr = b.io.syscr - a.io.syscr;
	assert_true(wchar >= K && wchar <= K + EXTRA_BYTES);
	assert_true(syscw >= M && syscw <= M + EXTRA_CALLS);
	assert_true(rchar >= R && rchar <= R + EXTRA_BYTES);
	assert_true(syscr >= N && syscr <= N + EXTRA_CALLS);
	hal_proc_close(&p);
	reap(pid);
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
	return app_proc_table_find(t, (int32_t)pid) != NULL;
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
			long long field[53];
			assert_true(stat_fields(text, field));
			assert_int_equal(have.state, field[3]);
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
		cmocka_unit_test_teardown(test_sleeping_child, reap_leftovers),
		cmocka_unit_test_teardown(test_busy_child_cpu, reap_leftovers),
		cmocka_unit_test_teardown(test_stopped_and_zombie, reap_leftovers),
		cmocka_unit_test_teardown(test_threads_and_affinity, reap_leftovers),
		cmocka_unit_test_teardown(test_fd_count_both_modes, reap_leftovers),
		cmocka_unit_test_teardown(test_cmdline_and_table, reap_leftovers),
		cmocka_unit_test(test_system_live),
		cmocka_unit_test_teardown(test_sched_migrations, reap_leftovers),
		cmocka_unit_test_teardown(test_thread_schedstat, reap_leftovers),
		cmocka_unit_test_teardown(test_fifo_priority, reap_leftovers),
		cmocka_unit_test(test_loadavg_live),
		cmocka_unit_test(test_vmstat_live),
		cmocka_unit_test(test_psi_live),
		cmocka_unit_test(test_netdev_live),
		cmocka_unit_test(test_cgroup_files_live),
		cmocka_unit_test_teardown(test_io_counts_child, reap_leftovers),
		cmocka_unit_test_teardown(test_discovery_mark, reap_leftovers),
		cmocka_unit_test(test_status_parser_against_reference),
		cmocka_unit_test(test_stat_and_io_parsers_against_reference),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
