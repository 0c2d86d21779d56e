/* Files and directories: open/append/pread/fsync/rename/unlink for the journal and the pusher cursor,
 * directory listing through getdents64 into a fixed buffer (no opendir, no allocation), and whole-file
 * reads for init-time work such as loading the configuration. */
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

/* ---- init-time helpers (configuration loading) ---- */

/* Reads the whole file `path` into buf (cap bytes; not NUL-terminated) and stores its length in *len.
 * PM_ERR_NOSPACE when the file does not fit (a truncated read is never returned as success),
 * PM_ERR_NOENT when it does not exist, PM_ERR_INVAL when it is a directory. */
pm_status hal_file_read_all(const char *path, char *buf, size_t cap, size_t *len);

enum hal_path_kind {
	HAL_PATH_FILE = 0,
	HAL_PATH_DIR = 1,
	HAL_PATH_OTHER = 2,
};

/* What `path` is (following symlinks). PM_ERR_NOENT when it does not exist. */
pm_status hal_path_kind(const char *path, enum hal_path_kind *kind);

/* Lists the entry names of directory `dir` (without "." and ".."; unsorted) into `names`, an array of
 * max_names slots of name_cap bytes each, NUL-terminated (hal_dir_list underneath). PM_ERR_NOSPACE
 * when there are more entries than slots or a name does not fit its slot (nothing is silently dropped). */
pm_status hal_dir_list_names(const char *dir, char *names, size_t name_cap, size_t max_names,
                             size_t *n_names);

#endif
