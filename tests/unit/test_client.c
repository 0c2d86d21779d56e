/* Unit tests of the client library against a monitor-side segment created in this process: attach
 * errors, job records with release/CPU time/checkpoint, metrics, a second claimant, takeover after a
 * crash, monitor stop and a stale segment. Each test uses its own PICMON_SHM name. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/clock.h"
#include "hal/proc_ident.h"
#include "hal/shm.h"
#include "picmon/client.h"
#include "shm_monitor.h"

static char shm_name[64];
static struct app_shm mon;
static const char *const models[] = { "vision-system", "web-server" };

static int setup(void **state)
{
	(void)state;
	int n = snprintf(shm_name, sizeof(shm_name), "/picmon-test-client-%d", (int)getpid());
	if (n < 0 || setenv("PICMON_SHM", shm_name, 1) != 0) {
		return -1;
	}
	(void)hal_shm_unlink(shm_name);
	struct rt_timing_spec specs[2];
	memset(specs, 0, sizeof(specs));
	specs[0].period_ns = 10 * PM_NS_PER_MS;
	specs[0].budget_ns = 2 * PM_NS_PER_MS;
	specs[1].period_ns = 5 * PM_NS_PER_MS;
	return app_shm_create(NULL, (uint64_t)hal_clock_real_ns(), models, specs, 2, &mon) == PM_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	(void)pm_detach();
	if (mon.seg != NULL) {
		(void)app_shm_destroy(&mon);
	}
	(void)hal_shm_unlink(shm_name);
	return 0;
}

static void test_attach_errors(void **state)
{
	(void)state;
	assert_int_equal(pm_attach("not-configured"), PM_ERR_NOENT);
	assert_non_null(strstr(pm_attach_error(), "not-configured"));
	assert_int_equal(pm_attach(""), PM_ERR_INVAL);
	assert_int_equal(pm_attach(NULL), PM_ERR_INVAL);
	assert_false(pm_attached());
	/* Not attached: job calls are no-ops. */
	assert_int_equal(pm_job_begin(), PM_ERR_STATE);
	assert_int_equal(pm_job_end(), PM_ERR_STATE);
	assert_int_equal(pm_metric("accuracy", 1.0), PM_ERR_STATE);
	assert_int_equal(pm_detach(), PM_ERR_STATE);
}

static void test_jobs_and_metrics(void **state)
{
	(void)state;
	assert_int_equal(pm_attach("vision-system"), PM_OK);
	assert_true(pm_attached());
	assert_string_equal(pm_attach_error(), "");
	struct rt_shm_slot *slot = &mon.seg->slots[0];
	struct rt_shm_owner o;
	enum rt_shm_owner_verdict v;
	assert_int_equal(app_shm_check_owner(&mon, 0, &o, &v), PM_OK);
	assert_int_equal(v, RT_SHM_OWNER_OK);
	assert_int_equal(o.pid, getpid());

	pm_ns release = hal_clock_mono_ns();
	assert_int_equal(pm_job_begin_at(release), PM_OK);
	assert_int_equal(pm_job_begin_at(release), PM_ERR_STATE); /* already running */
	struct rt_job_inflight in;
	assert_int_equal(rt_shm_slot_inflight(slot, &in), PM_OK);
	assert_int_equal(in.running, 1);
	assert_int_equal(in.seq, 1);
	assert_int_equal(in.release_ns, release);
	assert_int_equal(pm_checkpoint(3), PM_OK);
	assert_int_equal(rt_shm_slot_checkpoint(slot), 3);
	/* Burn a little CPU so the measured CPU time is positive. */
	volatile uint64_t x = 0;
	for (uint64_t i = 0; i < 200000; i++) {
		x += i;
	}
	assert_true(x > 0);
	assert_int_equal(pm_job_end(), PM_OK);
	assert_int_equal(pm_job_end(), PM_ERR_STATE);
	struct rt_job_record rec;
	assert_int_equal(rt_shm_slot_consume(slot, &rec), PM_OK);
	assert_int_equal(rec.seq, 1);
	assert_int_equal(rec.release_ns, release);
	assert_true(rec.start_ns >= release);
	assert_true(rec.end_ns >= rec.start_ns);
	assert_int_equal(rec.checkpoint, 3);
	assert_true((rec.flags & RT_JOB_F_CPU_MEASURED) != 0);
	assert_true(rec.cpu_ns > 0 && rec.cpu_ns <= rec.end_ns - rec.start_ns + PM_NS_PER_MS);
	assert_int_equal(rt_shm_slot_inflight(slot, &in), PM_OK);
	assert_int_equal(in.running, 0);

	/* Without a budget no CPU time is measured. */
	rt_shm_slot_set_timing(slot, 10 * PM_NS_PER_MS, 0);
	assert_int_equal(pm_job_begin(), PM_OK);
	assert_int_equal(pm_job_end(), PM_OK);
	assert_int_equal(rt_shm_slot_consume(slot, &rec), PM_OK);
	assert_int_equal(rec.seq, 2);
	release = rec.release_ns; /* began within job 1's period: the series re-anchors at its start */
	assert_int_equal(rec.cpu_ns, -1);
	assert_int_equal(rec.flags & RT_JOB_F_CPU_MEASURED, 0);
	/* Derived release: one period after the last one when the job starts more than a period later. */
	assert_int_equal(hal_sleep_ns(12 * PM_NS_PER_MS, NULL), PM_OK);
	assert_int_equal(pm_job_begin(), PM_OK);
	assert_int_equal(pm_job_end(), PM_OK);
	assert_int_equal(rt_shm_slot_consume(slot, &rec), PM_OK);
	assert_true(rec.start_ns - rec.release_ns < 10 * PM_NS_PER_MS);
	assert_int_equal((rec.release_ns - release) % (10 * PM_NS_PER_MS), 0);

	assert_int_equal(pm_metric("inferenceTime", 4.5), PM_OK);
	assert_int_equal(pm_metric("bogus", 1.0), PM_ERR_INVAL);
	double val = 0;
	assert_int_equal(rt_shm_slot_metric(slot, RT_SHM_METRIC_INFERENCE_TIME, &val, NULL), PM_OK);
	assert_true(val == 4.5);
	assert_int_equal(pm_heartbeat(), PM_OK);

	struct pm_client_stats st;
	pm_client_stats(&st);
	assert_int_equal(st.jobs, 3);
	struct pm_job_times last;
	assert_int_equal(pm_job_last(&last), PM_OK);
	assert_int_equal(last.seq, rec.seq);
	assert_int_equal(last.end_ns, rec.end_ns);
	assert_int_equal(last.release_ns, rec.release_ns);
	assert_int_equal(pm_detach(), PM_OK);
	assert_int_equal(app_shm_check_owner(&mon, 0, &o, &v), PM_OK);
	assert_int_equal(v, RT_SHM_OWNER_NONE);
}

/* Runs `fn` in a child and returns its exit status (or 128 + signal). */
static int in_child(int (*fn)(void))
{
	pid_t pid = fork();
	if (pid == 0) {
		_exit(fn());
	}
	assert_true(pid > 0);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int child_attach_vision(void)
{
	pm_status st = pm_attach("vision-system");
	return st == PM_ERR_STATE ? 10 : st == PM_OK ? 0 : 20;
}

static int child_attach_web_and_crash(void)
{
	if (pm_attach("web-server") != PM_OK) {
		return 20;
	}
	if (pm_job_begin() != PM_OK) {
		return 21;
	}
	abort(); /* dies with the job running and the slot held */
}

#define XPROC_JOBS 5000

static int child_many_jobs(void)
{
	if (pm_attach("web-server") != PM_OK) {
		return 20;
	}
	for (int i = 1; i <= XPROC_JOBS; i++) {
		if (pm_job_begin_at((int64_t)i * 1000) != PM_OK) {
			return 21;
		}
		pm_status st = pm_job_end();
		if (st != PM_OK && st != PM_ERR_NOSPACE) {
			return 22;
		}
		if (i % 64 == 0 && hal_sleep_ns(20 * PM_NS_PER_US, NULL) != PM_OK) {
			return 24; /* paced so that producer and consumer interleave */
		}
	}
	return pm_detach() == PM_OK ? 0 : 23;
}

/* A Model in another process publishes while the monitor consumes: nothing lost silently. */
static void test_cross_process_jobs(void **state)
{
	(void)state;
	struct rt_shm_slot *slot = &mon.seg->slots[1];
	uint64_t overflow0 = rt_shm_slot_overflow(slot);
	pid_t pid = fork();
	if (pid == 0) {
		_exit(child_many_jobs());
	}
	assert_true(pid > 0);
	uint64_t got = 0;
	uint64_t last = 0;
	int status = 0;
	bool exited = false;
	for (long i = 0; i < 200000000L; i++) {
		struct rt_job_record rec;
		if (rt_shm_slot_consume(slot, &rec) == PM_OK) {
			assert_true(rec.seq > last);
			assert_int_equal(rec.release_ns, (pm_ns)rec.seq * 1000);
			last = rec.seq;
			got++;
		} else if (exited) {
			break;
		} else if (waitpid(pid, &status, WNOHANG) == pid) {
			exited = true;
		}
	}
	assert_true(exited);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	uint64_t dropped = rt_shm_slot_overflow(slot) - overflow0;
	assert_int_equal(got + dropped, XPROC_JOBS);
	if (dropped == 0) {
		assert_int_equal(last, XPROC_JOBS);
	}
	print_message("cross-process: %llu consumed, %llu dropped on a full ring\n", (unsigned long long)got,
	              (unsigned long long)dropped);
}

static void test_hal_shm_errors(void **state)
{
	(void)state;
	struct hal_shm m;
	char name[80];
	snprintf(name, sizeof(name), "%s-small", shm_name);
	assert_int_equal(hal_shm_open("/picmon-does-not-exist-x", 16, &m), PM_ERR_NOENT);
	assert_int_equal(hal_shm_open("no-slash", 16, &m), PM_ERR_INVAL);
	assert_int_equal(hal_shm_create("/a/b", 16, &m), PM_ERR_INVAL);
	assert_int_equal(hal_shm_create(name, 64, &m), PM_OK);
	assert_int_equal(hal_shm_close(&m), PM_OK);
	assert_int_equal(hal_shm_open(name, 4096, &m), PM_ERR_CORRUPT);
	assert_int_equal(hal_shm_unlink(name), PM_OK);
	assert_int_equal(hal_shm_unlink(name), PM_ERR_NOENT);
}

static void test_second_claimant(void **state)
{
	(void)state;
	assert_int_equal(pm_attach("vision-system"), PM_OK);
	assert_int_equal(in_child(child_attach_vision), 10);
	assert_int_equal(pm_detach(), PM_OK);
	assert_int_equal(in_child(child_attach_vision),
	                 0); /* exited without detach: slot held by a dead pid */
	struct rt_shm_owner o;
	enum rt_shm_owner_verdict v;
	assert_int_equal(app_shm_check_owner(&mon, 0, &o, &v), PM_OK);
	assert_int_equal(v, RT_SHM_OWNER_DEAD);
	assert_int_equal(rt_shm_slot_reclaim(&mon.seg->slots[0], &o), PM_OK);
	assert_int_equal(app_shm_check_owner(&mon, 0, &o, &v), PM_OK);
	assert_int_equal(v, RT_SHM_OWNER_NONE);
}

static void test_takeover_after_crash(void **state)
{
	(void)state;
	assert_int_equal(in_child(child_attach_web_and_crash), 128 + SIGABRT);
	struct rt_shm_slot *slot = &mon.seg->slots[1];
	struct rt_job_inflight in;
	assert_int_equal(rt_shm_slot_inflight(slot, &in), PM_OK);
	assert_int_equal(in.running, 1); /* its job never ended */
	struct rt_shm_owner o;
	enum rt_shm_owner_verdict v;
	assert_int_equal(app_shm_check_owner(&mon, 1, &o, &v), PM_OK);
	assert_int_equal(v, RT_SHM_OWNER_DEAD);
	/* The restarted Model takes the slot over without waiting for the monitor. */
	uint64_t before = atomic_load(&slot->takeovers);
	assert_int_equal(pm_attach("web-server"), PM_OK);
	assert_int_equal(atomic_load(&slot->takeovers), before + 1);
	assert_int_equal(rt_shm_slot_inflight(slot, &in), PM_OK);
	assert_int_equal(in.running, 0);
	assert_int_equal(app_shm_check_owner(&mon, 1, &o, &v), PM_OK);
	assert_int_equal(v, RT_SHM_OWNER_OK);
	/* The monitor reclaims the slot: the client notices at its next job and turns to no-ops. */
	assert_int_equal(rt_shm_slot_reclaim(slot, &o), PM_OK);
	assert_false(pm_attached());
	assert_int_equal(pm_job_begin(), PM_ERR_STATE);
	struct pm_client_stats st;
	pm_client_stats(&st);
	assert_int_equal(st.noop_calls, 1);
	assert_int_equal(pm_detach(), PM_OK);
}

static void test_monitor_stops_and_stale_segment(void **state)
{
	(void)state;
	assert_int_equal(pm_attach("vision-system"), PM_OK);
	assert_int_equal(pm_job_begin(), PM_OK);
	assert_int_equal(app_shm_destroy(&mon), PM_OK);
	/* The Model keeps working: calls turn into no-ops. */
	assert_false(pm_attached());
	assert_int_equal(pm_job_end(), PM_ERR_STATE);
	assert_int_equal(pm_job_begin(), PM_ERR_STATE);
	assert_int_equal(pm_attach("vision-system"), PM_ERR_NOENT);
	assert_non_null(strstr(pm_attach_error(), "no picmon monitor running"));

	/* A segment left by a monitor that died (creator pid gone) is stale for clients... */
	pid_t dead = fork();
	if (dead == 0) {
		_exit(0);
	}
	assert_true(dead > 0);
	assert_int_equal(waitpid(dead, NULL, 0), dead);
	struct hal_shm raw;
	assert_int_equal(hal_shm_create(shm_name, sizeof(struct rt_shm_segment), &raw), PM_OK);
	assert_int_equal(hal_shm_create(shm_name, sizeof(struct rt_shm_segment), &raw), PM_ERR_STATE);
	assert_int_equal(rt_shm_segment_init(raw.addr, 99, (int32_t)dead, 1, models, NULL, 2), PM_OK);
	rt_shm_segment_publish(raw.addr);
	assert_int_equal(pm_attach("vision-system"), PM_ERR_GONE);
	assert_non_null(strstr(pm_attach_error(), "stale"));
	assert_int_equal(hal_shm_close(&raw), PM_OK);
	/* ...and is replaced by a new monitor, whose epoch the client then attaches under. */
	assert_int_equal(app_shm_create(NULL, 1234, models, NULL, 2, &mon), PM_OK);
	assert_int_equal(pm_attach("vision-system"), PM_OK);
	struct rt_shm_owner o;
	enum rt_shm_owner_verdict v;
	assert_int_equal(app_shm_check_owner(&mon, 0, &o, &v), PM_OK);
	assert_int_equal(v, RT_SHM_OWNER_OK);
	assert_int_equal(o.epoch, 1234);
	/* A second monitor on the same name is refused while this one lives. */
	struct app_shm second;
	assert_int_equal(app_shm_create(NULL, 1235, models, NULL, 2, &second), PM_ERR_STATE);
	assert_int_equal(pm_detach(), PM_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attach_errors),
		cmocka_unit_test(test_jobs_and_metrics),
		cmocka_unit_test(test_second_claimant),
		cmocka_unit_test(test_cross_process_jobs),
		cmocka_unit_test(test_hal_shm_errors),
		cmocka_unit_test(test_takeover_after_crash),
		cmocka_unit_test(test_monitor_stops_and_stale_segment),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
