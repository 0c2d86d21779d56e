/* Learned baselines across restarts: a little-endian blob with a CRC-32, keyed by resource type,
 * resource name and series, so that a 7-day learning period survives a reboot and a reordered
 * configuration. The caller stores the blob (with the journal). */
#include <assert.h>
#include <string.h>

#include "rt/byteorder.h"
#include "rt/crc32.h"
#include "rt/resmon.h"

#define BL_MAGIC 0x4c424d50u /* "PMBL" little-endian */
#define BL_VERSION 1u
#define BL_HEADER 16u
#define BL_SERIES_PATTERN 100u /* series ids >= this are pattern baselines (+ RT_PATTERN_*) */

/* strnlen is POSIX, not C11: the same, bounded by max. */
static size_t bounded_len(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n] != '\0') {
		n++;
	}
	return n;
}

static void put_f64(uint8_t *p, double d)
{
	uint64_t v;
	memcpy(&v, &d, sizeof(v));
	rt_put_le64(p, v);
}

static double get_f64(const uint8_t *p)
{
	uint64_t v = rt_get_le64(p);
	double d;
	memcpy(&d, &v, sizeof(d));
	return d;
}

static void put_entry(uint8_t *p, uint32_t type, uint32_t series, const char *name,
                      const struct rt_baseline *b)
{
	memset(p, 0, RT_BASELINE_ENTRY_SIZE);
	p[0] = (uint8_t)type;
	p[1] = (uint8_t)series;
	size_t len = bounded_len(name, PM_MAX_NAME - 1);
	memcpy(p + 4, name, len);
	rt_put_le64(p + 68, b->n);
	put_f64(p + 76, b->mean);
	put_f64(p + 84, b->var);
	put_f64(p + 92, b->m2);
	rt_put_le64(p + 100, (uint64_t)b->learned_ns);
	rt_put_le32(p + 108, b->learned);
}

_Static_assert(112 + 4 == RT_BASELINE_ENTRY_SIZE, "baseline entry layout");

static const struct rt_baseline *series_of(const struct rt_resource *r, uint32_t series)
{
	if (series < RT_MET_COUNT) {
		return &r->stat[series];
	}
	return &r->pattern[series - BL_SERIES_PATTERN].base;
}

pm_status rt_resmon_baseline_save(const struct rt_resmon *m, uint8_t *buf, size_t cap, size_t *len)
{
	if (m == NULL || buf == NULL || len == NULL) {
		return PM_ERR_INVAL;
	}
	size_t at = BL_HEADER;
	uint32_t count = 0;
	for (uint32_t t = 0; t < RT_RES_TYPE_COUNT; t++) {
		for (uint32_t i = 0; i < m->count[t]; i++) {
			const struct rt_resource *r = rt_resmon_get(m, (enum rt_resource_type)t, i);
			for (uint32_t k = 0; k < RT_MET_COUNT + 2; k++) {
				uint32_t series =
				    k < RT_MET_COUNT ? k : BL_SERIES_PATTERN + (k - RT_MET_COUNT);
				const struct rt_baseline *b = series_of(r, series);
				if (b->n == 0 && b->learned_ns == 0) {
					continue;
				}
				if (cap < at + RT_BASELINE_ENTRY_SIZE + 4) {
					return PM_ERR_NOSPACE;
				}
				put_entry(buf + at, t, series, r->name, b);
				at += RT_BASELINE_ENTRY_SIZE;
				count++;
			}
		}
	}
	if (cap < at + 4) {
		return PM_ERR_NOSPACE;
	}
	rt_put_le32(buf, BL_MAGIC);
	rt_put_le32(buf + 4, BL_VERSION);
	rt_put_le32(buf + 8, count);
	rt_put_le32(buf + 12, RT_BASELINE_ENTRY_SIZE);
	rt_put_le32(buf + at, rt_crc32(0, buf, at));
	*len = at + 4;
	return PM_OK;
}

pm_status rt_resmon_baseline_load(struct rt_resmon *m, const uint8_t *buf, size_t len, uint32_t *skipped)
{
	if (m == NULL || buf == NULL) {
		return PM_ERR_INVAL;
	}
	if (!m->started) {
		return PM_ERR_STATE;
	}
	if (len < BL_HEADER + 4 || rt_get_le32(buf) != BL_MAGIC || rt_get_le32(buf + 4) != BL_VERSION ||
	    rt_get_le32(buf + 12) != RT_BASELINE_ENTRY_SIZE) {
		return PM_ERR_CORRUPT;
	}
	uint32_t count = rt_get_le32(buf + 8);
	if (count > (len - BL_HEADER - 4) / RT_BASELINE_ENTRY_SIZE ||
	    len != BL_HEADER + (size_t)count * RT_BASELINE_ENTRY_SIZE + 4) {
		return PM_ERR_CORRUPT;
	}
	if (rt_crc32(0, buf, len - 4) != rt_get_le32(buf + len - 4)) {
		return PM_ERR_CORRUPT;
	}
	/* Validate everything before restoring anything: a bad entry leaves the monitor untouched. */
	for (uint32_t e = 0; e < count; e++) {
		const uint8_t *p = buf + BL_HEADER + (size_t)e * RT_BASELINE_ENTRY_SIZE;
		uint32_t series = p[1];
		bool series_ok = series < RT_MET_COUNT ||
		                 series == BL_SERIES_PATTERN + RT_PATTERN_TRANSITIONS ||
		                 series == BL_SERIES_PATTERN + RT_PATTERN_ERRORS;
		double var = get_f64(p + 84);
		if (p[0] >= RT_RES_TYPE_COUNT || !series_ok || memchr(p + 4, '\0', PM_MAX_NAME) == NULL ||
		    !(var >= 0.0) || get_f64(p + 76) != get_f64(p + 76) || rt_get_le32(p + 108) > 1) {
			return PM_ERR_CORRUPT;
		}
	}
	uint32_t skip = 0;
	for (uint32_t e = 0; e < count; e++) {
		const uint8_t *p = buf + BL_HEADER + (size_t)e * RT_BASELINE_ENTRY_SIZE;
		uint32_t idx;
		if (rt_resmon_find(m, (enum rt_resource_type)p[0], (const char *)(p + 4), &idx) != PM_OK) {
			skip++;
			continue;
		}
		const struct rt_resource *cr = rt_resmon_get(m, (enum rt_resource_type)p[0], idx);
		struct rt_resource *r = NULL;
		switch (p[0]) {
		case RT_RES_SCENARIO:
			r = &m->scenarios[idx];
			break;
		case RT_RES_PACKAGE:
			r = &m->packages[idx];
			break;
		case RT_RES_MODEL:
			r = &m->models[idx];
			break;
		default:
			r = &m->nodes[idx];
			break;
		}
		assert(r == cr);
		(void)cr;
		uint32_t series = p[1];
		struct rt_baseline *b =
		    series < RT_MET_COUNT ? &r->stat[series] : &r->pattern[series - BL_SERIES_PATTERN].base;
		b->n = rt_get_le64(p + 68);
		b->mean = get_f64(p + 76);
		b->var = get_f64(p + 84);
		b->m2 = get_f64(p + 92);
		b->learned_ns = (pm_ns)rt_get_le64(p + 100);
		b->learned = rt_get_le32(p + 108);
		b->last_ns = 0; /* monotonic time of the previous run means nothing in this one */
	}
	if (skipped != NULL) {
		*skipped = skip;
	}
	return PM_OK;
}
