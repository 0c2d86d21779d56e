/* libFuzzer target: hal_parse_size ("32K") and hal_parse_u64_or_max. Checks memory safety and the parser's
 * contract on arbitrary bytes. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hal/procparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t out;
	(void)hal_parse_size((const char *)data, size, &out);
	(void)hal_parse_u64_or_max((const char *)data, size, &out);
	return 0;
}
