/* The subcommands of `picmon`: each takes the arguments after its name and returns the exit code
 * (0 ok, 1 runtime failure, 2 usage or configuration error). */
#ifndef APP_COMMANDS_H
#define APP_COMMANDS_H

enum app_exit {
	APP_EXIT_OK = 0,
	APP_EXIT_FAILURE = 1,
	APP_EXIT_USAGE = 2,
};

struct app_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

/* The table of subcommands, terminated by an entry whose name is NULL. */
extern const struct app_command app_commands[];

int app_cmd_version(int argc, char **argv);
int app_cmd_run(int argc, char **argv);
int app_cmd_check(int argc, char **argv);
int app_cmd_get(int argc, char **argv);
int app_cmd_journal(int argc, char **argv);
int app_cmd_ps(int argc, char **argv);
int app_cmd_top(int argc, char **argv);
int app_cmd_topology(int argc, char **argv);
int app_cmd_affinity(int argc, char **argv);

/* Whether this executable was linked statically (no dynamic section at run time). */
int app_binary_is_static(void);

#endif
