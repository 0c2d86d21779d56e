/* Value parsers of the configuration: sizes, CPU quantities, percentages, CPU lists, ASIL levels and
 * integers. Each is the single place where its kind of text becomes a number. */
#include "rt/units.h"

#include <stdbool.h>
#include <string.h>

/* A non-negative decimal with an optional fraction of at most 9 digits, as whole and (frac/frac_den). */
struct decimal {
	uint64_t whole;
	uint64_t frac;
	uint64_t frac_den;
	size_t end; /* index of the first byte after the number */
};

static pm_status decimal_scan(const char *text, size_t len, struct decimal *d)
{
	size_t pos = 0;
	size_t digits = 0;
	d->whole = 0;
	d->frac = 0;
	d->frac_den = 1;
	while (pos < len && text[pos] >= '0' && text[pos] <= '9') {
		if (d->whole > (UINT64_MAX - 9) / 10) {
			return PM_ERR_INVAL;
		}
		d->whole = d->whole * 10 + (uint64_t)(text[pos] - '0');
		pos++;
		digits++;
	}
	if (digits == 0) {
		return PM_ERR_PARSE;
	}
	if (pos < len && text[pos] == '.') {
		pos++;
		size_t frac_digits = 0;
		while (pos < len && text[pos] >= '0' && text[pos] <= '9') {
			if (frac_digits == 9) {
				return PM_ERR_PARSE;
			}
			d->frac = d->frac * 10 + (uint64_t)(text[pos] - '0');
			d->frac_den *= 10;
			pos++;
			frac_digits++;
		}
		if (frac_digits == 0) {
			return PM_ERR_PARSE;
		}
	}
	d->end = pos;
	return PM_OK;
}

/* whole*scale + frac*scale/frac_den, truncated; PM_ERR_INVAL on overflow. `exact` demands no remainder. */
static pm_status decimal_scale(const struct decimal *d, uint64_t scale, bool exact, uint64_t *out)
{
	if (scale != 0 && d->whole > UINT64_MAX / scale) {
		return PM_ERR_INVAL;
	}
	uint64_t value = d->whole * scale;
	/* frac < 1e9 and scale <= 2^40: split so that the product never overflows. */
	uint64_t hi = (scale / d->frac_den) * d->frac;
	uint64_t rem = (scale % d->frac_den) * d->frac;
	if (exact && rem % d->frac_den != 0) {
		return PM_ERR_INVAL;
	}
	uint64_t add = hi + rem / d->frac_den;
	if (add > UINT64_MAX - value) {
		return PM_ERR_INVAL;
	}
	*out = value + add;
	return PM_OK;
}

struct size_unit {
	const char *name;
	uint64_t scale;
};

static const struct size_unit size_units[] = {
	{ "", 1 },
	{ "B", 1 },
	{ "Ki", UINT64_C(1) << 10 },
	{ "Mi", UINT64_C(1) << 20 },
	{ "Gi", UINT64_C(1) << 30 },
	{ "Ti", UINT64_C(1) << 40 },
	{ "k", UINT64_C(1000) },
	{ "K", UINT64_C(1000) },
	{ "M", UINT64_C(1000000) },
	{ "G", UINT64_C(1000000000) },
	{ "T", UINT64_C(1000000000000) },
	{ "KB", UINT64_C(1000) },
	{ "kB", UINT64_C(1000) },
	{ "MB", UINT64_C(1000000) },
	{ "GB", UINT64_C(1000000000) },
	{ "TB", UINT64_C(1000000000000) },
};

pm_status rt_size_parse(const char *text, size_t len, uint64_t *bytes)
{
	if (text == NULL || bytes == NULL) {
		return PM_ERR_INVAL;
	}
	struct decimal d;
	pm_status st = decimal_scan(text, len, &d);
	if (st != PM_OK) {
		return st;
	}
	const char *suffix = text + d.end;
	size_t suffix_len = len - d.end;
	for (size_t i = 0; i < sizeof(size_units) / sizeof(size_units[0]); i++) {
		if (strlen(size_units[i].name) == suffix_len &&
		    memcmp(size_units[i].name, suffix, suffix_len) == 0) {
			return decimal_scale(&d, size_units[i].scale, false, bytes);
		}
	}
	return PM_ERR_PARSE;
}

pm_status rt_cpu_qty_parse(const char *text, size_t len, uint32_t *millicores)
{
	if (text == NULL || millicores == NULL) {
		return PM_ERR_INVAL;
	}
	struct decimal d;
	pm_status st = decimal_scan(text, len, &d);
	if (st != PM_OK) {
		return st;
	}
	uint64_t milli = 0;
	if (d.end == len) {
		st = decimal_scale(&d, 1000, true, &milli);
	} else if (d.end + 1 == len && text[d.end] == 'm' && d.frac_den == 1) {
		milli = d.whole;
	} else {
		return PM_ERR_PARSE;
	}
	if (st != PM_OK) {
		return st;
	}
	if (milli > (uint64_t)PM_MAX_CPUS * 1000) {
		return PM_ERR_INVAL;
	}
	*millicores = (uint32_t)milli;
	return PM_OK;
}

pm_status rt_percent_parse(const char *text, size_t len, uint32_t *basis_points)
{
	if (text == NULL || basis_points == NULL) {
		return PM_ERR_INVAL;
	}
	if (len == 0 || text[len - 1] != '%') {
		return PM_ERR_PARSE;
	}
	struct decimal d;
	pm_status st = decimal_scan(text, len - 1, &d);
	if (st != PM_OK) {
		return st;
	}
	if (d.end != len - 1) {
		return PM_ERR_PARSE;
	}
	uint64_t bp = 0;
	st = decimal_scale(&d, 100, true, &bp);
	if (st != PM_OK) {
		return st;
	}
	if (bp > 10000) {
		return PM_ERR_INVAL;
	}
	*basis_points = (uint32_t)bp;
	return PM_OK;
}

static pm_status cpu_id_scan(const char *text, size_t len, size_t *pos, uint32_t *id)
{
	size_t start = *pos;
	uint64_t v = 0;
	while (*pos < len && text[*pos] >= '0' && text[*pos] <= '9') {
		v = v * 10 + (uint64_t)(text[*pos] - '0');
		if (v >= PM_MAX_CPUS) {
			return PM_ERR_INVAL;
		}
		(*pos)++;
	}
	if (*pos == start) {
		return PM_ERR_PARSE;
	}
	*id = (uint32_t)v;
	return PM_OK;
}

static void skip_spaces(const char *text, size_t len, size_t *pos)
{
	while (*pos < len && text[*pos] == ' ') {
		(*pos)++;
	}
}

pm_status rt_cpulist_parse(const char *text, size_t len, struct hal_cpuset *set)
{
	if (text == NULL || set == NULL) {
		return PM_ERR_INVAL;
	}
	struct hal_cpuset tmp = *set;
	size_t pos = 0;
	/* Each iteration consumes one "a" or "a-b" item and its separator, so len bounds the loop. */
	for (;;) {
		uint32_t lo = 0;
		uint32_t hi = 0;
		skip_spaces(text, len, &pos);
		pm_status st = cpu_id_scan(text, len, &pos, &lo);
		if (st != PM_OK) {
			return st;
		}
		hi = lo;
		skip_spaces(text, len, &pos);
		if (pos < len && text[pos] == '-') {
			pos++;
			skip_spaces(text, len, &pos);
			st = cpu_id_scan(text, len, &pos, &hi);
			if (st != PM_OK) {
				return st;
			}
			if (hi < lo) {
				return PM_ERR_INVAL;
			}
			skip_spaces(text, len, &pos);
		}
		for (uint32_t c = lo; c <= hi; c++) {
			(void)hal_cpuset_add(&tmp, c);
		}
		if (pos == len) {
			break;
		}
		if (text[pos] != ',') {
			return PM_ERR_PARSE;
		}
		pos++;
	}
	*set = tmp;
	return PM_OK;
}

static const char *const asil_names[RT_ASIL_COUNT] = { "QM", "A", "B", "C", "D" };

static char ascii_upper(char c)
{
	return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

pm_status rt_asil_parse(const char *text, size_t len, enum rt_asil *out)
{
	if (text == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	size_t pos = 0;
	if (len > 4 && ascii_upper(text[0]) == 'A' && ascii_upper(text[1]) == 'S' &&
	    ascii_upper(text[2]) == 'I' && ascii_upper(text[3]) == 'L') {
		pos = 4;
		if (pos < len && (text[pos] == '-' || text[pos] == ' ')) {
			pos++;
		}
	}
	for (size_t i = 0; i < RT_ASIL_COUNT; i++) {
		size_t n = strlen(asil_names[i]);
		if (len - pos != n) {
			continue;
		}
		bool same = true;
		for (size_t k = 0; k < n; k++) {
			if (ascii_upper(text[pos + k]) != asil_names[i][k]) {
				same = false;
			}
		}
		if (same) {
			*out = (enum rt_asil)i;
			return PM_OK;
		}
	}
	return PM_ERR_PARSE;
}

const char *rt_asil_name(enum rt_asil asil)
{
	if ((unsigned)asil >= RT_ASIL_COUNT) {
		return "?";
	}
	return asil_names[asil];
}

pm_status rt_u64_parse(const char *text, size_t len, uint64_t *out)
{
	if (text == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	uint64_t v = 0;
	size_t pos = 0;
	if (len > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		pos = 2;
		if (len - pos > 16) {
			return PM_ERR_INVAL;
		}
		for (; pos < len; pos++) {
			char c = text[pos];
			unsigned digit;
			if (c >= '0' && c <= '9') {
				digit = (unsigned)(c - '0');
			} else if (c >= 'a' && c <= 'f') {
				digit = (unsigned)(c - 'a' + 10);
			} else if (c >= 'A' && c <= 'F') {
				digit = (unsigned)(c - 'A' + 10);
			} else {
				return PM_ERR_PARSE;
			}
			v = (v << 4) | digit;
		}
		*out = v;
		return PM_OK;
	}
	if (len == 0) {
		return PM_ERR_PARSE;
	}
	for (; pos < len; pos++) {
		if (text[pos] < '0' || text[pos] > '9') {
			return PM_ERR_PARSE;
		}
		uint64_t digit = (uint64_t)(text[pos] - '0');
		if (v > (UINT64_MAX - digit) / 10) {
			return PM_ERR_INVAL;
		}
		v = v * 10 + digit;
	}
	*out = v;
	return PM_OK;
}

pm_status rt_i64_parse(const char *text, size_t len, int64_t min, int64_t max, int64_t *out)
{
	if (text == NULL || out == NULL || min > max) {
		return PM_ERR_INVAL;
	}
	bool negative = false;
	size_t pos = 0;
	if (len > 0 && (text[0] == '-' || text[0] == '+')) {
		negative = text[0] == '-';
		pos = 1;
	}
	if (pos == len) {
		return PM_ERR_PARSE;
	}
	uint64_t mag = 0;
	for (; pos < len; pos++) {
		if (text[pos] < '0' || text[pos] > '9') {
			return PM_ERR_PARSE;
		}
		mag = mag * 10 + (uint64_t)(text[pos] - '0');
		if (mag > (uint64_t)INT64_MAX + 1) {
			return PM_ERR_INVAL;
		}
	}
	if (!negative && mag > (uint64_t)INT64_MAX) {
		return PM_ERR_INVAL;
	}
	int64_t v = negative ? (int64_t)(0 - mag) : (int64_t)mag;
	if (v < min || v > max) {
		return PM_ERR_INVAL;
	}
	*out = v;
	return PM_OK;
}
