/* `picmon affinity PID [--analyze SECONDS] [--apply] [--threads]`: the workflow of the seed's
 * cpu-affinity-manager (analyze, classify, recommend, apply, report), measured: migrations from
 * se.nr_migrations of every thread, cache misses from perf counters where the kernel allows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "hal/clock.h"
#include "hal/perf.h"
#include "hal/proc.h"
#include "hal/sched.h"
#include "hal/sysinfo.h"
#include "hal/term.h"
#include "rt/limits.h"
#include "rt/proc_rates.h"
#include "rt/workload.h"
#include "text_buf.h"

#define AFF_MAX_THREADS PM_MAX_THREADS_PER_PROCESS

struct aff_thread {
	struct hal_thread h;
	struct hal_thread_sample s[2];
	uint8_t cur;
	int alive;
	struct hal_perf_cache perf;
	int perf_ok;
};

static struct hal_topology g_topo;
static struct aff_thread g_thr[AFF_MAX_THREADS];
static int32_t g_tids[AFF_MAX_THREADS];
static struct hal_cpu_times g_cpu[2];
static double g_busy[PM_MAX_CPUS];
static char g_doc[65536];
static volatile int g_stop;

static void aff_usage(FILE *f)
{
	fprintf(f, "usage: picmon affinity PID [--analyze SECONDS] [--apply] [--threads]\n"
	           "  analyze the workload for SECONDS (default 10), classify it, recommend CPUs;\n"
	           "  --apply sets the recommendation on the process, --apply --threads on every thread\n");
}

/* A PID is a positive decimal; "-5" is a bad PID, not an option. */
static int looks_like_number(const char *s)
{
	const char *p = (s[0] == '-' || s[0] == '+') ? s + 1 : s;
	return *p >= '0' && *p <= '9';
}

static int parse_pid(const char *s, int32_t *pid)
{
	long v = 0;
	if (*s == '\0') {
		return 0;
	}
	for (const char *p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9') {
			return 0;
		}
		v = v * 10 + (*p - '0');
		if (v > INT32_MAX) {
			return 0;
		}
	}
	*pid = (int32_t)v;
	return v > 0;
}

static int parse_seconds(const char *s, int64_t *ns)
{
	char *end = NULL;
	double v = strtod(s, &end);
	if (end == s || *end != '\0' || !(v >= 0.1) || v > 86400.0) {
		return 0;
	}
	*ns = (int64_t)(v * 1e9);
	return 1;
}

/* Opens up to AFF_MAX_THREADS threads with stat, schedstat and sched, plus perf counters. */
static uint32_t open_threads(const struct hal_procfs *fs, int32_t pid, uint32_t *perf_ok, pm_status *perf_err)
{
	size_t n = 0;
	pm_status st = hal_proc_list_threads(fs, pid, g_tids, AFF_MAX_THREADS, &n);
	if (st != PM_OK && st != PM_ERR_NOSPACE) {
		return 0;
	}
	uint32_t k = 0;
	*perf_ok = 0;
	*perf_err = PM_OK;
	for (size_t i = 0; i < n; i++) {
		struct aff_thread *t = &g_thr[k];
		memset(t, 0, sizeof(*t));
		t->perf.refs_fd = t->perf.misses_fd = -1;
		if (hal_thread_open(fs, pid, g_tids[i],
		                    HAL_THREAD_STAT | HAL_THREAD_SCHEDSTAT | HAL_THREAD_SCHED, &t->h,
		                    &t->s[0]) != PM_OK) {
			continue;
		}
		t->alive = 1;
		pm_status ps = hal_perf_cache_open(g_tids[i], &t->perf);
		if (ps == PM_OK) {
			t->perf_ok = 1;
			(*perf_ok)++;
		} else if (*perf_err == PM_OK) {
			*perf_err = ps;
		}
		k++;
	}
	return k;
}

/* A zombie (or a task being reaped) still answers stat, but has exited. */
static int has_exited(const struct hal_proc_sample *s)
{
	return s->stat.state == 'Z' || s->stat.state == 'X';
}

static void cpu_busy_fractions(void)
{
	for (uint32_t c = 0; c < PM_MAX_CPUS; c++) {
		uint64_t t0 = hal_cpu_ticks_total(&g_cpu[0].cpu[c]);
		uint64_t t1 = hal_cpu_ticks_total(&g_cpu[1].cpu[c]);
		uint64_t b0 = hal_cpu_ticks_busy(&g_cpu[0].cpu[c]);
		uint64_t b1 = hal_cpu_ticks_busy(&g_cpu[1].cpu[c]);
		g_busy[c] = (t1 > t0 && b1 >= b0) ? (double)(b1 - b0) / (double)(t1 - t0) : 0.0;
	}
}

int app_cmd_affinity(int argc, char **argv)
{
	int32_t pid = 0;
	int64_t duration = 10 * INT64_C(1000000000);
	int apply = 0;
	int threads = 0;
	int have_pid = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--analyze") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "picmon: affinity: --analyze wants seconds (0.1..86400)\n");
				return APP_EXIT_USAGE;
			}
			if (!parse_seconds(argv[++i], &duration)) {
				fprintf(stderr,
				        "picmon: affinity: --analyze wants seconds (0.1..86400), got '%s'\n",
				        argv[i]);
				return APP_EXIT_USAGE;
			}
		} else if (strcmp(argv[i], "--apply") == 0) {
			apply = 1;
		} else if (strcmp(argv[i], "--threads") == 0) {
			threads = 1;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			aff_usage(stdout);
			return APP_EXIT_OK;
		} else if (argv[i][0] != '-' || looks_like_number(argv[i])) {
			if (have_pid) {
				fprintf(stderr,
				        "picmon: affinity: one PID only, got '%s' too (try 'picmon affinity "
				        "--help')\n",
				        argv[i]);
				return APP_EXIT_USAGE;
			}
			have_pid = 1;
			if (!parse_pid(argv[i], &pid)) {
				fprintf(
				    stderr,
				    "picmon: affinity: bad PID '%s': a process id is a positive integer\n",
				    argv[i]);
				return APP_EXIT_FAILURE;
			}
		} else {
			fprintf(stderr,
			        "picmon: affinity: unknown option '%s' (try 'picmon affinity --help')\n",
			        argv[i]);
			return APP_EXIT_USAGE;
		}
	}
	if (pid == 0) {
		aff_usage(stderr);
		return APP_EXIT_USAGE;
	}
	if (threads && !apply) {
		/* As apply_cpu_affinity(..., apply_to_threads) of the seed: it says where to apply. */
		fprintf(stderr, "picmon: affinity: --threads only means something with --apply (it applies "
		                "the affinity to every thread)\n");
		return APP_EXIT_USAGE;
	}
	struct hal_procfs fs;
	pm_status st = hal_procfs_open(&fs, NULL);
	if (st != PM_OK) {
		fprintf(stderr, "picmon: affinity: cannot open /proc: %s\n", pm_status_str(st));
		return APP_EXIT_FAILURE;
	}
	int rc = APP_EXIT_FAILURE;
	struct hal_proc proc;
	struct hal_proc_sample ps[2];
	struct hal_sysinfo si;
	int si_ok = 0;
	uint32_t nthr = 0;
	hal_proc_init_closed(&proc);
	st = hal_proc_open(&fs, pid, HAL_PROC_STAT | HAL_PROC_STATUS | HAL_PROC_SCHED, &proc, &ps[0]);
	if (st != PM_OK) {
		fprintf(stderr, "picmon: affinity: process %d: %s\n", pid,
		        st == PM_ERR_GONE ? "no such process" : pm_status_str(st));
		goto out;
	}
	if (has_exited(&ps[0])) {
		fprintf(stderr,
		        "picmon: affinity: process %d has exited (a zombie its parent has not reaped)\n",
		        pid);
		goto out;
	}
	if ((st = hal_topology_read(&fs, &g_topo)) != PM_OK) {
		fprintf(stderr, "picmon: affinity: cannot read the CPU topology: %s\n", pm_status_str(st));
		goto out;
	}
	si_ok = hal_sysinfo_open(&fs, &si) == PM_OK;
	if (si_ok && hal_sysinfo_cpu_times(&si, &g_cpu[0]) != PM_OK) {
		hal_sysinfo_close(&si);
		si_ok = 0;
	}
	uint32_t perf_ok = 0;
	pm_status perf_err = PM_OK;
	nthr = open_threads(&fs, pid, &perf_ok, &perf_err);
	struct hal_cpuset before;
	if ((st = hal_affinity_get(pid, &before)) != PM_OK) {
		fprintf(stderr, "picmon: affinity: cannot read the affinity of %d: %s\n", pid,
		        pm_status_str(st));
		goto out;
	}
	(void)hal_term_catch_stop(&g_stop);
	fprintf(stderr, "picmon: affinity: analysing process %d (%s) for %.1f s...\n", pid, ps[0].stat.comm,
	        (double)duration / 1e9);
	struct rt_workload_acc acc;
	rt_workload_acc_init(&acc);
	int64_t step = duration >= 2 * INT64_C(1000000000) ? INT64_C(1000000000) : duration / 2;
	int64_t start = hal_clock_mono_ns();
	int64_t end = start + duration;
	uint8_t cur = 0;
	pm_status sampled = PM_OK;
	for (int64_t next = start + step; next <= end + 1000 && g_stop == 0; next += step) {
		if (hal_sleep_until_mono(next, &g_stop) != PM_OK) {
			break;
		}
		uint8_t nx = (uint8_t)(cur ^ 1u);
		sampled = hal_proc_sample(&proc, &ps[nx]);
		if (sampled == PM_OK && has_exited(&ps[nx])) {
			sampled = PM_ERR_GONE;
		}
		if (sampled != PM_OK) {
			break;
		}
		double cpu = rt_cpu_percent_ticks(ps[cur].stat.utime + ps[cur].stat.stime,
		                                  ps[nx].stat.utime + ps[nx].stat.stime,
		                                  ps[nx].mono_ns - ps[cur].mono_ns, fs.clk_tck);
		uint64_t migr = 0;
		bool measured = true;
		uint32_t with_sched = 0;
		for (uint32_t k = 0; k < nthr; k++) {
			struct aff_thread *t = &g_thr[k];
			if (!t->alive) {
				continue;
			}
			uint8_t tn = (uint8_t)(t->cur ^ 1u);
			if (hal_thread_sample(&t->h, &t->s[tn]) != PM_OK) {
				t->alive = 0;
				continue;
			}
			if ((t->s[tn].valid & t->s[t->cur].valid & HAL_THREAD_SCHED) != 0 &&
			    t->s[tn].sched.nr_migrations >= t->s[t->cur].sched.nr_migrations) {
				migr += t->s[tn].sched.nr_migrations - t->s[t->cur].sched.nr_migrations;
				with_sched++;
			}
			t->cur = tn;
		}
		if (with_sched == 0) {
			/* No /proc/PID/task/TID/sched (CONFIG_SCHED_DEBUG off): the seed's proxy. */
			measured = false;
			uint64_t a = ps[cur].status.voluntary_ctxt_switches +
			             ps[cur].status.nonvoluntary_ctxt_switches;
			uint64_t b =
			    ps[nx].status.voluntary_ctxt_switches + ps[nx].status.nonvoluntary_ctxt_switches;
			migr = b >= a ? b - a : 0;
		}
		rt_workload_acc_add(&acc, cpu, migr, measured);
		cur = nx;
	}
	int64_t elapsed = hal_clock_mono_ns() - start;
	uint64_t refs = 0;
	uint64_t misses = 0;
	for (uint32_t k = 0; k < nthr; k++) {
		uint64_t r = 0;
		uint64_t m = 0;
		if (g_thr[k].perf_ok && hal_perf_cache_read(&g_thr[k].perf, &r, &m) == PM_OK) {
			refs += r;
			misses += m;
		}
	}
	if (perf_ok > 0) {
		rt_workload_acc_set_cache(&acc, refs, misses);
	}
	/* Whatever was measured before, a report on a process that is no more would recommend (or
	 * apply) nothing that holds. */
	if (sampled == PM_ERR_GONE) {
		fprintf(stderr, "picmon: affinity: process %d exited during the analysis\n", pid);
		goto out;
	}
	if (sampled != PM_OK) {
		fprintf(stderr, "picmon: affinity: cannot sample process %d: %s\n", pid,
		        pm_status_str(sampled));
		goto out;
	}
	if (acc.n == 0) {
		fprintf(stderr, "picmon: affinity: process %d: analysis stopped before a sample was taken\n",
		        pid);
		goto out;
	}
	struct rt_workload_analysis an;
	rt_workload_finish(&acc, elapsed, &an);
	if (si_ok && hal_sysinfo_cpu_times(&si, &g_cpu[1]) == PM_OK) {
		cpu_busy_fractions();
	}
	struct hal_cpuset rec;
	const char *why = "";
	if ((st = rt_affinity_recommend(&g_topo, an.type, ps[cur].stat.processor, si_ok ? g_busy : NULL, &rec,
	                                &why)) != PM_OK) {
		fprintf(stderr, "picmon: affinity: no recommendation: %s\n", pm_status_str(st));
		goto out;
	}
	struct app_text t;
	app_text_init(&t, g_doc, sizeof(g_doc));
	char list[512];
	app_text_printf(&t, "process %d (%s), %u threads, analysed %.1f s (%u samples)\n", pid,
	                ps[cur].stat.comm, nthr, (double)elapsed / 1e9, an.samples);
	app_text_printf(&t, "  cpu: avg %.1f %%, max %.1f %%, variance %.1f\n", an.avg_cpu, an.max_cpu,
	                an.cpu_variance);
	app_text_printf(&t, "  migrations: %llu total, %.2f/s (%s)\n",
	                (unsigned long long)an.total_migrations, an.migration_rate,
	                an.migrations_estimated ? "estimated from context switches: no per-thread sched file"
	                                        : "measured: se.nr_migrations of every thread");
	if (an.cache_estimated) {
		app_text_printf(
		    &t,
		    "  cache-miss ratio: %.2f (estimated with the seed's heuristic: perf_event_open %s)\n",
		    an.cache_miss_ratio, pm_status_str(perf_err));
	} else {
		app_text_printf(
		    &t, "  cache-miss ratio: %.3f (measured: %llu misses / %llu references, %u threads)\n",
		    an.cache_miss_ratio, (unsigned long long)misses, (unsigned long long)refs, perf_ok);
	}
	app_text_printf(&t, "  workload type: %s%s\n", rt_workload_name(an.type),
	                (an.cache_estimated || an.migrations_estimated) ? " (estimated inputs)" : "");
	(void)hal_format_cpulist(&before, list, sizeof(list));
	app_text_printf(&t, "  current affinity: %s\n", list);
	(void)hal_format_cpulist(&rec, list, sizeof(list));
	app_text_printf(&t, "  recommended CPUs: %s (%s)\n", list, why);
	rc = APP_EXIT_OK;
	if (apply && threads) {
		struct hal_sched_apply res;
		st = hal_affinity_set_process(&fs, pid, &rec, &res);
		if (st != PM_OK) {
			fprintf(stderr, "picmon: affinity: cannot set the affinity of %d: %s\n", pid,
			        st == PM_ERR_GONE ? "no such process" : pm_status_str(st));
			rc = APP_EXIT_FAILURE;
		} else {
			app_text_printf(
			    &t, "  applied to %u of %u threads (%u exited meanwhile, %u failed%s%s)\n",
			    res.applied, res.threads, res.vanished, res.failed, res.failed > 0 ? ": " : "",
			    res.failed > 0 ? pm_status_str(res.first_error) : "");
			if (res.failed > 0) {
				fprintf(stderr,
				        "picmon: affinity: cannot set the affinity of %u of the %u "
				        "threads of %d: %s\n",
				        res.failed, res.threads, pid, pm_status_str(res.first_error));
				rc = APP_EXIT_FAILURE;
			} else if (res.first_error == PM_ERR_NOSPACE) {
				fprintf(
				    stderr,
				    "picmon: affinity: process %d has more than %u threads: the others were "
				    "not changed\n",
				    pid, res.threads);
				rc = APP_EXIT_FAILURE;
			}
		}
	} else if (apply) {
		st = hal_affinity_set(pid, &rec);
		if (st != PM_OK) {
			fprintf(stderr, "picmon: affinity: cannot set the affinity of %d: %s\n", pid,
			        st == PM_ERR_GONE ? "no such process" : pm_status_str(st));
			rc = APP_EXIT_FAILURE;
		} else {
			app_text_printf(&t, "  applied to thread %d (use --threads for every thread)\n", pid);
		}
	}
	if (app_text_flush(&t, STDOUT_FILENO) != PM_OK) {
		rc = APP_EXIT_FAILURE;
	}
out:
	for (uint32_t k = 0; k < nthr; k++) {
		hal_thread_close(&g_thr[k].h);
		hal_perf_cache_close(&g_thr[k].perf);
	}
	if (si_ok) {
		hal_sysinfo_close(&si);
	}
	hal_proc_close(&proc);
	hal_procfs_close(&fs);
	return rc;
}
