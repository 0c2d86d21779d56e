/* Reading JSON documents (etcd gateway responses, JSON values) with jsmn over a caller's token array:
 * member lookup, integers given as numbers or strings (etcd's int64), strings with escapes. */
#ifndef APP_JSON_H
#define APP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSMN_HEADER
#include <jsmn.h>
#undef JSMN_HEADER

#include "hal/status.h"

struct app_json {
	const char *js;
	size_t len;
	const jsmntok_t *tok;
	int count; /* tokens parsed */
};

/* Parses `js` into `tok` (cap tokens). PM_ERR_NOSPACE when there are more tokens; PM_ERR_PARSE when
 * the text is not JSON. */
pm_status app_json_parse(struct app_json *j, const char *js, size_t len, jsmntok_t *tok, unsigned cap);

/* Index of the token after the subtree rooted at `idx` (bounded by count). */
int app_json_skip(const struct app_json *j, int idx);

/* Value token of member `key` of the object at `obj`, or -1. */
int app_json_get(const struct app_json *j, int obj, const char *key);

/* The n-th element of the array at `arr`, or -1. */
int app_json_elem(const struct app_json *j, int arr, int n);

/* Whether the token is a string or primitive equal to `lit`. */
bool app_json_eq(const struct app_json *j, int idx, const char *lit);

/* Integer from a number or a string of digits (int64 comes back quoted from etcd). */
pm_status app_json_int64(const struct app_json *j, int idx, int64_t *out);

/* String value unescaped into out (NUL-terminated); \uXXXX beyond ASCII becomes UTF-8. */
pm_status app_json_str(const struct app_json *j, int idx, char *out, size_t cap, size_t *len);

#endif
