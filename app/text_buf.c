/* Fixed text buffers for whole-frame output (app/text_buf.h). */
#include "text_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hal/term.h"

void app_text_init(struct app_text *t, char *buf, size_t cap)
{
	t->buf = buf;
	t->cap = cap;
	t->len = 0;
	t->overflow = false;
	if (cap > 0) {
		buf[0] = '\0';
	}
}

void app_text_printf(struct app_text *t, const char *fmt, ...)
{
	if (t->len + 1 >= t->cap) {
		t->overflow = true;
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= t->cap - t->len) {
		t->overflow = true;
		t->buf[t->len] = '\0';
		return;
	}
	t->len += (size_t)n;
}

void app_text_json_string(struct app_text *t, const char *s)
{
	app_text_printf(t, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			app_text_printf(t, "\\%c", *p);
		} else if (*p < 0x20 || *p >= 0x7f) {
			app_text_printf(t, "\\u%04x", *p);
		} else {
			app_text_printf(t, "%c", *p);
		}
	}
	app_text_printf(t, "\"");
}

pm_status app_text_flush(struct app_text *t, int fd)
{
	pm_status st = hal_write_all(fd, t->buf, t->len);
	t->len = 0;
	if (t->cap > 0) {
		t->buf[0] = '\0';
	}
	return st;
}

static void put_bytes(struct app_text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->overflow = true;
		return;
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

static void pad(struct app_text *t, size_t n)
{
	static const char spaces[] = "                                ";
	while (n > 0 && !t->overflow) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		put_bytes(t, spaces, k);
		n -= k;
	}
}

void app_text_char(struct app_text *t, char c)
{
	put_bytes(t, &c, 1);
}

void app_text_u64(struct app_text *t, uint64_t v, unsigned width)
{
	char tmp[24];
	size_t n = 0;
	do {
		tmp[sizeof(tmp) - 1 - n] = (char)('0' + v % 10u);
		v /= 10u;
		n++;
	} while (v != 0 && n < sizeof(tmp));
	if (width > n) {
		pad(t, width - n);
	}
	put_bytes(t, tmp + sizeof(tmp) - n, n);
}

void app_text_fixed1(struct app_text *t, uint64_t tenths, unsigned width)
{
	char tmp[24];
	size_t n = 0;
	tmp[sizeof(tmp) - 1] = (char)('0' + tenths % 10u);
	tmp[sizeof(tmp) - 2] = '.';
	n = 2;
	uint64_t v = tenths / 10u;
	do {
		tmp[sizeof(tmp) - 1 - n] = (char)('0' + v % 10u);
		v /= 10u;
		n++;
	} while (v != 0 && n < sizeof(tmp));
	if (width > n) {
		pad(t, width - n);
	}
	put_bytes(t, tmp + sizeof(tmp) - n, n);
}

void app_text_str_printable(struct app_text *t, const char *s)
{
	size_t from = t->len;
	app_text_str(t, s, 0);
	for (size_t i = from; i < t->len; i++) {
		unsigned char c = (unsigned char)t->buf[i];
		if (c < 0x20 || c == 0x7f) {
			t->buf[i] = '?';
		}
	}
}

void app_text_str(struct app_text *t, const char *s, unsigned width)
{
	size_t n = strlen(s);
	put_bytes(t, s, n);
	if (width > n) {
		pad(t, width - n);
	}
}
