/* RT mode: a periodic job on absolute-time sleeps, reported through the client library, with injected
 * deadline misses, budget overruns, a hang and a crash; it measures its own jobs as ground truth. */
#include <stdio.h>
#include <string.h>

#include "hal/clock.h"
#include "hal/log.h"
#include "hal/workload.h"
#include "picmon/client.h"
#include "simload.h"

struct rt_report {
	uint64_t jobs;
	uint64_t inj_misses;
	uint64_t inj_overruns;
	uint64_t inj_hangs;
	uint64_t inj_crashes;
	uint64_t obs_misses;
	uint64_t obs_overruns;
	pm_ns worst_response_ns;
	pm_ns worst_exec_ns;
};

static void write_report(const struct sim_options *opt, const struct rt_report *r)
{
	if (opt->report_json == NULL) {
		return;
	}
	char buf[512];
	int n =
	    snprintf(buf, sizeof(buf),
	             "{\"jobs\": %llu, \"injected\": {\"misses\": %llu, \"overruns\": %llu, \"hangs\": %llu, "
	             "\"crashes\": %llu}, \"observed\": {\"misses\": %llu, \"overruns\": %llu, "
	             "\"worstResponseMs\": %.3f, \"worstExecMs\": %.3f}}\n",
	             (unsigned long long)r->jobs, (unsigned long long)r->inj_misses,
	             (unsigned long long)r->inj_overruns, (unsigned long long)r->inj_hangs,
	             (unsigned long long)r->inj_crashes, (unsigned long long)r->obs_misses,
	             (unsigned long long)r->obs_overruns, rt_ns_to_ms(r->worst_response_ns),
	             rt_ns_to_ms(r->worst_exec_ns));
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		hal_log(HAL_LOG_ERROR, "report does not fit its buffer");
		return;
	}
	pm_status st = hal_wl_write_file_atomic(opt->report_json, buf, (size_t)n);
	if (st != PM_OK) {
		hal_log(HAL_LOG_ERROR, "cannot write %s: %s", opt->report_json, pm_status_str(st));
	}
}

enum job_kind { JOB_NORMAL, JOB_MISS, JOB_OVERRUN };

static enum job_kind kind_of(const struct sim_options *opt, uint64_t k)
{
	/* A job due for both faults is a miss only: the two are defined to exclude each other. */
	if (opt->miss_every > 0 && k % opt->miss_every == 0) {
		return JOB_MISS;
	}
	if (opt->overrun_every > 0 && k % opt->overrun_every == 0) {
		return JOB_OVERRUN;
	}
	return JOB_NORMAL;
}

/* One job released at `release`: CPU work on the thread clock, bounded by the deadline guard; a miss
 * sleeps past the deadline, an overrun spins past the budget. Returns the job's own figures. */
static void run_job(const struct sim_options *opt, enum job_kind kind, pm_ns release, pm_ns cpu0,
                    pm_ns *end_out)
{
	pm_ns deadline = release + opt->deadline_ns;
	/* Spinning stops 100 us before the deadline at the latest: a late start never turns into a
	 * FIFO thread burning past its deadline. */
	pm_ns guard = deadline - 100 * PM_NS_PER_US;
	pm_ns work =
	    kind == JOB_OVERRUN ? opt->exec_ns + opt->exec_ns / 4 + 200 * PM_NS_PER_US : opt->exec_ns / 2;
	(void)sim_burn(cpu0 + work, guard);
	if (kind == JOB_MISS) {
		pm_ns slack = opt->period_ns - opt->deadline_ns;
		pm_ns margin = slack / 2 > PM_NS_PER_MS ? PM_NS_PER_MS : slack / 2;
		if (margin < 200 * PM_NS_PER_US) {
			margin = 200 * PM_NS_PER_US;
		}
		(void)hal_sleep_until_mono(deadline + margin, &sim_stop);
	}
	*end_out = hal_clock_mono_ns();
}

static void try_attach(const char *name, bool *warned)
{
	pm_status st = pm_attach(name);
	if (st == PM_OK) {
		hal_log(HAL_LOG_INFO, "attached to the monitor as Model %s", name);
		*warned = false;
	} else if (!*warned) {
		hal_log(HAL_LOG_WARN, "not supervised (%s): %s; running on, retrying every second",
		        pm_status_str(st), pm_attach_error());
		*warned = true;
	}
}

int sim_run_rt(const struct sim_options *opt)
{
	struct rt_report r;
	memset(&r, 0, sizeof(r));
	pm_status fifo = PM_OK;
	pm_status pin = PM_OK;
	hal_wl_sched_self(opt->priority, opt->cpu, &fifo, &pin);
	if (fifo != PM_OK) {
		hal_log(HAL_LOG_WARN, "SCHED_FIFO %d refused (%s): running degraded as SCHED_OTHER",
		        opt->priority, pm_status_str(fifo));
	}
	if (pin != PM_OK) {
		hal_log(HAL_LOG_WARN, "CPU %d refused (%s): running unpinned", opt->cpu, pm_status_str(pin));
	}
	bool warned = false;
	try_attach(opt->rt_name, &warned);
	pm_ns t0 = hal_clock_mono_ns();
	pm_ns last_attach_try = t0;
	pm_ns release = t0 + opt->period_ns;
	bool hung = false;
	bool crash = false;
	/* Bounded by the duration, the signals, or (without either) 2^62 ns of periods. */
	for (uint64_t k = 1; k < (UINT64_C(1) << 62) && sim_stop == 0; k++) {
		if (hal_sleep_until_mono(release, &sim_stop) != PM_OK) {
			break;
		}
		pm_ns now = hal_clock_mono_ns();
		if (opt->duration_ns > 0 && now - t0 >= opt->duration_ns) {
			break;
		}
		if (opt->crash_after_ns > 0 && now - t0 >= opt->crash_after_ns) {
			crash = true;
			break;
		}
		if (opt->hang_after_ns > 0 && now - t0 >= opt->hang_after_ns) {
			hung = true;
			break;
		}
		enum job_kind kind = kind_of(opt, k);
		pm_ns cpu0 = hal_clock_thread_cpu_ns();
		(void)pm_job_begin_at(release);
		pm_ns end = 0;
		run_job(opt, kind, release, cpu0, &end);
		pm_ns cpu = hal_clock_thread_cpu_ns() - cpu0;
		pm_ns response = end - release;
		/* Supervised: judge the very figures the monitor receives, so that its counts and these
		 * must be equal; otherwise (no monitor, ring full) our own clocks around the job. */
		struct pm_job_times t;
		if (pm_job_end() == PM_OK && pm_job_last(&t) == PM_OK) {
			response = t.end_ns - t.release_ns;
			cpu = t.cpu_ns >= 0 ? t.cpu_ns : cpu;
		}
		r.jobs++;
		r.inj_misses += kind == JOB_MISS ? 1u : 0u;
		r.inj_overruns += kind == JOB_OVERRUN ? 1u : 0u;
		r.obs_misses += response > opt->deadline_ns ? 1u : 0u;
		r.obs_overruns += cpu > opt->exec_ns ? 1u : 0u;
		r.worst_response_ns = response > r.worst_response_ns ? response : r.worst_response_ns;
		r.worst_exec_ns = cpu > r.worst_exec_ns ? cpu : r.worst_exec_ns;
		release += opt->period_ns;
		now = hal_clock_mono_ns();
		if (release < now) {
			/* Overloaded: skip the activations already past instead of a burst of late jobs. */
			release += ((now - release) / opt->period_ns + 1) * opt->period_ns;
		}
		if (!pm_attached() && now - last_attach_try >= PM_NS_PER_S) {
			last_attach_try = now;
			try_attach(opt->rt_name, &warned);
		}
	}
	if (hung) {
		r.inj_hangs = 1;
		hal_log(HAL_LOG_WARN, "injected hang after %llu jobs: alive, no more jobs",
		        (unsigned long long)r.jobs);
		write_report(opt, &r); /* in case it is killed by SIGKILL while hung */
		for (uint64_t i = 0; i < (UINT64_C(1) << 40) && sim_stop == 0; i++) {
			pm_ns now = hal_clock_mono_ns();
			if (opt->duration_ns > 0 && now - t0 >= opt->duration_ns) {
				break;
			}
			if (opt->crash_after_ns > 0 && now - t0 >= opt->crash_after_ns) {
				crash = true;
				break;
			}
			(void)hal_sleep_ns(20 * PM_NS_PER_MS, &sim_stop);
		}
	}
	if (crash) {
		r.inj_crashes = 1;
		write_report(opt, &r);
		hal_log(HAL_LOG_WARN, "injected crash (abort) after %llu jobs", (unsigned long long)r.jobs);
		hal_wl_abort();
	}
	(void)pm_detach();
	write_report(opt, &r);
	hal_log(HAL_LOG_INFO, "%llu jobs, %llu misses, %llu overruns observed", (unsigned long long)r.jobs,
	        (unsigned long long)r.obs_misses, (unsigned long long)r.obs_overruns);
	return 0;
}
