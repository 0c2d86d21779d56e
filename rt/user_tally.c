/* Per-user process counts (rt/user_tally.h). */
#include "rt/user_tally.h"

#include <stddef.h>
#include <string.h>

_Static_assert((RT_USER_SCRATCH & (RT_USER_SCRATCH - 1u)) == 0, "RT_USER_SCRATCH not a power of two");

/* a ranks before b: more processes, then the smaller uid. */
static int ranks_before(const struct rt_user_count *a, const struct rt_user_count *b)
{
	return a->procs > b->procs || (a->procs == b->procs && a->uid < b->uid);
}

pm_status rt_user_tally(const uint32_t *uids, uint32_t n, struct rt_user_count *scratch, uint32_t cap,
                        uint32_t k, struct rt_user_tally *out)
{
	if (out == NULL || scratch == NULL || (uids == NULL && n > 0) || k > RT_USER_TOP_MAX || cap < 2 ||
	    (cap & (cap - 1u)) != 0 || cap / 2u < n) {
		return PM_ERR_INVAL;
	}
	uint32_t bits = 0;
	while ((1u << bits) < cap) {
		bits++;
	}
	memset(scratch, 0, (size_t)cap * sizeof(scratch[0]));
	memset(out, 0, sizeof(*out));
	out->procs = n;
	const uint32_t mask = cap - 1u;
	for (uint32_t i = 0; i < n; i++) {
		/* Fibonacci hashing: the high bits of the product spread uids that differ only in their
		 * high bits (user-namespace ranges) as well as consecutive ones. */
		uint32_t h = (uint32_t)(((uint64_t)uids[i] * 2654435769u) & 0xffffffffu) >> (32u - bits);
		/* At most cap probes; the table is at most half full, so an empty slot comes first. */
		for (uint32_t probe = 0; probe < cap; probe++) {
			struct rt_user_count *s = &scratch[(h + probe) & mask];
			if (s->procs == 0) {
				s->uid = uids[i];
				s->procs = 1;
				out->users++;
				break;
			}
			if (s->uid == uids[i]) {
				s->procs++;
				break;
			}
		}
	}
	for (uint32_t j = 0; j < cap && k > 0; j++) {
		const struct rt_user_count *s = &scratch[j];
		if (s->procs == 0) {
			continue;
		}
		if (out->ntop == k && !ranks_before(s, &out->top[k - 1u])) {
			continue;
		}
		uint32_t pos = out->ntop < k ? out->ntop++ : k - 1u;
		while (pos > 0 && ranks_before(s, &out->top[pos - 1u])) {
			out->top[pos] = out->top[pos - 1u];
			pos--;
		}
		out->top[pos] = *s;
	}
	return PM_OK;
}
