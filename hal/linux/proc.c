/* Process discovery and per-process / per-thread sampling over kept-open /proc files (hal/proc.h). */
#include "hal/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "hal/clock.h"
#include "hal/syscall.h"
#include "proc_io.h"

#define STAT_BUF 1024
#define STATUS_BUF 4096
#define IO_BUF 512
#define SCHED_BUF 8192
#define SCHEDSTAT_BUF 128
#define DENTS_BUF 8192
#define DENTS_MAX_CALLS 4096 /* bounds a listing: 4096 * 8 KiB of entries */

/* The layout of one getdents64 record (linux_dirent64). */
struct dent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int is_pid_name(const char *name, int32_t *pid)
{
	int64_t v = 0;
	if (name[0] < '1' || name[0] > '9') {
		return 0;
	}
	for (size_t i = 0; name[i] != '\0'; i++) {
		if (name[i] < '0' || name[i] > '9' || i >= 10) {
			return 0;
		}
		v = v * 10 + (name[i] - '0');
	}
	if (v > INT32_MAX) {
		return 0;
	}
	*pid = (int32_t)v;
	return 1;
}

/* Walks a directory (from its start) and collects numeric names; counts all non-dot entries in
 * *entries when pids is NULL. */
static pm_status list_dir(int dirfd, int32_t *pids, size_t cap, size_t *count)
{
	int r = hal_sys.rewind(dirfd);
	if (r < 0) {
		return r == -ENOENT || r == -ESRCH ? PM_ERR_GONE : pm_status_from_errno(-r);
	}
	_Alignas(8) char buf[DENTS_BUF];
	size_t n = 0;
	pm_status result = PM_OK;
	for (int calls = 0; calls < DENTS_MAX_CALLS; calls++) {
		int64_t got = hal_sys.dents(dirfd, buf, sizeof(buf));
		if (got == -EINTR) {
			continue;
		}
		if (got < 0) {
			return got == -ENOENT || got == -ESRCH ? PM_ERR_GONE
			                                       : pm_status_from_errno((int)-got);
		}
		if (got == 0) {
			*count = n;
			return result;
		}
		size_t off = 0;
		while (off + sizeof(struct dent64) <= (size_t)got) {
			const struct dent64 *d = (const struct dent64 *)(const void *)(buf + off);
			if (d->d_reclen < sizeof(struct dent64) || off + d->d_reclen > (size_t)got) {
				return PM_ERR_CORRUPT;
			}
			off += d->d_reclen;
			if (pids == NULL) {
				if (!(d->d_name[0] == '.' &&
				      (d->d_name[1] == '\0' ||
				       (d->d_name[1] == '.' && d->d_name[2] == '\0')))) {
					n++;
				}
				continue;
			}
			int32_t pid;
			if (!is_pid_name(d->d_name, &pid)) {
				continue;
			}
			if (n < cap) {
				pids[n++] = pid;
			} else {
				result = PM_ERR_NOSPACE;
			}
		}
	}
	*count = n;
	return PM_ERR_NOSPACE;
}

static void set_root_path(struct hal_procfs *fs, const char *root)
{
	size_t n = strlen(root);
	if (n >= sizeof(fs->root)) {
		n = sizeof(fs->root) - 1;
	}
	memcpy(fs->root, root, n);
	fs->root[n] = '\0';
}

/* Keeps /proc/loadavg open as the creation mark when the tree is our own PID namespace: its last
 * field counts in the namespace of the reader, so it only describes the tree when /proc/self/stat
 * shows our own pid (a /proc of another namespace shows a different number, or none). */
static void open_creation_mark(struct hal_procfs *fs)
{
	int self_fd = -1;
	char buf[STAT_BUF];
	size_t len = 0;
	struct hal_proc_stat self;
	if (hal_open_at(fs->proc_fd, "self/stat", 0, &self_fd) != PM_OK) {
		return;
	}
	pm_status st = hal_read_kept(self_fd, buf, sizeof(buf), &len);
	hal_close_fd(&self_fd);
	if (st != PM_OK || hal_parse_stat(buf, len, &self) != PM_OK || self.pid != (int32_t)getpid()) {
		return;
	}
	int fd = -1;
	int64_t mark = 0;
	if (hal_open_at(fs->proc_fd, "loadavg", 0, &fd) != PM_OK) {
		return;
	}
	fs->mark_fd = fd;
	if (hal_proc_creation_mark(fs, &mark) != PM_OK) {
		hal_close_fd(&fs->mark_fd);
	}
}

pm_status hal_procfs_open(struct hal_procfs *fs, const char *root)
{
	if (fs == NULL) {
		return PM_ERR_INVAL;
	}
	fs->root_fd = fs->proc_fd = fs->list_fd = fs->sys_fd = fs->mark_fd = -1;
	const char *r = (root == NULL || root[0] == '\0') ? "/" : root;
	if (strlen(r) >= sizeof(fs->root)) {
		return PM_ERR_INVAL;
	}
	set_root_path(fs, r);
	pm_status st = hal_open_at(AT_FDCWD, r, 1, &fs->root_fd);
	if (st == PM_OK) {
		st = hal_open_at(fs->root_fd, "proc", 1, &fs->proc_fd);
	}
	if (st == PM_OK) {
		st = hal_open_at(fs->root_fd, "proc", 1, &fs->list_fd);
	}
	if (st != PM_OK) {
		hal_procfs_close(fs);
		return st;
	}
	if (hal_open_at(fs->root_fd, "sys", 1, &fs->sys_fd) != PM_OK) {
		fs->sys_fd = -1;
	}
	long tck = sysconf(_SC_CLK_TCK);
	long page = sysconf(_SC_PAGESIZE);
	fs->clk_tck = tck > 0 ? (uint32_t)tck : 100u;
	fs->page_size = page > 0 ? (uint32_t)page : 4096u;
	fs->fd_mode = HAL_FD_MODE_ENUMERATE;
	if (strcmp(r, "/") == 0) {
		/* We hold at least three descriptors, so a kernel that reports the count in st_size
		 * (6.2+) shows a non-zero size for our own fd directory; older kernels show 0. */
		int fdd;
		if (hal_open_at(fs->proc_fd, "self/fd", 1, &fdd) == PM_OK) {
			int64_t size = 0;
			if (hal_sys.fstat_size(fdd, &size) == 0 && size >= 3) {
				fs->fd_mode = HAL_FD_MODE_STAT_SIZE;
			}
			hal_close_fd(&fdd);
		}
		open_creation_mark(fs);
	}
	return PM_OK;
}

void hal_procfs_close(struct hal_procfs *fs)
{
	if (fs == NULL) {
		return;
	}
	hal_close_fd(&fs->mark_fd);
	hal_close_fd(&fs->sys_fd);
	hal_close_fd(&fs->list_fd);
	hal_close_fd(&fs->proc_fd);
	hal_close_fd(&fs->root_fd);
}

pm_status hal_fd_limit_raise(uint64_t want, uint64_t *got)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
		return pm_status_from_errno(errno);
	}
	rlim_t target = (rlim_t)want;
	if (rl.rlim_max != RLIM_INFINITY && target > rl.rlim_max) {
		target = rl.rlim_max;
	}
	if (target > rl.rlim_cur) {
		rl.rlim_cur = target;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
			return pm_status_from_errno(errno);
		}
	}
	if (got != NULL) {
		*got = (uint64_t)rl.rlim_cur;
	}
	return PM_OK;
}

pm_status hal_proc_list(struct hal_procfs *fs, int32_t *pids, size_t cap, size_t *count)
{
	if (fs == NULL || pids == NULL || count == NULL || fs->list_fd < 0) {
		return PM_ERR_INVAL;
	}
	*count = 0;
	return list_dir(fs->list_fd, pids, cap, count);
}

pm_status hal_proc_creation_mark(struct hal_procfs *fs, int64_t *mark)
{
	if (fs == NULL || mark == NULL) {
		return PM_ERR_INVAL;
	}
	if (fs->mark_fd < 0) {
		return PM_ERR_UNSUPPORTED;
	}
	char buf[128];
	size_t len = 0;
	struct hal_loadavg la;
	pm_status st = hal_read_kept(fs->mark_fd, buf, sizeof(buf), &len);
	if (st == PM_OK) {
		st = hal_parse_loadavg(buf, len, &la);
	}
	if (st != PM_OK) {
		return st == PM_ERR_NOSPACE ? PM_ERR_PARSE : st;
	}
	*mark = la.last_pid;
	return PM_OK;
}

pm_status hal_proc_list_threads(const struct hal_procfs *fs, int32_t pid, int32_t *tids, size_t cap,
                                size_t *count)
{
	if (fs == NULL || tids == NULL || count == NULL || pid <= 0) {
		return PM_ERR_INVAL;
	}
	*count = 0;
	char path[32];
	int fd;
	pm_status st = hal_open_at(fs->proc_fd, hal_path_pid(path, sizeof(path), pid, "/task"), 1, &fd);
	if (st != PM_OK) {
		return st == PM_ERR_NOENT ? PM_ERR_GONE : st;
	}
	st = list_dir(fd, tids, cap, count);
	hal_close_fd(&fd);
	return st;
}

void hal_proc_init_closed(struct hal_proc *p)
{
	memset(p, 0, sizeof(*p));
	p->uid = HAL_UID_UNKNOWN;
	p->stat_fd = p->status_fd = p->io_fd = p->fd_fd = p->sched_fd = -1;
}

void hal_proc_close(struct hal_proc *p)
{
	if (p == NULL) {
		return;
	}
	hal_close_fd(&p->stat_fd);
	hal_close_fd(&p->status_fd);
	hal_close_fd(&p->io_fd);
	hal_close_fd(&p->fd_fd);
	hal_close_fd(&p->sched_fd);
}

/* Opens an optional file of the process directory. Absent or forbidden files become `unavailable`;
 * only a vanished process is an error. */
static pm_status open_optional(int dirfd, const char *name, int directory, int *fd, uint32_t bit,
                               uint32_t *unavailable)
{
	pm_status st = hal_open_at(dirfd, name, directory, fd);
	if (st == PM_OK) {
		return PM_OK;
	}
	if (st == PM_ERR_GONE) {
		return st;
	}
	*unavailable |= bit;
	return PM_OK;
}

static pm_status count_fds(struct hal_proc *p, int32_t *out)
{
	if (p->fd_mode == HAL_FD_MODE_STAT_SIZE) {
		int64_t size = 0;
		int r = hal_sys.fstat_size(p->fd_fd, &size);
		if (r < 0) {
			return r == -ESRCH || r == -ENOENT ? PM_ERR_GONE : pm_status_from_errno(-r);
		}
		if (size < 0 || size > INT32_MAX) {
			return PM_ERR_PARSE;
		}
		*out = (int32_t)size;
		return PM_OK;
	}
	size_t n = 0;
	pm_status st = list_dir(p->fd_fd, NULL, 0, &n);
	if (st != PM_OK) {
		return st;
	}
	*out = n > INT32_MAX ? INT32_MAX : (int32_t)n;
	return PM_OK;
}

/* A secondary file failed: the process is gone unless it is a zombie, whose other files may be
 * unreadable while stat still works. */
static pm_status secondary_failed(pm_status st, const struct hal_proc_sample *s)
{
	if (st == PM_ERR_GONE && s->stat.state != 'Z' && s->stat.state != 'X') {
		return PM_ERR_GONE;
	}
	return PM_OK;
}

pm_status hal_proc_sample(struct hal_proc *p, struct hal_proc_sample *s)
{
	if (p == NULL || s == NULL || p->stat_fd < 0) {
		return PM_ERR_INVAL;
	}
	char buf[SCHED_BUF];
	size_t len = 0;
	s->valid = 0;
	s->fd_count = -1;
	s->mono_ns = hal_clock_mono_ns();
	pm_status st = hal_read_kept(p->stat_fd, buf, STAT_BUF, &len);
	if (st != PM_OK) {
		return st == PM_ERR_NOSPACE ? PM_ERR_PARSE : st;
	}
	if (len == 0) {
		return PM_ERR_GONE; /* an empty stat is what a task being reaped can show */
	}
	if ((st = hal_parse_stat(buf, len, &s->stat)) != PM_OK) {
		return st;
	}
	if (p->starttime != 0 && s->stat.starttime != p->starttime) {
		return PM_ERR_GONE;
	}
	s->valid |= HAL_PROC_STAT;
	if (p->status_fd >= 0) {
		st = hal_read_kept(p->status_fd, buf, STATUS_BUF, &len);
		if (st == PM_OK && hal_parse_status_hinted(buf, len, &p->status_hints, &s->status) == PM_OK) {
			s->valid |= HAL_PROC_STATUS;
		} else if (secondary_failed(st, s) != PM_OK) {
			return PM_ERR_GONE;
		}
	}
	if (p->io_fd >= 0) {
		st = hal_read_kept(p->io_fd, buf, IO_BUF, &len);
		if (st == PM_OK && hal_parse_io(buf, len, &s->io) == PM_OK) {
			s->valid |= HAL_PROC_IO;
		} else if (st == PM_ERR_PERM) {
			/* io is checked at read time (ptrace access): stop trying. */
			hal_close_fd(&p->io_fd);
			p->unavailable |= HAL_PROC_IO;
		} else if (secondary_failed(st, s) != PM_OK) {
			return PM_ERR_GONE;
		}
	}
	if (p->sched_fd >= 0) {
		st = hal_read_kept(p->sched_fd, buf, SCHED_BUF, &len);
		if (st == PM_OK && hal_parse_sched(buf, len, &s->sched) == PM_OK) {
			s->valid |= HAL_PROC_SCHED;
		} else if (secondary_failed(st, s) != PM_OK) {
			return PM_ERR_GONE;
		}
	}
	if (p->fd_fd >= 0) {
		st = count_fds(p, &s->fd_count);
		if (st == PM_OK) {
			s->valid |= HAL_PROC_FDS;
		} else {
			s->fd_count = -1;
			if (secondary_failed(st, s) != PM_OK) {
				return PM_ERR_GONE;
			}
		}
	}
	return PM_OK;
}

pm_status hal_proc_open(const struct hal_procfs *fs, int32_t pid, uint32_t fields, struct hal_proc *p,
                        struct hal_proc_sample *first)
{
	if (fs == NULL || p == NULL || pid <= 0 || fs->proc_fd < 0) {
		return PM_ERR_INVAL;
	}
	hal_proc_init_closed(p);
	p->pid = pid;
	p->fields = fields | HAL_PROC_STAT;
	p->fd_mode = fs->fd_mode;
	char path[16];
	int dirfd;
	pm_status st = hal_open_at(fs->proc_fd, hal_path_pid(path, sizeof(path), pid, ""), 1, &dirfd);
	if (st != PM_OK) {
		return st == PM_ERR_NOENT ? PM_ERR_GONE : st;
	}
	st = hal_open_at(dirfd, "stat", 0, &p->stat_fd);
	if (st == PM_ERR_NOENT) {
		st = PM_ERR_GONE;
	}
	if (st == PM_OK && hal_sys.fstat_owner(p->stat_fd, &p->uid) != 0) {
		p->uid = HAL_UID_UNKNOWN; /* the first sample tells whether the process is gone */
	}
	if (st == PM_OK && (fields & HAL_PROC_STATUS) != 0) {
		st = open_optional(dirfd, "status", 0, &p->status_fd, HAL_PROC_STATUS, &p->unavailable);
	}
	if (st == PM_OK && (fields & HAL_PROC_IO) != 0) {
		st = open_optional(dirfd, "io", 0, &p->io_fd, HAL_PROC_IO, &p->unavailable);
	}
	if (st == PM_OK && (fields & HAL_PROC_SCHED) != 0) {
		st = open_optional(dirfd, "sched", 0, &p->sched_fd, HAL_PROC_SCHED, &p->unavailable);
	}
	if (st == PM_OK && (fields & HAL_PROC_FDS) != 0) {
		st = open_optional(dirfd, "fd", 1, &p->fd_fd, HAL_PROC_FDS, &p->unavailable);
	}
	hal_close_fd(&dirfd);
	struct hal_proc_sample local;
	memset(&local, 0, sizeof(local));
	struct hal_proc_sample *s = first != NULL ? first : &local;
	if (st == PM_OK) {
		st = hal_proc_sample(p, s);
	}
	if (st != PM_OK) {
		hal_proc_close(p);
		return st;
	}
	p->starttime = s->stat.starttime;
	return PM_OK;
}

void hal_thread_close(struct hal_thread *t)
{
	if (t == NULL) {
		return;
	}
	hal_close_fd(&t->stat_fd);
	hal_close_fd(&t->schedstat_fd);
	hal_close_fd(&t->sched_fd);
}

pm_status hal_thread_sample(struct hal_thread *t, struct hal_thread_sample *s)
{
	if (t == NULL || s == NULL) {
		return PM_ERR_INVAL;
	}
	char buf[SCHED_BUF];
	size_t len = 0;
	pm_status st;
	s->valid = 0;
	s->mono_ns = hal_clock_mono_ns();
	if (t->stat_fd >= 0) {
		if ((st = hal_read_kept(t->stat_fd, buf, STAT_BUF, &len)) != PM_OK) {
			return st == PM_ERR_NOSPACE ? PM_ERR_PARSE : st;
		}
		if (len == 0) {
			return PM_ERR_GONE;
		}
		if ((st = hal_parse_stat(buf, len, &s->stat)) != PM_OK) {
			return st;
		}
		s->valid |= HAL_THREAD_STAT;
	}
	if (t->schedstat_fd >= 0) {
		if ((st = hal_read_kept(t->schedstat_fd, buf, SCHEDSTAT_BUF, &len)) != PM_OK) {
			return st == PM_ERR_NOSPACE ? PM_ERR_PARSE : st;
		}
		if (len == 0) {
			return PM_ERR_GONE;
		}
		if ((st = hal_parse_schedstat(buf, len, &s->schedstat)) != PM_OK) {
			return st;
		}
		s->valid |= HAL_THREAD_SCHEDSTAT;
	}
	if (t->sched_fd >= 0) {
		st = hal_read_kept(t->sched_fd, buf, SCHED_BUF, &len);
		if (st == PM_ERR_GONE) {
			return st;
		}
		if (st == PM_OK && hal_parse_sched(buf, len, &s->sched) == PM_OK) {
			s->valid |= HAL_THREAD_SCHED;
		}
	}
	return PM_OK;
}

pm_status hal_thread_open(const struct hal_procfs *fs, int32_t pid, int32_t tid, uint32_t fields,
                          struct hal_thread *t, struct hal_thread_sample *first)
{
	if (fs == NULL || t == NULL || pid <= 0 || tid <= 0) {
		return PM_ERR_INVAL;
	}
	memset(t, 0, sizeof(*t));
	t->stat_fd = t->schedstat_fd = t->sched_fd = -1;
	t->pid = pid;
	t->tid = tid;
	t->fields = fields;
	char path[48];
	char *q = hal_path_pid(path, sizeof(path), pid, "/task/");
	size_t used = strlen(q);
	(void)hal_path_pid(path + used, sizeof(path) - used, tid, "");
	int dirfd;
	pm_status st = hal_open_at(fs->proc_fd, path, 1, &dirfd);
	if (st != PM_OK) {
		return st == PM_ERR_NOENT ? PM_ERR_GONE : st;
	}
	if ((fields & HAL_THREAD_STAT) != 0) {
		st = hal_open_at(dirfd, "stat", 0, &t->stat_fd);
		if (st == PM_ERR_NOENT) {
			st = PM_ERR_GONE;
		}
	}
	if (st == PM_OK && (fields & HAL_THREAD_SCHEDSTAT) != 0) {
		st = open_optional(dirfd, "schedstat", 0, &t->schedstat_fd, HAL_THREAD_SCHEDSTAT,
		                   &t->unavailable);
	}
	if (st == PM_OK && (fields & HAL_THREAD_SCHED) != 0) {
		st = open_optional(dirfd, "sched", 0, &t->sched_fd, HAL_THREAD_SCHED, &t->unavailable);
	}
	hal_close_fd(&dirfd);
	struct hal_thread_sample local;
	memset(&local, 0, sizeof(local));
	if (st == PM_OK) {
		st = hal_thread_sample(t, first != NULL ? first : &local);
	}
	if (st != PM_OK) {
		hal_thread_close(t);
	}
	return st;
}

/* Opens <proc>/PID/<name>, reads it whole, closes it. */
static pm_status read_pid_file(const struct hal_procfs *fs, int32_t pid, const char *name, char *buf,
                               size_t cap, size_t *len, int until_eof)
{
	if (fs == NULL || buf == NULL || pid <= 0 || cap < 2) {
		return PM_ERR_INVAL;
	}
	char path[48];
	char *q = hal_path_pid(path, sizeof(path), pid, "/");
	size_t used = strlen(q);
	size_t nlen = strlen(name);
	if (used + nlen + 1 > sizeof(path)) {
		return PM_ERR_INVAL;
	}
	memcpy(path + used, name, nlen + 1);
	int fd;
	pm_status st = hal_open_at(fs->proc_fd, path, 0, &fd);
	if (st != PM_OK) {
		return st == PM_ERR_NOENT ? PM_ERR_GONE : st;
	}
	st = until_eof ? hal_read_kept_all(fd, buf, cap, len) : hal_read_kept(fd, buf, cap, len);
	hal_close_fd(&fd);
	return st;
}

pm_status hal_proc_cmdline(const struct hal_procfs *fs, int32_t pid, char *buf, size_t cap, size_t *len)
{
	size_t n = 0;
	if (buf != NULL && cap > 0) {
		buf[0] = '\0';
	}
	pm_status st = read_pid_file(fs, pid, "cmdline", buf, cap, &n, 1);
	if (st != PM_OK && st != PM_ERR_NOSPACE) {
		return st;
	}
	while (n > 0 && buf[n - 1] == '\0') {
		n--;
	}
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\0') {
			buf[i] = ' ';
		}
	}
	buf[n] = '\0';
	if (len != NULL) {
		*len = n;
	}
	return st;
}

pm_status hal_proc_cgroup(const struct hal_procfs *fs, int32_t pid, char *buf, size_t cap)
{
	char text[2048];
	size_t n = 0;
	if (buf == NULL || cap == 0) {
		return PM_ERR_INVAL;
	}
	buf[0] = '\0';
	pm_status st = read_pid_file(fs, pid, "cgroup", text, sizeof(text), &n, 0);
	if (st != PM_OK) {
		return st;
	}
	return hal_parse_cgroup_path(text, n, buf, cap);
}

pm_status hal_proc_read_stat(const struct hal_procfs *fs, int32_t pid, struct hal_proc_stat *out)
{
	char text[STAT_BUF];
	size_t n = 0;
	if (out == NULL) {
		return PM_ERR_INVAL;
	}
	pm_status st = read_pid_file(fs, pid, "stat", text, sizeof(text), &n, 0);
	if (st != PM_OK) {
		return st;
	}
	if (n == 0) {
		return PM_ERR_GONE;
	}
	return hal_parse_stat(text, n, out);
}

pm_status hal_read_text_at(const struct hal_procfs *fs, const char *relpath, char *buf, size_t cap,
                           size_t *len)
{
	if (fs == NULL || relpath == NULL || buf == NULL || cap < 2) {
		return PM_ERR_INVAL;
	}
	buf[0] = '\0';
	while (relpath[0] == '/') {
		relpath++; /* relative to the tree root, which may be a fixture */
	}
	int fd;
	pm_status st = hal_open_at(fs->root_fd, relpath, 0, &fd);
	if (st != PM_OK) {
		return st;
	}
	st = hal_read_kept_all(fd, buf, cap, len);
	hal_close_fd(&fd);
	return st;
}

pm_status hal_read_pidfile(const struct hal_procfs *fs, const char *path, int32_t *pid)
{
	char text[32];
	size_t n = 0;
	if (pid == NULL) {
		return PM_ERR_INVAL;
	}
	pm_status st = hal_read_text_at(fs, path, text, sizeof(text), &n);
	if (st != PM_OK) {
		return st == PM_ERR_NOSPACE ? PM_ERR_PARSE : st;
	}
	uint64_t v;
	st = hal_parse_u64_or_max(text, n, &v);
	if (st != PM_OK || v == 0 || v > INT32_MAX) {
		return PM_ERR_PARSE;
	}
	*pid = (int32_t)v;
	return PM_OK;
}
