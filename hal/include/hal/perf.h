/* Hardware cache counters of a thread through perf_event_open, where the kernel allows it
 * (perf_event_paranoid, a PMU in the VM, CAP_PERFMON). Callers fall back to an estimate otherwise. */
#ifndef HAL_PERF_H
#define HAL_PERF_H

#include <stdint.h>

#include "hal/status.h"

struct hal_perf_cache {
	int refs_fd;
	int misses_fd;
};

/* Opens cache-references and cache-misses counters on thread `tid` (any CPU, user+kernel as
 * permitted). PM_ERR_UNSUPPORTED without a PMU, PM_ERR_PERM when refused, PM_ERR_GONE without the
 * thread. */
pm_status hal_perf_cache_open(int32_t tid, struct hal_perf_cache *pc);
pm_status hal_perf_cache_read(const struct hal_perf_cache *pc, uint64_t *refs, uint64_t *misses);
void hal_perf_cache_close(struct hal_perf_cache *pc);

#endif
