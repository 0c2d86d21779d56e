/* stderr logging with a single write per line so lines of concurrent threads never interleave. */
#include "hal/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static _Atomic int log_level = HAL_LOG_INFO;
static const char *log_program = "picmon";

void hal_log_set_level(enum hal_log_level level)
{
	atomic_store(&log_level, (int)level);
}

enum hal_log_level hal_log_get_level(void)
{
	return (enum hal_log_level)atomic_load(&log_level);
}

void hal_log_set_program(const char *name)
{
	if (name != NULL) {
		log_program = name;
	}
}

static const char *level_name(enum hal_log_level level)
{
	switch (level) {
	case HAL_LOG_ERROR:
		return "error";
	case HAL_LOG_WARN:
		return "warning";
	case HAL_LOG_INFO:
		return "info";
	case HAL_LOG_DEBUG:
		return "debug";
	}
	return "log";
}

void hal_log(enum hal_log_level level, const char *fmt, ...)
{
	if ((int)level > atomic_load(&log_level)) {
		return;
	}
	char line[1024];
	int head = snprintf(line, sizeof(line), "%s: %s: ", log_program, level_name(level));
	if (head < 0) {
		return;
	}
	size_t used = (size_t)head < sizeof(line) ? (size_t)head : sizeof(line) - 1;
	va_list ap;
	va_start(ap, fmt);
	int body = vsnprintf(line + used, sizeof(line) - used, fmt, ap);
	va_end(ap);
	if (body < 0) {
		return;
	}
	used += (size_t)body;
	if (used > sizeof(line) - 2) {
		used = sizeof(line) - 2; /* truncated: keep the newline */
	}
	line[used++] = '\n';
	ssize_t rc = write(STDERR_FILENO, line, used);
	(void)rc; /* nowhere left to report a failed write to stderr */
}
