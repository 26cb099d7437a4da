/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sentinel: one short exchange per sentinel ([AUTH] and SENTINEL GET-MASTER-ADDR-BY-NAME, pipelined) over
 * the transport, hiredis writing the commands and resp.c reading the replies. */
#include "sentinel.h"

#include "numparse.h"
#include "strbuf.h"
#include "resp.h"
#include "transport.h"

#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A sentinel's replies here are a few dozen bytes; anything longer is not a sentinel. */
#define SENTINEL_MAX_REPLY 65536
#define NO_SUCH_MASTER     "no such master"

/* Sends the commands and reads n replies into r. */
static int exchange(struct transport *t, const char *cmds, size_t len, struct resp **r, int n, int cancel_fd,
                    const struct deadline *dl, struct error *err)
{
	struct resp_reader reader;
	char chunk[4096];
	size_t at = 0, got = 0, total = 0;
	int have = 0, rc = 0;

	resp_reader_init(&reader, SENTINEL_MAX_REPLY, SENTINEL_MAX_REPLY);
	if (transport_send(t, cancel_fd, cmds, len, dl, err) < 0)
		rc = -1;
	while (rc == 0 && have < n) {
		struct resp *reply = NULL;
		long used;
		ssize_t k;

		if (at < got) {
			used = resp_reader_feed(&reader, chunk + at, got - at, &reply, err);
			if (used < 0 && err != NULL && err->kind == ERROR_OVERSIZE)
				rc = error_set(err, ERROR_CONNECT, "an answer too long for a sentinel");
			else if (used < 0 && err != NULL && err->kind != ERROR_NOMEM)
				rc = error_set(err, ERROR_CONNECT, "not a Redis protocol answer");
			else if (used < 0)
				rc = -1;
			else if ((at += (size_t)used, reply != NULL))
				r[have++] = reply;
		} else if (total > SENTINEL_MAX_REPLY) {
			rc = error_set(err, ERROR_CONNECT, "an answer too long for a sentinel");
		} else if ((k = transport_recv(t, cancel_fd, chunk, sizeof(chunk), dl, err)) < 0) {
			rc = -1;
		} else {
			total += (size_t)k;
			at = 0;
			got = (size_t)k;
		}
	}
	resp_reader_reset(&reader);
	return rc;
}

/* Formats the commands for one sentinel: AUTH when it has a password, then the question. */
static int format_question(const struct broker_addr *a, struct strbuf *out, int *n)
{
	const char *auth[2] = {"AUTH", a->sentinel.password};
	const char *ask[3] = {"SENTINEL", "get-master-addr-by-name", a->sentinel.master};
	char *cmd;
	int len;

	*n = 0;
	if (a->sentinel.password != NULL) {
		if ((len = redisFormatCommandArgv(&cmd, 2, auth, NULL)) < 0)
			return -1;
		strbuf_append(out, cmd, (size_t)len);
		redisFreeCommand(cmd);
		(*n)++;
	}
	if ((len = redisFormatCommandArgv(&cmd, 3, ask, NULL)) < 0)
		return -1;
	strbuf_append(out, cmd, (size_t)len);
	redisFreeCommand(cmd);
	(*n)++;
	return out->failed ? -1 : 0;
}

/* A port as a sentinel writes it: digits only, 1 to 65535. */
static int read_port(const struct resp *r, int *port)
{
	long v;

	if (r->type != RESP_STRING || r->len == 0 || r->len > 5 || strspn(r->str, "0123456789") != r->len ||
	    parse_long(r->str, 1, 65535, &v) < 0)
		return -1;
	*port = (int)v;
	return 0;
}

/* Reads the answer [host, port]; a short reason in err otherwise: ERROR_AUTH when the sentinel refused
 * our password (or wants one), ERROR_CONNECT for the rest. An error answering AUTH is quoted by its code
 * only, as a server without AUTH echoes its argument. */
static int read_answer(struct resp **r, int n, struct sentinel_answer *out, struct error *err)
{
	const struct resp *ask = r[n - 1];

	if (n == 2 && r[0]->type == RESP_ERROR)
		return error_set(err, ERROR_AUTH, "refused the password (%.*s)", (int)strcspn(r[0]->str, " "),
		                 r[0]->str);
	if (ask->type == RESP_ERROR && strncmp(ask->str, "NOAUTH", 6) == 0)
		return error_set(err, ERROR_AUTH, "wants a password (NOAUTH)");
	if (ask->type == RESP_ERROR)
		return error_set(err, ERROR_CONNECT, "%.80s", ask->str);
	if (ask->type == RESP_NIL)
		return error_set(err, ERROR_CONNECT, NO_SUCH_MASTER);
	if (ask->type != RESP_ARRAY || ask->elements != 2 || ask->element[0]->type != RESP_STRING ||
	    ask->element[0]->len == 0 || ask->element[0]->len >= sizeof(out->host) ||
	    memchr(ask->element[0]->str, '\0', ask->element[0]->len) != NULL ||
	    read_port(ask->element[1], &out->port) < 0)
		return error_set(err, ERROR_CONNECT, "an answer that is not an address");
	memcpy(out->host, ask->element[0]->str, ask->element[0]->len + 1);
	return 0;
}

/* Asks one sentinel. */
static int ask_one(const struct broker_addr *a, const struct sentinel_addr *s, int cancel_fd,
                   const struct deadline *dl, struct sentinel_answer *out, struct error *err)
{
	struct transport_target to = {s->host, s->port, NULL};
	struct transport t;
	struct strbuf cmds = STRBUF_INIT;
	struct resp *r[2] = {NULL, NULL};
	int n = 0, rc;

	if (format_question(a, &cmds, &n) < 0) {
		strbuf_free(&cmds);
		return error_set(err, ERROR_NOMEM, "out of memory");
	}
	/* kombu reaches sentinels without TLS unless told (sentinel_kwargs): so do we, unless --sentinel-tls
	 */
	rc = transport_connect(&t, &to, a->sentinel.tls ? &a->tls : NULL, cancel_fd, dl, err);
	if (rc == 0) {
		rc = exchange(&t, cmds.buf, cmds.len, r, n, cancel_fd, dl, err);
		transport_close(&t);
	}
	if (rc == 0)
		rc = read_answer(r, n, out, err);
	for (int i = 0; i < n; i++)
		if (r[i] != NULL)
			resp_free(r[i]);
	explicit_bzero(cmds.buf, cmds.len);
	strbuf_free(&cmds);
	return rc;
}

int sentinel_locate(const struct broker_addr *a, size_t *next, int cancel_fd, const struct deadline *dl,
                    struct sentinel_answer *out, struct error *err)
{
	struct strbuf why = STRBUF_INIT;
	int rc = -1, unknown_name = 0, refused = 0, down = 0;

	for (size_t i = *next; i < a->sentinel.n && rc < 0; i++) {
		/* the sentinels left and the master share the time: one that hangs leaves the rest theirs */
		double share = deadline_left(dl) / (double)(a->sentinel.n - i + 1);
		struct deadline mine = deadline_min(deadline_in(share), *dl);
		struct error one = {ERROR_NONE, ""};
		char where[300];

		if (ask_one(a, &a->sentinel.at[i], cancel_fd, &mine, out, &one) == 0) {
			out->sentinel = i;
			*next = i + 1;
			rc = 0;
			break;
		}
		broker_hostport(a->sentinel.at[i].host, a->sentinel.at[i].port, where, sizeof(where));
		if (one.kind == ERROR_TIMEOUT && !deadline_passed(dl)) {
			char why[sizeof(one.msg)];
			snprintf(why, sizeof(why), "%s", one.msg);
			error_set(&one, ERROR_CONNECT, "%s (its share of the time)", why);
		}
		if (one.kind == ERROR_CANCELLED || one.kind == ERROR_USAGE || deadline_passed(dl)) {
			strbuf_free(&why);
			return error_set(err, one.kind, "sentinel %s: %s", where, one.msg);
		}
		unknown_name += strcmp(one.msg, NO_SUCH_MASTER) == 0;
		refused += one.kind == ERROR_AUTH;
		down += one.kind != ERROR_AUTH && strcmp(one.msg, NO_SUCH_MASTER) != 0;
		strbuf_printf(&why, "%s%s: %s", why.len ? "; " : "", where, one.msg);
	}
	/* with a sentinel down, an outage is what it may be: a wrong name or password only when every
	 * sentinel answered */
	if (rc < 0 && down > 0)
		error_set(err, ERROR_CONNECT, "no sentinel named master '%.60s': %s", a->sentinel.master,
		          strbuf_str(&why) ? strbuf_str(&why) : "");
	else if (rc < 0 && unknown_name > 0)
		/* sentinels that answer but know no such name: a wrong name, not an outage */
		error_set(err, ERROR_USAGE,
		          "no sentinel knows a master named '%.60s' (--sentinel-master): %s",
		          a->sentinel.master, strbuf_str(&why) ? strbuf_str(&why) : "");
	else if (rc < 0 && refused > 0)
		error_set(err, ERROR_AUTH, "the sentinels refused us (check --sentinel-password-file): %s",
		          strbuf_str(&why) ? strbuf_str(&why) : "");
	else if (rc < 0)
		error_set(err, ERROR_CONNECT, "no sentinel named master '%.60s': %s", a->sentinel.master,
		          why.len && strbuf_str(&why) ? strbuf_str(&why) : "no sentinel left to ask");
	strbuf_free(&why);
	return rc;
}
