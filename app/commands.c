/* The subcommand table of `picmon`; one line per command. */
#include "commands.h"

#include <stddef.h>

const struct app_command app_commands[] = {
	{ "check", "validate the configuration (-c PATH...) and print its schedulability summary",
	  app_cmd_check },
	{ "version", "print version, git revision, target, build type and linkage", app_cmd_version },
	{ NULL, NULL, NULL },
};
