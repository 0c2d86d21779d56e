/* Bounded single-producer/single-consumer ring of rt_record, the only path records take out of an RT
 * thread. The producer never blocks: a full ring counts the drop and the next record that fits
 * carries the number dropped before it in `gap`. C11 atomics, no locks, no allocation. */
#ifndef RT_RECORD_RING_H
#define RT_RECORD_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "rt/limits.h"
#include "rt/record.h"

struct rt_record_ring {
	_Alignas(64) _Atomic uint64_t head; /* next slot the producer writes */
	_Alignas(64) _Atomic uint64_t tail; /* next slot the consumer reads */
	_Alignas(64) uint32_t pending_gap;  /* producer-only: drops not yet reported in a record */
	_Atomic uint64_t dropped_total;     /* all drops since init (any thread may read) */
	struct rt_record slots[PM_RECORD_RING_SIZE];
};

void rt_record_ring_init(struct rt_record_ring *ring);

/* Producer side. Copies `rec` in (its `gap` field is overwritten). Returns false when the ring was
 * full and the record was dropped (counted). */
bool rt_record_ring_push(struct rt_record_ring *ring, const struct rt_record *rec);

/* Consumer side. Copies the oldest record out; false when empty. */
bool rt_record_ring_pop(struct rt_record_ring *ring, struct rt_record *out);

/* Records currently queued (approximate when read concurrently). */
uint64_t rt_record_ring_count(const struct rt_record_ring *ring);

uint64_t rt_record_ring_dropped(const struct rt_record_ring *ring);

#endif
