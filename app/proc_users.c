/* The "Users:" line of `picmon top` (app/proc_users.h). */
#include "proc_users.h"

void app_proc_users_line(struct app_text *t, const struct rt_user_tally *tally, const struct hal_users *names)
{
	app_text_str(t, "Users:", 0);
	if (tally->users == 0) {
		app_text_str(t, " none", 0);
		return;
	}
	for (uint32_t i = 0; i < tally->ntop && i < RT_USER_TOP_MAX; i++) {
		const struct rt_user_count *c = &tally->top[i];
		app_text_str(t, i == 0 ? " " : ", ", 0);
		const char *name = hal_users_name(names, c->uid);
		if (name != NULL) {
			app_text_str(t, name, 0);
		} else if (c->uid == HAL_UID_UNKNOWN) {
			app_text_char(t, '?');
		} else {
			app_text_u64(t, c->uid, 0);
		}
		app_text_char(t, ' ');
		app_text_u64(t, c->procs, 0);
	}
	if (tally->users > tally->ntop) {
		app_text_str(t, ", +", 0);
		app_text_u64(t, tally->users - tally->ntop, 0);
		app_text_str(t, " more", 0);
	}
}
