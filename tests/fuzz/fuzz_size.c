/* libFuzzer target: the number readers (hal_parse_size "32K", hal_parse_u64_or_max, and hal_parse_u64,
 * whose word-at-a-time paths must agree with a digit-by-digit reading on every input). Checks memory
 * safety and the parsers' contracts on arbitrary bytes. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hal/procparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The reference: blanks, then digits one at a time with an overflow check. */
static pm_status reference_u64(const char *buf, size_t len, uint64_t *out, size_t *used)
{
	size_t i = 0;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t')) {
		i++;
	}
	size_t start = i;
	uint64_t v = 0;
	for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
		uint64_t d = (uint64_t)(buf[i] - '0');
		if (v > (UINT64_MAX - d) / 10u) {
			return PM_ERR_PARSE;
		}
		v = v * 10u + d;
	}
	if (i == start) {
		return PM_ERR_PARSE;
	}
	*out = v;
	*used = i;
	return PM_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t out;
	(void)hal_parse_size((const char *)data, size, &out);
	(void)hal_parse_u64_or_max((const char *)data, size, &out);
	uint64_t want = 0;
	uint64_t got = 0;
	size_t want_used = 0;
	size_t got_used = 0;
	pm_status ref = reference_u64((const char *)data, size, &want, &want_used);
	pm_status st = hal_parse_u64((const char *)data, size, &got, &got_used);
	assert(st == ref);
	assert(st != PM_OK || (got == want && got_used == want_used));
	(void)ref;
	(void)st;
	return 0;
}
