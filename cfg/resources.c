/* The PICCOLO resource kinds of HLD §7 (Scenario, Package, Model) and the real-time scheduler's
 * Schedule task list: each document is checked field by field and copied into the tables; names of
 * other resources are kept with their positions and resolved once every file is read. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Labels and annotations are free-form in PICCOLO: only a key close to a known one is suspicious. */
static bool check_free_map(struct cfg_ctx *ctx, yaml_node_t *node, const char *what, const char *const *known,
                           size_t n)
{
	if (!cfg_check_map(ctx, node, what, NULL, 0)) {
		return false;
	}
	for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
		yaml_node_t *key = cfg_node(ctx, p->key);
		if (key == NULL || key->type != YAML_SCALAR_NODE) {
			continue;
		}
		char name[PM_MAX_NAME];
		size_t len = key->data.scalar.length;
		(void)snprintf(name, sizeof(name), "%.*s", (int)(len < sizeof(name) ? len : sizeof(name) - 1),
		               (const char *)key->data.scalar.value);
		bool found = false;
		for (size_t i = 0; i < n && !found; i++) {
			found = strcmp(name, known[i]) == 0;
		}
		const char *hint = found ? NULL : cfg_did_you_mean(name, known, n);
		if (hint != NULL) {
			cfg_warn(ctx, key, "unknown key '%s' in %s (did you mean '%s'?)", name, what, hint);
		}
	}
	return true;
}

/* metadata.name: required, bounded, and unique among the names already loaded of this kind. */
static bool metadata_name(struct cfg_ctx *ctx, yaml_node_t *meta, const char *kind, char *dst,
                          struct cfg_loc *loc)
{
	yaml_node_t *n = cfg_get(ctx, meta, "name");
	if (n == NULL) {
		cfg_missing(ctx, meta, "name");
		return false;
	}
	if (!cfg_str(ctx, n, "name", dst, PM_MAX_NAME, "PM_MAX_NAME")) {
		return false;
	}
	if (dst[0] == '\0') {
		cfg_err(ctx, n, "%s name must not be empty", kind);
		return false;
	}
	*loc = cfg_node_loc(ctx, n);
	return true;
}

static bool duplicate(struct cfg_ctx *ctx, yaml_node_t *at, const char *kind, const char *name,
                      uint16_t found, const struct cfg_loc *first)
{
	if (found == RT_NO_INDEX) {
		return false;
	}
	cfg_err(ctx, at, "duplicate %s '%s' (first defined at %s:%u:%u)", kind, name,
	        first->file < ctx->n_files ? ctx->files[first->file] : "?", (unsigned)first->line,
	        (unsigned)first->col);
	return true;
}

static bool capacity(struct cfg_ctx *ctx, yaml_node_t *at, int which, uint16_t count, uint16_t max,
                     const char *kind, const char *limit)
{
	if (count < max) {
		return true;
	}
	if (!ctx->limit_noted[which]) {
		ctx->limit_noted[which] = true;
		cfg_err(ctx, at, "too many %ss: the limit %s is %u", kind, limit, (unsigned)max);
	}
	return false;
}

static void opt_str(struct cfg_ctx *ctx, yaml_node_t *map, const char *key, char *dst, size_t cap,
                    const char *limit)
{
	yaml_node_t *v = cfg_get(ctx, map, key);
	if (v != NULL) {
		(void)cfg_str(ctx, v, key, dst, cap, limit);
	}
}

static void opt_asil(struct cfg_ctx *ctx, yaml_node_t *labels, enum rt_asil *asil, bool *given)
{
	yaml_node_t *v = cfg_get(ctx, labels, "asilLevel");
	if (v != NULL && cfg_asil(ctx, v, "asilLevel", asil)) {
		*given = true;
	}
}

/* key: value pairs of scalars (spec.condition, nodeSelector). */
static void kv_map(struct cfg_ctx *ctx, yaml_node_t *node, const char *what, struct rt_kv *dst, uint16_t *n)
{
	if (!cfg_check_map(ctx, node, what, NULL, 0)) {
		return;
	}
	size_t count = 0;
	for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
		if (count == PM_MAX_CONDITIONS) {
			cfg_err(ctx, node, "'%s' has more than %d entries (limit PM_MAX_CONDITIONS)", what,
			        PM_MAX_CONDITIONS);
			break;
		}
		yaml_node_t *k = cfg_node(ctx, p->key);
		yaml_node_t *v = cfg_node(ctx, p->value);
		if (k == NULL || k->type != YAML_SCALAR_NODE) {
			continue;
		}
		if (!cfg_str(ctx, k, what, dst[count].key, PM_MAX_NAME, "PM_MAX_NAME")) {
			continue;
		}
		if (cfg_is_null(v)) {
			dst[count].value[0] = '\0';
		} else if (!cfg_str(ctx, v, dst[count].key, dst[count].value, PM_MAX_NAME, "PM_MAX_NAME")) {
			continue;
		}
		count++;
	}
	*n = (uint16_t)count;
}

/* ---- Scenario (HLD §7.1) ---- */

static const char *const scenario_actions[] = { "launch",   "update", "modify", "notify",
	                                        "rollback", "pause",  "resume" };

void cfg_parse_scenario(struct cfg_ctx *ctx, yaml_node_t *root)
{
	struct rt_config *cfg = ctx->cfg;
	yaml_node_t *meta = cfg_get(ctx, root, "metadata");
	yaml_node_t *spec = cfg_get(ctx, root, "spec");
	if (meta == NULL) {
		cfg_missing(ctx, root, "metadata");
		return;
	}
	static const char *const meta_keys[] = { "name", "annotations", "labels" };
	if (!cfg_check_map(ctx, meta, "metadata", meta_keys, N(meta_keys))) {
		return;
	}
	struct rt_scenario_cfg sc;
	memset(&sc, 0, sizeof(sc));
	struct cfg_loc loc;
	if (!metadata_name(ctx, meta, "Scenario", sc.name, &loc)) {
		return;
	}
	uint16_t dup = rt_config_find_scenario(cfg, sc.name);
	if (duplicate(ctx, cfg_get(ctx, meta, "name"), "Scenario", sc.name, dup,
	              dup != RT_NO_INDEX ? &ctx->scenario_loc[dup] : NULL)) {
		return;
	}
	if (!capacity(ctx, root, 0, cfg->n_scenarios, PM_MAX_SCENARIOS, "Scenario", "PM_MAX_SCENARIOS")) {
		return;
	}
	yaml_node_t *ann = cfg_get(ctx, meta, "annotations");
	static const char *const ann_keys[] = { "description", "priority" };
	if (ann != NULL && check_free_map(ctx, ann, "metadata.annotations", ann_keys, N(ann_keys))) {
		opt_str(ctx, ann, "description", sc.description, sizeof(sc.description), "PM_MAX_TEXT");
		opt_str(ctx, ann, "priority", sc.priority, sizeof(sc.priority), "PM_MAX_LABEL");
	}
	yaml_node_t *labels = cfg_get(ctx, meta, "labels");
	static const char *const label_keys[] = { "function", "category", "asilLevel" };
	if (labels != NULL && check_free_map(ctx, labels, "metadata.labels", label_keys, N(label_keys))) {
		opt_str(ctx, labels, "function", sc.function, sizeof(sc.function), "PM_MAX_NAME");
		opt_str(ctx, labels, "category", sc.category, sizeof(sc.category), "PM_MAX_LABEL");
		opt_asil(ctx, labels, &sc.asil, &sc.asil_given);
	}
	uint16_t idx = cfg->n_scenarios;
	if (spec == NULL) {
		cfg_missing(ctx, root, "spec");
	} else {
		static const char *const spec_keys[] = { "condition", "action", "target" };
		if (cfg_check_map(ctx, spec, "spec", spec_keys, N(spec_keys))) {
			yaml_node_t *cond = cfg_get(ctx, spec, "condition");
			if (cond != NULL) {
				kv_map(ctx, cond, "spec.condition", sc.conditions, &sc.n_conditions);
			}
			yaml_node_t *action = cfg_get(ctx, spec, "action");
			int a = 0;
			if (action != NULL &&
			    cfg_enum(ctx, action, "action", scenario_actions, N(scenario_actions), &a)) {
				sc.action = (enum rt_scenario_action)a;
			}
			yaml_node_t *target = cfg_get(ctx, spec, "target");
			static const char *const target_keys[] = { "packages" };
			if (target == NULL) {
				cfg_missing(ctx, spec, "target");
			} else if (cfg_check_map(ctx, target, "spec.target", target_keys, N(target_keys))) {
				yaml_node_t *pk = cfg_get(ctx, target, "packages");
				if (pk == NULL) {
					cfg_missing(ctx, target, "packages");
				} else if (cfg_is_seq(ctx, pk, "packages")) {
					size_t n = cfg_seq_len(pk);
					if (n > PM_MAX_PACKAGES_PER_SCENARIO) {
						cfg_err(
						    ctx, pk,
						    "Scenario '%s' targets %zu packages, more than the limit "
						    "PM_MAX_PACKAGES_PER_SCENARIO = %d",
						    sc.name, n, PM_MAX_PACKAGES_PER_SCENARIO);
						n = PM_MAX_PACKAGES_PER_SCENARIO;
					}
					for (size_t i = 0; i < n; i++) {
						yaml_node_t *item = cfg_seq_at(ctx, pk, i);
						struct cfg_ref *ref = &ctx->scenario_pkgs[idx][sc.n_packages];
						if (cfg_str(ctx, item, "packages", ref->name, PM_MAX_NAME,
						            "PM_MAX_NAME")) {
							ref->loc = cfg_node_loc(ctx, item);
							sc.n_packages++;
						}
					}
				}
			}
		}
	}
	ctx->scenario_loc[idx] = loc;
	cfg->scenarios[idx] = sc;
	cfg->n_scenarios++;
}

/* ---- Package (HLD §7.2) ---- */

static const char *const pattern_types[] = { "plain", "selector", "distributed" };
static const char *const criticality_names[] = { "unspecified",      "low",
	                                         "medium",           "high",
	                                         "mission-critical", "safety-critical" };

static void package_models(struct cfg_ctx *ctx, yaml_node_t *models, struct rt_package_cfg *pkg, uint16_t idx)
{
	if (!cfg_is_seq(ctx, models, "models")) {
		return;
	}
	size_t n = cfg_seq_len(models);
	if (n > PM_MAX_MODELS_PER_PACKAGE) {
		cfg_err(ctx, models,
		        "Package '%s' lists %zu models, more than the limit PM_MAX_MODELS_PER_PACKAGE = %d",
		        pkg->name, n, PM_MAX_MODELS_PER_PACKAGE);
		n = PM_MAX_MODELS_PER_PACKAGE;
	}
	static const char *const model_keys[] = { "name", "image", "node" };
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *item = cfg_seq_at(ctx, models, i);
		if (!cfg_check_map(ctx, item, "spec.models[]", model_keys, N(model_keys))) {
			continue;
		}
		yaml_node_t *name = cfg_get(ctx, item, "name");
		struct cfg_ref *ref = &ctx->package_models[idx][pkg->n_models];
		if (name == NULL) {
			cfg_missing(ctx, item, "name");
			continue;
		}
		if (!cfg_str(ctx, name, "name", ref->name, PM_MAX_NAME, "PM_MAX_NAME")) {
			continue;
		}
		ref->loc = cfg_node_loc(ctx, name);
		opt_str(ctx, item, "image", pkg->model_image[pkg->n_models], PM_MAX_PATH, "PM_MAX_PATH");
		opt_str(ctx, item, "node", pkg->model_node[pkg->n_models], PM_MAX_NAME, "PM_MAX_NAME");
		pkg->n_models++;
	}
}

void cfg_parse_package(struct cfg_ctx *ctx, yaml_node_t *root)
{
	struct rt_config *cfg = ctx->cfg;
	yaml_node_t *meta = cfg_get(ctx, root, "metadata");
	yaml_node_t *spec = cfg_get(ctx, root, "spec");
	if (meta == NULL) {
		cfg_missing(ctx, root, "metadata");
		return;
	}
	static const char *const meta_keys[] = { "name", "annotations", "labels" };
	if (!cfg_check_map(ctx, meta, "metadata", meta_keys, N(meta_keys))) {
		return;
	}
	/* Large (model image paths): built in place at the next free slot, counted only when complete. */
	if (!capacity(ctx, root, 1, cfg->n_packages, PM_MAX_PACKAGES, "Package", "PM_MAX_PACKAGES")) {
		return;
	}
	uint16_t idx = cfg->n_packages;
	struct rt_package_cfg *pkg = &cfg->packages[idx];
	memset(pkg, 0, sizeof(*pkg));
	struct cfg_loc loc;
	if (!metadata_name(ctx, meta, "Package", pkg->name, &loc)) {
		return;
	}
	for (uint16_t i = 0; i < idx; i++) {
		if (strcmp(cfg->packages[i].name, pkg->name) == 0) {
			(void)duplicate(ctx, cfg_get(ctx, meta, "name"), "Package", pkg->name, i,
			                &ctx->package_loc[i]);
			memset(pkg, 0, sizeof(*pkg));
			return;
		}
	}
	yaml_node_t *ann = cfg_get(ctx, meta, "annotations");
	static const char *const ann_keys[] = { "version", "description" };
	if (ann != NULL && check_free_map(ctx, ann, "metadata.annotations", ann_keys, N(ann_keys))) {
		opt_str(ctx, ann, "version", pkg->version, sizeof(pkg->version), "PM_MAX_LABEL");
		opt_str(ctx, ann, "description", pkg->description, sizeof(pkg->description), "PM_MAX_TEXT");
	}
	yaml_node_t *labels = cfg_get(ctx, meta, "labels");
	static const char *const label_keys[] = { "types", "component", "asilLevel" };
	if (labels != NULL && check_free_map(ctx, labels, "metadata.labels", label_keys, N(label_keys))) {
		yaml_node_t *types = cfg_get(ctx, labels, "types");
		if (types != NULL) {
			(void)cfg_str_list(ctx, types, "types", &pkg->types[0][0], PM_MAX_LABEL,
			                   PM_MAX_LABELS, &pkg->n_types, "PM_MAX_LABEL", "PM_MAX_LABELS");
		}
		opt_str(ctx, labels, "component", pkg->component, sizeof(pkg->component), "PM_MAX_NAME");
		opt_asil(ctx, labels, &pkg->asil, &pkg->asil_given);
	}
	if (spec == NULL) {
		cfg_missing(ctx, root, "spec");
	} else {
		static const char *const spec_keys[] = { "pattern", "packageType", "typeProperties",
			                                 "models" };
		if (cfg_check_map(ctx, spec, "spec", spec_keys, N(spec_keys))) {
			yaml_node_t *pattern = cfg_get(ctx, spec, "pattern");
			static const char *const pattern_keys[] = { "type", "nodeSelector" };
			if (pattern != NULL &&
			    cfg_check_map(ctx, pattern, "spec.pattern", pattern_keys, N(pattern_keys))) {
				yaml_node_t *t = cfg_get(ctx, pattern, "type");
				int v = 0;
				if (t != NULL &&
				    cfg_enum(ctx, t, "type", pattern_types, N(pattern_types), &v)) {
					pkg->pattern = (enum rt_pattern_type)v;
				}
				yaml_node_t *sel = cfg_get(ctx, pattern, "nodeSelector");
				if (sel != NULL) {
					kv_map(ctx, sel, "spec.pattern.nodeSelector", pkg->node_selector,
					       &pkg->n_node_selector);
				}
			}
			opt_str(ctx, spec, "packageType", pkg->package_type, sizeof(pkg->package_type),
			        "PM_MAX_NAME");
			yaml_node_t *tp = cfg_get(ctx, spec, "typeProperties");
			static const char *const tp_keys[] = { "category", "criticality", "lifecycle" };
			if (tp != NULL &&
			    cfg_check_map(ctx, tp, "spec.typeProperties", tp_keys, N(tp_keys))) {
				opt_str(ctx, tp, "category", pkg->category, sizeof(pkg->category),
				        "PM_MAX_LABEL");
				opt_str(ctx, tp, "lifecycle", pkg->lifecycle, sizeof(pkg->lifecycle),
				        "PM_MAX_LABEL");
				yaml_node_t *c = cfg_get(ctx, tp, "criticality");
				int v = 0;
				if (c != NULL && cfg_enum(ctx, c, "criticality", criticality_names + 1,
				                          N(criticality_names) - 1, &v)) {
					pkg->criticality = (enum rt_criticality)(v + 1);
				}
			}
			yaml_node_t *models = cfg_get(ctx, spec, "models");
			if (models == NULL) {
				cfg_missing(ctx, spec, "models");
			} else {
				package_models(ctx, models, pkg, idx);
			}
		}
	}
	ctx->package_loc[idx] = loc;
	cfg->n_packages++;
}

/* ---- Model (HLD §7.3) ---- */

static const char *const isolation_names[] = { "none", "shared", "exclusive" };

static void model_limits(struct cfg_ctx *ctx, yaml_node_t *res, struct rt_model_limits *sum)
{
	static const char *const res_keys[] = { "limits", "requests" };
	if (!cfg_check_map(ctx, res, "resources", res_keys, N(res_keys))) {
		return;
	}
	static const char *const lim_keys[] = { "cpu", "memory", "gpu" };
	yaml_node_t *req = cfg_get(ctx, res, "requests");
	struct rt_model_limits requests = { 0, 0, 0 };
	if (req != NULL && cfg_check_map(ctx, req, "resources.requests", lim_keys, N(lim_keys))) {
		yaml_node_t *v;
		int64_t g = 0;
		if ((v = cfg_get(ctx, req, "cpu")) != NULL) {
			(void)cfg_cpu_qty(ctx, v, "cpu", &requests.cpu_millicores);
		}
		if ((v = cfg_get(ctx, req, "memory")) != NULL) {
			(void)cfg_size(ctx, v, "memory", 0, UINT64_C(1) << 50, &requests.memory_bytes);
		}
		if ((v = cfg_get(ctx, req, "gpu")) != NULL && cfg_int(ctx, v, "gpu", 0, 64, &g)) {
			requests.gpu = (uint32_t)g;
		}
	}
	yaml_node_t *lim = cfg_get(ctx, res, "limits");
	if (lim == NULL || !cfg_check_map(ctx, lim, "resources.limits", lim_keys, N(lim_keys))) {
		return;
	}
	yaml_node_t *v;
	uint32_t cpu = 0;
	uint64_t mem = 0;
	int64_t gpu = 0;
	if ((v = cfg_get(ctx, lim, "cpu")) != NULL && cfg_cpu_qty(ctx, v, "cpu", &cpu)) {
		if (cpu == 0) {
			cfg_err(ctx, v, "'cpu' limit must be greater than 0");
		} else if (requests.cpu_millicores > cpu) {
			cfg_err(ctx, v, "'cpu' limit is below the request (%um < %um)", (unsigned)cpu,
			        (unsigned)requests.cpu_millicores);
		}
		sum->cpu_millicores += cpu;
	}
	if ((v = cfg_get(ctx, lim, "memory")) != NULL &&
	    cfg_size(ctx, v, "memory", 1, UINT64_C(1) << 50, &mem)) {
		if (requests.memory_bytes > mem) {
			cfg_err(ctx, v, "'memory' limit is below the request");
		}
		sum->memory_bytes += mem;
	}
	if ((v = cfg_get(ctx, lim, "gpu")) != NULL && cfg_int(ctx, v, "gpu", 0, 64, &gpu)) {
		sum->gpu += (uint32_t)gpu;
	}
}

static void model_containers(struct cfg_ctx *ctx, yaml_node_t *seq, struct rt_model_cfg *m)
{
	if (!cfg_is_seq(ctx, seq, "containers")) {
		return;
	}
	size_t n = cfg_seq_len(seq);
	if (n > PM_MAX_CONTAINERS) {
		cfg_err(ctx, seq, "Model '%s' has %zu containers, more than the limit PM_MAX_CONTAINERS = %d",
		        m->name, n, PM_MAX_CONTAINERS);
		n = PM_MAX_CONTAINERS;
	}
	static const char *const c_keys[] = { "name", "image", "resources", "env" };
	static const char *const env_keys[] = { "name", "value" };
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *c = cfg_seq_at(ctx, seq, i);
		if (!cfg_check_map(ctx, c, "spec.containers[]", c_keys, N(c_keys))) {
			continue;
		}
		yaml_node_t *name = cfg_get(ctx, c, "name");
		if (name == NULL) {
			cfg_missing(ctx, c, "name");
		} else if (cfg_str(ctx, name, "name", m->containers[m->n_containers], PM_MAX_NAME,
		                   "PM_MAX_NAME")) {
			for (uint16_t k = 0; k < m->n_containers; k++) {
				if (strcmp(m->containers[k], m->containers[m->n_containers]) == 0) {
					cfg_err(ctx, name, "duplicate container '%s' in Model '%s'",
					        m->containers[k], m->name);
				}
			}
			m->n_containers++;
		}
		yaml_node_t *image = cfg_get(ctx, c, "image");
		char tmp[PM_MAX_PATH];
		if (image != NULL) {
			(void)cfg_str(ctx, image, "image", tmp, sizeof(tmp), "PM_MAX_PATH");
		}
		yaml_node_t *res = cfg_get(ctx, c, "resources");
		if (res != NULL) {
			model_limits(ctx, res, &m->limits);
		}
		yaml_node_t *env = cfg_get(ctx, c, "env");
		if (env != NULL && cfg_is_seq(ctx, env, "env")) {
			for (size_t k = 0; k < cfg_seq_len(env); k++) {
				yaml_node_t *e = cfg_seq_at(ctx, env, k);
				if (!cfg_check_map(ctx, e, "env[]", env_keys, N(env_keys))) {
					continue;
				}
				yaml_node_t *en = cfg_get(ctx, e, "name");
				yaml_node_t *ev = cfg_get(ctx, e, "value");
				if (en == NULL) {
					cfg_missing(ctx, e, "name");
				} else {
					(void)cfg_str(ctx, en, "name", tmp, sizeof(tmp), "PM_MAX_PATH");
				}
				if (ev != NULL) {
					(void)cfg_str(ctx, ev, "value", tmp, sizeof(tmp), "PM_MAX_PATH");
				}
			}
		}
	}
}

static void model_scheduling(struct cfg_ctx *ctx, yaml_node_t *s, struct rt_model_cfg *m,
                             struct cfg_model_sched *ms, struct cfg_loc *iso_loc)
{
	static const char *const keys[] = { "timeCritical",  "priority",    "period",         "deadline",
		                            "executionTime", "cpuAffinity", "isolationLevel", "criticality" };
	if (!cfg_check_map(ctx, s, "spec.scheduling", keys, N(keys))) {
		return;
	}
	ms->present = true;
	ms->loc = cfg_node_loc(ctx, s);
	yaml_node_t *v;
	if ((v = cfg_get(ctx, s, "timeCritical")) != NULL) {
		(void)cfg_bool(ctx, v, "timeCritical", &ms->time_critical);
	}
	int64_t prio = 0;
	if ((v = cfg_get(ctx, s, "priority")) != NULL && cfg_int(ctx, v, "priority", 0, 99, &prio)) {
		ms->has_prio = true;
		ms->prio = (int32_t)prio;
		ms->loc_prio = cfg_node_loc(ctx, v);
	}
	const pm_ns max_period = 3600 * PM_NS_PER_S;
	if ((v = cfg_get(ctx, s, "period")) != NULL &&
	    cfg_duration(ctx, v, "period", PM_NS_PER_US, max_period, &ms->period)) {
		ms->has_period = true;
		ms->loc_period = cfg_node_loc(ctx, v);
	}
	if ((v = cfg_get(ctx, s, "deadline")) != NULL &&
	    cfg_duration(ctx, v, "deadline", PM_NS_PER_US, max_period, &ms->deadline)) {
		ms->has_deadline = true;
		ms->loc_deadline = cfg_node_loc(ctx, v);
	}
	if ((v = cfg_get(ctx, s, "executionTime")) != NULL &&
	    cfg_duration(ctx, v, "executionTime", PM_NS_PER_US, max_period, &ms->exec)) {
		ms->has_exec = true;
		ms->loc_exec = cfg_node_loc(ctx, v);
	}
	if ((v = cfg_get(ctx, s, "cpuAffinity")) != NULL && cfg_cpus(ctx, v, "cpuAffinity", &ms->cpus)) {
		ms->has_cpus = true;
		ms->loc_cpus = cfg_node_loc(ctx, v);
	}
	int e = 0;
	if ((v = cfg_get(ctx, s, "isolationLevel")) != NULL &&
	    cfg_enum(ctx, v, "isolationLevel", isolation_names, N(isolation_names), &e)) {
		m->isolation = (enum rt_isolation)e;
		*iso_loc = cfg_node_loc(ctx, v);
	}
	if ((v = cfg_get(ctx, s, "criticality")) != NULL &&
	    cfg_enum(ctx, v, "criticality", criticality_names + 1, N(criticality_names) - 1, &e)) {
		m->criticality = (enum rt_criticality)(e + 1);
	}
}

/* deviceAccess, volumes and networks are checked for shape; picmon does not act on them. */
static void model_extras(struct cfg_ctx *ctx, yaml_node_t *spec)
{
	char tmp[PM_MAX_PATH];
	yaml_node_t *v;
	static const char *const dev_keys[] = { "manager", "devices" };
	if ((v = cfg_get(ctx, spec, "deviceAccess")) != NULL && cfg_is_seq(ctx, v, "deviceAccess")) {
		for (size_t i = 0; i < cfg_seq_len(v); i++) {
			yaml_node_t *d = cfg_seq_at(ctx, v, i);
			if (!cfg_check_map(ctx, d, "deviceAccess[]", dev_keys, N(dev_keys))) {
				continue;
			}
			yaml_node_t *mgr = cfg_get(ctx, d, "manager");
			if (mgr == NULL) {
				cfg_missing(ctx, d, "manager");
			} else {
				(void)cfg_str(ctx, mgr, "manager", tmp, sizeof(tmp), "PM_MAX_PATH");
			}
			yaml_node_t *devs = cfg_get(ctx, d, "devices");
			if (devs != NULL && cfg_is_seq(ctx, devs, "devices")) {
				for (size_t k = 0; k < cfg_seq_len(devs); k++) {
					(void)cfg_str(ctx, cfg_seq_at(ctx, devs, k), "devices", tmp,
					              sizeof(tmp), "PM_MAX_PATH");
				}
			}
		}
	}
	static const char *const vol_keys[] = { "name", "mountPath", "volume" };
	if ((v = cfg_get(ctx, spec, "volumes")) != NULL && cfg_is_seq(ctx, v, "volumes")) {
		for (size_t i = 0; i < cfg_seq_len(v); i++) {
			yaml_node_t *d = cfg_seq_at(ctx, v, i);
			if (!cfg_check_map(ctx, d, "volumes[]", vol_keys, N(vol_keys))) {
				continue;
			}
			for (size_t k = 0; k < N(vol_keys); k++) {
				yaml_node_t *f = cfg_get(ctx, d, vol_keys[k]);
				if (f == NULL && k == 0) {
					cfg_missing(ctx, d, vol_keys[k]);
				} else if (f != NULL) {
					(void)cfg_str(ctx, f, vol_keys[k], tmp, sizeof(tmp), "PM_MAX_PATH");
				}
			}
		}
	}
	static const char *const net_keys[] = { "name" };
	if ((v = cfg_get(ctx, spec, "networks")) != NULL && cfg_is_seq(ctx, v, "networks")) {
		for (size_t i = 0; i < cfg_seq_len(v); i++) {
			yaml_node_t *d = cfg_seq_at(ctx, v, i);
			if (!cfg_check_map(ctx, d, "networks[]", net_keys, N(net_keys))) {
				continue;
			}
			yaml_node_t *f = cfg_get(ctx, d, "name");
			if (f == NULL) {
				cfg_missing(ctx, d, "name");
			} else {
				(void)cfg_str(ctx, f, "name", tmp, sizeof(tmp), "PM_MAX_PATH");
			}
		}
	}
}

void cfg_parse_model(struct cfg_ctx *ctx, yaml_node_t *root)
{
	struct rt_config *cfg = ctx->cfg;
	yaml_node_t *meta = cfg_get(ctx, root, "metadata");
	yaml_node_t *spec = cfg_get(ctx, root, "spec");
	if (meta == NULL) {
		cfg_missing(ctx, root, "metadata");
		return;
	}
	static const char *const meta_keys[] = { "name", "annotations", "labels" };
	if (!cfg_check_map(ctx, meta, "metadata", meta_keys, N(meta_keys))) {
		return;
	}
	if (!capacity(ctx, root, 2, cfg->n_models, PM_MAX_MODELS, "Model", "PM_MAX_MODELS")) {
		return;
	}
	uint16_t idx = cfg->n_models;
	struct rt_model_cfg *m = &cfg->models[idx];
	struct cfg_model_sched *ms = &ctx->sched[idx];
	memset(m, 0, sizeof(*m));
	memset(ms, 0, sizeof(*ms));
	struct cfg_loc loc;
	if (!metadata_name(ctx, meta, "Model", m->name, &loc)) {
		return;
	}
	for (uint16_t i = 0; i < idx; i++) {
		if (strcmp(cfg->models[i].name, m->name) == 0) {
			(void)duplicate(ctx, cfg_get(ctx, meta, "name"), "Model", m->name, i,
			                &ctx->model_loc[i]);
			memset(m, 0, sizeof(*m));
			return;
		}
	}
	yaml_node_t *ann = cfg_get(ctx, meta, "annotations");
	static const char *const ann_keys[] = { "version", "description" };
	if (ann != NULL && check_free_map(ctx, ann, "metadata.annotations", ann_keys, N(ann_keys))) {
		opt_str(ctx, ann, "version", m->version, sizeof(m->version), "PM_MAX_LABEL");
		opt_str(ctx, ann, "description", m->description, sizeof(m->description), "PM_MAX_TEXT");
	}
	yaml_node_t *labels = cfg_get(ctx, meta, "labels");
	static const char *const label_keys[] = { "component", "asilLevel" };
	if (labels != NULL && check_free_map(ctx, labels, "metadata.labels", label_keys, N(label_keys))) {
		opt_str(ctx, labels, "component", m->component, sizeof(m->component), "PM_MAX_NAME");
		opt_asil(ctx, labels, &m->asil, &m->asil_given);
	}
	if (spec == NULL) {
		cfg_missing(ctx, root, "spec");
	} else {
		static const char *const spec_keys[] = { "image",      "node",       "hostNetwork",
			                                 "containers", "scheduling", "deviceAccess",
			                                 "volumes",    "networks" };
		if (cfg_check_map(ctx, spec, "spec", spec_keys, N(spec_keys))) {
			opt_str(ctx, spec, "image", m->image, sizeof(m->image), "PM_MAX_PATH");
			opt_str(ctx, spec, "node", m->node, sizeof(m->node), "PM_MAX_NAME");
			yaml_node_t *v;
			if ((v = cfg_get(ctx, spec, "hostNetwork")) != NULL) {
				(void)cfg_bool(ctx, v, "hostNetwork", &m->host_network);
			}
			if ((v = cfg_get(ctx, spec, "containers")) != NULL) {
				model_containers(ctx, v, m);
			}
			if ((v = cfg_get(ctx, spec, "scheduling")) != NULL) {
				model_scheduling(ctx, v, m, ms, &ctx->model_isolation_loc[idx]);
			}
			model_extras(ctx, spec);
		}
	}
	m->package = RT_NO_INDEX;
	ctx->model_loc[idx] = loc;
	cfg->n_models++;
}

/* ---- Schedule: the PICCOLO real-time scheduler's task list (times in microseconds) ---- */

static const char *const task_policies[] = { "NORMAL", "FIFO", "RR" };

static bool task_us(struct cfg_ctx *ctx, yaml_node_t *task, const char *key, bool required, int64_t min,
                    pm_ns *dst)
{
	yaml_node_t *v = cfg_get(ctx, task, key);
	int64_t us = 0;
	if (v == NULL) {
		if (required) {
			cfg_missing(ctx, task, key);
		}
		return false;
	}
	/* One hour in microseconds bounds every timing field of a task. */
	if (!cfg_int(ctx, v, key, min, INT64_C(3600000000), &us)) {
		return false;
	}
	*dst = us * PM_NS_PER_US;
	return true;
}

static void parse_task(struct cfg_ctx *ctx, yaml_node_t *t)
{
	static const char *const keys[] = { "name",    "priority",     "policy",  "cpu_affinity",
		                            "period",  "release_time", "runtime", "deadline",
		                            "node_id", "max_dmiss" };
	struct rt_config *cfg = ctx->cfg;
	if (!cfg_check_map(ctx, t, "Schedule task", keys, N(keys))) {
		return;
	}
	struct rt_schedule_task task;
	memset(&task, 0, sizeof(task));
	task.policy = RT_SCHED_FIFO;
	task.model = RT_NO_INDEX;
	yaml_node_t *name = cfg_get(ctx, t, "name");
	if (name == NULL) {
		cfg_missing(ctx, t, "name");
		return;
	}
	if (!cfg_str(ctx, name, "name", task.name, sizeof(task.name), "PM_MAX_NAME")) {
		return;
	}
	for (uint16_t i = 0; i < cfg->n_tasks; i++) {
		if (strcmp(cfg->tasks[i].name, task.name) == 0) {
			(void)duplicate(ctx, name, "Schedule task", task.name, i, &ctx->task_loc[i]);
			return;
		}
	}
	if (!capacity(ctx, name, 3, cfg->n_tasks, PM_MAX_TASKS, "Schedule task", "PM_MAX_TASKS")) {
		return;
	}
	yaml_node_t *v;
	int e = 1;
	if ((v = cfg_get(ctx, t, "policy")) != NULL &&
	    cfg_enum(ctx, v, "policy", task_policies, N(task_policies), &e)) {
		task.policy = e == 0 ? RT_SCHED_OTHER : (e == 1 ? RT_SCHED_FIFO : RT_SCHED_RR);
	}
	int64_t prio = 0;
	if ((v = cfg_get(ctx, t, "priority")) != NULL) {
		if (cfg_int(ctx, v, "priority", 0, 99, &prio)) {
			task.priority = (int32_t)prio;
			if (task.policy != RT_SCHED_OTHER && prio == 0) {
				cfg_err(ctx, v, "'priority' must be 1..99 with policy %s",
				        rt_sched_policy_name(task.policy));
			}
		}
	} else if (task.policy != RT_SCHED_OTHER) {
		cfg_missing(ctx, t, "priority");
	}
	if ((v = cfg_get(ctx, t, "cpu_affinity")) != NULL) {
		const char *text;
		size_t len;
		if (cfg_scalar(ctx, v, "cpu_affinity", "a 64-bit CPU bitmask", &text, &len) &&
		    rt_u64_parse(text, len, &task.cpu_affinity) != PM_OK) {
			cfg_err(ctx, v,
			        "'cpu_affinity' must be a 64-bit CPU bitmask (decimal or 0x hex), got '%.*s'",
			        (int)(len > 40 ? 40 : len), text);
		}
	}
	bool has_period = task_us(ctx, t, "period", true, 1, &task.period_ns);
	(void)task_us(ctx, t, "release_time", false, 0, &task.release_ns);
	bool has_runtime = task_us(ctx, t, "runtime", true, 0, &task.runtime_ns);
	yaml_node_t *dl = cfg_get(ctx, t, "deadline");
	bool has_deadline = task_us(ctx, t, "deadline", false, 1, &task.deadline_ns);
	if (!has_deadline && dl == NULL) {
		task.deadline_ns = task.period_ns;
		has_deadline = has_period;
	}
	if (has_period && has_deadline && task.deadline_ns > task.period_ns) {
		char a[32];
		char b[32];
		(void)rt_duration_format(task.deadline_ns, a, sizeof(a));
		(void)rt_duration_format(task.period_ns, b, sizeof(b));
		cfg_err(ctx, dl, "deadline %s exceeds period %s in Schedule task '%s'", a, b, task.name);
	}
	if (has_runtime && has_deadline && task.runtime_ns > task.deadline_ns) {
		char a[32];
		char b[32];
		(void)rt_duration_format(task.runtime_ns, a, sizeof(a));
		(void)rt_duration_format(task.deadline_ns, b, sizeof(b));
		cfg_err(ctx, cfg_get(ctx, t, "runtime"),
		        "runtime %s exceeds deadline %s in Schedule task '%s'", a, b, task.name);
	}
	if ((v = cfg_get(ctx, t, "node_id")) != NULL) {
		(void)cfg_str(ctx, v, "node_id", task.node_id, sizeof(task.node_id), "PM_MAX_NAME");
	}
	int64_t dmiss = 0;
	if ((v = cfg_get(ctx, t, "max_dmiss")) != NULL && cfg_int(ctx, v, "max_dmiss", 0, 1000000, &dmiss)) {
		task.max_dmiss = (uint32_t)dmiss;
	}
	ctx->task_loc[cfg->n_tasks] = cfg_node_loc(ctx, name);
	cfg->tasks[cfg->n_tasks++] = task;
}

void cfg_parse_schedule_tasks(struct cfg_ctx *ctx, yaml_node_t *seq)
{
	if (!cfg_is_seq(ctx, seq, "spec")) {
		return;
	}
	ctx->cfg->n_schedules++;
	for (size_t i = 0; i < cfg_seq_len(seq); i++) {
		parse_task(ctx, cfg_seq_at(ctx, seq, i));
	}
}
