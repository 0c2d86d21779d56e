/* HTTP/1.1 response parsing (head, Content-Length, chunked with trailers) and the request loop over
 * hal sockets. Every loop is bounded by the input length or by the request deadline. */
#include "http.h"

#include <stdio.h>
#include <string.h>

#include "hal/clock.h"

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* Case-insensitive compare of a header name [p, p+n) with a lower-case literal. */
static bool name_is(const char *p, size_t n, const char *lit)
{
	size_t m = strlen(lit);
	if (n != m) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (lower((unsigned char)p[i]) != lit[i]) {
			return false;
		}
	}
	return true;
}

/* Whether the comma-separated value [p, p+n) contains the token `tok` (case-insensitive). */
static bool value_has_token(const char *p, size_t n, const char *tok)
{
	size_t m = strlen(tok);
	size_t i = 0;
	while (i < n) {
		while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == ',')) {
			i++;
		}
		size_t start = i;
		while (i < n && p[i] != ',') {
			i++;
		}
		size_t end = i;
		while (end > start && (p[end - 1] == ' ' || p[end - 1] == '\t')) {
			end--;
		}
		if (end - start == m) {
			bool eq = true;
			for (size_t k = 0; k < m; k++) {
				if (lower((unsigned char)p[start + k]) != tok[k]) {
					eq = false;
					break;
				}
			}
			if (eq) {
				return true;
			}
		}
	}
	return false;
}

pm_status app_http_parse_head(const char *buf, size_t len, struct app_http_head *out)
{
	memset(out, 0, sizeof(*out));
	size_t limit = len < APP_HTTP_MAX_HEAD ? len : APP_HTTP_MAX_HEAD;
	size_t end = 0;
	for (size_t i = 0; i + 3 < limit; i++) {
		if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
			end = i + 4;
			break;
		}
	}
	if (end == 0) {
		return len >= APP_HTTP_MAX_HEAD ? PM_ERR_PARSE : PM_ERR_AGAIN;
	}
	/* Status line: HTTP/1.x SP DDD [SP reason] CRLF */
	if (end < 14 || memcmp(buf, "HTTP/1.", 7) != 0 || (buf[7] != '0' && buf[7] != '1') || buf[8] != ' ') {
		return PM_ERR_PARSE;
	}
	bool http10 = buf[7] == '0';
	int status = 0;
	for (int i = 9; i < 12; i++) {
		if (buf[i] < '0' || buf[i] > '9') {
			return PM_ERR_PARSE;
		}
		status = status * 10 + (buf[i] - '0');
	}
	if (status < 100 || (buf[12] != ' ' && buf[12] != '\r')) {
		return PM_ERR_PARSE;
	}
	out->status = status;
	out->close = http10;
	size_t pos = 0;
	while (pos < end && buf[pos] != '\n') {
		pos++;
	}
	pos++;
	bool keep_alive10 = false;
	/* Header lines until the blank line; each iteration consumes one line. */
	while (pos + 2 <= end) {
		size_t line_end = pos;
		while (line_end < end && buf[line_end] != '\r') {
			line_end++;
		}
		if (line_end + 1 >= end || buf[line_end + 1] != '\n') {
			return PM_ERR_PARSE;
		}
		if (line_end == pos) {
			break; /* blank line */
		}
		const char *colon = memchr(buf + pos, ':', line_end - pos);
		if (colon == NULL || colon == buf + pos) {
			return PM_ERR_PARSE;
		}
		size_t name_len = (size_t)(colon - (buf + pos));
		const char *v = colon + 1;
		const char *ve = buf + line_end;
		while (v < ve && (*v == ' ' || *v == '\t')) {
			v++;
		}
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) {
			ve--;
		}
		size_t vlen = (size_t)(ve - v);
		if (name_is(buf + pos, name_len, "content-length")) {
			uint64_t n = 0;
			if (vlen == 0 || vlen > 15) {
				return PM_ERR_PARSE;
			}
			for (size_t i = 0; i < vlen; i++) {
				if (v[i] < '0' || v[i] > '9') {
					return PM_ERR_PARSE;
				}
				n = n * 10u + (uint64_t)(v[i] - '0');
			}
			if (out->has_length && out->content_length != n) {
				return PM_ERR_PARSE;
			}
			out->has_length = true;
			out->content_length = n;
		} else if (name_is(buf + pos, name_len, "transfer-encoding")) {
			if (value_has_token(v, vlen, "chunked")) {
				out->chunked = true;
			} else if (vlen > 0 && !value_has_token(v, vlen, "identity")) {
				return PM_ERR_PARSE; /* gzip etc.: never requested */
			}
		} else if (name_is(buf + pos, name_len, "connection")) {
			if (value_has_token(v, vlen, "close")) {
				out->close = true;
			}
			if (value_has_token(v, vlen, "keep-alive")) {
				keep_alive10 = true;
			}
		}
		pos = line_end + 2;
	}
	if (http10 && keep_alive10) {
		out->close = false;
	}
	if (out->chunked) {
		out->has_length = false; /* RFC 9112 §6.3: chunked overrides Content-Length */
	}
	out->head_len = end;
	return PM_OK;
}

enum {
	CH_SIZE = 0, /* hex digits of the chunk size */
	CH_EXT,      /* chunk extension until CR */
	CH_SIZE_LF,  /* LF after the size line */
	CH_DATA,     /* chunk data */
	CH_DATA_CR,  /* CR after data */
	CH_DATA_LF,  /* LF after data */
	CH_TRAILER,  /* a trailer line or the final blank line */
	CH_TRAILER_LF,
	CH_DONE,
};

#define CH_MAX_LINE 4096u

void app_http_chunked_init(struct app_http_chunked *c)
{
	memset(c, 0, sizeof(*c));
	c->state = CH_SIZE;
}

static int hexval(uint8_t ch)
{
	if (ch >= '0' && ch <= '9') {
		return ch - '0';
	}
	if (ch >= 'a' && ch <= 'f') {
		return ch - 'a' + 10;
	}
	if (ch >= 'A' && ch <= 'F') {
		return ch - 'A' + 10;
	}
	return -1;
}

pm_status app_http_chunked_feed(struct app_http_chunked *c, const uint8_t *in, size_t len, size_t *consumed,
                                uint8_t *out, size_t cap, size_t *out_len)
{
	size_t i = 0;
	pm_status st = PM_ERR_AGAIN;
	while (i < len && c->state != CH_DONE) {
		uint8_t ch = in[i];
		switch (c->state) {
		case CH_SIZE: {
			int h = hexval(ch);
			if (h >= 0) {
				if (c->remaining > (UINT64_MAX >> 8)) {
					st = PM_ERR_PARSE;
					goto out;
				}
				c->remaining = c->remaining * 16u + (uint64_t)h;
				c->size_digits = true;
				i++;
			} else if (!c->size_digits) {
				st = PM_ERR_PARSE;
				goto out;
			} else if (ch == ';' || ch == ' ' || ch == '\t') {
				c->state = CH_EXT;
				c->line_len = 0;
				i++;
			} else if (ch == '\r') {
				c->state = CH_SIZE_LF;
				i++;
			} else {
				st = PM_ERR_PARSE;
				goto out;
			}
			break;
		}
		case CH_EXT:
			if (ch == '\r') {
				c->state = CH_SIZE_LF;
			} else if (++c->line_len > CH_MAX_LINE || ch == '\n') {
				st = PM_ERR_PARSE;
				goto out;
			}
			i++;
			break;
		case CH_SIZE_LF:
			if (ch != '\n') {
				st = PM_ERR_PARSE;
				goto out;
			}
			i++;
			c->size_digits = false;
			if (c->remaining == 0) {
				c->state = CH_TRAILER;
				c->line_len = 0;
			} else {
				c->state = CH_DATA;
			}
			break;
		case CH_DATA: {
			size_t n = len - i;
			if ((uint64_t)n > c->remaining) {
				n = (size_t)c->remaining;
			}
			if (n > cap - *out_len) {
				st = PM_ERR_NOSPACE;
				goto out;
			}
			memcpy(out + *out_len, in + i, n);
			*out_len += n;
			i += n;
			c->remaining -= n;
			if (c->remaining == 0) {
				c->state = CH_DATA_CR;
			}
			break;
		}
		case CH_DATA_CR:
			if (ch != '\r') {
				st = PM_ERR_PARSE;
				goto out;
			}
			c->state = CH_DATA_LF;
			i++;
			break;
		case CH_DATA_LF:
			if (ch != '\n') {
				st = PM_ERR_PARSE;
				goto out;
			}
			c->state = CH_SIZE;
			c->remaining = 0;
			i++;
			break;
		case CH_TRAILER:
			if (ch == '\r') {
				c->state = CH_TRAILER_LF;
			} else if (ch == '\n' || ++c->line_len > CH_MAX_LINE) {
				st = PM_ERR_PARSE;
				goto out;
			}
			i++;
			break;
		case CH_TRAILER_LF:
			if (ch != '\n') {
				st = PM_ERR_PARSE;
				goto out;
			}
			i++;
			if (c->line_len == 0) {
				c->state = CH_DONE; /* blank line: end of trailers */
			} else {
				c->state = CH_TRAILER;
				c->line_len = 0;
			}
			break;
		default:
			st = PM_ERR_PARSE;
			goto out;
		}
	}
	if (c->state == CH_DONE) {
		st = PM_OK;
	}
out:
	*consumed = i;
	return st;
}

pm_status app_http_parse_url(const char *url, char *host, size_t host_cap, uint16_t *port)
{
	const char *p = url;
	if (strncmp(p, "http://", 7) == 0) {
		p += 7;
	} else if (strstr(p, "://") != NULL) {
		return PM_ERR_UNSUPPORTED; /* https needs TLS, which this build does not have */
	}
	const char *end = p + strcspn(p, "/");
	const char *colon = NULL;
	const char *hs = p, *he;
	if (*p == '[') {
		const char *rb = memchr(p, ']', (size_t)(end - p));
		if (rb == NULL) {
			return PM_ERR_INVAL;
		}
		hs = p + 1;
		he = rb;
		colon = (rb + 1 < end && rb[1] == ':') ? rb + 1 : NULL;
	} else {
		colon = memchr(p, ':', (size_t)(end - p));
		he = colon != NULL ? colon : end;
	}
	size_t hl = (size_t)(he - hs);
	if (hl == 0 || hl >= host_cap) {
		return PM_ERR_INVAL;
	}
	memcpy(host, hs, hl);
	host[hl] = '\0';
	*port = 2379;
	if (colon != NULL) {
		unsigned v = 0;
		const char *d = colon + 1;
		if (d == end) {
			return PM_ERR_INVAL;
		}
		for (; d < end; d++) {
			if (*d < '0' || *d > '9' || v > 65535u) {
				return PM_ERR_INVAL;
			}
			v = v * 10u + (unsigned)(*d - '0');
		}
		if (v == 0 || v > 65535u) {
			return PM_ERR_INVAL;
		}
		*port = (uint16_t)v;
	}
	return PM_OK;
}

pm_status app_http_conn_init(struct app_http_conn *c, const char *url, int64_t connect_timeout_ns,
                             int64_t io_timeout_ns)
{
	char host[128];
	uint16_t port = 0;
	c->sock = HAL_TCP_CLOSED;
	pm_status st = app_http_parse_url(url, host, sizeof(host), &port);
	if (st != PM_OK) {
		return st;
	}
	int n = strchr(host, ':') != NULL
	            ? snprintf(c->host_header, sizeof(c->host_header), "[%s]:%u", host, port)
	            : snprintf(c->host_header, sizeof(c->host_header), "%s:%u", host, port);
	if (n <= 0 || (size_t)n >= sizeof(c->host_header)) {
		return PM_ERR_INVAL;
	}
	c->connect_timeout_ns = connect_timeout_ns;
	c->io_timeout_ns = io_timeout_ns;
	c->requests = 0;
	return hal_net_resolve(host, port, &c->addr);
}

void app_http_close(struct app_http_conn *c)
{
	hal_tcp_close(&c->sock);
	c->requests = 0;
}

/* Reads one response; `*fresh_eof` tells a kept-alive connection that closed before any byte. */
static pm_status read_response(struct app_http_conn *c, int64_t deadline, char *resp, size_t resp_cap,
                               size_t *resp_len, int *status, bool *fresh_eof)
{
	size_t have = 0;
	struct app_http_head head;
	*fresh_eof = false;
	*resp_len = 0;
	pm_status st = PM_ERR_AGAIN;
	/* Phase 1: the head. Each pass receives at least one byte or returns. */
	while (st == PM_ERR_AGAIN) {
		if (have == sizeof(c->rx)) {
			return PM_ERR_PARSE;
		}
		int64_t left = deadline - hal_clock_mono_ns();
		if (left <= 0) {
			return PM_ERR_TIMEOUT;
		}
		size_t got = 0;
		pm_status rs = hal_tcp_recv(&c->sock, c->rx + have, sizeof(c->rx) - have, left, &got);
		if (rs != PM_OK) {
			return rs;
		}
		if (got == 0) {
			*fresh_eof = have == 0;
			return PM_ERR_IO;
		}
		have += got;
		st = app_http_parse_head((const char *)c->rx, have, &head);
	}
	if (st != PM_OK) {
		return st;
	}
	*status = head.status;
	size_t body_have = have - head.head_len;
	const uint8_t *body = c->rx + head.head_len;
	if (head.chunked) {
		struct app_http_chunked ch;
		app_http_chunked_init(&ch);
		size_t out_len = 0;
		size_t consumed = 0;
		st = app_http_chunked_feed(&ch, body, body_have, &consumed, (uint8_t *)resp, resp_cap - 1,
		                           &out_len);
		while (st == PM_ERR_AGAIN) {
			int64_t left = deadline - hal_clock_mono_ns();
			if (left <= 0) {
				return PM_ERR_TIMEOUT;
			}
			size_t got = 0;
			pm_status rs = hal_tcp_recv(&c->sock, c->rx, sizeof(c->rx), left, &got);
			if (rs != PM_OK) {
				return rs;
			}
			if (got == 0) {
				return PM_ERR_IO;
			}
			st = app_http_chunked_feed(&ch, c->rx, got, &consumed, (uint8_t *)resp, resp_cap - 1,
			                           &out_len);
		}
		if (st != PM_OK) {
			return st;
		}
		*resp_len = out_len;
	} else if (head.has_length) {
		if (head.content_length >= resp_cap) {
			return PM_ERR_NOSPACE;
		}
		size_t want = (size_t)head.content_length;
		size_t n = body_have < want ? body_have : want;
		memcpy(resp, body, n);
		while (n < want) {
			int64_t left = deadline - hal_clock_mono_ns();
			if (left <= 0) {
				return PM_ERR_TIMEOUT;
			}
			size_t got = 0;
			pm_status rs = hal_tcp_recv(&c->sock, resp + n, want - n, left, &got);
			if (rs != PM_OK) {
				return rs;
			}
			if (got == 0) {
				return PM_ERR_IO;
			}
			n += got;
		}
		*resp_len = want;
	} else {
		/* Neither: the body runs to the connection's end. */
		size_t n = body_have < resp_cap - 1 ? body_have : resp_cap - 1;
		memcpy(resp, body, n);
		for (;;) {
			int64_t left = deadline - hal_clock_mono_ns();
			if (left <= 0) {
				return PM_ERR_TIMEOUT;
			}
			if (n >= resp_cap - 1) {
				return PM_ERR_NOSPACE;
			}
			size_t got = 0;
			pm_status rs = hal_tcp_recv(&c->sock, resp + n, resp_cap - 1 - n, left, &got);
			if (rs != PM_OK) {
				return rs;
			}
			if (got == 0) {
				break;
			}
			n += got;
		}
		head.close = true;
		*resp_len = n;
	}
	resp[*resp_len] = '\0';
	if (head.close) {
		app_http_close(c);
	}
	return PM_OK;
}

pm_status app_http_send(struct app_http_conn *c, const char *path, const char *auth, const char *body,
                        size_t body_len, bool *reused)
{
	char head[768];
	int hn;
	if (auth != NULL && auth[0] != '\0') {
		hn = snprintf(
		    head, sizeof(head),
		    "POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\nContent-Type: application/json\r\n"
		    "Content-Length: %zu\r\n\r\n",
		    path, c->host_header, auth, body_len);
	} else {
		hn = snprintf(head, sizeof(head),
		              "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: "
		              "application/json\r\nContent-Length: %zu\r\n\r\n",
		              path, c->host_header, body_len);
	}
	if (hn <= 0 || (size_t)hn >= sizeof(head)) {
		return PM_ERR_INVAL;
	}
	*reused = c->sock.fd >= 0;
	if (!*reused) {
		pm_status cs = hal_tcp_connect(&c->sock, &c->addr, c->connect_timeout_ns);
		if (cs != PM_OK) {
			return cs;
		}
		c->requests = 0;
	}
	int64_t deadline = hal_clock_mono_ns() + c->io_timeout_ns;
	pm_status st = hal_tcp_send(&c->sock, head, (size_t)hn, c->io_timeout_ns);
	if (st == PM_OK && body_len > 0) {
		int64_t left = deadline - hal_clock_mono_ns();
		st = left > 0 ? hal_tcp_send(&c->sock, body, body_len, left) : PM_ERR_TIMEOUT;
	}
	if (st != PM_OK) {
		app_http_close(c);
	}
	return st;
}

pm_status app_http_receive(struct app_http_conn *c, char *resp, size_t resp_cap, size_t *resp_len,
                           int *status, bool *closed_before_answer)
{
	*closed_before_answer = false;
	if (resp_cap < 2 || c->sock.fd < 0) {
		return resp_cap < 2 ? PM_ERR_INVAL : PM_ERR_IO;
	}
	pm_status st = read_response(c, hal_clock_mono_ns() + c->io_timeout_ns, resp, resp_cap, resp_len,
	                             status, closed_before_answer);
	if (st != PM_OK) {
		app_http_close(c);
		return st;
	}
	c->requests++;
	return PM_OK;
}

pm_status app_http_post(struct app_http_conn *c, const char *path, const char *auth, const char *body,
                        size_t body_len, char *resp, size_t resp_cap, size_t *resp_len, int *status)
{
	if (resp_cap < 2) {
		return PM_ERR_INVAL;
	}
	/* At most two attempts: the second only when a reused connection turned out to be closed. */
	for (int attempt = 0; attempt < 2; attempt++) {
		bool reused = false, closed = false;
		pm_status st = app_http_send(c, path, auth, body, body_len, &reused);
		if (st == PM_OK) {
			st = app_http_receive(c, resp, resp_cap, resp_len, status, &closed);
		}
		if (st == PM_OK) {
			return PM_OK;
		}
		if (!(reused && (closed || st == PM_ERR_IO))) {
			return st;
		}
	}
	return PM_ERR_IO;
}
