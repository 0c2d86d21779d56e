/* rt_record <-> picmon.Record: pack into caller buffers, unpack through a fixed arena, render JSON.
 * Nothing here allocates from the heap. */
#include "record_codec.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static void *arena_alloc(void *data, size_t size)
{
	struct app_pb_arena *a = data;
	size_t aligned = (size + 15u) & ~(size_t)15u;
	if (aligned < size || aligned > sizeof(a->mem) - a->used) {
		return NULL; /* protobuf-c turns this into a failed unpack */
	}
	void *p = &a->mem[a->used];
	a->used += aligned;
	return p;
}

static void arena_free(void *data, void *ptr)
{
	(void)data;
	(void)ptr; /* released all at once by app_pb_arena_reset */
}

void app_pb_arena_init(struct app_pb_arena *arena)
{
	arena->allocator.alloc = arena_alloc;
	arena->allocator.free = arena_free;
	arena->allocator.allocator_data = arena;
	arena->used = 0;
}

void app_pb_arena_reset(struct app_pb_arena *arena)
{
	arena->used = 0;
}

static const char *const type_names[RT_RES_TYPE_COUNT] = { "scenario", "package", "model", "node" };

const char *app_resource_type_name(uint32_t type)
{
	return type < RT_RES_TYPE_COUNT ? type_names[type] : "unknown";
}

pm_status app_resource_type_parse(const char *name, uint32_t *type)
{
	for (uint32_t i = 0; i < RT_RES_TYPE_COUNT; i++) {
		if (strcmp(name, type_names[i]) == 0) {
			*type = i;
			return PM_OK;
		}
	}
	return PM_ERR_INVAL;
}

const char *app_record_kind_name(uint32_t kind)
{
	switch (kind) {
	case RT_REC_METRIC:
		return "metric";
	case RT_REC_STATE:
		return "state";
	case RT_REC_EVENT:
		return "event";
	case RT_REC_VIOLATION:
		return "violation";
	default:
		return "unknown";
	}
}

/* protobuf-c wants char *; the packer only reads through it. */
static char *str_arg(const char *s)
{
	union {
		const char *c;
		char *m;
	} u = { .c = s };
	return u.m;
}

union app_pb_body {
	Picmon__Metric metric;
	Picmon__StateChange state;
	Picmon__Event event;
	Picmon__Violation violation;
};

void app_record_to_pb(const struct rt_record *rec, Picmon__Record *msg, void *body, size_t body_size)
{
	assert(body_size >= sizeof(union app_pb_body));
	(void)body_size;
	union app_pb_body *b = body;
	picmon__record__init(msg);
	msg->seq = rec->seq;
	msg->mono_ns = rec->mono_ns;
	msg->real_ns = rec->real_ns;
	msg->gap = rec->gap;
	msg->resource_type =
	    (Picmon__ResourceType)(rec->resource_type < RT_RES_TYPE_COUNT ? rec->resource_type : 0);
	msg->resource = str_arg(rec->resource);
	switch (rec->kind) {
	case RT_REC_METRIC:
		picmon__metric__init(&b->metric);
		b->metric.name = str_arg(rec->u.metric.name);
		b->metric.value = rec->u.metric.value;
		msg->body_case = PICMON__RECORD__BODY_METRIC;
		msg->metric = &b->metric;
		break;
	case RT_REC_STATE:
		picmon__state_change__init(&b->state);
		b->state.from = str_arg(rec->u.state.from);
		b->state.to = str_arg(rec->u.state.to);
		b->state.duration_ns = rec->u.state.duration_ns;
		b->state.expected = rec->u.state.expected != 0;
		b->state.reason = str_arg(rec->u.state.reason);
		msg->body_case = PICMON__RECORD__BODY_STATE;
		msg->state = &b->state;
		break;
	case RT_REC_EVENT:
		picmon__event__init(&b->event);
		b->event.type = str_arg(rec->u.event.type);
		b->event.severity =
		    (Picmon__Severity)(rec->u.event.severity <= RT_SEV_CRITICAL ? rec->u.event.severity : 0);
		b->event.message = str_arg(rec->u.event.message);
		msg->body_case = PICMON__RECORD__BODY_EVENT;
		msg->event = &b->event;
		break;
	case RT_REC_VIOLATION:
	default:
		picmon__violation__init(&b->violation);
		b->violation.constraint = rec->u.violation.constraint;
		b->violation.estimated = rec->u.violation.estimated != 0;
		b->violation.job_seq = rec->u.violation.job_seq;
		b->violation.observed_ns = rec->u.violation.observed_ns;
		b->violation.limit_ns = rec->u.violation.limit_ns;
		b->violation.detect_delay_ns = rec->u.violation.detect_delay_ns;
		msg->body_case = PICMON__RECORD__BODY_VIOLATION;
		msg->violation = &b->violation;
		break;
	}
}

/* Copies a NUL-terminated string that came from outside into a fixed field, forcing termination. */
static void copy_field(char *dst, size_t cap, const char *src)
{
	if (src == NULL) {
		dst[0] = '\0';
		return;
	}
	size_t n = strnlen(src, cap - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int fields_terminated(const struct rt_record *rec)
{
	if (memchr(rec->resource, '\0', sizeof(rec->resource)) == NULL) {
		return 0;
	}
	switch (rec->kind) {
	case RT_REC_METRIC:
		return memchr(rec->u.metric.name, '\0', sizeof(rec->u.metric.name)) != NULL;
	case RT_REC_STATE:
		return memchr(rec->u.state.from, '\0', sizeof(rec->u.state.from)) != NULL &&
		       memchr(rec->u.state.to, '\0', sizeof(rec->u.state.to)) != NULL &&
		       memchr(rec->u.state.reason, '\0', sizeof(rec->u.state.reason)) != NULL;
	case RT_REC_EVENT:
		return memchr(rec->u.event.type, '\0', sizeof(rec->u.event.type)) != NULL &&
		       memchr(rec->u.event.message, '\0', sizeof(rec->u.event.message)) != NULL;
	default:
		return 1;
	}
}

pm_status app_record_pack(const struct rt_record *rec, uint8_t *out, size_t cap, size_t *len)
{
	if (rec == NULL || out == NULL || len == NULL || !fields_terminated(rec)) {
		return PM_ERR_INVAL;
	}
	Picmon__Record msg;
	union app_pb_body body;
	app_record_to_pb(rec, &msg, &body, sizeof(body));
	size_t need = picmon__record__get_packed_size(&msg);
	if (need > cap) {
		return PM_ERR_NOSPACE;
	}
	size_t got = picmon__record__pack(&msg, out);
	assert(got == need);
	*len = got;
	return PM_OK;
}

pm_status app_record_unpack(const uint8_t *buf, size_t len, struct app_pb_arena *arena, struct rt_record *out)
{
	app_pb_arena_reset(arena);
	Picmon__Record *msg = picmon__record__unpack(&arena->allocator, len, buf);
	if (msg == NULL) {
		return PM_ERR_PARSE;
	}
	memset(out, 0, sizeof(*out));
	out->seq = msg->seq;
	out->mono_ns = msg->mono_ns;
	out->real_ns = msg->real_ns;
	out->gap = msg->gap;
	out->resource_type = (uint32_t)msg->resource_type;
	copy_field(out->resource, sizeof(out->resource), msg->resource);
	pm_status st = PM_OK;
	switch (msg->body_case) {
	case PICMON__RECORD__BODY_METRIC:
		out->kind = RT_REC_METRIC;
		copy_field(out->u.metric.name, sizeof(out->u.metric.name), msg->metric->name);
		out->u.metric.value = msg->metric->value;
		break;
	case PICMON__RECORD__BODY_STATE:
		out->kind = RT_REC_STATE;
		copy_field(out->u.state.from, sizeof(out->u.state.from), msg->state->from);
		copy_field(out->u.state.to, sizeof(out->u.state.to), msg->state->to);
		out->u.state.duration_ns = msg->state->duration_ns;
		out->u.state.expected = msg->state->expected ? 1u : 0u;
		copy_field(out->u.state.reason, sizeof(out->u.state.reason), msg->state->reason);
		break;
	case PICMON__RECORD__BODY_EVENT:
		out->kind = RT_REC_EVENT;
		copy_field(out->u.event.type, sizeof(out->u.event.type), msg->event->type);
		out->u.event.severity = (uint32_t)msg->event->severity;
		copy_field(out->u.event.message, sizeof(out->u.event.message), msg->event->message);
		break;
	case PICMON__RECORD__BODY_VIOLATION:
		out->kind = RT_REC_VIOLATION;
		out->u.violation.constraint = msg->violation->constraint;
		out->u.violation.estimated = msg->violation->estimated ? 1u : 0u;
		out->u.violation.job_seq = msg->violation->job_seq;
		out->u.violation.observed_ns = msg->violation->observed_ns;
		out->u.violation.limit_ns = msg->violation->limit_ns;
		out->u.violation.detect_delay_ns = msg->violation->detect_delay_ns;
		break;
	default:
		st = PM_ERR_UNSUPPORTED;
		break;
	}
	app_pb_arena_reset(arena);
	return st;
}

/* A bounded string builder: once full, it stays full and reports NOSPACE at the end. */
struct jb {
	char *out;
	size_t cap;
	size_t len;
	int full;
};

static void jb_raw(struct jb *b, const char *s, size_t n)
{
	if (b->full || n >= b->cap - b->len) {
		b->full = 1;
		return;
	}
	memcpy(b->out + b->len, s, n);
	b->len += n;
	b->out[b->len] = '\0';
}

static void jb_str(struct jb *b, const char *s)
{
	jb_raw(b, s, strlen(s));
}

static void jb_fmt_i64(struct jb *b, int64_t v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%" PRId64, v);
	jb_raw(b, tmp, (size_t)n);
}

static void jb_fmt_u64(struct jb *b, uint64_t v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v);
	jb_raw(b, tmp, (size_t)n);
}

static void jb_quoted(struct jb *b, const char *s)
{
	jb_raw(b, "\"", 1);
	for (size_t i = 0; s != NULL && i < 4096 && s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };
			jb_raw(b, esc, 2);
		} else if (c < 0x20) {
			char esc[8];
			int n = snprintf(esc, sizeof(esc), "\\u%04x", c);
			jb_raw(b, esc, (size_t)n);
		} else {
			jb_raw(b, (const char *)&s[i], 1);
		}
	}
	jb_raw(b, "\"", 1);
}

static void jb_key(struct jb *b, const char *key)
{
	jb_raw(b, ",", 1);
	jb_quoted(b, key);
	jb_raw(b, ":", 1);
}

static const char *severity_name(int sev)
{
	return sev == 2 ? "critical" : sev == 1 ? "warning" : "info";
}

pm_status app_record_json(const Picmon__Record *msg, char *out, size_t cap, size_t *len)
{
	if (msg == NULL || out == NULL || cap == 0) {
		return PM_ERR_INVAL;
	}
	struct jb b = { out, cap, 0, 0 };
	out[0] = '\0';
	jb_str(&b, "{\"seq\":");
	jb_fmt_u64(&b, msg->seq);
	jb_key(&b, "mono_ns");
	jb_fmt_i64(&b, msg->mono_ns);
	jb_key(&b, "real_ns");
	jb_fmt_i64(&b, msg->real_ns);
	jb_key(&b, "gap");
	jb_fmt_u64(&b, msg->gap);
	jb_key(&b, "resource_type");
	jb_quoted(&b, app_resource_type_name((uint32_t)msg->resource_type));
	jb_key(&b, "resource");
	jb_quoted(&b, msg->resource);
	switch (msg->body_case) {
	case PICMON__RECORD__BODY_METRIC: {
		char num[48];
		int n = snprintf(num, sizeof(num), "%.17g", msg->metric->value);
		jb_key(&b, "metric");
		jb_str(&b, "{\"name\":");
		jb_quoted(&b, msg->metric->name);
		jb_key(&b, "value");
		/* JSON has no NaN/Inf: render them as strings rather than emit invalid JSON. */
		if (strpbrk(num, "ni") != NULL) {
			jb_quoted(&b, num);
		} else {
			jb_raw(&b, num, (size_t)n);
		}
		jb_str(&b, "}");
		break;
	}
	case PICMON__RECORD__BODY_STATE:
		jb_key(&b, "state");
		jb_str(&b, "{\"from\":");
		jb_quoted(&b, msg->state->from);
		jb_key(&b, "to");
		jb_quoted(&b, msg->state->to);
		jb_key(&b, "duration_ns");
		jb_fmt_i64(&b, msg->state->duration_ns);
		jb_key(&b, "expected");
		jb_str(&b, msg->state->expected ? "true" : "false");
		jb_key(&b, "reason");
		jb_quoted(&b, msg->state->reason);
		jb_str(&b, "}");
		break;
	case PICMON__RECORD__BODY_EVENT:
		jb_key(&b, "event");
		jb_str(&b, "{\"type\":");
		jb_quoted(&b, msg->event->type);
		jb_key(&b, "severity");
		jb_quoted(&b, severity_name((int)msg->event->severity));
		jb_key(&b, "message");
		jb_quoted(&b, msg->event->message);
		jb_str(&b, "}");
		break;
	case PICMON__RECORD__BODY_VIOLATION:
		jb_key(&b, "violation");
		jb_str(&b, "{\"constraint\":");
		jb_quoted(&b, msg->violation->constraint == 1   ? "deadline"
		              : msg->violation->constraint == 2 ? "budget"
		              : msg->violation->constraint == 3 ? "alive"
		                                                : "unknown");
		jb_key(&b, "estimated");
		jb_str(&b, msg->violation->estimated ? "true" : "false");
		jb_key(&b, "job_seq");
		jb_fmt_u64(&b, msg->violation->job_seq);
		jb_key(&b, "observed_ns");
		jb_fmt_i64(&b, msg->violation->observed_ns);
		jb_key(&b, "limit_ns");
		jb_fmt_i64(&b, msg->violation->limit_ns);
		jb_key(&b, "detect_delay_ns");
		jb_fmt_i64(&b, msg->violation->detect_delay_ns);
		jb_str(&b, "}");
		break;
	case PICMON__RECORD__BODY_SUMMARY:
		jb_key(&b, "summary");
		jb_str(&b, "{\"state\":");
		jb_quoted(&b, msg->summary->state);
		jb_key(&b, "state_since_ns");
		jb_fmt_i64(&b, msg->summary->state_since_ns);
		jb_key(&b, "last_seq");
		jb_fmt_u64(&b, msg->summary->last_seq);
		jb_str(&b, "}");
		break;
	default:
		break;
	}
	jb_str(&b, "}");
	if (b.full) {
		return PM_ERR_NOSPACE;
	}
	if (len != NULL) {
		*len = b.len;
	}
	return PM_OK;
}
