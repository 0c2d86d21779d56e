/* Integration tests of journal -> etcd with real etcd: round trip of every record type with the exact
 * key layout, coalescing and lease attachment; fault tests (SIGSTOP 10 s, kill -9 + restart, quota
 * exhausted, 3-member cluster losing its leader) that end with events journaled = events in etcd; and a
 * journal crash test (kill -9 of a writer at random moments). Usage: it_etcd CASE [PICMON_BINARY]. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "etcd_pusher.h"
#include "hal/clock.h"
#include "hal/file.h"
#include "journal.h"

#define CHECK(cond)                                                                                          \
	do {                                                                                                 \
		if (!(cond)) {                                                                               \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                      \
			cleanup();                                                                           \
			exit(1);                                                                             \
		}                                                                                            \
	} while (0)

static char etcd_dir[128];
static char journal_dir[128];
static char endpoints[512];
static struct app_writer writer;
static struct app_pusher pusher;
static struct app_etcd probe;
static struct rt_record_ring ring;
static struct rt_record_ring alert_ring;
static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;

static void cleanup(void)
{
	char cmd[512];
	if (etcd_dir[0] != '\0') {
		(void)snprintf(cmd, sizeof(cmd), "%s stop %s; rm -rf %s", PICMON_HARNESS, etcd_dir, etcd_dir);
		(void)system(cmd);
		etcd_dir[0] = '\0';
	}
	if (journal_dir[0] != '\0') {
		(void)snprintf(cmd, sizeof(cmd), "rm -rf %s", journal_dir);
		(void)system(cmd);
		journal_dir[0] = '\0';
	}
}

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	va_start(ap, fmt);
	(void)vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int rc = system(cmd);
	if (rc != 0) {
		fprintf(stderr, "FAIL: '%s' exited %d\n", cmd, rc);
		cleanup();
		exit(1);
	}
}

static void start_etcd(const char *extra)
{
	(void)snprintf(etcd_dir, sizeof(etcd_dir), "/tmp/pm_it_etcd_XXXXXX");
	CHECK(mkdtemp(etcd_dir) != NULL);
	sh("%s start %s %s >/dev/null", PICMON_HARNESS, etcd_dir, extra);
	char path[256];
	(void)snprintf(path, sizeof(path), "%s/endpoints", etcd_dir);
	FILE *f = fopen(path, "r");
	CHECK(f != NULL);
	CHECK(fgets(endpoints, sizeof(endpoints), f) != NULL);
	fclose(f);
	endpoints[strcspn(endpoints, "\n")] = '\0';
	printf("etcd at %s\n", endpoints);
}

static pid_t member_pid(int i)
{
	char path[256];
	(void)snprintf(path, sizeof(path), "%s/m%d.pid", etcd_dir, i);
	FILE *f = fopen(path, "r");
	CHECK(f != NULL);
	int pid = 0;
	CHECK(fscanf(f, "%d", &pid) == 1);
	fclose(f);
	return (pid_t)pid;
}

static void setup(const char *prefix, enum app_value_format fmt, pm_ns bucket)
{
	(void)snprintf(journal_dir, sizeof(journal_dir), "/tmp/pm_it_journal_XXXXXX");
	CHECK(mkdtemp(journal_dir) != NULL);
	rt_record_ring_init(&ring);
	rt_record_ring_init(&alert_ring);
	struct app_writer_params wp;
	app_writer_params_default(&wp);
	(void)snprintf(wp.journal_dir, sizeof(wp.journal_dir), "%s", journal_dir);
	wp.rings[0] = &ring;
	wp.rings[1] = &alert_ring;
	wp.ring_count = 2;
	wp.metric_interval_ns = 200 * PM_NS_PER_MS;
	CHECK(app_writer_init(&writer, &wp) == PM_OK);
	struct app_pusher_params pp;
	app_pusher_params_default(&pp);
	(void)snprintf(pp.journal_dir, sizeof(pp.journal_dir), "%s", journal_dir);
	CHECK(app_etcd_params_set_endpoints(&pp.etcd, endpoints) == PM_OK);
	pp.etcd.request_timeout_ns = PM_NS_PER_S;
	pp.etcd.connect_timeout_ns = 300 * PM_NS_PER_MS;
	pp.backoff_max_ns = PM_NS_PER_S;
	if (prefix != NULL) {
		(void)snprintf(pp.prefix, sizeof(pp.prefix), "%s", prefix);
	}
	pp.value_format = fmt;
	if (bucket > 0) {
		pp.lease_bucket_ns = bucket;
	}
	pp.alert_ring = &alert_ring;
	CHECK(app_pusher_init(&pusher, &pp) == PM_OK);
	struct app_etcd_params ep;
	app_etcd_params_default(&ep);
	CHECK(app_etcd_params_set_endpoints(&ep, endpoints) == PM_OK);
	CHECK(app_etcd_init(&probe, &ep) == PM_OK);
}

static struct rt_record make(uint32_t kind, const char *res, int i)
{
	struct rt_record r;
	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.resource_type = RT_RES_MODEL;
	r.mono_ns = hal_clock_mono_ns();
	r.real_ns = hal_clock_real_ns();
	(void)snprintf(r.resource, sizeof(r.resource), "%s", res);
	switch (kind) {
	case RT_REC_METRIC:
		(void)snprintf(r.u.metric.name, sizeof(r.u.metric.name), "cpuUsage");
		r.u.metric.value = i;
		break;
	case RT_REC_STATE:
		(void)snprintf(r.u.state.from, sizeof(r.u.state.from), "Running");
		(void)snprintf(r.u.state.to, sizeof(r.u.state.to), "Degraded");
		r.u.state.duration_ns = 42;
		r.u.state.expected = 1;
		(void)snprintf(r.u.state.reason, sizeof(r.u.state.reason), "reason %d", i);
		break;
	case RT_REC_EVENT:
		(void)snprintf(r.u.event.type, sizeof(r.u.event.type), "alert");
		r.u.event.severity = RT_SEV_WARNING;
		(void)snprintf(r.u.event.message, sizeof(r.u.event.message), "event %d", i);
		break;
	default:
		r.u.violation.constraint = RT_CONSTRAINT_DEADLINE;
		r.u.violation.job_seq = (uint64_t)i;
		r.u.violation.observed_ns = 7000;
		r.u.violation.limit_ns = 5000;
		break;
	}
	return r;
}

/* ---- threads: a producer+writer (like the RT side and the writer thread) and the pusher ---- */

static atomic_int stop_pusher;
static atomic_int produce_rate; /* events per second; 0: idle */
static atomic_int stop_writer;
static atomic_uint_fast64_t produced;

static void *writer_thread(void *arg)
{
	(void)arg;
	pm_ns next = hal_clock_mono_ns();
	int i = 0;
	while (!atomic_load(&stop_writer)) {
		int rate = atomic_load(&produce_rate);
		pm_ns now = hal_clock_mono_ns();
		if (rate > 0) {
			/* 1 ms ticks: rate/1000 events per tick. */
			for (int k = 0; k < rate / 1000; k++) {
				struct rt_record e =
				    make(k % 3 == 2 ? RT_REC_VIOLATION : RT_REC_EVENT, "m1", i++);
				if (rt_record_ring_push(&ring, &e)) {
					atomic_fetch_add(&produced, 1);
				}
			}
		}
		pthread_mutex_lock(&writer_lock);
		(void)app_writer_step(&writer, now);
		pthread_mutex_unlock(&writer_lock);
		next += PM_NS_PER_MS;
		(void)hal_sleep_until_mono(next, NULL);
	}
	return NULL;
}

static void *pusher_thread(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop_pusher)) {
		pm_status st = app_pusher_step(&pusher, hal_clock_mono_ns());
		if (st != PM_OK) {
			(void)hal_sleep_ns(2 * PM_NS_PER_MS, NULL);
		}
	}
	return NULL;
}

static pthread_t wt, pt;

static void start_threads(void)
{
	atomic_store(&stop_pusher, 0);
	atomic_store(&stop_writer, 0);
	CHECK(pthread_create(&wt, NULL, writer_thread, NULL) == 0);
	CHECK(pthread_create(&pt, NULL, pusher_thread, NULL) == 0);
}

static void stop_threads(void)
{
	atomic_store(&stop_pusher, 1);
	CHECK(pthread_join(pt, NULL) == 0);
	/* The writer journals what is left (alerts included) before it stops. */
	(void)hal_sleep_ns(50 * PM_NS_PER_MS, NULL);
	atomic_store(&stop_writer, 1);
	CHECK(pthread_join(wt, NULL) == 0);
	CHECK(app_writer_sync(&writer, hal_clock_mono_ns()) == PM_OK);
}

static void sleep_s(double s)
{
	(void)hal_sleep_ns((pm_ns)(s * 1e9), NULL);
}

struct count_ctx {
	uint64_t events;
	uint64_t keys;
	uint8_t last[APP_ETCD_MAX_KEY];
	size_t last_len;
};

static int count_cb(void *vctx, const uint8_t *key, size_t kl, const uint8_t *v, size_t vl, int64_t lease,
                    int64_t rev)
{
	(void)v;
	(void)vl;
	(void)lease;
	(void)rev;
	struct count_ctx *c = vctx;
	c->keys++;
	if (memmem(key, kl, "/events/", 8) != NULL) {
		c->events++;
	}
	memcpy(c->last, key, kl);
	c->last_len = kl;
	return 0;
}

/* Events (state changes, events, violations) stored in etcd under the prefix. */
static uint64_t etcd_events(const char *prefix)
{
	struct count_ctx c;
	memset(&c, 0, sizeof(c));
	uint8_t start[APP_ETCD_MAX_KEY + 1], end[APP_ETCD_MAX_KEY];
	size_t sl = strlen(prefix);
	memcpy(start, prefix, sl);
	memcpy(end, prefix, sl);
	end[sl - 1]++;
	for (int page = 0; page < 10000; page++) {
		bool more = false;
		pm_status st = app_etcd_range(&probe, start, sl, end, strlen(prefix), 1000, false, count_cb,
		                              &c, &more, NULL);
		if (st != PM_OK) {
			fprintf(stderr, "range: %s (%s)\n", pm_status_str(st), probe.last_error);
		}
		CHECK(st == PM_OK);
		if (!more) {
			break;
		}
		memcpy(start, c.last, c.last_len);
		start[c.last_len] = 0;
		sl = c.last_len + 1;
	}
	return c.events;
}

static void finish_and_count(const char *what)
{
	uint64_t remaining = 0;
	pm_status st = app_pusher_flush(&pusher, 30 * PM_NS_PER_S, &remaining);
	struct app_writer_counters wc;
	struct app_pusher_counters pc;
	app_writer_get_counters(&writer, &wc);
	app_pusher_get_counters(&pusher, &pc);
	struct app_etcd_counters ec;
	app_pusher_etcd_counters(&pusher, &ec);
	uint64_t in_etcd = etcd_events("/piccolo/monitoring/");
	printf("%s: produced %" PRIu64 ", events journaled %" PRIu64 ", events in etcd %" PRIu64
	       ", pushed %" PRIu64 ", remaining %" PRIu64 ", failures %" PRIu64 ", timeouts %" PRIu64
	       ", nospace %" PRIu64 ", alerts %" PRIu64 ", failovers %" PRIu64 ", ring drops %" PRIu64
	       ", second-lane txns %" PRIu64 " (abandoned %" PRIu64 ")\n",
	       what, (uint64_t)atomic_load(&produced), wc.events_journaled, in_etcd, pc.events_pushed,
	       remaining, pc.failures, pc.timeouts, pc.nospace, pc.alerts, ec.failovers, wc.ring_drops,
	       pc.overlapped, pc.abandoned);
	CHECK(st == PM_OK && remaining == 0);
	CHECK(wc.events_journaled == (uint64_t)atomic_load(&produced) + pc.alerts);
	CHECK(in_etcd == wc.events_journaled);
	CHECK(wc.ring_drops == 0);
}

/* ---- cases ---- */

struct kv_capture {
	char key[APP_ETCD_MAX_KEY];
	uint8_t value[4096];
	size_t value_len;
	int64_t lease;
	int found;
};

static int capture_cb(void *vctx, const uint8_t *key, size_t kl, const uint8_t *v, size_t vl, int64_t lease,
                      int64_t rev)
{
	(void)rev;
	struct kv_capture *c = vctx;
	if (kl >= sizeof(c->key) || vl > sizeof(c->value)) {
		return 1;
	}
	memcpy(c->key, key, kl);
	c->key[kl] = '\0';
	memcpy(c->value, v, vl);
	c->value_len = vl;
	c->lease = lease;
	c->found++;
	return 0;
}

static Picmon__Record *get_record(const char *key, struct kv_capture *cap, struct app_pb_arena *arena)
{
	memset(cap, 0, sizeof(*cap));
	pm_status st = app_etcd_range(&probe, (const uint8_t *)key, strlen(key), NULL, 0, 0, false,
	                              capture_cb, cap, NULL, NULL);
	CHECK(st == PM_OK);
	if (cap->found != 1) {
		fprintf(stderr, "key %s not found\n", key);
	}
	CHECK(cap->found == 1);
	app_pb_arena_reset(arena);
	return picmon__record__unpack(&arena->allocator, cap->value_len, cap->value);
}

static void pump_until_idle(void)
{
	for (int i = 0; i < 1000; i++) {
		pm_ns now = hal_clock_mono_ns();
		CHECK(app_writer_step(&writer, now) == PM_OK);
		pm_status st = app_pusher_step(&pusher, now);
		if (st == PM_ERR_AGAIN && i > 5) {
			break;
		}
		CHECK(st == PM_OK || st == PM_ERR_AGAIN);
	}
}

static void case_roundtrip(const char *picmon)
{
	static struct app_pb_arena arena;
	app_pb_arena_init(&arena);
	start_etcd("");
	setup(NULL, APP_VALUE_PROTOBUF, 0);
	struct rt_record st = make(RT_REC_STATE, "m1", 1);
	struct rt_record ev = make(RT_REC_EVENT, "m1", 2);
	struct rt_record vi = make(RT_REC_VIOLATION, "m1", 3);
	CHECK(rt_record_ring_push(&ring, &st) && rt_record_ring_push(&ring, &ev) &&
	      rt_record_ring_push(&ring, &vi));
	/* Coalescing: 100 samples of one metric become one journal record and one key. */
	for (int i = 0; i < 100; i++) {
		struct rt_record m = make(RT_REC_METRIC, "m1", i);
		CHECK(rt_record_ring_push(&ring, &m));
	}
	sleep_s(0.25); /* past the 200 ms metric interval */
	pump_until_idle();
	struct app_writer_counters wc;
	app_writer_get_counters(&writer, &wc);
	CHECK(wc.metrics_journaled == 1 && wc.metrics_coalesced == 99 && wc.events_journaled == 3);
	/* The writer made real_ns unique and increasing: read the journaled values back. */
	static struct app_journal_reader r;
	static struct rt_record recs[8];
	uint8_t payload[APP_JOURNAL_MAX_PAYLOAD];
	CHECK(app_journal_reader_open(&r, journal_dir, 1, false) == PM_OK);
	int n = 0;
	uint64_t seq;
	size_t len;
	while (n < 8 && app_journal_reader_next(&r, &seq, payload, sizeof(payload), &len) == PM_OK) {
		CHECK(app_record_unpack(payload, len, &arena, &recs[n]) == PM_OK);
		n++;
	}
	app_journal_reader_close(&r);
	CHECK(n == 4);
	char key[512];
	struct kv_capture cap;
	const char *P = "/piccolo/monitoring/model/m1";
	pm_ns bucket_ns = PM_NS_PER_DAY;
	/* {type}/{id}/state: the state change, state lease */
	(void)snprintf(key, sizeof(key), "%s/state", P);
	Picmon__Record *m = get_record(key, &cap, &arena);
	CHECK(m != NULL && m->body_case == PICMON__RECORD__BODY_STATE &&
	      strcmp(m->state->to, "Degraded") == 0 && strcmp(m->state->reason, "reason 1") == 0 &&
	      m->state->duration_ns == 42 && m->state->expected);
	CHECK(m->resource_type == PICMON__RESOURCE_TYPE__MODEL && strcmp(m->resource, "m1") == 0);
	CHECK(cap.lease == app_pusher_lease_id(&pusher, APP_RET_STATE, recs[0].real_ns / bucket_ns));
	int64_t ttl = 0, granted = 0;
	CHECK(app_etcd_lease_ttl(&probe, cap.lease, &ttl, &granted) == PM_OK);
	CHECK(granted == 60 * 86400 && ttl > 60 * 86400 - 60);
	/* {type}/{id}/events/{ts} of the state change, the event and the violation */
	for (int i = 0; i < 3; i++) {
		(void)snprintf(key, sizeof(key), "%s/events/%020" PRId64, P, recs[i].real_ns);
		m = get_record(key, &cap, &arena);
		CHECK(m != NULL && m->seq == recs[i].seq);
		int64_t want_lease = app_pusher_lease_id(&pusher, i == 0 ? APP_RET_STATE : APP_RET_EVENTS,
		                                         recs[i].real_ns / bucket_ns);
		CHECK(cap.lease == want_lease);
	}
	CHECK(app_etcd_lease_ttl(&probe,
	                         app_pusher_lease_id(&pusher, APP_RET_EVENTS, recs[1].real_ns / bucket_ns),
	                         &ttl, &granted) == PM_OK &&
	      granted == 90 * 86400);
	(void)snprintf(key, sizeof(key), "%s/events/%020" PRId64, P, recs[1].real_ns);
	m = get_record(key, &cap, &arena);
	CHECK(m->body_case == PICMON__RECORD__BODY_EVENT && strcmp(m->event->message, "event 2") == 0 &&
	      m->event->severity == PICMON__SEVERITY__WARNING);
	(void)snprintf(key, sizeof(key), "%s/events/%020" PRId64, P, recs[2].real_ns);
	m = get_record(key, &cap, &arena);
	CHECK(m->body_case == PICMON__RECORD__BODY_VIOLATION && m->violation->observed_ns == 7000 &&
	      m->violation->limit_ns == 5000 && m->violation->constraint == 1);
	/* {type}/{id}/metrics/{metric}: the latest sample, metrics lease */
	(void)snprintf(key, sizeof(key), "%s/metrics/cpuUsage", P);
	m = get_record(key, &cap, &arena);
	CHECK(m->body_case == PICMON__RECORD__BODY_METRIC && m->metric->value == 99.0);
	CHECK(cap.lease == app_pusher_lease_id(&pusher, APP_RET_METRICS, recs[3].real_ns / bucket_ns));
	CHECK(app_etcd_lease_ttl(&probe, cap.lease, &ttl, &granted) == PM_OK && granted == 30 * 86400);
	/* {type}/{id}: the summary, no lease */
	m = get_record(P, &cap, &arena);
	CHECK(m->body_case == PICMON__RECORD__BODY_SUMMARY && strcmp(m->summary->state, "Degraded") == 0 &&
	      m->summary->last_seq == recs[0].seq && cap.lease == 0);
	/* Lease calls on their own: grant (twice: idempotent), keepalive, revoke, unknown lease. */
	bool existed = false;
	CHECK(app_etcd_lease_grant(&probe, 77, 600, &existed) == PM_OK && !existed);
	CHECK(app_etcd_lease_grant(&probe, 77, 600, &existed) == PM_OK && existed);
	CHECK(app_etcd_lease_keepalive(&probe, 77, &ttl) == PM_OK && ttl == 600);
	CHECK(app_etcd_lease_revoke(&probe, 77) == PM_OK);
	CHECK(app_etcd_lease_keepalive(&probe, 77, &ttl) == PM_ERR_NOENT);
	CHECK(app_etcd_lease_ttl(&probe, 77, &ttl, &granted) == PM_ERR_NOENT);
	/* Exactly these six keys. */
	CHECK(etcd_events("/piccolo/monitoring/") == 3);
	/* Idempotence: the pusher restarted without its cursor pushes everything again, same keys. */
	char cmd[2048];
	(void)snprintf(cmd, sizeof(cmd), "rm -f %s/%s", journal_dir, APP_PUSHER_CURSOR_FILE);
	CHECK(system(cmd) == 0);
	struct app_pusher_params pp = pusher.p;
	app_pusher_close(&pusher);
	CHECK(app_pusher_init(&pusher, &pp) == PM_OK);
	pump_until_idle();
	CHECK(pusher.c.records_pushed == 4);
	CHECK(etcd_events("/piccolo/monitoring/") == 3);
	/* picmon get: YAML and JSON decoding of the protobuf values. */
	if (picmon != NULL) {
		(void)snprintf(cmd, sizeof(cmd),
		               "%s get --prefix %s --endpoints %s --json | grep -c '\"key\"'", picmon, P,
		               endpoints);
		FILE *f = popen(cmd, "r");
		CHECK(f != NULL);
		int keys = 0;
		CHECK(fscanf(f, "%d", &keys) == 1);
		CHECK(pclose(f) == 0);
		printf("picmon get --json: %d keys\n", keys);
		CHECK(keys == 6);
		(void)snprintf(cmd, sizeof(cmd),
		               "%s get %s/state --endpoints %s | grep -q 'to: \"Degraded\"'", picmon, P,
		               endpoints);
		CHECK(system(cmd) == 0);
	}
	/* JSON values (value_format: json) under another prefix. */
	app_pusher_close(&pusher);
	pp.value_format = APP_VALUE_JSON;
	(void)snprintf(pp.prefix, sizeof(pp.prefix), "/picmon-json");
	(void)snprintf(cmd, sizeof(cmd), "rm -f %s/%s", journal_dir, APP_PUSHER_CURSOR_FILE);
	CHECK(system(cmd) == 0);
	CHECK(app_pusher_init(&pusher, &pp) == PM_OK);
	pump_until_idle();
	memset(&cap, 0, sizeof(cap));
	CHECK(app_etcd_range(&probe, (const uint8_t *)"/picmon-json/model/m1/state", 27, NULL, 0, 0, false,
	                     capture_cb, &cap, NULL, NULL) == PM_OK &&
	      cap.found == 1);
	cap.value[cap.value_len < sizeof(cap.value) ? cap.value_len : sizeof(cap.value) - 1] = 0;
	printf("json value: %s\n", (const char *)cap.value);
	CHECK(strstr((const char *)cap.value, "\"to\":\"Degraded\"") != NULL);
	if (picmon != NULL) {
		(void)snprintf(cmd, sizeof(cmd),
		               "%s get /picmon-json/model/m1/state --endpoints %s --json | grep -q "
		               "'\"to\":\"Degraded\"'",
		               picmon, endpoints);
		CHECK(system(cmd) == 0);
	}
	app_pusher_close(&pusher);
	cleanup();
	printf("roundtrip: ok\n");
}

static void case_sigstop(void)
{
	start_etcd("");
	setup(NULL, APP_VALUE_PROTOBUF, 0);
	atomic_store(&produce_rate, 1000);
	start_threads();
	sleep_s(1.0);
	pid_t pid = member_pid(0);
	CHECK(kill(pid, SIGSTOP) == 0);
	printf("etcd stopped (SIGSTOP) for 10 s\n");
	sleep_s(10.0);
	CHECK(kill(pid, SIGCONT) == 0);
	sleep_s(1.0);
	atomic_store(&produce_rate, 0);
	sleep_s(0.1);
	stop_threads();
	finish_and_count("sigstop");
	CHECK(pusher.c.overlapped > 0); /* the 10 s backlog went out on both lanes */
	cleanup();
}

static void case_kill9(void)
{
	start_etcd("");
	setup(NULL, APP_VALUE_PROTOBUF, 0);
	atomic_store(&produce_rate, 1000);
	start_threads();
	sleep_s(1.0);
	sh("%s kill %s 0", PICMON_HARNESS, etcd_dir);
	printf("etcd killed (-9)\n");
	sleep_s(2.0);
	sh("%s restart %s 0", PICMON_HARNESS, etcd_dir);
	printf("etcd restarted\n");
	sleep_s(1.0);
	atomic_store(&produce_rate, 0);
	sleep_s(0.1);
	stop_threads();
	app_etcd_close(&probe); /* its kept-alive connection died with etcd */
	finish_and_count("kill9");
	CHECK(pusher.c.overlapped > 0);
	cleanup();
}

static void case_quota(void)
{
	start_etcd("--quota 1048576");
	setup(NULL, APP_VALUE_PROTOBUF, 0);
	/* Fill the backend until etcd raises the NOSPACE alarm. */
	static uint8_t junk[256 * 1024];
	memset(junk, 'x', sizeof(junk));
	pm_status st = PM_OK;
	for (int i = 0; i < 64 && st != PM_ERR_NOSPACE; i++) {
		char key[32];
		(void)snprintf(key, sizeof(key), "/junk/%d", i);
		struct app_etcd_put put = { key, strlen(key), junk, sizeof(junk), 0 };
		st = app_etcd_txn_put(&probe, &put, 1);
	}
	CHECK(st == PM_ERR_NOSPACE);
	printf("etcd quota exhausted: %s\n", probe.last_error);
	atomic_store(&produce_rate, 1000);
	start_threads();
	sleep_s(2.0);
	struct app_pusher_counters pc;
	app_pusher_get_counters(&pusher, &pc);
	CHECK(pc.nospace > 0 && pc.alerts == 1);
	/* The operator frees space: delete, compact, defragment, disarm. */
	sh("ETCDCTL_API=3 etcdctl --endpoints=%s del --prefix /junk >/dev/null && "
	   "rev=$(ETCDCTL_API=3 etcdctl --endpoints=%s endpoint status -w json | grep -o "
	   "'\"revision\":[0-9]*' | "
	   "cut -d: -f2) && ETCDCTL_API=3 etcdctl --endpoints=%s compact $rev >/dev/null && "
	   "ETCDCTL_API=3 etcdctl --endpoints=%s defrag >/dev/null && "
	   "ETCDCTL_API=3 etcdctl --endpoints=%s alarm disarm >/dev/null",
	   endpoints, endpoints, endpoints, endpoints, endpoints);
	printf("space freed, alarm disarmed\n");
	sleep_s(1.0);
	atomic_store(&produce_rate, 0);
	sleep_s(0.1);
	stop_threads();
	finish_and_count("quota");
	cleanup();
}

static void case_cluster(void)
{
	start_etcd("--members 3");
	setup(NULL, APP_VALUE_PROTOBUF, 0);
	atomic_store(&produce_rate, 1000);
	start_threads();
	sleep_s(1.0);
	char path[256];
	(void)snprintf(path, sizeof(path), "%s leader %s", PICMON_HARNESS, etcd_dir);
	FILE *f = popen(path, "r");
	CHECK(f != NULL);
	int leader = -1;
	CHECK(fscanf(f, "%d", &leader) == 1);
	CHECK(pclose(f) == 0);
	sh("%s kill %s %d", PICMON_HARNESS, etcd_dir, leader);
	printf("leader m%d killed (-9)\n", leader);
	sleep_s(3.0);
	atomic_store(&produce_rate, 0);
	sleep_s(0.1);
	stop_threads();
	/* The probe may have been talking to the dead member: it fails over like the pusher. */
	finish_and_count("cluster");
	cleanup();
}

static void case_auth(void)
{
	start_etcd("");
	sh("export ETCDCTL_API=3; etcdctl --endpoints=%s user add root:pw >/dev/null && "
	   "etcdctl --endpoints=%s role add root >/dev/null 2>&1; "
	   "etcdctl --endpoints=%s user grant-role root root >/dev/null && etcdctl --endpoints=%s auth "
	   "enable >/dev/null",
	   endpoints, endpoints, endpoints, endpoints);
	CHECK(setenv("ETCDCTL_USER", "root:pw", 1) == 0); /* for the harness's health checks */
	setup(NULL, APP_VALUE_PROTOBUF, 0);
	/* Credentials for the pusher and the probe; tokens are fetched on the first 401. */
	for (size_t k = 0; k < APP_PUSHER_LANES; k++) {
		(void)snprintf(pusher.etcd[k].p.user, sizeof(pusher.etcd[k].p.user), "root");
		(void)snprintf(pusher.etcd[k].p.password, sizeof(pusher.etcd[k].p.password), "pw");
	}
	probe.p = pusher.etcd[0].p;
	atomic_store(&produce_rate, 1000);
	start_threads();
	sleep_s(1.0);
	/* A restarted etcd forgets its simple tokens: 401 / code 16, authenticate again. */
	sh("%s kill %s 0 && %s restart %s 0", PICMON_HARNESS, etcd_dir, PICMON_HARNESS, etcd_dir);
	printf("etcd restarted: tokens invalid\n");
	sleep_s(1.0);
	atomic_store(&produce_rate, 0);
	sleep_s(0.1);
	stop_threads();
	app_etcd_close(&probe);
	finish_and_count("auth");
	struct app_etcd_counters ec;
	app_pusher_etcd_counters(&pusher, &ec);
	printf("re-authentications: %" PRIu64 "\n", ec.reauths);
	CHECK(ec.reauths >= 1);
	cleanup();
}

/* Journal crash test: a child appends and fsyncs; the parent kills it -9 at random moments. */
static void crash_child(const char *dir, int fd)
{
	struct app_writer_params wp;
	app_writer_params_default(&wp);
	(void)snprintf(wp.journal_dir, sizeof(wp.journal_dir), "%s", dir);
	wp.max_bytes = 1u << 30;
	wp.segment_bytes = 256u * 1024u;
	if (app_writer_init(&writer, &wp) != PM_OK) {
		_exit(3);
	}
	for (int i = 0; i < 10000000; i++) {
		struct rt_record e = make(RT_REC_EVENT, "crash", i);
		if (app_writer_append(&writer, &e, 0) != PM_OK) {
			_exit(4);
		}
		if (i % 50 == 0) {
			if (app_writer_sync(&writer, 0) != PM_OK) {
				_exit(5);
			}
			uint64_t synced[3] = { writer.c.last_seq, writer.seg_first_seq, writer.seg_bytes };
			if (write(fd, synced, sizeof(synced)) != (ssize_t)sizeof(synced)) {
				_exit(6);
			}
		}
	}
	_exit(0);
}

static void case_crash(void)
{
	(void)snprintf(journal_dir, sizeof(journal_dir), "/tmp/pm_it_crash_XXXXXX");
	CHECK(mkdtemp(journal_dir) != NULL);
	srand((unsigned)time(NULL));
	uint64_t durable = 0;
	static struct app_journal_reader r;
	uint8_t payload[APP_JOURNAL_MAX_PAYLOAD];
	uint64_t torn_total = 0;
	for (int round = 0; round < 8; round++) {
		int fds[2];
		CHECK(pipe(fds) == 0);
		pid_t pid = fork();
		CHECK(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			crash_child(journal_dir, fds[1]);
		}
		close(fds[1]);
		(void)hal_sleep_ns((pm_ns)(50 + rand() % 250) * PM_NS_PER_MS, NULL);
		CHECK(kill(pid, SIGKILL) == 0);
		int status = 0;
		CHECK(waitpid(pid, &status, 0) == pid);
		uint64_t v[3], seg_first = 0, seg_synced = 0;
		while (read(fds[0], v, sizeof(v)) == (ssize_t)sizeof(v)) {
			durable = v[0] > durable ? v[0] : durable;
			seg_first = v[1];
			seg_synced = v[2];
		}
		close(fds[0]);
		/* Every other round, a power loss: the newest segment loses a random part of what was not
		 * fsynced, which may cut a record in half. */
		char seg[256];
		uint64_t size = 0;
		/* The writer may have rotated after its last report: the reported segment was then fsynced
		 * whole at rotation, and only the newest one (whose header was fsynced when it was opened)
		 * holds unsynced bytes. */
		static struct app_journal_segments segs;
		if (seg_first != 0 && app_journal_list(journal_dir, &segs) == PM_OK && segs.count > 0 &&
		    segs.first_seq[segs.count - 1] != seg_first) {
			seg_first = segs.first_seq[segs.count - 1];
			seg_synced = APP_JOURNAL_MAGIC_LEN;
		}
		if (round % 2 == 1 && seg_first != 0 &&
		    app_journal_seg_path(journal_dir, seg_first, seg, sizeof(seg)) == PM_OK &&
		    hal_file_stat_size(seg, &size) == PM_OK && size > seg_synced) {
			off_t cut = (off_t)(seg_synced + (uint64_t)rand() % (size - seg_synced));
			CHECK(truncate(seg, cut) == 0);
			printf("round %d: power loss simulated, segment cut from %" PRIu64 " to %lld bytes\n",
			       round, size, (long long)cut);
		}
		/* Every complete record is kept: dense sequence, nothing corrupt, at least what was synced.
		 */
		CHECK(app_journal_reader_open(&r, journal_dir, 1, false) == PM_OK);
		uint64_t n = 0, seq = 0;
		size_t len = 0;
		while (app_journal_reader_next(&r, &seq, payload, sizeof(payload), &len) == PM_OK) {
			n++;
			CHECK(seq == n);
		}
		app_journal_reader_close(&r);
		torn_total += r.torn_bytes;
		printf("round %d: %" PRIu64 " records readable, %" PRIu64
		       " fsynced before the kill, torn tail %" PRIu64 " bytes skipped, corrupt %" PRIu64 "\n",
		       round, n, durable, r.torn_bytes, r.corrupt_bytes);
		CHECK(n >= durable && r.seq_gaps == 0 && r.corrupt_bytes == 0);
		durable = n; /* the next run continues after the last complete record */
	}
	printf("crash: ok (torn bytes skipped in total: %" PRIu64 ")\n", torn_total);
	cleanup();
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: it_etcd roundtrip|sigstop|kill9|quota|cluster|auth|crash [picmon]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN);
	const char *c = argv[1];
	if (strcmp(c, "roundtrip") == 0) {
		case_roundtrip(argc > 2 ? argv[2] : NULL);
	} else if (strcmp(c, "sigstop") == 0) {
		case_sigstop();
	} else if (strcmp(c, "kill9") == 0) {
		case_kill9();
	} else if (strcmp(c, "quota") == 0) {
		case_quota();
	} else if (strcmp(c, "cluster") == 0) {
		case_cluster();
	} else if (strcmp(c, "auth") == 0) {
		case_auth();
	} else if (strcmp(c, "crash") == 0) {
		case_crash();
	} else {
		fprintf(stderr, "unknown case %s\n", c);
		return 2;
	}
	return 0;
}
