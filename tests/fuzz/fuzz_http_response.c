/* Fuzz target: the HTTP/1.1 response head parser, and then the body framing it announces (chunked or
 * Content-Length) as the client would read it. */
#include <stdint.h>
#include <string.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct app_http_head head;
	pm_status st = app_http_parse_head((const char *)data, size, &head);
	if (st != PM_OK) {
		return 0;
	}
	if (head.head_len > size || head.status < 100 || head.status > 999) {
		__builtin_trap();
	}
	if (head.chunked) {
		static uint8_t out[65536];
		struct app_http_chunked c;
		app_http_chunked_init(&c);
		size_t consumed = 0, out_len = 0;
		(void)app_http_chunked_feed(&c, data + head.head_len, size - head.head_len, &consumed, out,
		                            sizeof(out), &out_len);
		if (consumed > size - head.head_len || out_len > sizeof(out)) {
			__builtin_trap();
		}
	}
	return 0;
}
