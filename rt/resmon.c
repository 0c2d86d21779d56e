/* The resource monitor: observations in, state machines/derivation/dependency status/thresholds/
 * anomalies updated, records out. See rt/resmon.h. */
#include "rt/resmon.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Alert and event texts: truncation of a long message is acceptable, a crash or overflow is not. */
__attribute__((format(printf, 3, 4))) static void fmt(char *buf, size_t cap, const char *format, ...)
{
	va_list ap;
	va_start(ap, format);
	int n = vsnprintf(buf, cap, format, ap);
	va_end(ap);
	if (n < 0 && cap > 0) {
		buf[0] = '\0';
	}
}

/* strnlen is POSIX, not C11: the same, bounded by max. */
static size_t bounded_len(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n] != '\0') {
		n++;
	}
	return n;
}

static const uint32_t type_cap[RT_RES_TYPE_COUNT] = {
	[RT_RES_SCENARIO] = PM_MAX_SCENARIOS,
	[RT_RES_PACKAGE] = PM_MAX_PACKAGES,
	[RT_RES_MODEL] = PM_MAX_MODELS,
	[RT_RES_NODE] = PM_MAX_NODES,
};

void rt_record_sink_ring(void *ring, const struct rt_record *rec)
{
	/* A full ring counts the drop itself and reports it as a gap; nothing more to do here. */
	(void)rt_record_ring_push((struct rt_record_ring *)ring, rec);
}

const char *rt_resource_type_name(enum rt_resource_type type)
{
	switch (type) {
	case RT_RES_SCENARIO:
		return "Scenario";
	case RT_RES_PACKAGE:
		return "Package";
	case RT_RES_MODEL:
		return "Model";
	case RT_RES_NODE:
		return "Node";
	default:
		return "invalid";
	}
}

static struct rt_resource *table(struct rt_resmon *m, uint32_t type)
{
	switch (type) {
	case RT_RES_SCENARIO:
		return m->scenarios;
	case RT_RES_PACKAGE:
		return m->packages;
	case RT_RES_MODEL:
		return m->models;
	case RT_RES_NODE:
		return m->nodes;
	default:
		return NULL;
	}
}

static struct rt_resource *res(struct rt_resmon *m, uint32_t type, uint32_t index)
{
	if (type >= RT_RES_TYPE_COUNT || index >= m->count[type]) {
		return NULL;
	}
	return &table(m, type)[index];
}

const struct rt_resource *rt_resmon_get(const struct rt_resmon *m, enum rt_resource_type type, uint32_t index)
{
	if (m == NULL || (unsigned)type >= RT_RES_TYPE_COUNT || index >= m->count[type]) {
		return NULL;
	}
	switch (type) {
	case RT_RES_SCENARIO:
		return &m->scenarios[index];
	case RT_RES_PACKAGE:
		return &m->packages[index];
	case RT_RES_MODEL:
		return &m->models[index];
	case RT_RES_NODE:
	default:
		return &m->nodes[index];
	}
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = bounded_len(src, cap - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void rt_resmon_init(struct rt_resmon *m, struct rt_record_sink sink)
{
	assert(m != NULL);
	memset(m, 0, sizeof(*m));
	m->sink = sink;
	m->alert_unexpected = 1;
	m->alert_stuck = 1;
	m->impact_analysis = 1;
	for (uint32_t t = 0; t < RT_RES_TYPE_COUNT; t++) {
		pm_status st = rt_sm_default((enum rt_resource_type)t, &m->sm[t]);
		assert(st == PM_OK);
		(void)st;
	}
	m->n_thresholds = rt_threshold_defaults(m->thresholds, PM_MAX_THRESHOLDS);
	rt_anomaly_spec_default(&m->anomaly);
	rt_dep_graph_def_default(&m->dep_def);
	rt_propagation_default(&m->propagation);
}

pm_status rt_resmon_set_sm(struct rt_resmon *m, const struct rt_sm_def *def)
{
	if (m == NULL || m->started || rt_sm_validate(def) != PM_OK) {
		return m != NULL && m->started ? PM_ERR_STATE : PM_ERR_INVAL;
	}
	m->sm[def->type] = *def;
	return PM_OK;
}

pm_status rt_resmon_set_thresholds(struct rt_resmon *m, const struct rt_threshold_spec *specs, uint32_t n)
{
	if (m == NULL || (specs == NULL && n > 0)) {
		return PM_ERR_INVAL;
	}
	if (m->started) {
		return PM_ERR_STATE;
	}
	if (n > PM_MAX_THRESHOLDS) {
		return PM_ERR_NOSPACE;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (rt_threshold_validate(&specs[i]) != PM_OK) {
			return PM_ERR_INVAL;
		}
	}
	memcpy(m->thresholds, specs, n * sizeof(*specs));
	m->n_thresholds = n;
	return PM_OK;
}

pm_status rt_resmon_set_anomaly(struct rt_resmon *m, const struct rt_anomaly_spec *spec)
{
	if (m == NULL || rt_anomaly_spec_validate(spec) != PM_OK) {
		return PM_ERR_INVAL;
	}
	if (m->started) {
		return PM_ERR_STATE;
	}
	m->anomaly = *spec;
	return PM_OK;
}

pm_status rt_resmon_set_dependencies(struct rt_resmon *m, const struct rt_dep_graph_def *deps,
                                     const struct rt_propagation_def *rules)
{
	if (m == NULL || deps == NULL || rules == NULL || deps->n_edges > PM_MAX_DEPENDENCIES ||
	    rules->n_rules > PM_MAX_PROPAGATION_RULES) {
		return PM_ERR_INVAL;
	}
	if (m->started) {
		return PM_ERR_STATE;
	}
	m->dep_def = *deps;
	m->propagation = *rules;
	return PM_OK;
}

pm_status rt_resmon_set_stuck(struct rt_resmon *m, const char *state, pm_ns threshold_ns)
{
	if (m == NULL || state == NULL || threshold_ns < 0) {
		return PM_ERR_INVAL;
	}
	if (m->started) {
		return PM_ERR_STATE;
	}
	bool found = false;
	for (uint32_t t = 0; t < RT_RES_TYPE_COUNT; t++) {
		found = rt_sm_set_stuck(&m->sm[t], state, threshold_ns) == PM_OK || found;
	}
	return found ? PM_OK : PM_ERR_NOENT;
}

void rt_resmon_set_alerting(struct rt_resmon *m, bool unexpected_transitions, bool stuck_states,
                            bool impact_analysis)
{
	m->alert_unexpected = unexpected_transitions ? 1 : 0;
	m->alert_stuck = stuck_states ? 1 : 0;
	m->impact_analysis = impact_analysis ? 1 : 0;
}

pm_status rt_resmon_find(const struct rt_resmon *m, enum rt_resource_type type, const char *name,
                         uint32_t *index)
{
	if (m == NULL || name == NULL || (unsigned)type >= RT_RES_TYPE_COUNT) {
		return PM_ERR_INVAL;
	}
	for (uint32_t i = 0; i < m->count[type]; i++) {
		const struct rt_resource *r = rt_resmon_get(m, type, i);
		if (strncmp(r->name, name, PM_MAX_NAME) == 0) {
			if (index != NULL) {
				*index = i;
			}
			return PM_OK;
		}
	}
	return PM_ERR_NOENT;
}

pm_status rt_resmon_add(struct rt_resmon *m, enum rt_resource_type type, const char *name, uint32_t *index)
{
	if (m == NULL || name == NULL || (unsigned)type >= RT_RES_TYPE_COUNT || name[0] == '\0' ||
	    bounded_len(name, PM_MAX_NAME) >= PM_MAX_NAME) {
		return PM_ERR_INVAL;
	}
	if (m->started) {
		return PM_ERR_STATE;
	}
	if (m->count[type] >= type_cap[type]) {
		return PM_ERR_NOSPACE;
	}
	if (rt_resmon_find(m, type, name, NULL) == PM_OK) {
		return PM_ERR_INVAL;
	}
	uint32_t i = m->count[type]++;
	struct rt_resource *r = res(m, type, i);
	memset(r, 0, sizeof(*r));
	copy_str(r->name, sizeof(r->name), name);
	r->type = (uint32_t)type;
	r->index = i;
	if (index != NULL) {
		*index = i;
	}
	return PM_OK;
}

pm_status rt_resmon_add_child(struct rt_resmon *m, enum rt_resource_type parent_type, uint32_t parent,
                              uint32_t child)
{
	if (m == NULL) {
		return PM_ERR_INVAL;
	}
	if (m->started) {
		return PM_ERR_STATE;
	}
	uint32_t child_type;
	uint32_t cap;
	if (parent_type == RT_RES_SCENARIO) {
		child_type = RT_RES_PACKAGE;
		cap = PM_MAX_PACKAGES_PER_SCENARIO;
	} else if (parent_type == RT_RES_PACKAGE) {
		child_type = RT_RES_MODEL;
		cap = PM_MAX_MODELS_PER_PACKAGE;
	} else {
		return PM_ERR_INVAL;
	}
	struct rt_resource *p = res(m, (uint32_t)parent_type, parent);
	if (p == NULL || res(m, child_type, child) == NULL) {
		return PM_ERR_NOENT;
	}
	for (uint32_t i = 0; i < p->n_children; i++) {
		if (p->children[i] == child) {
			return PM_OK;
		}
	}
	if (p->n_children >= cap) {
		return PM_ERR_NOSPACE;
	}
	p->children[p->n_children++] = (uint16_t)child;
	return PM_OK;
}

pm_status rt_resmon_set_memory_limit(struct rt_resmon *m, uint32_t model, uint64_t bytes)
{
	struct rt_resource *r = m != NULL ? res(m, RT_RES_MODEL, model) : NULL;
	if (r == NULL) {
		return PM_ERR_NOENT;
	}
	r->memory_limit_bytes = bytes;
	return PM_OK;
}

pm_status rt_resmon_set_version(struct rt_resmon *m, enum rt_resource_type type, uint32_t index,
                                const char *version)
{
	struct rt_resource *r = m != NULL ? res(m, (uint32_t)type, index) : NULL;
	if (r == NULL || version == NULL) {
		return r == NULL ? PM_ERR_NOENT : PM_ERR_INVAL;
	}
	copy_str(r->version, sizeof(r->version), version);
	return PM_OK;
}

void rt_resmon_set_clock_offset(struct rt_resmon *m, pm_ns realtime_minus_monotonic)
{
	m->real_offset = realtime_minus_monotonic;
}

static const char *dep_name(void *ctx, struct rt_res_ref ref)
{
	const struct rt_resource *r =
	    rt_resmon_get((const struct rt_resmon *)ctx, (enum rt_resource_type)ref.type, ref.index);
	return r != NULL ? r->name : NULL;
}

static void reset_series(struct rt_resource *r, pm_ns now)
{
	for (uint32_t i = 0; i < PM_MAX_THRESHOLDS; i++) {
		rt_threshold_init(&r->thr[i], now);
	}
	for (uint32_t i = 0; i < RT_MET_COUNT; i++) {
		rt_baseline_init(&r->stat[i]);
		r->metric[i] = NAN;
	}
	rt_pattern_init(&r->pattern[RT_PATTERN_TRANSITIONS]);
	rt_pattern_init(&r->pattern[RT_PATTERN_ERRORS]);
}

static void evaluate_dependencies(struct rt_resmon *m, pm_ns now);

pm_status rt_resmon_start(struct rt_resmon *m, pm_ns now, char *err, size_t errcap)
{
	if (m == NULL) {
		return PM_ERR_INVAL;
	}
	if (m->started) {
		return PM_ERR_STATE;
	}
	/* Implicit scenario -> package -> model edges first, then dependency_map. */
	size_t n = 0;
	for (uint32_t t = RT_RES_SCENARIO; t <= RT_RES_PACKAGE; t++) {
		for (uint32_t i = 0; i < m->count[t]; i++) {
			const struct rt_resource *p = res(m, t, i);
			for (uint32_t c = 0; c < p->n_children; c++) {
				assert(n < PM_MAX_DEP_EDGES);
				struct rt_dep_edge_def *e = &m->edge_scratch[n++];
				e->from.type = (uint16_t)t;
				e->from.index = (uint16_t)i;
				e->to.type = (uint16_t)(t == RT_RES_SCENARIO ? RT_RES_PACKAGE : RT_RES_MODEL);
				e->to.index = p->children[c];
				e->kind = RT_DEP_PARENT_CHILD;
			}
		}
	}
	for (uint32_t i = 0; i < m->dep_def.n_edges; i++) {
		if (n >= PM_MAX_DEP_EDGES) {
			if (err != NULL && errcap > 0) {
				(void)snprintf(err, errcap,
				               "too many dependency edges (limit PM_MAX_DEP_EDGES)");
			}
			return PM_ERR_NOSPACE;
		}
		m->edge_scratch[n++] = m->dep_def.edges[i];
	}
	pm_status st = rt_dep_graph_build(&m->graph, m->count, m->edge_scratch, n, dep_name, m, err, errcap);
	if (st != PM_OK) {
		return st;
	}
	for (uint32_t t = 0; t < RT_RES_TYPE_COUNT; t++) {
		for (uint32_t i = 0; i < m->count[t]; i++) {
			struct rt_resource *r = res(m, t, i);
			rt_sm_track_init(&r->sm, &m->sm[t], now);
			reset_series(r, now);
			r->load_time = -1;
			r->exec_last = -1;
		}
	}
	for (uint32_t t = 0; t < RT_RES_TYPE_COUNT; t++) {
		const struct rt_sm_def *def = &m->sm[t];
		for (uint32_t s = 0; s < def->n_states; s++) {
			m->impact_of[t][s] = (uint8_t)rt_propagation_impact(
			    &m->propagation, def->states[s].name, (enum rt_state_class)def->states[s].cls);
		}
	}
	m->started = 1;
	evaluate_dependencies(m, now);
	return PM_OK;
}

/* ---- records ---- */

static void record_base(struct rt_resmon *m, struct rt_record *rec, uint32_t kind,
                        const struct rt_resource *r, pm_ns now)
{
	memset(rec, 0, sizeof(*rec));
	rec->kind = kind;
	rec->resource_type = r->type;
	rec->mono_ns = now;
	rec->real_ns = rt_ns_add_sat(now, m->real_offset);
	copy_str(rec->resource, sizeof(rec->resource), r->name);
}

static void emit(struct rt_resmon *m, const struct rt_record *rec)
{
	m->records++;
	if (m->sink.emit != NULL) {
		m->sink.emit(m->sink.ctx, rec);
	}
}

static void emit_event(struct rt_resmon *m, const struct rt_resource *r, const char *type, uint32_t severity,
                       const char *message, pm_ns now)
{
	struct rt_record rec;
	record_base(m, &rec, RT_REC_EVENT, r, now);
	copy_str(rec.u.event.type, sizeof(rec.u.event.type), type);
	rec.u.event.severity = severity;
	copy_str(rec.u.event.message, sizeof(rec.u.event.message), message);
	emit(m, &rec);
}

/* Derived HLD §2 metrics leave as metric records (latest value wins per resource and name). */
static void emit_metric(struct rt_resmon *m, const struct rt_resource *r, const char *name, double value,
                        pm_ns now)
{
	struct rt_record rec;
	record_base(m, &rec, RT_REC_METRIC, r, now);
	copy_str(rec.u.metric.name, sizeof(rec.u.metric.name), name);
	rec.u.metric.value = value;
	emit(m, &rec);
}

/* ---- alerts ---- */

static struct rt_alert *alert_find(struct rt_resource *r, uint32_t kind, uint32_t metric)
{
	for (uint32_t i = 0; i < PM_MAX_ALERTS; i++) {
		struct rt_alert *a = &r->alerts[i];
		if (a->active && a->kind == kind && a->metric == metric) {
			return a;
		}
	}
	return NULL;
}

/* Journals the alert and keeps it active (an existing one of the same kind/metric is updated). */
static void alert_raise(struct rt_resmon *m, struct rt_resource *r, uint32_t kind, uint32_t metric,
                        uint32_t severity, const char *type, const char *message, pm_ns now)
{
	emit_event(m, r, type, severity, message, now);
	struct rt_alert *a = alert_find(r, kind, metric);
	for (uint32_t i = 0; a == NULL && i < PM_MAX_ALERTS; i++) {
		if (!r->alerts[i].active) {
			a = &r->alerts[i];
			a->since = now;
		}
	}
	if (a == NULL) {
		r->alerts_overflow++;
		return;
	}
	a->active = 1;
	a->kind = (uint8_t)kind;
	a->metric = (uint8_t)metric;
	a->severity = (uint8_t)severity;
	copy_str(a->message, sizeof(a->message), message);
}

static void alert_clear(struct rt_resmon *m, struct rt_resource *r, uint32_t kind, uint32_t metric,
                        const char *type, const char *message, pm_ns now)
{
	struct rt_alert *a = alert_find(r, kind, metric);
	if (a == NULL) {
		return;
	}
	a->active = 0;
	emit_event(m, r, type, RT_SEV_INFO, message, now);
}

/* ---- pattern counts ---- */

static void pattern_count(struct rt_resmon *m, struct rt_resource *r, uint32_t which, pm_ns now)
{
	const struct rt_anomaly_spec *a = &m->anomaly;
	bool on = which == RT_PATTERN_TRANSITIONS ? a->pattern_transitions != 0 : a->pattern_errors != 0;
	if (!a->enabled || !on) {
		return;
	}
	double z = 0.0;
	struct rt_pattern *p = &r->pattern[which];
	if (rt_pattern_count(a, p, now, &z) == RT_AN_ANOMALY) {
		char msg[RT_REC_TEXT];
		fmt(msg, sizeof(msg), "%s: %u in this window, baseline %.1f (z %.1f)",
		    which == RT_PATTERN_TRANSITIONS ? "state_transitions" : "error_counts", p->count,
		    p->base.mean, z);
		alert_raise(m, r, RT_ALERT_PATTERN, which, RT_SEV_WARNING, "pattern-anomaly", msg, now);
	}
}

/* ---- metrics ---- */

static void observe(struct rt_resmon *m, struct rt_resource *r, enum rt_metric met, double value, pm_ns now);

static void scenario_metrics_changed(struct rt_resmon *m, struct rt_resource *r, pm_ns now)
{
	emit_metric(m, r, "executionCount", (double)r->exec_count, now);
	if (r->exec_timed > 0) {
		emit_metric(m, r, "averageExecutionTime",
		            rt_ns_to_ms(r->exec_time_sum / (pm_ns)r->exec_timed), now);
		emit_metric(m, r, "lastExecutionTime", rt_ns_to_ms(r->exec_last), now);
	}
	if (r->exec_count > 0) {
		double rate = 100.0 * (double)r->exec_failures / (double)r->exec_count;
		emit_metric(m, r, "failureRate", rate, now);
		observe(m, r, RT_MET_FAILURE_RATE, rate, now);
	}
}

static void package_used(struct rt_resmon *m, const struct rt_resource *scenario, pm_ns now)
{
	for (uint32_t i = 0; i < scenario->n_children; i++) {
		struct rt_resource *p = res(m, RT_RES_PACKAGE, scenario->children[i]);
		if (p != NULL) {
			p->usage_count++;
			emit_metric(m, p, "usageCount", (double)p->usage_count, now);
		}
	}
}

static void exec_end_success(struct rt_resmon *m, struct rt_resource *r, pm_ns duration, pm_ns now)
{
	r->last_result = RT_EXEC_SUCCESS;
	if (duration >= 0) {
		r->exec_timed++;
		r->exec_time_sum = rt_ns_add_sat(r->exec_time_sum, duration);
		r->exec_last = duration;
		observe(m, r, RT_MET_EXECUTION_TIME, rt_ns_to_ms(duration), now);
	}
	scenario_metrics_changed(m, r, now);
}

static void exec_begin(struct rt_resmon *m, struct rt_resource *r, pm_ns now)
{
	r->exec_count++;
	r->in_exec = 1;
	r->exec_reached_up = 0;
	r->exec_start = now;
	package_used(m, r, now);
}

/* Class-level bookkeeping of a move: load time, Scenario executions. */
static void on_class_change(struct rt_resmon *m, struct rt_resource *r, uint8_t oc, uint8_t nc, pm_ns now)
{
	if ((oc == RT_SC_OFF || oc == RT_SC_FAILED) && nc == RT_SC_STARTING) {
		r->start_mark = now;
	}
	if (nc == RT_SC_UP && r->start_mark != 0) {
		r->load_time = now - r->start_mark;
		emit_metric(m, r, "loadTime", rt_ns_to_ms(r->load_time), now);
		r->start_mark = 0;
	} else if (nc == RT_SC_OFF || nc == RT_SC_FAILED) {
		r->start_mark = 0;
	}
	if (r->type != RT_RES_SCENARIO) {
		return;
	}
	bool live = nc == RT_SC_STARTING || nc == RT_SC_UP || nc == RT_SC_DEGRADED || nc == RT_SC_UNKNOWN;
	if (!r->in_exec && (oc == RT_SC_OFF || oc == RT_SC_FAILED) && live) {
		exec_begin(m, r, now);
	}
	if (r->in_exec && nc == RT_SC_UP && !r->exec_reached_up) {
		r->exec_reached_up = 1;
		exec_end_success(m, r, now - r->exec_start, now);
	} else if (r->in_exec && nc == RT_SC_FAILED) {
		r->in_exec = 0;
		r->exec_failures++;
		r->last_result = RT_EXEC_FAILURE;
		scenario_metrics_changed(m, r, now);
	} else if (r->in_exec && nc == RT_SC_OFF) {
		r->in_exec = 0; /* deactivated: ends the execution without a verdict if it never came up */
	}
}

/* Moves r to state `to`, journaling the transition and what follows from it. */
static bool move(struct rt_resmon *m, struct rt_resource *r, uint32_t to, const char *reason, pm_ns now)
{
	const struct rt_sm_def *def = &m->sm[r->type];
	struct rt_sm_transition tr;
	uint32_t from = r->sm.state;
	if (!rt_sm_track_move(&r->sm, def, to, now, &tr)) {
		return false;
	}
	struct rt_record rec;
	record_base(m, &rec, RT_REC_STATE, r, now);
	copy_str(rec.u.state.from, sizeof(rec.u.state.from), def->states[from].name);
	copy_str(rec.u.state.to, sizeof(rec.u.state.to), def->states[to].name);
	rec.u.state.duration_ns = tr.duration;
	rec.u.state.expected = tr.expected;
	copy_str(rec.u.state.reason, sizeof(rec.u.state.reason), reason);
	emit(m, &rec);
	char msg[RT_REC_TEXT];
	if (!tr.expected && m->alert_unexpected) {
		fmt(msg, sizeof(msg), "%s -> %s is not in the %s state table (%s)", def->states[from].name,
		    def->states[to].name, rt_resource_type_name((enum rt_resource_type)r->type), reason);
		emit_event(m, r, "unexpected-transition", RT_SEV_WARNING, msg, now);
	}
	fmt(msg, sizeof(msg), "left %s", def->states[from].name);
	alert_clear(m, r, RT_ALERT_STUCK, 0, "stuck-cleared", msg, now);
	on_class_change(m, r, def->states[from].cls, def->states[to].cls, now);
	pattern_count(m, r, RT_PATTERN_TRANSITIONS, now);
	m->changed[rt_dep_node_id(r->type, r->index)] = 1;
	m->moved = 1;
	return true;
}

static void error_seen(struct rt_resmon *m, struct rt_resource *r, pm_ns now)
{
	r->errors++;
	emit_metric(m, r, "errorCount", (double)r->errors, now);
	pattern_count(m, r, RT_PATTERN_ERRORS, now);
}

/* ---- derivation and dependencies ---- */

static void derive(struct rt_resmon *m, struct rt_resource *r, uint32_t child_type, pm_ns now)
{
	uint8_t classes[PM_MAX_CHILDREN];
	bool any_changed = false;
	for (uint32_t i = 0; i < r->n_children; i++) {
		const struct rt_resource *c = res(m, child_type, r->children[i]);
		assert(c != NULL);
		classes[i] = m->sm[child_type].states[c->sm.state].cls;
		any_changed = any_changed || m->changed[rt_dep_node_id(child_type, c->index)] != 0;
	}
	if (!any_changed) {
		return;
	}
	const struct rt_sm_def *def = &m->sm[r->type];
	enum rt_state_class cur = (enum rt_state_class)def->states[r->sm.state].cls;
	enum rt_state_class want = rt_sm_derive_class(cur, classes, r->n_children);
	if (want == RT_SC_COUNT) {
		return;
	}
	uint32_t to = rt_sm_state_for_class(def, r->sm.state, want);
	if (to != RT_SM_NONE) {
		(void)move(m, r, to,
		           child_type == RT_RES_MODEL ? "derived from its models"
		                                      : "derived from its packages",
		           now);
	}
}

static void evaluate_dependencies(struct rt_resmon *m, pm_ns now)
{
	for (uint32_t t = 0; t < RT_RES_TYPE_COUNT; t++) {
		for (uint32_t i = 0; i < m->count[t]; i++) {
			struct rt_resource *r = res(m, t, i);
			const struct rt_sm_state_def *s = &m->sm[t].states[r->sm.state];
			r->own_impact = (uint8_t)rt_propagation_impact(&m->propagation, s->name,
			                                               (enum rt_state_class)s->cls);
			m->own[rt_dep_node_id(t, i)] = r->own_impact;
		}
	}
	rt_dep_graph_eval(&m->graph, m->dep_def.max_impact, m->dep_def.status_propagation, m->own, m->eff,
	                  m->dep_status);
	for (uint32_t t = 0; t < RT_RES_TYPE_COUNT; t++) {
		for (uint32_t i = 0; i < m->count[t]; i++) {
			struct rt_resource *r = res(m, t, i);
			uint32_t n = rt_dep_node_id(t, i);
			r->eff_impact = m->eff[n];
			uint8_t ds = m->dep_status[n];
			if (ds == r->dep_status) {
				continue;
			}
			char msg[RT_REC_TEXT];
			fmt(msg, sizeof(msg), "dependencyStatus %s -> %s",
			    rt_dep_status_name((enum rt_dep_status)r->dep_status),
			    rt_dep_status_name((enum rt_dep_status)ds));
			r->dep_status = ds;
			if (!m->impact_analysis) {
				continue;
			}
			if (ds == RT_DEP_OK) {
				alert_clear(m, r, RT_ALERT_DEPENDENCY, 0, "dependency-cleared", msg, now);
			} else {
				alert_raise(m, r, RT_ALERT_DEPENDENCY, 0, ds, "dependency", msg, now);
			}
		}
	}
}

/* After resources moved: Packages follow their Models, Scenarios their Packages, then statuses. */
static void settle(struct rt_resmon *m, pm_ns now)
{
	if (!m->moved) {
		return; /* the common case: an observation that confirms the current state */
	}
	for (uint32_t i = 0; i < m->count[RT_RES_PACKAGE]; i++) {
		struct rt_resource *p = res(m, RT_RES_PACKAGE, i);
		if (p->n_children > 0) {
			derive(m, p, RT_RES_MODEL, now);
		}
	}
	for (uint32_t i = 0; i < m->count[RT_RES_SCENARIO]; i++) {
		struct rt_resource *s = res(m, RT_RES_SCENARIO, i);
		if (s->n_children > 0) {
			derive(m, s, RT_RES_PACKAGE, now);
		}
	}
	evaluate_dependencies(m, now);
	memset(m->changed, 0, sizeof(m->changed));
	m->moved = 0;
}

/* ---- observations ---- */

pm_status rt_resmon_model_event(struct rt_resmon *m, uint32_t model, enum rt_sm_event ev, pm_ns now)
{
	if (m == NULL || (unsigned)ev >= RT_EV_COUNT) {
		return PM_ERR_INVAL;
	}
	if (!m->started) {
		return PM_ERR_STATE;
	}
	struct rt_resource *r = res(m, RT_RES_MODEL, model);
	if (r == NULL) {
		return PM_ERR_NOENT;
	}
	if (ev == RT_EV_RESTARTED) {
		r->restarts++;
		emit_metric(m, r, "restartCount", (double)r->restarts, now);
	}
	if (ev == RT_EV_CRASHED || ev == RT_EV_HUNG || ev == RT_EV_SUP_FAILED || ev == RT_EV_SUP_EXPIRED) {
		error_seen(m, r, now);
	}
	uint32_t to = rt_sm_next(&m->sm[RT_RES_MODEL], r->sm.state, ev);
	if (to != RT_SM_NONE) {
		(void)move(m, r, to, rt_sm_event_name(ev), now);
	}
	settle(m, now);
	return PM_OK;
}

pm_status rt_resmon_report_state(struct rt_resmon *m, enum rt_resource_type type, uint32_t index,
                                 const char *state, pm_ns now)
{
	if (m == NULL || state == NULL) {
		return PM_ERR_INVAL;
	}
	if (!m->started) {
		return PM_ERR_STATE;
	}
	struct rt_resource *r = res(m, (uint32_t)type, index);
	if (r == NULL) {
		return PM_ERR_NOENT;
	}
	uint32_t to = rt_sm_find(&m->sm[type], state);
	if (to == RT_SM_NONE) {
		return PM_ERR_NOENT;
	}
	(void)move(m, r, to, "reported by the orchestrator", now);
	settle(m, now);
	return PM_OK;
}

pm_status rt_resmon_report_policy(struct rt_resmon *m, uint32_t scenario, enum rt_policy policy)
{
	struct rt_resource *r = m != NULL ? res(m, RT_RES_SCENARIO, scenario) : NULL;
	if (r == NULL || (unsigned)policy > RT_POLICY_DENIED) {
		return r == NULL ? PM_ERR_NOENT : PM_ERR_INVAL;
	}
	r->policy = (uint8_t)policy;
	return PM_OK;
}

static bool stat_metric_on(const struct rt_anomaly_spec *a, enum rt_metric met)
{
	for (uint32_t i = 0; i < a->n_stat_metrics && i < PM_MAX_METRICS; i++) {
		if (a->stat_metrics[i] == (uint32_t)met) {
			return true;
		}
	}
	return false;
}

static void observe(struct rt_resmon *m, struct rt_resource *r, enum rt_metric met, double value, pm_ns now)
{
	r->metric[met] = value;
	r->metric_have |= UINT32_C(1) << met;
	char msg[RT_REC_TEXT];
	for (uint32_t i = 0; i < m->n_thresholds; i++) {
		const struct rt_threshold_spec *s = &m->thresholds[i];
		enum rt_level from = RT_LEVEL_OK;
		if (s->metric != (uint32_t)met || !rt_threshold_update(s, &r->thr[i], value, now, &from)) {
			continue;
		}
		enum rt_level to = (enum rt_level)r->thr[i].level;
		fmt(msg, sizeof(msg), "%s %.3f: %s -> %s (warning %.3f, critical %.3f)", rt_metric_name(met),
		    value, rt_level_name(from), rt_level_name(to), s->warning, s->critical);
		if (to == RT_LEVEL_OK) {
			alert_clear(m, r, RT_ALERT_THRESHOLD, (uint32_t)met, "threshold-cleared", msg, now);
		} else {
			alert_raise(m, r, RT_ALERT_THRESHOLD, (uint32_t)met, (uint32_t)to, "threshold", msg,
			            now);
		}
	}
	const struct rt_anomaly_spec *a = &m->anomaly;
	if (!a->enabled || !stat_metric_on(a, met)) {
		return;
	}
	struct rt_baseline *b = &r->stat[met];
	double mean = b->mean;
	double z = 0.0;
	enum rt_anomaly_verdict v = rt_baseline_observe(a, b, value, now, &z);
	if (v == RT_AN_ANOMALY) {
		r->stat_normal_run[met] = 0;
		if (!r->stat_anomalous[met]) {
			r->stat_anomalous[met] = 1;
			fmt(msg, sizeof(msg), "%s %.3f outside its baseline %.3f (z %.1f > %.0f sigma)",
			    rt_metric_name(met), value, mean, z,
			    rt_sensitivity_sigma((enum rt_sensitivity)a->sensitivity));
			alert_raise(m, r, RT_ALERT_ANOMALY, (uint32_t)met, RT_SEV_WARNING, "anomaly", msg,
			            now);
		}
	} else if (v == RT_AN_NORMAL && r->stat_anomalous[met]) {
		if (++r->stat_normal_run[met] >= a->clear_after) {
			r->stat_anomalous[met] = 0;
			r->stat_normal_run[met] = 0;
			fmt(msg, sizeof(msg), "%s back within its baseline", rt_metric_name(met));
			alert_clear(m, r, RT_ALERT_ANOMALY, (uint32_t)met, "anomaly-cleared", msg, now);
		}
	}
}

pm_status rt_resmon_observe_metric(struct rt_resmon *m, enum rt_resource_type type, uint32_t index,
                                   enum rt_metric metric, double value, pm_ns now)
{
	if (m == NULL || (unsigned)metric >= RT_MET_COUNT || isnan(value)) {
		return PM_ERR_INVAL;
	}
	if (!m->started) {
		return PM_ERR_STATE;
	}
	struct rt_resource *r = res(m, (uint32_t)type, index);
	if (r == NULL) {
		return PM_ERR_NOENT;
	}
	observe(m, r, metric, value, now);
	if (type == RT_RES_MODEL && metric == RT_MET_MEMORY_MB && r->memory_limit_bytes > 0) {
		double pct = value * 1048576.0 * 100.0 / (double)r->memory_limit_bytes;
		observe(m, r, RT_MET_MEMORY_USAGE, pct, now);
	}
	return PM_OK;
}

pm_status rt_resmon_observe_error(struct rt_resmon *m, enum rt_resource_type type, uint32_t index, pm_ns now)
{
	if (m == NULL) {
		return PM_ERR_INVAL;
	}
	if (!m->started) {
		return PM_ERR_STATE;
	}
	struct rt_resource *r = res(m, (uint32_t)type, index);
	if (r == NULL) {
		return PM_ERR_NOENT;
	}
	error_seen(m, r, now);
	return PM_OK;
}

pm_status rt_resmon_scenario_execution(struct rt_resmon *m, uint32_t scenario, pm_ns duration, bool success,
                                       pm_ns now)
{
	if (m == NULL) {
		return PM_ERR_INVAL;
	}
	if (!m->started) {
		return PM_ERR_STATE;
	}
	struct rt_resource *r = res(m, RT_RES_SCENARIO, scenario);
	if (r == NULL) {
		return PM_ERR_NOENT;
	}
	r->exec_count++;
	package_used(m, r, now);
	if (success) {
		exec_end_success(m, r, duration, now);
	} else {
		r->exec_failures++;
		r->last_result = RT_EXEC_FAILURE;
		scenario_metrics_changed(m, r, now);
	}
	return PM_OK;
}

pm_status rt_resmon_apply(struct rt_resmon *m, const struct rt_resmon_obs *obs)
{
	if (m == NULL || obs == NULL) {
		return PM_ERR_INVAL;
	}
	switch (obs->kind) {
	case RT_OBS_MODEL_EVENT:
		if (obs->type != RT_RES_MODEL) {
			return PM_ERR_INVAL;
		}
		return rt_resmon_model_event(m, obs->index, (enum rt_sm_event)obs->code, obs->at);
	case RT_OBS_METRIC:
		return rt_resmon_observe_metric(m, (enum rt_resource_type)obs->type, obs->index,
		                                (enum rt_metric)obs->code, obs->value, obs->at);
	case RT_OBS_ERROR:
		return rt_resmon_observe_error(m, (enum rt_resource_type)obs->type, obs->index, obs->at);
	case RT_OBS_EXECUTION:
		if (obs->type != RT_RES_SCENARIO) {
			return PM_ERR_INVAL;
		}
		return rt_resmon_scenario_execution(m, obs->index, obs->duration, obs->value != 0.0, obs->at);
	default:
		return PM_ERR_INVAL;
	}
}

void rt_resmon_tick(struct rt_resmon *m, pm_ns now)
{
	assert(m != NULL);
	if (!m->started) {
		return;
	}
	for (uint32_t t = 0; t < RT_RES_TYPE_COUNT; t++) {
		const struct rt_sm_def *def = &m->sm[t];
		for (uint32_t i = 0; i < m->count[t]; i++) {
			struct rt_resource *r = res(m, t, i);
			if (m->alert_stuck && rt_sm_track_check_stuck(&r->sm, def, now)) {
				const struct rt_sm_state_def *s = &def->states[r->sm.state];
				char msg[RT_REC_TEXT];
				fmt(msg, sizeof(msg), "in %s for %.0f ms (threshold %.0f ms)", s->name,
				    rt_ns_to_ms(now - r->sm.since), rt_ns_to_ms(s->stuck_ns));
				alert_raise(m, r, RT_ALERT_STUCK, 0, RT_SEV_WARNING, "stuck-state", msg, now);
			}
			const struct rt_anomaly_spec *a = &m->anomaly;
			for (uint32_t w = 0; w < 2 && a->enabled && a->window_ns > 0; w++) {
				if (rt_pattern_roll(a, &r->pattern[w], now)) {
					alert_clear(m, r, RT_ALERT_PATTERN, w, "pattern-cleared",
					            "window closed", now);
				}
			}
		}
	}
}

pm_status rt_resmon_affected_scenarios(struct rt_resmon *m, enum rt_resource_type type, uint32_t index,
                                       uint32_t *out, uint32_t cap, uint32_t *n)
{
	if (m == NULL || (out == NULL && cap > 0)) {
		return PM_ERR_INVAL;
	}
	if (!m->started) {
		return PM_ERR_STATE;
	}
	if (res(m, (uint32_t)type, index) == NULL) {
		return PM_ERR_NOENT;
	}
	(void)rt_dep_graph_affected(&m->graph, rt_dep_node_id((uint32_t)type, index), m->affected);
	uint32_t found = 0;
	for (uint32_t i = 0; i < m->count[RT_RES_SCENARIO]; i++) {
		if (m->affected[rt_dep_node_id(RT_RES_SCENARIO, i)] != 0) {
			if (found < cap) {
				out[found] = i;
			}
			found++;
		}
	}
	if (n != NULL) {
		*n = found;
	}
	return found > cap ? PM_ERR_NOSPACE : PM_OK;
}

const char *rt_resmon_state_name(const struct rt_resmon *m, enum rt_resource_type type, uint32_t index)
{
	const struct rt_resource *r = m != NULL ? rt_resmon_get(m, type, index) : NULL;
	if (r == NULL) {
		return NULL;
	}
	return m->sm[type].states[r->sm.state].name;
}
