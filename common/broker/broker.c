/* SPDX-License-Identifier: GPL-3.0-or-later */
/* broker: connecting, authenticating and exchanging commands with Redis under a deadline. Replies are
 * read with poll(2) on the socket and the cancel descriptor, so neither a silent broker nor a signal
 * can keep a call past its deadline. */
#include "broker.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

static struct timeval timeval_of(double seconds)
{
	struct timeval tv;

	if (seconds < 0.001)
		seconds = 0.001;
	tv.tv_sec = (time_t)seconds;
	tv.tv_usec = (suseconds_t)((seconds - (double)tv.tv_sec) * 1e6);
	return tv;
}

static int connect_error(const struct broker_addr *addr, const char *why, struct error *err)
{
	char where[300];

	broker_addr_describe(addr, where, sizeof(where));
	return error_set(err, ERROR_CONNECT, "cannot connect to %s: %s", where, why);
}

static int authenticate(struct broker *b, const struct deadline *dl, struct error *err)
{
	const struct broker_addr *a = b->addr;
	const char *argv[3] = {"AUTH", a->username, a->password};
	size_t lens[3] = {4, a->username ? strlen(a->username) : 0, a->password ? strlen(a->password) : 0};
	redisReply *r;

	if (a->password == NULL)
		return 0;
	if (a->username == NULL) {
		argv[1] = a->password;
		lens[1] = lens[2];
	}
	if (broker_call(b, dl, &r, err, a->username ? 3 : 2, argv, lens) < 0) {
		if (err != NULL && err->kind == ERROR_BROKER)
			err->kind = ERROR_AUTH; /* any refusal of AUTH is a credentials problem */
		return error_wrap(err, "authentication failed");
	}
	freeReplyObject(r);
	return 0;
}

static int select_db(struct broker *b, const struct deadline *dl, struct error *err)
{
	char num[24];
	const char *argv[2] = {"SELECT", num};
	size_t lens[2];
	redisReply *r;

	if (b->addr->db == 0)
		return 0;
	snprintf(num, sizeof(num), "%ld", b->addr->db);
	lens[0] = 6;
	lens[1] = strlen(num);
	if (broker_call(b, dl, &r, err, 2, argv, lens) < 0)
		return error_wrap(err, "cannot select the database");
	freeReplyObject(r);
	return 0;
}

int broker_open(struct broker *b, const struct broker_addr *addr, int cancel_fd, const struct deadline *dl,
                struct error *err)
{
	struct timeval tv;

	memset(b, 0, sizeof(*b));
	b->addr = addr;
	b->cancel_fd = cancel_fd;
	if (deadline_passed(dl))
		return error_set(err, ERROR_TIMEOUT, "no time left to connect to the broker");
	tv = timeval_of(deadline_left(dl));
	if (addr->socket != NULL)
		b->ctx = redisConnectUnixWithTimeout(addr->socket, tv);
	else
		b->ctx = redisConnectWithTimeout(addr->host, addr->port, tv);
	if (b->ctx == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory connecting to the broker");
	if (b->ctx->err) {
		connect_error(addr, b->ctx->errstr, err);
		broker_close(b);
		return -1;
	}
	/* Blocking writes are bounded too; reads are bounded by poll. */
	redisSetTimeout(b->ctx, tv);
	if (authenticate(b, dl, err) < 0 || select_db(b, dl, err) < 0) {
		broker_close(b);
		return -1;
	}
	return 0;
}

int broker_reopen(struct broker *b, const struct deadline *dl, struct error *err)
{
	const struct broker_addr *addr = b->addr;
	int cancel_fd = b->cancel_fd;

	broker_close(b);
	return broker_open(b, addr, cancel_fd, dl, err);
}

void broker_close(struct broker *b)
{
	if (b->ctx != NULL)
		redisFree(b->ctx);
	b->ctx = NULL;
	b->pending = 0;
}

int broker_append(struct broker *b, int argc, const char **argv, const size_t *lens, struct error *err)
{
	if (b->ctx == NULL)
		return error_set(err, ERROR_BROKER, "not connected to the broker");
	if (redisAppendCommandArgv(b->ctx, argc, argv, lens) != REDIS_OK)
		return error_set(err, ERROR_NOMEM, "out of memory queueing a command");
	b->pending++;
	return 0;
}

/* The connection is out of step or broken: keep it marked so the caller reopens before reuse. */
static int io_error(struct broker *b, enum error_kind kind, const char *why, struct error *err)
{
	b->pending = b->pending > 0 ? b->pending : 1;
	return error_set(err, kind, "%s", why);
}

/* The connection broke (reset, closed): the broker went away. */
static int lost(struct broker *b, struct error *err)
{
	char where[300];

	broker_addr_describe(b->addr, where, sizeof(where));
	b->pending = b->pending > 0 ? b->pending : 1;
	return error_set(err, ERROR_CONNECT, "connection to %s lost: %s", where,
	                 b->ctx->errstr[0] ? b->ctx->errstr : "closed");
}

int broker_read(struct broker *b, const struct deadline *dl, redisReply **reply, struct error *err)
{
	redisContext *c = b->ctx;
	void *r = NULL;
	int done = 0;

	*reply = NULL;
	if (c == NULL)
		return error_set(err, ERROR_BROKER, "not connected to the broker");
	while (!done)
		if (redisBufferWrite(c, &done) == REDIS_ERR)
			return lost(b, err);
	for (;;) {
		struct pollfd fds[2] = {{c->fd, POLLIN, 0}, {b->cancel_fd, POLLIN, 0}};
		int n;

		if (redisGetReplyFromReader(c, &r) == REDIS_ERR)
			return io_error(b, ERROR_BROKER, "protocol error from the broker", err);
		if (r != NULL) {
			b->pending--;
			*reply = r;
			return 0;
		}
		if (c->reader->len - c->reader->pos > BROKER_MAX_REPLY)
			return io_error(b, ERROR_OVERSIZE, "a reply exceeded the 4 MiB size cap", err);
		if (deadline_passed(dl))
			return io_error(b, ERROR_TIMEOUT, "the broker did not answer in time", err);
		n = poll(fds, b->cancel_fd >= 0 ? 2 : 1, deadline_left_ms(dl));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return io_error(b, ERROR_BROKER, strerror(errno), err);
		if (n > 0 && b->cancel_fd >= 0 && fds[1].revents != 0)
			return io_error(b, ERROR_CANCELLED, "interrupted by a signal", err);
		if (n > 0 && redisBufferRead(c) == REDIS_ERR)
			return lost(b, err);
	}
}

int broker_reply_error(const redisReply *r, struct error *err)
{
	static const struct {
		const char *code;
		enum error_kind kind;
	} codes[] = {
	    {"NOAUTH", ERROR_AUTH},      {"WRONGPASS", ERROR_AUTH},
	    {"NOPERM", ERROR_AUTH},      {"LOADING", ERROR_UNAVAILABLE},
	    {"OOM", ERROR_UNAVAILABLE},  {"MASTERDOWN", ERROR_UNAVAILABLE},
	    {"BUSY", ERROR_UNAVAILABLE}, {"TRYAGAIN", ERROR_UNAVAILABLE},
	};

	if (r->type != REDIS_REPLY_ERROR)
		return 0;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		size_t n = strlen(codes[i].code);
		if (strncmp(r->str, codes[i].code, n) == 0 && (r->str[n] == ' ' || r->str[n] == '\0'))
			return error_set(err, codes[i].kind, "the broker %s: %.200s",
			                 codes[i].kind == ERROR_AUTH ? "refused" : "cannot serve", r->str);
	}
	return error_set(err, ERROR_BROKER, "the broker answered: %.200s", r->str);
}

int broker_call(struct broker *b, const struct deadline *dl, redisReply **reply, struct error *err, int argc,
                const char **argv, const size_t *lens)
{
	if (broker_append(b, argc, argv, lens, err) < 0 || broker_read(b, dl, reply, err) < 0)
		return -1;
	if (broker_reply_error(*reply, err) < 0) {
		freeReplyObject(*reply);
		*reply = NULL;
		return -1;
	}
	return 0;
}

int broker_pipeline(struct broker *b, const struct deadline *dl, const struct broker_cmd *cmds, size_t n,
                    struct error *err)
{
	int failed = 0;

	for (size_t i = 0; i < n; i++)
		if (broker_append(b, cmds[i].argc, cmds[i].argv, cmds[i].lens, err) < 0)
			return error_wrap(err, cmds[i].context);
	for (size_t i = 0; i < n; i++) {
		redisReply *r;

		if (broker_read(b, dl, &r, err) < 0)
			return error_wrap(err, cmds[i].context);
		if (!failed && broker_reply_error(r, err) < 0) {
			failed = error_wrap(err, cmds[i].context) < 0;
		} else if (cmds[i].integer != NULL && r->type == REDIS_REPLY_INTEGER) {
			*cmds[i].integer = r->integer;
		} else if (!failed && cmds[i].integer != NULL) {
			error_set(err, ERROR_BROKER, "the broker did not answer with a number");
			failed = error_wrap(err, cmds[i].context) < 0;
		}
		freeReplyObject(r);
	}
	return failed ? -1 : 0;
}
