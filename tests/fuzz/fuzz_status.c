/* libFuzzer target: hal_parse_status and hal_parse_status_hinted (/proc/PID/status). Checks memory
 * safety on arbitrary bytes, and that hints (arbitrary ones, then those the parse itself left) never
 * change the result where no wanted key starts two lines. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hal/procparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const wanted_keys[] = { "Name:",
	                                   "Uid:",
	                                   "VmSize:",
	                                   "VmRSS:",
	                                   "VmData:",
	                                   "VmStk:",
	                                   "Threads:",
	                                   "voluntary_ctxt_switches:",
	                                   "nonvoluntary_ctxt_switches:" };

/* Whether some wanted key starts more than one line (the one case where hints may pick another line). */
static int has_repeated_key(const char *text, size_t len)
{
	for (size_t k = 0; k < sizeof(wanted_keys) / sizeof(wanted_keys[0]); k++) {
		size_t klen = strlen(wanted_keys[k]);
		int seen = 0;
		for (size_t i = 0; i + klen <= len; i++) {
			if ((i == 0 || text[i - 1] == '\n') && memcmp(text + i, wanted_keys[k], klen) == 0) {
				seen++;
			}
		}
		if (seen > 1) {
			return 1;
		}
	}
	return 0;
}

static int same_status(const struct hal_proc_status *a, const struct hal_proc_status *b)
{
	return a->present == b->present && a->uid == b->uid && a->euid == b->euid &&
	       a->threads == b->threads && a->vm_size_kb == b->vm_size_kb && a->vm_rss_kb == b->vm_rss_kb &&
	       a->vm_data_kb == b->vm_data_kb && a->vm_stk_kb == b->vm_stk_kb &&
	       a->voluntary_ctxt_switches == b->voluntary_ctxt_switches &&
	       a->nonvoluntary_ctxt_switches == b->nonvoluntary_ctxt_switches;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct hal_proc_status plain;
	pm_status want = hal_parse_status(text, size, &plain);
	/* Arbitrary hints from the input's first bytes, kept inside it. */
	struct hal_status_hints hints;
	for (size_t k = 0; k < HAL_STATUS_AT_COUNT; k++) {
		uint16_t v = 0;
		if (2 * k + 1 < size) {
			v = (uint16_t)(data[2 * k] | (data[2 * k + 1] << 8));
		}
		hints.at[k] = (uint16_t)(v % (size + 1));
	}
	int comparable = !has_repeated_key(text, size);
	for (int pass = 0; pass < 2; pass++) {
		struct hal_proc_status hinted;
		pm_status got = hal_parse_status_hinted(text, size, &hints, &hinted);
		if (comparable) {
			assert(got == want);
			assert(got != PM_OK || same_status(&plain, &hinted));
		}
		(void)got;
	}
	(void)want;
	return 0;
}
