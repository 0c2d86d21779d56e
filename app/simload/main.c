/* picmon-simload: the workload simulator (process-state profiles, periodic RT jobs with faults). */
#include <stdio.h>

#include "hal/log.h"
#include "hal/process.h"
#include "hal/workload.h"
#include "simload.h"

int main(int argc, char **argv)
{
	hal_log_set_program("picmon-simload");
	struct sim_options opt;
	char err[256];
	pm_status st = sim_parse(argc, argv, &opt, err, sizeof(err));
	if (st == PM_ERR_AGAIN) {
		return 0;
	}
	if (st != PM_OK) {
		hal_log(HAL_LOG_ERROR, "%s (see --help)", err);
		return 2;
	}
	if (hal_signal_install_stop(&sim_stop) != PM_OK) {
		hal_log(HAL_LOG_ERROR, "cannot install signal handlers");
		return 1;
	}
	return opt.rt_name != NULL ? sim_run_rt(&opt) : sim_run_profiles(&opt);
}
