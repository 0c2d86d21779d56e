/* The shared-memory slot protocol of rt/shm_layout.h: segment set-up, ownership by compare-and-swap,
 * the SPSC job ring and the seqlocks. Memory access only; every loop is bounded. */
#include "rt/shm_layout.h"

#include <assert.h>
#include <string.h>

_Static_assert(sizeof(struct rt_job_record) % 8 == 0, "job records keep 8-byte alignment in the ring");

static const char *const metric_names[RT_SHM_METRIC_COUNT] = {
	"inferenceTime",
	"throughput",
	"latency",
	"accuracy",
};

const char *rt_shm_owner_verdict_str(enum rt_shm_owner_verdict verdict)
{
	switch (verdict) {
	case RT_SHM_OWNER_NONE:
		return "free";
	case RT_SHM_OWNER_OK:
		return "ok";
	case RT_SHM_OWNER_CLAIMING:
		return "claiming";
	case RT_SHM_OWNER_DEAD:
		return "dead";
	case RT_SHM_OWNER_PID_REUSED:
		return "pid reused";
	case RT_SHM_OWNER_STALE_EPOCH:
		return "stale epoch";
	case RT_SHM_OWNER_BUSY:
		return "reclaiming";
	}
	return "unknown";
}

enum rt_shm_metric rt_shm_metric_from_name(const char *name)
{
	if (name == NULL) {
		return RT_SHM_METRIC_COUNT;
	}
	for (int i = 0; i < RT_SHM_METRIC_COUNT; i++) {
		if (strcmp(name, metric_names[i]) == 0) {
			return (enum rt_shm_metric)i;
		}
	}
	return RT_SHM_METRIC_COUNT;
}

const char *rt_shm_metric_name(enum rt_shm_metric metric)
{
	if ((int)metric < 0 || metric >= RT_SHM_METRIC_COUNT) {
		return "unknown";
	}
	return metric_names[metric];
}

/* ---- segment ---- */

pm_status rt_shm_segment_init(struct rt_shm_segment *seg, uint64_t epoch, int32_t creator_pid,
                              uint64_t creator_starttime, const char *const *models,
                              const struct rt_timing_spec *specs, uint32_t n)
{
	if (seg == NULL || epoch == 0 || creator_pid <= 0 || (n > 0 && models == NULL)) {
		return PM_ERR_INVAL;
	}
	if (n > PM_MAX_MODELS) {
		return PM_ERR_NOSPACE;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (models[i] == NULL || models[i][0] == '\0' || strlen(models[i]) >= PM_MAX_NAME) {
			return PM_ERR_INVAL;
		}
		if (specs != NULL && (specs[i].period_ns < 0 || specs[i].budget_ns < 0)) {
			return PM_ERR_INVAL;
		}
		for (uint32_t j = 0; j < i; j++) {
			if (strcmp(models[i], models[j]) == 0) {
				return PM_ERR_INVAL; /* one slot per Model name */
			}
		}
	}
	memset(seg, 0, sizeof(*seg));
	struct rt_shm_header *h = &seg->header;
	h->magic = RT_SHM_MAGIC;
	h->layout_version = RT_SHM_LAYOUT_VERSION;
	h->header_size = (uint32_t)sizeof(struct rt_shm_header);
	h->slot_size = (uint32_t)sizeof(struct rt_shm_slot);
	h->slot_count = PM_MAX_MODELS;
	h->segment_size = (uint64_t)sizeof(struct rt_shm_segment);
	h->epoch = epoch;
	h->creator_pid = creator_pid;
	h->creator_starttime = creator_starttime;
	h->model_count = n;
	atomic_store_explicit(&h->state, RT_SHM_STATE_INIT, memory_order_relaxed);
	for (uint32_t i = 0; i < PM_MAX_MODELS; i++) {
		struct rt_shm_slot *slot = &seg->slots[i];
		slot->index = i;
		if (i < n) {
			memcpy(slot->model, models[i], strlen(models[i]) + 1u);
			slot->configured = 1u;
			if (specs != NULL) {
				rt_shm_slot_set_timing(slot, specs[i].period_ns, specs[i].budget_ns);
			}
		}
	}
	return PM_OK;
}

void rt_shm_segment_publish(struct rt_shm_segment *seg)
{
	assert(seg != NULL);
	atomic_store_explicit(&seg->header.state, RT_SHM_STATE_READY, memory_order_release);
}

void rt_shm_segment_close(struct rt_shm_segment *seg)
{
	assert(seg != NULL);
	atomic_store_explicit(&seg->header.state, RT_SHM_STATE_CLOSED, memory_order_release);
}

pm_status rt_shm_header_check(const struct rt_shm_header *hdr, uint64_t mapped_size)
{
	if (hdr == NULL || mapped_size < sizeof(struct rt_shm_header)) {
		return PM_ERR_CORRUPT;
	}
	if (hdr->magic != RT_SHM_MAGIC || hdr->layout_version != RT_SHM_LAYOUT_VERSION ||
	    hdr->header_size != sizeof(struct rt_shm_header) ||
	    hdr->slot_size != sizeof(struct rt_shm_slot) || hdr->slot_count != PM_MAX_MODELS ||
	    hdr->segment_size != sizeof(struct rt_shm_segment) ||
	    mapped_size < sizeof(struct rt_shm_segment) || hdr->model_count > PM_MAX_MODELS ||
	    hdr->epoch == 0) {
		return PM_ERR_CORRUPT;
	}
	uint32_t state = atomic_load_explicit(&hdr->state, memory_order_acquire);
	if (state != RT_SHM_STATE_READY) {
		return state == RT_SHM_STATE_INIT || state == RT_SHM_STATE_CLOSED ? PM_ERR_STATE
		                                                                  : PM_ERR_CORRUPT;
	}
	return PM_OK;
}

void rt_shm_slot_set_timing(struct rt_shm_slot *slot, pm_ns period_ns, pm_ns budget_ns)
{
	assert(slot != NULL);
	atomic_store_explicit(&slot->period_ns, period_ns > 0 ? period_ns : 0, memory_order_relaxed);
	atomic_store_explicit(&slot->budget_ns, budget_ns > 0 ? budget_ns : 0, memory_order_relaxed);
}

int32_t rt_shm_find_slot(const struct rt_shm_segment *seg, const char *model)
{
	if (seg == NULL || model == NULL || model[0] == '\0') {
		return -1;
	}
	uint32_t n = seg->header.model_count;
	if (n > PM_MAX_MODELS) {
		return -1;
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct rt_shm_slot *slot = &seg->slots[i];
		/* The name is monitor-written; bound the comparison in case it is not terminated. */
		if (slot->configured == 1u && strncmp(slot->model, model, PM_MAX_NAME) == 0 &&
		    memchr(slot->model, '\0', PM_MAX_NAME) != NULL) {
			return (int32_t)i;
		}
	}
	return -1;
}

/* ---- job ring ---- */

pm_status rt_shm_slot_consume(struct rt_shm_slot *slot, struct rt_job_record *out)
{
	assert(slot != NULL && out != NULL);
	uint64_t tail = atomic_load_explicit(&slot->tail, memory_order_relaxed);
	uint64_t head = atomic_load_explicit(&slot->head, memory_order_acquire);
	if (head == tail) {
		return PM_ERR_AGAIN;
	}
	/* head is written by another process: never trust it (went backwards or too far ahead). */
	if (head - tail > PM_JOB_RING_SIZE) {
		atomic_store_explicit(&slot->tail, head, memory_order_release);
		atomic_fetch_add_explicit(&slot->corrupt, 1u, memory_order_relaxed);
		return PM_ERR_CORRUPT;
	}
	*out = slot->ring[tail & (PM_JOB_RING_SIZE - 1u)];
	atomic_store_explicit(&slot->tail, tail + 1u, memory_order_release);
	return PM_OK;
}

uint64_t rt_shm_slot_overflow(const struct rt_shm_slot *slot)
{
	assert(slot != NULL);
	return atomic_load_explicit(&slot->overflow, memory_order_relaxed);
}

/* ---- in flight ---- */

void rt_shm_slot_heartbeat(struct rt_shm_slot *slot, pm_ns now_ns)
{
	assert(slot != NULL);
	struct rt_shm_inflight_cell *c = &slot->inflight;
	rt_shm_seq_write_begin(&c->seq);
	atomic_store_explicit(&c->heartbeat_ns, now_ns, memory_order_relaxed);
	rt_shm_seq_write_end(&c->seq);
}

void rt_shm_slot_set_checkpoint(struct rt_shm_slot *slot, uint32_t id)
{
	assert(slot != NULL);
	atomic_store_explicit(&slot->checkpoint, id, memory_order_relaxed);
}

uint32_t rt_shm_slot_checkpoint(const struct rt_shm_slot *slot)
{
	assert(slot != NULL);
	return atomic_load_explicit(&slot->checkpoint, memory_order_relaxed);
}

pm_status rt_shm_slot_inflight(const struct rt_shm_slot *slot, struct rt_job_inflight *out)
{
	assert(slot != NULL && out != NULL);
	const struct rt_shm_inflight_cell *c = &slot->inflight;
	for (int attempt = 0; attempt < RT_SHM_SEQLOCK_RETRIES; attempt++) {
		uint32_t s1 = atomic_load_explicit(&c->seq, memory_order_acquire);
		if ((s1 & 1u) != 0u) {
			continue;
		}
		struct rt_job_inflight snap;
		memset(&snap, 0, sizeof(snap));
		snap.seq = atomic_load_explicit(&c->job_seq, memory_order_relaxed);
		snap.release_ns = atomic_load_explicit(&c->release_ns, memory_order_relaxed);
		snap.start_ns = atomic_load_explicit(&c->start_ns, memory_order_relaxed);
		snap.running = atomic_load_explicit(&c->running, memory_order_relaxed);
		snap.heartbeat_ns = atomic_load_explicit(&c->heartbeat_ns, memory_order_relaxed);
		atomic_thread_fence(memory_order_acquire);
		uint32_t s2 = atomic_load_explicit(&c->seq, memory_order_relaxed);
		if (s1 == s2) {
			*out = snap;
			return PM_OK;
		}
	}
	return PM_ERR_AGAIN;
}

bool rt_shm_slot_torn(const struct rt_shm_slot *slot)
{
	assert(slot != NULL);
	return (atomic_load_explicit(&slot->inflight.seq, memory_order_acquire) & 1u) != 0u;
}

/* ---- metrics ---- */

void rt_shm_slot_set_metric(struct rt_shm_slot *slot, enum rt_shm_metric metric, double value, pm_ns now_ns)
{
	assert(slot != NULL);
	if ((int)metric < 0 || metric >= RT_SHM_METRIC_COUNT) {
		return;
	}
	struct rt_shm_metric_cell *m = &slot->metrics[metric];
	uint64_t bits;
	memcpy(&bits, &value, sizeof(bits));
	rt_shm_seq_write_begin(&m->seq);
	atomic_store_explicit(&m->bits, bits, memory_order_relaxed);
	atomic_store_explicit(&m->mono_ns, now_ns, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->updates, 1u, memory_order_relaxed);
	rt_shm_seq_write_end(&m->seq);
}

pm_status rt_shm_slot_metric(const struct rt_shm_slot *slot, enum rt_shm_metric metric, double *value,
                             pm_ns *mono_ns)
{
	if (slot == NULL || value == NULL || (int)metric < 0 || metric >= RT_SHM_METRIC_COUNT) {
		return PM_ERR_INVAL;
	}
	const struct rt_shm_metric_cell *m = &slot->metrics[metric];
	for (int attempt = 0; attempt < RT_SHM_SEQLOCK_RETRIES; attempt++) {
		uint32_t s1 = atomic_load_explicit(&m->seq, memory_order_acquire);
		if ((s1 & 1u) != 0u) {
			continue;
		}
		uint64_t bits = atomic_load_explicit(&m->bits, memory_order_relaxed);
		pm_ns ts = atomic_load_explicit(&m->mono_ns, memory_order_relaxed);
		uint64_t updates = atomic_load_explicit(&m->updates, memory_order_relaxed);
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&m->seq, memory_order_relaxed) != s1) {
			continue;
		}
		if (updates == 0u) {
			return PM_ERR_NOENT;
		}
		memcpy(value, &bits, sizeof(*value));
		if (mono_ns != NULL) {
			*mono_ns = ts;
		}
		return PM_OK;
	}
	return PM_ERR_AGAIN;
}

void rt_shm_slot_counters(const struct rt_shm_slot *slot, struct rt_shm_slot_counters *out)
{
	assert(slot != NULL && out != NULL);
	memset(out, 0, sizeof(*out));
	out->overflow = atomic_load_explicit(&slot->overflow, memory_order_relaxed);
	out->corrupt = atomic_load_explicit(&slot->corrupt, memory_order_relaxed);
	out->takeovers = atomic_load_explicit(&slot->takeovers, memory_order_relaxed);
	out->reclaims = atomic_load_explicit(&slot->reclaims, memory_order_relaxed);
	out->generation = atomic_load_explicit(&slot->generation, memory_order_relaxed);
}

/* ---- ownership ---- */

static uint64_t owner_word(int32_t pid, uint32_t generation)
{
	return ((uint64_t)generation << 32) | (uint64_t)(uint32_t)pid;
}

void rt_shm_slot_owner(const struct rt_shm_slot *slot, struct rt_shm_owner *out)
{
	assert(slot != NULL && out != NULL);
	memset(out, 0, sizeof(*out));
	uint64_t word = atomic_load_explicit(&slot->owner, memory_order_acquire);
	out->word = word;
	if (word == RT_SHM_OWNER_FREE || word == RT_SHM_OWNER_RECLAIMING) {
		return;
	}
	out->pid = (int32_t)(uint32_t)(word & 0xffffffffu);
	out->generation = (uint32_t)(word >> 32);
	out->attached = atomic_load_explicit(&slot->attached, memory_order_acquire);
	out->starttime = atomic_load_explicit(&slot->owner_starttime, memory_order_relaxed);
	out->epoch = atomic_load_explicit(&slot->owner_epoch, memory_order_relaxed);
}

enum rt_shm_owner_verdict rt_shm_owner_judge(const struct rt_shm_owner *owner, uint64_t segment_epoch,
                                             pm_status probe, uint64_t probe_starttime)
{
	assert(owner != NULL);
	if (owner->word == RT_SHM_OWNER_FREE) {
		return RT_SHM_OWNER_NONE;
	}
	if (owner->word == RT_SHM_OWNER_RECLAIMING) {
		return RT_SHM_OWNER_BUSY;
	}
	if (probe != PM_OK) {
		return RT_SHM_OWNER_DEAD;
	}
	if (owner->attached != owner->generation) {
		/* Claim not completed: the start time is not written yet, only liveness can be judged. */
		return RT_SHM_OWNER_CLAIMING;
	}
	if (owner->starttime != probe_starttime) {
		return RT_SHM_OWNER_PID_REUSED;
	}
	if (owner->epoch != segment_epoch) {
		return RT_SHM_OWNER_STALE_EPOCH;
	}
	return RT_SHM_OWNER_OK;
}

static void reset_inflight(struct rt_shm_slot *slot)
{
	struct rt_shm_inflight_cell *c = &slot->inflight;
	rt_shm_seq_write_begin(&c->seq);
	atomic_store_explicit(&c->running, 0u, memory_order_relaxed);
	rt_shm_seq_write_end(&c->seq);
	atomic_store_explicit(&slot->checkpoint, 0u, memory_order_relaxed);
}

pm_status rt_shm_slot_reclaim(struct rt_shm_slot *slot, const struct rt_shm_owner *owner)
{
	if (slot == NULL || owner == NULL || owner->word == RT_SHM_OWNER_FREE ||
	    owner->word == RT_SHM_OWNER_RECLAIMING) {
		return PM_ERR_INVAL;
	}
	uint64_t expected = owner->word;
	/* The sentinel keeps a new client out while the in-flight state is reset. */
	if (!atomic_compare_exchange_strong_explicit(&slot->owner, &expected, RT_SHM_OWNER_RECLAIMING,
	                                             memory_order_acq_rel, memory_order_relaxed)) {
		return PM_ERR_AGAIN;
	}
	reset_inflight(slot);
	atomic_store_explicit(&slot->attached, 0u, memory_order_relaxed);
	atomic_fetch_add_explicit(&slot->reclaims, 1u, memory_order_relaxed);
	atomic_store_explicit(&slot->owner, RT_SHM_OWNER_FREE, memory_order_release);
	return PM_OK;
}

static void complete_claim(struct rt_shm_slot *slot, uint32_t generation, uint64_t starttime, uint64_t epoch)
{
	atomic_store_explicit(&slot->generation, generation, memory_order_relaxed);
	atomic_store_explicit(&slot->owner_starttime, starttime, memory_order_relaxed);
	atomic_store_explicit(&slot->owner_epoch, epoch, memory_order_relaxed);
	/* A predecessor that died inside a seqlock write left it odd: the new single writer repairs it. */
	reset_inflight(slot);
	atomic_store_explicit(&slot->attached, generation, memory_order_release);
}

static uint32_t next_generation(const struct rt_shm_slot *slot)
{
	uint32_t g = atomic_load_explicit(&slot->generation, memory_order_relaxed) + 1u;
	return g == 0u ? 1u : g;
}

pm_status rt_shm_slot_claim(struct rt_shm_slot *slot, int32_t pid, uint64_t starttime, uint64_t epoch,
                            uint64_t *word_out)
{
	if (slot == NULL || pid <= 0 || word_out == NULL || slot->configured != 1u) {
		return PM_ERR_INVAL;
	}
	uint32_t gen = next_generation(slot);
	uint64_t word = owner_word(pid, gen);
	uint64_t expected = RT_SHM_OWNER_FREE;
	if (!atomic_compare_exchange_strong_explicit(&slot->owner, &expected, word, memory_order_acq_rel,
	                                             memory_order_acquire)) {
		return expected == RT_SHM_OWNER_RECLAIMING ? PM_ERR_AGAIN : PM_ERR_STATE;
	}
	complete_claim(slot, gen, starttime, epoch);
	*word_out = word;
	return PM_OK;
}

pm_status rt_shm_slot_takeover(struct rt_shm_slot *slot, const struct rt_shm_owner *owner, int32_t pid,
                               uint64_t starttime, uint64_t epoch, uint64_t *word_out)
{
	if (slot == NULL || owner == NULL || pid <= 0 || word_out == NULL || slot->configured != 1u ||
	    owner->word == RT_SHM_OWNER_FREE || owner->word == RT_SHM_OWNER_RECLAIMING) {
		return PM_ERR_INVAL;
	}
	uint32_t gen = owner->generation + 1u;
	if (gen == 0u) {
		gen = 1u;
	}
	uint64_t word = owner_word(pid, gen);
	uint64_t expected = owner->word;
	if (!atomic_compare_exchange_strong_explicit(&slot->owner, &expected, word, memory_order_acq_rel,
	                                             memory_order_acquire)) {
		return PM_ERR_AGAIN;
	}
	atomic_fetch_add_explicit(&slot->takeovers, 1u, memory_order_relaxed);
	complete_claim(slot, gen, starttime, epoch);
	*word_out = word;
	return PM_OK;
}

pm_status rt_shm_slot_release(struct rt_shm_slot *slot, uint64_t word)
{
	if (slot == NULL || word == RT_SHM_OWNER_FREE || word == RT_SHM_OWNER_RECLAIMING) {
		return PM_ERR_INVAL;
	}
	if (!rt_shm_slot_owned_by(slot, word)) {
		return PM_ERR_STATE;
	}
	reset_inflight(slot);
	atomic_store_explicit(&slot->attached, 0u, memory_order_relaxed);
	uint64_t expected = word;
	if (!atomic_compare_exchange_strong_explicit(&slot->owner, &expected, RT_SHM_OWNER_FREE,
	                                             memory_order_acq_rel, memory_order_relaxed)) {
		return PM_ERR_STATE;
	}
	return PM_OK;
}
