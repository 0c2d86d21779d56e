/* The table of tracked processes behind `picmon ps`, `picmon top` and the sampler: discovery,
 * kept-open /proc files per process, its newest sample and the counters of the one before, derived
 * rates and the process
 * class. Fixed storage (PM_MAX_PROCESSES slots); refresh is allocation-free. */
#ifndef APP_PROC_TABLE_H
#define APP_PROC_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "hal/proc.h"
#include "rt/limits.h"
#include "rt/proc_class.h"
#include "rt/proc_rates.h"

/* Refreshes between two listings of /proc at most, whatever the creation mark says: bounds how long
 * a PID counter that wrapped exactly around pid_max could hide a new process. */
#define APP_PROC_RELIST_EVERY 10u

struct app_proc_entry {
	struct hal_proc h;
	struct hal_proc_sample sample; /* the newest */
	struct rt_proc_counters prev;  /* of the sample before (rates need no more of it) */
	uint32_t nsamples;             /* samples taken since tracking began */
	struct rt_proc_rates rates;    /* between the two newest samples (valid once nsamples >= 2) */
	struct rt_proc_window window;
	enum rt_proc_class cls;
};

struct app_proc_counts {
	uint32_t total, running, sleeping, disk_sleep, stopped, zombie, idle, other;
};

struct app_proc_table {
	struct hal_procfs *fs;
	uint32_t fields;                  /* HAL_PROC_* kept open per process */
	uint32_t n;                       /* tracked processes */
	uint32_t order[PM_MAX_PROCESSES]; /* slot indices, ascending pid */
	struct app_proc_entry slot[PM_MAX_PROCESSES];
	/* scratch of one refresh */
	uint32_t free_slots[PM_MAX_PROCESSES];
	uint32_t nfree;
	uint32_t next_order[PM_MAX_PROCESSES];
	int32_t listed[PM_MAX_PROCESSES];
	int32_t pids[PM_MAX_PROCESSES];      /* in order, gathered while each entry is sampled */
	int32_t prev_pids[PM_MAX_PROCESSES]; /* pids of the previous refresh, read by the merge */
	int32_t ppids[PM_MAX_PROCESSES];     /* ... so that no pass over the large entries follows */
	uint32_t uids[PM_MAX_PROCESSES];     /* owners at open (hal_proc.uid), in order */
	uint32_t kids[PM_MAX_PROCESSES];
	uint32_t children[PM_MAX_PROCESSES]; /* per slot: processes whose parent it is */
	/* counters since init */
	uint64_t refreshes;
	uint64_t exits_seen;
	uint64_t open_failures;
	uint64_t table_full;   /* refreshes where more processes existed than slots */
	uint64_t listings;     /* refreshes that listed /proc (the others trusted the creation mark) */
	uint64_t track_misses; /* listed processes that could not be tracked (no slot, open failed) */
	/* discovery: the creation mark read before the last complete listing */
	int64_t mark;
	bool mark_valid;
	uint32_t since_listing;
	struct app_proc_counts counts;
};

/* Prepares an empty table over an open tree. */
void app_proc_table_init(struct app_proc_table *t, struct hal_procfs *fs, uint32_t fields);

/* Discovers processes, samples every tracked one (opening new ones, closing exited ones) and
 * updates rates, classes, child counts and state counts. Discovery lists /proc only when the
 * creation mark (hal_proc_creation_mark) moved since the last complete listing, or at least every
 * APP_PROC_RELIST_EVERY refreshes; otherwise the tracked set is the listing, and exits show as
 * failed reads. PM_ERR_NOSPACE when the table was full
 * (the first PM_MAX_PROCESSES processes by pid are tracked). */
pm_status app_proc_table_refresh(struct app_proc_table *t);

/* The tracked entry of `pid` (binary search over the pid-sorted order), NULL when none. */
const struct app_proc_entry *app_proc_table_find(const struct app_proc_table *t, int32_t pid);

/* Closes every kept file. */
void app_proc_table_close(struct app_proc_table *t);

static inline const struct hal_proc_sample *app_proc_latest(const struct app_proc_entry *e)
{
	return &e->sample;
}

/* Child count of the process in `slot` (from the last refresh). */
static inline uint32_t app_proc_children(const struct app_proc_table *t, uint32_t slot)
{
	return t->children[slot];
}

#endif
