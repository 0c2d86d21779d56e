/* Persistence of the learned anomaly baselines next to the journal, so that a 7-day learning period
 * is not lost when the monitor restarts: one checksummed blob (rt_resmon_baseline_save), replaced
 * atomically by rename. */
#include <stdio.h>

#include "hal/file.h"
#include "hal/log.h"
#include "run.h"

#define BASELINE_FILE "anomaly-baseline.bin"

static pm_status baseline_path(const struct app_run *run, const char *suffix, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s/%s%s", run->journal_dir, BASELINE_FILE, suffix);
	return n > 0 && (size_t)n < cap ? PM_OK : PM_ERR_NOSPACE;
}

void app_run_baseline_load(struct app_run *run)
{
	char path[PM_MAX_PATH + 32];
	if (baseline_path(run, "", path, sizeof(path)) != PM_OK) {
		return;
	}
	size_t len = 0;
	pm_status st = hal_file_read_all(path, (char *)run->baseline, sizeof(run->baseline), &len);
	if (st == PM_ERR_NOENT) {
		return; /* first run: learning starts now */
	}
	if (st != PM_OK) {
		hal_log(HAL_LOG_WARN, "anomaly baselines in %s unreadable (%s): learning starts again", path,
		        pm_status_str(st));
		return;
	}
	uint32_t skipped = 0;
	st = rt_resmon_baseline_load(&run->resmon, run->baseline, len, &skipped);
	if (st != PM_OK) {
		hal_log(HAL_LOG_WARN, "anomaly baselines in %s rejected (%s): learning starts again", path,
		        pm_status_str(st));
		return;
	}
	hal_log(HAL_LOG_INFO,
	        "anomaly baselines restored from %s (%u entries of resources no longer configured)", path,
	        skipped);
}

pm_status app_run_baseline_save(struct app_run *run)
{
	char tmp[PM_MAX_PATH + 32];
	char path[PM_MAX_PATH + 32];
	pm_status st = baseline_path(run, ".tmp", tmp, sizeof(tmp));
	if (st == PM_OK) {
		st = baseline_path(run, "", path, sizeof(path));
	}
	size_t len = 0;
	if (st == PM_OK) {
		st = rt_resmon_baseline_save(&run->resmon, run->baseline, sizeof(run->baseline), &len);
	}
	if (st != PM_OK) {
		return st;
	}
	struct hal_file f = HAL_FILE_CLOSED;
	st = hal_file_open(&f, tmp, HAL_FILE_WRITE | HAL_FILE_CREATE | HAL_FILE_TRUNC);
	if (st != PM_OK) {
		return st;
	}
	st = hal_file_append(&f, run->baseline, len);
	if (st == PM_OK) {
		st = hal_file_fsync(&f);
	}
	pm_status cst = hal_file_close(&f);
	if (st == PM_OK) {
		st = cst;
	}
	if (st == PM_OK) {
		st = hal_file_rename(tmp, path);
	}
	return st;
}
