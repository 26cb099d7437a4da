/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cancel: async-signal-safe handlers: a self-pipe for stop requests, write + _exit for the backstop. */
#include "cancel.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int pipe_fds[2] = {-1, -1};
static volatile sig_atomic_t received_signal;
static char backstop_message[512];
static size_t backstop_len;
static int backstop_code;
static struct timespec backstop_at; /* CLOCK_MONOTONIC time the backstop is due */

static void on_stop_signal(int sig)
{
	int saved = errno;

	received_signal = sig;
	if (write(pipe_fds[1], "x", 1) < 0) {
		/* the pipe is full: a byte is already waiting, which is all we need */
	}
	errno = saved;
}

static void on_backstop(int sig)
{
	struct timespec now;

	(void)sig;
	clock_gettime(CLOCK_MONOTONIC, &now); /* async-signal-safe */
	if (now.tv_sec < backstop_at.tv_sec ||
	    (now.tv_sec == backstop_at.tv_sec && now.tv_nsec + 10000000L < backstop_at.tv_nsec)) {
		/* a stray SIGALRM from someone else: the time is not up; the timer is re-armed for the rest
		 * (setitimer is a plain system call on Linux, safe here) */
		struct itimerval it = {
		    {0, 0}, {backstop_at.tv_sec - now.tv_sec, (backstop_at.tv_nsec - now.tv_nsec) / 1000}};
		if (it.it_value.tv_usec < 0) {
			it.it_value.tv_sec--;
			it.it_value.tv_usec += 1000000;
		}
		if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
			it.it_value.tv_usec = 1;
		setitimer(ITIMER_REAL, &it, NULL);
		return;
	}
	if (write(STDOUT_FILENO, backstop_message, backstop_len) < 0) {
		/* nothing more can be done */
	}
	_exit(backstop_code);
}

int cancel_install(struct error *err)
{
	static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;

	if (pipe_fds[0] >= 0)
		return pipe_fds[0];
	if (pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC) < 0)
		return error_set(err, ERROR_NOMEM, "cannot create a pipe: %s", strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		sigaction(signals[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return pipe_fds[0];
}

int cancel_signal(void)
{
	return received_signal;
}

void cancel_arm_backstop(double seconds, const char *message, int exit_code)
{
	struct sigaction sa;
	struct itimerval it;

	backstop_len = (size_t)snprintf(backstop_message, sizeof(backstop_message), "%s", message);
	if (backstop_len >= sizeof(backstop_message))
		backstop_len = sizeof(backstop_message) - 1;
	backstop_code = exit_code;
	clock_gettime(CLOCK_MONOTONIC, &backstop_at);
	backstop_at.tv_sec += (time_t)seconds;
	backstop_at.tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
	if (backstop_at.tv_nsec >= 1000000000L) {
		backstop_at.tv_sec++;
		backstop_at.tv_nsec -= 1000000000L;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_backstop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = (time_t)seconds;
	it.it_value.tv_usec = (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6);
	setitimer(ITIMER_REAL, &it, NULL);
}
