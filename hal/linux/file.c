/* Linux files and directories for the journal: thin wrappers that retry EINTR and short writes and map
 * errno to pm_status. Directory listing uses getdents64 on a fixed buffer (no opendir allocation). */
#include "hal/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define HAL_FILE_MAX_RETRIES 1000 /* bound on EINTR/short-write loops */

pm_status hal_file_open(struct hal_file *file, const char *path, unsigned flags)
{
	if (file == NULL || path == NULL) {
		return PM_ERR_INVAL;
	}
	int oflags = O_CLOEXEC;
	if ((flags & HAL_FILE_WRITE) != 0u) {
		oflags |= ((flags & HAL_FILE_READ) != 0u) ? O_RDWR : O_WRONLY;
	} else {
		oflags |= O_RDONLY;
	}
	if ((flags & HAL_FILE_CREATE) != 0u) {
		oflags |= O_CREAT;
	}
	if ((flags & HAL_FILE_TRUNC) != 0u) {
		oflags |= O_TRUNC;
	}
	if ((flags & HAL_FILE_APPEND) != 0u) {
		oflags |= O_APPEND;
	}
	for (int i = 0; i < HAL_FILE_MAX_RETRIES; i++) {
		int fd = open(path, oflags, 0644);
		if (fd >= 0) {
			file->fd = fd;
			return PM_OK;
		}
		if (errno != EINTR) {
			file->fd = -1;
			return pm_status_from_errno(errno);
		}
	}
	return PM_ERR_AGAIN;
}

pm_status hal_file_append(struct hal_file *file, const void *buf, size_t len)
{
	if (file == NULL || file->fd < 0 || (buf == NULL && len > 0)) {
		return PM_ERR_INVAL;
	}
	const unsigned char *p = buf;
	size_t done = 0;
	for (int i = 0; i < HAL_FILE_MAX_RETRIES && done < len; i++) {
		ssize_t n = write(file->fd, p + done, len - done);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return errno == ENOSPC ? PM_ERR_NOSPACE : PM_ERR_IO;
		}
		done += (size_t)n;
	}
	return done == len ? PM_OK : PM_ERR_IO;
}

pm_status hal_file_pread(struct hal_file *file, void *buf, size_t len, uint64_t offset, size_t *got)
{
	if (file == NULL || file->fd < 0 || got == NULL || (buf == NULL && len > 0) || offset > INT64_MAX) {
		return PM_ERR_INVAL;
	}
	unsigned char *p = buf;
	size_t done = 0;
	for (int i = 0; i < HAL_FILE_MAX_RETRIES && done < len; i++) {
		ssize_t n = pread(file->fd, p + done, len - done, (off_t)(offset + done));
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			*got = done;
			return PM_ERR_IO;
		}
		if (n == 0) {
			break;
		}
		done += (size_t)n;
	}
	*got = done;
	return PM_OK;
}

pm_status hal_file_size(struct hal_file *file, uint64_t *size)
{
	struct stat st;
	if (file == NULL || file->fd < 0 || size == NULL) {
		return PM_ERR_INVAL;
	}
	if (fstat(file->fd, &st) != 0) {
		return pm_status_from_errno(errno);
	}
	*size = (uint64_t)st.st_size;
	return PM_OK;
}

pm_status hal_file_fsync(struct hal_file *file)
{
	if (file == NULL || file->fd < 0) {
		return PM_ERR_INVAL;
	}
	for (int i = 0; i < HAL_FILE_MAX_RETRIES; i++) {
		if (fdatasync(file->fd) == 0) {
			return PM_OK;
		}
		if (errno != EINTR) {
			return PM_ERR_IO;
		}
	}
	return PM_ERR_IO;
}

pm_status hal_file_close(struct hal_file *file)
{
	if (file == NULL) {
		return PM_ERR_INVAL;
	}
	if (file->fd < 0) {
		return PM_OK;
	}
	int rc = close(file->fd);
	file->fd = -1;
	/* Linux releases the descriptor even when close reports EINTR: never retry. */
	return (rc == 0 || errno == EINTR) ? PM_OK : PM_ERR_IO;
}

pm_status hal_file_rename(const char *from, const char *to)
{
	if (from == NULL || to == NULL) {
		return PM_ERR_INVAL;
	}
	return rename(from, to) == 0 ? PM_OK : pm_status_from_errno(errno);
}

pm_status hal_file_unlink(const char *path)
{
	if (path == NULL) {
		return PM_ERR_INVAL;
	}
	return unlink(path) == 0 ? PM_OK : pm_status_from_errno(errno);
}

pm_status hal_file_stat_size(const char *path, uint64_t *size)
{
	struct stat st;
	if (path == NULL || size == NULL) {
		return PM_ERR_INVAL;
	}
	if (stat(path, &st) != 0) {
		return pm_status_from_errno(errno);
	}
	*size = (uint64_t)st.st_size;
	return PM_OK;
}

pm_status hal_dir_make(const char *path)
{
	struct stat st;
	if (path == NULL) {
		return PM_ERR_INVAL;
	}
	if (mkdir(path, 0755) == 0) {
		return PM_OK;
	}
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		return PM_OK;
	}
	return pm_status_from_errno(errno == EEXIST ? ENOTDIR : errno);
}

pm_status hal_dir_fsync(const char *path)
{
	if (path == NULL) {
		return PM_ERR_INVAL;
	}
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		return pm_status_from_errno(errno);
	}
	int rc = fsync(fd);
	int err = errno;
	(void)close(fd);
	return rc == 0 ? PM_OK : pm_status_from_errno(err);
}

/* The kernel's struct linux_dirent64 header; the name follows at offset 19. */
struct hal_dirent64 {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

pm_status hal_dir_list(const char *path, hal_dir_entry_fn fn, void *ctx, size_t max_entries)
{
	if (path == NULL || fn == NULL) {
		return PM_ERR_INVAL;
	}
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		return pm_status_from_errno(errno);
	}
	_Alignas(8) char buf[4096];
	size_t seen = 0;
	pm_status st = PM_OK;
	/* Each getdents64 call returns at least one entry, so max_entries + 1 calls bound the loop. */
	for (size_t call = 0; call <= max_entries + 1; call++) {
		long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			st = pm_status_from_errno(errno);
			break;
		}
		if (n == 0) {
			break;
		}
		size_t pos = 0;
		int stop = 0;
		while (pos < (size_t)n) {
			const struct hal_dirent64 *d = (const struct hal_dirent64 *)(const void *)(buf + pos);
			if (d->reclen == 0) {
				st = PM_ERR_IO;
				stop = 1;
				break;
			}
			pos += d->reclen;
			if (strcmp(d->name, ".") == 0 || strcmp(d->name, "..") == 0) {
				continue;
			}
			if (seen >= max_entries) {
				st = PM_ERR_NOSPACE;
				stop = 1;
				break;
			}
			seen++;
			if (fn(ctx, d->name) != 0) {
				stop = 1;
				break;
			}
		}
		if (stop) {
			break;
		}
	}
	(void)close(fd);
	return st;
}

pm_status hal_file_read_all(const char *path, char *buf, size_t cap, size_t *len)
{
	if (path == NULL || buf == NULL || len == NULL) {
		return PM_ERR_INVAL;
	}
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return pm_status_from_errno(errno);
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		pm_status s = pm_status_from_errno(errno);
		(void)close(fd);
		return s;
	}
	if (S_ISDIR(st.st_mode)) {
		(void)close(fd);
		return PM_ERR_INVAL;
	}
	size_t used = 0;
	pm_status result = PM_OK;
	/* Bounded: every pass either adds at least one byte, ends at EOF or fails. */
	for (;;) {
		if (used == cap) {
			/* Full: one more byte would prove the file is longer than the buffer. */
			char probe;
			ssize_t n = read(fd, &probe, 1);
			if (n > 0) {
				result = PM_ERR_NOSPACE;
			} else if (n < 0 && errno != EINTR) {
				result = pm_status_from_errno(errno);
			} else if (n < 0) {
				continue;
			}
			break;
		}
		ssize_t n = read(fd, buf + used, cap - used);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			result = pm_status_from_errno(errno);
			break;
		}
		if (n == 0) {
			break;
		}
		used += (size_t)n;
	}
	if (close(fd) != 0 && result == PM_OK) {
		result = PM_ERR_IO;
	}
	if (result == PM_OK) {
		*len = used;
	}
	return result;
}

pm_status hal_path_kind(const char *path, enum hal_path_kind *kind)
{
	if (path == NULL || kind == NULL) {
		return PM_ERR_INVAL;
	}
	struct stat st;
	if (stat(path, &st) != 0) {
		return pm_status_from_errno(errno);
	}
	if (S_ISDIR(st.st_mode)) {
		*kind = HAL_PATH_DIR;
	} else if (S_ISREG(st.st_mode)) {
		*kind = HAL_PATH_FILE;
	} else {
		*kind = HAL_PATH_OTHER;
	}
	return PM_OK;
}

struct name_collector {
	char *names;
	size_t name_cap;
	size_t max_names;
	size_t n;
	pm_status status;
};

static int collect_name(void *raw, const char *name)
{
	struct name_collector *c = raw;
	size_t len = strlen(name);
	if (c->n == c->max_names || len >= c->name_cap) {
		c->status = PM_ERR_NOSPACE;
		return 1;
	}
	memcpy(c->names + c->n * c->name_cap, name, len + 1);
	c->n++;
	return 0;
}

pm_status hal_dir_list_names(const char *dir, char *names, size_t name_cap, size_t max_names, size_t *n_names)
{
	if (dir == NULL || names == NULL || name_cap == 0 || n_names == NULL) {
		return PM_ERR_INVAL;
	}
	*n_names = 0;
	struct name_collector c = { names, name_cap, max_names, 0, PM_OK };
	/* One entry beyond max_names is allowed through so that "too many" is reported, not truncated. */
	pm_status st = hal_dir_list(dir, collect_name, &c, max_names + 1);
	if (st == PM_OK) {
		st = c.status;
	}
	if (st == PM_OK) {
		*n_names = c.n;
	}
	return st;
}
