/* etcd v3 client over the JSON gateway (HTTP/1.1, keep-alive): txn of puts, range, lease grant/
 * keepalive/revoke/timetolive, authenticate. Failover across endpoints in order; token
 * re-authentication on 401 / code 16; a timeout is "unknown" (callers retry: every write is
 * idempotent). All buffers are inside the (static) client object. */
#ifndef APP_ETCD_CLIENT_H
#define APP_ETCD_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "json.h"
#include "rt/limits.h"
#include "rt/time.h"

#define APP_ETCD_MAX_TXN_OPS 128u              /* etcd's default --max-txn-ops */
#define APP_ETCD_MAX_TXN_BYTES (1536u * 1024u) /* encoded request bound (etcd: 1.5 MiB) */
#define APP_ETCD_REQ_CAP (APP_ETCD_MAX_TXN_BYTES + 4096u)
#define APP_ETCD_RESP_CAP (4u * 1024u * 1024u)
#define APP_ETCD_TOKENS 65536u
#define APP_ETCD_MAX_KEY 1024u

struct app_etcd_params {
	char endpoints[PM_MAX_ENDPOINTS][PM_MAX_PATH]; /* "http://host:port" or "host:port", in order */
	size_t endpoint_count;
	char user[64]; /* empty: no authentication */
	char password[128];
	pm_ns connect_timeout_ns; /* default 1 s */
	pm_ns request_timeout_ns; /* one request/response, default 2 s */
};

void app_etcd_params_default(struct app_etcd_params *p);

/* Fills endpoints from "URL[,URL...]"; PM_ERR_NOSPACE beyond PM_MAX_ENDPOINTS. */
pm_status app_etcd_params_set_endpoints(struct app_etcd_params *p, const char *list);

struct app_etcd_put {
	const char *key;
	size_t key_len;
	const uint8_t *value;
	size_t value_len;
	int64_t lease; /* 0: none */
};

struct app_etcd_counters {
	uint64_t requests;
	uint64_t failovers;
	uint64_t reauths;
	uint64_t errors;
};

struct app_etcd {
	struct app_etcd_params p;
	struct app_http_conn conns[PM_MAX_ENDPOINTS];
	size_t current; /* endpoint in use */
	char token[512];
	char last_error[256]; /* etcd's message of the last failed call */
	int64_t last_code;    /* its gRPC code */
	struct app_etcd_counters c;
	struct app_json json; /* of the last response */
	bool pending;         /* a txn begun and not ended */
	bool pending_sent;    /* ... and its request went out on the current endpoint */
	size_t pending_len;   /* its body in req */
	size_t resp_len;
	char req[APP_ETCD_REQ_CAP];
	char resp[APP_ETCD_RESP_CAP];
	jsmntok_t tok[APP_ETCD_TOKENS];
};

/* Resolves every endpoint (before freeze); connects lazily. */
pm_status app_etcd_init(struct app_etcd *e, const struct app_etcd_params *p);
void app_etcd_close(struct app_etcd *e);

/* One txn with only puts (no compares), n <= APP_ETCD_MAX_TXN_OPS, keys distinct.
 * PM_ERR_NOSPACE: etcd's quota is exhausted (NOSPACE alarm); PM_ERR_NOENT: a lease was not found;
 * PM_ERR_INVAL: the request would exceed APP_ETCD_MAX_TXN_BYTES. */
pm_status app_etcd_txn_put(struct app_etcd *e, const struct app_etcd_put *ops, size_t n);

/* The same in two halves, so that the caller works while etcd commits: begin builds the request
 * (into the client) and sends it; end waits for the answer, and on a transport failure or an expired
 * token retries the same request through the failover/re-authentication path. */
pm_status app_etcd_txn_begin(struct app_etcd *e, const struct app_etcd_put *ops, size_t n);
pm_status app_etcd_txn_end(struct app_etcd *e);
/* Gives up a begun txn without waiting for its answer (its outcome stays unknown: the caller sends it
 * again later). The connection is closed, so no stale answer is read as the next one's. */
void app_etcd_txn_abandon(struct app_etcd *e);

/* Called per key of a range; return non-zero to stop. */
typedef int (*app_etcd_kv_fn)(void *ctx, const uint8_t *key, size_t key_len, const uint8_t *value,
                              size_t value_len, int64_t lease, int64_t mod_revision);

/* Range [key, range_end) (range_end NULL: the key alone), at most `limit` keys (0: no limit).
 * `*more` says whether keys were left out; `*count` the total in range. */
pm_status app_etcd_range(struct app_etcd *e, const uint8_t *key, size_t key_len, const uint8_t *range_end,
                         size_t range_end_len, int64_t limit, bool count_only, app_etcd_kv_fn fn, void *ctx,
                         bool *more, int64_t *count);

/* Grants lease `id` with `ttl_s`; an existing lease of that id is success (*existed = true). */
pm_status app_etcd_lease_grant(struct app_etcd *e, int64_t id, int64_t ttl_s, bool *existed);
/* Refreshes `id`; PM_ERR_NOENT when etcd does not know it (200 without TTL). */
pm_status app_etcd_lease_keepalive(struct app_etcd *e, int64_t id, int64_t *ttl_s);
pm_status app_etcd_lease_revoke(struct app_etcd *e, int64_t id);
/* Remaining and granted TTL; PM_ERR_NOENT when unknown (TTL -1). */
pm_status app_etcd_lease_ttl(struct app_etcd *e, int64_t id, int64_t *ttl_s, int64_t *granted_s);

/* Gets a token for user/password (also done automatically on 401 / code 16). */
pm_status app_etcd_authenticate(struct app_etcd *e);

#endif
