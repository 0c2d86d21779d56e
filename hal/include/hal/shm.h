/* POSIX shared memory for the monitor/client segment: create, open, map, lock, unmap, unlink.
 * Init-time calls (syscalls); the mapped memory itself is then used without any. */
#ifndef HAL_SHM_H
#define HAL_SHM_H

#include <stdbool.h>
#include <stddef.h>

#include "hal/status.h"

#define HAL_SHM_NAME_MAX 64 /* "/name" incl. the terminating NUL */

struct hal_shm {
	void *addr;  /* NULL when not mapped */
	size_t size; /* bytes mapped */
	bool locked; /* mlock() succeeded */
	char name[HAL_SHM_NAME_MAX];
};

/* Creates a new segment `name` ("/x", no other '/') of `size` bytes, zero-filled, mode 0660, mapped
 * read-write. PM_ERR_STATE when a segment of that name already exists (the caller decides whether it
 * is stale), PM_ERR_INVAL for a bad name or size, else the mapped errno. */
pm_status hal_shm_create(const char *name, size_t size, struct hal_shm *out);

/* Opens and maps an existing segment read-write, all of it (its size from fstat). PM_ERR_NOENT when
 * there is none. A segment smaller than `min_size` is PM_ERR_CORRUPT (never mapped). */
pm_status hal_shm_open(const char *name, size_t min_size, struct hal_shm *out);

/* Locks the mapping in RAM (mlock). PM_ERR_PERM where RLIMIT_MEMLOCK or privileges refuse it. */
pm_status hal_shm_lock(struct hal_shm *shm);

/* Unmaps (the segment stays for others). Safe on a zeroed struct. */
pm_status hal_shm_close(struct hal_shm *shm);

/* Removes the name; PM_ERR_NOENT when there was none. */
pm_status hal_shm_unlink(const char *name);

#endif
