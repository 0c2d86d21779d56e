/* Allocator call counting for tests and benchmarks: link `pm_test_alloc_count` and every malloc,
 * calloc, realloc and free(non-NULL) of the program is counted through the linker's --wrap (libc's
 * internal calls too when linked statically, as in the musl builds). */
#ifndef TEST_ALLOC_COUNT_H
#define TEST_ALLOC_COUNT_H

#include <stdint.h>

/* Allocator calls since the program started. */
uint64_t test_alloc_calls(void);

#endif
