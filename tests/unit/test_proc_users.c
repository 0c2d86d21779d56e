/* Processes per user for `picmon top`: the tally (rt/user_tally.h) over uid tables built here, the
 * passwd reader (hal/users.h) over text and over files written here (chunk boundaries, a line too
 * long for a chunk, short reads and EIO injected through the seam), and the "Users:" line. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/syscall.h"
#include "hal/users.h"
#include "proc_users.h"
#include "rt/user_tally.h"

static struct rt_user_count scratch[RT_USER_SCRATCH];
static uint32_t uids[PM_MAX_PROCESSES];
static struct hal_users users;

static void test_tally_ranks(void **state)
{
	(void)state;
	const uint32_t u[] = { 0, 0, 0, 33, 1000, 1000, 33, 0, 65534, HAL_UID_UNKNOWN };
	struct rt_user_tally t;
	assert_int_equal(rt_user_tally(u, 10, scratch, 32, 2, &t), PM_OK);
	assert_int_equal(t.procs, 10);
	assert_int_equal(t.users, 5);
	assert_int_equal(t.ntop, 2);
	assert_int_equal(t.top[0].uid, 0);
	assert_int_equal(t.top[0].procs, 4);
	/* 33 and 1000 both have 2: the smaller uid ranks first. */
	assert_int_equal(t.top[1].uid, 33);
	assert_int_equal(t.top[1].procs, 2);
	assert_int_equal(rt_user_tally(u, 10, scratch, 32, 8, &t), PM_OK);
	assert_int_equal(t.ntop, 5);
	const uint32_t want_uid[] = { 0, 33, 1000, 65534, HAL_UID_UNKNOWN };
	const uint32_t want_n[] = { 4, 2, 2, 1, 1 };
	for (uint32_t i = 0; i < 5; i++) {
		assert_int_equal(t.top[i].uid, want_uid[i]);
		assert_int_equal(t.top[i].procs, want_n[i]);
	}
	assert_int_equal(rt_user_tally(u, 0, scratch, 32, 4, &t), PM_OK);
	assert_int_equal(t.users, 0);
	assert_int_equal(t.ntop, 0);
	/* Bad arguments: cap not a power of two, less than 2n, k too large. */
	assert_int_equal(rt_user_tally(u, 10, scratch, 24, 2, &t), PM_ERR_INVAL);
	assert_int_equal(rt_user_tally(u, 10, scratch, 16, 2, &t), PM_ERR_INVAL);
	assert_int_equal(rt_user_tally(u, 10, scratch, 32, RT_USER_TOP_MAX + 1, &t), PM_ERR_INVAL);
	assert_int_equal(rt_user_tally(NULL, 1, scratch, 32, 2, &t), PM_ERR_INVAL);
}

static void test_tally_full_table(void **state)
{
	(void)state;
	struct rt_user_tally t;
	/* uids that differ only above the table's bits (user-namespace ranges) and a full table of
	 * distinct owners: every count exact. */
	for (uint32_t i = 0; i < PM_MAX_PROCESSES; i++) {
		uids[i] = 100000u + (i % 5u) * 65536u * 16u;
	}
	assert_int_equal(rt_user_tally(uids, PM_MAX_PROCESSES, scratch, RT_USER_SCRATCH, 5, &t), PM_OK);
	assert_int_equal(t.users, 5);
	uint32_t sum = 0;
	for (uint32_t i = 0; i < t.ntop; i++) {
		sum += t.top[i].procs;
		assert_true(t.top[i].procs == PM_MAX_PROCESSES / 5 ||
		            t.top[i].procs == PM_MAX_PROCESSES / 5 + 1);
	}
	assert_int_equal(sum, PM_MAX_PROCESSES);
	assert_int_equal(t.top[0].uid, 100000u); /* i % 5 == 0 has the one extra (4096 = 5 * 819 + 1) */
	assert_int_equal(t.top[0].procs, PM_MAX_PROCESSES / 5 + 1);
	for (uint32_t i = 0; i < PM_MAX_PROCESSES; i++) {
		uids[i] = PM_MAX_PROCESSES * 3u - i; /* descending, all distinct */
	}
	uids[7] = uids[100]; /* one user with two */
	assert_int_equal(rt_user_tally(uids, PM_MAX_PROCESSES, scratch, RT_USER_SCRATCH, 3, &t), PM_OK);
	assert_int_equal(t.users, PM_MAX_PROCESSES - 1);
	assert_int_equal(t.top[0].uid, uids[100]);
	assert_int_equal(t.top[0].procs, 2);
	assert_int_equal(t.top[1].uid, PM_MAX_PROCESSES * 2u + 1u); /* the smallest of the rest */
	assert_int_equal(t.top[1].procs, 1);
}

static void test_passwd_parse(void **state)
{
	(void)state;
	static const char text[] = "# comment\n"
	                           "root:x:0:0:root:/root:/bin/bash\n"
	                           "\n"
	                           "daemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n"
	                           "+nisuser::::::\n"
	                           "-other\n"
	                           "nouid:x::5::/:/bin/sh\n"
	                           "letters:x:12a:5::/:/bin/sh\n"
	                           "minus1:x:4294967295:5::/:/bin/sh\n"
	                           "huge:x:99999999999:5::/:/bin/sh\n"
	                           "has space:x:7:7::/:/bin/sh\n"
	                           "has\033esc:x:8:8::/:/bin/sh\n"
	                           "a,b:x:9:9::/:/bin/sh\n"
	                           "abcdefghijklmnopqrstuvwxyz0123456:x:10:10::/:/bin/sh\n"
	                           "abcdefghijklmnopqrstuvwxyz012345:x:11:11::/:/bin/sh\n"
	                           "toor:x:0:0:second root:/root:/bin/sh\n"
	                           ":x:12:12::/:/bin/sh\n"
	                           "nocolon\n"
	                           "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin";
	hal_users_init(&users);
	assert_int_equal(hal_users_parse(&users, text, strlen(text)), PM_OK);
	assert_int_equal(users.n, 5);
	assert_int_equal(users.skipped, 13);
	assert_false(users.truncated);
	assert_string_equal(hal_users_name(&users, 0), "root"); /* the first line wins, as getpwuid */
	assert_string_equal(hal_users_name(&users, 1), "daemon");
	assert_string_equal(hal_users_name(&users, 11), "abcdefghijklmnopqrstuvwxyz012345");
	assert_string_equal(hal_users_name(&users, 33), "www-data"); /* last line without newline */
	assert_null(hal_users_name(&users, 10));
	assert_null(hal_users_name(&users, 7));
	assert_null(hal_users_name(&users, 1000));
	assert_null(hal_users_name(NULL, 0));
	/* A table that fills up keeps what fitted. */
	hal_users_init(&users);
	char line[64];
	pm_status st = PM_OK;
	for (uint32_t i = 0; i < HAL_USERS_MAX + 5 && st == PM_OK; i++) {
		int n = snprintf(line, sizeof(line), "u%u:x:%u:100::/:/bin/sh\n", i, 5000 + i);
		st = hal_users_parse(&users, line, (size_t)n);
	}
	assert_int_equal(st, PM_ERR_NOSPACE);
	assert_int_equal(users.n, HAL_USERS_MAX);
	assert_true(users.truncated);
	assert_string_equal(hal_users_name(&users, 5000 + HAL_USERS_MAX - 1), "u1023");
	assert_null(hal_users_name(&users, 5000 + HAL_USERS_MAX));
}

static struct hal_syscalls real;
static size_t pread_max;  /* 0: no limit */
static int pread_fail_at; /* > 0: this pread (1-based) fails with EIO */
static int pread_calls;

static int64_t fake_pread(int fd, void *buf, size_t len, int64_t off)
{
	pread_calls++;
	if (pread_fail_at > 0 && pread_calls == pread_fail_at) {
		return -EIO;
	}
	return real.pread(fd, buf, pread_max > 0 && len > pread_max ? pread_max : len, off);
}

static int setup(void **state)
{
	(void)state;
	hal_syscall_reset();
	real = hal_sys;
	hal_sys.pread = fake_pread;
	pread_max = 0;
	pread_fail_at = 0;
	pread_calls = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	hal_syscall_reset();
	return 0;
}

/* A tree with proc/ and etc/passwd: 300 users around one line longer than a read chunk. */
static void make_tree(char *dir, size_t cap)
{
	snprintf(dir, cap, "/tmp/picmon-users-XXXXXX");
	assert_non_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof(path), "%s/proc", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc/passwd", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 300; i++) {
		fprintf(f, "user%03d:x:%d:100:User number %d:/home/user%03d:/bin/sh\n", i, 2000 + i, i, i);
		if (i == 150) {
			fprintf(f, "long:x:77:77:");
			for (int k = 0; k < 5000; k++) {
				fputc('g', f);
			}
			fprintf(f, ":/:/bin/sh\n");
		}
	}
	fprintf(f, "last:x:9999:9999::/:/bin/sh"); /* no final newline */
	assert_int_equal(fclose(f), 0);
}

static void remove_tree(const char *dir)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/etc/passwd", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/etc", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/proc", dir);
	rmdir(path);
	rmdir(dir);
}

static void check_loaded(void)
{
	assert_int_equal(users.n, 301);
	assert_int_equal(users.skipped, 1); /* the long line */
	char want[16];
	for (uint32_t i = 0; i < 300; i++) {
		snprintf(want, sizeof(want), "user%03u", i);
		const char *name = hal_users_name(&users, 2000 + i);
		assert_non_null(name);
		assert_string_equal(name, want);
	}
	assert_null(hal_users_name(&users, 77));
	assert_string_equal(hal_users_name(&users, 9999), "last");
}

static void test_passwd_load(void **state)
{
	(void)state;
	char dir[64];
	make_tree(dir, sizeof(dir));
	struct hal_procfs fs;
	assert_int_equal(hal_procfs_open(&fs, dir), PM_OK);
	assert_int_equal(hal_users_load(&fs, &users), PM_OK);
	check_loaded();
	int whole = pread_calls;
	/* Short reads that end anywhere in a line. */
	pread_max = 97;
	pread_calls = 0;
	assert_int_equal(hal_users_load(&fs, &users), PM_OK);
	check_loaded();
	assert_true(pread_calls > whole);
	/* A failing read is an error, never a silently shorter table. */
	pread_max = 0;
	pread_calls = 0;
	pread_fail_at = 2;
	assert_int_equal(hal_users_load(&fs, &users), PM_ERR_IO);
	hal_procfs_close(&fs);
	remove_tree(dir);
	/* No passwd in the tree: an empty table. */
	pread_fail_at = 0;
	assert_int_equal(hal_procfs_open(&fs, PICMON_SOURCE_DIR "/tests/fixtures/proc-normal"), PM_OK);
	users.n = 3;
	assert_int_equal(hal_users_load(&fs, &users), PM_ERR_NOENT);
	assert_int_equal(users.n, 0);
	assert_null(hal_users_name(&users, 0));
	hal_procfs_close(&fs);
}

static const char *users_line(const uint32_t *u, uint32_t n, const struct hal_users *names)
{
	static char buf[256];
	struct rt_user_tally t;
	assert_int_equal(rt_user_tally(u, n, scratch, 64, APP_TOP_USERS_SHOWN, &t), PM_OK);
	struct app_text text;
	app_text_init(&text, buf, sizeof(buf));
	app_proc_users_line(&text, &t, names);
	assert_false(text.overflow);
	return buf;
}

static void test_users_line(void **state)
{
	(void)state;
	static const char pw[] = "root:x:0:0:root:/root:/bin/bash\n"
	                         "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n";
	hal_users_init(&users);
	assert_int_equal(hal_users_parse(&users, pw, strlen(pw)), PM_OK);
	const uint32_t u[] = { 0, 33, 1000, 0, 65534, 0, 1000, 33, 0, 4321 };
	assert_string_equal(users_line(u, 10, &users), "Users: root 4, www-data 2, 1000 2, 4321 1, +1 more");
	assert_string_equal(users_line(u, 10, NULL), "Users: 0 4, 33 2, 1000 2, 4321 1, +1 more");
	assert_string_equal(users_line(u, 3, &users), "Users: root 1, www-data 1, 1000 1");
	const uint32_t unknown[] = { HAL_UID_UNKNOWN, 33, HAL_UID_UNKNOWN };
	assert_string_equal(users_line(unknown, 3, &users), "Users: ? 2, www-data 1");
	assert_string_equal(users_line(u, 0, &users), "Users: none");
	/* Five users, four shown. */
	const uint32_t five[] = { 5, 4, 3, 2, 1 };
	assert_string_equal(users_line(five, 5, NULL), "Users: 1 1, 2 1, 3 1, 4 1, +1 more");
	assert_string_equal(users_line(five, 4, NULL), "Users: 2 1, 3 1, 4 1, 5 1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tally_ranks),
		cmocka_unit_test(test_tally_full_table),
		cmocka_unit_test(test_passwd_parse),
		cmocka_unit_test_setup_teardown(test_passwd_load, setup, teardown),
		cmocka_unit_test(test_users_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
