/* Bounded JSON writer into a caller buffer: no allocation, overflow is sticky and reported once at the
 * end as PM_ERR_NOSPACE, so a writer can emit a whole document without checking every call. */
#ifndef RT_JSON_WRITER_H
#define RT_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/status.h"

struct rt_jw {
	char *buf;
	size_t cap;
	size_t len;
	bool overflow;
	bool need_comma; /* a value was written at the current nesting level */
};

void rt_jw_init(struct rt_jw *w, char *buf, size_t cap);
void rt_jw_raw(struct rt_jw *w, const char *text);
void rt_jw_begin_object(struct rt_jw *w);
void rt_jw_end_object(struct rt_jw *w);
void rt_jw_begin_array(struct rt_jw *w);
void rt_jw_end_array(struct rt_jw *w);
void rt_jw_key(struct rt_jw *w, const char *key);  /* writes the comma if needed and "key": */
void rt_jw_string(struct rt_jw *w, const char *s); /* escaped */
void rt_jw_u64(struct rt_jw *w, uint64_t v);
void rt_jw_i64(struct rt_jw *w, int64_t v);
void rt_jw_double(struct rt_jw *w, double v, int decimals); /* non-finite -> null */
void rt_jw_bool(struct rt_jw *w, bool v);
void rt_jw_null(struct rt_jw *w);
/* PM_OK and the NUL-terminated length in *len, or PM_ERR_NOSPACE (buffer then holds ""). */
pm_status rt_jw_finish(struct rt_jw *w, size_t *len);

#endif
