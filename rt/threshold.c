/* Threshold levels with hysteresis, and the names of the metrics picmon checks. */
#include "rt/threshold.h"

#include <assert.h>
#include <math.h>
#include <string.h>

static const char *const metric_names[RT_MET_COUNT] = {
	"execution_time", "memory_usage", "failure_rate",  "cpu_usage",
	"memory_mb",      "network",      "response_time", "disk_usage",
};

static const char *const metric_json_names[RT_MET_COUNT] = {
	"executionTime", "memoryUsagePercent", "failureRate",  "cpuUsage",
	"memoryUsage",   "networkTraffic",     "responseTime", "diskUsage",
};

const char *rt_metric_name(enum rt_metric m)
{
	return (unsigned)m < RT_MET_COUNT ? metric_names[m] : "invalid";
}

const char *rt_metric_json_name(enum rt_metric m)
{
	return (unsigned)m < RT_MET_COUNT ? metric_json_names[m] : "invalid";
}

pm_status rt_metric_from_name(const char *name, enum rt_metric *out)
{
	if (name == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	for (unsigned i = 0; i < RT_MET_COUNT; i++) {
		if (strcmp(name, metric_names[i]) == 0 || strcmp(name, metric_json_names[i]) == 0) {
			*out = (enum rt_metric)i;
			return PM_OK;
		}
	}
	/* Other spellings the HLD uses for the same quantities. */
	if (strcmp(name, "cpu") == 0 || strcmp(name, "cpu_usage_percent") == 0) {
		*out = RT_MET_CPU_USAGE;
		return PM_OK;
	}
	if (strcmp(name, "inference_time") == 0 || strcmp(name, "average_execution_time") == 0) {
		*out = RT_MET_EXECUTION_TIME;
		return PM_OK;
	}
	return PM_ERR_NOENT;
}

const char *rt_level_name(enum rt_level level)
{
	switch (level) {
	case RT_LEVEL_OK:
		return "ok";
	case RT_LEVEL_WARNING:
		return "warning";
	case RT_LEVEL_CRITICAL:
		return "critical";
	default:
		return "invalid";
	}
}

uint32_t rt_threshold_defaults(struct rt_threshold_spec *out, uint32_t cap)
{
	static const struct rt_threshold_spec defaults[] = {
		{ RT_MET_EXECUTION_TIME, RT_THR_HAS_WARNING | RT_THR_HAS_CRITICAL, 500.0, 1000.0, -1.0 },
		{ RT_MET_MEMORY_USAGE, RT_THR_HAS_WARNING | RT_THR_HAS_CRITICAL, 80.0, 95.0, -1.0 },
		{ RT_MET_FAILURE_RATE, RT_THR_HAS_WARNING | RT_THR_HAS_CRITICAL, 5.0, 10.0, -1.0 },
		{ RT_MET_CPU_USAGE, RT_THR_HAS_WARNING | RT_THR_HAS_CRITICAL, 80.0, 95.0, -1.0 },
	};
	uint32_t n = 0;
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]) && n < cap && out != NULL; i++) {
		out[n++] = defaults[i];
	}
	return n;
}

pm_status rt_threshold_validate(const struct rt_threshold_spec *spec)
{
	if (spec == NULL || spec->metric >= RT_MET_COUNT ||
	    (spec->flags & ~(RT_THR_HAS_WARNING | RT_THR_HAS_CRITICAL)) || spec->flags == 0) {
		return PM_ERR_INVAL;
	}
	if (((spec->flags & RT_THR_HAS_WARNING) && !isfinite(spec->warning)) ||
	    ((spec->flags & RT_THR_HAS_CRITICAL) && !isfinite(spec->critical)) || isnan(spec->hysteresis)) {
		return PM_ERR_INVAL;
	}
	if ((spec->flags & RT_THR_HAS_WARNING) && (spec->flags & RT_THR_HAS_CRITICAL) &&
	    spec->critical < spec->warning) {
		return PM_ERR_INVAL;
	}
	return PM_OK;
}

void rt_threshold_init(struct rt_threshold_state *st, pm_ns now)
{
	assert(st != NULL);
	memset(st, 0, sizeof(*st));
	st->level = RT_LEVEL_OK;
	st->since = now;
	st->last = NAN;
}

static double band(const struct rt_threshold_spec *spec, double line)
{
	if (spec->hysteresis >= 0.0) {
		return spec->hysteresis;
	}
	return fabs(line) * 0.05;
}

bool rt_threshold_update(const struct rt_threshold_spec *spec, struct rt_threshold_state *st, double value,
                         pm_ns now, enum rt_level *from)
{
	assert(spec != NULL && st != NULL);
	if (isnan(value)) {
		return false;
	}
	st->last = value;
	bool has_w = (spec->flags & RT_THR_HAS_WARNING) != 0;
	bool has_c = (spec->flags & RT_THR_HAS_CRITICAL) != 0;
	/* Entering goes straight to the highest line passed; leaving a level needs the value below that
	 * level's line minus its band, and then re-evaluates the lower line the same way. */
	enum rt_level cur = (enum rt_level)st->level;
	enum rt_level next = cur;
	if (has_c && value >= spec->critical) {
		next = RT_LEVEL_CRITICAL;
	} else if (cur == RT_LEVEL_CRITICAL && has_c &&
	           value >= spec->critical - band(spec, spec->critical)) {
		next = RT_LEVEL_CRITICAL;
	} else if (has_w && value >= spec->warning) {
		next = RT_LEVEL_WARNING;
	} else if (cur >= RT_LEVEL_WARNING && has_w && value >= spec->warning - band(spec, spec->warning)) {
		next = RT_LEVEL_WARNING;
	} else {
		next = RT_LEVEL_OK;
	}
	if (next == cur) {
		return false;
	}
	if (from != NULL) {
		*from = cur;
	}
	st->level = (uint32_t)next;
	st->since = now;
	return true;
}
