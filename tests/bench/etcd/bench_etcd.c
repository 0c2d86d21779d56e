/* Sustained records/s into a local etcd: the picmon pusher (journal -> txns) side by side with a
 * reference keep-alive client that sends txns of 128 puts of the same sizes; then the event-to-etcd
 * latency p99 at 1 k events/s through ring -> writer -> journal -> pusher -> etcd.
 * Usage: bench_etcd [records] (default 50000). Starts its own etcd via the test harness. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base64.h"
#include "etcd_pusher.h"
#include "hal/clock.h"
#include "journal.h"

static char etcd_dir[128];
static char endpoint[256];
static int port;
static struct app_writer writer;
static struct app_pusher pusher;
static struct rt_record_ring ring;

static void stop_etcd(void)
{
	char cmd[512];
	if (etcd_dir[0] != '\0') {
		(void)snprintf(cmd, sizeof(cmd), "%s stop %s; rm -rf %s", PICMON_HARNESS, etcd_dir, etcd_dir);
		(void)system(cmd);
	}
}

static void die(const char *what)
{
	fprintf(stderr, "bench_etcd: %s\n", what);
	stop_etcd();
	exit(1);
}

static double now_s(void)
{
	return (double)hal_clock_mono_ns() / 1e9;
}

static struct rt_record make_event(int i)
{
	struct rt_record r;
	memset(&r, 0, sizeof(r));
	r.kind = RT_REC_EVENT;
	r.resource_type = RT_RES_MODEL;
	r.mono_ns = hal_clock_mono_ns();
	r.real_ns = hal_clock_real_ns();
	(void)snprintf(r.resource, sizeof(r.resource), "model-%d", i % 16);
	(void)snprintf(r.u.event.type, sizeof(r.u.event.type), "alert");
	r.u.event.severity = RT_SEV_WARNING;
	(void)snprintf(r.u.event.message, sizeof(r.u.event.message), "deadline miss of job %d", i);
	return r;
}

/* ---- reference: plain sockets, keep-alive, txn of 128 puts ---- */

static int ref_connect(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		die("reference connect");
	}
	return fd;
}

/* Reads one response (Content-Length or chunked) and checks the status is 200. */
static void ref_read(int fd)
{
	static char buf[1 << 16];
	size_t have = 0;
	for (;;) {
		ssize_t n = recv(fd, buf + have, sizeof(buf) - 1 - have, 0);
		if (n <= 0) {
			die("reference recv");
		}
		have += (size_t)n;
		buf[have] = 0;
		char *end = strstr(buf, "\r\n\r\n");
		if (end == NULL) {
			continue;
		}
		if (strncmp(buf, "HTTP/1.1 200", 12) != 0) {
			die("reference: etcd refused a txn");
		}
		char *cl = strcasestr(buf, "Content-Length:");
		if (cl != NULL && cl < end) {
			size_t want = (size_t)atol(cl + 15);
			if (have >= (size_t)(end + 4 - buf) + want) {
				return;
			}
		} else if (strstr(end, "\r\n0\r\n") != NULL && have >= 4 &&
		           strcmp(buf + have - 4, "\r\n\r\n") == 0) {
			return;
		}
	}
}

static double run_reference(int records, size_t value_len, long long lease)
{
	int fd = ref_connect();
	static char body[1 << 21];
	static char head[512];
	if (lease != 0) {
		/* The same per-put work etcd does for picmon's puts: grant once, attach to every put. */
		char grant[128];
		int gl = snprintf(grant, sizeof(grant), "{\"TTL\":\"3600\",\"ID\":\"%lld\"}", lease);
		int hl = snprintf(
		    head, sizeof(head),
		    "POST /v3/lease/grant HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Length: %d\r\n\r\n%s",
		    port, gl, grant);
		if (send(fd, head, (size_t)hl, MSG_NOSIGNAL) != hl) {
			die("reference send");
		}
		ref_read(fd);
	}
	static uint8_t value[1024];
	memset(value, 'v', sizeof(value));
	double t0 = now_s();
	for (int i = 0; i < records;) {
		size_t len = (size_t)snprintf(body, sizeof(body), "{\"success\":[");
		for (int k = 0; k < 128 && i < records; k++, i++) {
			char key[128];
			int kl = snprintf(key, sizeof(key), "/ref/model/model-%d/events/%020" PRId64, i % 16,
			                  hal_clock_real_ns() + i);
			len += (size_t)snprintf(body + len, sizeof(body) - len,
			                        "%s{\"requestPut\":{\"key\":\"", k ? "," : "");
			size_t o = 0;
			(void)app_b64_encode((const uint8_t *)key, (size_t)kl, body + len, sizeof(body) - len,
			                     &o);
			len += o;
			len += (size_t)snprintf(body + len, sizeof(body) - len, "\",\"value\":\"");
			(void)app_b64_encode(value, value_len, body + len, sizeof(body) - len, &o);
			len += o;
			if (lease != 0) {
				len += (size_t)snprintf(body + len, sizeof(body) - len,
				                        "\",\"lease\":\"%lld\"}}", lease);
			} else {
				len += (size_t)snprintf(body + len, sizeof(body) - len, "\"}}");
			}
		}
		len += (size_t)snprintf(body + len, sizeof(body) - len, "]}");
		int hl = snprintf(
		    head, sizeof(head),
		    "POST /v3/kv/txn HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
		    "Content-Length: %zu\r\n\r\n",
		    port, len);
		if (send(fd, head, (size_t)hl, MSG_NOSIGNAL) != hl ||
		    send(fd, body, len, MSG_NOSIGNAL) != (ssize_t)len) {
			die("reference send");
		}
		ref_read(fd);
	}
	double dt = now_s() - t0;
	printf("reference: %d puts in %.3f s wall\n", records, dt);
	close(fd);
	return records / dt;
}

/* ---- picmon: the journal pre-filled, then drained by the pusher ---- */

static void init_pipeline(const char *dir)
{
	rt_record_ring_init(&ring);
	struct app_writer_params wp;
	app_writer_params_default(&wp);
	(void)snprintf(wp.journal_dir, sizeof(wp.journal_dir), "%s", dir);
	wp.max_bytes = 256u * 1024u * 1024u;
	wp.rings[0] = &ring;
	wp.ring_count = 1;
	if (app_writer_init(&writer, &wp) != PM_OK) {
		die("writer init");
	}
	struct app_pusher_params pp;
	app_pusher_params_default(&pp);
	(void)snprintf(pp.journal_dir, sizeof(pp.journal_dir), "%s", dir);
	(void)app_etcd_params_set_endpoints(&pp.etcd, endpoint);
	if (app_pusher_init(&pusher, &pp) != PM_OK) {
		die("pusher init");
	}
}

static double run_picmon(int records, size_t *value_len)
{
	char dir[64] = "/tmp/pm_bench_journal_XXXXXX";
	if (mkdtemp(dir) == NULL) {
		die("mkdtemp");
	}
	init_pipeline(dir);
	for (int i = 0; i < records; i++) {
		struct rt_record e = make_event(i);
		if (app_writer_append(&writer, &e, 0) != PM_OK) {
			die("journal append");
		}
	}
	if (app_writer_sync(&writer, 0) != PM_OK) {
		die("journal sync");
	}
	uint8_t tmp[APP_RECORD_MAX_PACKED];
	struct rt_record e = make_event(records);
	(void)app_record_pack(&e, tmp, sizeof(tmp), value_len);
	double t0 = now_s();
	pm_ns cpu0 = hal_clock_thread_cpu_ns();
	while (pusher.c.records_pushed < (uint64_t)records) {
		pm_status st = app_pusher_step(&pusher, hal_clock_mono_ns());
		if (st != PM_OK && st != PM_ERR_AGAIN) {
			die("pusher failed");
		}
	}
	double dt = now_s() - t0;
	double cpu = (double)(hal_clock_thread_cpu_ns() - cpu0) / 1e9;
	uint64_t txns = pusher.c.txns;
	struct app_etcd_counters ec;
	app_pusher_etcd_counters(&pusher, &ec);
	printf("picmon pusher: %" PRIu64 " HTTP requests on %u connections, %" PRIu64 " lease grants\n",
	       ec.requests, APP_PUSHER_LANES, pusher.c.lease_grants);
	app_pusher_close(&pusher);
	(void)app_writer_close(&writer, 0);
	char cmd[128];
	(void)snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)system(cmd);
	printf("picmon pusher: %d records in %" PRIu64 " txns, %.3f s wall, %.3f s CPU in the pusher\n",
	       records, txns, dt, cpu);
	return records / dt;
}

/* ---- latency at 1 k events/s ---- */

#define LAT_EVENTS 5000
static pm_ns produced_at[LAT_EVENTS + 2];
static pm_ns latency[LAT_EVENTS + 2];
static atomic_int lat_stop;

static void *lat_writer(void *arg)
{
	(void)arg;
	pm_ns next = hal_clock_mono_ns();
	for (int i = 0; i < LAT_EVENTS; i++) {
		struct rt_record e = make_event(i);
		produced_at[i + 1] = e.mono_ns; /* fresh journal, one producer: seq = i + 1 */
		(void)rt_record_ring_push(&ring, &e);
		(void)app_writer_step(&writer, hal_clock_mono_ns());
		next += PM_NS_PER_MS;
		(void)hal_sleep_until_mono(next, NULL);
	}
	for (int i = 0; i < 200 && !atomic_load(&lat_stop); i++) {
		(void)app_writer_step(&writer, hal_clock_mono_ns());
		(void)hal_sleep_ns(PM_NS_PER_MS, NULL);
	}
	return NULL;
}

static int cmp_ns(const void *a, const void *b)
{
	pm_ns x = *(const pm_ns *)a, y = *(const pm_ns *)b;
	return x < y ? -1 : x > y;
}

static void run_latency(void)
{
	char dir[64] = "/tmp/pm_bench_journal_XXXXXX";
	if (mkdtemp(dir) == NULL) {
		die("mkdtemp");
	}
	init_pipeline(dir);
	pthread_t t;
	atomic_store(&lat_stop, 0);
	if (pthread_create(&t, NULL, lat_writer, NULL) != 0) {
		die("thread");
	}
	uint64_t acked = 0;
	double deadline = now_s() + LAT_EVENTS / 1000.0 + 10.0;
	while (acked < LAT_EVENTS && now_s() < deadline) {
		pm_status st = app_pusher_step(&pusher, hal_clock_mono_ns());
		pm_ns now = hal_clock_mono_ns();
		for (uint64_t s = acked + 1; s <= pusher.c.acked_seq && s <= LAT_EVENTS; s++) {
			latency[s] = now - produced_at[s];
		}
		acked = pusher.c.acked_seq;
		if (st != PM_OK) {
			(void)hal_sleep_ns(PM_NS_PER_MS / 2, NULL);
		}
	}
	atomic_store(&lat_stop, 1);
	pthread_join(t, NULL);
	qsort(latency + 1, LAT_EVENTS, sizeof(latency[0]), cmp_ns);
	printf("event-to-etcd latency at 1000 events/s (%d events, %" PRIu64
	       " txns): p50 %.2f ms, p99 %.2f ms, max "
	       "%.2f ms\n",
	       LAT_EVENTS, pusher.c.txns, (double)latency[LAT_EVENTS / 2] / 1e6,
	       (double)latency[LAT_EVENTS * 99 / 100] / 1e6, (double)latency[LAT_EVENTS] / 1e6);
	app_pusher_close(&pusher);
	(void)app_writer_close(&writer, 0);
	char cmd[128];
	(void)snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)system(cmd);
}

int main(int argc, char **argv)
{
	int records = argc > 1 ? atoi(argv[1]) : 50000;
	setvbuf(stdout, NULL, _IONBF, 0);
	(void)snprintf(etcd_dir, sizeof(etcd_dir), "/tmp/pm_bench_etcd_XXXXXX");
	if (mkdtemp(etcd_dir) == NULL) {
		die("mkdtemp");
	}
	char cmd[512];
	(void)snprintf(cmd, sizeof(cmd), "%s start %s >/dev/null", PICMON_HARNESS, etcd_dir);
	if (system(cmd) != 0) {
		die("etcd did not start");
	}
	(void)snprintf(cmd, sizeof(cmd), "%s/endpoints", etcd_dir);
	FILE *f = fopen(cmd, "r");
	if (f == NULL || fgets(endpoint, sizeof(endpoint), f) == NULL) {
		die("endpoints");
	}
	fclose(f);
	endpoint[strcspn(endpoint, "\n")] = 0;
	port = atoi(strrchr(endpoint, ':') + 1);
	printf("etcd %s, %d records per run\n", endpoint, records);
	size_t value_len = 0;
	/* Alternate the two so neither always meets the fuller database. */
	double pm1 = run_picmon(records, &value_len);
	double ref1 = run_reference(records, value_len, 0);
	double lref1 = run_reference(records, value_len, 4242);
	double pm2 = run_picmon(records, &value_len);
	double ref2 = run_reference(records, value_len, 0);
	double lref2 = run_reference(records, value_len, 4243);
	double pm = (pm1 + pm2) / 2, ref = (ref1 + ref2) / 2, lref = (lref1 + lref2) / 2;
	printf("reference keep-alive client (128 puts/txn, %zu-byte values): %.0f puts/s (runs %.0f, %.0f)\n",
	       value_len, ref, ref1, ref2);
	printf("reference with a lease on every put (as picmon's retention needs): %.0f puts/s (runs %.0f, "
	       "%.0f)\n",
	       lref, lref1, lref2);
	printf("picmon journal -> etcd pusher (leased puts): %.0f records/s (runs %.0f, %.0f)\n", pm, pm1,
	       pm2);
	printf("ratio picmon/reference: %.2f; picmon/reference-with-lease: %.2f\n", pm / ref, pm / lref);
	run_latency();
	stop_etcd();
	return 0;
}
