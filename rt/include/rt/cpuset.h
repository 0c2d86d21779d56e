/* A fixed-size set of CPU ids 0..PM_MAX_CPUS-1: Model affinities, thread pinning and per-CPU analysis
 * use it instead of cpu_set_t so that rt/ stays free of <sched.h> and sizes stay compile-time. */
#ifndef RT_CPUSET_H
#define RT_CPUSET_H

#include <stdbool.h>
#include <stdint.h>

#include "rt/limits.h"

#define RT_CPUSET_WORDS (PM_MAX_CPUS / 64)
_Static_assert(PM_MAX_CPUS % 64 == 0, "PM_MAX_CPUS must be a multiple of 64");

struct rt_cpu_set {
	uint64_t words[RT_CPUSET_WORDS];
};

static inline void rt_cpu_set_clear(struct rt_cpu_set *set)
{
	for (unsigned i = 0; i < RT_CPUSET_WORDS; i++) {
		set->words[i] = 0;
	}
}

/* Returns false (and leaves the set alone) when cpu is out of range. */
static inline bool rt_cpu_set_add(struct rt_cpu_set *set, uint32_t cpu)
{
	if (cpu >= PM_MAX_CPUS) {
		return false;
	}
	set->words[cpu / 64] |= UINT64_C(1) << (cpu % 64);
	return true;
}

static inline bool rt_cpu_set_has(const struct rt_cpu_set *set, uint32_t cpu)
{
	return cpu < PM_MAX_CPUS && (set->words[cpu / 64] & (UINT64_C(1) << (cpu % 64))) != 0;
}

static inline uint32_t rt_cpu_set_count(const struct rt_cpu_set *set)
{
	uint32_t n = 0;
	for (unsigned i = 0; i < RT_CPUSET_WORDS; i++) {
		n += (uint32_t)__builtin_popcountll(set->words[i]);
	}
	return n;
}

static inline bool rt_cpu_set_empty(const struct rt_cpu_set *set)
{
	return rt_cpu_set_count(set) == 0;
}

static inline bool rt_cpu_set_equal(const struct rt_cpu_set *a, const struct rt_cpu_set *b)
{
	for (unsigned i = 0; i < RT_CPUSET_WORDS; i++) {
		if (a->words[i] != b->words[i]) {
			return false;
		}
	}
	return true;
}

#endif
