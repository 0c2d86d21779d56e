/* Dependency graph of resources (HLD §3.3, §4.3): dependency_map edges plus the implicit
 * scenario -> package -> model edges, resolved at start into index arrays in topological order
 * (dependencies before dependents). Status propagation and impact analysis are single passes. */
#ifndef RT_DEPGRAPH_H
#define RT_DEPGRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "hal/status.h"
#include "rt/limits.h"
#include "rt/record.h"
#include "rt/state_machine.h"

enum rt_dep_kind {
	RT_DEP_PARENT_CHILD = 0, /* implicit: scenario -> target package, package -> model */
	RT_DEP_USES = 1,
	RT_DEP_REQUIRES = 2,
	RT_DEP_KIND_COUNT = 3,
};

/* dependencyStatus of the HLD: OK / Warning / Error (numerically equal to enum rt_severity). */
enum rt_dep_status {
	RT_DEP_OK = 0,
	RT_DEP_WARNING = 1,
	RT_DEP_ERROR = 2,
};

struct rt_res_ref {
	uint16_t type;  /* enum rt_resource_type */
	uint16_t index; /* index within that type, as the resource monitor numbers them */
};

/* `from` depends on `to`. */
struct rt_dep_edge_def {
	struct rt_res_ref from;
	struct rt_res_ref to;
	uint32_t kind; /* enum rt_dep_kind */
};

/* dependency_monitoring from configuration. */
struct rt_dep_graph_def {
	uint32_t n_edges;
	struct rt_dep_edge_def edges[PM_MAX_DEPENDENCIES]; /* dependency_map */
	uint32_t status_propagation;                       /* propagation.status_propagation */
	/* Highest severity that travels along an edge kind (enum rt_severity): RT_SEV_INFO disables
	 * propagation along that kind (a kind missing from dependency_types). */
	uint32_t max_impact[RT_DEP_KIND_COUNT];
};

struct rt_propagation_rule {
	char from_state[RT_REC_NAME]; /* a state name or a class name ("failed", "degraded") */
	uint32_t impact;              /* enum rt_severity */
};

struct rt_propagation_def {
	uint32_t n_rules;
	struct rt_propagation_rule rules[PM_MAX_PROPAGATION_RULES];
};

/* Defaults: all three kinds, propagation on, no explicit edges. */
void rt_dep_graph_def_default(struct rt_dep_graph_def *out);
/* HLD §4.3: failed -> critical, degraded -> warning; plus unknown -> warning so a hung Model is seen. */
void rt_propagation_default(struct rt_propagation_def *out);
pm_status rt_propagation_add(struct rt_propagation_def *p, const char *from_state, uint32_t impact);
/* Impact of a resource in `state` of class `cls`: the highest matching rule, RT_SEV_INFO if none. */
uint32_t rt_propagation_impact(const struct rt_propagation_def *p, const char *state,
                               enum rt_state_class cls);

pm_status rt_dep_kind_from_name(const char *name, enum rt_dep_kind *out);
const char *rt_dep_status_name(enum rt_dep_status s); /* "OK", "Warning", "Error" */

/* Node ids: every type has a fixed base, so an id never changes with the number of resources. */
uint32_t rt_dep_node_id(uint32_t type, uint32_t index);
struct rt_res_ref rt_dep_node_ref(uint32_t node);

/* Names for error messages: "type/name". */
typedef const char *(*rt_dep_name_fn)(void *ctx, struct rt_res_ref ref);

struct rt_dep_graph {
	uint32_t n_edges;
	uint32_t n_order;
	uint16_t order[PM_MAX_DEP_NODES];         /* present nodes, dependencies first */
	uint16_t dep_start[PM_MAX_DEP_NODES + 1]; /* CSR: dependencies of node n are dep_to[dep_start[n]..] */
	uint16_t dep_to[PM_MAX_DEP_EDGES];
	uint8_t dep_kind[PM_MAX_DEP_EDGES];
	uint16_t rdep_start[PM_MAX_DEP_NODES + 1]; /* CSR: dependents of node n */
	uint16_t rdep_from[PM_MAX_DEP_EDGES];
};

_Static_assert(PM_MAX_DEP_EDGES < 65535, "dependency edge ids are 16-bit");

/* Resolves edges over counts[type] resources per type. Duplicate edges are merged (the first kind
 * wins); an unknown endpoint is PM_ERR_NOENT, a cycle PM_ERR_INVAL with the cycle written into err as
 * "a -> b -> a" (names from name_fn, may be NULL). */
pm_status rt_dep_graph_build(struct rt_dep_graph *g, const uint32_t counts[RT_RES_TYPE_COUNT],
                             const struct rt_dep_edge_def *edges, size_t n_edges, rt_dep_name_fn name_fn,
                             void *ctx, char *err, size_t errcap);

/* One pass in topological order. own[n]: impact of node n's own state (enum rt_severity). eff[n] gets
 * max(own, impact arriving from its dependencies), dep_status[n] the worst impact arriving from its
 * direct dependencies (enum rt_dep_status). With propagate == 0 only direct own impacts count. */
void rt_dep_graph_eval(const struct rt_dep_graph *g, const uint32_t max_impact[RT_DEP_KIND_COUNT],
                       uint32_t propagate, const uint8_t *own, uint8_t *eff, uint8_t *dep_status);

/* Impact analysis: marks in affected[] (PM_MAX_DEP_NODES entries) every node that depends, directly
 * or not, on `node` (node itself included); returns how many were marked. One pass. */
uint32_t rt_dep_graph_affected(const struct rt_dep_graph *g, uint32_t node, uint8_t *affected);

#endif
