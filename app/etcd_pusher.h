/* The etcd pusher: reads the journal from a persisted cursor and writes etcd at least once and
 * idempotently, with the keys of HLD §5.1 under a prefix, values as protobuf or JSON, and leases per
 * retention class and time bucket. One txn of up to 128 distinct keys per step; backoff with jitter on
 * failures; NOSPACE raises an alert record and keeps retrying while the journal keeps everything. */
#ifndef APP_ETCD_PUSHER_H
#define APP_ETCD_PUSHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "etcd_client.h"
#include "journal.h"
#include "record_codec.h"
#include "rt/record_ring.h"

enum app_value_format {
	APP_VALUE_PROTOBUF = 0, /* a packed picmon.Record */
	APP_VALUE_JSON = 1,     /* data_storage.value_format: json */
};

enum app_retention_class {
	APP_RET_METRICS = 0, /* {type}/{id}/metrics/{metric}: 30 d */
	APP_RET_EVENTS = 1,  /* {type}/{id}/events/{ts} of events and violations: 90 d */
	APP_RET_STATE = 2,   /* {type}/{id}/state and the transitions under events/: 60 d */
	APP_RET_COUNT = 3,
};

#define APP_PUSHER_MAX_PREFIX 128
#define APP_PUSHER_MAX_KEY 320
#define APP_PUSHER_LEASES 16
#define APP_PUSHER_CURSOR_FILE APP_JOURNAL_CURSOR_FILE

struct app_pusher_params {
	char journal_dir[PM_MAX_PATH];
	struct app_etcd_params etcd;
	char prefix[APP_PUSHER_MAX_PREFIX]; /* default "/piccolo/monitoring" (no trailing '/') */
	enum app_value_format value_format;
	pm_ns retention_ns[APP_RET_COUNT]; /* lease TTLs per class (30 d, 90 d, 60 d) */
	pm_ns lease_bucket_ns;             /* a new lease per class per bucket (1 d) */
	pm_ns keepalive_interval_ns;       /* current leases refreshed this often (60 s) */
	uint32_t max_ops_per_txn;          /* <= 128 */
	size_t max_txn_bytes;              /* <= 1.5 MiB encoded */
	pm_ns backoff_min_ns;              /* first retry delay (100 ms), doubled per failure */
	pm_ns backoff_max_ns;              /* cap (5 s); each delay gets +-25 % jitter */
	pm_ns cursor_interval_ns;          /* persist the cursor at most this often (100 ms) */
	struct rt_record_ring *alert_ring; /* producer side: alerts (NOSPACE) to journal; may be NULL */
};

void app_pusher_params_default(struct app_pusher_params *p);

struct app_pusher_counters {
	uint64_t records_pushed; /* journal records whose keys etcd accepted */
	uint64_t events_pushed;  /* of which state changes, events and violations */
	uint64_t acked_seq;      /* cursor: every record <= this is in etcd */
	uint64_t txns;
	uint64_t ops;
	uint64_t failures; /* failed calls (each followed by a backoff) */
	uint64_t timeouts; /* of which unknown outcome */
	uint64_t nospace;  /* of which etcd quota exhausted */
	uint64_t alerts;   /* alert records raised */
	uint64_t lease_grants;
	uint64_t keepalives;
	uint64_t journal_lost; /* records deleted from the journal before they were pushed */
	uint64_t overlapped;   /* txns sent on the second lane while the head was in flight */
	uint64_t abandoned;    /* of which given up unanswered because the head failed (sent again) */
};

struct app_pusher_op {
	char key[APP_PUSHER_MAX_KEY];
	size_t key_len;
	uint32_t key_hash; /* FNV-1a of the key: do two batches share a key? */
	size_t value_len;
	int64_t lease;
	uint32_t lease_class;
	int64_t bucket;
	uint8_t value[APP_RECORD_MAX_JSON];
};

struct app_pusher_lease {
	bool valid;
	bool granted;
	uint32_t cls;
	int64_t bucket;
	int64_t id;
	pm_ns last_used_ns;
	pm_ns last_keepalive_ns;
};

/* One txn's worth of keys. Two of them: one is sent while the next is filled from the journal. */
struct app_pusher_batch {
	struct app_pusher_op ops[APP_ETCD_MAX_TXN_OPS];
	size_t nops;
	size_t bytes;      /* encoded size estimate */
	uint64_t last_seq; /* last journal record it covers */
	uint32_t records;
	uint32_t events;
	bool sealed;    /* no more records go in: sent (and retried as is until accepted) or full */
	bool in_flight; /* its txn is begun on its lane and not yet answered */
};

/* Txns in flight at once, each on its own connection (a lane). etcd commits concurrent txns in one
 * raft round and one WAL sync: two lanes carry about 1.6 times what one does (measured here). A
 * second batch goes out only when it shares no key with the first, so the order in which etcd
 * applies them cannot matter. */
#define APP_PUSHER_LANES 2u

struct app_pusher {
	struct app_pusher_params p;
	struct app_etcd etcd[APP_PUSHER_LANES]; /* lane k sends batches[k] */
	struct app_journal_reader reader;
	struct app_pb_arena arena;
	struct app_pusher_batch batches[APP_PUSHER_LANES];
	size_t cur; /* the oldest batch, answered first; only it may be in flight between steps */
	struct app_etcd_put puts[APP_ETCD_MAX_TXN_OPS];
	bool have_lookahead; /* a record read but not fitting the batch */
	struct rt_record lookahead;
	bool at_end; /* the last read found the end of the journal */
	struct app_pusher_lease leases[APP_PUSHER_LEASES];
	uint64_t lease_salt;
	pm_ns backoff_until_ns;
	pm_ns backoff_ns;
	uint32_t rng;
	bool nospace_raised;
	bool cursor_dirty;
	pm_ns last_cursor_write_ns;
	uint64_t reader_gaps_seen;
	struct app_pusher_counters c;
	uint8_t payload[APP_JOURNAL_MAX_PAYLOAD];
};

/* Reads the cursor, opens the journal (live) after it and resolves the endpoints (before freeze).
 * `p` is caller storage (large: keep it static). Does not contact etcd yet. */
pm_status app_pusher_init(struct app_pusher *p, const struct app_pusher_params *params);

/* At most one txn (plus due lease calls). PM_OK: progress was made, call again soon; PM_ERR_AGAIN:
 * nothing to do (journal end) or backing off; other codes: the failure just met (already in backoff). */
pm_status app_pusher_step(struct app_pusher *p, pm_ns now);

/* Pushes what etcd accepts within `grace_ns` (orderly stop), persists the cursor and counts the
 * records still only in the journal into *remaining. PM_OK when nothing remains. */
pm_status app_pusher_flush(struct app_pusher *p, pm_ns grace_ns, uint64_t *remaining);

void app_pusher_get_counters(const struct app_pusher *p, struct app_pusher_counters *out);

/* The etcd client counters summed over the lanes. */
void app_pusher_etcd_counters(const struct app_pusher *p, struct app_etcd_counters *out);

/* The lease id of a class and bucket (deterministic, so re-grants after restarts are idempotent). */
int64_t app_pusher_lease_id(const struct app_pusher *p, uint32_t cls, int64_t bucket);

/* Key of a record's kind under the prefix: writes "{prefix}/{type}/{id}[/suffix]"; for tests too. */
pm_status app_pusher_key(const char *prefix, const struct rt_record *rec, const char *what, char *out,
                         size_t cap, size_t *len);

/* Persists the cursor now. */
pm_status app_pusher_save_cursor(struct app_pusher *p);

void app_pusher_close(struct app_pusher *p);

#endif
