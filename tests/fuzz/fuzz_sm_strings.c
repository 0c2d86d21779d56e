/* Fuzz target: state machine overrides from configuration text. Input: first line the type digit,
 * second line states separated by ',', then one transition per line. Whatever is accepted must
 * validate and drive a tracker through every event without leaving the table. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rt/state_machine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_WORDS 40

static char text[4096];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size >= sizeof(text)) {
		return 0;
	}
	memcpy(text, data, size);
	text[size] = '\0';
	enum rt_resource_type type = (enum rt_resource_type)((unsigned)text[0] % RT_RES_TYPE_COUNT);
	const char *states[MAX_WORDS];
	const char *trans[MAX_WORDS];
	size_t ns = 0;
	size_t nt = 0;
	char *line = strchr(text, '\n');
	if (line == NULL) {
		return 0;
	}
	*line++ = '\0';
	char *end = strchr(line, '\n');
	if (end != NULL) {
		*end++ = '\0';
	}
	for (char *p = line; p != NULL && ns < MAX_WORDS;) {
		states[ns++] = p;
		p = strchr(p, ',');
		if (p != NULL) {
			*p++ = '\0';
		}
	}
	for (char *p = end; p != NULL && *p != '\0' && nt < MAX_WORDS;) {
		trans[nt++] = p;
		p = strchr(p, '\n');
		if (p != NULL) {
			*p++ = '\0';
		}
	}
	struct rt_sm_def def;
	char err[96];
	if (rt_sm_from_strings(type, states, ns, trans, nt, &def, err, sizeof(err)) != PM_OK) {
		if (memchr(err, '\0', sizeof(err)) == NULL) {
			__builtin_trap();
		}
		return 0;
	}
	if (rt_sm_validate(&def) != PM_OK) {
		__builtin_trap();
	}
	struct rt_sm_track t;
	rt_sm_track_init(&t, &def, 1);
	pm_ns now = 1;
	for (unsigned round = 0; round < 4; round++) {
		for (unsigned e = 0; e < RT_EV_COUNT; e++) {
			uint32_t to = rt_sm_next(&def, t.state, (enum rt_sm_event)e);
			now += PM_NS_PER_S;
			if (to != RT_SM_NONE) {
				(void)rt_sm_track_move(&t, &def, to, now, NULL);
			}
			if (t.state >= def.n_states) {
				__builtin_trap();
			}
		}
	}
	return 0;
}
