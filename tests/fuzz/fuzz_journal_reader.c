/* Fuzz target: the journal reader over an arbitrary segment image: framing, CRC, resynchronisation
 * after corruption, torn tails, and decoding each complete record through the fixed arena. */
#include <stdint.h>
#include <string.h>

#include "journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	struct app_pb_arena arena;
	uint64_t records;
	uint64_t bytes;
};

static int on_record(void *vctx, uint64_t seq, const uint8_t *payload, size_t len)
{
	struct ctx *c = vctx;
	struct rt_record rec;
	(void)seq;
	c->records++;
	c->bytes += len + APP_JOURNAL_FRAME_HDR;
	(void)app_record_unpack(payload, len, &c->arena, &rec);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ctx c;
	memset(&c, 0, sizeof(c));
	app_pb_arena_init(&c.arena);
	uint64_t torn = 0, corrupt = 0;
	pm_status st = app_journal_scan_buffer(data, size, on_record, &c, &torn, &corrupt);
	/* Every byte is accounted for: magic + records + skipped. */
	if (st == PM_OK && APP_JOURNAL_MAGIC_LEN + c.bytes + torn + corrupt != size) {
		__builtin_trap();
	}
	return 0;
}
