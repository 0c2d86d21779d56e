/* Fuzz target: the chunked transfer decoder, fed in pieces whose sizes come from the first byte, so
 * state carried between calls is exercised as well as one-shot decoding. */
#include <stdint.h>
#include <string.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1) {
		return 0;
	}
	size_t piece = (size_t)(data[0] % 17u) + 1u;
	data++;
	size--;
	static uint8_t out[4096];
	struct app_http_chunked c;
	app_http_chunked_init(&c);
	size_t out_len = 0, pos = 0;
	pm_status st = PM_ERR_AGAIN;
	while (pos < size && st == PM_ERR_AGAIN) {
		size_t n = size - pos < piece ? size - pos : piece;
		size_t consumed = 0;
		st = app_http_chunked_feed(&c, data + pos, n, &consumed, out, sizeof(out), &out_len);
		if (consumed > n || out_len > sizeof(out) || (st == PM_ERR_AGAIN && consumed != n)) {
			__builtin_trap();
		}
		pos += consumed;
	}
	return 0;
}
