/* `picmon version` / `picmon --version`: the build identity an integrator quotes in a bug report. */
#include <stdio.h>
#include <string.h>

#include "build_info.h"
#include "commands.h"

/* A statically linked, non-PIE executable has no _DYNAMIC; the weak reference then resolves to 0. */
extern const char _DYNAMIC[] __attribute__((weak));

int app_binary_is_static(void)
{
	return _DYNAMIC == NULL;
}

int app_cmd_version(int argc, char **argv)
{
	if (argc > 1) {
		fprintf(stderr, "picmon: version takes no arguments (got '%s')\n", argv[1]);
		return APP_EXIT_USAGE;
	}
	printf("picmon %s\n", PICMON_VERSION);
	printf("revision: %s\n", PICMON_GIT_REV);
	printf("target: %s\n", PICMON_TARGET_TRIPLE);
	printf("build: %s\n", PICMON_BUILD_TYPE);
	printf("linkage: %s\n", app_binary_is_static() ? "static" : "dynamic");
	return APP_EXIT_OK;
}
