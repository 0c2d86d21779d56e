/* Unit tests of the pieces of the etcd client that need no etcd: HTTP head parsing, chunked decoding
 * with trailers (in one piece and byte by byte), URL splitting, base64, the JSON reader, record JSON
 * rendering and the HLD key layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base64.h"
#include "etcd_pusher.h"
#include "http.h"
#include "json.h"

static void test_head(void **state)
{
	(void)state;
	struct app_http_head h;
	const char *r =
	    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 12\r\n\r\n{\"a\":\"b\"}xyz";
	assert_int_equal(app_http_parse_head(r, strlen(r), &h), PM_OK);
	assert_int_equal(h.status, 200);
	assert_true(h.has_length);
	assert_int_equal(h.content_length, 12);
	assert_false(h.chunked);
	assert_false(h.close);
	assert_int_equal(h.head_len, strlen(r) - 12);
	assert_int_equal(app_http_parse_head(r, 20, &h), PM_ERR_AGAIN);
	const char *c =
	    "HTTP/1.1 401 Unauthorized\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
	assert_int_equal(app_http_parse_head(c, strlen(c), &h), PM_OK);
	assert_int_equal(h.status, 401);
	assert_true(h.chunked);
	assert_true(h.close);
	const char *bad = "HTTP/1.1 2x0 OK\r\n\r\n";
	assert_int_equal(app_http_parse_head(bad, strlen(bad), &h), PM_ERR_PARSE);
	const char *conflict = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n";
	assert_int_equal(app_http_parse_head(conflict, strlen(conflict), &h), PM_ERR_PARSE);
}

static void test_chunked(void **state)
{
	(void)state;
	const char *body =
	    "1b\r\n{\"header\":{\"revision\":\"5\"}}\r\n3;x=y\r\nabc\r\n0\r\nGrpc-Trailer: 1\r\n\r\nNEXT";
	uint8_t out[128];
	size_t out_len = 0, consumed = 0;
	struct app_http_chunked c;
	app_http_chunked_init(&c);
	assert_int_equal(app_http_chunked_feed(&c, (const uint8_t *)body, strlen(body), &consumed, out,
	                                       sizeof(out), &out_len),
	                 PM_OK);
	assert_int_equal(out_len, 30);
	assert_memory_equal(out, "{\"header\":{\"revision\":\"5\"}}abc", 30);
	assert_int_equal(consumed, strlen(body) - 4); /* stops after the trailers */
	/* Byte by byte gives the same result. */
	app_http_chunked_init(&c);
	out_len = 0;
	pm_status st = PM_ERR_AGAIN;
	size_t i = 0;
	for (; i < strlen(body) && st == PM_ERR_AGAIN; i++) {
		st = app_http_chunked_feed(&c, (const uint8_t *)body + i, 1, &consumed, out, sizeof(out),
		                           &out_len);
	}
	assert_int_equal(st, PM_OK);
	assert_int_equal(out_len, 30);
	/* Too big for the output, and malformed. */
	app_http_chunked_init(&c);
	out_len = 0;
	assert_int_equal(
	    app_http_chunked_feed(&c, (const uint8_t *)body, strlen(body), &consumed, out, 10, &out_len),
	    PM_ERR_NOSPACE);
	app_http_chunked_init(&c);
	out_len = 0;
	assert_int_equal(
	    app_http_chunked_feed(&c, (const uint8_t *)"zz\r\n", 4, &consumed, out, sizeof(out), &out_len),
	    PM_ERR_PARSE);
}

static void test_url(void **state)
{
	(void)state;
	char host[64];
	uint16_t port = 0;
	assert_int_equal(app_http_parse_url("http://127.0.0.1:2381", host, sizeof(host), &port), PM_OK);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 2381);
	assert_int_equal(app_http_parse_url("etcd-server-1:2379", host, sizeof(host), &port), PM_OK);
	assert_string_equal(host, "etcd-server-1");
	assert_int_equal(app_http_parse_url("localhost", host, sizeof(host), &port), PM_OK);
	assert_int_equal(port, 2379);
	assert_int_equal(app_http_parse_url("http://[::1]:4000/", host, sizeof(host), &port), PM_OK);
	assert_string_equal(host, "::1");
	assert_int_equal(port, 4000);
	assert_int_equal(app_http_parse_url("https://x:1", host, sizeof(host), &port), PM_ERR_UNSUPPORTED);
	assert_int_equal(app_http_parse_url("x:99999", host, sizeof(host), &port), PM_ERR_INVAL);
}

static void test_base64(void **state)
{
	(void)state;
	char enc[32];
	uint8_t dec[32];
	size_t n = 0;
	const char *cases[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" }, { "foob", "Zm9vYg==" }
	};
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(
		    app_b64_encode((const uint8_t *)cases[i][0], strlen(cases[i][0]), enc, sizeof(enc), &n),
		    PM_OK);
		assert_string_equal(enc, cases[i][1]);
		assert_int_equal(app_b64_decode(enc, n, dec, sizeof(dec), &n), PM_OK);
		assert_int_equal(n, strlen(cases[i][0]));
		assert_memory_equal(dec, cases[i][0], n);
	}
	assert_int_equal(app_b64_decode("Z!==", 4, dec, sizeof(dec), &n), PM_ERR_PARSE);
}

static void test_json(void **state)
{
	(void)state;
	const char *js =
	    "{\"header\":{\"revision\":\"7\"},\"kvs\":[{\"key\":\"YQ==\",\"lease\":\"-5\"},{\"key\":\"Yg==\","
	    "\"value\":\"eA==\"}],\"more\":true,\"count\":\"2\",\"message\":\"a\\\"b\\u00e9\"}";
	jsmntok_t tok[64];
	struct app_json j;
	assert_int_equal(app_json_parse(&j, js, strlen(js), tok, 64), PM_OK);
	int64_t v = 0;
	assert_int_equal(app_json_int64(&j, app_json_get(&j, 0, "count"), &v), PM_OK);
	assert_int_equal(v, 2);
	assert_true(app_json_eq(&j, app_json_get(&j, 0, "more"), "true"));
	int kvs = app_json_get(&j, 0, "kvs");
	int second = app_json_elem(&j, kvs, 1);
	assert_true(app_json_eq(&j, app_json_get(&j, second, "key"), "Yg=="));
	assert_int_equal(app_json_int64(&j, app_json_get(&j, app_json_elem(&j, kvs, 0), "lease"), &v), PM_OK);
	assert_int_equal(v, -5);
	char s[16];
	assert_int_equal(app_json_str(&j, app_json_get(&j, 0, "message"), s, sizeof(s), NULL), PM_OK);
	assert_string_equal(s, "a\"b\xc3\xa9");
	assert_int_equal(app_json_get(&j, 0, "absent"), -1);
	assert_int_equal(app_json_parse(&j, js, strlen(js), tok, 4), PM_ERR_NOSPACE);
}

static void test_keys(void **state)
{
	(void)state;
	struct rt_record r;
	memset(&r, 0, sizeof(r));
	r.resource_type = RT_RES_PACKAGE;
	r.real_ns = 1234;
	(void)snprintf(r.resource, sizeof(r.resource), "pkg-a");
	(void)snprintf(r.u.metric.name, sizeof(r.u.metric.name), "memoryUsage");
	char key[APP_PUSHER_MAX_KEY];
	size_t kl = 0;
	const char *p = "/piccolo/monitoring";
	assert_int_equal(app_pusher_key(p, &r, "summary", key, sizeof(key), &kl), PM_OK);
	assert_string_equal(key, "/piccolo/monitoring/package/pkg-a");
	assert_int_equal(app_pusher_key(p, &r, "state", key, sizeof(key), &kl), PM_OK);
	assert_string_equal(key, "/piccolo/monitoring/package/pkg-a/state");
	assert_int_equal(app_pusher_key(p, &r, "metric", key, sizeof(key), &kl), PM_OK);
	assert_string_equal(key, "/piccolo/monitoring/package/pkg-a/metrics/memoryUsage");
	assert_int_equal(app_pusher_key(p, &r, "event", key, sizeof(key), &kl), PM_OK);
	assert_string_equal(key, "/piccolo/monitoring/package/pkg-a/events/00000000000000001234");
	assert_int_equal(kl, strlen(key));
}

static void test_record_json(void **state)
{
	(void)state;
	struct rt_record r;
	memset(&r, 0, sizeof(r));
	r.kind = RT_REC_EVENT;
	r.seq = 9;
	r.resource_type = RT_RES_NODE;
	(void)snprintf(r.resource, sizeof(r.resource), "picmon");
	(void)snprintf(r.u.event.type, sizeof(r.u.event.type), "etcd-nospace");
	r.u.event.severity = RT_SEV_CRITICAL;
	(void)snprintf(r.u.event.message, sizeof(r.u.event.message), "quote \" and\nnewline");
	Picmon__Record msg;
	uint8_t body[256];
	app_record_to_pb(&r, &msg, body, sizeof(body));
	char out[APP_RECORD_MAX_JSON];
	size_t len = 0;
	assert_int_equal(app_record_json(&msg, out, sizeof(out), &len), PM_OK);
	assert_string_equal(
	    out, "{\"seq\":9,\"mono_ns\":0,\"real_ns\":0,\"gap\":0,\"resource_type\":\"node\",\"resource\":"
	         "\"picmon\",\"event\":{\"type\":\"etcd-nospace\",\"severity\":\"critical\",\"message\":"
	         "\"quote \\\" and\\u000anewline\"}}");
	jsmntok_t tok[64];
	struct app_json j;
	assert_int_equal(app_json_parse(&j, out, len, tok, 64), PM_OK);
	assert_int_equal(app_record_json(&msg, out, 20, &len), PM_ERR_NOSPACE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_head),        cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_url),         cmocka_unit_test(test_base64),
		cmocka_unit_test(test_json),        cmocka_unit_test(test_keys),
		cmocka_unit_test(test_record_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
