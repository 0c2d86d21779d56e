/* `picmon run` init -> freeze -> run -> stop: loads the configuration, builds every fixed table,
 * creates the client segment, opens the journal (and etcd), starts the supervisor, sampler and writer
 * threads with their configured scheduling, stops in order on SIGINT/SIGTERM or --duration and
 * writes the summary. Everything that allocates happens before app_alloc_guard_freeze(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc_guard.h"
#include "cfg/load.h"
#include "hal/clock.h"
#include "hal/file.h"
#include "hal/log.h"
#include "hal/machine.h"
#include "hal/process.h"
#include "hal/term.h"
#include "run.h"
#include "text_buf.h"

static struct app_run g_run;

static void print_diags(const struct cfg_diag_list *diags)
{
	for (size_t i = 0; i < diags->count; i++) {
		char line[CFG_DIAG_TEXT + PM_MAX_PATH + 64];
		cfg_diag_format(&diags->items[i], line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	if (diags->dropped > 0) {
		fprintf(stderr, "picmon: %zu more diagnostics not shown\n", diags->dropped);
	}
}

static void to_hal_thread_attr(const struct rt_thread_cfg *tc, const char *name, size_t stack,
                               struct hal_thread_attr *out)
{
	memset(out, 0, sizeof(*out));
	out->name = name;
	out->policy = tc->policy == RT_SCHED_FIFO ? HAL_SCHED_FIFO
	              : tc->policy == RT_SCHED_RR ? HAL_SCHED_RR
	                                          : HAL_SCHED_OTHER;
	out->priority = tc->priority;
	out->cpus = tc->cpus;
	out->stack_size = stack;
}

static void describe_cpus(const struct hal_cpuset *set, char *buf, size_t cap)
{
	size_t used = 0;
	buf[0] = '\0';
	for (uint32_t cpu = 0; cpu < PM_MAX_CPUS && used + 8 < cap; cpu++) {
		if (hal_cpuset_has(set, cpu)) {
			int n = snprintf(buf + used, cap - used, "%s%u", used > 0 ? "," : "", cpu);
			if (n > 0) {
				used += (size_t)n;
			}
		}
	}
	if (used == 0) {
		(void)snprintf(buf, cap, "any");
	}
}

static pm_status start_thread(struct app_run *run, struct hal_thread_ctl *t, const struct rt_thread_cfg *tc,
                              const char *name, void *(*fn)(void *))
{
	struct hal_thread_attr attr;
	to_hal_thread_attr(tc, name, 256u * 1024u, &attr);
	pm_status st = hal_thread_start(t, &attr, fn, run);
	if (st != PM_OK) {
		hal_log(HAL_LOG_ERROR, "cannot start the %s thread: %s", name, pm_status_str(st));
		return st;
	}
	char cpus[128];
	describe_cpus(&attr.cpus, cpus, sizeof(cpus));
	bool want_rt = attr.policy != HAL_SCHED_OTHER;
	bool want_pin = hal_cpuset_count(&attr.cpus) > 0;
	if ((want_rt && !t->grant.policy_granted) || (want_pin && !t->grant.affinity_granted)) {
		char msg[RT_REC_TEXT];
		(void)snprintf(msg, sizeof(msg), "%s thread: %s %d %s, CPUs %s %s (%s)", name,
		               hal_sched_policy_name((int)attr.policy), attr.priority,
		               t->grant.policy_granted ? "granted" : "refused", cpus,
		               t->grant.affinity_granted ? "granted" : "refused",
		               pm_status_str(t->grant.policy_granted ? t->grant.affinity_status
		                                                     : t->grant.policy_status));
		app_run_emit_event(run, &run->main_ring, RT_RES_NODE, "picmon", "rt-degraded", RT_SEV_WARNING,
		                   msg);
		size_t used = strlen(run->degraded);
		(void)snprintf(run->degraded + used, sizeof(run->degraded) - used, "%s%s",
		               used > 0 ? "; " : "", msg);
	}
	return PM_OK;
}

static pm_status init_models(struct app_run *run)
{
	const struct rt_config *cfg = &run->cfg;
	run->n_models = cfg->n_models;
	for (uint32_t i = 0; i < cfg->n_models; i++) {
		const struct rt_model_cfg *mc = &cfg->models[i];
		struct app_model_rt *m = &run->models[i];
		memset(m, 0, sizeof(*m));
		m->cfg_index = (uint16_t)i;
		m->slot = -1;
		m->client = mc->discovery.kind == RT_DISCOVER_CLIENT;
		m->time_critical = mc->time_critical && mc->timing.period_ns > 0;
		m->estimated = m->time_critical && !m->client;
		if (m->time_critical) {
			struct rt_escalation_spec esc = { 0, 0 };
			if (mc->recovery.action == RT_ESCALATE_SIGNAL) {
				esc.actions = RT_ESC_SIGNAL;
				esc.signal = mc->recovery.signal_number;
			} else if (mc->recovery.action == RT_ESCALATE_RESTART) {
				esc.actions = RT_ESC_RESTART;
			}
			pm_status st =
			    rt_sup_init(&m->sup, mc->name, &mc->timing, &esc, run->tick_ns, m->estimated);
			if (st != PM_OK) {
				hal_log(HAL_LOG_ERROR,
				        "model %s: timing contract rejected by the supervisor: %s", mc->name,
				        pm_status_str(st));
				return st;
			}
		}
		if (mc->recovery.action == RT_ESCALATE_RESTART) {
			struct rt_restart_policy pol = { mc->recovery.max_restarts, 0,
				                         mc->recovery.restart_window_ns,
				                         mc->recovery.backoff_initial_ns,
				                         mc->recovery.backoff_max_ns };
			pm_status st = rt_restart_init(&m->restart, &pol);
			if (st != PM_OK) {
				hal_log(HAL_LOG_ERROR, "model %s: restart policy rejected: %s", mc->name,
				        pm_status_str(st));
				return st;
			}
			m->restart_policy_ok = true;
		}
	}
	return PM_OK;
}

static pm_status init_shm(struct app_run *run)
{
	const char *names[PM_MAX_MODELS];
	struct rt_timing_spec specs[PM_MAX_MODELS];
	uint32_t n = 0;
	for (uint32_t i = 0; i < run->n_models; i++) {
		struct app_model_rt *m = &run->models[i];
		if (!m->client) {
			continue;
		}
		names[n] = run->cfg.models[i].name;
		specs[n] = run->cfg.models[i].timing;
		m->slot = (int32_t)n;
		n++;
	}
	const char *shm_name = getenv("PICMON_SHM") != NULL ? NULL : run->cfg.monitor.shm_name;
	if (shm_name != NULL && shm_name[0] == '\0') {
		shm_name = NULL;
	}
	uint64_t epoch = (uint64_t)hal_clock_real_ns();
	pm_status st = app_shm_create(shm_name, epoch, names, specs, n, &run->shm);
	if (st != PM_OK) {
		hal_log(HAL_LOG_ERROR, "cannot create the client segment %s: %s",
		        shm_name != NULL ? shm_name : app_shm_default_name(), pm_status_str(st));
		return st;
	}
	run->shm_ok = true;
	return PM_OK;
}

static pm_status init_journal(struct app_run *run)
{
	const char *dir = run->opt.journal_dir != NULL ? run->opt.journal_dir : run->cfg.monitor.journal_path;
	if (dir == NULL || dir[0] == '\0') {
		dir = "/var/lib/picmon/journal";
	}
	(void)snprintf(run->journal_dir, sizeof(run->journal_dir), "%s", dir);
	struct app_writer_params wp;
	app_writer_params_default(&wp);
	(void)snprintf(wp.journal_dir, sizeof(wp.journal_dir), "%s", dir);
	if (run->cfg.monitor.journal_max_bytes > 0) {
		wp.max_bytes = run->cfg.monitor.journal_max_bytes;
	}
	if (run->cfg.monitor.fsync_interval_ns > 0) {
		wp.fsync_interval_ns = run->cfg.monitor.fsync_interval_ns;
	}
	/* Coalesced metrics are journaled at the shortest collection interval configured (HLD §4.1): each
	 * key then reaches the journal at its own interval, with the latest value. */
	pm_ns interval = 0;
	for (uint32_t t = 0; t < 3; t++) {
		pm_ns ci = run->cfg.resource_monitoring[t].collection_interval_ns;
		if (run->cfg.resource_monitoring[t].enabled && ci > 0 && (interval == 0 || ci < interval)) {
			interval = ci;
		}
	}
	if (interval > 0) {
		wp.metric_interval_ns = interval;
	}
	wp.rings[0] = &run->sup_ring;
	wp.rings[1] = &run->sampler_ring;
	wp.rings[2] = &run->main_ring;
	wp.rings[3] = &run->alert_ring;
	wp.ring_count = 4;
	pm_status st = app_writer_init(&run->writer, &wp);
	if (st != PM_OK) {
		hal_log(HAL_LOG_ERROR, "cannot open the journal in %s: %s", dir, pm_status_str(st));
		return st;
	}
	run->writer_ok = true;
	return PM_OK;
}

static void init_pusher(struct app_run *run)
{
	struct app_pusher_params pp;
	app_pusher_params_default(&pp);
	(void)snprintf(pp.journal_dir, sizeof(pp.journal_dir), "%s", run->journal_dir);
	const struct rt_storage_cfg *sc = &run->cfg.storage;
	if (run->opt.etcd != NULL) {
		if (app_etcd_params_set_endpoints(&pp.etcd, run->opt.etcd) != PM_OK) {
			hal_log(HAL_LOG_WARN, "--etcd '%s': too many endpoints; etcd sync disabled",
			        run->opt.etcd);
			return;
		}
	} else {
		if (!run->cfg.has_monitoring_config || sc->n_endpoints == 0) {
			hal_log(HAL_LOG_INFO, "no etcd endpoints configured: records are journaled only");
			return;
		}
		for (uint32_t i = 0; i < sc->n_endpoints && i < PM_MAX_ENDPOINTS; i++) {
			(void)snprintf(pp.etcd.endpoints[i], sizeof(pp.etcd.endpoints[i]), "%s",
			               sc->endpoints[i]);
		}
		pp.etcd.endpoint_count = sc->n_endpoints;
	}
	if (sc->prefix[0] != '\0') {
		size_t plen = strlen(sc->prefix);
		if (plen >= sizeof(pp.prefix)) {
			hal_log(HAL_LOG_WARN, "data_storage prefix longer than %zu bytes; etcd sync disabled",
			        sizeof(pp.prefix) - 1);
			return;
		}
		memcpy(pp.prefix, sc->prefix, plen + 1);
	}
	pp.value_format = sc->value_format == RT_VALUE_JSON ? APP_VALUE_JSON : APP_VALUE_PROTOBUF;
	if (sc->retention_metrics_ns > 0) {
		pp.retention_ns[APP_RET_METRICS] = sc->retention_metrics_ns;
	}
	if (sc->retention_events_ns > 0) {
		pp.retention_ns[APP_RET_EVENTS] = sc->retention_events_ns;
	}
	if (sc->retention_state_transitions_ns > 0) {
		pp.retention_ns[APP_RET_STATE] = sc->retention_state_transitions_ns;
	}
	pp.alert_ring = &run->alert_ring;
	pm_status st = app_pusher_init(&run->pusher, &pp);
	if (st != PM_OK) {
		/* The journal keeps everything; a later run pushes it from the persisted cursor. */
		hal_log(HAL_LOG_WARN, "etcd sync disabled (%s): records stay in the journal %s",
		        pm_status_str(st), run->journal_dir);
		return;
	}
	run->pusher_ok = true;
}

static void print_live_frame(struct app_run *run, pm_ns now)
{
	static char frame[8192];
	struct app_text t;
	app_text_init(&t, frame, sizeof(frame));
	if (run->live_tty) {
		app_text_printf(&t, "\033[H\033[2J"); /* a terminal shows one frame in place */
	}
	app_text_printf(&t, "picmon run: %.0f s, supervisor tick %.1f ms, worst wake-up %.3f ms\n",
	                rt_ns_to_ms(now - run->started_ns) / 1000.0, rt_ns_to_ms(run->tick_ns),
	                rt_ns_to_ms(atomic_load(&run->sup_latency_max_ns)));
	app_text_printf(&t, "%-20s %-12s %-12s %8s %7s %9s %8s %10s\n", "MODEL", "STATE", "SUPERVISION",
	                "JOBS", "MISSES", "OVERRUNS", "RESTARTS", "WORST(ms)");
	for (uint32_t i = 0; i < run->n_models; i++) {
		struct app_model_rt *m = &run->models[i];
		const struct rt_sm_def *def = &run->resmon.sm[RT_RES_MODEL];
		uint32_t state = atomic_load_explicit(&m->pub.state, memory_order_relaxed);
		const char *state_name = state < def->n_states ? def->states[state].name : "?";
		app_text_printf(&t, "%-20s %-12s %-12s %8llu %7llu %9llu %8llu %10.3f\n",
		                run->cfg.models[i].name, state_name,
		                m->time_critical ? rt_sup_status_name(atomic_load(&m->pub.status)) : "-",
		                (unsigned long long)atomic_load(&m->pub.jobs),
		                (unsigned long long)atomic_load(&m->pub.deadline_misses),
		                (unsigned long long)atomic_load(&m->pub.budget_overruns),
		                (unsigned long long)atomic_load(&m->pub.restarts),
		                rt_ns_to_ms(atomic_load(&m->pub.worst_response_ns)));
	}
	app_text_printf(&t, "\n");
	(void)app_text_flush(&t, 1);
}

int app_run_main(const struct app_run_options *opt)
{
	struct app_run *run = &g_run;
	memset(run, 0, sizeof(*run));
	run->opt = *opt;
	if (run->opt.flush_grace_ns <= 0) {
		run->opt.flush_grace_ns = 5 * PM_NS_PER_S;
	}
	tzset(); /* no time-zone file access on the run path */

	/* ---- configuration ---- */
	static struct cfg_diag_list diags;
	struct cfg_load_options lo = { opt->strict, 0 };
	uint32_t cpus = 0;
	if (hal_machine_cpu_count(&cpus) == PM_OK) {
		lo.cpu_count = cpus;
	}
	pm_status st = cfg_load(opt->paths, opt->n_paths, &lo, &run->cfg, &diags);
	print_diags(&diags);
	if (st != PM_OK) {
		fprintf(stderr, "picmon: configuration has %zu error(s); nothing started\n", diags.errors);
		return 2;
	}
	run->tick_ns = run->cfg.monitor.supervision_tick_ns > 0 ? run->cfg.monitor.supervision_tick_ns
	                                                        : 10 * PM_NS_PER_MS;
	run->real_offset_ns = hal_clock_real_ns() - hal_clock_mono_ns();

	rt_record_ring_init(&run->sup_ring);
	rt_record_ring_init(&run->sampler_ring);
	rt_record_ring_init(&run->main_ring);
	rt_record_ring_init(&run->alert_ring);
	rt_welford_init(&run->sup_latency);
	rt_histogram_init(&run->sup_latency_hist);

	if (init_models(run) != PM_OK) {
		return 2;
	}
	char err[256];
	st = app_run_build_resmon(run, err, sizeof(err));
	if (st != PM_OK) {
		hal_log(HAL_LOG_ERROR, "resource monitor: %s", err);
		return 2;
	}
	if (init_shm(run) != PM_OK) {
		return 1;
	}
	st = hal_procfs_open(&run->procfs, "/");
	if (st != PM_OK) {
		hal_log(HAL_LOG_ERROR, "cannot open /proc: %s", pm_status_str(st));
		(void)app_shm_destroy(&run->shm);
		return 1;
	}
	uint64_t fds = 0;
	(void)hal_fd_limit_raise(8u * PM_MAX_PROCESSES, &fds);
	app_proc_table_init(&run->procs, &run->procfs, HAL_PROC_BASIC);
	if (init_journal(run) != PM_OK) {
		(void)app_shm_destroy(&run->shm);
		return 1;
	}
	init_pusher(run);
	app_run_baseline_load(run);

	char msg[RT_REC_TEXT];
	(void)snprintf(msg, sizeof(msg), "monitor started: %u models, tick %.3f ms, journal %s",
	               run->n_models, rt_ns_to_ms(run->tick_ns), run->journal_dir);
	app_run_emit_event(run, &run->main_ring, RT_RES_NODE, "picmon", "monitor-start", RT_SEV_INFO, msg);

	st = hal_memory_lock_all();
	run->mem_locked = st == PM_OK;
	if (!run->mem_locked) {
		(void)snprintf(msg, sizeof(msg), "mlockall refused (%s): page faults possible on the RT path",
		               pm_status_str(st));
		hal_log(HAL_LOG_WARN, "%s", msg);
		app_run_emit_event(run, &run->main_ring, RT_RES_NODE, "picmon", "rt-degraded", RT_SEV_WARNING,
		                   msg);
	}
	st = hal_cpu_latency_hold_zero();
	if (st != PM_OK) {
		hal_log(HAL_LOG_INFO, "CPU wake-up latency not held at 0 (/dev/cpu_dma_latency: %s)",
		        pm_status_str(st));
	}
	st = hal_process_init();
	if (st != PM_OK) {
		hal_log(HAL_LOG_WARN, "recovery commands unavailable: %s", pm_status_str(st));
	}
	if (hal_signal_install_stop(&run->stop_signal) != PM_OK) {
		hal_log(HAL_LOG_WARN, "cannot install SIGINT/SIGTERM handlers");
	}
	run->live_tty = opt->live && hal_isatty(1);
	/* Warm up stdout's buffer before freeze: stdio allocates it on first use. */
	fflush(stdout);

	run->started_ns = hal_clock_mono_ns();
	run->baseline_saved_ns = run->started_ns;
	static const struct rt_thread_cfg writer_default = { RT_SCHED_OTHER, 0, { { 0 } } };
	const struct rt_thread_cfg *wcfg = &run->cfg.monitor.writer;
	bool ok = start_thread(run, &run->writer_thread, wcfg != NULL ? wcfg : &writer_default, "pm-writer",
	                       app_run_writer_thread) == PM_OK;
	ok = ok && start_thread(run, &run->sampler_thread, &run->cfg.monitor.sampler, "pm-sampler",
	                        app_run_sampler_thread) == PM_OK;
	ok = ok && start_thread(run, &run->sup_thread, &run->cfg.monitor.supervisor, "pm-supervisor",
	                        app_run_supervisor_thread) == PM_OK;
	run->sup_grant = run->sup_thread.grant;
	if (run->degraded[0] != '\0') {
		/* Said once, for all threads: the monitor keeps working with what the kernel granted. */
		hal_log(HAL_LOG_WARN, "real-time scheduling not fully granted, running degraded: %s",
		        run->degraded);
	}
	run->rt_granted =
	    ok && run->sup_thread.grant.policy_granted && run->sup_thread.grant.affinity_granted;

	app_alloc_guard_freeze();

	/* ---- run ---- */
	pm_ns end =
	    opt->duration_s > 0 ? run->started_ns + (pm_ns)(opt->duration_s * (double)PM_NS_PER_S) : 0;
	pm_ns next_frame = run->started_ns + PM_NS_PER_S;
	while (ok && run->stop_signal == 0) {
		pm_ns now = hal_clock_mono_ns();
		if (end > 0 && now >= end) {
			break;
		}
		if (opt->live && now >= next_frame) {
			print_live_frame(run, now);
			next_frame += PM_NS_PER_S;
		}
		(void)hal_sleep_ns(50 * PM_NS_PER_MS, &run->stop_signal);
	}

	/* ---- orderly stop ---- */
	(void)snprintf(msg, sizeof(msg), "monitor stopping (%s)",
	               run->stop_signal != 0 ? hal_signal_name(run->stop_signal) : "duration reached");
	app_run_emit_event(run, &run->main_ring, RT_RES_NODE, "picmon", "monitor-stop", RT_SEV_INFO, msg);
	atomic_store(&run->stop_rt, 1);
	/* The run phase ends here: joining threads frees their TLS, and shutdown may allocate. */
	run->allocations_after_freeze = app_alloc_guard_count();
	app_alloc_guard_thaw();
	if (run->sup_thread.joinable) {
		(void)hal_thread_join(&run->sup_thread);
	}
	if (run->sampler_thread.joinable) {
		(void)hal_thread_join(&run->sampler_thread);
	}
	atomic_store(&run->stop_writer, 1);
	if (run->writer_thread.joinable) {
		(void)hal_thread_join(&run->writer_thread);
	}
	pm_status bst = app_run_baseline_save(run);
	if (bst != PM_OK) {
		hal_log(HAL_LOG_WARN, "anomaly baselines not saved: %s", pm_status_str(bst));
	}
	app_run_print_summary(run);
	int rc = ok ? 0 : 1;
	if (opt->summary_json != NULL && app_run_write_summary_json(run, opt->summary_json) != PM_OK) {
		hal_log(HAL_LOG_ERROR, "cannot write the summary to %s", opt->summary_json);
		rc = 1;
	}
	if (run->pusher_ok) {
		app_pusher_close(&run->pusher);
	}
	app_proc_table_close(&run->procs);
	hal_procfs_close(&run->procfs);
	(void)app_shm_destroy(&run->shm);
	return rc;
}
