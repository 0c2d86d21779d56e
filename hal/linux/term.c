/* Terminal control for interactive views (hal/term.h). */
#include "hal/term.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

_Static_assert(sizeof(struct termios) <= sizeof(((struct hal_term *)0)->saved), "hal_term.saved too small");

static volatile int *g_stop_flag;
static volatile int *g_resize_flag;

bool hal_isatty(int fd)
{
	return isatty(fd) == 1;
}

pm_status hal_term_raw_enter(struct hal_term *t)
{
	if (t == NULL) {
		return PM_ERR_INVAL;
	}
	t->raw = false;
	if (!hal_isatty(STDIN_FILENO)) {
		return PM_ERR_UNSUPPORTED;
	}
	struct termios tio;
	if (tcgetattr(STDIN_FILENO, &tio) != 0) {
		return pm_status_from_errno(errno);
	}
	memcpy(t->saved, &tio, sizeof(tio));
	tio.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	tio.c_cc[VMIN] = 0;
	tio.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &tio) != 0) {
		return pm_status_from_errno(errno);
	}
	t->raw = true;
	return PM_OK;
}

void hal_term_raw_leave(struct hal_term *t)
{
	if (t == NULL || !t->raw) {
		return;
	}
	struct termios tio;
	memcpy(&tio, t->saved, sizeof(tio));
	(void)tcsetattr(STDIN_FILENO, TCSANOW, &tio);
	t->raw = false;
}

pm_status hal_term_wait_key(int64_t timeout_ns, int *key)
{
	if (key == NULL) {
		return PM_ERR_INVAL;
	}
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN, .revents = 0 };
	int ms = timeout_ns <= 0 ? 0 : (int)((timeout_ns + 999999) / 1000000);
	int r = poll(&pfd, 1, ms);
	if (r < 0) {
		return errno == EINTR ? PM_ERR_AGAIN : pm_status_from_errno(errno);
	}
	if (r == 0) {
		return PM_ERR_TIMEOUT;
	}
	unsigned char c;
	ssize_t n = read(STDIN_FILENO, &c, 1);
	if (n == 1) {
		*key = c;
		return PM_OK;
	}
	if (n == 0) {
		/* stdin at EOF (not a terminal): behave like a plain timeout, without spinning. */
		struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
		(void)nanosleep(&ts, NULL);
		return PM_ERR_TIMEOUT;
	}
	return errno == EINTR ? PM_ERR_AGAIN : pm_status_from_errno(errno);
}

pm_status hal_term_size(uint32_t *rows, uint32_t *cols)
{
	struct winsize ws;
	if (rows == NULL || cols == NULL) {
		return PM_ERR_INVAL;
	}
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0) {
		return PM_ERR_UNSUPPORTED;
	}
	*rows = ws.ws_row;
	*cols = ws.ws_col;
	return PM_OK;
}

pm_status hal_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t left = len;
	/* Bounded: each pass writes at least one byte or fails; EINTR retries are capped. */
	for (int eintr = 0; left > 0 && eintr < 100;) {
		ssize_t n = write(fd, p, left);
		if (n < 0) {
			if (errno == EINTR) {
				eintr++;
				continue;
			}
			return pm_status_from_errno(errno);
		}
		if (n == 0) {
			return PM_ERR_IO;
		}
		p += n;
		left -= (size_t)n;
	}
	return left == 0 ? PM_OK : PM_ERR_IO;
}

/* Installs `handler` for each of sigs[0..n). No SA_RESTART: a blocking wait returns EINTR so the
 * loop sees the flag. */
static pm_status catch_signals(void (*handler)(int), const int *sigs, size_t n)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	(void)sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < n; i++) {
		if (sigaction(sigs[i], &sa, NULL) != 0) {
			return pm_status_from_errno(errno);
		}
	}
	return PM_OK;
}

static void on_stop(int sig)
{
	(void)sig;
	if (g_stop_flag != NULL) {
		*g_stop_flag = 1;
	}
}

pm_status hal_term_catch_stop(volatile int *flag)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	g_stop_flag = flag;
	return catch_signals(on_stop, sigs, sizeof(sigs) / sizeof(sigs[0]));
}

static void on_resize(int sig)
{
	(void)sig;
	if (g_resize_flag != NULL) {
		*g_resize_flag = 1;
	}
}

pm_status hal_term_catch_resize(volatile int *flag)
{
	static const int sigs[] = { SIGWINCH };
	g_resize_flag = flag;
	return catch_signals(on_resize, sigs, 1);
}
