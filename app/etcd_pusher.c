/* The etcd pusher: journal records -> HLD §5.1 keys -> txns of distinct keys, leases per class and
 * bucket, cursor persistence, backoff with jitter, NOSPACE alerts. Single-threaded, allocation-free. */
#include "etcd_pusher.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base64.h"
#include "hal/clock.h"
#include "hal/log.h"

void app_pusher_params_default(struct app_pusher_params *p)
{
	memset(p, 0, sizeof(*p));
	app_etcd_params_default(&p->etcd);
	(void)snprintf(p->prefix, sizeof(p->prefix), "/piccolo/monitoring");
	p->value_format = APP_VALUE_PROTOBUF;
	p->retention_ns[APP_RET_METRICS] = 30 * PM_NS_PER_DAY;
	p->retention_ns[APP_RET_EVENTS] = 90 * PM_NS_PER_DAY;
	p->retention_ns[APP_RET_STATE] = 60 * PM_NS_PER_DAY;
	p->lease_bucket_ns = PM_NS_PER_DAY;
	p->keepalive_interval_ns = 60 * PM_NS_PER_S;
	p->max_ops_per_txn = APP_ETCD_MAX_TXN_OPS;
	p->max_txn_bytes = APP_ETCD_MAX_TXN_BYTES;
	p->backoff_min_ns = 100 * PM_NS_PER_MS;
	p->backoff_max_ns = 5 * PM_NS_PER_S;
	p->cursor_interval_ns = 100 * PM_NS_PER_MS;
}

static pm_status cursor_path(const struct app_pusher *p, char *out, size_t cap, bool tmp)
{
	int n = snprintf(out, cap, "%s/%s%s", p->p.journal_dir, APP_JOURNAL_CURSOR_FILE, tmp ? ".tmp" : "");
	return (n > 0 && (size_t)n < cap) ? PM_OK : PM_ERR_NOSPACE;
}

static pm_status load_cursor(struct app_pusher *p, uint64_t *seq)
{
	return app_journal_read_cursor(p->p.journal_dir, seq);
}

pm_status app_pusher_save_cursor(struct app_pusher *p)
{
	char path[PM_MAX_PATH + 32], tmp[PM_MAX_PATH + 32];
	pm_status st = cursor_path(p, path, sizeof(path), false);
	if (st == PM_OK) {
		st = cursor_path(p, tmp, sizeof(tmp), true);
	}
	if (st != PM_OK) {
		return st;
	}
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64 "\n", p->c.acked_seq);
	struct hal_file f = HAL_FILE_CLOSED;
	st = hal_file_open(&f, tmp, HAL_FILE_WRITE | HAL_FILE_CREATE | HAL_FILE_TRUNC);
	if (st != PM_OK) {
		return st;
	}
	/* No fsync: a cursor that lags after a power loss only makes the pusher write some keys again,
	 * which is idempotent; an fsync per save would compete with etcd's own for the disk. The
	 * rename keeps the file either old or new, never half-written. */
	st = hal_file_append(&f, buf, (size_t)n);
	pm_status cs = hal_file_close(&f);
	if (st == PM_OK) {
		st = cs;
	}
	if (st == PM_OK) {
		st = hal_file_rename(tmp, path);
	}
	if (st == PM_OK) {
		p->cursor_dirty = false;
	}
	return st;
}

pm_status app_pusher_init(struct app_pusher *p, const struct app_pusher_params *params)
{
	if (p == NULL || params == NULL || params->journal_dir[0] == '\0' ||
	    memchr(params->prefix, '\0', sizeof(params->prefix)) == NULL || params->lease_bucket_ns <= 0 ||
	    params->max_ops_per_txn < 3 || params->max_ops_per_txn > APP_ETCD_MAX_TXN_OPS ||
	    params->max_txn_bytes > APP_ETCD_MAX_TXN_BYTES) {
		return PM_ERR_INVAL;
	}
	for (int i = 0; i < APP_RET_COUNT; i++) {
		if (params->retention_ns[i] < PM_NS_PER_S) {
			return PM_ERR_INVAL;
		}
	}
	memset(&p->c, 0, sizeof(p->c));
	p->p = *params;
	/* No trailing '/': keys are built as prefix + "/" + ... */
	size_t pl = strlen(p->p.prefix);
	while (pl > 0 && p->p.prefix[pl - 1] == '/') {
		p->p.prefix[--pl] = '\0';
	}
	memset(p->batches, 0, sizeof(p->batches));
	p->cur = 0;
	p->have_lookahead = false;
	p->at_end = false;
	memset(p->leases, 0, sizeof(p->leases));
	p->backoff_until_ns = 0;
	p->backoff_ns = 0;
	p->rng = (uint32_t)hal_clock_mono_ns() | 1u;
	p->nospace_raised = false;
	p->cursor_dirty = false;
	p->last_cursor_write_ns = 0;
	app_pb_arena_init(&p->arena);
	/* Lease ids carry a hash of the prefix so two monitors sharing an etcd do not share leases. */
	uint64_t h = 1469598103934665603u;
	for (size_t i = 0; i < pl; i++) {
		h = (h ^ (uint8_t)p->p.prefix[i]) * 1099511628211u;
	}
	p->lease_salt = h;
	uint64_t cursor = 0;
	pm_status st = hal_dir_make(p->p.journal_dir);
	if (st == PM_OK) {
		st = load_cursor(p, &cursor);
	}
	if (st != PM_OK) {
		return st;
	}
	p->c.acked_seq = cursor;
	st = app_journal_reader_open(&p->reader, p->p.journal_dir, cursor + 1, true);
	if (st != PM_OK) {
		return st;
	}
	p->reader_gaps_seen = 0;
	for (size_t k = 0; k < APP_PUSHER_LANES && st == PM_OK; k++) {
		st = app_etcd_init(&p->etcd[k], &p->p.etcd);
	}
	return st;
}

void app_pusher_close(struct app_pusher *p)
{
	app_journal_reader_close(&p->reader);
	for (size_t k = 0; k < APP_PUSHER_LANES; k++) {
		app_etcd_close(&p->etcd[k]);
	}
}

void app_pusher_get_counters(const struct app_pusher *p, struct app_pusher_counters *out)
{
	*out = p->c;
}

void app_pusher_etcd_counters(const struct app_pusher *p, struct app_etcd_counters *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t k = 0; k < APP_PUSHER_LANES; k++) {
		out->requests += p->etcd[k].c.requests;
		out->failovers += p->etcd[k].c.failovers;
		out->reauths += p->etcd[k].c.reauths;
		out->errors += p->etcd[k].c.errors;
	}
}

int64_t app_pusher_lease_id(const struct app_pusher *p, uint32_t cls, int64_t bucket)
{
	/* 62 bits: 8 of prefix hash, 2 of class, 52 of bucket; positive and never 0. */
	uint64_t id = ((p->lease_salt & 0xffu) << 54) | ((uint64_t)(cls & 3u) << 52) |
	              ((uint64_t)bucket & ((UINT64_C(1) << 52) - 1u));
	return (int64_t)(id | (UINT64_C(1) << 62));
}

pm_status app_pusher_key(const char *prefix, const struct rt_record *rec, const char *what, char *out,
                         size_t cap, size_t *len)
{
	const char *type = app_resource_type_name(rec->resource_type);
	int n;
	if (strcmp(what, "summary") == 0) {
		n = snprintf(out, cap, "%s/%s/%s", prefix, type, rec->resource);
	} else if (strcmp(what, "state") == 0) {
		n = snprintf(out, cap, "%s/%s/%s/state", prefix, type, rec->resource);
	} else if (strcmp(what, "metric") == 0) {
		n = snprintf(out, cap, "%s/%s/%s/metrics/%s", prefix, type, rec->resource,
		             rec->u.metric.name);
	} else if (strcmp(what, "event") == 0) {
		/* 20 digits: every int64 nanosecond timestamp, so keys sort by time. */
		n = snprintf(out, cap, "%s/%s/%s/events/%020" PRId64, prefix, type, rec->resource,
		             rec->real_ns);
	} else {
		return PM_ERR_INVAL;
	}
	if (n <= 0 || (size_t)n >= cap) {
		return PM_ERR_NOSPACE;
	}
	*len = (size_t)n;
	return PM_OK;
}

/* Serialises a message in the configured value format. */
static pm_status encode_value(const struct app_pusher *p, const Picmon__Record *msg, uint8_t *out, size_t cap,
                              size_t *len)
{
	if (p->p.value_format == APP_VALUE_JSON) {
		return app_record_json(msg, (char *)out, cap, len);
	}
	size_t need = picmon__record__get_packed_size(msg);
	if (need > cap) {
		return PM_ERR_NOSPACE;
	}
	*len = picmon__record__pack(msg, out);
	return PM_OK;
}

/* Adds (or replaces: latest wins, never the same key twice in one txn) one op of the batch. */
static pm_status add_op(struct app_pusher *p, struct app_pusher_batch *b, const char *key, size_t key_len,
                        const Picmon__Record *msg, uint32_t cls, int64_t bucket, bool leased)
{
	struct app_pusher_op *op = NULL;
	for (size_t i = 0; i < b->nops; i++) {
		if (b->ops[i].key_len == key_len && memcmp(b->ops[i].key, key, key_len) == 0) {
			op = &b->ops[i];
			b->bytes -= APP_B64_LEN(op->value_len);
			break;
		}
	}
	if (op == NULL) {
		if (b->nops >= APP_ETCD_MAX_TXN_OPS || key_len >= sizeof(op->key)) {
			return PM_ERR_NOSPACE;
		}
		op = &b->ops[b->nops++];
		memcpy(op->key, key, key_len);
		op->key[key_len] = '\0';
		op->key_len = key_len;
		uint32_t h = 2166136261u;
		for (size_t i = 0; i < key_len; i++) {
			h = (h ^ (uint8_t)key[i]) * 16777619u;
		}
		op->key_hash = h;
		b->bytes += APP_B64_LEN(key_len) + 64u;
	}
	pm_status st = encode_value(p, msg, op->value, sizeof(op->value), &op->value_len);
	if (st != PM_OK) {
		return st;
	}
	b->bytes += APP_B64_LEN(op->value_len);
	op->lease_class = cls;
	op->bucket = bucket;
	op->lease = leased ? app_pusher_lease_id(p, cls, bucket) : 0;
	return PM_OK;
}

static unsigned ops_needed(const struct rt_record *rec)
{
	return rec->kind == RT_REC_STATE ? 3u : 1u;
}

/* Maps one journal record to its keys in the batch. */
static pm_status add_record(struct app_pusher *p, struct app_pusher_batch *b, const struct rt_record *rec)
{
	Picmon__Record msg;
	union {
		Picmon__Metric metric;
		Picmon__StateChange state;
		Picmon__Event event;
		Picmon__Violation violation;
	} body;
	app_record_to_pb(rec, &msg, &body, sizeof(body));
	int64_t bucket = rec->real_ns / p->p.lease_bucket_ns;
	char key[APP_PUSHER_MAX_KEY];
	size_t kl = 0;
	pm_status st;
	switch (rec->kind) {
	case RT_REC_METRIC:
		st = app_pusher_key(p->p.prefix, rec, "metric", key, sizeof(key), &kl);
		if (st == PM_OK) {
			st = add_op(p, b, key, kl, &msg, APP_RET_METRICS, bucket, true);
		}
		break;
	case RT_REC_STATE: {
		st = app_pusher_key(p->p.prefix, rec, "state", key, sizeof(key), &kl);
		if (st == PM_OK) {
			st = add_op(p, b, key, kl, &msg, APP_RET_STATE, bucket, true);
		}
		if (st == PM_OK) {
			st = app_pusher_key(p->p.prefix, rec, "event", key, sizeof(key), &kl);
		}
		if (st == PM_OK) {
			st = add_op(p, b, key, kl, &msg, APP_RET_STATE, bucket, true);
		}
		/* The resource's summary: current state, since when, from which record. No lease: one
		 * small key per configured resource, the entry point of a reader. */
		Picmon__ResourceSummary sum;
		picmon__resource_summary__init(&sum);
		sum.state = body.state.to;
		sum.state_since_ns = rec->real_ns;
		sum.last_seq = rec->seq;
		Picmon__Record smsg = msg;
		smsg.body_case = PICMON__RECORD__BODY_SUMMARY;
		smsg.summary = &sum;
		if (st == PM_OK) {
			st = app_pusher_key(p->p.prefix, rec, "summary", key, sizeof(key), &kl);
		}
		if (st == PM_OK) {
			st = add_op(p, b, key, kl, &smsg, APP_RET_STATE, bucket, false);
		}
		break;
	}
	case RT_REC_EVENT:
	case RT_REC_VIOLATION:
		st = app_pusher_key(p->p.prefix, rec, "event", key, sizeof(key), &kl);
		if (st == PM_OK) {
			st = add_op(p, b, key, kl, &msg, APP_RET_EVENTS, bucket, true);
		}
		break;
	default:
		st = PM_ERR_INVAL;
		break;
	}
	if (st != PM_OK) {
		return st;
	}
	b->records++;
	if (rec->kind != RT_REC_METRIC) {
		b->events++;
	}
	b->last_seq = rec->seq;
	return PM_OK;
}

static bool fits(const struct app_pusher *p, const struct app_pusher_batch *b, const struct rt_record *rec)
{
	size_t worst =
	    ops_needed(rec) * (APP_B64_LEN(APP_PUSHER_MAX_KEY) + APP_B64_LEN(APP_RECORD_MAX_JSON) + 64u);
	return b->nops + ops_needed(rec) <= p->p.max_ops_per_txn &&
	       b->bytes + worst + 64u <= p->p.max_txn_bytes;
}

/* Fills the batch from the journal until it is full or the journal end is reached. */
static pm_status fill_batch(struct app_pusher *p, struct app_pusher_batch *b)
{
	for (uint32_t i = 0; i < APP_ETCD_MAX_TXN_OPS && !b->sealed; i++) {
		struct rt_record rec;
		if (p->have_lookahead) {
			rec = p->lookahead;
			p->have_lookahead = false;
		} else {
			uint64_t seq = 0;
			size_t len = 0;
			pm_status st =
			    app_journal_reader_next(&p->reader, &seq, p->payload, sizeof(p->payload), &len);
			if (st == PM_ERR_AGAIN) {
				p->at_end = true;
				break;
			}
			if (st != PM_OK) {
				return st;
			}
			p->at_end = false;
			if (p->reader.seq_gaps != p->reader_gaps_seen) {
				uint64_t lost = p->reader.seq_gaps - p->reader_gaps_seen;
				p->reader_gaps_seen = p->reader.seq_gaps;
				p->c.journal_lost += lost;
				hal_log(HAL_LOG_ERROR,
				        "etcd: %" PRIu64
				        " journal records were deleted (size bound) before they reached etcd",
				        lost);
			}
			st = app_record_unpack(p->payload, len, &p->arena, &rec);
			if (st != PM_OK) {
				hal_log(HAL_LOG_WARN,
				        "etcd: journal record %" PRIu64 " is not decodable: skipped", seq);
				b->last_seq = seq;
				continue;
			}
			rec.seq = seq;
		}
		if (!fits(p, b, &rec)) {
			p->lookahead = rec;
			p->have_lookahead = true;
			b->sealed = true;
			break;
		}
		pm_status st = add_record(p, b, &rec);
		if (st != PM_OK) {
			hal_log(HAL_LOG_WARN,
			        "etcd: record %" PRIu64 " cannot be mapped to keys (%s): skipped", rec.seq,
			        pm_status_str(st));
			b->last_seq = rec.seq;
		}
	}
	return PM_OK;
}

static void backoff(struct app_pusher *p, pm_ns now)
{
	pm_ns d = p->backoff_ns == 0 ? p->p.backoff_min_ns : p->backoff_ns * 2;
	if (d > p->p.backoff_max_ns) {
		d = p->p.backoff_max_ns;
	}
	p->backoff_ns = d;
	/* xorshift32 jitter in [-25 %, +25 %): members recovering together are not hit in lock-step. */
	p->rng ^= p->rng << 13;
	p->rng ^= p->rng >> 17;
	p->rng ^= p->rng << 5;
	pm_ns jitter = (pm_ns)(p->rng % 1000u) * (d / 2) / 1000 - d / 4;
	p->backoff_until_ns = now + d + jitter;
	p->c.failures++;
}

static void raise_alert(struct app_pusher *p, pm_ns now, const char *type, const char *message)
{
	p->c.alerts++;
	hal_log(HAL_LOG_ERROR, "etcd: %s: %s", type, message);
	if (p->p.alert_ring == NULL) {
		return;
	}
	struct rt_record rec;
	memset(&rec, 0, sizeof(rec));
	rec.kind = RT_REC_EVENT;
	rec.resource_type = RT_RES_NODE;
	rec.mono_ns = now;
	rec.real_ns = hal_clock_real_ns();
	(void)snprintf(rec.resource, sizeof(rec.resource), "picmon");
	(void)snprintf(rec.u.event.type, sizeof(rec.u.event.type), "%s", type);
	rec.u.event.severity = RT_SEV_CRITICAL;
	(void)snprintf(rec.u.event.message, sizeof(rec.u.event.message), "%s", message);
	(void)rt_record_ring_push(p->p.alert_ring, &rec);
}

static struct app_pusher_lease *lease_slot(struct app_pusher *p, uint32_t cls, int64_t bucket, pm_ns now)
{
	struct app_pusher_lease *oldest = &p->leases[0];
	for (size_t i = 0; i < APP_PUSHER_LEASES; i++) {
		struct app_pusher_lease *l = &p->leases[i];
		if (l->valid && l->cls == cls && l->bucket == bucket) {
			l->last_used_ns = now;
			return l;
		}
		if (!l->valid || (oldest->valid && l->last_used_ns < oldest->last_used_ns)) {
			oldest = l;
		}
	}
	memset(oldest, 0, sizeof(*oldest));
	oldest->valid = true;
	oldest->cls = cls;
	oldest->bucket = bucket;
	oldest->id = app_pusher_lease_id(p, cls, bucket);
	oldest->last_used_ns = now;
	return oldest;
}

static pm_status ensure_leases(struct app_pusher *p, struct app_etcd *e, const struct app_pusher_batch *b,
                               pm_ns now)
{
	for (size_t i = 0; i < b->nops; i++) {
		if (b->ops[i].lease == 0) {
			continue;
		}
		struct app_pusher_lease *l = lease_slot(p, b->ops[i].lease_class, b->ops[i].bucket, now);
		if (l->granted) {
			continue;
		}
		int64_t ttl = p->p.retention_ns[l->cls] / PM_NS_PER_S;
		pm_status st = app_etcd_lease_grant(e, l->id, ttl, NULL);
		if (st != PM_OK) {
			return st;
		}
		l->granted = true;
		l->last_keepalive_ns = now;
		p->c.lease_grants++;
	}
	return PM_OK;
}

/* Keeps the current bucket's leases alive; a lease etcd forgot is granted again. */
static pm_status keepalives(struct app_pusher *p, struct app_etcd *e, pm_ns now)
{
	int64_t current = hal_clock_real_ns() / p->p.lease_bucket_ns;
	for (size_t i = 0; i < APP_PUSHER_LEASES; i++) {
		struct app_pusher_lease *l = &p->leases[i];
		if (!l->valid || !l->granted || l->bucket != current ||
		    now - l->last_keepalive_ns < p->p.keepalive_interval_ns) {
			continue;
		}
		int64_t ttl = 0;
		pm_status st = app_etcd_lease_keepalive(e, l->id, &ttl);
		if (st == PM_ERR_NOENT) {
			l->granted = false; /* granted again before its next use */
			continue;
		}
		if (st != PM_OK) {
			return st;
		}
		l->last_keepalive_ns = now;
		p->c.keepalives++;
	}
	return PM_OK;
}

static void invalidate_batch_leases(struct app_pusher *p)
{
	for (size_t i = 0; i < APP_PUSHER_LEASES; i++) {
		p->leases[i].granted = false;
	}
}

static pm_status handle_failure(struct app_pusher *p, const struct app_etcd *e, pm_status st, pm_ns now)
{
	if (st == PM_ERR_TIMEOUT) {
		p->c.timeouts++;
	}
	if (st == PM_ERR_NOSPACE) {
		p->c.nospace++;
		if (!p->nospace_raised) {
			p->nospace_raised = true;
			raise_alert(
			    p, now, "etcd-nospace",
			    "etcd database space exceeded: records stay in the journal and are retried");
		}
	} else if (st == PM_ERR_NOENT) {
		invalidate_batch_leases(p); /* a lease expired or etcd lost it: granted again on retry */
		hal_log(HAL_LOG_WARN, "etcd: %s; leases are granted again", e->last_error);
	} else {
		hal_log(HAL_LOG_WARN, "etcd: %s (%s); retrying", pm_status_str(st), e->last_error);
	}
	backoff(p, now);
	return st;
}

static void maybe_save_cursor(struct app_pusher *p, pm_ns now, bool force)
{
	if (!p->cursor_dirty || (!force && now - p->last_cursor_write_ns < p->p.cursor_interval_ns)) {
		return;
	}
	pm_status st = app_pusher_save_cursor(p);
	p->last_cursor_write_ns = now;
	if (st != PM_OK) {
		hal_log(HAL_LOG_WARN, "etcd: cannot persist the cursor: %s", pm_status_str(st));
	}
}

/* Whether the two batches share no key, so both may be in flight: etcd may apply them in either
 * order. Compared by hash; a collision only costs the overlap. Bounded: 128 x 128 compares. */
static bool disjoint(const struct app_pusher_batch *a, const struct app_pusher_batch *b)
{
	for (size_t i = 0; i < b->nops; i++) {
		for (size_t j = 0; j < a->nops; j++) {
			if (b->ops[i].key_hash == a->ops[j].key_hash) {
				return false;
			}
		}
	}
	return true;
}

/* Grants what the sealed batch's leases need, then begins its txn on its lane. */
static pm_status send_batch(struct app_pusher *p, size_t lane, pm_ns now)
{
	struct app_pusher_batch *b = &p->batches[lane];
	pm_status st = ensure_leases(p, &p->etcd[lane], b, now);
	if (st != PM_OK) {
		return st;
	}
	for (size_t i = 0; i < b->nops; i++) {
		p->puts[i] = (struct app_etcd_put){ .key = b->ops[i].key,
			                            .key_len = b->ops[i].key_len,
			                            .value = b->ops[i].value,
			                            .value_len = b->ops[i].value_len,
			                            .lease = b->ops[i].lease };
	}
	st = app_etcd_txn_begin(&p->etcd[lane], p->puts, b->nops);
	b->in_flight = st == PM_OK;
	return st;
}

/* Gives up the other lane's txn when the head failed: it is sent again after the head. */
static void abandon(struct app_pusher *p, size_t lane)
{
	if (p->batches[lane].in_flight) {
		app_etcd_txn_abandon(&p->etcd[lane]);
		p->batches[lane].in_flight = false;
		p->c.abandoned++;
	}
}

pm_status app_pusher_step(struct app_pusher *p, pm_ns now)
{
	_Static_assert(APP_PUSHER_LANES == 2u, "the step alternates between two lanes");
	if (now < p->backoff_until_ns) {
		return PM_ERR_AGAIN;
	}
	const size_t head = p->cur;
	const size_t other = 1u - head;
	struct app_pusher_batch *b = &p->batches[head];
	struct app_pusher_batch *next = &p->batches[other];
	assert(!next->in_flight); /* only the head outlives a step in flight */
	pm_status st = keepalives(p, &p->etcd[other], now);
	if (st != PM_OK) {
		abandon(p, head);
		return handle_failure(p, &p->etcd[other], st, now);
	}
	if (!b->in_flight) {
		if (!b->sealed) {
			st = fill_batch(p, b);
			if (st != PM_OK) {
				hal_log(HAL_LOG_ERROR, "etcd: reading the journal: %s", pm_status_str(st));
				backoff(p, now);
				return st;
			}
		}
		if (b->nops == 0) {
			/* Records that mapped to nothing (skipped) still advance the cursor. */
			if (b->last_seq > p->c.acked_seq) {
				p->c.acked_seq = b->last_seq;
				p->cursor_dirty = true;
			}
			b->sealed = false;
			maybe_save_cursor(p, now, false);
			return PM_ERR_AGAIN;
		}
		b->sealed = true; /* retried as is until accepted */
		st = send_batch(p, head, now);
		if (st != PM_OK) {
			return handle_failure(p, &p->etcd[head], st, now);
		}
	}
	/* While etcd commits the head, the next batch is read from the journal and, sharing no key
	 * with the head, sent on the other lane. A failure there is met again at its own turn. */
	if (!next->sealed) {
		(void)fill_batch(p, next);
	}
	if (next->nops > 0 && disjoint(b, next)) {
		next->sealed = true;
		if (send_batch(p, other, now) == PM_OK) {
			p->c.overlapped++;
		}
	}
	st = app_etcd_txn_end(&p->etcd[head]);
	b->in_flight = false;
	if (st != PM_OK) {
		abandon(p, other);
		return handle_failure(p, &p->etcd[head], st, now);
	}
	if (p->nospace_raised) {
		p->nospace_raised = false;
		hal_log(HAL_LOG_INFO, "etcd: space available again, pushing resumed");
	}
	p->c.txns++;
	p->c.ops += b->nops;
	p->c.records_pushed += b->records;
	p->c.events_pushed += b->events;
	p->c.acked_seq = b->last_seq;
	p->cursor_dirty = true;
	b->nops = 0;
	b->bytes = 0;
	b->records = 0;
	b->events = 0;
	b->sealed = false;
	p->cur = other;
	p->backoff_ns = 0;
	maybe_save_cursor(p, now, false);
	return PM_OK;
}

static bool batches_empty(const struct app_pusher *p)
{
	return p->batches[0].nops == 0 && p->batches[1].nops == 0;
}

pm_status app_pusher_flush(struct app_pusher *p, pm_ns grace_ns, uint64_t *remaining)
{
	pm_ns start = hal_clock_mono_ns();
	pm_ns deadline = start + grace_ns;
	/* Bounded by the grace period: every pass either pushes, sleeps or returns. */
	for (;;) {
		pm_ns now = hal_clock_mono_ns();
		if (now >= deadline) {
			break;
		}
		pm_status st = app_pusher_step(p, now);
		if (st == PM_OK) {
			continue;
		}
		if (batches_empty(p) && !p->have_lookahead && p->at_end) {
			break; /* caught up */
		}
		pm_ns until = p->backoff_until_ns > now ? p->backoff_until_ns : now + PM_NS_PER_MS;
		(void)hal_sleep_until_mono(until < deadline ? until : deadline, NULL);
	}
	maybe_save_cursor(p, hal_clock_mono_ns(), true);
	/* Count what is left: the batch, the look-ahead and the rest of the journal. */
	uint64_t left = p->batches[0].records + p->batches[1].records + (p->have_lookahead ? 1u : 0u);
	for (uint64_t i = 0; i < UINT64_C(1) << 32; i++) {
		uint64_t seq = 0;
		size_t len = 0;
		if (app_journal_reader_next(&p->reader, &seq, p->payload, sizeof(p->payload), &len) !=
		    PM_OK) {
			break;
		}
		left++;
	}
	if (remaining != NULL) {
		*remaining = left;
	}
	return left == 0 ? PM_OK : PM_ERR_TIMEOUT;
}
