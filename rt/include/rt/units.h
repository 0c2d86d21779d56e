/* Parsers for the value kinds of the configuration (besides durations, see rt/time.h): sizes, CPU
 * quantities, percentages, CPU lists, ASIL levels and integers. Pure functions over (text, len); each
 * returns PM_ERR_PARSE for malformed text and PM_ERR_INVAL for a well-formed value out of range. */
#ifndef RT_UNITS_H
#define RT_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "hal/cpuset.h"
#include "hal/status.h"

/* Bytes from "512Mi", "1Gi", "64Ki", "100MB", "1G", "4096" (bare number = bytes). Binary suffixes
 * Ki Mi Gi Ti (powers of 1024); decimal K/k M G T and KB MB GB TB (powers of 1000, as the HLD's MB);
 * "B" alone is bytes. A fraction ("1.5Gi") is allowed and truncated to whole bytes. */
pm_status rt_size_parse(const char *text, size_t len, uint64_t *bytes);

/* CPU quantity in millicores from "500m", "1", "1.5", "0.25" (Kubernetes notation). The result must be
 * a whole number of millicores, at most PM_MAX_CPUS cores. */
pm_status rt_cpu_qty_parse(const char *text, size_t len, uint32_t *millicores);

/* Percentage in hundredths of a percent (basis points) from "80%", "0.5%", "100%"; 0..100 %. The '%'
 * is required so that a ratio (0.8) is never mistaken for a percentage. */
pm_status rt_percent_parse(const char *text, size_t len, uint32_t *basis_points);

/* Adds the CPUs of a Linux CPU list ("2", "2-3", "0,2-3,8") to `set` (the set is not cleared).
 * Every id must be < PM_MAX_CPUS; a range must not run backwards. */
pm_status rt_cpulist_parse(const char *text, size_t len, struct hal_cpuset *set);

enum rt_asil {
	RT_ASIL_QM = 0,
	RT_ASIL_A = 1,
	RT_ASIL_B = 2,
	RT_ASIL_C = 3,
	RT_ASIL_D = 4,
};
#define RT_ASIL_COUNT 5

/* "QM", "A", "B", "C", "D", case-insensitive, optionally prefixed "ASIL-" / "ASIL " / "ASIL". */
pm_status rt_asil_parse(const char *text, size_t len, enum rt_asil *out);
/* "QM", "A" .. "D"; never NULL. */
const char *rt_asil_name(enum rt_asil asil);

/* Unsigned integer in decimal, or hexadecimal with 0x/0X prefix. */
pm_status rt_u64_parse(const char *text, size_t len, uint64_t *out);
/* Signed decimal integer within [min, max]. */
pm_status rt_i64_parse(const char *text, size_t len, int64_t min, int64_t max, int64_t *out);

#endif
