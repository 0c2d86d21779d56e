/* The default entries of the HAL's system-call seam (hal/syscall.h): thin wrappers that turn the
 * libc convention (-1 + errno) into -errno. Raw syscall(2) for the scheduler calls that musl stubs. */
#include "hal/syscall.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int sys_open_ro(int dirfd, const char *path, int directory)
{
	int flags = O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0);
	int fd = openat(dirfd, path, flags);
	return fd >= 0 ? fd : -errno;
}

static int sys_close(int fd)
{
	/* Linux releases the descriptor even when close reports EINTR: never retry. */
	return close(fd) == 0 ? 0 : -errno;
}

static int64_t sys_pread(int fd, void *buf, size_t len, int64_t offset)
{
	ssize_t n = pread(fd, buf, len, (off_t)offset);
	return n >= 0 ? (int64_t)n : -(int64_t)errno;
}

static int sys_fstat_size(int fd, int64_t *size)
{
	struct stat st;
	if (fstat(fd, &st) != 0) {
		return -errno;
	}
	*size = (int64_t)st.st_size;
	return 0;
}

static int sys_fstat_owner(int fd, uint32_t *uid)
{
	struct stat st;
	if (fstat(fd, &st) != 0) {
		return -errno;
	}
	*uid = (uint32_t)st.st_uid;
	return 0;
}

static int64_t sys_getdents64(int fd, void *buf, size_t len)
{
	long n = syscall(SYS_getdents64, fd, buf, len);
	return n >= 0 ? (int64_t)n : -(int64_t)errno;
}

static int sys_rewind(int fd)
{
	return lseek(fd, 0, SEEK_SET) == 0 ? 0 : -errno;
}

static int sys_sched_getaffinity(int tid, size_t bytes, uint64_t *mask)
{
	/* The raw call returns the kernel's mask size; bytes past it are left as they were. */
	long n = syscall(SYS_sched_getaffinity, tid, bytes, mask);
	return n >= 0 ? 0 : -errno;
}

static int sys_sched_setaffinity(int tid, size_t bytes, const uint64_t *mask)
{
	return syscall(SYS_sched_setaffinity, tid, bytes, mask) == 0 ? 0 : -errno;
}

static int sys_sched_getscheduler(int tid)
{
	long r = syscall(SYS_sched_getscheduler, tid);
	return r >= 0 ? (int)r : -errno;
}

static int sys_sched_getparam(int tid, int *priority)
{
	struct sched_param sp = { 0 };
	if (syscall(SYS_sched_getparam, tid, &sp) != 0) {
		return -errno;
	}
	*priority = sp.sched_priority;
	return 0;
}

static int sys_set_task_policy(int tid, int policy, int priority)
{
	struct sched_param sp = { 0 };
	sp.sched_priority = priority;
	return syscall(SYS_sched_setscheduler, tid, policy, &sp) == 0 ? 0 : -errno;
}

static const struct hal_syscalls defaults = {
	.open_ro = sys_open_ro,
	.close = sys_close,
	.pread = sys_pread,
	.fstat_size = sys_fstat_size,
	.fstat_owner = sys_fstat_owner,
	.dents = sys_getdents64,
	.rewind = sys_rewind,
	.sched_getaffinity = sys_sched_getaffinity,
	.sched_setaffinity = sys_sched_setaffinity,
	.sched_getscheduler = sys_sched_getscheduler,
	.sched_getparam = sys_sched_getparam,
	.set_task_policy = sys_set_task_policy,
};

struct hal_syscalls hal_sys = {
	.open_ro = sys_open_ro,
	.close = sys_close,
	.pread = sys_pread,
	.fstat_size = sys_fstat_size,
	.fstat_owner = sys_fstat_owner,
	.dents = sys_getdents64,
	.rewind = sys_rewind,
	.sched_getaffinity = sys_sched_getaffinity,
	.sched_setaffinity = sys_sched_setaffinity,
	.sched_getscheduler = sys_sched_getscheduler,
	.sched_getparam = sys_sched_getparam,
	.set_task_policy = sys_set_task_policy,
};

void hal_syscall_reset(void)
{
	hal_sys = defaults;
}
