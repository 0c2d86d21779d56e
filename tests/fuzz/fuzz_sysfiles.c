/* libFuzzer target: loadavg, vmstat, PSI, net/dev, cgroup cpu.stat and /proc/PID/cgroup parsers. Checks
 * memory safety and the parser's contract on arbitrary bytes. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hal/procparse.h"

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
	return 0;
}
