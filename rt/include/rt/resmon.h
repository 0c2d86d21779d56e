/* The resource monitor (HLD §2, §3, §4): Scenario/Package/Model/Node resources in fixed arrays, fed
 * with observations (Model process and supervision events, orchestrator reports, metric samples),
 * keeping state machines, dependency status and impact, thresholds, anomaly baselines and the HLD §2
 * metrics; every state change and alert leaves as an rt_record through the caller's sink.
 *
 * Records: RT_REC_STATE for every transition (reason = the event name, "derived from its models",
 * "derived from its packages" or "reported by the orchestrator"; expected = 0 when outside the table);
 * RT_REC_EVENT with type "unexpected-transition", "stuck-state"/"stuck-cleared", "threshold"/
 * "threshold-cleared", "anomaly"/"anomaly-cleared", "pattern-anomaly"/"pattern-cleared",
 * "dependency"/"dependency-cleared" (severity: enum rt_severity); RT_REC_METRIC for the derived HLD
 * metrics when they change (executionCount, averageExecutionTime, lastExecutionTime, failureRate,
 * usageCount, loadTime, restartCount, errorCount).
 *
 * Use: rt_resmon_init, configure (rt_resmon_set_*, rt_resmon_add, rt_resmon_add_child), then
 * rt_resmon_start (resolves dependencies; from here no configuration calls), optionally
 * rt_resmon_baseline_load, then feed it. All functions are pure logic: no syscalls, no allocation,
 * bounded loops; time is passed in (CLOCK_MONOTONIC ns). Not thread-safe: one thread owns a monitor
 * (other threads pass it observations through rings); a memcpy of the struct is a consistent snapshot
 * for a reader such as the summary writer. */
#ifndef RT_RESMON_H
#define RT_RESMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/status.h"
#include "rt/anomaly.h"
#include "rt/depgraph.h"
#include "rt/limits.h"
#include "rt/record.h"
#include "rt/record_ring.h"
#include "rt/state_machine.h"
#include "rt/threshold.h"
#include "rt/time.h"

/* Where records go: called synchronously, once per record, from the owning thread. */
struct rt_record_sink {
	void (*emit)(void *ctx, const struct rt_record *rec);
	void *ctx;
};

/* Sink adapter for an rt_record_ring (ctx = the ring); a full ring counts the drop there. */
void rt_record_sink_ring(void *ring, const struct rt_record *rec);

enum rt_alert_kind {
	RT_ALERT_STUCK = 0,      /* stuck state */
	RT_ALERT_THRESHOLD = 1,  /* metric above its warning/critical line */
	RT_ALERT_ANOMALY = 2,    /* metric outside its learned band */
	RT_ALERT_PATTERN = 3,    /* too many state transitions (metric 0) or errors (metric 1) in a window */
	RT_ALERT_DEPENDENCY = 4, /* dependencyStatus Warning/Error */
	RT_ALERT_KIND_COUNT = 5,
};

#define RT_PATTERN_TRANSITIONS 0u
#define RT_PATTERN_ERRORS 1u

struct rt_alert {
	uint8_t active;
	uint8_t kind;     /* enum rt_alert_kind */
	uint8_t severity; /* enum rt_severity */
	uint8_t metric;   /* enum rt_metric for threshold/anomaly, RT_PATTERN_* for pattern */
	pm_ns since;
	char message[RT_REC_TEXT];
};

enum rt_exec_result {
	RT_EXEC_NONE = 0,
	RT_EXEC_SUCCESS = 1,
	RT_EXEC_FAILURE = 2,
};

enum rt_policy {
	RT_POLICY_UNKNOWN = 0,
	RT_POLICY_ALLOWED = 1,
	RT_POLICY_DENIED = 2,
};

struct rt_resource {
	char name[PM_MAX_NAME];
	char version[RT_REC_NAME];
	uint32_t type;
	uint32_t index;
	struct rt_sm_track sm;
	uint32_t n_children;
	uint16_t children[PM_MAX_CHILDREN]; /* scenario: package indices; package: model indices */
	/* latest metric values (HLD units), valid where bit m of metric_have is set */
	double metric[RT_MET_COUNT];
	uint32_t metric_have;
	uint64_t memory_limit_bytes; /* Model: memory limit, 0 = unknown */
	struct rt_threshold_state thr[PM_MAX_THRESHOLDS];
	struct rt_baseline stat[RT_MET_COUNT];
	uint8_t stat_anomalous[RT_MET_COUNT];
	uint8_t stat_normal_run[RT_MET_COUNT];
	struct rt_pattern pattern[2]; /* RT_PATTERN_TRANSITIONS, RT_PATTERN_ERRORS */
	struct rt_alert alerts[PM_MAX_ALERTS];
	uint32_t alerts_overflow; /* alerts raised while every slot was busy (still journaled) */
	uint8_t dep_status;       /* enum rt_dep_status */
	uint8_t own_impact;       /* enum rt_severity of its own state */
	uint8_t eff_impact;       /* own impact combined with what arrives from dependencies */
	uint8_t policy;           /* Scenario: enum rt_policy */
	uint64_t restarts;
	uint64_t errors;
	pm_ns start_mark; /* when it last left OFF/FAILED for STARTING; 0 = not loading */
	pm_ns load_time;  /* last load time (STARTING -> UP), -1 = never measured */
	/* Scenario executions (HLD §2.1): an execution starts when the Scenario leaves inactive/failed,
	 * succeeds when it becomes active (its duration is the execution time) and fails when it fails
	 * before being deactivated. Orchestrator-reported executions add to the same counters. */
	uint64_t exec_count;
	uint64_t exec_failures;
	uint64_t exec_timed;
	pm_ns exec_time_sum;
	pm_ns exec_last;
	pm_ns exec_start;
	uint8_t in_exec;
	uint8_t exec_reached_up;
	uint8_t last_result; /* enum rt_exec_result */
	uint8_t reserved;
	uint64_t usage_count; /* Package: executions of Scenarios that target it */
};

struct rt_resmon {
	uint32_t started;
	uint32_t alert_unexpected; /* resource_state_monitoring.alerting.unexpected_transitions */
	uint32_t alert_stuck;      /* alerting.stuck_states.enabled */
	uint32_t impact_analysis;  /* dependency_monitoring.propagation.impact_analysis */
	struct rt_record_sink sink;
	pm_ns real_offset; /* CLOCK_REALTIME - CLOCK_MONOTONIC, for records and the summary */
	uint64_t records;  /* records emitted */
	struct rt_sm_def sm[RT_RES_TYPE_COUNT];
	uint32_t count[RT_RES_TYPE_COUNT];
	struct rt_resource scenarios[PM_MAX_SCENARIOS];
	struct rt_resource packages[PM_MAX_PACKAGES];
	struct rt_resource models[PM_MAX_MODELS];
	struct rt_resource nodes[PM_MAX_NODES];
	uint32_t n_thresholds;
	struct rt_threshold_spec thresholds[PM_MAX_THRESHOLDS];
	struct rt_anomaly_spec anomaly;
	struct rt_dep_graph_def dep_def;
	struct rt_propagation_def propagation;
	struct rt_dep_graph graph;
	struct rt_dep_edge_def edge_scratch[PM_MAX_DEP_EDGES];
	uint8_t impact_of[RT_RES_TYPE_COUNT][PM_MAX_STATES]; /* propagation rules resolved at start */
	uint32_t moved;                                      /* scratch of one observation: something moved */
	uint8_t changed[PM_MAX_DEP_NODES]; /* scratch of one observation: which nodes moved */
	uint8_t own[PM_MAX_DEP_NODES];
	uint8_t eff[PM_MAX_DEP_NODES];
	uint8_t dep_status[PM_MAX_DEP_NODES];
	uint8_t affected[PM_MAX_DEP_NODES];
};

/* --- configuration (before rt_resmon_start) --- */

/* Defaults everywhere: default state machines, HLD thresholds, anomaly detection, propagation rules,
 * alerting on. `sink.emit` may be NULL (records are then only counted). */
void rt_resmon_init(struct rt_resmon *m, struct rt_record_sink sink);
pm_status rt_resmon_set_sm(struct rt_resmon *m, const struct rt_sm_def *def); /* replaces def->type's */
pm_status rt_resmon_set_thresholds(struct rt_resmon *m, const struct rt_threshold_spec *specs, uint32_t n);
pm_status rt_resmon_set_anomaly(struct rt_resmon *m, const struct rt_anomaly_spec *spec);
pm_status rt_resmon_set_dependencies(struct rt_resmon *m, const struct rt_dep_graph_def *deps,
                                     const struct rt_propagation_def *rules);
/* stuck_states.thresholds: sets the threshold of every machine that has a state of this name (call
 * after rt_resmon_set_sm). PM_ERR_NOENT when no machine has it. */
pm_status rt_resmon_set_stuck(struct rt_resmon *m, const char *state, pm_ns threshold_ns);
void rt_resmon_set_alerting(struct rt_resmon *m, bool unexpected_transitions, bool stuck_states,
                            bool impact_analysis);
/* Adds a resource; its index is *index (dense from 0 per type). Names are unique per type. */
pm_status rt_resmon_add(struct rt_resmon *m, enum rt_resource_type type, const char *name, uint32_t *index);
/* Implicit edges: a Scenario's target Package (parent = scenario) or a Package's Model. */
pm_status rt_resmon_add_child(struct rt_resmon *m, enum rt_resource_type parent_type, uint32_t parent,
                              uint32_t child);
pm_status rt_resmon_set_memory_limit(struct rt_resmon *m, uint32_t model, uint64_t bytes);
pm_status rt_resmon_set_version(struct rt_resmon *m, enum rt_resource_type type, uint32_t index,
                                const char *version);
/* Resolves the dependency graph (cycle: PM_ERR_INVAL, the cycle named in err) and starts tracking
 * every resource in its machine's initial state at `now`. */
pm_status rt_resmon_start(struct rt_resmon *m, pm_ns now, char *err, size_t errcap);

/* --- any time --- */
void rt_resmon_set_clock_offset(struct rt_resmon *m, pm_ns realtime_minus_monotonic);
pm_status rt_resmon_find(const struct rt_resmon *m, enum rt_resource_type type, const char *name,
                         uint32_t *index);
const struct rt_resource *rt_resmon_get(const struct rt_resmon *m, enum rt_resource_type type,
                                        uint32_t index);
const char *rt_resmon_state_name(const struct rt_resmon *m, enum rt_resource_type type, uint32_t index);

/* --- observations (after rt_resmon_start) --- */

/* A Model observation (process appeared/running/exited/crashed/restarted/hung, supervision status
 * OK/FAILED/EXPIRED). Moves the Model by its table, then re-derives its Packages and their
 * Scenarios. Feed supervision status on change, not every tick (each FAILED/EXPIRED counts an error). */
pm_status rt_resmon_model_event(struct rt_resmon *m, uint32_t model, enum rt_sm_event ev, pm_ns now);
/* A state reported by an orchestrator (REST API): any resource type, state by name. A transition
 * outside the table is made, counted and alerted. PM_ERR_NOENT for a state the machine lacks. A
 * Package or Scenario keeps a reported state until one of its Models/Packages moves, when it is
 * derived again (a reported state of the same class is kept: deploying stays deploying while its
 * Models load). */
pm_status rt_resmon_report_state(struct rt_resmon *m, enum rt_resource_type type, uint32_t index,
                                 const char *state, pm_ns now);
pm_status rt_resmon_report_policy(struct rt_resmon *m, uint32_t scenario, enum rt_policy policy);
/* A metric sample in its HLD unit (enum rt_metric). Checks thresholds and anomaly baselines. A Model's
 * RT_MET_MEMORY_MB also yields RT_MET_MEMORY_USAGE (%) when its limit is known. */
pm_status rt_resmon_observe_metric(struct rt_resmon *m, enum rt_resource_type type, uint32_t index,
                                   enum rt_metric metric, double value, pm_ns now);
/* An error of a resource (for error_counts); Model crash/hang/supervision failures count already. */
pm_status rt_resmon_observe_error(struct rt_resmon *m, enum rt_resource_type type, uint32_t index, pm_ns now);
/* An execution of a Scenario reported from outside (duration < 0 = not timed). */
pm_status rt_resmon_scenario_execution(struct rt_resmon *m, uint32_t scenario, pm_ns duration, bool success,
                                       pm_ns now);
/* One observation as plain data, so that a thread that does not own the monitor (the supervisor)
 * can pass it through an SPSC ring to the owner, which applies it with rt_resmon_apply. */
enum rt_obs_kind {
	RT_OBS_MODEL_EVENT = 1, /* code: enum rt_sm_event (type must be RT_RES_MODEL) */
	RT_OBS_METRIC = 2,      /* code: enum rt_metric, value */
	RT_OBS_ERROR = 3,
	RT_OBS_EXECUTION = 4, /* Scenario execution: duration, value != 0 = success */
};

struct rt_resmon_obs {
	uint32_t kind;  /* enum rt_obs_kind */
	uint32_t type;  /* enum rt_resource_type */
	uint32_t index; /* resource index within its type */
	uint32_t code;
	double value;
	pm_ns at; /* CLOCK_MONOTONIC of the observation */
	pm_ns duration;
};

pm_status rt_resmon_apply(struct rt_resmon *m, const struct rt_resmon_obs *obs);

/* Periodic work: stuck states, pattern windows. Call at least once per second. */
void rt_resmon_tick(struct rt_resmon *m, pm_ns now);

/* Impact analysis: the Scenarios affected by a resource (those that depend on it, directly or
 * through packages and explicit edges), in one pass. Writes up to cap indices; *n gets how many
 * there are in total. */
pm_status rt_resmon_affected_scenarios(struct rt_resmon *m, enum rt_resource_type type, uint32_t index,
                                       uint32_t *out, uint32_t cap, uint32_t *n);

/* --- summary (HLD §2/§7 field names) --- */

/* Buffer size for rt_resmon_summary_json that holds a full configuration: every capacity of
 * rt/limits.h used, full transition rings, every metric set measured 453 KB; names and alert texts
 * are bounded, so 1 MiB leaves room. */
#define RT_RESMON_SUMMARY_SIZE (1u << 20)

/* Writes {"scenarios":[...],"packages":[...],"models":[...],"nodes":[...]}: for each resource name,
 * state, since (epoch ms), timeInState (ms per state), transitionCount, transitions [{from, to, at,
 * duration}] (ms), unexpectedTransitions, dependencyStatus, dependencyDetails [{resourceType,
 * resourceName, status}], alerts [{type, severity, since, message}] and metrics (HLD §2 of its type).
 * PM_ERR_NOSPACE when cap is too small (buf then holds ""). */
pm_status rt_resmon_summary_json(const struct rt_resmon *m, pm_ns now, char *buf, size_t cap, size_t *len);
/* One resource's object (the same fields), e.g. for GetResourceState. */
pm_status rt_resmon_resource_json(const struct rt_resmon *m, enum rt_resource_type type, uint32_t index,
                                  pm_ns now, char *buf, size_t cap, size_t *len);
const char *rt_resource_type_name(enum rt_resource_type type); /* "Scenario", "Package", "Model", "Node" */

/* --- learned baselines across restarts --- */

#define RT_BASELINE_ENTRY_SIZE 116u
#define RT_BASELINE_BLOB_MAX (16u + (PM_MAX_DEP_NODES) * (RT_MET_COUNT + 2u) * RT_BASELINE_ENTRY_SIZE + 4u)

/* Serializes every learned or learning baseline (statistical and pattern) keyed by resource type,
 * resource name and series, little-endian, with a CRC-32. */
pm_status rt_resmon_baseline_save(const struct rt_resmon *m, uint8_t *buf, size_t cap, size_t *len);
/* Restores baselines saved by rt_resmon_baseline_save, after rt_resmon_start. Entries of resources
 * no longer configured are skipped and counted in *skipped (may be NULL). PM_ERR_CORRUPT on a bad
 * checksum, magic or length: then nothing is restored. */
pm_status rt_resmon_baseline_load(struct rt_resmon *m, const uint8_t *buf, size_t len, uint32_t *skipped);

#endif
