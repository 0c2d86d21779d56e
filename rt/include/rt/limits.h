/* Every capacity of picmon, in one place: fixed tables are sized from these at compile time, and a
 * configuration that exceeds one is rejected at load with the name of the limit. */
#ifndef RT_LIMITS_H
#define RT_LIMITS_H

#define PM_MAX_MODELS 64
#define PM_MAX_PACKAGES 32
#define PM_MAX_SCENARIOS 16
#define PM_MAX_MODELS_PER_PACKAGE 16
#define PM_MAX_PACKAGES_PER_SCENARIO 16
#define PM_MAX_DEPENDENCIES 256        /* explicit dependency_map edges */
#define PM_MAX_PROCESSES 4096          /* processes the sampler tracks at once */
#define PM_MAX_PROCS_PER_MODEL 32      /* processes attributed to one Model */
#define PM_MAX_THREADS_PER_MODEL 64    /* threads whose schedstat is kept per Model */
#define PM_MAX_CPUS 256                /* CPU ids 0..255: the Schedule's bitmask covers 0..63 */
#define PM_MAX_STATES 16               /* states of one resource type's state machine */
#define PM_MAX_EVENTS 16               /* events of one resource type's state machine */
#define PM_HISTORY_DEPTH 32            /* transition history ring per resource */
#define PM_MAX_NAME 64                 /* resource names, incl. the terminating NUL */
#define PM_MAX_PATH 256                /* paths, incl. the terminating NUL */
#define PM_MAX_ARGV 16                 /* recovery command arguments */
#define PM_MAX_ARG 128                 /* one recovery command argument, incl. NUL */
#define PM_MAX_ENDPOINTS 8             /* etcd endpoints */
#define PM_MAX_METRICS 16              /* metrics per resource type / anomaly method */
#define PM_JOB_RING_SIZE 256           /* job records per Model slot (power of two) */
#define PM_RECORD_RING_SIZE 8192       /* records per RT-thread -> writer ring (power of two) */
#define PM_HISTOGRAM_BUCKETS 32        /* response/execution time histogram buckets */
#define PM_MAX_THREADS_PER_PROCESS 256 /* threads one affinity/policy change or analysis covers */
#define PM_MAX_CACHES_PER_CPU 8        /* cache indexes per CPU in the topology (L1d, L1i, L2, L3, ...) */
#define PM_MAX_NETDEV 32               /* network interfaces read from /proc/net/dev */
#define PM_PROC_CLASS_WINDOW 16        /* samples in the rolling window of the process classifier */

_Static_assert((PM_JOB_RING_SIZE & (PM_JOB_RING_SIZE - 1)) == 0, "PM_JOB_RING_SIZE: power of two");
_Static_assert((PM_RECORD_RING_SIZE & (PM_RECORD_RING_SIZE - 1)) == 0, "PM_RECORD_RING_SIZE: power of two");
_Static_assert(PM_MAX_CPUS >= 64, "PM_MAX_CPUS must cover the Schedule's 64-bit cpu_affinity mask");

#endif
