/* Fuzz target: the monitor reads a shared-memory segment written by processes it does not trust.
 * Any bytes laid over a valid segment (header, owner words, ring indices, seqlocks, records) must be
 * judged without a crash, an out-of-bounds access or an unbounded loop. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rt/shm_layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct rt_shm_segment *seg;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (seg == NULL) {
		seg = malloc(sizeof(*seg));
		if (seg == NULL) {
			return 0;
		}
	}
	static const char *const models[] = { "vision-system", "web-server" };
	if (rt_shm_segment_init(seg, 7, 1, 1, models, NULL, 2) != PM_OK) {
		abort();
	}
	rt_shm_segment_publish(seg);
	/* The input is a list of (offset, bytes) patches: 4-byte offset, 1-byte length, payload. */
	size_t pos = 0;
	for (int patch = 0; patch < 64 && pos + 5 <= size; patch++) {
		uint32_t off;
		memcpy(&off, data + pos, sizeof(off));
		size_t len = data[pos + 4];
		pos += 5;
		if (len > size - pos) {
			len = size - pos;
		}
		off %= (uint32_t)sizeof(*seg);
		if (len > sizeof(*seg) - off) {
			len = sizeof(*seg) - off;
		}
		memcpy((uint8_t *)seg + off, data + pos, len);
		pos += len;
	}
	(void)rt_shm_header_check(&seg->header, sizeof(*seg));
	(void)rt_shm_find_slot(seg, "vision-system");
	for (uint32_t i = 0; i < 3; i++) {
		struct rt_shm_slot *slot = &seg->slots[i];
		struct rt_job_record rec;
		for (int k = 0; k < PM_JOB_RING_SIZE + 2; k++) {
			if (rt_shm_slot_consume(slot, &rec) == PM_ERR_AGAIN) {
				break;
			}
		}
		struct rt_job_inflight in;
		(void)rt_shm_slot_inflight(slot, &in);
		(void)rt_shm_slot_torn(slot);
		double v = 0;
		(void)rt_shm_slot_metric(slot, RT_SHM_METRIC_LATENCY, &v, NULL);
		struct rt_shm_owner o;
		rt_shm_slot_owner(slot, &o);
		enum rt_shm_owner_verdict verdict =
		    rt_shm_owner_judge(&o, seg->header.epoch, PM_OK, o.starttime);
		if (verdict != RT_SHM_OWNER_NONE && verdict != RT_SHM_OWNER_BUSY) {
			(void)rt_shm_slot_reclaim(slot, &o);
		}
	}
	return 0;
}
