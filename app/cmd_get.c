/* `picmon get [--prefix] KEY [--endpoints URL,...] [--json]`: reads etcd keys and decodes their values
 * (picmon.Record protobuf or JSON) to YAML, or to a JSON array of {"key", "value"}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "commands.h"
#include "etcd_client.h"
#include "json.h"
#include "record_codec.h"

#define GET_PAGE 500
#define GET_MAX_PAGES 100000
#define YAML_MAX_DEPTH 16

static struct app_etcd get_etcd;

struct get_ctx {
	bool json;
	uint64_t printed;
	uint8_t last_key[APP_ETCD_MAX_KEY];
	size_t last_key_len;
	jsmntok_t tok[1024];
	char text[APP_RECORD_MAX_JSON];
	struct app_pb_arena arena;
};

static void yaml_scalar(const struct app_json *j, int idx)
{
	const jsmntok_t *t = &j->tok[idx];
	if (t->type == JSMN_STRING) {
		/* A JSON string literal is a valid YAML double-quoted scalar. */
		printf("\"%.*s\"", t->end - t->start, j->js + t->start);
	} else {
		printf("%.*s", t->end - t->start, j->js + t->start);
	}
}

/* Whether a JSON member name can be a plain YAML key (otherwise it is printed double-quoted). */
static bool plain_key(const char *p, size_t n)
{
	if (n == 0) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		          c == '_' || (c == '-' && i > 0);
		if (!ok) {
			return false;
		}
	}
	return true;
}

/* Prints the JSON value at idx as a YAML block at `indent`; returns the index after it. */
static int yaml_value(const struct app_json *j, int idx, int indent, int depth)
{
	const jsmntok_t *t = &j->tok[idx];
	if (depth > YAML_MAX_DEPTH || (t->type != JSMN_OBJECT && t->type != JSMN_ARRAY)) {
		yaml_scalar(j, idx);
		printf("\n");
		return app_json_skip(j, idx);
	}
	if (t->size == 0) {
		printf(t->type == JSMN_OBJECT ? "{}\n" : "[]\n");
		return idx + 1;
	}
	printf("\n");
	int i = idx + 1;
	for (int m = 0; m < t->size && i < j->count; m++) {
		printf("%*s", indent, "");
		if (t->type == JSMN_OBJECT) {
			if (plain_key(j->js + j->tok[i].start, (size_t)(j->tok[i].end - j->tok[i].start))) {
				printf("%.*s:", j->tok[i].end - j->tok[i].start, j->js + j->tok[i].start);
			} else {
				printf("\"%.*s\":", j->tok[i].end - j->tok[i].start, j->js + j->tok[i].start);
			}
			i++;
		} else {
			printf("-");
		}
		const jsmntok_t *v = &j->tok[i];
		if (v->type != JSMN_OBJECT && v->type != JSMN_ARRAY) {
			printf(" ");
		}
		i = yaml_value(j, i, indent + 2, depth + 1);
	}
	return i;
}

static void print_json_string(const uint8_t *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '"' || c == '\\') {
			printf("\\%c", c);
		} else if (c < 0x20) {
			printf("\\u%04x", c);
		} else {
			putchar(c);
		}
	}
	putchar('"');
}

/* The value as JSON text in ctx->text, from protobuf or JSON; false when it is neither. */
static bool decode_value(struct get_ctx *ctx, const uint8_t *value, size_t len, size_t *text_len)
{
	size_t i = 0;
	while (i < len && (value[i] == ' ' || value[i] == '\n' || value[i] == '\t')) {
		i++;
	}
	if (i < len && value[i] == '{' && len < sizeof(ctx->text)) {
		struct app_json j;
		if (app_json_parse(&j, (const char *)value, len, ctx->tok, 1024) == PM_OK) {
			memcpy(ctx->text, value, len);
			ctx->text[len] = '\0';
			*text_len = len;
			return true;
		}
	}
	app_pb_arena_reset(&ctx->arena);
	Picmon__Record *msg = picmon__record__unpack(&ctx->arena.allocator, len, value);
	if (msg == NULL || msg->body_case == PICMON__RECORD__BODY__NOT_SET) {
		return false;
	}
	bool ok = app_record_json(msg, ctx->text, sizeof(ctx->text), text_len) == PM_OK;
	app_pb_arena_reset(&ctx->arena);
	return ok;
}

static int print_kv(void *vctx, const uint8_t *key, size_t key_len, const uint8_t *value, size_t value_len,
                    int64_t lease, int64_t mod_revision)
{
	(void)lease;
	(void)mod_revision;
	struct get_ctx *ctx = vctx;
	memcpy(ctx->last_key, key, key_len);
	ctx->last_key_len = key_len;
	size_t tl = 0;
	bool decoded = decode_value(ctx, value, value_len, &tl);
	if (ctx->json) {
		printf("%s{\"key\":", ctx->printed == 0 ? "" : ",\n");
		print_json_string(key, key_len);
		printf(",\"value\":");
		if (decoded) {
			printf("%s", ctx->text);
		} else {
			print_json_string(value, value_len);
		}
		printf("}");
	} else {
		printf("- key: ");
		print_json_string(key, key_len);
		printf("\n  value:");
		if (decoded) {
			struct app_json j;
			if (app_json_parse(&j, ctx->text, tl, ctx->tok, 1024) == PM_OK) {
				(void)yaml_value(&j, 0, 4, 0);
			} else {
				printf(" %s\n", ctx->text);
			}
		} else {
			printf(" ");
			print_json_string(value, value_len);
			printf("\n");
		}
	}
	ctx->printed++;
	return 0;
}

static int usage(const char *msg)
{
	if (msg != NULL) {
		fprintf(stderr, "picmon: get: %s\n", msg);
	}
	fprintf(stderr, "usage: picmon get [--prefix] KEY [--endpoints URL,...] [--json]\n");
	return APP_EXIT_USAGE;
}

int app_cmd_get(int argc, char **argv)
{
	bool prefix = false;
	static struct get_ctx ctx;
	const char *key = NULL;
	struct app_etcd_params params;
	app_etcd_params_default(&params);
	memset(&ctx, 0, sizeof(ctx));
	app_pb_arena_init(&ctx.arena);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--prefix") == 0) {
			prefix = true;
		} else if (strcmp(argv[i], "--json") == 0) {
			ctx.json = true;
		} else if (strcmp(argv[i], "--endpoints") == 0) {
			if (i + 1 >= argc) {
				return usage("--endpoints needs a value");
			}
			if (app_etcd_params_set_endpoints(&params, argv[++i]) != PM_OK) {
				return usage("bad --endpoints list");
			}
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: picmon get [--prefix] KEY [--endpoints URL,...] [--json]\n");
			return APP_EXIT_OK;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "picmon: get: unknown option '%s'\n", argv[i]);
			return APP_EXIT_USAGE;
		} else if (key == NULL) {
			key = argv[i];
		} else {
			return usage("one KEY only");
		}
	}
	if (key == NULL || key[0] == '\0' || strlen(key) >= APP_ETCD_MAX_KEY) {
		return usage("KEY missing");
	}
	pm_status st = app_etcd_init(&get_etcd, &params);
	if (st != PM_OK) {
		fprintf(stderr, "picmon: get: endpoints: %s\n", pm_status_str(st));
		return APP_EXIT_USAGE;
	}
	size_t kl = strlen(key);
	uint8_t start[APP_ETCD_MAX_KEY + 1];
	uint8_t end[APP_ETCD_MAX_KEY];
	size_t start_len = kl;
	memcpy(start, key, kl);
	/* range_end of a prefix: the prefix with its last byte incremented (trailing 0xff dropped). */
	size_t end_len = kl;
	memcpy(end, key, kl);
	while (end_len > 0 && end[end_len - 1] == 0xff) {
		end_len--;
	}
	if (end_len > 0) {
		end[end_len - 1]++;
	} else {
		end[0] = 0;
		end_len = 1; /* "\0": everything from the key on */
	}
	if (ctx.json) {
		printf("[");
	}
	int rc = APP_EXIT_OK;
	for (int page = 0; page < GET_MAX_PAGES; page++) {
		bool more = false;
		st = app_etcd_range(&get_etcd, start, start_len, prefix ? end : NULL, end_len,
		                    prefix ? GET_PAGE : 0, false, print_kv, &ctx, &more, NULL);
		if (st != PM_OK) {
			fprintf(stderr, "picmon: get: %s (%s)\n", pm_status_str(st), get_etcd.last_error);
			rc = APP_EXIT_FAILURE;
			break;
		}
		if (!prefix || !more || ctx.last_key_len >= APP_ETCD_MAX_KEY) {
			break;
		}
		/* Next page: just after the last key seen. */
		memcpy(start, ctx.last_key, ctx.last_key_len);
		start[ctx.last_key_len] = 0;
		start_len = ctx.last_key_len + 1;
	}
	if (ctx.json) {
		printf("%s]\n", ctx.printed > 0 ? "\n" : "");
	}
	app_etcd_close(&get_etcd);
	if (rc == APP_EXIT_OK && ctx.printed == 0 && !ctx.json) {
		fprintf(stderr, "picmon: get: no key %s'%s'\n", prefix ? "under " : "", key);
	}
	return rc;
}
