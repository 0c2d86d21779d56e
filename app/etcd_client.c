/* The etcd v3 JSON-gateway client: request building into the fixed request buffer, error mapping,
 * endpoint failover and re-authentication. */
#include "etcd_client.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base64.h"
#include "hal/log.h"

#define GRPC_UNAUTHENTICATED 16
#define GRPC_UNAVAILABLE 14

void app_etcd_params_default(struct app_etcd_params *p)
{
	memset(p, 0, sizeof(*p));
	(void)snprintf(p->endpoints[0], sizeof(p->endpoints[0]), "http://127.0.0.1:2379");
	p->endpoint_count = 1;
	p->connect_timeout_ns = PM_NS_PER_S;
	p->request_timeout_ns = 2 * PM_NS_PER_S;
}

pm_status app_etcd_params_set_endpoints(struct app_etcd_params *p, const char *list)
{
	size_t n = 0;
	const char *s = list;
	while (*s != '\0') {
		size_t len = strcspn(s, ",");
		if (len > 0) {
			if (n >= PM_MAX_ENDPOINTS) {
				return PM_ERR_NOSPACE;
			}
			if (len >= sizeof(p->endpoints[0])) {
				return PM_ERR_INVAL;
			}
			memcpy(p->endpoints[n], s, len);
			p->endpoints[n][len] = '\0';
			n++;
		}
		s += len;
		if (*s == ',') {
			s++;
		}
	}
	if (n == 0) {
		return PM_ERR_INVAL;
	}
	p->endpoint_count = n;
	return PM_OK;
}

pm_status app_etcd_init(struct app_etcd *e, const struct app_etcd_params *p)
{
	if (p->endpoint_count == 0 || p->endpoint_count > PM_MAX_ENDPOINTS) {
		return PM_ERR_INVAL;
	}
	memset(&e->c, 0, sizeof(e->c));
	e->p = *p;
	e->current = 0;
	e->token[0] = '\0';
	e->last_error[0] = '\0';
	e->last_code = 0;
	for (size_t i = 0; i < PM_MAX_ENDPOINTS; i++) {
		e->conns[i].sock = HAL_TCP_CLOSED;
	}
	for (size_t i = 0; i < p->endpoint_count; i++) {
		pm_status st = app_http_conn_init(&e->conns[i], p->endpoints[i], p->connect_timeout_ns,
		                                  p->request_timeout_ns);
		if (st != PM_OK) {
			hal_log(HAL_LOG_ERROR, "etcd: endpoint '%s': %s", p->endpoints[i], pm_status_str(st));
			return st;
		}
	}
	return PM_OK;
}

void app_etcd_close(struct app_etcd *e)
{
	for (size_t i = 0; i < e->p.endpoint_count; i++) {
		app_http_close(&e->conns[i]);
	}
}

/* Request body builder over e->req. */
struct rb {
	char *buf;
	size_t cap;
	size_t len;
	bool full;
};

static void rb_raw(struct rb *b, const char *s, size_t n)
{
	if (b->full || n >= b->cap - b->len) {
		b->full = true;
		return;
	}
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

static void rb_str(struct rb *b, const char *s)
{
	rb_raw(b, s, strlen(s));
}

static void rb_b64(struct rb *b, const uint8_t *data, size_t n)
{
	size_t out = 0;
	if (b->full || app_b64_encode(data, n, b->buf + b->len, b->cap - b->len, &out) != PM_OK) {
		b->full = true;
		return;
	}
	b->len += out;
}

static void rb_i64(struct rb *b, int64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%" PRId64, v);
	rb_raw(b, tmp, (size_t)n);
}

static void rb_json_string(struct rb *b, const char *s)
{
	rb_raw(b, "\"", 1);
	for (size_t i = 0; i < 1024 && s[i] != '\0'; i++) {
		if (s[i] == '"' || s[i] == '\\') {
			rb_raw(b, "\\", 1);
		}
		rb_raw(b, &s[i], 1);
	}
	rb_raw(b, "\"", 1);
}

static pm_status finish(struct rb *b, size_t *len)
{
	if (b->full) {
		return PM_ERR_INVAL;
	}
	*len = b->len;
	return PM_OK;
}

static bool message_has(const struct app_etcd *e, const char *needle)
{
	return strstr(e->last_error, needle) != NULL;
}

/* Maps an error response (already parsed into e->json) to a status; records its message. */
static pm_status map_error(struct app_etcd *e, int http_status)
{
	int msg = app_json_get(&e->json, 0, "message");
	if (msg < 0) {
		msg = app_json_get(&e->json, 0, "error");
	}
	e->last_error[0] = '\0';
	if (msg >= 0) {
		(void)app_json_str(&e->json, msg, e->last_error, sizeof(e->last_error), NULL);
	} else {
		(void)snprintf(e->last_error, sizeof(e->last_error), "HTTP %d", http_status);
	}
	e->last_code = 0;
	(void)app_json_int64(&e->json, app_json_get(&e->json, 0, "code"), &e->last_code);
	if (message_has(e, "database space exceeded")) {
		return PM_ERR_NOSPACE;
	}
	if (message_has(e, "lease not found")) {
		return PM_ERR_NOENT;
	}
	if (http_status == 401 || e->last_code == GRPC_UNAUTHENTICATED ||
	    message_has(e, "user name is empty") || message_has(e, "invalid auth token")) {
		return PM_ERR_PERM;
	}
	if (e->last_code == GRPC_UNAVAILABLE || message_has(e, "leader changed") ||
	    message_has(e, "no leader") || message_has(e, "timed out") ||
	    message_has(e, "too many requests") || http_status == 503) {
		return PM_ERR_TIMEOUT; /* the member cannot serve now: outcome unknown, try another */
	}
	return PM_ERR_REMOTE;
}

static pm_status transport_error(struct app_etcd *e, pm_status st)
{
	(void)snprintf(e->last_error, sizeof(e->last_error), "%.120s: %s", e->p.endpoints[e->current],
	               pm_status_str(st));
	/* Transport failures: TIMEOUT (unknown outcome) or IO (refused, reset, closed). */
	return st == PM_ERR_TIMEOUT ? PM_ERR_TIMEOUT : st == PM_ERR_NOSPACE ? PM_ERR_PARSE : PM_ERR_IO;
}

/* Parses the answer in e->resp and maps an etcd error to a status. */
static pm_status interpret(struct app_etcd *e, int http_status)
{
	pm_status st = app_json_parse(&e->json, e->resp, e->resp_len, e->tok, APP_ETCD_TOKENS);
	if (st != PM_OK || e->json.tok[0].type != JSMN_OBJECT) {
		(void)snprintf(e->last_error, sizeof(e->last_error),
		               "%.120s: HTTP %d with an unreadable body", e->p.endpoints[e->current],
		               http_status);
		return http_status == 200 ? PM_ERR_PARSE : PM_ERR_REMOTE;
	}
	if (http_status != 200 || app_json_get(&e->json, 0, "error") >= 0) {
		return map_error(e, http_status);
	}
	return PM_OK;
}

static pm_status post_once(struct app_etcd *e, const char *path, const char *body, size_t body_len,
                           int *http_status)
{
	struct app_http_conn *conn = &e->conns[e->current];
	e->c.requests++;
	pm_status st = app_http_post(conn, path, e->token, body, body_len, e->resp, sizeof(e->resp),
	                             &e->resp_len, http_status);
	if (st != PM_OK) {
		return transport_error(e, st);
	}
	return interpret(e, *http_status);
}

/* Sends body[0..body_len) to `path`: on transport failures and unavailable members, the next
 * endpoint in order (each tried once per call); on an expired token, one re-authentication. */
static pm_status call_body(struct app_etcd *e, const char *path, const char *body, size_t body_len)
{
	bool reauthed = false;
	pm_status st = PM_ERR_IO;
	if (e->p.user[0] != '\0' && e->token[0] == '\0' && strcmp(path, "/v3/auth/authenticate") != 0) {
		/* First call with credentials: get a token before etcd refuses the request. */
		st = app_etcd_authenticate(e);
		if (st != PM_OK) {
			return st;
		}
	}
	size_t failed = 0;
	size_t tries = e->p.endpoint_count + 2u;
	for (size_t t = 0; t < tries && failed < e->p.endpoint_count; t++) {
		int http_status = 0;
		st = post_once(e, path, body, body_len, &http_status);
		if (st == PM_OK) {
			return PM_OK;
		}
		if (st == PM_ERR_PERM && e->p.user[0] != '\0' && !reauthed &&
		    strcmp(path, "/v3/auth/authenticate") != 0) {
			reauthed = true;
			e->c.reauths++;
			/* The request body is in e->req: keep it aside while authenticating. */
			pm_status as = app_etcd_authenticate(e);
			if (as != PM_OK) {
				return as;
			}
			continue;
		}
		if (st == PM_ERR_TIMEOUT || st == PM_ERR_IO) {
			failed++;
			app_http_close(&e->conns[e->current]);
			if (e->p.endpoint_count > 1) {
				e->current = (e->current + 1) % e->p.endpoint_count;
				e->c.failovers++;
			}
			continue;
		}
		break;
	}
	e->c.errors++;
	return st;
}

static pm_status call(struct app_etcd *e, const char *path, size_t body_len)
{
	return call_body(e, path, e->req, body_len);
}

/* Builds the txn request body into e->req. */
static pm_status build_txn(struct app_etcd *e, const struct app_etcd_put *ops, size_t n, size_t *len)
{
	if (n == 0 || n > APP_ETCD_MAX_TXN_OPS) {
		return PM_ERR_INVAL;
	}
	struct rb b = { e->req, APP_ETCD_MAX_TXN_BYTES, 0, false };
	rb_str(&b, "{\"success\":[");
	for (size_t i = 0; i < n; i++) {
		rb_str(&b, i == 0 ? "{\"requestPut\":{\"key\":\"" : ",{\"requestPut\":{\"key\":\"");
		rb_b64(&b, (const uint8_t *)ops[i].key, ops[i].key_len);
		rb_str(&b, "\",\"value\":\"");
		rb_b64(&b, ops[i].value, ops[i].value_len);
		rb_str(&b, "\"");
		if (ops[i].lease != 0) {
			rb_str(&b, ",\"lease\":\"");
			rb_i64(&b, ops[i].lease);
			rb_str(&b, "\"");
		}
		rb_str(&b, "}}");
	}
	rb_str(&b, "]}");
	return finish(&b, len);
}

static pm_status txn_succeeded(struct app_etcd *e)
{
	/* No compares: etcd reports succeeded=true; anything else is a protocol surprise. */
	int ok = app_json_get(&e->json, 0, "succeeded");
	if (ok >= 0 && !app_json_eq(&e->json, ok, "true")) {
		(void)snprintf(e->last_error, sizeof(e->last_error), "txn not succeeded");
		return PM_ERR_REMOTE;
	}
	return PM_OK;
}

pm_status app_etcd_txn_put(struct app_etcd *e, const struct app_etcd_put *ops, size_t n)
{
	if (n == 0) {
		return PM_OK;
	}
	pm_status st = app_etcd_txn_begin(e, ops, n);
	return st == PM_OK ? app_etcd_txn_end(e) : st;
}

pm_status app_etcd_txn_begin(struct app_etcd *e, const struct app_etcd_put *ops, size_t n)
{
	size_t len = 0;
	e->pending = false;
	pm_status st = build_txn(e, ops, n, &len);
	if (st != PM_OK) {
		return st;
	}
	e->pending = true;
	e->pending_len = len;
	e->pending_sent = false;
	if (e->p.user[0] != '\0' && e->token[0] == '\0') {
		return PM_OK; /* no token yet: app_etcd_txn_end takes the path that authenticates */
	}
	bool reused = false;
	e->c.requests++;
	st = app_http_send(&e->conns[e->current], "/v3/kv/txn", e->token, e->req, len, &reused);
	e->pending_sent = st == PM_OK;
	return PM_OK; /* a failed send is retried by app_etcd_txn_end */
}

pm_status app_etcd_txn_end(struct app_etcd *e)
{
	if (!e->pending) {
		return PM_ERR_STATE;
	}
	e->pending = false;
	if (e->pending_sent) {
		int http_status = 0;
		bool closed = false;
		pm_status st = app_http_receive(&e->conns[e->current], e->resp, sizeof(e->resp), &e->resp_len,
		                                &http_status, &closed);
		if (st == PM_OK) {
			st = interpret(e, http_status);
			if (st == PM_OK) {
				return txn_succeeded(e);
			}
			if (st != PM_ERR_PERM && st != PM_ERR_TIMEOUT) {
				e->c.errors++;
				return st; /* etcd's answer: NOSPACE, lease not found, ... */
			}
		} else {
			st = transport_error(e, st);
			if (st == PM_ERR_TIMEOUT && e->p.endpoint_count == 1) {
				e->c.errors++;
				return st; /* unknown outcome: the caller backs off and retries */
			}
			if (st == PM_ERR_TIMEOUT) {
				e->current = (e->current + 1) % e->p.endpoint_count;
				e->c.failovers++;
			}
		}
	}
	/* The general path: failover across endpoints and re-authentication, same request body. */
	pm_status st = call(e, "/v3/kv/txn", e->pending_len);
	return st == PM_OK ? txn_succeeded(e) : st;
}

void app_etcd_txn_abandon(struct app_etcd *e)
{
	if (e->pending && e->pending_sent) {
		app_http_close(&e->conns[e->current]);
	}
	e->pending = false;
	e->pending_sent = false;
}

pm_status app_etcd_range(struct app_etcd *e, const uint8_t *key, size_t key_len, const uint8_t *range_end,
                         size_t range_end_len, int64_t limit, bool count_only, app_etcd_kv_fn fn, void *ctx,
                         bool *more, int64_t *count)
{
	struct rb b = { e->req, sizeof(e->req), 0, false };
	rb_str(&b, "{\"key\":\"");
	rb_b64(&b, key, key_len);
	rb_str(&b, "\"");
	if (range_end != NULL) {
		rb_str(&b, ",\"range_end\":\"");
		rb_b64(&b, range_end, range_end_len);
		rb_str(&b, "\"");
	}
	if (limit > 0) {
		rb_str(&b, ",\"limit\":\"");
		rb_i64(&b, limit);
		rb_str(&b, "\"");
	}
	if (count_only) {
		rb_str(&b, ",\"count_only\":true");
	}
	rb_str(&b, "}");
	size_t len = 0;
	pm_status st = finish(&b, &len);
	if (st == PM_OK) {
		st = call(e, "/v3/kv/range", len);
	}
	if (st != PM_OK) {
		return st;
	}
	if (more != NULL) {
		*more = app_json_eq(&e->json, app_json_get(&e->json, 0, "more"), "true");
	}
	if (count != NULL) {
		*count = 0;
		(void)app_json_int64(&e->json, app_json_get(&e->json, 0, "count"), count);
	}
	int kvs = app_json_get(&e->json, 0, "kvs");
	if (kvs < 0 || fn == NULL) {
		return PM_OK;
	}
	if (e->json.tok[kvs].type != JSMN_ARRAY) {
		return PM_ERR_PARSE;
	}
	/* Decoded keys and values go to the request buffer: it is free once the response is in. */
	static uint8_t kbuf[APP_ETCD_MAX_KEY];
	int idx = kvs + 1;
	for (int i = 0; i < e->json.tok[kvs].size && idx < e->json.count; i++) {
		int k = app_json_get(&e->json, idx, "key");
		int v = app_json_get(&e->json, idx, "value");
		int64_t lease = 0, mod = 0;
		(void)app_json_int64(&e->json, app_json_get(&e->json, idx, "lease"), &lease);
		(void)app_json_int64(&e->json, app_json_get(&e->json, idx, "mod_revision"), &mod);
		size_t kl = 0, vl = 0;
		if (k < 0) {
			return PM_ERR_PARSE;
		}
		const jsmntok_t *kt = &e->json.tok[k];
		st = app_b64_decode(e->json.js + kt->start, (size_t)(kt->end - kt->start), kbuf, sizeof(kbuf),
		                    &kl);
		if (st != PM_OK) {
			return st;
		}
		if (v >= 0) {
			const jsmntok_t *vt = &e->json.tok[v];
			st = app_b64_decode(e->json.js + vt->start, (size_t)(vt->end - vt->start),
			                    (uint8_t *)e->req, sizeof(e->req), &vl);
			if (st != PM_OK) {
				return st;
			}
		}
		if (fn(ctx, kbuf, kl, (const uint8_t *)e->req, vl, lease, mod) != 0) {
			break;
		}
		idx = app_json_skip(&e->json, idx);
	}
	return PM_OK;
}

pm_status app_etcd_lease_grant(struct app_etcd *e, int64_t id, int64_t ttl_s, bool *existed)
{
	struct rb b = { e->req, sizeof(e->req), 0, false };
	rb_str(&b, "{\"TTL\":\"");
	rb_i64(&b, ttl_s);
	rb_str(&b, "\",\"ID\":\"");
	rb_i64(&b, id);
	rb_str(&b, "\"}");
	size_t len = 0;
	pm_status st = finish(&b, &len);
	if (st == PM_OK) {
		st = call(e, "/v3/lease/grant", len);
	}
	if (existed != NULL) {
		*existed = false;
	}
	if (st == PM_ERR_REMOTE && message_has(e, "lease already exists")) {
		if (existed != NULL) {
			*existed = true;
		}
		return PM_OK;
	}
	if (st == PM_OK) {
		/* 3.4 reports some failures in an "error" string inside a 200 answer. */
		int err = app_json_get(&e->json, 0, "error");
		if (err >= 0 && !app_json_eq(&e->json, err, "")) {
			(void)app_json_str(&e->json, err, e->last_error, sizeof(e->last_error), NULL);
			if (message_has(e, "already exists")) {
				if (existed != NULL) {
					*existed = true;
				}
				return PM_OK;
			}
			return PM_ERR_REMOTE;
		}
	}
	return st;
}

static pm_status lease_id_call(struct app_etcd *e, const char *path, int64_t id)
{
	struct rb b = { e->req, sizeof(e->req), 0, false };
	rb_str(&b, "{\"ID\":\"");
	rb_i64(&b, id);
	rb_str(&b, "\"}");
	size_t len = 0;
	pm_status st = finish(&b, &len);
	return st == PM_OK ? call(e, path, len) : st;
}

pm_status app_etcd_lease_keepalive(struct app_etcd *e, int64_t id, int64_t *ttl_s)
{
	pm_status st = lease_id_call(e, "/v3/lease/keepalive", id);
	if (st != PM_OK) {
		return st;
	}
	int result = app_json_get(&e->json, 0, "result");
	int ttl = app_json_get(&e->json, result >= 0 ? result : 0, "TTL");
	int64_t v = 0;
	if (ttl < 0 || app_json_int64(&e->json, ttl, &v) != PM_OK || v <= 0) {
		return PM_ERR_NOENT; /* etcd answers 200 without TTL for an unknown lease */
	}
	if (ttl_s != NULL) {
		*ttl_s = v;
	}
	return PM_OK;
}

pm_status app_etcd_lease_revoke(struct app_etcd *e, int64_t id)
{
	return lease_id_call(e, "/v3/lease/revoke", id);
}

pm_status app_etcd_lease_ttl(struct app_etcd *e, int64_t id, int64_t *ttl_s, int64_t *granted_s)
{
	pm_status st = lease_id_call(e, "/v3/lease/timetolive", id);
	if (st != PM_OK) {
		return st;
	}
	int64_t ttl = -1, granted = 0;
	(void)app_json_int64(&e->json, app_json_get(&e->json, 0, "TTL"), &ttl);
	(void)app_json_int64(&e->json, app_json_get(&e->json, 0, "grantedTTL"), &granted);
	if (ttl_s != NULL) {
		*ttl_s = ttl;
	}
	if (granted_s != NULL) {
		*granted_s = granted;
	}
	return ttl < 0 ? PM_ERR_NOENT : PM_OK;
}

pm_status app_etcd_authenticate(struct app_etcd *e)
{
	/* Its own small buffer: authentication happens in the middle of another call whose body is
	 * in e->req. */
	char body[512];
	struct rb b = { body, sizeof(body), 0, false };
	rb_str(&b, "{\"name\":");
	rb_json_string(&b, e->p.user);
	rb_str(&b, ",\"password\":");
	rb_json_string(&b, e->p.password);
	rb_str(&b, "}");
	size_t len = 0;
	e->token[0] = '\0';
	pm_status st = finish(&b, &len);
	if (st == PM_OK) {
		st = call_body(e, "/v3/auth/authenticate", body, len);
	}
	if (st != PM_OK) {
		hal_log(HAL_LOG_ERROR, "etcd: authentication as '%s' failed: %s", e->p.user, e->last_error);
		return st;
	}
	int tok = app_json_get(&e->json, 0, "token");
	if (tok < 0 || app_json_str(&e->json, tok, e->token, sizeof(e->token), NULL) != PM_OK) {
		e->token[0] = '\0';
		return PM_ERR_PARSE;
	}
	return PM_OK;
}
