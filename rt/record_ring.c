/* SPSC record ring: acquire/release on head and tail, slots owned by one side at a time. */
#include "rt/record_ring.h"

#include <assert.h>
#include <string.h>

#define RING_MASK ((uint64_t)PM_RECORD_RING_SIZE - 1u)

void rt_record_ring_init(struct rt_record_ring *ring)
{
	assert(ring != NULL);
	atomic_init(&ring->head, 0);
	atomic_init(&ring->tail, 0);
	ring->pending_gap = 0;
	atomic_init(&ring->dropped_total, 0);
}

bool rt_record_ring_push(struct rt_record_ring *ring, const struct rt_record *rec)
{
	uint64_t head = atomic_load_explicit(&ring->head, memory_order_relaxed);
	uint64_t tail = atomic_load_explicit(&ring->tail, memory_order_acquire);
	if (head - tail >= (uint64_t)PM_RECORD_RING_SIZE) {
		if (ring->pending_gap < UINT32_MAX) {
			ring->pending_gap++;
		}
		atomic_fetch_add_explicit(&ring->dropped_total, 1, memory_order_relaxed);
		return false;
	}
	struct rt_record *slot = &ring->slots[head & RING_MASK];
	memcpy(slot, rec, sizeof(*slot));
	slot->gap = ring->pending_gap;
	ring->pending_gap = 0;
	atomic_store_explicit(&ring->head, head + 1, memory_order_release);
	return true;
}

bool rt_record_ring_pop(struct rt_record_ring *ring, struct rt_record *out)
{
	uint64_t tail = atomic_load_explicit(&ring->tail, memory_order_relaxed);
	uint64_t head = atomic_load_explicit(&ring->head, memory_order_acquire);
	if (tail == head) {
		return false;
	}
	assert(head - tail <= (uint64_t)PM_RECORD_RING_SIZE);
	memcpy(out, &ring->slots[tail & RING_MASK], sizeof(*out));
	atomic_store_explicit(&ring->tail, tail + 1, memory_order_release);
	return true;
}

uint64_t rt_record_ring_count(const struct rt_record_ring *ring)
{
	uint64_t head = atomic_load_explicit(&ring->head, memory_order_acquire);
	uint64_t tail = atomic_load_explicit(&ring->tail, memory_order_acquire);
	return head - tail;
}

uint64_t rt_record_ring_dropped(const struct rt_record_ring *ring)
{
	return atomic_load_explicit(&ring->dropped_total, memory_order_relaxed);
}
