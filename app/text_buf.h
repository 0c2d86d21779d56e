/* A fixed text buffer that commands fill with whole frames or documents before one write, so a
 * terminal never shows half a frame. Overflow is remembered, never silent. */
#ifndef APP_TEXT_BUF_H
#define APP_TEXT_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/status.h"

struct app_text {
	char *buf;
	size_t cap;
	size_t len;
	bool overflow;
};

void app_text_init(struct app_text *t, char *buf, size_t cap);
void app_text_printf(struct app_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal (quotes and escapes included). */
void app_text_json_string(struct app_text *t, const char *s);
/* Fast appenders for per-process rows (no printf, no floating-point formatting): a right-aligned
 * unsigned decimal, a right-aligned fixed-point number with one decimal (value x 10), and a
 * left- (width > 0) or unpadded (width 0) string. */
void app_text_u64(struct app_text *t, uint64_t v, unsigned width);
void app_text_fixed1(struct app_text *t, uint64_t tenths, unsigned width);
void app_text_str(struct app_text *t, const char *s, unsigned width);
void app_text_char(struct app_text *t, char c);
/* Appends s with every control byte (below 0x20, and 0x7f) shown as '?': text from outside, such as
 * a process name, cannot move the cursor or change the terminal's modes. */
void app_text_str_printable(struct app_text *t, const char *s);

/* Writes the buffer to fd with one write loop and empties it. */
pm_status app_text_flush(struct app_text *t, int fd);

#endif
