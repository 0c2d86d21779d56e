/* The process-state classifier of process-state-profiles.md: each process falls into one of five
 * classes from a rolling window of its CPU % and I/O operations per second.
 *
 * Profile table (seed)         CPU %    I/O ops/s
 *   foreground_active          80-95    100-500   (interactive: frequent output)
 *   background_active          50-70    10-50     (worker: logs to files)
 *   active                     40-90    5-100     (bursty: busy periods, then idle)
 *   running                    30-50    1-20      (steady event loop)
 *   inactive                    0-5     0-1       (mostly asleep)
 *
 * Rules, applied in this order to the window (n samples, mean m, standard deviation sd, maximum
 * max, mean I/O rate io; a sample is "idle" below 5 % and "busy" at or above 40 %):
 *   1. active            n >= 3, max >= 40, and either sd >= 20 or (idle fraction >= 25 % and busy
 *                        fraction >= 10 %): bursts separated by idle time.
 *   2. inactive          m < 5 and max < 20.
 *   3. foreground_active m >= 75, or m >= 65 and io >= 100: near-saturating with heavy I/O.
 *   4. background_active m >= 50.
 *   5. running           everything else: steady, moderate activity (5 <= m < 50, or a lone
 *                        sample spike below 20).
 * The gaps of the table (5-30 %, 70-80 %) are closed by these thresholds; each boundary is tested
 * in tests/unit/test_proc_class.c together with the midpoints of each profile row. */
#ifndef RT_PROC_CLASS_H
#define RT_PROC_CLASS_H

#include <stdint.h>

#include "rt/limits.h"

enum rt_proc_class {
	RT_PROC_INACTIVE = 0,
	RT_PROC_RUNNING = 1,
	RT_PROC_ACTIVE = 2,
	RT_PROC_BACKGROUND_ACTIVE = 3,
	RT_PROC_FOREGROUND_ACTIVE = 4,
	RT_PROC_CLASS_COUNT = 5,
};

#define RT_PROC_WINDOW PM_PROC_CLASS_WINDOW

struct rt_proc_window {
	float cpu[RT_PROC_WINDOW];    /* CPU % per sample */
	float io_ops[RT_PROC_WINDOW]; /* I/O ops/s per sample */
	uint32_t head;                /* next slot to write */
	uint32_t count;               /* valid samples, <= RT_PROC_WINDOW */
	uint32_t cpu_nonzero;         /* valid samples with CPU % > 0: none means inactive at once */
};

struct rt_proc_window_stats {
	uint32_t n;
	double mean;
	double stddev;
	double max;
	double io_mean;
	double idle_frac;
	double busy_frac;
};

void rt_proc_window_reset(struct rt_proc_window *w);
void rt_proc_window_push(struct rt_proc_window *w, double cpu_percent, double io_ops_s);
void rt_proc_window_stats(const struct rt_proc_window *w, struct rt_proc_window_stats *out);

/* Classifies the window by the rules above. An empty window is inactive. */
enum rt_proc_class rt_proc_classify(const struct rt_proc_window *w);

/* "foreground_active", "background_active", "active", "running", "inactive"; "unknown" otherwise. */
const char *rt_proc_class_name(enum rt_proc_class c);

#endif
