/* Bounded text building for rt/ (see textbuf.h): integers, fixed-point ms, JSON strings, RFC 3339. */
#include "textbuf.h"

#include <assert.h>
#include <math.h>
#include <string.h>

void rt_tb_init(struct rt_textbuf *tb, char *buf, size_t cap)
{
	assert(tb != NULL && buf != NULL && cap > 0);
	tb->buf = buf;
	tb->cap = cap;
	tb->len = 0;
	tb->overflow = false;
	buf[0] = '\0';
}

static void put(struct rt_textbuf *tb, const char *s, size_t n)
{
	if (tb->overflow) {
		return;
	}
	/* Keep room for the terminating NUL. */
	if (n >= tb->cap - tb->len) {
		tb->overflow = true;
		return;
	}
	memcpy(tb->buf + tb->len, s, n);
	tb->len += n;
	tb->buf[tb->len] = '\0';
}

void rt_tb_str(struct rt_textbuf *tb, const char *s)
{
	put(tb, s, strlen(s));
}

void rt_tb_json_str(struct rt_textbuf *tb, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	put(tb, "\"", 1);
	for (size_t i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };
			put(tb, esc, 2);
		} else if (c < 0x20) {
			char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf] };
			put(tb, esc, 6);
		} else {
			put(tb, (const char *)&s[i], 1);
		}
	}
	put(tb, "\"", 1);
}

void rt_tb_u64(struct rt_textbuf *tb, uint64_t v)
{
	char digits[24];
	size_t n = 0;
	do {
		digits[sizeof(digits) - 1 - n] = (char)('0' + (v % 10));
		v /= 10;
		n++;
	} while (v != 0 && n < sizeof(digits));
	put(tb, digits + sizeof(digits) - n, n);
}

void rt_tb_i64(struct rt_textbuf *tb, int64_t v)
{
	if (v < 0) {
		put(tb, "-", 1);
		rt_tb_u64(tb, (uint64_t)(-(v + 1)) + 1u);
	} else {
		rt_tb_u64(tb, (uint64_t)v);
	}
}

static void frac6(struct rt_textbuf *tb, uint64_t frac)
{
	char d[7];
	d[0] = '.';
	for (int i = 6; i >= 1; i--) {
		d[i] = (char)('0' + (frac % 10));
		frac /= 10;
	}
	put(tb, d, sizeof(d));
}

void rt_tb_ns_as_ms(struct rt_textbuf *tb, int64_t ns)
{
	uint64_t mag = ns < 0 ? (uint64_t)(-(ns + 1)) + 1u : (uint64_t)ns;
	if (ns < 0) {
		put(tb, "-", 1);
	}
	rt_tb_u64(tb, mag / 1000000u);
	frac6(tb, mag % 1000000u);
}

void rt_tb_fixed(struct rt_textbuf *tb, double v, unsigned decimals)
{
	static const double scale[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9 };
	assert(decimals <= 9);
	/* |v| * 10^decimals must stay below 9e18 to fit the integer that is printed. */
	if (!isfinite(v) || fabs(v) * scale[decimals] >= 9e18) {
		put(tb, "null", 4);
		return;
	}
	uint64_t u = (uint64_t)round(fabs(v) * scale[decimals]);
	uint64_t one = (uint64_t)scale[decimals];
	if (v < 0 && u != 0) {
		put(tb, "-", 1);
	}
	rt_tb_u64(tb, u / one);
	if (decimals == 0) {
		return;
	}
	char d[10];
	uint64_t frac = u % one;
	d[0] = '.';
	for (unsigned i = decimals; i >= 1; i--) {
		d[i] = (char)('0' + (frac % 10));
		frac /= 10;
	}
	put(tb, d, decimals + 1);
}

void rt_tb_f6(struct rt_textbuf *tb, double v)
{
	rt_tb_fixed(tb, v, 6);
}

/* Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	uint64_t doe = (uint64_t)(z - era * 146097);
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	uint64_t mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int64_t)yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

static void two(struct rt_textbuf *tb, unsigned v, char sep)
{
	char d[3] = { (char)('0' + (v / 10) % 10), (char)('0' + v % 10), sep };
	put(tb, d, sep != '\0' ? 3 : 2);
}

void rt_tb_rfc3339(struct rt_textbuf *tb, int64_t real_ns)
{
	int64_t secs = real_ns / 1000000000;
	int64_t rem = real_ns % 1000000000;
	if (rem < 0) {
		rem += 1000000000;
		secs--;
	}
	int64_t days = secs / 86400;
	int64_t sod = secs % 86400;
	if (sod < 0) {
		sod += 86400;
		days--;
	}
	int64_t y = 0;
	unsigned m = 0;
	unsigned d = 0;
	civil_from_days(days, &y, &m, &d);
	put(tb, "\"", 1);
	if (y < 0 || y > 9999) {
		y = y < 0 ? 0 : 9999; /* RFC 3339 has four-digit years; clamp a clock anomaly */
	}
	char yd[5] = { (char)('0' + y / 1000), (char)('0' + (y / 100) % 10), (char)('0' + (y / 10) % 10),
		       (char)('0' + y % 10), '-' };
	put(tb, yd, sizeof(yd));
	two(tb, m, '-');
	two(tb, d, 'T');
	two(tb, (unsigned)(sod / 3600), ':');
	two(tb, (unsigned)((sod / 60) % 60), ':');
	two(tb, (unsigned)(sod % 60), '.');
	unsigned ms = (unsigned)(rem / 1000000);
	char md[5] = { (char)('0' + ms / 100), (char)('0' + (ms / 10) % 10), (char)('0' + ms % 10), 'Z',
		       '"' };
	put(tb, md, sizeof(md));
}
