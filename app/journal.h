/* The journal: append-only segment files of length-delimited picmon.Record messages, each framed with
 * its length, CRC-32 and sequence number; bounded total size (the oldest segment goes first); fsync in
 * batches. The reader keeps every complete record, skips a torn tail and says how many bytes it
 * skipped. The writer drains the record rings, journals state changes, events and violations at once
 * and metrics coalesced per key at their collection interval. */
#ifndef APP_JOURNAL_H
#define APP_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/file.h"
#include "hal/status.h"
#include "record_codec.h"
#include "rt/limits.h"
#include "rt/record.h"
#include "rt/record_ring.h"
#include "rt/time.h"

/* Segment file: 8-byte magic, then frames. Frame: u32 length (LE) | u32 CRC-32 over (length, seq,
 * payload) | u64 seq (LE) | payload (a packed picmon.Record of `length` bytes). */
#define APP_JOURNAL_MAGIC "PMJRNL01"
#define APP_JOURNAL_MAGIC_LEN 8u
#define APP_JOURNAL_FRAME_HDR 16u
#define APP_JOURNAL_MAX_PAYLOAD APP_RECORD_MAX_PACKED
#define APP_JOURNAL_MAX_FRAME (APP_JOURNAL_FRAME_HDR + APP_JOURNAL_MAX_PAYLOAD)
#define APP_JOURNAL_MAX_SEGMENTS 512u /* segments in one journal directory (bounds listing) */
#define APP_JOURNAL_SEG_SUFFIX ".pmj"
#define APP_JOURNAL_READ_BUF 65536u

/* ---- framing (pure, used by the reader and the fuzz target) ---- */

/* Frames `payload` into `out` (cap >= APP_JOURNAL_FRAME_HDR + len); returns the frame length. */
size_t app_journal_frame(uint64_t seq, const uint8_t *payload, size_t len, uint8_t *out, size_t cap);

/* Checks the frame at buf[0..avail): PM_OK (complete and valid: *seq, *payload, *payload_len,
 * *frame_len set), PM_ERR_AGAIN (incomplete: more bytes needed), PM_ERR_CORRUPT (bad length or CRC). */
pm_status app_journal_frame_check(const uint8_t *buf, size_t avail, uint64_t *seq, const uint8_t **payload,
                                  size_t *payload_len, size_t *frame_len);

/* ---- segments ---- */

struct app_journal_segments {
	uint64_t first_seq[APP_JOURNAL_MAX_SEGMENTS]; /* sorted ascending; names are %016llx.pmj */
	size_t count;
};

/* Lists the segments of `dir` (other files are ignored). */
pm_status app_journal_list(const char *dir, struct app_journal_segments *segs);
/* "dir/%016llx.pmj" */
pm_status app_journal_seg_path(const char *dir, uint64_t first_seq, char *out, size_t cap);

/* The pusher's cursor: the last sequence number etcd acknowledged, as decimal text in this file of the
 * journal directory. The writer reads it too, so that sequence numbers never restart below it. */
#define APP_JOURNAL_CURSOR_FILE "etcd.cursor"

/* Reads the cursor of `dir`; 0 when there is none (or it is unreadable: a warning, push everything). */
pm_status app_journal_read_cursor(const char *dir, uint64_t *seq);

/* ---- reader ---- */

struct app_journal_reader {
	char dir[PM_MAX_PATH];
	struct app_journal_segments segs;
	size_t seg_index;     /* current segment in segs */
	struct hal_file file; /* open current segment */
	uint64_t file_off;    /* offset of buf[0] in the file */
	size_t buf_len;       /* bytes valid in buf */
	size_t buf_pos;       /* next unread byte in buf */
	uint64_t last_seq;    /* sequence of the last record returned (0: none) */
	bool live;            /* a writer may still append to the last segment: wait there, skip nothing */
	/* What was skipped (for `journal verify` and the logs). */
	uint64_t torn_bytes;    /* incomplete or invalid bytes at the end of a finished segment */
	uint64_t corrupt_bytes; /* invalid bytes followed by a valid record (resynchronised) */
	uint64_t seq_gaps;      /* records missing between consecutive sequence numbers */
	uint64_t bad_segments;  /* segments with a bad magic (skipped whole) */
	uint64_t pending_bad;   /* invalid bytes not yet known to be corrupt (a record follows) or torn */
	uint8_t buf[APP_JOURNAL_READ_BUF];
};

/* Opens the journal in `dir` before the first record with seq >= `from_seq` (1: from the start).
 * `live`: the writer is running, so the end of the last segment means "wait" rather than "torn". */
pm_status app_journal_reader_open(struct app_journal_reader *r, const char *dir, uint64_t from_seq,
                                  bool live);

/* Next complete record: PM_OK (payload copied to `payload`, `*len`, `*seq`), PM_ERR_AGAIN at the end
 * (call again later when live), or an I/O error. */
pm_status app_journal_reader_next(struct app_journal_reader *r, uint64_t *seq, uint8_t *payload, size_t cap,
                                  size_t *len);

/* The segment and byte offset the reader is at (segment first_seq, offset), for diagnostics. */
uint64_t app_journal_reader_segment(const struct app_journal_reader *r);

void app_journal_reader_close(struct app_journal_reader *r);

/* Scans a memory image of one segment (for tests and fuzzing): calls `fn` per complete record and
 * reports the skipped bytes. `fn` returning non-zero stops the scan. */
typedef int (*app_journal_record_fn)(void *ctx, uint64_t seq, const uint8_t *payload, size_t len);
pm_status app_journal_scan_buffer(const uint8_t *buf, size_t len, app_journal_record_fn fn, void *ctx,
                                  uint64_t *torn_bytes, uint64_t *corrupt_bytes);

/* ---- writer ---- */

#define APP_WRITER_MAX_RINGS 8
#define APP_WRITER_BUF 65536u

struct app_writer_params {
	char journal_dir[PM_MAX_PATH];
	uint64_t max_bytes;       /* total size bound of the journal (default 64 MiB) */
	uint64_t segment_bytes;   /* a new segment after this size (default max_bytes / 16, >= 64 KiB) */
	pm_ns fsync_interval_ns;  /* batch fsyncs (default 100 ms; 0: fsync every step that wrote) */
	pm_ns metric_interval_ns; /* journal coalesced metrics this often (default 1 s) */
	struct rt_record_ring *rings[APP_WRITER_MAX_RINGS]; /* consumer side of every producer ring */
	size_t ring_count;
	uint32_t max_records_per_step; /* bound per step (default 4 * PM_RECORD_RING_SIZE) */
};

void app_writer_params_default(struct app_writer_params *p);

struct app_writer_counters {
	uint64_t records_journaled; /* frames written (all kinds) */
	uint64_t events_journaled;  /* state changes + events + violations */
	uint64_t metrics_journaled;
	uint64_t metrics_coalesced; /* samples replaced by a later one before journaling */
	uint64_t metric_keys_full;  /* samples dropped because the coalescing table was full */
	uint64_t ring_drops;        /* gaps carried by records (producers' ring-full drops) */
	uint64_t segments_deleted;  /* by the size bound */
	uint64_t records_deleted;   /* records in the deleted segments (pushed or not) */
	uint64_t fsyncs;
	uint64_t write_errors;
	uint64_t last_seq;      /* last sequence number journaled */
	uint64_t journal_bytes; /* current total size */
};

struct app_writer_metric {
	bool used;
	bool dirty;
	struct rt_record rec;
};

struct app_writer {
	struct app_writer_params p;
	struct hal_file seg;
	uint64_t seg_first_seq;
	uint64_t seg_bytes; /* bytes in the current segment, buffered included */
	uint64_t next_seq;
	pm_ns last_real_ns; /* real_ns is made strictly increasing: it names event keys */
	pm_ns last_fsync_ns;
	pm_ns last_metric_flush_ns;
	bool unsynced;
	bool failing; /* the last write failed (logged once per outage) */
	struct app_journal_segments segs;
	uint64_t seg_size[APP_JOURNAL_MAX_SEGMENTS]; /* sizes parallel to segs (last one = current) */
	struct app_writer_counters c;
	size_t buf_len;
	uint8_t buf[APP_WRITER_BUF];
	struct app_writer_metric metrics[PM_MAX_METRIC_KEYS];
};

/* Opens (creates) the journal directory, finds the last sequence number and starts a new segment.
 * Allocation-free; `w` is caller storage (it is large: keep it static). */
pm_status app_writer_init(struct app_writer *w, const struct app_writer_params *p);

/* Drains the rings, journals records (metrics coalesced), writes to the segment and fsyncs when the
 * interval has passed. Call it every few ms from the writer thread. */
pm_status app_writer_step(struct app_writer *w, pm_ns now);

/* Journals one record now (metrics go to the coalescing table); for tests and single-thread tools. */
pm_status app_writer_append(struct app_writer *w, const struct rt_record *rec, pm_ns now);

/* Journals pending metrics, writes the buffer and fsyncs (orderly stop, or tests). */
pm_status app_writer_sync(struct app_writer *w, pm_ns now);

void app_writer_get_counters(const struct app_writer *w, struct app_writer_counters *out);

/* Syncs and closes the current segment. */
pm_status app_writer_close(struct app_writer *w, pm_ns now);

#endif
