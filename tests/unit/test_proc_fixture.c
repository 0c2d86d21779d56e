/* The HAL's /proc, /sys and cgroup readers over recorded trees (tests/fixtures/proc-*), with faults
 * injected through the syscall seam: vanished processes, ESRCH/EIO/EINTR, short reads, EACCES on
 * io, fd counting with and without the st_size feature, an old kernel without sched/PSI/cpufreq. */
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
static size_t short_read_max; /* 0: no limit */
static int64_t fake_fd_size = -1;
static const char *deny_open_name; /* open of a file with this name fails with EACCES */
static int64_t fake_owner = -1;    /* >= 0: the uid fstat_owner reports */
static int fail_owner_errno;       /* non-zero: fstat_owner fails with it */
static int owner_calls;
static int owner_fd = -1; /* the descriptor of the last fstat_owner */

static int64_t fake_pread(int fd, void *buf, size_t len, int64_t off)
{
	if (fail_pread_count > 0) {
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
	return real.pread(fd, buf, len, off);
}

static int fake_fstat_size(int fd, int64_t *size)
{
	if (fake_fd_size >= 0) {
		*size = fake_fd_size;
		return 0;
	}
	return real.fstat_size(fd, size);
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
	return real.open_ro(dirfd, path, directory);
}

static int setup(void **state)
{
	(void)state;
	hal_syscall_reset();
	real = hal_sys;
	hal_sys.pread = fake_pread;
	hal_sys.fstat_size = fake_fstat_size;
	hal_sys.open_ro = fake_open;
	hal_sys.fstat_owner = fake_fstat_owner;
	fake_owner = -1;
	fail_owner_errno = 0;
	owner_calls = 0;
	owner_fd = -1;
	fail_pread_count = 0;
	short_read_max = 0;
	fake_fd_size = -1;
	deny_open_name = NULL;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	hal_syscall_reset();
	return 0;
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
	/* A zombie's io read failing with ESRCH is not an exit: stat still answers. */
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
	/* ESRCH on a secondary file of a live process: exit seen. */
	fail_pread_errno = ESRCH;
	fail_pread_count = 1;
	assert_int_equal(hal_proc_sample(&p, &s), PM_ERR_GONE);
	/* A different starttime: the PID was reused. */
	p.starttime = 11;
	assert_int_equal(hal_proc_sample(&p, &s), PM_ERR_GONE);
	p.starttime = 10;
	/* io refused at read time (ptrace check): dropped, the sample is fine. */
	fail_pread_count = 0;
	assert_int_equal(hal_proc_sample(&p, &s), PM_OK);
	hal_proc_close(&p);
	/* ESRCH on stat itself. */
	assert_int_equal(hal_proc_open(&fs, 42, HAL_PROC_BASIC, &p, &s), PM_OK);
	fail_pread_errno = ESRCH;
	fail_pread_count = 1;
	assert_int_equal(hal_proc_sample(&p, &s), PM_ERR_GONE);
	hal_proc_close(&p);
	/* EACCES on io at open (another user's process without CAP_SYS_PTRACE). */
	deny_open_name = "io";
	assert_int_equal(hal_proc_open(&fs, 42, HAL_PROC_BASIC, &p, &s), PM_OK);
	assert_int_equal(p.unavailable, HAL_PROC_IO);
	assert_int_equal(s.valid & HAL_PROC_IO, 0);
	assert_int_equal(s.valid & HAL_PROC_STATUS, HAL_PROC_STATUS);
	hal_proc_close(&p);
	deny_open_name = NULL;
	/* EACCES on the io read (the check happens at read time on Linux). */
	assert_int_equal(hal_proc_open(&fs, 42, HAL_PROC_BASIC, &p, &s), PM_OK);
	fail_pread_count = 0;
	hal_sys.pread = real.pread;
	hal_proc_close(&p);
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
		cmocka_unit_test_setup_teardown(test_normal_process, setup, teardown),
		cmocka_unit_test_setup_teardown(test_owner_at_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weird_comm_cmdline_pidfile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zombie_kernel_thread_vanished, setup, teardown),
		cmocka_unit_test_setup_teardown(test_injected_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_io_denied_at_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_count_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_kernel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysinfo_topology_cgroup, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
