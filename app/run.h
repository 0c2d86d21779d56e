/* `picmon run`: init (config, tables, shared memory, journal, threads) -> freeze -> run -> orderly
 * stop with a summary. The state lives in one static struct app_run; each part is owned by one
 * thread (supervisor, sampler, writer, main) and crosses threads only through SPSC rings and atomics. */
#ifndef APP_RUN_H
#define APP_RUN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "etcd_pusher.h"
#include "hal/proc.h"
#include "hal/thread.h"
#include "journal.h"
#include "proc_table.h"
#include "rt/config.h"
#include "rt/record_ring.h"
#include "rt/recovery.h"
#include "rt/resmon.h"
#include "rt/supervise.h"
#include "shm_monitor.h"

#define APP_RUN_MAX_PATHS 32
#define APP_ACTION_RING 64 /* escalations supervisor -> sampler (power of two) */

struct app_run_options {
	const char *paths[APP_RUN_MAX_PATHS];
	size_t n_paths;
	double duration_s; /* <= 0: until SIGINT/SIGTERM */
	const char *summary_json;
	const char *etcd;        /* overrides data_storage endpoints */
	const char *journal_dir; /* overrides monitor.journal.path */
	bool live;               /* print a status frame every second */
	bool strict;
	pm_ns flush_grace_ns; /* etcd flush at stop (default 5 s) */
};

/* An escalation the supervisor asks the sampler to carry out (signal or restart): the RT thread
 * never makes a process syscall itself. */
struct app_action {
	uint32_t model;
	uint32_t actions; /* RT_ESC_* */
	int32_t signal;
	uint32_t reserved;
};

struct app_action_ring {
	_Alignas(64) _Atomic uint64_t head;
	_Alignas(64) _Atomic uint64_t tail;
	_Atomic uint64_t dropped;
	struct app_action slots[APP_ACTION_RING];
};

/* What the sampler and the main thread may read of a supervised Model while the supervisor runs. */
struct app_model_pub {
	_Atomic uint32_t status; /* enum rt_sup_status */
	_Atomic uint64_t jobs;
	_Atomic uint64_t deadline_misses;
	_Atomic uint64_t budget_overruns;
	_Atomic uint64_t alive_failures;
	_Atomic int64_t worst_response_ns;
	_Atomic uint32_t activate;   /* sampler -> supervisor: a new owner attached, start supervision */
	_Atomic uint32_t deactivate; /* sampler -> supervisor: the owner detached on purpose, stop checks */
	_Atomic int64_t worst_detect_ns[4]; /* supervisor: worst detection delay per enum rt_constraint */
	_Atomic uint32_t state;             /* sampler -> main: resource state index (live view) */
	_Atomic uint64_t restarts;          /* sampler -> main */
};

struct app_model_rt {
	uint16_t cfg_index;
	bool time_critical;
	bool client;       /* found through the client library (shared-memory slot) */
	bool estimated;    /* time-critical without the client library: schedstat windows */
	int32_t slot;      /* shared-memory slot, -1 if none */
	struct rt_sup sup; /* supervisor thread (client) or sampler thread (estimated) */
	struct app_model_pub pub;
	/* sampler-owned */
	uint32_t status_fed; /* last supervision status given to the resource monitor */
	bool up;             /* processes present (or the owner attached) */
	bool ever_up;
	bool stopping; /* we stopped it ourselves (restart): its disappearance is not a crash */
	int32_t owner_pid;
	uint64_t owner_starttime;
	uint32_t n_pids;
	int32_t pids[PM_MAX_PROCS_PER_MODEL];
	int32_t child_pid; /* a recovery command we spawned and must reap */
	bool restart_wanted;
	bool restart_inflight; /* a recovery command was started and the Model is not up yet */
	pm_ns restart_at;
	bool restart_policy_ok;
	struct rt_restart_state restart;
	uint64_t crashes;
	pm_ns up_since;
	pm_ns last_metrics_ns;
	uint64_t ctx_prev;
};

struct app_run {
	struct app_run_options opt;
	struct rt_config cfg;
	uint32_t n_models;
	struct app_model_rt models[PM_MAX_MODELS];
	pm_ns tick_ns;
	pm_ns real_offset_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC at init */
	pm_ns started_ns;

	struct app_shm shm;
	bool shm_ok;
	struct hal_procfs procfs;
	struct app_proc_table procs;
	struct rt_resmon resmon;

	struct rt_record_ring sup_ring;     /* supervisor -> writer */
	struct rt_record_ring sampler_ring; /* sampler -> writer */
	struct rt_record_ring main_ring;    /* main thread -> writer */
	struct rt_record_ring alert_ring;   /* pusher -> writer (same thread) */
	struct app_action_ring actions;

	struct app_writer writer;
	struct app_pusher pusher;
	bool writer_ok;
	bool pusher_ok;
	char journal_dir[PM_MAX_PATH];
	uint64_t remaining_in_journal;
	bool flushed_all;

	struct hal_thread_ctl sup_thread, sampler_thread, writer_thread;
	struct hal_thread_grant sup_grant;
	bool rt_granted; /* the supervisor got its policy and affinity */
	bool mem_locked;
	bool live_tty;            /* --live on a terminal: frames replace each other */
	char degraded[512];       /* what the kernel refused, for the one warning and the summary */
	volatile int stop_signal; /* set by SIGINT/SIGTERM */
	_Atomic int stop_rt;      /* supervisor and sampler stop */
	_Atomic int stop_writer;  /* writer drains and stops */

	/* supervisor wake-up latency (ns), for the summary */
	struct rt_welford sup_latency;
	struct rt_histogram sup_latency_hist;
	_Atomic int64_t sup_latency_max_ns;
	_Atomic uint64_t sup_ticks;
	_Atomic uint64_t sup_overruns; /* ticks that started more than one tick late */

	int64_t allocations_after_freeze; /* -1: not counted in this build */
	char summary[RT_RESMON_SUMMARY_SIZE];
	uint8_t baseline[RT_BASELINE_BLOB_MAX]; /* sampler: serialized anomaly baselines */
	pm_ns baseline_saved_ns;
};

/* The whole command: parses nothing (options given), returns the exit code. */
int app_run_main(const struct app_run_options *opt);

/* Parts, for the threads (app/run_*.c). */
pm_status app_run_build_resmon(struct app_run *run, char *err, size_t errcap);
void *app_run_supervisor_thread(void *arg);
void *app_run_sampler_thread(void *arg);
void *app_run_writer_thread(void *arg);
void app_run_print_summary(struct app_run *run);
/* Anomaly baselines survive restarts: loaded at init from the journal directory, saved by the
 * sampler every minute and at stop (write to a temporary file, then rename). */
void app_run_baseline_load(struct app_run *run);
pm_status app_run_baseline_save(struct app_run *run);
pm_status app_run_write_summary_json(struct app_run *run, const char *path);
void app_run_emit_event(struct app_run *run, struct rt_record_ring *ring, uint32_t type, const char *resource,
                        const char *event_type, uint32_t severity, const char *message);

bool app_action_push(struct app_action_ring *ring, const struct app_action *a);
bool app_action_pop(struct app_action_ring *ring, struct app_action *out);

#endif
