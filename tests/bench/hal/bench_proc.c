/* Benchmark of a full process sample: picmon's steady-state refresh (kept-open stat, status, io and
 * fd count per process, parsed) against a bare C loop over the same kept descriptors (4 syscalls per
 * process, no parsing), both back to back and 100 ms apart (as a monitor, and top -d 0.1, sample),
 * then ps -eo, top -b and a python3-psutil loop, in the same run, over an own
 * population of N sleeping processes (200 and 1000) that it ends by PID. Prints CPU microseconds
 * per process per sample, ratios, and allocator calls per sample. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alloc_count.h"
#include "hal/proc.h"
#include "proc_table.h"

#define MAX_CHILDREN 1000
#define SAMPLES 20
#define PERIODIC_SAMPLES 10
#define PERIODIC_GAP_NS 100000000L /* as top -d 0.1: caches go cold between samples */

static pid_t g_kids[MAX_CHILDREN];
static int g_nkids;

static double cpu_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void end_children(void)
{
	for (int i = 0; i < g_nkids; i++) {
		(void)kill(g_kids[i], SIGKILL);
	}
	for (int i = 0; i < g_nkids; i++) {
		int st;
		(void)waitpid(g_kids[i], &st, 0);
	}
	g_nkids = 0;
}

static int spawn_children(int n)
{
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return -1;
		}
		if (pid == 0) {
			for (;;) {
				pause();
			}
		}
		g_kids[g_nkids++] = pid;
	}
	struct timespec ts = { 0, 300000000 };
	nanosleep(&ts, NULL); /* let them all reach pause() */
	return 0;
}

static int count_procs(void)
{
	static int32_t pids[PM_MAX_PROCESSES];
	struct hal_procfs fs;
	size_t n = 0;
	if (hal_procfs_open(&fs, NULL) != PM_OK) {
		return 0;
	}
	(void)hal_proc_list(&fs, pids, PM_MAX_PROCESSES, &n);
	hal_procfs_close(&fs);
	return (int)n;
}

/* CPU time (user+sys, µs) that a shell command spends, from the children's rusage. */
static double command_cpu_us(const char *cmd)
{
	struct rusage before;
	struct rusage after;
	getrusage(RUSAGE_CHILDREN, &before);
	pid_t pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0) {
			dup2(devnull, 1);
		}
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "bench: '%s' failed\n", cmd);
		return -1.0;
	}
	getrusage(RUSAGE_CHILDREN, &after);
	double b = (double)before.ru_utime.tv_sec * 1e6 + (double)before.ru_utime.tv_usec +
	           (double)before.ru_stime.tv_sec * 1e6 + (double)before.ru_stime.tv_usec;
	double a = (double)after.ru_utime.tv_sec * 1e6 + (double)after.ru_utime.tv_usec +
	           (double)after.ru_stime.tv_sec * 1e6 + (double)after.ru_stime.tv_usec;
	return a - b;
}

/* Steady-state cost of one more frame of a batch tool: (cost of 1+K frames - cost of 1 frame) / K. */
static double steady_cmd(const char *fmt_one, const char *fmt_many, int k)
{
	double best1 = 1e300;
	double bestk = 1e300;
	for (int rep = 0; rep < 3; rep++) {
		double one = command_cpu_us(fmt_one);
		double many = command_cpu_us(fmt_many);
		if (one < 0 || many < 0) {
			return -1.0;
		}
		best1 = one < best1 ? one : best1;
		bestk = many < bestk ? many : bestk;
	}
	return (bestk - best1) / k;
}

static struct app_proc_table g_table;
static struct hal_procfs g_fs;

#define ROUNDS 11 /* picmon and the bare loop alternate, so drifts of the machine hit both alike */

/* Opens picmon's table (start-up, not counted): the first refresh opens every file. */
static int picmon_open(void)
{
	if (hal_procfs_open(&g_fs, NULL) != PM_OK) {
		return -1;
	}
	app_proc_table_init(&g_table, &g_fs, HAL_PROC_BASIC);
	(void)app_proc_table_refresh(&g_table);
	(void)app_proc_table_refresh(&g_table);
	return 0;
}

static void picmon_close(void)
{
	app_proc_table_close(&g_table);
	hal_procfs_close(&g_fs);
}

/* CPU µs of SAMPLES steady-state refreshes. */
static int g_samples = SAMPLES; /* per round */
static long g_gap_ns;           /* sleep between samples (not CPU time, so not counted) */

static void gap(void)
{
	if (g_gap_ns > 0) {
		struct timespec ts = { 0, g_gap_ns };
		nanosleep(&ts, NULL);
	}
}

static double picmon_round(void)
{
	double t0 = cpu_now_us();
	for (int i = 0; i < g_samples; i++) {
		gap();
		(void)app_proc_table_refresh(&g_table);
	}
	return cpu_now_us() - t0;
}

/* The floor: the same kept files, 4 syscalls per process (pread stat, status, io; fstat fd), no
 * parsing, no discovery. */
static int g_bare[PM_MAX_PROCESSES][4];
static size_t g_nbare;

static void bare_open(void)
{
	static int32_t pids[PM_MAX_PROCESSES];
	struct hal_procfs fs;
	g_nbare = 0;
	if (hal_procfs_open(&fs, NULL) != PM_OK) {
		return;
	}
	(void)hal_proc_list(&fs, pids, PM_MAX_PROCESSES, &g_nbare);
	hal_procfs_close(&fs);
	char path[64];
	for (size_t i = 0; i < g_nbare; i++) {
		snprintf(path, sizeof(path), "/proc/%d/stat", pids[i]);
		g_bare[i][0] = open(path, O_RDONLY | O_CLOEXEC);
		snprintf(path, sizeof(path), "/proc/%d/status", pids[i]);
		g_bare[i][1] = open(path, O_RDONLY | O_CLOEXEC);
		snprintf(path, sizeof(path), "/proc/%d/io", pids[i]);
		g_bare[i][2] = open(path, O_RDONLY | O_CLOEXEC);
		snprintf(path, sizeof(path), "/proc/%d/fd", pids[i]);
		g_bare[i][3] = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
}

static void bare_close(void)
{
	for (size_t i = 0; i < g_nbare; i++) {
		for (int f = 0; f < 4; f++) {
			if (g_bare[i][f] >= 0) {
				close(g_bare[i][f]);
			}
		}
	}
	g_nbare = 0;
}

/* CPU µs of SAMPLES passes of the bare loop. */
static double bare_round(void)
{
	static char buf[4096];
	volatile long sink = 0;
	double t0 = cpu_now_us();
	for (int s = 0; s < g_samples; s++) {
		gap();
		for (size_t i = 0; i < g_nbare; i++) {
			for (int f = 0; f < 3; f++) {
				if (g_bare[i][f] >= 0) {
					sink += pread(g_bare[i][f], buf, sizeof(buf), 0);
				}
			}
			struct stat st;
			if (g_bare[i][3] >= 0 && fstat(g_bare[i][3], &st) == 0) {
				sink += st.st_size;
			}
		}
	}
	(void)sink;
	return cpu_now_us() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a;
	double y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Best round of each, in µs per process per sample, and the median of the rounds' picmon/bare ratios
 * (each ratio from two neighbouring measurements: robust against a machine whose speed drifts, as
 * a shared VM's does). Rounds alternate which one goes first. */
static int bench_pair(double *pic, double *bare, double *median_ratio, double *allocs_per_sample,
                      double *listings_per_sample)
{
	if (picmon_open() != 0) {
		return -1;
	}
	bare_open();
	double best_pic = 1e300;
	double best_bare = 1e300;
	uint64_t allocs = 0;
	double ratios[ROUNDS];
	const uint64_t listings0 = g_table.listings;
	for (int r = 0; r < ROUNDS; r++) {
		double b = 0.0;
		if (r % 2 == 1) {
			b = bare_round();
		}
		uint64_t a0 = test_alloc_calls();
		double p = picmon_round();
		allocs += test_alloc_calls() - a0;
		if (r % 2 == 0) {
			b = bare_round();
		}
		best_pic = p < best_pic ? p : best_pic;
		best_bare = b < best_bare ? b : best_bare;
		ratios[r] = b > 0.0 ? (p / (double)g_table.n) / (b / (double)g_nbare) : 0.0;
	}
	qsort(ratios, ROUNDS, sizeof(ratios[0]), cmp_double);
	*median_ratio = ratios[ROUNDS / 2];
	*allocs_per_sample = (double)allocs / (double)(ROUNDS * g_samples);
	*listings_per_sample = (double)(g_table.listings - listings0) / (double)(ROUNDS * g_samples);
	*pic = g_table.n > 0 ? best_pic / g_samples / (double)g_table.n : -1.0;
	*bare = g_nbare > 0 ? best_bare / g_samples / (double)g_nbare : -1.0;
	bare_close();
	picmon_close();
	return 0;
}

static void run(int n)
{
	end_children();
	if (spawn_children(n) != 0) {
		end_children();
		return;
	}
	int nprocs = count_procs();
	printf(
	    "\n== %d extra sleeping processes (%d processes in /proc), best of %d alternating rounds of %d "
	    "samples ==\n",
	    n, nprocs, ROUNDS, SAMPLES);
	double allocs = 0.0;
	double listings = 0.0;
	double pic = -1.0;
	double bare = -1.0;
	double median_ratio = 0.0;
	g_samples = SAMPLES;
	g_gap_ns = 0;
	if (bench_pair(&pic, &bare, &median_ratio, &allocs, &listings) != 0) {
		fprintf(stderr, "bench: cannot open /proc\n");
		end_children();
		return;
	}
	/* The same pair sampled as a monitor (and top -d 0.1 below) samples: 100 ms apart. */
	double ppic = -1.0;
	double pbare = -1.0;
	double pmedian = 0.0;
	double pallocs = 0.0;
	double plistings = 0.0;
	g_samples = PERIODIC_SAMPLES;
	g_gap_ns = PERIODIC_GAP_NS;
	if (bench_pair(&ppic, &pbare, &pmedian, &pallocs, &plistings) != 0) {
		fprintf(stderr, "bench: cannot open /proc\n");
		end_children();
		return;
	}
	char cmd1[512];
	char cmdk[512];
	const int k = 10;
	double ps = 0.0;
	{
		double best = 1e300;
		for (int rep = 0; rep < 3; rep++) {
			double c = command_cpu_us("ps -eo pid,ppid,stat,pcpu,rss,vsz,nlwp,comm");
			best = c >= 0 && c < best ? c : best;
		}
		ps = best / nprocs;
	}
	double top = steady_cmd("top -b -n 1 -d 0.1", "top -b -n 11 -d 0.1", k) / nprocs;
	snprintf(cmd1, sizeof(cmd1), "%s top -b -n 1 -d 0.1", PICMON_BIN);
	snprintf(cmdk, sizeof(cmdk), "%s top -b -n 11 -d 0.1", PICMON_BIN);
	double ptop = steady_cmd(cmd1, cmdk, k) / nprocs;
	snprintf(cmd1, sizeof(cmd1),
	         "/usr/bin/python3 -c \"import psutil\nfor i in range(1):\n for p in "
	         "psutil.process_iter(['pid','ppid','status','cpu_percent','memory_info','num_threads','name'"
	         ",'num_fds']): pass\"");
	snprintf(cmdk, sizeof(cmdk),
	         "/usr/bin/python3 -c \"import psutil\nfor i in range(11):\n for p in "
	         "psutil.process_iter(['pid','ppid','status','cpu_percent','memory_info','num_threads','name'"
	         ",'num_fds']): pass\"");
	double psu = steady_cmd(cmd1, cmdk, k) / nprocs;
	printf("%-44s %10s %14s\n", "tool (steady-state full sample)", "us/proc", "vs picmon");
	printf("%-44s %10.2f %14s\n", "picmon refresh (stat+status+io+fd count)", pic, "1.00x");
	printf("%-44s %10.2f %13.2fx  (picmon / bare: best rounds %.2f, median of %d paired rounds %.2f)\n",
	       "bare C kept-fd pread loop (4 syscalls)", bare, bare / pic, pic / bare, ROUNDS, median_ratio);
	printf("%-44s %10.2f %13.2fx\n", "picmon refresh, samples 100 ms apart", ppic, ppic / pic);
	printf("%-44s %10.2f %13.2fx  (picmon / bare: best rounds %.2f, median of %d paired rounds %.2f)\n",
	       "bare loop, samples 100 ms apart", pbare, pbare / pic, ppic / pbare, ROUNDS, pmedian);
	printf("%-44s %10.2f %13.2fx\n", "picmon top -b (binary, frames 2..11)", ptop, ptop / pic);
	printf("%-44s %10.2f %13.2fx\n", "ps -eo pid,ppid,stat,pcpu,rss,vsz,nlwp,comm", ps, ps / pic);
	printf("%-44s %10.2f %13.2fx\n", "top -b (procps, frames 2..11)", top, top / pic);
	printf("%-44s %10.2f %13.2fx\n", "python3-psutil process_iter loop (2..11)", psu, psu / pic);
	printf("allocator calls per picmon sample: %.2f (%.2f 100 ms apart); /proc listings per sample: %.2f "
	       "(%.2f)\n",
	       allocs, pallocs, listings, plistings);
	fflush(stdout);
	end_children();
}

int main(int argc, char **argv)
{
	uint64_t got = 0;
	(void)hal_fd_limit_raise(PM_MAX_PROCESSES * 5u + 64u, &got);
	int sizes[2] = { 200, 1000 };
	int nsizes = 2;
	if (argc > 1) {
		sizes[0] = atoi(argv[1]);
		nsizes = 1;
		if (sizes[0] <= 0 || sizes[0] > MAX_CHILDREN) {
			fprintf(stderr, "usage: bench_proc [N<=%d]\n", MAX_CHILDREN);
			return 2;
		}
	}
	printf("bench_proc: CPU time per process per full sample (lower is better); fd limit %llu\n",
	       (unsigned long long)got);
	for (int i = 0; i < nsizes; i++) {
		run(sizes[i]);
	}
	end_children();
	return 0;
}
