/* SPDX-License-Identifier: GPL-3.0-or-later */
/* reply_drain: batched pops by server version (docs/broker.md, "Redis versions"). */
#include "reply_drain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Hands one element to fn: a string as its bytes, anything else as NULL. */
static int hand(const struct resp *e, drain_fn fn, void *ctx, struct error *err)
{
	return e->type == RESP_STRING ? fn(ctx, e->str, e->len, err) : fn(ctx, NULL, 0, err);
}

/* Hands the elements of an array reply that were kept (not streamed) to fn; returns their count or -1. */
static int each_element(const struct resp *a, drain_fn fn, void *ctx, struct error *err)
{
	int kept = 0;

	for (size_t i = 0; i < a->elements; i++)
		if (a->element[i] != NULL && (kept++, hand(a->element[i], fn, ctx, err) < 0))
			return -1;
	return kept;
}

/* A blocking pop: BLMPOP (7.0) or BRPOP with the seconds left until `until`; the broker has until `latest`
 * to answer. Returns the count popped. */
static int blocking_pop(struct broker *b, char *const *keys, int nkeys, long long want,
                        const struct deadline *until, const struct deadline *latest, drain_fn fn, void *ctx,
                        struct error *err)
{
	double left = deadline_left(until); /* read once: a timeout written as 0 would block forever */
	int v7 = b->version >= BROKER_VERSION(7, 0, 0), whole = b->version < BROKER_VERSION(6, 0, 0);
	const char **argv = calloc((size_t)nkeys + 6, sizeof(*argv));
	size_t *lens = calloc((size_t)nkeys + 6, sizeof(*lens));
	char timeout[32], numkeys[16], count[24];
	struct deadline guard;
	/* the popped messages are decoded as they are read: BLMPOP's in the array after the key, BRPOP's
	 * after the key */
	struct resp_stream st = {fn, ctx, v7 ? RESP_STREAM_KEYED : RESP_STREAM_PAIR, 0};
	struct resp *r = NULL;
	int argc = 0, rc = -1, keyed;

	if (argv == NULL || lens == NULL) {
		error_set(err, ERROR_NOMEM, "out of memory popping replies");
		goto out;
	}
	if (left < 0.001) {
		rc = 0;
		goto out;
	}
	if (whole)
		snprintf(timeout, sizeof(timeout), "%lld", round_up(left) > 1 ? round_up(left) : 1);
	else
		snprintf(timeout, sizeof(timeout), "%.3f", left);
	snprintf(numkeys, sizeof(numkeys), "%d", nkeys);
	snprintf(count, sizeof(count), "%lld", want);
	argv[argc++] = v7 ? "BLMPOP" : "BRPOP";
	if (v7) {
		argv[argc++] = timeout;
		argv[argc++] = numkeys;
	}
	for (int i = 0; i < nkeys; i++)
		argv[argc++] = keys[i];
	if (v7) {
		argv[argc++] = "RIGHT";
		argv[argc++] = "COUNT";
		argv[argc++] = count;
	} else {
		argv[argc++] = timeout;
	}
	for (int i = 0; i < argc; i++)
		lens[i] = strlen(argv[i]);
	guard = whole ? deadline_min(*until, *latest) : *latest;
	if (broker_append(b, argc, argv, lens, err) < 0)
		goto out;
	rc = broker_read_streamed(b, &guard, &st, &r, err);
	if (rc == 0 && broker_reply_error(r, err) < 0)
		rc = -1;
	if (rc < 0) {
		rc = -1;
		if (err != NULL && err->kind == ERROR_TIMEOUT && whole && !deadline_passed(latest))
			rc = 0; /* -T ended a whole-second BRPOP: not an error; the connection is out of step
			         */
		else if (err != NULL && err->kind == ERROR_TIMEOUT)
			error_set(err, ERROR_TIMEOUT,
			          "the broker had not answered %s when the time left ran out", argv[0]);
		goto out;
	}
	rc = -1;
	keyed = r->type == RESP_ARRAY && r->elements == 2 && r->element[0] != NULL &&
	        r->element[0]->type == RESP_STRING; /* [key, popped] */
	if (r->type == RESP_NIL)
		rc = 0;
	else if (keyed && v7 && r->element[1] != NULL && r->element[1]->type == RESP_ARRAY) {
		int kept = each_element(r->element[1], fn, ctx, err);
		rc = kept < 0 ? -1 : kept + (int)st.handed;
	} else if (keyed && !v7)
		rc = r->element[1] == NULL ? 1 : hand(r->element[1], fn, ctx, err) < 0 ? -1 : 1;
	else
		error_set(err, ERROR_BROKER, "%s answered with an unexpected reply", argv[0]);
out:
	if (r != NULL)
		resp_free(r);
	free(argv);
	free(lens);
	return rc;
}

/* Sends the RPOP KEY COUNT commands and reads their replies, each string handed to fn as it is read (a
 * batch larger than the cap is never cut for its size: Redis has taken it out of the list already). The
 * kept elements (not strings) stay in r for the caller; *popped counts those handed over. */
static int read_counted(struct broker *b, const struct broker_cmd *cmds, size_t n, const struct deadline *dl,
                        drain_fn fn, void *ctx, struct resp **r, int *popped, struct error *err)
{
	struct resp_stream st = {fn, ctx, RESP_STREAM_FLAT, 0};

	for (size_t i = 0; i < n; i++)
		if (broker_append(b, cmds[i].argc, cmds[i].argv, cmds[i].lens, err) < 0)
			return error_wrap(err, cmds[i].context);
	for (size_t i = 0; i < n; i++) {
		if (broker_read_streamed(b, dl, &st, &r[i], err) < 0) {
			for (size_t j = 0; j < i; j++)
				resp_free(r[j]);
			return error_wrap(err, cmds[i].context);
		}
		*popped += (int)st.handed;
	}
	return 0;
}

/* Pops what is already waiting, without blocking: RPOP KEY COUNT for each list (6.2), or up to want
 * pipelined RPOPs of the base list (earlier servers). Returns the count popped. */
static int nonblocking_pop(struct broker *b, char *const *keys, int nkeys, long long want,
                           const struct deadline *latest, drain_fn fn, void *ctx, struct error *err)
{
	int counted = b->version >= BROKER_VERSION(6, 2, 0);
	size_t n = counted ? (size_t)nkeys : (size_t)want;
	struct broker_cmd *cmds = calloc(n, sizeof(*cmds));
	struct resp **r = calloc(n, sizeof(*r));
	const char **argv = calloc(3 * n, sizeof(*argv));
	size_t *lens = calloc(3 * n, sizeof(*lens));
	char count[24];
	int popped = 0, rc = -1;

	if (cmds == NULL || r == NULL || argv == NULL || lens == NULL) {
		error_set(err, ERROR_NOMEM, "out of memory popping replies");
		goto out;
	}
	snprintf(count, sizeof(count), "%lld", want);
	for (size_t i = 0; i < n; i++) {
		const char *key = counted ? keys[i] : keys[0];
		argv[3 * i] = "RPOP";
		argv[3 * i + 1] = key;
		argv[3 * i + 2] = count;
		lens[3 * i] = 4;
		lens[3 * i + 1] = strlen(key);
		lens[3 * i + 2] = strlen(count);
		cmds[i] = (struct broker_cmd){counted ? 3 : 2, &argv[3 * i], &lens[3 * i],
		                              "while collecting replies", NULL};
	}
	if (counted ? read_counted(b, cmds, n, latest, fn, ctx, r, &popped, err) < 0
	            : broker_pipeline_replies(b, latest, cmds, n, r, err) < 0)
		goto out;
	rc = 0;
	for (size_t i = 0; i < n; i++) {
		int got = 0;
		if (rc == 0 && broker_reply_error(r[i], err) < 0)
			rc = error_wrap(err, "while collecting replies");
		else if (rc == 0 && r[i]->type == RESP_ARRAY)
			got = each_element(r[i], fn, ctx, err);
		else if (rc == 0 && r[i]->type != RESP_NIL)
			got = hand(r[i], fn, ctx, err) < 0 ? -1 : 1;
		if (got < 0)
			rc = -1;
		else
			popped += got;
		resp_free(r[i]);
	}
out:
	free(cmds);
	free(r);
	free(argv);
	free(lens);
	return rc < 0 ? -1 : popped;
}

int reply_drain(struct broker *b, char *const *keys, int nkeys, long long want, const struct deadline *until,
                const struct deadline *latest, drain_fn fn, void *ctx, struct error *err)
{
	int first, more;

	if (want > DRAIN_BATCH_MAX)
		want = DRAIN_BATCH_MAX;
	first = blocking_pop(b, keys, nkeys, want, until, latest, fn, ctx, err);
	if (first <= 0 || first >= want || b->version >= BROKER_VERSION(7, 0, 0) || b->pending > 0)
		return first;
	more = nonblocking_pop(b, keys, nkeys, want - first, latest, fn, ctx, err);
	return more < 0 ? -1 : first + more;
}
