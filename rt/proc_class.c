/* The five-class process-state classifier (rules in rt/proc_class.h). */
#include "rt/proc_class.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#define IDLE_PCT 5.0
#define BUSY_PCT 40.0

void rt_proc_window_reset(struct rt_proc_window *w)
{
	memset(w, 0, sizeof(*w));
}

void rt_proc_window_push(struct rt_proc_window *w, double cpu_percent, double io_ops_s)
{
	assert(w->head < RT_PROC_WINDOW);
	if (w->cpu[w->head] > 0.0f) {
		w->cpu_nonzero--; /* the slot's old sample leaves the window (unused slots hold 0) */
	}
	w->cpu[w->head] = (float)(cpu_percent < 0.0 ? 0.0 : cpu_percent);
	if (w->cpu[w->head] > 0.0f) {
		w->cpu_nonzero++;
	}
	w->io_ops[w->head] = (float)(io_ops_s < 0.0 ? 0.0 : io_ops_s);
	w->head = (w->head + 1) % RT_PROC_WINDOW;
	if (w->count < RT_PROC_WINDOW) {
		w->count++;
	}
}

void rt_proc_window_stats(const struct rt_proc_window *w, struct rt_proc_window_stats *out)
{
	memset(out, 0, sizeof(*out));
	uint32_t n = w->count <= RT_PROC_WINDOW ? w->count : RT_PROC_WINDOW;
	out->n = n;
	if (n == 0) {
		return;
	}
	/* The order of samples does not matter to these statistics, so all valid slots are used. */
	double sum = 0.0;
	double io = 0.0;
	uint32_t idle = 0;
	uint32_t busy = 0;
	for (uint32_t i = 0; i < n; i++) {
		double c = w->cpu[i];
		sum += c;
		io += w->io_ops[i];
		if (c > out->max) {
			out->max = c;
		}
		idle += c < IDLE_PCT ? 1u : 0u;
		busy += c >= BUSY_PCT ? 1u : 0u;
	}
	out->mean = sum / n;
	out->io_mean = io / n;
	double var = 0.0;
	for (uint32_t i = 0; i < n; i++) {
		double d = w->cpu[i] - out->mean;
		var += d * d;
	}
	out->stddev = sqrt(var / n);
	out->idle_frac = (double)idle / n;
	out->busy_frac = (double)busy / n;
}

enum rt_proc_class rt_proc_classify(const struct rt_proc_window *w)
{
#ifndef NDEBUG
	uint32_t nonzero = 0;
	for (uint32_t i = 0; i < RT_PROC_WINDOW; i++) {
		nonzero += w->cpu[i] > 0.0f ? 1u : 0u;
	}
	assert(nonzero == w->cpu_nonzero);
#endif
	/* No CPU in the whole window (most processes, most of the time): mean and max are 0, which
	 * every rule below classifies inactive, whatever the I/O. */
	if (w->cpu_nonzero == 0) {
		return RT_PROC_INACTIVE;
	}
	struct rt_proc_window_stats s;
	rt_proc_window_stats(w, &s);
	if (s.n == 0) {
		return RT_PROC_INACTIVE;
	}
	if (s.n >= 3 && s.max >= 40.0 && (s.stddev >= 20.0 || (s.idle_frac >= 0.25 && s.busy_frac >= 0.10))) {
		return RT_PROC_ACTIVE;
	}
	if (s.mean < 5.0 && s.max < 20.0) {
		return RT_PROC_INACTIVE;
	}
	if (s.mean >= 75.0 || (s.mean >= 65.0 && s.io_mean >= 100.0)) {
		return RT_PROC_FOREGROUND_ACTIVE;
	}
	if (s.mean >= 50.0) {
		return RT_PROC_BACKGROUND_ACTIVE;
	}
	return RT_PROC_RUNNING;
}

const char *rt_proc_class_name(enum rt_proc_class c)
{
	switch (c) {
	case RT_PROC_INACTIVE:
		return "inactive";
	case RT_PROC_RUNNING:
		return "running";
	case RT_PROC_ACTIVE:
		return "active";
	case RT_PROC_BACKGROUND_ACTIVE:
		return "background_active";
	case RT_PROC_FOREGROUND_ACTIVE:
		return "foreground_active";
	default:
		return "unknown";
	}
}
