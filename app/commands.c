/* The subcommand table of `picmon`; one line per command. */
#include "commands.h"

#include <stddef.h>

const struct app_command app_commands[] = {
	{ "run", "run the monitor (-c PATH...): supervise, sample, journal, sync to etcd", app_cmd_run },
	{ "check", "validate the configuration (-c PATH...) and print its schedulability summary",
	  app_cmd_check },
	{ "version", "print version, git revision, target, build type and linkage", app_cmd_version },
	{ "get", "read etcd keys and decode their values (YAML, or JSON with --json)", app_cmd_get },
	{ "journal", "dump or verify a journal (records, CRCs, sequence continuity)", app_cmd_journal },
	{ "ps", "one snapshot of all processes (CPU%, memory, fds, I/O rates, class)", app_cmd_ps },
	{ "top", "live process view with system header; -b -n N for batch frames", app_cmd_top },
	{ "topology", "CPUs, cores, SMT siblings, NUMA nodes, caches and frequencies", app_cmd_topology },
	{ "affinity", "analyze a process's workload, recommend and apply a CPU affinity", app_cmd_affinity },
	{ NULL, NULL, NULL },
};
