/* Fixed-buffer reads of kept-open /proc files through the syscall seam (see proc_io.h). */
#include "proc_io.h"

#include <errno.h>
#include <string.h>

#include "hal/syscall.h"

#define HAL_READ_MAX_EINTR 8 /* EINTR retries per file read */

static pm_status map_err(int64_t neg)
{
	int err = (int)-neg;
	if (err == ESRCH) {
		return PM_ERR_GONE;
	}
	return pm_status_from_errno(err);
}

static pm_status read_loop(int fd, char *buf, size_t cap, size_t *len, int until_newline)
{
	if (fd < 0 || buf == NULL || cap < 2) {
		return PM_ERR_INVAL;
	}
	size_t have = 0;
	int eintr = 0;
	/* Bounded: every pass either adds at least one byte (have < cap) or is one of a few EINTRs. */
	for (size_t pass = 0; pass <= cap + HAL_READ_MAX_EINTR; pass++) {
		if (have >= cap - 1) {
			/* The buffer is full: the file may be longer, so probe for more. */
			char probe;
			int64_t m = hal_sys.pread(fd, &probe, 1, (int64_t)have);
			if (m == -EINTR && ++eintr < HAL_READ_MAX_EINTR) {
				continue;
			}
			if (m < 0) {
				return map_err(m);
			}
			if (m > 0) {
				buf[cap - 1] = '\0';
				if (len != NULL) {
					*len = cap - 1;
				}
				return PM_ERR_NOSPACE;
			}
			break;
		}
		int64_t n = hal_sys.pread(fd, buf + have, cap - 1 - have, (int64_t)have);
		if (n == -EINTR && ++eintr < HAL_READ_MAX_EINTR) {
			continue;
		}
		if (n < 0) {
			return map_err(n);
		}
		if (n == 0) {
			break;
		}
		have += (size_t)n;
		if (until_newline && buf[have - 1] == '\n') {
			break;
		}
	}
	buf[have] = '\0';
	if (len != NULL) {
		*len = have;
	}
	return PM_OK;
}

pm_status hal_read_kept(int fd, char *buf, size_t cap, size_t *len)
{
	return read_loop(fd, buf, cap, len, 1);
}

pm_status hal_read_kept_all(int fd, char *buf, size_t cap, size_t *len)
{
	return read_loop(fd, buf, cap, len, 0);
}

pm_status hal_open_at(int dirfd, const char *path, int directory, int *fd)
{
	*fd = -1;
	int r = hal_sys.open_ro(dirfd, path, directory);
	if (r < 0) {
		return r == -ESRCH ? PM_ERR_GONE : pm_status_from_errno(-r);
	}
	*fd = r;
	return PM_OK;
}

void hal_close_fd(int *fd)
{
	if (*fd >= 0) {
		(void)hal_sys.close(*fd);
		*fd = -1;
	}
}

char *hal_path_pid(char *buf, size_t cap, int32_t pid, const char *suffix)
{
	char digits[12];
	size_t n = 0;
	uint32_t v = pid < 0 ? 0u : (uint32_t)pid;
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && n < sizeof(digits));
	size_t slen = strlen(suffix);
	if (n + slen + 1 > cap) {
		buf[0] = '\0';
		return buf;
	}
	for (size_t i = 0; i < n; i++) {
		buf[i] = digits[n - 1 - i];
	}
	memcpy(buf + n, suffix, slen + 1);
	return buf;
}
