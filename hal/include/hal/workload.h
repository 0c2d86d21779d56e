/* OS services of the workload simulator picmon-simload (child processes, stop signals, output, files,
 * real-time scheduling of the calling thread, helper threads). Kept apart from the monitor's own
 * process/thread HAL so that the simulator never shares state with it. */
#ifndef HAL_WORKLOAD_H
#define HAL_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/status.h"

/* Stop signals and signalling a child: hal_signal_install_stop() and hal_process_signal() of
 * hal/process.h (handlers without SA_RESTART, inherited by forked children, each with its own flag). */

/* Forks. *pid_out is 0 in the child. The child gets SIGTERM when the parent dies (PR_SET_PDEATHSIG),
 * so a killed simulator leaves no orphan behind. */
pm_status hal_wl_fork(int *pid_out);

/* Reaps one child without blocking (pid -1: any). PM_ERR_AGAIN: none exited yet. PM_ERR_NOENT: no
 * child left. On PM_OK *reaped is its pid and *status the raw wait status. */
pm_status hal_wl_reap(int pid, int *reaped, int *status);

/* Output: hal_write_all() of hal/term.h. */

/* Opens `path` for appending (created 0644). */
pm_status hal_wl_open_append(const char *path, int *fd_out);
pm_status hal_wl_close(int fd);

/* Replaces `path` atomically (write a temporary file beside it, then rename) with `len` bytes. */
pm_status hal_wl_write_file_atomic(const char *path, const char *text, size_t len);

/* SCHED_FIFO `priority` (0: leave the policy) and pinning to `cpu` (-1: no pinning) for the calling
 * thread. Each refusal is reported in its own status; the thread keeps running either way. */
void hal_wl_sched_self(int priority, int cpu, pm_status *fifo_status, pm_status *cpu_status);

/* A helper thread running fn(arg); joined with hal_wl_thread_join. */
pm_status hal_wl_thread_start(void *(*fn)(void *), void *arg, uintptr_t *handle_out);
pm_status hal_wl_thread_join(uintptr_t handle);

/* Anonymous private memory of `size` bytes, every page written so that it is resident (RSS). Given back
 * to the kernel by hal_wl_mem_free (munmap), unlike a malloc heap that may keep it. */
pm_status hal_wl_mem_alloc(size_t size, void **out);
pm_status hal_wl_mem_free(void *addr, size_t size);

/* Ends the process with SIGABRT (the injected crash). */
_Noreturn void hal_wl_abort(void);

#endif
