/* The contract of `picmon affinity PID [--analyze SECONDS] [--apply] [--threads]` on real children it
 * forks: bad PIDs and usage errors, a sleeping child, a child that exits during the analysis (reaped
 * or left a zombie, and through the seam at a chosen sample) or is a zombie already, --apply and --apply
 * --threads checked against every thread's affinity afterwards, and EPERM (injected, and real from an
 * unprivileged user). */
#include <errno.h>
#include <grp.h>
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

#include "capture.h"

#include "commands.h"
#include "hal/proc.h"
#include "hal/procparse.h"
#include "hal/sched.h"
#include "hal/syscall.h"

#define MAX_TIDS 16

static char out[1 << 16];
static char err[1 << 14];

/* Runs `picmon affinity ARGS...` in this process with stdout and stderr captured into out/err. */
static int run(int argc, const char **argv)
{
	return pm_test_run_captured(app_cmd_affinity, argc, argv, out, sizeof(out), err, sizeof(err));
}

static int lines(const char *s)
{
	int n = 0;
	for (; *s != '\0'; s++) {
		n += *s == '\n';
	}
	return n;
}

/* The last line of s, without its newline. */
static const char *last_line(const char *s, char *buf, size_t cap)
{
	size_t len = strlen(s);
	assert_true(len > 0 && s[len - 1] == '\n');
	size_t start = len - 1;
	while (start > 0 && s[start - 1] != '\n') {
		start--;
	}
	size_t n = len - 1 - start;
	assert_true(n < cap);
	memcpy(buf, s + start, n);
	buf[n] = '\0';
	return buf;
}

static void assert_last_err(const char *want)
{
	char line[512];
	assert_string_equal(last_line(err, line, sizeof(line)), want);
}

/* A child with `nthreads` threads that sleep. With exit_ms > 0 it exits that long after go(). */
struct child {
	pid_t pid;
	pid_t spawned; /* pid stays, for the bookkeeping, after pid is reaped and set to 0 */
	int go_fd;
};

static void *block(void *arg)
{
	(void)arg;
	for (;;) {
		pause();
	}
	return NULL;
}

/* Children not ended yet: teardown ends them when a test failed half-way, so that none outlives
 * the suite (and holds its output pipe open). */
#define MAX_CHILDREN 8
static pid_t g_children[MAX_CHILDREN];

static void remember(pid_t pid, pid_t was)
{
	for (int i = 0; i < MAX_CHILDREN; i++) {
		if (g_children[i] == was) {
			g_children[i] = pid;
			return;
		}
	}
	fail_msg("more than %d children", MAX_CHILDREN);
}

static struct child spawn(int nthreads, int exit_ms)
{
	int ready[2];
	int go[2];
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		for (int i = 1; i < nthreads; i++) {
			pthread_t t;
			if (pthread_create(&t, NULL, block, NULL) != 0) {
				_exit(3);
			}
		}
		if (write(ready[1], "r", 1) != 1) {
			_exit(4);
		}
		if (exit_ms > 0) {
			char c;
			if (read(go[0], &c, 1) != 1) {
				_exit(5);
			}
			struct timespec ts = { exit_ms / 1000, (long)(exit_ms % 1000) * 1000000L };
			nanosleep(&ts, NULL);
			_exit(0);
		}
		for (;;) {
			pause();
		}
	}
	remember(pid, 0);
	close(ready[1]);
	close(go[0]);
	char c = 0;
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	struct child ch = { pid, pid, go[1] };
	return ch;
}

static void go(struct child *c)
{
	assert_int_equal(write(c->go_fd, "g", 1), 1);
}

/* Ends a child (c->pid 0: it was reaped already) and forgets it. */
static void end(struct child *c)
{
	if (c->pid > 0) {
		(void)kill(c->pid, SIGKILL);
		int status;
		assert_int_equal(waitpid(c->pid, &status, 0), c->pid);
		c->pid = 0;
	}
	remember(0, c->spawned);
	close(c->go_fd);
}

static void *reap(void *arg)
{
	pid_t *pid = arg;
	int status;
	if (waitpid(*pid, &status, 0) == *pid) {
		*pid = 0;
	}
	return NULL;
}

static size_t threads_of(pid_t pid, int32_t tids[MAX_TIDS])
{
	struct hal_procfs fs;
	assert_int_equal(hal_procfs_open(&fs, NULL), PM_OK);
	size_t n = 0;
	assert_int_equal(hal_proc_list_threads(&fs, (int32_t)pid, tids, MAX_TIDS, &n), PM_OK);
	hal_procfs_close(&fs);
	return n;
}

static struct hal_cpuset one_cpu(uint32_t c)
{
	struct hal_cpuset s;
	hal_cpuset_clear(&s);
	(void)hal_cpuset_add(&s, c);
	return s;
}

static struct hal_cpuset affinity_of(int32_t tid)
{
	struct hal_cpuset s;
	assert_int_equal(hal_affinity_get(tid, &s), PM_OK);
	return s;
}

/* The first and last CPU this process may use; false when there is only one. */
static int two_cpus(uint32_t *first, uint32_t *last)
{
	struct hal_cpuset all = affinity_of(0);
	int found = 0;
	for (uint32_t c = 0; c < PM_MAX_CPUS; c++) {
		if (hal_cpuset_has(&all, c)) {
			*first = found ? *first : c;
			*last = c;
			found = 1;
		}
	}
	return found && *first != *last;
}

/* Pins the main thread to `first` and every other thread to `last`, so that threads start on
 * different sets and no recommendation can equal all of them. */
static size_t pin_apart(pid_t pid, uint32_t first, uint32_t last, int32_t tids[MAX_TIDS])
{
	size_t n = threads_of(pid, tids);
	struct hal_cpuset a = one_cpu(first);
	struct hal_cpuset b = one_cpu(last);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(hal_affinity_set(tids[i], tids[i] == pid ? &a : &b), PM_OK);
	}
	return n;
}

static void assert_pinned_apart(pid_t pid, const int32_t *tids, size_t n, uint32_t first, uint32_t last)
{
	struct hal_cpuset a = one_cpu(first);
	struct hal_cpuset b = one_cpu(last);
	for (size_t i = 0; i < n; i++) {
		struct hal_cpuset now = affinity_of(tids[i]);
		assert_true(hal_cpuset_equal(&now, tids[i] == pid ? &a : &b));
	}
}

/* The "recommended CPUs: LIST (why)" of the report, as the kernel will hold it (within what this
 * process may use). */
static struct hal_cpuset recommended(void)
{
	const char *key = "recommended CPUs: ";
	const char *p = strstr(out, key);
	assert_non_null(p);
	p += strlen(key);
	const char *q = strchr(p, ' ');
	assert_non_null(q);
	struct hal_cpuset rec;
	assert_int_equal(hal_parse_cpulist(p, (size_t)(q - p), &rec), PM_OK);
	assert_false(hal_cpuset_empty(&rec));
	struct hal_cpuset allowed = affinity_of(0);
	for (unsigned i = 0; i < HAL_CPUSET_WORDS; i++) {
		rec.bits[i] &= allowed.bits[i];
	}
	return rec;
}

static void pid_text(pid_t pid, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%d", (int)pid);
	assert_true(n > 0 && (size_t)n < cap);
}

static void expect_line(const char *fmt_pid_prefix, pid_t pid, const char *suffix)
{
	char want[256];
	int n = snprintf(want, sizeof(want), "%s%d%s", fmt_pid_prefix, (int)pid, suffix);
	assert_true(n > 0 && (size_t)n < sizeof(want));
	assert_last_err(want);
}

static int setup(void **state)
{
	(void)state;
	hal_syscall_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	hal_syscall_reset();
	for (int i = 0; i < MAX_CHILDREN; i++) {
		if (g_children[i] > 0) {
			(void)kill(g_children[i], SIGKILL);
			int status;
			(void)waitpid(g_children[i], &status, 0); /* ECHILD when a reaper got it first */
			g_children[i] = 0;
		}
	}
	return 0;
}

static void test_bad_pid(void **state)
{
	(void)state;
	static const char *const bad[] = { "-5", "0", "abc", "12x", "99999999999", "+3", "" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *argv[] = { "affinity", bad[i], "--analyze", "0.2" };
		assert_int_equal(run(4, argv), APP_EXIT_FAILURE);
		char want[128];
		snprintf(want, sizeof(want),
		         "picmon: affinity: bad PID '%s': a process id is a positive integer", bad[i]);
		assert_int_equal(lines(err), 1);
		assert_last_err(want);
		assert_string_equal(out, "");
	}
	/* Not there (above any pid_max). */
	const char *gone[] = { "affinity", "2147483000", "--analyze", "0.2" };
	assert_int_equal(run(4, gone), APP_EXIT_FAILURE);
	assert_int_equal(lines(err), 1);
	assert_last_err("picmon: affinity: process 2147483000: no such process");
	assert_string_equal(out, "");
}

static void test_usage_errors(void **state)
{
	(void)state;
	char self[16];
	pid_text(getpid(), self, sizeof(self));
	const char *bogus[] = { "affinity", self, "--bogus" };
	assert_int_equal(run(3, bogus), APP_EXIT_USAGE);
	assert_last_err("picmon: affinity: unknown option '--bogus' (try 'picmon affinity --help')");
	const char *two[] = { "affinity", self, "7" };
	assert_int_equal(run(3, two), APP_EXIT_USAGE);
	assert_int_equal(lines(err), 1);
	const char *novalue[] = { "affinity", self, "--analyze" };
	assert_int_equal(run(3, novalue), APP_EXIT_USAGE);
	assert_last_err("picmon: affinity: --analyze wants seconds (0.1..86400)");
	const char *nopid[] = { "affinity", "--analyze", "0.2" };
	assert_int_equal(run(3, nopid), APP_EXIT_USAGE);
	/* --threads says where --apply applies; alone it means nothing. */
	const char *threads[] = { "affinity", self, "--threads", "--analyze", "0.2" };
	assert_int_equal(run(5, threads), APP_EXIT_USAGE);
	assert_int_equal(lines(err), 1);
	assert_last_err("picmon: affinity: --threads only means something with --apply (it applies the "
	                "affinity to every thread)");
	assert_string_equal(out, "");
}

static void test_sleeping_child(void **state)
{
	(void)state;
	uint32_t first = 0;
	uint32_t last = 0;
	int apart = two_cpus(&first, &last);
	struct child c = spawn(3, 0);
	int32_t tids[MAX_TIDS];
	size_t n = apart ? pin_apart(c.pid, first, last, tids) : threads_of(c.pid, tids);
	assert_true(n >= 3);
	char pid[16];
	pid_text(c.pid, pid, sizeof(pid));
	const char *argv[] = { "affinity", pid, "--analyze", "0.2" };
	assert_int_equal(run(4, argv), APP_EXIT_OK);
	char head[64];
	snprintf(head, sizeof(head), "process %s (", pid);
	assert_ptr_equal(strstr(out, head), out);
	snprintf(head, sizeof(head), "), %zu threads, analysed 0.2 s (2 samples)\n", n);
	assert_non_null(strstr(out, head));
	assert_non_null(strstr(out, "  workload type: "));
	assert_non_null(strstr(out, "  migrations: "));
	(void)recommended();
	assert_null(strstr(out, "applied"));
	assert_int_equal(lines(err), 1); /* "analysing process ..." */
	if (apart) {
		assert_pinned_apart(c.pid, tids, n, first, last); /* analysing changes nothing */
	}
	end(&c);
}

static void exits_during_analysis(int reaped)
{
	struct child c = spawn(1, 200);
	char pid[16];
	pid_text(c.pid, pid, sizeof(pid));
	pthread_t reaper;
	pid_t reap_pid = c.pid;
	if (reaped) {
		assert_int_equal(pthread_create(&reaper, NULL, reap, &reap_pid), 0);
	}
	const char *argv[] = { "affinity", pid, "--analyze", "0.3", "--apply" };
	go(&c);
	assert_int_equal(run(5, argv), APP_EXIT_FAILURE);
	expect_line("picmon: affinity: process ", c.pid, " exited during the analysis");
	assert_int_equal(lines(err), 2); /* "analysing ...", then the error */
	assert_string_equal(out, "");
	if (reaped) {
		assert_int_equal(pthread_join(reaper, NULL), 0);
		assert_int_equal(reap_pid, 0);
		c.pid = 0;
	} else {
		/* It was a zombie all along the second half: still there to reap. */
		int status;
		assert_int_equal(waitpid(c.pid, &status, WNOHANG), c.pid);
		assert_true(WIFEXITED(status));
		c.pid = 0;
	}
	end(&c);
}

static void test_exits_and_is_reaped(void **state)
{
	(void)state;
	exits_during_analysis(1);
}

static void test_exits_and_stays_a_zombie(void **state)
{
	(void)state;
	exits_during_analysis(0);
}

/* A zombie from the start: exited, whatever its stat still says. */
static void test_zombie_from_the_start(void **state)
{
	(void)state;
	struct child c = spawn(1, 1);
	go(&c);
	struct hal_procfs fs;
	assert_int_equal(hal_procfs_open(&fs, NULL), PM_OK);
	struct hal_proc_stat st = { .state = 'S' };
	for (int i = 0; i < 500 && st.state != 'Z'; i++) { /* at most 5 s */
		assert_int_equal(hal_proc_read_stat(&fs, (int32_t)c.pid, &st), PM_OK);
		struct timespec ts = { 0, 10000000L };
		nanosleep(&ts, NULL);
	}
	hal_procfs_close(&fs);
	assert_int_equal(st.state, 'Z');
	char pid[16];
	pid_text(c.pid, pid, sizeof(pid));
	const char *argv[] = { "affinity", pid, "--analyze", "0.2", "--apply" };
	assert_int_equal(run(5, argv), APP_EXIT_FAILURE);
	assert_int_equal(lines(err), 1);
	expect_line("picmon: affinity: process ", c.pid, " has exited (a zombie its parent has not reaped)");
	assert_string_equal(out, "");
	end(&c);
}

/* Through the seam: the process's stat fails with ESRCH at its n-th read (1: the open), so the exit
 * is seen at a known sample. */
static struct hal_syscalls g_real;
static char g_pid_dir[16];
static int g_pid_dir_fd = -1;
static int g_stat_fd = -1;
static int g_stat_reads;
static int g_fail_at;

static int watch_open(int dirfd, const char *path, int directory)
{
	int fd = g_real.open_ro(dirfd, path, directory);
	if (fd >= 0 && strcmp(path, g_pid_dir) == 0) {
		g_pid_dir_fd = fd;
	} else if (fd >= 0 && dirfd == g_pid_dir_fd && strcmp(path, "stat") == 0) {
		g_stat_fd = fd;
		g_pid_dir_fd = -1;
	}
	return fd;
}

static int64_t vanishing_pread(int fd, void *buf, size_t len, int64_t off)
{
	if (fd == g_stat_fd && off == 0 && ++g_stat_reads >= g_fail_at) {
		return -ESRCH;
	}
	return g_real.pread(fd, buf, len, off);
}

static void test_exit_seen_at_a_chosen_sample(void **state)
{
	(void)state;
	struct child c = spawn(1, 0);
	char pid[16];
	pid_text(c.pid, pid, sizeof(pid));
	g_real = hal_sys;
	for (int at = 2; at <= 3; at++) { /* before any sample, after the first of two */
		memcpy(g_pid_dir, pid, sizeof(pid));
		g_pid_dir_fd = g_stat_fd = -1;
		g_stat_reads = 0;
		g_fail_at = at;
		hal_sys.open_ro = watch_open;
		hal_sys.pread = vanishing_pread;
		const char *argv[] = { "affinity", pid, "--analyze", "0.3" };
		int rc = run(4, argv);
		hal_syscall_reset();
		assert_int_equal(rc, APP_EXIT_FAILURE);
		assert_int_equal(g_stat_reads, at); /* it stopped at the failing read */
		expect_line("picmon: affinity: process ", c.pid, " exited during the analysis");
		assert_int_equal(lines(err), 2);
		assert_string_equal(out, "");
	}
	end(&c);
}

static void test_apply(void **state)
{
	(void)state;
	uint32_t first = 0;
	uint32_t last = 0;
	if (!two_cpus(&first, &last)) {
		skip(); /* one CPU: every affinity is the same set */
	}
	struct child c = spawn(3, 0);
	char pid[16];
	pid_text(c.pid, pid, sizeof(pid));
	int32_t tids[MAX_TIDS];
	size_t n = pin_apart(c.pid, first, last, tids);
	assert_true(n >= 3);
	struct hal_cpuset a = one_cpu(first);
	struct hal_cpuset b = one_cpu(last);

	/* --apply: the process (its main thread), the other threads keep theirs. */
	const char *apply[] = { "affinity", pid, "--analyze", "0.2", "--apply" };
	assert_int_equal(run(5, apply), APP_EXIT_OK);
	struct hal_cpuset rec = recommended();
	char want[96];
	snprintf(want, sizeof(want), "  applied to thread %s (use --threads for every thread)\n", pid);
	assert_non_null(strstr(out, want));
	for (size_t i = 0; i < n; i++) {
		struct hal_cpuset now = affinity_of(tids[i]);
		assert_true(hal_cpuset_equal(&now, tids[i] == c.pid ? &rec : &b));
	}

	/* --apply --threads: every thread. They started on two different sets, so at least one of
	 * them had to be changed to end on the recommendation. */
	n = pin_apart(c.pid, first, last, tids);
	const char *all[] = { "affinity", pid, "--analyze", "0.2", "--apply", "--threads" };
	assert_int_equal(run(6, all), APP_EXIT_OK);
	rec = recommended();
	assert_false(hal_cpuset_equal(&rec, &a) && hal_cpuset_equal(&rec, &b));
	snprintf(want, sizeof(want), "  applied to %zu of %zu threads (0 exited meanwhile, 0 failed)\n", n,
	         n);
	assert_non_null(strstr(out, want));
	int32_t now_tids[MAX_TIDS];
	assert_int_equal(threads_of(c.pid, now_tids), n);
	for (size_t i = 0; i < n; i++) {
		struct hal_cpuset now = affinity_of(now_tids[i]);
		assert_true(hal_cpuset_equal(&now, &rec));
	}
	assert_int_equal(lines(err), 1);
	end(&c);
}

/* sched_setaffinity answers `g_set_errno` for the thread `g_refused_tid` (every thread when 0). */
static int g_refused_tid;
static int g_set_errno;

static int refusing_setaffinity(int tid, size_t bytes, const uint64_t *mask)
{
	if (g_refused_tid == 0 || tid == g_refused_tid) {
		return -g_set_errno;
	}
	return g_real.sched_setaffinity(tid, bytes, mask);
}

static int run_refused(int argc, const char **argv, int32_t tid, int e)
{
	g_real = hal_sys;
	g_refused_tid = tid;
	g_set_errno = e;
	hal_sys.sched_setaffinity = refusing_setaffinity;
	int rc = run(argc, argv);
	hal_syscall_reset();
	return rc;
}

static void test_apply_refused(void **state)
{
	(void)state;
	uint32_t first = 0;
	uint32_t last = 0;
	if (!two_cpus(&first, &last)) {
		skip();
	}
	struct child c = spawn(3, 0);
	char pid[16];
	pid_text(c.pid, pid, sizeof(pid));
	int32_t tids[MAX_TIDS];
	size_t n = pin_apart(c.pid, first, last, tids);
	const char *apply[] = { "affinity", pid, "--analyze", "0.2", "--apply" };
	const char *all[] = { "affinity", pid, "--analyze", "0.2", "--apply", "--threads" };

	/* EPERM on the process, and on every thread. */
	assert_int_equal(run_refused(5, apply, 0, EPERM), APP_EXIT_FAILURE);
	expect_line("picmon: affinity: cannot set the affinity of ", c.pid, ": permission denied");
	assert_int_equal(lines(err), 2);
	assert_null(strstr(out, "applied"));
	assert_int_equal(run_refused(6, all, 0, EPERM), APP_EXIT_FAILURE);
	expect_line("picmon: affinity: cannot set the affinity of ", c.pid, ": permission denied");
	assert_int_equal(lines(err), 2);
	assert_null(strstr(out, "applied"));
	assert_pinned_apart(c.pid, tids, n, first, last);

	/* Gone between the analysis and the change. */
	assert_int_equal(run_refused(5, apply, 0, ESRCH), APP_EXIT_FAILURE);
	expect_line("picmon: affinity: cannot set the affinity of ", c.pid, ": no such process");

	/* EPERM on one thread only: the others are changed, and it is still a failure. */
	assert_int_equal(run_refused(6, all, c.pid, EPERM), APP_EXIT_FAILURE);
	char want[128];
	snprintf(want, sizeof(want),
	         "picmon: affinity: cannot set the affinity of 1 of the %zu threads of %s: permission denied",
	         n, pid);
	assert_last_err(want);
	assert_int_equal(lines(err), 2);
	snprintf(want, sizeof(want),
	         "  applied to %zu of %zu threads (0 exited meanwhile, 1 failed: permission denied)\n", n - 1,
	         n);
	assert_non_null(strstr(out, want));
	struct hal_cpuset rec = recommended();
	struct hal_cpuset a = one_cpu(first);
	for (size_t i = 0; i < n; i++) {
		struct hal_cpuset now = affinity_of(tids[i]);
		assert_true(hal_cpuset_equal(&now, tids[i] == c.pid ? &a : &rec));
	}
	end(&c);
}

/* A real EPERM: the command run as nobody on a child of root. */
static void test_apply_other_user(void **state)
{
	(void)state;
	uint32_t first = 0;
	uint32_t last = 0;
	if (geteuid() != 0 || !two_cpus(&first, &last)) {
		skip(); /* needs a second user to be, and two CPUs to tell a change */
	}
	struct child c = spawn(3, 0);
	char pid[16];
	pid_text(c.pid, pid, sizeof(pid));
	int32_t tids[MAX_TIDS];
	size_t n = pin_apart(c.pid, first, last, tids);
	for (int with_threads = 0; with_threads <= 1; with_threads++) {
		int fo = pm_test_temp_file();
		int fe = pm_test_temp_file();
		fflush(NULL);
		pid_t runner = fork();
		assert_true(runner >= 0);
		if (runner == 0) {
			if (dup2(fo, 1) != 1 || dup2(fe, 2) != 2 || setgroups(0, NULL) != 0 ||
			    setgid(65534) != 0 || setuid(65534) != 0) {
				_exit(99);
			}
			const char *argv[] = { "affinity", pid, "--analyze", "0.2", "--apply", "--threads" };
			_exit(app_cmd_affinity(with_threads ? 6 : 5, (char **)(uintptr_t)argv));
		}
		int status = 0;
		assert_int_equal(waitpid(runner, &status, 0), runner);
		assert_true(WIFEXITED(status));
		pm_test_read_back(fo, out, sizeof(out));
		pm_test_read_back(fe, err, sizeof(err));
		close(fo);
		close(fe);
		assert_int_equal(WEXITSTATUS(status), APP_EXIT_FAILURE);
		expect_line("picmon: affinity: cannot set the affinity of ", c.pid, ": permission denied");
		assert_int_equal(lines(err), 2);
		assert_null(strstr(out, "applied"));
		assert_pinned_apart(c.pid, tids, n, first, last);
	}
	end(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bad_pid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usage_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sleeping_child, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exits_and_is_reaped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exits_and_stays_a_zombie, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zombie_from_the_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exit_seen_at_a_chosen_sample, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_other_user, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
