/* Linux implementation of hal/machine.h: CPU ids from sysfs. */
#include "hal/machine.h"

#include <unistd.h>

#include "hal/file.h"

pm_status hal_machine_cpu_count(uint32_t *count)
{
	if (count == NULL) {
		return PM_ERR_INVAL;
	}
	char buf[256];
	size_t len = 0;
	pm_status st = hal_file_read_all("/sys/devices/system/cpu/present", buf, sizeof(buf), &len);
	if (st == PM_OK) {
		/* A CPU list such as "0-3" or "0,2-5": the last number is the highest present id. */
		uint32_t last = 0;
		int have = 0;
		uint32_t cur = 0;
		int in_num = 0;
		for (size_t i = 0; i < len; i++) {
			char c = buf[i];
			if (c >= '0' && c <= '9') {
				cur = in_num ? cur * 10 + (uint32_t)(c - '0') : (uint32_t)(c - '0');
				in_num = 1;
				if (cur > 1u << 20) {
					return PM_ERR_PARSE;
				}
			} else {
				if (in_num) {
					last = cur;
					have = 1;
				}
				in_num = 0;
			}
		}
		if (in_num) {
			last = cur;
			have = 1;
		}
		if (have) {
			*count = last + 1;
			return PM_OK;
		}
	}
	long n = sysconf(_SC_NPROCESSORS_CONF);
	if (n <= 0) {
		return PM_ERR_UNSUPPORTED;
	}
	*count = (uint32_t)n;
	return PM_OK;
}
