/* SPDX-License-Identifier: GPL-3.0-or-later */
/* transport: sockets, and TLS over them, under one deadline and the cancel descriptor. */
#include "transport.h"

#include "socket_wait.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Starts a non-blocking connect and waits for it; returns the socket or -1 with errno-based err. A unix
 * socket whose listen backlog is full (EAGAIN) belongs to a busy broker, not a dead one: tried again. */
static int connect_one(int family, const struct sockaddr *sa, socklen_t len, int cancel_fd,
                       const struct deadline *dl, struct error *err)
{
	for (;;) {
		int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), so_error = 0, one = 1,
		    rc;
		socklen_t optlen = sizeof(so_error);

		if (fd < 0)
			return error_set(err, ERROR_CONNECT, "%s", strerror(errno));
		rc = connect(fd, sa, len);
		if (rc < 0 && errno == EAGAIN && family == AF_UNIX) {
			struct deadline pause = deadline_min(deadline_in(0.01), *dl);
			close(fd);
			if (socket_wait(-1, POLLIN, cancel_fd, &pause, "accept the connection", err) < 0 &&
			    (deadline_passed(dl) || (err != NULL && err->kind == ERROR_CANCELLED)))
				return -1;
			continue;
		}
		if (rc < 0 && errno != EINPROGRESS && errno != EINTR) {
			error_set(err, ERROR_CONNECT, "%s", strerror(errno));
			close(fd);
			return -1;
		}
		if (rc < 0 && socket_wait(fd, POLLOUT, cancel_fd, dl, "accept the connection", err) < 0) {
			close(fd);
			return -1;
		}
		if (rc < 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &optlen) < 0)
			so_error = errno;
		if (so_error != 0) {
			error_set(err, ERROR_CONNECT, "%s", strerror(so_error));
			close(fd);
			return -1;
		}
		if (family != AF_UNIX)
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		return fd;
	}
}

/* Connects the socket alone; returns it or -1. */
static int connect_socket(const struct transport_target *to, int cancel_fd, const struct deadline *dl,
                          struct error *err)
{
	struct addrinfo hints, *res, *ai;
	char port[16];
	int fd = -1, rc;

	if (to->socket != NULL) {
		struct sockaddr_un sun = {.sun_family = AF_UNIX};
		if (strlen(to->socket) >= sizeof(sun.sun_path))
			return error_set(err, ERROR_CONNECT, "the socket path is too long");
		memcpy(sun.sun_path, to->socket, strlen(to->socket) + 1);
		return connect_one(AF_UNIX, (struct sockaddr *)&sun, sizeof(sun), cancel_fd, dl, err);
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof(port), "%d", to->port);
	/* A hung name lookup ignores the deadline; the plugin's backstop alarm bounds it. */
	if ((rc = getaddrinfo(to->host, port, &hints, &res)) != 0)
		return error_set(err, ERROR_CONNECT, "%s", gai_strerror(rc));
	for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
		/* one address that drops packets must leave time for the next: each but the last gets half */
		struct deadline share =
		    ai->ai_next ? deadline_min(deadline_in(deadline_left(dl) / 2), *dl) : *dl;
		fd = connect_one(ai->ai_family, ai->ai_addr, ai->ai_addrlen, cancel_fd, &share, err);
		if (fd < 0 && err != NULL && (err->kind == ERROR_CANCELLED || deadline_passed(dl)))
			break; /* a signal, or no time left, ends the attempts */
	}
	freeaddrinfo(res);
	return fd;
}

int transport_connect(struct transport *t, const struct transport_target *to, const struct tls_options *tls,
                      int cancel_fd, const struct deadline *dl, struct error *err)
{
	t->tls = NULL;
	if ((t->fd = connect_socket(to, cancel_fd, dl, err)) < 0)
		return -1;
	if (tls != NULL && tls->enabled &&
	    (t->tls = tls_start(t->fd, tls, to->host ? to->host : "localhost", cancel_fd, dl, err)) == NULL) {
		transport_close(t);
		return -1;
	}
	return 0;
}

void transport_close(struct transport *t)
{
	tls_end(t->tls);
	if (t->fd >= 0)
		close(t->fd);
	t->tls = NULL;
	t->fd = -1;
}

int transport_send(struct transport *t, int cancel_fd, const char *buf, size_t len, const struct deadline *dl,
                   struct error *err)
{
	size_t sent = 0;

	if (t->tls != NULL)
		return tls_send(t->tls, cancel_fd, buf, len, dl, err);
	while (sent < len) {
		ssize_t n = send(t->fd, buf + sent, len - sent, MSG_NOSIGNAL);
		if (n > 0) {
			sent += (size_t)n;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (socket_wait(t->fd, POLLOUT, cancel_fd, dl, "take our command", err) < 0)
				return -1;
		} else if (n < 0 && errno != EINTR) {
			return error_set(err, ERROR_CONNECT, "%s", strerror(errno));
		}
	}
	return 0;
}

ssize_t transport_recv(struct transport *t, int cancel_fd, char *buf, size_t cap, const struct deadline *dl,
                       struct error *err)
{
	if (t->tls != NULL)
		return tls_recv(t->tls, cancel_fd, buf, cap, dl, err);
	for (;;) {
		ssize_t n = recv(t->fd, buf, cap, 0);
		if (n > 0)
			return n;
		if (n == 0)
			return error_set(err, ERROR_CONNECT, "closed by the broker");
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (socket_wait(t->fd, POLLIN, cancel_fd, dl, "answer", err) < 0)
				return -1;
		} else if (errno != EINTR) {
			return error_set(err, ERROR_CONNECT, "%s", strerror(errno));
		}
	}
}
