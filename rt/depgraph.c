/* Dependency graph: resolution into CSR index arrays in topological order, cycle naming, status
 * propagation and impact analysis. */
#include "rt/depgraph.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

static const uint32_t type_base[RT_RES_TYPE_COUNT] = {
	[RT_RES_SCENARIO] = 0,
	[RT_RES_PACKAGE] = PM_MAX_SCENARIOS,
	[RT_RES_MODEL] = PM_MAX_SCENARIOS + PM_MAX_PACKAGES,
	[RT_RES_NODE] = PM_MAX_SCENARIOS + PM_MAX_PACKAGES + PM_MAX_MODELS,
};
static const uint32_t type_cap[RT_RES_TYPE_COUNT] = {
	[RT_RES_SCENARIO] = PM_MAX_SCENARIOS,
	[RT_RES_PACKAGE] = PM_MAX_PACKAGES,
	[RT_RES_MODEL] = PM_MAX_MODELS,
	[RT_RES_NODE] = PM_MAX_NODES,
};

uint32_t rt_dep_node_id(uint32_t type, uint32_t index)
{
	assert(type < RT_RES_TYPE_COUNT && index < type_cap[type]);
	return type_base[type] + index;
}

struct rt_res_ref rt_dep_node_ref(uint32_t node)
{
	struct rt_res_ref r = { 0, 0 };
	for (uint32_t t = RT_RES_TYPE_COUNT; t-- > 0;) {
		if (node >= type_base[t]) {
			r.type = (uint16_t)t;
			r.index = (uint16_t)(node - type_base[t]);
			break;
		}
	}
	return r;
}

void rt_dep_graph_def_default(struct rt_dep_graph_def *out)
{
	assert(out != NULL);
	memset(out, 0, sizeof(*out));
	out->status_propagation = 1;
	for (unsigned k = 0; k < RT_DEP_KIND_COUNT; k++) {
		out->max_impact[k] = RT_SEV_CRITICAL;
	}
}

pm_status rt_propagation_add(struct rt_propagation_def *p, const char *from_state, uint32_t impact)
{
	if (p == NULL || from_state == NULL || impact > RT_SEV_CRITICAL) {
		return PM_ERR_INVAL;
	}
	size_t len = strlen(from_state);
	if (len == 0 || len >= RT_REC_NAME) {
		return PM_ERR_INVAL;
	}
	if (p->n_rules >= PM_MAX_PROPAGATION_RULES) {
		return PM_ERR_NOSPACE;
	}
	struct rt_propagation_rule *r = &p->rules[p->n_rules++];
	memcpy(r->from_state, from_state, len + 1);
	r->impact = impact;
	return PM_OK;
}

void rt_propagation_default(struct rt_propagation_def *out)
{
	assert(out != NULL);
	memset(out, 0, sizeof(*out));
	(void)rt_propagation_add(out, "failed", RT_SEV_CRITICAL);
	(void)rt_propagation_add(out, "degraded", RT_SEV_WARNING);
	(void)rt_propagation_add(out, "unknown", RT_SEV_WARNING);
}

uint32_t rt_propagation_impact(const struct rt_propagation_def *p, const char *state, enum rt_state_class cls)
{
	uint32_t impact = RT_SEV_INFO;
	const char *cname = rt_state_class_name(cls);
	for (uint32_t i = 0; i < p->n_rules && i < PM_MAX_PROPAGATION_RULES; i++) {
		const struct rt_propagation_rule *r = &p->rules[i];
		if ((state != NULL && strcmp(r->from_state, state) == 0) ||
		    strcmp(r->from_state, cname) == 0) {
			if (r->impact > impact) {
				impact = r->impact;
			}
		}
	}
	return impact;
}

pm_status rt_dep_kind_from_name(const char *name, enum rt_dep_kind *out)
{
	if (name == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	if (strcmp(name, "parent_child") == 0) {
		*out = RT_DEP_PARENT_CHILD;
	} else if (strcmp(name, "uses") == 0) {
		*out = RT_DEP_USES;
	} else if (strcmp(name, "requires") == 0) {
		*out = RT_DEP_REQUIRES;
	} else {
		return PM_ERR_NOENT;
	}
	return PM_OK;
}

const char *rt_dep_status_name(enum rt_dep_status s)
{
	switch (s) {
	case RT_DEP_OK:
		return "OK";
	case RT_DEP_WARNING:
		return "Warning";
	case RT_DEP_ERROR:
		return "Error";
	default:
		return "invalid";
	}
}

static bool ref_ok(const uint32_t counts[RT_RES_TYPE_COUNT], struct rt_res_ref r)
{
	return r.type < RT_RES_TYPE_COUNT && r.index < counts[r.type] && r.index < type_cap[r.type];
}

static const char *node_name(rt_dep_name_fn fn, void *ctx, uint32_t node)
{
	const char *n = fn != NULL ? fn(ctx, rt_dep_node_ref(node)) : NULL;
	return n != NULL ? n : "?";
}

/* Appends to err without overflowing; truncation is acceptable for a message. */
static void err_append(char *err, size_t errcap, size_t *at, const char *s)
{
	if (err == NULL || errcap == 0 || *at >= errcap - 1) {
		return;
	}
	int n = snprintf(err + *at, errcap - *at, "%s", s);
	if (n > 0) {
		*at += (size_t)n < errcap - *at ? (size_t)n : errcap - *at - 1;
	}
}

static void name_cycle(const struct rt_dep_graph *g, const uint16_t *remaining, uint32_t start,
                       rt_dep_name_fn fn, void *ctx, char *err, size_t errcap)
{
	/* Walk unsorted dependencies from `start`: every unsorted node has one, so the walk must revisit
	 * a node within PM_MAX_DEP_NODES steps; the part from that node on is the cycle. */
	uint16_t step_of[PM_MAX_DEP_NODES];
	uint16_t path[PM_MAX_DEP_NODES + 1];
	for (uint32_t i = 0; i < PM_MAX_DEP_NODES; i++) {
		step_of[i] = UINT16_MAX;
	}
	uint32_t cur = start;
	uint32_t steps = 0;
	while (steps < PM_MAX_DEP_NODES && step_of[cur] == UINT16_MAX) {
		step_of[cur] = (uint16_t)steps;
		path[steps++] = (uint16_t)cur;
		uint32_t next = cur;
		for (uint32_t e = g->dep_start[cur]; e < g->dep_start[cur + 1]; e++) {
			if (remaining[g->dep_to[e]] > 0) {
				next = g->dep_to[e];
				break;
			}
		}
		if (next == cur) {
			break; /* self-edge or no unsorted dependency: cannot happen for a cycle member */
		}
		cur = next;
	}
	size_t at = 0;
	if (err != NULL && errcap > 0) {
		err[0] = '\0';
	}
	err_append(err, errcap, &at, "dependency cycle: ");
	uint32_t from = step_of[cur] != UINT16_MAX ? step_of[cur] : 0;
	for (uint32_t i = from; i < steps; i++) {
		err_append(err, errcap, &at, node_name(fn, ctx, path[i]));
		err_append(err, errcap, &at, " -> ");
	}
	err_append(err, errcap, &at, node_name(fn, ctx, cur));
}

pm_status rt_dep_graph_build(struct rt_dep_graph *g, const uint32_t counts[RT_RES_TYPE_COUNT],
                             const struct rt_dep_edge_def *edges, size_t n_edges, rt_dep_name_fn name_fn,
                             void *ctx, char *err, size_t errcap)
{
	if (g == NULL || counts == NULL || (edges == NULL && n_edges > 0)) {
		return PM_ERR_INVAL;
	}
	if (n_edges > PM_MAX_DEP_EDGES) {
		if (err != NULL && errcap > 0) {
			(void)snprintf(err, errcap, "too many dependency edges (limit PM_MAX_DEP_EDGES)");
		}
		return PM_ERR_NOSPACE;
	}
	memset(g, 0, sizeof(*g));
	/* Count dependencies per node after merging duplicates. */
	uint16_t ndeps[PM_MAX_DEP_NODES] = { 0 };
	uint16_t nrdeps[PM_MAX_DEP_NODES] = { 0 };
	uint8_t keep[PM_MAX_DEP_EDGES] = { 0 };
	for (size_t i = 0; i < n_edges; i++) {
		const struct rt_dep_edge_def *e = &edges[i];
		if (!ref_ok(counts, e->from) || !ref_ok(counts, e->to) || e->kind >= RT_DEP_KIND_COUNT) {
			if (err != NULL && errcap > 0) {
				(void)snprintf(err, errcap, "dependency edge %zu names an unknown resource",
				               i);
			}
			return PM_ERR_NOENT;
		}
		bool dup = false;
		for (size_t j = 0; j < i && !dup; j++) {
			dup = keep[j] && memcmp(&edges[j].from, &e->from, sizeof(e->from)) == 0 &&
			      memcmp(&edges[j].to, &e->to, sizeof(e->to)) == 0;
		}
		if (dup) {
			continue;
		}
		keep[i] = 1;
		ndeps[rt_dep_node_id(e->from.type, e->from.index)]++;
		nrdeps[rt_dep_node_id(e->to.type, e->to.index)]++;
	}
	uint32_t acc = 0;
	uint32_t racc = 0;
	for (uint32_t n = 0; n < PM_MAX_DEP_NODES; n++) {
		g->dep_start[n] = (uint16_t)acc;
		g->rdep_start[n] = (uint16_t)racc;
		acc += ndeps[n];
		racc += nrdeps[n];
	}
	g->dep_start[PM_MAX_DEP_NODES] = (uint16_t)acc;
	g->rdep_start[PM_MAX_DEP_NODES] = (uint16_t)racc;
	g->n_edges = acc;
	uint16_t fill[PM_MAX_DEP_NODES] = { 0 };
	uint16_t rfill[PM_MAX_DEP_NODES] = { 0 };
	for (size_t i = 0; i < n_edges; i++) {
		if (!keep[i]) {
			continue;
		}
		uint32_t f = rt_dep_node_id(edges[i].from.type, edges[i].from.index);
		uint32_t t = rt_dep_node_id(edges[i].to.type, edges[i].to.index);
		uint32_t slot = g->dep_start[f] + fill[f]++;
		g->dep_to[slot] = (uint16_t)t;
		g->dep_kind[slot] = (uint8_t)edges[i].kind;
		g->rdep_from[g->rdep_start[t] + rfill[t]++] = (uint16_t)f;
	}
	/* Kahn: a node is ready when all its dependencies are sorted. Nodes are visited in id order
	 * so the order is deterministic. */
	uint16_t remaining[PM_MAX_DEP_NODES];
	uint16_t queue[PM_MAX_DEP_NODES];
	uint32_t qh = 0;
	uint32_t qt = 0;
	uint32_t present = 0;
	for (uint32_t t = 0; t < RT_RES_TYPE_COUNT; t++) {
		for (uint32_t i = 0; i < counts[t] && i < type_cap[t]; i++) {
			uint32_t n = rt_dep_node_id(t, i);
			remaining[n] = ndeps[n];
			present++;
			if (ndeps[n] == 0) {
				queue[qt++] = (uint16_t)n;
			}
		}
	}
	while (qh < qt) {
		uint32_t n = queue[qh++];
		g->order[g->n_order++] = (uint16_t)n;
		for (uint32_t r = g->rdep_start[n]; r < g->rdep_start[n + 1]; r++) {
			uint32_t d = g->rdep_from[r];
			assert(remaining[d] > 0);
			if (--remaining[d] == 0) {
				assert(qt < PM_MAX_DEP_NODES);
				queue[qt++] = (uint16_t)d;
			}
		}
	}
	if (g->n_order != present) {
		for (uint32_t t = 0; t < RT_RES_TYPE_COUNT; t++) {
			for (uint32_t i = 0; i < counts[t] && i < type_cap[t]; i++) {
				uint32_t n = rt_dep_node_id(t, i);
				if (remaining[n] > 0) {
					name_cycle(g, remaining, n, name_fn, ctx, err, errcap);
					return PM_ERR_INVAL;
				}
			}
		}
		return PM_ERR_INTERNAL;
	}
	return PM_OK;
}

void rt_dep_graph_eval(const struct rt_dep_graph *g, const uint32_t max_impact[RT_DEP_KIND_COUNT],
                       uint32_t propagate, const uint8_t *own, uint8_t *eff, uint8_t *dep_status)
{
	assert(g != NULL && max_impact != NULL && own != NULL && eff != NULL && dep_status != NULL);
	for (uint32_t i = 0; i < g->n_order; i++) {
		uint32_t n = g->order[i];
		uint8_t worst = 0;
		for (uint32_t e = g->dep_start[n]; e < g->dep_start[n + 1]; e++) {
			uint32_t d = g->dep_to[e];
			/* Dependencies come first in the order, so eff[d] is final here. */
			uint8_t arriving = propagate != 0 ? eff[d] : own[d];
			uint32_t cap = max_impact[g->dep_kind[e]];
			if (arriving > cap) {
				arriving = (uint8_t)cap;
			}
			if (arriving > worst) {
				worst = arriving;
			}
		}
		dep_status[n] = worst;
		eff[n] = own[n] > worst ? own[n] : worst;
	}
}

uint32_t rt_dep_graph_affected(const struct rt_dep_graph *g, uint32_t node, uint8_t *affected)
{
	assert(g != NULL && affected != NULL && node < PM_MAX_DEP_NODES);
	memset(affected, 0, PM_MAX_DEP_NODES);
	affected[node] = 1;
	uint32_t count = 1;
	/* Dependents come after their dependencies: one forward pass sees every path from `node`. */
	for (uint32_t i = 0; i < g->n_order; i++) {
		uint32_t n = g->order[i];
		if (affected[n] != 0) {
			continue;
		}
		for (uint32_t e = g->dep_start[n]; e < g->dep_start[n + 1]; e++) {
			if (affected[g->dep_to[e]] != 0) {
				affected[n] = 1;
				count++;
				break;
			}
		}
	}
	return count;
}
