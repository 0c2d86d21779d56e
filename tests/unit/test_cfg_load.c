/* Tests of the configuration loader (cfg/load.h): the valid corpus loads cleanly, every invalid file
 * gives exactly the diagnostics in its .expected file, the demo loads to identical bytes twice and
 * holds the values the demo relies on, and the defaults are the HLD's. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cfg/load.h"
#include "hal/file.h"
#include "rt/config.h"

#define FIXTURES PICMON_SOURCE_DIR "/tests/fixtures/cfg"

static struct rt_config *cfg_a;
static struct rt_config *cfg_b;
static struct cfg_diag_list *diags;

static int setup(void **state)
{
	(void)state;
	cfg_a = malloc(sizeof(*cfg_a));
	cfg_b = malloc(sizeof(*cfg_b));
	diags = malloc(sizeof(*diags));
	return cfg_a == NULL || cfg_b == NULL || diags == NULL;
}

static int teardown(void **state)
{
	(void)state;
	free(cfg_a);
	free(cfg_b);
	free(diags);
	return 0;
}

static void print_diags(const struct cfg_diag_list *d)
{
	char line[512];
	for (size_t i = 0; i < d->count; i++) {
		cfg_diag_format(&d->items[i], line, sizeof(line));
		printf("  %s\n", line);
	}
}

static int compare_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted names of the files in dir ending in suffix; the caller frees names[i] and names. */
static size_t list_dir(const char *dir, const char *suffix, char ***names)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	size_t n = 0;
	size_t cap = 64;
	*names = calloc(cap, sizeof(char *));
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		size_t sl = strlen(suffix);
		if (len > sl && strcmp(e->d_name + len - sl, suffix) == 0) {
			assert_true(n < cap);
			(*names)[n++] = strdup(e->d_name);
		}
	}
	closedir(d);
	qsort(*names, n, sizeof(char *), compare_str);
	return n;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(names[i]);
	}
	free(names);
}

static void test_valid_corpus(void **state)
{
	(void)state;
	char **names;
	size_t n = list_dir(FIXTURES "/valid", ".yaml", &names);
	assert_true(n >= 5);
	struct cfg_load_options opts = { false, 4 };
	for (size_t i = 0; i < n; i++) {
		char path[1024];
		snprintf(path, sizeof(path), "%s/valid/%s", FIXTURES, names[i]);
		const char *paths[] = { path };
		pm_status st = cfg_load(paths, 1, &opts, cfg_a, diags);
		if (st != PM_OK || diags->errors != 0 || diags->warnings != 0) {
			printf("valid file %s:\n", names[i]);
			print_diags(diags);
		}
		assert_int_equal(st, PM_OK);
		assert_int_equal(diags->errors, 0);
		assert_int_equal(diags->warnings, 0);
		assert_true(cfg_a->n_documents > 0);
		/* Deterministic to the byte, whatever the destination held before. */
		memset(cfg_b, 0xff, sizeof(*cfg_b));
		assert_int_equal(cfg_load(paths, 1, &opts, cfg_b, diags), PM_OK);
		assert_memory_equal(cfg_a, cfg_b, sizeof(*cfg_a));
	}
	free_names(names, n);
}

/* Reads the expected diagnostics, one per line. */
static size_t read_expected(const char *path, char lines[][512], size_t max)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		fail_msg("missing %s", path);
	}
	size_t n = 0;
	while (n < max && fgets(lines[n], 512, f) != NULL) {
		lines[n][strcspn(lines[n], "\n")] = '\0';
		if (lines[n][0] != '\0') {
			n++;
		}
	}
	fclose(f);
	return n;
}

static void test_invalid_corpus(void **state)
{
	(void)state;
	char cwd[1024];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(FIXTURES "/invalid"), 0);
	char **names;
	size_t n = list_dir(".", ".yaml", &names);
	assert_true(n >= 10);
	static char expected[CFG_MAX_DIAGS][512];
	static char actual[CFG_MAX_DIAGS][512];
	int failures = 0;
	const char *print = getenv("PICMON_CFG_PRINT");
	for (size_t i = 0; i < n; i++) {
		struct cfg_load_options opts = { strncmp(names[i], "strict-", 7) == 0, 4 };
		const char *paths[] = { names[i] };
		pm_status st = cfg_load(paths, 1, &opts, cfg_a, diags);
		size_t n_actual = 0;
		for (size_t k = 0; k < diags->count; k++) {
			if (diags->items[k].severity != CFG_SEV_INFO) {
				cfg_diag_format(&diags->items[k], actual[n_actual++], 512);
			}
		}
		char exp_path[512];
		snprintf(exp_path, sizeof(exp_path), "%.*s.expected", (int)(strlen(names[i]) - 5), names[i]);
		if (print != NULL) {
			FILE *out = fopen(exp_path, "w");
			for (size_t k = 0; out != NULL && k < n_actual; k++) {
				fprintf(out, "%s\n", actual[k]);
			}
			if (out != NULL) {
				fclose(out);
			}
		}
		size_t n_expected = read_expected(exp_path, expected, CFG_MAX_DIAGS);
		bool same = n_expected == n_actual && diags->dropped == 0;
		bool any_error = false;
		for (size_t k = 0; k < n_expected; k++) {
			same = same && strcmp(expected[k], actual[k]) == 0;
			any_error = any_error || strstr(expected[k], ": error: ") != NULL;
		}
		if (!same) {
			failures++;
			printf("%s: diagnostics differ from %s; got:\n", names[i], exp_path);
			for (size_t k = 0; k < n_actual; k++) {
				printf("  %s\n", actual[k]);
			}
		}
		/* Invalid means: the load fails exactly when an error is expected, and nothing is silent. */
		assert_true(n_expected > 0);
		assert_int_equal(st == PM_OK, !any_error);
	}
	free_names(names, n);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(failures, 0);
}

static void test_demo_loads_identically_twice(void **state)
{
	(void)state;
	const char *paths[] = { PICMON_SOURCE_DIR "/cfg/demo" };
	struct cfg_load_options opts = { true, 2 };
	memset(cfg_a, 0xa5, sizeof(*cfg_a));
	memset(cfg_b, 0x5a, sizeof(*cfg_b));
	assert_int_equal(cfg_load(paths, 1, &opts, cfg_a, diags), PM_OK);
	assert_int_equal(diags->warnings, 0);
	assert_int_equal(cfg_load(paths, 1, &opts, cfg_b, diags), PM_OK);
	assert_memory_equal(cfg_a, cfg_b, sizeof(*cfg_a));

	const struct rt_config *c = cfg_a;
	assert_int_equal(c->n_scenarios, 1);
	assert_int_equal(c->n_packages, 2);
	assert_int_equal(c->n_models, 4);
	assert_true(c->has_monitoring_config);
	const struct rt_scenario_cfg *sc = &c->scenarios[0];
	assert_string_equal(sc->name, "adas-activation");
	assert_int_equal(sc->asil, RT_ASIL_B);
	assert_int_equal(sc->n_packages, 2);
	assert_string_equal(c->packages[sc->packages[0]].name, "adas-software");
	assert_string_equal(c->packages[sc->packages[1]].name, "vision-processing");
	assert_int_equal(sc->n_conditions, 3);
	assert_string_equal(sc->conditions[0].key, "vehicleSpeed");
	assert_string_equal(sc->conditions[0].value, ">30");

	uint16_t vs = rt_config_find_model(c, "vision-system");
	assert_int_not_equal(vs, RT_NO_INDEX);
	const struct rt_model_cfg *v = &c->models[vs];
	assert_true(v->time_critical);
	assert_true(v->timing.period_ns == 10 * PM_NS_PER_MS);
	assert_true(v->timing.deadline_ns == 8 * PM_NS_PER_MS);
	assert_true(v->timing.budget_ns == 2 * PM_NS_PER_MS);
	assert_int_equal(v->timing.priority, 80);
	assert_int_equal(v->timing.max_violations, 10);
	assert_int_equal(v->timing.window_jobs, 100);
	assert_int_equal(hal_cpuset_count(&v->cpus), 1);
	assert_true(hal_cpuset_has(&v->cpus, 1));
	assert_int_equal(v->asil, RT_ASIL_B);
	assert_int_equal(v->isolation, RT_ISOLATION_EXCLUSIVE);
	assert_int_equal(v->discovery.kind, RT_DISCOVER_CLIENT);
	assert_string_equal(c->packages[v->package].name, "vision-processing");
	assert_true(v->supervision_cycle_ns == 100 * PM_NS_PER_MS);
	assert_true(v->limits.memory_bytes == UINT64_C(1) << 30);
	assert_int_equal(v->limits.cpu_millicores, 1000);

	const struct rt_model_cfg *w = &c->models[rt_config_find_model(c, "web-server")];
	assert_false(w->time_critical);
	assert_int_equal(w->discovery.kind, RT_DISCOVER_CMDLINE);
	assert_string_equal(w->discovery.value, "--model web-server");
	assert_int_equal(w->recovery.action, RT_ESCALATE_RESTART);
	assert_int_equal(w->recovery.argc, 7);
	assert_string_equal(w->recovery.argv[0], "picmon-simload");
	assert_string_equal(w->recovery.argv[6], "2");
	assert_int_equal(w->recovery.max_restarts, 3);
	assert_true(w->recovery.backoff_max_ns == 30 * PM_NS_PER_S);
	assert_int_equal(w->n_containers, 2);
	assert_int_equal(w->limits.cpu_millicores, 1000);
	assert_string_equal(c->models[rt_config_find_model(c, "microservice-mix")].discovery.value,
	                    "--model microservice-mix");

	assert_true(c->monitor.supervision_tick_ns == 5 * PM_NS_PER_MS);
	assert_true(c->monitor.supervision_tick_given);
	assert_true(c->monitor.fsync_interval_ns == 100 * PM_NS_PER_MS);
	assert_string_equal(c->monitor.shm_name, "/picmon");
	assert_int_equal(c->monitor.supervisor.policy, RT_SCHED_FIFO);
	assert_true(hal_cpuset_has(&c->monitor.supervisor.cpus, 0));
	assert_int_equal(c->storage.value_format, RT_VALUE_PROTOBUF);
	/* every resource in the topological order, each Model before the Package that holds it */
	assert_int_equal(c->dependency.n_topo, 7);
	int pos_vs = -1;
	int pos_vp = -1;
	for (int i = 0; i < c->dependency.n_topo; i++) {
		if (c->dependency.topo[i].type == RT_RES_MODEL && c->dependency.topo[i].index == vs) {
			pos_vs = i;
		}
		if (c->dependency.topo[i].type == RT_RES_PACKAGE &&
		    c->dependency.topo[i].index == v->package) {
			pos_vp = i;
		}
	}
	assert_true(pos_vs >= 0 && pos_vp > pos_vs);
}

static void test_examples_load(void **state)
{
	(void)state;
	const char *paths[] = { PICMON_SOURCE_DIR "/cfg/examples" };
	struct cfg_load_options opts = { false, 8 };
	pm_status st = cfg_load(paths, 1, &opts, cfg_a, diags);
	if (st != PM_OK || diags->warnings != 0) {
		print_diags(diags);
	}
	assert_int_equal(st, PM_OK);
	assert_int_equal(diags->warnings, 0);
	assert_int_equal(cfg_a->n_scenarios, 1);
	assert_int_equal(cfg_a->n_packages, 1);
	assert_true(cfg_a->n_models >= 1);
	assert_true(cfg_a->n_tasks >= 1);
	assert_true(cfg_a->has_monitoring_config);
}

static void test_defaults_are_the_hld(void **state)
{
	(void)state;
	assert_int_equal(cfg_load_sources(NULL, 0, NULL, cfg_a, diags), PM_OK);
	const struct rt_config *c = cfg_a;
	assert_false(c->has_monitoring_config);
	assert_true(c->storage.retention_metrics_ns == 30 * PM_NS_PER_DAY);
	assert_true(c->storage.retention_events_ns == 90 * PM_NS_PER_DAY);
	assert_true(c->storage.retention_state_transitions_ns == 60 * PM_NS_PER_DAY);
	assert_string_equal(c->storage.prefix, "/piccolo/monitoring");
	assert_true(c->resource_monitoring[RT_RES_SCENARIO].collection_interval_ns == 5 * PM_NS_PER_S);
	assert_true(c->resource_monitoring[RT_RES_PACKAGE].collection_interval_ns == 30 * PM_NS_PER_S);
	assert_true(c->resource_monitoring[RT_RES_MODEL].collection_interval_ns == 10 * PM_NS_PER_S);
	assert_true(c->performance.collection_interval_ns == 10 * PM_NS_PER_S);
	assert_int_equal(c->performance.metrics[1].unit, RT_QTY_PERCENT);
	assert_int_equal(c->performance.metrics[1].warning, 8000);
	assert_string_equal(c->state_monitoring.stuck[0].state, "loading");
	assert_true(c->state_monitoring.stuck[0].threshold_ns == 30 * PM_NS_PER_S);
	assert_true(c->anomaly.learning_period_ns == 7 * PM_NS_PER_DAY);
	assert_int_equal(c->dependency.rules[0].impact, RT_IMPACT_CRITICAL);
	assert_true(c->monitor.supervision_tick_ns == PM_NS_PER_S);
	assert_true(c->monitor.fsync_interval_ns == 100 * PM_NS_PER_MS);
	assert_string_equal(c->monitor.shm_name, "/picmon");
	assert_int_equal(c->access.n_apis, 3);
}

static void test_tick_follows_strictest_asil(void **state)
{
	(void)state;
	static const char text[] =
	    "apiVersion: v1\nkind: Model\nmetadata: {name: a, labels: {asilLevel: C}}\n"
	    "spec: {image: a}\n---\napiVersion: v1\nkind: Model\nmetadata: {name: b}\n"
	    "spec: {image: b}\n---\napiVersion: v1\nkind: Package\n"
	    "metadata: {name: p, labels: {asilLevel: D}}\nspec: {models: [{name: b}]}\n";
	struct cfg_source src = { "tick.yaml", text, sizeof(text) - 1 };
	assert_int_equal(cfg_load_sources(&src, 1, NULL, cfg_a, diags), PM_OK);
	/* b inherits D from its Package; the tick follows D. */
	assert_int_equal(cfg_a->models[1].asil, RT_ASIL_D);
	assert_true(cfg_a->models[0].supervision_cycle_ns == 50 * PM_NS_PER_MS);
	assert_true(cfg_a->monitor.supervision_tick_ns == 5 * PM_NS_PER_MS);
	assert_false(cfg_a->monitor.supervision_tick_given);
}

static void test_status_noted_once_and_io_errors(void **state)
{
	(void)state;
	static const char text[] =
	    "apiVersion: v1\nkind: Model\nmetadata: {name: a}\nspec: {image: a}\nstatus: {}\n"
	    "---\napiVersion: v1\nkind: Model\nmetadata: {name: b}\nspec: {image: b}\n"
	    "status: {phase: Running}\n";
	struct cfg_source src = { "s.yaml", text, sizeof(text) - 1 };
	assert_int_equal(cfg_load_sources(&src, 1, NULL, cfg_a, diags), PM_OK);
	assert_int_equal(diags->count, 1);
	assert_int_equal(diags->items[0].severity, CFG_SEV_INFO);
	assert_int_equal(diags->items[0].line, 5);

	const char *missing[] = { "/nonexistent/picmon.yaml" };
	assert_int_equal(cfg_load(missing, 1, NULL, cfg_a, diags), PM_ERR_NOENT);
	assert_int_equal(diags->errors, 1);
	char line[512];
	cfg_diag_format(&diags->items[0], line, sizeof(line));
	assert_string_equal(line, "/nonexistent/picmon.yaml: error: cannot open: not found");
}

/* One Model more than PM_MAX_MODELS: exactly one error, naming the limit, at the first one too many. */
static void test_capacity_is_named(void **state)
{
	(void)state;
	size_t cap = (PM_MAX_MODELS + 1) * 128;
	char *text = malloc(cap);
	assert_non_null(text);
	size_t at = 0;
	for (int i = 0; i <= PM_MAX_MODELS; i++) {
		at += (size_t)snprintf(
		    text + at, cap - at,
		    "---\napiVersion: v1\nkind: Model\nmetadata: {name: m%d}\nspec: {image: x}\n", i);
	}
	struct cfg_source src = { "many.yaml", text, at };
	assert_int_equal(cfg_load_sources(&src, 1, NULL, cfg_a, diags), PM_ERR_INVAL);
	assert_int_equal(diags->errors, 1);
	assert_int_equal(cfg_a->n_models, PM_MAX_MODELS);
	char line[512];
	cfg_diag_format(&diags->items[0], line, sizeof(line));
	char want[128];
	snprintf(want, sizeof(want), "many.yaml:%d:1: error: too many Models: the limit PM_MAX_MODELS is %d",
	         PM_MAX_MODELS * 5 + 2, PM_MAX_MODELS);
	assert_string_equal(line, want);
	free(text);
}

static void test_hal_file(void **state)
{
	(void)state;
	char buf[16];
	size_t len = 99;
	assert_int_equal(hal_file_read_all(FIXTURES "/valid/hld-7.4-examples.yaml", buf, sizeof(buf), &len),
	                 PM_ERR_NOSPACE);
	assert_int_equal(len, 0);
	assert_int_equal(hal_file_read_all("/nonexistent", buf, sizeof(buf), &len), PM_ERR_NOENT);
	assert_int_equal(hal_file_read_all(FIXTURES, buf, sizeof(buf), &len), PM_ERR_INVAL);
	char exact[4];
	FILE *f = fopen("test_cfg_load.tmp", "w");
	assert_non_null(f);
	fputs("abcd", f);
	fclose(f);
	assert_int_equal(hal_file_read_all("test_cfg_load.tmp", exact, sizeof(exact), &len), PM_OK);
	assert_int_equal(len, 4);
	assert_memory_equal(exact, "abcd", 4);
	remove("test_cfg_load.tmp");
	char names[4][8];
	size_t n = 0;
	assert_int_equal(hal_dir_list_names(FIXTURES "/valid", &names[0][0], 8, 4, &n), PM_ERR_NOSPACE);
	enum hal_path_kind kind;
	assert_int_equal(hal_path_kind(FIXTURES, &kind), PM_OK);
	assert_int_equal(kind, HAL_PATH_DIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_corpus),
		cmocka_unit_test(test_invalid_corpus),
		cmocka_unit_test(test_demo_loads_identically_twice),
		cmocka_unit_test(test_examples_load),
		cmocka_unit_test(test_defaults_are_the_hld),
		cmocka_unit_test(test_tick_follows_strictest_asil),
		cmocka_unit_test(test_status_noted_once_and_io_errors),
		cmocka_unit_test(test_capacity_is_named),
		cmocka_unit_test(test_hal_file),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
