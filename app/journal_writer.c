/* The journal writer: drains the record rings, frames state changes, events and violations at once,
 * coalesces metrics per key until their interval, rotates segments, keeps the total size bounded and
 * batches fsyncs. Single-threaded (the writer thread); allocation-free. */
#include "journal.h"

#include <assert.h>
#include <inttypes.h>
#include <string.h>

#include "hal/log.h"

#define MIN_SEGMENT_BYTES (64u * 1024u)

void app_writer_params_default(struct app_writer_params *p)
{
	memset(p, 0, sizeof(*p));
	p->max_bytes = 64u * 1024u * 1024u;
	p->segment_bytes = 0; /* derived from max_bytes */
	p->fsync_interval_ns = 100 * PM_NS_PER_MS;
	p->metric_interval_ns = PM_NS_PER_S;
	p->max_records_per_step = 4u * PM_RECORD_RING_SIZE;
}

static pm_status seg_path(const struct app_writer *w, uint64_t first, char *out, size_t cap)
{
	return app_journal_seg_path(w->p.journal_dir, first, out, cap);
}

static uint64_t total_bytes(const struct app_writer *w)
{
	uint64_t t = 0;
	for (size_t i = 0; i < w->segs.count; i++) {
		t += w->seg_size[i];
	}
	return t;
}

static void delete_oldest(struct app_writer *w)
{
	assert(w->segs.count > 1);
	char path[PM_MAX_PATH + 32];
	if (seg_path(w, w->segs.first_seq[0], path, sizeof(path)) == PM_OK) {
		pm_status st = hal_file_unlink(path);
		if (st != PM_OK && st != PM_ERR_NOENT) {
			hal_log(HAL_LOG_WARN, "journal: cannot delete %s: %s", path, pm_status_str(st));
		}
	}
	uint64_t lost = w->segs.first_seq[1] - w->segs.first_seq[0];
	w->c.segments_deleted++;
	w->c.records_deleted += lost;
	hal_log(HAL_LOG_WARN,
	        "journal: size bound reached, deleted segment %016" PRIx64 " (%" PRIu64 " records)",
	        w->segs.first_seq[0], lost);
	memmove(&w->segs.first_seq[0], &w->segs.first_seq[1],
	        (w->segs.count - 1) * sizeof(w->segs.first_seq[0]));
	memmove(&w->seg_size[0], &w->seg_size[1], (w->segs.count - 1) * sizeof(w->seg_size[0]));
	w->segs.count--;
}

static void enforce_bound(struct app_writer *w)
{
	/* Each pass removes one segment; the current one is never removed. */
	while (w->segs.count > 1 &&
	       (total_bytes(w) > w->p.max_bytes || w->segs.count >= APP_JOURNAL_MAX_SEGMENTS)) {
		delete_oldest(w);
	}
	w->c.journal_bytes = total_bytes(w);
}

/* Starts segment `first` as the current one (replaces a same-named torn/empty leftover). */
static pm_status open_segment(struct app_writer *w, uint64_t first)
{
	char path[PM_MAX_PATH + 32];
	pm_status st = seg_path(w, first, path, sizeof(path));
	if (st != PM_OK) {
		return st;
	}
	st =
	    hal_file_open(&w->seg, path, HAL_FILE_WRITE | HAL_FILE_CREATE | HAL_FILE_TRUNC | HAL_FILE_APPEND);
	if (st != PM_OK) {
		hal_log(HAL_LOG_ERROR, "journal: cannot create %s: %s", path, pm_status_str(st));
		return st;
	}
	st = hal_file_append(&w->seg, APP_JOURNAL_MAGIC, APP_JOURNAL_MAGIC_LEN);
	if (st == PM_OK) {
		st = hal_file_fsync(&w->seg);
	}
	if (st == PM_OK) {
		st = hal_dir_fsync(w->p.journal_dir);
	}
	if (st != PM_OK) {
		(void)hal_file_close(&w->seg);
		return st;
	}
	if (w->segs.count > 0 && w->segs.first_seq[w->segs.count - 1] == first) {
		w->seg_size[w->segs.count - 1] = APP_JOURNAL_MAGIC_LEN;
	} else {
		if (w->segs.count >= APP_JOURNAL_MAX_SEGMENTS) {
			delete_oldest(w);
		}
		w->segs.first_seq[w->segs.count] = first;
		w->seg_size[w->segs.count] = APP_JOURNAL_MAGIC_LEN;
		w->segs.count++;
	}
	w->seg_first_seq = first;
	w->seg_bytes = APP_JOURNAL_MAGIC_LEN;
	enforce_bound(w);
	return PM_OK;
}

/* Finds the last complete record of the journal, from the newest segment backwards. */
static pm_status find_last_seq(struct app_writer *w, uint64_t *last, pm_ns *last_real)
{
	static struct app_journal_reader reader; /* writer-thread only; too big for the stack */
	static uint8_t payload[APP_JOURNAL_MAX_PAYLOAD];
	static struct app_pb_arena arena;
	app_pb_arena_init(&arena);
	*last = 0;
	*last_real = 0;
	for (size_t k = w->segs.count; k > 0; k--) {
		uint64_t first = w->segs.first_seq[k - 1];
		pm_status st = app_journal_reader_open(&reader, w->p.journal_dir, first, false);
		if (st != PM_OK) {
			app_journal_reader_close(&reader);
			return st;
		}
		uint64_t seq = 0;
		size_t len = 0;
		/* Bounded by the segment's size: each record is at least one frame header. */
		for (uint64_t i = 0; i <= w->p.max_bytes / APP_JOURNAL_FRAME_HDR + 1; i++) {
			st = app_journal_reader_next(&reader, &seq, payload, sizeof(payload), &len);
			if (st != PM_OK) {
				break;
			}
			struct rt_record rec;
			if (app_record_unpack(payload, len, &arena, &rec) == PM_OK &&
			    rec.real_ns > *last_real) {
				*last_real = rec.real_ns;
			}
		}
		app_journal_reader_close(&reader);
		if (st != PM_ERR_AGAIN) {
			return st;
		}
		if (reader.last_seq >= first) {
			*last = reader.last_seq;
			return PM_OK;
		}
	}
	return PM_OK;
}

pm_status app_writer_init(struct app_writer *w, const struct app_writer_params *p)
{
	if (w == NULL || p == NULL || p->journal_dir[0] == '\0' || p->ring_count > APP_WRITER_MAX_RINGS ||
	    memchr(p->journal_dir, '\0', sizeof(p->journal_dir)) == NULL) {
		return PM_ERR_INVAL;
	}
	memset(w, 0, sizeof(*w));
	w->p = *p;
	w->seg = HAL_FILE_CLOSED;
	if (w->p.max_bytes < 4u * MIN_SEGMENT_BYTES) {
		w->p.max_bytes = 4u * MIN_SEGMENT_BYTES;
	}
	if (w->p.segment_bytes == 0) {
		w->p.segment_bytes = w->p.max_bytes / 16u;
	}
	if (w->p.segment_bytes < MIN_SEGMENT_BYTES) {
		w->p.segment_bytes = MIN_SEGMENT_BYTES;
	}
	if (w->p.segment_bytes > w->p.max_bytes / 2u) {
		w->p.segment_bytes = w->p.max_bytes / 2u;
	}
	if (w->p.max_records_per_step == 0) {
		w->p.max_records_per_step = 4u * PM_RECORD_RING_SIZE;
	}
	if (w->p.metric_interval_ns <= 0) {
		w->p.metric_interval_ns = PM_NS_PER_S;
	}
	for (size_t i = 0; i < w->p.ring_count; i++) {
		if (w->p.rings[i] == NULL) {
			return PM_ERR_INVAL;
		}
	}
	pm_status st = hal_dir_make(w->p.journal_dir);
	if (st != PM_OK) {
		hal_log(HAL_LOG_ERROR, "journal: cannot create directory %s: %s", w->p.journal_dir,
		        pm_status_str(st));
		return st;
	}
	st = app_journal_list(w->p.journal_dir, &w->segs);
	if (st != PM_OK) {
		return st;
	}
	for (size_t i = 0; i < w->segs.count; i++) {
		char path[PM_MAX_PATH + 32];
		w->seg_size[i] = 0;
		if (seg_path(w, w->segs.first_seq[i], path, sizeof(path)) == PM_OK) {
			(void)hal_file_stat_size(path, &w->seg_size[i]);
		}
	}
	uint64_t last = 0;
	/* Event keys are named by real_ns: continue after the last one even if the clock went back. */
	st = find_last_seq(w, &last, &w->last_real_ns);
	if (st != PM_OK) {
		hal_log(HAL_LOG_ERROR, "journal: cannot read %s: %s", w->p.journal_dir, pm_status_str(st));
		return st;
	}
	/* Never number below what the pusher already acknowledged (segments removed by hand): it would
	 * take new records for old ones and skip them. */
	uint64_t cursor = 0;
	st = app_journal_read_cursor(w->p.journal_dir, &cursor);
	if (st != PM_OK) {
		return st;
	}
	if (cursor > last) {
		hal_log(HAL_LOG_WARN,
		        "journal: cursor %" PRIu64 " is past the last record %" PRIu64
		        ": continuing after it",
		        cursor, last);
		last = cursor;
	}
	w->next_seq = last + 1;
	if (w->segs.count > 0 && w->segs.first_seq[w->segs.count - 1] > w->next_seq) {
		w->next_seq = w->segs.first_seq[w->segs.count - 1];
	}
	w->c.last_seq = last;
	/* Never append after a possibly torn tail: every run starts a fresh segment. */
	return open_segment(w, w->next_seq);
}

static pm_status flush_buf(struct app_writer *w)
{
	if (w->buf_len == 0) {
		return PM_OK;
	}
	pm_status st = hal_file_append(&w->seg, w->buf, w->buf_len);
	if (st != PM_OK) {
		w->c.write_errors++;
		/* Once per outage: the writer retries every step and must not flood the log. */
		if (!w->failing) {
			hal_log(HAL_LOG_ERROR,
			        "journal: write failed: %s (retrying; records wait in the rings)",
			        pm_status_str(st));
		}
		w->failing = true;
		return st;
	}
	if (w->failing) {
		hal_log(HAL_LOG_INFO, "journal: writing again after %" PRIu64 " failed attempts",
		        w->c.write_errors);
	}
	w->failing = false;
	w->buf_len = 0;
	w->unsynced = true;
	return PM_OK;
}

static pm_status do_fsync(struct app_writer *w, pm_ns now)
{
	w->last_fsync_ns = now;
	if (!w->unsynced) {
		return PM_OK;
	}
	pm_status st = hal_file_fsync(&w->seg);
	if (st != PM_OK) {
		w->c.write_errors++;
		return st;
	}
	w->unsynced = false;
	w->c.fsyncs++;
	return PM_OK;
}

static pm_status rotate(struct app_writer *w, pm_ns now)
{
	pm_status st = flush_buf(w);
	if (st == PM_OK) {
		st = do_fsync(w, now);
	}
	if (st != PM_OK) {
		return st;
	}
	(void)hal_file_close(&w->seg);
	return open_segment(w, w->next_seq);
}

/* Frames one record into the buffer, assigning its sequence number. */
static pm_status journal_record(struct app_writer *w, struct rt_record *rec, pm_ns now)
{
	uint8_t payload[APP_JOURNAL_MAX_PAYLOAD];
	size_t len = 0;
	rec->seq = w->next_seq;
	if (rec->real_ns <= w->last_real_ns) {
		rec->real_ns = w->last_real_ns + 1; /* unique, ordered event keys */
	}
	pm_status st = app_record_pack(rec, payload, sizeof(payload), &len);
	if (st != PM_OK) {
		return st;
	}
	size_t frame = APP_JOURNAL_FRAME_HDR + len;
	if (w->seg_bytes + frame > w->p.segment_bytes && w->seg_bytes > APP_JOURNAL_MAGIC_LEN) {
		st = rotate(w, now);
		if (st != PM_OK) {
			return st;
		}
	}
	if (sizeof(w->buf) - w->buf_len < frame) {
		st = flush_buf(w);
		if (st != PM_OK) {
			return st;
		}
	}
	(void)app_journal_frame(rec->seq, payload, len, w->buf + w->buf_len, sizeof(w->buf) - w->buf_len);
	w->buf_len += frame;
	w->seg_bytes += frame;
	w->seg_size[w->segs.count - 1] = w->seg_bytes;
	w->last_real_ns = rec->real_ns;
	w->next_seq++;
	w->c.last_seq = rec->seq;
	w->c.records_journaled++;
	if (rec->kind == RT_REC_METRIC) {
		w->c.metrics_journaled++;
	} else {
		w->c.events_journaled++;
	}
	if (w->c.journal_bytes < total_bytes(w)) {
		w->c.journal_bytes = total_bytes(w);
	}
	if (total_bytes(w) > w->p.max_bytes) {
		enforce_bound(w);
	}
	return PM_OK;
}

static uint32_t fnv1a(uint32_t h, const char *s, size_t cap)
{
	for (size_t i = 0; i < cap && s[i] != '\0'; i++) {
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	}
	return h;
}

static void coalesce_metric(struct app_writer *w, const struct rt_record *rec)
{
	uint32_t h = fnv1a(2166136261u ^ rec->resource_type, rec->resource, sizeof(rec->resource));
	h = fnv1a(h * 16777619u, rec->u.metric.name, sizeof(rec->u.metric.name));
	for (uint32_t probe = 0; probe < PM_MAX_METRIC_KEYS; probe++) {
		struct app_writer_metric *m = &w->metrics[(h + probe) % PM_MAX_METRIC_KEYS];
		if (m->used) {
			if (m->rec.resource_type != rec->resource_type ||
			    strncmp(m->rec.resource, rec->resource, sizeof(rec->resource)) != 0 ||
			    strncmp(m->rec.u.metric.name, rec->u.metric.name, sizeof(rec->u.metric.name)) !=
			        0) {
				continue;
			}
			if (m->dirty) {
				w->c.metrics_coalesced++;
			}
			uint32_t gap = m->dirty ? m->rec.gap : 0;
			m->rec = *rec;
			m->rec.gap += gap; /* a dropped record's gap stays visible */
			m->dirty = true;
			return;
		}
		m->used = true;
		m->dirty = true;
		m->rec = *rec;
		return;
	}
	w->c.metric_keys_full++;
}

static pm_status flush_metrics(struct app_writer *w, pm_ns now)
{
	for (size_t i = 0; i < PM_MAX_METRIC_KEYS; i++) {
		struct app_writer_metric *m = &w->metrics[i];
		if (!m->dirty) {
			continue;
		}
		pm_status st = journal_record(w, &m->rec, now);
		if (st != PM_OK && st != PM_ERR_INVAL) {
			return st; /* stays dirty: retried at the next interval */
		}
		m->dirty = false;
	}
	w->last_metric_flush_ns = now;
	return PM_OK;
}

pm_status app_writer_append(struct app_writer *w, const struct rt_record *rec, pm_ns now)
{
	if (w == NULL || rec == NULL) {
		return PM_ERR_INVAL;
	}
	w->c.ring_drops += rec->gap;
	if (rec->kind == RT_REC_METRIC) {
		coalesce_metric(w, rec);
		return PM_OK;
	}
	struct rt_record copy = *rec;
	return journal_record(w, &copy, now);
}

pm_status app_writer_step(struct app_writer *w, pm_ns now)
{
	pm_status result = PM_OK;
	uint32_t budget = w->p.max_records_per_step;
	/* Pop only while a whole frame still fits after a flush: a popped record is never lost. */
	for (size_t r = 0; r < w->p.ring_count && result == PM_OK; r++) {
		uint32_t share = budget / (uint32_t)w->p.ring_count + 1u;
		for (uint32_t i = 0; i < share; i++) {
			if (sizeof(w->buf) - w->buf_len < APP_JOURNAL_MAX_FRAME && flush_buf(w) != PM_OK) {
				result = PM_ERR_IO;
				break;
			}
			struct rt_record rec;
			if (!rt_record_ring_pop(w->p.rings[r], &rec)) {
				break;
			}
			pm_status st = app_writer_append(w, &rec, now);
			if (st == PM_ERR_INVAL) {
				hal_log(HAL_LOG_WARN, "journal: malformed record of kind %u dropped",
				        rec.kind);
			} else if (st != PM_OK) {
				result = st;
				break;
			}
		}
	}
	if (now - w->last_metric_flush_ns >= w->p.metric_interval_ns) {
		pm_status st = flush_metrics(w, now);
		if (result == PM_OK) {
			result = st;
		}
	}
	pm_status st = flush_buf(w);
	if (result == PM_OK) {
		result = st;
	}
	if (w->unsynced && now - w->last_fsync_ns >= w->p.fsync_interval_ns) {
		st = do_fsync(w, now);
		if (result == PM_OK) {
			result = st;
		}
	}
	return result;
}

pm_status app_writer_sync(struct app_writer *w, pm_ns now)
{
	pm_status st = flush_metrics(w, now);
	if (st == PM_OK) {
		st = flush_buf(w);
	}
	if (st == PM_OK) {
		st = do_fsync(w, now);
	}
	return st;
}

void app_writer_get_counters(const struct app_writer *w, struct app_writer_counters *out)
{
	*out = w->c;
}

pm_status app_writer_close(struct app_writer *w, pm_ns now)
{
	pm_status st = app_writer_sync(w, now);
	pm_status cs = hal_file_close(&w->seg);
	return st != PM_OK ? st : cs;
}
