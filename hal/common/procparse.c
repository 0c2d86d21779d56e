/* Parsers of /proc and /sys text (see hal/procparse.h): a small cursor over a length-bounded buffer,
 * strict about numbers (overflow is a parse error), lenient about unknown lines. */
#include "hal/procparse.h"

#include <string.h>

struct cur {
	const char *p;
	const char *end;
};

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

static inline __attribute__((always_inline)) void skip_spaces(struct cur *c)
{
	/* Locals: stores through c->p could alias the text (char), forcing reloads every byte. */
	const char *p = c->p;
	const char *end = c->end;
	while (p < end && is_space(*p)) {
		p++;
	}
	c->p = p;
}

/* Word-at-a-time helpers. A word is eight bytes of text loaded so that the first byte in memory is
 * the least significant one, whatever the machine's byte order. */
static inline __attribute__((always_inline)) uint64_t load_le64(const char *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof(w));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

#define BYTES_OF(ch) (UINT64_C(0x0101010101010101) * (uint8_t)(ch))

/* The 0x80 bit of each byte of the result is set exactly where the byte of w equals the byte
 * repeated in `pattern` (no false positives, unlike the shorter haszero form). */
static inline __attribute__((always_inline)) uint64_t bytes_equal(uint64_t w, uint64_t pattern)
{
	const uint64_t lows = UINT64_C(0x7f7f7f7f7f7f7f7f);
	uint64_t x = w ^ pattern;
	return ~(((x & lows) + lows) | x | lows);
}

/* Index (0..7) of the first / last byte flagged in a non-zero mask. */
static inline __attribute__((always_inline)) unsigned first_flagged(uint64_t flags)
{
	return (unsigned)__builtin_ctzll(flags) / 8u;
}

static inline __attribute__((always_inline)) unsigned last_flagged(uint64_t flags)
{
	return 7u - (unsigned)__builtin_clzll(flags) / 8u;
}

/* How many of the word's bytes, from the first, are ASCII digits (0..8). A byte is a digit when its
 * high nibble is 3 and its low nibble plus 6 does not carry into the high nibble (no carry crosses
 * bytes: 0x0f + 0x06 < 0x100). */
static inline __attribute__((always_inline)) unsigned leading_digits(uint64_t w)
{
	const uint64_t highs = UINT64_C(0xf0f0f0f0f0f0f0f0);
	const uint64_t lows = UINT64_C(0x0f0f0f0f0f0f0f0f);
	uint64_t not_digit = ((w & highs) ^ BYTES_OF('0')) | (((w & lows) + BYTES_OF(6)) & highs);
	return not_digit == 0 ? 8u : (unsigned)__builtin_ctzll(not_digit) / 8u;
}

/* The value of the first n (1..8) bytes of w, all digits. They are moved to the top of the word so
 * the bytes below read as leading zeros, then pairs, quads and halves are combined by multiplying
 * (each step: high part * 10^k + low part, on every lane at once). */
static inline __attribute__((always_inline)) uint64_t digits_value(uint64_t w, unsigned n)
{
	w = (w & UINT64_C(0x0f0f0f0f0f0f0f0f)) << (8u * (8u - n));
	w = (w * 10u + (w >> 8)) & UINT64_C(0x00ff00ff00ff00ff);
	w = (w * 100u + (w >> 16)) & UINT64_C(0x0000ffff0000ffff);
	return (w * 10000u + (w >> 32)) & UINT64_C(0xffffffff);
}

static inline __attribute__((always_inline)) void skip_line(struct cur *c)
{
	/* Eight bytes at a time (a libc memchr call costs more than it saves on short lines). */
	const char *p = c->p;
	const char *end = c->end;
	while (end - p >= 8) {
		uint64_t nl = bytes_equal(load_le64(p), BYTES_OF('\n'));
		if (nl != 0) {
			c->p = p + first_flagged(nl) + 1;
			return;
		}
		p += 8;
	}
	while (p < end && *p != '\n') {
		p++;
	}
	c->p = p < end ? p + 1 : end;
}

/* The last `ch` in [p, p + n), or NULL; eight bytes at a time from the end. */
static const char *last_byte(const char *p, size_t n, char ch)
{
	const char *q = p + n;
	while (q - p >= 8) {
		uint64_t hit = bytes_equal(load_le64(q - 8), BYTES_OF(ch));
		if (hit != 0) {
			return q - 8 + last_flagged(hit);
		}
		q -= 8;
	}
	while (q > p) {
		q--;
		if (*q == ch) {
			return q;
		}
	}
	return NULL;
}

/* Unsigned decimal after optional blanks; at least one digit, no overflow. Numbers of up to 15
 * digits are read a word at a time while the buffer holds the words; longer ones, and numbers in
 * the last bytes of a buffer, go digit by digit, and only numbers over 19 digits pay for the overflow check
 * (this runs for every number of every sample). */
static inline __attribute__((always_inline)) pm_status get_u64(struct cur *c, uint64_t *out)
{
	skip_spaces(c);
	const char *p = c->p;
	const char *end = c->end;
	/* One digit (the commonest number in stat: zeros, nice, a CPU) needs no word. */
	if (end - p >= 2 && (unsigned)(p[0] - '0') <= 9u && (unsigned)(p[1] - '0') > 9u) {
		*out = (uint64_t)(p[0] - '0');
		c->p = p + 1;
		return PM_OK;
	}
	if (end - p >= 8) {
		uint64_t w = load_le64(p);
		unsigned n = leading_digits(w);
		if (n == 0) {
			return PM_ERR_PARSE;
		}
		if (n < 8) {
			*out = digits_value(w, n);
			c->p = p + n;
			return PM_OK;
		}
	}
	if (end - p >= 16) { /* the first eight bytes are digits (n == 8 above) */
		uint64_t w = load_le64(p);
		uint64_t w2 = load_le64(p + 8);
		unsigned n2 = leading_digits(w2);
		if (n2 < 8) {
			static const uint64_t pow10[8] = {
				1, 10, 100, 1000, 10000, 100000, 1000000, 10000000
			};
			*out = digits_value(w, 8) * pow10[n2] + (n2 > 0 ? digits_value(w2, n2) : 0);
			c->p = p + 8 + n2;
			return PM_OK;
		}
	}
	uint64_t v = 0;
	const char *fast_end = (end - p) > 19 ? p + 19 : end;
	while (p < fast_end && (unsigned)(*p - '0') <= 9u) {
		v = v * 10u + (uint64_t)(*p - '0');
		p++;
	}
	while (p < end && (unsigned)(*p - '0') <= 9u) {
		if (__builtin_mul_overflow(v, 10u, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*p - '0'), &v)) {
			return PM_ERR_PARSE;
		}
		p++;
	}
	if (p == c->p) {
		return PM_ERR_PARSE;
	}
	c->p = p;
	*out = v;
	return PM_OK;
}

static inline __attribute__((always_inline)) pm_status get_i64(struct cur *c, int64_t *out)
{
	skip_spaces(c);
	int neg = 0;
	if (c->p < c->end && *c->p == '-') {
		neg = 1;
		c->p++;
	}
	uint64_t v;
	pm_status st = get_u64(c, &v);
	if (st != PM_OK) {
		return st;
	}
	if (v > (uint64_t)INT64_MAX) {
		return PM_ERR_PARSE;
	}
	*out = neg ? -(int64_t)v : (int64_t)v;
	return PM_OK;
}

static inline __attribute__((always_inline)) pm_status get_i32(struct cur *c, int32_t *out)
{
	int64_t v;
	pm_status st = get_i64(c, &v);
	if (st != PM_OK) {
		return st;
	}
	if (v < INT32_MIN || v > INT32_MAX) {
		return PM_ERR_PARSE;
	}
	*out = (int32_t)v;
	return PM_OK;
}

static inline __attribute__((always_inline)) pm_status get_u32(struct cur *c, uint32_t *out)
{
	uint64_t v;
	pm_status st = get_u64(c, &v);
	if (st != PM_OK) {
		return st;
	}
	if (v > UINT32_MAX) {
		return PM_ERR_PARSE;
	}
	*out = (uint32_t)v;
	return PM_OK;
}

pm_status hal_parse_u64(const char *buf, size_t len, uint64_t *out, size_t *used)
{
	if (buf == NULL || out == NULL || used == NULL) {
		return PM_ERR_INVAL;
	}
	struct cur c = { buf, buf + len };
	pm_status st = get_u64(&c, out);
	if (st == PM_OK) {
		*used = (size_t)(c.p - buf);
	}
	return st;
}

/* Skips one blank-separated field (eight bytes at a time while they last). */
static pm_status skip_field(struct cur *c)
{
	skip_spaces(c);
	const char *start = c->p;
	const char *p = c->p;
	while (c->end - p >= 8) {
		uint64_t w = load_le64(p);
		uint64_t stop = bytes_equal(w, BYTES_OF(' ')) | bytes_equal(w, BYTES_OF('\t')) |
		                bytes_equal(w, BYTES_OF('\n'));
		if (stop != 0) {
			c->p = p + first_flagged(stop);
			return c->p == start ? PM_ERR_PARSE : PM_OK;
		}
		p += 8;
	}
	while (p < c->end && !is_space(*p) && *p != '\n') {
		p++;
	}
	c->p = p;
	return p == start ? PM_ERR_PARSE : PM_OK;
}

/* Whether the line at the cursor starts with `key` (which includes its ':' if any). Inlined so that a
 * constant key compiles to a few word compares instead of a memcmp call. */
static inline __attribute__((always_inline)) int line_has_key(const struct cur *c, const char *key,
                                                              size_t klen)
{
	return (size_t)(c->end - c->p) >= klen && memcmp(c->p, key, klen) == 0;
}

pm_status hal_parse_stat(const char *buf, size_t len, struct hal_proc_stat *out)
{
	if (buf == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	memset(out, 0, sizeof(*out));
	out->processor = -1;
	struct cur c = { buf, buf + len };
	pm_status st = get_i32(&c, &out->pid);
	if (st != PM_OK) {
		return st;
	}
	skip_spaces(&c);
	if (c.p >= c.end || *c.p != '(') {
		return PM_ERR_PARSE;
	}
	const char *open = c.p + 1;
	/* The kernel writes at most 63 bytes of comm (workqueue workers' longer names included), and no
	 * later field holds a ')': the last ')' of the first 64 bytes after '(' is the comm's end.
	 * Searching only there spares a backward scan over the ~50 numbers that follow. */
	size_t window = (size_t)(c.end - open);
	if (window > 64) {
		window = 64;
	}
	const char *close = c.end > open ? last_byte(open, window, ')') : NULL;
	if (close == NULL) {
		return PM_ERR_PARSE;
	}
	size_t n = (size_t)(close - open);
	if (n >= sizeof(out->comm)) {
		n = sizeof(out->comm) - 1;
	}
	memcpy(out->comm, open, n);
	out->comm[n] = '\0';
	c.p = close + 1;
	skip_spaces(&c);
	if (c.p >= c.end || *c.p < 'A' || *c.p > 'z') {
		return PM_ERR_PARSE;
	}
	out->state = *c.p++;
	if (c.p < c.end && !is_space(*c.p)) {
		return PM_ERR_PARSE;
	}
	uint64_t skip;
	int64_t iskip;
	if ((st = get_i32(&c, &out->ppid)) != PM_OK || (st = get_i32(&c, &out->pgrp)) != PM_OK ||
	    (st = get_i32(&c, &out->session)) != PM_OK || (st = get_i32(&c, &out->tty_nr)) != PM_OK ||
	    (st = get_i32(&c, &out->tpgid)) != PM_OK || (st = get_u64(&c, &skip)) != PM_OK ||
	    (st = get_u64(&c, &out->minflt)) != PM_OK || (st = get_u64(&c, &skip)) != PM_OK ||
	    (st = get_u64(&c, &out->majflt)) != PM_OK || (st = get_u64(&c, &skip)) != PM_OK ||
	    (st = get_u64(&c, &out->utime)) != PM_OK || (st = get_u64(&c, &out->stime)) != PM_OK ||
	    (st = get_i64(&c, &out->cutime)) != PM_OK || (st = get_i64(&c, &out->cstime)) != PM_OK ||
	    (st = get_i32(&c, &out->priority)) != PM_OK || (st = get_i32(&c, &out->nice)) != PM_OK ||
	    (st = get_i32(&c, &out->num_threads)) != PM_OK || (st = get_i64(&c, &iskip)) != PM_OK ||
	    (st = get_u64(&c, &out->starttime)) != PM_OK) {
		return st;
	}
	/* Fields from vsize on are optional: a truncated tail keeps what was read. */
	if (get_u64(&c, &out->vsize) != PM_OK || get_i64(&c, &out->rss_pages) != PM_OK) {
		return PM_OK;
	}
	/* rsslim .. cnswap (25..36) and exit_signal (38) are skipped. */
	for (int i = 25; i <= 38; i++) {
		if (skip_field(&c) != PM_OK) {
			return PM_OK;
		}
	}
	if (get_i32(&c, &out->processor) != PM_OK) {
		out->processor = -1;
		return PM_OK;
	}
	if (get_u32(&c, &out->rt_priority) != PM_OK || get_u32(&c, &out->policy) != PM_OK ||
	    get_u64(&c, &out->blkio_ticks) != PM_OK) {
		return PM_OK;
	}
	return PM_OK;
}

/* Parses the status lines in [c.p, c.end) into out; sets *have_name when Name: was seen. Stops
 * early (returning the cursor in *stop) right after the Threads: line when `stop` is not NULL. */
static pm_status status_lines(struct cur c, struct hal_proc_status *out, int *have_name, const char **stop)
{
	/* Every iteration consumes at least one byte, so the loop is bounded by the length. */
	while (c.p < c.end) {
		struct cur line = c;
		skip_line(&c);
		line.end = c.p;
		pm_status st = PM_OK;
		uint64_t *dst = NULL;
		uint32_t bit = 0;
		switch (*line.p) {
		case 'N':
			if (line_has_key(&line, "Name:", 5)) {
				*have_name = 1;
			}
			break;
		case 'U':
			if (line_has_key(&line, "Uid:", 4)) {
				line.p += 4;
				if ((st = get_u32(&line, &out->uid)) != PM_OK ||
				    (st = get_u32(&line, &out->euid)) != PM_OK) {
					return st;
				}
				out->present |= HAL_STATUS_UID;
			}
			break;
		case 'T':
			if (line_has_key(&line, "Threads:", 8)) {
				line.p += 8;
				if ((st = get_u32(&line, &out->threads)) != PM_OK) {
					return st;
				}
				out->present |= HAL_STATUS_THREADS;
				if (stop != NULL) {
					*stop = c.p;
					return PM_OK;
				}
			}
			break;
		case 'V':
			if (line_has_key(&line, "VmRSS:", 6)) {
				dst = &out->vm_rss_kb;
				bit = HAL_STATUS_VMRSS;
				line.p += 6;
			} else if (line_has_key(&line, "VmSize:", 7)) {
				dst = &out->vm_size_kb;
				bit = HAL_STATUS_VMSIZE;
				line.p += 7;
			} else if (line_has_key(&line, "VmData:", 7)) {
				dst = &out->vm_data_kb;
				bit = HAL_STATUS_VMDATA;
				line.p += 7;
			} else if (line_has_key(&line, "VmStk:", 6)) {
				dst = &out->vm_stk_kb;
				bit = HAL_STATUS_VMSTK;
				line.p += 6;
			}
			break;
		case 'v':
			if (line_has_key(&line, "voluntary_ctxt_switches:", 24)) {
				dst = &out->voluntary_ctxt_switches;
				bit = HAL_STATUS_CTXSW;
				line.p += 24;
			}
			break;
		case 'n':
			if (line_has_key(&line, "nonvoluntary_ctxt_switches:", 27)) {
				dst = &out->nonvoluntary_ctxt_switches;
				bit = HAL_STATUS_CTXSW;
				line.p += 27;
			}
			break;
		default:
			break;
		}
		if (dst != NULL) {
			if ((st = get_u64(&line, dst)) != PM_OK) {
				return st;
			}
			out->present |= bit;
		}
	}
	if (stop != NULL) {
		*stop = c.end;
	}
	return PM_OK;
}

/* The line of `key` at offset `at` of buf (0: no guess) when one really starts there, inside
 * [from, end); else NULL. A stale guess is thereby harmless. */
static inline __attribute__((always_inline)) const char *
line_at(const char *buf, const char *from, const char *end, const char *key, size_t klen, uint16_t at)
{
	const char *guess = buf + at;
	if (at != 0 && guess >= from && end - guess >= (ptrdiff_t)klen && guess[-1] == '\n' &&
	    memcmp(guess, key, klen) == 0) {
		return guess;
	}
	return NULL;
}

/* The line in [from, end) that starts with `key` (at buf or right after a '\n'); NULL when there is
 * none. Tries `*hint` (an offset into buf, 0 for none) first (line_at). Otherwise looks for the
 * key's first byte eight bytes at a time, so lines with another first byte cost nothing each.
 * Stores where the line was found back into *hint. */
static inline __attribute__((always_inline)) const char *
find_line(const char *buf, const char *from, const char *end, const char *key, size_t klen, uint16_t *hint)
{
	const char *guess = line_at(buf, from, end, key, klen, *hint);
	if (guess != NULL) {
		return guess;
	}
	const uint64_t pattern = BYTES_OF(key[0]);
	const char *p = from;
	/* Every pass moves p forward by at least one byte. */
	while (p < end) {
		const char *q;
		if (end - p >= 8) {
			uint64_t hit = bytes_equal(load_le64(p), pattern);
			if (hit == 0) {
				p += 8;
				continue;
			}
			q = p + first_flagged(hit);
		} else if (*p == key[0]) {
			q = p;
		} else {
			p++;
			continue;
		}
		if ((q == buf || q[-1] == '\n') && (size_t)(end - q) >= klen && memcmp(q, key, klen) == 0) {
			*hint = (q - buf) <= UINT16_MAX ? (uint16_t)(q - buf) : 0;
			return q;
		}
		p = q + 1;
	}
	*hint = 0;
	return NULL;
}

/* A status field "Key:<blanks>number" in [from, to), when the line is there (kernel threads have no
 * memory lines). */
static inline __attribute__((always_inline)) pm_status status_u64(const char *buf, const char *from,
                                                                  const char *to, const char *key,
                                                                  size_t klen, uint16_t *hint, uint64_t *dst,
                                                                  uint32_t bit, uint32_t *present)
{
	const char *line = find_line(buf, from, to, key, klen, hint);
	if (line == NULL) {
		return PM_OK;
	}
	struct cur c = { line + klen, to };
	pm_status st = get_u64(&c, dst);
	if (st == PM_OK) {
		*present |= bit;
	}
	return st;
}

/* The head of a status file the way every kernel writes it: Name: first, then Uid:, the memory
 * lines, Threads:. Goes from key to key (or straight to where they were last time) instead of
 * visiting every line. Sets *mid to the line after Threads:, or leaves it NULL when the text is not
 * shaped so (the caller then parses every line). */
static pm_status status_head_fast(const char *buf, const char *end, struct hal_status_hints *h,
                                  struct hal_proc_status *out, const char **mid)
{
	*mid = NULL;
	const struct cur head = { buf, end };
	if (!line_has_key(&head, "Name:", 5)) {
		return PM_OK;
	}
	const char *uid = find_line(buf, buf, end, "Uid:", 4, &h->at[HAL_STATUS_AT_UID]);
	const char *threads =
	    uid != NULL ? find_line(buf, uid, end, "Threads:", 8, &h->at[HAL_STATUS_AT_THREADS]) : NULL;
	if (threads == NULL) {
		return PM_OK;
	}
	struct cur c = { uid + 4, threads };
	pm_status st;
	if ((st = get_u32(&c, &out->uid)) != PM_OK || (st = get_u32(&c, &out->euid)) != PM_OK) {
		return st;
	}
	out->present |= HAL_STATUS_UID;
	const char *from = c.p;
	if ((st = status_u64(buf, from, threads, "VmSize:", 7, &h->at[HAL_STATUS_AT_VMSIZE], &out->vm_size_kb,
	                     HAL_STATUS_VMSIZE, &out->present)) != PM_OK ||
	    (st = status_u64(buf, from, threads, "VmRSS:", 6, &h->at[HAL_STATUS_AT_VMRSS], &out->vm_rss_kb,
	                     HAL_STATUS_VMRSS, &out->present)) != PM_OK ||
	    (st = status_u64(buf, from, threads, "VmData:", 7, &h->at[HAL_STATUS_AT_VMDATA], &out->vm_data_kb,
	                     HAL_STATUS_VMDATA, &out->present)) != PM_OK ||
	    (st = status_u64(buf, from, threads, "VmStk:", 6, &h->at[HAL_STATUS_AT_VMSTK], &out->vm_stk_kb,
	                     HAL_STATUS_VMSTK, &out->present)) != PM_OK) {
		return st;
	}
	c = (struct cur){ threads + 8, end };
	if ((st = get_u32(&c, &out->threads)) != PM_OK) {
		return st;
	}
	out->present |= HAL_STATUS_THREADS;
	skip_line(&c);
	*mid = c.p;
	return PM_OK;
}

pm_status hal_parse_status(const char *buf, size_t len, struct hal_proc_status *out)
{
	struct hal_status_hints none;
	memset(&none, 0, sizeof(none));
	return hal_parse_status_hinted(buf, len, &none, out);
}

pm_status hal_parse_status_hinted(const char *buf, size_t len, struct hal_status_hints *hints,
                                  struct hal_proc_status *out)
{
	if (buf == NULL || out == NULL || hints == NULL) {
		return PM_ERR_INVAL;
	}
	memset(out, 0, sizeof(*out));
	int have_name = 1;
	const char *end = buf + len;
	const char *mid = NULL;
	/* Fast path: jump to the head's keys, skip the signal/capability/cpuset lines, jump to the
	 * switch counts. Otherwise every line up to Threads: is visited. If the tail does not hold
	 * the switch counts, the skipped middle is parsed too. */
	pm_status st = status_head_fast(buf, end, hints, out, &mid);
	if (st != PM_OK) {
		return st;
	}
	if (mid == NULL) {
		memset(out, 0, sizeof(*out));
		have_name = 0;
		mid = end;
		if ((st = status_lines((struct cur){ buf, end }, out, &have_name, &mid)) != PM_OK) {
			return st;
		}
	}
	if (mid < end) {
		/* The switch counts are the last lines on every kernel so far: where they were last
		 * time, else found scanning back from the end (a few dozen bytes). */
		static const char key[] = "voluntary_ctxt_switches:";
		const size_t klen = sizeof(key) - 1;
		uint16_t *at = &hints->at[HAL_STATUS_AT_SWITCHES];
		const char *guess = line_at(buf, mid + 1, end, key, klen, *at);
		const char *tail = mid;
		if (guess != NULL) {
			tail = guess;
		} else {
			*at = 0;
			for (const char *q = end - 1; q >= mid; q--) {
				if (*q == 'v' && (q == mid || q[-1] == '\n') && (size_t)(end - q) >= klen &&
				    memcmp(q, key, klen) == 0) {
					tail = q;
					*at = (q - buf) <= UINT16_MAX ? (uint16_t)(q - buf) : 0;
					break;
				}
			}
		}
		if ((st = status_lines((struct cur){ tail, end }, out, &have_name, NULL)) != PM_OK) {
			return st;
		}
		if ((out->present & HAL_STATUS_CTXSW) == 0 && tail > mid &&
		    (st = status_lines((struct cur){ mid, tail }, out, &have_name, NULL)) != PM_OK) {
			return st;
		}
	}
	return have_name ? PM_OK : PM_ERR_PARSE;
}

/* Generic "key: value" (or "key value") line table parser: fills the u64 at offsets[i] for keys[i]. */
struct kv_key {
	const char *key; /* including the separator, e.g. "rchar:" or "pgfault " */
	size_t klen;
	size_t offset;
};

#define KV(text, type, field)                                                                                \
	{                                                                                                    \
		text, sizeof(text) - 1, offsetof(type, field)                                                \
	}

/* Whether n bytes at a and b are equal. musl's memcmp goes byte by byte and a table's key lengths
 * are not constants the compiler could expand, so: two overlapping loads cover 4..16 bytes (the
 * first and the last four or eight), words cover the rest. */
static inline __attribute__((always_inline)) int same_bytes(const char *a, const char *b, size_t n)
{
	if (n < 4) {
		for (; n > 0; n--, a++, b++) {
			if (*a != *b) {
				return 0;
			}
		}
		return 1;
	}
	if (n <= 8) {
		uint32_t x0, y0, x1, y1;
		memcpy(&x0, a, 4);
		memcpy(&y0, b, 4);
		memcpy(&x1, a + n - 4, 4);
		memcpy(&y1, b + n - 4, 4);
		return ((x0 ^ y0) | (x1 ^ y1)) == 0;
	}
	for (; n > 16; n -= 8, a += 8, b += 8) {
		uint64_t x, y;
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y) {
			return 0;
		}
	}
	uint64_t x0, y0, x1, y1;
	memcpy(&x0, a, 8);
	memcpy(&y0, b, 8);
	memcpy(&x1, a + n - 8, 8);
	memcpy(&y1, b + n - 8, 8);
	return ((x0 ^ y0) | (x1 ^ y1)) == 0;
}

static pm_status parse_kv(const char *buf, size_t len, const struct kv_key *keys, size_t nkeys, void *base,
                          uint32_t *present)
{
	struct cur c = { buf, buf + len };
	uint32_t seen = 0;
	size_t next = 0; /* the kernel writes the keys in table order: try the expected one first */
	/* Every pass moves past at least one line (skip_line always advances), so the loop is bounded. */
	while (c.p < c.end) {
		/* Keys, blanks and digits hold no newline: the line's end is searched only when
		 * something other than a newline follows the number (or no key matched). */
		const char *line = c.p;
		const size_t left = (size_t)(c.end - line);
		for (size_t k = 0; k < nkeys; k++) {
			size_t i = next + k < nkeys ? next + k : next + k - nkeys;
			size_t klen = keys[i].klen;
			if (line[0] == keys[i].key[0] && left >= klen &&
			    same_bytes(line, keys[i].key, klen)) {
				c.p = line + klen;
				uint64_t v;
				pm_status st = get_u64(&c, &v);
				if (st != PM_OK) {
					return st;
				}
				memcpy((char *)base + keys[i].offset, &v, sizeof(v));
				if (i < 32) {
					seen |= 1u << i;
				}
				next = i + 1 < nkeys ? i + 1 : 0;
				break;
			}
		}
		if (c.p < c.end && *c.p == '\n') {
			c.p++; /* the usual "key: number\n": the number ended the line */
		} else {
			skip_line(&c);
		}
	}
	if (present != NULL) {
		*present = seen;
	}
	return PM_OK;
}

pm_status hal_parse_io(const char *buf, size_t len, struct hal_proc_io *out)
{
	static const struct kv_key keys[] = {
		KV("rchar:", struct hal_proc_io, rchar),
		KV("wchar:", struct hal_proc_io, wchar),
		KV("syscr:", struct hal_proc_io, syscr),
		KV("syscw:", struct hal_proc_io, syscw),
		KV("read_bytes:", struct hal_proc_io, read_bytes),
		KV("write_bytes:", struct hal_proc_io, write_bytes),
		KV("cancelled_write_bytes:", struct hal_proc_io, cancelled_write_bytes),
	};
	if (buf == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	memset(out, 0, sizeof(*out));
	uint32_t seen = 0;
	pm_status st = parse_kv(buf, len, keys, sizeof(keys) / sizeof(keys[0]), out, &seen);
	if (st != PM_OK) {
		return st;
	}
	/* rchar..syscw are always there; without them this is not an io file. */
	return (seen & 0xFu) == 0xFu ? PM_OK : PM_ERR_PARSE;
}

pm_status hal_parse_schedstat(const char *buf, size_t len, struct hal_schedstat *out)
{
	if (buf == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	memset(out, 0, sizeof(*out));
	struct cur c = { buf, buf + len };
	pm_status st;
	if ((st = get_u64(&c, &out->run_ns)) != PM_OK || (st = get_u64(&c, &out->wait_ns)) != PM_OK ||
	    (st = get_u64(&c, &out->timeslices)) != PM_OK) {
		return st;
	}
	return PM_OK;
}

/* /proc/PID/sched lines look like "se.nr_migrations     :      12". */
static pm_status sched_value(struct cur *line, size_t klen, uint64_t *out)
{
	line->p += klen;
	skip_spaces(line);
	if (line->p >= line->end || *line->p != ':') {
		return PM_ERR_PARSE;
	}
	line->p++;
	return get_u64(line, out);
}

pm_status hal_parse_sched(const char *buf, size_t len, struct hal_proc_sched *out)
{
	if (buf == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	memset(out, 0, sizeof(*out));
	struct cur c = { buf, buf + len };
	int found = 0;
	while (c.p < c.end) {
		struct cur line = c;
		skip_line(&c);
		line.end = c.p;
		pm_status st = PM_OK;
		if (line_has_key(&line, "se.nr_migrations", 16)) {
			st = sched_value(&line, 16, &out->nr_migrations);
			found = 1;
		} else if (line_has_key(&line, "nr_switches", 11)) {
			st = sched_value(&line, 11, &out->nr_switches);
		}
		if (st != PM_OK) {
			return st;
		}
	}
	return found ? PM_OK : PM_ERR_PARSE;
}

pm_status hal_parse_meminfo(const char *buf, size_t len, struct hal_meminfo *out)
{
	static const struct kv_key keys[] = {
		KV("MemTotal:", struct hal_meminfo, mem_total_kb),
		KV("MemFree:", struct hal_meminfo, mem_free_kb),
		KV("MemAvailable:", struct hal_meminfo, mem_available_kb),
		KV("Buffers:", struct hal_meminfo, buffers_kb),
		KV("Cached:", struct hal_meminfo, cached_kb),
		KV("SwapTotal:", struct hal_meminfo, swap_total_kb),
		KV("SwapFree:", struct hal_meminfo, swap_free_kb),
		KV("Shmem:", struct hal_meminfo, shmem_kb),
		KV("SReclaimable:", struct hal_meminfo, sreclaimable_kb),
	};
	if (buf == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	memset(out, 0, sizeof(*out));
	pm_status st = parse_kv(buf, len, keys, sizeof(keys) / sizeof(keys[0]), out, &out->present);
	if (st != PM_OK) {
		return st;
	}
	return (out->present & 1u) != 0 ? PM_OK : PM_ERR_PARSE;
}

static pm_status get_ticks(struct cur *c, struct hal_cpu_ticks *t)
{
	uint64_t *f[] = { &t->user,   &t->nice, &t->system,  &t->idle,
		          &t->iowait, &t->irq,  &t->softirq, &t->steal };
	/* user..idle are required; later fields appeared with later kernels. */
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		pm_status st = get_u64(c, f[i]);
		if (st != PM_OK) {
			return i < 4 ? st : PM_OK;
		}
	}
	return PM_OK;
}

pm_status hal_parse_proc_stat(const char *buf, size_t len, struct hal_cpu_times *out)
{
	if (buf == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	memset(out, 0, sizeof(*out));
	struct cur c = { buf, buf + len };
	int have_total = 0;
	while (c.p < c.end) {
		struct cur line = c;
		skip_line(&c);
		line.end = c.p;
		pm_status st = PM_OK;
		if (line_has_key(&line, "cpu ", 4)) {
			line.p += 4;
			st = get_ticks(&line, &out->total);
			have_total = 1;
		} else if (line_has_key(&line, "cpu", 3)) {
			line.p += 3;
			uint32_t id;
			if ((st = get_u32(&line, &id)) == PM_OK) {
				if (id >= PM_MAX_CPUS) {
					continue; /* beyond our capacity: counted in total only */
				}
				st = get_ticks(&line, &out->cpu[id]);
				(void)hal_cpuset_add(&out->present, id);
				out->ncpu_lines++;
			}
		} else if (line_has_key(&line, "ctxt ", 5)) {
			line.p += 5;
			st = get_u64(&line, &out->ctxt);
		} else if (line_has_key(&line, "btime ", 6)) {
			line.p += 6;
			st = get_u64(&line, &out->btime);
		} else if (line_has_key(&line, "processes ", 10)) {
			line.p += 10;
			st = get_u64(&line, &out->processes);
		} else if (line_has_key(&line, "procs_running ", 14)) {
			line.p += 14;
			st = get_u32(&line, &out->procs_running);
		} else if (line_has_key(&line, "procs_blocked ", 14)) {
			line.p += 14;
			st = get_u32(&line, &out->procs_blocked);
		}
		if (st != PM_OK) {
			return st;
		}
	}
	return have_total ? PM_OK : PM_ERR_PARSE;
}

uint64_t hal_cpu_ticks_total(const struct hal_cpu_ticks *t)
{
	return t->user + t->nice + t->system + t->idle + t->iowait + t->irq + t->softirq + t->steal;
}

uint64_t hal_cpu_ticks_busy(const struct hal_cpu_ticks *t)
{
	return t->user + t->nice + t->system + t->irq + t->softirq + t->steal;
}

/* "12.34" as a double without strtod (no locale). */
static pm_status get_fixed(struct cur *c, double *out, uint32_t *x100)
{
	uint64_t whole;
	pm_status st = get_u64(c, &whole);
	if (st != PM_OK) {
		return st;
	}
	uint64_t frac = 0;
	uint64_t scale = 1;
	if (c->p < c->end && *c->p == '.') {
		c->p++;
		int digits = 0;
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
			if (digits < 6) {
				frac = frac * 10 + (uint64_t)(*c->p - '0');
				scale *= 10;
			}
			digits++;
			c->p++;
		}
	}
	if (whole > UINT32_MAX / 100) {
		return PM_ERR_PARSE;
	}
	if (out != NULL) {
		*out = (double)whole + (double)frac / (double)scale;
	}
	if (x100 != NULL) {
		*x100 = (uint32_t)(whole * 100 + (frac * 100) / scale);
	}
	return PM_OK;
}

pm_status hal_parse_loadavg(const char *buf, size_t len, struct hal_loadavg *out)
{
	if (buf == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	memset(out, 0, sizeof(*out));
	struct cur c = { buf, buf + len };
	pm_status st;
	if ((st = get_fixed(&c, &out->load1, NULL)) != PM_OK ||
	    (st = get_fixed(&c, &out->load5, NULL)) != PM_OK ||
	    (st = get_fixed(&c, &out->load15, NULL)) != PM_OK ||
	    (st = get_u32(&c, &out->runnable)) != PM_OK) {
		return st;
	}
	if (c.p >= c.end || *c.p != '/') {
		return PM_ERR_PARSE;
	}
	c.p++;
	if ((st = get_u32(&c, &out->total)) != PM_OK || (st = get_i32(&c, &out->last_pid)) != PM_OK) {
		return st;
	}
	return PM_OK;
}

pm_status hal_parse_vmstat(const char *buf, size_t len, struct hal_vmstat *out)
{
	static const struct kv_key keys[] = {
		KV("pgfault ", struct hal_vmstat, pgfault),
		KV("pgmajfault ", struct hal_vmstat, pgmajfault),
		KV("pswpin ", struct hal_vmstat, pswpin),
		KV("pswpout ", struct hal_vmstat, pswpout),
		KV("pgpgin ", struct hal_vmstat, pgpgin),
		KV("pgpgout ", struct hal_vmstat, pgpgout),
		KV("oom_kill ", struct hal_vmstat, oom_kill),
	};
	if (buf == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	memset(out, 0, sizeof(*out));
	return parse_kv(buf, len, keys, sizeof(keys) / sizeof(keys[0]), out, NULL);
}

static pm_status psi_line(struct cur *line, struct hal_psi_line *out)
{
	static const char *const names[] = { "avg10=", "avg60=", "avg300=" };
	uint32_t *dst[] = { &out->avg10_x100, &out->avg60_x100, &out->avg300_x100 };
	for (size_t i = 0; i < 3; i++) {
		skip_spaces(line);
		size_t n = strlen(names[i]);
		if (!line_has_key(line, names[i], n)) {
			return PM_ERR_PARSE;
		}
		line->p += n;
		pm_status st = get_fixed(line, NULL, dst[i]);
		if (st != PM_OK) {
			return st;
		}
	}
	skip_spaces(line);
	if (!line_has_key(line, "total=", 6)) {
		return PM_ERR_PARSE;
	}
	line->p += 6;
	return get_u64(line, &out->total_us);
}

pm_status hal_parse_psi(const char *buf, size_t len, struct hal_psi *out)
{
	if (buf == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	memset(out, 0, sizeof(*out));
	struct cur c = { buf, buf + len };
	int have_some = 0;
	while (c.p < c.end) {
		struct cur line = c;
		skip_line(&c);
		line.end = c.p;
		pm_status st = PM_OK;
		if (line_has_key(&line, "some ", 5)) {
			line.p += 5;
			st = psi_line(&line, &out->some);
			have_some = 1;
		} else if (line_has_key(&line, "full ", 5)) {
			line.p += 5;
			st = psi_line(&line, &out->full);
			out->has_full = 1;
		}
		if (st != PM_OK) {
			return st;
		}
	}
	return have_some ? PM_OK : PM_ERR_PARSE;
}

pm_status hal_parse_netdev(const char *buf, size_t len, struct hal_netdev_table *out)
{
	if (buf == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	memset(out, 0, sizeof(*out));
	struct cur c = { buf, buf + len };
	while (c.p < c.end) {
		struct cur line = c;
		skip_line(&c);
		line.end = c.p;
		const char *colon = memchr(line.p, ':', (size_t)(line.end - line.p));
		if (colon == NULL || memchr(line.p, '|', (size_t)(line.end - line.p)) != NULL) {
			continue; /* the two header lines */
		}
		skip_spaces(&line);
		if (line.p >= colon) {
			return PM_ERR_PARSE;
		}
		if (out->count >= HAL_MAX_NETDEV) {
			out->truncated++;
			continue;
		}
		struct hal_netdev *d = &out->dev[out->count];
		size_t n = (size_t)(colon - line.p);
		if (n >= sizeof(d->name)) {
			n = sizeof(d->name) - 1;
		}
		memcpy(d->name, line.p, n);
		d->name[n] = '\0';
		line.p = colon + 1;
		uint64_t v[16];
		for (size_t i = 0; i < 16; i++) {
			pm_status st = get_u64(&line, &v[i]);
			if (st != PM_OK) {
				return st;
			}
		}
		d->rx_bytes = v[0];
		d->rx_packets = v[1];
		d->rx_errs = v[2];
		d->rx_drop = v[3];
		d->tx_bytes = v[8];
		d->tx_packets = v[9];
		d->tx_errs = v[10];
		d->tx_drop = v[11];
		out->count++;
	}
	return PM_OK;
}

pm_status hal_parse_cpulist(const char *buf, size_t len, struct hal_cpuset *out)
{
	if (buf == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	hal_cpuset_clear(out);
	struct cur c = { buf, buf + len };
	if (c.end > c.p && c.end[-1] == '\n') {
		c.end--;
	}
	while (c.p < c.end) {
		uint32_t lo;
		uint32_t hi;
		pm_status st = get_u32(&c, &lo);
		if (st != PM_OK) {
			return st;
		}
		hi = lo;
		if (c.p < c.end && *c.p == '-') {
			c.p++;
			if ((st = get_u32(&c, &hi)) != PM_OK) {
				return st;
			}
		}
		if (hi < lo || hi >= PM_MAX_CPUS) {
			return PM_ERR_PARSE;
		}
		for (uint32_t i = lo; i <= hi; i++) {
			(void)hal_cpuset_add(out, i);
		}
		if (c.p < c.end) {
			if (*c.p != ',') {
				return PM_ERR_PARSE;
			}
			c.p++;
			if (c.p == c.end) {
				return PM_ERR_PARSE;
			}
		}
	}
	return PM_OK;
}

/* Appends text to buf at *pos, keeping room for the NUL. */
static int put_text(char *buf, size_t cap, size_t *pos, const char *text)
{
	size_t n = strlen(text);
	if (*pos + n + 1 > cap) {
		return 0;
	}
	memcpy(buf + *pos, text, n + 1);
	*pos += n;
	return 1;
}

static void u32_to_text(uint32_t v, char out[12])
{
	char tmp[12];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && n < sizeof(tmp));
	for (size_t i = 0; i < n; i++) {
		out[i] = tmp[n - 1 - i];
	}
	out[n] = '\0';
}

pm_status hal_format_cpulist(const struct hal_cpuset *set, char *buf, size_t cap)
{
	if (set == NULL || buf == NULL || cap == 0) {
		return PM_ERR_INVAL;
	}
	size_t pos = 0;
	buf[0] = '\0';
	uint32_t cpu = 0;
	while (cpu < PM_MAX_CPUS) {
		if (!hal_cpuset_has(set, cpu)) {
			cpu++;
			continue;
		}
		uint32_t end = cpu;
		while (end + 1 < PM_MAX_CPUS && hal_cpuset_has(set, end + 1)) {
			end++;
		}
		char num[12];
		if (pos > 0 && !put_text(buf, cap, &pos, ",")) {
			buf[0] = '\0';
			return PM_ERR_NOSPACE;
		}
		u32_to_text(cpu, num);
		if (!put_text(buf, cap, &pos, num)) {
			buf[0] = '\0';
			return PM_ERR_NOSPACE;
		}
		if (end > cpu) {
			u32_to_text(end, num);
			if (!put_text(buf, cap, &pos, "-") || !put_text(buf, cap, &pos, num)) {
				buf[0] = '\0';
				return PM_ERR_NOSPACE;
			}
		}
		cpu = end + 1;
	}
	return PM_OK;
}

pm_status hal_parse_size(const char *buf, size_t len, uint64_t *out)
{
	if (buf == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	struct cur c = { buf, buf + len };
	if (c.end > c.p && c.end[-1] == '\n') {
		c.end--;
	}
	uint64_t v;
	pm_status st = get_u64(&c, &v);
	if (st != PM_OK) {
		return st;
	}
	unsigned shift = 0;
	if (c.p < c.end) {
		switch (*c.p) {
		case 'K':
		case 'k':
			shift = 10;
			break;
		case 'M':
		case 'm':
			shift = 20;
			break;
		case 'G':
		case 'g':
			shift = 30;
			break;
		default:
			return PM_ERR_PARSE;
		}
		c.p++;
		if (c.p < c.end && (*c.p == 'B' || *c.p == 'b')) {
			c.p++;
		}
	}
	if (c.p != c.end) {
		return PM_ERR_PARSE;
	}
	if (shift > 0 && v > (UINT64_MAX >> shift)) {
		return PM_ERR_PARSE;
	}
	*out = v << shift;
	return PM_OK;
}

pm_status hal_parse_cgroup_cpu_stat(const char *buf, size_t len, struct hal_cgroup_cpu_stat *out)
{
	static const struct kv_key keys[] = {
		KV("usage_usec ", struct hal_cgroup_cpu_stat, usage_usec),
		KV("user_usec ", struct hal_cgroup_cpu_stat, user_usec),
		KV("system_usec ", struct hal_cgroup_cpu_stat, system_usec),
		KV("nr_periods ", struct hal_cgroup_cpu_stat, nr_periods),
		KV("nr_throttled ", struct hal_cgroup_cpu_stat, nr_throttled),
		KV("throttled_usec ", struct hal_cgroup_cpu_stat, throttled_usec),
	};
	if (buf == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	memset(out, 0, sizeof(*out));
	uint32_t seen = 0;
	pm_status st = parse_kv(buf, len, keys, sizeof(keys) / sizeof(keys[0]), out, &seen);
	if (st != PM_OK) {
		return st;
	}
	return (seen & 1u) != 0 ? PM_OK : PM_ERR_PARSE;
}

pm_status hal_parse_u64_or_max(const char *buf, size_t len, uint64_t *out)
{
	if (buf == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	struct cur c = { buf, buf + len };
	if (c.end > c.p && c.end[-1] == '\n') {
		c.end--;
	}
	if (c.end - c.p == 3 && memcmp(c.p, "max", 3) == 0) {
		*out = UINT64_MAX;
		return PM_OK;
	}
	pm_status st = get_u64(&c, out);
	if (st != PM_OK) {
		return st;
	}
	return c.p == c.end ? PM_OK : PM_ERR_PARSE;
}

pm_status hal_parse_cgroup_path(const char *buf, size_t len, char *path, size_t cap)
{
	if (buf == NULL || path == NULL || cap == 0) {
		return PM_ERR_INVAL;
	}
	path[0] = '\0';
	struct cur c = { buf, buf + len };
	while (c.p < c.end) {
		struct cur line = c;
		skip_line(&c);
		line.end = c.p;
		if (line.end > line.p && line.end[-1] == '\n') {
			line.end--;
		}
		if (!line_has_key(&line, "0::", 3)) {
			continue;
		}
		size_t n = (size_t)(line.end - line.p) - 3;
		if (n + 1 > cap) {
			return PM_ERR_NOSPACE;
		}
		memcpy(path, line.p + 3, n);
		path[n] = '\0';
		return PM_OK;
	}
	return PM_ERR_NOENT;
}
