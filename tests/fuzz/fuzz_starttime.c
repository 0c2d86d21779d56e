/* Fuzz target: hal_proc_stat_starttime (hal/proc_ident.h), the start-time reader of /proc/PID/stat lines
 * behind the shared-memory identity check of client and monitor (command names may hold ')' and spaces). */
#include <stddef.h>
#include <stdint.h>

#include "hal/proc_ident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t start = 0;
	(void)hal_proc_stat_starttime((const char *)data, (uint64_t)size, &start);
	return 0;
}
