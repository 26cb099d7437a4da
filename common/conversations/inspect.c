/* SPDX-License-Identifier: GPL-3.0-or-later */
/* inspect: the broadcast-and-collect conversation of broker protocol section 2. */
#include "inspect.h"

#include "kombu.h"
#include "uuid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every name one broadcast uses; all malloc'ed. */
struct conversation {
	char oid[UUID_STR_LEN];
	char ticket[UUID_STR_LEN];
	char tag[UUID_STR_LEN];
	char *channel;                          /* PUBLISH target */
	char *binding_key;                      /* set routing replies to our list */
	char *binding_member;                   /* our member of that set */
	char *reply_queue;                      /* unprefixed reply queue name */
	char *reply_keys[KOMBU_PRIORITY_STEPS]; /* the reply lists, prefixed */
	int published;                          /* PUBLISH went out, whether or not its count was read */
	int count_known;                        /* its count (stats.received) was read */
};

/* How long the cleanup waits for replies already on their way when not everyone answered. A worker looks
 * the binding up, then pushes its reply: one that looked before our SREM pushes within this time. */
#define INSPECT_LINGER 0.05

static void conversation_free(struct conversation *cv)
{
	free(cv->channel);
	free(cv->binding_key);
	free(cv->binding_member);
	free(cv->reply_queue);
	for (int i = 0; i < KOMBU_PRIORITY_STEPS; i++)
		free(cv->reply_keys[i]);
}

static int conversation_init(struct conversation *cv, const struct kombu_names *n, struct error *err)
{
	memset(cv, 0, sizeof(*cv));
	if (uuid_v4(cv->oid, err) < 0 || uuid_v4(cv->ticket, err) < 0 || uuid_v4(cv->tag, err) < 0)
		return -1;
	cv->channel = kombu_pidbox_channel(n);
	cv->binding_key = kombu_reply_binding_key(n);
	cv->binding_member = kombu_reply_binding_member(n, cv->oid);
	cv->reply_queue = kombu_reply_queue(n, cv->oid);
	for (int i = 0; i < KOMBU_PRIORITY_STEPS && cv->reply_queue != NULL; i++)
		if ((cv->reply_keys[i] = kombu_queue_key(n, cv->reply_queue, i)) == NULL)
			break;
	if (cv->channel == NULL || cv->binding_key == NULL || cv->binding_member == NULL ||
	    cv->reply_keys[KOMBU_PRIORITY_STEPS - 1] == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory naming keys");
	return 0;
}

/* SADD our binding and PUBLISH the command in one round trip: Redis runs them in order, so the binding exists
 * before any worker sees the command. *received is PUBLISH's count. */
static int announce(struct broker *b, const struct inspect_query *q, struct conversation *cv,
                    long long *received, struct error *err)
{
	struct control_request rq = {q->method, q->names->ns, cv->ticket,
	                             cv->oid,   cv->tag,      clock_wall() + deadline_left(&q->collect)};
	const char *sadd[3] = {"SADD", cv->binding_key, cv->binding_member};
	size_t sadd_len[3] = {4, strlen(cv->binding_key), strlen(cv->binding_member)};
	const char *pub[3] = {"PUBLISH", cv->channel, NULL};
	size_t pub_len[3] = {7, strlen(cv->channel), 0};
	struct broker_cmd cmds[2] = {{3, sadd, sadd_len, "cannot register the reply queue", NULL},
	                             {3, pub, pub_len, "cannot broadcast", received}};
	char *envelope;
	int rc;

	if ((envelope = kombu_encode_control(&rq, err)) == NULL)
		return -1;
	pub[2] = envelope;
	pub_len[2] = strlen(envelope);
	cv->published = 1;
	rc = broker_pipeline(b, &q->hard, cmds, 2, err);
	free(envelope);
	if (rc == 0)
		cv->count_known = 1;
	return rc;
}

/* Decodes one popped message and hands it to fn. */
static int dispatch(const redisReply *msg, const struct conversation *cv, inspect_fn fn, void *ctx,
                    struct inspect_stats *st, struct error *err)
{
	struct control_reply reply;
	struct inspect_event ev = {INSPECT_IGNORED, NULL, NULL, NULL};
	struct error why = {ERROR_NONE, ""};
	int rc;

	if (msg->type != REDIS_REPLY_STRING) {
		ev.detail = "a reply list element that is not a string";
		st->ignored++;
		return fn(ctx, &ev, err);
	}
	if (kombu_decode_reply(msg->str, msg->len, cv->ticket, &reply, &why) < 0) {
		if (why.kind == ERROR_NOMEM)
			return error_set(err, ERROR_NOMEM, "%s", why.msg);
		ev.detail = why.msg;
		st->ignored++;
		return fn(ctx, &ev, err);
	}
	switch (reply.kind) {
	case REPLY_FOREIGN:
		ev.detail = "a reply carrying another check's ticket";
		st->ignored++;
		break;
	case REPLY_UNREADABLE:
		ev.kind = INSPECT_UNREADABLE;
		ev.detail = reply.content_type;
		st->answered++;
		break;
	case REPLY_VALID:
		ev.kind = INSPECT_REPLY;
		ev.node = reply.node;
		ev.result = reply.result;
		st->answered++;
		break;
	}
	rc = fn(ctx, &ev, err);
	kombu_control_reply_free(&reply);
	return rc;
}

/* A reply over the size cap was popped and half read: count it, and go on over a new connection. */
static int drop_oversized(struct broker *b, const struct inspect_query *q, inspect_fn fn, void *ctx,
                          struct inspect_stats *st, struct error *err)
{
	struct inspect_event ev = {INSPECT_IGNORED, NULL, NULL, "a reply larger than the 4 MiB size cap"};

	st->ignored++;
	if (broker_reopen(b, &q->hard, err) < 0)
		return error_wrap(err, "reconnecting after an oversized reply");
	return fn(ctx, &ev, err);
}

/* BRPOP over our reply lists with a timeout in seconds; argv must hold KOMBU_PRIORITY_STEPS + 2 entries. */
static void brpop_args(const struct conversation *cv, const char *timeout, const char **argv, size_t *lens)
{
	argv[0] = "BRPOP";
	lens[0] = 5;
	for (int i = 0; i < KOMBU_PRIORITY_STEPS; i++) {
		argv[i + 1] = cv->reply_keys[i];
		lens[i + 1] = strlen(cv->reply_keys[i]);
	}
	argv[KOMBU_PRIORITY_STEPS + 1] = timeout;
	lens[KOMBU_PRIORITY_STEPS + 1] = strlen(timeout);
}

/* Pops replies until everyone the PUBLISH reached has answered or the collect deadline passes. */
static int collect(struct broker *b, const struct inspect_query *q, const struct conversation *cv,
                   inspect_fn fn, void *ctx, struct inspect_stats *st, struct error *err)
{
	const char *argv[KOMBU_PRIORITY_STEPS + 2];
	size_t lens[KOMBU_PRIORITY_STEPS + 2];
	char timeout[32];

	while (st->answered < st->received) {
		double left = deadline_left(&q->collect);
		struct deadline wait = deadline_min(deadline_in(left + 0.5), q->hard);
		redisReply *r;
		int rc;

		if (left < 0.001)
			break; /* BRPOP's timeout 0 would mean forever */
		snprintf(timeout, sizeof(timeout), "%.3f", left);
		brpop_args(cv, timeout, argv, lens);
		if (broker_call(b, &wait, &r, err, KOMBU_PRIORITY_STEPS + 2, argv, lens) < 0) {
			if (err == NULL || err->kind != ERROR_OVERSIZE)
				return error_wrap(err, "while collecting replies");
			if (drop_oversized(b, q, fn, ctx, st, err) < 0)
				return -1;
			continue;
		}
		if (r->type == REDIS_REPLY_NIL) {
			freeReplyObject(r);
			break;
		}
		if (r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
			freeReplyObject(r);
			return error_set(err, ERROR_BROKER, "BRPOP answered with an unexpected reply");
		}
		rc = dispatch(r->element[1], cv, fn, ctx, st, err);
		freeReplyObject(r);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* 1 when replies may still be on their way: the broadcast went out and not everyone it reached answered. */
static int replies_in_flight(const struct conversation *cv, const struct inspect_stats *st)
{
	return cv->published && (!cv->count_known || st->answered < st->received);
}

/* Once our binding member is gone, waits up to INSPECT_LINGER for replies from workers that looked it up
 * before, so that none lands after the DEL. */
static int linger(struct broker *b, const struct inspect_query *q, const struct conversation *cv,
                  const struct inspect_stats *st, struct error *err)
{
	struct deadline until = deadline_min(deadline_in(INSPECT_LINGER), q->hard);
	long long expected = cv->count_known ? st->received - st->answered : -1;
	const char *argv[KOMBU_PRIORITY_STEPS + 2];
	size_t lens[KOMBU_PRIORITY_STEPS + 2];
	char timeout[32];

	while (expected != 0 && deadline_left(&until) >= 0.001) {
		redisReply *r;
		snprintf(timeout, sizeof(timeout), "%.3f", deadline_left(&until));
		brpop_args(cv, timeout, argv, lens);
		if (broker_call(b, &q->hard, &r, err, KOMBU_PRIORITY_STEPS + 2, argv, lens) < 0)
			return -1;
		if (r->type == REDIS_REPLY_NIL) {
			freeReplyObject(r);
			break;
		}
		freeReplyObject(r);
		expected--;
	}
	return 0;
}

/* Removes what the check put in the broker, also after a timeout, an error or a signal: SREM our binding
 * member first (a worker looks it up before replying), then DEL our lists; when replies may be on their
 * way, drains them in between, else both go in one round trip. */
static void cleanup(struct broker *b, const struct inspect_query *q, const struct conversation *cv,
                    struct inspect_stats *st)
{
	const char *srem[3] = {"SREM", cv->binding_key, cv->binding_member};
	size_t srem_len[3] = {4, strlen(cv->binding_key), strlen(cv->binding_member)};
	const char *del[KOMBU_PRIORITY_STEPS + 1] = {"DEL"};
	size_t del_len[KOMBU_PRIORITY_STEPS + 1] = {3};
	struct broker_cmd cmds[2] = {{3, srem, srem_len, "SREM", NULL},
	                             {KOMBU_PRIORITY_STEPS + 1, del, del_len, "DEL", NULL}};
	struct error err = {ERROR_NONE, ""};
	int failed;

	for (int i = 0; i < KOMBU_PRIORITY_STEPS; i++) {
		del[i + 1] = cv->reply_keys[i];
		del_len[i + 1] = strlen(cv->reply_keys[i]);
	}
	b->cancel_fd = -1; /* a stop request must not stop the cleanup it asked for */
	if (b->pending > 0 && broker_reopen(b, &q->hard, &err) < 0) {
		failed = 1;
	} else if (!replies_in_flight(cv, st)) {
		failed = broker_pipeline(b, &q->hard, cmds, 2, &err) < 0;
	} else {
		failed = broker_pipeline(b, &q->hard, cmds, 1, &err) < 0;
		if (!failed && linger(b, q, cv, st, &err) < 0)
			failed = b->pending > 0 && broker_reopen(b, &q->hard, &err) < 0;
		if (!failed)
			failed = broker_pipeline(b, &q->hard, cmds + 1, 1, &err) < 0;
	}
	if (failed) {
		st->cleanup_failed = 1;
		snprintf(st->cleanup_error, sizeof(st->cleanup_error), "%s", err.msg);
	}
}

int inspect_broadcast(struct broker *b, const struct inspect_query *q, inspect_fn fn, void *ctx,
                      struct inspect_stats *st, struct error *err)
{
	struct conversation cv;
	double started;
	int rc;

	memset(st, 0, sizeof(*st));
	if (conversation_init(&cv, q->names, err) < 0) {
		conversation_free(&cv);
		return -1;
	}
	started = clock_now();
	rc = announce(b, q, &cv, &st->received, err);
	if (rc == 0)
		rc = collect(b, q, &cv, fn, ctx, st, err);
	st->elapsed = clock_now() - started;
	cleanup(b, q, &cv, st);
	conversation_free(&cv);
	return rc;
}
