/* The command-capture helper of the unit tests (tests/support/capture.h). */
#include "capture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

int pm_test_temp_file(void)
{
	char path[] = "/tmp/picmon-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(unlink(path), 0);
	return fd;
}

void pm_test_read_back(int fd, char *buf, size_t cap)
{
	assert_true(cap > 0);
	ssize_t n = pread(fd, buf, cap - 1, 0);
	assert_true(n >= 0);
	buf[n] = '\0';
}

int pm_test_run_captured(int (*cmd)(int, char **), int argc, const char **argv, char *out, size_t out_cap,
                         char *err, size_t err_cap)
{
	int fo = pm_test_temp_file();
	int fe = err != NULL ? pm_test_temp_file() : -1;
	fflush(stdout);
	fflush(stderr);
	int so = dup(1);
	int se = err != NULL ? dup(2) : -1;
	assert_true(so >= 0 && (err == NULL || se >= 0));
	assert_int_equal(dup2(fo, 1), 1);
	if (err != NULL) {
		assert_int_equal(dup2(fe, 2), 2);
	}
	int rc = cmd(argc, (char **)(uintptr_t)argv);
	fflush(stdout);
	fflush(stderr);
	assert_int_equal(dup2(so, 1), 1);
	close(so);
	if (err != NULL) {
		assert_int_equal(dup2(se, 2), 2);
		close(se);
		pm_test_read_back(fe, err, err_cap);
		close(fe);
	}
	pm_test_read_back(fo, out, out_cap);
	close(fo);
	return rc;
}
