/* System-wide /proc files kept open, CPU topology from /sys, cgroup v2 files (hal/sysinfo.h). */
#include "hal/sysinfo.h"

#include <stdio.h>
#include <string.h>

#include "hal/syscall.h"
#include "proc_io.h"

#define SYS_TEXT_BUF 65536 /* /proc/stat with 256 CPUs is ~40 KiB */

static char g_text[SYS_TEXT_BUF]; /* one reader at a time: the sampler thread */

static const char *const psi_names[HAL_PSI_COUNT] = { "pressure/cpu", "pressure/memory", "pressure/io" };

pm_status hal_sysinfo_open(const struct hal_procfs *fs, struct hal_sysinfo *si)
{
	if (fs == NULL || si == NULL) {
		return PM_ERR_INVAL;
	}
	si->stat_fd = si->meminfo_fd = si->loadavg_fd = si->vmstat_fd = si->netdev_fd = -1;
	for (int i = 0; i < HAL_PSI_COUNT; i++) {
		si->psi_fd[i] = -1;
	}
	pm_status st = hal_open_at(fs->proc_fd, "stat", 0, &si->stat_fd);
	if (st == PM_OK) {
		st = hal_open_at(fs->proc_fd, "meminfo", 0, &si->meminfo_fd);
	}
	if (st != PM_OK) {
		hal_sysinfo_close(si);
		return st;
	}
	(void)hal_open_at(fs->proc_fd, "loadavg", 0, &si->loadavg_fd);
	(void)hal_open_at(fs->proc_fd, "vmstat", 0, &si->vmstat_fd);
	(void)hal_open_at(fs->proc_fd, "net/dev", 0, &si->netdev_fd);
	for (int i = 0; i < HAL_PSI_COUNT; i++) {
		(void)hal_open_at(fs->proc_fd, psi_names[i], 0, &si->psi_fd[i]);
	}
	return PM_OK;
}

void hal_sysinfo_close(struct hal_sysinfo *si)
{
	if (si == NULL) {
		return;
	}
	hal_close_fd(&si->stat_fd);
	hal_close_fd(&si->meminfo_fd);
	hal_close_fd(&si->loadavg_fd);
	hal_close_fd(&si->vmstat_fd);
	hal_close_fd(&si->netdev_fd);
	for (int i = 0; i < HAL_PSI_COUNT; i++) {
		hal_close_fd(&si->psi_fd[i]);
	}
}

static pm_status reread(int fd, size_t *len)
{
	if (fd < 0) {
		return PM_ERR_UNSUPPORTED;
	}
	return hal_read_kept_all(fd, g_text, sizeof(g_text), len);
}

pm_status hal_sysinfo_cpu_times(struct hal_sysinfo *si, struct hal_cpu_times *out)
{
	size_t n = 0;
	pm_status st = reread(si->stat_fd, &n);
	return st != PM_OK ? st : hal_parse_proc_stat(g_text, n, out);
}

pm_status hal_sysinfo_meminfo(struct hal_sysinfo *si, struct hal_meminfo *out)
{
	size_t n = 0;
	pm_status st = reread(si->meminfo_fd, &n);
	return st != PM_OK ? st : hal_parse_meminfo(g_text, n, out);
}

pm_status hal_sysinfo_loadavg(struct hal_sysinfo *si, struct hal_loadavg *out)
{
	size_t n = 0;
	pm_status st = reread(si->loadavg_fd, &n);
	return st != PM_OK ? st : hal_parse_loadavg(g_text, n, out);
}

pm_status hal_sysinfo_vmstat(struct hal_sysinfo *si, struct hal_vmstat *out)
{
	size_t n = 0;
	pm_status st = reread(si->vmstat_fd, &n);
	return st != PM_OK ? st : hal_parse_vmstat(g_text, n, out);
}

pm_status hal_sysinfo_netdev(struct hal_sysinfo *si, struct hal_netdev_table *out)
{
	size_t n = 0;
	pm_status st = reread(si->netdev_fd, &n);
	return st != PM_OK ? st : hal_parse_netdev(g_text, n, out);
}

pm_status hal_sysinfo_psi(struct hal_sysinfo *si, enum hal_psi_resource res, struct hal_psi *out)
{
	if ((unsigned)res >= HAL_PSI_COUNT) {
		return PM_ERR_INVAL;
	}
	size_t n = 0;
	pm_status st = reread(si->psi_fd[res], &n);
	if (st == PM_ERR_UNSUPPORTED || st == PM_ERR_NOENT || (st != PM_OK && st != PM_ERR_NOSPACE)) {
		/* A kernel booted with psi=0 has the files but fails the read (EOPNOTSUPP). */
		return st == PM_OK ? st : PM_ERR_UNSUPPORTED;
	}
	return hal_parse_psi(g_text, n, out);
}

/* Reads a small /sys text file relative to the root; PM_ERR_NOENT etc. when absent. */
static pm_status sys_text(const struct hal_procfs *fs, const char *path, char *buf, size_t cap, size_t *len)
{
	return hal_read_text_at(fs, path, buf, cap, len);
}

static int32_t sys_int(const struct hal_procfs *fs, const char *path, int32_t dflt)
{
	char text[32];
	size_t n = 0;
	if (sys_text(fs, path, text, sizeof(text), &n) != PM_OK) {
		return dflt;
	}
	uint64_t v;
	if (hal_parse_u64_or_max(text, n, &v) != PM_OK || v > INT32_MAX) {
		return dflt;
	}
	return (int32_t)v;
}

static void read_caches(const struct hal_procfs *fs, uint32_t cpu, struct hal_cpu_topo *t)
{
	char path[160];
	char text[1024];
	size_t n = 0;
	t->ncaches = 0;
	for (uint32_t idx = 0; idx < HAL_MAX_CACHES; idx++) {
		struct hal_cache *c = &t->cache[t->ncaches];
		memset(c, 0, sizeof(*c));
		(void)snprintf(path, sizeof(path), "sys/devices/system/cpu/cpu%u/cache/index%u/level", cpu,
		               idx);
		int32_t level = sys_int(fs, path, -1);
		if (level < 0) {
			break; /* indexes are dense */
		}
		c->level = (uint32_t)level;
		(void)snprintf(path, sizeof(path), "sys/devices/system/cpu/cpu%u/cache/index%u/type", cpu,
		               idx);
		if (sys_text(fs, path, text, sizeof(text), &n) == PM_OK) {
			while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' ')) {
				n--;
			}
			size_t k = n < sizeof(c->type) - 1 ? n : sizeof(c->type) - 1;
			memcpy(c->type, text, k);
			c->type[k] = '\0';
		}
		(void)snprintf(path, sizeof(path), "sys/devices/system/cpu/cpu%u/cache/index%u/size", cpu,
		               idx);
		if (sys_text(fs, path, text, sizeof(text), &n) != PM_OK ||
		    hal_parse_size(text, n, &c->size_bytes) != PM_OK) {
			c->size_bytes = 0;
		}
		(void)snprintf(path, sizeof(path),
		               "sys/devices/system/cpu/cpu%u/cache/index%u/shared_cpu_list", cpu, idx);
		if (sys_text(fs, path, text, sizeof(text), &n) != PM_OK ||
		    hal_parse_cpulist(text, n, &c->shared) != PM_OK) {
			hal_cpuset_clear(&c->shared);
			(void)hal_cpuset_add(&c->shared, cpu);
		}
		t->ncaches++;
	}
}

pm_status hal_topology_read(const struct hal_procfs *fs, struct hal_topology *out)
{
	if (fs == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	memset(out, 0, sizeof(*out));
	char text[1024];
	size_t n = 0;
	pm_status st = sys_text(fs, "sys/devices/system/cpu/online", text, sizeof(text), &n);
	if (st != PM_OK) {
		return st;
	}
	if ((st = hal_parse_cpulist(text, n, &out->online)) != PM_OK) {
		return st;
	}
	if (sys_text(fs, "sys/devices/system/cpu/present", text, sizeof(text), &n) != PM_OK ||
	    hal_parse_cpulist(text, n, &out->present) != PM_OK) {
		out->present = out->online;
	}
	out->ncpus = hal_cpuset_count(&out->online);
	char path[160];
	for (uint32_t cpu = 0; cpu < PM_MAX_CPUS; cpu++) {
		struct hal_cpu_topo *t = &out->cpu[cpu];
		t->package = -1;
		t->core = -1;
		if (!hal_cpuset_has(&out->online, cpu)) {
			continue;
		}
		(void)snprintf(path, sizeof(path),
		               "sys/devices/system/cpu/cpu%u/topology/physical_package_id", cpu);
		t->package = sys_int(fs, path, -1);
		(void)snprintf(path, sizeof(path), "sys/devices/system/cpu/cpu%u/topology/core_id", cpu);
		t->core = sys_int(fs, path, -1);
		(void)snprintf(path, sizeof(path),
		               "sys/devices/system/cpu/cpu%u/topology/thread_siblings_list", cpu);
		if (sys_text(fs, path, text, sizeof(text), &n) != PM_OK ||
		    hal_parse_cpulist(text, n, &t->siblings) != PM_OK) {
			hal_cpuset_clear(&t->siblings);
			(void)hal_cpuset_add(&t->siblings, cpu);
		}
		(void)snprintf(path, sizeof(path), "sys/devices/system/cpu/cpu%u/cpufreq/cpuinfo_max_freq",
		               cpu);
		int32_t khz = sys_int(fs, path, 0);
		t->max_khz = khz > 0 ? (uint32_t)khz : 0u;
		read_caches(fs, cpu, t);
	}
	/* NUMA: each node lists its CPUs; without node directories everything is node 0. */
	out->nnodes = 0;
	for (uint32_t node = 0; node < PM_MAX_CPUS; node++) {
		struct hal_cpuset cpus;
		(void)snprintf(path, sizeof(path), "sys/devices/system/node/node%u/cpulist", node);
		if (sys_text(fs, path, text, sizeof(text), &n) != PM_OK) {
			continue; /* node ids may have holes */
		}
		if (hal_parse_cpulist(text, n, &cpus) != PM_OK || hal_cpuset_count(&cpus) == 0) {
			continue;
		}
		out->nnodes++;
		for (uint32_t cpu = 0; cpu < PM_MAX_CPUS; cpu++) {
			if (hal_cpuset_has(&cpus, cpu)) {
				out->cpu[cpu].node = (int32_t)node;
			}
		}
	}
	if (out->nnodes == 0) {
		out->nnodes = 1;
	}
	return PM_OK;
}

pm_status hal_cgroup_mount(const struct hal_procfs *fs, char *buf, size_t cap)
{
	if (fs == NULL || buf == NULL || cap < 2) {
		return PM_ERR_INVAL;
	}
	buf[0] = '\0';
	size_t n = 0;
	pm_status st = hal_read_text_at(fs, "proc/self/mountinfo", g_text, sizeof(g_text), &n);
	if (st == PM_OK) {
		/* "36 25 0:31 / /sys/fs/cgroup rw,... - cgroup2 cgroup2 rw": field 5 is the mount point. */
		const char *p = g_text;
		const char *end = g_text + n;
		while (p < end) {
			const char *eol = memchr(p, '\n', (size_t)(end - p));
			if (eol == NULL) {
				eol = end;
			}
			const char *dash = NULL;
			for (const char *q = p; q + 11 <= eol; q++) {
				if (memcmp(q, " - cgroup2 ", 11) == 0) {
					dash = q;
					break;
				}
			}
			if (dash != NULL) {
				const char *f = p;
				for (int field = 0; field < 4 && f < eol; field++) {
					const char *sp = memchr(f, ' ', (size_t)(eol - f));
					f = sp == NULL ? eol : sp + 1;
				}
				const char *sp = memchr(f, ' ', (size_t)(eol - f));
				if (sp != NULL) {
					while (f < sp && *f == '/') {
						f++;
					}
					size_t k = (size_t)(sp - f);
					if (k + 1 > cap) {
						return PM_ERR_NOSPACE;
					}
					memcpy(buf, f, k);
					buf[k] = '\0';
					return PM_OK;
				}
			}
			p = eol + 1;
		}
	}
	char probe[256];
	if (hal_read_text_at(fs, "sys/fs/cgroup/cgroup.controllers", probe, sizeof(probe), &n) == PM_OK) {
		if (cap < sizeof("sys/fs/cgroup")) {
			return PM_ERR_NOSPACE;
		}
		memcpy(buf, "sys/fs/cgroup", sizeof("sys/fs/cgroup"));
		return PM_OK;
	}
	return PM_ERR_NOENT;
}

static pm_status group_file(const struct hal_procfs *fs, const char *mount, const char *path,
                            const char *file, char *text, size_t cap, size_t *n)
{
	char full[PM_MAX_PATH * 2];
	while (path[0] == '/') {
		path++;
	}
	int w = snprintf(full, sizeof(full), "%s/%s%s%s", mount, path, path[0] != '\0' ? "/" : "", file);
	if (w < 0 || (size_t)w >= sizeof(full)) {
		return PM_ERR_NOSPACE;
	}
	return hal_read_text_at(fs, full, text, cap, n);
}

pm_status hal_cgroup_read(const struct hal_procfs *fs, const char *mount, const char *path,
                          struct hal_cgroup_stats *out)
{
	if (fs == NULL || mount == NULL || path == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	memset(out, 0, sizeof(*out));
	char text[1024];
	size_t n = 0;
	if (group_file(fs, mount, path, "cpu.stat", text, sizeof(text), &n) == PM_OK &&
	    hal_parse_cgroup_cpu_stat(text, n, &out->cpu) == PM_OK) {
		out->valid |= HAL_CGROUP_CPU;
	}
	if (group_file(fs, mount, path, "memory.current", text, sizeof(text), &n) == PM_OK &&
	    hal_parse_u64_or_max(text, n, &out->memory_current) == PM_OK) {
		out->valid |= HAL_CGROUP_MEMORY_CURRENT;
	}
	if (group_file(fs, mount, path, "memory.max", text, sizeof(text), &n) == PM_OK &&
	    hal_parse_u64_or_max(text, n, &out->memory_max) == PM_OK) {
		out->valid |= HAL_CGROUP_MEMORY_MAX;
	}
	if (group_file(fs, mount, path, "pids.current", text, sizeof(text), &n) == PM_OK &&
	    hal_parse_u64_or_max(text, n, &out->pids_current) == PM_OK) {
		out->valid |= HAL_CGROUP_PIDS;
	}
	return out->valid != 0 ? PM_OK : PM_ERR_NOENT;
}
