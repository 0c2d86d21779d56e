/* Internal helpers of hal/linux: reading kept-open files at offset 0 into fixed buffers through the
 * syscall seam. Not a public header. */
#ifndef HAL_LINUX_PROC_IO_H
#define HAL_LINUX_PROC_IO_H

#include <stddef.h>
#include <stdint.h>

#include "hal/status.h"

/* Re-reads a text file from offset 0 into buf (NUL-terminated, so cap-1 bytes of data at most).
 * One pread when the kernel returns the whole file. procfs (seq_file) and sysfs return less than
 * asked only at the end of the file, so a read that ends on a newline completes the file; a read
 * that stops inside a line is continued (bounded). Probing for EOF with another pread would
 * regenerate the whole file in the kernel and double the cost of every sample. PM_ERR_GONE for ESRCH,
 * PM_ERR_NOSPACE when the file does not fit. */
pm_status hal_read_kept(int fd, char *buf, size_t cap, size_t *len);

/* Same, but reads until EOF regardless of newlines (cmdline, binary-ish files). */
pm_status hal_read_kept_all(int fd, char *buf, size_t cap, size_t *len);

/* openat through the seam, as a status; *fd is -1 on failure. */
pm_status hal_open_at(int dirfd, const char *path, int directory, int *fd);

/* Closes a descriptor if it is >= 0 and sets it to -1. */
void hal_close_fd(int *fd);

/* Writes the decimal of v (>= 0) followed by `suffix` into buf; returns buf. */
char *hal_path_pid(char *buf, size_t cap, int32_t pid, const char *suffix);

#endif
