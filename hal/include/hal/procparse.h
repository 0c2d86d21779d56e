/* Pure parsers of the text the kernel exposes in /proc and /sys. No I/O, no allocation, no locale:
 * each takes a buffer and its length (not NUL-terminated), fills a caller-owned struct, and returns
 * PM_ERR_PARSE when the text does not have the expected form. Fuzzed (tests/fuzz/fuzz_*.c). */
#ifndef HAL_PROCPARSE_H
#define HAL_PROCPARSE_H

#include <stddef.h>
#include <stdint.h>

#include "hal/cpuset.h"
#include "hal/status.h"
#include "rt/limits.h"

#define HAL_COMM_MAX 64 /* comm incl. NUL; the kernel's limit is 16, fixtures may be longer */

/* /proc/PID/stat and /proc/PID/task/TID/stat (proc(5) field numbers in comments). */
struct hal_proc_stat {
	int32_t pid;             /* 1 */
	char comm[HAL_COMM_MAX]; /* 2, without the parentheses; may contain spaces and ')' */
	char state;              /* 3: R S D Z T t X I (W K P on old kernels) */
	int32_t ppid;            /* 4 */
	int32_t pgrp;            /* 5 */
	int32_t session;         /* 6 */
	int32_t tty_nr;          /* 7 */
	int32_t tpgid;           /* 8 */
	uint64_t minflt;         /* 10 */
	uint64_t majflt;         /* 12 */
	uint64_t utime;          /* 14, clock ticks */
	uint64_t stime;          /* 15, clock ticks */
	int64_t cutime;          /* 16 */
	int64_t cstime;          /* 17 */
	int32_t priority;        /* 18 */
	int32_t nice;            /* 19 */
	int32_t num_threads;     /* 20 */
	uint64_t starttime;      /* 22, clock ticks after boot: with pid, the identity of a process */
	uint64_t vsize;          /* 23, bytes */
	int64_t rss_pages;       /* 24 */
	int32_t processor;       /* 39: CPU it last ran on (-1 when the line is too short) */
	uint32_t rt_priority;    /* 40 */
	uint32_t policy;         /* 41 */
	uint64_t blkio_ticks;    /* 42 */
};

/* Parses one stat line; comm is taken between the first '(' and the LAST ')'. Fields after
 * starttime (23..) are optional for old kernels and default to 0 / processor -1. */
pm_status hal_parse_stat(const char *buf, size_t len, struct hal_proc_stat *out);

/* Bits of hal_proc_status.present. */
enum {
	HAL_STATUS_VMRSS = 1u << 0,
	HAL_STATUS_VMSIZE = 1u << 1,
	HAL_STATUS_VMDATA = 1u << 2,
	HAL_STATUS_VMSTK = 1u << 3,
	HAL_STATUS_CTXSW = 1u << 4,
	HAL_STATUS_UID = 1u << 5,
	HAL_STATUS_THREADS = 1u << 6,
};

/* /proc/PID/status: the fields picmon uses. Kernel threads and zombies have no Vm* lines: their
 * bits stay clear in `present` and the values stay 0. */
struct hal_proc_status {
	uint64_t vm_rss_kb;
	uint64_t vm_size_kb;
	uint64_t vm_data_kb; /* heap and other private data */
	uint64_t vm_stk_kb;
	uint64_t voluntary_ctxt_switches;
	uint64_t nonvoluntary_ctxt_switches;
	uint32_t uid;  /* real */
	uint32_t euid; /* effective */
	uint32_t threads;
	uint32_t present;
};

pm_status hal_parse_status(const char *buf, size_t len, struct hal_proc_status *out);

/* Where the wanted lines of one process's status file were found last time (byte offsets, 0 for
 * unknown). The next read of that file tries them first: each guess is taken only when a line of
 * that key starts there, so a stale one costs a search, never a wrong value. Start zeroed. */
enum {
	HAL_STATUS_AT_UID,
	HAL_STATUS_AT_VMSIZE,
	HAL_STATUS_AT_VMRSS,
	HAL_STATUS_AT_VMDATA,
	HAL_STATUS_AT_VMSTK,
	HAL_STATUS_AT_THREADS,
	HAL_STATUS_AT_SWITCHES,
	HAL_STATUS_AT_COUNT
};
struct hal_status_hints {
	uint16_t at[HAL_STATUS_AT_COUNT];
};

/* hal_parse_status with the hints of the same file's previous read, updated for the next one. The
 * result equals hal_parse_status's on any text where no wanted key starts two lines. */
pm_status hal_parse_status_hinted(const char *buf, size_t len, struct hal_status_hints *hints,
                                  struct hal_proc_status *out);

/* /proc/PID/io (readable for own processes or with CAP_SYS_PTRACE). */
struct hal_proc_io {
	uint64_t rchar;
	uint64_t wchar;
	uint64_t syscr;
	uint64_t syscw;
	uint64_t read_bytes;
	uint64_t write_bytes;
	uint64_t cancelled_write_bytes;
};

pm_status hal_parse_io(const char *buf, size_t len, struct hal_proc_io *out);

/* /proc/PID/task/TID/schedstat: "on-CPU-ns run-queue-wait-ns timeslices". */
struct hal_schedstat {
	uint64_t run_ns;
	uint64_t wait_ns;
	uint64_t timeslices;
};

pm_status hal_parse_schedstat(const char *buf, size_t len, struct hal_schedstat *out);

/* /proc/PID/sched (CONFIG_SCHED_DEBUG): se.nr_migrations and the switch counts. */
struct hal_proc_sched {
	uint64_t nr_migrations;
	uint64_t nr_switches;
};

pm_status hal_parse_sched(const char *buf, size_t len, struct hal_proc_sched *out);

/* /proc/meminfo, in kB. `present` has bit i set when field i (declaration order) was found. */
struct hal_meminfo {
	uint64_t mem_total_kb;
	uint64_t mem_free_kb;
	uint64_t mem_available_kb;
	uint64_t buffers_kb;
	uint64_t cached_kb;
	uint64_t swap_total_kb;
	uint64_t swap_free_kb;
	uint64_t shmem_kb;
	uint64_t sreclaimable_kb;
	uint32_t present;
};

pm_status hal_parse_meminfo(const char *buf, size_t len, struct hal_meminfo *out);

/* One "cpu" line of /proc/stat, in clock ticks. */
struct hal_cpu_ticks {
	uint64_t user, nice, system, idle, iowait, irq, softirq, steal;
};

/* /proc/stat: the aggregate line, one line per CPU (indexed by CPU id), and the counters. */
struct hal_cpu_times {
	struct hal_cpu_ticks total;
	struct hal_cpu_ticks cpu[PM_MAX_CPUS];
	struct hal_cpuset present; /* CPUs that had a line */
	uint32_t ncpu_lines;
	uint64_t ctxt;
	uint64_t btime;
	uint64_t processes;
	uint32_t procs_running;
	uint32_t procs_blocked;
};

pm_status hal_parse_proc_stat(const char *buf, size_t len, struct hal_cpu_times *out);

/* Sum of all fields of a tick line and its busy part (everything but idle and iowait). */
uint64_t hal_cpu_ticks_total(const struct hal_cpu_ticks *t);
uint64_t hal_cpu_ticks_busy(const struct hal_cpu_ticks *t);

/* The number reader behind every parser here: blanks, then an unsigned decimal of at least one
 * digit; overflow is PM_ERR_PARSE. *used is the bytes consumed. Public so that tests and the fuzzer
 * can hold its word-at-a-time paths against a digit-by-digit reading. */
pm_status hal_parse_u64(const char *buf, size_t len, uint64_t *out, size_t *used);

/* /proc/loadavg: "0.10 0.20 0.30 2/345 6789". */
struct hal_loadavg {
	double load1, load5, load15;
	uint32_t runnable;
	uint32_t total;
	int32_t last_pid;
};

pm_status hal_parse_loadavg(const char *buf, size_t len, struct hal_loadavg *out);

/* /proc/vmstat: the counters a monitor watches. Missing keys stay 0. */
struct hal_vmstat {
	uint64_t pgfault;
	uint64_t pgmajfault;
	uint64_t pswpin;
	uint64_t pswpout;
	uint64_t pgpgin;
	uint64_t pgpgout;
	uint64_t oom_kill;
};

pm_status hal_parse_vmstat(const char *buf, size_t len, struct hal_vmstat *out);

/* A PSI file (/proc/pressure/{cpu,memory,io} or cgroup *.pressure): "some" and "full" lines.
 * avg values are percent x 100 (fixed point), totals in microseconds. */
struct hal_psi_line {
	uint32_t avg10_x100, avg60_x100, avg300_x100;
	uint64_t total_us;
};
struct hal_psi {
	struct hal_psi_line some;
	struct hal_psi_line full;
	uint32_t has_full;
};

pm_status hal_parse_psi(const char *buf, size_t len, struct hal_psi *out);

#define HAL_MAX_NETDEV PM_MAX_NETDEV
#define HAL_NETDEV_NAME 16

struct hal_netdev {
	char name[HAL_NETDEV_NAME];
	uint64_t rx_bytes, rx_packets, rx_errs, rx_drop;
	uint64_t tx_bytes, tx_packets, tx_errs, tx_drop;
};
struct hal_netdev_table {
	uint32_t count;
	uint32_t truncated; /* interfaces that did not fit */
	struct hal_netdev dev[HAL_MAX_NETDEV];
};

pm_status hal_parse_netdev(const char *buf, size_t len, struct hal_netdev_table *out);

/* A CPU list as in /sys ("0-3,8,10-11", optional trailing newline). Empty text is the empty set. */
pm_status hal_parse_cpulist(const char *buf, size_t len, struct hal_cpuset *out);

/* Writes a set as a CPU list ("0-3,8"); PM_ERR_NOSPACE when `cap` is too small. */
pm_status hal_format_cpulist(const struct hal_cpuset *set, char *buf, size_t cap);

/* A size as in /sys cache files: "32K", "2048K", "8M", "1G" or plain bytes (binary units). */
pm_status hal_parse_size(const char *buf, size_t len, uint64_t *out);

/* cgroup v2 cpu.stat (microseconds); missing keys stay 0. */
struct hal_cgroup_cpu_stat {
	uint64_t usage_usec;
	uint64_t user_usec;
	uint64_t system_usec;
	uint64_t nr_periods;
	uint64_t nr_throttled;
	uint64_t throttled_usec;
};

pm_status hal_parse_cgroup_cpu_stat(const char *buf, size_t len, struct hal_cgroup_cpu_stat *out);

/* A single unsigned decimal, optionally newline-terminated; "max" gives UINT64_MAX. */
pm_status hal_parse_u64_or_max(const char *buf, size_t len, uint64_t *out);

/* /proc/PID/cgroup: copies the cgroup v2 path (the "0::" line) into `path`. PM_ERR_NOENT when the
 * process is in no v2 hierarchy, PM_ERR_NOSPACE when the path does not fit. */
pm_status hal_parse_cgroup_path(const char *buf, size_t len, char *path, size_t cap);

#endif
