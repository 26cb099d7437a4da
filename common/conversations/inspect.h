/* SPDX-License-Identifier: GPL-3.0-or-later */
/* inspect: broadcast a control command to every worker and collect the replies, stopping as soon as
 * every worker the PUBLISH reached has answered; our binding and reply lists are removed afterwards. */
#ifndef CELERY_INSPECT_H
#define CELERY_INSPECT_H

#include "broker.h"
#include "kombu_names.h"

#include <json-c/json.h>

struct inspect_query {
	const char *method;              /* control command: "active_queues", "ping", ... */
	const struct kombu_names *names; /* prefix, namespace, db */
	struct deadline collect;         /* stop waiting for replies here */
	struct deadline hard;            /* every call, cleanup included, ends by here */
};

enum inspect_event_kind {
	INSPECT_REPLY,      /* a worker answered: node and result are set */
	INSPECT_UNREADABLE, /* a worker answered in a serializer we cannot read: detail says which */
	INSPECT_IGNORED,    /* a message on our reply list that is not a reply to us: detail says why */
};

struct inspect_event {
	enum inspect_event_kind kind;
	const char *node;    /* INSPECT_REPLY */
	json_object *result; /* INSPECT_REPLY; borrowed for the call */
	const char *detail;  /* INSPECT_UNREADABLE, INSPECT_IGNORED */
};

/* Called for every message popped; returning -1 (with err filled) aborts the collection. */
typedef int (*inspect_fn)(void *ctx, const struct inspect_event *ev, struct error *err);

struct inspect_stats {
	long long received; /* workers the PUBLISH reached */
	long long answered; /* replies carrying our ticket */
	long long ignored;  /* messages dropped as malformed or foreign */
	double elapsed;     /* seconds from PUBLISH to the last reply or the timeout */
	int cleanup_failed; /* our keys could not be removed: cleanup_error says why */
	char cleanup_error[256];
};

int inspect_broadcast(struct broker *b, const struct inspect_query *q, inspect_fn fn, void *ctx,
                      struct inspect_stats *st, struct error *err);

#endif
