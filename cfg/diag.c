/* Diagnostics of the loader: collected in a fixed list, formatted as "file:line:col: error: text",
 * with "did you mean" suggestions from a small edit distance. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

const char *cfg_severity_name(enum cfg_severity severity)
{
	switch (severity) {
	case CFG_SEV_ERROR:
		return "error";
	case CFG_SEV_WARNING:
		return "warning";
	case CFG_SEV_INFO:
		return "info";
	}
	return "?";
}

void cfg_diag_format(const struct cfg_diag *diag, char *buf, size_t cap)
{
	if (buf == NULL || cap == 0) {
		return;
	}
	if (diag->line > 0) {
		(void)snprintf(buf, cap, "%s:%u:%u: %s: %s", diag->file, (unsigned)diag->line,
		               (unsigned)diag->column, cfg_severity_name(diag->severity), diag->text);
	} else {
		(void)snprintf(buf, cap, "%s: %s: %s", diag->file, cfg_severity_name(diag->severity),
		               diag->text);
	}
}

static void diag_vadd(struct cfg_ctx *ctx, enum cfg_severity sev, const struct cfg_loc *loc, const char *fmt,
                      va_list ap) __attribute__((format(printf, 4, 0)));

static void diag_vadd(struct cfg_ctx *ctx, enum cfg_severity sev, const struct cfg_loc *loc, const char *fmt,
                      va_list ap)
{
	struct cfg_diag_list *list = ctx->diags;
	if (sev == CFG_SEV_ERROR) {
		list->errors++;
	} else if (sev == CFG_SEV_WARNING) {
		list->warnings++;
	}
	if (list->count >= CFG_MAX_DIAGS) {
		list->dropped++;
		return;
	}
	struct cfg_diag *d = &list->items[list->count++];
	memset(d, 0, sizeof(*d));
	d->severity = sev;
	if (loc != NULL && loc->file < ctx->n_files) {
		(void)snprintf(d->file, sizeof(d->file), "%s", ctx->files[loc->file]);
		d->line = loc->line;
		d->column = loc->col;
	} else if (ctx->n_files > 0) {
		(void)snprintf(d->file, sizeof(d->file), "%s", ctx->files[ctx->n_files - 1]);
	} else {
		(void)snprintf(d->file, sizeof(d->file), "picmon");
	}
	(void)vsnprintf(d->text, sizeof(d->text), fmt, ap);
}

void cfg_diag_add(struct cfg_ctx *ctx, enum cfg_severity sev, const struct cfg_loc *loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(ctx, sev, loc, fmt, ap);
	va_end(ap);
}

struct cfg_loc cfg_node_loc(const struct cfg_ctx *ctx, const yaml_node_t *node)
{
	struct cfg_loc loc = { ctx->file, 0, 0 };
	if (node != NULL) {
		loc.line = (uint32_t)node->start_mark.line + 1;
		loc.col = (uint32_t)node->start_mark.column + 1;
	}
	return loc;
}

void cfg_err(struct cfg_ctx *ctx, const yaml_node_t *node, const char *fmt, ...)
{
	struct cfg_loc loc = cfg_node_loc(ctx, node);
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(ctx, CFG_SEV_ERROR, &loc, fmt, ap);
	va_end(ap);
}

void cfg_warn(struct cfg_ctx *ctx, const yaml_node_t *node, const char *fmt, ...)
{
	struct cfg_loc loc = cfg_node_loc(ctx, node);
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(ctx, CFG_SEV_WARNING, &loc, fmt, ap);
	va_end(ap);
}

void cfg_strict(struct cfg_ctx *ctx, const struct cfg_loc *loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(ctx, ctx->opts->strict ? CFG_SEV_ERROR : CFG_SEV_WARNING, loc, fmt, ap);
	va_end(ap);
}

/* Levenshtein distance of two short words (longer input is cut at PM_MAX_NAME). */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a);
	size_t lb = strlen(b);
	if (la >= PM_MAX_NAME) {
		la = PM_MAX_NAME - 1;
	}
	if (lb >= PM_MAX_NAME) {
		lb = PM_MAX_NAME - 1;
	}
	size_t prev[PM_MAX_NAME];
	size_t cur[PM_MAX_NAME];
	for (size_t j = 0; j <= lb; j++) {
		prev[j] = j;
	}
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = (a[i - 1] == b[j - 1]) ? 0 : 1;
			size_t best = prev[j - 1] + cost;
			if (prev[j] + 1 < best) {
				best = prev[j] + 1;
			}
			if (cur[j - 1] + 1 < best) {
				best = cur[j - 1] + 1;
			}
			cur[j] = best;
		}
		memcpy(prev, cur, (lb + 1) * sizeof(prev[0]));
	}
	return prev[lb];
}

const char *cfg_did_you_mean(const char *word, const char *const *candidates, size_t n)
{
	size_t len = strlen(word);
	/* About one typo per three letters plus one, at most three: "Modle" -> "Model", "perod" -> "period".
	 */
	size_t limit = len < 2 ? 0 : len / 3 + 1;
	if (limit > 3) {
		limit = 3;
	}
	const char *best = NULL;
	size_t best_d = limit + 1;
	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(word, candidates[i]);
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	return best;
}

void cfg_suggest(char *buf, size_t cap, const char *word, const char *const *candidates, size_t n)
{
	const char *s = cfg_did_you_mean(word, candidates, n);
	if (s != NULL) {
		(void)snprintf(buf, cap, " (did you mean '%s'?)", s);
	} else if (cap > 0) {
		buf[0] = '\0';
	}
}
