/* `picmon ps` (one snapshot, optional JSON) and `picmon top` (live view or batch frames) over the
 * tracked-process table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "hal/clock.h"
#include "hal/log.h"
#include "hal/sysinfo.h"
#include "hal/term.h"
#include "hal/users.h"
#include "proc_table.h"
#include "proc_users.h"
#include "rt/proc_class.h"
#include "rt/user_tally.h"
#include "text_buf.h"

static struct app_proc_table g_table;
static struct hal_procfs g_fs;
static char g_out[4u << 20]; /* one frame / document: ~200 bytes per process */
static uint32_t g_rows[PM_MAX_PROCESSES];

enum sort_key { SORT_CPU, SORT_RSS, SORT_IO, SORT_PID };

/* Parses a non-negative decimal with an optional fraction ("0.1", "2") into nanoseconds of `unit`. */
static int parse_decimal_ns(const char *s, int64_t unit, int64_t *out)
{
	int64_t whole = 0;
	int64_t frac = 0;
	int64_t scale = 1;
	const char *p = s;
	if (*p == '\0') {
		return 0;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > 1000000) {
			return 0;
		}
	}
	if (*p == '.') {
		p++;
		for (int d = 0; *p >= '0' && *p <= '9'; p++, d++) {
			if (d < 9) {
				frac = frac * 10 + (*p - '0');
				scale *= 10;
			}
		}
	}
	if (*p != '\0' || p == s) {
		return 0;
	}
	*out = whole * unit + frac * unit / scale;
	return 1;
}

static int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (*s == '\0') {
		return 0;
	}
	for (const char *p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9') {
			return 0;
		}
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max) {
			return 0;
		}
	}
	*out = v;
	return 1;
}

static pm_status open_table(const char *root, uint32_t fields)
{
	uint64_t got = 0;
	(void)hal_fd_limit_raise(PM_MAX_PROCESSES * 5u + 64u, &got);
	pm_status st = hal_procfs_open(&g_fs, root);
	if (st != PM_OK) {
		return st;
	}
	app_proc_table_init(&g_table, &g_fs, fields);
	return PM_OK;
}

static double io_rate(const struct app_proc_entry *e)
{
	return e->rates.rchar_s + e->rates.wchar_s;
}

static enum sort_key g_sort;

static int cmp_rows(const void *a, const void *b)
{
	const struct app_proc_entry *x = &g_table.slot[*(const uint32_t *)a];
	const struct app_proc_entry *y = &g_table.slot[*(const uint32_t *)b];
	double kx = 0.0;
	double ky = 0.0;
	switch (g_sort) {
	case SORT_CPU:
		kx = x->rates.cpu_percent;
		ky = y->rates.cpu_percent;
		break;
	case SORT_RSS:
		kx = (double)app_proc_latest(x)->stat.rss_pages;
		ky = (double)app_proc_latest(y)->stat.rss_pages;
		break;
	case SORT_IO:
		kx = io_rate(x);
		ky = io_rate(y);
		break;
	case SORT_PID:
		return (x->h.pid > y->h.pid) - (x->h.pid < y->h.pid);
	}
	if (kx != ky) {
		return kx < ky ? 1 : -1; /* descending */
	}
	return (x->h.pid > y->h.pid) - (x->h.pid < y->h.pid);
}

static uint32_t sorted_rows(enum sort_key key)
{
	uint32_t n = g_table.n;
	memcpy(g_rows, g_table.order, n * sizeof(g_rows[0]));
	g_sort = key;
	if (key != SORT_PID) {
		qsort(g_rows, n, sizeof(g_rows[0]), cmp_rows);
	}
	return n;
}

static uint64_t rss_kb(const struct app_proc_entry *e)
{
	const struct hal_proc_sample *s = app_proc_latest(e);
	if ((s->valid & HAL_PROC_STATUS) != 0 && (s->status.present & HAL_STATUS_VMRSS) != 0) {
		return s->status.vm_rss_kb;
	}
	return s->stat.rss_pages > 0 ? (uint64_t)s->stat.rss_pages * (g_fs.page_size / 1024u) : 0u;
}

static uint32_t children_of(const struct app_proc_entry *e)
{
	return app_proc_children(&g_table, (uint32_t)(e - g_table.slot));
}

static void row_header(struct app_text *t)
{
	app_text_printf(t, "%7s %7s S %6s %9s %9s %4s %4s %4s %9s %9s %7s %-17s %s", "PID", "PPID", "CPU%",
	                "RSS(KiB)", "VSZ(KiB)", "THR", "FDS", "CHLD", "RD(B/s)", "WR(B/s)", "IOPS", "CLASS",
	                "COMMAND");
}

static uint64_t round_u64(double v)
{
	return v <= 0.0 ? 0u : (uint64_t)(v + 0.5);
}

/* One process row without its line end, formatted without printf (top renders every process each
 * frame). On a terminal (`tty`) control bytes of the name are shown as '?'. */
static void row(struct app_text *t, const struct app_proc_entry *e, int tty)
{
	const struct hal_proc_sample *s = app_proc_latest(e);
	app_text_u64(t, (uint64_t)e->h.pid, 7);
	app_text_char(t, ' ');
	app_text_u64(t, s->stat.ppid > 0 ? (uint64_t)s->stat.ppid : 0u, 7);
	app_text_char(t, ' ');
	app_text_char(t, s->stat.state);
	app_text_char(t, ' ');
	app_text_fixed1(t, round_u64(e->rates.cpu_percent * 10.0), 6);
	app_text_char(t, ' ');
	app_text_u64(t, rss_kb(e), 9);
	app_text_char(t, ' ');
	app_text_u64(t, s->stat.vsize / 1024u, 9);
	app_text_char(t, ' ');
	app_text_u64(t, s->stat.num_threads > 0 ? (uint64_t)s->stat.num_threads : 0u, 4);
	app_text_char(t, ' ');
	if (s->fd_count >= 0) {
		app_text_u64(t, (uint64_t)s->fd_count, 4);
	} else {
		app_text_str(t, "   -", 0);
	}
	app_text_char(t, ' ');
	app_text_u64(t, children_of(e), 4);
	app_text_char(t, ' ');
	if ((e->rates.valid & HAL_PROC_IO) != 0) {
		app_text_u64(t, round_u64(e->rates.read_bytes_s), 9);
		app_text_char(t, ' ');
		app_text_u64(t, round_u64(e->rates.write_bytes_s), 9);
		app_text_char(t, ' ');
		app_text_u64(t, round_u64(e->rates.io_ops_s), 7);
	} else {
		app_text_str(t, "        -         -       -", 0);
	}
	app_text_char(t, ' ');
	app_text_str(t, rt_proc_class_name(e->cls), 17);
	app_text_char(t, ' ');
	if (tty) {
		app_text_str_printable(t, s->stat.comm);
	} else {
		app_text_str(t, s->stat.comm, 0);
	}
}

static void json_row(struct app_text *t, const struct app_proc_entry *e, int first)
{
	const struct hal_proc_sample *s = app_proc_latest(e);
	int io_ok = (e->rates.valid & HAL_PROC_IO) != 0;
	char state[2] = { s->stat.state, '\0' };
	app_text_printf(t, "%s\n  {\"pid\":%d,\"ppid\":%d,\"state\":", first ? "" : ",", e->h.pid,
	                s->stat.ppid);
	app_text_json_string(t, state);
	app_text_printf(t, ",\"comm\":");
	app_text_json_string(t, s->stat.comm);
	app_text_printf(t, ",\"cpu_percent\":%.2f,\"rss_kb\":%llu,\"vsz_kb\":%llu,\"threads\":%d,",
	                e->rates.cpu_percent, (unsigned long long)rss_kb(e),
	                (unsigned long long)(s->stat.vsize / 1024u), s->stat.num_threads);
	if (s->fd_count >= 0) {
		app_text_printf(t, "\"fds\":%d,", s->fd_count);
	} else {
		app_text_printf(t, "\"fds\":null,");
	}
	app_text_printf(t, "\"children\":%u,", children_of(e));
	if (io_ok) {
		app_text_printf(
		    t,
		    "\"io_read_bytes_per_s\":%.1f,\"io_write_bytes_per_s\":%.1f,\"io_rchar_per_s\":%.1f,"
		    "\"io_wchar_per_s\":%.1f,\"io_ops_per_s\":%.1f,",
		    e->rates.read_bytes_s, e->rates.write_bytes_s, e->rates.rchar_s, e->rates.wchar_s,
		    e->rates.io_ops_s);
	} else {
		app_text_printf(
		    t, "\"io_read_bytes_per_s\":null,\"io_write_bytes_per_s\":null,\"io_rchar_per_s\":null,"
		       "\"io_wchar_per_s\":null,\"io_ops_per_s\":null,");
	}
	app_text_printf(t, "\"ctxsw_per_s\":%.1f,\"class\":\"%s\"}", e->rates.ctxsw_s,
	                rt_proc_class_name(e->cls));
}

static void ps_usage(FILE *f)
{
	fprintf(f,
	        "usage: picmon ps [--json] [--interval MS] [--root DIR]\n"
	        "  one snapshot of all processes; CPU%% and rates over two samples MS apart (default 200)\n"
	        "  the class comes from that one rate: 'active' (bursty) needs three and never shows here;\n"
	        "  use 'picmon top' for bursty processes\n");
}

int app_cmd_ps(int argc, char **argv)
{
	int json = 0;
	uint64_t interval_ms = 200;
	const char *root = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (strcmp(argv[i], "--interval") == 0 && i + 1 < argc) {
			if (!parse_uint(argv[++i], 60000, &interval_ms) || interval_ms == 0) {
				fprintf(stderr,
				        "picmon: ps: --interval wants milliseconds 1..60000, got '%s'\n",
				        argv[i]);
				return APP_EXIT_USAGE;
			}
		} else if (strcmp(argv[i], "--root") == 0 && i + 1 < argc) {
			root = argv[++i];
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			ps_usage(stdout);
			return APP_EXIT_OK;
		} else {
			fprintf(stderr, "picmon: ps: unknown option '%s' (try 'picmon ps --help')\n",
			        argv[i]);
			return APP_EXIT_USAGE;
		}
	}
	pm_status st = open_table(root, HAL_PROC_BASIC);
	if (st != PM_OK) {
		fprintf(stderr, "picmon: ps: cannot open %s/proc: %s\n", root != NULL ? root : "",
		        pm_status_str(st));
		return APP_EXIT_FAILURE;
	}
	st = app_proc_table_refresh(&g_table);
	if (st == PM_OK || st == PM_ERR_NOSPACE) {
		(void)hal_sleep_ns((int64_t)interval_ms * 1000000, NULL);
		st = app_proc_table_refresh(&g_table);
	}
	if (st == PM_ERR_NOSPACE) {
		hal_log(HAL_LOG_WARN, "ps: more than %d processes: the rest is not shown", PM_MAX_PROCESSES);
	} else if (st != PM_OK) {
		fprintf(stderr, "picmon: ps: cannot list processes: %s\n", pm_status_str(st));
		app_proc_table_close(&g_table);
		hal_procfs_close(&g_fs);
		return APP_EXIT_FAILURE;
	}
	if (g_table.open_failures > 0) {
		hal_log(HAL_LOG_WARN,
		        "ps: %llu processes could not be opened (descriptor limit or permissions)",
		        (unsigned long long)g_table.open_failures);
	}
	struct app_text t;
	app_text_init(&t, g_out, sizeof(g_out));
	uint32_t n = sorted_rows(SORT_PID);
	if (json) {
		app_text_printf(&t, "[");
		for (uint32_t k = 0; k < n; k++) {
			json_row(&t, &g_table.slot[g_rows[k]], k == 0);
		}
		app_text_printf(&t, "%s]\n", n > 0 ? "\n" : "");
	} else {
		row_header(&t);
		app_text_char(&t, '\n');
		for (uint32_t k = 0; k < n; k++) {
			row(&t, &g_table.slot[g_rows[k]], 0);
			app_text_char(&t, '\n');
		}
	}
	int rc = APP_EXIT_OK;
	if (t.overflow) {
		fprintf(stderr, "picmon: ps: output larger than its %zu-byte buffer\n", sizeof(g_out));
		rc = APP_EXIT_FAILURE;
	} else if (app_text_flush(&t, STDOUT_FILENO) != PM_OK) {
		rc = APP_EXIT_FAILURE;
	}
	app_proc_table_close(&g_table);
	hal_procfs_close(&g_fs);
	return rc;
}

/* What the header of a top frame shows, sampled with the table so that a frame redrawn for a key
 * or a resize shows the same figures. CPU split from the /proc/stat delta. */
struct top_sys {
	struct hal_sysinfo si;
	struct hal_cpu_times prev;
	struct hal_cpu_times cur;
	int have_prev;
	int ok;
	struct hal_loadavg la;
	struct hal_cpu_ticks cpu; /* ticks since the previous sample (since boot at the first) */
	int cpu_ok;
	struct hal_meminfo mi;
	int mi_ok;
};

static struct top_sys g_sys;
static struct hal_users g_users; /* uid -> name, loaded once */
static struct rt_user_count g_user_scratch[RT_USER_SCRATCH];
static struct rt_user_tally g_tally;

static double pct(uint64_t part, uint64_t total)
{
	return total > 0 ? 100.0 * (double)part / (double)total : 0.0;
}

static void top_sample_sys(void)
{
	memset(&g_sys.la, 0, sizeof(g_sys.la));
	g_sys.cpu_ok = 0;
	g_sys.mi_ok = 0;
	if (g_sys.ok) {
		(void)hal_sysinfo_loadavg(&g_sys.si, &g_sys.la);
	}
	if (g_sys.ok && hal_sysinfo_cpu_times(&g_sys.si, &g_sys.cur) == PM_OK) {
		static const struct hal_cpu_ticks zero;
		const struct hal_cpu_ticks *a = g_sys.have_prev ? &g_sys.prev.total : &zero;
		const struct hal_cpu_ticks *b = &g_sys.cur.total;
		struct hal_cpu_ticks *d = &g_sys.cpu;
		d->user = b->user - a->user;
		d->nice = b->nice - a->nice;
		d->system = b->system - a->system;
		d->idle = b->idle - a->idle;
		d->iowait = b->iowait - a->iowait;
		d->irq = b->irq - a->irq;
		d->softirq = b->softirq - a->softirq;
		d->steal = b->steal - a->steal;
		g_sys.prev = g_sys.cur;
		g_sys.have_prev = 1;
		g_sys.cpu_ok = 1;
	}
	g_sys.mi_ok = g_sys.ok && hal_sysinfo_meminfo(&g_sys.si, &g_sys.mi) == PM_OK;
	if (rt_user_tally(g_table.uids, g_table.n, g_user_scratch, RT_USER_SCRATCH, APP_TOP_USERS_SHOWN,
	                  &g_tally) != PM_OK) {
		memset(&g_tally, 0, sizeof(g_tally));
	}
}

/* A frame being built. On a terminal every line is cut at the width and the frame at the height,
 * so nothing wraps or scrolls: each line starts with an erase (an erase after a line that fills
 * the width would hit its last column, where the cursor waits to wrap), lines are separated by
 * newlines (none after the last, which may be the bottom row), and a frame shorter than the screen
 * erases what is below it. In batch mode lines simply end with a newline. */
struct top_frame {
	struct app_text *t;
	int tty;
	uint32_t rows; /* 0: unknown, no limit */
	uint32_t cols;
	uint32_t lines;
	size_t start;
};

static int frame_line_begin(struct top_frame *f)
{
	if (f->tty && f->rows > 0 && f->lines >= f->rows) {
		return 0;
	}
	if (f->tty) {
		app_text_str(f->t, f->lines > 0 ? "\n\033[K" : "\033[K", 0);
	}
	f->start = f->t->len;
	return 1;
}

static void frame_line_end(struct top_frame *f)
{
	struct app_text *t = f->t;
	if (!f->tty) {
		app_text_char(t, '\n');
	} else if (f->cols > 0 && !t->overflow && t->len - f->start > f->cols) {
		/* A byte is at most a column (all but the name are ASCII); do not keep half of a
		 * UTF-8 character of the name. */
		size_t end = f->start + f->cols;
		while (end > f->start && ((unsigned char)t->buf[end] & 0xc0u) == 0x80u) {
			end--;
		}
		t->len = end;
		t->buf[end] = '\0';
	}
	f->lines++;
}

static void top_header(struct top_frame *f)
{
	struct app_text *t = f->t;
	const struct app_proc_counts *c = &g_table.counts;
	if (frame_line_begin(f)) {
		app_text_printf(t, "picmon top - load average: %.2f, %.2f, %.2f", g_sys.la.load1,
		                g_sys.la.load5, g_sys.la.load15);
		frame_line_end(f);
	}
	if (frame_line_begin(f)) {
		app_text_printf(
		    t,
		    "Tasks: %u total, %u running, %u sleeping, %u disk sleep, %u stopped, %u zombie, %u idle",
		    c->total, c->running, c->sleeping, c->disk_sleep, c->stopped, c->zombie, c->idle);
		if (c->other > 0) { /* X (dead) and old kernels' W/K/P: the line still adds up to the total */
			app_text_printf(t, ", %u other", c->other);
		}
		frame_line_end(f);
	}
	if (frame_line_begin(f)) {
		app_proc_users_line(t, &g_tally, &g_users);
		frame_line_end(f);
	}
	if (g_sys.cpu_ok && frame_line_begin(f)) {
		const struct hal_cpu_ticks *d = &g_sys.cpu;
		uint64_t tot = hal_cpu_ticks_total(d);
		app_text_printf(t,
		                "%%Cpu(s): %5.1f us, %5.1f sy, %5.1f ni, %5.1f id, %5.1f wa, %5.1f hi, %5.1f "
		                "si, %5.1f st",
		                pct(d->user, tot), pct(d->system, tot), pct(d->nice, tot), pct(d->idle, tot),
		                pct(d->iowait, tot), pct(d->irq, tot), pct(d->softirq, tot),
		                pct(d->steal, tot));
		frame_line_end(f);
	}
	if (g_sys.mi_ok && frame_line_begin(f)) {
		const struct hal_meminfo *mi = &g_sys.mi;
		app_text_printf(
		    t, "MiB Mem: %9.1f total, %9.1f free, %9.1f available | Swap: %9.1f total, %9.1f free",
		    (double)mi->mem_total_kb / 1024.0, (double)mi->mem_free_kb / 1024.0,
		    (double)mi->mem_available_kb / 1024.0, (double)mi->swap_total_kb / 1024.0,
		    (double)mi->swap_free_kb / 1024.0);
		frame_line_end(f);
	}
	if (frame_line_begin(f)) {
		frame_line_end(f);
	}
	if (frame_line_begin(f)) {
		row_header(t);
		frame_line_end(f);
	}
}

/* Renders the last sample sorted by `sort` and writes it with one write: the terminal never shows
 * half a frame. */
static pm_status top_draw(int interactive, enum sort_key sort)
{
	struct app_text t;
	app_text_init(&t, g_out, sizeof(g_out));
	struct top_frame f = { .t = &t, .tty = interactive, .rows = 0, .cols = 0, .lines = 0, .start = 0 };
	if (interactive) {
		if (hal_term_size(&f.rows, &f.cols) != PM_OK) {
			f.rows = f.cols = 0;
		}
		app_text_str(&t, "\033[H", 0);
	}
	top_header(&f);
	uint32_t n = sorted_rows(sort);
	for (uint32_t k = 0; k < n && frame_line_begin(&f); k++) {
		row(&t, &g_table.slot[g_rows[k]], interactive);
		frame_line_end(&f);
	}
	if (!interactive) {
		app_text_char(&t, '\n');
	} else if (f.rows == 0 || f.lines < f.rows) {
		app_text_str(&t, "\n\033[J", 0);
	}
	if (t.overflow) {
		hal_log(HAL_LOG_ERROR, "top: frame larger than its %zu-byte buffer", sizeof(g_out));
		return PM_ERR_NOSPACE;
	}
	return app_text_flush(&t, STDOUT_FILENO);
}

static void top_usage(FILE *f)
{
	fprintf(f, "usage: picmon top [-d SECONDS] [--sort cpu|rss|io|pid] [-b -n N] [--root DIR]\n"
	           "  live view; keys: q quit, c/m/i/p sort by cpu/rss/io/pid. -b: batch frames to stdout\n");
}

static int parse_sort(const char *s, enum sort_key *k)
{
	static const struct {
		const char *name;
		enum sort_key key;
	} keys[] = { { "cpu", SORT_CPU }, { "rss", SORT_RSS }, { "io", SORT_IO }, { "pid", SORT_PID } };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(s, keys[i].name) == 0) {
			*k = keys[i].key;
			return 1;
		}
	}
	return 0;
}

static volatile int g_stop;
static volatile int g_resized; /* SIGWINCH since the last frame was laid out */

/* top shows nothing that needs /proc/PID/status (RSS, VSZ and threads come from stat), and status
 * is the most expensive file the kernel renders: a frame reads stat, io and the fd count only. */
#define TOP_FIELDS (HAL_PROC_STAT | HAL_PROC_IO | HAL_PROC_FDS)

int app_cmd_top(int argc, char **argv)
{
	int64_t delay_ns = 3 * INT64_C(1000000000);
	enum sort_key sort = SORT_CPU;
	int batch = 0;
	uint64_t frames = 0; /* 0: until stopped */
	const char *root = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-d") == 0 && i + 1 < argc) {
			if (!parse_decimal_ns(argv[++i], INT64_C(1000000000), &delay_ns)) {
				fprintf(stderr, "picmon: top: -d wants seconds (e.g. 1 or 0.5), got '%s'\n",
				        argv[i]);
				return APP_EXIT_USAGE;
			}
		} else if (strcmp(argv[i], "--sort") == 0 && i + 1 < argc) {
			if (!parse_sort(argv[++i], &sort)) {
				fprintf(stderr, "picmon: top: --sort wants cpu, rss, io or pid, got '%s'\n",
				        argv[i]);
				return APP_EXIT_USAGE;
			}
		} else if (strcmp(argv[i], "-b") == 0) {
			batch = 1;
		} else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
			if (!parse_uint(argv[++i], 1000000, &frames) || frames == 0) {
				fprintf(stderr, "picmon: top: -n wants a frame count >= 1, got '%s'\n",
				        argv[i]);
				return APP_EXIT_USAGE;
			}
		} else if (strcmp(argv[i], "--root") == 0 && i + 1 < argc) {
			root = argv[++i];
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			top_usage(stdout);
			return APP_EXIT_OK;
		} else {
			fprintf(stderr, "picmon: top: unknown option '%s' (try 'picmon top --help')\n",
			        argv[i]);
			return APP_EXIT_USAGE;
		}
	}
	pm_status st = open_table(root, TOP_FIELDS);
	if (st != PM_OK) {
		fprintf(stderr, "picmon: top: cannot open %s/proc: %s\n", root != NULL ? root : "",
		        pm_status_str(st));
		return APP_EXIT_FAILURE;
	}
	g_sys.ok = hal_sysinfo_open(&g_fs, &g_sys.si) == PM_OK;
	g_sys.have_prev = 0;
	/* Names for the Users line; without a passwd (or with a partial one) uids show as numbers. */
	pm_status us = hal_users_load(&g_fs, &g_users);
	if (us != PM_OK && us != PM_ERR_NOENT) {
		hal_log(HAL_LOG_WARN, "top: %s/etc/passwd: %s: some users are shown by uid", g_fs.root,
		        pm_status_str(us));
	}
	struct hal_term term = { 0 };
	int interactive = !batch && hal_isatty(STDOUT_FILENO);
	if (!batch && !interactive) {
		batch = 1; /* stdout is not a terminal: behave like procps top -b */
	}
	(void)hal_term_catch_stop(&g_stop);
	if (interactive) {
		(void)hal_term_catch_resize(&g_resized);
		(void)hal_term_raw_enter(&term);
		(void)hal_write_all(STDOUT_FILENO, "\033[?1049h\033[?25l", 14);
	}
	int rc = APP_EXIT_OK;
	int64_t next = hal_clock_mono_ns();
	for (uint64_t frame = 0; g_stop == 0 && (frames == 0 || frame < frames); frame++) {
		st = app_proc_table_refresh(&g_table);
		if (st != PM_OK && st != PM_ERR_NOSPACE) {
			hal_log(HAL_LOG_ERROR, "top: cannot list processes: %s", pm_status_str(st));
			rc = APP_EXIT_FAILURE;
			break;
		}
		top_sample_sys();
		g_resized = 0; /* this frame is laid out for the size it reads */
		if (top_draw(interactive, sort) != PM_OK) {
			rc = APP_EXIT_FAILURE;
			break;
		}
		if (frames != 0 && frame + 1 >= frames) {
			break;
		}
		next += delay_ns;
		/* Wait for the next frame. A sort key or a resize (SIGWINCH interrupts the wait) redraws
		 * the last sample at once. Keys are read even when a frame took longer than the delay,
		 * so that q works on a loaded machine. */
		for (int guard = 0; guard < 10000 && g_stop == 0; guard++) {
			int64_t left = next - hal_clock_mono_ns();
			if (!interactive) {
				if (left > 0) {
					(void)hal_sleep_ns(left, &g_stop);
				}
				break;
			}
			if (left < 0) {
				left = 0; /* late: take the keys already typed, without waiting */
			}
			int redraw = 0;
			if (g_resized != 0) {
				g_resized = 0;
				redraw = 1;
			} else {
				int key = 0;
				pm_status ks = hal_term_wait_key(left, &key);
				if (ks == PM_ERR_TIMEOUT) {
					break;
				}
				if (ks == PM_OK) {
					enum sort_key before = sort;
					if (key == 'q' || key == 'Q') {
						g_stop = 1;
					} else if (key == 'c') {
						sort = SORT_CPU;
					} else if (key == 'm') {
						sort = SORT_RSS;
					} else if (key == 'i') {
						sort = SORT_IO;
					} else if (key == 'p') {
						sort = SORT_PID;
					}
					redraw = sort != before;
				}
			}
			if (redraw && g_stop == 0 && top_draw(interactive, sort) != PM_OK) {
				rc = APP_EXIT_FAILURE;
				g_stop = 1;
			}
		}
	}
	if (interactive) {
		(void)hal_write_all(STDOUT_FILENO, "\033[?25h\033[?1049l", 14);
		hal_term_raw_leave(&term);
	}
	if (g_sys.ok) {
		hal_sysinfo_close(&g_sys.si);
	}
	app_proc_table_close(&g_table);
	hal_procfs_close(&g_fs);
	return rc;
}
