/* CPU % and rates from sample deltas (rt/proc_rates.h). */
#include "rt/proc_rates.h"

#include <string.h>

double rt_cpu_percent_ticks(uint64_t prev_ticks, uint64_t cur_ticks, pm_ns dt, uint32_t clk_tck)
{
	if (dt <= 0 || clk_tck == 0 || cur_ticks < prev_ticks) {
		return 0.0;
	}
	double cpu_ns = (double)(cur_ticks - prev_ticks) * ((double)PM_NS_PER_S / (double)clk_tck);
	return 100.0 * cpu_ns / (double)dt;
}

double rt_cpu_percent_ns(uint64_t prev_ns, uint64_t cur_ns, pm_ns dt)
{
	if (dt <= 0 || cur_ns < prev_ns) {
		return 0.0;
	}
	return 100.0 * (double)(cur_ns - prev_ns) / (double)dt;
}

double rt_rate_per_s(uint64_t prev, uint64_t cur, pm_ns dt)
{
	if (dt <= 0 || cur < prev) {
		return 0.0;
	}
	return (double)(cur - prev) * (double)PM_NS_PER_S / (double)dt;
}

void rt_proc_counters_of(const struct hal_proc_sample *s, struct rt_proc_counters *out)
{
	out->mono_ns = s->mono_ns;
	out->pid = s->stat.pid;
	out->valid = s->valid;
	out->starttime = s->stat.starttime;
	out->cpu_ticks = s->stat.utime + s->stat.stime;
	out->read_bytes = s->io.read_bytes;
	out->write_bytes = s->io.write_bytes;
	out->rchar = s->io.rchar;
	out->wchar = s->io.wchar;
	out->io_ops = s->io.syscr + s->io.syscw;
	out->ctxsw = s->status.voluntary_ctxt_switches + s->status.nonvoluntary_ctxt_switches;
	out->migrations = s->sched.nr_migrations;
}

void rt_proc_rates_between(const struct rt_proc_counters *prev, const struct rt_proc_counters *cur,
                           uint32_t clk_tck, struct rt_proc_rates *out)
{
	memset(out, 0, sizeof(*out));
	if (prev == NULL || cur == NULL || prev->pid != cur->pid || prev->starttime != cur->starttime) {
		return;
	}
	pm_ns dt = cur->mono_ns - prev->mono_ns;
	uint32_t both = prev->valid & cur->valid;
	out->valid = both;
	if ((both & HAL_PROC_STAT) != 0) {
		out->cpu_percent = rt_cpu_percent_ticks(prev->cpu_ticks, cur->cpu_ticks, dt, clk_tck);
	}
	if ((both & HAL_PROC_IO) != 0) {
		out->read_bytes_s = rt_rate_per_s(prev->read_bytes, cur->read_bytes, dt);
		out->write_bytes_s = rt_rate_per_s(prev->write_bytes, cur->write_bytes, dt);
		out->rchar_s = rt_rate_per_s(prev->rchar, cur->rchar, dt);
		out->wchar_s = rt_rate_per_s(prev->wchar, cur->wchar, dt);
		out->io_ops_s = rt_rate_per_s(prev->io_ops, cur->io_ops, dt);
	}
	if ((both & HAL_PROC_STATUS) != 0) {
		out->ctxsw_s = rt_rate_per_s(prev->ctxsw, cur->ctxsw, dt);
	}
	if ((both & HAL_PROC_SCHED) != 0) {
		out->migrations_s = rt_rate_per_s(prev->migrations, cur->migrations, dt);
	}
}

void rt_proc_rates_compute(const struct hal_proc_sample *prev, const struct hal_proc_sample *cur,
                           uint32_t clk_tck, struct rt_proc_rates *out)
{
	if (prev == NULL || cur == NULL) {
		memset(out, 0, sizeof(*out));
		return;
	}
	struct rt_proc_counters a;
	struct rt_proc_counters b;
	rt_proc_counters_of(prev, &a);
	rt_proc_counters_of(cur, &b);
	rt_proc_rates_between(&a, &b, clk_tck, out);
}

double rt_thread_cpu_percent(const struct hal_thread_sample *prev, const struct hal_thread_sample *cur,
                             uint32_t clk_tck)
{
	if (prev == NULL || cur == NULL) {
		return 0.0;
	}
	pm_ns dt = cur->mono_ns - prev->mono_ns;
	if ((prev->valid & cur->valid & HAL_THREAD_SCHEDSTAT) != 0) {
		return rt_cpu_percent_ns(prev->schedstat.run_ns, cur->schedstat.run_ns, dt);
	}
	if ((prev->valid & cur->valid & HAL_THREAD_STAT) != 0) {
		return rt_cpu_percent_ticks(prev->stat.utime + prev->stat.stime,
		                            cur->stat.utime + cur->stat.stime, dt, clk_tck);
	}
	return 0.0;
}

void rt_proc_child_counts(const int32_t *pids, const int32_t *ppids, size_t n, uint32_t *children)
{
	for (size_t i = 0; i < n; i++) {
		children[i] = 0;
	}
	for (size_t i = 0; i < n; i++) {
		/* Binary search of the parent among the sorted pids: O(n log n) overall. */
		size_t lo = 0;
		size_t hi = n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (pids[mid] < ppids[i]) {
				lo = mid + 1;
			} else {
				hi = mid;
			}
		}
		if (lo < n && pids[lo] == ppids[i]) {
			children[lo]++;
		}
	}
}
