/* Entry point of `picmon`: global options (--help, --version) and dispatch to a subcommand. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

static void print_usage(FILE *out)
{
	fprintf(out, "usage: picmon [--help] [--version] <command> [<args>]\n\ncommands:\n");
	for (const struct app_command *cmd = app_commands; cmd->name != NULL; cmd++) {
		fprintf(out, "  %-10s %s\n", cmd->name, cmd->summary);
	}
	fprintf(out, "\nRun 'picmon <command> --help' for the options of a command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stderr);
		return APP_EXIT_USAGE;
	}
	const char *first = argv[1];
	if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0 || strcmp(first, "help") == 0) {
		print_usage(stdout);
		return APP_EXIT_OK;
	}
	if (strcmp(first, "--version") == 0 || strcmp(first, "-V") == 0) {
		return app_cmd_version(argc - 1, argv + 1);
	}
	if (first[0] == '-') {
		fprintf(stderr, "picmon: unknown option '%s' (try 'picmon --help')\n", first);
		return APP_EXIT_USAGE;
	}
	for (const struct app_command *cmd = app_commands; cmd->name != NULL; cmd++) {
		if (strcmp(cmd->name, first) == 0) {
			return cmd->run(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "picmon: unknown command '%s' (try 'picmon --help')\n", first);
	return APP_EXIT_USAGE;
}
