/* The HAL's /proc, /sys and cgroup readers over recorded trees (tests/fixtures/proc-*), with faults
 * injected through the syscall seam on chosen descriptors: vanished processes, ESRCH/EIO/EINTR on
 * stat and on each secondary file of live and zombie processes, short reads, EACCES on io at open and
 * at a later read, getdents/rewind failures and impossible records, fd counting with and without the
 * st_size feature, an old kernel without sched/PSI/cpufreq. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/proc.h"
#include "hal/syscall.h"
#include "hal/sysinfo.h"

#define NORMAL PICMON_SOURCE_DIR "/tests/fixtures/proc-normal"
#define OLD PICMON_SOURCE_DIR "/tests/fixtures/proc-oldkernel"

static struct hal_syscalls real;
static int fail_pread_errno;  /* next preads fail with this errno */
static int fail_pread_count;  /* how many */
static int fail_pread_skip;   /* preads let through before those fail */
static size_t short_read_max; /* 0: no limit */
static int64_t fake_fd_size = -1;
static const char *deny_open_name; /* open of a file with this name fails with EACCES */
static int64_t fake_owner = -1;    /* >= 0: the uid fstat_owner reports */
static int fail_owner_errno;       /* non-zero: fstat_owner fails with it */
static int owner_calls;
static int owner_fd = -1; /* the descriptor of the last fstat_owner */

/* Faults aimed at one descriptor (a kept file of a tracked process): `count` calls fail with `err`. */
struct fd_fault {
	int fd;
	int err;
	int count;
};
static struct fd_fault pread_fault, fstat_fault, dents_fault, rewind_fault;
static int as_zombie_fd = -1; /* reads of this stat show this state instead of the recorded one */
static char as_zombie_state;
static int preads_on_watched; /* preads seen on `watched_fd` */
static int watched_fd = -1;

#define MAX_TRACKED_FD 1024
static unsigned char fd_open[MAX_TRACKED_FD]; /* opened through the seam and not closed yet */

static int fault_hit(struct fd_fault *f, int fd)
{
	if (f->count > 0 && fd == f->fd) {
		f->count--;
		return 1;
	}
	return 0;
}

static int open_fd_count(void)
{
	int n = 0;
	for (int i = 0; i < MAX_TRACKED_FD; i++) {
		n += fd_open[i];
	}
	return n;
}

static int64_t fake_pread(int fd, void *buf, size_t len, int64_t off)
{
	if (fd == watched_fd) {
		preads_on_watched++;
	}
	if (fault_hit(&pread_fault, fd)) {
		return -pread_fault.err;
	}
	if (fail_pread_skip > 0) {
		fail_pread_skip--;
	} else if (fail_pread_count > 0) {
		fail_pread_count--;
		return -fail_pread_errno;
	}
	if (short_read_max > 0 && len > short_read_max) {
		/* A partial read that stops inside a line (procfs only returns less than asked at EOF,
		 * so a short read that ends on a line end is taken as the end of the file). */
		int64_t n = real.pread(fd, buf, short_read_max, off);
		while (n > 1 && ((char *)buf)[n - 1] == '\n') {
			n--;
		}
		return n;
	}
	int64_t n = real.pread(fd, buf, len, off);
	if (fd == as_zombie_fd && n > 0) {
		/* The state is the field after the last ')' of the comm. */
		char *c = buf;
		int64_t close_paren = -1;
		for (int64_t i = 0; i < n; i++) {
			close_paren = c[i] == ')' ? i : close_paren;
		}
		assert_true(close_paren >= 0 && close_paren + 2 < n);
		c[close_paren + 2] = as_zombie_state;
	}
	return n;
}

static int fake_fstat_size(int fd, int64_t *size)
{
	if (fault_hit(&fstat_fault, fd)) {
		return -fstat_fault.err;
	}
	if (fake_fd_size >= 0) {
		*size = fake_fd_size;
		return 0;
	}
	return real.fstat_size(fd, size);
}

/* getdents64 answers made up by the test (any descriptor), to reach what a real directory never
 * shows: records whose length is impossible, and a directory that never ends. */
enum dents_mode { DENTS_REAL, DENTS_RECLEN_SHORT, DENTS_RECLEN_OVERRUN, DENTS_ENDLESS, DENTS_ERROR };
static enum dents_mode dents_mode;
static int dents_mode_errno; /* DENTS_ERROR: every call fails with it */
static int dents_calls;

/* The kernel's linux_dirent64. */
struct test_dent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int64_t one_record(void *buf, size_t len, unsigned short reclen, int64_t got)
{
	assert_true(len >= 64);
	memset(buf, 0, 64);
	struct test_dent64 *d = buf;
	d->d_ino = 1;
	d->d_reclen = reclen;
	memcpy(d->d_name, "7", 2);
	return got;
}

static int64_t fake_dents(int fd, void *buf, size_t len)
{
	dents_calls++;
	if (fault_hit(&dents_fault, fd)) {
		return -dents_fault.err;
	}
	switch (dents_mode) {
	case DENTS_RECLEN_SHORT:
		return one_record(buf, len, 8, 24); /* shorter than the record header */
	case DENTS_RECLEN_OVERRUN:
		return one_record(buf, len, 48, 24); /* runs past what the call returned */
	case DENTS_ENDLESS:
		return one_record(buf, len, 24, 24); /* "7", again and again */
	case DENTS_ERROR:
		return -dents_mode_errno;
	case DENTS_REAL:
		break;
	}
	return real.dents(fd, buf, len);
}

static int fake_rewind(int fd)
{
	if (fault_hit(&rewind_fault, fd)) {
		return -rewind_fault.err;
	}
	return real.rewind(fd);
}

static int fake_fstat_owner(int fd, uint32_t *uid)
{
	owner_calls++;
	owner_fd = fd;
	if (fail_owner_errno != 0) {
		return -fail_owner_errno;
	}
	if (fake_owner >= 0) {
		*uid = (uint32_t)fake_owner;
		return 0;
	}
	return real.fstat_owner(fd, uid);
}

static int fake_open(int dirfd, const char *path, int directory)
{
	if (deny_open_name != NULL && strcmp(path, deny_open_name) == 0) {
		return -EACCES;
	}
	int fd = real.open_ro(dirfd, path, directory);
	if (fd >= 0) {
		assert_true(fd < MAX_TRACKED_FD);
		fd_open[fd] = 1;
	}
	return fd;
}

static int fake_close(int fd)
{
	if (fd >= 0 && fd < MAX_TRACKED_FD) {
		assert_int_equal(fd_open[fd], 1); /* closed once, and only what the seam opened */
		fd_open[fd] = 0;
	}
	return real.close(fd);
}

static int setup(void **state)
{
	(void)state;
	hal_syscall_reset();
	real = hal_sys;
	hal_sys.pread = fake_pread;
	hal_sys.fstat_size = fake_fstat_size;
	hal_sys.open_ro = fake_open;
	hal_sys.close = fake_close;
	hal_sys.dents = fake_dents;
	hal_sys.rewind = fake_rewind;
	hal_sys.fstat_owner = fake_fstat_owner;
	fake_owner = -1;
	fail_owner_errno = 0;
	owner_calls = 0;
	owner_fd = -1;
	fail_pread_count = 0;
	fail_pread_skip = 0;
	short_read_max = 0;
	fake_fd_size = -1;
	deny_open_name = NULL;
	memset(&pread_fault, 0, sizeof(pread_fault));
	memset(&fstat_fault, 0, sizeof(fstat_fault));
	memset(&dents_fault, 0, sizeof(dents_fault));
	memset(&rewind_fault, 0, sizeof(rewind_fault));
	as_zombie_fd = -1;
	watched_fd = -1;
	preads_on_watched = 0;
	dents_mode = DENTS_REAL;
	dents_calls = 0;
	memset(fd_open, 0, sizeof(fd_open));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	hal_syscall_reset();
	return 0;
}

static void inject(struct fd_fault *f, int fd, int err)
{
	assert_true(fd >= 0);
	f->fd = fd;
	f->err = err;
	f->count = 1;
}

static void open_fs(struct hal_procfs *fs, const char *root)
{
	assert_int_equal(hal_procfs_open(fs, root), PM_OK);
	assert_int_equal(fs->fd_mode, HAL_FD_MODE_ENUMERATE);
}

static void test_discovery(void **state)
{
	(void)state;
	struct hal_procfs fs;
	open_fs(&fs, NORMAL);
	int32_t pids[16];
	size_t n = 0;
	assert_int_equal(hal_proc_list(&fs, pids, 16, &n), PM_OK);
	assert_int_equal(n, 5); /* 1 42 77 300 500; self, stat, net ... are skipped */
	int seen = 0;
	for (size_t i = 0; i < n; i++) {
		seen |= pids[i] == 1     ? 1
		        : pids[i] == 42  ? 2
		        : pids[i] == 77  ? 4
		        : pids[i] == 300 ? 8
		        : pids[i] == 500 ? 16
		                         : 64;
	}
	assert_int_equal(seen, 31);
	/* A second listing rewinds the kept directory. */
	assert_int_equal(hal_proc_list(&fs, pids, 16, &n), PM_OK);
	assert_int_equal(n, 5);
	assert_int_equal(hal_proc_list(&fs, pids, 2, &n), PM_ERR_NOSPACE);
	assert_int_equal(n, 2);
	assert_int_equal(hal_proc_list_threads(&fs, 1, pids, 16, &n), PM_OK);
	assert_int_equal(n, 2);
	assert_int_equal(hal_proc_list_threads(&fs, 999, pids, 16, &n), PM_ERR_GONE);
	hal_procfs_close(&fs);
}

/* The listing code (rewind + getdents64 of /proc, /proc/PID/task, /proc/PID/fd) when the kernel
 * fails or answers something impossible. */
static void test_listing_faults(void **state)
{
	(void)state;
	struct hal_procfs fs;
	open_fs(&fs, NORMAL);
	int32_t ids[16];
	size_t n = 99;
	/* The rewind of the kept /proc fails. */
	inject(&rewind_fault, fs.list_fd, EIO);
	assert_int_equal(hal_proc_list(&fs, ids, 16, &n), PM_ERR_IO);
	assert_int_equal(rewind_fault.count, 0);
	assert_int_equal(n, 0);
	/* getdents: EINTR is retried, EIO is an error. */
	dents_fault.fd = fs.list_fd;
	dents_fault.err = EINTR;
	dents_fault.count = 3;
	dents_calls = 0;
	assert_int_equal(hal_proc_list(&fs, ids, 16, &n), PM_OK);
	assert_int_equal(dents_fault.count, 0);
	assert_int_equal(n, 5);
	assert_int_equal(dents_calls, 3 + 2); /* three refused, one batch, the end */
	inject(&dents_fault, fs.list_fd, EIO);
	assert_int_equal(hal_proc_list(&fs, ids, 16, &n), PM_ERR_IO);
	assert_int_equal(dents_fault.count, 0);
	/* The task directory of a process that exits between its open and getdents. */
	dents_mode = DENTS_ERROR;
	dents_mode_errno = ENOENT;
	assert_int_equal(hal_proc_list_threads(&fs, 1, ids, 16, &n), PM_ERR_GONE);
	dents_mode_errno = ESRCH;
	assert_int_equal(hal_proc_list_threads(&fs, 1, ids, 16, &n), PM_ERR_GONE);
	dents_mode_errno = EACCES;
	assert_int_equal(hal_proc_list_threads(&fs, 1, ids, 16, &n), PM_ERR_PERM);
	/* Impossible record lengths are corruption, not a short listing. */
	dents_mode = DENTS_RECLEN_SHORT;
	assert_int_equal(hal_proc_list(&fs, ids, 16, &n), PM_ERR_CORRUPT);
	assert_int_equal(hal_proc_list_threads(&fs, 1, ids, 16, &n), PM_ERR_CORRUPT);
	dents_mode = DENTS_RECLEN_OVERRUN;
	assert_int_equal(hal_proc_list(&fs, ids, 16, &n), PM_ERR_CORRUPT);
	/* A directory that never ends: the listing stops after its bound of getdents calls. */
	dents_mode = DENTS_ENDLESS;
	dents_calls = 0;
	n = 0;
	assert_int_equal(hal_proc_list(&fs, ids, 16, &n), PM_ERR_NOSPACE);
	assert_int_equal(dents_calls, 4096);
	assert_int_equal(n, 16);
	assert_int_equal(ids[0], 7);
	assert_int_equal(ids[15], 7);
	/* The fd count walks /proc/PID/fd the same way: corruption there leaves the count out, it is
	 * not an exit. */
	dents_mode = DENTS_REAL;
	struct hal_proc p;
	struct hal_proc_sample s;
	assert_int_equal(hal_proc_open(&fs, 1, HAL_PROC_FDS, &p, &s), PM_OK);
	assert_int_equal(s.fd_count, 4);
	dents_mode = DENTS_RECLEN_OVERRUN;
	assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
	assert_int_equal(s.valid, HAL_PROC_STAT);
	assert_int_equal(s.fd_count, -1);
	dents_mode = DENTS_REAL;
	assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
	assert_int_equal(s.fd_count, 4);
	hal_proc_close(&p);
	/* And a listing after all this is whole again. */
	assert_int_equal(hal_proc_list(&fs, ids, 16, &n), PM_OK);
	assert_int_equal(n, 5);
	hal_procfs_close(&fs);
	assert_int_equal(open_fd_count(), 0);
}

static void test_normal_process(void **state)
{
	(void)state;
	struct hal_procfs fs;
	open_fs(&fs, NORMAL);
	struct hal_proc p;
	struct hal_proc_sample s;
	assert_int_equal(hal_proc_open(&fs, 1, HAL_PROC_ALL, &p, &s), PM_OK);
	assert_int_equal(p.unavailable, 0);
	assert_int_equal(p.starttime, 10);
	assert_int_equal(s.valid, HAL_PROC_ALL);
	assert_string_equal(s.stat.comm, "init");
	assert_int_equal(s.stat.num_threads, 2);
	assert_int_equal(s.status.vm_rss_kb, 13244);
	assert_int_equal(s.status.vm_data_kb, 9876);
	assert_int_equal(s.status.vm_stk_kb, 132);
	assert_int_equal(s.status.voluntary_ctxt_switches, 10);
	assert_int_equal(s.io.rchar, 123456);
	assert_int_equal(s.io.write_bytes, 8192);
	assert_int_equal(s.sched.nr_migrations, 17);
	assert_int_equal(s.fd_count, 4);
	/* Steady state: the same kept descriptors, re-read. */
	int stat_fd = p.stat_fd;
	assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
	assert_int_equal(p.stat_fd, stat_fd);
	assert_int_equal(s.stat.utime, 150);
	/* Thread sampling: stat, schedstat and sched of thread 5. */
	struct hal_thread t;
	struct hal_thread_sample ts;
	assert_int_equal(
	    hal_thread_open(&fs, 1, 5, HAL_THREAD_STAT | HAL_THREAD_SCHEDSTAT | HAL_THREAD_SCHED, &t, &ts),
	    PM_OK);
	assert_int_equal(ts.valid, HAL_THREAD_STAT | HAL_THREAD_SCHEDSTAT | HAL_THREAD_SCHED);
	assert_int_equal(ts.schedstat.run_ns, 5000000);
	assert_int_equal(ts.schedstat.wait_ns, 10000);
	assert_int_equal(ts.schedstat.timeslices, 35);
	assert_int_equal(ts.sched.nr_migrations, 6);
	assert_int_equal(ts.stat.processor, 1);
	assert_int_equal(hal_thread_sample(&t, &ts), PM_OK);
	hal_thread_close(&t);
	assert_int_equal(hal_thread_open(&fs, 1, 6, HAL_THREAD_STAT, &t, &ts), PM_ERR_GONE);
	char buf[64];
	size_t len = 0;
	assert_int_equal(hal_proc_cmdline(&fs, 1, buf, sizeof(buf), &len), PM_OK);
	assert_string_equal(buf, "/sbin/init --log-level=info");
	assert_int_equal(len, strlen(buf));
	assert_int_equal(hal_proc_cgroup(&fs, 1, buf, sizeof(buf)), PM_OK);
	assert_string_equal(buf, "/init.scope");
	hal_proc_close(&p);
	hal_procfs_close(&fs);
}

/* The owner is taken once, at open, from the kept stat descriptor: never per sample. */
static void test_owner_at_open(void **state)
{
	(void)state;
	struct hal_procfs fs;
	open_fs(&fs, NORMAL);
	struct hal_proc p;
	struct hal_proc_sample s;
	/* The real fstat: a recorded tree's files belong to whoever checked them out. */
	struct stat st;
	assert_int_equal(stat(NORMAL "/proc/1/stat", &st), 0);
	assert_int_equal(hal_proc_open(&fs, 1, HAL_PROC_STAT | HAL_PROC_IO | HAL_PROC_FDS, &p, &s), PM_OK);
	assert_int_equal(p.uid, (uint32_t)st.st_uid);
	assert_int_equal(owner_calls, 1);
	assert_int_equal(owner_fd, p.stat_fd);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
	}
	assert_int_equal(owner_calls, 1);
	hal_proc_close(&p);
	fake_owner = 4242;
	assert_int_equal(hal_proc_open(&fs, 42, HAL_PROC_BASIC, &p, &s), PM_OK);
	assert_int_equal(p.uid, 4242);
	hal_proc_close(&p);
	/* A failed fstat leaves the owner unknown and the process tracked. */
	fail_owner_errno = EIO;
	assert_int_equal(hal_proc_open(&fs, 42, HAL_PROC_BASIC, &p, &s), PM_OK);
	assert_int_equal(p.uid, HAL_UID_UNKNOWN);
	assert_int_equal(s.stat.pid, 42);
	hal_proc_close(&p);
	hal_procfs_close(&fs);
	/* Live: our own /proc/PID files belong to our effective uid. */
	fail_owner_errno = 0;
	fake_owner = -1;
	assert_int_equal(hal_procfs_open(&fs, "/"), PM_OK);
	assert_int_equal(hal_proc_open(&fs, (int32_t)getpid(), HAL_PROC_STAT, &p, &s), PM_OK);
	assert_int_equal(p.uid, (uint32_t)geteuid());
	hal_proc_close(&p);
	hal_procfs_close(&fs);
}

static void test_weird_comm_cmdline_pidfile(void **state)
{
	(void)state;
	struct hal_procfs fs;
	open_fs(&fs, NORMAL);
	struct hal_proc p;
	struct hal_proc_sample s;
	assert_int_equal(hal_proc_open(&fs, 42, HAL_PROC_BASIC, &p, &s), PM_OK);
	assert_string_equal(s.stat.comm, "my (weird) prog) x");
	assert_int_equal(s.stat.state, 'R');
	assert_int_equal(s.stat.policy, 1);
	assert_int_equal(s.stat.rt_priority, 50);
	assert_int_equal(s.status.uid, 1000);
	assert_int_equal(s.fd_count, 3);
	hal_proc_close(&p);
	char buf[64];
	size_t len = 0;
	assert_int_equal(hal_proc_cmdline(&fs, 42, buf, sizeof(buf), &len), PM_OK);
	assert_string_equal(buf, "./my prog --flag with space");
	/* Truncation keeps the head of the command line for substring matching. */
	assert_int_equal(hal_proc_cmdline(&fs, 42, buf, 10, &len), PM_ERR_NOSPACE);
	assert_string_equal(buf, "./my prog");
	assert_int_equal(hal_proc_cgroup(&fs, 42, buf, sizeof(buf)), PM_OK);
	assert_string_equal(buf, "/system.slice/weird.service");
	int32_t pid = 0;
	assert_int_equal(hal_read_pidfile(&fs, "/run/weird.pid", &pid), PM_OK);
	assert_int_equal(pid, 42);
	assert_int_equal(hal_read_pidfile(&fs, "run/none.pid", &pid), PM_ERR_NOENT);
	struct hal_proc_stat st;
	assert_int_equal(hal_proc_read_stat(&fs, 42, &st), PM_OK);
	assert_int_equal(st.starttime, 5000);
	hal_procfs_close(&fs);
}

static void test_zombie_kernel_thread_vanished(void **state)
{
	(void)state;
	struct hal_procfs fs;
	open_fs(&fs, NORMAL);
	struct hal_proc p;
	struct hal_proc_sample s;
	assert_int_equal(hal_proc_open(&fs, 77, HAL_PROC_ALL, &p, &s), PM_OK);
	assert_int_equal(s.stat.state, 'Z');
	assert_int_equal(s.status.present & HAL_STATUS_VMRSS, 0);
	assert_int_equal(p.unavailable, HAL_PROC_FDS | HAL_PROC_SCHED); /* no fd dir, no sched file */
	assert_int_equal(s.fd_count, -1);
	hal_proc_close(&p);
	char buf[16];
	size_t len = 5;
	assert_int_equal(hal_proc_cmdline(&fs, 77, buf, sizeof(buf), &len), PM_OK);
	assert_int_equal(len, 0);
	assert_int_equal(hal_proc_open(&fs, 300, HAL_PROC_BASIC, &p, &s), PM_OK);
	assert_int_equal(s.stat.state, 'I');
	assert_int_equal(s.stat.processor, 0);
	hal_proc_close(&p);
	/* Listed, but its files are gone: vanished mid-read. */
	assert_int_equal(hal_proc_open(&fs, 500, HAL_PROC_BASIC, &p, &s), PM_ERR_GONE);
	assert_int_equal(p.stat_fd, -1);
	assert_int_equal(hal_proc_open(&fs, 4242, HAL_PROC_BASIC, &p, &s), PM_ERR_GONE);
	hal_procfs_close(&fs);
}

static void test_injected_faults(void **state)
{
	(void)state;
	struct hal_procfs fs;
	open_fs(&fs, NORMAL);
	struct hal_proc p;
	struct hal_proc_sample s;
	assert_int_equal(hal_proc_open(&fs, 1, HAL_PROC_ALL, &p, &s), PM_OK);
	/* EINTR is retried. */
	fail_pread_errno = EINTR;
	fail_pread_count = 2;
	assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
	assert_int_equal(fail_pread_count, 0);
	assert_int_equal(s.valid, HAL_PROC_ALL);
	/* Short reads are continued up to the newline. */
	short_read_max = 7;
	assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
	assert_int_equal(s.valid, HAL_PROC_ALL);
	assert_int_equal(s.stat.starttime, 10);
	assert_int_equal(s.status.vm_rss_kb, 13244);
	short_read_max = 0;
	/* EIO on stat: an I/O error, not an exit. */
	fail_pread_errno = EIO;
	fail_pread_count = 1;
	assert_int_equal(hal_proc_sample(&p, &s), PM_ERR_IO);
	assert_int_equal(s.valid, 0);
	/* A different starttime: the PID was reused. */
	p.starttime = 11;
	assert_int_equal(hal_proc_sample(&p, &s), PM_ERR_GONE);
	p.starttime = 10;
	assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
	hal_proc_close(&p);
	/* ESRCH on stat itself. */
	assert_int_equal(hal_proc_open(&fs, 42, HAL_PROC_BASIC, &p, &s), PM_OK);
	inject(&pread_fault, p.stat_fd, ESRCH);
	assert_int_equal(hal_proc_sample(&p, &s), PM_ERR_GONE);
	assert_int_equal(pread_fault.count, 0);
	assert_int_equal(s.valid, 0);
	hal_proc_close(&p);
	/* EACCES on io at open (another user's process without CAP_SYS_PTRACE). */
	deny_open_name = "io";
	assert_int_equal(hal_proc_open(&fs, 42, HAL_PROC_BASIC, &p, &s), PM_OK);
	assert_int_equal(p.unavailable, HAL_PROC_IO);
	assert_int_equal(p.io_fd, -1);
	assert_int_equal(s.valid, HAL_PROC_STAT | HAL_PROC_STATUS | HAL_PROC_FDS);
	hal_proc_close(&p);
	deny_open_name = NULL;
	hal_procfs_close(&fs);
	assert_int_equal(open_fd_count(), 0);
}

/* The kept descriptor of one secondary file of a tracked process. */
enum which { W_STATUS, W_IO, W_SCHED };

static int fd_of(const struct hal_proc *p, enum which w)
{
	return w == W_STATUS ? p->status_fd : w == W_IO ? p->io_fd : p->sched_fd;
}

static uint32_t bit_of(enum which w)
{
	return w == W_STATUS ? HAL_PROC_STATUS : w == W_IO ? HAL_PROC_IO : HAL_PROC_SCHED;
}

/* ESRCH on status, io, sched or the fd count of a process that is not a zombie is its exit; the
 * files read before it keep their bits, the later ones are not read. A transient EIO there is not
 * an exit: the sample stands without that file. */
static void test_secondary_failure_live(void **state)
{
	(void)state;
	struct hal_procfs fs;
	open_fs(&fs, NORMAL);
	int base = open_fd_count();
	struct hal_proc p;
	struct hal_proc_sample s;
	assert_int_equal(hal_proc_open(&fs, 1, HAL_PROC_ALL, &p, &s), PM_OK);
	assert_int_equal(s.stat.state, 'S');
	const uint32_t before[] = { [W_STATUS] = HAL_PROC_STAT,
		                    [W_IO] = HAL_PROC_STAT | HAL_PROC_STATUS,
		                    [W_SCHED] = HAL_PROC_STAT | HAL_PROC_STATUS | HAL_PROC_IO };
	for (enum which w = W_STATUS; w <= W_SCHED; w++) {
		int fd = fd_of(&p, w);
		inject(&pread_fault, fd, ESRCH);
		assert_int_equal(hal_proc_sample(&p, &s), PM_ERR_GONE);
		assert_int_equal(pread_fault.count, 0);
		assert_int_equal(s.valid, before[w]);
		/* Nothing was closed behind the caller's back: closing is the caller's decision. */
		assert_int_equal(fd_of(&p, w), fd);
		assert_int_equal(p.unavailable, 0);
		inject(&pread_fault, fd, EIO);
		assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
		assert_int_equal(pread_fault.count, 0);
		assert_int_equal(s.valid, HAL_PROC_ALL & ~bit_of(w));
		assert_int_equal(p.unavailable, 0);
		assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
		assert_int_equal(s.valid, HAL_PROC_ALL);
	}
	/* The fd count by entries: getdents or the rewind of /proc/PID/fd failing. */
	const uint32_t no_fds = HAL_PROC_ALL & ~(uint32_t)HAL_PROC_FDS;
	inject(&dents_fault, p.fd_fd, ENOENT); /* what getdents of an exited task's fd dir says */
	assert_int_equal(hal_proc_sample(&p, &s), PM_ERR_GONE);
	assert_int_equal(dents_fault.count, 0);
	assert_int_equal(s.valid, no_fds);
	assert_int_equal(s.fd_count, -1);
	inject(&rewind_fault, p.fd_fd, ESRCH);
	assert_int_equal(hal_proc_sample(&p, &s), PM_ERR_GONE);
	assert_int_equal(rewind_fault.count, 0);
	assert_int_equal(s.fd_count, -1);
	inject(&dents_fault, p.fd_fd, EIO);
	assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
	assert_int_equal(s.valid, no_fds);
	assert_int_equal(s.fd_count, -1);
	assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
	assert_int_equal(s.fd_count, 4);
	/* The fd count by st_size (Linux 6.2+): fstat failing. */
	p.fd_mode = HAL_FD_MODE_STAT_SIZE;
	fake_fd_size = 7;
	inject(&fstat_fault, p.fd_fd, ESRCH);
	assert_int_equal(hal_proc_sample(&p, &s), PM_ERR_GONE);
	assert_int_equal(fstat_fault.count, 0);
	assert_int_equal(s.valid, no_fds);
	inject(&fstat_fault, p.fd_fd, ENOENT);
	assert_int_equal(hal_proc_sample(&p, &s), PM_ERR_GONE);
	inject(&fstat_fault, p.fd_fd, EIO);
	assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
	assert_int_equal(s.valid, no_fds);
	assert_int_equal(s.fd_count, -1);
	assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
	assert_int_equal(s.fd_count, 7);
	hal_proc_close(&p);
	assert_int_equal(open_fd_count(), base);
	/* The same at open: the 2nd or 3rd pread (status, io) of the first sample fails with ESRCH.
	 * The open fails and every file it had opened is closed again. */
	for (int skip = 1; skip <= 2; skip++) {
		fail_pread_skip = skip;
		fail_pread_errno = ESRCH;
		fail_pread_count = 1;
		assert_int_equal(hal_proc_open(&fs, 1, HAL_PROC_ALL, &p, &s), PM_ERR_GONE);
		assert_int_equal(fail_pread_count, 0);
		assert_int_equal(s.valid, skip == 1 ? HAL_PROC_STAT : HAL_PROC_STAT | HAL_PROC_STATUS);
		assert_int_equal(p.stat_fd, -1);
		assert_int_equal(p.status_fd, -1);
		assert_int_equal(p.io_fd, -1);
		assert_int_equal(p.sched_fd, -1);
		assert_int_equal(p.fd_fd, -1);
		assert_int_equal(open_fd_count(), base);
	}
	hal_procfs_close(&fs);
	assert_int_equal(open_fd_count(), 0);
}

/* A zombie's secondary files may fail while its stat still answers: not an exit. Seen on the
 * recorded zombie (status and io) and on a tracked process whose stat turns to Z or X between
 * samples (every secondary file, the fd count both ways). */
static void test_secondary_failure_zombie(void **state)
{
	(void)state;
	struct hal_procfs fs;
	open_fs(&fs, NORMAL);
	int base = open_fd_count();
	struct hal_proc p;
	struct hal_proc_sample s;
	assert_int_equal(hal_proc_open(&fs, 77, HAL_PROC_ALL, &p, &s), PM_OK);
	assert_int_equal(s.stat.state, 'Z');
	assert_int_equal(s.valid, HAL_PROC_STAT | HAL_PROC_STATUS | HAL_PROC_IO);
	const uint32_t zunavail = HAL_PROC_FDS | HAL_PROC_SCHED;
	assert_int_equal(p.unavailable, zunavail);
	int io_fd = p.io_fd;
	inject(&pread_fault, io_fd, ESRCH);
	assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
	assert_int_equal(pread_fault.count, 0);
	assert_int_equal(s.stat.state, 'Z');
	assert_int_equal(s.valid, HAL_PROC_STAT | HAL_PROC_STATUS);
	assert_int_equal(p.io_fd, io_fd); /* kept: not a permission refusal */
	assert_int_equal(p.unavailable, zunavail);
	inject(&pread_fault, p.status_fd, ESRCH);
	assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
	assert_int_equal(pread_fault.count, 0);
	assert_int_equal(s.valid, HAL_PROC_STAT | HAL_PROC_IO);
	assert_int_equal(p.unavailable, zunavail);
	assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
	assert_int_equal(s.valid, HAL_PROC_STAT | HAL_PROC_STATUS | HAL_PROC_IO);
	hal_proc_close(&p);
	assert_int_equal(open_fd_count(), base);

	const char states[] = { 'Z', 'X' };
	for (size_t k = 0; k < sizeof(states); k++) {
		assert_int_equal(hal_proc_open(&fs, 1, HAL_PROC_ALL, &p, &s), PM_OK);
		assert_int_equal(s.stat.state, 'S');
		as_zombie_fd = p.stat_fd;
		as_zombie_state = states[k];
		for (enum which w = W_STATUS; w <= W_SCHED; w++) {
			inject(&pread_fault, fd_of(&p, w), ESRCH);
			assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
			assert_int_equal(pread_fault.count, 0);
			assert_int_equal(s.stat.state, states[k]);
			assert_int_equal(s.valid, HAL_PROC_ALL & ~bit_of(w));
			assert_int_equal(p.unavailable, 0);
		}
		const uint32_t no_fds = HAL_PROC_ALL & ~(uint32_t)HAL_PROC_FDS;
		inject(&dents_fault, p.fd_fd, ENOENT);
		assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
		assert_int_equal(dents_fault.count, 0);
		assert_int_equal(s.valid, no_fds);
		assert_int_equal(s.fd_count, -1);
		p.fd_mode = HAL_FD_MODE_STAT_SIZE;
		fake_fd_size = 2;
		inject(&fstat_fault, p.fd_fd, ESRCH);
		assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
		assert_int_equal(fstat_fault.count, 0);
		assert_int_equal(s.valid, no_fds);
		assert_int_equal(s.fd_count, -1);
		assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
		assert_int_equal(s.valid, HAL_PROC_ALL);
		assert_int_equal(s.fd_count, 2);
		fake_fd_size = -1;
		as_zombie_fd = -1;
		hal_proc_close(&p);
		assert_int_equal(open_fd_count(), base);
	}
	hal_procfs_close(&fs);
}

/* io is checked at read time: EACCES at a later sample (the process changed its credentials, e.g.
 * exec of a setuid program) closes io and marks it unavailable; the sample stays valid and io is not
 * read again. */
static void test_io_denied_later(void **state)
{
	(void)state;
	struct hal_procfs fs;
	open_fs(&fs, NORMAL);
	int base = open_fd_count();
	struct hal_proc p;
	struct hal_proc_sample s;
	assert_int_equal(hal_proc_open(&fs, 42, HAL_PROC_BASIC, &p, &s), PM_OK);
	assert_int_equal(s.valid, HAL_PROC_BASIC);
	assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
	assert_int_equal(s.valid, HAL_PROC_BASIC);
	int io_fd = p.io_fd;
	assert_true(io_fd >= 0);
	assert_int_equal(fd_open[io_fd], 1);
	inject(&pread_fault, io_fd, EACCES);
	watched_fd = io_fd;
	assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
	assert_int_equal(pread_fault.count, 0);
	assert_int_equal(preads_on_watched, 1);
	assert_int_equal(s.valid, HAL_PROC_STAT | HAL_PROC_STATUS | HAL_PROC_FDS);
	assert_string_equal(s.stat.comm, "my (weird) prog) x");
	assert_int_equal(s.fd_count, 3);
	assert_int_equal(p.unavailable, HAL_PROC_IO);
	assert_int_equal(p.io_fd, -1);
	assert_int_equal(fd_open[io_fd], 0);         /* really closed */
	assert_int_equal(open_fd_count(), base + 3); /* stat, status, fd dir */
	assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
	assert_int_equal(preads_on_watched, 1);
	assert_int_equal(s.valid, HAL_PROC_STAT | HAL_PROC_STATUS | HAL_PROC_FDS);
	hal_proc_close(&p);
	assert_int_equal(open_fd_count(), base);
	hal_procfs_close(&fs);
}

static int64_t deny_io_pread(int fd, void *buf, size_t len, int64_t off)
{
	/* The io file holds "rchar"; refuse exactly those reads. */
	int64_t n = real.pread(fd, buf, len, off);
	if (n > 5 && memcmp(buf, "rchar", 5) == 0) {
		return -EACCES;
	}
	return n;
}

static void test_io_denied_at_read(void **state)
{
	(void)state;
	struct hal_procfs fs;
	open_fs(&fs, NORMAL);
	hal_sys.pread = deny_io_pread;
	struct hal_proc p;
	struct hal_proc_sample s;
	assert_int_equal(hal_proc_open(&fs, 1, HAL_PROC_BASIC, &p, &s), PM_OK);
	assert_int_equal(p.unavailable, HAL_PROC_IO);
	assert_int_equal(p.io_fd, -1);
	assert_int_equal(s.valid, HAL_PROC_STAT | HAL_PROC_STATUS | HAL_PROC_FDS);
	hal_proc_close(&p);
	hal_procfs_close(&fs);
}

static void test_fd_count_modes(void **state)
{
	(void)state;
	struct hal_procfs fs;
	open_fs(&fs, NORMAL);
	struct hal_proc p;
	struct hal_proc_sample s;
	/* Without the st_size feature: counting entries. */
	assert_int_equal(hal_proc_open(&fs, 1, HAL_PROC_FDS, &p, &s), PM_OK);
	assert_int_equal(s.fd_count, 4);
	hal_proc_close(&p);
	/* With it: one fstat, whatever the kernel says. */
	fs.fd_mode = HAL_FD_MODE_STAT_SIZE;
	fake_fd_size = 9;
	assert_int_equal(hal_proc_open(&fs, 1, HAL_PROC_FDS, &p, &s), PM_OK);
	assert_int_equal(s.fd_count, 9);
	fake_fd_size = 11;
	assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
	assert_int_equal(s.fd_count, 11);
	hal_proc_close(&p);
	hal_procfs_close(&fs);
}

static void test_old_kernel(void **state)
{
	(void)state;
	struct hal_procfs fs;
	open_fs(&fs, OLD);
	struct hal_proc p;
	struct hal_proc_sample s;
	assert_int_equal(hal_proc_open(&fs, 10, HAL_PROC_ALL, &p, &s), PM_OK);
	assert_int_equal(p.unavailable, HAL_PROC_SCHED);
	assert_int_equal(s.stat.processor, -1);
	assert_int_equal(s.fd_count, 5);
	assert_int_equal(s.status.vm_rss_kb, 256);
	assert_int_equal(s.status.present & HAL_STATUS_CTXSW, 0);
	hal_proc_close(&p);
	struct hal_thread t;
	struct hal_thread_sample ts;
	assert_int_equal(
	    hal_thread_open(&fs, 10, 10, HAL_THREAD_STAT | HAL_THREAD_SCHEDSTAT | HAL_THREAD_SCHED, &t, &ts),
	    PM_OK);
	assert_int_equal(t.unavailable, HAL_THREAD_SCHEDSTAT | HAL_THREAD_SCHED);
	assert_int_equal(ts.valid, HAL_THREAD_STAT);
	hal_thread_close(&t);
	struct hal_sysinfo si;
	assert_int_equal(hal_sysinfo_open(&fs, &si), PM_OK);
	static struct hal_cpu_times ct;
	assert_int_equal(hal_sysinfo_cpu_times(&si, &ct), PM_OK);
	assert_int_equal(ct.ncpu_lines, 1);
	struct hal_psi psi;
	assert_int_equal(hal_sysinfo_psi(&si, HAL_PSI_CPU, &psi), PM_ERR_UNSUPPORTED);
	struct hal_vmstat vm;
	assert_int_equal(hal_sysinfo_vmstat(&si, &vm), PM_ERR_UNSUPPORTED);
	struct hal_meminfo mi;
	assert_int_equal(hal_sysinfo_meminfo(&si, &mi), PM_OK);
	assert_int_equal(mi.mem_total_kb, 1000);
	hal_sysinfo_close(&si);
	static struct hal_topology topo;
	assert_int_equal(hal_topology_read(&fs, &topo), PM_OK);
	assert_int_equal(topo.ncpus, 1);
	assert_int_equal(topo.nnodes, 1);
	assert_int_equal(topo.cpu[0].ncaches, 0);
	assert_int_equal(topo.cpu[0].max_khz, 0);
	char mount[64];
	assert_int_equal(hal_cgroup_mount(&fs, mount, sizeof(mount)), PM_ERR_NOENT);
	hal_procfs_close(&fs);
}

static void test_sysinfo_topology_cgroup(void **state)
{
	(void)state;
	struct hal_procfs fs;
	open_fs(&fs, NORMAL);
	struct hal_sysinfo si;
	assert_int_equal(hal_sysinfo_open(&fs, &si), PM_OK);
	static struct hal_cpu_times ct;
	assert_int_equal(hal_sysinfo_cpu_times(&si, &ct), PM_OK);
	assert_int_equal(ct.ncpu_lines, 4);
	assert_int_equal(ct.cpu[2].user, 3679048);
	assert_int_equal(ct.procs_blocked, 1);
	struct hal_meminfo mi;
	assert_int_equal(hal_sysinfo_meminfo(&si, &mi), PM_OK);
	assert_int_equal(mi.mem_available_kb, 9003616);
	struct hal_loadavg la;
	assert_int_equal(hal_sysinfo_loadavg(&si, &la), PM_OK);
	assert_int_equal(la.total, 467);
	struct hal_vmstat vm;
	assert_int_equal(hal_sysinfo_vmstat(&si, &vm), PM_OK);
	assert_int_equal(vm.pgmajfault, 4321);
	static struct hal_netdev_table nd;
	assert_int_equal(hal_sysinfo_netdev(&si, &nd), PM_OK);
	assert_int_equal(nd.count, 2);
	struct hal_psi psi;
	assert_int_equal(hal_sysinfo_psi(&si, HAL_PSI_IO, &psi), PM_OK);
	assert_int_equal(psi.some.avg10_x100, 1234);
	assert_int_equal(psi.full.total_us, 888);
	/* Re-reading the kept files gives the same. */
	assert_int_equal(hal_sysinfo_cpu_times(&si, &ct), PM_OK);
	assert_int_equal(ct.ncpu_lines, 4);
	hal_sysinfo_close(&si);

	static struct hal_topology topo;
	assert_int_equal(hal_topology_read(&fs, &topo), PM_OK);
	assert_int_equal(topo.ncpus, 4);
	assert_int_equal(topo.nnodes, 1);
	assert_true(hal_cpuset_has(&topo.cpu[0].siblings, 2));
	assert_false(hal_cpuset_has(&topo.cpu[0].siblings, 1));
	assert_int_equal(topo.cpu[3].core, 1);
	assert_int_equal(topo.cpu[2].max_khz, 2400000);
	assert_int_equal(topo.cpu[0].max_khz, 3600000);
	assert_int_equal(topo.cpu[1].ncaches, 4);
	assert_int_equal(topo.cpu[1].cache[3].level, 3);
	assert_string_equal(topo.cpu[1].cache[3].type, "Unified");
	assert_int_equal(topo.cpu[1].cache[3].size_bytes, 12u << 20);
	assert_int_equal(hal_cpuset_count(&topo.cpu[1].cache[3].shared), 4);
	assert_int_equal(topo.cpu[1].cache[2].size_bytes, 1280u << 10);

	char mount[64];
	assert_int_equal(hal_cgroup_mount(&fs, mount, sizeof(mount)), PM_OK);
	assert_string_equal(mount, "sys/fs/cgroup");
	struct hal_cgroup_stats cg;
	assert_int_equal(hal_cgroup_read(&fs, mount, "/system.slice/weird.service", &cg), PM_OK);
	assert_int_equal(cg.valid, HAL_CGROUP_CPU | HAL_CGROUP_MEMORY_CURRENT | HAL_CGROUP_MEMORY_MAX |
	                               HAL_CGROUP_PIDS);
	assert_int_equal(cg.cpu.usage_usec, 5000000);
	assert_int_equal(cg.cpu.nr_throttled, 2);
	assert_int_equal(cg.memory_current, 10485760);
	assert_true(cg.memory_max == UINT64_MAX);
	assert_int_equal(cg.pids_current, 3);
	assert_int_equal(hal_cgroup_read(&fs, mount, "/init.scope", &cg), PM_OK);
	assert_int_equal(cg.valid, HAL_CGROUP_MEMORY_CURRENT | HAL_CGROUP_MEMORY_MAX);
	assert_int_equal(cg.memory_max, 536870912);
	assert_int_equal(hal_cgroup_read(&fs, mount, "/nope", &cg), PM_ERR_NOENT);
	hal_procfs_close(&fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_discovery, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listing_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_normal_process, setup, teardown),
		cmocka_unit_test_setup_teardown(test_owner_at_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weird_comm_cmdline_pidfile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zombie_kernel_thread_vanished, setup, teardown),
		cmocka_unit_test_setup_teardown(test_injected_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secondary_failure_live, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secondary_failure_zombie, setup, teardown),
		cmocka_unit_test_setup_teardown(test_io_denied_later, setup, teardown),
		cmocka_unit_test_setup_teardown(test_io_denied_at_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_count_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_kernel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysinfo_topology_cgroup, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
