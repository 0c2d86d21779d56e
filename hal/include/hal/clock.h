/* Clocks and sleeps: CLOCK_MONOTONIC nanoseconds for all timing, CLOCK_REALTIME only for timestamps
 * shown to people or written to etcd. vDSO-backed; safe on the RT path. */
#ifndef HAL_CLOCK_H
#define HAL_CLOCK_H

#include <stdint.h>

#include "hal/status.h"

int64_t hal_clock_mono_ns(void);
int64_t hal_clock_real_ns(void);
/* CPU time consumed by the calling thread (a syscall on most kernels, ~0.7 us). */
int64_t hal_clock_thread_cpu_ns(void);

/* Sleeps until the absolute CLOCK_MONOTONIC time `deadline_ns`; restarts after signals unless
 * `*stop` (may be NULL) became non-zero. Returns PM_OK, or PM_ERR_AGAIN when stopped early. */
pm_status hal_sleep_until_mono(int64_t deadline_ns, const volatile int *stop);

/* Relative sleep, same semantics. */
pm_status hal_sleep_ns(int64_t duration_ns, const volatile int *stop);

#endif
