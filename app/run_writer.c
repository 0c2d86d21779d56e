/* The writer thread (SCHED_OTHER): drains every record ring into the journal first, then lets the etcd
 * pusher read the journal from its cursor. At stop it drains what is left, syncs, and gives etcd a
 * grace period to take the rest; what it does not take stays in the journal and is counted. */
#include "hal/clock.h"
#include "hal/log.h"
#include "run.h"

#define WRITER_PERIOD_NS (5 * PM_NS_PER_MS)
#define PUSH_STEPS_PER_PASS 8

static bool rings_empty(struct app_run *run)
{
	return rt_record_ring_count(&run->sup_ring) == 0 && rt_record_ring_count(&run->sampler_ring) == 0 &&
	       rt_record_ring_count(&run->main_ring) == 0 && rt_record_ring_count(&run->alert_ring) == 0;
}

void *app_run_writer_thread(void *arg)
{
	struct app_run *run = arg;
	while (atomic_load_explicit(&run->stop_writer, memory_order_acquire) == 0) {
		pm_ns now = hal_clock_mono_ns();
		if (run->writer_ok) {
			(void)app_writer_step(&run->writer, now);
		}
		if (run->pusher_ok) {
			/* Journal first: a pass pushes a bounded number of txns, then drains the rings again.
			 */
			for (int k = 0; k < PUSH_STEPS_PER_PASS; k++) {
				if (app_pusher_step(&run->pusher, hal_clock_mono_ns()) != PM_OK) {
					break;
				}
			}
		}
		(void)hal_sleep_ns(WRITER_PERIOD_NS, NULL);
	}
	if (!run->writer_ok) {
		return NULL;
	}
	/* Bounded drain: producers have stopped, so the rings only get emptier. */
	for (int pass = 0; pass < 64 && !rings_empty(run); pass++) {
		(void)app_writer_step(&run->writer, hal_clock_mono_ns());
	}
	(void)app_writer_sync(&run->writer, hal_clock_mono_ns());
	if (run->pusher_ok) {
		uint64_t remaining = 0;
		pm_status st = app_pusher_flush(&run->pusher, run->opt.flush_grace_ns, &remaining);
		run->remaining_in_journal = remaining;
		run->flushed_all = st == PM_OK && remaining == 0;
		/* The flush may have raised alerts (NOSPACE): journal them too. */
		(void)app_writer_step(&run->writer, hal_clock_mono_ns());
		(void)app_writer_sync(&run->writer, hal_clock_mono_ns());
	}
	(void)app_writer_close(&run->writer, hal_clock_mono_ns());
	return NULL;
}
