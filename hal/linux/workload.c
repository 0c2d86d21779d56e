/* Linux services of picmon-simload: fork with parent-death signal, reaping, stop signals, output,
 * atomic file replacement, SCHED_FIFO/affinity of the calling thread, helper threads. */
#include "hal/workload.h"

#include "hal/term.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

pm_status hal_wl_fork(int *pid_out)
{
	if (pid_out == NULL) {
		return PM_ERR_INVAL;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		return pm_status_from_errno(errno);
	}
	if (pid == 0) {
		/* Never return an error into the parent's code path from the child. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0) {
			_exit(1);
		}
		/* The parent may have died between fork() and prctl(). */
		if (getppid() != parent) {
			_exit(0);
		}
	}
	*pid_out = (int)pid;
	return PM_OK;
}

pm_status hal_wl_reap(int pid, int *reaped, int *status)
{
	if (reaped == NULL || status == NULL) {
		return PM_ERR_INVAL;
	}
	int st = 0;
	pid_t r = waitpid((pid_t)pid, &st, WNOHANG);
	if (r == 0) {
		return PM_ERR_AGAIN;
	}
	if (r < 0) {
		return errno == ECHILD ? PM_ERR_NOENT : pm_status_from_errno(errno);
	}
	*reaped = (int)r;
	*status = st;
	return PM_OK;
}

pm_status hal_wl_open_append(const char *path, int *fd_out)
{
	if (path == NULL || fd_out == NULL) {
		return PM_ERR_INVAL;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		return pm_status_from_errno(errno);
	}
	*fd_out = fd;
	return PM_OK;
}

pm_status hal_wl_close(int fd)
{
	if (fd < 0) {
		return PM_ERR_INVAL;
	}
	return close(fd) == 0 ? PM_OK : pm_status_from_errno(errno);
}

pm_status hal_wl_write_file_atomic(const char *path, const char *text, size_t len)
{
	if (path == NULL || text == NULL) {
		return PM_ERR_INVAL;
	}
	char tmp[4096];
	int n = snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		return PM_ERR_NOSPACE;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		return pm_status_from_errno(errno);
	}
	pm_status st = hal_write_all(fd, text, len);
	if (st == PM_OK && fsync(fd) != 0) {
		st = pm_status_from_errno(errno);
	}
	if (close(fd) != 0 && st == PM_OK) {
		st = pm_status_from_errno(errno);
	}
	if (st == PM_OK && rename(tmp, path) != 0) {
		st = pm_status_from_errno(errno);
	}
	if (st != PM_OK) {
		(void)unlink(tmp);
	}
	return st;
}

void hal_wl_sched_self(int priority, int cpu, pm_status *fifo_status, pm_status *cpu_status)
{
	pm_status fst = PM_OK;
	pm_status cst = PM_OK;
	if (priority > 0) {
		struct sched_param sp;
		memset(&sp, 0, sizeof(sp));
		sp.sched_priority = priority;
		/* musl's sched_setscheduler wrapper is ENOSYS: the pthread call works on both libcs. */
		int rc = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
		fst = pm_status_from_errno(rc);
	}
	if (cpu >= 0) {
		if (cpu >= CPU_SETSIZE) {
			cst = PM_ERR_INVAL;
		} else {
			cpu_set_t set;
			CPU_ZERO(&set);
			CPU_SET((size_t)cpu, &set);
			int rc = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
			cst = pm_status_from_errno(rc);
		}
	}
	if (fifo_status != NULL) {
		*fifo_status = fst;
	}
	if (cpu_status != NULL) {
		*cpu_status = cst;
	}
}

pm_status hal_wl_thread_start(void *(*fn)(void *), void *arg, uintptr_t *handle_out)
{
	if (fn == NULL || handle_out == NULL) {
		return PM_ERR_INVAL;
	}
	pthread_t t;
	int rc = pthread_create(&t, NULL, fn, arg);
	if (rc != 0) {
		return pm_status_from_errno(rc);
	}
	*handle_out = (uintptr_t)t;
	return PM_OK;
}

pm_status hal_wl_thread_join(uintptr_t handle)
{
	int rc = pthread_join((pthread_t)handle, NULL);
	return pm_status_from_errno(rc);
}

pm_status hal_wl_mem_alloc(size_t size, void **out)
{
	if (size == 0 || out == NULL) {
		return PM_ERR_INVAL;
	}
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		return pm_status_from_errno(errno);
	}
	/* Non-zero bytes: zero pages could be shared or merged and would not count as resident. */
	memset(p, 0x5a, size);
	*out = p;
	return PM_OK;
}

pm_status hal_wl_mem_free(void *addr, size_t size)
{
	if (addr == NULL || size == 0) {
		return PM_ERR_INVAL;
	}
	return munmap(addr, size) == 0 ? PM_OK : pm_status_from_errno(errno);
}

_Noreturn void hal_wl_abort(void)
{
	abort();
}
