/* The fixed-size record every observation leaves the RT threads as: a metric sample, a state change,
 * an event or a violation. Rings carry these by value; the writer journals and pushes them. */
#ifndef RT_RECORD_H
#define RT_RECORD_H

#include <stdint.h>

#include "rt/limits.h"
#include "rt/time.h"

enum rt_record_kind {
	RT_REC_METRIC = 1,    /* latest value wins per (resource, name) */
	RT_REC_STATE = 2,     /* a state transition of a resource */
	RT_REC_EVENT = 3,     /* anything worth a line in the audit: alerts, degraded mode, restarts */
	RT_REC_VIOLATION = 4, /* a timing constraint broken by one job */
};

enum rt_resource_type {
	RT_RES_SCENARIO = 0,
	RT_RES_PACKAGE = 1,
	RT_RES_MODEL = 2,
	RT_RES_NODE = 3, /* the machine itself and the monitor */
	RT_RES_TYPE_COUNT = 4,
};

enum rt_severity {
	RT_SEV_INFO = 0,
	RT_SEV_WARNING = 1,
	RT_SEV_CRITICAL = 2,
};

enum rt_constraint {
	RT_CONSTRAINT_DEADLINE = 1, /* end - release > deadline (or still running past it) */
	RT_CONSTRAINT_BUDGET = 2,   /* CPU time of a job > executionTime */
	RT_CONSTRAINT_ALIVE = 3,    /* activation missing or outside period +- tolerance */
};

#define RT_REC_NAME 32
#define RT_REC_TEXT 96

struct rt_record {
	uint32_t kind;          /* enum rt_record_kind */
	uint32_t resource_type; /* enum rt_resource_type */
	uint64_t seq;           /* assigned by the writer when journaled (0 before) */
	pm_ns mono_ns;          /* CLOCK_MONOTONIC when observed */
	pm_ns real_ns;          /* CLOCK_REALTIME when observed (for keys and people) */
	uint32_t gap;           /* records this producer dropped just before this one (ring full) */
	uint32_t reserved;
	char resource[PM_MAX_NAME]; /* resource id (name), NUL-terminated */
	union {
		struct {
			char name[RT_REC_NAME]; /* HLD metric name, e.g. "cpuUsage" */
			double value;
		} metric;
		struct {
			char from[RT_REC_NAME];
			char to[RT_REC_NAME];
			pm_ns duration_ns; /* time spent in `from` */
			uint32_t expected; /* 1 if the transition is in the state machine's table */
			char reason[RT_REC_TEXT - 4];
		} state;
		struct {
			char type[RT_REC_NAME]; /* e.g. "alert", "rt-degraded", "restart" */
			uint32_t severity;      /* enum rt_severity */
			char message[RT_REC_TEXT];
		} event;
		struct {
			uint32_t constraint; /* enum rt_constraint */
			uint32_t estimated;  /* 1 when judged from outside (no client library) */
			uint64_t job_seq;
			pm_ns observed_ns; /* response time, CPU time or activation distance */
			pm_ns limit_ns;
			pm_ns detect_delay_ns; /* detection time - time the violation became certain */
		} violation;
	} u;
};

_Static_assert(sizeof(struct rt_record) <= 320, "rt_record must stay small: rings copy it by value");

#endif
