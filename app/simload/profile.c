/* Profile mode: NUM_PROCS children, each behaving as one row of process-state-profiles.md (CPU by
 * duty cycle on the thread CPU clock, memory pattern, threads, output rate and target, burst/idle). */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "hal/clock.h"
#include "hal/log.h"
#include "hal/proc_ident.h"
#include "hal/process.h"
#include "hal/term.h"
#include "hal/workload.h"
#include "simload.h"

#define MEM_CHUNK ((size_t)1 << 20)
#define MEM_MAX_CHUNKS 256u

/* Values chosen inside each row's range with margin on both sides (CPU of one core, RSS in MB). */
static const struct sim_profile profiles[SIM_STATE_COUNT] = {
	[SIM_FOREGROUND_ACTIVE] = { .name = "foreground_active",
	                            .duty = 0.87,
	                            .burners = 1,
	                            .window_ns = 5 * PM_NS_PER_MS,
	                            .mem_mb = 60,
	                            .mem_max_mb = 180,
	                            .mem_grow_mb_s = 8.0,
	                            .io_per_s = 200.0,
	                            .io_stdout = true },
	[SIM_BACKGROUND_ACTIVE] = { .name = "background_active",
	                            .duty = 0.60,
	                            .burners = 3,
	                            .window_ns = 10 * PM_NS_PER_MS,
	                            .mem_mb = 60,
	                            .mem_max_mb = 60,
	                            .io_per_s = 25.0,
	                            .io_stdout = false },
	[SIM_ACTIVE] = { .name = "active",
	                 .duty = 0.85,
	                 .idle_duty = 0.03,
	                 .burners = 2,
	                 .window_ns = 10 * PM_NS_PER_MS,
	                 .mem_mb = 40,
	                 .mem_max_mb = 110,
	                 .mem_grow_mb_s = 60.0,
	                 .io_per_s = 40.0,
	                 .io_stdout = false,
	                 .burst_ns =
	                     3000 *
	                     PM_NS_PER_MS, /* with a 2 s idle: a 5 s cycle no 1 s sampler aliases away */
	                 .idle_ns = 2000 * PM_NS_PER_MS },
	[SIM_RUNNING] = { .name = "running",
	                  .duty = 0.40,
	                  .burners = 1,
	                  .window_ns = 100 * PM_NS_PER_MS,
	                  .mem_mb = 25,
	                  .mem_max_mb = 25,
	                  .io_per_s = 10.0,
	                  .io_stdout = false },
	[SIM_INACTIVE] = { .name = "inactive",
	                   .duty = 0.0005,
	                   .burners = 0,
	                   .window_ns = PM_NS_PER_S,
	                   .mem_mb = 8,
	                   .mem_max_mb = 8,
	                   .io_per_s = 0.2,
	                   .io_stdout = false },
};

const struct sim_profile *sim_profile_of(enum sim_state state)
{
	if ((int)state < 0 || state >= SIM_STATE_COUNT) {
		return NULL;
	}
	return &profiles[state];
}

enum sim_state sim_state_from_name(const char *name)
{
	for (int i = 0; i < SIM_STATE_COUNT; i++) {
		if (name != NULL && strcmp(name, profiles[i].name) == 0) {
			return (enum sim_state)i;
		}
	}
	return SIM_STATE_COUNT;
}

/* ---- one child ---- */

struct burner {
	_Atomic uint64_t duty_ppm; /* this thread's share of one CPU, parts per million */
	pm_ns window_ns;
	uintptr_t handle;
};

/* Duty cycle per window: work until the thread has used its share of the time elapsed since the
 * start of the current second (so time lost to preemption is made up within that second, never more),
 * then sleep to the window end. */
static void *burner_main(void *arg)
{
	struct burner *b = arg;
	pm_ns frame_wall = hal_clock_mono_ns();
	pm_ns frame_cpu = hal_clock_thread_cpu_ns();
	pm_ns next = frame_wall;
	while (sim_stop == 0) {
		next += b->window_ns;
		pm_ns now = hal_clock_mono_ns();
		if (next < now) {
			next =
			    now + b->window_ns; /* fell behind (stopped, preempted): do not catch up bursts */
		}
		if (now - frame_wall >= PM_NS_PER_S) {
			frame_wall = now;
			frame_cpu = hal_clock_thread_cpu_ns();
		}
		double duty = (double)atomic_load(&b->duty_ppm) / 1e6;
		pm_ns allowed = (pm_ns)(duty * (double)(next - frame_wall));
		pm_ns cpu_until = frame_cpu + allowed;
		(void)sim_burn(cpu_until, next);
		(void)hal_sleep_until_mono(next, &sim_stop);
	}
	return NULL;
}

struct child_mem {
	void *chunks[MEM_MAX_CHUNKS];
	uint32_t n;
};

static void mem_to(struct child_mem *m, uint32_t mb)
{
	if (mb > MEM_MAX_CHUNKS) {
		mb = MEM_MAX_CHUNKS;
	}
	for (uint32_t i = 0; i < MEM_MAX_CHUNKS && m->n < mb; i++) {
		if (hal_wl_mem_alloc(MEM_CHUNK, &m->chunks[m->n]) != PM_OK) {
			hal_log(HAL_LOG_WARN, "cannot allocate memory at %u MB", m->n);
			return;
		}
		m->n++;
	}
	for (uint32_t i = 0; i < MEM_MAX_CHUNKS && m->n > mb; i++) {
		m->n--;
		(void)hal_wl_mem_free(m->chunks[m->n], MEM_CHUNK);
		m->chunks[m->n] = NULL;
	}
}

static void set_duty(struct burner *b, uint32_t n, double total)
{
	for (uint32_t i = 0; i < n; i++) {
		atomic_store(&b[i].duty_ppm, (uint64_t)(total / (double)n * 1e6));
	}
}

static int child_main(const struct sim_profile *p, uint32_t index, const char *log_dir)
{
	int io_fd = 1;
	if (!p->io_stdout && p->io_per_s > 0.0) {
		char path[512];
		int n =
		    snprintf(path, sizeof(path), "%s/picmon-simload-%d.log", log_dir, hal_proc_self_pid());
		if (n < 0 || (size_t)n >= sizeof(path) || hal_wl_open_append(path, &io_fd) != PM_OK) {
			hal_log(HAL_LOG_ERROR, "cannot open log file in %s", log_dir);
			return 1;
		}
	}
	struct child_mem mem;
	memset(&mem, 0, sizeof(mem));
	mem_to(&mem, p->mem_mb);

	struct burner burners[SIM_MAX_THREADS];
	memset(burners, 0, sizeof(burners));
	uint32_t nb = p->burners < SIM_MAX_THREADS ? p->burners : SIM_MAX_THREADS;
	set_duty(burners, nb, p->duty);
	uint32_t started = 0;
	for (uint32_t i = 0; i < nb; i++) {
		burners[i].window_ns = p->window_ns;
		if (hal_wl_thread_start(burner_main, &burners[i], &burners[i].handle) != PM_OK) {
			hal_log(HAL_LOG_ERROR, "cannot start a worker thread");
			break;
		}
		started++;
	}

	pm_ns t0 = hal_clock_mono_ns();
	pm_ns io_gap = p->io_per_s > 0.0 ? (pm_ns)(1e9 / p->io_per_s) : PM_NS_PER_S;
	pm_ns next_io = t0 + io_gap;
	pm_ns step = io_gap < 100 * PM_NS_PER_MS ? io_gap : 100 * PM_NS_PER_MS;
	bool bursting = true;
	pm_ns phase_end = t0 + p->burst_ns;
	double grown = 0.0;
	uint64_t count = 0;
	pm_ns next = t0;
	while (sim_stop == 0) {
		next += step;
		pm_ns now = hal_clock_mono_ns();
		if (p->burst_ns > 0 && now >= phase_end) {
			bursting = !bursting;
			phase_end = now + (bursting ? p->burst_ns : p->idle_ns);
			set_duty(burners, nb, bursting ? p->duty : p->idle_duty);
			if (!bursting) {
				grown = 0.0; /* the burst's working set is given back */
			}
		}
		if (bursting && p->mem_grow_mb_s > 0.0) {
			grown += p->mem_grow_mb_s * (double)step / 1e9;
		}
		double target = (double)p->mem_mb + grown;
		mem_to(&mem, target > (double)p->mem_max_mb ? p->mem_max_mb : (uint32_t)target);
		if (nb == 0 && p->duty > 0.0) {
			/* Inactive: minimal work on the main thread once per window. */
			(void)sim_burn(hal_clock_thread_cpu_ns() + (pm_ns)(p->duty * (double)step),
			               now + step);
		}
		/* Output at the profile's rate; between bursts an active process writes nothing. */
		for (int k = 0; k < 16 && now >= next_io && sim_stop == 0; k++) {
			next_io += io_gap;
			if (!bursting) {
				continue;
			}
			char line[128];
			count++;
			int n = snprintf(line, sizeof(line), "%s[%u] status: op %llu rss %u MB\n", p->name,
			                 index, (unsigned long long)count, mem.n);
			if (n > 0 && hal_write_all(io_fd, line, (size_t)n) != PM_OK) {
				break; /* stdout closed: keep running, output is not the point */
			}
		}
		if (next_io < now - PM_NS_PER_S) {
			next_io = now; /* after a long stall do not flood */
		}
		(void)hal_sleep_until_mono(next, &sim_stop);
	}
	for (uint32_t i = 0; i < started; i++) {
		(void)hal_wl_thread_join(burners[i].handle);
	}
	mem_to(&mem, 0);
	if (io_fd != 1) {
		(void)hal_wl_close(io_fd);
	}
	return 0;
}

/* ---- the parent ---- */

static enum sim_state state_of_child(const struct sim_options *opt, uint32_t i)
{
	return opt->mix_diverse ? (enum sim_state)(i % SIM_STATE_COUNT) : opt->state;
}

/* Stops and reaps every child: SIGTERM, up to 3 s, then SIGKILL. Returns how many were killed. */
static uint32_t stop_children(int *pids, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (pids[i] > 0) {
			(void)hal_process_signal(pids[i], 15, false);
		}
	}
	uint32_t killed = 0;
	pm_ns limit = hal_clock_mono_ns() + 3 * PM_NS_PER_S;
	for (int round = 0; round < 2; round++) {
		for (int spin = 0; spin < 1000; spin++) {
			uint32_t left = 0;
			for (uint32_t i = 0; i < n; i++) {
				int reaped = 0;
				int status = 0;
				if (pids[i] <= 0) {
					continue;
				}
				pm_status st = hal_wl_reap(pids[i], &reaped, &status);
				if (st == PM_OK || st == PM_ERR_NOENT) {
					pids[i] = 0;
				} else {
					left++;
				}
			}
			if (left == 0 || hal_clock_mono_ns() >= limit) {
				break;
			}
			(void)hal_sleep_ns(5 * PM_NS_PER_MS, NULL);
		}
		if (round == 0) {
			for (uint32_t i = 0; i < n; i++) {
				if (pids[i] > 0) {
					(void)hal_process_signal(pids[i], 9, false);
					killed++;
				}
			}
			limit = hal_clock_mono_ns() + 3 * PM_NS_PER_S;
		}
	}
	return killed;
}

int sim_run_profiles(const struct sim_options *opt)
{
	int pids[SIM_MAX_PROCS];
	memset(pids, 0, sizeof(pids));
	uint32_t n = opt->procs;
	for (uint32_t i = 0; i < n; i++) {
		int pid = 0;
		if (hal_wl_fork(&pid) != PM_OK) {
			hal_log(HAL_LOG_ERROR, "fork failed after %u children", i);
			(void)stop_children(pids, i);
			return 1;
		}
		if (pid == 0) {
			return child_main(sim_profile_of(state_of_child(opt, i)), i, opt->log_dir);
		}
		pids[i] = pid;
	}
	hal_log(HAL_LOG_INFO, "%u process(es) %s%s%s", n,
	        opt->mix_diverse ? "diverse mix" : sim_profile_of(opt->state)->name,
	        opt->model != NULL ? " model " : "", opt->model != NULL ? opt->model : "");
	pm_ns t0 = hal_clock_mono_ns();
	bool crash = false;
	while (sim_stop == 0) {
		pm_ns now = hal_clock_mono_ns();
		if (opt->duration_ns > 0 && now - t0 >= opt->duration_ns) {
			break;
		}
		if (opt->crash_after_ns > 0 && now - t0 >= opt->crash_after_ns) {
			crash = true;
			break;
		}
		/* A child that died on its own is reported (and reaped: no zombie), not restarted. */
		for (uint32_t i = 0; i < n; i++) {
			int reaped = 0;
			int status = 0;
			if (pids[i] > 0 && hal_wl_reap(pids[i], &reaped, &status) == PM_OK) {
				hal_log(HAL_LOG_WARN, "child %d ended unexpectedly (status %d)", reaped,
				        status);
				pids[i] = 0;
			}
		}
		(void)hal_sleep_ns(50 * PM_NS_PER_MS, &sim_stop);
	}
	uint32_t killed = stop_children(pids, n);
	if (killed > 0) {
		hal_log(HAL_LOG_WARN, "%u child(ren) needed SIGKILL", killed);
	}
	if (crash) {
		hal_log(HAL_LOG_WARN, "injected crash (abort) after %.1f s",
		        rt_ns_to_ms(opt->crash_after_ns) / 1e3);
		hal_wl_abort();
	}
	return 0;
}
