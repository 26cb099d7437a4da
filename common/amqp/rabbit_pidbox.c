/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rabbit_pidbox: the broadcast over celery.pidbox and its replies (broker protocol, AMQP: remote control). */
#include "rabbit_pidbox.h"

#include "control_body.h"
#include "deadline.h"
#include "uuid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONTROL_QUEUE_EXPIRES 10000  /* ms, as Celery's control_queue_expires */
#define CONTROL_QUEUE_TTL     300000 /* ms, as Celery's control_queue_ttl */

/* One broadcast's names. */
struct names {
	char oid[UUID_STR_LEN], ticket[UUID_STR_LEN];
	char exchange[300];       /* NS.pidbox */
	char reply_exchange[300]; /* reply.NS.pidbox */
	char reply_queue[340];    /* OID.reply.NS.pidbox */
};

/* The workers to wait for: the named ones, or those seen before, whose control queue has a consumer (a
 * worker gone has none: its queue expires 10 s after it stopped). Each is mapped to its index in answered. */
struct known {
	struct name_map live;
	char *answered; /* one flag for each name given */
	long long nlive, nanswered;
	int complete; /* q->complete, every name was counted, and nothing since said the list was short */
	int gave_up;  /* counting ran out of its time: nobody is known, the whole wait runs */
};

/* Counting may take half the wait at most (a long state file, a distant broker): past that, the workers
 * are not counted at all, and the whole wait runs. */
static int count_known(struct rabbit_link *l, const struct rabbit_query *q, struct known *k,
                       struct error *err)
{
	double span = q->wait > 0 ? q->wait : deadline_left(&q->collect);
	struct deadline budget = deadline_min(deadline_in(span / 2), q->collect);
	char *const *names = q->ndestination ? q->destination : q->known;
	size_t n = q->ndestination ? q->ndestination : q->nknown;

	k->complete = q->complete && (n <= KNOWN_MOST || q->ndestination > 0);
	if (n > KNOWN_MOST && q->ndestination == 0)
		n = KNOWN_MOST;
	if ((k->answered = calloc(n + 1, 1)) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		char queue[800];
		long long messages, consumers;
		int rc, live;

		if (deadline_passed(&budget)) {
			name_map_free(&k->live);
			k->nlive = 0;
			k->complete = 0;
			k->gave_up = 1;
			return 0;
		}
		snprintf(queue, sizeof(queue), "%.500s.%.250s.pidbox", names[i], q->ns);
		if ((rc = rabbit_queue_counts(l, queue, &q->hard, &messages, &consumers, err)) < 0)
			return -1;
		/* a control queue exclusive to another connection (control_queue_exclusive) is the worker's
		 * own: it listens, though the broker will not count its consumers for us */
		live = (rc == 1 && consumers > 0) || rc == 2;
		if (live && (rc = name_map_put(&k->live, names[i], i, NULL)) < 0)
			return error_set(err, ERROR_NOMEM, "out of memory");
		k->nlive += live && rc == 1; /* a name given twice counts once */
	}
	return 0;
}

/* Notes that a known worker answered. One that was not known shows a list said to be complete was not. */
static void known_answered(struct known *k, const char *node)
{
	size_t i;

	if (node != NULL && !name_map_get(&k->live, node, &i))
		k->complete = 0;
	else if (node != NULL && !k->answered[i]) {
		k->answered[i] = 1;
		k->nanswered++;
	}
}

/* The reply exchange Celery's clients and workers declare (direct, not durable, not auto-deleted), declared
 * alike when no client has yet: a worker replying declares it so too. */
static int reply_exchange(struct rabbit_link *l, const struct rabbit_query *q, const struct names *n,
                          struct error *err)
{
	amqp_bytes_t name = rabbit_bytes(n->reply_exchange);
	int code;

	if (rabbit_ready(l, &q->hard, err) < 0)
		return -1;
	if (rabbit.exchange_declare(l->conn, l->channel, name, rabbit_bytes("direct"), 1, 0, 0, 0,
	                            RABBIT_EMPTY_TABLE) != NULL)
		return 0;
	if (rabbit_answer(l, "looking up the reply exchange", &code, err) < 0 && code != 404)
		return -1;
	if (rabbit_ready(l, &q->hard, err) < 0)
		return -1;
	rabbit.exchange_declare(l->conn, l->channel, name, rabbit_bytes("direct"), 0, 0, 0, 0,
	                        RABBIT_EMPTY_TABLE);
	return rabbit_answer(l, "declaring the reply exchange", NULL, err);
}

/* Our reply queue: exclusive to this connection and auto-deleted, with Celery's expiry and TTL besides;
 * bound to the reply exchange with our oid and consumed without acks. */
static int reply_queue(struct rabbit_link *l, const struct rabbit_query *q, const struct names *n,
                       struct error *err)
{
	amqp_table_entry_t args[2] = {rabbit_int_entry("x-expires", CONTROL_QUEUE_EXPIRES),
	                              rabbit_int_entry("x-message-ttl", CONTROL_QUEUE_TTL)};
	amqp_bytes_t queue = rabbit_bytes(n->reply_queue);

	if (rabbit_ready(l, &q->hard, err) < 0)
		return -1;
	rabbit.queue_declare(l->conn, l->channel, queue, 0, 0, 1, 1, (amqp_table_t){2, args});
	if (rabbit_answer(l, "declaring our reply queue", NULL, err) < 0)
		return -1;
	rabbit.queue_bind(l->conn, l->channel, queue, rabbit_bytes(n->reply_exchange), rabbit_bytes(n->oid),
	                  RABBIT_EMPTY_TABLE);
	if (rabbit_answer(l, "binding our reply queue", NULL, err) < 0)
		return -1;
	rabbit.basic_consume(l->conn, l->channel, queue, RABBIT_EMPTY_BYTES, 0, 1, 1, RABBIT_EMPTY_TABLE);
	if (rabbit_answer(l, "consuming our reply queue", NULL, err) < 0)
		return -1;
	rabbit.confirm_select(l->conn, l->channel);
	return rabbit_answer(l, "asking for publisher confirms", NULL, err);
}

/* The command, as Celery's own client publishes it: JSON, persistent, priority 0, headers clock and
 * expires; mandatory, so that a broadcast no worker's queue takes comes back. */
static int publish(struct rabbit_link *l, const struct rabbit_query *q, const struct names *n,
                   const struct deadline *collect, struct error *err)
{
	struct control_request rq = {
	    q->method,       q->ns,        n->ticket,     n->oid,           NULL, 0, q->destination,
	    q->ndestination, q->arguments, q->narguments, n->reply_exchange};
	struct strbuf body = STRBUF_INIT;
	amqp_basic_properties_t props;
	amqp_table_entry_t headers[2];
	int status;

	rq.expires = clock_wall() + deadline_left(collect);
	control_body_write(&body, &rq);
	if (body.failed) {
		strbuf_free(&body);
		return error_set(err, ERROR_NOMEM, "out of memory encoding a broadcast");
	}
	headers[0].key = rabbit_bytes("clock");
	headers[0].value.kind = AMQP_FIELD_KIND_I64;
	headers[0].value.value.i64 = 1;
	headers[1].key = rabbit_bytes("expires");
	headers[1].value.kind = AMQP_FIELD_KIND_F64;
	headers[1].value.value.f64 = rq.expires;
	memset(&props, 0, sizeof(props));
	props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_CONTENT_ENCODING_FLAG |
	               AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_PRIORITY_FLAG | AMQP_BASIC_HEADERS_FLAG;
	props.content_type = rabbit_bytes("application/json");
	props.content_encoding = rabbit_bytes("utf-8");
	props.delivery_mode = 2;
	props.priority = 0;
	props.headers = (amqp_table_t){2, headers};
	status = rabbit.basic_publish(l->conn, l->channel, rabbit_bytes(n->exchange), RABBIT_EMPTY_BYTES, 1,
	                              0, &props, (amqp_bytes_t){body.len, body.buf});
	strbuf_free(&body);
	l->published++;
	if (status != AMQP_STATUS_OK)
		return error_set(err, ERROR_CONNECT, "publishing the broadcast to %s: %s", l->where,
		                 rabbit.error_string2(status));
	return 0;
}

/* One message on our reply queue, handed to fn as the Redis side hands its replies. */
static int dispatch(struct rabbit_message *m, const struct names *n, inspect_fn fn, void *ctx,
                    struct inspect_stats *st, struct known *k, struct reply_body *reply, struct error *err)
{
	struct inspect_event ev = {INSPECT_IGNORED, NULL, NULL, NULL};
	struct error why = {ERROR_NONE, ""};

	if (m->oversize)
		ev.detail = "a reply over 4 MiB";
	else if (!m->has_ticket)
		ev.detail = "reply has no ticket";
	else if (strcmp(m->ticket, n->ticket) != 0)
		ev.detail = "a reply carrying another check's ticket";
	else if (control_body_read(m->content_type[0] ? m->content_type : NULL, m->body, m->len, reply,
	                           &why) < 0) {
		if (why.kind == ERROR_NOMEM)
			return error_set(err, ERROR_NOMEM, "%s", why.msg);
		ev.detail = why.msg;
	} else if (reply->kind == REPLY_UNREADABLE) {
		ev.kind = INSPECT_UNREADABLE;
		ev.detail = reply->content_type;
	} else {
		ev.kind = INSPECT_REPLY;
		ev.node = reply->node;
		ev.result = &reply->result;
		known_answered(k, reply->node);
	}
	if (ev.kind == INSPECT_IGNORED)
		st->ignored++;
	else
		st->answered++;
	return fn(ctx, &ev, err);
}

/* 1 when m confirms our publish (the channel's last), not one before it. */
static int confirms_ours(const struct rabbit_link *l, const struct rabbit_message *m)
{
	return m->tag == l->published || (m->multiple && m->tag > l->published);
}

/* 1 when m is our own broadcast coming back (it carries our ticket), not one of an earlier broadcast. */
static int returns_ours(const struct rabbit_message *m, const struct names *n)
{
	return !m->oversize && m->body != NULL && strstr(m->body, n->ticket) != NULL;
}

/* Reads until collect, or until the known workers answered (and the linger after), or the publish came
 * back unrouted. With --worker and none of the named ones listening, until the broker confirmed the
 * publish: whether anyone listens at all is known then. */
static int collect(struct rabbit_link *l, const struct rabbit_query *q, const struct names *n,
                   struct deadline until, inspect_fn fn, void *ctx, struct inspect_stats *st, struct known *k,
                   struct error *err)
{
	struct rabbit_message m = {0};
	struct reply_body reply;
	struct deadline collect = until;
	double started = clock_now();
	int returned = 0, confirmed = 0, lingering = 0, rc = 0;

	for (;;) {
		if (q->ndestination > 0 && k->nanswered == k->nlive && (k->nlive > 0 || confirmed) &&
		    !k->gave_up)
			break; /* only the named ones answer */
		if (k->complete && k->nlive > 0 && k->nanswered == k->nlive)
			break; /* everyone listening answered */
		if (k->nlive > 0 && k->nanswered == k->nlive && !lingering) {
			double linger = clock_now() - started;
			linger = linger < LINGER_LEAST ? LINGER_LEAST : linger;
			until = deadline_min(deadline_in(linger), collect);
			st->linger = deadline_left(&until);
			lingering = 1;
		}
		if ((rc = rabbit_next(l, &until, &m, err)) < 0 || m.kind == RABBIT_NOTHING)
			break;
		if (m.kind == RABBIT_RETURNED && returns_ours(&m, n)) {
			returned = 1;
		} else if (m.kind == RABBIT_ACKED && confirms_ours(l, &m)) {
			confirmed = 1;
			if (returned) { /* no queue was bound: no worker listens */
				st->receivers = RECEIVERS_COUNTED;
				break;
			}
			/* unreturned, so someone's queue took it: a list said to be complete was not */
			if (k->nlive == 0)
				k->complete = 0;
		} else if (m.kind == RABBIT_DELIVERY &&
		           (rc = dispatch(&m, n, fn, ctx, st, k, &reply, err)) < 0) {
			break;
		}
	}
	rabbit_message_free(&m);
	return rc;
}

/* The counts, once the wait is over. */
static void count(struct inspect_stats *st, const struct rabbit_query *q, const struct known *k)
{
	if (st->receivers == RECEIVERS_COUNTED) {
		st->received = st->expected = 0;
	} else if (k->complete && q->ndestination == 0) { /* the listeners were listed and counted */
		st->receivers = RECEIVERS_COUNTED;
		st->received = st->expected = k->nlive + st->answered - k->nanswered;
	} else if (k->nlive > 0 || q->ndestination > 0) {
		st->receivers = RECEIVERS_KNOWN;
		st->known = k->nlive;
		/* the known that received it, and any other that answered (with a destination, none) */
		st->received = st->expected = k->nlive + (q->ndestination ? 0 : st->answered - k->nanswered);
		st->addressed = q->ndestination > 0;
		/* none of the named ones listens, yet other workers may: how many, AMQP cannot tell */
		if (q->ndestination > 0 && k->nlive == 0) {
			st->counted = 0;
			return;
		}
	} else {
		st->receivers = RECEIVERS_UNKNOWN;
		st->received = st->expected = st->answered;
	}
	st->counted = st->receivers != RECEIVERS_UNKNOWN;
}

int rabbit_broadcast(struct rabbit_link *l, const struct rabbit_query *q, inspect_fn fn, void *ctx,
                     struct inspect_stats *st, struct error *err)
{
	struct names n;
	struct known k = {NAME_MAP_INIT, NULL, 0, 0, 0, 0};
	struct error ignored;
	struct deadline until;
	double started;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	if (uuid_v4(n.oid, err) < 0 || uuid_v4(n.ticket, err) < 0)
		return -1;
	snprintf(n.exchange, sizeof(n.exchange), "%.250s.pidbox", q->ns);
	snprintf(n.reply_exchange, sizeof(n.reply_exchange), "reply.%.250s.pidbox", q->ns);
	snprintf(n.reply_queue, sizeof(n.reply_queue), "%s.reply.%.250s.pidbox", n.oid, q->ns);
	if (count_known(l, q, &k, err) < 0 || rabbit_ready(l, &q->hard, err) < 0)
		goto out;
	/* no pidbox exchange: no worker ever listened for remote control here (and a publish to it would
	 * close the channel, and our queue with it) */
	if (rabbit.exchange_declare(l->conn, l->channel, rabbit_bytes(n.exchange), rabbit_bytes("fanout"), 1,
	                            0, 0, 0, RABBIT_EMPTY_TABLE) == NULL) {
		int code;
		if (rabbit_answer(l, "looking up the pidbox exchange", &code, err) < 0 && code != 404)
			goto out;
		st->receivers = RECEIVERS_COUNTED;
		count(st, q, &k);
		rc = 0;
		goto out;
	}
	if (reply_exchange(l, q, &n, err) < 0 || reply_queue(l, q, &n, err) < 0)
		goto out;
	/* the wait starts at the publish: counting and declaring took none of it */
	until = q->wait > 0 ? deadline_min(deadline_in(q->wait), q->collect) : q->collect;
	if (publish(l, q, &n, &until, err) < 0)
		goto out;
	st->receivers = RECEIVERS_UNKNOWN;
	started = clock_now();
	rc = collect(l, q, &n, until, fn, ctx, st, &k, err);
	st->elapsed = clock_now() - started;
	count(st, q, &k);
	/* exclusive and auto-deleted, it goes with the connection; removed now besides, unless the broker
	 * blocks us (an alarm): then it reads nothing from us until the alarm clears, closing included */
	if (l->channel != 0 && !l->blocked && rabbit_ready(l, &q->hard, &ignored) == 0) {
		rabbit.queue_delete(l->conn, l->channel, rabbit_bytes(n.reply_queue), 0, 0);
		if (rabbit_answer(l, "removing our reply queue", NULL, &ignored) < 0) {
			st->cleanup_failed = 1;
			snprintf(st->cleanup_error, sizeof(st->cleanup_error), "%s", ignored.msg);
		}
	}
out:
	name_map_free(&k.live);
	free(k.answered);
	return rc;
}
