/* SPDX-License-Identifier: GPL-3.0-or-later */
/* socket_wait: poll(2) on a socket and the cancel descriptor, bounded by the deadline. */
#include "socket_wait.h"

#include <errno.h>
#include <poll.h>
#include <string.h>

int socket_wait(int fd, short events, int cancel_fd, const struct deadline *dl, const char *doing,
                struct error *err)
{
	for (;;) {
		struct pollfd fds[2] = {{fd, events, 0}, {cancel_fd, POLLIN, 0}};
		int n;

		if (deadline_passed(dl))
			return error_set(err, ERROR_TIMEOUT, "the broker did not %s in time", doing);
		n = poll(fds, cancel_fd >= 0 ? 2 : 1, deadline_left_ms(dl));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return error_set(err, ERROR_BROKER, "poll: %s", strerror(errno));
		if (n > 0 && cancel_fd >= 0 && fds[1].revents != 0)
			return error_set(err, ERROR_CANCELLED, "interrupted by a signal");
		if (n > 0)
			return 0;
	}
}
