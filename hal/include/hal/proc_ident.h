/* Identity of a process beyond its pid: the start time (field 22 of /proc/PID/stat, clock ticks since
 * boot), so that a reused pid is told apart from the process that had it before. */
#ifndef HAL_PROC_IDENT_H
#define HAL_PROC_IDENT_H

#include <stdint.h>

#include "hal/status.h"

/* Start time of process `pid` (its main thread's /proc/PID/task/PID/stat: the same line as
 * /proc/PID/stat). PM_ERR_NOENT when no such process (or it is a zombie being reaped),
 * PM_ERR_PARSE when the stat line has an unexpected form, PM_ERR_INVAL for pid <= 0. */
pm_status hal_proc_starttime(int pid, uint64_t *out);

/* Parses field 22 out of one /proc/PID/stat line of `len` bytes (exposed for tests and fuzzing): the
 * fields after the LAST ')', because the command name may itself contain ')' and spaces. */
pm_status hal_proc_stat_starttime(const char *line, uint64_t len, uint64_t *out);

/* The calling process's pid. */
int hal_proc_self_pid(void);

#endif
