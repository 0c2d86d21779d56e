/* POSIX shared memory (shm_open, ftruncate, mmap, mlock) for the monitor/client segment. */
#include "hal/shm.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static bool name_ok(const char *name)
{
	if (name == NULL || name[0] != '/') {
		return false;
	}
	size_t len = strnlen(name, HAL_SHM_NAME_MAX);
	return len > 1 && len < HAL_SHM_NAME_MAX && strchr(name + 1, '/') == NULL;
}

static pm_status map_fd(int fd, size_t size, const char *name, struct hal_shm *out)
{
	void *addr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (addr == MAP_FAILED) {
		return pm_status_from_errno(errno);
	}
	memset(out, 0, sizeof(*out));
	out->addr = addr;
	out->size = size;
	memcpy(out->name, name, strlen(name) + 1u);
	return PM_OK;
}

pm_status hal_shm_create(const char *name, size_t size, struct hal_shm *out)
{
	if (!name_ok(name) || size == 0 || out == NULL) {
		return PM_ERR_INVAL;
	}
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0660);
	if (fd < 0) {
		return errno == EEXIST ? PM_ERR_STATE : pm_status_from_errno(errno);
	}
	pm_status st = PM_OK;
	if (ftruncate(fd, (off_t)size) != 0) {
		st = pm_status_from_errno(errno);
	} else {
		st = map_fd(fd, size, name, out);
	}
	if (close(fd) != 0 && st == PM_OK) {
		st = pm_status_from_errno(errno);
		(void)hal_shm_close(out);
	}
	if (st != PM_OK) {
		(void)shm_unlink(name);
	}
	return st;
}

pm_status hal_shm_open(const char *name, size_t min_size, struct hal_shm *out)
{
	if (!name_ok(name) || out == NULL) {
		return PM_ERR_INVAL;
	}
	int fd = shm_open(name, O_RDWR | O_CLOEXEC, 0);
	if (fd < 0) {
		return pm_status_from_errno(errno);
	}
	pm_status st = PM_OK;
	struct stat sb;
	if (fstat(fd, &sb) != 0) {
		st = pm_status_from_errno(errno);
	} else if (sb.st_size <= 0 || (size_t)sb.st_size < min_size) {
		st = PM_ERR_CORRUPT;
	} else {
		st = map_fd(fd, (size_t)sb.st_size, name, out);
	}
	if (close(fd) != 0 && st == PM_OK) {
		st = pm_status_from_errno(errno);
		(void)hal_shm_close(out);
	}
	return st;
}

pm_status hal_shm_lock(struct hal_shm *shm)
{
	if (shm == NULL || shm->addr == NULL) {
		return PM_ERR_INVAL;
	}
	if (mlock(shm->addr, shm->size) != 0) {
		return errno == ENOMEM ? PM_ERR_PERM : pm_status_from_errno(errno);
	}
	shm->locked = true;
	return PM_OK;
}

pm_status hal_shm_close(struct hal_shm *shm)
{
	if (shm == NULL) {
		return PM_ERR_INVAL;
	}
	pm_status st = PM_OK;
	if (shm->addr != NULL && munmap(shm->addr, shm->size) != 0) {
		st = pm_status_from_errno(errno);
	}
	shm->addr = NULL;
	shm->size = 0;
	shm->locked = false;
	return st;
}

pm_status hal_shm_unlink(const char *name)
{
	if (!name_ok(name)) {
		return PM_ERR_INVAL;
	}
	if (shm_unlink(name) != 0) {
		return pm_status_from_errno(errno);
	}
	return PM_OK;
}
