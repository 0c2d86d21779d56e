/* libFuzzer target: hal_parse_meminfo (/proc/meminfo). Checks memory safety and the parser's contract on
 * arbitrary bytes. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hal/procparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hal_meminfo out;
	(void)hal_parse_meminfo((const char *)data, size, &out);
	return 0;
}
