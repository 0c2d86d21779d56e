/* Fuzz target: the JSON reader over etcd gateway responses (range/txn/lease/auth/error answers): member
 * lookup, arrays, int64 as numbers or strings, string unescaping and base64 values. */
#include <stdint.h>
#include <string.h>

#include "base64.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static jsmntok_t tok[512];
	static char str[1024];
	static uint8_t bin[1024];
	struct app_json j;
	if (app_json_parse(&j, (const char *)data, size, tok, 512) != PM_OK) {
		return 0;
	}
	int64_t v = 0;
	for (int i = 0; i < j.count; i++) {
		(void)app_json_int64(&j, i, &v);
		size_t len = 0;
		if (app_json_str(&j, i, str, sizeof(str), &len) == PM_OK && len >= sizeof(str)) {
			__builtin_trap();
		}
		if (j.tok[i].type == JSMN_STRING) {
			size_t bl = 0;
			(void)app_b64_decode(j.js + j.tok[i].start, (size_t)(j.tok[i].end - j.tok[i].start),
			                     bin, sizeof(bin), &bl);
		}
		if (app_json_skip(&j, i) <= i) {
			__builtin_trap();
		}
	}
	static const char *const keys[] = { "header",  "kvs",    "more", "count", "error", "code",
		                            "message", "result", "TTL",  "ID",    "token", "succeeded" };
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		int idx = app_json_get(&j, 0, keys[k]);
		if (idx >= j.count) {
			__builtin_trap();
		}
		for (int n = 0; n < 4; n++) {
			int e = app_json_elem(&j, idx, n);
			if (e >= j.count) {
				__builtin_trap();
			}
			(void)app_json_get(&j, e, "key");
			(void)app_json_get(&j, e, "value");
		}
	}
	return 0;
}
