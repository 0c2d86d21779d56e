/* System-wide measures: /proc/stat, meminfo, loadavg, vmstat, PSI, /proc/net/dev (kept open and
 * re-read with pread), the CPU topology from /sys (read once), and cgroup v2 controller files.
 * Not reentrant: the readers share one 64 KiB text buffer, so one thread (the sampler) calls them. */
#ifndef HAL_SYSINFO_H
#define HAL_SYSINFO_H

#include <stdint.h>

#include "hal/cpuset.h"
#include "hal/proc.h"
#include "hal/procparse.h"
#include "hal/status.h"
#include "rt/limits.h"

enum hal_psi_resource {
	HAL_PSI_CPU = 0,
	HAL_PSI_MEMORY = 1,
	HAL_PSI_IO = 2,
	HAL_PSI_COUNT = 3,
};

/* Kept-open system files; an fd of -1 means the file is absent (e.g. no PSI on this kernel). */
struct hal_sysinfo {
	int stat_fd;
	int meminfo_fd;
	int loadavg_fd;
	int vmstat_fd;
	int netdev_fd;
	int psi_fd[HAL_PSI_COUNT];
};

/* Opens the files under fs's root. /proc/stat and /proc/meminfo are required; the rest optional. */
pm_status hal_sysinfo_open(const struct hal_procfs *fs, struct hal_sysinfo *si);
void hal_sysinfo_close(struct hal_sysinfo *si);

pm_status hal_sysinfo_cpu_times(struct hal_sysinfo *si, struct hal_cpu_times *out);
pm_status hal_sysinfo_meminfo(struct hal_sysinfo *si, struct hal_meminfo *out);
pm_status hal_sysinfo_loadavg(struct hal_sysinfo *si, struct hal_loadavg *out);
pm_status hal_sysinfo_vmstat(struct hal_sysinfo *si, struct hal_vmstat *out);
pm_status hal_sysinfo_netdev(struct hal_sysinfo *si, struct hal_netdev_table *out);
/* PM_ERR_UNSUPPORTED when the kernel has no PSI (or it is disabled). */
pm_status hal_sysinfo_psi(struct hal_sysinfo *si, enum hal_psi_resource res, struct hal_psi *out);

#define HAL_MAX_CACHES PM_MAX_CACHES_PER_CPU
#define HAL_CACHE_TYPE_MAX 12

struct hal_cache {
	uint32_t level;
	char type[HAL_CACHE_TYPE_MAX]; /* "Data", "Instruction", "Unified" */
	uint64_t size_bytes;           /* 0 when /sys does not say */
	struct hal_cpuset shared;      /* CPUs sharing this cache */
};

struct hal_cpu_topo {
	int32_t package;            /* physical_package_id, -1 unknown */
	int32_t core;               /* core_id, -1 unknown */
	int32_t node;               /* NUMA node, 0 when the kernel has no NUMA */
	uint32_t max_khz;           /* cpufreq cpuinfo_max_freq, 0 unknown */
	struct hal_cpuset siblings; /* thread siblings (SMT), including itself */
	uint32_t ncaches;
	struct hal_cache cache[HAL_MAX_CACHES];
};

struct hal_topology {
	struct hal_cpuset online;
	struct hal_cpuset present;
	uint32_t ncpus;  /* online count */
	uint32_t nnodes; /* NUMA nodes with CPUs */
	struct hal_cpu_topo cpu[PM_MAX_CPUS];
};

/* Reads the topology of the online CPUs from <root>/sys/devices/system/{cpu,node}. Files that a
 * kernel or an architecture lacks (cpufreq under QEMU, cache on some ARM cores) leave the
 * documented "unknown" values rather than failing. */
pm_status hal_topology_read(const struct hal_procfs *fs, struct hal_topology *out);

/* cgroup v2 controller files of one group. */
struct hal_cgroup_stats {
	struct hal_cgroup_cpu_stat cpu;
	uint64_t memory_current; /* bytes */
	uint64_t memory_max;     /* bytes; UINT64_MAX for "max" */
	uint64_t pids_current;
	uint32_t valid; /* HAL_CGROUP_* bits read */
};
enum {
	HAL_CGROUP_CPU = 1u << 0,
	HAL_CGROUP_MEMORY_CURRENT = 1u << 1,
	HAL_CGROUP_MEMORY_MAX = 1u << 2,
	HAL_CGROUP_PIDS = 1u << 3,
};

/* Finds the cgroup2 mount point from <root>/proc/self/mountinfo (or "sys/fs/cgroup" for a recorded
 * tree that has sys/fs/cgroup/cgroup.controllers). Writes it relative to the root, without a
 * leading '/'. PM_ERR_NOENT when no cgroup v2 hierarchy is mounted. */
pm_status hal_cgroup_mount(const struct hal_procfs *fs, char *buf, size_t cap);

/* Reads the controller files of the group `path` (as in /proc/PID/cgroup) below the mount point.
 * Controllers not enabled for the group are left out of `valid`; PM_ERR_NOENT when the group has
 * none of them. */
pm_status hal_cgroup_read(const struct hal_procfs *fs, const char *mount, const char *path,
                          struct hal_cgroup_stats *out);

#endif
