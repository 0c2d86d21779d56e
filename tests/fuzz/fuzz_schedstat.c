/* libFuzzer target: hal_parse_schedstat and hal_parse_sched (/proc/PID/task/TID/schedstat, sched). Checks
 * memory safety and the parser's contract on arbitrary bytes. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hal/procparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hal_schedstat out;
	(void)hal_parse_schedstat((const char *)data, size, &out);
	struct hal_proc_sched sc;
	(void)hal_parse_sched((const char *)data, size, &sc);
	return 0;
}
