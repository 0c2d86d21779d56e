/* Unit-test helper: runs a picmon command function in this process with its stdout (and, when asked,
 * stderr) captured into caller buffers, NUL-terminated. Setup failures fail the test (cmocka). */
#ifndef PM_TEST_CAPTURE_H
#define PM_TEST_CAPTURE_H

#include <stddef.h>

/* A temporary file already unlinked: its descriptor is all that is left of it. */
int pm_test_temp_file(void);

/* Reads what fd holds from offset 0 into buf (at most cap-1 bytes), NUL-terminated. */
void pm_test_read_back(int fd, char *buf, size_t cap);

/* Runs cmd(argc, argv) with stdout into out and, when err is not NULL, stderr into err; returns the
 * command's exit code. */
int pm_test_run_captured(int (*cmd)(int, char **), int argc, const char **argv, char *out, size_t out_cap,
                         char *err, size_t err_cap);

#endif
