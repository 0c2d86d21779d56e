/* Processes per user for `picmon top`'s "Users:" line: the uids of a snapshot counted in a
 * caller-provided open-addressing table (O(n) per frame, whatever the number of users), and the few
 * users with the most processes. */
#ifndef RT_USER_TALLY_H
#define RT_USER_TALLY_H

#include <stdint.h>

#include "hal/status.h"
#include "rt/limits.h"

#define RT_USER_TOP_MAX 8
/* Scratch slots that always suffice for a snapshot of the process table (a power of two >= 2n). */
#define RT_USER_SCRATCH (2u * PM_MAX_PROCESSES)

struct rt_user_count {
	uint32_t uid;
	uint32_t procs; /* 0: an empty scratch slot */
};

struct rt_user_tally {
	struct rt_user_count top[RT_USER_TOP_MAX]; /* most processes first; ties by ascending uid */
	uint32_t ntop;                             /* min(k, users) */
	uint32_t users;                            /* distinct uids */
	uint32_t procs;                            /* n */
};

/* Counts the n uids. `scratch` holds `cap` slots, cap a power of two and at least 2n (PM_ERR_INVAL
 * otherwise, and for k > RT_USER_TOP_MAX); its contents on return are the per-uid counts in no
 * order. */
pm_status rt_user_tally(const uint32_t *uids, uint32_t n, struct rt_user_count *scratch, uint32_t cap,
                        uint32_t k, struct rt_user_tally *out);

#endif
