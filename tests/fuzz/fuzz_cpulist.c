/* libFuzzer target: hal_parse_cpulist ("0-3,8") with a format/parse round trip. Checks memory safety and the
 * parser's contract on arbitrary bytes. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hal/procparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hal_cpuset out;
	if (hal_parse_cpulist((const char *)data, size, &out) == PM_OK) {
		/* Round trip: formatting and parsing again gives the same set. */
		static char text[2048];
		struct hal_cpuset again;
		pm_status st = hal_format_cpulist(&out, text, sizeof(text));
		assert(st == PM_OK);
		st = hal_parse_cpulist(text, strlen(text), &again);
		assert(st == PM_OK);
		assert(hal_cpuset_equal(&out, &again));
	}
	return 0;
}
