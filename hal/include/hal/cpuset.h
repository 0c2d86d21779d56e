/* A fixed-size CPU set (ids 0..PM_MAX_CPUS-1) shared by topology, affinity and recommendations;
 * header-only so that rt/ can use it without linking anything that touches the OS. */
#ifndef HAL_CPUSET_H
#define HAL_CPUSET_H

#include <stdbool.h>
#include <stdint.h>

#include "rt/limits.h"

#define HAL_CPUSET_WORDS (PM_MAX_CPUS / 64)

struct hal_cpuset {
	uint64_t bits[HAL_CPUSET_WORDS];
};

static inline void hal_cpuset_clear(struct hal_cpuset *s)
{
	for (unsigned i = 0; i < HAL_CPUSET_WORDS; i++) {
		s->bits[i] = 0;
	}
}

static inline bool hal_cpuset_add(struct hal_cpuset *s, uint32_t cpu)
{
	if (cpu >= PM_MAX_CPUS) {
		return false;
	}
	s->bits[cpu / 64] |= UINT64_C(1) << (cpu % 64);
	return true;
}

static inline bool hal_cpuset_has(const struct hal_cpuset *s, uint32_t cpu)
{
	return cpu < PM_MAX_CPUS && (s->bits[cpu / 64] & (UINT64_C(1) << (cpu % 64))) != 0;
}

static inline uint32_t hal_cpuset_count(const struct hal_cpuset *s)
{
	uint32_t n = 0;
	for (unsigned i = 0; i < HAL_CPUSET_WORDS; i++) {
		n += (uint32_t)__builtin_popcountll(s->bits[i]);
	}
	return n;
}

static inline bool hal_cpuset_empty(const struct hal_cpuset *s)
{
	return hal_cpuset_count(s) == 0;
}

static inline bool hal_cpuset_equal(const struct hal_cpuset *a, const struct hal_cpuset *b)
{
	for (unsigned i = 0; i < HAL_CPUSET_WORDS; i++) {
		if (a->bits[i] != b->bits[i]) {
			return false;
		}
	}
	return true;
}

#endif
