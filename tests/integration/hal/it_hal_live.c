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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sleeping_child),      cmocka_unit_test(test_busy_child_cpu),
		cmocka_unit_test(test_stopped_and_zombie),  cmocka_unit_test(test_threads_and_affinity),
		cmocka_unit_test(test_fd_count_both_modes), cmocka_unit_test(test_cmdline_and_table),
		cmocka_unit_test(test_system_live),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
