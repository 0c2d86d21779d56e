/* Linux processes and signals: posix_spawnp, waitpid(WNOHANG), kill, sigaction. */
#include "hal/process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Spawn attributes and file actions are built once, at init: glibc allocates while building them
 * (addopen copies the path), and a restart happens after freeze. */
static posix_spawn_file_actions_t spawn_actions;
static posix_spawnattr_t spawn_attr;
static bool spawn_ready;

pm_status hal_process_init(void)
{
	if (spawn_ready) {
		return PM_OK;
	}
	int rc = posix_spawn_file_actions_init(&spawn_actions);
	if (rc != 0) {
		return pm_status_from_errno(rc);
	}
	rc = posix_spawnattr_init(&spawn_attr);
	if (rc != 0) {
		(void)posix_spawn_file_actions_destroy(&spawn_actions);
		return pm_status_from_errno(rc);
	}
	/* stdin and stdout from/to /dev/null: a recovered Model must not write into the monitor's own
	 * output (a terminal or a pipe another tool reads); its stderr stays with the monitor's log. */
	rc = posix_spawn_file_actions_addopen(&spawn_actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	if (rc == 0) {
		rc =
		    posix_spawn_file_actions_addopen(&spawn_actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	}
	sigset_t defaults;
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGINT);
	sigaddset(&defaults, SIGTERM);
	sigaddset(&defaults, SIGPIPE);
	sigset_t none;
	sigemptyset(&none);
	if (rc == 0) {
		rc = posix_spawnattr_setsigdefault(&spawn_attr, &defaults);
	}
	if (rc == 0) {
		rc = posix_spawnattr_setsigmask(&spawn_attr, &none);
	}
	if (rc == 0) {
		rc = posix_spawnattr_setpgroup(&spawn_attr, 0);
	}
	if (rc == 0) {
		rc = posix_spawnattr_setflags(&spawn_attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK |
		                                               POSIX_SPAWN_SETPGROUP);
	}
	if (rc != 0) {
		(void)posix_spawnattr_destroy(&spawn_attr);
		(void)posix_spawn_file_actions_destroy(&spawn_actions);
		return pm_status_from_errno(rc);
	}
	spawn_ready = true;
	return PM_OK;
}

pm_status hal_process_spawn(const char *const *argv, int *out_pid)
{
	if (argv == NULL || argv[0] == NULL || out_pid == NULL) {
		return PM_ERR_INVAL;
	}
	pm_status st = hal_process_init();
	if (st != PM_OK) {
		return st;
	}
	pid_t pid = -1;
	/* posix_spawnp takes char *const[]; it does not modify the strings. */
	union {
		const char *const *in;
		char *const *out;
	} cast = { .in = argv };
	int rc = posix_spawnp(&pid, argv[0], &spawn_actions, &spawn_attr, cast.out, environ);
	if (rc != 0) {
		return pm_status_from_errno(rc);
	}
	*out_pid = (int)pid;
	return PM_OK;
}

pm_status hal_process_reap(int pid, enum hal_exit_kind *kind, int *code)
{
	if (pid <= 0 || kind == NULL || code == NULL) {
		return PM_ERR_INVAL;
	}
	int status = 0;
	pid_t rc = waitpid((pid_t)pid, &status, WNOHANG);
	if (rc < 0) {
		return errno == ECHILD ? PM_ERR_NOENT : pm_status_from_errno(errno);
	}
	if (rc == 0) {
		*kind = HAL_EXIT_RUNNING;
		*code = 0;
	} else if (WIFSIGNALED(status)) {
		*kind = HAL_EXIT_SIGNAL;
		*code = WTERMSIG(status);
	} else {
		*kind = HAL_EXIT_CODE;
		*code = WEXITSTATUS(status);
	}
	return PM_OK;
}

pm_status hal_process_signal(int pid, int signo, bool group)
{
	if (pid <= 0) {
		return PM_ERR_INVAL;
	}
	if (kill(group ? -(pid_t)pid : (pid_t)pid, signo) != 0) {
		return pm_status_from_errno(errno);
	}
	return PM_OK;
}

bool hal_process_exists(int pid)
{
	if (pid <= 0) {
		return false;
	}
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

static const struct {
	const char *name;
	int signo;
} signal_names[] = {
	{ "HUP", SIGHUP },   { "INT", SIGINT },   { "QUIT", SIGQUIT }, { "ABRT", SIGABRT },
	{ "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "TERM", SIGTERM },
	{ "STOP", SIGSTOP }, { "CONT", SIGCONT },
};

pm_status hal_signal_from_name(const char *name, int *out_signo)
{
	if (name == NULL || out_signo == NULL) {
		return PM_ERR_INVAL;
	}
	if (strncmp(name, "SIG", 3) == 0) {
		name += 3;
	}
	for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++) {
		if (strcmp(signal_names[i].name, name) == 0) {
			*out_signo = signal_names[i].signo;
			return PM_OK;
		}
	}
	return PM_ERR_INVAL;
}

const char *hal_signal_name(int signo)
{
	static const char *const full[] = { "SIGHUP",  "SIGINT",  "SIGQUIT", "SIGABRT", "SIGKILL",
		                            "SIGUSR1", "SIGUSR2", "SIGTERM", "SIGSTOP", "SIGCONT" };
	for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++) {
		if (signal_names[i].signo == signo) {
			return full[i];
		}
	}
	switch (signo) {
	case SIGSEGV:
		return "SIGSEGV";
	case SIGBUS:
		return "SIGBUS";
	case SIGFPE:
		return "SIGFPE";
	case SIGILL:
		return "SIGILL";
	default:
		return "signal";
	}
}

static volatile int *stop_flag;

static void on_stop_signal(int signo)
{
	if (stop_flag != NULL) {
		*stop_flag = signo;
	}
}

pm_status hal_signal_install_stop(volatile int *flag)
{
	if (flag == NULL) {
		return PM_ERR_INVAL;
	}
	stop_flag = flag;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0) {
		return pm_status_from_errno(errno);
	}
	struct sigaction ign;
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	if (sigaction(SIGPIPE, &ign, NULL) != 0) {
		return pm_status_from_errno(errno);
	}
	return PM_OK;
}

pm_status hal_signal_block_stop_in_thread(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	int rc = pthread_sigmask(SIG_BLOCK, &set, NULL);
	return rc == 0 ? PM_OK : pm_status_from_errno(rc);
}
