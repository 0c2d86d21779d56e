/* Resource state machines (HLD §3.1, §4.2): the table of states x events -> next state of each
 * resource type, the one vocabulary table that maps the HLD's words onto it, and the per-resource
 * tracker (current state, since, time in each state, transition ring, unexpected and stuck states). */
#ifndef RT_STATE_MACHINE_H
#define RT_STATE_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/status.h"
#include "rt/limits.h"
#include "rt/record.h"
#include "rt/time.h"

/*
 * THE DEFAULT MODEL
 *
 * Every resource type follows one lifecycle of six state classes. A class is what the rest of picmon
 * reasons about (derivation of Package/Scenario state, impact propagation, uptime); a state is the
 * name a type uses for it. Events (observations of a Model, supervision status) move a resource by
 * class; derived and reported states are checked against the table of allowed transitions.
 *
 *   OFF       not there / not started         DEGRADED  up, but not healthy
 *   STARTING  on its way up                   FAILED    failed, not serving
 *   UP        up and healthy                  UNKNOWN   present, but its state cannot be determined
 *
 * One table maps the HLD's three vocabularies onto the default states (rt_sm_vocab_table(); every
 * mapping lives only there, the JSON summary and cfg aliases read it):
 *
 *  type     | state (§4.2 + ext.) | class    | currentState (§7 template) | second word of the HLD
 *  ---------+---------------------+----------+----------------------------+-------------------------
 *  scenario | inactive            | OFF      | idle                       | activeState Inactive
 *  scenario | waiting             | STARTING | waiting                    | activeState Inactive
 *  scenario | active              | UP       | playing                    | activeState Active
 *  scenario | degraded            | DEGRADED | playing                    | activeState Active
 *  scenario | failed              | FAILED   | error                      | activeState Inactive
 *  package  | undeployed          | OFF      | undeployed                 | deploymentStatus Undeployed
 *  package  | deploying           | STARTING | deploying                  | deploymentStatus Undeployed
 *  package  | initializing        | STARTING | initializing               | deploymentStatus Deployed
 *  package  | running             | UP       | running                    | deploymentStatus Deployed
 *  package  | degraded            | DEGRADED | degraded                   | deploymentStatus Deployed
 *  package  | error               | FAILED   | error                      | deploymentStatus Failed
 *  model    | unloaded            | OFF      | loadStatus Unloaded        | phase Pending
 *  model    | loading             | STARTING | loadStatus Unloaded        | phase Pending
 *  model    | loaded              | UP       | loadStatus Loaded          | phase Running
 *  model    | degraded            | DEGRADED | loadStatus Loaded          | phase Running
 *  model    | error               | FAILED   | loadStatus Error           | phase Failed
 *  model    | unknown             | UNKNOWN  | loadStatus Loaded          | phase Unknown
 *  node     | starting            | STARTING | starting                   | -
 *  node     | running             | UP       | running                    | -
 *  node     | degraded            | DEGRADED | degraded                   | -
 *  node     | failed              | FAILED   | failed                     | -
 *
 * The scenario template's allowed/denied is its policyStatus, a separate axis reported by the
 * orchestrator (rt_resmon_report_policy), not a state. Package deployed = {initializing, running,
 * degraded}; package failed = error. Model "degraded" is supervision FAILED (violations within
 * tolerance), "error" is a crash or supervision EXPIRED, "unknown" is a hang.
 *
 * Model events (class -> class, "-" = no change; rt_sm_class_next()):
 *
 *   from \ event | appeared running exited  crashed restarted hung    sup_ok sup_failed sup_expired
 *   OFF          | STARTING UP      -       FAILED  STARTING  -       UP     DEGRADED   FAILED
 *   STARTING     | -        UP      OFF     FAILED  -         UNKNOWN UP     DEGRADED   FAILED
 *   UP           | -        -       OFF     FAILED  STARTING  UNKNOWN -      DEGRADED   FAILED
 *   DEGRADED     | -        -       OFF     FAILED  STARTING  UNKNOWN UP     -          FAILED
 *   FAILED       | STARTING -       -       -       STARTING  -       -      -          -
 *   UNKNOWN      | -        UP      OFF     FAILED  STARTING  -       UP     DEGRADED   FAILED
 *
 * FAILED is left only by a new process (appeared/restarted): supervision EXPIRED is final for the
 * process that earned it (AUTOSAR), and a stale "running" must not hide a crash.
 *
 * Package state is derived from its Models and Scenario state from its target Packages
 * (rt_sm_derive_class): all FAILED -> FAILED; any FAILED/DEGRADED/UNKNOWN -> DEGRADED; all UP -> UP;
 * all OFF -> OFF; otherwise STARTING, except that a resource that was UP or DEGRADED and loses a
 * member to OFF/STARTING is DEGRADED (a restart of one Model degrades its Package).
 *
 * A configuration may replace a type's states and allowed transitions (state_transition_tracking):
 * rt_sm_from_strings() takes state names (class inferred from the vocabulary above, or given as
 * "name:class") and transitions "from->to"; the event table is rebuilt from the class rules.
 */

enum rt_state_class {
	RT_SC_OFF = 0,
	RT_SC_STARTING = 1,
	RT_SC_UP = 2,
	RT_SC_DEGRADED = 3,
	RT_SC_FAILED = 4,
	RT_SC_UNKNOWN = 5,
	RT_SC_COUNT = 6,
};

/* Observations that move a Model (from the HAL's process discovery and from the supervisor). */
enum rt_sm_event {
	RT_EV_APPEARED = 0,    /* a process of the Model was discovered */
	RT_EV_RUNNING = 1,     /* it runs normally (first job, or seen running at start) */
	RT_EV_EXITED = 2,      /* its process exited cleanly (status 0) */
	RT_EV_CRASHED = 3,     /* its process died by a signal or non-zero status */
	RT_EV_RESTARTED = 4,   /* a new process replaced the previous one */
	RT_EV_HUNG = 5,        /* present but unresponsive (heartbeat lost, stuck in D state) */
	RT_EV_SUP_OK = 6,      /* supervision status OK */
	RT_EV_SUP_FAILED = 7,  /* supervision status FAILED (violations within tolerance) */
	RT_EV_SUP_EXPIRED = 8, /* supervision status EXPIRED (tolerance exhausted) */
	RT_EV_COUNT = 9,
};

_Static_assert(RT_EV_COUNT <= PM_MAX_EVENTS, "PM_MAX_EVENTS too small for the observation events");

#define RT_SM_NONE 0xFFu /* "no state" in next[][] and class_state[] */

struct rt_sm_state_def {
	char name[RT_REC_NAME];
	uint8_t cls;    /* enum rt_state_class */
	pm_ns stuck_ns; /* alert when in this state longer than this; 0 = never */
};

/* One resource type's state machine. Plain data: the lead may build it from configuration. */
struct rt_sm_def {
	uint32_t type;     /* enum rt_resource_type */
	uint32_t n_states; /* 1..PM_MAX_STATES */
	uint32_t initial;  /* state a resource starts in */
	struct rt_sm_state_def states[PM_MAX_STATES];
	uint32_t allowed[PM_MAX_STATES];            /* bit t of allowed[s]: s -> t is in the table */
	uint8_t next[PM_MAX_STATES][PM_MAX_EVENTS]; /* state x event -> next state, RT_SM_NONE = stay */
	uint8_t class_state[RT_SC_COUNT];           /* where a class-level move lands, RT_SM_NONE = none */
};

/* One row of the vocabulary table above. */
struct rt_sm_vocab {
	uint32_t type;             /* enum rt_resource_type */
	const char *state;         /* default state name */
	uint8_t cls;               /* enum rt_state_class */
	const char *current_state; /* scenario/package/node: template currentState; model: loadStatus */
	const char *status_word;   /* scenario: activeState; package: deploymentStatus; model: phase */
};

/* The mapping table; *count gets its length. */
const struct rt_sm_vocab *rt_sm_vocab_table(size_t *count);
/* Row for (type, state name), or NULL for a state outside the defaults. */
const struct rt_sm_vocab *rt_sm_vocab_find(uint32_t type, const char *state);

const char *rt_state_class_name(enum rt_state_class cls); /* "off", "starting", ... */
/* Class of a name: a class name, or any HLD word of the vocabulary table (e.g. "playing", "Failed");
 * PM_ERR_NOENT when the word is not known. */
pm_status rt_state_class_from_name(const char *name, enum rt_state_class *out);
const char *rt_sm_event_name(enum rt_sm_event ev);

/* The class rule table shown above; RT_SC_COUNT = no change. */
enum rt_state_class rt_sm_class_next(enum rt_state_class from, enum rt_sm_event ev);

/* Default machine of a type, with the HLD's stuck thresholds (loading 30 s, initializing 60 s,
 * deploying 60 s, waiting 60 s). */
pm_status rt_sm_default(enum rt_resource_type type, struct rt_sm_def *out);

/* Builds a machine from configuration strings. states: "name" or "name:class"; transitions:
 * "from->to" (blanks allowed around "->"). With no transitions at all (HLD §4.2 lists only states),
 * the allowed table is the default one generalised by class plus every event move. A machine needs
 * a state of class UP and one of class FAILED. The first OFF state is initial (else the first).
 * Stuck thresholds: loading 30 s, initializing 60 s when such states exist. On error returns
 * PM_ERR_INVAL and writes a one-line reason into err. */
pm_status rt_sm_from_strings(enum rt_resource_type type, const char *const *states, size_t n_states,
                             const char *const *transitions, size_t n_transitions, struct rt_sm_def *out,
                             char *err, size_t errcap);

/* Sets the stuck threshold of a state by name; PM_ERR_NOENT if the machine has no such state (the
 * HLD's thresholds name states of several types: apply to each, ignore NOENT). */
pm_status rt_sm_set_stuck(struct rt_sm_def *def, const char *state, pm_ns threshold_ns);

/* Index of a state by name, or RT_SM_NONE. */
uint32_t rt_sm_find(const struct rt_sm_def *def, const char *name);
/* Checks ranges and indices of a (possibly hand-built) machine. */
pm_status rt_sm_validate(const struct rt_sm_def *def);
bool rt_sm_allowed(const struct rt_sm_def *def, uint32_t from, uint32_t to);
/* Next state for an event, or RT_SM_NONE when the event does not move the resource. */
uint32_t rt_sm_next(const struct rt_sm_def *def, uint32_t from, enum rt_sm_event ev);
/* Target class from the classes of the children; RT_SC_COUNT when there are no children. */
enum rt_state_class rt_sm_derive_class(enum rt_state_class current, const uint8_t *child_classes, size_t n);
/* Where a move to class `cls` lands from `from`: `from` itself when it already is of that class,
 * else class_state[cls] with fallbacks (UNKNOWN -> DEGRADED -> FAILED); RT_SM_NONE when impossible. */
uint32_t rt_sm_state_for_class(const struct rt_sm_def *def, uint32_t from, enum rt_state_class cls);

/* One recorded transition. */
struct rt_sm_transition {
	uint8_t from;
	uint8_t to;
	uint8_t expected; /* 1 when in the table */
	uint8_t reserved;
	pm_ns at;       /* when it happened */
	pm_ns duration; /* time spent in `from` */
};

/* Per-resource tracking, fixed size. */
struct rt_sm_track {
	uint32_t state;
	uint32_t stuck_alerted; /* 1 once the stuck alert of the current stay was raised */
	pm_ns since;
	pm_ns entered_at_start;       /* when tracking began */
	pm_ns time_in[PM_MAX_STATES]; /* completed stays; the current stay is added by rt_sm_track_time_in */
	uint64_t transitions;
	uint64_t unexpected;
	uint32_t hist_head; /* next slot to write */
	uint32_t hist_count;
	struct rt_sm_transition hist[PM_HISTORY_DEPTH];
};

void rt_sm_track_init(struct rt_sm_track *t, const struct rt_sm_def *def, pm_ns now);
/* Moves to `to` (no-op when already there: returns false). Unexpected moves are made as well, counted
 * and marked; *out (may be NULL) gets the transition. */
bool rt_sm_track_move(struct rt_sm_track *t, const struct rt_sm_def *def, uint32_t to, pm_ns now,
                      struct rt_sm_transition *out);
pm_ns rt_sm_track_time_in(const struct rt_sm_track *t, uint32_t state, pm_ns now);
/* True exactly once per stay when the current state has a stuck threshold and it has passed. */
bool rt_sm_track_check_stuck(struct rt_sm_track *t, const struct rt_sm_def *def, pm_ns now);
/* i-th recorded transition, oldest first (i < hist_count). */
const struct rt_sm_transition *rt_sm_track_history(const struct rt_sm_track *t, uint32_t i);

#endif
