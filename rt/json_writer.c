/* Bounded JSON writer: one place that escapes strings and formats numbers for summaries. */
#include "rt/json_writer.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void rt_jw_init(struct rt_jw *w, char *buf, size_t cap)
{
	assert(w != NULL);
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->overflow = buf == NULL || cap == 0;
	w->need_comma = false;
	if (!w->overflow) {
		buf[0] = '\0';
	}
}

static void put(struct rt_jw *w, const char *s, size_t n)
{
	if (w->overflow) {
		return;
	}
	if (n >= w->cap - w->len) { /* keep room for the NUL */
		w->overflow = true;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

void rt_jw_raw(struct rt_jw *w, const char *text)
{
	put(w, text, strlen(text));
}

static void value_sep(struct rt_jw *w)
{
	if (w->need_comma) {
		put(w, ",", 1);
	}
	w->need_comma = true;
}

void rt_jw_begin_object(struct rt_jw *w)
{
	value_sep(w);
	put(w, "{", 1);
	w->need_comma = false;
}

void rt_jw_end_object(struct rt_jw *w)
{
	put(w, "}", 1);
	w->need_comma = true;
}

void rt_jw_begin_array(struct rt_jw *w)
{
	value_sep(w);
	put(w, "[", 1);
	w->need_comma = false;
}

void rt_jw_end_array(struct rt_jw *w)
{
	put(w, "]", 1);
	w->need_comma = true;
}

void rt_jw_key(struct rt_jw *w, const char *key)
{
	value_sep(w);
	/* The value that follows must not write another comma. */
	w->need_comma = false;
	put(w, "\"", 1);
	rt_jw_raw(w, key);
	put(w, "\":", 2);
}

void rt_jw_string(struct rt_jw *w, const char *s)
{
	value_sep(w);
	put(w, "\"", 1);
	for (size_t i = 0; s != NULL && s[i] != '\0' && !w->overflow; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(w, esc, 2);
		} else if (c < 0x20) {
			int n = snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)c);
			put(w, esc, n > 0 ? (size_t)n : 0);
		} else {
			put(w, (const char *)&s[i], 1);
		}
	}
	put(w, "\"", 1);
}

void rt_jw_u64(struct rt_jw *w, uint64_t v)
{
	char tmp[24];
	value_sep(w);
	int n = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);
	put(w, tmp, n > 0 ? (size_t)n : 0);
}

void rt_jw_i64(struct rt_jw *w, int64_t v)
{
	char tmp[24];
	value_sep(w);
	int n = snprintf(tmp, sizeof(tmp), "%lld", (long long)v);
	put(w, tmp, n > 0 ? (size_t)n : 0);
}

void rt_jw_double(struct rt_jw *w, double v, int decimals)
{
	if (!isfinite(v) || fabs(v) > 1e15) {
		rt_jw_null(w);
		return;
	}
	char tmp[40];
	value_sep(w);
	int n = snprintf(tmp, sizeof(tmp), "%.*f", decimals, v);
	put(w, tmp, n > 0 && (size_t)n < sizeof(tmp) ? (size_t)n : 0);
}

void rt_jw_bool(struct rt_jw *w, bool v)
{
	value_sep(w);
	rt_jw_raw(w, v ? "true" : "false");
}

void rt_jw_null(struct rt_jw *w)
{
	value_sep(w);
	rt_jw_raw(w, "null");
}

pm_status rt_jw_finish(struct rt_jw *w, size_t *len)
{
	if (w->overflow) {
		if (w->buf != NULL && w->cap > 0) {
			w->buf[0] = '\0';
		}
		if (len != NULL) {
			*len = 0;
		}
		return PM_ERR_NOSPACE;
	}
	if (len != NULL) {
		*len = w->len;
	}
	return PM_OK;
}
