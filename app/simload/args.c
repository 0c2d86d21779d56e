/* Command line and environment of picmon-simload. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simload.h"

static const char usage[] =
    "usage: picmon-simload [--state S] [--procs N] [--mix diverse] [--model NAME] [--duration S]\n"
    "                      [--crash-after S] [--log-dir DIR]\n"
    "       picmon-simload --rt NAME --period 10ms --deadline 8ms --exec 2ms [--priority P] [--cpu N]\n"
    "                      [--miss-every N] [--overrun-every N] [--hang-after S] [--crash-after S]\n"
    "                      [--duration S] [--report-json FILE] [--model NAME]\n"
    "States (PROCESS_STATE): foreground_active background_active active running inactive.\n"
    "Environment: PROCESS_STATE, NUM_PROCS, PROCESS_MIX=diverse (flags win); PICMON_SHM for --rt.\n"
    "--priority 0 runs SCHED_OTHER; without --priority the RT job asks for SCHED_FIFO 10.\n"
    "S: seconds (\"5\", \"0.5\") or a duration (\"500ms\", \"2s\").\n";

static const char *const known[] = {
	"--state",       "--procs",      "--mix",        "--model",         "--log-dir",     "--duration",
	"--crash-after", "--hang-after", "--rt",         "--period",        "--deadline",    "--exec",
	"--priority",    "--cpu",        "--miss-every", "--overrun-every", "--report-json",
};

static bool is_known(const char *key)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strcmp(key, known[i]) == 0) {
			return true;
		}
	}
	return false;
}

static pm_status parse_u32(const char *text, uint32_t min, uint32_t max, uint32_t *out)
{
	if (text == NULL || text[0] == '\0') {
		return PM_ERR_INVAL;
	}
	char *end = NULL;
	unsigned long v = strtoul(text, &end, 10);
	if (end == NULL || *end != '\0' || text[0] == '-' || v < min || v > max) {
		return PM_ERR_INVAL;
	}
	*out = (uint32_t)v;
	return PM_OK;
}

/* A duration with unit ("10ms") or plain seconds ("5", "0.5"). */
static pm_status parse_time(const char *text, pm_ns *out)
{
	if (text == NULL || text[0] == '\0') {
		return PM_ERR_INVAL;
	}
	if (rt_duration_parse(text, strlen(text), out) == PM_OK) {
		return PM_OK;
	}
	char *end = NULL;
	double s = strtod(text, &end);
	if (end == NULL || *end != '\0' || !(s >= 0.0) || s > 1.0e6) {
		return PM_ERR_INVAL;
	}
	*out = (pm_ns)(s * 1e9);
	return PM_OK;
}

static void set_err(char *err, size_t cap, const char *what, const char *arg)
{
	int n = snprintf(err, cap, "%s%s", what, arg != NULL ? arg : "");
	if (n < 0 && cap > 0) {
		err[0] = '\0';
	}
}

static pm_status apply(struct sim_options *o, const char *key, const char *val, char *err, size_t cap)
{
	pm_status st = PM_OK;
	uint32_t u = 0;
	if (strcmp(key, "--state") == 0) {
		o->state = sim_state_from_name(val);
		st = o->state == SIM_STATE_COUNT ? PM_ERR_INVAL : PM_OK;
	} else if (strcmp(key, "--procs") == 0) {
		st = parse_u32(val, 1, SIM_MAX_PROCS, &o->procs);
	} else if (strcmp(key, "--mix") == 0) {
		st = strcmp(val, "diverse") == 0 ? PM_OK : PM_ERR_INVAL;
		o->mix_diverse = st == PM_OK;
	} else if (strcmp(key, "--model") == 0) {
		o->model = val;
	} else if (strcmp(key, "--log-dir") == 0) {
		o->log_dir = val;
	} else if (strcmp(key, "--duration") == 0) {
		st = parse_time(val, &o->duration_ns);
	} else if (strcmp(key, "--crash-after") == 0) {
		st = parse_time(val, &o->crash_after_ns);
	} else if (strcmp(key, "--hang-after") == 0) {
		st = parse_time(val, &o->hang_after_ns);
	} else if (strcmp(key, "--rt") == 0) {
		o->rt_name = val;
		st = val[0] != '\0' ? PM_OK : PM_ERR_INVAL;
	} else if (strcmp(key, "--period") == 0) {
		st = parse_time(val, &o->period_ns);
	} else if (strcmp(key, "--deadline") == 0) {
		st = parse_time(val, &o->deadline_ns);
	} else if (strcmp(key, "--exec") == 0) {
		st = parse_time(val, &o->exec_ns);
	} else if (strcmp(key, "--priority") == 0) {
		st = parse_u32(val, 0, 99, &u);
		o->priority = (int)u;
	} else if (strcmp(key, "--cpu") == 0) {
		st = parse_u32(val, 0, 1023, &u);
		o->cpu = (int)u;
	} else if (strcmp(key, "--miss-every") == 0) {
		st = parse_u32(val, 1, UINT32_MAX, &o->miss_every);
	} else if (strcmp(key, "--overrun-every") == 0) {
		st = parse_u32(val, 1, UINT32_MAX, &o->overrun_every);
	} else if (strcmp(key, "--report-json") == 0) {
		o->report_json = val;
	} else {
		set_err(err, cap, "unknown option ", key);
		return PM_ERR_INVAL;
	}
	if (st != PM_OK) {
		set_err(err, cap, "invalid value for ", key);
	}
	return st;
}

static pm_status from_env(struct sim_options *o, char *err, size_t cap)
{
	const char *s = getenv("PROCESS_STATE");
	if (s != NULL && s[0] != '\0') {
		o->state = sim_state_from_name(s);
		if (o->state == SIM_STATE_COUNT) {
			set_err(err, cap, "invalid PROCESS_STATE ", s);
			return PM_ERR_INVAL;
		}
	}
	s = getenv("NUM_PROCS");
	if (s != NULL && s[0] != '\0' && parse_u32(s, 1, SIM_MAX_PROCS, &o->procs) != PM_OK) {
		set_err(err, cap, "invalid NUM_PROCS ", s);
		return PM_ERR_INVAL;
	}
	s = getenv("PROCESS_MIX");
	if (s != NULL && s[0] != '\0') {
		if (strcmp(s, "diverse") != 0) {
			set_err(err, cap, "invalid PROCESS_MIX ", s);
			return PM_ERR_INVAL;
		}
		o->mix_diverse = true;
	}
	return PM_OK;
}

static pm_status check_rt(const struct sim_options *o, char *err, size_t cap)
{
	if (o->period_ns <= 0 || o->deadline_ns <= 0 || o->exec_ns <= 0) {
		set_err(err, cap, "--rt needs --period, --deadline and --exec", NULL);
		return PM_ERR_INVAL;
	}
	if (o->deadline_ns > o->period_ns || o->exec_ns >= o->deadline_ns) {
		set_err(err, cap, "--rt needs exec < deadline <= period", NULL);
		return PM_ERR_INVAL;
	}
	/* An overrun job spins to 1.25 x exec and must still meet its deadline. */
	if (o->overrun_every > 0 && o->exec_ns + o->exec_ns / 4 + PM_NS_PER_MS / 2 >= o->deadline_ns) {
		set_err(err, cap, "--overrun-every needs deadline > 1.25 x exec + 0.5ms", NULL);
		return PM_ERR_INVAL;
	}
	return PM_OK;
}

pm_status sim_parse(int argc, char **argv, struct sim_options *opt, char *err, size_t err_cap)
{
	memset(opt, 0, sizeof(*opt));
	opt->state = SIM_RUNNING;
	opt->procs = 0;     /* not given: 1, or one per state for the diverse mix */
	opt->priority = -1; /* not given: SCHED_FIFO SIM_DEFAULT_PRIORITY in RT mode */
	opt->cpu = -1;
	opt->log_dir = "/tmp";
	err[0] = '\0';
	pm_status st = from_env(opt, err, err_cap);
	if (st != PM_OK) {
		return st;
	}
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			fputs(usage, stdout);
			return PM_ERR_AGAIN;
		}
		if (strncmp(arg, "--", 2) != 0) {
			set_err(err, err_cap, "unexpected argument ", arg);
			return PM_ERR_INVAL;
		}
		char key[32];
		const char *val = NULL;
		const char *eq = strchr(arg, '=');
		size_t klen = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
		if (klen >= sizeof(key)) {
			set_err(err, err_cap, "unknown option ", arg);
			return PM_ERR_INVAL;
		}
		memcpy(key, arg, klen);
		key[klen] = '\0';
		if (!is_known(key)) {
			set_err(err, err_cap, "unknown option ", key);
			return PM_ERR_INVAL;
		}
		if (eq != NULL) {
			val = eq + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			set_err(err, err_cap, "missing value for ", key);
			return PM_ERR_INVAL;
		}
		st = apply(opt, key, val, err, err_cap);
		if (st != PM_OK) {
			return st;
		}
	}
	if (opt->procs == 0) {
		opt->procs = opt->mix_diverse ? SIM_STATE_COUNT : 1u;
	}
	if (opt->rt_name != NULL) {
		if (opt->priority < 0) {
			opt->priority = SIM_DEFAULT_PRIORITY;
		}
		return check_rt(opt, err, err_cap);
	}
	if (opt->miss_every > 0 || opt->overrun_every > 0 || opt->hang_after_ns > 0 || opt->period_ns > 0) {
		set_err(err, err_cap, "--period/--miss-every/--overrun-every/--hang-after need --rt NAME",
		        NULL);
		return PM_ERR_INVAL;
	}
	return PM_OK;
}
