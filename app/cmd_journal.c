/* `picmon journal dump|verify PATH`: print the records of a journal directory (or one segment file) as
 * JSON lines, or check CRCs and sequence continuity and say what a crash left behind. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "journal.h"

struct jctx {
	bool dump;
	uint64_t records;
	uint64_t first_seq;
	uint64_t last_seq;
	uint64_t gaps;
	uint64_t undecodable;
	struct app_pb_arena arena;
	char text[APP_RECORD_MAX_JSON];
};

static void on_record(struct jctx *c, uint64_t seq, const uint8_t *payload, size_t len)
{
	if (c->records == 0) {
		c->first_seq = seq;
	} else if (seq > c->last_seq + 1) {
		c->gaps += seq - c->last_seq - 1;
	}
	c->records++;
	c->last_seq = seq;
	app_pb_arena_reset(&c->arena);
	Picmon__Record *msg = picmon__record__unpack(&c->arena.allocator, len, payload);
	size_t tl = 0;
	if (msg == NULL || app_record_json(msg, c->text, sizeof(c->text), &tl) != PM_OK) {
		c->undecodable++;
		if (c->dump) {
			printf("{\"seq\":%" PRIu64 ",\"error\":\"undecodable payload\"}\n", seq);
		}
		return;
	}
	if (msg->seq != seq) {
		c->undecodable++;
	}
	if (c->dump) {
		printf("%s\n", c->text);
	}
}

static int file_cb(void *vctx, uint64_t seq, const uint8_t *payload, size_t len)
{
	on_record(vctx, seq, payload, len);
	return 0;
}

static int run_file(struct jctx *c, const char *path, uint64_t *torn, uint64_t *corrupt)
{
	struct hal_file f = HAL_FILE_CLOSED;
	uint64_t size = 0;
	pm_status st = hal_file_open(&f, path, HAL_FILE_READ);
	if (st == PM_OK) {
		st = hal_file_size(&f, &size);
	}
	if (st != PM_OK || size > (1u << 30)) {
		fprintf(stderr, "picmon: journal: %s: %s\n", path,
		        st != PM_OK ? pm_status_str(st) : "too large");
		(void)hal_file_close(&f);
		return APP_EXIT_FAILURE;
	}
	uint8_t *buf = malloc(size > 0 ? (size_t)size : 1u);
	size_t got = 0;
	if (buf == NULL || hal_file_pread(&f, buf, (size_t)size, 0, &got) != PM_OK) {
		fprintf(stderr, "picmon: journal: %s: read failed\n", path);
		free(buf);
		(void)hal_file_close(&f);
		return APP_EXIT_FAILURE;
	}
	(void)hal_file_close(&f);
	st = app_journal_scan_buffer(buf, got, file_cb, c, torn, corrupt);
	free(buf);
	if (st != PM_OK) {
		fprintf(stderr, "picmon: journal: %s: not a journal segment (bad magic)\n", path);
		return APP_EXIT_FAILURE;
	}
	return APP_EXIT_OK;
}

int app_cmd_journal(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf(
		    "usage: picmon journal dump|verify PATH   (PATH: journal directory or segment file)\n");
		return APP_EXIT_OK;
	}
	if (argc != 3 || (strcmp(argv[1], "dump") != 0 && strcmp(argv[1], "verify") != 0)) {
		if (argc >= 2 && argv[1][0] == '-') {
			fprintf(stderr, "picmon: journal: unknown option '%s'\n", argv[1]);
		}
		fprintf(stderr, "usage: picmon journal dump|verify PATH\n");
		return APP_EXIT_USAGE;
	}
	static struct jctx c;
	static struct app_journal_reader reader;
	static uint8_t payload[APP_JOURNAL_MAX_PAYLOAD];
	memset(&c, 0, sizeof(c));
	app_pb_arena_init(&c.arena);
	c.dump = strcmp(argv[1], "dump") == 0;
	const char *path = argv[2];
	uint64_t torn = 0, corrupt = 0, bad_segments = 0, segments = 1;
	struct app_journal_segments segs;
	if (app_journal_list(path, &segs) == PM_OK) {
		segments = segs.count;
		pm_status st = app_journal_reader_open(&reader, path, 1, false);
		if (st != PM_OK) {
			fprintf(stderr, "picmon: journal: %s: %s\n", path, pm_status_str(st));
			return APP_EXIT_FAILURE;
		}
		/* Bounded: each call returns a record or ends; a journal holds < 2^40 records. */
		for (uint64_t i = 0; i < (UINT64_C(1) << 40); i++) {
			uint64_t seq = 0;
			size_t len = 0;
			st = app_journal_reader_next(&reader, &seq, payload, sizeof(payload), &len);
			if (st != PM_OK) {
				break;
			}
			on_record(&c, seq, payload, len);
		}
		app_journal_reader_close(&reader);
		if (st != PM_ERR_AGAIN) {
			fprintf(stderr, "picmon: journal: %s: %s\n", path, pm_status_str(st));
			return APP_EXIT_FAILURE;
		}
		torn = reader.torn_bytes;
		corrupt = reader.corrupt_bytes;
		bad_segments = reader.bad_segments;
	} else {
		int rc = run_file(&c, path, &torn, &corrupt);
		if (rc != APP_EXIT_OK) {
			return rc;
		}
	}
	FILE *out = c.dump ? stderr : stdout;
	fprintf(out,
	        "segments: %" PRIu64 "\nrecords: %" PRIu64 "\nfirst_seq: %" PRIu64 "\nlast_seq: %" PRIu64
	        "\nsequence_gaps: %" PRIu64 "\ntorn_tail_bytes_skipped: %" PRIu64
	        "\ncorrupt_bytes_skipped: %" PRIu64 "\nbad_segments: %" PRIu64
	        "\nundecodable_records: %" PRIu64 "\n",
	        segments, c.records, c.first_seq, c.last_seq, c.gaps, torn, corrupt, bad_segments,
	        c.undecodable);
	if (c.dump) {
		return APP_EXIT_OK;
	}
	/* A torn tail is what a crash leaves: reported, not a failure. Anything else is damage. */
	bool ok = c.gaps == 0 && corrupt == 0 && bad_segments == 0 && c.undecodable == 0;
	fprintf(out, "result: %s\n", ok ? "ok" : "damaged");
	return ok ? APP_EXIT_OK : APP_EXIT_FAILURE;
}
