/* Unit tests of the dependency graph alone: topological order, duplicate edges, capped propagation
 * on a diamond, impact analysis, cycle naming; and of the bounded JSON writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rt/depgraph.h"
#include "rt/json_writer.h"

static struct rt_dep_graph g;

#define REF(t, i)                                                                                            \
	{                                                                                                    \
		(uint16_t)(t), (uint16_t)(i)                                                                 \
	}

static const char *names(void *ctx, struct rt_res_ref ref)
{
	static char buf[4][16];
	static unsigned next;
	(void)ctx;
	char *b = buf[next++ % 4];
	(void)snprintf(b, 16, "%c%u", "SPMN"[ref.type], (unsigned)ref.index);
	return b;
}

/* Diamond: S0 -> P0, S0 -> P1, P0 -> M0, P1 -> M0 (+ a duplicate edge and a lone M1). */
static const struct rt_dep_edge_def diamond[] = {
	{ REF(RT_RES_SCENARIO, 0), REF(RT_RES_PACKAGE, 0), RT_DEP_PARENT_CHILD },
	{ REF(RT_RES_SCENARIO, 0), REF(RT_RES_PACKAGE, 1), RT_DEP_PARENT_CHILD },
	{ REF(RT_RES_PACKAGE, 0), REF(RT_RES_MODEL, 0), RT_DEP_PARENT_CHILD },
	{ REF(RT_RES_PACKAGE, 1), REF(RT_RES_MODEL, 0), RT_DEP_USES },
	{ REF(RT_RES_PACKAGE, 0), REF(RT_RES_MODEL, 0), RT_DEP_REQUIRES }, /* duplicate: merged */
};
static const uint32_t counts[RT_RES_TYPE_COUNT] = { 1, 2, 2, 0 };

static void test_topological_order(void **state)
{
	(void)state;
	char err[128];
	assert_int_equal(rt_dep_graph_build(&g, counts, diamond, 5, names, NULL, err, sizeof(err)), PM_OK);
	assert_int_equal(g.n_order, 5);
	assert_int_equal(g.n_edges, 4);
	uint32_t pos[PM_MAX_DEP_NODES] = { 0 };
	for (uint32_t i = 0; i < g.n_order; i++) {
		pos[g.order[i]] = i;
	}
	for (uint32_t n = 0; n < PM_MAX_DEP_NODES; n++) {
		for (uint32_t e = g.dep_start[n]; e < g.dep_start[n + 1]; e++) {
			assert_true(pos[g.dep_to[e]] < pos[n]); /* dependencies first */
		}
	}
}

static void test_diamond_eval_and_caps(void **state)
{
	(void)state;
	char err[128];
	assert_int_equal(rt_dep_graph_build(&g, counts, diamond, 5, names, NULL, err, sizeof(err)), PM_OK);
	uint8_t own[PM_MAX_DEP_NODES] = { 0 };
	uint8_t eff[PM_MAX_DEP_NODES];
	uint8_t st[PM_MAX_DEP_NODES];
	uint32_t caps[RT_DEP_KIND_COUNT] = { RT_SEV_CRITICAL, RT_SEV_WARNING, RT_SEV_CRITICAL };
	uint32_t m0 = rt_dep_node_id(RT_RES_MODEL, 0);
	uint32_t p0 = rt_dep_node_id(RT_RES_PACKAGE, 0);
	uint32_t p1 = rt_dep_node_id(RT_RES_PACKAGE, 1);
	uint32_t s0 = rt_dep_node_id(RT_RES_SCENARIO, 0);
	own[m0] = RT_SEV_CRITICAL;
	rt_dep_graph_eval(&g, caps, 1, own, eff, st);
	assert_int_equal(st[p0], RT_DEP_ERROR);
	assert_int_equal(st[p1], RT_DEP_WARNING); /* "uses" caps at warning */
	assert_int_equal(st[s0], RT_DEP_ERROR);   /* the stronger arm wins */
	assert_int_equal(st[m0], RT_DEP_OK);
	assert_int_equal(st[rt_dep_node_id(RT_RES_MODEL, 1)], RT_DEP_OK);
	/* Without propagation only direct dependencies count. */
	rt_dep_graph_eval(&g, caps, 0, own, eff, st);
	assert_int_equal(st[p0], RT_DEP_ERROR);
	assert_int_equal(st[s0], RT_DEP_OK);
	/* Impact analysis: M0 affects both packages and the scenario, M1 nothing else. */
	uint8_t affected[PM_MAX_DEP_NODES];
	assert_int_equal(rt_dep_graph_affected(&g, m0, affected), 4);
	assert_true(affected[s0] && affected[p0] && affected[p1]);
	assert_int_equal(rt_dep_graph_affected(&g, rt_dep_node_id(RT_RES_MODEL, 1), affected), 1);
	assert_int_equal(rt_dep_graph_affected(&g, p1, affected), 2);
	assert_false(affected[p0]);
}

static void test_cycle_message(void **state)
{
	(void)state;
	static const struct rt_dep_edge_def cyc[] = {
		{ REF(RT_RES_PACKAGE, 0), REF(RT_RES_MODEL, 0), RT_DEP_PARENT_CHILD },
		{ REF(RT_RES_MODEL, 0), REF(RT_RES_MODEL, 1), RT_DEP_REQUIRES },
		{ REF(RT_RES_MODEL, 1), REF(RT_RES_PACKAGE, 1), RT_DEP_REQUIRES },
		{ REF(RT_RES_PACKAGE, 1), REF(RT_RES_MODEL, 0), RT_DEP_USES },
		{ REF(RT_RES_SCENARIO, 0), REF(RT_RES_PACKAGE, 0), RT_DEP_PARENT_CHILD },
	};
	char err[128];
	assert_int_equal(rt_dep_graph_build(&g, counts, cyc, 5, names, NULL, err, sizeof(err)), PM_ERR_INVAL);
	assert_string_equal(err, "dependency cycle: M0 -> M1 -> P1 -> M0");
	static const struct rt_dep_edge_def self[] = {
		{ REF(RT_RES_MODEL, 1), REF(RT_RES_MODEL, 1), RT_DEP_REQUIRES },
	};
	assert_int_equal(rt_dep_graph_build(&g, counts, self, 1, names, NULL, err, sizeof(err)),
	                 PM_ERR_INVAL);
	assert_string_equal(err, "dependency cycle: M1 -> M1");
	/* A short buffer truncates the message but stays terminated. */
	char tiny[12];
	assert_int_equal(rt_dep_graph_build(&g, counts, cyc, 5, names, NULL, tiny, sizeof(tiny)),
	                 PM_ERR_INVAL);
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
	static const struct rt_dep_edge_def bad[] = {
		{ REF(RT_RES_MODEL, 2), REF(RT_RES_MODEL, 1), RT_DEP_REQUIRES },
	};
	assert_int_equal(rt_dep_graph_build(&g, counts, bad, 1, names, NULL, err, sizeof(err)), PM_ERR_NOENT);
}

static void test_propagation_rules(void **state)
{
	(void)state;
	struct rt_propagation_def p;
	rt_propagation_default(&p);
	assert_int_equal(rt_propagation_impact(&p, "error", RT_SC_FAILED), RT_SEV_CRITICAL); /* by class */
	assert_int_equal(rt_propagation_impact(&p, "degraded", RT_SC_DEGRADED), RT_SEV_WARNING);
	assert_int_equal(rt_propagation_impact(&p, "loaded", RT_SC_UP), RT_SEV_INFO);
	assert_int_equal(rt_propagation_add(&p, "loading", RT_SEV_WARNING), PM_OK); /* by state name */
	assert_int_equal(rt_propagation_impact(&p, "loading", RT_SC_STARTING), RT_SEV_WARNING);
	assert_int_equal(rt_propagation_add(&p, "x", 7), PM_ERR_INVAL);
	enum rt_dep_kind k;
	assert_int_equal(rt_dep_kind_from_name("uses", &k), PM_OK);
	assert_int_equal(k, RT_DEP_USES);
	assert_int_equal(rt_dep_kind_from_name("owns", &k), PM_ERR_NOENT);
}

static void test_json_writer(void **state)
{
	(void)state;
	char buf[128];
	struct rt_jw w;
	rt_jw_init(&w, buf, sizeof(buf));
	rt_jw_begin_object(&w);
	rt_jw_key(&w, "s");
	rt_jw_string(&w, "a\"b\\c\n\x01");
	rt_jw_key(&w, "a");
	rt_jw_begin_array(&w);
	rt_jw_u64(&w, 18446744073709551615u);
	rt_jw_i64(&w, -5);
	rt_jw_double(&w, 1.0 / 0.0, 2);
	rt_jw_double(&w, 2.5, 1);
	rt_jw_bool(&w, false);
	rt_jw_end_array(&w);
	rt_jw_end_object(&w);
	size_t len;
	assert_int_equal(rt_jw_finish(&w, &len), PM_OK);
	assert_string_equal(
	    buf, "{\"s\":\"a\\\"b\\\\c\\u000a\\u0001\",\"a\":[18446744073709551615,-5,null,2.5,false]}");
	assert_int_equal(len, strlen(buf));
	/* Exactly full: the NUL needs its byte. */
	char small[8];
	rt_jw_init(&w, small, sizeof(small));
	rt_jw_string(&w, "123456");
	assert_int_equal(rt_jw_finish(&w, &len), PM_ERR_NOSPACE);
	assert_string_equal(small, "");
	rt_jw_init(&w, small, sizeof(small));
	rt_jw_string(&w, "12345");
	assert_int_equal(rt_jw_finish(&w, &len), PM_OK);
	assert_string_equal(small, "\"12345\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_topological_order), cmocka_unit_test(test_diamond_eval_and_caps),
		cmocka_unit_test(test_cycle_message),     cmocka_unit_test(test_propagation_rules),
		cmocka_unit_test(test_json_writer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
