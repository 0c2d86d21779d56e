/* Unit tests of the journal: framing/CRC, round trip of every record kind through segments, torn tail
 * and corruption handling, metric coalescing, size bound with segment deletion, restart continuity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "journal.h"
#include "rt/crc32.h"

static struct app_writer writer;
static struct app_journal_reader reader;
static struct rt_record_ring ring;

static void make_dir(char *dir, size_t cap)
{
	(void)snprintf(dir, cap, "/tmp/pm_test_journal_XXXXXX");
	assert_non_null(mkdtemp(dir));
}

static void remove_dir(const char *dir)
{
	char cmd[512];
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static struct rt_record make_rec(uint32_t kind, const char *res, int i)
{
	struct rt_record r;
	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.resource_type = RT_RES_MODEL;
	r.mono_ns = 1000 + i;
	r.real_ns = 1700000000000000000LL + i * 1000;
	(void)snprintf(r.resource, sizeof(r.resource), "%s", res);
	switch (kind) {
	case RT_REC_METRIC:
		(void)snprintf(r.u.metric.name, sizeof(r.u.metric.name), "cpuUsage");
		r.u.metric.value = i * 0.5;
		break;
	case RT_REC_STATE:
		(void)snprintf(r.u.state.from, sizeof(r.u.state.from), "Running");
		(void)snprintf(r.u.state.to, sizeof(r.u.state.to), "Degraded");
		r.u.state.duration_ns = 123;
		r.u.state.expected = 1;
		(void)snprintf(r.u.state.reason, sizeof(r.u.state.reason), "deadline miss %d", i);
		break;
	case RT_REC_EVENT:
		(void)snprintf(r.u.event.type, sizeof(r.u.event.type), "alert");
		r.u.event.severity = RT_SEV_WARNING;
		(void)snprintf(r.u.event.message, sizeof(r.u.event.message), "event %d", i);
		break;
	default:
		r.u.violation.constraint = RT_CONSTRAINT_DEADLINE;
		r.u.violation.job_seq = (uint64_t)i;
		r.u.violation.observed_ns = 5000;
		r.u.violation.limit_ns = 4000;
		r.u.violation.detect_delay_ns = 10;
		break;
	}
	return r;
}

static void init_writer(const char *dir, uint64_t max_bytes)
{
	struct app_writer_params p;
	app_writer_params_default(&p);
	(void)snprintf(p.journal_dir, sizeof(p.journal_dir), "%s", dir);
	p.max_bytes = max_bytes;
	rt_record_ring_init(&ring);
	p.rings[0] = &ring;
	p.ring_count = 1;
	assert_int_equal(app_writer_init(&writer, &p), PM_OK);
}

/* Reads the whole journal; returns the number of records and checks they are dense from `first`. */
static uint64_t read_all(const char *dir, uint64_t first, struct rt_record *out, size_t cap)
{
	static struct app_pb_arena arena;
	app_pb_arena_init(&arena);
	assert_int_equal(app_journal_reader_open(&reader, dir, first, false), PM_OK);
	uint64_t n = 0;
	uint8_t payload[APP_JOURNAL_MAX_PAYLOAD];
	for (;;) {
		uint64_t seq;
		size_t len;
		pm_status st = app_journal_reader_next(&reader, &seq, payload, sizeof(payload), &len);
		if (st == PM_ERR_AGAIN) {
			break;
		}
		assert_int_equal(st, PM_OK);
		assert_int_equal(seq, first + n);
		if (out != NULL && n < cap) {
			assert_int_equal(app_record_unpack(payload, len, &arena, &out[n]), PM_OK);
			assert_int_equal(out[n].seq, seq);
		}
		n++;
	}
	app_journal_reader_close(&reader);
	return n;
}

static void test_crc32(void **state)
{
	(void)state;
	assert_int_equal(rt_crc32(0, "123456789", 9), 0xCBF43926u);
}

static void test_frame(void **state)
{
	(void)state;
	uint8_t payload[5] = { 1, 2, 3, 4, 5 };
	uint8_t buf[64];
	size_t n = app_journal_frame(7, payload, sizeof(payload), buf, sizeof(buf));
	assert_int_equal(n, APP_JOURNAL_FRAME_HDR + 5);
	uint64_t seq;
	const uint8_t *p;
	size_t plen, flen;
	assert_int_equal(app_journal_frame_check(buf, n, &seq, &p, &plen, &flen), PM_OK);
	assert_int_equal(seq, 7);
	assert_int_equal(plen, 5);
	assert_int_equal(app_journal_frame_check(buf, n - 1, &seq, &p, &plen, &flen), PM_ERR_AGAIN);
	buf[n - 1] ^= 1;
	assert_int_equal(app_journal_frame_check(buf, n, &seq, &p, &plen, &flen), PM_ERR_CORRUPT);
}

static void test_round_trip_every_kind(void **state)
{
	(void)state;
	char dir[64];
	make_dir(dir, sizeof(dir));
	init_writer(dir, 1u << 20);
	struct rt_record in[4];
	in[0] = make_rec(RT_REC_STATE, "m1", 1);
	in[1] = make_rec(RT_REC_EVENT, "m1", 2);
	in[2] = make_rec(RT_REC_VIOLATION, "m1", 3);
	in[3] = make_rec(RT_REC_METRIC, "m1", 4);
	for (int i = 0; i < 4; i++) {
		assert_true(rt_record_ring_push(&ring, &in[i]));
	}
	/* The metric interval has passed at now = 2 s: the metric is journaled after the others. */
	assert_int_equal(app_writer_step(&writer, 2 * PM_NS_PER_S), PM_OK);
	assert_int_equal(app_writer_close(&writer, 2 * PM_NS_PER_S), PM_OK);
	struct rt_record out[8];
	assert_int_equal(read_all(dir, 1, out, 8), 4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(out[i].kind, in[i].kind);
		assert_string_equal(out[i].resource, "m1");
		assert_int_equal(out[i].real_ns, in[i].real_ns);
	}
	assert_string_equal(out[0].u.state.to, "Degraded");
	assert_string_equal(out[0].u.state.reason, "deadline miss 1");
	assert_string_equal(out[1].u.event.message, "event 2");
	assert_int_equal(out[2].u.violation.observed_ns, 5000);
	assert_true(out[3].u.metric.value == 2.0);
	remove_dir(dir);
}

static void test_coalescing(void **state)
{
	(void)state;
	char dir[64];
	make_dir(dir, sizeof(dir));
	init_writer(dir, 1u << 20);
	for (int i = 0; i < 100; i++) {
		struct rt_record m = make_rec(RT_REC_METRIC, i % 2 ? "a" : "b", i);
		assert_true(rt_record_ring_push(&ring, &m));
	}
	/* Before the interval: nothing journaled. */
	assert_int_equal(app_writer_step(&writer, 0), PM_OK);
	struct app_writer_counters c;
	app_writer_get_counters(&writer, &c);
	assert_int_equal(c.records_journaled, 0);
	assert_int_equal(app_writer_step(&writer, PM_NS_PER_S), PM_OK);
	app_writer_get_counters(&writer, &c);
	assert_int_equal(c.metrics_journaled, 2);
	assert_int_equal(c.metrics_coalesced, 98);
	assert_int_equal(app_writer_close(&writer, PM_NS_PER_S), PM_OK);
	struct rt_record out[4];
	assert_int_equal(read_all(dir, 1, out, 4), 2);
	/* Latest wins: 99 for "a", 98 for "b". */
	for (int i = 0; i < 2; i++) {
		double want = strcmp(out[i].resource, "a") == 0 ? 49.5 : 49.0;
		assert_true(out[i].u.metric.value == want);
	}
	remove_dir(dir);
}

static void test_torn_tail_and_restart(void **state)
{
	(void)state;
	char dir[64];
	make_dir(dir, sizeof(dir));
	init_writer(dir, 1u << 20);
	for (int i = 0; i < 10; i++) {
		struct rt_record e = make_rec(RT_REC_EVENT, "m", i);
		assert_int_equal(app_writer_append(&writer, &e, 0), PM_OK);
	}
	assert_int_equal(app_writer_close(&writer, 0), PM_OK);
	/* Tear the last record in half, as a crash in the middle of a write would. */
	char path[256];
	assert_int_equal(app_journal_seg_path(dir, 1, path, sizeof(path)), PM_OK);
	FILE *f = fopen(path, "r+");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long size = ftell(f);
	assert_int_equal(ftruncate(fileno(f), size - 7), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(read_all(dir, 1, NULL, 0), 9);
	assert_true(reader.torn_bytes > 0);
	/* A restarted writer continues after the last complete record, in a new segment. */
	init_writer(dir, 1u << 20);
	struct rt_record e = make_rec(RT_REC_EVENT, "m", 99);
	assert_int_equal(app_writer_append(&writer, &e, 0), PM_OK);
	assert_int_equal(app_writer_close(&writer, 0), PM_OK);
	assert_int_equal(read_all(dir, 1, NULL, 0), 10);
	assert_int_equal(reader.seq_gaps, 0);
	remove_dir(dir);
}

static int count_cb(void *ctx, uint64_t seq, const uint8_t *payload, size_t len)
{
	(void)seq;
	(void)payload;
	(void)len;
	(*(int *)ctx)++;
	return 0;
}

static void test_corruption_in_the_middle(void **state)
{
	(void)state;
	uint8_t buf[4096];
	memcpy(buf, APP_JOURNAL_MAGIC, APP_JOURNAL_MAGIC_LEN);
	size_t pos = APP_JOURNAL_MAGIC_LEN;
	uint8_t payload[40];
	memset(payload, 0xab, sizeof(payload));
	for (uint64_t s = 1; s <= 5; s++) {
		pos += app_journal_frame(s, payload, sizeof(payload), buf + pos, sizeof(buf) - pos);
	}
	buf[APP_JOURNAL_MAGIC_LEN + 2 * (APP_JOURNAL_FRAME_HDR + 40) + 20] ^= 0xff; /* record 3 */
	int n = 0;
	uint64_t torn, corrupt;
	assert_int_equal(app_journal_scan_buffer(buf, pos, count_cb, &n, &torn, &corrupt), PM_OK);
	assert_int_equal(n, 4);
	assert_int_equal(corrupt, APP_JOURNAL_FRAME_HDR + 40);
	assert_int_equal(torn, 0);
}

static void test_size_bound(void **state)
{
	(void)state;
	char dir[64];
	make_dir(dir, sizeof(dir));
	init_writer(dir, 256u * 1024u); /* segments of 64 KiB */
	for (int i = 0; i < 10000; i++) {
		struct rt_record e = make_rec(RT_REC_EVENT, "m", i);
		assert_int_equal(app_writer_append(&writer, &e, 0), PM_OK);
		if (i % 100 == 0) {
			assert_int_equal(app_writer_step(&writer, 0), PM_OK);
		}
	}
	assert_int_equal(app_writer_close(&writer, 0), PM_OK);
	struct app_writer_counters c;
	app_writer_get_counters(&writer, &c);
	assert_true(c.segments_deleted > 0);
	assert_true(c.journal_bytes <= 256u * 1024u);
	struct app_journal_segments segs;
	assert_int_equal(app_journal_list(dir, &segs), PM_OK);
	uint64_t first = segs.first_seq[0];
	assert_int_equal(first, c.records_deleted + 1);
	assert_int_equal(read_all(dir, first, NULL, 0), 10000 - c.records_deleted);
	remove_dir(dir);
}

static void test_numbering_continues_after_cursor(void **state)
{
	(void)state;
	char dir[64];
	make_dir(dir, sizeof(dir));
	char path[128];
	(void)snprintf(path, sizeof(path), "%s/%s", dir, APP_JOURNAL_CURSOR_FILE);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "500\n");
	assert_int_equal(fclose(f), 0);
	init_writer(dir, 1u << 20);
	struct rt_record e = make_rec(RT_REC_EVENT, "m", 1);
	assert_int_equal(app_writer_append(&writer, &e, 0), PM_OK);
	assert_int_equal(app_writer_close(&writer, 0), PM_OK);
	assert_int_equal(read_all(dir, 501, NULL, 0), 1);
	remove_dir(dir);
}

/* A record corrupted in the segment the writer still appends to: a live reader (the pusher) skips it
 * once later records follow, instead of waiting for the next segment. */
static void test_live_reader_skips_corruption(void **state)
{
	(void)state;
	char dir[64];
	make_dir(dir, sizeof(dir));
	init_writer(dir, 1u << 20);
	for (int i = 0; i < 100; i++) {
		struct rt_record e = make_rec(RT_REC_EVENT, "m", i);
		assert_int_equal(app_writer_append(&writer, &e, 0), PM_OK);
	}
	assert_int_equal(app_writer_sync(&writer, 0), PM_OK);
	char path[256];
	assert_int_equal(app_journal_seg_path(dir, 1, path, sizeof(path)), PM_OK);
	FILE *f = fopen(path, "r+");
	assert_non_null(f);
	assert_int_equal(fseek(f, APP_JOURNAL_MAGIC_LEN + 20, SEEK_SET), 0); /* inside record 1 */
	assert_int_equal(fputc('X', f), 'X');
	assert_int_equal(fclose(f), 0);
	assert_int_equal(app_journal_reader_open(&reader, dir, 1, true), PM_OK);
	uint8_t payload[APP_JOURNAL_MAX_PAYLOAD];
	uint64_t n = 0, seq = 0;
	size_t len = 0;
	while (app_journal_reader_next(&reader, &seq, payload, sizeof(payload), &len) == PM_OK) {
		n++;
	}
	assert_int_equal(n, 99);
	assert_true(reader.corrupt_bytes > 0);
	app_journal_reader_close(&reader);
	assert_int_equal(app_writer_close(&writer, 0), PM_OK);
	remove_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32),
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_round_trip_every_kind),
		cmocka_unit_test(test_coalescing),
		cmocka_unit_test(test_torn_tail_and_restart),
		cmocka_unit_test(test_corruption_in_the_middle),
		cmocka_unit_test(test_size_bound),
		cmocka_unit_test(test_numbering_continues_after_cursor),
		cmocka_unit_test(test_live_reader_skips_corruption),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
