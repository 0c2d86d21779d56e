/* Linux implementation of whole-file reads and directory listings (hal/file.h). */
#include "hal/file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

pm_status hal_dir_list(const char *dir, char *names, size_t name_cap, size_t max_names, size_t *n_names)
{
	if (dir == NULL || names == NULL || name_cap == 0 || n_names == NULL) {
		return PM_ERR_INVAL;
	}
	*n_names = 0;
	DIR *d = opendir(dir);
	if (d == NULL) {
		return pm_status_from_errno(errno);
	}
	pm_status result = PM_OK;
	size_t n = 0;
	for (;;) {
		errno = 0;
		const struct dirent *ent = readdir(d);
		if (ent == NULL) {
			if (errno != 0) {
				result = pm_status_from_errno(errno);
			}
			break;
		}
		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0) {
			continue;
		}
		size_t len = strlen(ent->d_name);
		if (n == max_names || len >= name_cap) {
			result = PM_ERR_NOSPACE;
			break;
		}
		memcpy(names + n * name_cap, ent->d_name, len + 1);
		n++;
	}
	if (closedir(d) != 0 && result == PM_OK) {
		result = PM_ERR_IO;
	}
	*n_names = n;
	return result;
}
