/* perf_event_open cache counters (hal/perf.h). Opened at analysis start, read with read(2). */
#include "hal/perf.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int open_counter(int32_t tid, uint64_t config, int exclude_kernel)
{
	struct perf_event_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_HARDWARE;
	attr.config = config;
	attr.exclude_kernel = exclude_kernel ? 1u : 0u;
	attr.exclude_hv = 1;
	long fd =
	    syscall(SYS_perf_event_open, &attr, (pid_t)tid, -1, -1, (unsigned long)PERF_FLAG_FD_CLOEXEC);
	return fd >= 0 ? (int)fd : -errno;
}

static pm_status map(int neg)
{
	switch (-neg) {
	case ENOENT:
	case ENODEV:
	case EOPNOTSUPP:
	case ENOSYS:
		return PM_ERR_UNSUPPORTED;
	case ESRCH:
		return PM_ERR_GONE;
	default:
		return pm_status_from_errno(-neg);
	}
}

pm_status hal_perf_cache_open(int32_t tid, struct hal_perf_cache *pc)
{
	if (pc == NULL || tid <= 0) {
		return PM_ERR_INVAL;
	}
	pc->refs_fd = pc->misses_fd = -1;
	/* Kernel-side counting needs paranoid <= 1; user-only is allowed at 2 for own threads. */
	int fd = open_counter(tid, PERF_COUNT_HW_CACHE_REFERENCES, 0);
	int excl = 0;
	if (fd == -EACCES || fd == -EPERM) {
		excl = 1;
		fd = open_counter(tid, PERF_COUNT_HW_CACHE_REFERENCES, 1);
	}
	if (fd < 0) {
		return map(fd);
	}
	pc->refs_fd = fd;
	fd = open_counter(tid, PERF_COUNT_HW_CACHE_MISSES, excl);
	if (fd < 0) {
		hal_perf_cache_close(pc);
		return map(fd);
	}
	pc->misses_fd = fd;
	return PM_OK;
}

static pm_status read_u64(int fd, uint64_t *v)
{
	ssize_t n = read(fd, v, sizeof(*v));
	if (n == (ssize_t)sizeof(*v)) {
		return PM_OK;
	}
	return n < 0 ? map(-errno) : PM_ERR_IO;
}

pm_status hal_perf_cache_read(const struct hal_perf_cache *pc, uint64_t *refs, uint64_t *misses)
{
	if (pc == NULL || refs == NULL || misses == NULL || pc->refs_fd < 0 || pc->misses_fd < 0) {
		return PM_ERR_INVAL;
	}
	pm_status st = read_u64(pc->refs_fd, refs);
	return st != PM_OK ? st : read_u64(pc->misses_fd, misses);
}

void hal_perf_cache_close(struct hal_perf_cache *pc)
{
	if (pc == NULL) {
		return;
	}
	if (pc->refs_fd >= 0) {
		(void)close(pc->refs_fd);
		pc->refs_fd = -1;
	}
	if (pc->misses_fd >= 0) {
		(void)close(pc->misses_fd);
		pc->misses_fd = -1;
	}
}
