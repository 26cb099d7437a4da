/* SPDX-License-Identifier: GPL-3.0-or-later */
/* inspect: the broadcast-and-collect conversation of broker protocol section 2. */
#include "inspect.h"

#include "kombu.h"
#include "reply_drain.h"
#include "sweep.h"
#include "uuid.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How long the cleanup waits for replies already on their way when not everyone answered. A worker looks
 * the binding up, then pushes its reply: one that looked before our SREM pushes within this time. */
#define INSPECT_LINGER 0.05
/* A worker stalled between its look-up and its push could still re-create the reply list later, and
 * nothing would remove it: so when replies may be on their way, the list is left holding one marker with
 * this expiry (milliseconds), and a late reply lands in a list that goes away by itself. */
#define INSPECT_TOMB_MS "60000"
#define INSPECT_TOMB    "check_celery: this reply list expires; a reply pushed late lands here"

/* Every name one broadcast uses. */
struct conversation {
	char oid[SWEEP_OID_MAX];
	char ticket[UUID_STR_LEN];
	char tag[UUID_STR_LEN];
	char *channel;        /* PUBLISH target */
	char *old_channel;    /* a second one behind Sentinel (kombu_pidbox_channel_unformatted) */
	char *pidbox_set;     /* with old_channel: the workers' pidbox binding set, to count */
	char *reply_exchange; /* the exchange our reply_to names */
	char *binding_key;    /* its binding set, routing replies to our list */
	char *binding_member; /* our member of that set */
	char *reply_queue;    /* unprefixed reply queue name */
	char *reply_keys[KOMBU_MAX_STEPS]; /* the reply lists, prefixed */
	int nkeys;                         /* how many: one per priority step */
	int published;                     /* PUBLISH went out, whether or not its count was read */
	long long dropped_seen;            /* the broker's count of skipped oversized elements, last looked */
};

static void conversation_free(struct conversation *cv)
{
	free(cv->channel);
	free(cv->old_channel);
	free(cv->pidbox_set);
	free(cv->reply_exchange);
	free(cv->binding_key);
	free(cv->binding_member);
	free(cv->reply_queue);
	for (int i = 0; i < KOMBU_MAX_STEPS; i++)
		free(cv->reply_keys[i]);
}

static int conversation_init(struct conversation *cv, const struct inspect_query *q, struct error *err)
{
	struct kombu_names reply_names;
	char uuid[UUID_STR_LEN];
	/* After this, by the broker's clock, the check has surely ended: the backstop alarm ends it 0.5 s
	 * after the hard deadline, and TIME's whole seconds may lag the truth by one. */
	long long expiry = q->seen->server_time + round_up(q->hard.at - q->seen->sampled_at) + 2;

	memset(cv, 0, sizeof(*cv));
	if (uuid_v4(uuid, err) < 0 || uuid_v4(cv->ticket, err) < 0 || uuid_v4(cv->tag, err) < 0)
		return -1;
	sweep_name_oid(cv->oid, expiry, uuid);
	cv->channel = kombu_pidbox_channel(q->names);
	cv->old_channel = kombu_pidbox_channel_unformatted(q->names);
	cv->pidbox_set = cv->old_channel ? kombu_pidbox_binding_key(q->names) : NULL;
	cv->reply_exchange = kombu_own_reply_exchange(q->names);
	cv->binding_key = kombu_own_reply_binding_key(q->names);
	cv->binding_member = kombu_reply_binding_member(q->names, cv->oid);
	cv->reply_queue = kombu_reply_queue(q->names, cv->oid);
	kombu_reply_names(q->names, &reply_names);
	cv->nkeys = reply_names.nsteps;
	if (cv->channel == NULL ||
	    (q->names->sentinel && q->names->fanout_prefix && cv->old_channel == NULL) ||
	    cv->reply_exchange == NULL || cv->binding_key == NULL || cv->binding_member == NULL ||
	    cv->reply_queue == NULL || kombu_queue_keys(&reply_names, cv->reply_queue, cv->reply_keys) < 0)
		return error_set(err, ERROR_NOMEM, "out of memory naming keys");
	return 0;
}

/* Sweeps our stale bindings, SADDs ours and PUBLISHes the command in one round trip: Redis runs them in
 * order, so the binding exists before any worker sees the command. st->received is PUBLISH's count.
 * Behind Sentinel a worker listens on one of two channels, never both; the second, /{db}.NS.pidbox, is
 * shared by every database, so of its count only as many are taken as this database binds workers
 * beyond those the first reached (SCARD of the pidbox binding set); the rest are st->elsewhere. */
static int announce(struct broker *b, const struct inspect_query *q, struct conversation *cv,
                    struct inspect_stats *st, struct error *err)
{
	struct control_request rq = {
	    q->method,      q->names->ns,      cv->ticket,
	    cv->oid,        cv->tag,           clock_wall() + deadline_left(&q->collect),
	    q->destination, q->ndestination,   q->arguments,
	    q->narguments,  cv->reply_exchange};
	const char *sadd[3] = {"SADD", cv->binding_key, cv->binding_member};
	size_t sadd_len[3] = {4, strlen(cv->binding_key), strlen(cv->binding_member)};
	const char *pub[3] = {"PUBLISH", cv->channel, NULL};
	size_t pub_len[3] = {7, strlen(cv->channel), 0};
	const char *old_pub[3] = {"PUBLISH", cv->old_channel, NULL};
	size_t old_pub_len[3] = {7, cv->old_channel ? strlen(cv->old_channel) : 0, 0};
	const char *scard[2] = {"SCARD", cv->pidbox_set};
	size_t scard_len[2] = {5, cv->pidbox_set ? strlen(cv->pidbox_set) : 0};
	long long old_received = 0, bound = 0, here;
	size_t n;
	struct sweep *s = malloc(sizeof(*s));
	char *envelope = NULL;
	int rc = -1;

	if (s == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	if (sweep_plan(s, q->names, q->seen, cv->binding_key, err) < 0 ||
	    (envelope = kombu_encode_control(&rq, err)) == NULL)
		goto out;
	pub[2] = old_pub[2] = envelope;
	pub_len[2] = old_pub_len[2] = strlen(envelope);
	n = 2 * s->n;
	s->cmds[n++] = (struct broker_cmd){3, sadd, sadd_len, "cannot register the reply queue", NULL};
	s->cmds[n++] = (struct broker_cmd){3, pub, pub_len, "cannot broadcast", &st->received};
	if (cv->old_channel != NULL) {
		s->cmds[n++] =
		    (struct broker_cmd){3, old_pub, old_pub_len, "cannot broadcast", &old_received};
		s->cmds[n++] = (struct broker_cmd){2, scard, scard_len, "cannot count the workers", &bound};
	}
	cv->published = 1;
	rc = broker_pipeline(b, &q->hard, s->cmds, n, err);
	if (rc == 0) {
		here = bound > st->received ? bound - st->received : 0;
		here = old_received < here ? old_received : here;
		st->elsewhere = old_received - here;
		st->received += here;
		st->addressed = q->ndestination > 0;
		st->expected = q->ndestination > 0 && (long long)q->ndestination < st->received
		                   ? (long long)q->ndestination
		                   : st->received;
		st->counted = 1;
		st->swept = (long long)s->n;
	}
out:
	sweep_free(s);
	free(s);
	free(envelope);
	return rc;
}

struct collector {
	const struct conversation *cv;
	inspect_fn fn;
	void *ctx;
	struct inspect_stats *st;
	struct control_reply reply; /* its buffer serves every reply */
};

/* Decodes one popped message and hands it to fn. Only a well-formed reply carrying our ticket counts as
 * an answer; an empty string is the place of an oversized element the broker layer skipped. */
static int dispatch(void *arg, const char *msg, size_t len, struct error *err)
{
	struct collector *c = arg;
	struct control_reply *reply = &c->reply;
	struct inspect_event ev = {INSPECT_IGNORED, NULL, NULL, NULL};
	struct error why = {ERROR_NONE, ""};

	if (msg != NULL && len == 0)
		return 0;
	c->st->ignored++;
	if (msg == NULL) {
		ev.detail = "a reply list element that is not a string";
		return c->fn(c->ctx, &ev, err);
	}
	if (kombu_decode_reply(msg, len, c->cv->ticket, reply, &why) < 0) {
		if (why.kind == ERROR_NOMEM)
			return error_set(err, ERROR_NOMEM, "%s", why.msg);
		ev.detail = why.msg;
		return c->fn(c->ctx, &ev, err);
	}
	switch (reply->b.kind) {
	case REPLY_FOREIGN:
		ev.detail = "a reply carrying another check's ticket";
		break;
	case REPLY_UNREADABLE:
		ev.kind = INSPECT_UNREADABLE;
		ev.detail = reply->b.content_type;
		break;
	case REPLY_VALID:
		ev.kind = INSPECT_REPLY;
		ev.node = reply->b.node;
		ev.result = &reply->b.result;
		break;
	}
	if (ev.kind != INSPECT_IGNORED) {
		c->st->ignored--;
		c->st->answered++;
	}
	return c->fn(c->ctx, &ev, err);
}

/* Reports the oversized elements the broker layer skipped since we last looked. */
static int report_dropped(struct broker *b, struct conversation *cv, struct collector *c, struct error *err)
{
	struct inspect_event ev = {INSPECT_IGNORED, NULL, NULL, "a reply larger than the 4 MiB size cap"};

	for (; cv->dropped_seen < b->dropped; cv->dropped_seen++) {
		c->st->ignored++;
		if (c->fn(c->ctx, &ev, err) < 0)
			return -1;
	}
	return 0;
}

/* Pops replies until everyone the PUBLISH reached has answered or the collect deadline passes. */
static int collect(struct broker *b, const struct inspect_query *q, struct conversation *cv,
                   struct collector *c, struct error *err)
{
	struct inspect_stats *st = c->st;
	long long batch = DRAIN_BATCH_MAX; /* halved after each batch over the size cap */
	int popped = 1;

	cv->dropped_seen = b->dropped;
	while (st->answered < st->expected && popped > 0 && b->pending == 0) {
		if (deadline_left(&q->collect) < 0.001)
			break; /* a blocking pop's timeout 0 would mean forever */
		long long want = st->expected - st->answered;
		popped = reply_drain(b, cv->reply_keys, cv->nkeys, want < batch ? want : batch, &q->collect,
		                     &q->latest, dispatch, c, err);
		if (report_dropped(b, cv, c, err) < 0)
			return -1;
		if (popped < 0 && err != NULL && err->kind == ERROR_OVERSIZE) {
			struct inspect_event ev = {INSPECT_IGNORED, NULL, NULL,
			                           "a batch of replies over the 16 MiB cap"};
			st->ignored++;
			batch = batch > 1 ? batch / 2 : 1; /* the next batches are smaller */
			if (broker_reopen(b, &q->hard, err) < 0 || c->fn(c->ctx, &ev, err) < 0)
				return error_wrap(err, "reconnecting after an oversized reply");
			cv->dropped_seen = b->dropped;
			popped = 1;
		} else if (popped < 0) {
			return error_wrap(err, "while collecting replies");
		}
	}
	return 0;
}

/* 1 when replies may still be on their way: the broadcast went out and not everyone it reached answered. */
static int replies_in_flight(const struct conversation *cv, const struct inspect_stats *st)
{
	return cv->published && (!st->counted || st->answered < st->expected);
}

/* Once our binding member is gone, waits INSPECT_LINGER for replies from workers that looked it up before,
 * so that none lands after the DEL, which takes whatever came. A plain wait: a blocking pop would end on
 * Redis's 100 ms clock, not ours. */
static void linger(const struct inspect_query *q)
{
	struct deadline until = deadline_min(deadline_in(INSPECT_LINGER), q->hard);
	double left = deadline_left(&until);
	struct timespec ts = {(time_t)left, (long)((left - (double)(time_t)left) * 1e9)};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		; /* a stop signal does not shorten the cleanup it asked for */
}

/* Removes what the check put in the broker, also after a timeout, an error or a signal: SREM our binding
 * member first (a worker looks it up before replying), then DEL our lists; when replies may be on their
 * way, lingers in between and leaves the reply list as an expiring marker (INSPECT_TOMB_MS), else both go
 * in one round trip. A pending stop request does not stop it. */
static void cleanup(struct broker *b, const struct inspect_query *q, const struct conversation *cv,
                    struct inspect_stats *st)
{
	const char *srem[3] = {"SREM", cv->binding_key, cv->binding_member};
	size_t srem_len[3] = {4, strlen(cv->binding_key), strlen(cv->binding_member)};
	const char *del[KOMBU_MAX_STEPS + 1] = {"DEL"};
	size_t del_len[KOMBU_MAX_STEPS + 1] = {3};
	/* the marker and its expiry in one transaction: a list without an expiry never stays behind */
	const char *multi[1] = {"MULTI"}, *exec[1] = {"EXEC"},
	           *tomb[3] = {"RPUSH", cv->reply_keys[0], INSPECT_TOMB},
	           *expire[3] = {"PEXPIRE", cv->reply_keys[0], INSPECT_TOMB_MS};
	size_t multi_len[1] = {5}, exec_len[1] = {4},
	       tomb_len[3] = {5, strlen(cv->reply_keys[0]), strlen(INSPECT_TOMB)},
	       expire_len[3] = {7, strlen(cv->reply_keys[0]), strlen(INSPECT_TOMB_MS)};
	struct broker_cmd cmds[6] = {
	    {3, srem, srem_len, "SREM", NULL},        {cv->nkeys + 1, del, del_len, "DEL", NULL},
	    {1, multi, multi_len, "MULTI", NULL},     {3, tomb, tomb_len, "RPUSH", NULL},
	    {3, expire, expire_len, "PEXPIRE", NULL}, {1, exec, exec_len, "EXEC", NULL}};
	struct error err = {ERROR_NONE, ""};
	int cancel_fd = b->cancel_fd, failed;

	for (int i = 0; i < cv->nkeys; i++) {
		del[i + 1] = cv->reply_keys[i];
		del_len[i + 1] = strlen(cv->reply_keys[i]);
	}
	b->cancel_fd = -1;
	if (b->pending > 0 && broker_reopen(b, &q->hard, &err) < 0) {
		failed = 1;
	} else if (!replies_in_flight(cv, st)) {
		failed = broker_pipeline(b, &q->hard, cmds, 2, &err) < 0;
	} else {
		failed = broker_pipeline(b, &q->hard, cmds, 1, &err) < 0;
		if (!failed)
			linger(q);
		if (!failed)
			failed = broker_pipeline(b, &q->hard, cmds + 1, 1, &err) < 0;
		/* a full broker (OOM) refuses the marker: the lists are gone all the same */
		if (!failed && broker_pipeline(b, &q->hard, cmds + 2, 4, &err) < 0)
			failed = err.kind != ERROR_UNAVAILABLE;
	}
	b->cancel_fd = cancel_fd;
	if (failed) {
		st->cleanup_failed = 1;
		snprintf(st->cleanup_error, sizeof(st->cleanup_error), "%s", err.msg);
	}
}

int inspect_sweep(struct broker *b, const struct kombu_names *names, const struct bindings *seen,
                  const struct deadline *dl, struct error *err)
{
	char *key = kombu_own_reply_binding_key(names);
	struct sweep *s = malloc(sizeof(*s));
	int rc = -1;

	if (key == NULL || s == NULL) {
		error_set(err, ERROR_NOMEM, "out of memory");
	} else if (sweep_plan(s, names, seen, key, err) == 0) {
		rc = s->n > 0 ? broker_pipeline(b, dl, s->cmds, 2 * s->n, err) : 0;
		sweep_free(s);
	}
	free(s);
	free(key);
	return rc;
}

int inspect_broadcast(struct broker *b, const struct inspect_query *q, inspect_fn fn, void *ctx,
                      struct inspect_stats *st, struct error *err)
{
	struct conversation cv;
	struct collector c = {&cv, fn, ctx, st, CONTROL_REPLY_INIT};
	double started;
	int rc;

	memset(st, 0, sizeof(*st));
	if (conversation_init(&cv, q, err) < 0) {
		conversation_free(&cv);
		return -1;
	}
	started = clock_now();
	rc = announce(b, q, &cv, st, err);
	if (rc == 0)
		rc = collect(b, q, &cv, &c, err);
	st->elapsed = clock_now() - started;
	cleanup(b, q, &cv, st);
	kombu_control_reply_free(&c.reply);
	conversation_free(&cv);
	return rc;
}
