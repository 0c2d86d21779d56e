/* The subcommand table of `picmon`; one line per command. */
#include "commands.h"

#include <stddef.h>

const struct app_command app_commands[] = {
	{ "check", "validate the configuration (-c PATH...) and print its schedulability summary", app_cmd_check },
	{ "version", "print version, git revision, target, build type and linkage", app_cmd_version },
	{ "get", "read etcd keys and decode their values (YAML, or JSON with --json)", app_cmd_get },
	{ "journal", "dump or verify a journal (records, CRCs, sequence continuity)", app_cmd_journal },
	{ NULL, NULL, NULL },
};
