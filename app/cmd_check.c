/* `picmon check -c PATH... [--strict] [--json]`: loads and validates the configuration, prints every
 * diagnostic, a summary and the per-CPU schedulability of the time-critical Models. Exit 0 valid,
 * 2 invalid or usage error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg/load.h"
#include "commands.h"
#include "hal/machine.h"
#include "rt/config.h"
#include "rt/schedulability.h"

#define CHECK_MAX_PATHS 64

static void usage(FILE *out)
{
	fprintf(out, "usage: picmon check -c PATH... [--strict] [--json]\n"
	             "  -c, --config PATH  configuration file or directory (*.yaml, *.yml); repeatable\n"
	             "  --strict           treat warnings that may hide a deployment mistake as errors\n"
	             "  --json             print the result as one JSON object on stdout\n");
}

static void json_str(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			printf("\\%c", *p);
		} else if (*p < 0x20) {
			printf("\\u%04x", *p);
		} else {
			putchar(*p);
		}
	}
	putchar('"');
}

static void cpus_text(const struct hal_cpuset *set, char *buf, size_t cap)
{
	size_t at = 0;
	buf[0] = '\0';
	for (uint32_t c = 0; c < PM_MAX_CPUS; c++) {
		if (!hal_cpuset_has(set, c)) {
			continue;
		}
		uint32_t end = c;
		while (end + 1 < PM_MAX_CPUS && hal_cpuset_has(set, end + 1)) {
			end++;
		}
		int w = end == c ? snprintf(buf + at, cap - at, "%s%u", at ? "," : "", (unsigned)c)
		                 : snprintf(buf + at, cap - at, "%s%u-%u", at ? "," : "", (unsigned)c,
		                            (unsigned)end);
		if (w < 0 || (size_t)w >= cap - at) {
			return;
		}
		at += (size_t)w;
		c = end;
	}
	if (at == 0) {
		(void)snprintf(buf, cap, "any");
	}
}

static void dur(pm_ns ns, char *buf, size_t cap)
{
	if (rt_duration_format(ns, buf, cap) != PM_OK) {
		(void)snprintf(buf, cap, "?");
	}
}

static void print_text(const struct rt_config *cfg, const struct cfg_diag_list *diags,
                       const struct rt_cpu_load *loads, size_t n_loads, int valid)
{
	char line[PM_MAX_PATH + CFG_DIAG_TEXT + 64];
	for (size_t i = 0; i < diags->count; i++) {
		cfg_diag_format(&diags->items[i], line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	if (diags->dropped > 0) {
		fprintf(stderr, "picmon: %zu more diagnostics not shown\n", diags->dropped);
	}
	if (!valid) {
		fprintf(stderr, "picmon check: configuration invalid: %zu error%s, %zu warning%s\n",
		        diags->errors, diags->errors == 1 ? "" : "s", diags->warnings,
		        diags->warnings == 1 ? "" : "s");
		return;
	}
	printf("configuration valid: %zu warning%s\n", diags->warnings, diags->warnings == 1 ? "" : "s");
	printf("files %u, documents %u: %u Scenario%s, %u Package%s, %u Model%s, %u Schedule task%s, "
	       "MonitoringConfig %s\n",
	       cfg->n_files, cfg->n_documents, cfg->n_scenarios, cfg->n_scenarios == 1 ? "" : "s",
	       cfg->n_packages, cfg->n_packages == 1 ? "" : "s", cfg->n_models, cfg->n_models == 1 ? "" : "s",
	       cfg->n_tasks, cfg->n_tasks == 1 ? "" : "s",
	       cfg->has_monitoring_config ? "given" : "absent (HLD defaults)");
	char a[32];
	char b[32];
	char c[32];
	dur(cfg->monitor.supervision_tick_ns, a, sizeof(a));
	printf("supervision tick %s (%s)\n", a,
	       cfg->monitor.supervision_tick_given ? "given" : "derived from the strictest ASIL");
	unsigned tc = 0;
	for (uint16_t m = 0; m < cfg->n_models; m++) {
		tc += cfg->models[m].time_critical ? 1u : 0u;
	}
	printf("time-critical Models: %u\n", tc);
	if (tc > 0) {
		printf("  %-24s %10s %10s %10s %-10s %4s %-6s %-4s %s\n", "MODEL", "PERIOD", "DEADLINE",
		       "BUDGET", "CPUS", "PRIO", "POLICY", "ASIL", "TIMING");
	}
	for (uint16_t m = 0; m < cfg->n_models; m++) {
		const struct rt_model_cfg *model = &cfg->models[m];
		if (!model->time_critical) {
			continue;
		}
		char cpus[128];
		cpus_text(&model->cpus, cpus, sizeof(cpus));
		dur(model->timing.period_ns, a, sizeof(a));
		dur(model->timing.deadline_ns, b, sizeof(b));
		dur(model->timing.budget_ns, c, sizeof(c));
		printf("  %-24s %10s %10s %10s %-10s %4d %-6s %-4s %s\n", model->name, a, b, c, cpus,
		       (int)model->timing.priority, rt_sched_policy_name(model->policy),
		       rt_asil_name(model->asil), rt_timing_source_name(model->timing_source));
	}
	if (n_loads > 0) {
		printf("per-CPU load of pinned time-critical Models (bounds tested on sum C/min(D,T)):\n");
		printf("  %-4s %-6s %8s %8s %8s %-12s %10s %s\n", "CPU", "MODELS", "SUM C/T", "SUM C/D",
		       "LL BOUND", "LIU-LAYLAND", "PROD(U+1)", "HYPERBOLIC");
	}
	for (size_t i = 0; i < n_loads; i++) {
		const struct rt_cpu_load *l = &loads[i];
		printf("  %-4u %-6u %8.3f %8.3f %8.3f %-12s %10.3f %s\n", (unsigned)l->cpu,
		       (unsigned)l->n_models, l->utilization, l->density, l->ll_bound,
		       rt_bound_verdict_name(l->liu_layland), l->hyperbolic_product,
		       rt_bound_verdict_name(l->hyperbolic));
	}
	for (uint16_t m = 0; m < cfg->n_models; m++) {
		if (cfg->models[m].time_critical && hal_cpuset_empty(&cfg->models[m].cpus)) {
			printf("  note: '%s' has no cpuAffinity and is not part of the per-CPU analysis\n",
			       cfg->models[m].name);
		}
	}
}

static void print_json(const struct rt_config *cfg, const struct cfg_diag_list *diags,
                       const struct rt_cpu_load *loads, size_t n_loads, int valid)
{
	printf("{\"valid\":%s,\"errors\":%zu,\"warnings\":%zu,\"diagnostics\":[", valid ? "true" : "false",
	       diags->errors, diags->warnings);
	for (size_t i = 0; i < diags->count; i++) {
		const struct cfg_diag *d = &diags->items[i];
		printf("%s{\"file\":", i ? "," : "");
		json_str(d->file);
		printf(",\"line\":%u,\"column\":%u,\"severity\":\"%s\",\"message\":", (unsigned)d->line,
		       (unsigned)d->column, cfg_severity_name(d->severity));
		json_str(d->text);
		putchar('}');
	}
	printf("],\"diagnostics_dropped\":%zu", diags->dropped);
	if (valid) {
		printf(",\"counts\":{\"files\":%u,\"documents\":%u,\"scenarios\":%u,\"packages\":%u,"
		       "\"models\":%u,"
		       "\"schedule_tasks\":%u,\"monitoring_config\":%s}",
		       cfg->n_files, cfg->n_documents, cfg->n_scenarios, cfg->n_packages, cfg->n_models,
		       cfg->n_tasks, cfg->has_monitoring_config ? "true" : "false");
		printf(",\"supervision_tick_ns\":%lld,\"time_critical_models\":[",
		       (long long)cfg->monitor.supervision_tick_ns);
		int first = 1;
		for (uint16_t m = 0; m < cfg->n_models; m++) {
			const struct rt_model_cfg *model = &cfg->models[m];
			if (!model->time_critical) {
				continue;
			}
			printf("%s{\"name\":", first ? "" : ",");
			first = 0;
			json_str(model->name);
			printf(",\"period_ns\":%lld,\"deadline_ns\":%lld,\"budget_ns\":%lld,\"cpus\":[",
			       (long long)model->timing.period_ns, (long long)model->timing.deadline_ns,
			       (long long)model->timing.budget_ns);
			int fc = 1;
			for (uint32_t c = 0; c < PM_MAX_CPUS; c++) {
				if (hal_cpuset_has(&model->cpus, c)) {
					printf("%s%u", fc ? "" : ",", (unsigned)c);
					fc = 0;
				}
			}
			printf(
			    "],\"priority\":%d,\"policy\":\"%s\",\"asil\":\"%s\",\"timing_source\":\"%s\"}",
			    (int)model->timing.priority, rt_sched_policy_name(model->policy),
			    rt_asil_name(model->asil), rt_timing_source_name(model->timing_source));
		}
		printf("],\"cpus\":[");
		for (size_t i = 0; i < n_loads; i++) {
			const struct rt_cpu_load *l = &loads[i];
			printf("%s{\"cpu\":%u,\"models\":[", i ? "," : "", (unsigned)l->cpu);
			for (uint16_t k = 0; k < l->n_models; k++) {
				if (k > 0) {
					putchar(',');
				}
				json_str(cfg->models[l->models[k]].name);
			}
			printf("],\"utilization\":%.6f,\"density\":%.6f,\"liu_layland_bound\":%.6f,\"liu_"
			       "layland\":\"%s\","
			       "\"hyperbolic_product\":%.6f,\"hyperbolic\":\"%s\"}",
			       l->utilization, l->density, l->ll_bound, rt_bound_verdict_name(l->liu_layland),
			       l->hyperbolic_product, rt_bound_verdict_name(l->hyperbolic));
		}
		putchar(']');
	}
	printf("}\n");
}

int app_cmd_check(int argc, char **argv)
{
	const char *paths[CHECK_MAX_PATHS];
	size_t n_paths = 0;
	int json = 0;
	struct cfg_load_options opts = { false, 0 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) {
			if (i + 1 >= argc || argv[i + 1][0] == '-') {
				fprintf(stderr, "picmon check: %s needs a path\n", a);
				return APP_EXIT_USAGE;
			}
			/* -c takes one or more paths: everything up to the next option. */
			while (i + 1 < argc && argv[i + 1][0] != '-') {
				if (n_paths == CHECK_MAX_PATHS) {
					fprintf(stderr, "picmon check: more than %d paths\n",
					        CHECK_MAX_PATHS);
					return APP_EXIT_USAGE;
				}
				paths[n_paths++] = argv[++i];
			}
		} else if (strcmp(a, "--strict") == 0) {
			opts.strict = true;
		} else if (strcmp(a, "--json") == 0) {
			json = 1;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return APP_EXIT_OK;
		} else {
			fprintf(stderr, "picmon check: unknown option '%s' (try 'picmon check --help')\n", a);
			return APP_EXIT_USAGE;
		}
	}
	if (n_paths == 0) {
		fprintf(stderr, "picmon check: no configuration given (-c PATH)\n");
		return APP_EXIT_USAGE;
	}
	uint32_t cpus = 0;
	if (hal_machine_cpu_count(&cpus) != PM_OK) {
		fprintf(stderr,
		        "picmon check: cannot tell the CPUs of this machine; CPU ids are not checked\n");
		cpus = 0;
	}
	opts.cpu_count = cpus;
	struct rt_config *cfg = malloc(sizeof(*cfg));
	struct cfg_diag_list *diags = malloc(sizeof(*diags));
	struct rt_cpu_load *loads = malloc(sizeof(*loads) * PM_MAX_CPUS);
	if (cfg == NULL || diags == NULL || loads == NULL) {
		fprintf(stderr, "picmon check: out of memory\n");
		free(cfg);
		free(diags);
		free(loads);
		return APP_EXIT_FAILURE;
	}
	pm_status st = cfg_load(paths, n_paths, &opts, cfg, diags);
	int valid = st == PM_OK;
	size_t n_loads = valid ? rt_cpu_loads(cfg, loads, PM_MAX_CPUS) : 0;
	if (json) {
		print_json(cfg, diags, loads, n_loads, valid);
	} else {
		print_text(cfg, diags, loads, n_loads, valid);
	}
	free(cfg);
	free(diags);
	free(loads);
	return valid ? APP_EXIT_OK : APP_EXIT_USAGE;
}
