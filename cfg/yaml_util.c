/* Typed readers over libyaml document nodes: every value of the configuration goes through one of
 * these, so every type or range error has the same form and points at the offending node. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "rt/units.h"

yaml_node_t *cfg_node(const struct cfg_ctx *ctx, int id)
{
	return yaml_document_get_node(ctx->doc, id);
}

bool cfg_is_null(const yaml_node_t *node)
{
	if (node == NULL) {
		return true;
	}
	if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
		return false;
	}
	const char *v = (const char *)node->data.scalar.value;
	size_t len = node->data.scalar.length;
	return len == 0 || (len == 1 && v[0] == '~') ||
	       (len == 4 &&
	        (memcmp(v, "null", 4) == 0 || memcmp(v, "Null", 4) == 0 || memcmp(v, "NULL", 4) == 0));
}

/* A short quotable rendering of a node for messages. */
static void describe(const yaml_node_t *node, char *buf, size_t cap)
{
	if (node == NULL || cfg_is_null(node)) {
		(void)snprintf(buf, cap, "nothing");
	} else if (node->type == YAML_MAPPING_NODE) {
		(void)snprintf(buf, cap, "a mapping");
	} else if (node->type == YAML_SEQUENCE_NODE) {
		(void)snprintf(buf, cap, "a list");
	} else {
		size_t len = node->data.scalar.length;
		int shown = len > 40 ? 40 : (int)len;
		(void)snprintf(buf, cap, "'%.*s%s'", shown, (const char *)node->data.scalar.value,
		               len > 40 ? "..." : "");
	}
}

static bool key_is(const yaml_node_t *key, const char *name)
{
	return key != NULL && key->type == YAML_SCALAR_NODE && key->data.scalar.length == strlen(name) &&
	       memcmp(key->data.scalar.value, name, key->data.scalar.length) == 0;
}

bool cfg_check_map(struct cfg_ctx *ctx, yaml_node_t *node, const char *what, const char *const *known,
                   size_t n_known)
{
	if (node == NULL || node->type != YAML_MAPPING_NODE) {
		char got[64];
		describe(node, got, sizeof(got));
		cfg_err(ctx, node, "'%s' must be a mapping, got %s", what, got);
		return false;
	}
	/* The duplicate-key check is quadratic: no mapping of the schema comes near this many keys. */
	size_t n_pairs = (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
	if (n_pairs > CFG_MAX_MAP_KEYS) {
		cfg_err(ctx, node, "'%s' has %zu fields, more than the limit CFG_MAX_MAP_KEYS = %d", what,
		        n_pairs, CFG_MAX_MAP_KEYS);
		return false;
	}
	for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
		yaml_node_t *key = cfg_node(ctx, p->key);
		if (key == NULL || key->type != YAML_SCALAR_NODE) {
			cfg_err(ctx, key, "a key in '%s' must be a plain name", what);
			continue;
		}
		char name[PM_MAX_NAME];
		size_t len = key->data.scalar.length;
		(void)snprintf(name, sizeof(name), "%.*s", (int)(len < sizeof(name) ? len : sizeof(name) - 1),
		               (const char *)key->data.scalar.value);
		for (yaml_node_pair_t *q = node->data.mapping.pairs.start; q < p; q++) {
			if (key_is(cfg_node(ctx, q->key), name) && len < sizeof(name)) {
				cfg_err(ctx, key, "duplicate field '%s' in %s", name, what);
				break;
			}
		}
		if (known == NULL) {
			continue;
		}
		bool found = false;
		for (size_t i = 0; i < n_known && !found; i++) {
			found = len == strlen(known[i]) && memcmp(key->data.scalar.value, known[i], len) == 0;
		}
		if (!found) {
			char hint[PM_MAX_NAME + 32];
			cfg_suggest(hint, sizeof(hint), name, known, n_known);
			cfg_err(ctx, key, "unknown field '%s' in %s%s", name, what, hint);
		}
	}
	return true;
}

static yaml_node_pair_t *find_pair(struct cfg_ctx *ctx, yaml_node_t *map, const char *key)
{
	if (map == NULL || map->type != YAML_MAPPING_NODE) {
		return NULL;
	}
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		if (key_is(cfg_node(ctx, p->key), key)) {
			return p;
		}
	}
	return NULL;
}

yaml_node_t *cfg_get(struct cfg_ctx *ctx, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p = find_pair(ctx, map, key);
	if (p == NULL) {
		return NULL;
	}
	yaml_node_t *v = cfg_node(ctx, p->value);
	return cfg_is_null(v) ? NULL : v;
}

yaml_node_t *cfg_get_key(struct cfg_ctx *ctx, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p = find_pair(ctx, map, key);
	return p == NULL ? NULL : cfg_node(ctx, p->key);
}

void cfg_missing(struct cfg_ctx *ctx, yaml_node_t *map, const char *key)
{
	yaml_node_t *k = cfg_get_key(ctx, map, key);
	if (k != NULL) {
		cfg_err(ctx, k, "'%s' has no value", key);
	} else {
		cfg_err(ctx, map, "missing required field '%s'", key);
	}
}

bool cfg_scalar(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, const char *expect,
                const char **text, size_t *len)
{
	if (node == NULL || node->type != YAML_SCALAR_NODE) {
		char got[64];
		describe(node, got, sizeof(got));
		cfg_err(ctx, node, "'%s' must be %s, got %s", key, expect, got);
		return false;
	}
	*text = (const char *)node->data.scalar.value;
	*len = node->data.scalar.length;
	return true;
}

static void bad_value(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, const char *expect)
{
	char got[64];
	describe(node, got, sizeof(got));
	cfg_err(ctx, node, "'%s' must be %s, got %s", key, expect, got);
}

bool cfg_str(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, char *dst, size_t cap,
             const char *limit)
{
	const char *t;
	size_t len;
	if (!cfg_scalar(ctx, node, key, "a string", &t, &len)) {
		return false;
	}
	if (len >= cap) {
		cfg_err(ctx, node, "'%s' is longer than %zu characters (limit %s)", key, cap - 1, limit);
		return false;
	}
	if (memchr(t, '\0', len) != NULL) {
		cfg_err(ctx, node, "'%s' contains a NUL character", key);
		return false;
	}
	/* The whole field is written (not just len + 1 bytes): tables are compared and copied as bytes. */
	memset(dst, 0, cap);
	memcpy(dst, t, len);
	return true;
}

bool cfg_bool(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, bool *dst)
{
	const char *t;
	size_t len;
	if (!cfg_scalar(ctx, node, key, "a boolean (true or false)", &t, &len)) {
		return false;
	}
	static const char *const yes[] = { "true", "True", "TRUE" };
	static const char *const no[] = { "false", "False", "FALSE" };
	for (size_t i = 0; i < 3; i++) {
		if (len == strlen(yes[i]) && memcmp(t, yes[i], len) == 0) {
			*dst = true;
			return true;
		}
		if (len == strlen(no[i]) && memcmp(t, no[i], len) == 0) {
			*dst = false;
			return true;
		}
	}
	bad_value(ctx, node, key, "a boolean (true or false)");
	return false;
}

bool cfg_int(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, int64_t min, int64_t max, int64_t *dst)
{
	const char *t;
	size_t len;
	if (!cfg_scalar(ctx, node, key, "an integer", &t, &len)) {
		return false;
	}
	int64_t v = 0;
	pm_status st = rt_i64_parse(t, len, INT64_MIN, INT64_MAX, &v);
	if (st == PM_ERR_PARSE) {
		bad_value(ctx, node, key, "an integer");
		return false;
	}
	if (st != PM_OK || v < min || v > max) {
		cfg_err(ctx, node, "'%s' is out of range: %.*s (allowed %lld..%lld)", key,
		        (int)(len > 40 ? 40 : len), t, (long long)min, (long long)max);
		return false;
	}
	*dst = v;
	return true;
}

bool cfg_duration(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, pm_ns min, pm_ns max, pm_ns *dst)
{
	const char *t;
	size_t len;
	if (!cfg_scalar(ctx, node, key, "a duration such as 10ms", &t, &len)) {
		return false;
	}
	pm_ns v = 0;
	pm_status st = rt_duration_parse(t, len, &v);
	if (st == PM_ERR_PARSE) {
		bad_value(ctx, node, key, "a duration with a unit (ns, us, ms, s, m, h, d) such as 10ms");
		return false;
	}
	if (st != PM_OK || v < min || v > max) {
		char lo[32];
		char hi[32];
		(void)rt_duration_format(min, lo, sizeof(lo));
		(void)rt_duration_format(max, hi, sizeof(hi));
		cfg_err(ctx, node, "'%s' is out of range: %.*s (allowed %s..%s)", key,
		        (int)(len > 40 ? 40 : len), t, lo, hi);
		return false;
	}
	*dst = v;
	return true;
}

bool cfg_size(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, uint64_t min, uint64_t max,
              uint64_t *dst)
{
	const char *t;
	size_t len;
	if (!cfg_scalar(ctx, node, key, "a size such as 512Mi", &t, &len)) {
		return false;
	}
	uint64_t v = 0;
	pm_status st = rt_size_parse(t, len, &v);
	if (st == PM_ERR_PARSE) {
		bad_value(ctx, node, key, "a size such as 512Mi, 1Gi or 100MB");
		return false;
	}
	if (st != PM_OK || v < min || v > max) {
		cfg_err(ctx, node, "'%s' is out of range: %.*s (allowed %llu..%llu bytes)", key,
		        (int)(len > 40 ? 40 : len), t, (unsigned long long)min, (unsigned long long)max);
		return false;
	}
	*dst = v;
	return true;
}

bool cfg_cpu_qty(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, uint32_t *dst)
{
	const char *t;
	size_t len;
	if (!cfg_scalar(ctx, node, key, "a CPU quantity such as 500m or 1", &t, &len)) {
		return false;
	}
	pm_status st = rt_cpu_qty_parse(t, len, dst);
	if (st == PM_ERR_PARSE) {
		bad_value(ctx, node, key, "a CPU quantity such as 500m or 1");
		return false;
	}
	if (st != PM_OK) {
		cfg_err(ctx, node, "'%s' is out of range: %.*s (allowed 0..%d CPUs in steps of 1m)", key,
		        (int)(len > 40 ? 40 : len), t, PM_MAX_CPUS);
		return false;
	}
	return true;
}

bool cfg_percent(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, uint32_t *dst)
{
	const char *t;
	size_t len;
	if (!cfg_scalar(ctx, node, key, "a percentage such as 80%", &t, &len)) {
		return false;
	}
	pm_status st = rt_percent_parse(t, len, dst);
	if (st == PM_ERR_PARSE) {
		bad_value(ctx, node, key, "a percentage such as 80%");
		return false;
	}
	if (st != PM_OK) {
		cfg_err(ctx, node, "'%s' is out of range: %.*s (allowed 0%%..100%% in steps of 0.01%%)", key,
		        (int)(len > 40 ? 40 : len), t);
		return false;
	}
	return true;
}

bool cfg_asil(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, enum rt_asil *dst)
{
	const char *t;
	size_t len;
	if (!cfg_scalar(ctx, node, key, "an ASIL level (QM, A, B, C or D)", &t, &len)) {
		return false;
	}
	if (rt_asil_parse(t, len, dst) != PM_OK) {
		bad_value(ctx, node, key, "an ASIL level (QM, A, B, C or D)");
		return false;
	}
	return true;
}

bool cfg_enum(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, const char *const *names, size_t n,
              int *dst)
{
	const char *t;
	size_t len;
	char expect[256];
	size_t at = 0;
	expect[0] = '\0';
	for (size_t i = 0; i < n && at < sizeof(expect); i++) {
		int w = snprintf(expect + at, sizeof(expect) - at, "%s%s",
		                 i == 0 ? "one of " : (i + 1 == n ? " or " : ", "), names[i]);
		if (w < 0) {
			break;
		}
		at += (size_t)w;
	}
	if (!cfg_scalar(ctx, node, key, expect, &t, &len)) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (len == strlen(names[i]) && memcmp(t, names[i], len) == 0) {
			*dst = (int)i;
			return true;
		}
	}
	char word[PM_MAX_NAME];
	(void)snprintf(word, sizeof(word), "%.*s", (int)(len < sizeof(word) ? len : sizeof(word) - 1), t);
	char hint[PM_MAX_NAME + 32];
	cfg_suggest(hint, sizeof(hint), word, names, n);
	cfg_err(ctx, node, "'%s' must be %s, got '%s'%s", key, expect, word, hint);
	return false;
}

bool cfg_is_seq(struct cfg_ctx *ctx, yaml_node_t *node, const char *key)
{
	if (node == NULL || node->type != YAML_SEQUENCE_NODE) {
		char got[64];
		describe(node, got, sizeof(got));
		cfg_err(ctx, node, "'%s' must be a list, got %s", key, got);
		return false;
	}
	return true;
}

size_t cfg_seq_len(const yaml_node_t *node)
{
	if (node == NULL || node->type != YAML_SEQUENCE_NODE) {
		return 0;
	}
	return (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
}

yaml_node_t *cfg_seq_at(struct cfg_ctx *ctx, const yaml_node_t *node, size_t i)
{
	return cfg_node(ctx, node->data.sequence.items.start[i]);
}

static bool cpu_id(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, struct hal_cpuset *set)
{
	int64_t id = 0;
	if (!cfg_int(ctx, node, key, 0, PM_MAX_CPUS - 1, &id)) {
		return false;
	}
	(void)hal_cpuset_add(set, (uint32_t)id);
	return true;
}

bool cfg_cpus(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, struct hal_cpuset *dst)
{
	struct hal_cpuset set;
	hal_cpuset_clear(&set);
	if (node != NULL && node->type == YAML_SEQUENCE_NODE) {
		bool ok = true;
		for (size_t i = 0; i < cfg_seq_len(node); i++) {
			ok = cpu_id(ctx, cfg_seq_at(ctx, node, i), key, &set) && ok;
		}
		if (!ok) {
			return false;
		}
	} else {
		const char *t;
		size_t len;
		if (!cfg_scalar(ctx, node, key, "a CPU list such as [2, 3] or \"2-3\"", &t, &len)) {
			return false;
		}
		pm_status st = rt_cpulist_parse(t, len, &set);
		if (st == PM_ERR_PARSE) {
			bad_value(ctx, node, key, "a CPU list such as [2, 3] or \"2-3\"");
			return false;
		}
		if (st != PM_OK) {
			cfg_err(ctx, node, "'%s' is out of range: %.*s (CPU ids 0..%d, ranges low-high)", key,
			        (int)(len > 40 ? 40 : len), t, PM_MAX_CPUS - 1);
			return false;
		}
	}
	*dst = set;
	return true;
}

bool cfg_str_list(struct cfg_ctx *ctx, yaml_node_t *node, const char *key, char *dst, size_t width,
                  size_t max, uint16_t *n, const char *limit_width, const char *limit_count)
{
	if (!cfg_is_seq(ctx, node, key)) {
		return false;
	}
	size_t count = cfg_seq_len(node);
	bool ok = true;
	if (count > max) {
		cfg_err(ctx, node, "'%s' has %zu entries, more than the limit %s = %zu", key, count,
		        limit_count, max);
		count = max;
		ok = false;
	}
	for (size_t i = 0; i < count; i++) {
		ok = cfg_str(ctx, cfg_seq_at(ctx, node, i), key, dst + i * width, width, limit_width) && ok;
	}
	*n = (uint16_t)count;
	return ok;
}
