/* The shared-memory segment between the monitor and the Models that link the client library: its
 * layout and the lock-free slot protocol. Pure memory access (C11 atomics), no syscalls: the HAL maps
 * the segment (hal/shm.h) and probes processes (hal/proc_ident.h); this file decides.
 *
 * PROTOCOL (layout version RT_SHM_LAYOUT_VERSION)
 *
 * Segment. The monitor creates it (name from PICMON_SHM, default "/picmon"), fills the header and one
 * slot per configured Model (name, period, CPU budget), and only then stores state = READY (release).
 * It stamps the header with its own pid and process start time and with `epoch`, a number unique to
 * this monitor start. A client trusts a segment only if magic, layout version, header/slot sizes and
 * slot count match what it was compiled with, state is READY, and the creator pid still runs with the
 * recorded start time (else the segment is stale: left by a monitor that died). The monitor stores
 * state = CLOSED before it unlinks the segment; clients then turn their job calls into no-ops.
 *
 * Ownership. A slot's `owner` word is 0 (free), RT_SHM_OWNER_RECLAIMING (the monitor is resetting it) or
 * (generation << 32 | pid). A client claims a free slot with one compare-and-swap 0 -> its word, then
 * writes its process start time and the segment epoch it attached under and finally `attached` =
 * its generation (release). A second live process finds the word taken and gets an error. A word whose
 * pid is dead, or alive with another start time (reused pid), may be taken over by a new client with
 * a compare-and-swap from exactly the word it judged (counted in `takeovers`), or reclaimed by the
 * monitor (rt_shm_slot_reclaim). The client re-reads the word at each job begin: when it is no longer
 * its own (reclaimed, taken over) it stops writing.
 *
 * Jobs. Each completed job is one struct rt_job_record in the slot's SPSC ring: the client (single
 * producer) writes the record, then publishes head (release); the monitor (single consumer) reads
 * records up to head (acquire) and advances tail (release). A full ring never blocks the client: the
 * record is dropped and `overflow` counted; the consumer also sees the hole as a gap in `seq`. A client
 * that dies mid-write never published the record, so it is never read. The consumer never trusts
 * head: head - tail > ring size is reported as corrupt and the ring resynchronised.
 *
 * In flight. The job running now (struct rt_job_inflight) is published through a seqlock: the writer
 * makes `seq` odd, stores the fields, makes it even again. A reader retries a bounded number of times;
 * a sequence that stays odd means a writer is inside (a few ns) or died there (torn): the reader
 * reports it and judges it with the owner's liveness.
 *
 * Metrics. The application metrics of the HLD Model template (inferenceTime, throughput, latency,
 * accuracy) are latest values, each under its own seqlock with the time it was set.
 *
 * MONITOR RECIPE
 * init:  app_shm_create() (app/shm_monitor.h) = hal_shm_create + rt_shm_segment_init + publish.
 * tick:  per slot, rt_shm_slot_consume() until PM_ERR_AGAIN (PM_ERR_CORRUPT: report, go on);
 *        rt_shm_slot_overflow() for records the client had to drop; rt_shm_slot_inflight() for the
 *        running job (PM_ERR_AGAIN twice in a row with rt_shm_slot_torn(): judge the owner);
 *        rt_shm_slot_counters() for takeovers (a restarted Model) and corrupt heads.
 * slower (sampler): app_shm_check_owner() per slot; DEAD / PID_REUSED / STALE_EPOCH -> report, then
 *        rt_shm_slot_reclaim(). A record's seq restarts at 1 with each new attachment (generation).
 * exit:  app_shm_destroy() (CLOSED, unmap, unlink).
 */
#ifndef RT_SHM_LAYOUT_H
#define RT_SHM_LAYOUT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/status.h"
#include "rt/job.h"
#include "rt/limits.h"
#include "rt/time.h"

#define RT_SHM_MAGIC UINT64_C(0x4e4d43495050434d) /* "MCPPICMN" little-endian: "picmon" segment */
#define RT_SHM_LAYOUT_VERSION 1u
#define RT_SHM_DEFAULT_NAME "/picmon"
#define RT_SHM_ENV_NAME "PICMON_SHM"

#define RT_SHM_OWNER_FREE UINT64_C(0)
#define RT_SHM_OWNER_RECLAIMING UINT64_MAX

/* Reader retries of a seqlock before it reports PM_ERR_AGAIN (writer inside or torn). */
#define RT_SHM_SEQLOCK_RETRIES 64

_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "shared-memory atomics must be lock-free (address-free)");
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "shared-memory atomics must be lock-free (address-free)");

enum rt_shm_state {
	RT_SHM_STATE_INIT = 0,   /* being filled by the monitor */
	RT_SHM_STATE_READY = 1,  /* clients may attach */
	RT_SHM_STATE_CLOSED = 2, /* the monitor stopped; clients detach */
};

/* Application metrics of the HLD Model template, in this order in the slot. */
enum rt_shm_metric {
	RT_SHM_METRIC_INFERENCE_TIME = 0, /* "inferenceTime" */
	RT_SHM_METRIC_THROUGHPUT = 1,     /* "throughput" */
	RT_SHM_METRIC_LATENCY = 2,        /* "latency" */
	RT_SHM_METRIC_ACCURACY = 3,       /* "accuracy" */
	RT_SHM_METRIC_COUNT = 4,
};

struct rt_shm_metric_cell {
	_Atomic uint32_t seq; /* seqlock */
	uint32_t reserved;
	_Atomic uint64_t bits;    /* the double's bit pattern */
	_Atomic int64_t mono_ns;  /* when it was set, 0 = never */
	_Atomic uint64_t updates; /* how many times it was set */
};

struct rt_shm_inflight_cell {
	_Atomic uint32_t seq; /* seqlock: odd while the client writes */
	_Atomic uint32_t running;
	_Atomic uint64_t job_seq;
	_Atomic int64_t release_ns;
	_Atomic int64_t start_ns;
	_Atomic int64_t heartbeat_ns;
};

/* One Model's slot. Fields marked (M) are written by the monitor only, (C) by the owning client
 * only; every field is read by the other side through atomics. */
struct rt_shm_slot {
	/* Identity, written once by the monitor before READY. */
	char model[PM_MAX_NAME];   /* (M) NUL-terminated; "" = unused slot */
	uint32_t index;            /* (M) position in the segment */
	uint32_t configured;       /* (M) 1 when a Model is assigned */
	_Atomic int64_t period_ns; /* (M) 0 = unknown: release = start when the client gives none */
	_Atomic int64_t budget_ns; /* (M) CPU budget per job; 0 = the client measures no CPU time */

	/* Ownership. */
	_Alignas(64) _Atomic uint64_t owner; /* (C claims, M reclaims) see RT_SHM_OWNER_* */
	_Atomic uint64_t owner_starttime;    /* (C) /proc/PID/stat field 22 of the owner */
	_Atomic uint64_t owner_epoch;        /* (C) segment epoch the owner attached under */
	_Atomic uint32_t attached;           /* (C) generation of the completed claim, 0 = claiming */
	_Atomic uint32_t generation;         /* (C) claims so far; the next claim uses generation + 1 */
	_Atomic uint64_t takeovers;          /* (C) claims that took a dead or reused owner's word */
	_Atomic uint64_t reclaims;           /* (M) slots reclaimed by the monitor */

	/* The running job and the last sign of life. */
	_Alignas(64) struct rt_shm_inflight_cell inflight; /* (C) */
	_Atomic uint32_t checkpoint;                       /* (C) last pm_checkpoint() id of the job */

	struct rt_shm_metric_cell metrics[RT_SHM_METRIC_COUNT]; /* (C) */

	/* Completed jobs: SPSC ring. */
	_Alignas(64) _Atomic uint64_t head; /* (C) next record the client writes */
	_Atomic uint64_t tail_seen;         /* (C) the client's last read of tail (saves a shared line) */
	_Alignas(64) _Atomic uint64_t tail; /* (M) next record the monitor reads */
	_Atomic uint64_t overflow;          /* (C) records dropped because the ring was full */
	_Atomic uint64_t corrupt;           /* (M) times head was found impossible and resynced */
	struct rt_job_record ring[PM_JOB_RING_SIZE];
};

struct rt_shm_header {
	uint64_t magic;
	uint32_t layout_version;
	uint32_t header_size;  /* sizeof(struct rt_shm_header) */
	uint32_t slot_size;    /* sizeof(struct rt_shm_slot) */
	uint32_t slot_count;   /* PM_MAX_MODELS */
	uint64_t segment_size; /* sizeof(struct rt_shm_segment) */
	uint64_t epoch;        /* monitor start id, never 0 */
	int32_t creator_pid;
	uint32_t model_count; /* slots with a Model assigned (the first model_count slots) */
	uint64_t creator_starttime;
	_Atomic uint32_t state; /* enum rt_shm_state */
	uint32_t reserved;
};

struct rt_shm_segment {
	struct rt_shm_header header;
	_Alignas(64) struct rt_shm_slot slots[PM_MAX_MODELS];
};

/* The owner of a slot as read at one moment. */
struct rt_shm_owner {
	uint64_t word; /* the raw owner word */
	int32_t pid;   /* 0 when free */
	uint32_t generation;
	uint32_t attached;  /* == generation once the claim completed */
	uint64_t starttime; /* recorded start time of pid */
	uint64_t epoch;     /* epoch the owner attached under */
};

/* What the monitor concludes about a slot's owner. */
enum rt_shm_owner_verdict {
	RT_SHM_OWNER_NONE = 0,        /* free slot */
	RT_SHM_OWNER_OK = 1,          /* alive, same start time, this epoch */
	RT_SHM_OWNER_CLAIMING = 2,    /* claim in progress by a live process */
	RT_SHM_OWNER_DEAD = 3,        /* the process is gone: crashed or exited without detach */
	RT_SHM_OWNER_PID_REUSED = 4,  /* the pid runs, but it is another process (start time differs) */
	RT_SHM_OWNER_STALE_EPOCH = 5, /* attached under another monitor start: never trusted */
	RT_SHM_OWNER_BUSY = 6,        /* the monitor is reclaiming the slot */
};

/* Stable name of a verdict ("ok", "dead", "pid reused", ...). */
const char *rt_shm_owner_verdict_str(enum rt_shm_owner_verdict verdict);

/* ---- monitor side ---- */

/* Fills a zeroed-or-not segment: header stamped with epoch and creator, slots 0..n-1 named after
 * `models[i]` with `specs[i]` period and budget (specs may be NULL: both 0). State stays INIT:
 * call rt_shm_segment_publish() once everything is in place. PM_ERR_INVAL on a bad argument or an
 * over-long name, PM_ERR_NOSPACE when n > PM_MAX_MODELS. */
pm_status rt_shm_segment_init(struct rt_shm_segment *seg, uint64_t epoch, int32_t creator_pid,
                              uint64_t creator_starttime, const char *const *models,
                              const struct rt_timing_spec *specs, uint32_t n);
void rt_shm_segment_publish(struct rt_shm_segment *seg);
void rt_shm_segment_close(struct rt_shm_segment *seg);

/* Checks a mapped segment of `mapped_size` bytes against this build's layout: PM_OK when it is a
 * READY segment of this layout, PM_ERR_CORRUPT for a foreign or other-version segment, PM_ERR_STATE
 * when it is still INIT or already CLOSED. Liveness of the creator is the caller's (HAL) part. */
pm_status rt_shm_header_check(const struct rt_shm_header *hdr, uint64_t mapped_size);

/* Monitor: budget and period may change at run time (configuration reload). */
void rt_shm_slot_set_timing(struct rt_shm_slot *slot, pm_ns period_ns, pm_ns budget_ns);

/* Slot index of a Model name, or -1. Bounded by model_count. */
int32_t rt_shm_find_slot(const struct rt_shm_segment *seg, const char *model);

/* Consumes the oldest completed job. PM_OK: *out filled. PM_ERR_AGAIN: ring empty. PM_ERR_CORRUPT:
 * head was impossible (not trusted): the ring is resynchronised to head, `corrupt` counted, and the
 * records in between are lost (the caller reports it). */
pm_status rt_shm_slot_consume(struct rt_shm_slot *slot, struct rt_job_record *out);

/* Records dropped by the client because the ring was full (monotonic). */
uint64_t rt_shm_slot_overflow(const struct rt_shm_slot *slot);

/* Consistent snapshot of the running job. PM_OK, or PM_ERR_AGAIN when the sequence stayed odd over
 * RT_SHM_SEQLOCK_RETRIES reads (a writer inside, or one that died there: judge with the owner). */
pm_status rt_shm_slot_inflight(const struct rt_shm_slot *slot, struct rt_job_inflight *out);

/* True when the in-flight seqlock is odd right now (a write in progress or torn). */
bool rt_shm_slot_torn(const struct rt_shm_slot *slot);

/* Last pm_checkpoint() id of the running job (0 if none). */
uint32_t rt_shm_slot_checkpoint(const struct rt_shm_slot *slot);

/* Latest value of one metric: PM_OK with value and time, PM_ERR_NOENT when never set, PM_ERR_AGAIN
 * when its seqlock stayed odd, PM_ERR_INVAL for a bad metric. */
pm_status rt_shm_slot_metric(const struct rt_shm_slot *slot, enum rt_shm_metric metric, double *value,
                             pm_ns *mono_ns);

/* Monotonic counters of a slot, for reports. */
struct rt_shm_slot_counters {
	uint64_t overflow;   /* job records the client dropped on a full ring */
	uint64_t corrupt;    /* impossible ring heads seen by the consumer */
	uint64_t takeovers;  /* claims that replaced a dead or reused owner (restarts) */
	uint64_t reclaims;   /* slots freed by the monitor */
	uint32_t generation; /* claims so far */
	uint32_t reserved;
};
void rt_shm_slot_counters(const struct rt_shm_slot *slot, struct rt_shm_slot_counters *out);

/* Reads the owner fields (not atomically as a whole: judge the result with rt_shm_owner_judge). */
void rt_shm_slot_owner(const struct rt_shm_slot *slot, struct rt_shm_owner *out);

/* Judges an owner. `probe` is what hal_proc_starttime(owner->pid) returned (PM_OK or an error such
 * as PM_ERR_NOENT/PM_ERR_GONE for a dead pid) and `probe_starttime` its result. */
enum rt_shm_owner_verdict rt_shm_owner_judge(const struct rt_shm_owner *owner, uint64_t segment_epoch,
                                             pm_status probe, uint64_t probe_starttime);

/* Frees a slot whose owner the caller judged dead, reused or stale. Succeeds only while the owner word
 * is still `owner->word` (PM_ERR_AGAIN otherwise: someone claimed it meanwhile). Resets the in-flight
 * state; completed records already in the ring stay for the consumer. */
pm_status rt_shm_slot_reclaim(struct rt_shm_slot *slot, const struct rt_shm_owner *owner);

/* ---- client side ---- */

/* Claims `slot` for (pid, starttime) under `epoch`. PM_OK: claimed, *word_out is the owner word to
 * keep. PM_ERR_STATE: held by another owner (the caller may judge it and call rt_shm_slot_takeover).
 * PM_ERR_AGAIN: the monitor is reclaiming it. */
pm_status rt_shm_slot_claim(struct rt_shm_slot *slot, int32_t pid, uint64_t starttime, uint64_t epoch,
                            uint64_t *word_out);

/* Takes a slot from an owner judged dead/reused/stale: CAS from exactly `owner->word`. */
pm_status rt_shm_slot_takeover(struct rt_shm_slot *slot, const struct rt_shm_owner *owner, int32_t pid,
                               uint64_t starttime, uint64_t epoch, uint64_t *word_out);

/* Gives the slot back (only if `word` still owns it). */
pm_status rt_shm_slot_release(struct rt_shm_slot *slot, uint64_t word);

/* True while `word` still owns the slot (one relaxed load; inline: it is on every job call). */
static inline bool rt_shm_slot_owned_by(const struct rt_shm_slot *slot, uint64_t word)
{
	return atomic_load_explicit(&slot->owner, memory_order_relaxed) == word;
}

/* Seqlock writer (single writer per cell). A writer that died inside left the count odd: the next
 * writer (the new owner) evens it first. */
static inline void rt_shm_seq_write_begin(_Atomic uint32_t *seq)
{
	uint32_t s = atomic_load_explicit(seq, memory_order_relaxed);
	s += s & 1u;
	atomic_store_explicit(seq, s + 1u, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
}

static inline void rt_shm_seq_write_end(_Atomic uint32_t *seq)
{
	uint32_t s = atomic_load_explicit(seq, memory_order_relaxed);
	atomic_store_explicit(seq, s + 1u, memory_order_release);
}

/* The two job-path functions are inline so that a job costs no call beyond the clock reads. */

/* Publishes the running job (seqlock write). */
static inline void rt_shm_slot_job_begin(struct rt_shm_slot *slot, uint64_t job_seq, pm_ns release_ns,
                                         pm_ns start_ns)
{
	atomic_store_explicit(&slot->checkpoint, 0u, memory_order_relaxed);
	struct rt_shm_inflight_cell *c = &slot->inflight;
	rt_shm_seq_write_begin(&c->seq);
	atomic_store_explicit(&c->job_seq, job_seq, memory_order_relaxed);
	atomic_store_explicit(&c->release_ns, release_ns, memory_order_relaxed);
	atomic_store_explicit(&c->start_ns, start_ns, memory_order_relaxed);
	atomic_store_explicit(&c->heartbeat_ns, start_ns, memory_order_relaxed);
	atomic_store_explicit(&c->running, 1u, memory_order_relaxed);
	rt_shm_seq_write_end(&c->seq);
}

/* Appends the completed job to the ring (drop + overflow count when full; returns false then) and
 * marks the slot idle. The consumer's tail is read only when the ring looks full from the last look
 * (it lives on the consumer's cache line). */
static inline bool rt_shm_slot_job_end(struct rt_shm_slot *slot, const struct rt_job_record *rec)
{
	bool stored = false;
	uint64_t head = atomic_load_explicit(&slot->head, memory_order_relaxed);
	uint64_t tail = atomic_load_explicit(&slot->tail_seen, memory_order_relaxed);
	if (head - tail >= PM_JOB_RING_SIZE) {
		tail = atomic_load_explicit(&slot->tail, memory_order_acquire);
		atomic_store_explicit(&slot->tail_seen, tail, memory_order_relaxed);
	}
	if (head - tail < PM_JOB_RING_SIZE) {
		slot->ring[head & (PM_JOB_RING_SIZE - 1u)] = *rec;
		atomic_store_explicit(&slot->head, head + 1u, memory_order_release);
		stored = true;
	} else {
		atomic_fetch_add_explicit(&slot->overflow, 1u, memory_order_relaxed);
	}
	struct rt_shm_inflight_cell *c = &slot->inflight;
	rt_shm_seq_write_begin(&c->seq);
	atomic_store_explicit(&c->running, 0u, memory_order_relaxed);
	atomic_store_explicit(&c->heartbeat_ns, rec->end_ns, memory_order_relaxed);
	rt_shm_seq_write_end(&c->seq);
	return stored;
}

void rt_shm_slot_heartbeat(struct rt_shm_slot *slot, pm_ns now_ns);
void rt_shm_slot_set_checkpoint(struct rt_shm_slot *slot, uint32_t id);
void rt_shm_slot_set_metric(struct rt_shm_slot *slot, enum rt_shm_metric metric, double value, pm_ns now_ns);

/* "inferenceTime" -> RT_SHM_METRIC_INFERENCE_TIME ...; RT_SHM_METRIC_COUNT when unknown. */
enum rt_shm_metric rt_shm_metric_from_name(const char *name);
const char *rt_shm_metric_name(enum rt_shm_metric metric);

#endif
