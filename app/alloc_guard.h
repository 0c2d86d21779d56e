/* Proof of "no allocation after freeze": in a PICMON_ALLOC_COUNT build every malloc-family call of the
 * process (libc's own included) is counted once `app_alloc_guard_freeze()` has been called. */
#ifndef APP_ALLOC_GUARD_H
#define APP_ALLOC_GUARD_H

#include <stdint.h>

/* Marks the end of init: calls from now on are counted. */
void app_alloc_guard_freeze(void);

/* Ends counting (orderly shutdown may free again). */
void app_alloc_guard_thaw(void);

/* Allocator calls counted while frozen, or -1 when this build does not count. */
int64_t app_alloc_guard_count(void);

/* Return address of the first counted call (0 if none): where to look when the count is not 0. */
uintptr_t app_alloc_guard_first_caller(void);

#endif
