/* The summary of `picmon run`: a per-Model table on stdout and `--summary-json` with the monitor's
 * real-time grant, ring drops, allocation count, supervisor latency, journal and etcd counts, and for
 * every Scenario, Package and Model its state, history, dependencies, alerts and safety metrics. */
#include <stdio.h>
#include <string.h>

#include "hal/clock.h"
#include "hal/file.h"
#include "hal/log.h"
#include "rt/json_writer.h"
#include "run.h"

static uint64_t ring_drops(const struct app_run *run)
{
	return rt_record_ring_dropped(&run->sup_ring) + rt_record_ring_dropped(&run->sampler_ring) +
	       rt_record_ring_dropped(&run->main_ring) + rt_record_ring_dropped(&run->alert_ring) +
	       atomic_load(&run->actions.dropped);
}

void app_run_print_summary(struct app_run *run)
{
	struct app_writer_counters wc;
	memset(&wc, 0, sizeof(wc));
	if (run->writer_ok) {
		app_writer_get_counters(&run->writer, &wc);
	}
	printf("\n== picmon run summary\n");
	printf("supervisor: %s priority %d %s, CPUs %s; memory %s; tick %.3f ms; wake-up latency p50 %.3f ms "
	       "p99 %.3f ms max %.3f ms over %llu ticks\n",
	       hal_sched_policy_name((int)run->sup_thread.attr.policy), run->sup_thread.attr.priority,
	       run->rt_granted ? "granted" : "NOT granted (degraded)",
	       hal_cpuset_count(&run->sup_thread.attr.cpus) > 0 ? "pinned" : "any",
	       run->mem_locked ? "locked" : "not locked", rt_ns_to_ms(run->tick_ns),
	       rt_ns_to_ms(rt_histogram_quantile_upper_ns(&run->sup_latency_hist, 500)),
	       rt_ns_to_ms(rt_histogram_quantile_upper_ns(&run->sup_latency_hist, 990)),
	       rt_ns_to_ms(run->sup_latency.count > 0 ? run->sup_latency.max : 0),
	       (unsigned long long)run->sup_latency.count);
	printf("%-20s %-10s %-11s %8s %7s %9s %6s %10s %10s %8s\n", "MODEL", "STATE", "SUPERVISION", "JOBS",
	       "MISSES", "OVERRUNS", "ALIVE", "WORST(ms)", "WCET(ms)", "RESTARTS");
	for (uint32_t i = 0; i < run->n_models; i++) {
		const struct app_model_rt *m = &run->models[i];
		const struct rt_sup_metrics *sm = &m->sup.m;
		printf("%-20s %-10s %-11s %8llu %7llu %9llu %6llu %10.3f %10.3f %8llu%s\n",
		       run->cfg.models[i].name, rt_resmon_state_name(&run->resmon, RT_RES_MODEL, i),
		       m->time_critical ? rt_sup_status_name(m->sup.status) : "-",
		       (unsigned long long)sm->jobs, (unsigned long long)sm->deadline_miss_count,
		       (unsigned long long)sm->budget_overrun_count,
		       (unsigned long long)sm->alive_failure_count,
		       rt_ns_to_ms(sm->response.count > 0 ? sm->response.max : 0),
		       rt_ns_to_ms(sm->execution.count > 0 ? sm->execution.max : 0),
		       (unsigned long long)m->restart.total, m->estimated ? "  (estimated)" : "");
		if (m->time_critical && sm->constraint_violations > 0) {
			printf("%-20s worst detection delay after the violation became certain: deadline "
			       "%.3f ms, "
			       "budget %.3f ms, alive %.3f ms (tick %.3f ms)\n",
			       "", rt_ns_to_ms(atomic_load(&m->pub.worst_detect_ns[RT_CONSTRAINT_DEADLINE])),
			       rt_ns_to_ms(atomic_load(&m->pub.worst_detect_ns[RT_CONSTRAINT_BUDGET])),
			       rt_ns_to_ms(atomic_load(&m->pub.worst_detect_ns[RT_CONSTRAINT_ALIVE])),
			       rt_ns_to_ms(run->tick_ns));
		}
	}
	printf("journal %s: %llu records (%llu events, %llu metrics), %llu deleted by the size bound\n",
	       run->journal_dir, (unsigned long long)wc.records_journaled,
	       (unsigned long long)wc.events_journaled, (unsigned long long)wc.metrics_journaled,
	       (unsigned long long)wc.records_deleted);
	if (run->pusher_ok) {
		struct app_pusher_counters pc;
		app_pusher_get_counters(&run->pusher, &pc);
		printf("etcd: %llu records pushed (%llu events), %llu still only in the journal, %llu failed "
		       "calls\n",
		       (unsigned long long)pc.records_pushed, (unsigned long long)pc.events_pushed,
		       (unsigned long long)run->remaining_in_journal, (unsigned long long)pc.failures);
	} else {
		printf("etcd: not synced (journal only)\n");
	}
	printf("ring drops: %llu; allocations after freeze: ", (unsigned long long)ring_drops(run));
	if (run->allocations_after_freeze < 0) {
		printf("not counted in this build\n");
	} else {
		printf("%lld\n", (long long)run->allocations_after_freeze);
	}
	fflush(stdout);
}

static void write_cpus(struct rt_jw *w, const struct hal_cpuset *set)
{
	rt_jw_begin_array(w);
	for (uint32_t cpu = 0; cpu < PM_MAX_CPUS; cpu++) {
		if (hal_cpuset_has(set, cpu)) {
			rt_jw_u64(w, cpu);
		}
	}
	rt_jw_end_array(w);
}

static void write_monitor(struct app_run *run, struct rt_jw *w)
{
	rt_jw_key(w, "monitor");
	rt_jw_begin_object(w);
	rt_jw_key(w, "rt");
	rt_jw_begin_object(w);
	rt_jw_key(w, "policy");
	rt_jw_string(w, hal_sched_policy_name((int)run->sup_thread.attr.policy));
	rt_jw_key(w, "priority");
	rt_jw_i64(w, run->sup_thread.attr.priority);
	rt_jw_key(w, "granted");
	rt_jw_bool(w, run->rt_granted);
	rt_jw_key(w, "policyGranted");
	rt_jw_bool(w, run->sup_grant.policy_granted);
	rt_jw_key(w, "affinityGranted");
	rt_jw_bool(w, run->sup_grant.affinity_granted);
	rt_jw_key(w, "cpus");
	write_cpus(w, &run->sup_thread.attr.cpus);
	rt_jw_key(w, "memoryLocked");
	rt_jw_bool(w, run->mem_locked);
	rt_jw_key(w, "degraded");
	if (run->degraded[0] != '\0') {
		rt_jw_string(w, run->degraded);
	} else {
		rt_jw_null(w);
	}
	rt_jw_end_object(w);
	rt_jw_key(w, "ringDrops");
	rt_jw_u64(w, ring_drops(run));
	rt_jw_key(w, "allocationsAfterFreeze");
	if (run->allocations_after_freeze < 0) {
		rt_jw_null(w);
	} else {
		rt_jw_i64(w, run->allocations_after_freeze);
	}
	rt_jw_key(w, "supervisorTick");
	rt_jw_double(w, rt_ns_to_ms(run->tick_ns), 3);
	rt_jw_key(w, "supervisorLatency");
	rt_jw_begin_object(w);
	rt_jw_key(w, "ticks");
	rt_jw_u64(w, run->sup_latency.count);
	rt_jw_key(w, "mean");
	rt_jw_double(w, run->sup_latency.mean / (double)PM_NS_PER_MS, 4);
	rt_jw_key(w, "p99");
	rt_jw_double(w, rt_ns_to_ms(rt_histogram_quantile_upper_ns(&run->sup_latency_hist, 990)), 4);
	rt_jw_key(w, "max");
	rt_jw_double(w, rt_ns_to_ms(run->sup_latency.count > 0 ? run->sup_latency.max : 0), 4);
	rt_jw_key(w, "lateTicks");
	rt_jw_u64(w, atomic_load(&run->sup_overruns));
	rt_jw_end_object(w);
	struct app_writer_counters wc;
	memset(&wc, 0, sizeof(wc));
	if (run->writer_ok) {
		app_writer_get_counters(&run->writer, &wc);
	}
	rt_jw_key(w, "journal");
	rt_jw_begin_object(w);
	rt_jw_key(w, "dir");
	rt_jw_string(w, run->journal_dir);
	rt_jw_key(w, "recordsJournaled");
	rt_jw_u64(w, wc.records_journaled);
	rt_jw_key(w, "eventsJournaled");
	rt_jw_u64(w, wc.events_journaled);
	rt_jw_key(w, "metricsJournaled");
	rt_jw_u64(w, wc.metrics_journaled);
	rt_jw_key(w, "lastSeq");
	rt_jw_u64(w, wc.last_seq);
	rt_jw_key(w, "recordsDeleted");
	rt_jw_u64(w, wc.records_deleted);
	rt_jw_end_object(w);
	rt_jw_key(w, "etcd");
	rt_jw_begin_object(w);
	rt_jw_key(w, "enabled");
	rt_jw_bool(w, run->pusher_ok);
	if (run->pusher_ok) {
		struct app_pusher_counters pc;
		app_pusher_get_counters(&run->pusher, &pc);
		rt_jw_key(w, "recordsPushed");
		rt_jw_u64(w, pc.records_pushed);
		rt_jw_key(w, "eventsPushed");
		rt_jw_u64(w, pc.events_pushed);
		rt_jw_key(w, "ackedSeq");
		rt_jw_u64(w, pc.acked_seq);
		rt_jw_key(w, "remainingInJournal");
		rt_jw_u64(w, run->remaining_in_journal);
		rt_jw_key(w, "failures");
		rt_jw_u64(w, pc.failures);
	}
	rt_jw_end_object(w);
	rt_jw_end_object(w);
}

/* One resource: the resource monitor's object with the supervision members added before its '}'. */
static pm_status write_resource(struct app_run *run, struct rt_jw *w, enum rt_resource_type type, uint32_t i,
                                pm_ns now)
{
	static char obj[64 * 1024];
	static char sup[8 * 1024];
	size_t len = 0;
	pm_status st = rt_resmon_resource_json(&run->resmon, type, i, now, obj, sizeof(obj), &len);
	if (st != PM_OK || len < 2 || obj[len - 1] != '}') {
		return st != PM_OK ? st : PM_ERR_INTERNAL;
	}
	obj[len - 1] = '\0';
	rt_jw_raw(w, obj);
	if (type == RT_RES_MODEL) {
		const struct app_model_rt *m = &run->models[i];
		size_t slen = 0;
		if (m->time_critical) {
			st = rt_sup_write_json(&m->sup, run->real_offset_ns, sup, sizeof(sup), &slen);
			if (st != PM_OK) {
				return st;
			}
		} else {
			slen = (size_t)snprintf(
			    sup, sizeof(sup),
			    "\"supervisionStatus\":\"DEACTIVATED\",\"jobs\":0,\"estimated\":false,"
			    "\"safetyMetrics\":null");
		}
		rt_jw_raw(w, ",");
		rt_jw_raw(w, sup);
		char extra[256];
		(void)snprintf(extra, sizeof(extra),
		               ",\"timeCritical\":%s,\"discovery\":\"%s\",\"restarts\":%llu,\"crashes\":%llu",
		               m->time_critical ? "true" : "false",
		               rt_discovery_kind_name(run->cfg.models[i].discovery.kind),
		               (unsigned long long)m->restart.total, (unsigned long long)m->crashes);
		rt_jw_raw(w, extra);
		(void)snprintf(extra, sizeof(extra),
		               ",\"worstDetectionDelay\":{\"deadline\":%.3f,\"budget\":%.3f,\"alive\":%.3f}",
		               rt_ns_to_ms(atomic_load(&m->pub.worst_detect_ns[RT_CONSTRAINT_DEADLINE])),
		               rt_ns_to_ms(atomic_load(&m->pub.worst_detect_ns[RT_CONSTRAINT_BUDGET])),
		               rt_ns_to_ms(atomic_load(&m->pub.worst_detect_ns[RT_CONSTRAINT_ALIVE])));
		rt_jw_raw(w, extra);
	}
	rt_jw_raw(w, "}");
	return PM_OK;
}

pm_status app_run_write_summary_json(struct app_run *run, const char *path)
{
	struct rt_jw w;
	rt_jw_init(&w, run->summary, sizeof(run->summary));
	pm_ns now = hal_clock_mono_ns();
	rt_jw_begin_object(&w);
	write_monitor(run, &w);
	static const struct {
		const char *key;
		enum rt_resource_type type;
	} lists[] = { { "models", RT_RES_MODEL },
		      { "packages", RT_RES_PACKAGE },
		      { "scenarios", RT_RES_SCENARIO } };
	for (size_t l = 0; l < 3; l++) {
		rt_jw_key(&w, lists[l].key);
		rt_jw_raw(&w, "[");
		uint32_t n = lists[l].type == RT_RES_MODEL     ? run->cfg.n_models
		             : lists[l].type == RT_RES_PACKAGE ? run->cfg.n_packages
		                                               : run->cfg.n_scenarios;
		for (uint32_t i = 0; i < n; i++) {
			if (i > 0) {
				rt_jw_raw(&w, ",");
			}
			pm_status st = write_resource(run, &w, lists[l].type, i, now);
			if (st != PM_OK) {
				hal_log(HAL_LOG_ERROR, "summary: %s %u: %s", lists[l].key, i,
				        pm_status_str(st));
				return st;
			}
		}
		rt_jw_raw(&w, "]");
		w.need_comma = true; /* raw text does not tell the writer a value was written */
	}
	rt_jw_end_object(&w);
	size_t len = 0;
	pm_status st = rt_jw_finish(&w, &len);
	if (st != PM_OK) {
		return st;
	}
	struct hal_file f = HAL_FILE_CLOSED;
	st = hal_file_open(&f, path, HAL_FILE_WRITE | HAL_FILE_CREATE | HAL_FILE_TRUNC);
	if (st == PM_OK) {
		st = hal_file_append(&f, run->summary, len);
		if (st == PM_OK) {
			st = hal_file_append(&f, "\n", 1);
		}
		pm_status cst = hal_file_close(&f);
		if (st == PM_OK) {
			st = cst;
		}
	}
	return st;
}
