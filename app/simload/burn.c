/* CPU burning measured on the thread CPU clock: never more than asked, bounded in CPU and wall time. */
#include <stdint.h>

#include "hal/clock.h"
#include "simload.h"

volatile int sim_stop;

/* A few microseconds of arithmetic the compiler cannot drop. */
static uint64_t spin_chunk(uint64_t x)
{
	for (uint32_t i = 0; i < 2000u; i++) {
		x = x * 6364136223846793005u + 1442695040888963407u;
	}
	return x;
}

pm_ns sim_burn(pm_ns cpu_until_ns, pm_ns wall_until_ns)
{
	static _Thread_local volatile uint64_t sink;
	pm_ns cpu0 = hal_clock_thread_cpu_ns();
	pm_ns cpu = cpu0;
	uint64_t x = sink + 1u;
	/* Bounded twice over: by the wall limit and by an iteration cap (~10 s of chunks). */
	for (uint32_t i = 0; i < 5000000u && cpu < cpu_until_ns && sim_stop == 0; i++) {
		x = spin_chunk(x);
		cpu = hal_clock_thread_cpu_ns();
		if (hal_clock_mono_ns() >= wall_until_ns) {
			break;
		}
	}
	sink = x;
	return cpu - cpu0;
}
