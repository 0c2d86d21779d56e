/* Logging: one line per event on stderr, "picmon: LEVEL: text". Formats into a stack buffer and
 * writes it with one write(2): no stdio buffers, no allocation, safe after freeze. */
#ifndef HAL_LOG_H
#define HAL_LOG_H

enum hal_log_level {
	HAL_LOG_ERROR = 0,
	HAL_LOG_WARN = 1,
	HAL_LOG_INFO = 2,
	HAL_LOG_DEBUG = 3,
};

/* Messages above this level are dropped (default HAL_LOG_INFO). */
void hal_log_set_level(enum hal_log_level level);
enum hal_log_level hal_log_get_level(void);

/* Program name printed before the level (default "picmon"); the string must outlive all logging. */
void hal_log_set_program(const char *name);

void hal_log(enum hal_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
