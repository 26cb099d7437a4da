/* SPDX-License-Identifier: GPL-3.0-or-later */
/* broker: opening a Redis session (AUTH, SELECT, INFO and, behind Sentinel, ROLE in one round trip) and
 * exchanging commands over the transport: hiredis formats the commands, our reader (resp.c) reads the
 * replies. */
#include "broker.h"

#include "sentinel.h"

#include <hiredis/hiredis.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECV_CHUNK 65536

/* Rewrites a transport error as "<before> WHERE<after>: why", keeping its kind. */
static int name_broker(const char *where, const char *before, const char *after, struct error *err)
{
	char why[sizeof(err->msg)];

	if (err == NULL)
		return -1;
	snprintf(why, sizeof(why), "%s", err->msg);
	return error_set(err, err->kind, "%s %s%s: %s", before, where, after, why);
}

/* The connection broke or is out of step: keep it marked so the caller reopens before reuse. */
static int io_failed(struct broker *b, struct error *err)
{
	b->pending = b->pending > 0 ? b->pending : 1;
	if (err != NULL && err->kind == ERROR_CONNECT)
		return name_broker(b->where, "connection to", " lost", err);
	return -1;
}

/* "redis_version:7.0.15" in INFO server as BROKER_VERSION; 0 when absent. */
static int parse_version(const char *info)
{
	const char *p = strstr(info, "redis_version:");
	int major = 0, minor = 0, patch = 0;

	if (p == NULL || sscanf(p + 14, "%d.%d.%d", &major, &minor, &patch) < 2)
		return 0;
	return BROKER_VERSION(major, minor, patch);
}

/* ROLE's answer: anything but "master" means the sentinel named a replica (a failover under way) or
 * another sentinel. A refused ROLE (an ACL without it) cannot be checked: writes would then fail with
 * READONLY, which says the same. */
static int check_role(const struct resp *r, struct error *err)
{
	const struct resp *role = r->type == RESP_ARRAY && r->elements > 0 ? r->element[0] : NULL;

	if (role == NULL || role->type != RESP_STRING || strcmp(role->str, "master") == 0)
		return 0;
	return error_set(err, ERROR_UNAVAILABLE, "it says it is a %s, not the master",
	                 strcmp(role->str, "slave") == 0 ? "replica" : role->str);
}

/* AUTH (when there is a password), SELECT (when the db is not 0), INFO server and, when the server must be
 * a master, ROLE in one round trip. A refused INFO (NOPERM: an ACL without +info) means a server with
 * ACLs, so at least 6.0. */
static int start_session(struct broker *b, int want_master, const struct deadline *dl, struct error *err)
{
	const struct broker_addr *a = b->addr;
	char db[24];
	const char *auth[3] = {"AUTH", a->username ? a->username : a->password, a->password};
	size_t auth_len[3] = {4, strlen(auth[1] ? auth[1] : ""), strlen(a->password ? a->password : "")};
	const char *sel[2] = {"SELECT", db}, *info[2] = {"INFO", "server"}, *role[1] = {"ROLE"};
	size_t sel_len[2] = {6, 0}, info_len[2] = {4, 6}, role_len[1] = {4};
	struct broker_cmd cmds[4];
	struct resp *replies[4] = {NULL, NULL, NULL, NULL};
	size_t n = 0, auth_at = 4, info_at;
	int rc = 0;

	snprintf(db, sizeof(db), "%ld", a->db);
	sel_len[1] = strlen(db);
	if (a->password != NULL) {
		auth_at = n;
		cmds[n++] =
		    (struct broker_cmd){a->username ? 3 : 2, auth, auth_len, "authentication failed", NULL};
	}
	if (a->db != 0)
		cmds[n++] = (struct broker_cmd){2, sel, sel_len, "cannot select the database", NULL};
	info_at = n;
	cmds[n++] = (struct broker_cmd){2, info, info_len, "cannot read the server version", NULL};
	if (want_master)
		cmds[n++] = (struct broker_cmd){1, role, role_len, "cannot read the server's role", NULL};
	if (broker_pipeline_replies(b, dl, cmds, n, replies, err) < 0)
		return -1;
	if (want_master)
		rc = check_role(replies[n - 1], err); /* first: a sentinel named as master fails SELECT too */
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (want_master && i == n - 1)
			continue;
		if (broker_reply_error(replies[i], err) == 0)
			continue;
		if (strncmp(replies[i]->str, "NOAUTH", 6) == 0) {
			rc = error_set(err, ERROR_AUTH,
			               "the broker needs a password: give it with --password-file PATH or "
			               "$REDISCLI_AUTH (and the user with --username)");
			break;
		}
		if (i == auth_at) {
			rc = error_set(
			    err, ERROR_AUTH,
			    "the broker refused the %s (%.*s): check --username, --password-file, the "
			    "URL or $REDISCLI_AUTH",
			    a->username ? "user name or password" : "password",
			    /* only the error's code: a broker without AUTH echoes its arguments */
			    (int)strcspn(replies[i]->str, " "), replies[i]->str);
			break;
		}
		if (i == info_at && strncmp(replies[i]->str, "NOPERM", 6) == 0) {
			b->version = BROKER_VERSION(6, 0, 0);
			b->version_floor = 1;
			continue;
		}
		if (i == info_at && err != NULL && err->kind == ERROR_BROKER) {
			b->version =
			    0; /* INFO renamed away or refused by a proxy: the drain every server has */
			continue;
		}
		rc = error_wrap(err, cmds[i].context);
	}
	if (rc == 0 && replies[info_at]->type == RESP_STRING)
		b->version = parse_version(replies[info_at]->str);
	for (size_t i = 0; i < n; i++)
		resp_free(replies[i]);
	return rc;
}

/* A server that drops the connection before its first answer may want what we did not offer: TLS, or a
 * client certificate. The guess is phrased as one. */
static int session_hint(const struct broker_addr *a, struct error *err)
{
	const char *hint = NULL;

	if (err == NULL || err->kind != ERROR_CONNECT)
		return -1;
	if (!a->tls.enabled && a->socket == NULL)
		hint = " (a TLS port? then give --tls or a rediss:// URL)";
	else if (a->tls.enabled && a->tls.cert == NULL && strstr(err->msg, "client certificate") == NULL)
		hint = " (does the broker want a client certificate? give --cert and --key)";
	if (hint != NULL && strlen(err->msg) + strlen(hint) < sizeof(err->msg))
		strcat(err->msg, hint);
	return -1;
}

/* Connects to one server and starts the session. */
static int open_at(struct broker *b, const struct transport_target *to, int want_master,
                   const struct deadline *dl, struct error *err)
{
	resp_reader_reset(&b->reader); /* nothing of an earlier attempt's reply carries over */
	resp_reader_init(&b->reader, BROKER_MAX_REPLY, BROKER_MAX_BATCH);
	b->in_pos = b->in_len = 0;
	b->pending = 0;
	if (transport_connect(&b->t, to, &b->addr->tls, b->cancel_fd, dl, err) < 0)
		return name_broker(b->where, "cannot connect to", "", err);
	if (b->in == NULL && (b->in = malloc(RECV_CHUNK)) == NULL) {
		broker_close(b);
		return error_set(err, ERROR_NOMEM, "out of memory connecting to the broker");
	}
	if (start_session(b, want_master, dl, err) < 0) {
		broker_close(b);
		return session_hint(b->addr, err);
	}
	return 0;
}

/* Says which server an error came from, unless it already does. */
static void name_where(const struct broker *b, struct error *err)
{
	char why[sizeof(err->msg)];

	if (strstr(err->msg, b->where) != NULL)
		return;
	snprintf(why, sizeof(why), "%s", err->msg);
	error_set(err, err->kind, "%s: %s", b->where, why);
}

/* Behind Sentinel: the master each answering sentinel names in turn, until one really is the master. A
 * named server that is down, hangs, is a replica (a failover under way) or answers nonsense sends us to
 * the next sentinel, with a share of the time kept for it; when none is left, what went wrong with the
 * last named server is the reason. */
static int open_master(struct broker *b, const struct deadline *dl, struct error *err)
{
	const struct broker_addr *a = b->addr;
	struct error last = {ERROR_NONE, ""};
	size_t next = 0;

	for (;;) {
		struct sentinel_answer m;
		struct transport_target to;
		struct deadline mine = *dl;
		char at[128], by[128];

		if (sentinel_locate(a, &next, b->cancel_fd, dl, &m, err) < 0) {
			if (last.kind != ERROR_NONE && err != NULL && err->kind != ERROR_CANCELLED &&
			    !deadline_passed(dl))
				*err = last;
			return -1;
		}
		broker_hostport(m.host, m.port, at, sizeof(at));
		broker_hostport(a->sentinel.at[m.sentinel].host, a->sentinel.at[m.sentinel].port, by,
		                sizeof(by));
		snprintf(b->where, sizeof(b->where), "master %.60s at %.100s/%ld (named by sentinel %.100s)",
		         a->sentinel.master, at, a->db, by);
		to = (struct transport_target){m.host, m.port, NULL};
		memcpy(b->master_host, m.host, sizeof(b->master_host));
		b->master_port = m.port;
		if (next < a->sentinel.n)
			mine = deadline_min(
			    deadline_in(deadline_left(dl) / (double)(a->sentinel.n - next + 1)), *dl);
		if (open_at(b, &to, 1, &mine, err) == 0)
			return 0;
		if (err == NULL)
			return -1;
		name_where(b, err);
		if (err->kind == ERROR_CANCELLED || err->kind == ERROR_USAGE || err->kind == ERROR_AUTH ||
		    err->kind == ERROR_NOMEM || deadline_passed(dl))
			return -1;
		last = *err;
		if (last.kind == ERROR_TIMEOUT)
			last.kind = ERROR_CONNECT; /* its share ended, not the check's time */
	}
}

int broker_open(struct broker *b, const struct broker_addr *addr, int cancel_fd, const struct deadline *dl,
                struct error *err)
{
	struct strbuf empty = STRBUF_INIT;
	struct transport_target to = {addr->host, addr->port, addr->socket};

	memset(b, 0, sizeof(*b));
	b->t.fd = -1;
	b->out = empty;
	b->addr = addr;
	b->cancel_fd = cancel_fd;
	if (addr->sentinel.n > 0)
		return open_master(b, dl, err);
	broker_addr_describe(addr, b->where, sizeof(b->where));
	return open_at(b, &to, 0, dl, err);
}

int broker_reopen(struct broker *b, const struct deadline *dl, struct error *err)
{
	const struct broker_addr *addr = b->addr;
	int cancel_fd = b->cancel_fd, version = b->version, floor = b->version_floor;
	struct transport_target master = {b->master_host, b->master_port, NULL};

	broker_close(b);
	if (addr->sentinel.n > 0 && b->master_port > 0) {
		if (open_at(b, &master, 1, dl, err) == 0)
			goto opened;
		if (err != NULL && (err->kind == ERROR_CANCELLED || deadline_passed(dl)))
			return -1;
		broker_close(b);
	}
	if (broker_open(b, addr, cancel_fd, dl, err) < 0)
		return -1;
opened:
	if (b->version == 0) /* INFO failed this time: what the first session read still holds */
		b->version = version, b->version_floor = floor;
	return 0;
}

void broker_close(struct broker *b)
{
	transport_close(&b->t);
	resp_reader_reset(&b->reader);
	strbuf_free(&b->out);
	free(b->in);
	b->in = NULL;
	b->in_pos = b->in_len = 0;
	b->pending = 0;
}

int broker_append(struct broker *b, int argc, const char **argv, const size_t *lens, struct error *err)
{
	char *cmd = NULL;
	int len;

	if (b->t.fd < 0)
		return error_set(err, ERROR_BROKER, "not connected to the broker");
	len = redisFormatCommandArgv(&cmd, argc, argv, lens);
	if (len < 0)
		return error_set(err, ERROR_NOMEM, "out of memory queueing a command");
	strbuf_append(&b->out, cmd, (size_t)len);
	redisFreeCommand(cmd);
	if (b->out.failed)
		return error_set(err, ERROR_NOMEM, "out of memory queueing a command");
	b->pending++;
	return 0;
}

/* Sends every queued command. */
static int flush(struct broker *b, const struct deadline *dl, struct error *err)
{
	int rc = 0;

	if (b->out.len > 0)
		rc = transport_send(&b->t, b->cancel_fd, b->out.buf, b->out.len, dl, err);
	b->out.len = 0;
	return rc < 0 ? io_failed(b, err) : 0;
}

int broker_read(struct broker *b, const struct deadline *dl, struct resp **reply, struct error *err)
{
	*reply = NULL;
	if (b->t.fd < 0)
		return error_set(err, ERROR_BROKER, "not connected to the broker");
	if (flush(b, dl, err) < 0)
		return -1;
	for (;;) {
		ssize_t n;

		if (b->in_pos < b->in_len) {
			long used = resp_reader_feed(&b->reader, b->in + b->in_pos, b->in_len - b->in_pos,
			                             reply, err);
			b->dropped += b->reader.dropped;
			b->reader.dropped = 0;
			if (used < 0) {
				resp_reader_reset(&b->reader);
				return io_failed(b, NULL);
			}
			b->in_pos += (size_t)used;
			if (*reply != NULL) {
				b->pending--;
				return 0;
			}
			continue;
		}
		if ((n = transport_recv(&b->t, b->cancel_fd, b->in, RECV_CHUNK, dl, err)) < 0)
			return io_failed(b, err);
		b->in_pos = 0;
		b->in_len = (size_t)n;
	}
}

int broker_read_streamed(struct broker *b, const struct deadline *dl, struct resp_stream *st,
                         struct resp **reply, struct error *err)
{
	int rc;

	*reply = NULL;
	if (b->t.fd < 0)
		return error_set(err, ERROR_BROKER, "not connected to the broker");
	if (!resp_reader_idle(&b->reader)) /* a reply half read is not of this shape */
		return error_set(err, ERROR_BROKER, "the connection is out of step");
	st->handed = 0;
	b->reader.stream = st;
	b->reader.stream_failed = 0;
	rc = broker_read(b, dl, reply, err);
	b->reader.stream = NULL;
	if (b->reader.stream_failed) { /* fn's failure came first */
		resp_free(*reply);
		*reply = NULL;
		if (err != NULL)
			*err = b->reader.stream_error;
		return -1;
	}
	return rc;
}

int broker_read_push(struct broker *b, const struct deadline *dl, struct resp **reply, struct error *err)
{
	b->pending++; /* a push is a reply nobody asked for: keep the count of those asked for */
	return broker_read(b, dl, reply, err);
}

int broker_reply_error(const struct resp *r, struct error *err)
{
	static const struct {
		const char *code;
		enum error_kind kind;
	} codes[] = {
	    {"NOAUTH", ERROR_AUTH},         {"WRONGPASS", ERROR_AUTH},
	    {"NOPERM", ERROR_AUTH},         {"LOADING", ERROR_UNAVAILABLE},
	    {"OOM", ERROR_UNAVAILABLE},     {"MASTERDOWN", ERROR_UNAVAILABLE},
	    {"BUSY", ERROR_UNAVAILABLE},    {"TRYAGAIN", ERROR_UNAVAILABLE},
	    {"MISCONF", ERROR_UNAVAILABLE},
	};

	if (r->type != RESP_ERROR)
		return 0;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		size_t n = strlen(codes[i].code);
		if (strncmp(r->str, codes[i].code, n) == 0 && (r->str[n] == ' ' || r->str[n] == '\0'))
			return error_set(err, codes[i].kind, "the broker %s: %.200s",
			                 codes[i].kind == ERROR_AUTH ? "refused" : "cannot serve", r->str);
	}
	if (strstr(r->str, "max number of clients reached") != NULL)
		return error_set(err, ERROR_UNAVAILABLE, "the broker cannot serve: %.200s", r->str);
	return error_set(err, ERROR_BROKER, "the broker answered: %.200s", r->str);
}

int broker_call(struct broker *b, const struct deadline *dl, struct resp **reply, struct error *err, int argc,
                const char **argv, const size_t *lens)
{
	if (broker_append(b, argc, argv, lens, err) < 0 || broker_read(b, dl, reply, err) < 0)
		return -1;
	if (broker_reply_error(*reply, err) < 0) {
		resp_free(*reply);
		*reply = NULL;
		return -1;
	}
	return 0;
}

int broker_pipeline_replies(struct broker *b, const struct deadline *dl, const struct broker_cmd *cmds,
                            size_t n, struct resp **replies, struct error *err)
{
	for (size_t i = 0; i < n; i++)
		if (broker_append(b, cmds[i].argc, cmds[i].argv, cmds[i].lens, err) < 0)
			return error_wrap(err, cmds[i].context);
	for (size_t i = 0; i < n; i++) {
		if (broker_read(b, dl, &replies[i], err) < 0) {
			for (size_t j = 0; j < i; j++)
				resp_free(replies[j]);
			return error_wrap(err, cmds[i].context);
		}
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
		struct resp *r;

		if (broker_read(b, dl, &r, err) < 0)
			return error_wrap(err, cmds[i].context);
		if (!failed && broker_reply_error(r, err) < 0) {
			failed = error_wrap(err, cmds[i].context) < 0;
		} else if (cmds[i].integer != NULL && r->type == RESP_INTEGER) {
			*cmds[i].integer = r->integer;
		} else if (!failed && cmds[i].integer != NULL) {
			error_set(err, ERROR_BROKER, "the broker did not answer with a number");
			failed = error_wrap(err, cmds[i].context) < 0;
		}
		resp_free(r);
	}
	return failed ? -1 : 0;
}
