/* Tracked-process table: merge of a sorted pid listing into the sorted table (app/proc_table.h). */
#include "proc_table.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

void app_proc_table_init(struct app_proc_table *t, struct hal_procfs *fs, uint32_t fields)
{
	memset(t, 0, sizeof(*t));
	t->fs = fs;
	t->fields = fields;
	for (uint32_t i = 0; i < PM_MAX_PROCESSES; i++) {
		hal_proc_init_closed(&t->slot[i].h);
		t->free_slots[i] = PM_MAX_PROCESSES - 1 - i;
	}
	t->nfree = PM_MAX_PROCESSES;
}

static int cmp_pid(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a;
	int32_t y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

static void release(struct app_proc_table *t, uint32_t slot)
{
	hal_proc_close(&t->slot[slot].h);
	t->free_slots[t->nfree++] = slot;
}

static void after_sample(struct app_proc_table *t, struct app_proc_entry *e)
{
	struct rt_proc_counters now;
	rt_proc_counters_of(&e->sample, &now);
	e->nsamples++;
	if (e->nsamples >= 2) {
		rt_proc_rates_between(&e->prev, &now, t->fs->clk_tck, &e->rates);
		rt_proc_window_push(&e->window, e->rates.cpu_percent, e->rates.io_ops_s);
		e->cls = rt_proc_classify(&e->window);
	}
	e->prev = now;
}

/* Starts tracking pid in a free slot; returns the slot or -1. */
static int64_t track(struct app_proc_table *t, int32_t pid)
{
	if (t->nfree == 0) {
		t->track_misses++;
		return -1;
	}
	uint32_t slot = t->free_slots[t->nfree - 1];
	struct app_proc_entry *e = &t->slot[slot];
	memset(&e->rates, 0, sizeof(e->rates));
	rt_proc_window_reset(&e->window);
	e->cls = RT_PROC_INACTIVE;
	e->nsamples = 0;
	t->children[slot] = 0;
	pm_status st = hal_proc_open(t->fs, pid, t->fields, &e->h, &e->sample);
	if (st != PM_OK) {
		if (st != PM_ERR_GONE) {
			t->open_failures++;
			t->track_misses++;
		}
		return -1;
	}
	t->nfree--;
	after_sample(t, e);
	return slot;
}

/* Samples a tracked slot; false when the process is gone (slot released). */
static bool resample(struct app_proc_table *t, uint32_t slot)
{
	struct app_proc_entry *e = &t->slot[slot];
	/* Sampled in place: a failed sample ends the entry, so nothing reads what it left. */
	pm_status st = hal_proc_sample(&e->h, &e->sample);
	if (st != PM_OK) {
		t->exits_seen++;
		release(t, slot);
		return false;
	}
	after_sample(t, e);
	return true;
}

static void count_state(struct app_proc_counts *c, char state)
{
	c->total++;
	switch (state) {
	case 'R':
		c->running++;
		break;
	case 'S':
		c->sleeping++;
		break;
	case 'D':
		c->disk_sleep++;
		break;
	case 'T':
	case 't':
		c->stopped++;
		break;
	case 'Z':
		c->zombie++;
		break;
	case 'I':
		c->idle++;
		break;
	default:
		c->other++;
		break;
	}
}

/* Fills t->listed (ascending or not) with what a listing of /proc would show now: the tracked set
 * when the creation mark has not moved, else a real listing (*listed_now). */
static pm_status discover(struct app_proc_table *t, size_t *nlisted, bool *listed_now, int64_t *mark,
                          bool *have_mark)
{
	*have_mark = hal_proc_creation_mark(t->fs, mark) == PM_OK;
	if (*have_mark && t->mark_valid && *mark == t->mark &&
	    t->since_listing + 1u < APP_PROC_RELIST_EVERY) {
		/* No PID was handed out since the last complete listing: it would show the tracked
		 * processes (those that exited since fail their reads and are released below). */
		memcpy(t->listed, t->pids, t->n * sizeof(t->listed[0])); /* pids[k] is order[k]'s */
		*nlisted = t->n;
		*listed_now = false;
		t->since_listing++;
		return PM_OK;
	}
	*listed_now = true;
	t->since_listing = 0;
	t->listings++;
	return hal_proc_list(t->fs, t->listed, PM_MAX_PROCESSES, nlisted);
}

pm_status app_proc_table_refresh(struct app_proc_table *t)
{
	size_t nlisted = 0;
	bool listed_now = false;
	bool have_mark = false;
	int64_t mark = 0;
	const uint64_t misses_before = t->track_misses;
	pm_status listing = discover(t, &nlisted, &listed_now, &mark, &have_mark);
	if (listing != PM_OK && listing != PM_ERR_NOSPACE) {
		t->mark_valid = false;
		return listing;
	}
	int sorted = 1;
	for (size_t i = 1; i < nlisted; i++) {
		if (t->listed[i - 1] >= t->listed[i]) {
			sorted = 0;
			break;
		}
	}
	if (!sorted) {
		qsort(t->listed, nlisted, sizeof(t->listed[0]), cmp_pid);
	}
	memset(&t->counts, 0, sizeof(t->counts));
	/* The merge reads the old pids from a compact copy, not from the entries (a pass over large
	 * entries costs a cache miss each once there are hundreds). */
	memcpy(t->prev_pids, t->pids, t->n * sizeof(t->prev_pids[0]));
	uint32_t i = 0; /* in order (old) */
	size_t j = 0;   /* in listed */
	uint32_t m = 0; /* in next_order */
	while (i < t->n || j < nlisted) {
		int32_t old_pid = i < t->n ? t->prev_pids[i] : INT32_MAX;
		assert(i >= t->n || t->slot[t->order[i]].h.pid == old_pid);
		int32_t new_pid = j < nlisted ? t->listed[j] : INT32_MAX;
		int64_t kept = -1;
		if (i < t->n && (j >= nlisted || old_pid < new_pid)) {
			/* Not listed any more: exited between the samples. */
			t->exits_seen++;
			release(t, t->order[i]);
			i++;
		} else if (j < nlisted && (i >= t->n || new_pid < old_pid)) {
			kept = track(t, new_pid);
			j++;
		} else {
			uint32_t slot = t->order[i];
			/* Gone or reused PID: a fresh process may now hold the number. */
			kept = resample(t, slot) ? (int64_t)slot : track(t, new_pid);
			i++;
			j++;
		}
		if (kept >= 0) {
			/* Gathered now, while the entry is in the cache. */
			const struct app_proc_entry *e = &t->slot[kept];
			t->next_order[m] = (uint32_t)kept;
			t->pids[m] = e->h.pid;
			t->ppids[m] = app_proc_latest(e)->stat.ppid;
			t->uids[m] = e->h.uid;
			count_state(&t->counts, app_proc_latest(e)->stat.state);
			m++;
		}
	}
	memcpy(t->order, t->next_order, m * sizeof(t->order[0]));
	t->n = m;
	rt_proc_child_counts(t->pids, t->ppids, m, t->kids);
	for (uint32_t k = 0; k < m; k++) {
		t->children[t->order[k]] = t->kids[k];
	}
	t->refreshes++;
	if (listed_now) {
		/* The mark vouches for the tracked set only if this listing was whole and every listed
		 * process is tracked. */
		t->mark = mark;
		t->mark_valid = have_mark && listing == PM_OK;
	}
	if (t->track_misses != misses_before) {
		t->mark_valid = false; /* list again until every process is tracked */
	}
	if (listing == PM_ERR_NOSPACE) {
		t->table_full++;
	}
	return listing;
}

const struct app_proc_entry *app_proc_table_find(const struct app_proc_table *t, int32_t pid)
{
	uint32_t lo = 0;
	uint32_t hi = t->n;
	while (lo < hi) { /* O(log n) */
		uint32_t mid = lo + (hi - lo) / 2;
		const struct app_proc_entry *e = &t->slot[t->order[mid]];
		if (e->h.pid == pid) {
			return e;
		}
		if (e->h.pid < pid) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return NULL;
}

void app_proc_table_close(struct app_proc_table *t)
{
	for (uint32_t k = 0; k < t->n; k++) {
		release(t, t->order[k]);
	}
	t->n = 0;
}
