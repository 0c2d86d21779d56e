/* kind: MonitoringConfig: the HLD §3-§5 blocks under their HLD names and picmon's `monitor` block,
 * merged field by field over the HLD defaults (a list that is given replaces the default list). */
#include <assert.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void set_str(char *dst, size_t cap, const char *src)
{
	(void)snprintf(dst, cap, "%s", src);
}

static const char *const res_type_names[] = { "scenario", "package", "model", "node" };

static const char *const scenario_metrics[] = { "active_state",           "execution_count",
	                                        "average_execution_time", "last_execution_time",
	                                        "failure_rate",           "dependency_status",
	                                        "response_time",          "resource_utilization" };
static const char *const package_metrics[] = { "deployment_status", "version",    "usage_count",
	                                       "memory_usage",      "disk_usage", "load_time",
	                                       "active_scenarios",  "uptime" };
static const char *const model_metrics[] = { "load_status",        "load_time",     "inference_time",
	                                     "throughput",         "latency",       "accuracy",
	                                     "memory_usage",       "cpu_usage",     "gpu_usage",
	                                     "gpu_memory_usage",   "uptime",        "restart_count",
	                                     "network_traffic",    "response_time", "error_count",
	                                     "deadline_miss_count" };

static void default_metrics(struct rt_resource_monitoring_cfg *r, const char *const *names, size_t n,
                            pm_ns interval)
{
	r->enabled = true;
	r->collection_interval_ns = interval;
	r->n_metrics = (uint16_t)n;
	for (size_t i = 0; i < n; i++) {
		set_str(r->metrics[i], PM_MAX_NAME, names[i]);
	}
}

static void default_machine(struct rt_state_machine_cfg *m, const char *const *states, size_t n)
{
	m->given = false;
	m->n_states = (uint16_t)n;
	for (size_t i = 0; i < n; i++) {
		set_str(m->states[i], PM_MAX_NAME, states[i]);
	}
}

/* Field by field into the zeroed table: a compound literal would copy indeterminate padding, and
 * two loads of the same files must give identical bytes. */
static void default_threshold(struct rt_metric_threshold *t, const char *name, enum rt_quantity_unit unit,
                              int64_t warning, int64_t critical)
{
	set_str(t->name, PM_MAX_NAME, name);
	t->unit = unit;
	t->warning = warning;
	t->critical = critical;
}

void cfg_defaults(struct rt_config *cfg)
{
	/* HLD §3.1 */
	struct rt_state_monitoring_cfg *sm = &cfg->state_monitoring;
	sm->enabled = true;
	sm->track_state_transitions = true;
	sm->track_time_in_state = true;
	sm->alert_unexpected_transitions = true;
	sm->stuck_states_enabled = true;
	sm->n_stuck = 2;
	set_str(sm->stuck[0].state, PM_MAX_NAME, "loading");
	sm->stuck[0].threshold_ns = 30 * PM_NS_PER_S;
	set_str(sm->stuck[1].state, PM_MAX_NAME, "initializing");
	sm->stuck[1].threshold_ns = 60 * PM_NS_PER_S;

	/* HLD §3.2 */
	struct rt_performance_cfg *pf = &cfg->performance;
	pf->collection_interval_ns = 10 * PM_NS_PER_S;
	pf->n_metrics = 3;
	default_threshold(&pf->metrics[0], "execution_time", RT_QTY_DURATION, 500 * PM_NS_PER_MS,
	                  1000 * PM_NS_PER_MS);
	default_threshold(&pf->metrics[1], "memory_usage", RT_QTY_PERCENT, 8000, 9500);
	default_threshold(&pf->metrics[2], "failure_rate", RT_QTY_PERCENT, 500, 1000);

	/* HLD §3.3 + §4.3 */
	struct rt_dependency_cfg *dp = &cfg->dependency;
	dp->enabled = true;
	dp->types = RT_DEP_PARENT_CHILD_BIT | RT_DEP_USES_BIT | RT_DEP_REQUIRES_BIT;
	dp->status_propagation = true;
	dp->impact_analysis = true;
	dp->n_rules = 2;
	set_str(dp->rules[0].from_state, PM_MAX_NAME, "failed");
	dp->rules[0].impact = RT_IMPACT_CRITICAL;
	set_str(dp->rules[1].from_state, PM_MAX_NAME, "degraded");
	dp->rules[1].impact = RT_IMPACT_WARNING;

	/* HLD §4.1 */
	static const char *const sc_default[] = { "active_state", "execution_count", "average_execution_time",
		                                  "failure_rate" };
	static const char *const pk_default[] = { "deployment_status", "version", "usage_count",
		                                  "memory_usage" };
	static const char *const md_default[] = { "load_status", "inference_time", "throughput",
		                                  "accuracy",    "memory_usage",   "gpu_usage" };
	default_metrics(&cfg->resource_monitoring[RT_RES_SCENARIO], sc_default, N(sc_default),
	                5 * PM_NS_PER_S);
	default_metrics(&cfg->resource_monitoring[RT_RES_PACKAGE], pk_default, N(pk_default),
	                30 * PM_NS_PER_S);
	default_metrics(&cfg->resource_monitoring[RT_RES_MODEL], md_default, N(md_default), 10 * PM_NS_PER_S);

	/* HLD §4.2 */
	struct rt_state_tracking_cfg *st = &cfg->state_tracking;
	st->enabled = true;
	st->transition_history = true;
	st->transition_duration = true;
	static const char *const sc_states[] = { "inactive", "active", "failed" };
	static const char *const pk_states[] = { "undeployed", "deploying", "deployed", "failed" };
	static const char *const md_states[] = { "unloaded", "loading", "loaded", "error" };
	default_machine(&st->machine[RT_RES_SCENARIO], sc_states, N(sc_states));
	default_machine(&st->machine[RT_RES_PACKAGE], pk_states, N(pk_states));
	default_machine(&st->machine[RT_RES_MODEL], md_states, N(md_states));

	/* HLD §4.4 */
	struct rt_anomaly_cfg *an = &cfg->anomaly;
	an->enabled = true;
	an->n_methods = 2;
	an->methods[0].type = RT_ANOMALY_STATISTICAL;
	an->methods[0].sensitivity = RT_SENS_MEDIUM;
	an->methods[0].n_metrics = 2;
	set_str(an->methods[0].metrics[0], PM_MAX_NAME, "execution_time");
	set_str(an->methods[0].metrics[1], PM_MAX_NAME, "memory_usage");
	an->methods[1].type = RT_ANOMALY_PATTERN_BASED;
	an->methods[1].sensitivity = RT_SENS_MEDIUM;
	an->methods[1].window_ns = PM_NS_PER_HOUR;
	an->methods[1].n_metrics = 2;
	set_str(an->methods[1].metrics[0], PM_MAX_NAME, "state_transitions");
	set_str(an->methods[1].metrics[1], PM_MAX_NAME, "error_counts");
	an->auto_learn = true;
	an->learning_period_ns = 7 * PM_NS_PER_DAY;

	/* HLD §5.1; a local etcd without TLS unless configured (the HLD's certificates are site specific). */
	struct rt_storage_cfg *ds = &cfg->storage;
	ds->n_endpoints = 1;
	set_str(ds->endpoints[0], PM_MAX_NAME, "127.0.0.1:2379");
	set_str(ds->prefix, PM_MAX_PATH, "/piccolo/monitoring");
	set_str(ds->key_resource, PM_MAX_PATH, "{resource_type}/{resource_id}");
	set_str(ds->key_metric, PM_MAX_PATH, "{resource_type}/{resource_id}/metrics/{metric_name}");
	set_str(ds->key_state, PM_MAX_PATH, "{resource_type}/{resource_id}/state");
	set_str(ds->key_event, PM_MAX_PATH, "{resource_type}/{resource_id}/events/{timestamp}");
	ds->retention_metrics_ns = 30 * PM_NS_PER_DAY;
	ds->retention_events_ns = 90 * PM_NS_PER_DAY;
	ds->retention_state_transitions_ns = 60 * PM_NS_PER_DAY;
	ds->compaction_interval_ns = 24 * PM_NS_PER_HOUR;
	set_str(ds->compaction_policy, PM_MAX_LABEL, "revision-based");
	ds->value_format = RT_VALUE_PROTOBUF;

	/* HLD §5.2 */
	struct rt_access_cfg *da = &cfg->access;
	da->n_apis = 3;
	set_str(da->apis[0].name, PM_MAX_NAME, "GetResourceMetrics");
	set_str(da->apis[0].path, PM_MAX_PATH,
	        "/api/v1/monitoring/resources/{resource_type}/{resource_id}/metrics");
	set_str(da->apis[1].name, PM_MAX_NAME, "GetResourceState");
	set_str(da->apis[1].path, PM_MAX_PATH,
	        "/api/v1/monitoring/resources/{resource_type}/{resource_id}/state");
	set_str(da->apis[2].name, PM_MAX_NAME, "GetResourceEvents");
	set_str(da->apis[2].path, PM_MAX_PATH,
	        "/api/v1/monitoring/resources/{resource_type}/{resource_id}/events");
	da->prefix_search = true;
	da->range_queries = true;
	da->transaction_support = true;

	/* DESIGN §3 thread table */
	struct rt_monitor_cfg *mo = &cfg->monitor;
	mo->supervisor.policy = RT_SCHED_FIFO;
	mo->supervisor.priority = 80;
	mo->sampler.policy = RT_SCHED_FIFO;
	mo->sampler.priority = 50;
	mo->writer.policy = RT_SCHED_OTHER;
	mo->writer.priority = 0;
	mo->supervision_tick_ns = PM_NS_PER_S;
	set_str(mo->journal_path, PM_MAX_PATH, "/var/lib/picmon/journal");
	mo->journal_max_bytes = UINT64_C(64) << 20;
	mo->fsync_interval_ns = 100 * PM_NS_PER_MS;
	set_str(mo->api_listen, PM_MAX_NAME, "127.0.0.1:9100");
	set_str(mo->shm_name, PM_MAX_NAME, "/picmon");
}

/* ---- helpers ---- */

static void opt_bool(struct cfg_ctx *ctx, yaml_node_t *map, const char *key, bool *dst)
{
	yaml_node_t *v = cfg_get(ctx, map, key);
	if (v != NULL) {
		(void)cfg_bool(ctx, v, key, dst);
	}
}

static void opt_duration(struct cfg_ctx *ctx, yaml_node_t *map, const char *key, pm_ns min, pm_ns max,
                         pm_ns *dst)
{
	yaml_node_t *v = cfg_get(ctx, map, key);
	if (v != NULL) {
		(void)cfg_duration(ctx, v, key, min, max, dst);
	}
}

static bool is_identifier(const char *s)
{
	if (s[0] == '\0') {
		return false;
	}
	for (const char *p = s; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-')) {
			return false;
		}
	}
	return true;
}

/* host:port with a port in 1..65535 (host may be a name, IPv4, or [IPv6]). */
static bool check_hostport(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, const char *text)
{
	const char *colon = strrchr(text, ':');
	if (colon == NULL || colon == text) {
		cfg_err(ctx, node, "'%s' must be host:port, got '%s'", key, text);
		return false;
	}
	int64_t port = 0;
	if (rt_i64_parse(colon + 1, strlen(colon + 1), 1, 65535, &port) != PM_OK) {
		cfg_err(ctx, node, "'%s' has an invalid port in '%s' (allowed 1..65535)", key, text);
		return false;
	}
	return true;
}

/* ---- HLD §3.1 resource_state_monitoring ---- */

static void parse_state_monitoring(struct cfg_ctx *ctx, yaml_node_t *n)
{
	struct rt_state_monitoring_cfg *sm = &ctx->cfg->state_monitoring;
	static const char *const keys[] = { "enabled", "tracking", "alerting" };
	if (!cfg_check_map(ctx, n, "resource_state_monitoring", keys, N(keys))) {
		return;
	}
	opt_bool(ctx, n, "enabled", &sm->enabled);
	yaml_node_t *tr = cfg_get(ctx, n, "tracking");
	static const char *const tr_keys[] = { "state_transitions", "time_in_state" };
	if (tr != NULL && cfg_check_map(ctx, tr, "tracking", tr_keys, N(tr_keys))) {
		opt_bool(ctx, tr, "state_transitions", &sm->track_state_transitions);
		opt_bool(ctx, tr, "time_in_state", &sm->track_time_in_state);
	}
	yaml_node_t *al = cfg_get(ctx, n, "alerting");
	static const char *const al_keys[] = { "unexpected_transitions", "stuck_states" };
	if (al == NULL || !cfg_check_map(ctx, al, "alerting", al_keys, N(al_keys))) {
		return;
	}
	opt_bool(ctx, al, "unexpected_transitions", &sm->alert_unexpected_transitions);
	yaml_node_t *ss = cfg_get(ctx, al, "stuck_states");
	static const char *const ss_keys[] = { "enabled", "thresholds" };
	if (ss == NULL || !cfg_check_map(ctx, ss, "stuck_states", ss_keys, N(ss_keys))) {
		return;
	}
	opt_bool(ctx, ss, "enabled", &sm->stuck_states_enabled);
	yaml_node_t *th = cfg_get(ctx, ss, "thresholds");
	if (th == NULL || !cfg_check_map(ctx, th, "thresholds", NULL, 0)) {
		return;
	}
	sm->n_stuck = 0;
	for (yaml_node_pair_t *p = th->data.mapping.pairs.start; p < th->data.mapping.pairs.top; p++) {
		yaml_node_t *k = cfg_node(ctx, p->key);
		yaml_node_t *v = cfg_node(ctx, p->value);
		if (sm->n_stuck == PM_MAX_STATES) {
			cfg_err(ctx, k, "more than %d stuck-state thresholds (limit PM_MAX_STATES)",
			        PM_MAX_STATES);
			break;
		}
		struct rt_state_threshold *t = &sm->stuck[sm->n_stuck];
		if (k == NULL || k->type != YAML_SCALAR_NODE ||
		    !cfg_str(ctx, k, "thresholds", t->state, sizeof(t->state), "PM_MAX_NAME")) {
			continue;
		}
		if (cfg_duration(ctx, v, t->state, PM_NS_PER_MS, 30 * PM_NS_PER_DAY, &t->threshold_ns)) {
			sm->n_stuck++;
		}
	}
}

/* ---- HLD §3.2 performance_monitoring ---- */

/* A threshold is a duration, a percentage, a size or a plain number, told apart by its unit. */
static bool threshold_value(struct cfg_ctx *ctx, yaml_node_t *v, const char *key, enum rt_quantity_unit *unit,
                            int64_t *out)
{
	const char *t;
	size_t len;
	if (!cfg_scalar(ctx, v, key, "a threshold such as 500ms, 80% or 512Mi", &t, &len)) {
		return false;
	}
	pm_ns ns = 0;
	uint32_t bp = 0;
	uint64_t bytes = 0;
	int64_t num = 0;
	if (len > 0 && t[len - 1] == '%') {
		*unit = RT_QTY_PERCENT;
		if (!cfg_percent(ctx, v, key, &bp)) {
			return false;
		}
		*out = bp;
		return true;
	}
	if (rt_i64_parse(t, len, 0, INT64_MAX, &num) == PM_OK) {
		*unit = RT_QTY_NUMBER;
		*out = num;
		return true;
	}
	if (rt_duration_parse(t, len, &ns) == PM_OK) {
		*unit = RT_QTY_DURATION;
		*out = ns;
		return true;
	}
	if (rt_size_parse(t, len, &bytes) == PM_OK && bytes <= (uint64_t)INT64_MAX) {
		*unit = RT_QTY_SIZE;
		*out = (int64_t)bytes;
		return true;
	}
	cfg_err(ctx, v, "'%s' must be a threshold such as 500ms, 80%%, 512Mi or a number, got '%.*s'", key,
	        (int)(len > 40 ? 40 : len), t);
	return false;
}

static void parse_performance(struct cfg_ctx *ctx, yaml_node_t *n)
{
	struct rt_performance_cfg *pf = &ctx->cfg->performance;
	static const char *const keys[] = { "collection_interval", "metrics" };
	if (!cfg_check_map(ctx, n, "performance_monitoring", keys, N(keys))) {
		return;
	}
	opt_duration(ctx, n, "collection_interval", 10 * PM_NS_PER_MS, PM_NS_PER_DAY,
	             &pf->collection_interval_ns);
	yaml_node_t *ms = cfg_get(ctx, n, "metrics");
	if (ms == NULL || !cfg_is_seq(ctx, ms, "metrics")) {
		return;
	}
	pf->n_metrics = 0;
	static const char *const m_keys[] = { "name", "threshold_warning", "threshold_critical" };
	for (size_t i = 0; i < cfg_seq_len(ms); i++) {
		yaml_node_t *m = cfg_seq_at(ctx, ms, i);
		if (pf->n_metrics == PM_MAX_METRICS) {
			cfg_err(ctx, m, "more than %d metrics (limit PM_MAX_METRICS)", PM_MAX_METRICS);
			break;
		}
		if (!cfg_check_map(ctx, m, "metrics[]", m_keys, N(m_keys))) {
			continue;
		}
		struct rt_metric_threshold th;
		memset(&th, 0, sizeof(th));
		yaml_node_t *name = cfg_get(ctx, m, "name");
		yaml_node_t *w = cfg_get(ctx, m, "threshold_warning");
		yaml_node_t *c = cfg_get(ctx, m, "threshold_critical");
		bool ok = true;
		if (name == NULL) {
			cfg_missing(ctx, m, "name");
			ok = false;
		} else if (!cfg_str(ctx, name, "name", th.name, sizeof(th.name), "PM_MAX_NAME")) {
			ok = false;
		} else if (!is_identifier(th.name)) {
			cfg_err(ctx, name, "metric name '%s' must be lower case letters, digits, '_' and '-'",
			        th.name);
			ok = false;
		}
		for (uint16_t k = 0; ok && k < pf->n_metrics; k++) {
			if (strcmp(pf->metrics[k].name, th.name) == 0) {
				cfg_err(ctx, name, "duplicate metric '%s'", th.name);
				ok = false;
			}
		}
		enum rt_quantity_unit uw = RT_QTY_NUMBER;
		enum rt_quantity_unit uc = RT_QTY_NUMBER;
		if (w == NULL) {
			cfg_missing(ctx, m, "threshold_warning");
			ok = false;
		} else if (!threshold_value(ctx, w, "threshold_warning", &uw, &th.warning)) {
			ok = false;
		}
		if (c == NULL) {
			cfg_missing(ctx, m, "threshold_critical");
			ok = false;
		} else if (!threshold_value(ctx, c, "threshold_critical", &uc, &th.critical)) {
			ok = false;
		}
		if (!ok) {
			continue;
		}
		if (uw != uc) {
			cfg_err(ctx, c,
			        "threshold_critical of '%s' has a different unit than threshold_warning",
			        th.name);
			continue;
		}
		if (th.warning > th.critical) {
			cfg_err(ctx, w, "threshold_warning of '%s' exceeds its threshold_critical", th.name);
			continue;
		}
		th.unit = uw;
		pf->metrics[pf->n_metrics++] = th;
	}
}

/* ---- HLD §3.3 + §4.3 dependency_monitoring ---- */

static const char *const dep_type_names[] = { "parent_child", "uses", "requires" };
static const char *const impact_names[] = { "none", "info", "warning", "critical" };

static void parse_dependency_map(struct cfg_ctx *ctx, yaml_node_t *dm)
{
	if (!cfg_is_seq(ctx, dm, "dependency_map")) {
		return;
	}
	static const char *const e_keys[] = { "resource", "type", "depends_on" };
	static const char *const d_keys[] = { "type", "id" };
	for (size_t i = 0; i < cfg_seq_len(dm); i++) {
		yaml_node_t *e = cfg_seq_at(ctx, dm, i);
		if (!cfg_check_map(ctx, e, "dependency_map[]", e_keys, N(e_keys))) {
			continue;
		}
		char from[PM_MAX_NAME];
		int from_type = -1;
		yaml_node_t *r = cfg_get(ctx, e, "resource");
		if (r == NULL) {
			cfg_missing(ctx, e, "resource");
			continue;
		}
		if (!cfg_str(ctx, r, "resource", from, sizeof(from), "PM_MAX_NAME")) {
			continue;
		}
		yaml_node_t *t = cfg_get(ctx, e, "type");
		if (t != NULL && !cfg_enum(ctx, t, "type", res_type_names, 3, &from_type)) {
			continue;
		}
		yaml_node_t *deps = cfg_get(ctx, e, "depends_on");
		if (deps == NULL) {
			cfg_missing(ctx, e, "depends_on");
			continue;
		}
		if (!cfg_is_seq(ctx, deps, "depends_on")) {
			continue;
		}
		for (size_t k = 0; k < cfg_seq_len(deps); k++) {
			yaml_node_t *d = cfg_seq_at(ctx, deps, k);
			if (!cfg_check_map(ctx, d, "depends_on[]", d_keys, N(d_keys))) {
				continue;
			}
			if (ctx->n_dep_edges == PM_MAX_DEPENDENCIES) {
				cfg_err(ctx, d,
				        "more than %d dependency_map edges (limit PM_MAX_DEPENDENCIES)",
				        PM_MAX_DEPENDENCIES);
				return;
			}
			struct cfg_dep_edge *edge = &ctx->dep_edges[ctx->n_dep_edges];
			memset(edge, 0, sizeof(*edge));
			yaml_node_t *dt = cfg_get(ctx, d, "type");
			yaml_node_t *id = cfg_get(ctx, d, "id");
			bool ok = true;
			if (dt == NULL) {
				cfg_missing(ctx, d, "type");
				ok = false;
			} else if (!cfg_enum(ctx, dt, "type", res_type_names, 3, &edge->to_type)) {
				ok = false;
			}
			if (id == NULL) {
				cfg_missing(ctx, d, "id");
				ok = false;
			} else if (!cfg_str(ctx, id, "id", edge->to, sizeof(edge->to), "PM_MAX_NAME")) {
				ok = false;
			}
			if (!ok) {
				continue;
			}
			memcpy(edge->from, from, sizeof(from));
			edge->from_type = from_type;
			edge->from_loc = cfg_node_loc(ctx, r);
			edge->to_loc = cfg_node_loc(ctx, id);
			ctx->n_dep_edges++;
		}
	}
}

static void parse_rules(struct cfg_ctx *ctx, yaml_node_t *rules)
{
	struct rt_dependency_cfg *dp = &ctx->cfg->dependency;
	if (!cfg_is_seq(ctx, rules, "propagation_rules")) {
		return;
	}
	dp->n_rules = 0;
	static const char *const r_keys[] = { "from_state", "impact" };
	for (size_t i = 0; i < cfg_seq_len(rules); i++) {
		yaml_node_t *r = cfg_seq_at(ctx, rules, i);
		if (dp->n_rules == PM_MAX_RULES) {
			cfg_err(ctx, r, "more than %d propagation rules (limit PM_MAX_RULES)", PM_MAX_RULES);
			break;
		}
		if (!cfg_check_map(ctx, r, "propagation_rules[]", r_keys, N(r_keys))) {
			continue;
		}
		struct rt_propagation_rule_cfg rule;
		memset(&rule, 0, sizeof(rule));
		yaml_node_t *fs = cfg_get(ctx, r, "from_state");
		yaml_node_t *im = cfg_get(ctx, r, "impact");
		int impact = 0;
		bool ok = true;
		if (fs == NULL) {
			cfg_missing(ctx, r, "from_state");
			ok = false;
		} else if (!cfg_str(ctx, fs, "from_state", rule.from_state, sizeof(rule.from_state),
		                    "PM_MAX_NAME")) {
			ok = false;
		}
		if (im == NULL) {
			cfg_missing(ctx, r, "impact");
			ok = false;
		} else if (!cfg_enum(ctx, im, "impact", impact_names, N(impact_names), &impact)) {
			ok = false;
		}
		for (uint16_t k = 0; ok && k < dp->n_rules; k++) {
			if (strcmp(dp->rules[k].from_state, rule.from_state) == 0) {
				cfg_err(ctx, fs, "duplicate propagation rule for state '%s'",
				        rule.from_state);
				ok = false;
			}
		}
		if (ok) {
			rule.impact = (enum rt_impact)impact;
			dp->rules[dp->n_rules++] = rule;
		}
	}
}

static void parse_dependency(struct cfg_ctx *ctx, yaml_node_t *n)
{
	struct rt_dependency_cfg *dp = &ctx->cfg->dependency;
	static const char *const keys[] = { "enabled", "dependency_types", "propagation", "dependency_map",
		                            "impact_analysis" };
	if (!cfg_check_map(ctx, n, "dependency_monitoring", keys, N(keys))) {
		return;
	}
	opt_bool(ctx, n, "enabled", &dp->enabled);
	yaml_node_t *types = cfg_get(ctx, n, "dependency_types");
	if (types != NULL && cfg_is_seq(ctx, types, "dependency_types")) {
		dp->types = 0;
		for (size_t i = 0; i < cfg_seq_len(types); i++) {
			int t = 0;
			if (cfg_enum(ctx, cfg_seq_at(ctx, types, i), "dependency_types", dep_type_names,
			             N(dep_type_names), &t)) {
				dp->types |= 1u << t;
			}
		}
	}
	yaml_node_t *prop = cfg_get(ctx, n, "propagation");
	static const char *const p_keys[] = { "status_propagation", "impact_analysis" };
	if (prop != NULL && cfg_check_map(ctx, prop, "propagation", p_keys, N(p_keys))) {
		opt_bool(ctx, prop, "status_propagation", &dp->status_propagation);
		opt_bool(ctx, prop, "impact_analysis", &dp->impact_analysis);
	}
	yaml_node_t *dm = cfg_get(ctx, n, "dependency_map");
	if (dm != NULL) {
		parse_dependency_map(ctx, dm);
	}
	yaml_node_t *ia = cfg_get(ctx, n, "impact_analysis");
	static const char *const ia_keys[] = { "enabled", "propagation_rules" };
	if (ia != NULL && cfg_check_map(ctx, ia, "impact_analysis", ia_keys, N(ia_keys))) {
		opt_bool(ctx, ia, "enabled", &dp->impact_analysis);
		yaml_node_t *rules = cfg_get(ctx, ia, "propagation_rules");
		if (rules != NULL) {
			parse_rules(ctx, rules);
		}
	}
}

/* ---- HLD §4.1 resource_monitoring ---- */

static void parse_resource_block(struct cfg_ctx *ctx, yaml_node_t *n, int type, const char *const *known,
                                 size_t n_known)
{
	struct rt_resource_monitoring_cfg *r = &ctx->cfg->resource_monitoring[type];
	static const char *const keys[] = { "enabled", "metrics", "collection_interval" };
	if (!cfg_check_map(ctx, n, res_type_names[type], keys, N(keys))) {
		return;
	}
	opt_bool(ctx, n, "enabled", &r->enabled);
	opt_duration(ctx, n, "collection_interval", 10 * PM_NS_PER_MS, PM_NS_PER_DAY,
	             &r->collection_interval_ns);
	yaml_node_t *ms = cfg_get(ctx, n, "metrics");
	if (ms == NULL) {
		return;
	}
	char names[PM_MAX_METRICS][PM_MAX_NAME];
	memset(names, 0, sizeof(names));
	uint16_t count = 0;
	if (!cfg_str_list(ctx, ms, "metrics", &names[0][0], PM_MAX_NAME, PM_MAX_METRICS, &count,
	                  "PM_MAX_NAME", "PM_MAX_METRICS")) {
		return;
	}
	bool ok = true;
	for (uint16_t i = 0; i < count; i++) {
		bool found = false;
		for (size_t k = 0; k < n_known && !found; k++) {
			found = strcmp(names[i], known[k]) == 0;
		}
		if (!found) {
			char hint[PM_MAX_NAME + 32];
			cfg_suggest(hint, sizeof(hint), names[i], known, n_known);
			cfg_err(ctx, cfg_seq_at(ctx, ms, i), "unknown %s metric '%s'%s", res_type_names[type],
			        names[i], hint);
			ok = false;
		}
	}
	if (ok) {
		memcpy(r->metrics, names, sizeof(names));
		r->n_metrics = count;
	}
}

static void parse_resource_monitoring(struct cfg_ctx *ctx, yaml_node_t *n)
{
	static const char *const keys[] = { "scenario", "package", "model" };
	if (!cfg_check_map(ctx, n, "resource_monitoring", keys, N(keys))) {
		return;
	}
	yaml_node_t *v;
	if ((v = cfg_get(ctx, n, "scenario")) != NULL) {
		parse_resource_block(ctx, v, RT_RES_SCENARIO, scenario_metrics, N(scenario_metrics));
	}
	if ((v = cfg_get(ctx, n, "package")) != NULL) {
		parse_resource_block(ctx, v, RT_RES_PACKAGE, package_metrics, N(package_metrics));
	}
	if ((v = cfg_get(ctx, n, "model")) != NULL) {
		parse_resource_block(ctx, v, RT_RES_MODEL, model_metrics, N(model_metrics));
	}
}

/* ---- HLD §4.2 state_transition_tracking (plus allowed transitions, our extension) ---- */

static int state_index(const struct rt_state_machine_cfg *m, const char *name)
{
	for (uint16_t i = 0; i < m->n_states; i++) {
		if (strcmp(m->states[i], name) == 0) {
			return i;
		}
	}
	return -1;
}

static bool state_ref(struct cfg_ctx *ctx, yaml_node_t *node, const char *key,
                      const struct rt_state_machine_cfg *m, int *out)
{
	char name[PM_MAX_NAME];
	if (!cfg_str(ctx, node, key, name, sizeof(name), "PM_MAX_NAME")) {
		return false;
	}
	*out = state_index(m, name);
	if (*out >= 0) {
		return true;
	}
	const char *cands[PM_MAX_STATES];
	for (uint16_t i = 0; i < m->n_states; i++) {
		cands[i] = m->states[i];
	}
	char hint[PM_MAX_NAME + 32];
	cfg_suggest(hint, sizeof(hint), name, cands, m->n_states);
	cfg_err(ctx, node, "'%s' names state '%s', which is not in the states list%s", key, name, hint);
	return false;
}

static void parse_transitions(struct cfg_ctx *ctx, yaml_node_t *tr, struct rt_state_machine_cfg *m)
{
	if (!cfg_is_seq(ctx, tr, "transitions")) {
		return;
	}
	static const char *const t_keys[] = { "from", "to" };
	m->transitions_given = true;
	for (size_t i = 0; i < cfg_seq_len(tr); i++) {
		yaml_node_t *t = cfg_seq_at(ctx, tr, i);
		if (!cfg_check_map(ctx, t, "transitions[]", t_keys, N(t_keys))) {
			continue;
		}
		yaml_node_t *from = cfg_get(ctx, t, "from");
		yaml_node_t *to = cfg_get(ctx, t, "to");
		int fi = -1;
		if (from == NULL) {
			cfg_missing(ctx, t, "from");
			continue;
		}
		if (to == NULL) {
			cfg_missing(ctx, t, "to");
			continue;
		}
		if (!state_ref(ctx, from, "from", m, &fi)) {
			continue;
		}
		if (to->type == YAML_SEQUENCE_NODE) {
			for (size_t k = 0; k < cfg_seq_len(to); k++) {
				int ti = -1;
				if (state_ref(ctx, cfg_seq_at(ctx, to, k), "to", m, &ti)) {
					m->allowed[fi] |= 1u << ti;
				}
			}
		} else {
			int ti = -1;
			if (state_ref(ctx, to, "to", m, &ti)) {
				m->allowed[fi] |= 1u << ti;
			}
		}
	}
}

static void parse_state_tracking(struct cfg_ctx *ctx, yaml_node_t *n)
{
	struct rt_state_tracking_cfg *st = &ctx->cfg->state_tracking;
	static const char *const keys[] = { "enabled", "resources", "tracking" };
	if (!cfg_check_map(ctx, n, "state_transition_tracking", keys, N(keys))) {
		return;
	}
	opt_bool(ctx, n, "enabled", &st->enabled);
	yaml_node_t *tr = cfg_get(ctx, n, "tracking");
	static const char *const tr_keys[] = { "transition_history", "transition_duration" };
	if (tr != NULL && cfg_check_map(ctx, tr, "tracking", tr_keys, N(tr_keys))) {
		opt_bool(ctx, tr, "transition_history", &st->transition_history);
		opt_bool(ctx, tr, "transition_duration", &st->transition_duration);
	}
	yaml_node_t *rs = cfg_get(ctx, n, "resources");
	if (rs == NULL || !cfg_is_seq(ctx, rs, "resources")) {
		return;
	}
	static const char *const r_keys[] = { "type", "states", "transitions" };
	bool seen[RT_RES_TYPE_COUNT] = { false, false, false, false };
	for (size_t i = 0; i < cfg_seq_len(rs); i++) {
		yaml_node_t *r = cfg_seq_at(ctx, rs, i);
		if (!cfg_check_map(ctx, r, "resources[]", r_keys, N(r_keys))) {
			continue;
		}
		yaml_node_t *t = cfg_get(ctx, r, "type");
		int type = 0;
		if (t == NULL) {
			cfg_missing(ctx, r, "type");
			continue;
		}
		if (!cfg_enum(ctx, t, "type", res_type_names, N(res_type_names), &type)) {
			continue;
		}
		if (seen[type]) {
			cfg_err(ctx, t, "resource type '%s' is listed twice", res_type_names[type]);
			continue;
		}
		seen[type] = true;
		yaml_node_t *states = cfg_get(ctx, r, "states");
		if (states == NULL) {
			cfg_missing(ctx, r, "states");
			continue;
		}
		struct rt_state_machine_cfg m;
		memset(&m, 0, sizeof(m));
		if (!cfg_str_list(ctx, states, "states", &m.states[0][0], PM_MAX_NAME, PM_MAX_STATES,
		                  &m.n_states, "PM_MAX_NAME", "PM_MAX_STATES")) {
			continue;
		}
		if (m.n_states == 0) {
			cfg_err(ctx, states, "'states' must list at least one state");
			continue;
		}
		bool ok = true;
		for (uint16_t a = 0; a < m.n_states; a++) {
			for (uint16_t b = 0; b < a; b++) {
				if (strcmp(m.states[a], m.states[b]) == 0) {
					cfg_err(ctx, cfg_seq_at(ctx, states, a), "duplicate state '%s'",
					        m.states[a]);
					ok = false;
				}
			}
		}
		yaml_node_t *trs = cfg_get(ctx, r, "transitions");
		if (ok && trs != NULL) {
			parse_transitions(ctx, trs, &m);
		}
		if (ok) {
			m.given = true;
			st->machine[type] = m;
		}
	}
}

/* ---- HLD §4.4 anomaly_detection ---- */

static const char *const anomaly_types[] = { "statistical", "pattern_based" };
static const char *const sensitivities[] = { "low", "medium", "high" };

static void parse_anomaly(struct cfg_ctx *ctx, yaml_node_t *n)
{
	struct rt_anomaly_cfg *an = &ctx->cfg->anomaly;
	static const char *const keys[] = { "enabled", "methods", "baseline" };
	if (!cfg_check_map(ctx, n, "anomaly_detection", keys, N(keys))) {
		return;
	}
	opt_bool(ctx, n, "enabled", &an->enabled);
	yaml_node_t *ms = cfg_get(ctx, n, "methods");
	if (ms != NULL && cfg_is_seq(ctx, ms, "methods")) {
		an->n_methods = 0;
		static const char *const m_keys[] = { "type", "metrics", "sensitivity", "window_size" };
		for (size_t i = 0; i < cfg_seq_len(ms); i++) {
			yaml_node_t *m = cfg_seq_at(ctx, ms, i);
			if (an->n_methods == PM_MAX_ANOMALY_METHODS) {
				cfg_err(ctx, m, "more than %d anomaly methods (limit PM_MAX_ANOMALY_METHODS)",
				        PM_MAX_ANOMALY_METHODS);
				break;
			}
			if (!cfg_check_map(ctx, m, "methods[]", m_keys, N(m_keys))) {
				continue;
			}
			struct rt_anomaly_method am;
			memset(&am, 0, sizeof(am));
			am.sensitivity = RT_SENS_MEDIUM;
			am.window_ns = PM_NS_PER_HOUR;
			bool ok = true;
			int e = 0;
			yaml_node_t *t = cfg_get(ctx, m, "type");
			if (t == NULL) {
				cfg_missing(ctx, m, "type");
				ok = false;
			} else if (cfg_enum(ctx, t, "type", anomaly_types, N(anomaly_types), &e)) {
				am.type = (enum rt_anomaly_method_type)e;
			} else {
				ok = false;
			}
			yaml_node_t *s = cfg_get(ctx, m, "sensitivity");
			if (s != NULL) {
				if (cfg_enum(ctx, s, "sensitivity", sensitivities, N(sensitivities), &e)) {
					am.sensitivity = (enum rt_sensitivity)e;
				} else {
					ok = false;
				}
			}
			yaml_node_t *w = cfg_get(ctx, m, "window_size");
			if (w != NULL && !cfg_duration(ctx, w, "window_size", PM_NS_PER_S, 30 * PM_NS_PER_DAY,
			                               &am.window_ns)) {
				ok = false;
			}
			yaml_node_t *mm = cfg_get(ctx, m, "metrics");
			if (mm == NULL) {
				cfg_missing(ctx, m, "metrics");
				ok = false;
			} else if (!cfg_str_list(ctx, mm, "metrics", &am.metrics[0][0], PM_MAX_NAME,
			                         PM_MAX_METRICS, &am.n_metrics, "PM_MAX_NAME",
			                         "PM_MAX_METRICS")) {
				ok = false;
			}
			if (ok) {
				an->methods[an->n_methods++] = am;
			}
		}
	}
	yaml_node_t *b = cfg_get(ctx, n, "baseline");
	static const char *const b_keys[] = { "auto_learn", "learning_period" };
	if (b != NULL && cfg_check_map(ctx, b, "baseline", b_keys, N(b_keys))) {
		opt_bool(ctx, b, "auto_learn", &an->auto_learn);
		opt_duration(ctx, b, "learning_period", PM_NS_PER_MIN, 365 * PM_NS_PER_DAY,
		             &an->learning_period_ns);
	}
}

/* ---- HLD §5.1 data_storage ---- */

static void key_pattern(struct cfg_ctx *ctx, yaml_node_t *ks, const char *key, char *dst, const char *need)
{
	yaml_node_t *v = cfg_get(ctx, ks, key);
	char tmp[PM_MAX_PATH];
	if (v == NULL || !cfg_str(ctx, v, key, tmp, sizeof(tmp), "PM_MAX_PATH")) {
		return;
	}
	static const char *const always[] = { "{resource_type}", "{resource_id}" };
	for (size_t i = 0; i < N(always); i++) {
		if (strstr(tmp, always[i]) == NULL) {
			cfg_err(ctx, v, "key_structure.%s must contain %s", key, always[i]);
			return;
		}
	}
	if (need != NULL && strstr(tmp, need) == NULL) {
		cfg_err(ctx, v, "key_structure.%s must contain %s", key, need);
		return;
	}
	memcpy(dst, tmp, sizeof(tmp));
}

static void tls_file(struct cfg_ctx *ctx, yaml_node_t *tls, const char *key, char *dst)
{
	yaml_node_t *v = cfg_get(ctx, tls, key);
	if (v != NULL) {
		(void)cfg_str(ctx, v, key, dst, PM_MAX_PATH, "PM_MAX_PATH");
	}
}

static void parse_storage(struct cfg_ctx *ctx, yaml_node_t *n)
{
	struct rt_storage_cfg *ds = &ctx->cfg->storage;
	static const char *const keys[] = { "type",      "configuration", "data_organization",
		                            "retention", "compaction",    "value_format" };
	if (!cfg_check_map(ctx, n, "data_storage", keys, N(keys))) {
		return;
	}
	static const char *const types[] = { "etcd" };
	static const char *const formats[] = { "protobuf", "json" };
	int e = 0;
	yaml_node_t *v;
	if ((v = cfg_get(ctx, n, "type")) != NULL) {
		(void)cfg_enum(ctx, v, "type", types, N(types), &e);
	}
	if ((v = cfg_get(ctx, n, "value_format")) != NULL &&
	    cfg_enum(ctx, v, "value_format", formats, N(formats), &e)) {
		ds->value_format = (enum rt_value_format)e;
	}
	yaml_node_t *c = cfg_get(ctx, n, "configuration");
	static const char *const c_keys[] = { "endpoints", "tls" };
	if (c != NULL && cfg_check_map(ctx, c, "configuration", c_keys, N(c_keys))) {
		yaml_node_t *eps = cfg_get(ctx, c, "endpoints");
		char tmp[PM_MAX_ENDPOINTS][PM_MAX_NAME];
		memset(tmp, 0, sizeof(tmp));
		uint16_t count = 0;
		if (eps != NULL &&
		    cfg_str_list(ctx, eps, "endpoints", &tmp[0][0], PM_MAX_NAME, PM_MAX_ENDPOINTS, &count,
		                 "PM_MAX_NAME", "PM_MAX_ENDPOINTS")) {
			bool ok = count > 0;
			if (count == 0) {
				cfg_err(ctx, eps, "'endpoints' must list at least one etcd endpoint");
			}
			for (uint16_t i = 0; i < count; i++) {
				ok = check_hostport(ctx, cfg_seq_at(ctx, eps, i), "endpoints", tmp[i]) && ok;
			}
			if (ok) {
				memcpy(ds->endpoints, tmp, sizeof(tmp));
				ds->n_endpoints = count;
			}
		}
		yaml_node_t *tls = cfg_get(ctx, c, "tls");
		static const char *const t_keys[] = { "enabled", "cert_file", "key_file", "ca_file" };
		if (tls != NULL && cfg_check_map(ctx, tls, "tls", t_keys, N(t_keys))) {
			opt_bool(ctx, tls, "enabled", &ds->tls_enabled);
			tls_file(ctx, tls, "cert_file", ds->cert_file);
			tls_file(ctx, tls, "key_file", ds->key_file);
			tls_file(ctx, tls, "ca_file", ds->ca_file);
			if (ds->tls_enabled && ds->ca_file[0] == '\0') {
				cfg_err(ctx, tls, "tls is enabled but 'ca_file' is not given");
			}
			if ((ds->cert_file[0] == '\0') != (ds->key_file[0] == '\0')) {
				cfg_err(ctx, tls, "tls needs both 'cert_file' and 'key_file', or neither");
			}
		}
	}
	yaml_node_t *o = cfg_get(ctx, n, "data_organization");
	static const char *const o_keys[] = { "prefix", "key_structure" };
	if (o != NULL && cfg_check_map(ctx, o, "data_organization", o_keys, N(o_keys))) {
		yaml_node_t *p = cfg_get(ctx, o, "prefix");
		char tmp[PM_MAX_PATH];
		if (p != NULL && cfg_str(ctx, p, "prefix", tmp, sizeof(tmp), "PM_MAX_PATH")) {
			size_t len = strlen(tmp);
			if (tmp[0] != '/' || (len > 1 && tmp[len - 1] == '/')) {
				cfg_err(ctx, p, "'prefix' must start with '/' and not end with '/', got '%s'",
				        tmp);
			} else {
				memcpy(ds->prefix, tmp, sizeof(tmp));
			}
		}
		yaml_node_t *ks = cfg_get(ctx, o, "key_structure");
		static const char *const k_keys[] = { "resource", "metric", "state", "event" };
		if (ks != NULL && cfg_check_map(ctx, ks, "key_structure", k_keys, N(k_keys))) {
			key_pattern(ctx, ks, "resource", ds->key_resource, NULL);
			key_pattern(ctx, ks, "metric", ds->key_metric, "{metric_name}");
			key_pattern(ctx, ks, "state", ds->key_state, NULL);
			key_pattern(ctx, ks, "event", ds->key_event, "{timestamp}");
		}
	}
	yaml_node_t *r = cfg_get(ctx, n, "retention");
	static const char *const r_keys[] = { "metrics", "events", "state_transitions" };
	if (r != NULL && cfg_check_map(ctx, r, "retention", r_keys, N(r_keys))) {
		const pm_ns lo = PM_NS_PER_MIN;
		const pm_ns hi = 3650 * PM_NS_PER_DAY;
		opt_duration(ctx, r, "metrics", lo, hi, &ds->retention_metrics_ns);
		opt_duration(ctx, r, "events", lo, hi, &ds->retention_events_ns);
		opt_duration(ctx, r, "state_transitions", lo, hi, &ds->retention_state_transitions_ns);
	}
	yaml_node_t *cp = cfg_get(ctx, n, "compaction");
	static const char *const cp_keys[] = { "interval", "policy" };
	static const char *const policies[] = { "revision-based", "periodic" };
	if (cp != NULL && cfg_check_map(ctx, cp, "compaction", cp_keys, N(cp_keys))) {
		opt_duration(ctx, cp, "interval", PM_NS_PER_MIN, 365 * PM_NS_PER_DAY,
		             &ds->compaction_interval_ns);
		yaml_node_t *pol = cfg_get(ctx, cp, "policy");
		if (pol != NULL && cfg_enum(ctx, pol, "policy", policies, N(policies), &e)) {
			set_str(ds->compaction_policy, PM_MAX_LABEL, policies[e]);
		}
	}
}

/* ---- HLD §5.2 data_access ---- */

static void parse_access(struct cfg_ctx *ctx, yaml_node_t *n)
{
	struct rt_access_cfg *da = &ctx->cfg->access;
	static const char *const keys[] = { "apis", "query_capabilities" };
	if (!cfg_check_map(ctx, n, "data_access", keys, N(keys))) {
		return;
	}
	yaml_node_t *apis = cfg_get(ctx, n, "apis");
	if (apis != NULL && cfg_is_seq(ctx, apis, "apis")) {
		da->n_apis = 0;
		static const char *const a_keys[] = { "name", "path", "parameters", "response_format" };
		static const char *const p_keys[] = { "name", "type", "required" };
		static const char *const p_types[] = { "array", "object", "boolean", "integer", "string" };
		static const char *const formats[] = { "json" };
		for (size_t i = 0; i < cfg_seq_len(apis); i++) {
			yaml_node_t *a = cfg_seq_at(ctx, apis, i);
			if (da->n_apis == PM_MAX_APIS) {
				cfg_err(ctx, a, "more than %d apis (limit PM_MAX_APIS)", PM_MAX_APIS);
				break;
			}
			if (!cfg_check_map(ctx, a, "apis[]", a_keys, N(a_keys))) {
				continue;
			}
			struct rt_api_cfg api;
			memset(&api, 0, sizeof(api));
			bool ok = true;
			yaml_node_t *nm = cfg_get(ctx, a, "name");
			yaml_node_t *pa = cfg_get(ctx, a, "path");
			if (nm == NULL) {
				cfg_missing(ctx, a, "name");
				ok = false;
			} else {
				ok =
				    cfg_str(ctx, nm, "name", api.name, sizeof(api.name), "PM_MAX_NAME") && ok;
			}
			if (pa == NULL) {
				cfg_missing(ctx, a, "path");
				ok = false;
			} else if (cfg_str(ctx, pa, "path", api.path, sizeof(api.path), "PM_MAX_PATH")) {
				if (api.path[0] != '/') {
					cfg_err(ctx, pa, "'path' must start with '/', got '%s'", api.path);
					ok = false;
				}
			} else {
				ok = false;
			}
			int e = 0;
			yaml_node_t *rf = cfg_get(ctx, a, "response_format");
			if (rf != NULL) {
				ok = cfg_enum(ctx, rf, "response_format", formats, N(formats), &e) && ok;
			}
			yaml_node_t *ps = cfg_get(ctx, a, "parameters");
			if (ps != NULL && cfg_is_seq(ctx, ps, "parameters")) {
				for (size_t k = 0; k < cfg_seq_len(ps); k++) {
					yaml_node_t *p = cfg_seq_at(ctx, ps, k);
					if (!cfg_check_map(ctx, p, "parameters[]", p_keys, N(p_keys))) {
						continue;
					}
					char tmp[PM_MAX_NAME];
					bool req = false;
					yaml_node_t *pn = cfg_get(ctx, p, "name");
					yaml_node_t *pt = cfg_get(ctx, p, "type");
					yaml_node_t *pr = cfg_get(ctx, p, "required");
					if (pn == NULL) {
						cfg_missing(ctx, p, "name");
					} else {
						(void)cfg_str(ctx, pn, "name", tmp, sizeof(tmp),
						              "PM_MAX_NAME");
					}
					if (pt != NULL) {
						(void)cfg_enum(ctx, pt, "type", p_types, N(p_types), &e);
					}
					if (pr != NULL) {
						(void)cfg_bool(ctx, pr, "required", &req);
					}
				}
			}
			if (ok) {
				da->apis[da->n_apis++] = api;
			}
		}
	}
	yaml_node_t *q = cfg_get(ctx, n, "query_capabilities");
	static const char *const caps[] = { "prefix_search", "range_queries", "transaction_support" };
	if (q != NULL && cfg_is_seq(ctx, q, "query_capabilities")) {
		da->prefix_search = false;
		da->range_queries = false;
		da->transaction_support = false;
		for (size_t i = 0; i < cfg_seq_len(q); i++) {
			int e = 0;
			if (!cfg_enum(ctx, cfg_seq_at(ctx, q, i), "query_capabilities", caps, N(caps), &e)) {
				continue;
			}
			if (e == 0) {
				da->prefix_search = true;
			} else if (e == 1) {
				da->range_queries = true;
			} else {
				da->transaction_support = true;
			}
		}
	}
}

/* ---- monitor: picmon's own threads, journal, API, and per-Model supervision ---- */

static const char *const policy_names[] = { "OTHER", "FIFO", "RR" };

static void parse_thread(struct cfg_ctx *ctx, yaml_node_t *n, const char *what, struct rt_thread_cfg *t,
                         int which)
{
	static const char *const keys[] = { "policy", "priority", "cpuAffinity" };
	if (!cfg_check_map(ctx, n, what, keys, N(keys))) {
		return;
	}
	yaml_node_t *v;
	int e = 0;
	if ((v = cfg_get(ctx, n, "policy")) != NULL &&
	    cfg_enum(ctx, v, "policy", policy_names, N(policy_names), &e)) {
		t->policy = (enum rt_sched_policy)e;
		if (t->policy == RT_SCHED_OTHER) {
			t->priority = 0;
		}
	}
	int64_t prio = 0;
	yaml_node_t *pv = cfg_get(ctx, n, "priority");
	if (pv != NULL && cfg_int(ctx, pv, "priority", 0, 99, &prio)) {
		t->priority = (int32_t)prio;
	}
	if (t->policy == RT_SCHED_OTHER && t->priority != 0) {
		cfg_err(ctx, pv != NULL ? pv : n, "%s: 'priority' must be 0 with policy OTHER", what);
	} else if (t->policy != RT_SCHED_OTHER && t->priority == 0) {
		cfg_err(ctx, pv != NULL ? pv : n, "%s: 'priority' must be 1..99 with policy %s", what,
		        rt_sched_policy_name(t->policy));
	}
	if ((v = cfg_get(ctx, n, "cpuAffinity")) != NULL && cfg_cpus(ctx, v, "cpuAffinity", &t->cpus)) {
		ctx->thread_cpus_given[which] = true;
		ctx->thread_cpus_loc[which] = cfg_node_loc(ctx, v);
	}
}

struct signal_name {
	const char *name;
	int number;
};

static const struct signal_name signal_names[] = {
	{ "SIGTERM", SIGTERM }, { "SIGKILL", SIGKILL }, { "SIGINT", SIGINT },   { "SIGHUP", SIGHUP },
	{ "SIGQUIT", SIGQUIT }, { "SIGUSR1", SIGUSR1 }, { "SIGUSR2", SIGUSR2 }, { "SIGABRT", SIGABRT },
	{ "SIGSTOP", SIGSTOP }, { "SIGCONT", SIGCONT },
};

static void parse_recovery(struct cfg_ctx *ctx, yaml_node_t *n, struct cfg_mon_model *mm)
{
	static const char *const keys[] = { "action",        "signal",         "command",   "maxRestarts",
		                            "restartWindow", "backoffInitial", "backoffMax" };
	static const char *const actions[] = { "event", "signal", "restart" };
	if (!cfg_check_map(ctx, n, "recovery", keys, N(keys))) {
		return;
	}
	struct rt_recovery *r = &mm->recovery;
	mm->has_recovery = true;
	yaml_node_t *v;
	int e = 0;
	if ((v = cfg_get(ctx, n, "action")) != NULL && cfg_enum(ctx, v, "action", actions, N(actions), &e)) {
		r->action = (enum rt_escalation)e;
	}
	yaml_node_t *sig = cfg_get(ctx, n, "signal");
	if (sig != NULL) {
		char name[32];
		if (cfg_str(ctx, sig, "signal", name, sizeof(name), "of a signal name")) {
			char full[40];
			(void)snprintf(full, sizeof(full), "%s%s", strncmp(name, "SIG", 3) == 0 ? "" : "SIG",
			               name);
			bool found = false;
			for (size_t i = 0; i < N(signal_names) && !found; i++) {
				if (strcmp(full, signal_names[i].name) == 0) {
					size_t nl = strlen(signal_names[i].name);
					assert(nl < sizeof(r->signal_name));
					memcpy(r->signal_name, signal_names[i].name, nl + 1);
					r->signal_number = signal_names[i].number;
					found = true;
				}
			}
			if (!found) {
				const char *cands[N(signal_names)];
				for (size_t i = 0; i < N(signal_names); i++) {
					cands[i] = signal_names[i].name;
				}
				char hint[64];
				cfg_suggest(hint, sizeof(hint), full, cands, N(cands));
				cfg_err(ctx, sig, "unknown signal '%s'%s", name, hint);
			}
		}
	} else if (r->action == RT_ESCALATE_SIGNAL) {
		cfg_err(ctx, n, "recovery action 'signal' needs 'signal' (e.g. SIGTERM)");
	}
	yaml_node_t *cmd = cfg_get(ctx, n, "command");
	if (cmd != NULL) {
		if (cfg_str_list(ctx, cmd, "command", &r->argv[0][0], PM_MAX_ARG, PM_MAX_ARGV, &r->argc,
		                 "PM_MAX_ARG", "PM_MAX_ARGV") &&
		    (r->argc == 0 || r->argv[0][0] == '\0')) {
			cfg_err(ctx, cmd, "'command' must name a program as its first element");
			r->argc = 0;
		}
	} else if (r->action == RT_ESCALATE_RESTART) {
		cfg_err(ctx, n, "recovery action 'restart' needs 'command' (an argv list)");
	}
	int64_t max = 0;
	if ((v = cfg_get(ctx, n, "maxRestarts")) != NULL && cfg_int(ctx, v, "maxRestarts", 0, 1000, &max)) {
		r->max_restarts = (uint32_t)max;
	}
	opt_duration(ctx, n, "restartWindow", PM_NS_PER_S, PM_NS_PER_DAY, &r->restart_window_ns);
	opt_duration(ctx, n, "backoffInitial", PM_NS_PER_MS, PM_NS_PER_HOUR, &r->backoff_initial_ns);
	yaml_node_t *bm = cfg_get(ctx, n, "backoffMax");
	if (bm != NULL &&
	    cfg_duration(ctx, bm, "backoffMax", PM_NS_PER_MS, PM_NS_PER_HOUR, &r->backoff_max_ns) &&
	    r->backoff_max_ns < r->backoff_initial_ns) {
		cfg_err(ctx, bm, "'backoffMax' is below 'backoffInitial'");
	}
}

static void parse_discovery(struct cfg_ctx *ctx, yaml_node_t *n, struct cfg_mon_model *mm)
{
	static const char *const keys[] = { "cgroup", "pidFile", "comm", "cmdline" };
	if (!cfg_check_map(ctx, n, "discovery", keys, N(keys))) {
		return;
	}
	int given = 0;
	for (size_t i = 0; i < N(keys); i++) {
		yaml_node_t *v = cfg_get(ctx, n, keys[i]);
		if (v == NULL) {
			continue;
		}
		if (++given > 1) {
			cfg_err(ctx, v, "discovery takes exactly one of cgroup, pidFile, comm or cmdline");
			return;
		}
		if (!cfg_str(ctx, v, keys[i], mm->discovery.value, sizeof(mm->discovery.value),
		             "PM_MAX_PATH")) {
			return;
		}
		mm->discovery.kind = (enum rt_discovery_kind)(i + 1);
		size_t len = strlen(mm->discovery.value);
		if (len == 0) {
			cfg_err(ctx, v, "'%s' must not be empty", keys[i]);
			return;
		}
		if (mm->discovery.kind == RT_DISCOVER_COMM && len > 15) {
			cfg_err(ctx, v,
			        "'comm' is longer than 15 characters, the kernel's limit for a process name");
			return;
		}
		if ((mm->discovery.kind == RT_DISCOVER_PIDFILE || mm->discovery.kind == RT_DISCOVER_CGROUP) &&
		    mm->discovery.value[0] != '/') {
			cfg_err(ctx, v, "'%s' must be an absolute path", keys[i]);
			return;
		}
	}
	if (given == 0) {
		cfg_err(ctx, n, "discovery takes exactly one of cgroup, pidFile, comm or cmdline");
		return;
	}
	mm->has_discovery = true;
}

static void parse_monitor_models(struct cfg_ctx *ctx, yaml_node_t *seq)
{
	if (!cfg_is_seq(ctx, seq, "models")) {
		return;
	}
	static const char *const keys[] = { "name", "discovery", "tolerance", "recovery" };
	static const char *const t_keys[] = { "maxViolations", "windowJobs", "releaseJitter" };
	for (size_t i = 0; i < cfg_seq_len(seq); i++) {
		yaml_node_t *m = cfg_seq_at(ctx, seq, i);
		if (!cfg_check_map(ctx, m, "monitor.models[]", keys, N(keys))) {
			continue;
		}
		if (ctx->n_mon_models == PM_MAX_MODELS) {
			cfg_err(ctx, m, "more than %d monitor.models entries (limit PM_MAX_MODELS)",
			        PM_MAX_MODELS);
			return;
		}
		struct cfg_mon_model *mm = &ctx->mon_models[ctx->n_mon_models];
		memset(mm, 0, sizeof(*mm));
		mm->recovery.action = RT_ESCALATE_EVENT;
		mm->recovery.max_restarts = 3;
		mm->recovery.restart_window_ns = 60 * PM_NS_PER_S;
		mm->recovery.backoff_initial_ns = PM_NS_PER_S;
		mm->recovery.backoff_max_ns = 30 * PM_NS_PER_S;
		yaml_node_t *name = cfg_get(ctx, m, "name");
		if (name == NULL) {
			cfg_missing(ctx, m, "name");
			continue;
		}
		if (!cfg_str(ctx, name, "name", mm->name, sizeof(mm->name), "PM_MAX_NAME")) {
			continue;
		}
		bool dup = false;
		for (uint16_t k = 0; k < ctx->n_mon_models && !dup; k++) {
			if (strcmp(ctx->mon_models[k].name, mm->name) == 0) {
				cfg_err(ctx, name, "duplicate monitor.models entry for '%s'", mm->name);
				dup = true;
			}
		}
		if (dup) {
			continue;
		}
		mm->loc = cfg_node_loc(ctx, name);
		yaml_node_t *v;
		if ((v = cfg_get(ctx, m, "discovery")) != NULL) {
			parse_discovery(ctx, v, mm);
		}
		if ((v = cfg_get(ctx, m, "tolerance")) != NULL &&
		    cfg_check_map(ctx, v, "tolerance", t_keys, N(t_keys))) {
			int64_t a = 3;
			int64_t b = 100;
			yaml_node_t *x;
			if ((x = cfg_get(ctx, v, "maxViolations")) != NULL) {
				(void)cfg_int(ctx, x, "maxViolations", 0, 100000, &a);
			}
			if ((x = cfg_get(ctx, v, "windowJobs")) != NULL) {
				(void)cfg_int(ctx, x, "windowJobs", 1, 100000, &b);
			}
			if (a > b) {
				cfg_err(ctx, v, "'maxViolations' (%lld) exceeds 'windowJobs' (%lld)",
				        (long long)a, (long long)b);
			}
			mm->has_tolerance = true;
			mm->max_violations = (uint32_t)a;
			mm->window_jobs = (uint32_t)b;
			if ((x = cfg_get(ctx, v, "releaseJitter")) != NULL &&
			    cfg_duration(ctx, x, "releaseJitter", 0, PM_NS_PER_HOUR, &mm->jitter_ns)) {
				mm->has_jitter = true;
			}
		}
		if ((v = cfg_get(ctx, m, "recovery")) != NULL) {
			parse_recovery(ctx, v, mm);
		}
		ctx->n_mon_models++;
	}
}

static bool check_shm_name(struct cfg_ctx *ctx, yaml_node_t *v, const char *name)
{
	if (name[0] != '/' || name[1] == '\0' || strchr(name + 1, '/') != NULL) {
		cfg_err(ctx, v, "'shmName' must be '/' followed by a name without '/', got '%s'", name);
		return false;
	}
	return true;
}

static void parse_monitor(struct cfg_ctx *ctx, yaml_node_t *n)
{
	struct rt_monitor_cfg *mo = &ctx->cfg->monitor;
	static const char *const keys[] = { "supervisor", "sampler", "writer",  "supervisionTick",
		                            "journal",    "api",     "shmName", "models" };
	if (!cfg_check_map(ctx, n, "monitor", keys, N(keys))) {
		return;
	}
	yaml_node_t *v;
	if ((v = cfg_get(ctx, n, "supervisor")) != NULL) {
		parse_thread(ctx, v, "monitor.supervisor", &mo->supervisor, 0);
	}
	if ((v = cfg_get(ctx, n, "sampler")) != NULL) {
		parse_thread(ctx, v, "monitor.sampler", &mo->sampler, 1);
	}
	if ((v = cfg_get(ctx, n, "writer")) != NULL) {
		parse_thread(ctx, v, "monitor.writer", &mo->writer, 2);
	}
	if ((v = cfg_get(ctx, n, "supervisionTick")) != NULL &&
	    cfg_duration(ctx, v, "supervisionTick", 100 * PM_NS_PER_US, 10 * PM_NS_PER_S,
	                 &mo->supervision_tick_ns)) {
		mo->supervision_tick_given = true;
	}
	static const char *const j_keys[] = { "path", "maxSize", "fsyncInterval" };
	if ((v = cfg_get(ctx, n, "journal")) != NULL && cfg_check_map(ctx, v, "journal", j_keys, N(j_keys))) {
		yaml_node_t *x;
		if ((x = cfg_get(ctx, v, "path")) != NULL &&
		    cfg_str(ctx, x, "path", mo->journal_path, sizeof(mo->journal_path), "PM_MAX_PATH") &&
		    mo->journal_path[0] == '\0') {
			cfg_err(ctx, x, "journal 'path' must not be empty");
		}
		if ((x = cfg_get(ctx, v, "maxSize")) != NULL) {
			(void)cfg_size(ctx, x, "maxSize", UINT64_C(1) << 20, UINT64_C(1) << 40,
			               &mo->journal_max_bytes);
		}
		opt_duration(ctx, v, "fsyncInterval", 0, 60 * PM_NS_PER_S, &mo->fsync_interval_ns);
	}
	static const char *const a_keys[] = { "listen" };
	if ((v = cfg_get(ctx, n, "api")) != NULL && cfg_check_map(ctx, v, "api", a_keys, N(a_keys))) {
		yaml_node_t *x = cfg_get(ctx, v, "listen");
		char tmp[PM_MAX_NAME];
		if (x != NULL && cfg_str(ctx, x, "listen", tmp, sizeof(tmp), "PM_MAX_NAME") &&
		    check_hostport(ctx, x, "listen", tmp)) {
			memcpy(mo->api_listen, tmp, sizeof(tmp));
		}
	}
	if ((v = cfg_get(ctx, n, "shmName")) != NULL) {
		char tmp[PM_MAX_NAME];
		if (cfg_str(ctx, v, "shmName", tmp, sizeof(tmp), "PM_MAX_NAME") &&
		    check_shm_name(ctx, v, tmp)) {
			memcpy(mo->shm_name, tmp, sizeof(tmp));
		}
	}
	if ((v = cfg_get(ctx, n, "models")) != NULL) {
		parse_monitor_models(ctx, v);
	}
}

void cfg_parse_monitoring(struct cfg_ctx *ctx, yaml_node_t *spec)
{
	static const char *const keys[] = { "resource_state_monitoring",
		                            "performance_monitoring",
		                            "dependency_monitoring",
		                            "resource_monitoring",
		                            "state_transition_tracking",
		                            "anomaly_detection",
		                            "data_storage",
		                            "data_access",
		                            "monitor" };
	if (!cfg_check_map(ctx, spec, "spec", keys, N(keys))) {
		return;
	}
	yaml_node_t *v;
	if ((v = cfg_get(ctx, spec, "resource_state_monitoring")) != NULL) {
		parse_state_monitoring(ctx, v);
	}
	if ((v = cfg_get(ctx, spec, "performance_monitoring")) != NULL) {
		parse_performance(ctx, v);
	}
	if ((v = cfg_get(ctx, spec, "dependency_monitoring")) != NULL) {
		parse_dependency(ctx, v);
	}
	if ((v = cfg_get(ctx, spec, "resource_monitoring")) != NULL) {
		parse_resource_monitoring(ctx, v);
	}
	if ((v = cfg_get(ctx, spec, "state_transition_tracking")) != NULL) {
		parse_state_tracking(ctx, v);
	}
	if ((v = cfg_get(ctx, spec, "anomaly_detection")) != NULL) {
		parse_anomaly(ctx, v);
	}
	if ((v = cfg_get(ctx, spec, "data_storage")) != NULL) {
		parse_storage(ctx, v);
	}
	if ((v = cfg_get(ctx, spec, "data_access")) != NULL) {
		parse_access(ctx, v);
	}
	if ((v = cfg_get(ctx, spec, "monitor")) != NULL) {
		parse_monitor(ctx, v);
	}
}
