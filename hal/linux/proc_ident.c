/* Process identity from /proc/PID/stat: the start time that tells a reused pid apart. */
#include "hal/proc_ident.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

pm_status hal_proc_stat_starttime(const char *line, uint64_t len, uint64_t *out)
{
	if (line == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	const char *rparen = NULL;
	for (uint64_t i = 0; i < len; i++) {
		if (line[i] == ')') {
			rparen = line + i;
		}
	}
	if (rparen == NULL) {
		return PM_ERR_PARSE;
	}
	/* After ") " come fields 3 (state) .. 22 (starttime): skip 19 fields. */
	const char *p = rparen + 1;
	const char *end = line + len;
	for (int field = 3; field < 22; field++) {
		if (p >= end || *p != ' ') {
			return PM_ERR_PARSE;
		}
		p++;
		if (p >= end || *p == ' ' || *p == '\n') {
			return PM_ERR_PARSE;
		}
		while (p < end && *p != ' ') {
			p++;
		}
	}
	if (p >= end || *p != ' ') {
		return PM_ERR_PARSE;
	}
	p++;
	uint64_t v = 0;
	int digits = 0;
	while (p < end && *p >= '0' && *p <= '9') {
		if (digits >= 19) {
			return PM_ERR_PARSE;
		}
		v = v * 10u + (uint64_t)(*p - '0');
		digits++;
		p++;
	}
	if (digits == 0 || (p < end && *p != ' ' && *p != '\n')) {
		return PM_ERR_PARSE;
	}
	*out = v;
	return PM_OK;
}

pm_status hal_proc_starttime(int pid, uint64_t *out)
{
	if (pid <= 0 || out == NULL) {
		return PM_ERR_INVAL;
	}
	/* The main thread's stat is the process's stat. Read through task/ because qemu-user fakes
	 * /proc/<own pid>/stat (start time 0), which would make every process look reused under it. */
	char path[64];
	int n = snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, pid);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		return PM_ERR_INTERNAL;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return errno == ENOENT || errno == ESRCH ? PM_ERR_NOENT : pm_status_from_errno(errno);
	}
	/* A stat line is < 1 KiB; a comm of 16 bytes keeps it well below this buffer. */
	char buf[1024];
	ssize_t got = read(fd, buf, sizeof(buf));
	int saved = errno;
	if (close(fd) != 0 && got >= 0) {
		return pm_status_from_errno(errno);
	}
	if (got < 0) {
		return saved == ESRCH ? PM_ERR_NOENT : pm_status_from_errno(saved);
	}
	if ((size_t)got >= sizeof(buf)) {
		return PM_ERR_PARSE; /* truncated: never parse half a line */
	}
	buf[got] = '\0';
	pm_status st = hal_proc_stat_starttime(buf, (uint64_t)got, out);
	if (st != PM_OK) {
		return st;
	}
	/* A zombie keeps its stat until reaped but is no longer a live owner. */
	const char *rp = strrchr(buf, ')');
	if (rp != NULL && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X')) {
		return PM_ERR_NOENT;
	}
	return PM_OK;
}

int hal_proc_self_pid(void)
{
	return (int)getpid();
}
