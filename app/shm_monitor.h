/* Monitor side of the client shared-memory segment: create it (removing a stale one left by a dead
 * monitor, refusing when another monitor is alive), judge slot owners, close it at exit. Init/exit
 * calls make syscalls; the per-tick calls are the pure rt_shm_slot_* functions of rt/shm_layout.h. */
#ifndef APP_SHM_MONITOR_H
#define APP_SHM_MONITOR_H

#include <stdint.h>

#include "hal/shm.h"
#include "rt/shm_layout.h"

struct app_shm {
	struct hal_shm map;
	struct rt_shm_segment *seg; /* NULL when not created */
	uint64_t epoch;
};

/* The segment name: PICMON_SHM from the environment, else RT_SHM_DEFAULT_NAME. */
const char *app_shm_default_name(void);

/* Creates segment `name` (NULL: app_shm_default_name()) for epoch `epoch` (> 0, unique per monitor
 * start) with Models models[0..n-1] (timing from specs, may be NULL), locks it in RAM where allowed
 * (one warning otherwise) and publishes it READY. A segment of that name left by a monitor that is
 * gone is removed with a warning; one whose creator still runs is PM_ERR_STATE (another monitor). */
pm_status app_shm_create(const char *name, uint64_t epoch, const char *const *models,
                         const struct rt_timing_spec *specs, uint32_t n, struct app_shm *out);

/* Reads the owner of slot `index`, probes its pid (/proc start time) and judges it. */
pm_status app_shm_check_owner(const struct app_shm *shm, uint32_t index, struct rt_shm_owner *owner,
                              enum rt_shm_owner_verdict *verdict);

/* Marks the segment CLOSED (clients turn to no-ops), unmaps and unlinks it. */
pm_status app_shm_destroy(struct app_shm *shm);

#endif
