/* Benchmark of a full process sample: picmon's steady-state refresh (kept-open stat, status, io and
 * fd count per process, parsed) against a bare C loop over the same kept descriptors (4 syscalls per
 * process, no parsing), both back to back and 100 ms apart (as a monitor, and top -d 0.1, sample);
 * then, in the same run, picmon top, procps top (steady frames and one whole -n1 run), htop (on a
 * pseudo-terminal), ps -eo and a python3-psutil loop, each against picmon measured right before
 * and after it. Works on an own population of N sleeping
 * processes (200 and 1000) that it ends by PID; prints CPU microseconds per process per sample,
 * ratios, and allocator calls per sample. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "alloc_count.h"
#include "hal/proc.h"
#include "proc_table.h"

#define MAX_CHILDREN 1000
#define PAIRS 201          /* back-to-back pairs of samples */
#define PERIODIC_PAIRS 101 /* pairs 100 ms apart (20 s) */
#define MAX_PAIRS 256
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

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* On-CPU ns of a single-threaded process, from /proc/PID/schedstat (exact, unlike the tick-based
 * times of /proc/PID/stat). */
static int64_t task_cpu_ns(pid_t pid)
{
	char path[64];
	char buf[128];
	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return -1;
	}
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		return -1;
	}
	buf[n] = '\0';
	return strtoll(buf, NULL, 10);
}

#define HTOP_BIN "/usr/bin/htop"

/* Steady-state CPU µs of one htop frame (all processes scanned), or -1. htop 3.2 has no batch mode,
 * so it runs on a pseudo-terminal at -d 1 (0.1 s, as top -d 0.1) with a private HOME, its screen
 * drained and discarded. The frame clock is htop opening /proc/FIRST_CHILD/stat (inotify IN_OPEN,
 * once per scan); its CPU between the 2nd and the (2+k)th opening is read from its schedstat. */
static double htop_frame_us(int k)
{
	if (g_nkids == 0 || access(HTOP_BIN, X_OK) != 0) {
		return -1.0;
	}
	char watched[64];
	snprintf(watched, sizeof(watched), "/proc/%d/stat", (int)g_kids[0]);
	int ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (ino < 0 || inotify_add_watch(ino, watched, IN_OPEN) < 0) {
		perror("bench: inotify");
		if (ino >= 0) {
			close(ino);
		}
		return -1.0;
	}
	char home[] = "/tmp/bench_htop.XXXXXX";
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0 || ptsname(master) == NULL ||
	    mkdtemp(home) == NULL) {
		perror("bench: pty for htop");
		close(ino);
		if (master >= 0) {
			close(master);
		}
		return -1.0;
	}
	struct winsize ws = { .ws_row = 50, .ws_col = 160 };
	(void)ioctl(master, TIOCSWINSZ, &ws);
	char slave[128];
	snprintf(slave, sizeof(slave), "%s", ptsname(master));
	pid_t pid = fork();
	if (pid == 0) {
		(void)setsid();
		int tty = open(slave, O_RDWR);
		if (tty < 0) {
			_exit(127);
		}
		dup2(tty, 0);
		dup2(tty, 1);
		dup2(tty, 2);
		setenv("TERM", "xterm", 1);
		setenv("HOME", home, 1);
		setenv("XDG_CONFIG_HOME", home, 1);
		execl(HTOP_BIN, "htop", "-d", "1", (char *)NULL);
		_exit(127);
	}
	double result = -1.0;
	if (pid > 0) {
		int frames = 0;
		double last_open = 0.0;
		int64_t cpu_first = -1;
		const double deadline = mono_s() + 10.0 + 0.5 * k;
		while (frames < 2 + k && mono_s() < deadline) {
			struct pollfd pfd[2] = { { .fd = master, .events = POLLIN },
				                 { .fd = ino, .events = POLLIN } };
			if (poll(pfd, 2, 100) < 0 && errno != EINTR) {
				break;
			}
			char sink[8192];
			if ((pfd[0].revents & POLLIN) != 0) {
				(void)read(master, sink, sizeof(sink));
			}
			if ((pfd[1].revents & POLLIN) != 0 && read(ino, sink, sizeof(sink)) > 0) {
				double now = mono_s();
				if (now - last_open > 0.05) { /* one frame, however many events it queued */
					last_open = now;
					frames++;
					if (frames == 2) {
						cpu_first = task_cpu_ns(pid);
					} else if (frames == 2 + k && cpu_first >= 0) {
						int64_t cpu_last = task_cpu_ns(pid);
						result = cpu_last > cpu_first
						             ? (double)(cpu_last - cpu_first) / 1e3 / k
						             : -1.0;
					}
				}
			}
		}
		(void)write(master, "q", 1);
		int st;
		pid_t got = 0;
		for (int i = 0; i < 300 && got == 0; i++) { /* 3 s to quit, draining its last screen */
			char sink[8192];
			struct pollfd pfd = { .fd = master, .events = POLLIN };
			if (poll(&pfd, 1, 10) > 0) {
				(void)read(master, sink, sizeof(sink));
			}
			got = waitpid(pid, &st, WNOHANG);
		}
		if (got == 0) {
			(void)kill(pid, SIGKILL);
			(void)waitpid(pid, &st, 0);
		}
		if (frames < 2 + k) {
			fprintf(stderr, "bench: htop showed %d frames in the time allowed\n", frames);
		}
	}
	close(master);
	close(ino);
	char path[128];
	snprintf(path, sizeof(path), "%s/htop/htoprc", home);
	(void)unlink(path);
	snprintf(path, sizeof(path), "%s/htop", home);
	(void)rmdir(path);
	(void)rmdir(home);
	return result;
}

static struct app_proc_table g_table;
static struct hal_procfs g_fs;

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

static long g_gap_ns; /* sleep before each sample (outside the measured CPU time) */

static void gap(void)
{
	if (g_gap_ns > 0) {
		struct timespec ts = { 0, g_gap_ns };
		nanosleep(&ts, NULL);
	}
}

/* CPU µs of one steady-state refresh. */
static double picmon_round(void)
{
	gap();
	double t0 = cpu_now_us();
	(void)app_proc_table_refresh(&g_table);
	return cpu_now_us() - t0;
}

/* The floor: picmon's own kept descriptors (the same kernel files, seq_file buffers and tasks, in
 * the table's pid order), 4 syscalls per process (pread stat, status, io; fstat fd), no parsing, no
 * discovery. Separate descriptors would put the two measurements on different kernel buffers, whose
 * placement differs between runs. */
static int g_bare[PM_MAX_PROCESSES][4];
static size_t g_nbare;

static void bare_open(void)
{
	g_nbare = 0;
	for (uint32_t k = 0; k < g_table.n; k++) {
		const struct hal_proc *h = &g_table.slot[g_table.order[k]].h;
		g_bare[g_nbare][0] = h->stat_fd;
		g_bare[g_nbare][1] = h->status_fd;
		g_bare[g_nbare][2] = h->io_fd;
		g_bare[g_nbare][3] = h->fd_fd;
		g_nbare++;
	}
}

static void bare_close(void)
{
	g_nbare = 0; /* the descriptors are the table's */
}

/* CPU µs of one pass of the bare loop. */
static double bare_round(void)
{
	static char buf[4096];
	volatile long sink = 0;
	bare_open(); /* the table's descriptors now: a process that exited since was closed by it */
	gap();
	double t0 = cpu_now_us();
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
	(void)sink;
	return cpu_now_us() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a;
	double y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Medians, in µs per process per sample, of picmon's samples and of the bare loop's, and the median
 * of the pairs' picmon/bare ratios. Every pair is one picmon sample and one bare pass taken one
 * after the other (which goes first alternates), so that a drift of the machine's speed, which on a
 * shared VM moves whole seconds by 10-30 %, hits both sides of each ratio alike. */
static int bench_pair(int pairs, double *pic, double *bare, double *median_ratio, double *allocs_per_sample,
                      double *listings_per_sample)
{
	static double ratios[MAX_PAIRS];
	static double pics[MAX_PAIRS];
	static double bares[MAX_PAIRS];
	if (pairs <= 0 || pairs > MAX_PAIRS || picmon_open() != 0) {
		return -1;
	}
	uint64_t allocs = 0;
	const uint64_t listings0 = g_table.listings;
	for (int r = 0; r < pairs; r++) {
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
		pics[r] = g_table.n > 0 ? p / (double)g_table.n : 0.0;
		bares[r] = g_nbare > 0 ? b / (double)g_nbare : 0.0;
		ratios[r] = bares[r] > 0.0 ? pics[r] / bares[r] : 0.0;
	}
	qsort(ratios, (size_t)pairs, sizeof(ratios[0]), cmp_double);
	qsort(pics, (size_t)pairs, sizeof(pics[0]), cmp_double);
	qsort(bares, (size_t)pairs, sizeof(bares[0]), cmp_double);
	*median_ratio = ratios[pairs / 2];
	*allocs_per_sample = (double)allocs / (double)pairs;
	*listings_per_sample = (double)(g_table.listings - listings0) / (double)pairs;
	*pic = pics[pairs / 2];
	*bare = bares[pairs / 2];
	bare_close();
	picmon_close();
	return 0;
}

/* Median µs per process of k picmon refreshes gap_ns apart, after two uncounted ones that take in
 * what the tool measured just before changed (its processes came and went: a listing and opens). */
static double picmon_median(long gap_ns, int k)
{
	double v[16];
	assert(k > 0 && k <= 16);
	g_gap_ns = 0;
	(void)app_proc_table_refresh(&g_table);
	(void)app_proc_table_refresh(&g_table);
	g_gap_ns = gap_ns;
	for (int i = 0; i < k; i++) {
		v[i] = picmon_round() / (double)(g_table.n > 0 ? g_table.n : 1);
	}
	qsort(v, (size_t)k, sizeof(v[0]), cmp_double);
	return v[k / 2];
}

/* picmon's cost at the moment, as a monitor samples (100 ms apart) and back to back. */
struct ref {
	double periodic;
	double b2b;
};

static struct ref picmon_ref(void)
{
	struct ref r;
	r.periodic = picmon_median(PERIODIC_GAP_NS, 5);
	r.b2b = picmon_median(0, 11);
	return r;
}

struct row {
	const char *name;
	double us; /* the tool, µs per process; < 0 when it could not be measured */
	double pic_periodic;
	double pic_b2b;
};

/* Adds a tool's figure with the mean of the picmon measurements before (*ref) and after it; the
 * latter becomes the next tool's "before". */
static void add_row(struct row *rows, int *n, const char *name, double us, struct ref *ref)
{
	struct ref after = picmon_ref();
	rows[*n].name = name;
	rows[*n].us = us;
	rows[*n].pic_periodic = (ref->periodic + after.periodic) / 2.0;
	rows[*n].pic_b2b = (ref->b2b + after.b2b) / 2.0;
	(*n)++;
	*ref = after;
}

static int g_pair_only; /* --pair: picmon and the bare loop only (quick, for working on the sampler) */

static void run(int n)
{
	end_children();
	if (spawn_children(n) != 0) {
		end_children();
		return;
	}
	int nprocs = count_procs();
	printf("\n== %d extra sleeping processes (%d processes in /proc); medians of %d pairs of picmon and "
	       "bare "
	       "samples back to back, %d pairs 100 ms apart ==\n",
	       n, nprocs, PAIRS, PERIODIC_PAIRS);
	double allocs = 0.0;
	double listings = 0.0;
	double pic = -1.0;
	double bare = -1.0;
	double median_ratio = 0.0;
	g_gap_ns = 0;
	if (bench_pair(PAIRS, &pic, &bare, &median_ratio, &allocs, &listings) != 0) {
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
	g_gap_ns = PERIODIC_GAP_NS;
	if (bench_pair(PERIODIC_PAIRS, &ppic, &pbare, &pmedian, &pallocs, &plistings) != 0) {
		fprintf(stderr, "bench: cannot open /proc\n");
		end_children();
		return;
	}
	if (g_pair_only) {
		printf("%-46s %8.2f   100 ms apart; back to back %.2f\n",
		       "picmon refresh (stat+status+io+fd)", ppic, pic);
		printf("%-46s %8.2f   100 ms apart; back to back %.2f\n",
		       "bare kept-fd pread loop (4 syscalls)", pbare, bare);
		printf("picmon/bare, median of the pairs' ratios: %.3f 100 ms apart, %.3f back to back\n",
		       pmedian, median_ratio);
		printf("allocator calls per picmon sample: %.2f (%.2f 100 ms apart)\n", allocs, pallocs);
		fflush(stdout);
		end_children();
		return;
	}
	/* Each tool is measured between two short picmon measurements, and its ratios are to their
	 * mean: the machine's speed drifts by 10-30 % between minutes, and a tool measured a minute
	 * after picmon's pair would carry that drift into its ratio. */
	if (picmon_open() != 0) {
		fprintf(stderr, "bench: cannot open /proc\n");
		end_children();
		return;
	}
	struct row rows[10];
	int nrows = 0;
	char cmd1[512];
	char cmdk[512];
	const int k = 10;
	struct ref r0 = picmon_ref();
	double ps = 1e300;
	for (int rep = 0; rep < 3; rep++) {
		double c = command_cpu_us("ps -eo pid,ppid,stat,pcpu,rss,vsz,nlwp,comm");
		ps = c >= 0 && c < ps ? c : ps;
	}
	add_row(rows, &nrows, "ps -eo pid,ppid,stat,pcpu,rss,vsz,nlwp,comm", ps / nprocs, &r0);
	double top1 = 1e300; /* the issue's own figure for top: one whole `top -b -n1` run */
	for (int rep = 0; rep < 3; rep++) {
		double c = command_cpu_us("top -b -n 1");
		top1 = c >= 0 && c < top1 ? c : top1;
	}
	add_row(rows, &nrows, "top -b -n1", top1 / nprocs, &r0);
	add_row(rows, &nrows, "procps top -b -d 0.1 (stat+statm)",
	        steady_cmd("top -b -n 1 -d 0.1", "top -b -n 11 -d 0.1", k) / nprocs, &r0);
	add_row(rows, &nrows, "procps top -b -d 0",
	        steady_cmd("top -b -n 1 -d 0", "top -b -n 11 -d 0", k) / nprocs, &r0);
	snprintf(cmd1, sizeof(cmd1), "%s top -b -n 1 -d 0.1", PICMON_BIN);
	snprintf(cmdk, sizeof(cmdk), "%s top -b -n 11 -d 0.1", PICMON_BIN);
	add_row(rows, &nrows, "picmon top -b -d 0.1 (stat+io+fd)", steady_cmd(cmd1, cmdk, k) / nprocs, &r0);
	snprintf(cmd1, sizeof(cmd1), "%s top -b -n 1 -d 0", PICMON_BIN);
	snprintf(cmdk, sizeof(cmdk), "%s top -b -n 11 -d 0", PICMON_BIN);
	add_row(rows, &nrows, "picmon top -b -d 0", steady_cmd(cmd1, cmdk, k) / nprocs, &r0);
	double htop = 1e300;
	for (int rep = 0; rep < 3; rep++) {
		double c = htop_frame_us(k);
		htop = c >= 0 && c < htop ? c : htop;
	}
	add_row(rows, &nrows, "htop -d 1 on a pty", htop < 1e300 ? htop / nprocs : -1.0, &r0);
	snprintf(cmd1, sizeof(cmd1),
	         "/usr/bin/python3 -c \"import psutil\nfor i in range(1):\n for p in "
	         "psutil.process_iter(['pid','ppid','status','cpu_percent','memory_info','num_threads','name'"
	         ",'num_fds']): pass\"");
	snprintf(cmdk, sizeof(cmdk),
	         "/usr/bin/python3 -c \"import psutil\nfor i in range(11):\n for p in "
	         "psutil.process_iter(['pid','ppid','status','cpu_percent','memory_info','num_threads','name'"
	         ",'num_fds']): pass\"");
	add_row(rows, &nrows, "python3-psutil process_iter loop", steady_cmd(cmd1, cmdk, k) / nprocs, &r0);
	picmon_close();

	printf("%-46s %8s %12s %12s\n", "CPU us per process per full sample", "us/proc", "/ picmon",
	       "/ picmon");
	printf("%-46s %8s %12s %12s\n", "", "", "100ms apart", "back2back");
	printf("%-46s %8.2f %11.2fx %11.2fx\n", "picmon refresh, 100 ms apart", ppic, 1.0, ppic / pic);
	printf("%-46s %8.2f %11.2fx %11.2fx  picmon/bare: median of %d pairs' ratios %.3f\n",
	       "bare kept-fd pread loop, 100 ms apart", pbare, pbare / ppic, pbare / pic, PERIODIC_PAIRS,
	       pmedian);
	printf("%-46s %8.2f %11.2fx %11.2fx\n", "picmon refresh (stat+status+io+fd), back2back", pic,
	       pic / ppic, 1.0);
	printf("%-46s %8.2f %11.2fx %11.2fx  picmon/bare: median of %d pairs' ratios %.3f\n",
	       "bare kept-fd pread loop (4 syscalls), back2back", bare, bare / ppic, bare / pic, PAIRS,
	       median_ratio);
	printf("the other tools, each against picmon's refresh measured just before and after it (the last\n"
	       "columns: that picmon, 100 ms apart / back to back); one-shot commands are whole runs as the\n"
	       "issue's table measures them, the others their steady frames 2..11 (every 0.1 s, or -d 0):\n");
	for (int i = 0; i < nrows; i++) {
		if (rows[i].us < 0) {
			printf("%-46s %8s\n", rows[i].name, "n/a (missing, or no frames)");
			continue;
		}
		printf("%-46s %8.2f %11.2fx %11.2fx  (picmon %.2f / %.2f)\n", rows[i].name, rows[i].us,
		       rows[i].us / rows[i].pic_periodic, rows[i].us / rows[i].pic_b2b, rows[i].pic_periodic,
		       rows[i].pic_b2b);
	}
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
	if (argc > 1 && strcmp(argv[1], "--pair") == 0) {
		g_pair_only = 1;
		argc--;
		argv++;
	}
	if (argc > 1) {
		sizes[0] = atoi(argv[1]);
		nsizes = 1;
		if (sizes[0] <= 0 || sizes[0] > MAX_CHILDREN) {
			fprintf(stderr, "usage: bench_proc [--pair] [N<=%d]\n", MAX_CHILDREN);
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
