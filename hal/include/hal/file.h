/* Files and directories for the journal, the pusher cursor and tools: open/append/pread/fsync/rename/
 * unlink, and directory listing through getdents64 into a fixed buffer (no opendir, no allocation). */
#ifndef HAL_FILE_H
#define HAL_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "hal/status.h"

/* ---- journal engineer: hal_file_ / hal_dir_ primitives ---- */

/* An open file; fd < 0 when closed. Initialise with HAL_FILE_CLOSED. */
struct hal_file {
	int fd;
};

#define HAL_FILE_CLOSED ((struct hal_file){ .fd = -1 })

enum hal_file_flags {
	HAL_FILE_READ = 1u << 0,   /* read only */
	HAL_FILE_WRITE = 1u << 1,  /* write (appends go to the end) */
	HAL_FILE_CREATE = 1u << 2, /* create 0644 if missing */
	HAL_FILE_TRUNC = 1u << 3,  /* truncate to zero length */
	HAL_FILE_APPEND = 1u << 4, /* O_APPEND: every write lands at the end */
};

pm_status hal_file_open(struct hal_file *file, const char *path, unsigned flags);

/* Writes all `len` bytes (short writes and EINTR retried); PM_ERR_IO/NOSPACE otherwise. */
pm_status hal_file_append(struct hal_file *file, const void *buf, size_t len);

/* Reads up to `len` bytes at `offset`; `*got` < len only at end of file. */
pm_status hal_file_pread(struct hal_file *file, void *buf, size_t len, uint64_t offset, size_t *got);

pm_status hal_file_size(struct hal_file *file, uint64_t *size);

/* fdatasync: the data and the size are durable when this returns PM_OK. */
pm_status hal_file_fsync(struct hal_file *file);

/* Closes (idempotent). */
pm_status hal_file_close(struct hal_file *file);

/* Atomic replace of `to` by `from` (same directory). */
pm_status hal_file_rename(const char *from, const char *to);

/* PM_ERR_NOENT when it did not exist. */
pm_status hal_file_unlink(const char *path);

/* Size of a file by path; PM_ERR_NOENT when missing. */
pm_status hal_file_stat_size(const char *path, uint64_t *size);

/* Creates one directory level (0755); PM_OK when it already exists as a directory. */
pm_status hal_dir_make(const char *path);

/* fsync of a directory: makes renames, creations and unlinks in it durable. */
pm_status hal_dir_fsync(const char *path);

/* Called once per entry (not "." or ".."); return non-zero to stop the listing early. */
typedef int (*hal_dir_entry_fn)(void *ctx, const char *name);

/* Lists a directory with getdents64 into a fixed stack buffer, in the kernel's order. At most
 * `max_entries` callbacks (the loop bound); PM_ERR_NOSPACE when the directory had more. */
pm_status hal_dir_list(const char *path, hal_dir_entry_fn fn, void *ctx, size_t max_entries);

/* ---- end journal engineer section ---- */

#endif
