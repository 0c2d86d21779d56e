/* Derived per-process measures from two samples over monotonic time: CPU % (100 = one CPU fully
 * busy), I/O and scheduling rates. Counters that go backwards (a reused or reset source) give 0. */
#ifndef RT_PROC_RATES_H
#define RT_PROC_RATES_H

#include <stddef.h>
#include <stdint.h>

#include "hal/proc.h"
#include "rt/time.h"

/* CPU % from a delta of clock ticks over dt. 0 when dt <= 0 or the counter went backwards. */
double rt_cpu_percent_ticks(uint64_t prev_ticks, uint64_t cur_ticks, pm_ns dt, uint32_t clk_tck);
/* CPU % from a delta of nanoseconds (schedstat run time) over dt. */
double rt_cpu_percent_ns(uint64_t prev_ns, uint64_t cur_ns, pm_ns dt);
/* Events per second of a monotonic counter. */
double rt_rate_per_s(uint64_t prev, uint64_t cur, pm_ns dt);

struct rt_proc_rates {
	double cpu_percent;
	double read_bytes_s;  /* storage layer (read_bytes) */
	double write_bytes_s; /* storage layer (write_bytes) */
	double rchar_s;       /* all bytes read through any kind of file (rchar) */
	double wchar_s;
	double io_ops_s;     /* syscr + syscw per second */
	double ctxsw_s;      /* voluntary + nonvoluntary switches per second */
	double migrations_s; /* se.nr_migrations per second */
	uint32_t valid;      /* HAL_PROC_* bits both samples had */
};

/* The counters of one sample that rates are taken from: what a table keeps of a process's previous
 * sample instead of the whole sample (88 bytes instead of 360: fewer cache lines per process). */
struct rt_proc_counters {
	int64_t mono_ns;
	int32_t pid;
	uint32_t valid; /* HAL_PROC_* bits of the sample */
	uint64_t starttime;
	uint64_t cpu_ticks; /* utime + stime */
	uint64_t read_bytes;
	uint64_t write_bytes;
	uint64_t rchar;
	uint64_t wchar;
	uint64_t io_ops; /* syscr + syscw */
	uint64_t ctxsw;  /* voluntary + nonvoluntary */
	uint64_t migrations;
};

void rt_proc_counters_of(const struct hal_proc_sample *s, struct rt_proc_counters *out);

/* Rates between the counters of two samples of the same process (same pid and starttime; else all
 * zero). */
void rt_proc_rates_between(const struct rt_proc_counters *prev, const struct rt_proc_counters *cur,
                           uint32_t clk_tck, struct rt_proc_rates *out);

/* Rates between two samples of the same process (same pid and starttime; else all zero). */
void rt_proc_rates_compute(const struct hal_proc_sample *prev, const struct hal_proc_sample *cur,
                           uint32_t clk_tck, struct rt_proc_rates *out);

/* Per-thread CPU % from schedstat (preferred: ns resolution) or stat ticks. */
double rt_thread_cpu_percent(const struct hal_thread_sample *prev, const struct hal_thread_sample *cur,
                             uint32_t clk_tck);

/* Children per process of a snapshot: pids sorted ascending; children[i] counts the entries whose
 * ppid is pids[i]. */
void rt_proc_child_counts(const int32_t *pids, const int32_t *ppids, size_t n, uint32_t *children);

#endif
