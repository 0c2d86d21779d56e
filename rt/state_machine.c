/* Resource state machines: default tables, the HLD vocabulary mapping, configuration overrides and
 * the per-resource tracker. See rt/state_machine.h for the model. */
#include "rt/state_machine.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#define OFF RT_SC_OFF
#define STA RT_SC_STARTING
#define UP_ RT_SC_UP
#define DEG RT_SC_DEGRADED
#define FAI RT_SC_FAILED
#define UNK RT_SC_UNKNOWN
#define NOC RT_SC_COUNT

/* Rows: from class; columns: enum rt_sm_event. Mirrors the table in the header. */
static const uint8_t class_rules[RT_SC_COUNT][RT_EV_COUNT] = {
	[RT_SC_OFF] = { STA, UP_, NOC, FAI, STA, NOC, UP_, DEG, FAI },
	[RT_SC_STARTING] = { NOC, UP_, OFF, FAI, NOC, UNK, UP_, DEG, FAI },
	[RT_SC_UP] = { NOC, NOC, OFF, FAI, STA, UNK, NOC, DEG, FAI },
	[RT_SC_DEGRADED] = { NOC, NOC, OFF, FAI, STA, UNK, UP_, NOC, FAI },
	[RT_SC_FAILED] = { STA, NOC, NOC, NOC, STA, NOC, NOC, NOC, NOC },
	[RT_SC_UNKNOWN] = { NOC, UP_, OFF, FAI, STA, NOC, UP_, DEG, FAI },
};

static const char *const class_names[RT_SC_COUNT] = {
	"off", "starting", "up", "degraded", "failed", "unknown"
};

static const char *const event_names[RT_EV_COUNT] = {
	"appeared",           "running", "exited",         "crashed",
	"restarted",          "hung",    "supervision-ok", "supervision-failed",
	"supervision-expired"
};

#define S RT_RES_SCENARIO
#define P RT_RES_PACKAGE
#define M RT_RES_MODEL
#define N RT_RES_NODE

/* The one mapping table (header comment). Order within a type is the default state order. */
static const struct rt_sm_vocab vocab[] = {
	{ S, "inactive", OFF, "idle", "Inactive" },
	{ S, "waiting", STA, "waiting", "Inactive" },
	{ S, "active", UP_, "playing", "Active" },
	{ S, "degraded", DEG, "playing", "Active" },
	{ S, "failed", FAI, "error", "Inactive" },
	{ P, "undeployed", OFF, "undeployed", "Undeployed" },
	{ P, "deploying", STA, "deploying", "Undeployed" },
	{ P, "initializing", STA, "initializing", "Deployed" },
	{ P, "running", UP_, "running", "Deployed" },
	{ P, "degraded", DEG, "degraded", "Deployed" },
	{ P, "error", FAI, "error", "Failed" },
	{ M, "unloaded", OFF, "Unloaded", "Pending" },
	{ M, "loading", STA, "Unloaded", "Pending" },
	{ M, "loaded", UP_, "Loaded", "Running" },
	{ M, "degraded", DEG, "Loaded", "Running" },
	{ M, "error", FAI, "Error", "Failed" },
	{ M, "unknown", UNK, "Loaded", "Unknown" },
	{ N, "starting", STA, "starting", "" },
	{ N, "running", UP_, "running", "" },
	{ N, "degraded", DEG, "degraded", "" },
	{ N, "failed", FAI, "failed", "" },
};
#define VOCAB_COUNT (sizeof(vocab) / sizeof(vocab[0]))

/* Further words a configuration may use for a state, with their class (HLD words not in the table). */
struct alias {
	const char *word;
	uint8_t cls;
};
static const struct alias aliases[] = {
	{ "stopped", OFF },  { "idle", OFF },         { "pending", STA }, { "playing", UP_ },
	{ "deployed", UP_ }, { "hung", UNK },         { "warning", DEG }, { "Succeeded", OFF },
	{ "starting", STA }, { "initializing", STA },
};
#define ALIAS_COUNT (sizeof(aliases) / sizeof(aliases[0]))

struct edge {
	const char *from;
	const char *to;
};

static const struct edge scenario_edges[] = {
	{ "inactive", "waiting" },  { "inactive", "active" },  { "inactive", "failed" },
	{ "waiting", "active" },    { "waiting", "degraded" }, { "waiting", "failed" },
	{ "waiting", "inactive" },  { "active", "degraded" },  { "active", "failed" },
	{ "active", "inactive" },   { "degraded", "active" },  { "degraded", "failed" },
	{ "degraded", "inactive" }, { "failed", "waiting" },   { "failed", "inactive" },
	{ "failed", "degraded" },   { "failed", "active" },
};

static const struct edge package_edges[] = {
	{ "undeployed", "deploying" },    { "undeployed", "initializing" }, { "undeployed", "running" },
	{ "undeployed", "error" },        { "deploying", "initializing" },  { "deploying", "running" },
	{ "deploying", "degraded" },      { "deploying", "error" },         { "deploying", "undeployed" },
	{ "initializing", "running" },    { "initializing", "degraded" },   { "initializing", "error" },
	{ "initializing", "undeployed" }, { "running", "degraded" },        { "running", "error" },
	{ "running", "undeployed" },      { "degraded", "running" },        { "degraded", "error" },
	{ "degraded", "undeployed" },     { "error", "deploying" },         { "error", "initializing" },
	{ "error", "degraded" },          { "error", "running" },           { "error", "undeployed" },
};

static const struct edge node_edges[] = {
	{ "starting", "running" }, { "starting", "degraded" }, { "starting", "failed" },
	{ "running", "degraded" }, { "running", "failed" },    { "degraded", "running" },
	{ "degraded", "failed" },  { "failed", "starting" },   { "failed", "running" },
};

const struct rt_sm_vocab *rt_sm_vocab_table(size_t *count)
{
	if (count != NULL) {
		*count = VOCAB_COUNT;
	}
	return vocab;
}

const struct rt_sm_vocab *rt_sm_vocab_find(uint32_t type, const char *state)
{
	if (state == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < VOCAB_COUNT; i++) {
		if (vocab[i].type == type && strcmp(vocab[i].state, state) == 0) {
			return &vocab[i];
		}
	}
	return NULL;
}

const char *rt_state_class_name(enum rt_state_class cls)
{
	if ((unsigned)cls >= RT_SC_COUNT) {
		return "invalid";
	}
	return class_names[cls];
}

const char *rt_sm_event_name(enum rt_sm_event ev)
{
	if ((unsigned)ev >= RT_EV_COUNT) {
		return "invalid";
	}
	return event_names[ev];
}

static bool word_eq(const char *a, const char *b)
{
	/* HLD words come capitalised in one place and lower-case in another ("Failed", "failed"). */
	for (size_t i = 0; i < RT_REC_NAME; i++) {
		char ca = a[i];
		char cb = b[i];
		if (ca >= 'A' && ca <= 'Z') {
			ca = (char)(ca - 'A' + 'a');
		}
		if (cb >= 'A' && cb <= 'Z') {
			cb = (char)(cb - 'A' + 'a');
		}
		if (ca != cb) {
			return false;
		}
		if (ca == '\0') {
			return true;
		}
	}
	return false;
}

pm_status rt_state_class_from_name(const char *name, enum rt_state_class *out)
{
	if (name == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	for (unsigned c = 0; c < RT_SC_COUNT; c++) {
		if (word_eq(name, class_names[c])) {
			*out = (enum rt_state_class)c;
			return PM_OK;
		}
	}
	for (size_t i = 0; i < VOCAB_COUNT; i++) {
		if (word_eq(name, vocab[i].state)) {
			*out = (enum rt_state_class)vocab[i].cls;
			return PM_OK;
		}
	}
	for (size_t i = 0; i < ALIAS_COUNT; i++) {
		if (word_eq(name, aliases[i].word)) {
			*out = (enum rt_state_class)aliases[i].cls;
			return PM_OK;
		}
	}
	return PM_ERR_NOENT;
}

enum rt_state_class rt_sm_class_next(enum rt_state_class from, enum rt_sm_event ev)
{
	if ((unsigned)from >= RT_SC_COUNT || (unsigned)ev >= RT_EV_COUNT) {
		return RT_SC_COUNT;
	}
	return (enum rt_state_class)class_rules[from][ev];
}

uint32_t rt_sm_find(const struct rt_sm_def *def, const char *name)
{
	if (def == NULL || name == NULL) {
		return RT_SM_NONE;
	}
	for (uint32_t i = 0; i < def->n_states && i < PM_MAX_STATES; i++) {
		if (strcmp(def->states[i].name, name) == 0) {
			return i;
		}
	}
	return RT_SM_NONE;
}

bool rt_sm_allowed(const struct rt_sm_def *def, uint32_t from, uint32_t to)
{
	if (from >= def->n_states || to >= def->n_states) {
		return false;
	}
	return (def->allowed[from] & (UINT32_C(1) << to)) != 0;
}

uint32_t rt_sm_next(const struct rt_sm_def *def, uint32_t from, enum rt_sm_event ev)
{
	if (from >= def->n_states || (unsigned)ev >= RT_EV_COUNT) {
		return RT_SM_NONE;
	}
	return def->next[from][ev];
}

uint32_t rt_sm_state_for_class(const struct rt_sm_def *def, uint32_t from, enum rt_state_class cls)
{
	if ((unsigned)cls >= RT_SC_COUNT) {
		return RT_SM_NONE;
	}
	/* A machine without an UNKNOWN or DEGRADED state takes the next worse one. */
	for (unsigned hop = 0; hop < 3; hop++) {
		if (from < def->n_states && def->states[from].cls == (uint8_t)cls) {
			return from;
		}
		if (def->class_state[cls] != RT_SM_NONE) {
			return def->class_state[cls];
		}
		if (cls == RT_SC_UNKNOWN) {
			cls = RT_SC_DEGRADED;
		} else if (cls == RT_SC_DEGRADED) {
			cls = RT_SC_FAILED;
		} else {
			return RT_SM_NONE;
		}
	}
	return RT_SM_NONE;
}

enum rt_state_class rt_sm_derive_class(enum rt_state_class current, const uint8_t *child_classes, size_t n)
{
	if (n == 0 || child_classes == NULL) {
		return RT_SC_COUNT;
	}
	size_t count[RT_SC_COUNT] = { 0 };
	for (size_t i = 0; i < n; i++) {
		uint8_t c = child_classes[i];
		if (c < RT_SC_COUNT) {
			count[c]++;
		}
	}
	if (count[RT_SC_FAILED] == n) {
		return RT_SC_FAILED;
	}
	if (count[RT_SC_FAILED] + count[RT_SC_DEGRADED] + count[RT_SC_UNKNOWN] > 0) {
		return RT_SC_DEGRADED;
	}
	if (count[RT_SC_UP] == n) {
		return RT_SC_UP;
	}
	if (count[RT_SC_OFF] == n) {
		return RT_SC_OFF;
	}
	if (current == RT_SC_UP || current == RT_SC_DEGRADED) {
		return RT_SC_DEGRADED;
	}
	return RT_SC_STARTING;
}

static pm_status fail(char *err, size_t errcap, const char *what, const char *name)
{
	if (err != NULL && errcap > 0) {
		(void)snprintf(err, errcap, "%s%s%s", what, name != NULL ? ": " : "",
		               name != NULL ? name : "");
	}
	return PM_ERR_INVAL;
}

/* A class-level move lands in the first state of that class, unless a default says otherwise. */
static void resolve_class_state(struct rt_sm_def *def)
{
	for (unsigned c = 0; c < RT_SC_COUNT; c++) {
		def->class_state[c] = RT_SM_NONE;
	}
	for (uint32_t s = 0; s < def->n_states; s++) {
		uint8_t c = def->states[s].cls;
		if (c < RT_SC_COUNT && def->class_state[c] == RT_SM_NONE) {
			def->class_state[c] = (uint8_t)s;
		}
	}
}

/* Fills next[][] from the states' classes and the class rules. */
static void fill_next(struct rt_sm_def *def)
{
	for (uint32_t s = 0; s < PM_MAX_STATES; s++) {
		for (uint32_t e = 0; e < PM_MAX_EVENTS; e++) {
			def->next[s][e] = RT_SM_NONE;
		}
	}
	for (uint32_t s = 0; s < def->n_states; s++) {
		for (unsigned e = 0; e < RT_EV_COUNT; e++) {
			enum rt_state_class to =
			    rt_sm_class_next((enum rt_state_class)def->states[s].cls, (enum rt_sm_event)e);
			if (to == RT_SC_COUNT) {
				continue;
			}
			uint32_t t = rt_sm_state_for_class(def, s, to);
			if (t != RT_SM_NONE && t != s) {
				def->next[s][e] = (uint8_t)t;
			}
		}
	}
}

static pm_status add_state(struct rt_sm_def *def, const char *name, enum rt_state_class cls)
{
	if (def->n_states >= PM_MAX_STATES) {
		return PM_ERR_NOSPACE;
	}
	size_t len = strlen(name);
	if (len == 0 || len >= RT_REC_NAME) {
		return PM_ERR_INVAL;
	}
	if (rt_sm_find(def, name) != RT_SM_NONE) {
		return PM_ERR_INVAL;
	}
	struct rt_sm_state_def *st = &def->states[def->n_states];
	memcpy(st->name, name, len + 1);
	st->cls = (uint8_t)cls;
	st->stuck_ns = 0;
	def->n_states++;
	return PM_OK;
}

static pm_status add_edges(struct rt_sm_def *def, const struct edge *edges, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t f = rt_sm_find(def, edges[i].from);
		uint32_t t = rt_sm_find(def, edges[i].to);
		if (f == RT_SM_NONE || t == RT_SM_NONE) {
			return PM_ERR_INTERNAL;
		}
		def->allowed[f] |= UINT32_C(1) << t;
	}
	return PM_OK;
}

pm_status rt_sm_set_stuck(struct rt_sm_def *def, const char *state, pm_ns threshold_ns)
{
	if (def == NULL || state == NULL || threshold_ns < 0) {
		return PM_ERR_INVAL;
	}
	uint32_t s = rt_sm_find(def, state);
	if (s == RT_SM_NONE) {
		return PM_ERR_NOENT;
	}
	def->states[s].stuck_ns = threshold_ns;
	return PM_OK;
}

static void def_clear(struct rt_sm_def *def, enum rt_resource_type type)
{
	memset(def, 0, sizeof(*def));
	def->type = (uint32_t)type;
}

pm_status rt_sm_default(enum rt_resource_type type, struct rt_sm_def *out)
{
	if (out == NULL || (unsigned)type >= RT_RES_TYPE_COUNT) {
		return PM_ERR_INVAL;
	}
	def_clear(out, type);
	for (size_t i = 0; i < VOCAB_COUNT; i++) {
		if (vocab[i].type == (uint32_t)type) {
			pm_status st = add_state(out, vocab[i].state, (enum rt_state_class)vocab[i].cls);
			if (st != PM_OK) {
				return st;
			}
		}
	}
	resolve_class_state(out);
	if (type == RT_RES_PACKAGE) {
		/* A Package that comes up from its Models is "initializing"; "deploying" is what an
		 * orchestrator reports before any Model exists. */
		out->class_state[RT_SC_STARTING] = (uint8_t)rt_sm_find(out, "initializing");
	}
	fill_next(out);
	pm_status st = PM_OK;
	switch (type) {
	case RT_RES_SCENARIO:
		st = add_edges(out, scenario_edges, sizeof(scenario_edges) / sizeof(scenario_edges[0]));
		break;
	case RT_RES_PACKAGE:
		st = add_edges(out, package_edges, sizeof(package_edges) / sizeof(package_edges[0]));
		break;
	case RT_RES_NODE:
		st = add_edges(out, node_edges, sizeof(node_edges) / sizeof(node_edges[0]));
		break;
	case RT_RES_MODEL:
	default:
		/* Every event move of the Model table is an expected transition. */
		for (uint32_t s = 0; s < out->n_states; s++) {
			for (unsigned e = 0; e < RT_EV_COUNT; e++) {
				if (out->next[s][e] != RT_SM_NONE) {
					out->allowed[s] |= UINT32_C(1) << out->next[s][e];
				}
			}
		}
		break;
	}
	if (st != PM_OK) {
		return st;
	}
	out->initial = out->class_state[RT_SC_OFF] != RT_SM_NONE ? out->class_state[RT_SC_OFF]
	                                                         : out->class_state[RT_SC_STARTING];
	/* HLD §3.1 stuck_states.thresholds, plus the same minute for the other "on its way" states. */
	(void)rt_sm_set_stuck(out, "loading", 30 * PM_NS_PER_S);
	(void)rt_sm_set_stuck(out, "initializing", 60 * PM_NS_PER_S);
	(void)rt_sm_set_stuck(out, "deploying", 60 * PM_NS_PER_S);
	(void)rt_sm_set_stuck(out, "waiting", 60 * PM_NS_PER_S);
	return rt_sm_validate(out);
}

static const char *skip_blank(const char *p)
{
	while (*p == ' ' || *p == '\t') {
		p++;
	}
	return p;
}

/* Copies [b, e) without surrounding blanks into out (cap RT_REC_NAME); false when empty/too long. */
static bool copy_word(const char *b, const char *e, char *out)
{
	b = skip_blank(b);
	while (e > b && (e[-1] == ' ' || e[-1] == '\t')) {
		e--;
	}
	size_t len = (size_t)(e - b);
	if (len == 0 || len >= RT_REC_NAME) {
		return false;
	}
	memcpy(out, b, len);
	out[len] = '\0';
	return true;
}

/* A configuration that lists states but no transitions (HLD §4.2 does) gets the default table
 * generalised by class: s -> t is allowed when the default machine of the type allows a move from
 * a state of s's class to one of t's class, and every event move is allowed. */
static void allow_like_default(struct rt_sm_def *out)
{
	struct rt_sm_def def;
	if (rt_sm_default((enum rt_resource_type)out->type, &def) != PM_OK) {
		return;
	}
	uint32_t class_edges[RT_SC_COUNT] = { 0 }; /* bit c of [k]: class k -> class c allowed */
	for (uint32_t s = 0; s < def.n_states; s++) {
		for (uint32_t t = 0; t < def.n_states; t++) {
			if (rt_sm_allowed(&def, s, t)) {
				class_edges[def.states[s].cls] |= UINT32_C(1) << def.states[t].cls;
			}
		}
	}
	for (uint32_t s = 0; s < out->n_states; s++) {
		for (uint32_t t = 0; t < out->n_states; t++) {
			if (s != t &&
			    (class_edges[out->states[s].cls] & (UINT32_C(1) << out->states[t].cls)) != 0) {
				out->allowed[s] |= UINT32_C(1) << t;
			}
		}
		for (unsigned e = 0; e < RT_EV_COUNT; e++) {
			if (out->next[s][e] != RT_SM_NONE) {
				out->allowed[s] |= UINT32_C(1) << out->next[s][e];
			}
		}
	}
}

pm_status rt_sm_from_strings(enum rt_resource_type type, const char *const *states, size_t n_states,
                             const char *const *transitions, size_t n_transitions, struct rt_sm_def *out,
                             char *err, size_t errcap)
{
	if (out == NULL || (unsigned)type >= RT_RES_TYPE_COUNT || (states == NULL && n_states > 0) ||
	    (transitions == NULL && n_transitions > 0)) {
		return fail(err, errcap, "invalid arguments", NULL);
	}
	if (n_states == 0) {
		return fail(err, errcap, "no states", NULL);
	}
	if (n_states > PM_MAX_STATES) {
		return fail(err, errcap, "too many states (limit PM_MAX_STATES)", NULL);
	}
	def_clear(out, type);
	for (size_t i = 0; i < n_states; i++) {
		const char *s = states[i];
		if (s == NULL) {
			return fail(err, errcap, "null state name", NULL);
		}
		const char *colon = strchr(s, ':');
		char name[RT_REC_NAME];
		enum rt_state_class cls;
		if (colon != NULL) {
			char cname[RT_REC_NAME];
			if (!copy_word(s, colon, name) ||
			    !copy_word(colon + 1, colon + strlen(colon), cname)) {
				return fail(err, errcap, "malformed state", s);
			}
			if (rt_state_class_from_name(cname, &cls) != PM_OK) {
				return fail(err, errcap, "unknown state class", cname);
			}
		} else {
			if (!copy_word(s, s + strlen(s), name)) {
				return fail(err, errcap, "malformed state", s);
			}
			if (rt_state_class_from_name(name, &cls) != PM_OK) {
				return fail(err, errcap, "state of unknown meaning (write name:class)", name);
			}
		}
		if (add_state(out, name, cls) != PM_OK) {
			return fail(err, errcap, "duplicate or invalid state", name);
		}
	}
	resolve_class_state(out);
	fill_next(out);
	if (out->class_state[RT_SC_UP] == RT_SM_NONE || out->class_state[RT_SC_FAILED] == RT_SM_NONE) {
		return fail(err, errcap, "a state machine needs an up state and a failed state", NULL);
	}
	for (size_t i = 0; i < n_transitions; i++) {
		const char *t = transitions[i];
		const char *arrow = t != NULL ? strstr(t, "->") : NULL;
		char from[RT_REC_NAME];
		char to[RT_REC_NAME];
		if (arrow == NULL || !copy_word(t, arrow, from) ||
		    !copy_word(arrow + 2, arrow + strlen(arrow), to)) {
			return fail(err, errcap, "malformed transition (want from->to)", t);
		}
		uint32_t f = rt_sm_find(out, from);
		uint32_t d = rt_sm_find(out, to);
		if (f == RT_SM_NONE) {
			return fail(err, errcap, "transition from an undeclared state", from);
		}
		if (d == RT_SM_NONE) {
			return fail(err, errcap, "transition to an undeclared state", to);
		}
		out->allowed[f] |= UINT32_C(1) << d;
	}
	if (n_transitions == 0) {
		allow_like_default(out);
	}
	out->initial = out->class_state[RT_SC_OFF] != RT_SM_NONE ? out->class_state[RT_SC_OFF] : 0;
	(void)rt_sm_set_stuck(out, "loading", 30 * PM_NS_PER_S);
	(void)rt_sm_set_stuck(out, "initializing", 60 * PM_NS_PER_S);
	return rt_sm_validate(out);
}

pm_status rt_sm_validate(const struct rt_sm_def *def)
{
	if (def == NULL || def->type >= RT_RES_TYPE_COUNT || def->n_states == 0 ||
	    def->n_states > PM_MAX_STATES || def->initial >= def->n_states) {
		return PM_ERR_INVAL;
	}
	for (uint32_t s = 0; s < def->n_states; s++) {
		const struct rt_sm_state_def *st = &def->states[s];
		if (st->cls >= RT_SC_COUNT || st->stuck_ns < 0 ||
		    memchr(st->name, '\0', RT_REC_NAME) == NULL || st->name[0] == '\0') {
			return PM_ERR_INVAL;
		}
		if (def->n_states < 32 && (def->allowed[s] >> def->n_states) != 0) {
			return PM_ERR_INVAL;
		}
		for (unsigned e = 0; e < RT_EV_COUNT; e++) {
			if (def->next[s][e] != RT_SM_NONE && def->next[s][e] >= def->n_states) {
				return PM_ERR_INVAL;
			}
		}
	}
	for (unsigned c = 0; c < RT_SC_COUNT; c++) {
		if (def->class_state[c] != RT_SM_NONE && def->class_state[c] >= def->n_states) {
			return PM_ERR_INVAL;
		}
	}
	return PM_OK;
}

void rt_sm_track_init(struct rt_sm_track *t, const struct rt_sm_def *def, pm_ns now)
{
	assert(t != NULL && def != NULL && def->initial < def->n_states);
	memset(t, 0, sizeof(*t));
	t->state = def->initial;
	t->since = now;
	t->entered_at_start = now;
}

bool rt_sm_track_move(struct rt_sm_track *t, const struct rt_sm_def *def, uint32_t to, pm_ns now,
                      struct rt_sm_transition *out)
{
	assert(t != NULL && def != NULL);
	if (to >= def->n_states || to == t->state) {
		return false;
	}
	assert(t->state < PM_MAX_STATES);
	/* A clock that steps backwards must not make a negative stay. */
	pm_ns dur = now > t->since ? now - t->since : 0;
	struct rt_sm_transition tr = {
		.from = (uint8_t)t->state,
		.to = (uint8_t)to,
		.expected = rt_sm_allowed(def, t->state, to) ? 1 : 0,
		.at = now,
		.duration = dur,
	};
	t->time_in[t->state] = rt_ns_add_sat(t->time_in[t->state], dur);
	t->state = to;
	t->since = now;
	t->stuck_alerted = 0;
	t->transitions++;
	if (tr.expected == 0) {
		t->unexpected++;
	}
	t->hist[t->hist_head] = tr;
	t->hist_head = (t->hist_head + 1) % PM_HISTORY_DEPTH;
	if (t->hist_count < PM_HISTORY_DEPTH) {
		t->hist_count++;
	}
	if (out != NULL) {
		*out = tr;
	}
	return true;
}

pm_ns rt_sm_track_time_in(const struct rt_sm_track *t, uint32_t state, pm_ns now)
{
	if (state >= PM_MAX_STATES) {
		return 0;
	}
	pm_ns v = t->time_in[state];
	if (state == t->state && now > t->since) {
		v = rt_ns_add_sat(v, now - t->since);
	}
	return v;
}

bool rt_sm_track_check_stuck(struct rt_sm_track *t, const struct rt_sm_def *def, pm_ns now)
{
	if (t->state >= def->n_states || t->stuck_alerted != 0) {
		return false;
	}
	pm_ns limit = def->states[t->state].stuck_ns;
	if (limit <= 0 || now - t->since < limit) {
		return false;
	}
	t->stuck_alerted = 1;
	return true;
}

const struct rt_sm_transition *rt_sm_track_history(const struct rt_sm_track *t, uint32_t i)
{
	if (i >= t->hist_count) {
		return NULL;
	}
	uint32_t start = (t->hist_head + PM_HISTORY_DEPTH - t->hist_count) % PM_HISTORY_DEPTH;
	return &t->hist[(start + i) % PM_HISTORY_DEPTH];
}
