/* The system-call seam of the HAL (SQLite's aSyscall[] pattern): every /proc, /sys and scheduling
 * call of hal/linux goes through this table. Tests replace entries to inject EIO, ESRCH, EINTR, EACCES
 * or short reads, and put the defaults back with hal_syscall_reset(). Entries return the result or
 * -errno (never set errno for callers); the table is not thread-safe to modify: tests only. */
#ifndef HAL_SYSCALL_H
#define HAL_SYSCALL_H

#include <stddef.h>
#include <stdint.h>

struct hal_syscalls {
	/* openat(dirfd, path, O_RDONLY|O_CLOEXEC [|O_DIRECTORY when `directory`]) */
	int (*open_ro)(int dirfd, const char *path, int directory);
	int (*close)(int fd);
	int64_t (*pread)(int fd, void *buf, size_t len, int64_t offset);
	/* fstat(fd) -> st_size */
	int (*fstat_size)(int fd, int64_t *size);
	/* fstat(fd) -> st_uid (of a /proc/PID file: the task's effective uid) */
	int (*fstat_owner)(int fd, uint32_t *uid);
	/* getdents64 into buf; 0 at the end of the directory */
	int64_t (*dents)(int fd, void *buf, size_t len);
	/* lseek(fd, 0, SEEK_SET): rewinds a directory for the next listing */
	int (*rewind)(int fd);
	int (*sched_getaffinity)(int tid, size_t bytes, uint64_t *mask);
	int (*sched_setaffinity)(int tid, size_t bytes, const uint64_t *mask);
	/* raw sched_getscheduler/sched_getparam/sched_setscheduler (musl's wrappers are ENOSYS) */
	int (*sched_getscheduler)(int tid);
	int (*sched_getparam)(int tid, int *priority);
	int (*set_task_policy)(int tid, int policy,
	                       int priority); /* the raw syscall, never the libc wrapper */
};

extern struct hal_syscalls hal_sys;

/* Puts the real system calls back into hal_sys. */
void hal_syscall_reset(void);

#endif
