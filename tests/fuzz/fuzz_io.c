/* libFuzzer target: hal_parse_io (/proc/PID/io). Checks memory safety on arbitrary bytes, and the
 * result against a plain line-by-line reading of the contract: a line that starts with a key holds
 * blanks and then a decimal (no overflow, else the parse fails), the last such line of a key wins,
 * other lines are ignored, and rchar, wchar, syscr and syscw must all be there. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hal/procparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const keys[] = {
	"rchar:", "wchar:", "syscr:", "syscw:", "read_bytes:", "write_bytes:", "cancelled_write_bytes:"
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* Digits after blanks in [p, end): 0 when there is none or the value overflows 64 bits. */
static int reference_number(const char *p, const char *end, uint64_t *out)
{
	while (p < end && (*p == ' ' || *p == '\t')) {
		p++;
	}
	uint64_t v = 0;
	int digits = 0;
	for (; p < end && *p >= '0' && *p <= '9'; p++, digits++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10u) {
			return 0;
		}
		v = v * 10u + (uint64_t)(*p - '0');
	}
	*out = v;
	return digits > 0;
}

static pm_status reference_io(const char *text, size_t size, uint64_t values[NKEYS])
{
	unsigned seen = 0;
	memset(values, 0, NKEYS * sizeof(values[0]));
	const char *end = text + size;
	for (const char *line = text; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *line_end = nl != NULL ? nl : end;
		for (size_t k = 0; k < NKEYS; k++) {
			size_t klen = strlen(keys[k]);
			if ((size_t)(line_end - line) >= klen && memcmp(line, keys[k], klen) == 0) {
				if (!reference_number(line + klen, line_end, &values[k])) {
					return PM_ERR_PARSE;
				}
				seen |= 1u << k;
			}
		}
		line = nl != NULL ? nl + 1 : end;
	}
	return (seen & 0xFu) == 0xFu ? PM_OK : PM_ERR_PARSE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hal_proc_io out;
	pm_status st = hal_parse_io((const char *)data, size, &out);
	uint64_t want[NKEYS];
	pm_status st_want = reference_io((const char *)data, size, want);
	assert(st == st_want);
	if (st == PM_OK) {
		const uint64_t got[NKEYS] = { out.rchar,
			                      out.wchar,
			                      out.syscr,
			                      out.syscw,
			                      out.read_bytes,
			                      out.write_bytes,
			                      out.cancelled_write_bytes };
		assert(memcmp(got, want, sizeof(want)) == 0);
	}
	return 0;
}
