/* Child processes and signals for the monitor: recovery commands are spawned from an argv (never a
 * shell), reaped without blocking, signalled by name; SIGINT/SIGTERM become a stop flag. */
#ifndef HAL_PROCESS_H
#define HAL_PROCESS_H

#include <stdbool.h>

#include "hal/status.h"

/* Prepares what spawning needs (libc allocates while building it): call once in init, before any
 * allocation-free phase. hal_process_spawn calls it itself when it was not called. */
pm_status hal_process_init(void);

/* Starts argv[0] (resolved through PATH) with argv; stdin and stdout are /dev/null, stderr inherited.
 * `argv` is NULL-terminated. The child gets its own process group so a stop signal can reach all of
 * its descendants. */
pm_status hal_process_spawn(const char *const *argv, int *out_pid);

enum hal_exit_kind {
	HAL_EXIT_RUNNING = 0, /* still running (nothing reaped) */
	HAL_EXIT_CODE = 1,    /* exited normally with `code` */
	HAL_EXIT_SIGNAL = 2,  /* killed by signal `code` */
};

/* Non-blocking reap of one child. PM_ERR_NOENT when `pid` is not our child (or already reaped). */
pm_status hal_process_reap(int pid, enum hal_exit_kind *kind, int *code);

/* Sends signal `signo` to a process (or, with `group`, to its process group). PM_ERR_GONE when it
 * no longer exists, PM_ERR_PERM when we may not. */
pm_status hal_process_signal(int pid, int signo, bool group);

/* Whether a process exists (kill(pid, 0)). */
bool hal_process_exists(int pid);

/* Signal number of a name such as "SIGTERM", "TERM", "SIGUSR1"; PM_ERR_INVAL if unknown. */
pm_status hal_signal_from_name(const char *name, int *out_signo);
const char *hal_signal_name(int signo);

/* Installs SIGINT/SIGTERM handlers that set *flag to the signal number (async-signal-safe),
 * and ignores SIGPIPE (a closed etcd socket must be an error code, not a death). */
pm_status hal_signal_install_stop(volatile int *flag);

/* Blocks SIGINT/SIGTERM in the calling thread (worker threads), so the main thread receives them. */
pm_status hal_signal_block_stop_in_thread(void);

#endif
