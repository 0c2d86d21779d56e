/* User names for uids (`picmon top`'s per-user process counts): <root>/etc/passwd read once at
 * start-up into a fixed table. No NSS: a uid without a passwd line is shown as a number. */
#ifndef HAL_USERS_H
#define HAL_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/proc.h"
#include "hal/status.h"

#define HAL_USERS_MAX 1024            /* passwd lines kept */
#define HAL_USER_NAME_MAX 33          /* a name of up to 32 bytes (useradd's limit) and its NUL */
#define HAL_USERS_FILE_MAX (1u << 20) /* bytes of passwd read at most */

struct hal_user {
	uint32_t uid;
	char name[HAL_USER_NAME_MAX];
};

struct hal_users {
	uint32_t n;
	bool truncated;   /* lines were left out: table full or file longer than HAL_USERS_FILE_MAX */
	uint32_t skipped; /* malformed lines, or names that are too long or not printable */
	struct hal_user user[HAL_USERS_MAX];
};

/* Empties the table. */
void hal_users_init(struct hal_users *u);

/* Adds the entries of passwd text (name:password:uid:...; '\n'-separated, the last line may lack
 * its newline). Comments, NIS "+"/"-" lines, malformed lines and names over 32 bytes or with
 * control, blank, ',' or non-ASCII bytes are counted in u->skipped. PM_ERR_NOSPACE when the table
 * filled up (what fitted is kept). Pure: no syscall. */
pm_status hal_users_parse(struct hal_users *u, const char *text, size_t len);

/* Empties the table and loads <root>/etc/passwd of the tree (the live tree: /etc/passwd).
 * PM_ERR_NOENT when there is none (the table stays empty), PM_ERR_NOSPACE when it was truncated. */
pm_status hal_users_load(const struct hal_procfs *fs, struct hal_users *u);

/* The name of uid (the first passwd line with it, as getpwuid), NULL when unknown. */
const char *hal_users_name(const struct hal_users *u, uint32_t uid);

#endif
