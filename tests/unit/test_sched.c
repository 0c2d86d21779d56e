/* hal/sched.h with the scheduling entries of the syscall seam replaced: EPERM, ESRCH and EINVAL on
 * one thread, and the counts and status of a change applied to every thread of a made-up process
 * (a tree of empty task directories under /tmp), including partial success and a full thread table.
 * No real thread is ever touched. */
#include <errno.h>
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

#include "hal/proc.h"
#include "hal/sched.h"
#include "hal/syscall.h"

#define PID4 700    /* threads 700..703 */
#define PIDFULL 800 /* threads 800..800+PM_MAX_THREADS_PER_PROCESS: one more than a table holds */
#define MAX_CALLS 512

static char g_root[64];

/* What the fake entries answer, per tid (0: success), and what they were asked. */
static int g_errno_of[2048];
static int g_calls;
static int32_t g_called_tid[MAX_CALLS];
static uint64_t g_mask0;
static size_t g_mask_bytes;
static int g_policy;
static int g_priority;
static int g_getscheduler_result;
static int g_getparam_errno;

static int fake_setaffinity(int tid, size_t bytes, const uint64_t *mask)
{
	assert_true(tid >= 0 && tid < 2048);
	if (g_calls < MAX_CALLS) {
		g_called_tid[g_calls] = tid;
	}
	g_calls++;
	g_mask0 = mask[0];
	g_mask_bytes = bytes;
	return -g_errno_of[tid];
}

static int fake_getaffinity(int tid, size_t bytes, uint64_t *mask)
{
	assert_true(tid >= 0 && tid < 2048);
	g_calls++;
	if (g_errno_of[tid] != 0) {
		return -g_errno_of[tid];
	}
	memset(mask, 0, bytes);
	mask[0] = 0x5;
	return 0;
}

static int fake_set_task_policy(int tid, int policy, int priority)
{
	assert_true(tid >= 0 && tid < 2048);
	if (g_calls < MAX_CALLS) {
		g_called_tid[g_calls] = tid;
	}
	g_calls++;
	g_policy = policy;
	g_priority = priority;
	return -g_errno_of[tid];
}

static int fake_getscheduler(int tid)
{
	(void)tid;
	g_calls++;
	return g_getscheduler_result;
}

static int fake_getparam(int tid, int *priority)
{
	(void)tid;
	g_calls++;
	if (g_getparam_errno != 0) {
		return -g_getparam_errno;
	}
	*priority = 42;
	return 0;
}

/* Creates or removes <root>/proc, <root>/proc/PID, <root>/proc/PID/task or .../task/TID. */
enum level { L_PROC, L_PID, L_TASK, L_TID };

static void dir_op(int create, enum level l, int pid, int tid)
{
	char path[128];
	int n = l == L_PROC   ? snprintf(path, sizeof(path), "%s/proc", g_root)
	        : l == L_PID  ? snprintf(path, sizeof(path), "%s/proc/%d", g_root, pid)
	        : l == L_TASK ? snprintf(path, sizeof(path), "%s/proc/%d/task", g_root, pid)
	                      : snprintf(path, sizeof(path), "%s/proc/%d/task/%d", g_root, pid, tid);
	assert_true(n > 0 && (size_t)n < sizeof(path));
	assert_int_equal(create ? mkdir(path, 0755) : rmdir(path), 0);
}

static void tree(int create)
{
	if (create) {
		dir_op(1, L_PROC, 0, 0);
	}
	const int pids[2] = { PID4, PIDFULL };
	const int nthreads[2] = { 4, PM_MAX_THREADS_PER_PROCESS + 1 };
	for (int k = 0; k < 2; k++) {
		if (create) {
			dir_op(1, L_PID, pids[k], 0);
			dir_op(1, L_TASK, pids[k], 0);
		}
		for (int i = 0; i < nthreads[k]; i++) {
			dir_op(create, L_TID, pids[k], pids[k] + i);
		}
		if (!create) {
			dir_op(0, L_TASK, pids[k], 0);
			dir_op(0, L_PID, pids[k], 0);
		}
	}
	if (!create) {
		dir_op(0, L_PROC, 0, 0);
	}
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(g_root, sizeof(g_root), "/tmp/picmon-sched-XXXXXX");
	if (mkdtemp(g_root) == NULL) {
		return -1;
	}
	tree(1);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	tree(0);
	return rmdir(g_root) == 0 ? 0 : -1;
}

static int setup(void **state)
{
	(void)state;
	hal_syscall_reset();
	hal_sys.sched_setaffinity = fake_setaffinity;
	hal_sys.sched_getaffinity = fake_getaffinity;
	hal_sys.set_task_policy = fake_set_task_policy;
	hal_sys.sched_getscheduler = fake_getscheduler;
	hal_sys.sched_getparam = fake_getparam;
	memset(g_errno_of, 0, sizeof(g_errno_of));
	g_calls = 0;
	g_mask0 = 0;
	g_mask_bytes = 0;
	g_policy = g_priority = -1;
	g_getscheduler_result = HAL_SCHED_OTHER;
	g_getparam_errno = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	hal_syscall_reset();
	return 0;
}

static struct hal_cpuset cpus_0_2(void)
{
	struct hal_cpuset s;
	hal_cpuset_clear(&s);
	(void)hal_cpuset_add(&s, 0);
	(void)hal_cpuset_add(&s, 2);
	return s;
}

static void test_one_thread(void **state)
{
	(void)state;
	struct hal_cpuset set = cpus_0_2();
	assert_int_equal(hal_affinity_set(123, &set), PM_OK);
	assert_int_equal(g_calls, 1);
	assert_int_equal(g_called_tid[0], 123);
	assert_int_equal(g_mask0, 0x5);
	assert_int_equal(g_mask_bytes, sizeof(set.bits));
	g_errno_of[123] = EPERM;
	assert_int_equal(hal_affinity_set(123, &set), PM_ERR_PERM);
	g_errno_of[123] = ESRCH;
	assert_int_equal(hal_affinity_set(123, &set), PM_ERR_GONE);
	g_errno_of[123] = EINVAL; /* no allowed CPU in the set (cpuset of the task) */
	assert_int_equal(hal_affinity_set(123, &set), PM_ERR_INVAL);
	struct hal_cpuset empty;
	hal_cpuset_clear(&empty);
	g_calls = 0;
	assert_int_equal(hal_affinity_set(123, &empty), PM_ERR_INVAL);
	assert_int_equal(hal_affinity_set(-1, &set), PM_ERR_INVAL);
	assert_int_equal(g_calls, 0);

	struct hal_cpuset got;
	g_errno_of[123] = 0;
	assert_int_equal(hal_affinity_get(123, &got), PM_OK);
	assert_true(hal_cpuset_equal(&got, &set));
	g_errno_of[123] = ESRCH;
	assert_int_equal(hal_affinity_get(123, &got), PM_ERR_GONE);

	g_calls = 0;
	g_errno_of[123] = 0;
	assert_int_equal(hal_sched_set(123, HAL_SCHED_FIFO, 10), PM_OK);
	assert_int_equal(g_calls, 1);
	assert_int_equal(g_policy, HAL_SCHED_FIFO);
	assert_int_equal(g_priority, 10);
	g_errno_of[123] = EPERM; /* no CAP_SYS_NICE, no RLIMIT_RTPRIO */
	assert_int_equal(hal_sched_set(123, HAL_SCHED_FIFO, 10), PM_ERR_PERM);
	g_errno_of[123] = ESRCH;
	assert_int_equal(hal_sched_set(123, HAL_SCHED_OTHER, 0), PM_ERR_GONE);
	g_calls = 0;
	assert_int_equal(hal_sched_set(123, HAL_SCHED_FIFO, 0), PM_ERR_INVAL);
	assert_int_equal(hal_sched_set(123, HAL_SCHED_OTHER, 5), PM_ERR_INVAL);
	assert_int_equal(hal_sched_set(123, HAL_SCHED_DEADLINE, 0), PM_ERR_INVAL);
	assert_int_equal(g_calls, 0);

	int policy = -1;
	int prio = -1;
	g_getscheduler_result = HAL_SCHED_RR | 0x40000000; /* SCHED_RESET_ON_FORK */
	assert_int_equal(hal_sched_get(123, &policy, &prio), PM_OK);
	assert_int_equal(policy, HAL_SCHED_RR);
	assert_int_equal(prio, 42);
	g_getscheduler_result = -ESRCH;
	assert_int_equal(hal_sched_get(123, &policy, &prio), PM_ERR_GONE);
	g_getscheduler_result = -EPERM;
	assert_int_equal(hal_sched_get(123, &policy, &prio), PM_ERR_PERM);
	g_getscheduler_result = HAL_SCHED_OTHER;
	g_getparam_errno = ESRCH;
	assert_int_equal(hal_sched_get(123, &policy, &prio), PM_ERR_GONE);
}

/* The threads of PID4 in the order the listing gives them (the order the HAL applies in). */
static void listed(const struct hal_procfs *fs, int32_t tids[4])
{
	size_t n = 0;
	assert_int_equal(hal_proc_list_threads(fs, PID4, tids, 4, &n), PM_OK);
	assert_int_equal(n, 4);
}

enum kind { AFFINITY, POLICY };

static pm_status apply(const struct hal_procfs *fs, enum kind k, int32_t pid, struct hal_sched_apply *res)
{
	struct hal_cpuset set = cpus_0_2();
	g_calls = 0;
	memset(res, 0x5a, sizeof(*res)); /* every field must be written */
	return k == AFFINITY ? hal_affinity_set_process(fs, pid, &set, res)
	                     : hal_sched_set_process(fs, pid, HAL_SCHED_RR, 7, res);
}

static void check_res(const struct hal_sched_apply *res, uint32_t applied, uint32_t vanished, uint32_t failed,
                      pm_status first_error)
{
	assert_int_equal(res->threads, 4);
	assert_int_equal(res->applied, applied);
	assert_int_equal(res->vanished, vanished);
	assert_int_equal(res->failed, failed);
	assert_int_equal(res->first_error, first_error);
}

static void every_thread(enum kind k)
{
	struct hal_procfs fs;
	assert_int_equal(hal_procfs_open(&fs, g_root), PM_OK);
	int32_t t[4];
	listed(&fs, t);
	struct hal_sched_apply res;

	/* All threads changed: each tid once, with the requested setting. */
	assert_int_equal(apply(&fs, k, PID4, &res), PM_OK);
	check_res(&res, 4, 0, 0, PM_OK);
	assert_int_equal(g_calls, 4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(g_called_tid[i], t[i]);
	}
	if (k == AFFINITY) {
		assert_int_equal(g_mask0, 0x5);
	} else {
		assert_int_equal(g_policy, HAL_SCHED_RR);
		assert_int_equal(g_priority, 7);
	}

	/* Partial: one refused, one exited meanwhile, two changed: PM_OK with the counts. */
	g_errno_of[t[1]] = EPERM;
	g_errno_of[t[2]] = ESRCH;
	assert_int_equal(apply(&fs, k, PID4, &res), PM_OK);
	check_res(&res, 2, 1, 1, PM_ERR_PERM);
	assert_int_equal(g_calls, 4); /* a refusal does not stop the others */

	/* The first error in listing order is the one reported. */
	g_errno_of[t[0]] = EIO;
	g_errno_of[t[1]] = EPERM;
	g_errno_of[t[2]] = 0;
	assert_int_equal(apply(&fs, k, PID4, &res), PM_OK);
	check_res(&res, 2, 0, 2, PM_ERR_IO);

	/* None changed: the first error, with the counts. */
	for (int i = 0; i < 4; i++) {
		g_errno_of[t[i]] = EPERM;
	}
	g_errno_of[t[3]] = ESRCH;
	assert_int_equal(apply(&fs, k, PID4, &res), PM_ERR_PERM);
	check_res(&res, 0, 1, 3, PM_ERR_PERM);
	assert_int_equal(g_calls, 4);

	/* Every thread exited between the listing and the change: the process is gone. */
	for (int i = 0; i < 4; i++) {
		g_errno_of[t[i]] = ESRCH;
	}
	assert_int_equal(apply(&fs, k, PID4, &res), PM_ERR_GONE);
	check_res(&res, 0, 4, 0, PM_OK);

	/* No such process: nothing is called. */
	assert_int_equal(apply(&fs, k, 4242, &res), PM_ERR_GONE);
	assert_int_equal(g_calls, 0);

	/* More threads than the table: the first PM_MAX_THREADS_PER_PROCESS are changed and the
	 * status says the rest were not. */
	assert_int_equal(apply(&fs, k, PIDFULL, &res), PM_OK);
	assert_int_equal(res.threads, PM_MAX_THREADS_PER_PROCESS);
	assert_int_equal(res.applied, PM_MAX_THREADS_PER_PROCESS);
	assert_int_equal(res.failed, 0);
	assert_int_equal(res.first_error, PM_ERR_NOSPACE);
	assert_int_equal(g_calls, PM_MAX_THREADS_PER_PROCESS);
	hal_procfs_close(&fs);
}

static void test_affinity_every_thread(void **state)
{
	(void)state;
	every_thread(AFFINITY);
	struct hal_procfs fs;
	assert_int_equal(hal_procfs_open(&fs, g_root), PM_OK);
	struct hal_sched_apply res;
	struct hal_cpuset empty;
	hal_cpuset_clear(&empty);
	g_calls = 0;
	assert_int_equal(hal_affinity_set_process(&fs, PID4, &empty, &res), PM_ERR_INVAL);
	assert_int_equal(g_calls, 0);
	hal_procfs_close(&fs);
}

static void test_policy_every_thread(void **state)
{
	(void)state;
	every_thread(POLICY);
	struct hal_procfs fs;
	assert_int_equal(hal_procfs_open(&fs, g_root), PM_OK);
	struct hal_sched_apply res;
	g_calls = 0;
	assert_int_equal(hal_sched_set_process(&fs, PID4, HAL_SCHED_FIFO, 100, &res), PM_ERR_INVAL);
	assert_int_equal(g_calls, 0);
	hal_procfs_close(&fs);
}

static int64_t fail_dents(int fd, void *buf, size_t len)
{
	(void)fd;
	(void)buf;
	(void)len;
	return -EIO;
}

/* The thread listing fails: nothing is changed and its error is returned. */
static void test_listing_fails(void **state)
{
	(void)state;
	struct hal_procfs fs;
	assert_int_equal(hal_procfs_open(&fs, g_root), PM_OK);
	hal_sys.dents = fail_dents;
	struct hal_sched_apply res;
	assert_int_equal(apply(&fs, AFFINITY, PID4, &res), PM_ERR_IO);
	assert_int_equal(apply(&fs, POLICY, PID4, &res), PM_ERR_IO);
	assert_int_equal(g_calls, 0);
	hal_procfs_close(&fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_one_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_affinity_every_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_every_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listing_fails, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
