/* `picmon topology [--json]`: CPUs, physical cores, SMT siblings, NUMA nodes, caches, frequencies. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "hal/procparse.h"
#include "hal/sysinfo.h"
#include "text_buf.h"

static struct hal_topology g_topo;
static char g_doc[1u << 20];

static void cpulist(const struct hal_cpuset *s, char *buf, size_t cap)
{
	if (hal_format_cpulist(s, buf, cap) != PM_OK) {
		(void)snprintf(buf, cap, "?");
	}
}

static void size_text(uint64_t bytes, char *buf, size_t cap)
{
	if (bytes == 0) {
		(void)snprintf(buf, cap, "?");
	} else if (bytes % (1024u * 1024u) == 0) {
		(void)snprintf(buf, cap, "%lluM", (unsigned long long)(bytes >> 20));
	} else {
		(void)snprintf(buf, cap, "%lluK", (unsigned long long)(bytes >> 10));
	}
}

static uint32_t count_cores(const struct hal_topology *t)
{
	uint32_t n = 0;
	for (uint32_t c = 0; c < PM_MAX_CPUS; c++) {
		if (!hal_cpuset_has(&t->online, c)) {
			continue;
		}
		int leader = 1;
		for (uint32_t d = 0; d < c; d++) {
			if (hal_cpuset_has(&t->cpu[c].siblings, d) && hal_cpuset_has(&t->online, d)) {
				leader = 0;
				break;
			}
		}
		n += (uint32_t)leader;
	}
	return n;
}

int app_cmd_topology(int argc, char **argv)
{
	int json = 0;
	const char *root = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (strcmp(argv[i], "--root") == 0 && i + 1 < argc) {
			root = argv[++i];
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: picmon topology [--json] [--root DIR]\n");
			return APP_EXIT_OK;
		} else {
			fprintf(stderr,
			        "picmon: topology: unknown option '%s' (try 'picmon topology --help')\n",
			        argv[i]);
			return APP_EXIT_USAGE;
		}
	}
	struct hal_procfs fs;
	pm_status st = hal_procfs_open(&fs, root);
	if (st == PM_OK) {
		st = hal_topology_read(&fs, &g_topo);
		hal_procfs_close(&fs);
	}
	if (st != PM_OK) {
		fprintf(stderr, "picmon: topology: cannot read the CPU topology: %s\n", pm_status_str(st));
		return APP_EXIT_FAILURE;
	}
	struct app_text t;
	app_text_init(&t, g_doc, sizeof(g_doc));
	char list[512];
	char sz[32];
	uint32_t cores = count_cores(&g_topo);
	cpulist(&g_topo.online, list, sizeof(list));
	if (json) {
		app_text_printf(&t, "{\"online\":\"%s\",\"cpus\":%u,\"cores\":%u,\"numa_nodes\":%u,\"cpu\":[",
		                list, g_topo.ncpus, cores, g_topo.nnodes);
		int first = 1;
		for (uint32_t c = 0; c < PM_MAX_CPUS; c++) {
			if (!hal_cpuset_has(&g_topo.online, c)) {
				continue;
			}
			const struct hal_cpu_topo *p = &g_topo.cpu[c];
			cpulist(&p->siblings, list, sizeof(list));
			app_text_printf(
			    &t,
			    "%s\n  {\"cpu\":%u,\"package\":%d,\"core\":%d,\"node\":%d,\"siblings\":\"%s\","
			    "\"max_khz\":%u,\"caches\":[",
			    first ? "" : ",", c, p->package, p->core, p->node, list, p->max_khz);
			first = 0;
			for (uint32_t k = 0; k < p->ncaches; k++) {
				const struct hal_cache *ca = &p->cache[k];
				cpulist(&ca->shared, list, sizeof(list));
				app_text_printf(&t, "%s{\"level\":%u,\"type\":", k == 0 ? "" : ",",
				                ca->level);
				app_text_json_string(&t, ca->type);
				app_text_printf(&t, ",\"size_bytes\":%llu,\"shared_cpus\":\"%s\"}",
				                (unsigned long long)ca->size_bytes, list);
			}
			app_text_printf(&t, "]}");
		}
		app_text_printf(&t, "\n]}\n");
	} else {
		app_text_printf(&t, "CPUs online: %s (%u), physical cores: %u, NUMA nodes: %u\n", list,
		                g_topo.ncpus, cores, g_topo.nnodes);
		app_text_printf(&t, "%4s %4s %4s %4s %-10s %9s  %s\n", "CPU", "PKG", "CORE", "NODE",
		                "SIBLINGS", "MAX(MHz)", "CACHES (level type size shared-with)");
		for (uint32_t c = 0; c < PM_MAX_CPUS; c++) {
			if (!hal_cpuset_has(&g_topo.online, c)) {
				continue;
			}
			const struct hal_cpu_topo *p = &g_topo.cpu[c];
			cpulist(&p->siblings, list, sizeof(list));
			char mhz[16];
			if (p->max_khz > 0) {
				(void)snprintf(mhz, sizeof(mhz), "%u", p->max_khz / 1000u);
			} else {
				(void)snprintf(mhz, sizeof(mhz), "?");
			}
			app_text_printf(&t, "%4u %4d %4d %4d %-10s %9s ", c, p->package, p->core, p->node,
			                list, mhz);
			for (uint32_t k = 0; k < p->ncaches; k++) {
				const struct hal_cache *ca = &p->cache[k];
				cpulist(&ca->shared, list, sizeof(list));
				size_text(ca->size_bytes, sz, sizeof(sz));
				app_text_printf(&t, " L%u%c %s [%s]", ca->level,
				                ca->type[0] != '\0' ? ca->type[0] : '?', sz, list);
			}
			app_text_printf(&t, "\n");
		}
	}
	if (t.overflow) {
		fprintf(stderr, "picmon: topology: output larger than its buffer\n");
		return APP_EXIT_FAILURE;
	}
	return app_text_flush(&t, STDOUT_FILENO) == PM_OK ? APP_EXIT_OK : APP_EXIT_FAILURE;
}
