/* The --wrap allocator functions behind test_alloc_calls (tests/support/alloc_count.h). */
#include "alloc_count.h"

#include <stddef.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t a, size_t b);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t a, size_t b);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

static volatile uint64_t g_calls;

uint64_t test_alloc_calls(void)
{
	return g_calls;
}

void *__wrap_malloc(size_t n)
{
	g_calls++;
	return __real_malloc(n);
}

void *__wrap_calloc(size_t a, size_t b)
{
	g_calls++;
	return __real_calloc(a, b);
}

void *__wrap_realloc(void *p, size_t n)
{
	g_calls++;
	return __real_realloc(p, n);
}

void __wrap_free(void *p)
{
	if (p != NULL) {
		g_calls++;
	}
	__real_free(p);
}
