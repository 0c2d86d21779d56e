/* Linux clocks through clock_gettime/clock_nanosleep (vDSO for the gettime calls). */
#include "hal/clock.h"

#include <errno.h>
#include <time.h>

static int64_t read_clock(clockid_t id)
{
	struct timespec ts;
	if (clock_gettime(id, &ts) != 0) {
		return 0; /* cannot fail for these clock ids on Linux */
	}
	return (int64_t)ts.tv_sec * INT64_C(1000000000) + (int64_t)ts.tv_nsec;
}

int64_t hal_clock_mono_ns(void)
{
	return read_clock(CLOCK_MONOTONIC);
}

int64_t hal_clock_real_ns(void)
{
	return read_clock(CLOCK_REALTIME);
}

int64_t hal_clock_thread_cpu_ns(void)
{
	return read_clock(CLOCK_THREAD_CPUTIME_ID);
}

pm_status hal_sleep_until_mono(int64_t deadline_ns, const volatile int *stop)
{
	if (deadline_ns < 0) {
		return PM_ERR_INVAL;
	}
	struct timespec ts = {
		.tv_sec = (time_t)(deadline_ns / INT64_C(1000000000)),
		.tv_nsec = (long)(deadline_ns % INT64_C(1000000000)),
	};
	/* Bounded: each EINTR is a delivered signal; stop flags end the wait. */
	for (int attempt = 0; attempt < 1000000; attempt++) {
		int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		if (rc == 0) {
			return PM_OK;
		}
		if (rc != EINTR) {
			return pm_status_from_errno(rc);
		}
		if (stop != NULL && *stop != 0) {
			return PM_ERR_AGAIN;
		}
	}
	return PM_ERR_AGAIN;
}

pm_status hal_sleep_ns(int64_t duration_ns, const volatile int *stop)
{
	if (duration_ns < 0) {
		return PM_ERR_INVAL;
	}
	return hal_sleep_until_mono(hal_clock_mono_ns() + duration_ns, stop);
}
