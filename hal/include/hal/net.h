/* TCP client sockets with timeouts for the etcd client: resolve (init only), connect with a timeout,
 * send and receive with timeouts. No allocation after resolve; SIGPIPE never raised. */
#ifndef HAL_NET_H
#define HAL_NET_H

#include <stddef.h>
#include <stdint.h>

#include "hal/status.h"

/* A resolved socket address (opaque storage big enough for IPv4 and IPv6). */
struct hal_net_addr {
	uint8_t storage[128];
	uint32_t len;
};

/* Resolves `host` (IPv4/IPv6 literal or a name) and `port`. Names go through getaddrinfo, which
 * allocates: call it before freeze only. PM_ERR_NOENT when the name does not resolve. */
pm_status hal_net_resolve(const char *host, uint16_t port, struct hal_net_addr *out);

struct hal_tcp {
	int fd; /* < 0 when closed */
};

#define HAL_TCP_CLOSED ((struct hal_tcp){ .fd = -1 })

/* Connects within `timeout_ns`: PM_ERR_TIMEOUT, PM_ERR_REMOTE (refused/unreachable) or PM_OK. */
pm_status hal_tcp_connect(struct hal_tcp *sock, const struct hal_net_addr *addr, int64_t timeout_ns);

/* Sends all `len` bytes within `timeout_ns` in total. */
pm_status hal_tcp_send(struct hal_tcp *sock, const void *buf, size_t len, int64_t timeout_ns);

/* Receives what is available (at most `cap`), waiting up to `timeout_ns` for the first byte.
 * `*got` = 0 with PM_OK means the peer closed the connection. */
pm_status hal_tcp_recv(struct hal_tcp *sock, void *buf, size_t cap, int64_t timeout_ns, size_t *got);

/* Closes (idempotent). */
void hal_tcp_close(struct hal_tcp *sock);

#endif
