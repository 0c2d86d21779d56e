/* Internal to rt/: bounded text building without stdio (no locale, no allocation), for JSON and
 * record messages. Once a write does not fit, the buffer is marked overflowed and stays so. */
#ifndef RT_TEXTBUF_H
#define RT_TEXTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rt_textbuf {
	char *buf;
	size_t cap;
	size_t len;
	bool overflow;
};

void rt_tb_init(struct rt_textbuf *tb, char *buf, size_t cap);
void rt_tb_str(struct rt_textbuf *tb, const char *s);
/* A JSON string literal with quotes, escaping '"', '\\' and control characters. */
void rt_tb_json_str(struct rt_textbuf *tb, const char *s);
void rt_tb_u64(struct rt_textbuf *tb, uint64_t v);
void rt_tb_i64(struct rt_textbuf *tb, int64_t v);
/* Nanoseconds as milliseconds with six decimals (exact, no floating point). */
void rt_tb_ns_as_ms(struct rt_textbuf *tb, int64_t ns);
/* A finite double with `decimals` (0..9) decimals; null for NaN/inf or when |v| * 10^decimals >= 9e18. */
void rt_tb_fixed(struct rt_textbuf *tb, double v, unsigned decimals);
/* rt_tb_fixed with six decimals. */
void rt_tb_f6(struct rt_textbuf *tb, double v);
/* Realtime ns as RFC 3339 UTC with milliseconds, e.g. "2026-11-22T00:14:00.123Z" (with quotes). */
void rt_tb_rfc3339(struct rt_textbuf *tb, int64_t real_ns);

#endif
