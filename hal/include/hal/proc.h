/* Per-process and per-thread sampling from /proc without allocation: discovery with getdents64 into a
 * fixed buffer, and tracked processes whose /proc files stay open and are re-read with pread at
 * offset 0 each cycle (a failed pread / ESRCH is how an exit is seen). A process is identified by
 * (pid, starttime) so a reused PID is a new process. All paths are relative to a root ("/" live, or a
 * recorded tree under tests/fixtures/proc-*). Reentrant; a sample uses about 12 KiB of stack (text
 * buffers), which the caller's thread stack must allow. */
#ifndef HAL_PROC_H
#define HAL_PROC_H

#include <stddef.h>
#include <stdint.h>

#include "hal/procparse.h"
#include "hal/status.h"
#include "rt/limits.h"

/* How the open-fd count of a process is taken. */
enum hal_fd_mode {
	HAL_FD_MODE_AUTO = 0,      /* probe at hal_procfs_open */
	HAL_FD_MODE_STAT_SIZE = 1, /* st_size of /proc/PID/fd is the count (Linux 6.2+): one fstat */
	HAL_FD_MODE_ENUMERATE = 2, /* count the entries of /proc/PID/fd with getdents64 */
};

/* An open /proc (and /sys) tree. Caller-owned storage; fields are read-only for callers. */
struct hal_procfs {
	int root_fd; /* <root> */
	int proc_fd; /* <root>/proc */
	int list_fd; /* <root>/proc again, private to discovery (its offset is rewound each listing) */
	int sys_fd;  /* <root>/sys, -1 when absent */
	int mark_fd; /* <root>/proc/loadavg when it tells this tree's PID creations, else -1 */
	enum hal_fd_mode fd_mode;
	uint32_t clk_tck;   /* USER_HZ of the stat tick fields */
	uint32_t page_size; /* bytes per rss page */
	char root[PM_MAX_PATH];
};

/* Opens the tree under `root` (NULL means "/"). fd_mode is probed on the live tree (a recorded tree
 * has no kernel behind its st_size: ENUMERATE). */
pm_status hal_procfs_open(struct hal_procfs *fs, const char *root);
void hal_procfs_close(struct hal_procfs *fs);

/* Raises the soft RLIMIT_NOFILE towards `want` (bounded by the hard limit): each tracked process keeps
 * up to 5 descriptors. `*got` receives the resulting soft limit. */
pm_status hal_fd_limit_raise(uint64_t want, uint64_t *got);

/* Lists the numeric entries of <root>/proc in directory order. Fills at most `cap` pids; returns
 * PM_ERR_NOSPACE (with `*count` = cap) when there were more. */
pm_status hal_proc_list(struct hal_procfs *fs, int32_t *pids, size_t cap, size_t *count);

/* A mark that changes whenever a PID (process or thread) is created in the namespace the tree shows:
 * the last field of /proc/loadavg, the newest PID the kernel handed out. While it stays the same a
 * new listing would show only what is tracked already, minus exits (which the reads of the kept
 * files report). Read it before listing. PM_ERR_UNSUPPORTED when the tree cannot tell: a recorded
 * tree, or a /proc mounted for another PID namespace than ours. Equal marks can still hide a PID
 * counter that wrapped exactly once around pid_max, so users list again at a bounded interval. */
pm_status hal_proc_creation_mark(struct hal_procfs *fs, int64_t *mark);

/* Lists the thread ids of process `pid` (<root>/proc/PID/task); same capacity rule. */
pm_status hal_proc_list_threads(const struct hal_procfs *fs, int32_t pid, int32_t *tids, size_t cap,
                                size_t *count);

/* What to keep open and read for a tracked process. */
enum {
	HAL_PROC_STAT = 1u << 0,   /* /proc/PID/stat (always) */
	HAL_PROC_STATUS = 1u << 1, /* /proc/PID/status */
	HAL_PROC_IO = 1u << 2,     /* /proc/PID/io (own processes or CAP_SYS_PTRACE) */
	HAL_PROC_FDS = 1u << 3,    /* /proc/PID/fd (count) */
	HAL_PROC_SCHED = 1u << 4,  /* /proc/PID/sched (CONFIG_SCHED_DEBUG): se.nr_migrations */
};
#define HAL_PROC_BASIC (HAL_PROC_STAT | HAL_PROC_STATUS | HAL_PROC_IO | HAL_PROC_FDS)
#define HAL_PROC_ALL (HAL_PROC_BASIC | HAL_PROC_SCHED)

/* hal_proc.uid when the owner could not be read. */
#define HAL_UID_UNKNOWN UINT32_MAX

struct hal_proc {
	int32_t pid;
	uint64_t starttime; /* from the stat read at open: (pid, starttime) is the identity */
	/* Owner at open, from one fstat of the stat file: the task's effective uid (root for a task
	 * that is not dumpable, as the kernel shows its /proc files). Not re-read per sample, so a
	 * later setuid is not seen; HAL_UID_UNKNOWN when the fstat failed. */
	uint32_t uid;
	int stat_fd;
	int status_fd;
	int io_fd;
	int fd_fd;
	int sched_fd;
	uint32_t fields;      /* requested */
	uint32_t unavailable; /* requested but not readable here (EACCES, absent file): HAL_PROC_* bits */
	enum hal_fd_mode fd_mode;
	struct hal_status_hints status_hints; /* where the status lines were at the last read */
};

struct hal_proc_sample {
	int64_t mono_ns; /* CLOCK_MONOTONIC when the stat file was read */
	struct hal_proc_stat stat;
	struct hal_proc_status status;
	struct hal_proc_io io;
	struct hal_proc_sched sched;
	int32_t fd_count; /* -1 when not available */
	uint32_t valid;   /* HAL_PROC_* bits whose data in this sample is fresh */
};

/* Starts tracking `pid`: opens the requested files, takes the owner (p->uid) and a first sample
 * into `first` (may be NULL). PM_ERR_GONE when the process vanished meanwhile (or is not there);
 * files that cannot be read (permission, old kernel) are left out and noted in p->unavailable,
 * never an error. */
pm_status hal_proc_open(const struct hal_procfs *fs, int32_t pid, uint32_t fields, struct hal_proc *p,
                        struct hal_proc_sample *first);

/* Re-reads the kept files. PM_ERR_GONE when the process has exited (ESRCH or a vanished file) or
 * its starttime changed; the handle must then be closed. Allocation-free; 1 pread per file, 1 fstat. */
pm_status hal_proc_sample(struct hal_proc *p, struct hal_proc_sample *s);

/* Closes every kept descriptor; safe on a closed or zeroed handle with fds set to -1. */
void hal_proc_close(struct hal_proc *p);

/* Marks a handle as holding nothing (all fds -1) without touching the kernel. */
void hal_proc_init_closed(struct hal_proc *p);

/* One thread of a process: stat, schedstat and optionally sched kept open. */
enum {
	HAL_THREAD_STAT = 1u << 0,
	HAL_THREAD_SCHEDSTAT = 1u << 1,
	HAL_THREAD_SCHED = 1u << 2,
};

struct hal_thread {
	int32_t pid;
	int32_t tid;
	int stat_fd;
	int schedstat_fd;
	int sched_fd;
	uint32_t fields;
	uint32_t unavailable;
};

struct hal_thread_sample {
	int64_t mono_ns;
	struct hal_proc_stat stat;      /* per-thread utime/stime, state, processor, policy */
	struct hal_schedstat schedstat; /* on-CPU ns, run-queue wait ns, timeslices */
	struct hal_proc_sched sched;    /* per-thread se.nr_migrations */
	uint32_t valid;                 /* HAL_THREAD_* bits */
};

pm_status hal_thread_open(const struct hal_procfs *fs, int32_t pid, int32_t tid, uint32_t fields,
                          struct hal_thread *t, struct hal_thread_sample *first);
pm_status hal_thread_sample(struct hal_thread *t, struct hal_thread_sample *s);
void hal_thread_close(struct hal_thread *t);

/* Reads /proc/PID/cmdline into buf with the NUL separators turned into spaces (no trailing space),
 * always NUL-terminated. `*len` (may be NULL) gets the length. Kernel threads have an empty command
 * line (PM_OK, ""). PM_ERR_NOSPACE when the command line was longer than cap-1: the buffer then
 * holds its first cap-1 bytes, which is still good for substring matching. */
pm_status hal_proc_cmdline(const struct hal_procfs *fs, int32_t pid, char *buf, size_t cap, size_t *len);

/* Copies the cgroup v2 path of `pid` ("/system.slice/x.service"); PM_ERR_NOENT when none. */
pm_status hal_proc_cgroup(const struct hal_procfs *fs, int32_t pid, char *buf, size_t cap);

/* Reads one stat of `pid` without keeping anything open (for one-shot lookups). */
pm_status hal_proc_read_stat(const struct hal_procfs *fs, int32_t pid, struct hal_proc_stat *out);

/* Reads a pid file (decimal pid, optional newline) at an absolute path or relative to the root. */
pm_status hal_read_pidfile(const struct hal_procfs *fs, const char *path, int32_t *pid);

/* Reads a small text file relative to the tree root ("sys/fs/cgroup/x/memory.max") into buf
 * (NUL-terminated); PM_ERR_NOSPACE when it does not fit. For the sysinfo and topology readers. */
pm_status hal_read_text_at(const struct hal_procfs *fs, const char *relpath, char *buf, size_t cap,
                           size_t *len);

#endif
