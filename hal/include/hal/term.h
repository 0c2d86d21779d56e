/* The terminal for interactive views (`picmon top`): raw keyboard input without echo, a key wait
 * with timeout, the window size and a resize flag (SIGWINCH), whole-buffer writes, and a stop flag
 * set by SIGINT/SIGTERM/SIGHUP so the terminal is always restored. */
#ifndef HAL_TERM_H
#define HAL_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/status.h"

struct hal_term {
	bool raw;          /* raw mode entered (restore on leave) */
	uint8_t saved[64]; /* opaque copy of the saved termios */
};

bool hal_isatty(int fd);

/* Enters non-canonical, no-echo mode on stdin when it is a terminal (PM_ERR_UNSUPPORTED otherwise). */
pm_status hal_term_raw_enter(struct hal_term *t);
void hal_term_raw_leave(struct hal_term *t);

/* Waits up to timeout_ns for a key on stdin. PM_OK with *key set, PM_ERR_TIMEOUT, or PM_ERR_AGAIN
 * when a signal (see hal_term_catch_stop) interrupted the wait. */
pm_status hal_term_wait_key(int64_t timeout_ns, int *key);

/* Rows and columns of the terminal on stdout; PM_ERR_UNSUPPORTED when it is not a terminal. */
pm_status hal_term_size(uint32_t *rows, uint32_t *cols);

/* Writes all of buf to fd (retrying short writes and EINTR). */
pm_status hal_write_all(int fd, const void *buf, size_t len);

/* Installs handlers for SIGINT, SIGTERM and SIGHUP that set *flag to 1 (the flag must outlive
 * the program's use of it). */
pm_status hal_term_catch_stop(volatile int *flag);

/* Installs a SIGWINCH handler that sets *flag to 1, without SA_RESTART: a key wait in progress
 * returns PM_ERR_AGAIN so the view is laid out again for the new size. */
pm_status hal_term_catch_resize(volatile int *flag);

#endif
