/* libFuzzer target over the configuration loader: any bytes, as one YAML file, must load or be
 * rejected with diagnostics, never crash, leak or read out of bounds. The first byte picks strict mode
 * and a CPU count so that those paths are fuzzed too.
 * Longer run: cmake --preset fuzz && cmake --build --preset fuzz --target fuzz_cfg_load &&
 *   mkdir -p /tmp/fuzz_cfg_load && build/fuzz/tests/fuzz/fuzz_cfg_load -max_total_time=600 /tmp/fuzz_cfg_load
 * tests/fuzz/corpus/fuzz_cfg_load */
#include <stdint.h>
#include <stdlib.h>

#include "cfg/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rt_config cfg;
	static struct cfg_diag_list diags;
	struct cfg_load_options opts = { false, 0 };
	if (size > 0 && data[0] == '#') {
		/* Seeds start with a comment: keep them whole, with the defaults a user would get. */
		opts.cpu_count = 4;
	} else if (size > 0) {
		opts.strict = (data[0] & 1u) != 0;
		opts.cpu_count = (uint32_t)(data[0] >> 1);
	}
	struct cfg_source src = { "fuzz.yaml", (const char *)data, size };
	pm_status st = cfg_load_sources(&src, 1, &opts, &cfg, &diags);
	/* The status and the diagnostics must tell the same story. */
	if ((st == PM_OK) != (diags.errors == 0)) {
		abort();
	}
	if (diags.count > CFG_MAX_DIAGS) {
		abort();
	}
	return 0;
}
