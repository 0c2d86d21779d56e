/* Standard base64 with padding (RFC 4648 §4): etcd's JSON gateway carries keys and values so. */
#ifndef APP_BASE64_H
#define APP_BASE64_H

#include <stddef.h>
#include <stdint.h>

#include "hal/status.h"

#define APP_B64_LEN(n) ((((n) + 2u) / 3u) * 4u)

/* Encodes; out gets a NUL after the text (cap >= APP_B64_LEN(len) + 1). */
pm_status app_b64_encode(const uint8_t *in, size_t len, char *out, size_t cap, size_t *out_len);

/* Decodes (padding required when the length is not a multiple of 4 is tolerated either way). */
pm_status app_b64_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *out_len);

#endif
