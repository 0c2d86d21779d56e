/* <root>/etc/passwd into the fixed uid -> name table of hal/users.h. */
#include "hal/users.h"

#include <errno.h>
#include <string.h>

#include "hal/syscall.h"
#include "proc_io.h"

#define CHUNK 4096

void hal_users_init(struct hal_users *u)
{
	u->n = 0;
	u->truncated = false;
	u->skipped = 0;
}

static int name_byte_ok(unsigned char c)
{
	/* What a terminal shows as one column and a list separates cleanly. */
	return c > ' ' && c < 0x7f && c != ',' && c != ':';
}

/* One line without its newline. 1 when added, 0 when skipped, -1 when the table is full. */
static int add_line(struct hal_users *u, const char *line, size_t len)
{
	if (len == 0) {
		return 0;
	}
	if (line[0] == '#' || line[0] == '+' || line[0] == '-') {
		u->skipped++;
		return 0;
	}
	const char *c1 = memchr(line, ':', len);
	if (c1 == NULL || c1 == line || (size_t)(c1 - line) >= HAL_USER_NAME_MAX) {
		u->skipped++;
		return 0;
	}
	size_t name_len = (size_t)(c1 - line);
	for (size_t i = 0; i < name_len; i++) {
		if (!name_byte_ok((unsigned char)line[i])) {
			u->skipped++;
			return 0;
		}
	}
	const char *end = line + len;
	const char *c2 = memchr(c1 + 1, ':', (size_t)(end - (c1 + 1)));
	if (c2 == NULL) {
		u->skipped++;
		return 0;
	}
	const char *p = c2 + 1;
	uint64_t uid = 0;
	size_t digits = 0;
	for (; p < end && *p >= '0' && *p <= '9' && digits < 11; p++, digits++) {
		uid = uid * 10 + (uint64_t)(*p - '0');
	}
	/* The uid field ends the line or at the next ':'; (uid_t)-1 is "no user". */
	if (digits == 0 || (p < end && *p != ':') || uid >= HAL_UID_UNKNOWN) {
		u->skipped++;
		return 0;
	}
	if (u->n >= HAL_USERS_MAX) {
		u->truncated = true;
		return -1;
	}
	struct hal_user *e = &u->user[u->n++];
	e->uid = (uint32_t)uid;
	memcpy(e->name, line, name_len);
	e->name[name_len] = '\0';
	return 1;
}

/* Adds the complete lines of text[0..len); returns the length of the incomplete tail (0 when text
 * ends with a newline), or -1 when the table is full. */
static int64_t add_lines(struct hal_users *u, const char *text, size_t len)
{
	size_t start = 0;
	while (start < len) {
		const char *nl = memchr(text + start, '\n', len - start);
		if (nl == NULL) {
			return (int64_t)(len - start);
		}
		size_t line_len = (size_t)(nl - (text + start));
		if (add_line(u, text + start, line_len) < 0) {
			return -1;
		}
		start += line_len + 1;
	}
	return 0;
}

pm_status hal_users_parse(struct hal_users *u, const char *text, size_t len)
{
	if (u == NULL || (text == NULL && len > 0)) {
		return PM_ERR_INVAL;
	}
	int64_t tail = add_lines(u, text, len);
	if (tail > 0 && add_line(u, text + len - (size_t)tail, (size_t)tail) < 0) {
		tail = -1;
	}
	return tail < 0 ? PM_ERR_NOSPACE : PM_OK;
}

/* Reads the open passwd in chunks; a line longer than a chunk is skipped. */
static pm_status load_fd(int fd, struct hal_users *u)
{
	char buf[CHUNK];
	size_t have = 0;       /* bytes of an incomplete line at the start of buf */
	bool skipping = false; /* inside a line too long for buf: drop up to its newline */
	int64_t off = 0;
	for (uint32_t reads = 0; reads <= HAL_USERS_FILE_MAX / (CHUNK / 2); reads++) {
		if (off >= (int64_t)HAL_USERS_FILE_MAX) {
			u->truncated = true;
			return PM_ERR_NOSPACE;
		}
		int64_t n = hal_sys.pread(fd, buf + have, sizeof(buf) - have, off);
		if (n == -EINTR) {
			continue;
		}
		if (n < 0) {
			return pm_status_from_errno((int)-n);
		}
		if (n == 0) {
			if (!skipping && have > 0 && add_line(u, buf, have) < 0) {
				return PM_ERR_NOSPACE;
			}
			return PM_OK;
		}
		off += n;
		size_t len = have + (size_t)n;
		size_t from = 0;
		if (skipping) {
			const char *nl = memchr(buf, '\n', len);
			if (nl == NULL) {
				have = 0;
				continue;
			}
			from = (size_t)(nl - buf) + 1;
			skipping = false;
		}
		int64_t tail = add_lines(u, buf + from, len - from);
		if (tail < 0) {
			return PM_ERR_NOSPACE;
		}
		if ((size_t)tail == sizeof(buf)) {
			u->skipped++; /* one line fills the buffer */
			skipping = true;
			have = 0;
			continue;
		}
		memmove(buf, buf + len - (size_t)tail, (size_t)tail);
		have = (size_t)tail;
	}
	u->truncated = true;
	return PM_ERR_NOSPACE;
}

pm_status hal_users_load(const struct hal_procfs *fs, struct hal_users *u)
{
	if (fs == NULL || u == NULL || fs->root_fd < 0) {
		return PM_ERR_INVAL;
	}
	hal_users_init(u);
	int fd;
	pm_status st = hal_open_at(fs->root_fd, "etc/passwd", 0, &fd);
	if (st != PM_OK) {
		return st;
	}
	st = load_fd(fd, u);
	hal_close_fd(&fd);
	return st;
}

const char *hal_users_name(const struct hal_users *u, uint32_t uid)
{
	if (u == NULL) {
		return NULL;
	}
	for (uint32_t i = 0; i < u->n && i < HAL_USERS_MAX; i++) {
		if (u->user[i].uid == uid) {
			return u->user[i].name;
		}
	}
	return NULL;
}
