/* Unit tests of the resource state machines: every default Model transition and every non-move,
 * the allowed tables of Package/Scenario/Node, derivation, configuration overrides, the tracker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rt/state_machine.h"

#define NO NULL

struct model_case {
	const char *from;
	const char *next[RT_EV_COUNT]; /* per enum rt_sm_event; NULL = the event does not move it */
};

/* The Model table of the header, written out state by state (appeared, running, exited, crashed,
 * restarted, hung, sup_ok, sup_failed, sup_expired). */
static const struct model_case model_cases[] = {
	{ "unloaded", { "loading", "loaded", NO, "error", "loading", NO, "loaded", "degraded", "error" } },
	{ "loading", { NO, "loaded", "unloaded", "error", NO, "unknown", "loaded", "degraded", "error" } },
	{ "loaded", { NO, NO, "unloaded", "error", "loading", "unknown", NO, "degraded", "error" } },
	{ "degraded", { NO, NO, "unloaded", "error", "loading", "unknown", "loaded", NO, "error" } },
	{ "error", { "loading", NO, NO, NO, "loading", NO, NO, NO, NO } },
	{ "unknown", { NO, "loaded", "unloaded", "error", "loading", NO, "loaded", "degraded", "error" } },
};

static void test_model_default_table(void **state)
{
	(void)state;
	struct rt_sm_def def;
	assert_int_equal(rt_sm_default(RT_RES_MODEL, &def), PM_OK);
	assert_int_equal(def.n_states, 6);
	assert_string_equal(def.states[def.initial].name, "unloaded");
	for (size_t c = 0; c < sizeof(model_cases) / sizeof(model_cases[0]); c++) {
		uint32_t from = rt_sm_find(&def, model_cases[c].from);
		assert_int_not_equal(from, RT_SM_NONE);
		for (unsigned e = 0; e < RT_EV_COUNT; e++) {
			uint32_t got = rt_sm_next(&def, from, (enum rt_sm_event)e);
			const char *want = model_cases[c].next[e];
			if (want == NULL) {
				if (got != RT_SM_NONE) {
					fail_msg("%s + %s moved to %s, expected no move", model_cases[c].from,
					         rt_sm_event_name((enum rt_sm_event)e), def.states[got].name);
				}
				continue;
			}
			if (got == RT_SM_NONE || strcmp(def.states[got].name, want) != 0) {
				fail_msg("%s + %s -> %s, expected %s", model_cases[c].from,
				         rt_sm_event_name((enum rt_sm_event)e),
				         got == RT_SM_NONE ? "(none)" : def.states[got].name, want);
			}
			/* Every event move is an expected transition. */
			assert_true(rt_sm_allowed(&def, from, got));
		}
	}
	/* Rejected: a crashed Model cannot become loaded without a new process. */
	assert_false(rt_sm_allowed(&def, rt_sm_find(&def, "error"), rt_sm_find(&def, "loaded")));
	assert_false(rt_sm_allowed(&def, rt_sm_find(&def, "unloaded"), rt_sm_find(&def, "unknown")));
}

struct edge_case {
	const char *from;
	const char *to;
	bool allowed;
};

static const struct edge_case package_cases[] = {
	{ "undeployed", "deploying", true },
	{ "undeployed", "initializing", true },
	{ "undeployed", "running", true },
	{ "undeployed", "error", true },
	{ "deploying", "initializing", true },
	{ "deploying", "running", true },
	{ "deploying", "degraded", true },
	{ "deploying", "error", true },
	{ "deploying", "undeployed", true },
	{ "initializing", "running", true },
	{ "initializing", "degraded", true },
	{ "initializing", "error", true },
	{ "initializing", "undeployed", true },
	{ "running", "degraded", true },
	{ "running", "error", true },
	{ "running", "undeployed", true },
	{ "degraded", "running", true },
	{ "degraded", "error", true },
	{ "degraded", "undeployed", true },
	{ "error", "deploying", true },
	{ "error", "initializing", true },
	{ "error", "degraded", true },
	{ "error", "running", true },
	{ "error", "undeployed", true },
	/* rejected */
	{ "undeployed", "degraded", false },
	{ "running", "initializing", false },
	{ "running", "deploying", false },
	{ "degraded", "initializing", false },
	{ "initializing", "deploying", false },
	{ "running", "running", false },
};

static const struct edge_case scenario_cases[] = {
	{ "inactive", "waiting", true },
	{ "inactive", "active", true },
	{ "inactive", "failed", true },
	{ "waiting", "active", true },
	{ "waiting", "degraded", true },
	{ "waiting", "failed", true },
	{ "waiting", "inactive", true },
	{ "active", "degraded", true },
	{ "active", "failed", true },
	{ "active", "inactive", true },
	{ "degraded", "active", true },
	{ "degraded", "failed", true },
	{ "degraded", "inactive", true },
	{ "failed", "waiting", true },
	{ "failed", "inactive", true },
	{ "failed", "degraded", true },
	{ "failed", "active", true },
	/* rejected */
	{ "inactive", "degraded", false },
	{ "active", "waiting", false },
	{ "degraded", "waiting", false },
};

static const struct edge_case node_cases[] = {
	{ "starting", "running", true },  { "starting", "degraded", true },  { "starting", "failed", true },
	{ "running", "degraded", true },  { "running", "failed", true },     { "degraded", "running", true },
	{ "degraded", "failed", true },   { "failed", "starting", true },    { "failed", "running", true },
	{ "running", "starting", false }, { "degraded", "starting", false },
};

static void check_edges(enum rt_resource_type type, const struct edge_case *cases, size_t n, size_t n_allowed)
{
	struct rt_sm_def def;
	assert_int_equal(rt_sm_default(type, &def), PM_OK);
	size_t allowed = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t f = rt_sm_find(&def, cases[i].from);
		uint32_t t = rt_sm_find(&def, cases[i].to);
		assert_int_not_equal(f, RT_SM_NONE);
		assert_int_not_equal(t, RT_SM_NONE);
		if (rt_sm_allowed(&def, f, t) != cases[i].allowed) {
			fail_msg("%s -> %s: allowed %d expected %d", cases[i].from, cases[i].to,
			         (int)rt_sm_allowed(&def, f, t), (int)cases[i].allowed);
		}
	}
	/* The table lists every allowed edge: nothing else is allowed. */
	for (uint32_t s = 0; s < def.n_states; s++) {
		allowed += (size_t)__builtin_popcount(def.allowed[s]);
	}
	assert_int_equal(allowed, n_allowed);
}

static void test_package_scenario_node_tables(void **state)
{
	(void)state;
	check_edges(RT_RES_PACKAGE, package_cases, sizeof(package_cases) / sizeof(package_cases[0]), 24);
	check_edges(RT_RES_SCENARIO, scenario_cases, sizeof(scenario_cases) / sizeof(scenario_cases[0]), 17);
	check_edges(RT_RES_NODE, node_cases, sizeof(node_cases) / sizeof(node_cases[0]), 9);
	struct rt_sm_def def;
	assert_int_equal(rt_sm_default(RT_RES_PACKAGE, &def), PM_OK);
	assert_string_equal(def.states[def.initial].name, "undeployed");
	/* A Package coming up from its Models is initializing, not deploying. */
	assert_string_equal(def.states[def.class_state[RT_SC_STARTING]].name, "initializing");
	assert_int_equal(def.states[rt_sm_find(&def, "initializing")].stuck_ns, 60 * PM_NS_PER_S);
	assert_int_equal(rt_sm_default(RT_RES_MODEL, &def), PM_OK);
	assert_int_equal(def.states[rt_sm_find(&def, "loading")].stuck_ns, 30 * PM_NS_PER_S);
}

struct derive_case {
	enum rt_state_class current;
	uint8_t children[4];
	size_t n;
	enum rt_state_class want;
};

static void test_derivation(void **state)
{
	(void)state;
	static const struct derive_case cases[] = {
		{ RT_SC_OFF, { RT_SC_UP, RT_SC_UP, RT_SC_UP }, 3, RT_SC_UP },
		{ RT_SC_UP, { RT_SC_UP, RT_SC_FAILED, RT_SC_UP }, 3, RT_SC_DEGRADED },
		{ RT_SC_UP, { RT_SC_FAILED, RT_SC_FAILED }, 2, RT_SC_FAILED },
		{ RT_SC_OFF, { RT_SC_OFF, RT_SC_OFF }, 2, RT_SC_OFF },
		{ RT_SC_OFF, { RT_SC_STARTING, RT_SC_OFF }, 2, RT_SC_STARTING },
		{ RT_SC_OFF, { RT_SC_UP, RT_SC_OFF }, 2, RT_SC_STARTING },
		{ RT_SC_UP, { RT_SC_UP, RT_SC_STARTING }, 2, RT_SC_DEGRADED }, /* one Model restarting */
		{ RT_SC_UP, { RT_SC_UP, RT_SC_UNKNOWN }, 2, RT_SC_DEGRADED },
		{ RT_SC_UP, { RT_SC_DEGRADED }, 1, RT_SC_DEGRADED },
		{ RT_SC_UP, { 0 }, 0, RT_SC_COUNT },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(rt_sm_derive_class(cases[i].current, cases[i].children, cases[i].n),
		                 cases[i].want);
	}
}

static void test_vocabulary(void **state)
{
	(void)state;
	const struct rt_sm_vocab *v = rt_sm_vocab_find(RT_RES_MODEL, "loaded");
	assert_non_null(v);
	assert_string_equal(v->status_word, "Running");
	assert_string_equal(v->current_state, "Loaded");
	v = rt_sm_vocab_find(RT_RES_SCENARIO, "active");
	assert_string_equal(v->current_state, "playing");
	assert_string_equal(v->status_word, "Active");
	v = rt_sm_vocab_find(RT_RES_PACKAGE, "error");
	assert_string_equal(v->status_word, "Failed");
	assert_null(rt_sm_vocab_find(RT_RES_MODEL, "running"));
	enum rt_state_class c;
	assert_int_equal(rt_state_class_from_name("playing", &c), PM_OK);
	assert_int_equal(c, RT_SC_UP);
	assert_int_equal(rt_state_class_from_name("Failed", &c), PM_OK);
	assert_int_equal(c, RT_SC_FAILED);
	assert_int_equal(rt_state_class_from_name("idle", &c), PM_OK);
	assert_int_equal(c, RT_SC_OFF);
	assert_int_equal(rt_state_class_from_name("allowed", &c), PM_ERR_NOENT); /* a policy, not a state */
	/* Every default state of every type is in the table, with the class the machine gives it. */
	for (unsigned t = 0; t < RT_RES_TYPE_COUNT; t++) {
		struct rt_sm_def def;
		assert_int_equal(rt_sm_default((enum rt_resource_type)t, &def), PM_OK);
		for (uint32_t s = 0; s < def.n_states; s++) {
			v = rt_sm_vocab_find(t, def.states[s].name);
			assert_non_null(v);
			assert_int_equal(v->cls, def.states[s].cls);
		}
	}
}

static void test_override_from_strings(void **state)
{
	(void)state;
	/* HLD §4.2 verbatim: the Model has no degraded/unknown state; hangs and supervision failures
	 * then land in error, the next worse state. */
	static const char *const states[] = { "unloaded", "loading", "loaded", "error" };
	static const char *const trans[] = { "unloaded->loading", "loading -> loaded", "loaded->error",
		                             "error->loading", "loaded->unloaded" };
	struct rt_sm_def def;
	char err[128] = "";
	assert_int_equal(rt_sm_from_strings(RT_RES_MODEL, states, 4, trans, 5, &def, err, sizeof(err)),
	                 PM_OK);
	assert_int_equal(def.n_states, 4);
	uint32_t loaded = rt_sm_find(&def, "loaded");
	uint32_t error = rt_sm_find(&def, "error");
	assert_int_equal(rt_sm_next(&def, loaded, RT_EV_HUNG), error);
	assert_int_equal(rt_sm_next(&def, loaded, RT_EV_SUP_FAILED), error);
	assert_true(rt_sm_allowed(&def, loaded, error));
	assert_false(rt_sm_allowed(&def, rt_sm_find(&def, "unloaded"), loaded)); /* not listed */
	assert_int_equal(def.states[rt_sm_find(&def, "loading")].stuck_ns, 30 * PM_NS_PER_S);

	/* States only, as HLD §4.2 writes them: the default table by class. */
	assert_int_equal(rt_sm_from_strings(RT_RES_MODEL, states, 4, NULL, 0, &def, err, sizeof(err)), PM_OK);
	uint32_t unloaded = rt_sm_find(&def, "unloaded");
	uint32_t loading = rt_sm_find(&def, "loading");
	assert_true(rt_sm_allowed(&def, unloaded, loading));
	assert_true(rt_sm_allowed(&def, loading, loaded));
	assert_true(rt_sm_allowed(&def, loaded, error));
	assert_true(rt_sm_allowed(&def, error, loading));
	assert_false(rt_sm_allowed(&def, error, loaded)); /* needs a new process */
	static const char *const scen[] = { "inactive", "active", "failed" };
	assert_int_equal(rt_sm_from_strings(RT_RES_SCENARIO, scen, 3, NULL, 0, &def, err, sizeof(err)),
	                 PM_OK);
	assert_true(rt_sm_allowed(&def, rt_sm_find(&def, "inactive"), rt_sm_find(&def, "active")));
	assert_true(rt_sm_allowed(&def, rt_sm_find(&def, "active"), rt_sm_find(&def, "failed")));
	assert_true(rt_sm_allowed(&def, rt_sm_find(&def, "failed"), rt_sm_find(&def, "inactive")));

	/* A custom word needs its class. */
	static const char *const custom[] = { "parked:off", "cruising:up", "broken:failed" };
	assert_int_equal(rt_sm_from_strings(RT_RES_NODE, custom, 3, NULL, 0, &def, err, sizeof(err)), PM_OK);
	assert_string_equal(def.states[def.initial].name, "parked");

	static const char *const bad_word[] = { "loaded", "failed", "zorglub" };
	assert_int_equal(rt_sm_from_strings(RT_RES_MODEL, bad_word, 3, NULL, 0, &def, err, sizeof(err)),
	                 PM_ERR_INVAL);
	assert_non_null(strstr(err, "zorglub"));
	static const char *const bad_trans[] = { "loaded->nowhere" };
	assert_int_equal(rt_sm_from_strings(RT_RES_MODEL, states, 4, bad_trans, 1, &def, err, sizeof(err)),
	                 PM_ERR_INVAL);
	assert_non_null(strstr(err, "nowhere"));
	static const char *const malformed[] = { "loaded error" };
	assert_int_equal(rt_sm_from_strings(RT_RES_MODEL, states, 4, malformed, 1, &def, err, sizeof(err)),
	                 PM_ERR_INVAL);
	static const char *const no_failed[] = { "unloaded", "loaded" };
	assert_int_equal(rt_sm_from_strings(RT_RES_MODEL, no_failed, 2, NULL, 0, &def, err, sizeof(err)),
	                 PM_ERR_INVAL);
	static const char *const dup[] = { "loaded", "loaded", "error" };
	assert_int_equal(rt_sm_from_strings(RT_RES_MODEL, dup, 3, NULL, 0, &def, err, sizeof(err)),
	                 PM_ERR_INVAL);
}

static void test_tracker(void **state)
{
	(void)state;
	struct rt_sm_def def;
	assert_int_equal(rt_sm_default(RT_RES_MODEL, &def), PM_OK);
	struct rt_sm_track t;
	const pm_ns t0 = 1000 * PM_NS_PER_S;
	rt_sm_track_init(&t, &def, t0);
	uint32_t loading = rt_sm_find(&def, "loading");
	uint32_t loaded = rt_sm_find(&def, "loaded");
	uint32_t unknown = rt_sm_find(&def, "unknown");
	struct rt_sm_transition tr;
	assert_true(rt_sm_track_move(&t, &def, loading, t0 + PM_NS_PER_S, &tr));
	assert_int_equal(tr.duration, PM_NS_PER_S);
	assert_int_equal(tr.expected, 1);
	assert_false(rt_sm_track_move(&t, &def, loading, t0 + 2 * PM_NS_PER_S, NULL)); /* no self move */
	/* Stuck: loading has 30 s; reported once per stay, exactly at the threshold. */
	assert_false(rt_sm_track_check_stuck(&t, &def, t0 + PM_NS_PER_S + 30 * PM_NS_PER_S - 1));
	assert_true(rt_sm_track_check_stuck(&t, &def, t0 + PM_NS_PER_S + 30 * PM_NS_PER_S));
	assert_false(rt_sm_track_check_stuck(&t, &def, t0 + 100 * PM_NS_PER_S));
	assert_true(rt_sm_track_move(&t, &def, loaded, t0 + 41 * PM_NS_PER_S, NULL));
	/* unloaded -> unknown is in no row of the table: made, counted, marked unexpected. */
	uint32_t unloaded = rt_sm_find(&def, "unloaded");
	assert_true(rt_sm_track_move(&t, &def, unloaded, t0 + 50 * PM_NS_PER_S, NULL));
	assert_true(rt_sm_track_move(&t, &def, unknown, t0 + 51 * PM_NS_PER_S, &tr));
	assert_int_equal(tr.expected, 0);
	assert_int_equal(t.unexpected, 1);
	assert_int_equal(t.state, unknown); /* still recorded */
	assert_int_equal(t.transitions, 4);
	assert_int_equal(rt_sm_track_time_in(&t, loading, 0), 40 * PM_NS_PER_S);
	assert_int_equal(rt_sm_track_time_in(&t, loaded, 0), 9 * PM_NS_PER_S);
	assert_int_equal(rt_sm_track_time_in(&t, unknown, t0 + 60 * PM_NS_PER_S), 9 * PM_NS_PER_S);
	/* The history ring keeps the last PM_HISTORY_DEPTH, oldest first. */
	for (uint32_t i = 0; i < 2 * PM_HISTORY_DEPTH; i++) {
		uint32_t to = (i % 2 == 0) ? loaded : unknown;
		assert_true(rt_sm_track_move(&t, &def, to, t0 + (100 + (pm_ns)i) * PM_NS_PER_S, NULL));
	}
	assert_int_equal(t.hist_count, PM_HISTORY_DEPTH);
	const struct rt_sm_transition *first = rt_sm_track_history(&t, 0);
	const struct rt_sm_transition *last = rt_sm_track_history(&t, PM_HISTORY_DEPTH - 1);
	assert_int_equal(first->at, t0 + (100 + PM_HISTORY_DEPTH) * PM_NS_PER_S);
	assert_int_equal(last->at, t0 + (100 + 2 * PM_HISTORY_DEPTH - 1) * PM_NS_PER_S);
	assert_null(rt_sm_track_history(&t, PM_HISTORY_DEPTH));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_default_table),
		cmocka_unit_test(test_package_scenario_node_tables),
		cmocka_unit_test(test_derivation),
		cmocka_unit_test(test_vocabulary),
		cmocka_unit_test(test_override_from_strings),
		cmocka_unit_test(test_tracker),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
