/* Timing supervision of one time-critical Model: checks, safety metrics, AUTOSAR-style status and
 * escalation decision (rt/supervise.h). Pure logic over the Model's fixed state. */
#include "rt/supervise.h"

#include <assert.h>
#include <string.h>

#include "rt/record_ring.h"
#include "textbuf.h"

/* Monotonic times beyond 2^61 ns (73 years of uptime) are refused as corrupt; below it, the sum of
 * any two times and a period cannot overflow. */
#define SUP_TIME_MAX (INT64_MAX / 4)
#define SUP_PERIOD_MAX PM_NS_PER_DAY

static bool time_valid(pm_ns t)
{
	return t >= 0 && t <= SUP_TIME_MAX;
}

static const char *const status_names[] = { "DEACTIVATED", "OK", "FAILED", "EXPIRED" };
static const char *const check_names[RT_CHECK_COUNT] = { "Timing Constraint", "Alive", "Budget" };
static const char *const result_names[] = { "NotChecked", "Pass", "Fail" };

const char *rt_sup_status_name(uint32_t status)
{
	return status < 4 ? status_names[status] : "UNKNOWN";
}

const char *rt_sup_check_name(uint32_t check)
{
	return check < RT_CHECK_COUNT ? check_names[check] : "Unknown";
}

const char *rt_check_result_name(uint32_t result)
{
	return result < 3 ? result_names[result] : "Unknown";
}

/* ---- records ---------------------------------------------------------------------------------- */

static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void record_base(struct rt_record *rec, const struct rt_sup *s, uint32_t kind, pm_ns now,
                        const struct rt_sup_sink *sink)
{
	memset(rec, 0, sizeof(*rec));
	rec->kind = kind;
	rec->resource_type = RT_RES_MODEL;
	rec->mono_ns = now;
	rec->real_ns = sink != NULL ? rt_ns_add_sat(now, sink->real_offset_ns) : 0;
	copy_str(rec->resource, sizeof(rec->resource), s->name);
}

static void emit(struct rt_sup_sink *sink, const struct rt_record *rec)
{
	if (sink == NULL || sink->emit == NULL) {
		return;
	}
	if (sink->emit(sink->ctx, rec)) {
		sink->emitted++;
	} else {
		sink->dropped++;
	}
}

static void emit_event(struct rt_sup *s, struct rt_sup_sink *sink, pm_ns now, const char *type,
                       uint32_t severity, const char *message)
{
	struct rt_record rec;
	record_base(&rec, s, RT_REC_EVENT, now, sink);
	copy_str(rec.u.event.type, sizeof(rec.u.event.type), type);
	rec.u.event.severity = severity;
	copy_str(rec.u.event.message, sizeof(rec.u.event.message), message);
	emit(sink, &rec);
}

bool rt_sup_emit_ring(void *ctx, const struct rt_record *rec)
{
	assert(ctx != NULL && rec != NULL);
	return rt_record_ring_push(ctx, rec);
}

/* ---- checks and violations -------------------------------------------------------------------- */

static void check_done(struct rt_sup *s, uint32_t which, bool pass, pm_ns now)
{
	assert(which < RT_CHECK_COUNT);
	struct rt_sup_check_state *c = &s->m.checks[which];
	c->checked++;
	c->result = pass ? RT_CHECK_PASS : RT_CHECK_FAIL;
	c->last_check_ns = now;
	s->m.constraints_checked++;
	if (!pass) {
		c->failed++;
	}
}

/* The tolerance window keeps the cycles of the newest max_violations + 1 violations. */
static void window_push(struct rt_sup *s)
{
	uint32_t keep = s->spec.max_violations + 1;
	s->viol_cycle[s->viol_next] = s->cycle;
	s->viol_next = (s->viol_next + 1) % keep;
	if (s->viol_count < keep) {
		s->viol_count++;
	}
}

struct violation {
	uint32_t constraint; /* enum rt_constraint */
	uint64_t job_seq;
	pm_ns observed_ns;
	pm_ns limit_ns;
	pm_ns certain_ns; /* when the violation became certain */
};

static void violate(struct rt_sup *s, struct rt_sup_sink *sink, const struct violation *v, pm_ns now)
{
	uint32_t which = RT_CHECK_TIMING;
	switch (v->constraint) {
	case RT_CONSTRAINT_DEADLINE:
		s->m.deadline_miss_count++;
		break;
	case RT_CONSTRAINT_BUDGET:
		s->m.budget_overrun_count++;
		which = RT_CHECK_BUDGET;
		break;
	default:
		assert(v->constraint == RT_CONSTRAINT_ALIVE);
		s->m.alive_failure_count++;
		which = RT_CHECK_ALIVE;
		break;
	}
	check_done(s, which, false, now);
	s->m.constraint_violations++;

	window_push(s);

	if (s->reports_this_call >= PM_MAX_SUP_REPORTS) {
		s->m.reports_coalesced++;
		return;
	}
	s->reports_this_call++;
	struct rt_record rec;
	record_base(&rec, s, RT_REC_VIOLATION, now, sink);
	rec.u.violation.constraint = v->constraint;
	rec.u.violation.estimated = s->estimated;
	rec.u.violation.job_seq = v->job_seq;
	rec.u.violation.observed_ns = v->observed_ns;
	rec.u.violation.limit_ns = v->limit_ns;
	rec.u.violation.detect_delay_ns = now - v->certain_ns;
	emit(sink, &rec);
}

uint32_t rt_sup_window_violations(const struct rt_sup *s)
{
	assert(s != NULL);
	uint32_t n = 0;
	for (uint32_t i = 0; i < s->viol_count; i++) {
		if (s->cycle - s->viol_cycle[i] < s->spec.window_jobs) {
			n++;
		}
	}
	return n;
}

/* ---- status ----------------------------------------------------------------------------------- */

static void set_status(struct rt_sup *s, uint32_t to, pm_ns now, struct rt_sup_sink *sink, const char *why)
{
	uint32_t from = s->status;
	if (from == to) {
		return;
	}
	struct rt_record rec;
	record_base(&rec, s, RT_REC_STATE, now, sink);
	copy_str(rec.u.state.from, sizeof(rec.u.state.from), rt_sup_status_name(from));
	copy_str(rec.u.state.to, sizeof(rec.u.state.to), rt_sup_status_name(to));
	rec.u.state.duration_ns = now - s->status_since_ns;
	rec.u.state.expected = 1;
	copy_str(rec.u.state.reason, sizeof(rec.u.state.reason), why);
	emit(sink, &rec);

	char msg[RT_REC_TEXT];
	struct rt_textbuf tb;
	rt_tb_init(&tb, msg, sizeof(msg));
	rt_tb_str(&tb, "supervision ");
	rt_tb_str(&tb, rt_sup_status_name(from));
	rt_tb_str(&tb, " -> ");
	rt_tb_str(&tb, rt_sup_status_name(to));
	rt_tb_str(&tb, ": ");
	rt_tb_u64(&tb, rt_sup_window_violations(s));
	rt_tb_str(&tb, " violation(s) in the last ");
	rt_tb_u64(&tb, s->spec.window_jobs);
	rt_tb_str(&tb, " cycles, tolerated ");
	rt_tb_u64(&tb, s->spec.max_violations);
	uint32_t severity = to == RT_SUP_EXPIRED  ? RT_SEV_CRITICAL
	                    : to == RT_SUP_FAILED ? RT_SEV_WARNING
	                                          : RT_SEV_INFO;
	/* A truncated message is still worth sending: the fields above carry the facts. */
	emit_event(s, sink, now, "supervision", severity, msg);

	s->status = to;
	s->status_since_ns = now;
}

/* Re-judges OK/FAILED/EXPIRED from the tolerance window. EXPIRED latches until rt_sup_activate. */
static void evaluate(struct rt_sup *s, pm_ns now, struct rt_sup_sink *sink)
{
	if (s->status == RT_SUP_DEACTIVATED || s->status == RT_SUP_EXPIRED) {
		return;
	}
	uint32_t n = rt_sup_window_violations(s);
	uint32_t to = n > s->spec.max_violations ? RT_SUP_EXPIRED : n > 0 ? RT_SUP_FAILED : RT_SUP_OK;
	const char *why = to == RT_SUP_OK ? "window without violation" : "timing violation";
	set_status(s, to, now, sink, why);
}

static void begin_call(struct rt_sup *s, uint32_t *from)
{
	s->reports_this_call = 0;
	*from = s->status;
}

static void end_call(struct rt_sup *s, uint32_t from, pm_ns now, struct rt_sup_sink *sink,
                     struct rt_sup_escalation *esc)
{
	evaluate(s, now, sink);
	if (esc == NULL) {
		return;
	}
	memset(esc, 0, sizeof(*esc));
	esc->from = from;
	esc->to = s->status;
	if (from == s->status) {
		return;
	}
	esc->actions = RT_ESC_EVENT;
	if (s->status == RT_SUP_EXPIRED) {
		esc->actions |= s->escalation.actions & (RT_ESC_SIGNAL | RT_ESC_RESTART);
		if ((esc->actions & RT_ESC_SIGNAL) != 0) {
			esc->signal = s->escalation.signal;
		}
	}
}

/* ---- lifecycle -------------------------------------------------------------------------------- */

static bool spec_valid(const struct rt_timing_spec *spec)
{
	return spec->period_ns > 0 && spec->period_ns <= SUP_PERIOD_MAX && spec->deadline_ns > 0 &&
	       spec->deadline_ns <= spec->period_ns && spec->budget_ns >= 0 &&
	       spec->release_tolerance_ns >= 0 && spec->release_tolerance_ns < spec->period_ns / 2 &&
	       spec->window_jobs >= 1 && spec->max_violations <= PM_MAX_SUP_TOLERANCE;
}

pm_status rt_sup_init(struct rt_sup *s, const char *name, const struct rt_timing_spec *spec,
                      const struct rt_escalation_spec *escalation, pm_ns tick_ns, bool estimated)
{
	if (s == NULL || name == NULL || spec == NULL || tick_ns <= 0 || tick_ns > SUP_PERIOD_MAX ||
	    name[0] == '\0' || strnlen(name, PM_MAX_NAME) >= PM_MAX_NAME || !spec_valid(spec)) {
		return PM_ERR_INVAL;
	}
	if (escalation != NULL &&
	    ((escalation->actions & ~(RT_ESC_EVENT | RT_ESC_SIGNAL | RT_ESC_RESTART)) != 0 ||
	     ((escalation->actions & RT_ESC_SIGNAL) != 0 && escalation->signal <= 0))) {
		return PM_ERR_INVAL;
	}
	memset(s, 0, sizeof(*s));
	copy_str(s->name, sizeof(s->name), name);
	s->spec = *spec;
	if (escalation != NULL) {
		s->escalation = *escalation;
	}
	s->grace_ns = tick_ns;
	s->estimated = estimated ? 1u : 0u;
	s->status = RT_SUP_DEACTIVATED;
	rt_welford_init(&s->m.response);
	rt_welford_init(&s->m.execution);
	rt_welford_init(&s->m.sched_latency);
	rt_histogram_init(&s->m.response_hist);
	rt_histogram_init(&s->m.execution_hist);
	return PM_OK;
}

static void reset_grid(struct rt_sup *s, pm_ns anchor, bool anchored)
{
	s->anchored = anchored ? 1u : 0u;
	s->anchor_ns = anchor;
	s->filled_slot = 0;
	s->reported_slot = 0;
}

static void do_activate(struct rt_sup *s, pm_ns at, pm_ns now, struct rt_sup_sink *sink)
{
	/* A fresh attachment: job numbers restart and earlier violations no longer count. */
	s->viol_count = 0;
	s->viol_next = 0;
	s->last_begun_seq = 0;
	s->last_rec_seq = 0;
	memset(s->inflight_missed, 0, sizeof(s->inflight_missed));
	s->est_started = 0;
	reset_grid(s, at, false);
	set_status(s, RT_SUP_OK, now, sink, "supervision activated");
}

pm_status rt_sup_activate(struct rt_sup *s, pm_ns now, struct rt_sup_sink *sink,
                          struct rt_sup_escalation *esc)
{
	if (s == NULL || !time_valid(now)) {
		return PM_ERR_INVAL;
	}
	uint32_t from;
	begin_call(s, &from);
	do_activate(s, now, now, sink);
	end_call(s, from, now, sink, esc);
	return PM_OK;
}

pm_status rt_sup_deactivate(struct rt_sup *s, pm_ns now, struct rt_sup_sink *sink,
                            struct rt_sup_escalation *esc)
{
	if (s == NULL || !time_valid(now)) {
		return PM_ERR_INVAL;
	}
	uint32_t from;
	begin_call(s, &from);
	set_status(s, RT_SUP_DEACTIVATED, now, sink, "supervision deactivated");
	end_call(s, from, now, sink, esc);
	return PM_OK;
}

/* ---- activations ------------------------------------------------------------------------------ */

static pm_ns slot_due(const struct rt_sup *s, int64_t slot)
{
	return rt_ns_add_sat(s->anchor_ns, slot * s->spec.period_ns);
}

/* The moment a slot's activation is certainly missing: due + tolerance + one tick. */
static pm_ns slot_certain(const struct rt_sup *s, int64_t slot)
{
	return rt_ns_add_sat(slot_due(s, slot), s->spec.release_tolerance_ns + s->grace_ns);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	assert(b > 0);
	int64_t q = a / b;
	return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* Reports every slot up to `last` that is neither filled nor reported yet as a missing activation.
 * The loop is bounded by the record cap; slots beyond it are counted without a record each. */
static void report_missing(struct rt_sup *s, int64_t last, pm_ns now, pm_ns last_release,
                           struct rt_sup_sink *sink)
{
	int64_t from = s->reported_slot > s->filled_slot ? s->reported_slot : s->filled_slot;
	if (last <= from) {
		return;
	}
	int64_t n = last - from;
	int64_t emitted = 0;
	for (int64_t k = from + 1; k <= last && emitted < PM_MAX_SUP_REPORTS; k++, emitted++) {
		struct violation v = {
			.constraint = RT_CONSTRAINT_ALIVE,
			.job_seq = s->last_begun_seq + 1,
			.observed_ns = now - last_release,
			.limit_ns = s->spec.period_ns + s->spec.release_tolerance_ns,
			.certain_ns = slot_certain(s, k),
		};
		s->cycle++;
		violate(s, sink, &v, now);
	}
	/* After a long stall of the monitor itself: the remaining slots are counted, not listed. */
	uint64_t rest = (uint64_t)(n - emitted);
	s->cycle += rest;
	s->m.alive_failure_count += rest;
	s->m.constraint_violations += rest;
	s->m.constraints_checked += rest;
	s->m.checks[RT_CHECK_ALIVE].checked += rest;
	s->m.checks[RT_CHECK_ALIVE].failed += rest;
	s->m.reports_coalesced += rest;
	for (uint64_t i = 0; i < rest && i <= s->spec.max_violations; i++) {
		window_push(s);
	}
	s->reported_slot = last;
}

static pm_ns last_release_ns(const struct rt_sup *s)
{
	return slot_due(s, s->filled_slot);
}

/* A job seen begun for the first time: `lost` activations before it are known only by number. */
static void on_activation(struct rt_sup *s, uint64_t seq, pm_ns release, pm_ns start, uint64_t lost,
                          pm_ns now, struct rt_sup_sink *sink)
{
	s->last_begun_seq = seq;
	if (!s->anchored) {
		/* The first activation defines the phase of the grid. */
		reset_grid(s, release, true);
		s->cycle++;
		check_done(s, RT_CHECK_ALIVE, true, now);
		return;
	}
	pm_ns period = s->spec.period_ns;
	pm_ns tol = s->spec.release_tolerance_ns;
	pm_ns prev_release = last_release_ns(s);
	int64_t j = floor_div(release - s->anchor_ns + period / 2, period);
	pm_ns dev = release - slot_due(s, j);
	if (dev < 0) {
		dev = -dev;
	}
	/* Activations whose records were lost did happen: they fill the slots right after the last one. */
	if (lost > 0) {
		int64_t assumed = s->filled_slot + (int64_t)(lost < (uint64_t)INT32_MAX ? lost : INT32_MAX);
		if (assumed >= j) {
			assumed = j - 1;
		}
		if (assumed > s->filled_slot) {
			int64_t accounted =
			    s->reported_slot > s->filled_slot ? s->reported_slot : s->filled_slot;
			if (assumed > accounted) {
				s->cycle += (uint64_t)(assumed - accounted);
			}
			s->filled_slot = assumed;
		}
	}
	if (j > s->filled_slot && dev <= tol) {
		report_missing(s, j - 1, now, prev_release, sink);
		if (j > s->reported_slot) {
			s->cycle++;
			if (start > slot_certain(s, j)) {
				struct violation v = {
					.constraint = RT_CONSTRAINT_ALIVE,
					.job_seq = seq,
					.observed_ns = start - prev_release,
					.limit_ns = period + tol,
					.certain_ns = slot_certain(s, j),
				};
				violate(s, sink, &v, now);
			} else {
				check_done(s, RT_CHECK_ALIVE, true, now);
			}
			s->reported_slot = j;
		}
		/* else: reported missing at a tick and begun late since; counted once already. */
		s->filled_slot = j;
		return;
	}
	/* Off the grid by more than the tolerance, or a second activation in a filled slot. The slots
	 * before the nearest one were missed; the nearest one is this late or early activation, judged
	 * once: not again when a tick already reported it missing. */
	bool duplicate = j <= s->filled_slot;
	if (!duplicate) {
		report_missing(s, j - 1, now, prev_release, sink);
	}
	if (duplicate || j > s->reported_slot) {
		s->cycle++;
		struct violation v = {
			.constraint = RT_CONSTRAINT_ALIVE,
			.job_seq = seq,
			.observed_ns = release - prev_release,
			.limit_ns = period,
			.certain_ns = start,
		};
		violate(s, sink, &v, now);
	}
	reset_grid(s, release, true);
}

/* ---- job records and ticks -------------------------------------------------------------------- */

/* Records come from a client's shared memory: their times must lie in [0, now] and be ordered, which
 * also keeps every difference taken below free of overflow. */
static bool record_times_valid(const struct rt_job_record *rec, pm_ns now)
{
	return rec->release_ns >= 0 && rec->start_ns >= 0 && rec->start_ns <= rec->end_ns &&
	       rec->release_ns <= rec->end_ns && rec->end_ns <= now;
}

static bool inflight_times_valid(const struct rt_job_inflight *in, pm_ns now)
{
	return in->release_ns >= 0 && in->start_ns >= 0 && in->release_ns <= now && in->start_ns <= now;
}

static bool inflight_reported(const struct rt_sup *s, uint64_t seq)
{
	for (size_t i = 0; i < sizeof(s->inflight_missed) / sizeof(s->inflight_missed[0]); i++) {
		if (s->inflight_missed[i] == seq) {
			return true;
		}
	}
	return false;
}

/* The record of a job reported as running past its deadline shows it ended in time: its end clock was
 * read before the deadline, its publication came after the tick (the client was preempted between). */
static void retract_miss(struct rt_sup *s, const struct rt_job_record *rec, pm_ns response, pm_ns now,
                         struct rt_sup_sink *sink)
{
	s->m.deadline_miss_count--;
	if (s->m.constraint_violations > 0) {
		s->m.constraint_violations--;
	}
	struct rt_sup_check_state *c = &s->m.checks[RT_CHECK_TIMING];
	if (c->failed > 0) {
		c->failed--;
	}
	s->m.misses_retracted++;
	char msg[RT_REC_TEXT];
	struct rt_textbuf tb;
	rt_tb_init(&tb, msg, sizeof(msg));
	rt_tb_str(&tb, "job ");
	rt_tb_u64(&tb, rec->seq);
	rt_tb_str(&tb, " ended in time (response ");
	rt_tb_u64(&tb, (uint64_t)(response / PM_NS_PER_US));
	rt_tb_str(&tb, " us) but was published after the deadline: miss retracted");
	emit_event(s, sink, now, "deadline-miss-retracted", RT_SEV_INFO, msg);
}

static void activate_implicitly(struct rt_sup *s, pm_ns at, pm_ns now, struct rt_sup_sink *sink)
{
	if (s->status == RT_SUP_DEACTIVATED) {
		do_activate(s, at, now, sink);
	}
}

pm_status rt_sup_job(struct rt_sup *s, const struct rt_job_record *rec, pm_ns now, struct rt_sup_sink *sink,
                     struct rt_sup_escalation *esc)
{
	if (s == NULL || rec == NULL || !time_valid(now)) {
		return PM_ERR_INVAL;
	}
	if (s->estimated) {
		return PM_ERR_STATE;
	}
	uint32_t from;
	begin_call(s, &from);
	bool fresh = s->status == RT_SUP_DEACTIVATED;
	if ((!fresh && rec->seq <= s->last_rec_seq) || rec->seq == 0 || !record_times_valid(rec, now)) {
		/* Out of order, duplicated or impossible times: never trusted, always counted. */
		s->m.bad_records++;
		end_call(s, from, now, sink, esc);
		return PM_OK;
	}
	activate_implicitly(s, rec->release_ns, now, sink);
	uint64_t lost = rec->seq - s->last_rec_seq - 1;
	if (lost > 0) {
		s->m.jobs_lost += lost;
		char msg[RT_REC_TEXT];
		struct rt_textbuf tb;
		rt_tb_init(&tb, msg, sizeof(msg));
		rt_tb_u64(&tb, lost);
		rt_tb_str(&tb, " job record(s) lost before job ");
		rt_tb_u64(&tb, rec->seq);
		rt_tb_str(&tb, " (client ring overflow)");
		emit_event(s, sink, now, "job-gap", RT_SEV_WARNING, msg);
	}
	s->last_rec_seq = rec->seq;
	if (rec->seq > s->last_begun_seq) {
		uint64_t begun_lost = rec->seq - s->last_begun_seq - 1;
		on_activation(s, rec->seq, rec->release_ns, rec->start_ns, begun_lost, now, sink);
	}

	pm_ns response = rec->end_ns - rec->release_ns;
	bool cpu_measured = (rec->flags & RT_JOB_F_CPU_MEASURED) != 0 && rec->cpu_ns >= 0;
	pm_ns exec = cpu_measured ? rec->cpu_ns : rec->end_ns - rec->start_ns;
	s->m.jobs++;
	rt_welford_add(&s->m.response, response);
	rt_histogram_add(&s->m.response_hist, response);
	rt_welford_add(&s->m.execution, exec);
	rt_histogram_add(&s->m.execution_hist, exec);
	rt_welford_add(&s->m.sched_latency, rec->start_ns - rec->release_ns);

	if (inflight_reported(s, rec->seq) && response <= s->spec.deadline_ns &&
	    s->m.deadline_miss_count > 0) {
		retract_miss(s, rec, response, now, sink);
	} else if (!inflight_reported(s, rec->seq)) {
		if (response > s->spec.deadline_ns) {
			struct violation v = {
				.constraint = RT_CONSTRAINT_DEADLINE,
				.job_seq = rec->seq,
				.observed_ns = response,
				.limit_ns = s->spec.deadline_ns,
				.certain_ns = rt_ns_add_sat(rec->release_ns, s->spec.deadline_ns),
			};
			violate(s, sink, &v, now);
		} else {
			check_done(s, RT_CHECK_TIMING, true, now);
		}
	}
	if (s->spec.budget_ns > 0 && cpu_measured) {
		if (rec->cpu_ns > s->spec.budget_ns) {
			struct violation v = {
				.constraint = RT_CONSTRAINT_BUDGET,
				.job_seq = rec->seq,
				.observed_ns = rec->cpu_ns,
				.limit_ns = s->spec.budget_ns,
				.certain_ns = rec->end_ns,
			};
			violate(s, sink, &v, now);
		} else {
			check_done(s, RT_CHECK_BUDGET, true, now);
		}
	}
	end_call(s, from, now, sink, esc);
	return PM_OK;
}

pm_status rt_sup_tick(struct rt_sup *s, const struct rt_job_inflight *inflight, pm_ns now,
                      struct rt_sup_sink *sink, struct rt_sup_escalation *esc)
{
	if (s == NULL || inflight == NULL || !time_valid(now)) {
		return PM_ERR_INVAL;
	}
	if (s->estimated) {
		return PM_ERR_STATE;
	}
	uint32_t from;
	begin_call(s, &from);
	if (s->status == RT_SUP_DEACTIVATED) {
		end_call(s, from, now, sink, esc);
		return PM_OK;
	}
	if (inflight->seq != 0 && !inflight_times_valid(inflight, now)) {
		/* A torn or forged snapshot is not judged; the missing-activation check still runs. */
		s->m.bad_records++;
		pm_ns missed_at = now - s->spec.release_tolerance_ns - s->grace_ns;
		report_missing(s, floor_div(missed_at - s->anchor_ns, s->spec.period_ns), now,
		               last_release_ns(s), sink);
		end_call(s, from, now, sink, esc);
		return PM_OK;
	}
	if (inflight->seq > s->last_begun_seq) {
		on_activation(s, inflight->seq, inflight->release_ns, inflight->start_ns,
		              inflight->seq - s->last_begun_seq - 1, now, sink);
	}
	/* A job still running past its deadline: report it now, not when (or whether) it ends. */
	pm_ns limit_at = rt_ns_add_sat(inflight->release_ns, s->spec.deadline_ns);
	if (inflight->running != 0 && inflight->seq > s->last_rec_seq && now > limit_at &&
	    !inflight_reported(s, inflight->seq)) {
		struct violation v = {
			.constraint = RT_CONSTRAINT_DEADLINE,
			.job_seq = inflight->seq,
			.observed_ns = now - inflight->release_ns,
			.limit_ns = s->spec.deadline_ns,
			.certain_ns = limit_at,
		};
		violate(s, sink, &v, now);
		s->inflight_missed[s->inflight_missed_next] = inflight->seq;
		s->inflight_missed_next = (s->inflight_missed_next + 1) % 4u;
	}
	/* Missing activations: every slot whose due + tolerance + grace has passed unfilled. */
	int64_t missed =
	    floor_div(now - s->anchor_ns - s->spec.release_tolerance_ns - s->grace_ns, s->spec.period_ns);
	report_missing(s, missed, now, last_release_ns(s), sink);
	end_call(s, from, now, sink, esc);
	return PM_OK;
}

/* ---- estimated supervision (no client library) ------------------------------------------------ */

static const struct rt_sched_sample *find_tid(const struct rt_sched_sample *samples, size_t n, int32_t tid)
{
	for (size_t i = 0; i < n; i++) {
		if (samples[i].tid == tid) {
			return &samples[i];
		}
	}
	return NULL;
}

pm_status rt_sup_est_sample(struct rt_sup *s, const struct rt_sched_sample *samples, size_t n, pm_ns now,
                            struct rt_sup_sink *sink, struct rt_sup_escalation *esc)
{
	if (s == NULL || (samples == NULL && n > 0) || n > PM_MAX_THREADS_PER_MODEL || !time_valid(now)) {
		return PM_ERR_INVAL;
	}
	if (!s->estimated) {
		return PM_ERR_STATE;
	}
	uint32_t from;
	begin_call(s, &from);
	activate_implicitly(s, now, now, sink);
	if (!s->est_started || now - s->est_window_start_ns < s->spec.period_ns) {
		if (!s->est_started) {
			s->est_started = 1;
			s->est_window_start_ns = now;
			memcpy(s->est_prev, samples, n * sizeof(*samples));
			s->est_count = n;
		}
		end_call(s, from, now, sink, esc);
		return PM_OK;
	}
	pm_ns period = s->spec.period_ns;
	int64_t windows = (now - s->est_window_start_ns) / period;
	pm_ns window_end = s->est_window_start_ns + windows * period;
	pm_ns cpu = 0;
	pm_ns wait = 0;
	uint64_t slices = 0;
	for (size_t i = 0; i < n; i++) {
		const struct rt_sched_sample *prev = find_tid(s->est_prev, s->est_count, samples[i].tid);
		/* A thread first seen now (or a reused tid whose counters went back) joins next window. */
		if (prev == NULL || prev->run_ns < 0 || prev->wait_ns < 0 ||
		    samples[i].run_ns < prev->run_ns || samples[i].wait_ns < prev->wait_ns ||
		    samples[i].slices < prev->slices) {
			continue;
		}
		cpu = rt_ns_add_sat(cpu, samples[i].run_ns - prev->run_ns);
		wait = rt_ns_add_sat(wait, samples[i].wait_ns - prev->wait_ns);
		uint64_t ds = samples[i].slices - prev->slices;
		slices = slices > UINT64_MAX - ds ? UINT64_MAX : slices + ds;
	}
	s->m.jobs += (uint64_t)windows;
	s->cycle += (uint64_t)windows;
	pm_ns per_window = cpu / windows;
	rt_welford_add(&s->m.execution, per_window);
	rt_histogram_add(&s->m.execution_hist, per_window);
	if (slices > 0) {
		rt_welford_add(&s->m.sched_latency,
		               wait / (pm_ns)(slices < (uint64_t)INT64_MAX ? slices : INT64_MAX));
	}
	if (cpu == 0 && slices == 0) {
		struct violation v = {
			.constraint = RT_CONSTRAINT_ALIVE,
			.job_seq = s->m.jobs,
			.observed_ns = now - s->est_window_start_ns,
			.limit_ns = period,
			.certain_ns = window_end,
		};
		violate(s, sink, &v, now);
	} else {
		check_done(s, RT_CHECK_ALIVE, true, now);
	}
	if (s->spec.budget_ns > 0) {
		pm_ns limit =
		    s->spec.budget_ns > INT64_MAX / windows ? INT64_MAX : s->spec.budget_ns * windows;
		if (cpu > limit) {
			struct violation v = {
				.constraint = RT_CONSTRAINT_BUDGET,
				.job_seq = s->m.jobs,
				.observed_ns = cpu,
				.limit_ns = limit,
				.certain_ns = window_end,
			};
			violate(s, sink, &v, now);
		} else {
			check_done(s, RT_CHECK_BUDGET, true, now);
		}
	}
	s->est_window_start_ns = window_end;
	memcpy(s->est_prev, samples, n * sizeof(*samples));
	s->est_count = n;
	end_call(s, from, now, sink, esc);
	return PM_OK;
}

/* ---- JSON summary ----------------------------------------------------------------------------- */

static void json_key(struct rt_textbuf *tb, const char *key, bool comma)
{
	if (comma) {
		rt_tb_str(tb, ",");
	}
	rt_tb_json_str(tb, key);
	rt_tb_str(tb, ":");
}

static void json_u64(struct rt_textbuf *tb, const char *key, uint64_t v)
{
	json_key(tb, key, true);
	rt_tb_u64(tb, v);
}

static void json_ms(struct rt_textbuf *tb, const char *key, pm_ns v)
{
	json_key(tb, key, true);
	rt_tb_ns_as_ms(tb, v);
}

pm_status rt_sup_write_json(const struct rt_sup *s, pm_ns real_offset_ns, char *buf, size_t cap, size_t *len)
{
	if (s == NULL || buf == NULL || cap == 0) {
		return PM_ERR_INVAL;
	}
	const struct rt_sup_metrics *m = &s->m;
	struct rt_textbuf tb;
	rt_tb_init(&tb, buf, cap);
	json_key(&tb, "supervisionStatus", false);
	rt_tb_json_str(&tb, rt_sup_status_name(s->status));
	json_u64(&tb, "jobs", m->jobs);
	json_key(&tb, "estimated", true);
	rt_tb_str(&tb, s->estimated ? "true" : "false");
	json_key(&tb, "safetyMetrics", true);
	rt_tb_str(&tb, "{");
	json_key(&tb, "deadlineMissCount", false);
	rt_tb_u64(&tb, m->deadline_miss_count);
	json_ms(&tb, "worstCaseExecutionTime", m->execution.count > 0 ? m->execution.max : 0);
	json_key(&tb, "averageExecutionTime", true);
	rt_tb_f6(&tb, m->execution.mean / (double)PM_NS_PER_MS);
	json_key(&tb, "executionTimeVariance", true);
	/* ms^2: microsecond jitter squared is 1e-6 ms^2, so nine decimals keep it visible. */
	rt_tb_fixed(&tb, rt_welford_variance(&m->execution) / ((double)PM_NS_PER_MS * (double)PM_NS_PER_MS),
	            9);
	json_key(&tb, "schedulingLatency", true);
	rt_tb_f6(&tb, m->sched_latency.mean / (double)PM_NS_PER_MS);
	json_ms(&tb, "schedulingLatencyMax", m->sched_latency.count > 0 ? m->sched_latency.max : 0);
	json_ms(&tb, "worstCaseResponseTime", m->response.count > 0 ? m->response.max : 0);
	json_u64(&tb, "constraintsChecked", m->constraints_checked);
	json_u64(&tb, "constraintViolations", m->constraint_violations);
	json_u64(&tb, "deadlineMissesRetracted", m->misses_retracted);
	json_u64(&tb, "budgetOverrunCount", m->budget_overrun_count);
	json_u64(&tb, "aliveFailureCount", m->alive_failure_count);
	json_u64(&tb, "jobsLost", m->jobs_lost);
	json_u64(&tb, "badRecords", m->bad_records);
	json_key(&tb, "safetyMonitorStatus", true);
	rt_tb_json_str(&tb, s->status == RT_SUP_DEACTIVATED ? "Inactive" : "Active");
	json_key(&tb, "safetyChecks", true);
	rt_tb_str(&tb, "[");
	for (uint32_t i = 0; i < RT_CHECK_COUNT; i++) {
		const struct rt_sup_check_state *c = &m->checks[i];
		rt_tb_str(&tb, i > 0 ? ",{" : "{");
		json_key(&tb, "name", false);
		rt_tb_json_str(&tb, rt_sup_check_name(i));
		json_key(&tb, "status", true);
		rt_tb_json_str(&tb, rt_check_result_name(c->result));
		json_key(&tb, "lastCheckTime", true);
		if (c->result == RT_CHECK_NOT_CHECKED) {
			rt_tb_str(&tb, "null");
		} else {
			rt_tb_rfc3339(&tb, rt_ns_add_sat(c->last_check_ns, real_offset_ns));
		}
		json_u64(&tb, "checked", c->checked);
		json_u64(&tb, "failed", c->failed);
		rt_tb_str(&tb, "}");
	}
	rt_tb_str(&tb, "]}");
	if (tb.overflow) {
		buf[0] = '\0';
		if (len != NULL) {
			*len = 0;
		}
		return PM_ERR_NOSPACE;
	}
	if (len != NULL) {
		*len = tb.len;
	}
	return PM_OK;
}
