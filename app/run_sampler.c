/* The sampler thread: finds each Model's processes (shared-memory owner or discovery rule), sees them
 * appear, crash and come back, carries out recovery (signals, restarts with budget and backoff),
 * samples their resources at the configured interval, runs estimated supervision for time-critical
 * Models without the client library, and owns the resource monitor (states, dependencies, alerts). */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "hal/clock.h"
#include "hal/log.h"
#include "hal/proc_ident.h"
#include "hal/process.h"
#include "run.h"

#define SAMPLER_CYCLE_NS (100 * PM_NS_PER_MS)
#define DISCOVERY_EVERY 5 /* cycles: a full /proc scan every 500 ms */

/* Which Model a tracked process belongs to, cached per proc-table slot by (pid, starttime). */
static int32_t cache_pid[PM_MAX_PROCESSES];
static uint64_t cache_start[PM_MAX_PROCESSES];
static int16_t cache_model[PM_MAX_PROCESSES];

void app_run_emit_event(struct app_run *run, struct rt_record_ring *ring, uint32_t type, const char *resource,
                        const char *event_type, uint32_t severity, const char *message)
{
	struct rt_record rec;
	memset(&rec, 0, sizeof(rec));
	rec.kind = RT_REC_EVENT;
	rec.resource_type = type;
	rec.mono_ns = hal_clock_mono_ns();
	rec.real_ns = rec.mono_ns + run->real_offset_ns;
	(void)snprintf(rec.resource, sizeof(rec.resource), "%s", resource);
	(void)snprintf(rec.u.event.type, sizeof(rec.u.event.type), "%s", event_type);
	rec.u.event.severity = severity;
	(void)snprintf(rec.u.event.message, sizeof(rec.u.event.message), "%s", message);
	(void)rt_record_ring_push(ring, &rec);
}

static void emit_metric(struct app_run *run, const char *model, const char *name, double value, pm_ns now)
{
	struct rt_record rec;
	memset(&rec, 0, sizeof(rec));
	rec.kind = RT_REC_METRIC;
	rec.resource_type = RT_RES_MODEL;
	rec.mono_ns = now;
	rec.real_ns = now + run->real_offset_ns;
	(void)snprintf(rec.resource, sizeof(rec.resource), "%s", model);
	(void)snprintf(rec.u.metric.name, sizeof(rec.u.metric.name), "%s", name);
	rec.u.metric.value = value;
	(void)rt_record_ring_push(&run->sampler_ring, &rec);
}

static const char *model_name(const struct app_run *run, const struct app_model_rt *m)
{
	return run->cfg.models[m->cfg_index].name;
}

static void model_event(struct app_run *run, uint32_t i, enum rt_sm_event ev, pm_ns now)
{
	(void)rt_resmon_model_event(&run->resmon, i, ev, now);
}

static const struct app_proc_entry *find_proc(const struct app_run *run, int32_t pid)
{
	return app_proc_table_find(&run->procs, pid);
}

static bool process_matches(struct app_run *run, const struct rt_discovery *d, const struct app_proc_entry *e)
{
	const struct hal_proc_sample *s = app_proc_latest(e);
	switch (d->kind) {
	case RT_DISCOVER_COMM:
		return strcmp(s->stat.comm, d->value) == 0;
	case RT_DISCOVER_CMDLINE: {
		char cmd[512];
		size_t len = 0;
		pm_status st = hal_proc_cmdline(&run->procfs, e->h.pid, cmd, sizeof(cmd), &len);
		return (st == PM_OK || st == PM_ERR_NOSPACE) && strstr(cmd, d->value) != NULL;
	}
	case RT_DISCOVER_CGROUP: {
		char cg[PM_MAX_PATH];
		if (hal_proc_cgroup(&run->procfs, e->h.pid, cg, sizeof(cg)) != PM_OK) {
			return false;
		}
		size_t n = strlen(d->value);
		return strncmp(cg, d->value, n) == 0 && (cg[n] == '\0' || cg[n] == '/');
	}
	case RT_DISCOVER_PIDFILE:
	case RT_DISCOVER_CLIENT:
		break;
	}
	return false;
}

/* Rebuilds every discovery Model's pid list from the process table. */
static void discover(struct app_run *run)
{
	for (uint32_t i = 0; i < run->n_models; i++) {
		run->models[i].n_pids = 0;
	}
	int32_t self = hal_proc_self_pid();
	const struct app_proc_table *t = &run->procs;
	for (uint32_t k = 0; k < t->n; k++) {
		uint32_t slot = t->order[k];
		const struct app_proc_entry *e = &t->slot[slot];
		const struct hal_proc_sample *s = app_proc_latest(e);
		if (e->h.pid == self || s->stat.state == 'Z') {
			continue; /* a zombie has exited: it is not running any more */
		}
		if (cache_pid[slot] != e->h.pid || cache_start[slot] != e->h.starttime) {
			cache_pid[slot] = e->h.pid;
			cache_start[slot] = e->h.starttime;
			cache_model[slot] = -1;
			for (uint32_t i = 0; i < run->n_models; i++) {
				const struct rt_model_cfg *mc = &run->cfg.models[run->models[i].cfg_index];
				if (!run->models[i].client && mc->discovery.kind != RT_DISCOVER_PIDFILE &&
				    process_matches(run, &mc->discovery, e)) {
					cache_model[slot] = (int16_t)i;
					break;
				}
			}
		}
		int16_t owner = cache_model[slot];
		if (owner >= 0) {
			struct app_model_rt *m = &run->models[owner];
			if (m->n_pids < PM_MAX_PROCS_PER_MODEL) {
				m->pids[m->n_pids++] = e->h.pid;
			}
		}
	}
	for (uint32_t i = 0; i < run->n_models; i++) {
		struct app_model_rt *m = &run->models[i];
		const struct rt_model_cfg *mc = &run->cfg.models[m->cfg_index];
		if (!m->client && mc->discovery.kind == RT_DISCOVER_PIDFILE) {
			int32_t pid = 0;
			if (hal_read_pidfile(&run->procfs, mc->discovery.value, &pid) == PM_OK &&
			    hal_process_exists(pid)) {
				m->pids[0] = pid;
				m->n_pids = 1;
			}
		}
	}
}

static void went_up(struct app_run *run, uint32_t i, pm_ns now)
{
	struct app_model_rt *m = &run->models[i];
	char msg[RT_REC_TEXT];
	if (m->ever_up) {
		model_event(run, i, RT_EV_RESTARTED, now);
		(void)snprintf(msg, sizeof(msg), "running again (pid %d), restarts %llu", (int)m->owner_pid,
		               (unsigned long long)m->restart.total);
		app_run_emit_event(run, &run->sampler_ring, RT_RES_MODEL, model_name(run, m), "model-up",
		                   RT_SEV_INFO, msg);
	} else {
		model_event(run, i, RT_EV_APPEARED, now);
		(void)snprintf(msg, sizeof(msg), "processes found (pid %d)", (int)m->owner_pid);
		app_run_emit_event(run, &run->sampler_ring, RT_RES_MODEL, model_name(run, m), "model-up",
		                   RT_SEV_INFO, msg);
	}
	model_event(run, i, RT_EV_RUNNING, now);
	m->up = true;
	m->ever_up = true;
	m->restart_inflight = false;
	m->stopping = false;
	m->up_since = now;
	if (m->client && m->time_critical) {
		atomic_store_explicit(&m->pub.activate, 1, memory_order_release);
	}
}

static void went_down(struct app_run *run, uint32_t i, pm_ns now, const char *why)
{
	struct app_model_rt *m = &run->models[i];
	const struct rt_model_cfg *mc = &run->cfg.models[m->cfg_index];
	m->up = false;
	char msg[RT_REC_TEXT];
	if (m->stopping) {
		if (m->client && m->time_critical) {
			atomic_store_explicit(&m->pub.deactivate, 1, memory_order_release);
		}
		model_event(run, i, RT_EV_EXITED, now);
		(void)snprintf(msg, sizeof(msg), "stopped by the monitor for recovery (%s)", why);
		app_run_emit_event(run, &run->sampler_ring, RT_RES_MODEL, mc->name, "model-stopped",
		                   RT_SEV_WARNING, msg);
		return;
	}
	/* A Model is expected to run until it is undeployed: any unrequested end is a failure. */
	m->crashes++;
	model_event(run, i, RT_EV_CRASHED, now);
	(void)snprintf(msg, sizeof(msg), "processes gone (%s)", why);
	app_run_emit_event(run, &run->sampler_ring, RT_RES_MODEL, mc->name, "model-crash", RT_SEV_CRITICAL,
	                   msg);
	if (mc->recovery.action == RT_ESCALATE_RESTART && !m->restart_wanted) {
		m->restart_wanted = true;
		m->restart_at = now;
	}
}

static void stop_processes(struct app_run *run, struct app_model_rt *m, int signo)
{
	if (m->client) {
		if (m->owner_pid > 0) {
			(void)hal_process_signal(m->owner_pid, signo, false);
		}
		return;
	}
	for (uint32_t k = 0; k < m->n_pids; k++) {
		(void)hal_process_signal(m->pids[k], signo, false);
	}
	(void)run;
}

static void run_actions(struct app_run *run, pm_ns now)
{
	struct app_action a;
	for (uint32_t n = 0; n < APP_ACTION_RING && app_action_pop(&run->actions, &a); n++) {
		if (a.model >= run->n_models) {
			continue;
		}
		struct app_model_rt *m = &run->models[a.model];
		char msg[RT_REC_TEXT];
		if ((a.actions & RT_ESC_SIGNAL) != 0 && a.signal > 0) {
			stop_processes(run, m, a.signal);
			(void)snprintf(msg, sizeof(msg), "supervision EXPIRED: sent %s",
			               hal_signal_name(a.signal));
			app_run_emit_event(run, &run->sampler_ring, RT_RES_MODEL, model_name(run, m),
			                   "escalation", RT_SEV_CRITICAL, msg);
		}
		/* One recovery at a time: a restart already pending or on its way is not asked for twice. */
		if ((a.actions & RT_ESC_RESTART) != 0 && m->restart_policy_ok && !m->restart_wanted &&
		    !m->restart_inflight) {
			if (m->up) {
				m->stopping = true;
				stop_processes(run, m, SIGKILL);
			}
			m->restart_wanted = true;
			m->restart_at = now;
			app_run_emit_event(run, &run->sampler_ring, RT_RES_MODEL, model_name(run, m),
			                   "escalation", RT_SEV_CRITICAL, "supervision EXPIRED: restart");
		}
	}
}

static void try_restart(struct app_run *run, uint32_t i, pm_ns now)
{
	struct app_model_rt *m = &run->models[i];
	const struct rt_model_cfg *mc = &run->cfg.models[m->cfg_index];
	if (!m->restart_wanted || now < m->restart_at || m->up) {
		return;
	}
	if (!m->restart_policy_ok || mc->recovery.argc == 0) {
		m->restart_wanted = false;
		return;
	}
	pm_ns until = now;
	enum rt_restart_verdict v = rt_restart_decide(&m->restart, now, &until);
	char msg[RT_REC_TEXT];
	if (v == RT_RESTART_WAIT) {
		m->restart_at = until;
		return;
	}
	m->restart_wanted = false;
	if (v == RT_RESTART_EXHAUSTED) {
		(void)snprintf(msg, sizeof(msg), "restart budget exhausted (%u per window)",
		               mc->recovery.max_restarts);
		app_run_emit_event(run, &run->sampler_ring, RT_RES_MODEL, mc->name, "restart-exhausted",
		                   RT_SEV_CRITICAL, msg);
		return;
	}
	const char *argv[PM_MAX_ARGV + 1];
	for (uint32_t k = 0; k < mc->recovery.argc && k < PM_MAX_ARGV; k++) {
		argv[k] = mc->recovery.argv[k];
	}
	argv[mc->recovery.argc < PM_MAX_ARGV ? mc->recovery.argc : PM_MAX_ARGV] = NULL;
	int pid = 0;
	pm_status st = hal_process_spawn(argv, &pid);
	(void)rt_restart_done(&m->restart, now);
	atomic_store_explicit(&m->pub.restarts, m->restart.total, memory_order_relaxed);
	if (st == PM_OK) {
		m->child_pid = pid;
		m->restart_inflight = true;
		(void)snprintf(msg, sizeof(msg), "recovery command %s started (pid %d)", argv[0], pid);
		app_run_emit_event(run, &run->sampler_ring, RT_RES_MODEL, mc->name, "restart", RT_SEV_WARNING,
		                   msg);
	} else {
		(void)snprintf(msg, sizeof(msg), "recovery command %s failed: %s", argv[0],
		               pm_status_str(st));
		app_run_emit_event(run, &run->sampler_ring, RT_RES_MODEL, mc->name, "restart-failed",
		                   RT_SEV_CRITICAL, msg);
		m->restart_wanted = true; /* try again after the backoff */
		m->restart_at = now;
	}
}

static void check_client(struct app_run *run, uint32_t i, pm_ns now)
{
	struct app_model_rt *m = &run->models[i];
	struct rt_shm_owner owner;
	enum rt_shm_owner_verdict verdict = RT_SHM_OWNER_NONE;
	if (app_shm_check_owner(&run->shm, (uint32_t)m->slot, &owner, &verdict) != PM_OK) {
		return;
	}
	switch (verdict) {
	case RT_SHM_OWNER_OK:
		if (!m->up || owner.pid != m->owner_pid || owner.starttime != m->owner_starttime) {
			if (m->up) {
				went_down(run, i, now, "replaced by another process");
			}
			m->owner_pid = owner.pid;
			m->owner_starttime = owner.starttime;
			went_up(run, i, now);
		}
		break;
	case RT_SHM_OWNER_DEAD:
	case RT_SHM_OWNER_PID_REUSED:
	case RT_SHM_OWNER_STALE_EPOCH: {
		char why[64];
		(void)snprintf(why, sizeof(why), "owner pid %d %s", (int)owner.pid,
		               rt_shm_owner_verdict_str(verdict));
		if (m->up) {
			went_down(run, i, now, why);
		} else if (verdict == RT_SHM_OWNER_STALE_EPOCH) {
			app_run_emit_event(run, &run->sampler_ring, RT_RES_MODEL, model_name(run, m),
			                   "shm-stale", RT_SEV_WARNING, why);
		}
		(void)rt_shm_slot_reclaim(&run->shm.seg->slots[m->slot], &owner);
		break;
	}
	case RT_SHM_OWNER_NONE:
		if (m->up) {
			m->stopping = true; /* pm_detach(): an orderly end */
			went_down(run, i, now, "detached");
		}
		break;
	case RT_SHM_OWNER_CLAIMING:
	case RT_SHM_OWNER_BUSY:
		break;
	}
}

static void check_discovered(struct app_run *run, uint32_t i, pm_ns now)
{
	struct app_model_rt *m = &run->models[i];
	if (m->n_pids > 0 && !m->up) {
		m->owner_pid = m->pids[0];
		went_up(run, i, now);
	} else if (m->n_pids == 0 && m->up) {
		went_down(run, i, now, "no matching process");
	}
}

static void went_down_again(struct app_run *run, uint32_t i)
{
	struct app_model_rt *m = &run->models[i];
	const struct rt_model_cfg *mc = &run->cfg.models[m->cfg_index];
	app_run_emit_event(run, &run->sampler_ring, RT_RES_MODEL, mc->name, "restart-failed", RT_SEV_CRITICAL,
	                   "recovery command ended before the Model came up");
	if (mc->recovery.action == RT_ESCALATE_RESTART && !m->restart_wanted) {
		m->restart_wanted = true;
		m->restart_at = hal_clock_mono_ns();
	}
}

static void reap_children(struct app_run *run)
{
	for (uint32_t i = 0; i < run->n_models; i++) {
		struct app_model_rt *m = &run->models[i];
		if (m->child_pid <= 0) {
			continue;
		}
		enum hal_exit_kind kind;
		int code = 0;
		pm_status st = hal_process_reap(m->child_pid, &kind, &code);
		if (st == PM_ERR_NOENT || (st == PM_OK && kind != HAL_EXIT_RUNNING)) {
			m->child_pid = 0; /* its disappearance is seen by the owner/discovery check */
			if (!m->up && m->restart_inflight) {
				/* the recovery command ended before the Model came up: a failed restart */
				m->restart_inflight = false;
				went_down_again(run, i);
			}
		}
	}
}

static void sample_metrics(struct app_run *run, uint32_t i, pm_ns now)
{
	struct app_model_rt *m = &run->models[i];
	const char *name = model_name(run, m);
	double cpu = 0.0;
	double rss_mb = 0.0;
	double threads = 0.0;
	double io_ops = 0.0;
	double ctxsw = 0.0;
	uint32_t n = m->client ? (m->up ? 1u : 0u) : m->n_pids;
	for (uint32_t k = 0; k < n; k++) {
		int32_t pid = m->client ? m->owner_pid : m->pids[k];
		const struct app_proc_entry *e = find_proc(run, pid);
		if (e == NULL) {
			continue;
		}
		const struct hal_proc_sample *s = app_proc_latest(e);
		cpu += e->rates.cpu_percent;
		rss_mb += (double)s->status.vm_rss_kb / 1024.0;
		threads += (double)s->stat.num_threads;
		io_ops += e->rates.io_ops_s;
		ctxsw += e->rates.ctxsw_s;
	}
	emit_metric(run, name, "cpuUsage", cpu, now);
	emit_metric(run, name, "memoryUsage", rss_mb, now);
	emit_metric(run, name, "threads", threads, now);
	emit_metric(run, name, "ioOpsPerSecond", io_ops, now);
	emit_metric(run, name, "contextSwitchesPerSecond", ctxsw, now);
	emit_metric(run, name, "restartCount", (double)m->restart.total, now);
	emit_metric(run, name, "uptime", m->up ? rt_ns_to_ms(now - m->up_since) / 1000.0 : 0.0, now);
	if (m->up) {
		(void)rt_resmon_observe_metric(&run->resmon, RT_RES_MODEL, i, RT_MET_CPU_USAGE, cpu, now);
		(void)rt_resmon_observe_metric(&run->resmon, RT_RES_MODEL, i, RT_MET_MEMORY_MB, rss_mb, now);
	}
	if (m->client && m->slot >= 0) {
		for (uint32_t k = 0; k < RT_SHM_METRIC_COUNT; k++) {
			double value = 0.0;
			pm_ns at = 0;
			if (rt_shm_slot_metric(&run->shm.seg->slots[m->slot], (enum rt_shm_metric)k, &value,
			                       &at) == PM_OK) {
				emit_metric(run, name, rt_shm_metric_name((enum rt_shm_metric)k), value, now);
			}
		}
		if (m->time_critical) {
			int64_t worst = atomic_load_explicit(&m->pub.worst_response_ns, memory_order_relaxed);
			(void)rt_resmon_observe_metric(&run->resmon, RT_RES_MODEL, i, RT_MET_RESPONSE_TIME,
			                               rt_ns_to_ms(worst), now);
		}
	}
}

/* Estimated supervision: cumulative schedstat of every thread of the Model's processes. */
static void estimate(struct app_run *run, uint32_t i, pm_ns now)
{
	struct app_model_rt *m = &run->models[i];
	struct rt_sched_sample samples[PM_MAX_THREADS_PER_MODEL];
	size_t n = 0;
	for (uint32_t k = 0; k < m->n_pids && n < PM_MAX_THREADS_PER_MODEL; k++) {
		int32_t tids[PM_MAX_THREADS_PER_MODEL];
		size_t nt = 0;
		pm_status st =
		    hal_proc_list_threads(&run->procfs, m->pids[k], tids, PM_MAX_THREADS_PER_MODEL, &nt);
		if (st != PM_OK && st != PM_ERR_NOSPACE) {
			continue;
		}
		for (size_t t = 0; t < nt && n < PM_MAX_THREADS_PER_MODEL; t++) {
			char path[96];
			char text[128];
			size_t len = 0;
			(void)snprintf(path, sizeof(path), "proc/%d/task/%d/schedstat", (int)m->pids[k],
			               (int)tids[t]);
			struct hal_schedstat ss;
			if (hal_read_text_at(&run->procfs, path, text, sizeof(text), &len) != PM_OK ||
			    hal_parse_schedstat(text, len, &ss) != PM_OK) {
				continue;
			}
			samples[n].tid = tids[t];
			samples[n].reserved = 0;
			samples[n].run_ns = (pm_ns)ss.run_ns;
			samples[n].wait_ns = (pm_ns)ss.wait_ns;
			samples[n].slices = ss.timeslices;
			n++;
		}
	}
	struct rt_sup_sink sink;
	memset(&sink, 0, sizeof(sink));
	sink.emit = rt_sup_emit_ring;
	sink.ctx = &run->sampler_ring;
	sink.real_offset_ns = run->real_offset_ns;
	struct rt_sup_escalation esc;
	memset(&esc, 0, sizeof(esc));
	if (m->up && m->sup.status == RT_SUP_DEACTIVATED) {
		(void)rt_sup_activate(&m->sup, now, &sink, &esc);
	}
	if (m->up) {
		(void)rt_sup_est_sample(&m->sup, samples, n, now, &sink, &esc);
		if ((esc.actions & (RT_ESC_SIGNAL | RT_ESC_RESTART)) != 0) {
			struct app_action a = { i, esc.actions, esc.signal, 0 };
			(void)app_action_push(&run->actions, &a);
		}
	} else if (m->sup.status != RT_SUP_DEACTIVATED) {
		(void)rt_sup_deactivate(&m->sup, now, &sink, &esc);
	}
	atomic_store_explicit(&m->pub.status, m->sup.status, memory_order_relaxed);
	atomic_store_explicit(&m->pub.jobs, m->sup.m.jobs, memory_order_relaxed);
	atomic_store_explicit(&m->pub.budget_overruns, m->sup.m.budget_overrun_count, memory_order_relaxed);
	atomic_store_explicit(&m->pub.alive_failures, m->sup.m.alive_failure_count, memory_order_relaxed);
}

static void feed_supervision_status(struct app_run *run, uint32_t i, pm_ns now)
{
	struct app_model_rt *m = &run->models[i];
	uint32_t status = atomic_load_explicit(&m->pub.status, memory_order_relaxed);
	if (status == m->status_fed) {
		return;
	}
	if (!m->up && m->stopping) {
		/* detached or stopped on purpose: the verdicts of the ticks before the supervisor saw the
		 * deactivation are about a Model that is no longer expected to run */
		return;
	}
	m->status_fed = status;
	switch (status) {
	case RT_SUP_OK:
		model_event(run, i, RT_EV_SUP_OK, now);
		break;
	case RT_SUP_FAILED:
		model_event(run, i, RT_EV_SUP_FAILED, now);
		break;
	case RT_SUP_EXPIRED:
		model_event(run, i, RT_EV_SUP_EXPIRED, now);
		break;
	default:
		break;
	}
}

void *app_run_sampler_thread(void *arg)
{
	struct app_run *run = arg;
	for (uint32_t k = 0; k < PM_MAX_PROCESSES; k++) {
		cache_pid[k] = -1;
	}
	pm_ns model_interval = run->cfg.resource_monitoring[2].collection_interval_ns;
	if (model_interval <= 0) {
		model_interval = 10 * PM_NS_PER_S;
	}
	pm_ns next = hal_clock_mono_ns();
	pm_ns last_metrics = 0;
	uint64_t cycle = 0;
	while (atomic_load_explicit(&run->stop_rt, memory_order_acquire) == 0) {
		next += SAMPLER_CYCLE_NS;
		(void)hal_sleep_until_mono(next, NULL);
		pm_ns now = hal_clock_mono_ns();
		if (now - next > SAMPLER_CYCLE_NS) {
			next = now; /* starved: do not replay missed cycles */
		}
		run_actions(run, now);
		reap_children(run);
		bool scan = cycle % DISCOVERY_EVERY == 0;
		cycle++;
		if (scan) {
			(void)app_proc_table_refresh(&run->procs); /* a full table is counted inside */
			discover(run);
		}
		for (uint32_t i = 0; i < run->n_models; i++) {
			struct app_model_rt *m = &run->models[i];
			if (m->client) {
				if (run->shm_ok && m->slot >= 0) {
					check_client(run, i, now);
				}
			} else if (scan) {
				check_discovered(run, i, now);
			}
			try_restart(run, i, now);
			if (m->estimated && scan) {
				estimate(run, i, now);
			}
			if (m->time_critical) {
				feed_supervision_status(run, i, now);
			}
		}
		if (scan && now - last_metrics >= model_interval) {
			last_metrics = now;
			for (uint32_t i = 0; i < run->n_models; i++) {
				sample_metrics(run, i, now);
			}
		}
		rt_resmon_tick(&run->resmon, now);
		if (now - run->baseline_saved_ns >= 60 * PM_NS_PER_S) {
			run->baseline_saved_ns = now;
			pm_status bst = app_run_baseline_save(run);
			if (bst != PM_OK) {
				hal_log(HAL_LOG_WARN, "anomaly baselines not saved: %s", pm_status_str(bst));
			}
		}
		for (uint32_t i = 0; i < run->n_models; i++) {
			const struct rt_resource *r = rt_resmon_get(&run->resmon, RT_RES_MODEL, i);
			if (r != NULL) {
				atomic_store_explicit(&run->models[i].pub.state, r->sm.state,
				                      memory_order_relaxed);
			}
		}
	}
	return NULL;
}
