/* Every capacity of picmon, in one place: fixed tables are sized from these at compile time, and a
 * configuration that exceeds one is rejected at load with the name of the limit. */
#ifndef RT_LIMITS_H
#define RT_LIMITS_H

#define PM_MAX_MODELS 64
#define PM_MAX_PACKAGES 32
#define PM_MAX_SCENARIOS 16
#define PM_MAX_MODELS_PER_PACKAGE 16
#define PM_MAX_PACKAGES_PER_SCENARIO 16
#define PM_MAX_DEPENDENCIES 256     /* explicit dependency_map edges */
#define PM_MAX_PROCESSES 4096       /* processes the sampler tracks at once */
#define PM_MAX_PROCS_PER_MODEL 32   /* processes attributed to one Model */
#define PM_MAX_THREADS_PER_MODEL 64 /* threads whose schedstat is kept per Model */
#define PM_MAX_CPUS 256             /* CPU ids 0..255: the Schedule's bitmask covers 0..63 */
#define PM_MAX_STATES 16            /* states of one resource type's state machine */
#define PM_MAX_EVENTS 16            /* events of one resource type's state machine */
#define PM_HISTORY_DEPTH 32         /* transition history ring per resource */
#define PM_MAX_NAME 64              /* resource names, incl. the terminating NUL */
#define PM_MAX_PATH 256             /* paths, incl. the terminating NUL */
#define PM_MAX_ARGV 16              /* recovery command arguments */
#define PM_MAX_ARG 128              /* one recovery command argument, incl. NUL */
#define PM_MAX_ENDPOINTS 8          /* etcd endpoints */
#define PM_MAX_METRICS 16           /* metrics per resource type / anomaly method */
#define PM_JOB_RING_SIZE 256        /* job records per Model slot (power of two) */
#define PM_RECORD_RING_SIZE 8192    /* records per RT-thread -> writer ring (power of two) */
#define PM_HISTOGRAM_SUB_BITS 3     /* each doubling of a duration histogram split in 2^3 buckets */
#define PM_HISTOGRAM_OCTAVES 30     /* doublings from 1.024 us: up to 2^40 ns (about 1100 s) */
#define PM_HISTOGRAM_BUCKETS (2 + (PM_HISTOGRAM_OCTAVES << PM_HISTOGRAM_SUB_BITS)) /* + below, above */
#define PM_MAX_SUP_TOLERANCE 64 /* max_violations a Model may tolerate per supervision window */
#define PM_MAX_SUP_REPORTS 64   /* violation records one supervisor call emits at most (rest coalesced) */
#define PM_MAX_RESTARTS_PER_WINDOW 32 /* restart budget per recovery window */

/* Resource states, dependencies and alerts (rt/state_machine.h, rt/depgraph.h, rt/resmon.h). */
#define PM_MAX_NODES 4             /* Node resources (the machine itself, the monitor) */
#define PM_MAX_CHILDREN 16         /* implicit children of a Scenario (Packages) or Package (Models) */
#define PM_MAX_PROPAGATION_RULES 8 /* impact_analysis.propagation_rules */
#define PM_MAX_ALERTS 8            /* active alerts kept per resource (more are still journaled) */
#define PM_MAX_THRESHOLDS 16       /* performance_monitoring.metrics with thresholds */
/* Every resource is a node of the dependency graph; implicit scenario->package->model edges come on
 * top of the explicit dependency_map edges. */
#define PM_MAX_DEP_NODES (PM_MAX_SCENARIOS + PM_MAX_PACKAGES + PM_MAX_MODELS + PM_MAX_NODES)
#define PM_MAX_DEP_EDGES                                                                                     \
	(PM_MAX_DEPENDENCIES + PM_MAX_SCENARIOS * PM_MAX_PACKAGES_PER_SCENARIO +                             \
	 PM_MAX_PACKAGES * PM_MAX_MODELS_PER_PACKAGE)
#define PM_MAX_TEXT 128                        /* descriptions, incl. NUL */
#define PM_MAX_LABEL 32                        /* short labels (priority, category, version), incl. NUL */
#define PM_MAX_LABELS 8                        /* labels.types entries of a Package */
#define PM_MAX_CONDITIONS 8                    /* Scenario spec.condition / Package nodeSelector entries */
#define PM_MAX_CONTAINERS 8                    /* spec.containers of a Model */
#define PM_MAX_RULES 8                         /* dependency propagation rules */
#define PM_MAX_ANOMALY_METHODS 4               /* anomaly_detection methods */
#define PM_MAX_APIS 8                          /* data_access apis */
#define PM_MAX_CONFIG_FILES 64                 /* files one `-c` list may expand to */
#define PM_MAX_CONFIG_FILE_BYTES (1024 * 1024) /* one YAML file */
#define PM_MAX_DOCUMENTS 256                   /* YAML documents over all files */
#define PM_MAX_TASKS 64                        /* tasks of all kind: Schedule documents */
#define PM_MAX_METRIC_KEYS 1024 /* distinct (resource, metric) keys coalesced by the journal writer */

/* The HAL: topology, network devices, threads sampled per process, classifier window. */
#define PM_MAX_THREADS_PER_PROCESS 256 /* threads one affinity/policy change or analysis covers */
#define PM_MAX_CACHES_PER_CPU 8        /* cache indexes per CPU in the topology (L1d, L1i, L2, L3, ...) */
#define PM_MAX_NETDEV 32               /* network interfaces read from /proc/net/dev */
#define PM_PROC_CLASS_WINDOW 16        /* samples in the rolling window of the process classifier */

_Static_assert((PM_JOB_RING_SIZE & (PM_JOB_RING_SIZE - 1)) == 0, "PM_JOB_RING_SIZE: power of two");
_Static_assert((PM_RECORD_RING_SIZE & (PM_RECORD_RING_SIZE - 1)) == 0, "PM_RECORD_RING_SIZE: power of two");
_Static_assert(PM_MAX_CPUS >= 64, "PM_MAX_CPUS must cover the Schedule's 64-bit cpu_affinity mask");

_Static_assert(PM_MAX_CHILDREN >= PM_MAX_MODELS_PER_PACKAGE &&
                   PM_MAX_CHILDREN >= PM_MAX_PACKAGES_PER_SCENARIO,
               "PM_MAX_CHILDREN covers both implicit edge kinds");
_Static_assert(PM_MAX_STATES <= 32, "state machine transition masks are 32-bit");
_Static_assert(PM_MAX_DEP_NODES < 65535, "dependency graph node ids are 16-bit");

#endif
