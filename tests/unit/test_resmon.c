/* Unit tests of the resource monitor with a fake clock: derivation and propagation on a diamond,
 * impact analysis, cycles, stuck states, unexpected transitions, thresholds, Scenario executions,
 * baseline persistence and the JSON summary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <jsmn.h>

#include "rt/resmon.h"

#define S(x) ((pm_ns)(x)*PM_NS_PER_S)
#define T0 S(1000)
#define MAX_RECS 4096

static struct rt_resmon mon;
static struct rt_resmon mon2;
static struct rt_record recs[MAX_RECS];
static size_t n_recs;
static char json[1 << 20];

static void sink(void *ctx, const struct rt_record *rec)
{
	(void)ctx;
	if (n_recs < MAX_RECS) {
		recs[n_recs++] = *rec;
	}
}

static size_t count_events(const char *type, const char *resource)
{
	size_t n = 0;
	for (size_t i = 0; i < n_recs; i++) {
		if (recs[i].kind == RT_REC_EVENT && strcmp(recs[i].u.event.type, type) == 0 &&
		    (resource == NULL || strcmp(recs[i].resource, resource) == 0)) {
			n++;
		}
	}
	return n;
}

static const struct rt_record *last_state(const char *resource)
{
	for (size_t i = n_recs; i-- > 0;) {
		if (recs[i].kind == RT_REC_STATE && strcmp(recs[i].resource, resource) == 0) {
			return &recs[i];
		}
	}
	return NULL;
}

static const struct rt_record *last_metric(const char *resource, const char *name)
{
	for (size_t i = n_recs; i-- > 0;) {
		if (recs[i].kind == RT_REC_METRIC && strcmp(recs[i].resource, resource) == 0 &&
		    strcmp(recs[i].u.metric.name, name) == 0) {
			return &recs[i];
		}
	}
	return NULL;
}

static bool alert_active(const struct rt_resource *r, uint32_t kind)
{
	for (uint32_t i = 0; i < PM_MAX_ALERTS; i++) {
		if (r->alerts[i].active && r->alerts[i].kind == kind) {
			return true;
		}
	}
	return false;
}

/* The diamond: scenario adas -> packages vision, fusion -> both share model camera; vision also has
 * detector, fusion has planner. A second scenario comfort -> media -> player is independent. */
enum { SC_ADAS, SC_COMFORT };
enum { PK_VISION, PK_FUSION, PK_MEDIA };
enum { MO_CAMERA, MO_DETECTOR, MO_PLANNER, MO_PLAYER };

static void build(struct rt_resmon *m, const struct rt_dep_graph_def *deps)
{
	n_recs = 0;
	struct rt_record_sink s = { sink, NULL };
	rt_resmon_init(m, s);
	uint32_t i;
	assert_int_equal(rt_resmon_add(m, RT_RES_SCENARIO, "adas", &i), PM_OK);
	assert_int_equal(rt_resmon_add(m, RT_RES_SCENARIO, "comfort", &i), PM_OK);
	assert_int_equal(rt_resmon_add(m, RT_RES_PACKAGE, "vision", &i), PM_OK);
	assert_int_equal(rt_resmon_add(m, RT_RES_PACKAGE, "fusion", &i), PM_OK);
	assert_int_equal(rt_resmon_add(m, RT_RES_PACKAGE, "media", &i), PM_OK);
	assert_int_equal(rt_resmon_add(m, RT_RES_MODEL, "camera", &i), PM_OK);
	assert_int_equal(rt_resmon_add(m, RT_RES_MODEL, "detector", &i), PM_OK);
	assert_int_equal(rt_resmon_add(m, RT_RES_MODEL, "planner", &i), PM_OK);
	assert_int_equal(rt_resmon_add(m, RT_RES_MODEL, "player", &i), PM_OK);
	assert_int_equal(rt_resmon_add(m, RT_RES_NODE, "hpc", &i), PM_OK);
	assert_int_equal(rt_resmon_add(m, RT_RES_MODEL, "camera", &i), PM_ERR_INVAL); /* duplicate */
	assert_int_equal(rt_resmon_add_child(m, RT_RES_SCENARIO, SC_ADAS, PK_VISION), PM_OK);
	assert_int_equal(rt_resmon_add_child(m, RT_RES_SCENARIO, SC_ADAS, PK_FUSION), PM_OK);
	assert_int_equal(rt_resmon_add_child(m, RT_RES_SCENARIO, SC_COMFORT, PK_MEDIA), PM_OK);
	assert_int_equal(rt_resmon_add_child(m, RT_RES_PACKAGE, PK_VISION, MO_CAMERA), PM_OK);
	assert_int_equal(rt_resmon_add_child(m, RT_RES_PACKAGE, PK_VISION, MO_DETECTOR), PM_OK);
	assert_int_equal(rt_resmon_add_child(m, RT_RES_PACKAGE, PK_FUSION, MO_CAMERA), PM_OK);
	assert_int_equal(rt_resmon_add_child(m, RT_RES_PACKAGE, PK_FUSION, MO_PLANNER), PM_OK);
	assert_int_equal(rt_resmon_add_child(m, RT_RES_PACKAGE, PK_MEDIA, MO_PLAYER), PM_OK);
	assert_int_equal(rt_resmon_add_child(m, RT_RES_PACKAGE, PK_MEDIA, 99), PM_ERR_NOENT);
	if (deps != NULL) {
		struct rt_propagation_def p;
		rt_propagation_default(&p);
		assert_int_equal(rt_resmon_set_dependencies(m, deps, &p), PM_OK);
	}
	rt_resmon_set_clock_offset(m, S(1700000000) - T0);
}

static void start(struct rt_resmon *m)
{
	char err[256] = "";
	assert_int_equal(rt_resmon_start(m, T0, err, sizeof(err)), PM_OK);
}

static void model(struct rt_resmon *m, uint32_t idx, enum rt_sm_event ev, pm_ns t)
{
	assert_int_equal(rt_resmon_model_event(m, idx, ev, t), PM_OK);
}

static void bring_up_all(struct rt_resmon *m, pm_ns t)
{
	for (uint32_t i = 0; i < 4; i++) {
		model(m, i, RT_EV_APPEARED, t);
	}
	for (uint32_t i = 0; i < 4; i++) {
		model(m, i, RT_EV_RUNNING, t + S(2));
	}
}

#define STATE(t, i) rt_resmon_state_name(&mon, t, i)

static void test_diamond_propagation(void **state)
{
	(void)state;
	build(&mon, NULL);
	start(&mon);
	assert_string_equal(STATE(RT_RES_MODEL, MO_CAMERA), "unloaded");
	assert_string_equal(STATE(RT_RES_PACKAGE, PK_VISION), "undeployed");
	assert_string_equal(STATE(RT_RES_SCENARIO, SC_ADAS), "inactive");
	bring_up_all(&mon, T0 + S(1));
	assert_string_equal(STATE(RT_RES_MODEL, MO_CAMERA), "loaded");
	assert_string_equal(STATE(RT_RES_PACKAGE, PK_VISION), "running");
	assert_string_equal(STATE(RT_RES_PACKAGE, PK_FUSION), "running");
	assert_string_equal(STATE(RT_RES_SCENARIO, SC_ADAS), "active");
	assert_string_equal(STATE(RT_RES_SCENARIO, SC_COMFORT), "active");
	const struct rt_resource *vision = rt_resmon_get(&mon, RT_RES_PACKAGE, PK_VISION);
	assert_int_equal(vision->sm.unexpected, 0);
	assert_int_equal(vision->load_time, S(2)); /* initializing -> running */

	/* The shared Model fails: both Packages degrade, the Scenario degrades; failed -> critical. */
	n_recs = 0;
	model(&mon, MO_CAMERA, RT_EV_CRASHED, T0 + S(10));
	assert_string_equal(STATE(RT_RES_MODEL, MO_CAMERA), "error");
	assert_string_equal(STATE(RT_RES_PACKAGE, PK_VISION), "degraded");
	assert_string_equal(STATE(RT_RES_PACKAGE, PK_FUSION), "degraded");
	assert_string_equal(STATE(RT_RES_SCENARIO, SC_ADAS), "degraded");
	assert_string_equal(STATE(RT_RES_SCENARIO, SC_COMFORT), "active");
	const struct rt_resource *adas = rt_resmon_get(&mon, RT_RES_SCENARIO, SC_ADAS);
	const struct rt_resource *fusion = rt_resmon_get(&mon, RT_RES_PACKAGE, PK_FUSION);
	assert_int_equal(vision->dep_status, RT_DEP_ERROR);
	assert_int_equal(fusion->dep_status, RT_DEP_ERROR);
	assert_int_equal(adas->dep_status, RT_DEP_ERROR); /* arrives through both arms of the diamond */
	assert_int_equal(rt_resmon_get(&mon, RT_RES_SCENARIO, SC_COMFORT)->dep_status, RT_DEP_OK);
	assert_true(alert_active(adas, RT_ALERT_DEPENDENCY));
	/* Records: camera, vision, fusion, adas moved; dependency events for vision, fusion, adas. */
	const struct rt_record *r = last_state("camera");
	assert_non_null(r);
	assert_string_equal(r->u.state.from, "loaded");
	assert_string_equal(r->u.state.to, "error");
	assert_string_equal(r->u.state.reason, "crashed");
	assert_int_equal(r->u.state.expected, 1);
	assert_int_equal(r->real_ns, S(1700000000) + S(10));
	assert_non_null(last_state("vision"));
	assert_non_null(last_state("adas"));
	assert_int_equal(count_events("dependency", NULL), 3);
	assert_int_equal(count_events("unexpected-transition", NULL), 0);

	/* Impact analysis in one pass: camera affects adas only; player affects comfort only. */
	uint32_t out[PM_MAX_SCENARIOS];
	uint32_t n = 0;
	assert_int_equal(
	    rt_resmon_affected_scenarios(&mon, RT_RES_MODEL, MO_CAMERA, out, PM_MAX_SCENARIOS, &n), PM_OK);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], SC_ADAS);
	assert_int_equal(
	    rt_resmon_affected_scenarios(&mon, RT_RES_MODEL, MO_PLAYER, out, PM_MAX_SCENARIOS, &n), PM_OK);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], SC_COMFORT);
	assert_int_equal(rt_resmon_affected_scenarios(&mon, RT_RES_NODE, 0, out, PM_MAX_SCENARIOS, &n),
	                 PM_OK);
	assert_int_equal(n, 0);

	/* Restart: loading keeps the Packages degraded, running restores everything. */
	model(&mon, MO_CAMERA, RT_EV_RESTARTED, T0 + S(11));
	assert_string_equal(STATE(RT_RES_MODEL, MO_CAMERA), "loading");
	assert_string_equal(STATE(RT_RES_PACKAGE, PK_VISION), "degraded");
	model(&mon, MO_CAMERA, RT_EV_RUNNING, T0 + S(12));
	assert_string_equal(STATE(RT_RES_PACKAGE, PK_VISION), "running");
	assert_string_equal(STATE(RT_RES_SCENARIO, SC_ADAS), "active");
	assert_int_equal(adas->dep_status, RT_DEP_OK);
	assert_false(alert_active(adas, RT_ALERT_DEPENDENCY));
	assert_int_equal(rt_resmon_get(&mon, RT_RES_MODEL, MO_CAMERA)->restarts, 1);
	assert_int_equal(rt_resmon_get(&mon, RT_RES_MODEL, MO_CAMERA)->load_time, S(1));

	/* degraded -> warning: supervision FAILED on one arm. */
	model(&mon, MO_PLANNER, RT_EV_SUP_FAILED, T0 + S(20));
	assert_string_equal(STATE(RT_RES_MODEL, MO_PLANNER), "degraded");
	assert_string_equal(STATE(RT_RES_PACKAGE, PK_FUSION), "degraded");
	assert_int_equal(fusion->dep_status, RT_DEP_WARNING);
	assert_int_equal(adas->dep_status, RT_DEP_WARNING);
	assert_int_equal(vision->dep_status, RT_DEP_OK);
	/* All Models of a Package failed -> error; the Scenario is then degraded (not all failed). */
	model(&mon, MO_PLANNER, RT_EV_SUP_EXPIRED, T0 + S(21));
	model(&mon, MO_CAMERA, RT_EV_CRASHED, T0 + S(22));
	assert_string_equal(STATE(RT_RES_PACKAGE, PK_FUSION), "error");
	assert_string_equal(STATE(RT_RES_SCENARIO, SC_ADAS), "degraded");
	model(&mon, MO_DETECTOR, RT_EV_CRASHED, T0 + S(23));
	assert_string_equal(STATE(RT_RES_PACKAGE, PK_VISION), "error");
	assert_string_equal(STATE(RT_RES_SCENARIO, SC_ADAS), "failed");
	assert_int_equal(rt_resmon_get(&mon, RT_RES_MODEL, MO_PLANNER)->errors, 2);
}

static void test_explicit_edges_and_caps(void **state)
{
	(void)state;
	struct rt_dep_graph_def d;
	rt_dep_graph_def_default(&d);
	/* comfort uses camera (a weaker tie: at most a warning), player requires the node. */
	d.edges[0] = (struct rt_dep_edge_def){ { RT_RES_SCENARIO, SC_COMFORT },
		                               { RT_RES_MODEL, MO_CAMERA },
		                               RT_DEP_USES };
	d.edges[1] =
	    (struct rt_dep_edge_def){ { RT_RES_MODEL, MO_PLAYER }, { RT_RES_NODE, 0 }, RT_DEP_REQUIRES };
	d.n_edges = 2;
	d.max_impact[RT_DEP_USES] = RT_SEV_WARNING;
	build(&mon, &d);
	start(&mon);
	bring_up_all(&mon, T0 + S(1));
	assert_int_equal(rt_resmon_report_state(&mon, RT_RES_NODE, 0, "running", T0 + S(1)), PM_OK);
	model(&mon, MO_CAMERA, RT_EV_CRASHED, T0 + S(5));
	assert_int_equal(rt_resmon_get(&mon, RT_RES_SCENARIO, SC_COMFORT)->dep_status, RT_DEP_WARNING);
	assert_int_equal(rt_resmon_get(&mon, RT_RES_SCENARIO, SC_ADAS)->dep_status, RT_DEP_ERROR);
	uint32_t out[2];
	uint32_t n = 0;
	assert_int_equal(rt_resmon_affected_scenarios(&mon, RT_RES_MODEL, MO_CAMERA, out, 2, &n), PM_OK);
	assert_int_equal(n, 2);
	assert_int_equal(rt_resmon_affected_scenarios(&mon, RT_RES_MODEL, MO_CAMERA, out, 1, &n),
	                 PM_ERR_NOSPACE);
	/* The node fails: player (requires) -> Error, media -> Error, comfort -> Error. */
	assert_int_equal(rt_resmon_report_state(&mon, RT_RES_NODE, 0, "failed", T0 + S(6)), PM_OK);
	assert_int_equal(rt_resmon_get(&mon, RT_RES_MODEL, MO_PLAYER)->dep_status, RT_DEP_ERROR);
	assert_int_equal(rt_resmon_get(&mon, RT_RES_SCENARIO, SC_COMFORT)->dep_status, RT_DEP_ERROR);
	assert_int_equal(rt_resmon_affected_scenarios(&mon, RT_RES_NODE, 0, out, 2, &n), PM_OK);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], SC_COMFORT);
}

static void test_cycle_is_named(void **state)
{
	(void)state;
	struct rt_dep_graph_def d;
	rt_dep_graph_def_default(&d);
	d.edges[0] = (struct rt_dep_edge_def){ { RT_RES_MODEL, MO_DETECTOR },
		                               { RT_RES_SCENARIO, SC_ADAS },
		                               RT_DEP_REQUIRES };
	d.n_edges = 1;
	build(&mon, &d);
	char err[256] = "";
	assert_int_equal(rt_resmon_start(&mon, T0, err, sizeof(err)), PM_ERR_INVAL);
	assert_non_null(strstr(err, "dependency cycle"));
	assert_non_null(strstr(err, "adas"));
	assert_non_null(strstr(err, "vision"));
	assert_non_null(strstr(err, "detector"));
	assert_null(strstr(err, "fusion")); /* only the cycle, not the whole graph */
	/* Unknown endpoint. */
	d.edges[0].to.index = 9;
	build(&mon, &d);
	assert_int_equal(rt_resmon_start(&mon, T0, err, sizeof(err)), PM_ERR_NOENT);
}

static void test_stuck_states(void **state)
{
	(void)state;
	build(&mon, NULL);
	start(&mon);
	model(&mon, MO_PLAYER, RT_EV_APPEARED, T0 + S(1));
	assert_string_equal(STATE(RT_RES_MODEL, MO_PLAYER), "loading");
	assert_string_equal(STATE(RT_RES_PACKAGE, PK_MEDIA), "initializing");
	const struct rt_resource *player = rt_resmon_get(&mon, RT_RES_MODEL, MO_PLAYER);
	const struct rt_resource *media = rt_resmon_get(&mon, RT_RES_PACKAGE, PK_MEDIA);
	rt_resmon_tick(&mon, T0 + S(31) - 1);
	assert_false(alert_active(player, RT_ALERT_STUCK));
	rt_resmon_tick(&mon, T0 + S(31));
	assert_true(alert_active(player, RT_ALERT_STUCK));
	assert_int_equal(count_events("stuck-state", "player"), 1);
	rt_resmon_tick(&mon, T0 + S(40)); /* once per stay */
	assert_int_equal(count_events("stuck-state", "player"), 1);
	assert_false(alert_active(media, RT_ALERT_STUCK)); /* initializing: 60 s */
	rt_resmon_tick(&mon, T0 + S(61));
	assert_true(alert_active(media, RT_ALERT_STUCK));
	model(&mon, MO_PLAYER, RT_EV_RUNNING, T0 + S(62));
	assert_false(alert_active(player, RT_ALERT_STUCK));
	assert_false(alert_active(media, RT_ALERT_STUCK));
	/* The Scenario was waiting for 60 s as well (its threshold is a minute too). */
	assert_int_equal(count_events("stuck-state", "comfort"), 1);
	assert_int_equal(count_events("stuck-cleared", NULL), 3);
	assert_int_equal(player->load_time, S(61));
	/* Configured thresholds: every machine with the state takes it. */
	build(&mon, NULL);
	assert_int_equal(rt_resmon_set_stuck(&mon, "loading", S(5)), PM_OK);
	assert_int_equal(rt_resmon_set_stuck(&mon, "degraded", S(10)),
	                 PM_OK); /* scenario, package, model, node */
	assert_int_equal(rt_resmon_set_stuck(&mon, "zorglub", S(5)), PM_ERR_NOENT);
	assert_int_equal(mon.sm[RT_RES_NODE].states[rt_sm_find(&mon.sm[RT_RES_NODE], "degraded")].stuck_ns,
	                 S(10));
	start(&mon);
	assert_int_equal(rt_resmon_set_stuck(&mon, "loading", S(5)), PM_ERR_STATE);
	model(&mon, MO_PLAYER, RT_EV_APPEARED, T0 + S(1));
	rt_resmon_tick(&mon, T0 + S(6));
	assert_int_equal(count_events("stuck-state", "player"), 1);
	/* Disabled: no alert. */
	build(&mon, NULL);
	rt_resmon_set_alerting(&mon, true, false, true);
	start(&mon);
	model(&mon, MO_PLAYER, RT_EV_APPEARED, T0 + S(1));
	rt_resmon_tick(&mon, T0 + S(100));
	assert_int_equal(count_events("stuck-state", NULL), 0);
}

static void test_unexpected_and_reported(void **state)
{
	(void)state;
	build(&mon, NULL);
	start(&mon);
	/* The orchestrator reports a state outside the table: made, counted, alerted. */
	assert_int_equal(rt_resmon_report_state(&mon, RT_RES_MODEL, MO_PLAYER, "unknown", T0 + S(1)), PM_OK);
	assert_string_equal(STATE(RT_RES_MODEL, MO_PLAYER), "unknown");
	const struct rt_resource *player = rt_resmon_get(&mon, RT_RES_MODEL, MO_PLAYER);
	assert_int_equal(player->sm.unexpected, 1);
	assert_int_equal(count_events("unexpected-transition", "player"), 1);
	const struct rt_record *r = last_state("player");
	assert_int_equal(r->u.state.expected, 0);
	assert_string_equal(r->u.state.reason, "reported by the orchestrator");
	assert_int_equal(rt_resmon_report_state(&mon, RT_RES_MODEL, MO_PLAYER, "flying", T0 + S(2)),
	                 PM_ERR_NOENT);
	assert_int_equal(rt_resmon_report_state(&mon, RT_RES_PACKAGE, 7, "running", T0 + S(2)), PM_ERR_NOENT);
	/* A package reported deploying, then its model comes up: deploying -> running, expected. */
	assert_int_equal(rt_resmon_report_state(&mon, RT_RES_PACKAGE, PK_VISION, "deploying", T0 + S(3)),
	                 PM_OK);
	model(&mon, MO_CAMERA, RT_EV_APPEARED, T0 + S(4));
	assert_string_equal(STATE(RT_RES_PACKAGE, PK_VISION), "deploying"); /* still on its way up */
	model(&mon, MO_DETECTOR, RT_EV_RUNNING, T0 + S(5));
	model(&mon, MO_CAMERA, RT_EV_RUNNING, T0 + S(5));
	assert_string_equal(STATE(RT_RES_PACKAGE, PK_VISION), "running");
	assert_int_equal(rt_resmon_get(&mon, RT_RES_PACKAGE, PK_VISION)->sm.unexpected, 0);
	/* Events that do not move a state leave no record. */
	size_t before = n_recs;
	model(&mon, MO_CAMERA, RT_EV_RUNNING, T0 + S(6));
	assert_int_equal(n_recs, before);
	/* Rejected before start / after start. */
	assert_int_equal(rt_resmon_add(&mon, RT_RES_MODEL, "late", NULL), PM_ERR_STATE);
}

static void test_thresholds_through_monitor(void **state)
{
	(void)state;
	build(&mon, NULL);
	assert_int_equal(rt_resmon_set_memory_limit(&mon, MO_CAMERA, 1024u * 1048576u), PM_OK);
	start(&mon);
	const struct rt_resource *cam = rt_resmon_get(&mon, RT_RES_MODEL, MO_CAMERA);
	assert_int_equal(
	    rt_resmon_observe_metric(&mon, RT_RES_MODEL, MO_CAMERA, RT_MET_CPU_USAGE, 85.0, T0 + 1), PM_OK);
	assert_true(alert_active(cam, RT_ALERT_THRESHOLD));
	assert_int_equal(count_events("threshold", "camera"), 1);
	for (int i = 0; i < 10; i++) { /* at the line, up and down within the band */
		double v = i % 2 == 0 ? 80.0 : 77.0;
		assert_int_equal(
		    rt_resmon_observe_metric(&mon, RT_RES_MODEL, MO_CAMERA, RT_MET_CPU_USAGE, v, T0 + 2 + i),
		    PM_OK);
	}
	assert_int_equal(count_events("threshold", "camera"), 1);
	assert_int_equal(count_events("threshold-cleared", "camera"), 0);
	assert_int_equal(
	    rt_resmon_observe_metric(&mon, RT_RES_MODEL, MO_CAMERA, RT_MET_CPU_USAGE, 50.0, T0 + 20), PM_OK);
	assert_false(alert_active(cam, RT_ALERT_THRESHOLD));
	assert_int_equal(count_events("threshold-cleared", "camera"), 1);
	/* 1000 MB of a 1 GiB limit = 97.7 %: critical. */
	assert_int_equal(
	    rt_resmon_observe_metric(&mon, RT_RES_MODEL, MO_CAMERA, RT_MET_MEMORY_MB, 1000.0, T0 + 21),
	    PM_OK);
	assert_true(cam->metric[RT_MET_MEMORY_USAGE] > 97.0 && cam->metric[RT_MET_MEMORY_USAGE] < 98.0);
	bool critical = false;
	for (uint32_t i = 0; i < PM_MAX_ALERTS; i++) {
		critical = critical || (cam->alerts[i].active && cam->alerts[i].kind == RT_ALERT_THRESHOLD &&
		                        cam->alerts[i].metric == RT_MET_MEMORY_USAGE &&
		                        cam->alerts[i].severity == RT_SEV_CRITICAL);
	}
	assert_true(critical);
}

static void test_scenario_executions(void **state)
{
	(void)state;
	build(&mon, NULL);
	start(&mon);
	/* comfort: inactive -> waiting (player loading) -> active after 700 ms: one execution. */
	model(&mon, MO_PLAYER, RT_EV_APPEARED, T0 + S(1));
	assert_string_equal(STATE(RT_RES_SCENARIO, SC_COMFORT), "waiting");
	model(&mon, MO_PLAYER, RT_EV_RUNNING, T0 + S(1) + 700 * PM_NS_PER_MS);
	assert_string_equal(STATE(RT_RES_SCENARIO, SC_COMFORT), "active");
	const struct rt_resource *c = rt_resmon_get(&mon, RT_RES_SCENARIO, SC_COMFORT);
	assert_int_equal(c->exec_count, 1);
	assert_int_equal(c->exec_last, 700 * PM_NS_PER_MS);
	assert_int_equal(c->last_result, RT_EXEC_SUCCESS);
	assert_int_equal(rt_resmon_get(&mon, RT_RES_PACKAGE, PK_MEDIA)->usage_count, 1);
	/* 700 ms > 500 ms warning: an execution_time alert on the Scenario. */
	assert_true(alert_active(c, RT_ALERT_THRESHOLD));
	/* It fails, is relaunched and fails before coming up: 3 executions, 2 failures. */
	model(&mon, MO_PLAYER, RT_EV_CRASHED, T0 + S(5));
	assert_string_equal(STATE(RT_RES_SCENARIO, SC_COMFORT), "failed");
	model(&mon, MO_PLAYER, RT_EV_RESTARTED, T0 + S(6));
	assert_string_equal(STATE(RT_RES_SCENARIO, SC_COMFORT), "waiting");
	model(&mon, MO_PLAYER, RT_EV_CRASHED, T0 + S(7));
	assert_int_equal(rt_resmon_scenario_execution(&mon, SC_COMFORT, 100 * PM_NS_PER_MS, true, T0 + S(8)),
	                 PM_OK);
	assert_int_equal(c->exec_count, 3);
	assert_int_equal(c->exec_failures, 2);
	assert_int_equal(c->exec_time_sum / (pm_ns)c->exec_timed, 400 * PM_NS_PER_MS);
	assert_true(c->metric[RT_MET_FAILURE_RATE] > 66.0 && c->metric[RT_MET_FAILURE_RATE] < 67.0);
	assert_int_equal(rt_resmon_get(&mon, RT_RES_PACKAGE, PK_MEDIA)->usage_count, 3);
	/* The derived HLD metrics left as metric records, latest value last. */
	const struct rt_record *r = last_metric("comfort", "failureRate");
	assert_non_null(r);
	assert_true(r->u.metric.value > 66.0 && r->u.metric.value < 67.0);
	assert_true(last_metric("comfort", "executionCount")->u.metric.value == 3.0);
	assert_true(last_metric("comfort", "averageExecutionTime")->u.metric.value == 400.0);
	assert_true(last_metric("media", "usageCount")->u.metric.value == 3.0);
	assert_true(last_metric("player", "loadTime")->u.metric.value == 700.0);
	assert_true(last_metric("player", "restartCount")->u.metric.value == 1.0);
	assert_true(last_metric("player", "errorCount")->u.metric.value == 2.0);
}

static struct rt_anomaly_spec quick_anomaly(void)
{
	struct rt_anomaly_spec a;
	rt_anomaly_spec_default(&a);
	a.learning_ns = S(60);
	a.min_samples = 30;
	a.window_ns = S(60);
	return a;
}

static uint8_t blob[RT_BASELINE_BLOB_MAX];
static uint8_t blob2[RT_BASELINE_BLOB_MAX];

static void test_baseline_round_trip(void **state)
{
	(void)state;
	struct rt_anomaly_spec a = quick_anomaly();
	build(&mon, NULL);
	assert_int_equal(rt_resmon_set_anomaly(&mon, &a), PM_OK);
	start(&mon);
	pm_ns t = T0;
	for (int i = 0; i < 100; i++, t += PM_NS_PER_S) {
		double v = 20.0 + (double)(i % 5);
		assert_int_equal(
		    rt_resmon_observe_metric(&mon, RT_RES_MODEL, MO_CAMERA, RT_MET_EXECUTION_TIME, v, t),
		    PM_OK);
		if (i % 10 == 0) {
			model(&mon, MO_DETECTOR, i % 20 == 0 ? RT_EV_APPEARED : RT_EV_EXITED, t);
		}
		rt_resmon_tick(&mon, t);
	}
	const struct rt_resource *cam = rt_resmon_get(&mon, RT_RES_MODEL, MO_CAMERA);
	assert_int_equal(cam->stat[RT_MET_EXECUTION_TIME].learned, 1);
	size_t len = 0;
	assert_int_equal(rt_resmon_baseline_save(&mon, blob, sizeof(blob), &len), PM_OK);
	assert_true(len > 16);
	size_t small = 0;
	assert_int_equal(rt_resmon_baseline_save(&mon, blob, 40, &small), PM_ERR_NOSPACE);
	assert_int_equal(rt_resmon_baseline_save(&mon, blob, sizeof(blob), &len), PM_OK);

	/* A restarted monitor with one Model fewer (camera kept). */
	struct rt_record_sink s = { sink, NULL };
	rt_resmon_init(&mon2, s);
	assert_int_equal(rt_resmon_set_anomaly(&mon2, &a), PM_OK);
	uint32_t idx;
	assert_int_equal(rt_resmon_add(&mon2, RT_RES_MODEL, "camera", &idx), PM_OK);
	char err[64];
	assert_int_equal(rt_resmon_baseline_load(&mon2, blob, len, NULL), PM_ERR_STATE);
	assert_int_equal(rt_resmon_start(&mon2, S(5), err, sizeof(err)), PM_OK);
	uint32_t skipped = 0;
	assert_int_equal(rt_resmon_baseline_load(&mon2, blob, len, &skipped), PM_OK);
	assert_true(skipped > 0); /* detector's pattern baseline, vision's, ... */
	const struct rt_resource *cam2 = rt_resmon_get(&mon2, RT_RES_MODEL, idx);
	const struct rt_baseline *b1 = &cam->stat[RT_MET_EXECUTION_TIME];
	const struct rt_baseline *b2 = &cam2->stat[RT_MET_EXECUTION_TIME];
	assert_int_equal(b2->n, b1->n);
	assert_true(b2->mean == b1->mean && b2->var == b1->var && b2->m2 == b1->m2);
	assert_int_equal(b2->learned_ns, b1->learned_ns);
	assert_int_equal(b2->learned, 1);
	assert_true(cam2->pattern[RT_PATTERN_TRANSITIONS].base.n ==
	            cam->pattern[RT_PATTERN_TRANSITIONS].base.n);
	/* No relearning: a spike right after the restart is an anomaly. */
	n_recs = 0;
	assert_int_equal(
	    rt_resmon_observe_metric(&mon2, RT_RES_MODEL, idx, RT_MET_EXECUTION_TIME, 90.0, S(6)), PM_OK);
	assert_true(alert_active(cam2, RT_ALERT_ANOMALY));
	assert_int_equal(count_events("anomaly", "camera"), 1);
	/* Cleared after clear_after normal samples. */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(
		    rt_resmon_observe_metric(&mon2, RT_RES_MODEL, idx, RT_MET_EXECUTION_TIME, 22.0, S(7 + i)),
		    PM_OK);
	}
	assert_false(alert_active(cam2, RT_ALERT_ANOMALY));

	/* Corruption anywhere is detected and restores nothing. */
	memcpy(blob2, blob, len);
	blob2[len / 2] ^= 0x40;
	assert_int_equal(rt_resmon_baseline_load(&mon2, blob2, len, NULL), PM_ERR_CORRUPT);
	assert_int_equal(rt_resmon_baseline_load(&mon2, blob, len - 1, NULL), PM_ERR_CORRUPT);
	assert_int_equal(rt_resmon_baseline_load(&mon2, blob, 3, NULL), PM_ERR_CORRUPT);
}

static void test_learning_suppresses_alerts(void **state)
{
	(void)state;
	struct rt_anomaly_spec a = quick_anomaly();
	build(&mon, NULL);
	assert_int_equal(rt_resmon_set_anomaly(&mon, &a), PM_OK);
	start(&mon);
	for (int i = 0; i < 50; i++) {
		double v = i == 25 ? 5000.0 : 20.0 + (double)(i % 3);
		assert_int_equal(rt_resmon_observe_metric(&mon, RT_RES_MODEL, MO_CAMERA,
		                                          RT_MET_EXECUTION_TIME, v, T0 + S(i)),
		                 PM_OK);
	}
	assert_int_equal(count_events("anomaly", NULL), 0);
}

static void test_summary_json(void **state)
{
	(void)state;
	build(&mon, NULL);
	assert_int_equal(rt_resmon_set_version(&mon, RT_RES_PACKAGE, PK_VISION, "2.3"), PM_OK);
	start(&mon);
	bring_up_all(&mon, T0 + S(1));
	model(&mon, MO_CAMERA, RT_EV_CRASHED, T0 + S(10));
	assert_int_equal(
	    rt_resmon_observe_metric(&mon, RT_RES_MODEL, MO_DETECTOR, RT_MET_MEMORY_MB, 5.5, T0 + S(10)),
	    PM_OK);
	assert_int_equal(rt_resmon_report_policy(&mon, SC_ADAS, RT_POLICY_ALLOWED), PM_OK);
	size_t len = 0;
	assert_int_equal(rt_resmon_summary_json(&mon, T0 + S(20), json, sizeof(json), &len), PM_OK);
	assert_int_equal(strlen(json), len);
	jsmn_parser p;
	static jsmntok_t toks[65536];
	jsmn_init(&p);
	int ntok = jsmn_parse(&p, json, len, toks, sizeof(toks) / sizeof(toks[0]));
	if (ntok <= 0) {
		fail_msg("summary is not JSON (%d): %.300s", ntok, json);
	}
	assert_int_equal(toks[0].type, JSMN_OBJECT);
	FILE *dump = fopen("test_resmon_summary.json", "w"); /* for people reading the test output */
	if (dump != NULL) {
		(void)fputs(json, dump);
		(void)fclose(dump);
	}
	static const char *const expect[] = {
		"\"scenarios\":[{\"name\":\"adas\",\"state\":\"degraded\"",
		"\"dependencyStatus\":\"Error\"",
		"\"dependencyDetails\":[{\"resourceType\":\"Package\",\"resourceName\":\"vision\",\"status\":"
		"\"Error\"}",
		"{\"resourceType\":\"Model\",\"resourceName\":\"camera\",\"status\":\"Error\"}",
		"\"transitions\":[{\"from\":\"unloaded\",\"to\":\"loading\",\"at\":1700000001000,"
		"\"duration\":1000.000",
		"\"unexpectedTransitions\":0",
		"{\"type\":\"dependency\",\"severity\":\"critical\"",
		"\"activeState\":\"Active\",\"currentState\":\"playing\",\"policyStatus\":\"allowed\"",
		"\"executionCount\":1",
		"\"deploymentStatus\":\"Deployed\",\"currentState\":\"degraded\",\"version\":\"2.3\"",
		"\"memoryUsage\":5.500",
		"\"modelRelationships\":{\"total\":2,\"healthy\":1,\"unhealthy\":1}",
		"\"name\":\"camera\",\"state\":\"error\",\"stateClass\":\"failed\",\"since\":1700000010000",
		"\"phase\":\"Failed\",\"loadStatus\":\"Error\",\"uptime\":\"0h00m07s\"",
		"\"restartCount\":0",
		"\"healthStatus\":\"Unhealthy\"",
		"\"phase\":\"Running\"",
		"\"nodes\":[{\"name\":\"hpc\",\"state\":\"starting\"",
		"\"timeInState\":{\"unloaded\":1000.000,\"loading\":2000.000,\"loaded\":7000.000",
	};
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		if (strstr(json, expect[i]) == NULL) {
			fail_msg("missing %s in %s", expect[i], json);
		}
	}
	/* Bounded: every size below the full one is PM_ERR_NOSPACE with an empty buffer. */
	static char small[4096];
	for (size_t cap = 1; cap < sizeof(small) && cap <= len; cap += 97) {
		assert_int_equal(rt_resmon_summary_json(&mon, T0 + S(20), small, cap, NULL), PM_ERR_NOSPACE);
		assert_int_equal(small[0], '\0');
	}
	assert_int_equal(rt_resmon_summary_json(&mon, T0 + S(20), json, len, NULL), PM_ERR_NOSPACE);
	assert_int_equal(rt_resmon_summary_json(&mon, T0 + S(20), json, len + 1, NULL), PM_OK);
	assert_int_equal(
	    rt_resmon_resource_json(&mon, RT_RES_MODEL, MO_CAMERA, T0 + S(20), json, sizeof(json), &len),
	    PM_OK);
	assert_int_equal(json[0], '{');
	assert_non_null(strstr(json, "\"restartCount\":0"));
}

static void test_ring_sink(void **state)
{
	(void)state;
	static struct rt_record_ring ring;
	rt_record_ring_init(&ring);
	struct rt_record_sink s = { rt_record_sink_ring, &ring };
	rt_resmon_init(&mon, s);
	uint32_t i;
	assert_int_equal(rt_resmon_add(&mon, RT_RES_MODEL, "solo", &i), PM_OK);
	char err[64];
	assert_int_equal(rt_resmon_start(&mon, T0, err, sizeof(err)), PM_OK);
	model(&mon, i, RT_EV_APPEARED, T0 + 1);
	struct rt_record out;
	assert_true(rt_record_ring_pop(&ring, &out));
	assert_int_equal(out.kind, RT_REC_STATE);
	assert_int_equal(out.resource_type, RT_RES_MODEL);
	assert_string_equal(out.resource, "solo");
	assert_string_equal(out.u.state.to, "loading");
	assert_int_equal(mon.records, 1);
	/* The same through plain observations (what another thread passes through a ring). */
	struct rt_resmon_obs o = { RT_OBS_MODEL_EVENT, RT_RES_MODEL, i, RT_EV_RUNNING, 0.0, T0 + 2, 0 };
	assert_int_equal(rt_resmon_apply(&mon, &o), PM_OK);
	assert_string_equal(rt_resmon_state_name(&mon, RT_RES_MODEL, i), "loaded");
	o = (struct rt_resmon_obs){ RT_OBS_METRIC, RT_RES_MODEL, i, RT_MET_CPU_USAGE, 42.0, T0 + 3, 0 };
	assert_int_equal(rt_resmon_apply(&mon, &o), PM_OK);
	assert_true(rt_resmon_get(&mon, RT_RES_MODEL, i)->metric[RT_MET_CPU_USAGE] == 42.0);
	o = (struct rt_resmon_obs){ RT_OBS_ERROR, RT_RES_MODEL, i, 0, 0.0, T0 + 4, 0 };
	assert_int_equal(rt_resmon_apply(&mon, &o), PM_OK);
	assert_int_equal(rt_resmon_get(&mon, RT_RES_MODEL, i)->errors, 1);
	o = (struct rt_resmon_obs){ RT_OBS_EXECUTION, RT_RES_MODEL, i, 0, 1.0, T0 + 5, 0 };
	assert_int_equal(rt_resmon_apply(&mon, &o), PM_ERR_INVAL);
	o = (struct rt_resmon_obs){ RT_OBS_MODEL_EVENT, RT_RES_MODEL, 5, RT_EV_RUNNING, 0.0, T0 + 6, 0 };
	assert_int_equal(rt_resmon_apply(&mon, &o), PM_ERR_NOENT);
	o.kind = 99;
	assert_int_equal(rt_resmon_apply(&mon, &o), PM_ERR_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diamond_propagation),
		cmocka_unit_test(test_explicit_edges_and_caps),
		cmocka_unit_test(test_cycle_is_named),
		cmocka_unit_test(test_stuck_states),
		cmocka_unit_test(test_unexpected_and_reported),
		cmocka_unit_test(test_thresholds_through_monitor),
		cmocka_unit_test(test_scenario_executions),
		cmocka_unit_test(test_baseline_round_trip),
		cmocka_unit_test(test_learning_suppresses_alerts),
		cmocka_unit_test(test_summary_json),
		cmocka_unit_test(test_ring_sink),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
