/* Fuzz target: arbitrary job records, in-flight snapshots, schedstat samples and (de)activations fed
 * to the timing supervisor, as a crashed or hostile client could write them into shared memory.
 * Checks the bookkeeping invariants after every step and that the JSON summary always parses. */
#include <jsmn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rt/supervise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct input *in, size_t bytes)
{
	uint64_t v = 0;
	for (size_t i = 0; i < bytes && in->n > 0; i++) {
		v = (v << 8) | *in->p;
		in->p++;
		in->n--;
	}
	return v;
}

/* A time near `base`: mostly plausible offsets, sometimes raw 64-bit garbage. */
static pm_ns near(struct input *in, pm_ns base)
{
	uint8_t mode = (uint8_t)take(in, 1);
	if (mode < 16) {
		return (pm_ns)take(in, 8);
	}
	return base - (pm_ns)(take(in, 3) * 1000);
}

static uint64_t violations_emitted;

static bool count_emit(void *ctx, const struct rt_record *rec)
{
	(void)ctx;
	if (rec->kind == RT_REC_VIOLATION) {
		violations_emitted++;
	}
	/* Refuse some records, as a full ring would. */
	return (rec->mono_ns & 0x3f) != 0;
}

static void check_invariants(const struct rt_sup *s)
{
	const struct rt_sup_metrics *m = &s->m;
	if (s->status > RT_SUP_EXPIRED) {
		abort();
	}
	if (m->constraint_violations !=
	    m->deadline_miss_count + m->budget_overrun_count + m->alive_failure_count) {
		abort();
	}
	uint64_t checked = 0;
	for (int i = 0; i < RT_CHECK_COUNT; i++) {
		checked += m->checks[i].checked;
		if (m->checks[i].failed > m->checks[i].checked) {
			abort();
		}
	}
	if (checked != m->constraints_checked ||
	    m->checks[RT_CHECK_TIMING].failed != m->deadline_miss_count ||
	    m->checks[RT_CHECK_BUDGET].failed != m->budget_overrun_count ||
	    m->checks[RT_CHECK_ALIVE].failed != m->alive_failure_count) {
		abort();
	}
	if (violations_emitted + m->reports_coalesced != m->constraint_violations + m->misses_retracted) {
		abort();
	}
	if (rt_sup_window_violations(s) > s->spec.max_violations + 1) {
		abort();
	}
}

static void check_json(const struct rt_sup *s)
{
	static char buf[4096];
	static char js[4100];
	size_t len = 0;
	if (rt_sup_write_json(s, (pm_ns)1700000000 * PM_NS_PER_S, buf, sizeof(buf), &len) != PM_OK) {
		abort();
	}
	js[0] = '{';
	memcpy(js + 1, buf, len);
	js[len + 1] = '}';
	jsmn_parser p;
	static jsmntok_t tok[256];
	jsmn_init(&p);
	int n = jsmn_parse(&p, js, len + 2, tok, 256);
	if (n < 1 || tok[0].type != JSMN_OBJECT || tok[0].end != (int)(len + 2)) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rt_sup s;
	struct input in = { data, size };
	uint8_t cfg = (uint8_t)take(&in, 1);
	struct rt_timing_spec spec = {
		.period_ns = (pm_ns)(1 + take(&in, 1)) * PM_NS_PER_MS,
		.budget_ns = (pm_ns)take(&in, 1) * 100 * PM_NS_PER_US,
		.max_violations = (uint32_t)(take(&in, 1) % (PM_MAX_SUP_TOLERANCE + 1)),
		.window_jobs = (uint32_t)(1 + take(&in, 1)),
	};
	spec.deadline_ns = spec.period_ns - (pm_ns)(take(&in, 1) % 4) * (spec.period_ns / 4);
	spec.release_tolerance_ns = spec.period_ns / 10;
	struct rt_escalation_spec esc_spec = { .actions = RT_ESC_SIGNAL | RT_ESC_RESTART, .signal = 15 };
	if (rt_sup_init(&s, "fuzz", &spec, &esc_spec, PM_NS_PER_MS, (cfg & 1) != 0) != PM_OK) {
		abort();
	}
	violations_emitted = 0;
	struct rt_sup_sink sink = { .emit = count_emit };
	struct rt_sup_escalation esc;
	pm_ns now = PM_NS_PER_S;
	uint64_t seq = 0;
	struct rt_sched_sample samples[4] = { { .tid = 1 }, { .tid = 2 }, { .tid = 3 }, { .tid = 4 } };
	for (int step = 0; step < 4096 && in.n > 0; step++) {
		uint8_t op = (uint8_t)take(&in, 1);
		now += (pm_ns)(op >> 3) * 250 * PM_NS_PER_US;
		pm_status st = PM_OK;
		switch (op & 7) {
		case 0:
		case 1: {
			struct rt_job_record r = { 0 };
			seq += take(&in, 1) % 3;
			r.seq = seq;
			r.release_ns = near(&in, now);
			r.start_ns = near(&in, now);
			r.end_ns = near(&in, now);
			r.cpu_ns = (pm_ns)take(&in, 3) * 100;
			r.flags = (uint32_t)take(&in, 1) & RT_JOB_F_CPU_MEASURED;
			st = rt_sup_job(&s, &r, now, &sink, &esc);
			break;
		}
		case 2:
		case 3: {
			struct rt_job_inflight f = { 0 };
			f.seq = seq + take(&in, 1) % 3;
			f.release_ns = near(&in, now);
			f.start_ns = near(&in, now);
			f.running = (uint32_t)take(&in, 1) & 1;
			st = rt_sup_tick(&s, &f, now, &sink, &esc);
			break;
		}
		case 4: {
			size_t k = (size_t)take(&in, 1) % 4;
			samples[k].run_ns += (pm_ns)take(&in, 2) * 1000;
			samples[k].wait_ns += (pm_ns)take(&in, 2) * 100;
			samples[k].slices += take(&in, 1);
			st = rt_sup_est_sample(&s, samples, 1 + (size_t)take(&in, 1) % 4, now, &sink, &esc);
			break;
		}
		case 5:
			st = rt_sup_activate(&s, now, &sink, &esc);
			seq = 0;
			break;
		case 6:
			st = rt_sup_deactivate(&s, now, &sink, &esc);
			break;
		default:
			now = (pm_ns)take(&in, 8); /* the clock jumps anywhere, even backwards or negative */
			st = rt_sup_tick(&s, &(struct rt_job_inflight){ 0 }, now, &sink, &esc);
			if (now < 0 || now > INT64_MAX / 4) {
				if (st != PM_ERR_INVAL) {
					abort();
				}
				now = PM_NS_PER_S;
				continue;
			}
			break;
		}
		if (st != PM_OK && st != PM_ERR_STATE) {
			abort();
		}
		check_invariants(&s);
	}
	check_json(&s);
	return 0;
}
