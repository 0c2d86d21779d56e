/* Reading whole small files and listing directories, for init-time work such as loading the
 * configuration. Caller-owned buffers; not meant for the run phase (opendir may allocate). */
#ifndef HAL_FILE_H
#define HAL_FILE_H

#include <stddef.h>

#include "hal/status.h"

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
 * max_names slots of name_cap bytes each, NUL-terminated. PM_ERR_NOSPACE when there are more entries
 * than slots or a name does not fit its slot (nothing is silently dropped). */
pm_status hal_dir_list(const char *dir, char *names, size_t name_cap, size_t max_names, size_t *n_names);

#endif
