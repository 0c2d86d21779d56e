/* Facts about this machine that configuration checks need (which CPUs exist). */
#ifndef HAL_MACHINE_H
#define HAL_MACHINE_H

#include <stdint.h>

#include "hal/status.h"

/* Number of CPU ids of this machine: the highest id in /sys/devices/system/cpu/present plus one,
 * falling back to sysconf(_SC_NPROCESSORS_CONF) where sysfs is absent. */
pm_status hal_machine_cpu_count(uint32_t *count);

#endif
