/* Journal framing, segment listing and the reader: keeps every complete record, resynchronises after
 * corruption, and at the end of a finished segment counts the torn tail it skips. */
#include "journal.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hal/log.h"
#include "rt/byteorder.h"
#include "rt/crc32.h"

static uint32_t frame_crc(const uint8_t *hdr, const uint8_t *payload, size_t len)
{
	uint32_t crc = rt_crc32(0, hdr, 4); /* length */
	crc = rt_crc32(crc, hdr + 8, 8);    /* seq */
	return rt_crc32(crc, payload, len);
}

size_t app_journal_frame(uint64_t seq, const uint8_t *payload, size_t len, uint8_t *out, size_t cap)
{
	assert(len <= APP_JOURNAL_MAX_PAYLOAD && cap >= APP_JOURNAL_FRAME_HDR + len);
	(void)cap;
	rt_put_le32(out, (uint32_t)len);
	rt_put_le64(out + 8, seq);
	memcpy(out + APP_JOURNAL_FRAME_HDR, payload, len);
	rt_put_le32(out + 4, frame_crc(out, out + APP_JOURNAL_FRAME_HDR, len));
	return APP_JOURNAL_FRAME_HDR + len;
}

pm_status app_journal_frame_check(const uint8_t *buf, size_t avail, uint64_t *seq, const uint8_t **payload,
                                  size_t *payload_len, size_t *frame_len)
{
	if (avail < APP_JOURNAL_FRAME_HDR) {
		return PM_ERR_AGAIN;
	}
	uint32_t len = rt_get_le32(buf);
	uint64_t s = rt_get_le64(buf + 8);
	if (len == 0 || len > APP_JOURNAL_MAX_PAYLOAD || s == 0) {
		return PM_ERR_CORRUPT;
	}
	if (avail < APP_JOURNAL_FRAME_HDR + len) {
		return PM_ERR_AGAIN;
	}
	if (frame_crc(buf, buf + APP_JOURNAL_FRAME_HDR, len) != rt_get_le32(buf + 4)) {
		return PM_ERR_CORRUPT;
	}
	*seq = s;
	*payload = buf + APP_JOURNAL_FRAME_HDR;
	*payload_len = len;
	*frame_len = APP_JOURNAL_FRAME_HDR + len;
	return PM_OK;
}

pm_status app_journal_scan_buffer(const uint8_t *buf, size_t len, app_journal_record_fn fn, void *ctx,
                                  uint64_t *torn_bytes, uint64_t *corrupt_bytes)
{
	*torn_bytes = 0;
	*corrupt_bytes = 0;
	if (len < APP_JOURNAL_MAGIC_LEN || memcmp(buf, APP_JOURNAL_MAGIC, APP_JOURNAL_MAGIC_LEN) != 0) {
		*torn_bytes = len;
		return PM_ERR_CORRUPT;
	}
	size_t pos = APP_JOURNAL_MAGIC_LEN;
	size_t bad_start = 0;
	int in_bad = 0;
	while (pos < len) { /* each pass advances pos by >= 1 */
		uint64_t seq;
		const uint8_t *payload;
		size_t plen, flen;
		pm_status st = app_journal_frame_check(buf + pos, len - pos, &seq, &payload, &plen, &flen);
		if (st == PM_OK) {
			if (in_bad) {
				*corrupt_bytes += pos - bad_start;
				in_bad = 0;
			}
			if (fn != NULL && fn(ctx, seq, payload, plen) != 0) {
				return PM_OK;
			}
			pos += flen;
			continue;
		}
		if (!in_bad) {
			in_bad = 1;
			bad_start = pos;
		}
		pos++;
	}
	if (in_bad) {
		*torn_bytes = len - bad_start;
	}
	return PM_OK;
}

/* ---- segments ---- */

static int parse_seg_name(const char *name, uint64_t *first)
{
	size_t n = strlen(name);
	if (n != 16 + strlen(APP_JOURNAL_SEG_SUFFIX) || strcmp(name + 16, APP_JOURNAL_SEG_SUFFIX) != 0) {
		return 0;
	}
	uint64_t v = 0;
	for (size_t i = 0; i < 16; i++) {
		char c = name[i];
		unsigned d;
		if (c >= '0' && c <= '9') {
			d = (unsigned)(c - '0');
		} else if (c >= 'a' && c <= 'f') {
			d = (unsigned)(c - 'a' + 10);
		} else {
			return 0;
		}
		v = (v << 4) | d;
	}
	*first = v;
	return v != 0;
}

static int collect_seg(void *ctx, const char *name)
{
	struct app_journal_segments *segs = ctx;
	uint64_t first;
	if (!parse_seg_name(name, &first) || segs->count >= APP_JOURNAL_MAX_SEGMENTS) {
		return 0;
	}
	/* Insertion keeps the array sorted; at most APP_JOURNAL_MAX_SEGMENTS moves. */
	size_t i = segs->count;
	while (i > 0 && segs->first_seq[i - 1] > first) {
		segs->first_seq[i] = segs->first_seq[i - 1];
		i--;
	}
	segs->first_seq[i] = first;
	segs->count++;
	return 0;
}

pm_status app_journal_list(const char *dir, struct app_journal_segments *segs)
{
	segs->count = 0;
	/* Other files (the pusher cursor, temporaries) share the directory: allow for them. */
	return hal_dir_list(dir, collect_seg, segs, APP_JOURNAL_MAX_SEGMENTS + 64);
}

pm_status app_journal_seg_path(const char *dir, uint64_t first_seq, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s/%016" PRIx64 "%s", dir, first_seq, APP_JOURNAL_SEG_SUFFIX);
	return (n > 0 && (size_t)n < cap) ? PM_OK : PM_ERR_NOSPACE;
}

pm_status app_journal_read_cursor(const char *dir, uint64_t *seq)
{
	char path[PM_MAX_PATH + 32];
	*seq = 0;
	int n = snprintf(path, sizeof(path), "%s/%s", dir, APP_JOURNAL_CURSOR_FILE);
	if (n <= 0 || (size_t)n >= sizeof(path)) {
		return PM_ERR_NOSPACE;
	}
	struct hal_file f = HAL_FILE_CLOSED;
	pm_status st = hal_file_open(&f, path, HAL_FILE_READ);
	if (st == PM_ERR_NOENT) {
		return PM_OK; /* first run */
	}
	if (st != PM_OK) {
		return st;
	}
	char buf[32];
	size_t got = 0;
	st = hal_file_pread(&f, buf, sizeof(buf) - 1, 0, &got);
	(void)hal_file_close(&f);
	if (st != PM_OK) {
		return st;
	}
	uint64_t v = 0;
	size_t i = 0;
	for (; i < got && i < 20 && buf[i] >= '0' && buf[i] <= '9'; i++) {
		v = v * 10u + (uint64_t)(buf[i] - '0');
	}
	if (i == 0 || i >= got || buf[i] != '\n') {
		hal_log(HAL_LOG_WARN, "journal: cursor %s is unreadable: the whole journal is pushed again",
		        path);
		return PM_OK;
	}
	*seq = v;
	return PM_OK;
}

/* ---- reader ---- */

static pm_status reader_open_segment(struct app_journal_reader *r, size_t index)
{
	char path[PM_MAX_PATH + 32];
	(void)hal_file_close(&r->file);
	r->seg_index = index;
	r->file_off = 0;
	r->buf_len = 0;
	r->buf_pos = 0;
	r->pending_bad = 0;
	pm_status st = app_journal_seg_path(r->dir, r->segs.first_seq[index], path, sizeof(path));
	if (st != PM_OK) {
		return st;
	}
	st = hal_file_open(&r->file, path, HAL_FILE_READ);
	if (st != PM_OK) {
		return st;
	}
	uint8_t magic[APP_JOURNAL_MAGIC_LEN];
	size_t got = 0;
	st = hal_file_pread(&r->file, magic, sizeof(magic), 0, &got);
	if (st != PM_OK) {
		return st;
	}
	if (got < sizeof(magic)) {
		return PM_ERR_AGAIN; /* being created (live) or torn at birth */
	}
	if (memcmp(magic, APP_JOURNAL_MAGIC, sizeof(magic)) != 0) {
		return PM_ERR_CORRUPT;
	}
	r->file_off = APP_JOURNAL_MAGIC_LEN;
	return PM_OK;
}

/* Refills buf from the current position; returns bytes now available. */
static pm_status reader_fill(struct app_journal_reader *r, size_t *avail)
{
	if (r->buf_pos > 0) {
		memmove(r->buf, r->buf + r->buf_pos, r->buf_len - r->buf_pos);
		r->file_off += r->buf_pos;
		r->buf_len -= r->buf_pos;
		r->buf_pos = 0;
	}
	size_t got = 0;
	pm_status st = hal_file_pread(&r->file, r->buf + r->buf_len, sizeof(r->buf) - r->buf_len,
	                              r->file_off + r->buf_len, &got);
	if (st != PM_OK) {
		return st;
	}
	r->buf_len += got;
	*avail = r->buf_len;
	return PM_OK;
}

pm_status app_journal_reader_open(struct app_journal_reader *r, const char *dir, uint64_t from_seq, bool live)
{
	memset(r, 0, offsetof(struct app_journal_reader, buf));
	r->file = HAL_FILE_CLOSED;
	r->live = live;
	size_t n = strnlen(dir, sizeof(r->dir));
	if (n == 0 || n >= sizeof(r->dir)) {
		return PM_ERR_INVAL;
	}
	memcpy(r->dir, dir, n + 1);
	pm_status st = app_journal_list(dir, &r->segs);
	if (st != PM_OK) {
		return st;
	}
	r->seg_index = 0;
	/* Start in the last segment whose first record is <= from_seq; next() skips older records. */
	for (size_t i = 0; i < r->segs.count; i++) {
		if (r->segs.first_seq[i] <= from_seq) {
			r->seg_index = i;
		}
	}
	r->last_seq = from_seq > 0 ? from_seq - 1 : 0;
	if (r->segs.count > 0) {
		st = reader_open_segment(r, r->seg_index);
		if (st == PM_ERR_AGAIN || st == PM_ERR_CORRUPT) {
			r->file_off = 0; /* next() deals with it */
			return PM_OK;
		}
		return st;
	}
	return PM_OK;
}

uint64_t app_journal_reader_segment(const struct app_journal_reader *r)
{
	return r->segs.count > 0 ? r->segs.first_seq[r->seg_index] : 0;
}

void app_journal_reader_close(struct app_journal_reader *r)
{
	(void)hal_file_close(&r->file);
}

/* Whether a segment after the current one exists (re-listing the directory when live). */
static pm_status reader_has_next_segment(struct app_journal_reader *r, bool *has)
{
	if (r->seg_index + 1 < r->segs.count) {
		*has = true;
		return PM_OK;
	}
	*has = false;
	if (!r->live) {
		return PM_OK;
	}
	uint64_t current = r->segs.count > 0 ? r->segs.first_seq[r->seg_index] : 0;
	pm_status st = app_journal_list(r->dir, &r->segs);
	if (st != PM_OK) {
		return st;
	}
	/* Old segments may have been deleted: find the current one again. */
	r->seg_index = 0;
	for (size_t i = 0; i < r->segs.count; i++) {
		if (r->segs.first_seq[i] <= current) {
			r->seg_index = i;
		}
	}
	*has = r->seg_index + 1 < r->segs.count ||
	       (r->segs.count > 0 && r->segs.first_seq[r->seg_index] > current);
	return PM_OK;
}

static pm_status reader_advance_segment(struct app_journal_reader *r)
{
	uint64_t current = r->segs.count > 0 ? r->segs.first_seq[r->seg_index] : 0;
	size_t next = r->seg_index + 1;
	if (r->segs.count > 0 && r->segs.first_seq[r->seg_index] > current) {
		next = r->seg_index;
	}
	/* Pick the first segment after `current` (the listing is sorted). */
	for (size_t i = 0; i < r->segs.count; i++) {
		if (r->segs.first_seq[i] > current) {
			next = i;
			break;
		}
	}
	pm_status st = reader_open_segment(r, next);
	if (st == PM_ERR_CORRUPT) {
		r->bad_segments++;
		hal_log(HAL_LOG_WARN, "journal: segment %016" PRIx64 " has a bad magic: skipped",
		        r->segs.first_seq[next]);
		r->file_off = 0;
		r->buf_len = 0;
		return PM_ERR_CORRUPT;
	}
	return st;
}

pm_status app_journal_reader_next(struct app_journal_reader *r, uint64_t *seq, uint8_t *payload, size_t cap,
                                  size_t *len)
{
	/* Bound: one pass per byte of a read buffer plus one per segment switch. */
	for (size_t iter = 0; iter < (size_t)APP_JOURNAL_READ_BUF * 4u + APP_JOURNAL_MAX_SEGMENTS * 2u;
	     iter++) {
		if (r->segs.count == 0 || r->file.fd < 0 || r->file_off == 0) {
			/* No segment open yet (empty journal, segment being created, or bad magic). */
			bool has = false;
			if (r->segs.count == 0) {
				pm_status st = app_journal_list(r->dir, &r->segs);
				if (st != PM_OK) {
					return st;
				}
				if (r->segs.count == 0) {
					return PM_ERR_AGAIN;
				}
				r->seg_index = 0;
				st = reader_open_segment(r, 0);
				if (st == PM_OK) {
					continue;
				}
			} else if (r->file.fd >= 0 && r->file_off == 0) {
				pm_status st = reader_open_segment(r, r->seg_index);
				if (st == PM_OK) {
					continue;
				}
				if (st != PM_ERR_AGAIN && st != PM_ERR_CORRUPT) {
					return st;
				}
			}
			pm_status st = reader_has_next_segment(r, &has);
			if (st != PM_OK) {
				return st;
			}
			if (!has) {
				return PM_ERR_AGAIN;
			}
			st = reader_advance_segment(r);
			if (st != PM_OK && st != PM_ERR_CORRUPT && st != PM_ERR_AGAIN) {
				return st;
			}
			continue;
		}
		size_t avail = r->buf_len - r->buf_pos;
		uint64_t s = 0;
		const uint8_t *p = NULL;
		size_t plen = 0, flen = 0;
		pm_status st = app_journal_frame_check(r->buf + r->buf_pos, avail, &s, &p, &plen, &flen);
		if (st == PM_ERR_AGAIN) {
			size_t before = avail;
			st = reader_fill(r, &avail);
			if (st != PM_OK) {
				return st;
			}
			if (avail > before) {
				continue;
			}
			/* End of the data in this segment. */
			bool has = false;
			st = reader_has_next_segment(r, &has);
			if (st != PM_OK) {
				return st;
			}
			if (!has && r->live) {
				return PM_ERR_AGAIN; /* more may come */
			}
			if (avail + r->pending_bad > 0) {
				r->torn_bytes += avail + r->pending_bad;
				hal_log(HAL_LOG_WARN,
				        "journal: segment %016" PRIx64 ": torn tail of %zu bytes skipped",
				        r->segs.first_seq[r->seg_index], avail + (size_t)r->pending_bad);
				r->pending_bad = 0;
				r->buf_pos = r->buf_len;
			}
			if (!has) {
				return PM_ERR_AGAIN; /* the end of the journal */
			}
			st = reader_advance_segment(r);
			if (st != PM_OK && st != PM_ERR_CORRUPT && st != PM_ERR_AGAIN) {
				return st;
			}
			continue;
		}
		if (st == PM_ERR_CORRUPT) {
			if (r->live && avail <= APP_JOURNAL_MAX_FRAME) {
				/* Near the end of what is written, a frame still being written may read as
				 * garbage for a moment: skip only once a whole frame's worth of bytes lies
				 * beyond it (the writer appends whole frames in order) or the segment is
				 * finished; otherwise wait. */
				size_t before = avail;
				pm_status fs = reader_fill(r, &avail);
				if (fs != PM_OK) {
					return fs;
				}
				if (avail > before) {
					continue;
				}
				bool has = false;
				pm_status hs = reader_has_next_segment(r, &has);
				if (hs != PM_OK) {
					return hs;
				}
				if (!has) {
					return PM_ERR_AGAIN;
				}
			}
			/* Resynchronise: drop one byte and look for the next valid frame. */
			r->buf_pos++;
			r->pending_bad++;
			continue;
		}
		r->buf_pos += flen;
		r->corrupt_bytes += r->pending_bad;
		r->pending_bad = 0;
		if (s <= r->last_seq) {
			continue; /* before the requested start, or a duplicate */
		}
		if (r->last_seq != 0 && s > r->last_seq + 1) {
			r->seq_gaps += s - r->last_seq - 1;
		}
		r->last_seq = s;
		if (plen > cap) {
			return PM_ERR_NOSPACE;
		}
		memcpy(payload, p, plen);
		*seq = s;
		*len = plen;
		return PM_OK;
	}
	return PM_ERR_AGAIN;
}
