/* Unit tests of the client shared-memory slot protocol (rt/shm_layout.h): ring order and wrap,
 * overflow, an impossible head, torn seqlock writes, reused pids, double claims, stale segments. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hal/proc_ident.h"
#include "rt/shm_layout.h"

static struct rt_shm_segment *seg;

static const char *const names[] = { "vision-system", "web-server", "data-pipeline" };

static int setup(void **state)
{
	(void)state;
	seg = calloc(1, sizeof(*seg));
	if (seg == NULL) {
		return -1;
	}
	struct rt_timing_spec specs[3];
	memset(specs, 0, sizeof(specs));
	specs[0].period_ns = 10 * PM_NS_PER_MS;
	specs[0].budget_ns = 2 * PM_NS_PER_MS;
	if (rt_shm_segment_init(seg, 42, 100, 7777, names, specs, 3) != PM_OK) {
		return -1;
	}
	rt_shm_segment_publish(seg);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(seg);
	seg = NULL;
	return 0;
}

static struct rt_job_record rec_of(uint64_t n)
{
	struct rt_job_record r;
	memset(&r, 0, sizeof(r));
	r.seq = n;
	r.release_ns = (pm_ns)(n * 1000);
	r.start_ns = r.release_ns + 10;
	r.end_ns = r.start_ns + 100;
	r.cpu_ns = -1;
	return r;
}

static void test_init_and_find(void **state)
{
	(void)state;
	assert_int_equal(rt_shm_header_check(&seg->header, sizeof(*seg)), PM_OK);
	assert_int_equal(rt_shm_find_slot(seg, "web-server"), 1);
	assert_int_equal(rt_shm_find_slot(seg, "nope"), -1);
	assert_int_equal(rt_shm_find_slot(seg, ""), -1);
	assert_int_equal(atomic_load(&seg->slots[0].budget_ns), 2 * PM_NS_PER_MS);
	struct rt_shm_segment *other = calloc(1, sizeof(*other));
	assert_non_null(other);
	const char *dup[] = { "a", "a" };
	assert_int_equal(rt_shm_segment_init(other, 1, 1, 1, dup, NULL, 2), PM_ERR_INVAL);
	char longname[PM_MAX_NAME + 1];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[PM_MAX_NAME] = '\0';
	const char *lng[] = { longname };
	assert_int_equal(rt_shm_segment_init(other, 1, 1, 1, lng, NULL, 1), PM_ERR_INVAL);
	assert_int_equal(rt_shm_segment_init(other, 0, 1, 1, names, NULL, 1), PM_ERR_INVAL);
	assert_int_equal(rt_shm_segment_init(other, 1, 1, 1, names, NULL, PM_MAX_MODELS + 1), PM_ERR_NOSPACE);
	free(other);
}

static void test_ring_wrap(void **state)
{
	(void)state;
	struct rt_shm_slot *slot = &seg->slots[1];
	struct rt_job_record out;
	assert_int_equal(rt_shm_slot_consume(slot, &out), PM_ERR_AGAIN);
	uint64_t next_out = 1;
	/* Three and a half times around the ring, consumer lagging by up to 100 records. */
	for (uint64_t n = 1; n <= PM_JOB_RING_SIZE * 7 / 2; n++) {
		struct rt_job_record r = rec_of(n);
		assert_true(rt_shm_slot_job_end(slot, &r));
		if (n % 100 == 0) {
			while (rt_shm_slot_consume(slot, &out) == PM_OK) {
				assert_int_equal(out.seq, next_out);
				assert_int_equal(out.end_ns, rec_of(next_out).end_ns);
				next_out++;
			}
		}
	}
	while (rt_shm_slot_consume(slot, &out) == PM_OK) {
		assert_int_equal(out.seq, next_out);
		next_out++;
	}
	assert_int_equal(next_out, PM_JOB_RING_SIZE * 7 / 2 + 1);
	assert_int_equal(rt_shm_slot_overflow(slot), 0);
}

static void test_overflow(void **state)
{
	(void)state;
	struct rt_shm_slot *slot = &seg->slots[2];
	for (uint64_t n = 1; n <= PM_JOB_RING_SIZE + 5; n++) {
		struct rt_job_record r = rec_of(n);
		assert_int_equal(rt_shm_slot_job_end(slot, &r), n <= PM_JOB_RING_SIZE);
	}
	assert_int_equal(rt_shm_slot_overflow(slot), 5);
	struct rt_job_record out;
	for (uint64_t n = 1; n <= PM_JOB_RING_SIZE; n++) {
		assert_int_equal(rt_shm_slot_consume(slot, &out), PM_OK);
		assert_int_equal(out.seq, n);
	}
	assert_int_equal(rt_shm_slot_consume(slot, &out), PM_ERR_AGAIN);
	/* After the hole, the next record carries its seq: the consumer sees the gap of 5. */
	struct rt_job_record r = rec_of(PM_JOB_RING_SIZE + 6);
	assert_true(rt_shm_slot_job_end(slot, &r));
	assert_int_equal(rt_shm_slot_consume(slot, &out), PM_OK);
	assert_int_equal(out.seq - PM_JOB_RING_SIZE - 1, 5);
}

static void test_impossible_head(void **state)
{
	(void)state;
	struct rt_shm_slot *slot = &seg->slots[1];
	uint64_t tail = atomic_load(&slot->tail);
	atomic_store(&slot->head, tail + PM_JOB_RING_SIZE + 3);
	struct rt_job_record out;
	assert_int_equal(rt_shm_slot_consume(slot, &out), PM_ERR_CORRUPT);
	assert_int_equal(atomic_load(&slot->corrupt), 1);
	assert_int_equal(rt_shm_slot_consume(slot, &out), PM_ERR_AGAIN);
	/* A head that went backwards is just as impossible. */
	atomic_store(&slot->head, atomic_load(&slot->tail) - 1);
	assert_int_equal(rt_shm_slot_consume(slot, &out), PM_ERR_CORRUPT);
	assert_int_equal(rt_shm_slot_consume(slot, &out), PM_ERR_AGAIN);
}

static void test_double_claim(void **state)
{
	(void)state;
	struct rt_shm_slot *slot = &seg->slots[0];
	uint64_t w1 = 0;
	uint64_t w2 = 0;
	assert_int_equal(rt_shm_slot_claim(slot, 1000, 11, 42, &w1), PM_OK);
	assert_true(rt_shm_slot_owned_by(slot, w1));
	assert_int_equal(rt_shm_slot_claim(slot, 2000, 22, 42, &w2), PM_ERR_STATE);
	struct rt_shm_owner o;
	rt_shm_slot_owner(slot, &o);
	assert_int_equal(o.pid, 1000);
	assert_int_equal(o.attached, o.generation);
	assert_int_equal(rt_shm_owner_judge(&o, 42, PM_OK, 11), RT_SHM_OWNER_OK);
	/* The owner alive: nobody else may release it. */
	assert_int_equal(rt_shm_slot_release(slot, w1 + 1), PM_ERR_STATE);
	assert_int_equal(rt_shm_slot_release(slot, w1), PM_OK);
	rt_shm_slot_owner(slot, &o);
	assert_int_equal(rt_shm_owner_judge(&o, 42, PM_ERR_NOENT, 0), RT_SHM_OWNER_NONE);
	assert_int_equal(rt_shm_slot_claim(slot, 2000, 22, 42, &w2), PM_OK);
	assert_true(w2 != w1);
	assert_false(rt_shm_slot_owned_by(slot, w1));
	assert_int_equal(rt_shm_slot_release(slot, w2), PM_OK);
	/* An unconfigured slot cannot be claimed. */
	assert_int_equal(rt_shm_slot_claim(&seg->slots[10], 3000, 1, 42, &w2), PM_ERR_INVAL);
}

static void test_reused_pid_and_stale_epoch(void **state)
{
	(void)state;
	struct rt_shm_slot *slot = &seg->slots[0];
	uint64_t w = 0;
	assert_int_equal(rt_shm_slot_claim(slot, 1234, 100, 42, &w), PM_OK);
	struct rt_shm_owner o;
	rt_shm_slot_owner(slot, &o);
	assert_int_equal(rt_shm_owner_judge(&o, 42, PM_OK, 100), RT_SHM_OWNER_OK);
	assert_int_equal(rt_shm_owner_judge(&o, 42, PM_OK, 200), RT_SHM_OWNER_PID_REUSED);
	assert_int_equal(rt_shm_owner_judge(&o, 42, PM_ERR_NOENT, 0), RT_SHM_OWNER_DEAD);
	assert_int_equal(rt_shm_owner_judge(&o, 43, PM_OK, 100), RT_SHM_OWNER_STALE_EPOCH);
	/* A new process with the reused pid takes over from exactly the judged word. */
	uint64_t w2 = 0;
	assert_int_equal(rt_shm_slot_claim(slot, 1234, 200, 42, &w2), PM_ERR_STATE);
	assert_int_equal(rt_shm_slot_takeover(slot, &o, 1234, 200, 42, &w2), PM_OK);
	assert_int_equal(atomic_load(&slot->takeovers), 1);
	struct rt_shm_slot_counters cnt;
	rt_shm_slot_counters(slot, &cnt);
	assert_int_equal(cnt.takeovers, 1);
	assert_int_equal(cnt.generation, o.generation + 1);
	assert_false(rt_shm_slot_owned_by(slot, w)); /* the old owner sees it lost the slot */
	/* A second takeover from the stale judgement fails. */
	uint64_t w3 = 0;
	assert_int_equal(rt_shm_slot_takeover(slot, &o, 555, 1, 42, &w3), PM_ERR_AGAIN);
	struct rt_shm_owner o2;
	rt_shm_slot_owner(slot, &o2);
	assert_int_equal(o2.starttime, 200);
	assert_int_equal(rt_shm_owner_judge(&o2, 42, PM_OK, 200), RT_SHM_OWNER_OK);
	/* A claim interrupted before it completed is "claiming" while the pid lives, dead after. */
	atomic_store(&slot->attached, 0);
	rt_shm_slot_owner(slot, &o2);
	assert_int_equal(rt_shm_owner_judge(&o2, 42, PM_OK, 200), RT_SHM_OWNER_CLAIMING);
	assert_int_equal(rt_shm_owner_judge(&o2, 42, PM_ERR_NOENT, 0), RT_SHM_OWNER_DEAD);
	assert_int_equal(rt_shm_slot_reclaim(slot, &o2), PM_OK);
	rt_shm_slot_owner(slot, &o2);
	assert_int_equal(o2.word, RT_SHM_OWNER_FREE);
}

static void test_torn_write(void **state)
{
	(void)state;
	struct rt_shm_slot *slot = &seg->slots[0];
	uint64_t w = 0;
	uint64_t reclaims = atomic_load(&slot->reclaims);
	assert_int_equal(rt_shm_slot_claim(slot, 4321, 9, 42, &w), PM_OK);
	rt_shm_slot_job_begin(slot, 7, 1000, 1100);
	struct rt_job_inflight in;
	assert_int_equal(rt_shm_slot_inflight(slot, &in), PM_OK);
	assert_int_equal(in.seq, 7);
	assert_int_equal(in.running, 1);
	assert_int_equal(in.release_ns, 1000);
	assert_int_equal(in.start_ns, 1100);
	/* The client dies inside its next seqlock write: the sequence stays odd. */
	atomic_fetch_add(&slot->inflight.seq, 1);
	atomic_store(&slot->inflight.start_ns, 999999);
	assert_true(rt_shm_slot_torn(slot));
	assert_int_equal(rt_shm_slot_inflight(slot, &in), PM_ERR_AGAIN);
	struct rt_shm_owner o;
	rt_shm_slot_owner(slot, &o);
	assert_int_equal(rt_shm_owner_judge(&o, 42, PM_ERR_NOENT, 0), RT_SHM_OWNER_DEAD);
	assert_int_equal(rt_shm_slot_reclaim(slot, &o), PM_OK);
	assert_false(rt_shm_slot_torn(slot));
	assert_int_equal(rt_shm_slot_inflight(slot, &in), PM_OK);
	assert_int_equal(in.running, 0);
	assert_int_equal(atomic_load(&slot->reclaims), reclaims + 1);
	/* Reclaim of an already re-claimed slot is refused. */
	assert_int_equal(rt_shm_slot_reclaim(slot, &o), PM_ERR_AGAIN);
	/* A new owner taking over after a torn write repairs the sequence too. */
	assert_int_equal(rt_shm_slot_claim(slot, 4322, 10, 42, &w), PM_OK);
	atomic_fetch_add(&slot->inflight.seq, 1);
	rt_shm_slot_owner(slot, &o);
	assert_int_equal(rt_shm_slot_takeover(slot, &o, 4323, 11, 42, &w), PM_OK);
	assert_false(rt_shm_slot_torn(slot));
	assert_int_equal(rt_shm_slot_release(slot, w), PM_OK);
}

static void test_stale_segment(void **state)
{
	(void)state;
	struct rt_shm_segment *s = calloc(1, sizeof(*s));
	assert_non_null(s);
	assert_int_equal(rt_shm_segment_init(s, 5, 1, 1, names, NULL, 1), PM_OK);
	assert_int_equal(rt_shm_header_check(&s->header, sizeof(*s)), PM_ERR_STATE); /* still INIT */
	rt_shm_segment_publish(s);
	assert_int_equal(rt_shm_header_check(&s->header, sizeof(*s)), PM_OK);
	assert_int_equal(rt_shm_header_check(&s->header, sizeof(*s) - 1), PM_ERR_CORRUPT);
	s->header.layout_version = RT_SHM_LAYOUT_VERSION + 1;
	assert_int_equal(rt_shm_header_check(&s->header, sizeof(*s)), PM_ERR_CORRUPT);
	s->header.layout_version = RT_SHM_LAYOUT_VERSION;
	s->header.magic ^= 1;
	assert_int_equal(rt_shm_header_check(&s->header, sizeof(*s)), PM_ERR_CORRUPT);
	s->header.magic ^= 1;
	s->header.slot_size++;
	assert_int_equal(rt_shm_header_check(&s->header, sizeof(*s)), PM_ERR_CORRUPT);
	s->header.slot_size--;
	rt_shm_segment_close(s);
	assert_int_equal(rt_shm_header_check(&s->header, sizeof(*s)), PM_ERR_STATE);
	/* An owner stamped under another monitor start is never trusted. */
	uint64_t w = 0;
	assert_int_equal(rt_shm_slot_claim(&s->slots[0], 77, 1, 4, &w), PM_OK);
	struct rt_shm_owner o;
	rt_shm_slot_owner(&s->slots[0], &o);
	assert_int_equal(rt_shm_owner_judge(&o, s->header.epoch, PM_OK, 1), RT_SHM_OWNER_STALE_EPOCH);
	free(s);
}

static void test_metrics(void **state)
{
	(void)state;
	struct rt_shm_slot *slot = &seg->slots[1];
	double v = 0;
	pm_ns ts = 0;
	assert_int_equal(rt_shm_slot_metric(slot, RT_SHM_METRIC_ACCURACY, &v, &ts), PM_ERR_NOENT);
	assert_int_equal(rt_shm_metric_from_name("accuracy"), RT_SHM_METRIC_ACCURACY);
	assert_int_equal(rt_shm_metric_from_name("inferenceTime"), RT_SHM_METRIC_INFERENCE_TIME);
	assert_int_equal(rt_shm_metric_from_name("bogus"), RT_SHM_METRIC_COUNT);
	assert_string_equal(rt_shm_metric_name(RT_SHM_METRIC_THROUGHPUT), "throughput");
	rt_shm_slot_set_metric(slot, RT_SHM_METRIC_ACCURACY, 0.93, 5000);
	rt_shm_slot_set_metric(slot, RT_SHM_METRIC_ACCURACY, 0.95, 6000);
	assert_int_equal(rt_shm_slot_metric(slot, RT_SHM_METRIC_ACCURACY, &v, &ts), PM_OK);
	assert_true(v == 0.95);
	assert_int_equal(ts, 6000);
	assert_int_equal(rt_shm_slot_metric(slot, RT_SHM_METRIC_COUNT, &v, &ts), PM_ERR_INVAL);
}

static void test_proc_stat_parse(void **state)
{
	(void)state;
	const char *line = "123 (a) b) c) R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 987654 20\n";
	uint64_t st = 0;
	assert_int_equal(hal_proc_stat_starttime(line, strlen(line), &st), PM_OK);
	assert_int_equal(st, 987654);
	const char *bad = "123 (a) R 1 2 3\n";
	assert_int_equal(hal_proc_stat_starttime(bad, strlen(bad), &st), PM_ERR_PARSE);
	assert_int_equal(hal_proc_stat_starttime("no paren", 8, &st), PM_ERR_PARSE);
	assert_int_equal(hal_proc_starttime(hal_proc_self_pid(), &st), PM_OK);
	assert_true(st > 0);
	assert_int_equal(hal_proc_starttime(-1, &st), PM_ERR_INVAL);
}

/* ---- two threads: the consumer never sees a torn in-flight snapshot or a reordered record ---- */

#define CONC_JOBS 20000u

static void *producer(void *arg)
{
	struct rt_shm_slot *slot = arg;
	for (uint64_t n = 1; n <= CONC_JOBS; n++) {
		rt_shm_slot_job_begin(slot, n, (pm_ns)n * 10, (pm_ns)n * 10 + 1);
		struct rt_job_record r = rec_of(n);
		/* Bounded retry while the ring is full. */
		for (int i = 0; i < 1000000 && !rt_shm_slot_job_end(slot, &r); i++) {
			atomic_fetch_sub(&slot->overflow, 1);
			sched_yield();
		}
	}
	return NULL;
}

static void test_concurrent(void **state)
{
	(void)state;
	struct rt_shm_slot *slot = &seg->slots[2];
	while (rt_shm_slot_consume(slot, &(struct rt_job_record){ 0 }) == PM_OK) {
	}
	uint64_t base = atomic_load(&slot->overflow);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, producer, slot), 0);
	uint64_t expect = 1;
	for (long i = 0; i < 100000000L && expect <= CONC_JOBS; i++) {
		struct rt_job_inflight in;
		if (rt_shm_slot_inflight(slot, &in) == PM_OK && in.seq != 0 && in.running == 1) {
			assert_int_equal(in.release_ns, (pm_ns)in.seq * 10);
			assert_int_equal(in.start_ns, (pm_ns)in.seq * 10 + 1);
		}
		struct rt_job_record out;
		if (rt_shm_slot_consume(slot, &out) == PM_OK) {
			assert_int_equal(out.seq, expect);
			assert_int_equal(out.end_ns, rec_of(expect).end_ns);
			expect++;
		}
	}
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(expect, CONC_JOBS + 1);
	assert_int_equal(atomic_load(&slot->overflow), base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_and_find), cmocka_unit_test(test_ring_wrap),
		cmocka_unit_test(test_overflow),      cmocka_unit_test(test_impossible_head),
		cmocka_unit_test(test_double_claim),  cmocka_unit_test(test_reused_pid_and_stale_epoch),
		cmocka_unit_test(test_torn_write),    cmocka_unit_test(test_stale_segment),
		cmocka_unit_test(test_metrics),       cmocka_unit_test(test_proc_stat_parse),
		cmocka_unit_test(test_concurrent),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
