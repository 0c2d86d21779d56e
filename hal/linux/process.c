/* Linux processes and signals: posix_spawnp, waitpid(WNOHANG), kill, sigaction. */
#include "hal/process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

pm_status hal_process_spawn(const char *const *argv, int *out_pid)
{
	if (argv == NULL || argv[0] == NULL || out_pid == NULL) {
		return PM_ERR_INVAL;
	}
	posix_spawn_file_actions_t actions;
	posix_spawnattr_t attr;
	int rc = posix_spawn_file_actions_init(&actions);
	if (rc != 0) {
		return pm_status_from_errno(rc);
	}
	rc = posix_spawnattr_init(&attr);
	if (rc != 0) {
		(void)posix_spawn_file_actions_destroy(&actions);
		return pm_status_from_errno(rc);
	}
	/* stdin and stdout from/to /dev/null: a recovered Model must not write into the monitor's own
	 * output (a terminal or a pipe another tool reads); its stderr stays with the monitor's log. */
	rc = posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	if (rc == 0) {
		rc = posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	}
	sigset_t defaults;
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGINT);
	sigaddset(&defaults, SIGTERM);
	sigaddset(&defaults, SIGPIPE);
	sigset_t none;
	sigemptyset(&none);
	if (rc == 0) {
		rc = posix_spawnattr_setsigdefault(&attr, &defaults);
	}
	if (rc == 0) {
		rc = posix_spawnattr_setsigmask(&attr, &none);
	}
	if (rc == 0) {
		rc = posix_spawnattr_setpgroup(&attr, 0);
	}
	if (rc == 0) {
		rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK |
		                                         POSIX_SPAWN_SETPGROUP);
	}
	pid_t pid = -1;
	if (rc == 0) {
		/* posix_spawnp takes char *const[]; it does not modify the strings. */
		union {
			const char *const *in;
			char *const *out;
		} cast = { .in = argv };
		rc = posix_spawnp(&pid, argv[0], &actions, &attr, cast.out, environ);
	}
	(void)posix_spawnattr_destroy(&attr);
	(void)posix_spawn_file_actions_destroy(&actions);
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
