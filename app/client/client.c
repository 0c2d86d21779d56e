/* The picmon client library: one Model slot per process, jobs published into the monitor's shared
 * memory without locks, allocation or syscalls beyond the vDSO clock (see picmon/client.h). */
#include "picmon/client.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/clock.h"
#include "hal/proc_ident.h"
#include "hal/shm.h"
#include "rt/shm_layout.h"

struct client {
	struct hal_shm map;
	struct rt_shm_segment *seg; /* NULL when not attached */
	struct rt_shm_slot *slot;
	uint64_t word; /* our owner word */
	uint64_t job_seq;
	bool in_job;
	bool measure_cpu;
	pm_ns release_ns;
	pm_ns start_ns;
	pm_ns cpu_start_ns;
	pm_ns last_release_ns; /* for derived releases, 0 = none yet */
	uint32_t checkpoint;
	struct pm_client_stats stats;
	struct pm_job_times last; /* seq 0: none */
	bool atfork_registered;
	char error[160];
};

static struct client g_client;

/* A forked child inherits the mapping but not the slot: it must never write into the parent's
 * slot nor release it. Its job calls become no-ops until it attaches itself. */
static void forget_in_child(void)
{
	g_client.seg = NULL;
	g_client.slot = NULL;
	g_client.in_job = false;
	g_client.word = 0;
}

static pm_status fail(pm_status st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static pm_status fail(pm_status st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(g_client.error, sizeof(g_client.error), fmt, ap);
	va_end(ap);
	if (n < 0) {
		g_client.error[0] = '\0';
	}
	return st;
}

const char *pm_attach_error(void)
{
	return g_client.error;
}

static void unmap(void)
{
	g_client.seg = NULL;
	g_client.slot = NULL;
	g_client.in_job = false;
	if (g_client.map.addr != NULL) {
		(void)hal_shm_close(&g_client.map);
	}
}

/* Cheap health check on the job path: segment still open and the slot still ours. */
static bool live(void)
{
	if (g_client.slot == NULL) {
		return false;
	}
	uint32_t state = atomic_load_explicit(&g_client.seg->header.state, memory_order_relaxed);
	return state == RT_SHM_STATE_READY && rt_shm_slot_owned_by(g_client.slot, g_client.word);
}

bool pm_attached(void)
{
	return live();
}

static pm_status claim(struct rt_shm_slot *slot, const char *model, int pid, uint64_t start, uint64_t epoch)
{
	for (int attempt = 0; attempt < 8; attempt++) {
		pm_status st = rt_shm_slot_claim(slot, pid, start, epoch, &g_client.word);
		if (st == PM_OK) {
			return PM_OK;
		}
		if (st != PM_ERR_STATE) {
			continue; /* PM_ERR_AGAIN: the monitor is reclaiming it right now */
		}
		struct rt_shm_owner owner;
		rt_shm_slot_owner(slot, &owner);
		if (owner.word == RT_SHM_OWNER_FREE || owner.word == RT_SHM_OWNER_RECLAIMING) {
			continue;
		}
		uint64_t ostart = 0;
		pm_status probe = hal_proc_starttime(owner.pid, &ostart);
		if (probe != PM_OK && probe != PM_ERR_NOENT && probe != PM_ERR_GONE) {
			/* Cannot tell whether the holder lives (e.g. /proc hidden): never take it. */
			return fail(PM_ERR_STATE, "Model %s is held by pid %ld, which cannot be verified: %s",
			            model, (long)owner.pid, pm_status_str(probe));
		}
		enum rt_shm_owner_verdict v = rt_shm_owner_judge(&owner, epoch, probe, ostart);
		if (v == RT_SHM_OWNER_OK || v == RT_SHM_OWNER_CLAIMING) {
			if (owner.pid == pid) {
				return fail(PM_ERR_STATE,
				            "Model %s is already attached by this process (pid %ld)", model,
				            (long)pid);
			}
			return fail(PM_ERR_STATE, "Model %s is already attached by another process (pid %ld)",
			            model, (long)owner.pid);
		}
		/* Dead, reused pid or a stale epoch: the previous instance crashed; take its place. */
		st = rt_shm_slot_takeover(slot, &owner, pid, start, epoch, &g_client.word);
		if (st == PM_OK) {
			return PM_OK;
		}
	}
	return fail(PM_ERR_AGAIN, "Model %s: slot contended, try again", model);
}

pm_status pm_attach(const char *model_name)
{
	if (live()) {
		(void)rt_shm_slot_release(g_client.slot, g_client.word);
	}
	unmap(); /* also a mapping inherited over fork() */
	g_client.error[0] = '\0';
	if (!g_client.atfork_registered) {
		if (pthread_atfork(NULL, NULL, forget_in_child) != 0) {
			return fail(PM_ERR_NOSPACE, "cannot register the fork handler");
		}
		g_client.atfork_registered = true;
	}
	if (model_name == NULL || model_name[0] == '\0' || strlen(model_name) >= PM_MAX_NAME) {
		return fail(PM_ERR_INVAL, "invalid Model name");
	}
	const char *name = getenv(RT_SHM_ENV_NAME);
	if (name == NULL || name[0] == '\0') {
		name = RT_SHM_DEFAULT_NAME;
	}
	pm_status st = hal_shm_open(name, sizeof(struct rt_shm_header), &g_client.map);
	if (st == PM_ERR_NOENT) {
		return fail(st, "no picmon monitor running: shared memory %s does not exist", name);
	}
	if (st != PM_OK) {
		return fail(st, "cannot open shared memory %s: %s", name, pm_status_str(st));
	}
	struct rt_shm_segment *seg = g_client.map.addr;
	st = rt_shm_header_check(&seg->header, g_client.map.size);
	if (st != PM_OK) {
		unmap();
		if (st == PM_ERR_STATE) {
			return fail(st, "monitor segment %s is not ready (starting or stopped)", name);
		}
		return fail(st, "shared memory %s is not a picmon segment of layout version %u", name,
		            RT_SHM_LAYOUT_VERSION);
	}
	uint64_t cstart = 0;
	if (hal_proc_starttime(seg->header.creator_pid, &cstart) != PM_OK ||
	    cstart != seg->header.creator_starttime) {
		long cpid = (long)seg->header.creator_pid;
		unmap();
		return fail(PM_ERR_GONE, "shared memory %s is stale: its monitor (pid %ld) is gone", name,
		            cpid);
	}
	int32_t idx = rt_shm_find_slot(seg, model_name);
	if (idx < 0) {
		unmap();
		return fail(PM_ERR_NOENT, "Model %s is not in the monitor's configuration", model_name);
	}
	int pid = hal_proc_self_pid();
	uint64_t start = 0;
	st = hal_proc_starttime(pid, &start);
	if (st != PM_OK) {
		unmap();
		return fail(st, "cannot read own start time: %s", pm_status_str(st));
	}
	struct rt_shm_slot *slot = &seg->slots[idx];
	st = claim(slot, model_name, pid, start, seg->header.epoch);
	if (st != PM_OK) {
		unmap();
		return st;
	}
	/* No page fault on the job path: lock the mapping, or else fault our slot's pages in for
	 * writing now, with an atomic add of 0 (value-preserving while the monitor reads them). */
	if (hal_shm_lock(&g_client.map) != PM_OK) {
		for (size_t off = 0; off < sizeof(*slot); off += 4096u) {
			(void)__atomic_fetch_add((uint64_t *)(void *)((char *)slot + off), 0u,
			                         __ATOMIC_RELAXED);
		}
	}
	g_client.seg = seg;
	g_client.slot = slot;
	g_client.job_seq = 0;
	g_client.in_job = false;
	g_client.last_release_ns = 0;
	memset(&g_client.stats, 0, sizeof(g_client.stats));
	memset(&g_client.last, 0, sizeof(g_client.last));
	rt_shm_slot_heartbeat(slot, hal_clock_mono_ns());
	return PM_OK;
}

pm_status pm_detach(void)
{
	if (g_client.seg == NULL) {
		return PM_ERR_STATE;
	}
	pm_status st = PM_OK;
	if (live()) {
		st = rt_shm_slot_release(g_client.slot, g_client.word);
	}
	unmap();
	return st;
}

static pm_status begin(pm_ns release_ns, pm_ns now)
{
	if (!live()) {
		g_client.stats.noop_calls++;
		return PM_ERR_STATE;
	}
	if (g_client.in_job) {
		return PM_ERR_STATE;
	}
	pm_ns budget = atomic_load_explicit(&g_client.slot->budget_ns, memory_order_relaxed);
	g_client.measure_cpu = budget > 0;
	g_client.cpu_start_ns = g_client.measure_cpu ? hal_clock_thread_cpu_ns() : 0;
	g_client.release_ns = release_ns;
	g_client.start_ns = now;
	g_client.last_release_ns = release_ns;
	g_client.checkpoint = 0;
	g_client.in_job = true;
	g_client.job_seq++;
	rt_shm_slot_job_begin(g_client.slot, g_client.job_seq, release_ns, now);
	return PM_OK;
}

pm_status pm_job_begin_at(int64_t release_ns)
{
	pm_ns now = hal_clock_mono_ns();
	if (release_ns <= 0) {
		return PM_ERR_INVAL;
	}
	return begin(release_ns, now);
}

pm_status pm_job_begin(void)
{
	pm_ns now = hal_clock_mono_ns();
	pm_ns release = now;
	if (g_client.slot != NULL) {
		pm_ns period = atomic_load_explicit(&g_client.slot->period_ns, memory_order_relaxed);
		pm_ns last = g_client.last_release_ns;
		if (period > 0 && last > 0 && now >= last + period) {
			/* Latest activation of the series not after now; skipped activations are not jobs. */
			release = last + ((now - last) / period) * period;
		}
	}
	return begin(release, now);
}

pm_status pm_job_end(void)
{
	pm_ns now = hal_clock_mono_ns();
	if (!g_client.in_job) {
		if (!live()) {
			g_client.stats.noop_calls++;
		}
		return PM_ERR_STATE;
	}
	g_client.in_job = false;
	if (!live()) {
		g_client.stats.noop_calls++;
		return PM_ERR_STATE;
	}
	struct rt_job_record rec;
	rec.seq = g_client.job_seq;
	rec.release_ns = g_client.release_ns;
	rec.start_ns = g_client.start_ns;
	rec.end_ns = now;
	rec.cpu_ns = -1;
	rec.flags = 0;
	if (g_client.measure_cpu) {
		rec.cpu_ns = hal_clock_thread_cpu_ns() - g_client.cpu_start_ns;
		rec.flags |= RT_JOB_F_CPU_MEASURED;
	}
	rec.checkpoint = g_client.checkpoint;
	if (!rt_shm_slot_job_end(g_client.slot, &rec)) {
		g_client.stats.dropped++;
		return PM_ERR_NOSPACE;
	}
	g_client.stats.jobs++;
	g_client.last.seq = rec.seq;
	g_client.last.release_ns = rec.release_ns;
	g_client.last.start_ns = rec.start_ns;
	g_client.last.end_ns = rec.end_ns;
	g_client.last.cpu_ns = rec.cpu_ns;
	return PM_OK;
}

pm_status pm_checkpoint(uint32_t id)
{
	if (!live()) {
		g_client.stats.noop_calls++;
		return PM_ERR_STATE;
	}
	if (!g_client.in_job) {
		return PM_ERR_STATE;
	}
	g_client.checkpoint = id;
	rt_shm_slot_set_checkpoint(g_client.slot, id);
	return PM_OK;
}

pm_status pm_heartbeat(void)
{
	if (!live()) {
		g_client.stats.noop_calls++;
		return PM_ERR_STATE;
	}
	rt_shm_slot_heartbeat(g_client.slot, hal_clock_mono_ns());
	return PM_OK;
}

pm_status pm_metric(const char *name, double value)
{
	enum rt_shm_metric m = rt_shm_metric_from_name(name);
	if (m == RT_SHM_METRIC_COUNT) {
		return PM_ERR_INVAL;
	}
	if (!live()) {
		g_client.stats.noop_calls++;
		return PM_ERR_STATE;
	}
	rt_shm_slot_set_metric(g_client.slot, m, value, hal_clock_mono_ns());
	return PM_OK;
}

pm_status pm_job_last(struct pm_job_times *out)
{
	if (out == NULL) {
		return PM_ERR_INVAL;
	}
	if (g_client.last.seq == 0) {
		return PM_ERR_STATE;
	}
	*out = g_client.last;
	return PM_OK;
}

void pm_client_stats(struct pm_client_stats *out)
{
	if (out != NULL) {
		*out = g_client.stats;
	}
}
