/* picmon-simload internals: options, the process-state profiles of process-state-profiles.md, the
 * duty-cycle CPU burner, the profile children and the periodic real-time job with fault injection. */
#ifndef SIMLOAD_H
#define SIMLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/status.h"
#include "rt/time.h"

#define SIM_MAX_PROCS 64
#define SIM_MAX_THREADS 8
#define SIM_DEFAULT_PRIORITY 10 /* SCHED_FIFO priority of the RT job when --priority is not given */

enum sim_state {
	SIM_FOREGROUND_ACTIVE = 0,
	SIM_BACKGROUND_ACTIVE = 1,
	SIM_ACTIVE = 2,
	SIM_RUNNING = 3,
	SIM_INACTIVE = 4,
	SIM_STATE_COUNT = 5,
};

/* One row of the profile table, turned into the knobs a child uses. */
struct sim_profile {
	const char *name;     /* PROCESS_STATE value */
	double duty;          /* CPU of the whole process, fraction of one CPU (bursts: while bursting) */
	double idle_duty;     /* CPU between bursts (SIM_ACTIVE only) */
	uint32_t burners;     /* threads that burn CPU besides the main thread */
	pm_ns window_ns;      /* duty-cycle window of a burner (work, then sleep to the window end) */
	uint32_t mem_mb;      /* resident memory at start */
	uint32_t mem_max_mb;  /* upper bound of growth */
	double mem_grow_mb_s; /* growth per second (while bursting for SIM_ACTIVE) */
	double io_per_s;      /* output operations per second (while bursting for SIM_ACTIVE) */
	bool io_stdout;       /* stdout lines, else lines appended to a log file */
	pm_ns burst_ns;       /* SIM_ACTIVE: burst length; 0 = steady */
	pm_ns idle_ns;        /* SIM_ACTIVE: idle length */
};

const struct sim_profile *sim_profile_of(enum sim_state state);
/* PROCESS_STATE name -> state; SIM_STATE_COUNT when unknown. */
enum sim_state sim_state_from_name(const char *name);

struct sim_options {
	/* profile mode */
	enum sim_state state;
	bool mix_diverse;
	uint32_t procs;
	const char *log_dir;
	/* both */
	const char *model;
	pm_ns duration_ns;    /* 0 = until SIGINT/SIGTERM */
	pm_ns crash_after_ns; /* 0 = never */
	/* rt mode */
	const char *rt_name; /* NULL = profile mode */
	pm_ns period_ns;
	pm_ns deadline_ns;
	pm_ns exec_ns;
	int priority; /* SCHED_FIFO priority, 0 = SCHED_OTHER */
	int cpu;      /* -1 = no pinning */
	uint32_t miss_every;
	uint32_t overrun_every;
	pm_ns hang_after_ns;
	const char *report_json;
};

/* Parses argv (flags win over PROCESS_STATE / NUM_PROCS / PROCESS_MIX). Returns PM_OK, PM_ERR_INVAL
 * with a one-line message in `err` for a usage error, or PM_ERR_AGAIN after printing --help. */
pm_status sim_parse(int argc, char **argv, struct sim_options *opt, char *err, size_t err_cap);

/* The stop flag set by SIGINT/SIGTERM (per process). */
extern volatile int sim_stop;

/* Burns CPU on the calling thread until its CPU clock reaches `cpu_until_ns` or the monotonic clock
 * reaches `wall_until_ns`, whichever comes first, or the stop flag is set. Returns the CPU burnt. */
pm_ns sim_burn(pm_ns cpu_until_ns, pm_ns wall_until_ns);

int sim_run_profiles(const struct sim_options *opt);
int sim_run_rt(const struct sim_options *opt);

#endif
