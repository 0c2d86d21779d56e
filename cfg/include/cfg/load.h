/* Loading the configuration: YAML files (kinds Scenario, Package, Model, Schedule, MonitoringConfig)
 * are parsed with libyaml at init, validated as a whole, and copied into a struct rt_config. Every
 * problem found is collected (all of them in one run) as a diagnostic pointing at the YAML node:
 * "file:line:column: error: text". The parser's memory is freed before cfg_load returns. */
#ifndef CFG_LOAD_H
#define CFG_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/status.h"
#include "rt/config.h"
#include "rt/limits.h"

#define CFG_MAX_DIAGS 128
#define CFG_DIAG_TEXT 256

enum cfg_severity {
	CFG_SEV_ERROR = 0,
	CFG_SEV_WARNING = 1,
	CFG_SEV_INFO = 2,
};

struct cfg_diag {
	enum cfg_severity severity;
	char file[PM_MAX_PATH];
	uint32_t line;   /* 1-based; 0 = the whole file / no position */
	uint32_t column; /* 1-based */
	char text[CFG_DIAG_TEXT];
};

/* Diagnostics in the order found. When more than CFG_MAX_DIAGS arrive the rest are counted in
 * `dropped` (errors still count in `errors`). */
struct cfg_diag_list {
	size_t count;
	size_t dropped;
	size_t errors;
	size_t warnings;
	struct cfg_diag items[CFG_MAX_DIAGS];
};

struct cfg_load_options {
	bool strict;        /* warnings that can hide a deployment mistake become errors */
	uint32_t cpu_count; /* CPU ids 0..cpu_count-1 exist on this machine (from hal_machine_cpu_count);
	                       0 = unknown: CPU presence is not checked */
};

/* One in-memory YAML text; `name` is what diagnostics print as the file. */
struct cfg_source {
	const char *name;
	const char *data;
	size_t len;
};

/* Loads `paths` (files, or directories whose *.yaml / *.yml files are read in name order) into *out.
 * *out is fully overwritten (defaults first), so loading the same files twice gives identical bytes.
 * Returns PM_OK when there is no error (warnings allowed), PM_ERR_INVAL when the configuration has
 * errors (all in *diags), PM_ERR_NOENT / PM_ERR_IO / PM_ERR_NOSPACE when a file cannot be read
 * (also reported in *diags). */
pm_status cfg_load(const char *const *paths, size_t n_paths, const struct cfg_load_options *opts,
                   struct rt_config *out, struct cfg_diag_list *diags);

/* Same as cfg_load over texts already in memory (tests, fuzzing). */
pm_status cfg_load_sources(const struct cfg_source *sources, size_t n_sources,
                           const struct cfg_load_options *opts, struct rt_config *out,
                           struct cfg_diag_list *diags);

/* Writes one diagnostic as "file:line:column: error: text" (or "file: error: text" without a line). */
void cfg_diag_format(const struct cfg_diag *diag, char *buf, size_t cap);

/* "error", "warning", "info". */
const char *cfg_severity_name(enum cfg_severity severity);

#endif
