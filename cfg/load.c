/* Entry points of the configuration loader: expands files and directories, parses every YAML
 * document with libyaml's document API, dispatches on `kind`, then validates the whole. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/file.h"
#include "internal.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const kinds[] = { "Scenario", "Package", "Model", "Schedule", "MonitoringConfig" };
enum { KIND_SCENARIO, KIND_PACKAGE, KIND_MODEL, KIND_SCHEDULE, KIND_MONITORING };

static void parse_root(struct cfg_ctx *ctx, yaml_node_t *root)
{
	/* A bare list of tasks is how the real-time scheduler's own files look. */
	if (root->type == YAML_SEQUENCE_NODE) {
		cfg_parse_schedule_tasks(ctx, root);
		return;
	}
	static const char *const keys[] = { "apiVersion", "kind", "metadata", "spec", "status" };
	if (!cfg_check_map(ctx, root, "document", keys, N(keys))) {
		return;
	}
	yaml_node_t *api = cfg_get(ctx, root, "apiVersion");
	yaml_node_t *kind = cfg_get(ctx, root, "kind");
	bool ok = true;
	if (api == NULL) {
		cfg_missing(ctx, root, "apiVersion");
		ok = false;
	} else {
		char v[PM_MAX_NAME];
		if (!cfg_str(ctx, api, "apiVersion", v, sizeof(v), "PM_MAX_NAME")) {
			ok = false;
		} else if (strcmp(v, "piccolo.io/v1") != 0 && strcmp(v, "v1") != 0) {
			cfg_err(ctx, api, "unsupported apiVersion '%s' (expected piccolo.io/v1 or v1)", v);
			ok = false;
		}
	}
	int k = 0;
	if (kind == NULL) {
		cfg_missing(ctx, root, "kind");
		return;
	}
	if (!cfg_enum(ctx, kind, "kind", kinds, N(kinds), &k) || !ok) {
		return;
	}
	yaml_node_t *status = cfg_get_key(ctx, root, "status");
	if (status != NULL && !ctx->status_noted) {
		ctx->status_noted = true;
		cfg_diag_add(ctx, CFG_SEV_INFO,
		             &(struct cfg_loc){ ctx->file, (uint32_t)status->start_mark.line + 1,
		                                (uint32_t)status->start_mark.column + 1 },
		             "'status' sections are owned by the PICCOLO system and are ignored (said once)");
	}
	yaml_node_t *spec = cfg_get(ctx, root, "spec");
	switch (k) {
	case KIND_SCENARIO:
		cfg_parse_scenario(ctx, root);
		break;
	case KIND_PACKAGE:
		cfg_parse_package(ctx, root);
		break;
	case KIND_MODEL:
		cfg_parse_model(ctx, root);
		break;
	case KIND_SCHEDULE: {
		yaml_node_t *meta = cfg_get(ctx, root, "metadata");
		static const char *const meta_keys[] = { "name" };
		if (meta != NULL && cfg_check_map(ctx, meta, "metadata", meta_keys, N(meta_keys))) {
			char name[PM_MAX_NAME];
			yaml_node_t *n = cfg_get(ctx, meta, "name");
			if (n != NULL) {
				(void)cfg_str(ctx, n, "name", name, sizeof(name), "PM_MAX_NAME");
			}
		}
		if (spec == NULL) {
			cfg_missing(ctx, root, "spec");
		} else {
			cfg_parse_schedule_tasks(ctx, spec);
		}
		break;
	}
	case KIND_MONITORING:
	default: {
		if (ctx->have_monitoring) {
			const struct cfg_loc *f = &ctx->monitoring_loc;
			cfg_err(
			    ctx, kind,
			    "a second MonitoringConfig (the first is at %s:%u:%u); there may be at most one",
			    f->file < ctx->n_files ? ctx->files[f->file] : "?", (unsigned)f->line,
			    (unsigned)f->col);
			return;
		}
		ctx->have_monitoring = true;
		ctx->cfg->has_monitoring_config = true;
		ctx->monitoring_loc = cfg_node_loc(ctx, kind);
		yaml_node_t *meta = cfg_get(ctx, root, "metadata");
		static const char *const meta_keys[] = { "name" };
		if (meta != NULL && cfg_check_map(ctx, meta, "metadata", meta_keys, N(meta_keys))) {
			char name[PM_MAX_NAME];
			yaml_node_t *n = cfg_get(ctx, meta, "name");
			if (n != NULL) {
				(void)cfg_str(ctx, n, "name", name, sizeof(name), "PM_MAX_NAME");
			}
		}
		if (spec != NULL) {
			cfg_parse_monitoring(ctx, spec);
		}
		break;
	}
	}
}

static void parse_source(struct cfg_ctx *ctx, const struct cfg_source *src)
{
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser)) {
		cfg_diag_add(ctx, CFG_SEV_ERROR, NULL, "cannot initialise the YAML parser (out of memory)");
		return;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)src->data, src->len);
	/* One document per pass; the parser stops at the first syntax error (the rest of a file whose
	 * structure is broken cannot be trusted), other files are still read. */
	for (;;) {
		yaml_document_t doc;
		if (!yaml_parser_load(&parser, &doc)) {
			struct cfg_loc loc = { ctx->file, (uint32_t)parser.problem_mark.line + 1,
				               (uint32_t)parser.problem_mark.column + 1 };
			cfg_diag_add(ctx, CFG_SEV_ERROR, &loc, "YAML syntax: %s%s%s",
			             parser.problem != NULL ? parser.problem : "malformed document",
			             parser.context != NULL ? " " : "",
			             parser.context != NULL ? parser.context : "");
			break;
		}
		yaml_node_t *root = yaml_document_get_root_node(&doc);
		if (root == NULL) {
			yaml_document_delete(&doc);
			break; /* end of stream */
		}
		if (!cfg_is_null(root)) {
			if (ctx->cfg->n_documents == PM_MAX_DOCUMENTS) {
				if (!ctx->docs_limit_noted) {
					ctx->docs_limit_noted = true;
					cfg_err(ctx, root,
					        "too many YAML documents: the limit PM_MAX_DOCUMENTS is %d",
					        PM_MAX_DOCUMENTS);
				}
			} else {
				ctx->cfg->n_documents++;
				ctx->doc = &doc;
				parse_root(ctx, root);
				ctx->doc = NULL;
			}
		}
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
}

static bool add_file_name(struct cfg_ctx *ctx, const char *name)
{
	if (ctx->n_files == PM_MAX_CONFIG_FILES) {
		cfg_diag_add(ctx, CFG_SEV_ERROR, NULL,
		             "too many configuration files: the limit PM_MAX_CONFIG_FILES is %d",
		             PM_MAX_CONFIG_FILES);
		return false;
	}
	(void)snprintf(ctx->files[ctx->n_files], PM_MAX_PATH, "%s", name);
	ctx->file = ctx->n_files++;
	return true;
}

static void load_sources(struct cfg_ctx *ctx, const struct cfg_source *sources, size_t n_sources)
{
	for (size_t i = 0; i < n_sources; i++) {
		if (!add_file_name(ctx, sources[i].name != NULL ? sources[i].name : "<input>")) {
			break;
		}
		ctx->cfg->n_files++;
		parse_source(ctx, &sources[i]);
	}
	cfg_validate(ctx);
}

static struct cfg_ctx *ctx_new(const struct cfg_load_options *opts, struct rt_config *out,
                               struct cfg_diag_list *diags)
{
	memset(diags, 0, sizeof(*diags));
	memset(out, 0, sizeof(*out));
	cfg_defaults(out);
	struct cfg_ctx *ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL) {
		return NULL;
	}
	ctx->opts = opts;
	ctx->cfg = out;
	ctx->diags = diags;
	return ctx;
}

pm_status cfg_load_sources(const struct cfg_source *sources, size_t n_sources,
                           const struct cfg_load_options *opts, struct rt_config *out,
                           struct cfg_diag_list *diags)
{
	static const struct cfg_load_options no_opts = { false, 0 };
	if ((sources == NULL && n_sources > 0) || out == NULL || diags == NULL) {
		return PM_ERR_INVAL;
	}
	struct cfg_ctx *ctx = ctx_new(opts != NULL ? opts : &no_opts, out, diags);
	if (ctx == NULL) {
		return PM_ERR_NOSPACE;
	}
	load_sources(ctx, sources, n_sources);
	free(ctx);
	return diags->errors == 0 ? PM_OK : PM_ERR_INVAL;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static bool has_yaml_suffix(const char *name)
{
	size_t len = strlen(name);
	return (len > 5 && strcmp(name + len - 5, ".yaml") == 0) ||
	       (len > 4 && strcmp(name + len - 4, ".yml") == 0);
}

struct path_list {
	size_t n;
	char paths[PM_MAX_CONFIG_FILES][PM_MAX_PATH];
};

/* A problem with a whole file: reported against the file itself, without a position. */
static void file_diag(struct cfg_ctx *ctx, enum cfg_severity sev, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void file_diag(struct cfg_ctx *ctx, enum cfg_severity sev, const char *path, const char *fmt, ...)
{
	struct cfg_diag_list *list = ctx->diags;
	if (sev == CFG_SEV_ERROR) {
		list->errors++;
	} else {
		list->warnings++;
	}
	if (list->count >= CFG_MAX_DIAGS) {
		list->dropped++;
		return;
	}
	struct cfg_diag *d = &list->items[list->count++];
	memset(d, 0, sizeof(*d));
	d->severity = sev;
	(void)snprintf(d->file, sizeof(d->file), "%s", path);
	va_list ap;
	va_start(ap, fmt);
	(void)vsnprintf(d->text, sizeof(d->text), fmt, ap);
	va_end(ap);
}

static pm_status note_io(struct cfg_ctx *ctx, const char *path, pm_status st, const char *what)
{
	file_diag(ctx, CFG_SEV_ERROR, path, "%s: %s", what, pm_status_str(st));
	return st;
}

static pm_status push_path(struct cfg_ctx *ctx, struct path_list *list, const char *path)
{
	if (list->n == PM_MAX_CONFIG_FILES) {
		cfg_diag_add(ctx, CFG_SEV_ERROR, NULL,
		             "too many configuration files: the limit PM_MAX_CONFIG_FILES is %d",
		             PM_MAX_CONFIG_FILES);
		return PM_ERR_NOSPACE;
	}
	if (strlen(path) >= PM_MAX_PATH) {
		cfg_diag_add(ctx, CFG_SEV_ERROR, NULL, "path too long (limit PM_MAX_PATH): %s", path);
		return PM_ERR_NOSPACE;
	}
	(void)snprintf(list->paths[list->n++], PM_MAX_PATH, "%s", path);
	return PM_OK;
}

static pm_status expand_dir(struct cfg_ctx *ctx, struct path_list *list, const char *dir)
{
	enum { NAME_CAP = 256 };
	char(*names)[NAME_CAP] = calloc(PM_MAX_CONFIG_FILES * 4, NAME_CAP);
	if (names == NULL) {
		return PM_ERR_NOSPACE;
	}
	size_t n = 0;
	pm_status st = hal_dir_list(dir, &names[0][0], NAME_CAP, PM_MAX_CONFIG_FILES * 4, &n);
	if (st != PM_OK) {
		free(names);
		return note_io(ctx, dir, st, "cannot list directory");
	}
	qsort(names, n, NAME_CAP, compare_names);
	size_t found = 0;
	for (size_t i = 0; i < n && st == PM_OK; i++) {
		if (names[i][0] == '.' || !has_yaml_suffix(names[i])) {
			continue;
		}
		char path[PM_MAX_PATH * 2];
		size_t dl = strlen(dir);
		(void)snprintf(path, sizeof(path), "%s%s%s", dir, (dl > 0 && dir[dl - 1] == '/') ? "" : "/",
		               names[i]);
		enum hal_path_kind kind = HAL_PATH_OTHER;
		if (hal_path_kind(path, &kind) == PM_OK && kind == HAL_PATH_FILE) {
			st = push_path(ctx, list, path);
			found++;
		}
	}
	free(names);
	if (st == PM_OK && found == 0) {
		file_diag(ctx, CFG_SEV_WARNING, dir, "no *.yaml or *.yml files in this directory");
	}
	return st;
}

pm_status cfg_load(const char *const *paths, size_t n_paths, const struct cfg_load_options *opts,
                   struct rt_config *out, struct cfg_diag_list *diags)
{
	static const struct cfg_load_options no_opts = { false, 0 };
	if ((paths == NULL && n_paths > 0) || out == NULL || diags == NULL) {
		return PM_ERR_INVAL;
	}
	struct cfg_ctx *ctx = ctx_new(opts != NULL ? opts : &no_opts, out, diags);
	if (ctx == NULL) {
		diags->errors++;
		return PM_ERR_NOSPACE;
	}
	struct path_list *list = calloc(1, sizeof(*list));
	char *buf = malloc(PM_MAX_CONFIG_FILE_BYTES);
	struct cfg_source *sources = calloc(PM_MAX_CONFIG_FILES, sizeof(*sources));
	char **texts = calloc(PM_MAX_CONFIG_FILES, sizeof(*texts));
	pm_status io = PM_OK;
	if (list == NULL || buf == NULL || sources == NULL || texts == NULL) {
		io = PM_ERR_NOSPACE;
		goto out;
	}
	for (size_t i = 0; i < n_paths && io == PM_OK; i++) {
		enum hal_path_kind kind = HAL_PATH_OTHER;
		pm_status st = hal_path_kind(paths[i], &kind);
		if (st != PM_OK) {
			io = note_io(ctx, paths[i], st, "cannot open");
		} else if (kind == HAL_PATH_DIR) {
			io = expand_dir(ctx, list, paths[i]);
		} else {
			io = push_path(ctx, list, paths[i]);
		}
	}
	size_t n_sources = 0;
	for (size_t i = 0; i < list->n && io == PM_OK; i++) {
		size_t len = 0;
		pm_status st = hal_file_read_all(list->paths[i], buf, PM_MAX_CONFIG_FILE_BYTES, &len);
		if (st == PM_ERR_NOSPACE) {
			file_diag(ctx, CFG_SEV_ERROR, list->paths[i],
			          "larger than the limit PM_MAX_CONFIG_FILE_BYTES (%d bytes)",
			          PM_MAX_CONFIG_FILE_BYTES);
			io = st;
			break;
		}
		if (st != PM_OK) {
			io = note_io(ctx, list->paths[i], st, "cannot read");
			break;
		}
		texts[n_sources] = malloc(len > 0 ? len : 1);
		if (texts[n_sources] == NULL) {
			io = PM_ERR_NOSPACE;
			break;
		}
		memcpy(texts[n_sources], buf, len);
		sources[n_sources].name = list->paths[i];
		sources[n_sources].data = texts[n_sources];
		sources[n_sources].len = len;
		n_sources++;
	}
	if (io == PM_OK) {
		load_sources(ctx, sources, n_sources);
	}
out:
	if (texts != NULL) {
		for (size_t i = 0; i < PM_MAX_CONFIG_FILES; i++) {
			free(texts[i]);
		}
	}
	free(texts);
	free(sources);
	free(buf);
	free(list);
	free(ctx);
	if (io != PM_OK) {
		return io;
	}
	return diags->errors == 0 ? PM_OK : PM_ERR_INVAL;
}
