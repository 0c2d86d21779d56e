/* Allocation counter. With PICMON_ALLOC_COUNT (glibc, no sanitizer) it interposes the malloc family
 * and forwards to glibc's __libc_* entry points; otherwise it only reports that nothing is counted. */
#include "alloc_guard.h"

#include <stdatomic.h>
#include <stddef.h>

static _Atomic int frozen;

void app_alloc_guard_freeze(void)
{
	atomic_store(&frozen, 1);
}

void app_alloc_guard_thaw(void)
{
	atomic_store(&frozen, 0);
}

#ifdef PICMON_ALLOC_COUNT

static _Atomic int64_t counted;
static _Atomic uintptr_t first_caller;

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *ptr, size_t size);
void __libc_free(void *ptr);
void *__libc_memalign(size_t align, size_t size);

static void note(uintptr_t caller)
{
	if (atomic_load_explicit(&frozen, memory_order_relaxed)) {
		if (atomic_fetch_add(&counted, 1) == 0) {
			atomic_store(&first_caller, caller);
		}
	}
}

/* The interposed entry points must carry libc's names; they need no prototypes of their own. */
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
void *malloc(size_t size)
{
	note((uintptr_t)__builtin_return_address(0));
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	note((uintptr_t)__builtin_return_address(0));
	return __libc_calloc(n, size);
}

void *realloc(void *ptr, size_t size)
{
	note((uintptr_t)__builtin_return_address(0));
	return __libc_realloc(ptr, size);
}

void free(void *ptr)
{
	if (ptr != NULL) {
		note((uintptr_t)__builtin_return_address(0));
	}
	__libc_free(ptr);
}

void *aligned_alloc(size_t align, size_t size)
{
	note((uintptr_t)__builtin_return_address(0));
	return __libc_memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
	note((uintptr_t)__builtin_return_address(0));
	void *p = __libc_memalign(align, size);
	if (p == NULL) {
		return 12; /* ENOMEM */
	}
	*out = p;
	return 0;
}

int64_t app_alloc_guard_count(void)
{
	return atomic_load(&counted);
}

uintptr_t app_alloc_guard_first_caller(void)
{
	return atomic_load(&first_caller);
}

#else

int64_t app_alloc_guard_count(void)
{
	return -1;
}

uintptr_t app_alloc_guard_first_caller(void)
{
	return 0;
}

#endif
