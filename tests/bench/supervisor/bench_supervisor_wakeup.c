/* Benchmark: wake-up latency of a supervisor-like thread sleeping to absolute 1 ms ticks (and doing a
 * supervisor tick of one Model each time), side by side with `cyclictest -m -q -p PRIO -i 1000` run in
 * the same time window with the same policy. Prints p50/p99/max of both and the p99 ratio. The thread
 * supervises a synthetic Model (10 ms / 8 ms, every 5th job overruns its deadline while running) and prints
 * the detection delays.
 *
 *   bench_supervisor_wakeup [--duration S] [--rounds N] [--prio P] [--interval-us US] [--cpu N]
 *                           [--no-work] [--cyclictest PATH|none]
 *
 * --cpu N pins both to CPU N (cyclictest -a N): the same CPU for both removes the difference between
 * vCPUs of a shared VM from the comparison.
 *
 * Each round runs both for S seconds (default 60); with N > 1 rounds the pooled figures average out the
 * phase of the two 1 ms grids against each other, which decides who waits when both wake on one CPU.
 * Policy: SCHED_FIFO at P (default 80) when the kernel grants it to this thread, in which case
 * cyclictest gets -p P too; otherwise both run SCHED_OTHER (cyclictest without -p). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rt/supervise.h"

#define HIST_US 20000 /* cyclictest histogram range: latencies above 20 ms count as overflows */

struct options {
	double duration_s;
	int rounds;
	int cpu;     /* >= 0: both pinned to this CPU (cyclictest -a CPU) */
	int no_work; /* 1: sleep and measure only, as cyclictest does (isolates the cost of the work) */
	int prio;
	long interval_us;
	const char *cyclictest;
};

struct detect {
	uint64_t misses;
	int64_t worst_delay_ns;
	int64_t sum_delay_ns;
};

struct run {
	const struct options *opt;
	long loops;
	int64_t *lat_ns; /* one per loop */
	int64_t tick_work_max_ns;
	struct detect detect; /* deadline misses of the synthetic Model as reported */
	uint64_t injected;    /* misses injected whose deadline had passed */
	uint64_t detected;    /* the supervisor's deadlineMissCount */
	int fifo;             /* 1 when SCHED_FIFO was granted */
	int policy_err;
};

static int64_t ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static struct timespec ns_ts(int64_t ns)
{
	struct timespec t = { .tv_sec = (time_t)(ns / 1000000000), .tv_nsec = (long)(ns % 1000000000) };
	return t;
}

/* The synthetic Model: 10 ms period, 8 ms deadline, released 370 us off the tick grid; jobs run
 * 3 ms, every 5th runs 9 ms and misses its deadline while still running. */
#define MODEL_PERIOD_NS 10000000
#define MODEL_PHASE_NS 370000
#define MODEL_MISS_EVERY 5

static int64_t job_duration(int64_t k)
{
	return k % MODEL_MISS_EVERY == MODEL_MISS_EVERY - 1 ? 9000000 : 3000000;
}

static bool note_record(void *ctx, const struct rt_record *rec)
{
	struct detect *d = ctx;
	if (rec->kind == RT_REC_VIOLATION && rec->u.violation.constraint == RT_CONSTRAINT_DEADLINE) {
		d->misses++;
		d->sum_delay_ns += rec->u.violation.detect_delay_ns;
		if (rec->u.violation.detect_delay_ns > d->worst_delay_ns) {
			d->worst_delay_ns = rec->u.violation.detect_delay_ns;
		}
	}
	return true;
}

static void *measure(void *arg)
{
	struct run *r = arg;
	/* The supervisor's work each tick: drain the Model's completed jobs, judge the in-flight one. */
	static struct rt_sup sup;
	struct rt_timing_spec spec = { .period_ns = MODEL_PERIOD_NS,
		                       .deadline_ns = 8000000,
		                       .budget_ns = 2000000,
		                       .release_tolerance_ns = 500000,
		                       .max_violations = 2,
		                       .window_jobs = 10 };
	if (r->opt->cpu >= 0) {
		/* musl has no pthread_attr_setaffinity_np: the thread pins itself before it measures. */
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET((size_t)r->opt->cpu, &set);
		int rc = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
		if (rc != 0) {
			fprintf(stderr, "pinning to CPU %d: %s (running unpinned)\n", r->opt->cpu,
			        strerror(rc));
		}
	}
	memset(&r->detect, 0, sizeof(r->detect));
	r->injected = 0;
	struct rt_sup_sink sink = { .emit = note_record, .ctx = &r->detect };
	int64_t interval = r->opt->interval_us * 1000;
	if (rt_sup_init(&sup, "bench", &spec, NULL, interval, false) != PM_OK) {
		fprintf(stderr, "rt_sup_init failed\n");
		return NULL;
	}
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	int64_t next = ts_ns(&now) + interval;
	int64_t base = next + MODEL_PHASE_NS;
	if (rt_sup_activate(&sup, ts_ns(&now), &sink, NULL) != PM_OK) {
		return NULL;
	}
	int64_t fed = 0; /* jobs whose record was drained */
	int64_t last_woke = 0;
	for (long i = 0; i < r->loops; i++) {
		struct timespec target = ns_ts(next);
		int rc;
		do {
			rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, NULL);
		} while (rc == EINTR);
		clock_gettime(CLOCK_MONOTONIC, &now);
		int64_t woke = ts_ns(&now);
		last_woke = woke;
		r->lat_ns[i] = woke - next;
		if (r->opt->no_work) {
			next += interval;
			continue;
		}
		/* Jobs released by now: 0..k (none before base). */
		int64_t k = woke >= base ? (woke - base) / MODEL_PERIOD_NS : -1;
		for (; fed <= k && base + fed * MODEL_PERIOD_NS + job_duration(fed) <= woke; fed++) {
			int64_t rel = base + fed * MODEL_PERIOD_NS;
			struct rt_job_record rec = { .seq = (uint64_t)fed + 1,
				                     .release_ns = rel,
				                     .start_ns = rel,
				                     .end_ns = rel + job_duration(fed),
				                     .cpu_ns = -1 };
			(void)rt_sup_job(&sup, &rec, woke, &sink, NULL);
		}
		struct rt_job_inflight in = { 0 };
		if (k >= 0) {
			in.seq = (uint64_t)k + 1;
			in.release_ns = base + k * MODEL_PERIOD_NS;
			in.start_ns = in.release_ns;
			in.running = woke < in.release_ns + job_duration(k);
		}
		(void)rt_sup_tick(&sup, &in, woke, &sink, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (ts_ns(&now) - woke > r->tick_work_max_ns) {
			r->tick_work_max_ns = ts_ns(&now) - woke;
		}
		next += interval;
	}
	r->detected = sup.m.deadline_miss_count;
	/* Injected: the overrunning jobs whose deadline had passed by the last tick. */
	for (int64_t j = 0; base + j * MODEL_PERIOD_NS + spec.deadline_ns < last_woke; j++) {
		if (job_duration(j) > spec.deadline_ns) {
			r->injected++;
		}
	}
	return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a;
	int64_t y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Smallest value with at least q of the samples at or below it (same rule for both tools). */
static int64_t quantile_sorted(const int64_t *v, long n, double q)
{
	long k = (long)((double)n * q + 0.999999);
	if (k < 1) {
		k = 1;
	}
	return v[k - 1];
}

struct hist {
	uint64_t count[HIST_US];
	uint64_t total;
	uint64_t overflows;
	long max_us;
};

static int64_t quantile_hist(const struct hist *h, double q)
{
	uint64_t need = (uint64_t)((double)h->total * q + 0.999999);
	uint64_t seen = 0;
	for (long i = 0; i < HIST_US; i++) {
		seen += h->count[i];
		if (seen >= need && need > 0) {
			return i;
		}
	}
	return h->max_us; /* in the overflow */
}

static int read_histfile(const char *path, struct hist *h)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		return -1;
	}
	char line[256];
	while (fgets(line, sizeof(line), f) != NULL) {
		long us;
		unsigned long long n;
		if (line[0] != '#' && sscanf(line, "%ld %llu", &us, &n) == 2 && us >= 0 && us < HIST_US) {
			h->count[us] += n;
			h->total += n;
		} else if (sscanf(line, "# Max Latencies: %ld", &us) == 1) {
			h->max_us = us;
		} else if (sscanf(line, "# Histogram Overflows: %llu", &n) == 1) {
			h->overflows = n;
		}
	}
	fclose(f);
	h->total += h->overflows;
	return 0;
}

static pid_t start_cyclictest(const struct options *opt, int fifo, long loops, const char *histfile)
{
	char prog[256], mflag[] = "-m", qflag[] = "-q";
	char prio[32], interval[32], nloops[32], hist[32], histarg[300], cpu[32];
	snprintf(cpu, sizeof(cpu), "-a%d", opt->cpu);
	snprintf(prog, sizeof(prog), "%s", opt->cyclictest);
	snprintf(prio, sizeof(prio), "-p%d", opt->prio);
	snprintf(interval, sizeof(interval), "-i%ld", opt->interval_us);
	snprintf(nloops, sizeof(nloops), "-l%ld", loops);
	snprintf(hist, sizeof(hist), "-h%d", HIST_US);
	snprintf(histarg, sizeof(histarg), "--histfile=%s", histfile);
	char *argv[12];
	int a = 0;
	argv[a++] = prog;
	argv[a++] = mflag;
	argv[a++] = qflag;
	if (fifo) {
		argv[a++] = prio;
	}
	if (opt->cpu >= 0) {
		argv[a++] = cpu;
	}
	argv[a++] = interval;
	argv[a++] = nloops;
	argv[a++] = hist;
	argv[a++] = histarg;
	argv[a] = NULL;
	printf("reference: ");
	for (int i = 0; i < a; i++) {
		printf("%s ", argv[i]);
	}
	printf("\n");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0) {
			dup2(devnull, 1);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static int parse_args(int argc, char **argv, struct options *opt)
{
	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && strcmp(argv[i], "--duration") == 0) {
			opt->duration_s = strtod(argv[++i], NULL);
		} else if (i + 1 < argc && strcmp(argv[i], "--cpu") == 0) {
			opt->cpu = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--no-work") == 0) {
			opt->no_work = 1;
		} else if (i + 1 < argc && strcmp(argv[i], "--rounds") == 0) {
			opt->rounds = atoi(argv[++i]);
		} else if (i + 1 < argc && strcmp(argv[i], "--prio") == 0) {
			opt->prio = atoi(argv[++i]);
		} else if (i + 1 < argc && strcmp(argv[i], "--interval-us") == 0) {
			opt->interval_us = atol(argv[++i]);
		} else if (i + 1 < argc && strcmp(argv[i], "--cyclictest") == 0) {
			opt->cyclictest = argv[++i];
		} else {
			fprintf(stderr,
			        "usage: %s [--duration S] [--rounds N] [--prio P] [--interval-us US] [--cpu "
			        "N] [--no-work] "
			        "[--cyclictest PATH|none]\n",
			        argv[0]);
			return -1;
		}
	}
	if (opt->duration_s <= 0 || opt->cpu >= CPU_SETSIZE || opt->rounds < 1 || opt->rounds > 100 ||
	    opt->prio < 1 || opt->prio > 99 || opt->interval_us < 100) {
		fprintf(stderr, "bad option value\n");
		return -1;
	}
	return 0;
}

static void hist_add_ns(struct hist *h, int64_t ns)
{
	/* Whole microseconds, truncated, as cyclictest records them. */
	long us = ns < 0 ? 0 : (long)(ns / 1000);
	if (us >= HIST_US) {
		h->overflows++;
	} else {
		h->count[us]++;
	}
	h->total++;
	if (us > h->max_us) {
		h->max_us = us;
	}
}

static void hist_merge(struct hist *into, const struct hist *from)
{
	for (long i = 0; i < HIST_US; i++) {
		into->count[i] += from->count[i];
	}
	into->total += from->total;
	into->overflows += from->overflows;
	if (from->max_us > into->max_us) {
		into->max_us = from->max_us;
	}
}

static void print_pair(const char *label, const struct hist *ours, const struct hist *ct, int ct_ok)
{
	int64_t o99 = quantile_hist(ours, 0.99);
	printf("%-10s %-18s %8lld %8lld %8ld\n", label, "picmon supervisor",
	       (long long)quantile_hist(ours, 0.50), (long long)o99, ours->max_us);
	if (!ct_ok) {
		return;
	}
	int64_t c99 = quantile_hist(ct, 0.99);
	printf("%-10s %-18s %8lld %8lld %8ld   p99 ratio %.3f\n", label, "cyclictest",
	       (long long)quantile_hist(ct, 0.50), (long long)c99, ct->max_us,
	       c99 > 0 ? (double)o99 / (double)c99 : 0.0);
}

/* One side-by-side round: cyclictest and the supervisor thread over the same `loops` ticks. */
static int run_round(struct run *r, struct hist *ours, struct hist *ct, int *ct_ok)
{
	const struct options *opt = r->opt;
	/* cyclictest is started first: a fork() after our thread runs would make its pages copy-on-write
	 * and charge the first write to each with a page fault in the measured thread. */
	char histfile[] = "/tmp/bench_supervisor_hist_XXXXXX";
	int hfd = mkstemp(histfile);
	pid_t ct_pid = -1;
	if (hfd >= 0 && strcmp(opt->cyclictest, "none") != 0) {
		close(hfd);
		ct_pid = start_cyclictest(opt, r->fifo, r->loops, histfile);
	}
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	struct sched_param sp = { .sched_priority = opt->prio };
	if (r->fifo) {
		pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
		pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
		pthread_attr_setschedparam(&attr, &sp);
	}
	pthread_t th;
	r->tick_work_max_ns = 0;
	int rc = pthread_create(&th, &attr, measure, r);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		fprintf(stderr, "pthread_create: %s\n", strerror(rc));
		return -1;
	}
	pthread_join(th, NULL);
	*ct_ok = 0;
	if (ct_pid > 0) {
		int st = 0;
		if (waitpid(ct_pid, &st, 0) == ct_pid && WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
		    read_histfile(histfile, ct) == 0 && ct->total > 0) {
			*ct_ok = 1;
		} else {
			fprintf(stderr, "cyclictest failed (status %d)\n", st);
		}
	}
	if (hfd >= 0) {
		unlink(histfile);
	}
	for (long i = 0; i < r->loops; i++) {
		hist_add_ns(ours, r->lat_ns[i]);
	}
	qsort(r->lat_ns, (size_t)r->loops, sizeof(int64_t), cmp_i64);
	printf("           picmon in ns: p50 %lld, p99 %lld, max %lld; tick work max %lld ns\n",
	       (long long)quantile_sorted(r->lat_ns, r->loops, 0.50),
	       (long long)quantile_sorted(r->lat_ns, r->loops, 0.99), (long long)r->lat_ns[r->loops - 1],
	       (long long)r->tick_work_max_ns);
	printf(
	    "           deadline misses: injected %llu, detected %llu (%llu reported in flight); "
	    "detection delay worst %lld us, mean %lld us (tick %ld us)\n",
	    (unsigned long long)r->injected, (unsigned long long)r->detected,
	    (unsigned long long)r->detect.misses, (long long)(r->detect.worst_delay_ns / 1000),
	    (long long)(r->detect.misses > 0 ? r->detect.sum_delay_ns / (int64_t)r->detect.misses / 1000 : 0),
	    opt->interval_us);
	return 0;
}

int main(int argc, char **argv)
{
	struct options opt = { .duration_s = 60,
		               .rounds = 1,
		               .cpu = -1,
		               .prio = 80,
		               .interval_us = 1000,
		               .cyclictest = "cyclictest" };
	if (parse_args(argc, argv, &opt) != 0) {
		return 2;
	}
	long loops = (long)(opt.duration_s * 1e6 / (double)opt.interval_us);
	struct run r = { .opt = &opt, .loops = loops };
	r.lat_ns = calloc((size_t)loops, sizeof(int64_t));
	static struct hist ours, ct, ours_all, ct_all;
	if (r.lat_ns == NULL || loops < 1) {
		free(r.lat_ns);
		return 1;
	}
	if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0) {
		perror("mlockall (continuing unlocked)");
	}
	/* Whether SCHED_FIFO is granted decides cyclictest's policy too: ask for this thread first. */
	struct sched_param probe = { .sched_priority = opt.prio };
	r.fifo = pthread_setschedparam(pthread_self(), SCHED_FIFO, &probe) == 0;
	struct sched_param other = { .sched_priority = 0 };
	if (r.fifo && pthread_setschedparam(pthread_self(), SCHED_OTHER, &other) != 0) {
		fprintf(stderr, "could not return the main thread to SCHED_OTHER\n");
		free(r.lat_ns);
		return 1;
	}
	if (!r.fifo) {
		fprintf(stderr, "SCHED_FIFO %d refused: both run SCHED_OTHER\n", opt.prio);
	}
	printf("policy: %s%s, interval %ld us, %ld loops (%.0f s) x %d round(s), cpus online %ld\n",
	       r.fifo ? "SCHED_FIFO" : "SCHED_OTHER", r.fifo ? " (same priority for both)" : "",
	       opt.interval_us, loops, opt.duration_s, opt.rounds, sysconf(_SC_NPROCESSORS_ONLN));
	int all_ct_ok = 1;
	for (int round = 1; round <= opt.rounds; round++) {
		memset(&ours, 0, sizeof(ours));
		memset(&ct, 0, sizeof(ct));
		int ct_ok = 0;
		if (run_round(&r, &ours, &ct, &ct_ok) != 0) {
			free(r.lat_ns);
			return 1;
		}
		char label[24];
		snprintf(label, sizeof(label), "round %d", round);
		printf("%-10s %-18s %8s %8s %8s   (wake-up latency, us)\n", "", "", "p50", "p99", "max");
		print_pair(label, &ours, &ct, ct_ok);
		hist_merge(&ours_all, &ours);
		hist_merge(&ct_all, &ct);
		all_ct_ok = all_ct_ok && ct_ok;
	}
	if (opt.rounds > 1) {
		print_pair("all", &ours_all, &ct_all, all_ct_ok);
	}
	if (all_ct_ok) {
		int64_t c99 = quantile_hist(&ct_all, 0.99);
		printf("p99 ratio picmon/cyclictest: %.3f (target <= 1.1)\n",
		       c99 > 0 ? (double)quantile_hist(&ours_all, 0.99) / (double)c99 : 0.0);
	}
	free(r.lat_ns);
	return 0;
}
