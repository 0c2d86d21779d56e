/* The resource part of the run summary: state, history, dependencies, alerts and HLD §2 metrics of
 * every Scenario, Package, Model and Node, as JSON into a caller buffer. */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rt/json_writer.h"
#include "rt/resmon.h"

static int64_t epoch_ms(const struct rt_resmon *m, pm_ns mono)
{
	return rt_ns_add_sat(mono, m->real_offset) / PM_NS_PER_MS;
}

static const struct rt_sm_state_def *state_of(const struct rt_resmon *m, const struct rt_resource *r)
{
	return &m->sm[r->type].states[r->sm.state];
}

/* The vocabulary row of a state: by name, or for a configured state outside the defaults, the first
 * default state of the same class. */
static const struct rt_sm_vocab *vocab_of(uint32_t type, const struct rt_sm_state_def *s)
{
	const struct rt_sm_vocab *v = rt_sm_vocab_find(type, s->name);
	if (v != NULL) {
		return v;
	}
	size_t n = 0;
	const struct rt_sm_vocab *tab = rt_sm_vocab_table(&n);
	for (size_t i = 0; i < n; i++) {
		if (tab[i].type == type && tab[i].cls == s->cls) {
			return &tab[i];
		}
	}
	return NULL;
}

static void vocab_field(struct rt_jw *w, const char *key, const char *value)
{
	rt_jw_key(w, key);
	if (value != NULL && value[0] != '\0') {
		rt_jw_string(w, value);
	} else {
		rt_jw_null(w);
	}
}

static void metric_field(struct rt_jw *w, const struct rt_resource *r, const char *key, enum rt_metric met)
{
	rt_jw_key(w, key);
	if ((r->metric_have & (UINT32_C(1) << met)) != 0) {
		rt_jw_double(w, r->metric[met], 3);
	} else {
		rt_jw_null(w);
	}
}

static void ms_field(struct rt_jw *w, const char *key, pm_ns ns)
{
	rt_jw_key(w, key);
	if (ns >= 0) {
		rt_jw_double(w, rt_ns_to_ms(ns), 3);
	} else {
		rt_jw_null(w);
	}
}

static pm_ns up_time(const struct rt_resmon *m, const struct rt_resource *r, pm_ns now)
{
	const struct rt_sm_def *def = &m->sm[r->type];
	pm_ns total = 0;
	for (uint32_t s = 0; s < def->n_states; s++) {
		if (def->states[s].cls == RT_SC_UP || def->states[s].cls == RT_SC_DEGRADED) {
			total = rt_ns_add_sat(total, rt_sm_track_time_in(&r->sm, s, now));
		}
	}
	return total;
}

static void write_uptime(struct rt_jw *w, pm_ns ns)
{
	/* HLD unit h/m/s, e.g. "26h03m07s". */
	char tmp[40];
	long long s = (long long)(ns / PM_NS_PER_S);
	(void)snprintf(tmp, sizeof(tmp), "%lldh%02lldm%02llds", s / 3600, (s / 60) % 60, s % 60);
	rt_jw_string(w, tmp);
}

static void scenario_metrics(struct rt_jw *w, const struct rt_resmon *m, const struct rt_resource *r,
                             const struct rt_sm_vocab *v)
{
	vocab_field(w, "activeState", v != NULL ? v->status_word : NULL);
	vocab_field(w, "currentState", v != NULL ? v->current_state : NULL);
	rt_jw_key(w, "policyStatus");
	if (r->policy == RT_POLICY_ALLOWED) {
		rt_jw_string(w, "allowed");
	} else if (r->policy == RT_POLICY_DENIED) {
		rt_jw_string(w, "denied");
	} else {
		rt_jw_null(w);
	}
	rt_jw_key(w, "executionCount");
	rt_jw_u64(w, r->exec_count);
	ms_field(w, "averageExecutionTime", r->exec_timed > 0 ? r->exec_time_sum / (pm_ns)r->exec_timed : -1);
	ms_field(w, "lastExecutionTime", r->exec_last);
	rt_jw_key(w, "failureRate");
	if (r->exec_count > 0) {
		rt_jw_double(w, 100.0 * (double)r->exec_failures / (double)r->exec_count, 3);
	} else {
		rt_jw_null(w);
	}
	vocab_field(w, "lastExecutionResult",
	            r->last_result == RT_EXEC_SUCCESS   ? "Success"
	            : r->last_result == RT_EXEC_FAILURE ? "Failure"
	                                                : NULL);
	rt_jw_key(w, "dependencyStatus");
	rt_jw_string(w, rt_dep_status_name((enum rt_dep_status)r->dep_status));
	(void)m;
}

static void package_metrics(struct rt_jw *w, const struct rt_resmon *m, const struct rt_resource *r,
                            const struct rt_sm_vocab *v)
{
	vocab_field(w, "deploymentStatus", v != NULL ? v->status_word : NULL);
	vocab_field(w, "currentState", v != NULL ? v->current_state : NULL);
	vocab_field(w, "version", r->version);
	rt_jw_key(w, "usageCount");
	rt_jw_u64(w, r->usage_count);
	/* Memory of a Package: what was reported for it, else the sum over its Models. */
	rt_jw_key(w, "memoryUsage");
	if ((r->metric_have & (UINT32_C(1) << RT_MET_MEMORY_MB)) != 0) {
		rt_jw_double(w, r->metric[RT_MET_MEMORY_MB], 3);
	} else {
		double sum = 0.0;
		uint32_t have = 0;
		for (uint32_t i = 0; i < r->n_children; i++) {
			const struct rt_resource *c = rt_resmon_get(m, RT_RES_MODEL, r->children[i]);
			if (c != NULL && (c->metric_have & (UINT32_C(1) << RT_MET_MEMORY_MB)) != 0) {
				sum += c->metric[RT_MET_MEMORY_MB];
				have++;
			}
		}
		if (have > 0) {
			rt_jw_double(w, sum, 3);
		} else {
			rt_jw_null(w);
		}
	}
	metric_field(w, r, "diskUsage", RT_MET_DISK_MB);
	ms_field(w, "loadTime", r->load_time);
	uint32_t active = 0;
	for (uint32_t s = 0; s < m->count[RT_RES_SCENARIO]; s++) {
		const struct rt_resource *sc = rt_resmon_get(m, RT_RES_SCENARIO, s);
		uint8_t cls = state_of(m, sc)->cls;
		for (uint32_t c = 0; c < sc->n_children; c++) {
			if (sc->children[c] == r->index && (cls == RT_SC_UP || cls == RT_SC_DEGRADED)) {
				active++;
			}
		}
	}
	rt_jw_key(w, "activeScenarios");
	rt_jw_u64(w, active);
	uint32_t healthy = 0;
	for (uint32_t i = 0; i < r->n_children; i++) {
		const struct rt_resource *c = rt_resmon_get(m, RT_RES_MODEL, r->children[i]);
		if (c != NULL && state_of(m, c)->cls == RT_SC_UP) {
			healthy++;
		}
	}
	rt_jw_key(w, "modelRelationships");
	rt_jw_begin_object(w);
	rt_jw_key(w, "total");
	rt_jw_u64(w, r->n_children);
	rt_jw_key(w, "healthy");
	rt_jw_u64(w, healthy);
	rt_jw_key(w, "unhealthy");
	rt_jw_u64(w, r->n_children - healthy);
	rt_jw_end_object(w);
}

static void model_metrics(struct rt_jw *w, const struct rt_resmon *m, const struct rt_resource *r,
                          const struct rt_sm_vocab *v, pm_ns now)
{
	vocab_field(w, "phase", v != NULL ? v->status_word : NULL);
	vocab_field(w, "loadStatus", v != NULL ? v->current_state : NULL);
	pm_ns up = up_time(m, r, now);
	rt_jw_key(w, "uptime");
	write_uptime(w, up);
	ms_field(w, "uptimeMs", up);
	rt_jw_key(w, "restartCount");
	rt_jw_u64(w, r->restarts);
	metric_field(w, r, "cpuUsage", RT_MET_CPU_USAGE);
	metric_field(w, r, "memoryUsage", RT_MET_MEMORY_MB);
	metric_field(w, r, "memoryUsagePercent", RT_MET_MEMORY_USAGE);
	metric_field(w, r, "networkTraffic", RT_MET_NETWORK);
	metric_field(w, r, "responseTime", RT_MET_RESPONSE_TIME);
	metric_field(w, r, "executionTime", RT_MET_EXECUTION_TIME);
	ms_field(w, "loadTime", r->load_time);
	rt_jw_key(w, "errorCount");
	rt_jw_u64(w, r->errors);
	rt_jw_key(w, "healthStatus");
	rt_jw_string(w, state_of(m, r)->cls == RT_SC_UP ? "Healthy" : "Unhealthy");
}

static const char *alert_type(uint32_t kind)
{
	switch (kind) {
	case RT_ALERT_STUCK:
		return "stuck-state";
	case RT_ALERT_THRESHOLD:
		return "threshold";
	case RT_ALERT_ANOMALY:
		return "anomaly";
	case RT_ALERT_PATTERN:
		return "pattern-anomaly";
	case RT_ALERT_DEPENDENCY:
		return "dependency";
	default:
		return "alert";
	}
}

static const char *severity_name(uint32_t sev)
{
	return sev == RT_SEV_CRITICAL ? "critical" : sev == RT_SEV_WARNING ? "warning" : "info";
}

static void write_resource(struct rt_jw *w, const struct rt_resmon *m, const struct rt_resource *r, pm_ns now)
{
	const struct rt_sm_def *def = &m->sm[r->type];
	const struct rt_sm_state_def *s = state_of(m, r);
	rt_jw_begin_object(w);
	rt_jw_key(w, "name");
	rt_jw_string(w, r->name);
	rt_jw_key(w, "state");
	rt_jw_string(w, s->name);
	rt_jw_key(w, "stateClass");
	rt_jw_string(w, rt_state_class_name((enum rt_state_class)s->cls));
	rt_jw_key(w, "since");
	rt_jw_i64(w, epoch_ms(m, r->sm.since));
	rt_jw_key(w, "timeInState");
	rt_jw_begin_object(w);
	for (uint32_t i = 0; i < def->n_states; i++) {
		ms_field(w, def->states[i].name, rt_sm_track_time_in(&r->sm, i, now));
	}
	rt_jw_end_object(w);
	rt_jw_key(w, "transitionCount");
	rt_jw_u64(w, r->sm.transitions);
	rt_jw_key(w, "transitions");
	rt_jw_begin_array(w);
	for (uint32_t i = 0; i < r->sm.hist_count; i++) {
		const struct rt_sm_transition *t = rt_sm_track_history(&r->sm, i);
		assert(t != NULL);
		rt_jw_begin_object(w);
		rt_jw_key(w, "from");
		rt_jw_string(w, def->states[t->from].name);
		rt_jw_key(w, "to");
		rt_jw_string(w, def->states[t->to].name);
		rt_jw_key(w, "at");
		rt_jw_i64(w, epoch_ms(m, t->at));
		ms_field(w, "duration", t->duration);
		rt_jw_key(w, "expected");
		rt_jw_bool(w, t->expected != 0);
		rt_jw_end_object(w);
	}
	rt_jw_end_array(w);
	rt_jw_key(w, "unexpectedTransitions");
	rt_jw_u64(w, r->sm.unexpected);
	rt_jw_key(w, "dependencyStatus");
	rt_jw_string(w, rt_dep_status_name((enum rt_dep_status)r->dep_status));
	rt_jw_key(w, "dependencyDetails");
	rt_jw_begin_array(w);
	uint32_t node = rt_dep_node_id(r->type, r->index);
	for (uint32_t e = m->graph.dep_start[node]; e < m->graph.dep_start[node + 1]; e++) {
		struct rt_res_ref ref = rt_dep_node_ref(m->graph.dep_to[e]);
		const struct rt_resource *d = rt_resmon_get(m, (enum rt_resource_type)ref.type, ref.index);
		if (d == NULL) {
			continue;
		}
		uint32_t st = d->eff_impact;
		uint32_t cap = m->dep_def.max_impact[m->graph.dep_kind[e]];
		if (m->dep_def.status_propagation == 0) {
			st = d->own_impact;
		}
		rt_jw_begin_object(w);
		rt_jw_key(w, "resourceType");
		rt_jw_string(w, rt_resource_type_name((enum rt_resource_type)ref.type));
		rt_jw_key(w, "resourceName");
		rt_jw_string(w, d->name);
		rt_jw_key(w, "status");
		rt_jw_string(w, rt_dep_status_name((enum rt_dep_status)(st < cap ? st : cap)));
		rt_jw_end_object(w);
	}
	rt_jw_end_array(w);
	rt_jw_key(w, "alerts");
	rt_jw_begin_array(w);
	for (uint32_t i = 0; i < PM_MAX_ALERTS; i++) {
		const struct rt_alert *a = &r->alerts[i];
		if (!a->active) {
			continue;
		}
		rt_jw_begin_object(w);
		rt_jw_key(w, "type");
		rt_jw_string(w, alert_type(a->kind));
		rt_jw_key(w, "severity");
		rt_jw_string(w, severity_name(a->severity));
		if (a->kind == RT_ALERT_THRESHOLD || a->kind == RT_ALERT_ANOMALY) {
			rt_jw_key(w, "metric");
			rt_jw_string(w, rt_metric_name((enum rt_metric)a->metric));
		} else if (a->kind == RT_ALERT_PATTERN) {
			rt_jw_key(w, "metric");
			rt_jw_string(w, a->metric == RT_PATTERN_TRANSITIONS ? "state_transitions"
			                                                    : "error_counts");
		}
		rt_jw_key(w, "since");
		rt_jw_i64(w, epoch_ms(m, a->since));
		rt_jw_key(w, "message");
		rt_jw_string(w, a->message);
		rt_jw_end_object(w);
	}
	rt_jw_end_array(w);
	if (r->alerts_overflow > 0) {
		rt_jw_key(w, "alertsNotKept");
		rt_jw_u64(w, r->alerts_overflow);
	}
	const struct rt_sm_vocab *v = vocab_of(r->type, s);
	rt_jw_key(w, "metrics");
	rt_jw_begin_object(w);
	switch (r->type) {
	case RT_RES_SCENARIO:
		scenario_metrics(w, m, r, v);
		break;
	case RT_RES_PACKAGE:
		package_metrics(w, m, r, v);
		break;
	case RT_RES_MODEL:
		model_metrics(w, m, r, v, now);
		break;
	default:
		vocab_field(w, "currentState", v != NULL ? v->current_state : NULL);
		metric_field(w, r, "cpuUsage", RT_MET_CPU_USAGE);
		metric_field(w, r, "memoryUsage", RT_MET_MEMORY_MB);
		break;
	}
	rt_jw_end_object(w);
	rt_jw_end_object(w);
}

pm_status rt_resmon_resource_json(const struct rt_resmon *m, enum rt_resource_type type, uint32_t index,
                                  pm_ns now, char *buf, size_t cap, size_t *len)
{
	if (m == NULL || buf == NULL) {
		return PM_ERR_INVAL;
	}
	if (!m->started) {
		return PM_ERR_STATE;
	}
	const struct rt_resource *r = rt_resmon_get(m, type, index);
	if (r == NULL) {
		return PM_ERR_NOENT;
	}
	struct rt_jw w;
	rt_jw_init(&w, buf, cap);
	write_resource(&w, m, r, now);
	return rt_jw_finish(&w, len);
}

pm_status rt_resmon_summary_json(const struct rt_resmon *m, pm_ns now, char *buf, size_t cap, size_t *len)
{
	static const char *const keys[RT_RES_TYPE_COUNT] = { "scenarios", "packages", "models", "nodes" };
	if (m == NULL || buf == NULL) {
		return PM_ERR_INVAL;
	}
	if (!m->started) {
		return PM_ERR_STATE;
	}
	struct rt_jw w;
	rt_jw_init(&w, buf, cap);
	rt_jw_begin_object(&w);
	for (uint32_t t = 0; t < RT_RES_TYPE_COUNT; t++) {
		rt_jw_key(&w, keys[t]);
		rt_jw_begin_array(&w);
		for (uint32_t i = 0; i < m->count[t]; i++) {
			write_resource(&w, m, rt_resmon_get(m, (enum rt_resource_type)t, i), now);
		}
		rt_jw_end_array(&w);
	}
	rt_jw_end_object(&w);
	return rt_jw_finish(&w, len);
}
