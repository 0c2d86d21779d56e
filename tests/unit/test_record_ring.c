/* Unit tests of the SPSC record ring: order, full-ring drops carried as a gap, and a two-thread run. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt/record_ring.h"

static struct rt_record_ring ring;

static struct rt_record make(uint64_t n)
{
	struct rt_record rec;
	memset(&rec, 0, sizeof(rec));
	rec.kind = RT_REC_EVENT;
	rec.mono_ns = (pm_ns)n;
	return rec;
}

static void test_fifo_order(void **state)
{
	(void)state;
	rt_record_ring_init(&ring);
	struct rt_record out;
	assert_false(rt_record_ring_pop(&ring, &out));
	for (uint64_t i = 0; i < 10; i++) {
		struct rt_record rec = make(i);
		assert_true(rt_record_ring_push(&ring, &rec));
	}
	assert_int_equal(rt_record_ring_count(&ring), 10);
	for (uint64_t i = 0; i < 10; i++) {
		assert_true(rt_record_ring_pop(&ring, &out));
		assert_int_equal(out.mono_ns, (pm_ns)i);
		assert_int_equal(out.gap, 0);
	}
	assert_false(rt_record_ring_pop(&ring, &out));
}

static void test_full_ring_counts_drops_and_reports_gap(void **state)
{
	(void)state;
	rt_record_ring_init(&ring);
	for (uint64_t i = 0; i < PM_RECORD_RING_SIZE; i++) {
		struct rt_record rec = make(i);
		assert_true(rt_record_ring_push(&ring, &rec));
	}
	for (uint64_t i = 0; i < 5; i++) {
		struct rt_record rec = make(1000000 + i);
		assert_false(rt_record_ring_push(&ring, &rec));
	}
	assert_int_equal(rt_record_ring_dropped(&ring), 5);
	struct rt_record out;
	assert_true(rt_record_ring_pop(&ring, &out));
	struct rt_record next = make(42);
	assert_true(rt_record_ring_push(&ring, &next));
	/* drain: the last record carries the 5 drops before it */
	struct rt_record last;
	uint64_t popped = 1;
	while (rt_record_ring_pop(&ring, &out)) {
		last = out;
		popped++;
	}
	assert_int_equal(popped, PM_RECORD_RING_SIZE + 1);
	assert_int_equal(last.mono_ns, 42);
	assert_int_equal(last.gap, 5);
}

#define THREADED_COUNT 200000u

static _Atomic int producer_done;

static void *producer(void *arg)
{
	(void)arg;
	for (uint64_t i = 0; i < THREADED_COUNT; i++) {
		struct rt_record rec = make(i);
		rt_record_ring_push(&ring, &rec);
	}
	atomic_store(&producer_done, 1);
	return NULL;
}

static void test_two_threads_lose_nothing_silently(void **state)
{
	(void)state;
	rt_record_ring_init(&ring);
	atomic_store(&producer_done, 0);
	pthread_t tid;
	assert_int_equal(pthread_create(&tid, NULL, producer, NULL), 0);
	uint64_t received = 0;
	uint64_t gaps = 0;
	pm_ns last = -1;
	struct rt_record out;
	/* Bounded by the producer: once it is done and the ring is empty, nothing more can come. */
	for (;;) {
		int done = atomic_load(&producer_done);
		if (rt_record_ring_pop(&ring, &out)) {
			/* order is preserved and every gap in the numbers is announced exactly */
			assert_true(out.mono_ns > last);
			assert_int_equal((uint64_t)(out.mono_ns - last - 1), out.gap);
			gaps += out.gap;
			last = out.mono_ns;
			received++;
		} else if (done) {
			break;
		}
	}
	assert_int_equal(pthread_join(tid, NULL), 0);
	while (rt_record_ring_pop(&ring, &out)) {
		gaps += out.gap;
		received++;
	}
	/* drops after the last pushed record have no later record to carry them: still counted */
	assert_int_equal(received + rt_record_ring_dropped(&ring), THREADED_COUNT);
	assert_true(gaps <= rt_record_ring_dropped(&ring)); /* every announced gap was a counted drop */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo_order),
		cmocka_unit_test(test_full_ring_counts_drops_and_reports_gap),
		cmocka_unit_test(test_two_threads_lose_nothing_silently),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
