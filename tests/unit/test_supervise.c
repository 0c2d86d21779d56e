/* Unit tests of timing supervision (rt/supervise.h), statistics (rt/stats.h) and the restart policy
 * (rt/recovery.h): synthetic job streams with known faults, exact counts, detection delays, status
 * transitions at the tolerance boundary, estimated mode and the JSON summary parsed back. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <jsmn.h>

#include "rt/record_ring.h"
#include "rt/recovery.h"
#include "rt/stats.h"
#include "rt/supervise.h"

#include "../../rt/textbuf.h" /* internal to rt/, tested here */

#define MS PM_NS_PER_MS
#define US PM_NS_PER_US
#define TICK MS
#define MAX_RECS 4096
#define MAX_ESC 64

/* A sink that keeps every record, and the escalations the driver saw. */
struct capture {
	struct rt_record recs[MAX_RECS];
	size_t n;
	struct rt_sup_escalation esc[MAX_ESC];
	pm_ns esc_at[MAX_ESC];
	size_t n_esc;
	struct rt_sup_sink sink;
};

static bool capture_emit(void *ctx, const struct rt_record *rec)
{
	struct capture *c = ctx;
	if (c->n >= MAX_RECS) {
		return false;
	}
	c->recs[c->n++] = *rec;
	return true;
}

static struct capture *capture_new(void)
{
	struct capture *c = calloc(1, sizeof(*c));
	assert_non_null(c);
	c->sink.emit = capture_emit;
	c->sink.ctx = c;
	return c;
}

static void note_esc(struct capture *c, const struct rt_sup_escalation *esc, pm_ns now)
{
	if (esc->actions != 0 && c->n_esc < MAX_ESC) {
		c->esc[c->n_esc] = *esc;
		c->esc_at[c->n_esc] = now;
		c->n_esc++;
	}
}

static size_t count_violations(const struct capture *c, uint32_t constraint)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (c->recs[i].kind == RT_REC_VIOLATION && c->recs[i].u.violation.constraint == constraint) {
			n++;
		}
	}
	return n;
}

static const struct rt_timing_spec spec_10_8_2 = {
	.period_ns = 10 * MS,
	.deadline_ns = 8 * MS,
	.budget_ns = 2 * MS,
	.release_tolerance_ns = 500 * US,
	.max_violations = 2,
	.window_jobs = 10,
	.priority = 80,
};

struct sim_job {
	pm_ns release;
	pm_ns start;
	pm_ns end;
	pm_ns cpu;
};

static struct rt_job_record record_of(const struct sim_job *j, uint64_t seq)
{
	struct rt_job_record r = {
		.seq = seq,
		.release_ns = j->release,
		.start_ns = j->start,
		.end_ns = j->end,
		.cpu_ns = j->cpu,
		.flags = RT_JOB_F_CPU_MEASURED,
	};
	return r;
}

/* The supervisor loop of `picmon run`, at `tick` steps from t0 to t_end: drain the records of jobs
 * that ended by now, then judge the in-flight snapshot. Job i has sequence number i + 1. */
static void run_sim(struct rt_sup *s, const struct sim_job *jobs, size_t n, pm_ns t0, pm_ns t_end, pm_ns tick,
                    struct capture *c)
{
	size_t fed = 0;
	struct rt_sup_escalation esc;
	for (pm_ns t = t0; t <= t_end; t += tick) {
		while (fed < n && jobs[fed].end <= t) {
			struct rt_job_record r = record_of(&jobs[fed], fed + 1);
			assert_int_equal(rt_sup_job(s, &r, t, &c->sink, &esc), PM_OK);
			note_esc(c, &esc, t);
			fed++;
		}
		struct rt_job_inflight in = { 0 };
		for (size_t i = 0; i < n && jobs[i].start <= t; i++) {
			in.seq = i + 1;
			in.release_ns = jobs[i].release;
			in.start_ns = jobs[i].start;
			in.running = jobs[i].end > t ? 1u : 0u;
			in.heartbeat_ns = in.running ? jobs[i].start : jobs[i].end;
		}
		assert_int_equal(rt_sup_tick(s, &in, t, &c->sink, &esc), PM_OK);
		note_esc(c, &esc, t);
	}
}

/* Feeds only the records (no ticks), each observed at its end. */
static void run_records(struct rt_sup *s, const struct sim_job *jobs, size_t n, struct capture *c)
{
	struct rt_sup_escalation esc;
	for (size_t i = 0; i < n; i++) {
		struct rt_job_record r = record_of(&jobs[i], i + 1);
		assert_int_equal(rt_sup_job(s, &r, jobs[i].end, &c->sink, &esc), PM_OK);
		note_esc(c, &esc, jobs[i].end);
	}
}

#define T0 (1000 * MS)

/* A regular job for activation slot k: released on the grid, 100 us latency, 3 ms response. */
static struct sim_job regular(int64_t k)
{
	pm_ns r = T0 + k * 10 * MS;
	struct sim_job j = { r, r + 100 * US, r + 3 * MS, 1500 * US };
	return j;
}

static void test_clean_stream(void **state)
{
	(void)state;
	static struct rt_sup s;
	struct capture *c = capture_new();
	struct sim_job jobs[100];
	for (int k = 0; k < 100; k++) {
		jobs[k] = regular(k);
	}
	assert_int_equal(rt_sup_init(&s, "vision", &spec_10_8_2, NULL, TICK, false), PM_OK);
	assert_int_equal(s.status, RT_SUP_DEACTIVATED);
	assert_int_equal(rt_sup_activate(&s, T0 - 5 * MS, &c->sink, NULL), PM_OK);
	run_sim(&s, jobs, 100, T0 - 5 * MS + 300 * US, T0 + 999 * MS + 300 * US, TICK, c);
	assert_int_equal(s.m.jobs, 100);
	assert_int_equal(s.m.constraint_violations, 0);
	assert_int_equal(s.m.constraints_checked, 300); /* alive, deadline and budget per job */
	assert_int_equal(s.status, RT_SUP_OK);
	assert_int_equal(s.m.response.max, 3 * MS);
	assert_int_equal(s.m.sched_latency.max, 100 * US);
	assert_int_equal(s.m.execution.max, 1500 * US);
	assert_int_equal(count_violations(c, RT_CONSTRAINT_ALIVE), 0);
	for (int i = 0; i < RT_CHECK_COUNT; i++) {
		assert_int_equal(s.m.checks[i].result, RT_CHECK_PASS);
	}
	free(c);
}

/* 100 activations with 2 deadline misses, 1 budget overrun and 2 missing activations. */
static size_t faulty_stream(struct sim_job *jobs)
{
	size_t n = 0;
	for (int k = 0; k < 100; k++) {
		if (k == 60 || k == 75) {
			continue; /* the Model skipped this activation */
		}
		struct sim_job j = regular(k);
		if (k == 10 || k == 40) {
			j.end = j.release + 9 * MS; /* ends before the next release, after the deadline */
			j.cpu = 1900 * US;
		}
		if (k == 20) {
			j.cpu = 3 * MS;
			j.end = j.release + 4 * MS;
		}
		jobs[n++] = j;
	}
	return n;
}

static void check_faulty_counts(const struct rt_sup *s, const struct capture *c, bool ticks)
{
	assert_int_equal(s->m.jobs, 98);
	assert_int_equal(s->m.deadline_miss_count, 2);
	assert_int_equal(s->m.budget_overrun_count, 1);
	assert_int_equal(s->m.alive_failure_count, 2);
	assert_int_equal(s->m.constraint_violations, 5);
	assert_int_equal(count_violations(c, RT_CONSTRAINT_DEADLINE), 2);
	assert_int_equal(count_violations(c, RT_CONSTRAINT_BUDGET), 1);
	assert_int_equal(count_violations(c, RT_CONSTRAINT_ALIVE), 2);
	/* 98 jobs x (alive, deadline, budget) + 2 alive checks of the missing slots. */
	assert_int_equal(s->m.constraints_checked, 98 * 3 + 2);
	assert_int_equal(s->m.jobs_lost, 0);
	for (size_t i = 0; i < c->n; i++) {
		const struct rt_record *r = &c->recs[i];
		if (r->kind != RT_REC_VIOLATION) {
			continue;
		}
		assert_int_equal(r->u.violation.estimated, 0);
		assert_string_equal(r->resource, "vision");
		assert_int_equal(r->resource_type, RT_RES_MODEL);
		if (r->u.violation.constraint == RT_CONSTRAINT_DEADLINE) {
			assert_true(r->u.violation.job_seq == 11 || r->u.violation.job_seq == 41);
			if (ticks) {
				/* Reported in flight: the elapsed time at the first tick past the deadline.
				 */
				assert_in_range(r->u.violation.observed_ns, 8 * MS + 1, 9 * MS);
			} else {
				assert_int_equal(r->u.violation.observed_ns, 9 * MS);
			}
			assert_int_equal(r->u.violation.limit_ns, 8 * MS);
		} else if (r->u.violation.constraint == RT_CONSTRAINT_BUDGET) {
			assert_int_equal(r->u.violation.job_seq, 21);
			assert_int_equal(r->u.violation.observed_ns, 3 * MS);
			assert_int_equal(r->u.violation.limit_ns, 2 * MS);
		}
	}
}

static void test_faults_with_ticks(void **state)
{
	(void)state;
	static struct rt_sup s;
	static struct sim_job jobs[100];
	struct capture *c = capture_new();
	size_t n = faulty_stream(jobs);
	struct rt_timing_spec spec = spec_10_8_2;
	spec.max_violations = 10;
	assert_int_equal(rt_sup_init(&s, "vision", &spec, NULL, TICK, false), PM_OK);
	assert_int_equal(rt_sup_activate(&s, T0 - 5 * MS, &c->sink, NULL), PM_OK);
	run_sim(&s, jobs, n, T0 - 5 * MS + 250 * US, T0 + 999 * MS + 250 * US, TICK, c);
	check_faulty_counts(&s, c, true);
	/* Each detection within one tick of the moment the violation became certain. */
	for (size_t i = 0; i < c->n; i++) {
		if (c->recs[i].kind == RT_REC_VIOLATION &&
		    c->recs[i].u.violation.constraint != RT_CONSTRAINT_BUDGET) {
			assert_in_range(c->recs[i].u.violation.detect_delay_ns, 0, TICK);
		}
	}
	/* The missing activations were reported by ticks, before the next job came. */
	for (size_t i = 0; i < c->n; i++) {
		if (c->recs[i].kind == RT_REC_VIOLATION &&
		    c->recs[i].u.violation.constraint == RT_CONSTRAINT_ALIVE) {
			pm_ns due =
			    c->recs[i].mono_ns - c->recs[i].u.violation.detect_delay_ns - 500 * US - TICK;
			assert_true(due == T0 + 600 * MS || due == T0 + 750 * MS);
		}
	}
	free(c);
}

static void test_faults_records_only(void **state)
{
	(void)state;
	static struct rt_sup s;
	static struct sim_job jobs[100];
	struct capture *c = capture_new();
	size_t n = faulty_stream(jobs);
	struct rt_timing_spec spec = spec_10_8_2;
	spec.max_violations = 10;
	assert_int_equal(rt_sup_init(&s, "vision", &spec, NULL, TICK, false), PM_OK);
	run_records(&s, jobs, n, c);
	check_faulty_counts(&s, c, false);
	free(c);
}

static void test_overrun_detected_at_next_tick(void **state)
{
	(void)state;
	static struct rt_sup s;
	struct capture *c = capture_new();
	struct sim_job jobs[6];
	for (int k = 0; k < 6; k++) {
		jobs[k] = regular(k);
	}
	/* Job 3 (slot 2) runs 15 ms; job 4 waited for release slot 3 and starts when job 3 ends. */
	jobs[2].end = jobs[2].release + 15 * MS;
	jobs[3].start = jobs[2].end + 50 * US;
	jobs[3].end = jobs[3].start + 2 * MS;
	assert_int_equal(rt_sup_init(&s, "vision", &spec_10_8_2, NULL, TICK, false), PM_OK);
	assert_int_equal(rt_sup_activate(&s, T0 - 2 * MS, &c->sink, NULL), PM_OK);
	pm_ns phase = 300 * US; /* ticks at T0 + k ms + 0.3 ms */
	run_sim(&s, jobs, 3, T0 - 2 * MS + phase, T0 + 20 * MS + phase + 8 * MS, TICK, c);
	/* Reported while still running, at the first tick after release + deadline. */
	assert_int_equal(s.m.deadline_miss_count, 1);
	const struct rt_record *miss = NULL;
	for (size_t i = 0; i < c->n; i++) {
		if (c->recs[i].kind == RT_REC_VIOLATION &&
		    c->recs[i].u.violation.constraint == RT_CONSTRAINT_DEADLINE) {
			miss = &c->recs[i];
		}
	}
	assert_non_null(miss);
	assert_int_equal(miss->u.violation.job_seq, 3);
	assert_int_equal(miss->mono_ns, jobs[2].release + 8 * MS + phase);
	assert_int_equal(miss->u.violation.detect_delay_ns, phase);
	assert_true(miss->u.violation.detect_delay_ns <= TICK);
	assert_int_equal(miss->u.violation.observed_ns, 8 * MS + phase);
	/* Now the rest of the run: job 3 ends late, job 4 starts late. Not counted twice. */
	c->n = 0;
	run_sim(&s, jobs, 6, T0 + 28 * MS + phase + TICK, T0 + 60 * MS + phase, TICK, c);
	assert_int_equal(s.m.jobs, 6);
	assert_int_equal(s.m.deadline_miss_count, 1);
	assert_int_equal(count_violations(c, RT_CONSTRAINT_DEADLINE), 0);
	assert_int_equal(s.m.response.max, 15 * MS);
	/* Slot 3's activation began 5 ms late: one alive failure, reported by the tick, once. */
	assert_int_equal(s.m.alive_failure_count, 1);
	assert_int_equal(s.m.constraint_violations, 2);
	free(c);
}

/* The client read its end clock before the deadline but published the record after the tick that saw
 * the job still running past it: the miss reported at that tick is retracted when the record arrives. */
static void test_inflight_miss_retracted_when_record_shows_in_time(void **state)
{
	(void)state;
	static struct rt_sup s;
	struct capture *c = capture_new();
	struct sim_job job = regular(0);
	job.end = job.release + 7900 * US; /* in time: 7.9 ms < 8 ms */
	assert_int_equal(rt_sup_init(&s, "vision", &spec_10_8_2, NULL, TICK, false), PM_OK);
	assert_int_equal(rt_sup_activate(&s, T0 - 2 * MS, &c->sink, NULL), PM_OK);
	struct rt_sup_escalation esc;
	/* the tick after the deadline still sees the job running (its end not yet published) */
	struct rt_job_inflight in = { 1, job.release, job.start, 1, 0, job.start };
	pm_ns tick_at = job.release + 8 * MS + 300 * US;
	assert_int_equal(rt_sup_tick(&s, &in, tick_at, &c->sink, &esc), PM_OK);
	assert_int_equal(s.m.deadline_miss_count, 1);
	assert_int_equal(s.m.constraint_violations, 1);
	/* then its record arrives: it ended at 7.9 ms */
	struct rt_job_record r = record_of(&job, 1);
	assert_int_equal(rt_sup_job(&s, &r, tick_at + TICK, &c->sink, &esc), PM_OK);
	assert_int_equal(s.m.deadline_miss_count, 0);
	assert_int_equal(s.m.constraint_violations, 0);
	assert_int_equal(s.m.misses_retracted, 1);
	bool said = false;
	for (size_t i = 0; i < c->n; i++) {
		said = said || (c->recs[i].kind == RT_REC_EVENT &&
		                strcmp(c->recs[i].u.event.type, "deadline-miss-retracted") == 0);
	}
	assert_true(said);
	free(c);
}

static void test_missing_activations_each_period(void **state)
{
	(void)state;
	static struct rt_sup s;
	struct capture *c = capture_new();
	struct sim_job jobs[5];
	for (int k = 0; k < 5; k++) {
		jobs[k] = regular(k);
	}
	struct rt_timing_spec spec = spec_10_8_2;
	spec.max_violations = 5;
	assert_int_equal(rt_sup_init(&s, "vision", &spec, NULL, TICK, false), PM_OK);
	assert_int_equal(rt_sup_activate(&s, T0 - 1 * MS, &c->sink, NULL), PM_OK);
	/* The Model goes silent after slot 4; 3 more periods pass (slots 5, 6, 7 due). */
	run_sim(&s, jobs, 5, T0 - 1 * MS + 700 * US, T0 + 79 * MS, TICK, c);
	assert_int_equal(s.m.alive_failure_count, 3);
	assert_int_equal(count_violations(c, RT_CONSTRAINT_ALIVE), 3);
	for (size_t i = 0; i < c->n; i++) {
		if (c->recs[i].kind == RT_REC_VIOLATION) {
			assert_in_range(c->recs[i].u.violation.detect_delay_ns, 0, TICK);
			assert_int_equal(c->recs[i].u.violation.job_seq, 6);
		}
	}
	assert_int_equal(s.status, RT_SUP_FAILED);
	/* Before the first activation too: nothing within a period of activation is missing. */
	const struct sim_job none[1] = { regular(0) };
	static struct rt_sup s2;
	struct capture *c2 = capture_new();
	assert_int_equal(rt_sup_init(&s2, "idle", &spec, NULL, TICK, false), PM_OK);
	assert_int_equal(rt_sup_activate(&s2, T0, &c2->sink, NULL), PM_OK);
	run_sim(&s2, none, 0, T0, T0 + 11 * MS + 400 * US, TICK, c2);
	assert_int_equal(s2.m.alive_failure_count, 0);
	run_sim(&s2, none, 0, T0 + 11 * MS + 500 * US, T0 + 12 * MS, TICK, c2);
	assert_int_equal(s2.m.alive_failure_count, 1);
	free(c2);
	free(c);
}

static void test_monitor_stall_coalesced(void **state)
{
	(void)state;
	static struct rt_sup s;
	struct capture *c = capture_new();
	struct sim_job jobs[1] = { regular(0) };
	assert_int_equal(rt_sup_init(&s, "vision", &spec_10_8_2, NULL, TICK, false), PM_OK);
	run_records(&s, jobs, 1, c);
	c->n = 0;
	/* One tick after 1000 silent periods: slots 1..1000 are certainly missing (1001 not yet). */
	struct rt_job_inflight in = { .seq = 1, .release_ns = jobs[0].release, .start_ns = jobs[0].start };
	pm_ns now = T0 + 10000 * MS + 1500 * US;
	assert_int_equal(rt_sup_tick(&s, &in, now, &c->sink, NULL), PM_OK);
	assert_int_equal(s.m.alive_failure_count, 1000);
	assert_int_equal(s.m.constraint_violations, 1000);
	assert_int_equal(count_violations(c, RT_CONSTRAINT_ALIVE), PM_MAX_SUP_REPORTS);
	assert_int_equal(s.m.reports_coalesced, 1000 - PM_MAX_SUP_REPORTS);
	assert_int_equal(s.status, RT_SUP_EXPIRED);
	assert_int_equal(rt_sup_window_violations(&s), spec_10_8_2.max_violations + 1);
	free(c);
}

static void test_off_grid_activation(void **state)
{
	(void)state;
	static struct rt_sup s;
	struct capture *c = capture_new();
	struct sim_job jobs[6];
	for (int k = 0; k < 6; k++) {
		jobs[k] = regular(k);
	}
	/* Slot 3's activation is 2 ms late (tolerance 0.5 ms); the Model keeps its new phase. */
	for (int k = 3; k < 6; k++) {
		jobs[k].release += 2 * MS;
		jobs[k].start += 2 * MS;
		jobs[k].end += 2 * MS;
	}
	assert_int_equal(rt_sup_init(&s, "vision", &spec_10_8_2, NULL, TICK, false), PM_OK);
	run_records(&s, jobs, 6, c);
	assert_int_equal(s.m.alive_failure_count, 1);
	assert_int_equal(count_violations(c, RT_CONSTRAINT_ALIVE), 1);
	for (size_t i = 0; i < c->n; i++) {
		if (c->recs[i].kind == RT_REC_VIOLATION) {
			assert_int_equal(c->recs[i].u.violation.job_seq, 4);
			assert_int_equal(c->recs[i].u.violation.observed_ns, 12 * MS);
			assert_int_equal(c->recs[i].u.violation.limit_ns, 10 * MS);
		}
	}
	/* A jitter within the tolerance is no violation. */
	static struct rt_sup s2;
	struct capture *c2 = capture_new();
	for (int k = 3; k < 6; k++) {
		jobs[k].release -= 2 * MS;
		jobs[k].start -= 2 * MS;
		jobs[k].end -= 2 * MS;
	}
	jobs[3].release += 300 * US; /* 300 us late, start and end 400 us later than planned */
	jobs[3].start += 400 * US;
	jobs[3].end += 400 * US;
	assert_int_equal(rt_sup_init(&s2, "vision", &spec_10_8_2, NULL, TICK, false), PM_OK);
	run_records(&s2, jobs, 6, c2);
	assert_int_equal(s2.m.alive_failure_count, 0);
	free(c2);
	free(c);
}

static void test_status_tolerance_boundary(void **state)
{
	(void)state;
	static struct rt_sup s;
	struct capture *c = capture_new();
	struct rt_escalation_spec esc_spec = { .actions = RT_ESC_SIGNAL | RT_ESC_RESTART, .signal = 15 };
	static struct sim_job jobs[40];
	for (int k = 0; k < 40; k++) {
		jobs[k] = regular(k);
		/* Misses at jobs 5, 6 (slots 4, 5), then at jobs 21, 22, 23 (slots 20..22). */
		if (k == 4 || k == 5 || k == 20 || k == 21 || k == 22) {
			jobs[k].end = jobs[k].release + 9 * MS;
		}
	}
	assert_int_equal(rt_sup_init(&s, "vision", &spec_10_8_2, &esc_spec, TICK, false), PM_OK);
	struct rt_sup_escalation esc;
	for (int k = 0; k < 40; k++) {
		struct rt_job_record r = record_of(&jobs[k], (uint64_t)k + 1);
		assert_int_equal(rt_sup_job(&s, &r, jobs[k].end, &c->sink, &esc), PM_OK);
		uint32_t expect = RT_SUP_OK;
		if (k >= 4 && k < 15) {
			/* Job 6 (cycle 6) leaves the 10-cycle window at cycle 16 (job 16, k = 15). */
			expect = RT_SUP_FAILED;
		} else if (k == 20 || k == 21) {
			expect = RT_SUP_FAILED; /* 1 and 2 violations: within the tolerance of 2 */
		} else if (k >= 22) {
			expect = RT_SUP_EXPIRED; /* the third in the window; latched */
		}
		assert_int_equal(s.status, expect);
		if (k == 0) {
			assert_int_equal(esc.actions, RT_ESC_EVENT); /* DEACTIVATED -> OK */
		} else if (k == 4 || k == 15 || k == 20) {
			assert_int_equal(esc.actions, RT_ESC_EVENT);
		} else if (k == 22) {
			assert_int_equal(esc.from, RT_SUP_FAILED);
			assert_int_equal(esc.to, RT_SUP_EXPIRED);
			assert_int_equal(esc.actions, RT_ESC_EVENT | RT_ESC_SIGNAL | RT_ESC_RESTART);
			assert_int_equal(esc.signal, 15);
		} else {
			assert_int_equal(esc.actions, 0);
		}
	}
	/* State and event records of the transitions. */
	size_t states = 0;
	size_t events = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (c->recs[i].kind == RT_REC_STATE) {
			states++;
		} else if (c->recs[i].kind == RT_REC_EVENT) {
			events++;
			assert_string_equal(c->recs[i].u.event.type, "supervision");
		}
	}
	assert_int_equal(states, 5); /* DEACT->OK, OK->FAILED, FAILED->OK, OK->FAILED, FAILED->EXPIRED */
	assert_int_equal(events, 5);
	/* Restarted: activation clears the window. */
	assert_int_equal(rt_sup_activate(&s, T0 + 500 * MS, &c->sink, &esc), PM_OK);
	assert_int_equal(s.status, RT_SUP_OK);
	assert_int_equal(esc.actions, RT_ESC_EVENT);
	assert_int_equal(rt_sup_window_violations(&s), 0);
	assert_int_equal(rt_sup_deactivate(&s, T0 + 600 * MS, &c->sink, &esc), PM_OK);
	assert_int_equal(s.status, RT_SUP_DEACTIVATED);

	/* max_violations = 0: the first violation is already qualified. */
	static struct rt_sup strict;
	struct rt_timing_spec spec = spec_10_8_2;
	spec.max_violations = 0;
	assert_int_equal(rt_sup_init(&strict, "strict", &spec, NULL, TICK, false), PM_OK);
	for (int k = 0; k < 5; k++) {
		struct rt_job_record r = record_of(&jobs[k], (uint64_t)k + 1);
		assert_int_equal(rt_sup_job(&strict, &r, jobs[k].end, &c->sink, &esc), PM_OK);
	}
	assert_int_equal(strict.status, RT_SUP_EXPIRED);
	assert_int_equal(esc.actions, RT_ESC_EVENT); /* no signal/restart configured */
	free(c);
}

static void test_sequence_gaps_and_bad_records(void **state)
{
	(void)state;
	static struct rt_sup s;
	struct capture *c = capture_new();
	struct sim_job jobs[8];
	for (int k = 0; k < 8; k++) {
		jobs[k] = regular(k);
	}
	assert_int_equal(rt_sup_init(&s, "vision", &spec_10_8_2, NULL, TICK, false), PM_OK);
	uint64_t seqs[] = { 1, 2, 5, 6, 6, 4, 7, 8 };
	int slots[] = { 0, 1, 4, 5, 5, 3, 6, 7 };
	for (size_t i = 0; i < 8; i++) {
		struct rt_job_record r = record_of(&jobs[slots[i]], seqs[i]);
		assert_int_equal(rt_sup_job(&s, &r, jobs[slots[i]].end, &c->sink, NULL), PM_OK);
	}
	assert_int_equal(s.m.jobs, 6);
	assert_int_equal(s.m.jobs_lost, 2);
	assert_int_equal(s.m.bad_records, 2);
	assert_int_equal(s.m.alive_failure_count, 0); /* lost records are not missing activations */
	size_t gaps = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (c->recs[i].kind == RT_REC_EVENT && strcmp(c->recs[i].u.event.type, "job-gap") == 0) {
			gaps++;
			assert_int_equal(c->recs[i].u.event.severity, RT_SEV_WARNING);
		}
	}
	assert_int_equal(gaps, 1);
	/* end before start: rejected and counted. */
	struct rt_job_record r = record_of(&jobs[0], 9);
	r.end_ns = r.start_ns - 1;
	assert_int_equal(rt_sup_job(&s, &r, T0, &c->sink, NULL), PM_OK);
	assert_int_equal(s.m.bad_records, 3);
	assert_int_equal(rt_sup_est_sample(&s, NULL, 0, T0, &c->sink, NULL), PM_ERR_STATE);
	free(c);
}

static void test_untrusted_times_and_ring_sink(void **state)
{
	(void)state;
	static struct rt_sup s;
	static struct rt_record_ring ring;
	rt_record_ring_init(&ring);
	struct rt_sup_sink sink = { .emit = rt_sup_emit_ring, .ctx = &ring, .real_offset_ns = 1000 };
	assert_int_equal(rt_sup_init(&s, "vision", &spec_10_8_2, NULL, TICK, false), PM_OK);
	struct sim_job j = regular(0);
	struct rt_job_record r = record_of(&j, 1);
	r.end_ns = j.end + MS; /* ends after `now`: from the future */
	assert_int_equal(rt_sup_job(&s, &r, j.end, &sink, NULL), PM_OK);
	r = record_of(&j, 1);
	r.release_ns = -1;
	assert_int_equal(rt_sup_job(&s, &r, j.end, &sink, NULL), PM_OK);
	r = record_of(&j, 0); /* sequence numbers start at 1 */
	assert_int_equal(rt_sup_job(&s, &r, j.end, &sink, NULL), PM_OK);
	assert_int_equal(s.m.bad_records, 3);
	assert_int_equal(s.status, RT_SUP_DEACTIVATED); /* nothing untrusted activates supervision */
	assert_int_equal(rt_record_ring_count(&ring), 0);
	/* A valid job with a deadline miss goes through the ring, stamped with realtime. */
	r = record_of(&j, 1);
	r.end_ns = r.release_ns + 9 * MS;
	assert_int_equal(rt_sup_job(&s, &r, r.end_ns, &sink, NULL), PM_OK);
	struct rt_record out;
	bool seen_violation = false;
	while (rt_record_ring_pop(&ring, &out)) {
		assert_int_equal(out.real_ns, out.mono_ns + 1000);
		seen_violation = seen_violation || out.kind == RT_REC_VIOLATION;
	}
	assert_true(seen_violation);
	/* In-flight snapshot with a start after `now`: counted, not judged. */
	struct rt_job_inflight in = {
		.seq = 2, .release_ns = T0 + 10 * MS, .start_ns = T0 + 30 * MS, .running = 1
	};
	assert_int_equal(rt_sup_tick(&s, &in, T0 + 20 * MS, &sink, NULL), PM_OK);
	assert_int_equal(s.m.bad_records, 4);
	assert_int_equal(s.last_begun_seq, 1);
	/* Clocks outside [0, 2^61] are refused. */
	assert_int_equal(rt_sup_tick(&s, &in, -1, &sink, NULL), PM_ERR_INVAL);
	assert_int_equal(rt_sup_tick(&s, &in, INT64_MAX, &sink, NULL), PM_ERR_INVAL);
	assert_int_equal(rt_sup_activate(&s, -5, &sink, NULL), PM_ERR_INVAL);
}

static void test_init_validation(void **state)
{
	(void)state;
	static struct rt_sup s;
	struct rt_timing_spec spec = spec_10_8_2;
	assert_int_equal(rt_sup_init(&s, "", &spec, NULL, TICK, false), PM_ERR_INVAL);
	assert_int_equal(rt_sup_init(&s, "m", &spec, NULL, 0, false), PM_ERR_INVAL);
	spec.deadline_ns = spec.period_ns + 1;
	assert_int_equal(rt_sup_init(&s, "m", &spec, NULL, TICK, false), PM_ERR_INVAL);
	spec = spec_10_8_2;
	spec.window_jobs = 0;
	assert_int_equal(rt_sup_init(&s, "m", &spec, NULL, TICK, false), PM_ERR_INVAL);
	spec = spec_10_8_2;
	spec.max_violations = PM_MAX_SUP_TOLERANCE + 1;
	assert_int_equal(rt_sup_init(&s, "m", &spec, NULL, TICK, false), PM_ERR_INVAL);
	spec = spec_10_8_2;
	spec.release_tolerance_ns = spec.period_ns / 2;
	assert_int_equal(rt_sup_init(&s, "m", &spec, NULL, TICK, false), PM_ERR_INVAL);
	struct rt_escalation_spec esc = { .actions = RT_ESC_SIGNAL, .signal = 0 };
	assert_int_equal(rt_sup_init(&s, "m", &spec_10_8_2, &esc, TICK, false), PM_ERR_INVAL);
	char long_name[PM_MAX_NAME + 1];
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[PM_MAX_NAME] = '\0';
	assert_int_equal(rt_sup_init(&s, long_name, &spec_10_8_2, NULL, TICK, false), PM_ERR_INVAL);
	assert_int_equal(rt_sup_init(&s, "m", &spec_10_8_2, NULL, TICK, false), PM_OK);
}

static void test_restart_budget_and_backoff(void **state)
{
	(void)state;
	struct rt_restart_state st;
	struct rt_restart_policy p = {
		.max_restarts = 3,
		.window_ns = 60 * PM_NS_PER_S,
		.backoff_initial_ns = PM_NS_PER_S,
		.backoff_max_ns = 4 * PM_NS_PER_S,
	};
	pm_ns until = 0;
	assert_int_equal(rt_restart_init(&st, &p), PM_OK);
	assert_int_equal(rt_restart_decide(&st, 0, &until), RT_RESTART_NOW);
	assert_int_equal(rt_restart_done(&st, 0), PM_OK);
	assert_int_equal(rt_restart_decide(&st, PM_NS_PER_S / 2, &until), RT_RESTART_WAIT);
	assert_int_equal(until, PM_NS_PER_S);
	assert_int_equal(rt_restart_decide(&st, PM_NS_PER_S, &until), RT_RESTART_NOW);
	assert_int_equal(rt_restart_done(&st, PM_NS_PER_S), PM_OK);
	assert_int_equal(rt_restart_decide(&st, 2 * PM_NS_PER_S, &until), RT_RESTART_WAIT);
	assert_int_equal(until, 3 * PM_NS_PER_S); /* doubled */
	assert_int_equal(rt_restart_decide(&st, 3 * PM_NS_PER_S, &until), RT_RESTART_NOW);
	assert_int_equal(rt_restart_done(&st, 3 * PM_NS_PER_S), PM_OK);
	assert_int_equal(rt_restart_decide(&st, 30 * PM_NS_PER_S, &until), RT_RESTART_EXHAUSTED);
	/* Latched: even after the window has slid. */
	assert_int_equal(rt_restart_decide(&st, 300 * PM_NS_PER_S, &until), RT_RESTART_EXHAUSTED);
	assert_int_equal(rt_restart_done(&st, 300 * PM_NS_PER_S), PM_ERR_STATE);
	assert_int_equal(st.total, 3);
	rt_restart_reset(&st);
	assert_int_equal(rt_restart_decide(&st, 301 * PM_NS_PER_S, &until), RT_RESTART_NOW);

	/* The budget slides: restarts older than the window no longer count. */
	p.max_restarts = 2;
	p.window_ns = 10 * PM_NS_PER_S;
	assert_int_equal(rt_restart_init(&st, &p), PM_OK);
	assert_int_equal(rt_restart_done(&st, 0), PM_OK);
	assert_int_equal(rt_restart_done(&st, PM_NS_PER_S), PM_OK);
	assert_int_equal(rt_restart_decide(&st, 10 * PM_NS_PER_S - 1, &until), RT_RESTART_EXHAUSTED);
	rt_restart_reset(&st);
	assert_int_equal(rt_restart_done(&st, 0), PM_OK);
	assert_int_equal(rt_restart_done(&st, 2 * PM_NS_PER_S), PM_OK);
	assert_int_equal(rt_restart_decide(&st, 10 * PM_NS_PER_S, &until), RT_RESTART_NOW);

	/* The wait is capped: 1, 2, 4, 4, 4 s. */
	p.max_restarts = 8;
	p.window_ns = 3600 * PM_NS_PER_S;
	assert_int_equal(rt_restart_init(&st, &p), PM_OK);
	pm_ns t = 0;
	static const pm_ns waits[] = { 0, 1, 2, 4, 4, 4 };
	for (size_t i = 0; i < sizeof(waits) / sizeof(waits[0]); i++) {
		t += waits[i] * PM_NS_PER_S;
		if (waits[i] > 0) {
			assert_int_equal(rt_restart_decide(&st, t - 1, &until), RT_RESTART_WAIT);
			assert_int_equal(until, t);
		}
		assert_int_equal(rt_restart_decide(&st, t, &until), RT_RESTART_NOW);
		assert_int_equal(rt_restart_done(&st, t), PM_OK);
	}
	p.max_restarts = 0;
	assert_int_equal(rt_restart_init(&st, &p), PM_ERR_INVAL);
	p.max_restarts = PM_MAX_RESTARTS_PER_WINDOW + 1;
	assert_int_equal(rt_restart_init(&st, &p), PM_ERR_INVAL);
	p.max_restarts = 1;
	p.backoff_max_ns = p.backoff_initial_ns - 1;
	assert_int_equal(rt_restart_init(&st, &p), PM_ERR_INVAL);
	assert_string_equal(rt_restart_verdict_name(RT_RESTART_EXHAUSTED), "budget exhausted");
}

static uint64_t lcg_state = 12345;

static uint64_t lcg(void)
{
	lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
	return lcg_state >> 33;
}

static void test_welford_against_two_pass(void **state)
{
	(void)state;
	enum { N = 20000 };
	static pm_ns samples[N];
	struct rt_welford w;
	rt_welford_init(&w);
	assert_true(rt_welford_variance(&w) == 0.0);
	pm_ns mn = INT64_MAX;
	pm_ns mx = INT64_MIN;
	double sum = 0;
	/* A large offset and a small spread: where the naive sum of squares loses all precision. */
	for (int i = 0; i < N; i++) {
		samples[i] = 5 * PM_NS_PER_S + (pm_ns)(lcg() % 2000000);
		rt_welford_add(&w, samples[i]);
		sum += (double)samples[i];
		mn = samples[i] < mn ? samples[i] : mn;
		mx = samples[i] > mx ? samples[i] : mx;
	}
	double mean = sum / N;
	double ss = 0;
	for (int i = 0; i < N; i++) {
		double d = (double)samples[i] - mean;
		ss += d * d;
	}
	double var = ss / N;
	assert_int_equal(w.count, N);
	assert_int_equal(w.min, mn);
	assert_int_equal(w.max, mx);
	assert_true(fabs(w.mean - mean) / mean < 1e-12);
	assert_true(fabs(rt_welford_variance(&w) - var) / var < 1e-9);

	/* The supervisor's execution statistics are the same Welford over cpu_ns. */
	static struct rt_sup s;
	assert_int_equal(rt_sup_init(&s, "w", &spec_10_8_2, NULL, TICK, false), PM_OK);
	double esum = 0;
	static pm_ns cpu[500];
	for (int k = 0; k < 500; k++) {
		struct sim_job j = regular(k);
		j.cpu = 1 * MS + (pm_ns)(lcg() % 900000);
		cpu[k] = j.cpu;
		esum += (double)j.cpu;
		struct rt_job_record r = record_of(&j, (uint64_t)k + 1);
		assert_int_equal(rt_sup_job(&s, &r, j.end, NULL, NULL), PM_OK);
	}
	double emean = esum / 500;
	double ess = 0;
	for (int k = 0; k < 500; k++) {
		ess += ((double)cpu[k] - emean) * ((double)cpu[k] - emean);
	}
	assert_true(fabs(s.m.execution.mean - emean) < 1e-6);
	assert_true(fabs(rt_welford_variance(&s.m.execution) - ess / 500) / (ess / 500) < 1e-9);
}

static void test_histogram(void **state)
{
	(void)state;
	assert_int_equal(rt_histogram_bucket(0), 0);
	assert_int_equal(rt_histogram_bucket(1023), 0);
	assert_int_equal(rt_histogram_bucket(1024), 1);
	assert_int_equal(rt_histogram_bucket(1024 + 127), 1); /* eight buckets of 128 ns up to 2048 */
	assert_int_equal(rt_histogram_bucket(1024 + 128), 2);
	assert_int_equal(rt_histogram_bucket(2047), 8);
	assert_int_equal(rt_histogram_bucket(2048), 9);
	assert_int_equal(rt_histogram_bucket((INT64_C(1) << 40) - 1), PM_HISTOGRAM_BUCKETS - 2);
	assert_int_equal(rt_histogram_bucket(INT64_C(1) << 40), PM_HISTOGRAM_BUCKETS - 1);
	assert_int_equal(rt_histogram_bucket(INT64_MAX), PM_HISTOGRAM_BUCKETS - 1);
	/* Buckets tile the line without gaps, and an upper edge overstates a sample by at most 1/8. */
	for (size_t i = 0; i + 1 < PM_HISTOGRAM_BUCKETS; i++) {
		pm_ns up = rt_histogram_upper_ns(i);
		assert_int_equal(rt_histogram_bucket(up - 1), i);
		assert_int_equal(rt_histogram_bucket(up), i + 1);
		if (i > 0) {
			pm_ns low = rt_histogram_upper_ns(i - 1);
			assert_true(up > low);
			assert_true((up - low) * 8 <= low);
		}
	}
	assert_int_equal(rt_histogram_upper_ns(PM_HISTOGRAM_BUCKETS - 1), INT64_MAX);
	struct rt_histogram h;
	rt_histogram_init(&h);
	assert_int_equal(rt_histogram_quantile_upper_ns(&h, 500), 0);
	for (int i = 0; i < 99; i++) {
		rt_histogram_add(&h, 3 * MS); /* bucket [2.883, 3.146) ms */
	}
	rt_histogram_add(&h, 20 * MS); /* bucket [18.874, 20.972) ms */
	rt_histogram_add(&h, -5);
	assert_int_equal(h.negative, 1);
	assert_int_equal(rt_histogram_quantile_upper_ns(&h, 500), INT64_C(3145728));
	assert_int_equal(rt_histogram_quantile_upper_ns(&h, 1000), INT64_C(20971520));
	/* A wake-up p99 of 0.53 ms reads as 0.59 ms at most, not as the 1.05 ms of a doubling bucket. */
	rt_histogram_init(&h);
	rt_histogram_add(&h, 530 * US);
	pm_ns p = rt_histogram_quantile_upper_ns(&h, 990);
	assert_true(p > 530 * US && p <= 530 * US + 530 * US / 8);
}

static struct rt_sched_sample sample(int32_t tid, pm_ns run, pm_ns wait, uint64_t slices)
{
	struct rt_sched_sample x = { .tid = tid, .run_ns = run, .wait_ns = wait, .slices = slices };
	return x;
}

static void test_estimated_from_schedstat(void **state)
{
	(void)state;
	static struct rt_sup s;
	struct capture *c = capture_new();
	struct rt_timing_spec spec = spec_10_8_2;
	spec.max_violations = 5;
	assert_int_equal(rt_sup_init(&s, "legacy", &spec, NULL, TICK, true), PM_OK);
	struct rt_sched_sample x[3];
	pm_ns t = T0;
	x[0] = sample(100, 50 * MS, 1 * MS, 100);
	x[1] = sample(101, 10 * MS, 1 * MS, 10);
	assert_int_equal(rt_sup_est_sample(&s, x, 2, t, &c->sink, NULL), PM_OK); /* baseline */
	assert_int_equal(s.status, RT_SUP_OK);
	/* Mid-window samples change nothing. */
	assert_int_equal(rt_sup_est_sample(&s, x, 2, t + 5 * MS, &c->sink, NULL), PM_OK);
	assert_int_equal(s.m.jobs, 0);
	/* Window 1: 1.5 ms CPU over two threads, 4 slices with 400 us wait in all: within budget. */
	x[0] = sample(100, 51 * MS, 1 * MS + 300 * US, 103);
	x[1] = sample(101, 10 * MS + 500 * US, 1 * MS + 100 * US, 11);
	assert_int_equal(rt_sup_est_sample(&s, x, 2, t + 10 * MS, &c->sink, NULL), PM_OK);
	assert_int_equal(s.m.jobs, 1);
	assert_int_equal(s.m.execution.max, 1500 * US);
	assert_int_equal(s.m.sched_latency.max, 100 * US);
	assert_int_equal(s.m.constraint_violations, 0);
	/* Window 2: 3 ms CPU: an estimated budget overrun. A new thread joins only next window. */
	x[0] = sample(100, 54 * MS, 1 * MS + 300 * US, 104);
	x[2] = sample(102, 900 * MS, 0, 5);
	assert_int_equal(rt_sup_est_sample(&s, x, 3, t + 20 * MS + 200 * US, &c->sink, NULL), PM_OK);
	assert_int_equal(s.m.budget_overrun_count, 1);
	/* Window 3: nothing ran: an estimated alive failure. */
	assert_int_equal(rt_sup_est_sample(&s, x, 3, t + 30 * MS, &c->sink, NULL), PM_OK);
	assert_int_equal(s.m.alive_failure_count, 1);
	/* Two windows at once (a late sample): budget scaled to 2 x 2 ms, 3.5 ms is fine. */
	x[2] = sample(102, 903 * MS + 500 * US, 0, 7);
	assert_int_equal(rt_sup_est_sample(&s, x, 3, t + 50 * MS + 100 * US, &c->sink, NULL), PM_OK);
	assert_int_equal(s.m.jobs, 5);
	assert_int_equal(s.m.budget_overrun_count, 1);
	assert_int_equal(s.m.constraint_violations, 2);
	assert_int_equal(count_violations(c, RT_CONSTRAINT_BUDGET), 1);
	assert_int_equal(count_violations(c, RT_CONSTRAINT_ALIVE), 1);
	for (size_t i = 0; i < c->n; i++) {
		if (c->recs[i].kind == RT_REC_VIOLATION) {
			assert_int_equal(c->recs[i].u.violation.estimated, 1);
			if (c->recs[i].u.violation.constraint == RT_CONSTRAINT_BUDGET) {
				assert_int_equal(c->recs[i].u.violation.observed_ns, 3 * MS);
				assert_int_equal(c->recs[i].u.violation.detect_delay_ns, 200 * US);
			}
		}
	}
	assert_int_equal(s.m.checks[RT_CHECK_TIMING].result, RT_CHECK_NOT_CHECKED);
	struct rt_job_record r = { .seq = 1 };
	assert_int_equal(rt_sup_job(&s, &r, t, &c->sink, NULL), PM_ERR_STATE);
	assert_int_equal(rt_sup_est_sample(&s, x, PM_MAX_THREADS_PER_MODEL + 1, t, &c->sink, NULL),
	                 PM_ERR_INVAL);
	char buf[2048];
	size_t len = 0;
	assert_int_equal(rt_sup_write_json(&s, 0, buf, sizeof(buf), &len), PM_OK);
	assert_non_null(strstr(buf, "\"estimated\":true"));
	assert_non_null(
	    strstr(buf, "{\"name\":\"Timing Constraint\",\"status\":\"NotChecked\",\"lastCheckTime\":null"));
	free(c);
}

/* ---- JSON parsed back with jsmn ----------------------------------------------------------------- */

static int tok_skip(const jsmntok_t *t, int i)
{
	/* Index of the token after the one at i with all its children (jsmn: a key's child is its value). */
	int end = i + 1;
	for (int n = t[i].size; n > 0; n--) {
		end = tok_skip(t, end);
	}
	return end;
}

static bool tok_eq(const char *js, const jsmntok_t *t, const char *s)
{
	size_t n = (size_t)(t->end - t->start);
	return t->type == JSMN_STRING && strlen(s) == n && strncmp(js + t->start, s, n) == 0;
}

static int obj_get(const char *js, const jsmntok_t *t, int obj, const char *key)
{
	assert_int_equal(t[obj].type, JSMN_OBJECT);
	int i = obj + 1;
	for (int k = 0; k < t[obj].size; k++) {
		if (tok_eq(js, &t[i], key)) {
			return i + 1;
		}
		i = tok_skip(t, i);
	}
	fail_msg("key %s missing", key);
	return -1;
}

static double num(const char *js, const jsmntok_t *t)
{
	assert_int_equal(t->type, JSMN_PRIMITIVE);
	char tmp[64];
	size_t n = (size_t)(t->end - t->start);
	assert_true(n < sizeof(tmp));
	memcpy(tmp, js + t->start, n);
	tmp[n] = '\0';
	return strtod(tmp, NULL);
}

static void str_of(const char *js, const jsmntok_t *t, char *out, size_t cap)
{
	size_t n = (size_t)(t->end - t->start);
	assert_true(n < cap);
	memcpy(out, js + t->start, n);
	out[n] = '\0';
}

static void test_json_parsed_back(void **state)
{
	(void)state;
	static struct rt_sup s;
	static struct sim_job jobs[100];
	size_t n = faulty_stream(jobs);
	struct rt_timing_spec spec = spec_10_8_2;
	spec.max_violations = 10;
	assert_int_equal(rt_sup_init(&s, "vision \"x\"", &spec, NULL, TICK, false), PM_OK);
	struct capture *c = capture_new();
	run_records(&s, jobs, n, c);
	/* Realtime = mono + offset; the last check (mono T0 + 993 ms) lands on 2026-11-22T00:14:00.123Z. */
	pm_ns last = jobs[n - 1].end;
	pm_ns offset = INT64_C(1795306440) * PM_NS_PER_S + 123 * MS - last;
	static char body[4096];
	size_t len = 0;
	assert_int_equal(rt_sup_write_json(&s, offset, body, sizeof(body), &len), PM_OK);
	assert_int_equal(len, strlen(body));
	static char js[4200];
	strcpy(js, "{");
	strcat(js, body);
	strcat(js, "}");
	jsmn_parser p;
	jsmntok_t t[256];
	jsmn_init(&p);
	int nt = jsmn_parse(&p, js, strlen(js), t, 256);
	assert_true(nt > 0);
	char str[128];
	str_of(js, &t[obj_get(js, t, 0, "supervisionStatus")], str, sizeof(str));
	assert_string_equal(str, "OK"); /* the last violation (slot 75) has left the 10-cycle window */
	assert_true(num(js, &t[obj_get(js, t, 0, "jobs")]) == 98);
	assert_true(tok_eq(js, &t[obj_get(js, t, 0, "estimated")], "false") ||
	            strncmp(js + t[obj_get(js, t, 0, "estimated")].start, "false", 5) == 0);
	int sm = obj_get(js, t, 0, "safetyMetrics");
	assert_true(num(js, &t[obj_get(js, t, sm, "deadlineMissCount")]) == 2);
	assert_true(num(js, &t[obj_get(js, t, sm, "budgetOverrunCount")]) == 1);
	assert_true(num(js, &t[obj_get(js, t, sm, "aliveFailureCount")]) == 2);
	assert_true(num(js, &t[obj_get(js, t, sm, "constraintViolations")]) == 5);
	assert_true(num(js, &t[obj_get(js, t, sm, "constraintsChecked")]) == 98 * 3 + 2);
	assert_true(fabs(num(js, &t[obj_get(js, t, sm, "worstCaseExecutionTime")]) - 3.0) < 1e-9);
	assert_true(fabs(num(js, &t[obj_get(js, t, sm, "averageExecutionTime")]) - s.m.execution.mean / 1e6) <
	            1e-6);
	assert_true(fabs(num(js, &t[obj_get(js, t, sm, "executionTimeVariance")]) -
	                 rt_welford_variance(&s.m.execution) / 1e12) < 1e-6);
	assert_true(fabs(num(js, &t[obj_get(js, t, sm, "schedulingLatency")]) - 0.1) < 1e-9);
	str_of(js, &t[obj_get(js, t, sm, "safetyMonitorStatus")], str, sizeof(str));
	assert_string_equal(str, "Active");
	int checks = obj_get(js, t, sm, "safetyChecks");
	assert_int_equal(t[checks].type, JSMN_ARRAY);
	assert_int_equal(t[checks].size, 3);
	static const char *const names[] = { "Timing Constraint", "Alive", "Budget" };
	int item = checks + 1;
	for (int i = 0; i < 3; i++) {
		str_of(js, &t[obj_get(js, t, item, "name")], str, sizeof(str));
		assert_string_equal(str, names[i]);
		str_of(js, &t[obj_get(js, t, item, "status")], str, sizeof(str));
		assert_string_equal(str, "Pass");
		str_of(js, &t[obj_get(js, t, item, "lastCheckTime")], str, sizeof(str));
		if (i != 1) {
			assert_string_equal(str, "2026-11-22T00:14:00.123Z");
		}
		item = tok_skip(t, item);
	}
	/* Every too-small buffer is refused cleanly, never truncated JSON. */
	for (size_t cap = 1; cap <= len; cap++) {
		size_t l2 = 99;
		assert_int_equal(rt_sup_write_json(&s, offset, body, cap, &l2), PM_ERR_NOSPACE);
		assert_int_equal(body[0], '\0');
		assert_int_equal(l2, 0);
	}
	assert_int_equal(rt_sup_write_json(&s, offset, body, len + 1, NULL), PM_OK);
	/* The name is not part of this fragment, but escaping is exercised through the records. */
	assert_string_equal(c->recs[0].resource, "vision \"x\"");
	free(c);
}

static void test_json_worst_case_fits(void **state)
{
	(void)state;
	static struct rt_sup s;
	assert_int_equal(rt_sup_init(&s, "vision", &spec_10_8_2, NULL, TICK, false), PM_OK);
	s.status = RT_SUP_EXPIRED;
	s.estimated = 1;
	uint64_t *counters[] = { &s.m.jobs,
		                 &s.m.jobs_lost,
		                 &s.m.bad_records,
		                 &s.m.deadline_miss_count,
		                 &s.m.budget_overrun_count,
		                 &s.m.alive_failure_count,
		                 &s.m.constraints_checked,
		                 &s.m.constraint_violations };
	for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		*counters[i] = UINT64_MAX;
	}
	struct rt_welford *w[] = { &s.m.execution, &s.m.response, &s.m.sched_latency };
	for (size_t i = 0; i < 3; i++) {
		w[i]->count = UINT64_MAX;
		w[i]->min = INT64_MIN;
		w[i]->max = INT64_MIN; /* the longest decimal form */
		w[i]->mean = -8.9e12;
		w[i]->m2 = 1e300;
	}
	for (int i = 0; i < RT_CHECK_COUNT; i++) {
		s.m.checks[i].result = RT_CHECK_FAIL;
		s.m.checks[i].last_check_ns = INT64_MAX;
		s.m.checks[i].checked = UINT64_MAX;
		s.m.checks[i].failed = UINT64_MAX;
	}
	static char buf[RT_SUP_JSON_CAP];
	size_t len = 0;
	assert_int_equal(rt_sup_write_json(&s, INT64_MIN, buf, sizeof(buf), &len), PM_OK);
	assert_true(len + 512 < RT_SUP_JSON_CAP); /* a margin for fields added later */
}

static void test_textbuf(void **state)
{
	(void)state;
	char buf[128];
	struct rt_textbuf tb;
	rt_tb_init(&tb, buf, sizeof(buf));
	rt_tb_ns_as_ms(&tb, -1500000);
	rt_tb_str(&tb, " ");
	rt_tb_i64(&tb, INT64_MIN);
	assert_false(tb.overflow);
	assert_string_equal(buf, "-1.500000 -9223372036854775808");
	rt_tb_init(&tb, buf, sizeof(buf));
	rt_tb_f6(&tb, 0.0 / 0.0);
	rt_tb_str(&tb, " ");
	rt_tb_f6(&tb, -0.0000004);
	rt_tb_str(&tb, " ");
	rt_tb_fixed(&tb, 2.5, 0);
	rt_tb_str(&tb, " ");
	rt_tb_fixed(&tb, 1e10, 9);
	assert_string_equal(buf, "null 0.000000 3 null");
	rt_tb_init(&tb, buf, sizeof(buf));
	rt_tb_json_str(&tb, "a\"b\\c\n\x01");
	assert_string_equal(buf, "\"a\\\"b\\\\c\\u000a\\u0001\"");
	rt_tb_init(&tb, buf, sizeof(buf));
	rt_tb_rfc3339(&tb, 0);
	rt_tb_rfc3339(&tb, -1);
	rt_tb_rfc3339(&tb, INT64_C(951782400) * PM_NS_PER_S + 999999999); /* leap day 2000 */
	assert_false(tb.overflow);
	assert_string_equal(
	    buf, "\"1970-01-01T00:00:00.000Z\"\"1969-12-31T23:59:59.999Z\"\"2000-02-29T00:00:00.999Z\"");
	char small[4];
	rt_tb_init(&tb, small, sizeof(small));
	rt_tb_str(&tb, "abc");
	assert_false(tb.overflow);
	rt_tb_str(&tb, "d");
	assert_true(tb.overflow);
	assert_string_equal(small, "abc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_stream),
		cmocka_unit_test(test_faults_with_ticks),
		cmocka_unit_test(test_faults_records_only),
		cmocka_unit_test(test_overrun_detected_at_next_tick),
		cmocka_unit_test(test_inflight_miss_retracted_when_record_shows_in_time),
		cmocka_unit_test(test_missing_activations_each_period),
		cmocka_unit_test(test_monitor_stall_coalesced),
		cmocka_unit_test(test_off_grid_activation),
		cmocka_unit_test(test_status_tolerance_boundary),
		cmocka_unit_test(test_sequence_gaps_and_bad_records),
		cmocka_unit_test(test_untrusted_times_and_ring_sink),
		cmocka_unit_test(test_init_validation),
		cmocka_unit_test(test_restart_budget_and_backoff),
		cmocka_unit_test(test_welford_against_two_pass),
		cmocka_unit_test(test_histogram),
		cmocka_unit_test(test_estimated_from_schedstat),
		cmocka_unit_test(test_json_parsed_back),
		cmocka_unit_test(test_json_worst_case_fits),
		cmocka_unit_test(test_textbuf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
