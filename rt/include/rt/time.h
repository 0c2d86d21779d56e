/* Time in picmon: signed 64-bit nanoseconds of CLOCK_MONOTONIC (or of the realtime clock where a
 * field says so), and the one parser/formatter for human durations such as "2ms", "500us", "7d". */
#ifndef RT_TIME_H
#define RT_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "hal/status.h"

typedef int64_t pm_ns;

#define PM_NS_PER_US INT64_C(1000)
#define PM_NS_PER_MS INT64_C(1000000)
#define PM_NS_PER_S INT64_C(1000000000)
#define PM_NS_PER_MIN (60 * PM_NS_PER_S)
#define PM_NS_PER_HOUR (60 * PM_NS_PER_MIN)
#define PM_NS_PER_DAY (24 * PM_NS_PER_HOUR)

/* Parses a duration of `len` bytes: a non-negative decimal number (optional fraction) followed by
 * one unit of ns, us, ms, s, m, h, d. The result must be a whole number of nanoseconds and fit in
 * int64. Returns PM_ERR_PARSE for malformed text, PM_ERR_INVAL for out-of-range values. */
pm_status rt_duration_parse(const char *text, size_t len, pm_ns *out);

/* Writes `ns` with the largest unit that represents it exactly ("10ms", "1500us", "0s"); negative
 * values get a leading '-'. Returns PM_ERR_NOSPACE when `cap` is too small (output is then ""). */
pm_status rt_duration_format(pm_ns ns, char *buf, size_t cap);

/* Milliseconds as a double, the unit the HLD reports times in. */
double rt_ns_to_ms(pm_ns ns);

/* a + b, saturating at the int64 limits instead of overflowing. */
pm_ns rt_ns_add_sat(pm_ns a, pm_ns b);

#endif
