/* jsmn (header-only, Debian's libjsmn-dev) compiled once here, and the helpers of json.h. */
#include <string.h>

/* The implementation first: json.h includes jsmn.h again for the types only (guarded). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#include <jsmn.h>
#pragma GCC diagnostic pop

#include "json.h"

pm_status app_json_parse(struct app_json *j, const char *js, size_t len, jsmntok_t *tok, unsigned cap)
{
	jsmn_parser p;
	jsmn_init(&p);
	int n = jsmn_parse(&p, js, len, tok, cap);
	j->js = js;
	j->len = len;
	j->tok = tok;
	j->count = 0;
	if (n == JSMN_ERROR_NOMEM) {
		return PM_ERR_NOSPACE;
	}
	if (n <= 0) {
		return PM_ERR_PARSE;
	}
	j->count = n;
	return PM_OK;
}

int app_json_skip(const struct app_json *j, int idx)
{
	/* Subtrees are contiguous: walk forward while tokens start inside this one's span. */
	if (idx < 0 || idx >= j->count) {
		return j->count;
	}
	int end = j->tok[idx].end;
	int i = idx + 1;
	while (i < j->count && j->tok[i].start < end) {
		i++;
	}
	return i;
}

int app_json_get(const struct app_json *j, int obj, const char *key)
{
	if (obj < 0 || obj >= j->count || j->tok[obj].type != JSMN_OBJECT) {
		return -1;
	}
	int members = j->tok[obj].size;
	int i = obj + 1;
	for (int m = 0; m < members && i + 1 < j->count; m++) {
		if (j->tok[i].type == JSMN_STRING && app_json_eq(j, i, key)) {
			return i + 1;
		}
		i = app_json_skip(j, i + 1);
	}
	return -1;
}

int app_json_elem(const struct app_json *j, int arr, int n)
{
	if (arr < 0 || arr >= j->count || j->tok[arr].type != JSMN_ARRAY || n < 0 || n >= j->tok[arr].size) {
		return -1;
	}
	int i = arr + 1;
	for (int k = 0; k < n && i < j->count; k++) {
		i = app_json_skip(j, i);
	}
	return i < j->count ? i : -1;
}

bool app_json_eq(const struct app_json *j, int idx, const char *lit)
{
	if (idx < 0 || idx >= j->count) {
		return false;
	}
	const jsmntok_t *t = &j->tok[idx];
	if (t->type != JSMN_STRING && t->type != JSMN_PRIMITIVE) {
		return false;
	}
	size_t n = (size_t)(t->end - t->start);
	return strlen(lit) == n && memcmp(j->js + t->start, lit, n) == 0;
}

pm_status app_json_int64(const struct app_json *j, int idx, int64_t *out)
{
	if (idx < 0 || idx >= j->count) {
		return PM_ERR_NOENT;
	}
	const jsmntok_t *t = &j->tok[idx];
	if (t->type != JSMN_STRING && t->type != JSMN_PRIMITIVE) {
		return PM_ERR_PARSE;
	}
	const char *p = j->js + t->start;
	size_t n = (size_t)(t->end - t->start);
	bool neg = n > 0 && p[0] == '-';
	size_t i = neg ? 1 : 0;
	if (i >= n || n - i > 19) {
		return PM_ERR_PARSE;
	}
	uint64_t v = 0;
	for (; i < n; i++) {
		if (p[i] < '0' || p[i] > '9') {
			return PM_ERR_PARSE;
		}
		v = v * 10u + (uint64_t)(p[i] - '0');
	}
	if (v > (uint64_t)INT64_MAX + (neg ? 1u : 0u)) {
		return PM_ERR_PARSE;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return PM_OK;
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9') {
			v |= (unsigned)(c - '0');
		} else if (c >= 'a' && c <= 'f') {
			v |= (unsigned)(c - 'a' + 10);
		} else if (c >= 'A' && c <= 'F') {
			v |= (unsigned)(c - 'A' + 10);
		} else {
			return 0;
		}
	}
	*out = v;
	return 1;
}

pm_status app_json_str(const struct app_json *j, int idx, char *out, size_t cap, size_t *len)
{
	if (idx < 0 || idx >= j->count || cap == 0) {
		return PM_ERR_NOENT;
	}
	const jsmntok_t *t = &j->tok[idx];
	if (t->type != JSMN_STRING && t->type != JSMN_PRIMITIVE) {
		return PM_ERR_PARSE;
	}
	const char *p = j->js + t->start;
	size_t n = (size_t)(t->end - t->start);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		char tmp[4];
		size_t tn = 1;
		tmp[0] = c;
		if (c == '\\') {
			if (++i >= n) {
				return PM_ERR_PARSE;
			}
			switch (p[i]) {
			case 'n':
				tmp[0] = '\n';
				break;
			case 't':
				tmp[0] = '\t';
				break;
			case 'r':
				tmp[0] = '\r';
				break;
			case 'b':
				tmp[0] = '\b';
				break;
			case 'f':
				tmp[0] = '\f';
				break;
			case 'u': {
				unsigned u = 0;
				if (i + 4 >= n + 0 || !hex4(p + i + 1, &u)) {
					return PM_ERR_PARSE;
				}
				i += 4;
				if (u < 0x80) {
					tmp[0] = (char)u;
				} else if (u < 0x800) {
					tmp[0] = (char)(0xc0 | (u >> 6));
					tmp[1] = (char)(0x80 | (u & 0x3f));
					tn = 2;
				} else {
					tmp[0] = (char)(0xe0 | (u >> 12));
					tmp[1] = (char)(0x80 | ((u >> 6) & 0x3f));
					tmp[2] = (char)(0x80 | (u & 0x3f));
					tn = 3;
				}
				break;
			}
			default:
				tmp[0] = p[i]; /* \" \\ \/ */
				break;
			}
		}
		if (o + tn >= cap) {
			return PM_ERR_NOSPACE;
		}
		memcpy(out + o, tmp, tn);
		o += tn;
	}
	out[o] = '\0';
	if (len != NULL) {
		*len = o;
	}
	return PM_OK;
}
