/* The supervisor thread (SCHED_FIFO, pinned): every tick it drains each client Model's job ring,
 * takes the in-flight snapshot, runs the timing checks (rt/supervise.h) and publishes violations as
 * records. No syscall but the clock and the absolute sleep; escalations go to the sampler. */
#include <string.h>

#include "hal/clock.h"
#include "run.h"

#define ACTION_MASK ((uint64_t)APP_ACTION_RING - 1u)

bool app_action_push(struct app_action_ring *ring, const struct app_action *a)
{
	uint64_t head = atomic_load_explicit(&ring->head, memory_order_relaxed);
	uint64_t tail = atomic_load_explicit(&ring->tail, memory_order_acquire);
	if (head - tail >= APP_ACTION_RING) {
		atomic_fetch_add_explicit(&ring->dropped, 1, memory_order_relaxed);
		return false;
	}
	ring->slots[head & ACTION_MASK] = *a;
	atomic_store_explicit(&ring->head, head + 1, memory_order_release);
	return true;
}

bool app_action_pop(struct app_action_ring *ring, struct app_action *out)
{
	uint64_t tail = atomic_load_explicit(&ring->tail, memory_order_relaxed);
	uint64_t head = atomic_load_explicit(&ring->head, memory_order_acquire);
	if (tail == head) {
		return false;
	}
	*out = ring->slots[tail & ACTION_MASK];
	atomic_store_explicit(&ring->tail, tail + 1, memory_order_release);
	return true;
}

/* The supervisor's sink: queue the record and keep the worst detection delay per constraint. */
struct sup_sink_ctx {
	struct app_run *run;
	struct app_model_rt *model;
};

static bool sup_emit(void *ctx, const struct rt_record *rec)
{
	struct sup_sink_ctx *c = ctx;
	if (rec->kind == RT_REC_VIOLATION && c->model != NULL && rec->u.violation.constraint < 4) {
		_Atomic int64_t *worst = &c->model->pub.worst_detect_ns[rec->u.violation.constraint];
		if (rec->u.violation.detect_delay_ns > atomic_load_explicit(worst, memory_order_relaxed)) {
			atomic_store_explicit(worst, rec->u.violation.detect_delay_ns, memory_order_relaxed);
		}
	}
	return rt_record_ring_push(&c->run->sup_ring, rec);
}

static void publish(struct app_model_rt *m)
{
	const struct rt_sup_metrics *sm = &m->sup.m;
	atomic_store_explicit(&m->pub.status, m->sup.status, memory_order_relaxed);
	atomic_store_explicit(&m->pub.jobs, sm->jobs, memory_order_relaxed);
	atomic_store_explicit(&m->pub.deadline_misses, sm->deadline_miss_count, memory_order_relaxed);
	atomic_store_explicit(&m->pub.budget_overruns, sm->budget_overrun_count, memory_order_relaxed);
	atomic_store_explicit(&m->pub.alive_failures, sm->alive_failure_count, memory_order_relaxed);
	atomic_store_explicit(&m->pub.worst_response_ns, sm->response.count > 0 ? sm->response.max : 0,
	                      memory_order_relaxed);
}

static void escalate(struct app_run *run, uint32_t model, const struct rt_sup_escalation *esc)
{
	if ((esc->actions & (RT_ESC_SIGNAL | RT_ESC_RESTART)) == 0) {
		return; /* the status-change event itself is already a record */
	}
	struct app_action a = { model, esc->actions, esc->signal, 0 };
	(void)app_action_push(&run->actions, &a); /* a full queue is counted in dropped */
}

/* One Model at one tick. The clock is read after the ring was drained and the in-flight job was
 * snapshot: everything the client published before is then in the past, so a job that ends while the
 * supervisor is draining is never taken for a record from the future. */
static void supervise_model(struct app_run *run, uint32_t index, struct rt_sup_sink *sink)
{
	struct app_model_rt *m = &run->models[index];
	struct rt_shm_slot *slot = &run->shm.seg->slots[m->slot];
	static struct rt_job_record batch[PM_JOB_RING_SIZE]; /* supervisor thread only */
	struct rt_sup_escalation esc;
	((struct sup_sink_ctx *)sink->ctx)->model = m;
	uint32_t n = 0;
	/* Bounded by the ring size: a client cannot keep the supervisor here. */
	while (n < PM_JOB_RING_SIZE) {
		pm_status st = rt_shm_slot_consume(slot, &batch[n]);
		if (st == PM_ERR_AGAIN) {
			break;
		}
		if (st == PM_OK) {
			n++;
		} /* PM_ERR_CORRUPT: resynchronised; the lost records show as a sequence gap */
	}
	struct rt_job_inflight inflight;
	bool have_inflight = rt_shm_slot_inflight(slot, &inflight) == PM_OK;
	pm_ns now = hal_clock_mono_ns();
	/* A detach is applied after the last records of the old owner were judged; an attach before the
	 * first records of the new one. */
	bool deactivate = atomic_exchange_explicit(&m->pub.deactivate, 0, memory_order_acq_rel) != 0;
	bool activate = atomic_exchange_explicit(&m->pub.activate, 0, memory_order_acq_rel) != 0;
	if (activate && !deactivate) {
		(void)rt_sup_activate(&m->sup, now, sink, &esc);
		escalate(run, index, &esc);
	}
	for (uint32_t k = 0; k < n; k++) {
		(void)rt_sup_job(&m->sup, &batch[k], now, sink, &esc);
		escalate(run, index, &esc);
	}
	if (deactivate) {
		(void)rt_sup_deactivate(&m->sup, now, sink, &esc);
		if (activate) {
			(void)rt_sup_activate(&m->sup, now, sink, &esc);
		}
	} else if (have_inflight) {
		(void)rt_sup_tick(&m->sup, &inflight, now, sink, &esc);
		escalate(run, index, &esc);
	}
	publish(m);
}

void *app_run_supervisor_thread(void *arg)
{
	struct app_run *run = arg;
	struct rt_sup_sink sink;
	struct sup_sink_ctx ctx = { run, NULL };
	memset(&sink, 0, sizeof(sink));
	sink.emit = sup_emit;
	sink.ctx = &ctx;
	sink.real_offset_ns = run->real_offset_ns;
	pm_ns next = hal_clock_mono_ns();
	/* Bounded by the stop flag; each pass sleeps until the next absolute tick. */
	while (atomic_load_explicit(&run->stop_rt, memory_order_acquire) == 0) {
		next += run->tick_ns;
		(void)hal_sleep_until_mono(next, NULL);
		pm_ns now = hal_clock_mono_ns();
		pm_ns late = now - next;
		rt_welford_add(&run->sup_latency, late);
		rt_histogram_add(&run->sup_latency_hist, late);
		if (late > atomic_load_explicit(&run->sup_latency_max_ns, memory_order_relaxed)) {
			atomic_store_explicit(&run->sup_latency_max_ns, late, memory_order_relaxed);
		}
		atomic_fetch_add_explicit(&run->sup_ticks, 1, memory_order_relaxed);
		if (late > run->tick_ns) {
			/* Skip the ticks we slept through instead of running them back to back. */
			atomic_fetch_add_explicit(&run->sup_overruns, 1, memory_order_relaxed);
			next = now;
		}
		if (!run->shm_ok) {
			continue;
		}
		for (uint32_t i = 0; i < run->n_models; i++) {
			if (run->models[i].client && run->models[i].time_critical &&
			    run->models[i].slot >= 0) {
				supervise_model(run, i, &sink);
			}
		}
	}
	return NULL;
}
