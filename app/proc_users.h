/* `picmon top`'s "Users:" header line: the users with the most processes, by name from the passwd
 * table (numeric when unknown), e.g. "Users: root 120, www-data 3, +2 more". */
#ifndef APP_PROC_USERS_H
#define APP_PROC_USERS_H

#include "hal/users.h"
#include "rt/user_tally.h"
#include "text_buf.h"

/* Users named on the line; the others are summed up as "+N more". */
#define APP_TOP_USERS_SHOWN 4u

/* Appends "Users: NAME COUNT, ..., +N more" (no newline) for a tally of at most
 * APP_TOP_USERS_SHOWN users. `names` may be NULL (every uid numeric); an unknown owner is "?". */
void app_proc_users_line(struct app_text *t, const struct rt_user_tally *tally,
                         const struct hal_users *names);

#endif
