/* `picmon run -c PATH... [--duration S] [--summary-json FILE] [--etcd URL[,URL...]] [--journal DIR]
 * [--live] [--strict]`: command-line parsing for app_run_main. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "run.h"

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: picmon run -c PATH... [--duration S] [--summary-json FILE] [--etcd URL[,URL...]]\n"
	        "                  [--journal DIR] [--live] [--strict] [--flush-grace S]\n"
	        "  -c, --config PATH     configuration file or directory (repeatable)\n"
	        "  --duration S          stop after S seconds (default: until SIGINT/SIGTERM)\n"
	        "  --summary-json FILE   write the final summary as JSON\n"
	        "  --etcd URLS           etcd endpoints, overriding data_storage.configuration.endpoints\n"
	        "  --journal DIR         journal directory, overriding monitor.journal.path\n"
	        "  --live                print a status frame every second\n"
	        "  --strict              configuration warnings are errors\n"
	        "  --flush-grace S       time etcd gets at stop to take what is journaled (default 5)\n");
}

static int parse_seconds(const char *text, double *out)
{
	char *end = NULL;
	double v = strtod(text, &end);
	if (end == text || *end != '\0' || !(v > 0) || v > 1e9) {
		return -1;
	}
	*out = v;
	return 0;
}

int app_cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "summary-json", required_argument, NULL, 's' },
		{ "etcd", required_argument, NULL, 'e' },
		{ "journal", required_argument, NULL, 'j' },
		{ "live", no_argument, NULL, 'l' },
		{ "strict", no_argument, NULL, 'S' },
		{ "flush-grace", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct app_run_options opt;
	memset(&opt, 0, sizeof(opt));
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":c:h", longopts, NULL)) != -1) {
		double secs = 0;
		switch (c) {
		case 'c':
			if (opt.n_paths == APP_RUN_MAX_PATHS) {
				fprintf(stderr, "picmon run: at most %d -c paths\n", APP_RUN_MAX_PATHS);
				return APP_EXIT_USAGE;
			}
			opt.paths[opt.n_paths++] = optarg;
			break;
		case 'd':
			if (parse_seconds(optarg, &opt.duration_s) != 0) {
				fprintf(stderr, "picmon run: --duration: expected seconds > 0, got '%s'\n",
				        optarg);
				return APP_EXIT_USAGE;
			}
			break;
		case 's':
			opt.summary_json = optarg;
			break;
		case 'e':
			opt.etcd = optarg;
			break;
		case 'j':
			opt.journal_dir = optarg;
			break;
		case 'l':
			opt.live = true;
			break;
		case 'S':
			opt.strict = true;
			break;
		case 'g':
			if (parse_seconds(optarg, &secs) != 0) {
				fprintf(stderr, "picmon run: --flush-grace: expected seconds > 0, got '%s'\n",
				        optarg);
				return APP_EXIT_USAGE;
			}
			opt.flush_grace_ns = (pm_ns)(secs * (double)PM_NS_PER_S);
			break;
		case 'h':
			usage(stdout);
			return APP_EXIT_OK;
		case ':':
			fprintf(stderr, "picmon run: option '%s' needs a value\n", argv[optind - 1]);
			return APP_EXIT_USAGE;
		default:
			fprintf(stderr, "picmon run: unknown option '%s' (try 'picmon run --help')\n",
			        argv[optind - 1]);
			return APP_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "picmon run: unexpected argument '%s'\n", argv[optind]);
		return APP_EXIT_USAGE;
	}
	if (opt.n_paths == 0) {
		fprintf(stderr, "picmon run: no configuration given (-c PATH)\n");
		return APP_EXIT_USAGE;
	}
	return app_run_main(&opt);
}
