/* Internal to cfg/: the loading context (source positions kept beside the tables for validation),
 * diagnostics and the typed YAML node readers shared by the per-kind parsers. */
#ifndef CFG_INTERNAL_H
#define CFG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "cfg/load.h"
#include "rt/config.h"

/* Keys one mapping may have (labels, thresholds and the like included). */
#define CFG_MAX_MAP_KEYS 256

/* A position in a source file: file index into cfg_ctx.files, 1-based line and column. */
struct cfg_loc {
	uint16_t file;
	uint32_t line;
	uint32_t col;
};

struct cfg_ref {
	char name[PM_MAX_NAME];
	struct cfg_loc loc;
};

/* spec.scheduling of one Model, as written (merged with its Schedule task during validation). */
struct cfg_model_sched {
	bool present;
	bool time_critical;
	bool has_period, has_deadline, has_exec, has_prio, has_cpus;
	pm_ns period, deadline, exec;
	int32_t prio;
	struct hal_cpuset cpus;
	struct cfg_loc loc, loc_period, loc_deadline, loc_exec, loc_prio, loc_cpus;
};

/* One monitor.models[] entry, applied to its Model once every document is read. */
struct cfg_mon_model {
	char name[PM_MAX_NAME];
	struct cfg_loc loc;
	bool has_discovery;
	struct rt_discovery discovery;
	bool has_tolerance;
	uint32_t max_violations;
	uint32_t window_jobs;
	bool has_jitter;
	pm_ns jitter_ns;
	bool has_recovery;
	struct rt_recovery recovery;
};

/* One dependency_map edge before its names are resolved. type -1 = look the name up in every kind. */
struct cfg_dep_edge {
	char from[PM_MAX_NAME];
	int from_type;
	struct cfg_loc from_loc;
	char to[PM_MAX_NAME];
	int to_type;
	struct cfg_loc to_loc;
};

struct cfg_ctx {
	const struct cfg_load_options *opts;
	struct rt_config *cfg;
	struct cfg_diag_list *diags;
	yaml_document_t *doc;
	uint16_t file;
	uint16_t n_files;
	char files[PM_MAX_CONFIG_FILES][PM_MAX_PATH];
	bool status_noted;
	bool docs_limit_noted;

	struct cfg_loc scenario_loc[PM_MAX_SCENARIOS];
	struct cfg_ref scenario_pkgs[PM_MAX_SCENARIOS][PM_MAX_PACKAGES_PER_SCENARIO];
	struct cfg_loc package_loc[PM_MAX_PACKAGES];
	struct cfg_ref package_models[PM_MAX_PACKAGES][PM_MAX_MODELS_PER_PACKAGE];
	struct cfg_loc model_loc[PM_MAX_MODELS];
	struct cfg_loc model_isolation_loc[PM_MAX_MODELS];
	struct cfg_model_sched sched[PM_MAX_MODELS];
	struct cfg_loc task_loc[PM_MAX_TASKS];
	bool limit_noted[4]; /* scenarios, packages, models, tasks */

	bool have_monitoring;
	struct cfg_loc monitoring_loc;
	uint16_t n_mon_models;
	struct cfg_mon_model mon_models[PM_MAX_MODELS];
	uint16_t n_dep_edges;
	struct cfg_dep_edge dep_edges[PM_MAX_DEPENDENCIES];
	bool thread_cpus_given[3];
	struct cfg_loc thread_cpus_loc[3];
};

/* ---- diagnostics ---- */
void cfg_diag_add(struct cfg_ctx *ctx, enum cfg_severity sev, const struct cfg_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
struct cfg_loc cfg_node_loc(const struct cfg_ctx *ctx, const yaml_node_t *node);
void cfg_err(struct cfg_ctx *ctx, const yaml_node_t *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cfg_warn(struct cfg_ctx *ctx, const yaml_node_t *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* An error, or a warning unless --strict. */
void cfg_strict(struct cfg_ctx *ctx, const struct cfg_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Closest candidate within a small edit distance, or NULL. */
const char *cfg_did_you_mean(const char *word, const char *const *candidates, size_t n);
/* Writes " (did you mean 'x'?)" or "" into buf. */
void cfg_suggest(char *buf, size_t cap, const char *word, const char *const *candidates, size_t n);

/* ---- YAML node readers ---- */
yaml_node_t *cfg_node(const struct cfg_ctx *ctx, int id);
bool cfg_is_null(const yaml_node_t *node);
/* Checks `node` is a mapping whose keys are all scalars among `known` (unknown -> error with
 * suggestion; duplicate -> error). `what` names the mapping in messages. Returns false if not a map. */
bool cfg_check_map(struct cfg_ctx *ctx, yaml_node_t *node, const char *what, const char *const *known,
                   size_t n_known);
/* The value node of `key` in mapping `map` (NULL when absent or null-valued). */
yaml_node_t *cfg_get(struct cfg_ctx *ctx, yaml_node_t *map, const char *key);
/* The key node of `key` (for positions), or NULL. */
yaml_node_t *cfg_get_key(struct cfg_ctx *ctx, yaml_node_t *map, const char *key);
void cfg_missing(struct cfg_ctx *ctx, yaml_node_t *map, const char *key);

/* Typed values of scalar nodes; each reports its own error and returns false on a bad value. */
bool cfg_scalar(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, const char *expect,
                const char **text, size_t *len);
bool cfg_str(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, char *dst, size_t cap,
             const char *limit);
bool cfg_bool(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, bool *dst);
bool cfg_int(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, int64_t min, int64_t max, int64_t *dst);
bool cfg_duration(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, pm_ns min, pm_ns max, pm_ns *dst);
bool cfg_size(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, uint64_t min, uint64_t max,
              uint64_t *dst);
bool cfg_cpu_qty(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, uint32_t *dst);
bool cfg_percent(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, uint32_t *dst);
bool cfg_asil(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, enum rt_asil *dst);
bool cfg_enum(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, const char *const *names, size_t n,
              int *dst);
/* A CPU list: a sequence of ids ([2, 3]), a Linux list string ("2-3"), or one id. */
bool cfg_cpus(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, struct hal_cpuset *dst);
/* A sequence of strings into dst[max][width]; *n = count. */
bool cfg_str_list(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, char *dst, size_t width,
                  size_t max, uint16_t *n, const char *limit_width, const char *limit_count);
/* Checks `node` is a sequence; reports "expected a list" otherwise. */
bool cfg_is_seq(struct cfg_ctx *ctx, yaml_node_t *node, const char *key);
size_t cfg_seq_len(const yaml_node_t *node);
yaml_node_t *cfg_seq_at(struct cfg_ctx *ctx, const yaml_node_t *node, size_t i);

/* ---- the parts of the loader ---- */
void cfg_defaults(struct rt_config *cfg);
void cfg_parse_scenario(struct cfg_ctx *ctx, yaml_node_t *root);
void cfg_parse_package(struct cfg_ctx *ctx, yaml_node_t *root);
void cfg_parse_model(struct cfg_ctx *ctx, yaml_node_t *root);
void cfg_parse_schedule_tasks(struct cfg_ctx *ctx, yaml_node_t *seq);
void cfg_parse_monitoring(struct cfg_ctx *ctx, yaml_node_t *spec);
void cfg_validate(struct cfg_ctx *ctx);

#endif
