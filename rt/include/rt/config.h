/* The configuration as fixed tables: PICCOLO Scenarios, Packages and Models (HLD §7), the
 * MonitoringConfig blocks (HLD §3-§5) and picmon's own `monitor` block, as plain parsed data. cfg/
 * fills a struct rt_config at init; everything else only reads it. Strings are copied into bounded
 * arrays (NUL-terminated); there is no pointer anywhere, so a table can be copied or compared as bytes. */
#ifndef RT_CONFIG_H
#define RT_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "hal/cpuset.h"
#include "rt/anomaly.h"
#include "rt/job.h"
#include "rt/limits.h"
#include "rt/record.h"
#include "rt/time.h"
#include "rt/units.h"

#define RT_NO_INDEX UINT16_MAX

/* ---- PICCOLO resources ------------------------------------------------------------------------ */

/* enum rt_resource_type (scenario, package, model, node) comes from rt/record.h. */

enum rt_sched_policy {
	RT_SCHED_OTHER = 0, /* SCHED_OTHER; the Schedule's NORMAL */
	RT_SCHED_FIFO = 1,
	RT_SCHED_RR = 2,
};

enum rt_isolation {
	RT_ISOLATION_NONE = 0, /* not given */
	RT_ISOLATION_SHARED = 1,
	RT_ISOLATION_EXCLUSIVE = 2, /* no other exclusive Model may use the same CPU */
};

enum rt_criticality {
	RT_CRIT_UNSPECIFIED = 0,
	RT_CRIT_LOW = 1,
	RT_CRIT_MEDIUM = 2,
	RT_CRIT_HIGH = 3,
	RT_CRIT_MISSION_CRITICAL = 4,
	RT_CRIT_SAFETY_CRITICAL = 5,
};

enum rt_scenario_action {
	RT_ACTION_LAUNCH = 0,
	RT_ACTION_UPDATE,
	RT_ACTION_MODIFY,
	RT_ACTION_NOTIFY,
	RT_ACTION_ROLLBACK,
	RT_ACTION_PAUSE,
	RT_ACTION_RESUME,
};

struct rt_kv {
	char key[PM_MAX_NAME];
	char value[PM_MAX_NAME];
};

struct rt_scenario_cfg {
	char name[PM_MAX_NAME];
	char description[PM_MAX_TEXT];
	char priority[PM_MAX_LABEL]; /* annotations.priority: high / medium / low */
	char function[PM_MAX_NAME];  /* labels.function */
	char category[PM_MAX_LABEL]; /* labels.category */
	enum rt_asil asil;           /* labels.asilLevel (QM when absent) */
	bool asil_given;
	enum rt_scenario_action action;
	uint16_t n_conditions;
	struct rt_kv conditions[PM_MAX_CONDITIONS]; /* spec.condition, in file order */
	uint16_t n_packages;
	uint16_t packages[PM_MAX_PACKAGES_PER_SCENARIO]; /* spec.target.packages -> index into packages[] */
};

enum rt_pattern_type {
	RT_PATTERN_PLAIN = 0,
	RT_PATTERN_SELECTOR = 1,
	RT_PATTERN_DISTRIBUTED = 2,
};

struct rt_package_cfg {
	char name[PM_MAX_NAME];
	char version[PM_MAX_LABEL];
	char description[PM_MAX_TEXT];
	char component[PM_MAX_NAME];
	enum rt_asil asil;
	bool asil_given;
	uint16_t n_types;
	char types[PM_MAX_LABELS][PM_MAX_LABEL]; /* labels.types, e.g. time-critical */
	enum rt_pattern_type pattern;
	uint16_t n_node_selector;
	struct rt_kv node_selector[PM_MAX_CONDITIONS];
	char package_type[PM_MAX_NAME];  /* spec.packageType */
	char category[PM_MAX_LABEL];     /* spec.typeProperties.category */
	enum rt_criticality criticality; /* spec.typeProperties.criticality */
	char lifecycle[PM_MAX_LABEL];    /* spec.typeProperties.lifecycle */
	uint16_t n_models;
	uint16_t models[PM_MAX_MODELS_PER_PACKAGE];               /* spec.models -> index into models[] */
	char model_image[PM_MAX_MODELS_PER_PACKAGE][PM_MAX_PATH]; /* spec.models[].image ("" if absent) */
	char model_node[PM_MAX_MODELS_PER_PACKAGE][PM_MAX_NAME];  /* spec.models[].node ("" if absent) */
};

/* Resource limits summed over spec.containers[].resources.limits; 0 = no limit given. */
struct rt_model_limits {
	uint32_t cpu_millicores;
	uint64_t memory_bytes;
	uint32_t gpu;
};

/* How picmon finds the processes of a Model that does not link the client library. */
enum rt_discovery_kind {
	RT_DISCOVER_CLIENT = 0,  /* the Model attaches itself with pm_attach(name) */
	RT_DISCOVER_CGROUP = 1,  /* every process of this cgroup (path below the cgroup2 mount) */
	RT_DISCOVER_PIDFILE = 2, /* the pid written in this file */
	RT_DISCOVER_COMM = 3,    /* processes whose comm equals this exactly (max 15 chars) */
	RT_DISCOVER_CMDLINE = 4, /* processes whose command line (args joined by ' ') contains this */
};

struct rt_discovery {
	enum rt_discovery_kind kind;
	char value[PM_MAX_PATH];
};

enum rt_escalation {
	RT_ESCALATE_EVENT = 0,   /* report only */
	RT_ESCALATE_SIGNAL = 1,  /* send `signal` to the Model's processes */
	RT_ESCALATE_RESTART = 2, /* stop the processes and run `argv` */
};

struct rt_recovery {
	enum rt_escalation action;
	char signal_name[16]; /* e.g. "SIGTERM" (action signal) */
	int32_t signal_number;
	uint16_t argc; /* recovery command, run without a shell; argv[0] resolved through PATH */
	char argv[PM_MAX_ARGV][PM_MAX_ARG];
	uint32_t max_restarts;    /* restart budget per window */
	pm_ns restart_window_ns;  /* the window of that budget */
	pm_ns backoff_initial_ns; /* first delay before a restart, doubled each time ... */
	pm_ns backoff_max_ns;     /* ... up to this */
};

enum rt_timing_source {
	RT_TIMING_NONE = 0,
	RT_TIMING_MODEL = 1,    /* spec.scheduling */
	RT_TIMING_SCHEDULE = 2, /* a Schedule task of the same name */
	RT_TIMING_BOTH = 3,     /* both, and they agree */
};

struct rt_model_cfg {
	char name[PM_MAX_NAME];
	char version[PM_MAX_LABEL];
	char description[PM_MAX_TEXT];
	char component[PM_MAX_NAME];
	enum rt_asil asil; /* labels.asilLevel, else the strictest of its Packages, else QM */
	bool asil_given;
	char image[PM_MAX_PATH];
	char node[PM_MAX_NAME];
	bool host_network;
	uint16_t n_containers;
	char containers[PM_MAX_CONTAINERS][PM_MAX_NAME];
	struct rt_model_limits limits;
	/* spec.scheduling (or the Schedule task) */
	bool time_critical;
	enum rt_timing_source timing_source;
	struct rt_timing_spec timing; /* period/deadline/budget/priority and supervision tolerance */
	enum rt_sched_policy policy;  /* FIFO unless a Schedule task says otherwise */
	struct hal_cpuset cpus;       /* empty = any CPU */
	enum rt_isolation isolation;
	enum rt_criticality criticality;
	pm_ns release_offset_ns;      /* Schedule release_time */
	char sched_node[PM_MAX_NAME]; /* Schedule node_id */
	/* supervision cycle this Model asks for, by its ASIL (D 5 ms ... QM 1 s) */
	pm_ns supervision_cycle_ns;
	/* from monitor.models[] */
	struct rt_discovery discovery;
	struct rt_recovery recovery;
	uint16_t package; /* first Package that lists it, RT_NO_INDEX if none */
};

/* One task of a `kind: Schedule` document, kept as given (microseconds) for reports. */
struct rt_schedule_task {
	char name[PM_MAX_NAME];
	int32_t priority;
	enum rt_sched_policy policy;
	uint64_t cpu_affinity; /* bit i = CPU i; 0 = any */
	pm_ns period_ns;
	pm_ns release_ns;
	pm_ns runtime_ns;
	pm_ns deadline_ns;
	char node_id[PM_MAX_NAME];
	uint32_t max_dmiss;
	uint16_t model; /* index of the Model of the same name, RT_NO_INDEX if none */
};

/* ---- MonitoringConfig (HLD §3-§5) -------------------------------------------------------------- */

struct rt_state_threshold {
	char state[PM_MAX_NAME];
	pm_ns threshold_ns;
};

/* HLD §3.1 resource_state_monitoring */
struct rt_state_monitoring_cfg {
	bool enabled;
	bool track_state_transitions;
	bool track_time_in_state;
	bool alert_unexpected_transitions;
	bool stuck_states_enabled;
	uint16_t n_stuck;
	struct rt_state_threshold stuck[PM_MAX_STATES];
};

enum rt_quantity_unit {
	RT_QTY_DURATION = 0, /* nanoseconds */
	RT_QTY_PERCENT = 1,  /* basis points (1/100 %) */
	RT_QTY_SIZE = 2,     /* bytes */
	RT_QTY_NUMBER = 3,   /* plain integer */
};

struct rt_metric_threshold {
	char name[PM_MAX_NAME];
	enum rt_quantity_unit unit;
	int64_t warning;
	int64_t critical;
};

/* HLD §3.2 performance_monitoring */
struct rt_performance_cfg {
	pm_ns collection_interval_ns;
	uint16_t n_metrics;
	struct rt_metric_threshold metrics[PM_MAX_METRICS];
};

enum rt_dependency_type_bits {
	RT_DEP_PARENT_CHILD_BIT = 1u << 0,
	RT_DEP_USES_BIT = 1u << 1,
	RT_DEP_REQUIRES_BIT = 1u << 2,
};

enum rt_impact {
	RT_IMPACT_NONE = 0,
	RT_IMPACT_INFO = 1,
	RT_IMPACT_WARNING = 2,
	RT_IMPACT_CRITICAL = 3,
};

struct rt_propagation_rule_cfg {
	char from_state[PM_MAX_NAME];
	enum rt_impact impact;
};

/* A resolved edge: `from` depends on `to` (a failure of `to` impacts `from`). */
struct rt_dependency {
	enum rt_resource_type from_type;
	uint16_t from;
	enum rt_resource_type to_type;
	uint16_t to;
	uint32_t explicit_edge; /* 1 = from dependency_map, 0 = implied by target.packages / spec.models */
};

struct rt_resource_ref {
	enum rt_resource_type type;
	uint16_t index;
};

/* HLD §3.3 + §4.3 dependency_monitoring, with the whole resource graph resolved. */
struct rt_dependency_cfg {
	bool enabled;
	uint32_t types; /* rt_dependency_type_bits */
	bool status_propagation;
	bool impact_analysis;
	uint16_t n_rules;
	struct rt_propagation_rule_cfg rules[PM_MAX_RULES];
	uint16_t n_edges; /* implied and explicit edges */
	struct rt_dependency edges[PM_MAX_DEPENDENCIES];
	/* All resources, dependencies before dependents (models, then what uses them, ...). */
	uint16_t n_topo;
	struct rt_resource_ref topo[PM_MAX_SCENARIOS + PM_MAX_PACKAGES + PM_MAX_MODELS];
};

/* HLD §4.1 resource_monitoring, per resource type (scenario, package, model). */
struct rt_resource_monitoring_cfg {
	bool enabled;
	pm_ns collection_interval_ns;
	uint16_t n_metrics;
	char metrics[PM_MAX_METRICS][PM_MAX_NAME];
};

/* HLD §4.2 state_transition_tracking, per resource type. */
struct rt_state_machine_cfg {
	bool given; /* false: the resource type's built-in machine applies */
	uint16_t n_states;
	char states[PM_MAX_STATES][PM_MAX_NAME];
	bool transitions_given;          /* false: every transition between listed states is allowed */
	uint32_t allowed[PM_MAX_STATES]; /* bit j of allowed[i]: states[i] -> states[j] is expected */
};

struct rt_state_tracking_cfg {
	bool enabled;
	bool transition_history;
	bool transition_duration;
	struct rt_state_machine_cfg machine[RT_RES_TYPE_COUNT];
};

enum rt_anomaly_method_type {
	RT_ANOMALY_STATISTICAL = 0,
	RT_ANOMALY_PATTERN_BASED = 1,
};

/* enum rt_sensitivity (low, medium, high) comes from rt/anomaly.h. */

struct rt_anomaly_method {
	enum rt_anomaly_method_type type;
	enum rt_sensitivity sensitivity;
	pm_ns window_ns; /* window_size */
	uint16_t n_metrics;
	char metrics[PM_MAX_METRICS][PM_MAX_NAME];
};

/* HLD §4.4 anomaly_detection */
struct rt_anomaly_cfg {
	bool enabled;
	uint16_t n_methods;
	struct rt_anomaly_method methods[PM_MAX_ANOMALY_METHODS];
	bool auto_learn;
	pm_ns learning_period_ns;
};

enum rt_value_format {
	RT_VALUE_PROTOBUF = 0,
	RT_VALUE_JSON = 1,
};

/* HLD §5.1 data_storage */
struct rt_storage_cfg {
	uint16_t n_endpoints;
	char endpoints[PM_MAX_ENDPOINTS][PM_MAX_NAME]; /* host:port */
	bool tls_enabled;
	char cert_file[PM_MAX_PATH];
	char key_file[PM_MAX_PATH];
	char ca_file[PM_MAX_PATH];
	char prefix[PM_MAX_PATH];
	char key_resource[PM_MAX_PATH];
	char key_metric[PM_MAX_PATH];
	char key_state[PM_MAX_PATH];
	char key_event[PM_MAX_PATH];
	pm_ns retention_metrics_ns;
	pm_ns retention_events_ns;
	pm_ns retention_state_transitions_ns;
	pm_ns compaction_interval_ns;
	char compaction_policy[PM_MAX_LABEL];
	enum rt_value_format value_format;
};

struct rt_api_cfg {
	char name[PM_MAX_NAME];
	char path[PM_MAX_PATH];
};

/* HLD §5.2 data_access */
struct rt_access_cfg {
	uint16_t n_apis;
	struct rt_api_cfg apis[PM_MAX_APIS];
	bool prefix_search;
	bool range_queries;
	bool transaction_support;
};

/* ---- picmon's own `monitor` block -------------------------------------------------------------- */

struct rt_thread_cfg {
	enum rt_sched_policy policy;
	int32_t priority;       /* 1..99 for FIFO/RR, 0 for OTHER */
	struct hal_cpuset cpus; /* empty = not pinned */
};

struct rt_monitor_cfg {
	struct rt_thread_cfg supervisor;
	struct rt_thread_cfg sampler;
	struct rt_thread_cfg writer;
	pm_ns supervision_tick_ns; /* given, or derived from the strictest ASIL of all Models */
	bool supervision_tick_given;
	char journal_path[PM_MAX_PATH];
	uint64_t journal_max_bytes;
	pm_ns fsync_interval_ns;
	char api_listen[PM_MAX_NAME]; /* host:port */
	char shm_name[PM_MAX_NAME];   /* POSIX shm name, "/picmon" */
};

/* ---- the whole configuration ------------------------------------------------------------------- */

struct rt_config {
	uint16_t n_scenarios;
	uint16_t n_packages;
	uint16_t n_models;
	uint16_t n_tasks;
	struct rt_scenario_cfg scenarios[PM_MAX_SCENARIOS];
	struct rt_package_cfg packages[PM_MAX_PACKAGES];
	struct rt_model_cfg models[PM_MAX_MODELS];
	struct rt_schedule_task tasks[PM_MAX_TASKS];

	bool has_monitoring_config; /* false: every block below holds the HLD defaults */
	struct rt_state_monitoring_cfg state_monitoring;
	struct rt_performance_cfg performance;
	struct rt_dependency_cfg dependency;
	struct rt_resource_monitoring_cfg resource_monitoring[3]; /* scenario, package, model */
	struct rt_state_tracking_cfg state_tracking;
	struct rt_anomaly_cfg anomaly;
	struct rt_storage_cfg storage;
	struct rt_access_cfg access;
	struct rt_monitor_cfg monitor;

	uint16_t n_files;     /* files read */
	uint16_t n_documents; /* non-empty YAML documents */
	uint16_t n_schedules; /* kind: Schedule documents */
};

/* Supervision cycle for an ASIL level (D 5 ms, C 50 ms, B 100 ms, A 500 ms, QM 1 s). */
pm_ns rt_config_cycle_for_asil(enum rt_asil asil);

/* Index of the Model / Package / Scenario called `name`, or RT_NO_INDEX. */
uint16_t rt_config_find_model(const struct rt_config *cfg, const char *name);
uint16_t rt_config_find_package(const struct rt_config *cfg, const char *name);
uint16_t rt_config_find_scenario(const struct rt_config *cfg, const char *name);

/* Names for reports: "scenario", "package", "model", "node"; "FIFO", "RR", "OTHER"; ... */
const char *rt_config_type_name(enum rt_resource_type type);
const char *rt_sched_policy_name(enum rt_sched_policy policy);
const char *rt_escalation_name(enum rt_escalation action);
const char *rt_discovery_kind_name(enum rt_discovery_kind kind);
const char *rt_timing_source_name(enum rt_timing_source source);

#endif
