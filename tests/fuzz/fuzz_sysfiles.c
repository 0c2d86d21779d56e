/* libFuzzer target: loadavg, vmstat, PSI, net/dev, cgroup cpu.stat, /proc/PID/cgroup and passwd
 * parsers. Checks memory safety and the parser's contract on arbitrary bytes. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hal/procparse.h"
#include "hal/users.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hal_loadavg la;
	struct hal_vmstat vm;
	struct hal_psi psi;
	static struct hal_netdev_table nd;
	struct hal_cgroup_cpu_stat cs;
	(void)hal_parse_loadavg((const char *)data, size, &la);
	(void)hal_parse_vmstat((const char *)data, size, &vm);
	(void)hal_parse_psi((const char *)data, size, &psi);
	(void)hal_parse_netdev((const char *)data, size, &nd);
	(void)hal_parse_cgroup_cpu_stat((const char *)data, size, &cs);
	char path[64];
	(void)hal_parse_cgroup_path((const char *)data, size, path, sizeof(path));
	static struct hal_users users;
	hal_users_init(&users);
	(void)hal_users_parse(&users, (const char *)data, size);
	assert(users.n <= HAL_USERS_MAX);
	for (uint32_t i = 0; i < users.n; i++) {
		assert(users.user[i].name[0] != '\0' && strlen(users.user[i].name) < HAL_USER_NAME_MAX);
	}
	return 0;
}
