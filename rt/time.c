/* Duration parsing and formatting: the single place where text becomes nanoseconds. */
#include "rt/time.h"

#include <assert.h>
#include <stdbool.h>
#include <string.h>

struct duration_unit {
	const char *name;
	pm_ns scale;
};

/* Ordered largest first so that formatting picks the largest exact unit. */
static const struct duration_unit duration_units[] = {
	{ "d", PM_NS_PER_DAY },
	{ "h", PM_NS_PER_HOUR },
	{ "m", PM_NS_PER_MIN },
	{ "s", PM_NS_PER_S },
	{ "ms", PM_NS_PER_MS },
	{ "us", PM_NS_PER_US },
	{ "ns", 1 },
};
#define DURATION_UNIT_COUNT (sizeof(duration_units) / sizeof(duration_units[0]))

static const struct duration_unit *find_unit(const char *text, size_t len)
{
	for (size_t i = 0; i < DURATION_UNIT_COUNT; i++) {
		if (strlen(duration_units[i].name) == len && memcmp(duration_units[i].name, text, len) == 0) {
			return &duration_units[i];
		}
	}
	return NULL;
}

pm_status rt_duration_parse(const char *text, size_t len, pm_ns *out)
{
	if (text == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	size_t pos = 0;
	uint64_t whole = 0;
	size_t whole_digits = 0;
	while (pos < len && text[pos] >= '0' && text[pos] <= '9') {
		if (whole > (UINT64_MAX - 9) / 10) {
			return PM_ERR_INVAL;
		}
		whole = whole * 10 + (uint64_t)(text[pos] - '0');
		pos++;
		whole_digits++;
	}
	/* Fraction kept as numerator/denominator so that 1.5ms is exact. At most 9 digits: any more
	 * could not be a whole number of nanoseconds for the smallest unit that allows a fraction. */
	uint64_t frac = 0;
	uint64_t frac_den = 1;
	size_t frac_digits = 0;
	if (pos < len && text[pos] == '.') {
		pos++;
		while (pos < len && text[pos] >= '0' && text[pos] <= '9') {
			if (frac_digits == 9) {
				return PM_ERR_PARSE;
			}
			frac = frac * 10 + (uint64_t)(text[pos] - '0');
			frac_den *= 10;
			pos++;
			frac_digits++;
		}
		if (frac_digits == 0) {
			return PM_ERR_PARSE;
		}
	}
	if (whole_digits == 0) {
		return PM_ERR_PARSE;
	}
	const struct duration_unit *unit = find_unit(text + pos, len - pos);
	if (unit == NULL) {
		return PM_ERR_PARSE;
	}
	uint64_t scale = (uint64_t)unit->scale;
	if (whole > (uint64_t)INT64_MAX / scale) {
		return PM_ERR_INVAL;
	}
	uint64_t ns = whole * scale;
	if (frac_digits > 0) {
		/* scale <= 86400e9 and frac < 1e9: the product fits in 64 bits only after splitting. */
		uint64_t hi = (scale / frac_den) * frac;
		uint64_t rem = (scale % frac_den) * frac;
		if (rem % frac_den != 0) {
			return PM_ERR_INVAL; /* finer than a nanosecond */
		}
		uint64_t add = hi + rem / frac_den;
		if (add > (uint64_t)INT64_MAX - ns) {
			return PM_ERR_INVAL;
		}
		ns += add;
	}
	*out = (pm_ns)ns;
	return PM_OK;
}

static size_t append_u64(char *buf, size_t cap, size_t at, uint64_t value)
{
	char digits[20];
	size_t n = 0;
	do {
		assert(n < sizeof(digits));
		digits[n++] = (char)('0' + (value % 10));
		value /= 10;
	} while (value != 0);
	for (size_t i = 0; i < n; i++) {
		if (at + 1 >= cap) {
			return SIZE_MAX;
		}
		buf[at++] = digits[n - 1 - i];
	}
	return at;
}

pm_status rt_duration_format(pm_ns ns, char *buf, size_t cap)
{
	if (buf == NULL || cap == 0) {
		return PM_ERR_INVAL;
	}
	buf[0] = '\0';
	bool negative = ns < 0;
	/* Magnitude in unsigned arithmetic so INT64_MIN has one. */
	uint64_t mag = negative ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	const struct duration_unit *unit = &duration_units[DURATION_UNIT_COUNT - 1];
	if (mag == 0) {
		unit = &duration_units[3]; /* "0s" reads better than "0d" */
	} else {
		for (size_t i = 0; i < DURATION_UNIT_COUNT; i++) {
			if (mag % (uint64_t)duration_units[i].scale == 0) {
				unit = &duration_units[i];
				break;
			}
		}
	}
	size_t at = 0;
	if (negative) {
		if (cap < 2) {
			return PM_ERR_NOSPACE;
		}
		buf[at++] = '-';
	}
	at = append_u64(buf, cap, at, mag / (uint64_t)unit->scale);
	size_t unit_len = strlen(unit->name);
	if (at == SIZE_MAX || at + unit_len >= cap) {
		buf[0] = '\0';
		return PM_ERR_NOSPACE;
	}
	memcpy(buf + at, unit->name, unit_len);
	buf[at + unit_len] = '\0';
	return PM_OK;
}

double rt_ns_to_ms(pm_ns ns)
{
	return (double)ns / (double)PM_NS_PER_MS;
}

pm_ns rt_ns_add_sat(pm_ns a, pm_ns b)
{
	if (b > 0 && a > INT64_MAX - b) {
		return INT64_MAX;
	}
	if (b < 0 && a < INT64_MIN - b) {
		return INT64_MIN;
	}
	return a + b;
}
