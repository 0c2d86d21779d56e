/* A small allocation-free HTTP/1.1 client for etcd's JSON gateway: keep-alive, Host header,
 * Content-Length and chunked responses with trailers. The parsers are pure (fuzzed); the connection
 * goes through hal sockets with connect and I/O timeouts. */
#ifndef APP_HTTP_H
#define APP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/net.h"
#include "hal/status.h"

#define APP_HTTP_MAX_HEAD 8192u /* status line + headers */

struct app_http_head {
	int status;      /* 100..599 */
	bool chunked;    /* Transfer-Encoding: chunked */
	bool has_length; /* Content-Length given */
	bool close;      /* Connection: close (or HTTP/1.0 without keep-alive) */
	uint64_t content_length;
	size_t head_len; /* bytes up to and including the blank line */
};

/* Parses the status line and headers at buf[0..len): PM_OK, PM_ERR_AGAIN (blank line not yet seen),
 * PM_ERR_PARSE (malformed or over APP_HTTP_MAX_HEAD). */
pm_status app_http_parse_head(const char *buf, size_t len, struct app_http_head *out);

/* Incremental decoder of a chunked body (RFC 9112 §7.1): sizes, extensions, data, trailers. */
struct app_http_chunked {
	int state;
	uint64_t remaining; /* data bytes left in the current chunk */
	uint32_t line_len;  /* length of the current size/trailer line (bounded) */
	bool size_digits;   /* at least one hex digit seen in the size line */
};

void app_http_chunked_init(struct app_http_chunked *c);

/* Consumes in[0..len) (`*consumed` set), appending data to out (`*out_len` grows, at most `cap`).
 * PM_OK when the last chunk and the trailers are complete, PM_ERR_AGAIN for more input, PM_ERR_PARSE
 * when malformed, PM_ERR_NOSPACE when the body exceeds `cap`. */
pm_status app_http_chunked_feed(struct app_http_chunked *c, const uint8_t *in, size_t len, size_t *consumed,
                                uint8_t *out, size_t cap, size_t *out_len);

/* Splits "http://host:port/..." or "host:port" (default port 2379) for Host headers and resolving. */
pm_status app_http_parse_url(const char *url, char *host, size_t host_cap, uint16_t *port);

struct app_http_conn {
	struct hal_net_addr addr;
	char host_header[160]; /* "host:port" */
	struct hal_tcp sock;
	int64_t connect_timeout_ns;
	int64_t io_timeout_ns; /* for one whole request/response */
	uint64_t requests;     /* on this connection (keep-alive reuse) */
	uint8_t rx[65536];
};

/* Prepares a connection to `url` (resolves now: call before freeze). Not connected yet. */
pm_status app_http_conn_init(struct app_http_conn *c, const char *url, int64_t connect_timeout_ns,
                             int64_t io_timeout_ns);

/* POSTs `body` (application/json) to `path` with an optional raw Authorization header, and reads the
 * response body into resp. Connects when needed; a kept-alive connection the server closed is
 * reopened once. PM_ERR_TIMEOUT: outcome unknown. `*status` = HTTP status. */
pm_status app_http_post(struct app_http_conn *c, const char *path, const char *auth, const char *body,
                        size_t body_len, char *resp, size_t resp_cap, size_t *resp_len, int *status);

/* The two halves of app_http_post, for pipelining work between a request and its answer (no retry:
 * the caller falls back to app_http_post on failure). `*reused`: the connection served requests
 * before (a server may have closed it meanwhile). `*closed_before_answer`: it closed before any byte
 * of the answer. Both close the connection on failure. */
pm_status app_http_send(struct app_http_conn *c, const char *path, const char *auth, const char *body,
                        size_t body_len, bool *reused);
pm_status app_http_receive(struct app_http_conn *c, char *resp, size_t resp_cap, size_t *resp_len,
                           int *status, bool *closed_before_answer);

void app_http_close(struct app_http_conn *c);

#endif
