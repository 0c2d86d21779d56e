/* Linux TCP client sockets: non-blocking connect + poll for the timeout, poll before each send/recv,
 * MSG_NOSIGNAL so a closed peer is an error and never a SIGPIPE, TCP_NODELAY for request/response. */
#include "hal/net.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hal/clock.h"

#define HAL_NET_MAX_LOOPS 100000 /* bound on EINTR / partial-send loops */

pm_status hal_net_resolve(const char *host, uint16_t port, struct hal_net_addr *out)
{
	if (host == NULL || out == NULL) {
		return PM_ERR_INVAL;
	}
	char service[8];
	(void)snprintf(service, sizeof(service), "%u", (unsigned)port);
	struct addrinfo hints;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(host, service, &hints, &res);
	if (rc != 0 || res == NULL) {
		return PM_ERR_NOENT;
	}
	pm_status st = PM_ERR_NOENT;
	if (res->ai_addrlen <= sizeof(out->storage)) {
		memcpy(out->storage, res->ai_addr, res->ai_addrlen);
		out->len = (uint32_t)res->ai_addrlen;
		st = PM_OK;
	}
	freeaddrinfo(res);
	return st;
}

static int remaining_ms(int64_t deadline)
{
	int64_t left = deadline - hal_clock_mono_ns();
	if (left <= 0) {
		return 0;
	}
	int64_t ms = (left + 999999) / 1000000;
	return ms > 0x7fffffff ? 0x7fffffff : (int)ms;
}

/* Waits for `events` until `deadline`: PM_OK ready, PM_ERR_TIMEOUT, PM_ERR_IO. */
static pm_status wait_fd(int fd, short events, int64_t deadline)
{
	for (int i = 0; i < HAL_NET_MAX_LOOPS; i++) {
		struct pollfd pfd = { .fd = fd, .events = events, .revents = 0 };
		int ms = remaining_ms(deadline);
		if (ms == 0) {
			return PM_ERR_TIMEOUT;
		}
		int rc = poll(&pfd, 1, ms);
		if (rc > 0) {
			return PM_OK; /* errors and hang-ups surface in the following send/recv */
		}
		if (rc == 0) {
			return PM_ERR_TIMEOUT;
		}
		if (errno != EINTR) {
			return PM_ERR_IO;
		}
	}
	return PM_ERR_TIMEOUT;
}

pm_status hal_tcp_connect(struct hal_tcp *sock, const struct hal_net_addr *addr, int64_t timeout_ns)
{
	if (sock == NULL || addr == NULL || addr->len == 0 || addr->len > sizeof(addr->storage)) {
		return PM_ERR_INVAL;
	}
	sock->fd = -1;
	struct sockaddr_storage sa;
	memset(&sa, 0, sizeof(sa));
	memcpy(&sa, addr->storage, addr->len < sizeof(sa) ? addr->len : sizeof(sa));
	int fd = socket(sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		return pm_status_from_errno(errno);
	}
	int one = 1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	int64_t deadline = hal_clock_mono_ns() + timeout_ns;
	if (connect(fd, (const struct sockaddr *)&sa, (socklen_t)addr->len) != 0) {
		if (errno != EINPROGRESS && errno != EINTR) {
			(void)close(fd);
			return PM_ERR_REMOTE;
		}
		pm_status st = wait_fd(fd, POLLOUT, deadline);
		if (st != PM_OK) {
			(void)close(fd);
			return st;
		}
		int err = 0;
		socklen_t len = sizeof(err);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
			(void)close(fd);
			return err == ETIMEDOUT ? PM_ERR_TIMEOUT : PM_ERR_REMOTE;
		}
	}
	sock->fd = fd;
	return PM_OK;
}

pm_status hal_tcp_send(struct hal_tcp *sock, const void *buf, size_t len, int64_t timeout_ns)
{
	if (sock == NULL || sock->fd < 0 || (buf == NULL && len > 0)) {
		return PM_ERR_INVAL;
	}
	int64_t deadline = hal_clock_mono_ns() + timeout_ns;
	const unsigned char *p = buf;
	size_t done = 0;
	for (int i = 0; i < HAL_NET_MAX_LOOPS && done < len; i++) {
		ssize_t n = send(sock->fd, p + done, len - done, MSG_NOSIGNAL);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			pm_status st = wait_fd(sock->fd, POLLOUT, deadline);
			if (st != PM_OK) {
				return st;
			}
			continue;
		}
		return PM_ERR_IO;
	}
	return done == len ? PM_OK : PM_ERR_TIMEOUT;
}

pm_status hal_tcp_recv(struct hal_tcp *sock, void *buf, size_t cap, int64_t timeout_ns, size_t *got)
{
	if (sock == NULL || sock->fd < 0 || buf == NULL || cap == 0 || got == NULL) {
		return PM_ERR_INVAL;
	}
	*got = 0;
	int64_t deadline = hal_clock_mono_ns() + timeout_ns;
	for (int i = 0; i < HAL_NET_MAX_LOOPS; i++) {
		ssize_t n = recv(sock->fd, buf, cap, 0);
		if (n >= 0) {
			*got = (size_t)n;
			return PM_OK;
		}
		if (errno == EINTR) {
			continue;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			pm_status st = wait_fd(sock->fd, POLLIN, deadline);
			if (st != PM_OK) {
				return st;
			}
			continue;
		}
		return PM_ERR_IO;
	}
	return PM_ERR_TIMEOUT;
}

void hal_tcp_close(struct hal_tcp *sock)
{
	if (sock != NULL && sock->fd >= 0) {
		(void)close(sock->fd);
		sock->fd = -1;
	}
}
