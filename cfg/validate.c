/* Whole-configuration checks, once every document is read: references between resources, timing
 * from spec.scheduling and Schedule tasks, CPUs of this machine, exclusive CPUs, the monitor block's
 * per-Model settings, and the dependency graph (cycles, topological order). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *loc_file(const struct cfg_ctx *ctx, const struct cfg_loc *loc)
{
	return loc->file < ctx->n_files ? ctx->files[loc->file] : "?";
}

static void fmt_ns(pm_ns ns, char *buf, size_t cap)
{
	if (rt_duration_format(ns, buf, cap) != PM_OK) {
		(void)snprintf(buf, cap, "?");
	}
}

static void suggest_model(const struct rt_config *cfg, const char *name, char *hint, size_t cap)
{
	const char *cands[PM_MAX_MODELS];
	for (uint16_t i = 0; i < cfg->n_models; i++) {
		cands[i] = cfg->models[i].name;
	}
	cfg_suggest(hint, cap, name, cands, cfg->n_models);
}

static void resolve_references(struct cfg_ctx *ctx)
{
	struct rt_config *cfg = ctx->cfg;
	char hint[PM_MAX_NAME + 32];
	for (uint16_t s = 0; s < cfg->n_scenarios; s++) {
		struct rt_scenario_cfg *sc = &cfg->scenarios[s];
		uint16_t n = sc->n_packages;
		sc->n_packages = 0;
		for (uint16_t k = 0; k < n; k++) {
			const struct cfg_ref *ref = &ctx->scenario_pkgs[s][k];
			uint16_t p = rt_config_find_package(cfg, ref->name);
			if (p == RT_NO_INDEX) {
				const char *cands[PM_MAX_PACKAGES];
				for (uint16_t i = 0; i < cfg->n_packages; i++) {
					cands[i] = cfg->packages[i].name;
				}
				cfg_suggest(hint, sizeof(hint), ref->name, cands, cfg->n_packages);
				cfg_diag_add(ctx, CFG_SEV_ERROR, &ref->loc,
				             "Scenario '%s' targets undefined Package '%s'%s", sc->name,
				             ref->name, hint);
				continue;
			}
			bool dup = false;
			for (uint16_t j = 0; j < sc->n_packages; j++) {
				dup = dup || sc->packages[j] == p;
			}
			if (dup) {
				cfg_diag_add(ctx, CFG_SEV_ERROR, &ref->loc,
				             "Scenario '%s' targets Package '%s' twice", sc->name, ref->name);
				continue;
			}
			sc->packages[sc->n_packages++] = p;
		}
	}
	for (uint16_t p = 0; p < cfg->n_packages; p++) {
		struct rt_package_cfg *pkg = &cfg->packages[p];
		uint16_t n = pkg->n_models;
		uint16_t kept = 0;
		for (uint16_t k = 0; k < n; k++) {
			const struct cfg_ref *ref = &ctx->package_models[p][k];
			uint16_t m = rt_config_find_model(cfg, ref->name);
			if (m == RT_NO_INDEX) {
				suggest_model(cfg, ref->name, hint, sizeof(hint));
				cfg_diag_add(ctx, CFG_SEV_ERROR, &ref->loc,
				             "Package '%s' names undefined Model '%s'%s", pkg->name,
				             ref->name, hint);
				continue;
			}
			bool dup = false;
			for (uint16_t j = 0; j < kept; j++) {
				dup = dup || pkg->models[j] == m;
			}
			if (dup) {
				cfg_diag_add(ctx, CFG_SEV_ERROR, &ref->loc,
				             "Package '%s' names Model '%s' twice", pkg->name, ref->name);
				continue;
			}
			pkg->models[kept] = m;
			if (kept != k) {
				memcpy(pkg->model_image[kept], pkg->model_image[k], PM_MAX_PATH);
				memcpy(pkg->model_node[kept], pkg->model_node[k], PM_MAX_NAME);
			}
			kept++;
			struct rt_model_cfg *model = &cfg->models[m];
			if (model->package == RT_NO_INDEX) {
				model->package = p;
			}
			if (!model->asil_given && pkg->asil_given && pkg->asil > model->asil) {
				model->asil = pkg->asil;
			}
		}
		for (uint16_t k = kept; k < n; k++) {
			memset(pkg->model_image[k], 0, PM_MAX_PATH);
			memset(pkg->model_node[k], 0, PM_MAX_NAME);
			pkg->models[k] = 0;
		}
		pkg->n_models = kept;
	}
}

/* Where a timing value came from, for messages: the Model's field, else its Schedule task. */
static const struct cfg_loc *pick_loc(const struct cfg_loc *model_loc, bool from_model,
                                      const struct cfg_loc *task_loc)
{
	return from_model || task_loc == NULL ? model_loc : task_loc;
}

static bool agree_ns(struct cfg_ctx *ctx, const struct rt_schedule_task *t, const struct cfg_loc *tloc,
                     const struct cfg_loc *mloc, const char *what, pm_ns model_v, pm_ns task_v)
{
	if (model_v == task_v) {
		return true;
	}
	char a[32];
	char b[32];
	fmt_ns(task_v, a, sizeof(a));
	fmt_ns(model_v, b, sizeof(b));
	cfg_diag_add(
	    ctx, CFG_SEV_ERROR, tloc,
	    "Schedule task '%s' disagrees with the Model's spec.scheduling on %s: %s here, %s at %s:%u:%u",
	    t->name, what, a, b, loc_file(ctx, mloc), (unsigned)mloc->line, (unsigned)mloc->col);
	return false;
}

static void merge_timing(struct cfg_ctx *ctx, uint16_t mi, const struct rt_schedule_task *task,
                         const struct cfg_loc *tloc)
{
	struct rt_model_cfg *m = &ctx->cfg->models[mi];
	const struct cfg_model_sched *ms = &ctx->sched[mi];
	struct rt_timing_spec *ts = &m->timing;
	bool model_timing = ms->has_period || ms->has_deadline || ms->has_exec;
	m->time_critical = ms->time_critical || task != NULL;
	m->policy = m->time_critical ? RT_SCHED_FIFO : RT_SCHED_OTHER;
	if (task != NULL) {
		if (ms->has_period) {
			(void)agree_ns(ctx, task, tloc, &ms->loc_period, "period", ms->period,
			               task->period_ns);
		}
		if (ms->has_deadline) {
			(void)agree_ns(ctx, task, tloc, &ms->loc_deadline, "deadline", ms->deadline,
			               task->deadline_ns);
		}
		if (ms->has_exec) {
			(void)agree_ns(ctx, task, tloc, &ms->loc_exec, "executionTime/runtime", ms->exec,
			               task->runtime_ns);
		}
		if (ms->has_prio && ms->prio != task->priority) {
			cfg_diag_add(ctx, CFG_SEV_ERROR, tloc,
			             "Schedule task '%s' disagrees with the Model's spec.scheduling on "
			             "priority: %d here, "
			             "%d at %s:%u:%u",
			             task->name, (int)task->priority, (int)ms->prio,
			             loc_file(ctx, &ms->loc_prio), (unsigned)ms->loc_prio.line,
			             (unsigned)ms->loc_prio.col);
		}
		struct hal_cpuset tcpus;
		hal_cpuset_clear(&tcpus);
		for (uint32_t c = 0; c < 64; c++) {
			if ((task->cpu_affinity >> c) & 1u) {
				(void)hal_cpuset_add(&tcpus, c);
			}
		}
		if (ms->has_cpus && task->cpu_affinity != 0 && !hal_cpuset_equal(&tcpus, &ms->cpus)) {
			cfg_diag_add(
			    ctx, CFG_SEV_ERROR, tloc,
			    "Schedule task '%s' disagrees with the Model's spec.scheduling on cpuAffinity "
			    "(declared at %s:%u:%u)",
			    task->name, loc_file(ctx, &ms->loc_cpus), (unsigned)ms->loc_cpus.line,
			    (unsigned)ms->loc_cpus.col);
		}
		m->timing_source = model_timing ? RT_TIMING_BOTH : RT_TIMING_SCHEDULE;
		ts->period_ns = task->period_ns;
		ts->deadline_ns = task->deadline_ns;
		ts->budget_ns = task->runtime_ns;
		ts->priority = task->priority;
		m->policy = task->policy;
		m->cpus = ms->has_cpus ? ms->cpus : tcpus;
		m->release_offset_ns = task->release_ns;
		memcpy(m->sched_node, task->node_id, sizeof(m->sched_node));
		ts->max_violations = task->max_dmiss;
		ts->window_jobs = task->max_dmiss > 100 ? task->max_dmiss : 100;
	} else {
		m->timing_source = model_timing ? RT_TIMING_MODEL : RT_TIMING_NONE;
		ts->period_ns = ms->period;
		ts->deadline_ns = ms->has_deadline ? ms->deadline : ms->period;
		ts->budget_ns = ms->exec;
		ts->priority = ms->prio;
		if (ms->has_cpus) {
			m->cpus = ms->cpus;
		}
		ts->max_violations = 3;
		ts->window_jobs = 100;
	}
	if (ms->has_period) {
		ts->period_ns = ms->period;
	}
	if (ms->has_deadline) {
		ts->deadline_ns = ms->deadline;
	}
	if (ms->has_exec) {
		ts->budget_ns = ms->exec;
	}
	if (ms->has_prio) {
		ts->priority = ms->prio;
	}
	ts->release_tolerance_ns = ts->period_ns / 10;

	const struct cfg_loc *where = ms->present ? &ms->loc : &ctx->model_loc[mi];
	if (m->time_critical) {
		if (ts->period_ns == 0) {
			cfg_diag_add(ctx, CFG_SEV_ERROR, where,
			             "time-critical Model '%s' has no period (spec.scheduling.period or a "
			             "Schedule task)",
			             m->name);
			return;
		}
		if (ts->budget_ns == 0 && !ms->has_exec && task == NULL) {
			cfg_diag_add(ctx, CFG_SEV_ERROR, where,
			             "time-critical Model '%s' has no executionTime (its CPU budget per job)",
			             m->name);
		}
		if (m->policy != RT_SCHED_OTHER && (ts->priority < 1 || ts->priority > 99)) {
			cfg_diag_add(ctx, CFG_SEV_ERROR,
			             ms->has_prio ? &ms->loc_prio : pick_loc(where, task == NULL, tloc),
			             "time-critical Model '%s' needs a priority of 1..99 for %s, got %d",
			             m->name, rt_sched_policy_name(m->policy), (int)ts->priority);
		}
	}
	char a[32];
	char b[32];
	if (ts->period_ns > 0 && ts->deadline_ns > ts->period_ns) {
		fmt_ns(ts->deadline_ns, a, sizeof(a));
		fmt_ns(ts->period_ns, b, sizeof(b));
		cfg_diag_add(ctx, CFG_SEV_ERROR, pick_loc(&ms->loc_deadline, ms->has_deadline, tloc),
		             "deadline %s exceeds period %s of Model '%s'", a, b, m->name);
	}
	if (ts->deadline_ns > 0 && ts->budget_ns > ts->deadline_ns) {
		fmt_ns(ts->budget_ns, a, sizeof(a));
		fmt_ns(ts->deadline_ns, b, sizeof(b));
		cfg_diag_add(ctx, CFG_SEV_ERROR, pick_loc(&ms->loc_exec, ms->has_exec, tloc),
		             "executionTime %s exceeds deadline %s of Model '%s'", a, b, m->name);
	}
}

static void resolve_timing(struct cfg_ctx *ctx)
{
	struct rt_config *cfg = ctx->cfg;
	for (uint16_t t = 0; t < cfg->n_tasks; t++) {
		struct rt_schedule_task *task = &cfg->tasks[t];
		task->model = rt_config_find_model(cfg, task->name);
		if (task->model == RT_NO_INDEX) {
			cfg_diag_add(ctx, CFG_SEV_WARNING, &ctx->task_loc[t],
			             "Schedule task '%s' matches no Model; it is not supervised", task->name);
		}
	}
	for (uint16_t m = 0; m < cfg->n_models; m++) {
		const struct rt_schedule_task *task = NULL;
		const struct cfg_loc *tloc = NULL;
		for (uint16_t t = 0; t < cfg->n_tasks; t++) {
			if (cfg->tasks[t].model == m) {
				task = &cfg->tasks[t];
				tloc = &ctx->task_loc[t];
			}
		}
		merge_timing(ctx, m, task, tloc);
	}
}

static void apply_monitor_models(struct cfg_ctx *ctx)
{
	struct rt_config *cfg = ctx->cfg;
	for (uint16_t m = 0; m < cfg->n_models; m++) {
		struct rt_recovery *r = &cfg->models[m].recovery;
		r->action = RT_ESCALATE_EVENT;
		r->max_restarts = 3;
		r->restart_window_ns = 60 * PM_NS_PER_S;
		r->backoff_initial_ns = PM_NS_PER_S;
		r->backoff_max_ns = 30 * PM_NS_PER_S;
	}
	for (uint16_t i = 0; i < ctx->n_mon_models; i++) {
		const struct cfg_mon_model *mm = &ctx->mon_models[i];
		uint16_t m = rt_config_find_model(cfg, mm->name);
		if (m == RT_NO_INDEX) {
			char hint[PM_MAX_NAME + 32];
			suggest_model(cfg, mm->name, hint, sizeof(hint));
			cfg_diag_add(ctx, CFG_SEV_ERROR, &mm->loc,
			             "monitor.models names undefined Model '%s'%s", mm->name, hint);
			continue;
		}
		struct rt_model_cfg *model = &cfg->models[m];
		if (mm->has_discovery) {
			model->discovery = mm->discovery;
		}
		if (mm->has_tolerance) {
			model->timing.max_violations = mm->max_violations;
			model->timing.window_jobs = mm->window_jobs;
		}
		if (mm->has_jitter) {
			model->timing.release_tolerance_ns = mm->jitter_ns;
		}
		if (mm->has_recovery) {
			model->recovery = mm->recovery;
		}
	}
}

static void supervision_cycles(struct cfg_ctx *ctx)
{
	struct rt_config *cfg = ctx->cfg;
	pm_ns tick = rt_config_cycle_for_asil(RT_ASIL_QM);
	for (uint16_t m = 0; m < cfg->n_models; m++) {
		struct rt_model_cfg *model = &cfg->models[m];
		model->supervision_cycle_ns = rt_config_cycle_for_asil(model->asil);
		if (model->supervision_cycle_ns < tick) {
			tick = model->supervision_cycle_ns;
		}
	}
	if (!cfg->monitor.supervision_tick_given) {
		cfg->monitor.supervision_tick_ns = tick;
	}
	/* Not an error (the ASIL default is the contract), but an integrator should know how late a
	 * missed deadline can be reported. */
	for (uint16_t m = 0; m < cfg->n_models; m++) {
		const struct rt_model_cfg *model = &cfg->models[m];
		if (model->time_critical && model->timing.deadline_ns > 0 &&
		    cfg->monitor.supervision_tick_ns > model->timing.deadline_ns) {
			char a[32];
			char b[32];
			fmt_ns(cfg->monitor.supervision_tick_ns, a, sizeof(a));
			fmt_ns(model->timing.deadline_ns, b, sizeof(b));
			cfg_diag_add(
			    ctx, CFG_SEV_INFO, &ctx->model_loc[m],
			    "supervision tick %s is longer than the deadline %s of Model '%s': a job still "
			    "running past its deadline is reported up to one tick late "
			    "(monitor.supervisionTick)",
			    a, b, model->name);
		}
	}
}

static void describe_cpus(uint32_t count, char *buf, size_t cap)
{
	if (count == 1) {
		(void)snprintf(buf, cap, "CPU 0 only");
	} else {
		(void)snprintf(buf, cap, "CPUs 0-%u", (unsigned)(count - 1));
	}
}

static void check_present(struct cfg_ctx *ctx, const struct hal_cpuset *set, const struct cfg_loc *loc,
                          const char *whose)
{
	uint32_t count = ctx->opts->cpu_count;
	if (count == 0) {
		return;
	}
	char missing[96];
	size_t at = 0;
	unsigned n = 0;
	missing[0] = '\0';
	for (uint32_t c = count; c < PM_MAX_CPUS; c++) {
		if (!hal_cpuset_has(set, c)) {
			continue;
		}
		n++;
		if (at < sizeof(missing)) {
			int w = snprintf(missing + at, sizeof(missing) - at, "%s%u", n > 1 ? ", " : "",
			                 (unsigned)c);
			at = w < 0 ? sizeof(missing) : at + (size_t)w;
		}
	}
	if (n == 0) {
		return;
	}
	char have[32];
	describe_cpus(count, have, sizeof(have));
	cfg_strict(ctx, loc, "%s %s of %s %s not present on this machine (%s)", n > 1 ? "CPUs" : "CPU",
	           missing, whose, n > 1 ? "are" : "is", have);
}

static void check_cpus(struct cfg_ctx *ctx)
{
	struct rt_config *cfg = ctx->cfg;
	char whose[PM_MAX_NAME + 16];
	for (uint16_t m = 0; m < cfg->n_models; m++) {
		const struct rt_model_cfg *model = &cfg->models[m];
		const struct cfg_loc *loc = &ctx->sched[m].loc_cpus;
		if (!ctx->sched[m].has_cpus) {
			loc = &ctx->model_loc[m];
			for (uint16_t t = 0; t < cfg->n_tasks; t++) {
				if (cfg->tasks[t].model == m) {
					loc = &ctx->task_loc[t];
				}
			}
		}
		(void)snprintf(whose, sizeof(whose), "Model '%s'", model->name);
		check_present(ctx, &model->cpus, loc, whose);
	}
	static const char *const threads[] = { "monitor.supervisor", "monitor.sampler", "monitor.writer" };
	const struct rt_thread_cfg *tc[] = { &cfg->monitor.supervisor, &cfg->monitor.sampler,
		                             &cfg->monitor.writer };
	for (int i = 0; i < 3; i++) {
		if (ctx->thread_cpus_given[i]) {
			check_present(ctx, &tc[i]->cpus, &ctx->thread_cpus_loc[i], threads[i]);
		}
	}
	for (uint16_t a = 0; a < cfg->n_models; a++) {
		const struct rt_model_cfg *ma = &cfg->models[a];
		if (ma->isolation != RT_ISOLATION_EXCLUSIVE) {
			continue;
		}
		if (hal_cpuset_empty(&ma->cpus)) {
			cfg_diag_add(ctx, CFG_SEV_WARNING, &ctx->model_isolation_loc[a],
			             "Model '%s' is exclusive but has no cpuAffinity, so it excludes nothing",
			             ma->name);
			continue;
		}
		for (uint16_t b = 0; b < a; b++) {
			const struct rt_model_cfg *mb = &cfg->models[b];
			if (mb->isolation != RT_ISOLATION_EXCLUSIVE) {
				continue;
			}
			for (uint32_t c = 0; c < PM_MAX_CPUS; c++) {
				if (hal_cpuset_has(&ma->cpus, c) && hal_cpuset_has(&mb->cpus, c)) {
					cfg_diag_add(ctx, CFG_SEV_ERROR, &ctx->model_isolation_loc[a],
					             "Models '%s' and '%s' are both exclusive on CPU %u",
					             mb->name, ma->name, (unsigned)c);
					break;
				}
			}
		}
	}
}

/* ---- the dependency graph ---- */

#define GRAPH_NODES (PM_MAX_SCENARIOS + PM_MAX_PACKAGES + PM_MAX_MODELS)
#define GRAPH_EDGES                                                                                          \
	(PM_MAX_SCENARIOS * PM_MAX_PACKAGES_PER_SCENARIO + PM_MAX_PACKAGES * PM_MAX_MODELS_PER_PACKAGE +     \
	 PM_MAX_DEPENDENCIES)

struct graph {
	uint16_t n_nodes;
	uint16_t first[GRAPH_NODES + 1]; /* CSR: edges of node v are first[v] .. first[v+1]-1 */
	uint16_t to[GRAPH_EDGES];
	struct cfg_loc loc[GRAPH_EDGES];
	/* scratch for building */
	uint16_t n_raw;
	uint16_t raw_from[GRAPH_EDGES];
	uint16_t raw_to[GRAPH_EDGES];
	struct cfg_loc raw_loc[GRAPH_EDGES];
	uint8_t color[GRAPH_NODES];
	uint16_t stack[GRAPH_NODES];
	uint16_t next[GRAPH_NODES];
};

static uint16_t node_of(const struct rt_config *cfg, enum rt_resource_type type, uint16_t index)
{
	if (type == RT_RES_SCENARIO) {
		return index;
	}
	if (type == RT_RES_PACKAGE) {
		return (uint16_t)(cfg->n_scenarios + index);
	}
	return (uint16_t)(cfg->n_scenarios + cfg->n_packages + index);
}

static struct rt_resource_ref ref_of(const struct rt_config *cfg, uint16_t node)
{
	struct rt_resource_ref r;
	memset(&r, 0, sizeof(r)); /* the padding too: tables are compared as bytes */
	if (node < cfg->n_scenarios) {
		r.type = RT_RES_SCENARIO;
		r.index = node;
	} else if (node < cfg->n_scenarios + cfg->n_packages) {
		r.type = RT_RES_PACKAGE;
		r.index = (uint16_t)(node - cfg->n_scenarios);
	} else {
		r.type = RT_RES_MODEL;
		r.index = (uint16_t)(node - cfg->n_scenarios - cfg->n_packages);
	}
	return r;
}

static const char *node_name(const struct rt_config *cfg, uint16_t node)
{
	struct rt_resource_ref r = ref_of(cfg, node);
	if (r.type == RT_RES_SCENARIO) {
		return cfg->scenarios[r.index].name;
	}
	if (r.type == RT_RES_PACKAGE) {
		return cfg->packages[r.index].name;
	}
	return cfg->models[r.index].name;
}

static void add_edge(struct graph *g, uint16_t from, uint16_t to, const struct cfg_loc *loc)
{
	assert(g->n_raw < GRAPH_EDGES);
	g->raw_from[g->n_raw] = from;
	g->raw_to[g->n_raw] = to;
	g->raw_loc[g->n_raw] = *loc;
	g->n_raw++;
}

static uint16_t lookup(const struct rt_config *cfg, int type, const char *name, int *found_type, int *matches)
{
	uint16_t idx = RT_NO_INDEX;
	*matches = 0;
	for (int t = 0; t < 3; t++) {
		if (type >= 0 && type != t) {
			continue;
		}
		uint16_t i =
		    t == 0 ? rt_config_find_scenario(cfg, name)
		           : (t == 1 ? rt_config_find_package(cfg, name) : rt_config_find_model(cfg, name));
		if (i != RT_NO_INDEX) {
			idx = i;
			*found_type = t;
			(*matches)++;
		}
	}
	return idx;
}

static void resolve_explicit_edges(struct cfg_ctx *ctx, struct graph *g)
{
	struct rt_config *cfg = ctx->cfg;
	static const char *const kinds[] = { "Scenario", "Package", "Model" };
	for (uint16_t i = 0; i < ctx->n_dep_edges; i++) {
		const struct cfg_dep_edge *e = &ctx->dep_edges[i];
		int ft = 0;
		int tt = 0;
		int matches = 0;
		uint16_t from = lookup(cfg, e->from_type, e->from, &ft, &matches);
		if (matches == 0) {
			cfg_diag_add(ctx, CFG_SEV_ERROR, &e->from_loc,
			             "dependency_map names undefined %s '%s'",
			             e->from_type >= 0 ? kinds[e->from_type] : "resource", e->from);
			continue;
		}
		if (matches > 1) {
			cfg_diag_add(ctx, CFG_SEV_ERROR, &e->from_loc,
			             "dependency_map resource '%s' is ambiguous (several kinds have that "
			             "name): add 'type'",
			             e->from);
			continue;
		}
		uint16_t to = lookup(cfg, e->to_type, e->to, &tt, &matches);
		if (matches == 0) {
			cfg_diag_add(ctx, CFG_SEV_ERROR, &e->to_loc, "dependency_map names undefined %s '%s'",
			             kinds[e->to_type], e->to);
			continue;
		}
		if (ft == tt && from == to) {
			cfg_diag_add(ctx, CFG_SEV_ERROR, &e->to_loc,
			             "dependency cycle: %s '%s' depends on itself",
			             rt_config_type_name((enum rt_resource_type)ft), e->from);
			continue;
		}
		struct rt_dependency *d = &cfg->dependency.edges[cfg->dependency.n_edges++];
		d->from_type = (enum rt_resource_type)ft;
		d->from = from;
		d->to_type = (enum rt_resource_type)tt;
		d->to = to;
		d->explicit_edge = 1;
		add_edge(g, node_of(cfg, d->from_type, from), node_of(cfg, d->to_type, to), &e->to_loc);
	}
}

static void report_cycle(struct cfg_ctx *ctx, const struct graph *g, uint16_t depth, uint16_t target,
                         const struct cfg_loc *loc)
{
	const struct rt_config *cfg = ctx->cfg;
	char text[CFG_DIAG_TEXT];
	size_t at = 0;
	uint16_t start = 0;
	while (start < depth && g->stack[start] != target) {
		start++;
	}
	for (uint16_t i = start; i < depth && at < sizeof(text); i++) {
		uint16_t v = g->stack[i];
		int w = snprintf(text + at, sizeof(text) - at, "%s '%s' -> ",
		                 rt_config_type_name(ref_of(cfg, v).type), node_name(cfg, v));
		if (w < 0) {
			break;
		}
		at += (size_t)w;
	}
	if (at < sizeof(text)) {
		(void)snprintf(text + at, sizeof(text) - at, "%s '%s'",
		               rt_config_type_name(ref_of(cfg, target).type), node_name(cfg, target));
	}
	cfg_diag_add(ctx, CFG_SEV_ERROR, loc, "dependency cycle: %s", text);
}

/* Iterative depth-first search: back edges are cycles; post-order is the topological order. */
static void walk_graph(struct cfg_ctx *ctx, struct graph *g)
{
	struct rt_config *cfg = ctx->cfg;
	struct rt_dependency_cfg *dp = &cfg->dependency;
	memset(g->color, 0, sizeof(g->color));
	dp->n_topo = 0;
	for (uint16_t root = 0; root < g->n_nodes; root++) {
		if (g->color[root] != 0) {
			continue;
		}
		uint16_t depth = 0;
		g->stack[depth] = root;
		g->next[depth] = g->first[root];
		depth++;
		g->color[root] = 1;
		/* Each step either follows one edge or finishes one node: bounded by nodes + edges. */
		while (depth > 0) {
			uint16_t v = g->stack[depth - 1];
			if (g->next[depth - 1] < g->first[v + 1]) {
				uint16_t e = g->next[depth - 1]++;
				uint16_t w = g->to[e];
				if (g->color[w] == 1) {
					report_cycle(ctx, g, depth, w, &g->loc[e]);
				} else if (g->color[w] == 0) {
					assert(depth < GRAPH_NODES);
					g->color[w] = 1;
					g->stack[depth] = w;
					g->next[depth] = g->first[w];
					depth++;
				}
				continue;
			}
			g->color[v] = 2;
			dp->topo[dp->n_topo++] = ref_of(cfg, v);
			depth--;
		}
	}
}

static void dependency_graph(struct cfg_ctx *ctx)
{
	struct rt_config *cfg = ctx->cfg;
	/* Init-time scratch, freed below; too large for a thread stack. */
	struct graph *g = calloc(1, sizeof(*g));
	if (g == NULL) {
		cfg_diag_add(ctx, CFG_SEV_ERROR, NULL, "out of memory while checking the dependency graph");
		return;
	}
	g->n_nodes = (uint16_t)(cfg->n_scenarios + cfg->n_packages + cfg->n_models);
	for (uint16_t s = 0; s < cfg->n_scenarios; s++) {
		for (uint16_t k = 0; k < cfg->scenarios[s].n_packages; k++) {
			add_edge(g, node_of(cfg, RT_RES_SCENARIO, s),
			         node_of(cfg, RT_RES_PACKAGE, cfg->scenarios[s].packages[k]),
			         &ctx->scenario_loc[s]);
		}
	}
	for (uint16_t p = 0; p < cfg->n_packages; p++) {
		for (uint16_t k = 0; k < cfg->packages[p].n_models; k++) {
			add_edge(g, node_of(cfg, RT_RES_PACKAGE, p),
			         node_of(cfg, RT_RES_MODEL, cfg->packages[p].models[k]),
			         &ctx->package_loc[p]);
		}
	}
	resolve_explicit_edges(ctx, g);
	/* Counting sort into CSR, keeping file order within a node so results are reproducible. */
	uint16_t count[GRAPH_NODES + 1];
	memset(count, 0, sizeof(count));
	for (uint16_t i = 0; i < g->n_raw; i++) {
		count[g->raw_from[i] + 1]++;
	}
	for (uint16_t v = 0; v < g->n_nodes; v++) {
		count[v + 1] = (uint16_t)(count[v + 1] + count[v]);
	}
	memcpy(g->first, count, sizeof(g->first));
	for (uint16_t i = 0; i < g->n_raw; i++) {
		uint16_t slot = count[g->raw_from[i]]++;
		g->to[slot] = g->raw_to[i];
		g->loc[slot] = g->raw_loc[i];
	}
	g->first[g->n_nodes] = g->n_raw;
	walk_graph(ctx, g);
	free(g);
}

void cfg_validate(struct cfg_ctx *ctx)
{
	resolve_references(ctx);
	resolve_timing(ctx);
	apply_monitor_models(ctx);
	supervision_cycles(ctx);
	check_cpus(ctx);
	dependency_graph(ctx);
}
