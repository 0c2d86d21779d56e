/* Maps the configuration tables (rt/config.h) onto the resource monitor's specs (rt/resmon.h): the
 * resources and their implicit edges, state machines from state_transition_tracking, stuck
 * thresholds, performance thresholds, anomaly detection and the dependency map. Init only. */
#include <stdio.h>
#include <string.h>

#include "hal/clock.h"
#include "hal/log.h"
#include "run.h"

static const enum rt_resource_type cfg_types[3] = { RT_RES_SCENARIO, RT_RES_PACKAGE, RT_RES_MODEL };

static pm_status set_machines(struct app_run *run, char *err, size_t errcap)
{
	const struct rt_state_tracking_cfg *st = &run->cfg.state_tracking;
	for (uint32_t t = 0; t < RT_RES_TYPE_COUNT; t++) {
		const struct rt_state_machine_cfg *mc = &st->machine[t];
		if (!mc->given) {
			continue;
		}
		const char *states[PM_MAX_STATES];
		/* "from->to" strings for every allowed pair, in fixed storage */
		static char transitions_buf[PM_MAX_STATES * PM_MAX_STATES][2 * PM_MAX_NAME + 4];
		const char *transitions[PM_MAX_STATES * PM_MAX_STATES];
		size_t n_tr = 0;
		for (uint32_t i = 0; i < mc->n_states && i < PM_MAX_STATES; i++) {
			states[i] = mc->states[i];
		}
		if (mc->transitions_given) {
			for (uint32_t i = 0; i < mc->n_states; i++) {
				for (uint32_t j = 0; j < mc->n_states; j++) {
					if ((mc->allowed[i] >> j) & 1u) {
						(void)snprintf(transitions_buf[n_tr],
						               sizeof(transitions_buf[n_tr]), "%s->%s",
						               mc->states[i], mc->states[j]);
						transitions[n_tr] = transitions_buf[n_tr];
						n_tr++;
					}
				}
			}
		}
		static struct rt_sm_def def;
		char why[160];
		pm_status s = rt_sm_from_strings((enum rt_resource_type)t, states, mc->n_states, transitions,
		                                 n_tr, &def, why, sizeof(why));
		if (s != PM_OK) {
			(void)snprintf(err, errcap, "state_transition_tracking (%s): %s",
			               rt_config_type_name((enum rt_resource_type)t), why);
			return s;
		}
		s = rt_resmon_set_sm(&run->resmon, &def);
		if (s != PM_OK) {
			(void)snprintf(err, errcap, "state machine of %s rejected: %s",
			               rt_config_type_name((enum rt_resource_type)t), pm_status_str(s));
			return s;
		}
	}
	return PM_OK;
}

/* performance_monitoring.metrics: durations become ms, basis points become %, like the HLD units. */
static pm_status set_thresholds(struct app_run *run, char *err, size_t errcap)
{
	const struct rt_performance_cfg *pc = &run->cfg.performance;
	struct rt_threshold_spec specs[PM_MAX_THRESHOLDS];
	uint32_t n = 0;
	for (uint32_t i = 0; i < pc->n_metrics && n < PM_MAX_THRESHOLDS; i++) {
		const struct rt_metric_threshold *mt = &pc->metrics[i];
		enum rt_metric metric;
		if (rt_metric_from_name(mt->name, &metric) != PM_OK) {
			hal_log(HAL_LOG_WARN,
			        "performance_monitoring metric '%s' has no sampled source; not checked",
			        mt->name);
			continue;
		}
		double scale = 1.0;
		switch (mt->unit) {
		case RT_QTY_DURATION:
			scale = 1.0 / (double)PM_NS_PER_MS;
			break;
		case RT_QTY_PERCENT:
			scale = 0.01;
			break;
		case RT_QTY_SIZE:
			scale = 1.0 / (1024.0 * 1024.0);
			break;
		case RT_QTY_NUMBER:
			break;
		}
		struct rt_threshold_spec *s = &specs[n];
		memset(s, 0, sizeof(*s));
		s->metric = (uint32_t)metric;
		s->flags = RT_THR_HAS_WARNING | RT_THR_HAS_CRITICAL;
		s->warning = (double)mt->warning * scale;
		s->critical = (double)mt->critical * scale;
		s->hysteresis = -1.0;
		n++;
	}
	if (n == 0) {
		return PM_OK; /* the monitor keeps its HLD defaults */
	}
	pm_status st = rt_resmon_set_thresholds(&run->resmon, specs, n);
	if (st != PM_OK) {
		(void)snprintf(err, errcap, "performance_monitoring thresholds rejected: %s",
		               pm_status_str(st));
	}
	return st;
}

static pm_status set_anomaly(struct app_run *run, char *err, size_t errcap)
{
	const struct rt_anomaly_cfg *ac = &run->cfg.anomaly;
	struct rt_anomaly_spec spec;
	rt_anomaly_spec_default(&spec);
	spec.enabled = ac->enabled ? 1u : 0u;
	spec.auto_learn = ac->auto_learn ? 1u : 0u;
	if (ac->learning_period_ns > 0) {
		spec.learning_ns = ac->learning_period_ns;
	}
	if (ac->n_methods > 0) {
		spec.n_stat_metrics = 0;
		spec.pattern_transitions = 0;
		spec.pattern_errors = 0;
	}
	for (uint32_t i = 0; i < ac->n_methods; i++) {
		const struct rt_anomaly_method *m = &ac->methods[i];
		if (m->type == RT_ANOMALY_STATISTICAL) {
			spec.sensitivity = (uint32_t)m->sensitivity;
			for (uint32_t k = 0; k < m->n_metrics && spec.n_stat_metrics < PM_MAX_METRICS; k++) {
				enum rt_metric metric;
				if (rt_metric_from_name(m->metrics[k], &metric) == PM_OK) {
					spec.stat_metrics[spec.n_stat_metrics++] = (uint32_t)metric;
				} else {
					hal_log(HAL_LOG_WARN,
					        "anomaly_detection metric '%s' is not sampled; ignored",
					        m->metrics[k]);
				}
			}
		} else {
			spec.pattern_sensitivity = (uint32_t)m->sensitivity;
			if (m->window_ns > 0) {
				spec.window_ns = m->window_ns;
			}
			for (uint32_t k = 0; k < m->n_metrics; k++) {
				if (strcmp(m->metrics[k], "state_transitions") == 0) {
					spec.pattern_transitions = 1;
				} else if (strcmp(m->metrics[k], "error_counts") == 0) {
					spec.pattern_errors = 1;
				}
			}
		}
	}
	pm_status st = rt_resmon_set_anomaly(&run->resmon, &spec);
	if (st != PM_OK) {
		(void)snprintf(err, errcap, "anomaly_detection rejected: %s", pm_status_str(st));
	}
	return st;
}

static pm_status set_dependencies(struct app_run *run, char *err, size_t errcap)
{
	const struct rt_dependency_cfg *dc = &run->cfg.dependency;
	static struct rt_dep_graph_def def;
	struct rt_propagation_def rules;
	rt_dep_graph_def_default(&def);
	def.status_propagation = dc->status_propagation ? 1u : 0u;
	static const uint32_t kind_bits[RT_DEP_KIND_COUNT] = { RT_DEP_PARENT_CHILD_BIT, RT_DEP_USES_BIT,
		                                               RT_DEP_REQUIRES_BIT };
	for (uint32_t k = 0; k < RT_DEP_KIND_COUNT; k++) {
		if ((dc->types & kind_bits[k]) == 0) {
			def.max_impact[k] = RT_SEV_INFO;
		}
	}
	def.n_edges = 0;
	for (uint32_t i = 0; i < dc->n_edges; i++) {
		const struct rt_dependency *e = &dc->edges[i];
		if (!e->explicit_edge || def.n_edges >= PM_MAX_DEPENDENCIES) {
			continue; /* implicit edges come from rt_resmon_add_child */
		}
		struct rt_dep_edge_def *d = &def.edges[def.n_edges++];
		d->from.type = (uint16_t)e->from_type;
		d->from.index = e->from;
		d->to.type = (uint16_t)e->to_type;
		d->to.index = e->to;
		d->kind = RT_DEP_REQUIRES;
	}
	rt_propagation_default(&rules);
	if (dc->n_rules > 0) {
		rules.n_rules = 0;
		for (uint32_t i = 0; i < dc->n_rules; i++) {
			uint32_t impact = RT_SEV_INFO;
			if (dc->rules[i].impact == RT_IMPACT_CRITICAL) {
				impact = RT_SEV_CRITICAL;
			} else if (dc->rules[i].impact == RT_IMPACT_WARNING) {
				impact = RT_SEV_WARNING;
			}
			if (rt_propagation_add(&rules, dc->rules[i].from_state, impact) != PM_OK) {
				(void)snprintf(err, errcap, "propagation rule '%s' rejected",
				               dc->rules[i].from_state);
				return PM_ERR_INVAL;
			}
		}
	}
	pm_status st = rt_resmon_set_dependencies(&run->resmon, &def, &rules);
	if (st != PM_OK) {
		(void)snprintf(err, errcap, "dependency_monitoring rejected: %s", pm_status_str(st));
	}
	return st;
}

pm_status app_run_build_resmon(struct app_run *run, char *err, size_t errcap)
{
	const struct rt_config *cfg = &run->cfg;
	struct rt_record_sink sink = { rt_record_sink_ring, &run->sampler_ring };
	rt_resmon_init(&run->resmon, sink);
	rt_resmon_set_clock_offset(&run->resmon, run->real_offset_ns);
	const struct rt_state_monitoring_cfg *sm = &cfg->state_monitoring;
	rt_resmon_set_alerting(&run->resmon, sm->enabled && sm->alert_unexpected_transitions,
	                       sm->enabled && sm->stuck_states_enabled, cfg->dependency.impact_analysis);
	pm_status st = set_machines(run, err, errcap);
	if (st == PM_OK) {
		for (uint32_t i = 0; i < sm->n_stuck; i++) {
			(void)rt_resmon_set_stuck(&run->resmon, sm->stuck[i].state,
			                          sm->stuck[i].threshold_ns);
		}
		st = set_thresholds(run, err, errcap);
	}
	if (st == PM_OK) {
		st = set_anomaly(run, err, errcap);
	}
	if (st == PM_OK) {
		st = set_dependencies(run, err, errcap);
	}
	if (st != PM_OK) {
		return st;
	}
	/* Resources in configuration order, so that resource indices equal table indices. */
	const uint16_t counts[3] = { cfg->n_scenarios, cfg->n_packages, cfg->n_models };
	for (uint32_t t = 0; t < 3; t++) {
		for (uint32_t i = 0; i < counts[t]; i++) {
			const char *name = t == 0   ? cfg->scenarios[i].name
			                   : t == 1 ? cfg->packages[i].name
			                            : cfg->models[i].name;
			uint32_t index = 0;
			st = rt_resmon_add(&run->resmon, cfg_types[t], name, &index);
			if (st != PM_OK || index != i) {
				(void)snprintf(err, errcap, "resource %s/%s: %s",
				               rt_config_type_name(cfg_types[t]), name, pm_status_str(st));
				return st != PM_OK ? st : PM_ERR_INTERNAL;
			}
		}
	}
	for (uint32_t i = 0; i < cfg->n_scenarios; i++) {
		for (uint32_t k = 0; k < cfg->scenarios[i].n_packages; k++) {
			st = rt_resmon_add_child(&run->resmon, RT_RES_SCENARIO, i,
			                         cfg->scenarios[i].packages[k]);
			if (st != PM_OK) {
				(void)snprintf(err, errcap, "scenario %s: %s", cfg->scenarios[i].name,
				               pm_status_str(st));
				return st;
			}
		}
	}
	for (uint32_t i = 0; i < cfg->n_packages; i++) {
		(void)rt_resmon_set_version(&run->resmon, RT_RES_PACKAGE, i, cfg->packages[i].version);
		for (uint32_t k = 0; k < cfg->packages[i].n_models; k++) {
			st = rt_resmon_add_child(&run->resmon, RT_RES_PACKAGE, i, cfg->packages[i].models[k]);
			if (st != PM_OK) {
				(void)snprintf(err, errcap, "package %s: %s", cfg->packages[i].name,
				               pm_status_str(st));
				return st;
			}
		}
	}
	for (uint32_t i = 0; i < cfg->n_models; i++) {
		(void)rt_resmon_set_version(&run->resmon, RT_RES_MODEL, i, cfg->models[i].version);
		if (cfg->models[i].limits.memory_bytes > 0) {
			(void)rt_resmon_set_memory_limit(&run->resmon, i, cfg->models[i].limits.memory_bytes);
		}
	}
	return rt_resmon_start(&run->resmon, hal_clock_mono_ns(), err, errcap);
}
