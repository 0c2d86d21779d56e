/* Warning/critical thresholds with hysteresis (HLD §3.2): a level changes only when a value passes a
 * line and leaves again only past the line minus the hysteresis band, so a value at the line does not
 * flap. Each crossing is reported to the caller, who turns it into an alert record. */
#ifndef RT_THRESHOLD_H
#define RT_THRESHOLD_H

#include <stdbool.h>
#include <stdint.h>

#include "hal/status.h"
#include "rt/time.h"

/* The metrics picmon checks and learns, with the HLD's names (rt_metric_name). */
enum rt_metric {
	RT_MET_EXECUTION_TIME = 0, /* ms: Scenario execution, Model job response time */
	RT_MET_MEMORY_USAGE = 1,   /* % of the Model's memory limit (memory_usage) */
	RT_MET_FAILURE_RATE = 2,   /* % */
	RT_MET_CPU_USAGE = 3,      /* % of one CPU */
	RT_MET_MEMORY_MB = 4,      /* MB resident */
	RT_MET_NETWORK = 5,        /* MB/s */
	RT_MET_RESPONSE_TIME = 6,  /* ms */
	RT_MET_DISK_MB = 7,        /* MB */
	RT_MET_COUNT = 8,
};

enum rt_level {
	RT_LEVEL_OK = 0,
	RT_LEVEL_WARNING = 1, /* same values as enum rt_severity WARNING/CRITICAL */
	RT_LEVEL_CRITICAL = 2,
};

#define RT_THR_HAS_WARNING 0x1u
#define RT_THR_HAS_CRITICAL 0x2u

struct rt_threshold_spec {
	uint32_t metric; /* enum rt_metric */
	uint32_t flags;  /* RT_THR_HAS_* */
	double warning;  /* in the metric's unit; a value >= warning enters WARNING */
	double critical; /* a value >= critical enters CRITICAL; critical >= warning */
	/* Width of the band below each line that a value must pass to leave its level; < 0 selects
	 * the default, 5 % of the line (e.g. 80 % memory clears below 76 %). */
	double hysteresis;
};

struct rt_threshold_state {
	uint32_t level; /* enum rt_level */
	uint32_t reserved;
	double last;
	pm_ns since; /* when the current level was entered */
};

/* HLD §3.2 defaults: execution_time 500/1000 ms, memory_usage 80/95 %, failure_rate 5/10 %, and
 * CPU 80/95 % (not in the HLD; the same as memory). Returns how many were written (<= cap). */
uint32_t rt_threshold_defaults(struct rt_threshold_spec *out, uint32_t cap);

pm_status rt_threshold_validate(const struct rt_threshold_spec *spec);
void rt_threshold_init(struct rt_threshold_state *st, pm_ns now);

/* Feeds one value. Returns true when the level changed (*from gets the old level; st->level the new
 * one). NaN values are ignored. */
bool rt_threshold_update(const struct rt_threshold_spec *spec, struct rt_threshold_state *st, double value,
                         pm_ns now, enum rt_level *from);

const char *rt_metric_name(enum rt_metric m);      /* HLD config name: "execution_time", ... */
const char *rt_metric_json_name(enum rt_metric m); /* HLD template name: "averageExecutionTime"... */
pm_status rt_metric_from_name(const char *name, enum rt_metric *out);
const char *rt_level_name(enum rt_level level); /* "ok", "warning", "critical" */

#endif
