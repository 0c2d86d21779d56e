/* Fuzz target: a persisted anomaly baseline read back from disk is outside data. Loading must reject
 * anything malformed without touching the monitor, and whatever loads must save and load again. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rt/resmon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct rt_resmon mon;
static uint8_t out[RT_BASELINE_BLOB_MAX];

static void setup(void)
{
	struct rt_record_sink none = { NULL, NULL };
	rt_resmon_init(&mon, none);
	uint32_t p;
	uint32_t m;
	if (rt_resmon_add(&mon, RT_RES_PACKAGE, "vision", &p) != PM_OK ||
	    rt_resmon_add(&mon, RT_RES_MODEL, "camera", &m) != PM_OK ||
	    rt_resmon_add(&mon, RT_RES_MODEL, "detector", NULL) != PM_OK ||
	    rt_resmon_add_child(&mon, RT_RES_PACKAGE, p, m) != PM_OK) {
		__builtin_trap();
	}
	char err[64];
	if (rt_resmon_start(&mon, PM_NS_PER_S, err, sizeof(err)) != PM_OK) {
		__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	if (rt_resmon_baseline_load(&mon, data, size, NULL) != PM_OK) {
		return 0;
	}
	/* Whatever was restored must be usable and round-trip. */
	(void)rt_resmon_observe_metric(&mon, RT_RES_MODEL, 0, RT_MET_EXECUTION_TIME, 12.5, 2 * PM_NS_PER_S);
	(void)rt_resmon_model_event(&mon, 0, RT_EV_APPEARED, 3 * PM_NS_PER_S);
	size_t len = 0;
	if (rt_resmon_baseline_save(&mon, out, sizeof(out), &len) != PM_OK) {
		__builtin_trap();
	}
	if (rt_resmon_baseline_load(&mon, out, len, NULL) != PM_OK) {
		__builtin_trap();
	}
	return 0;
}
