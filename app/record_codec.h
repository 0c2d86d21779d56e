/* rt_record <-> picmon.Record (proto/picmon.proto): packing into caller buffers, unpacking through a
 * fixed arena allocator, and the JSON rendering used for `value_format: json` and `picmon get`. */
#ifndef APP_RECORD_CODEC_H
#define APP_RECORD_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "hal/status.h"
#include "picmon.pb-c.h"
#include "rt/record.h"

/* Upper bound of a packed Record built from an rt_record (all strings at their maximum length). */
#define APP_RECORD_MAX_PACKED 768
/* Upper bound of the JSON rendering of one Record. */
#define APP_RECORD_MAX_JSON 2048

/* A bump allocator over a fixed array for protobuf_c_message_unpack: nothing reaches malloc. */
struct app_pb_arena {
	ProtobufCAllocator allocator; /* pass &arena->allocator to *_unpack */
	size_t used;
	_Alignas(16) uint8_t mem[8192];
};

void app_pb_arena_init(struct app_pb_arena *arena);
/* Forgets every allocation (the messages unpacked before become invalid). */
void app_pb_arena_reset(struct app_pb_arena *arena);

/* Lower-case names: "scenario", "package", "model", "node"; "metric", "state", "event", "violation". */
const char *app_resource_type_name(uint32_t type);
pm_status app_resource_type_parse(const char *name, uint32_t *type);
const char *app_record_kind_name(uint32_t kind);

/* Packs `rec` (its seq included) as a picmon.Record. */
pm_status app_record_pack(const struct rt_record *rec, uint8_t *out, size_t cap, size_t *len);

/* Fills the protobuf message for `rec`; strings point into `rec` and `body` (caller-owned storage
 * for the oneof member), so `rec` must outlive `msg`. */
void app_record_to_pb(const struct rt_record *rec, Picmon__Record *msg, void *body, size_t body_size);

/* Unpacks a picmon.Record into `out` (strings truncated to the rt_record fields). A Record whose body
 * is a summary (etcd only) is PM_ERR_UNSUPPORTED. */
pm_status app_record_unpack(const uint8_t *buf, size_t len, struct app_pb_arena *arena,
                            struct rt_record *out);

/* Renders a message as one JSON object; PM_ERR_NOSPACE when `cap` is too small. */
pm_status app_record_json(const Picmon__Record *msg, char *out, size_t cap, size_t *len);

#endif
