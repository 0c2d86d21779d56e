/* libFuzzer target: hal_parse_stat (/proc/PID/stat, comm up to the last ")"). Checks memory safety and the
 * parser's contract on arbitrary bytes. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hal/procparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hal_proc_stat out;
	pm_status st = hal_parse_stat((const char *)data, size, &out);
	if (st == PM_OK) {
		assert(memchr(out.comm, 0, sizeof(out.comm)) != NULL);
	}
	return 0;
}
