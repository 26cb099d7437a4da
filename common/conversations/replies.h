/* SPDX-License-Identifier: GPL-3.0-or-later */
/* replies: what a broadcast of a control command yields, whatever the broker: each reply (or message that
 * is not one) as it is read, and the counts of the whole broadcast. Every broker's conversation writes
 * these; the judgement reads them. */
#ifndef CELERY_REPLIES_H
#define CELERY_REPLIES_H

#include "error.h"
#include "json_scan.h"

enum inspect_event_kind {
	INSPECT_REPLY,      /* a worker answered: node and result are set */
	INSPECT_UNREADABLE, /* a worker answered in a serializer we cannot read: detail says which */
	INSPECT_IGNORED,    /* a message on our reply list that is not a reply to us: detail says why */
};

struct inspect_event {
	enum inspect_event_kind kind;
	const char *node;               /* INSPECT_REPLY */
	const struct json_span *result; /* INSPECT_REPLY; borrowed for the call */
	const char *detail;             /* INSPECT_UNREADABLE, INSPECT_IGNORED */
};

/* Called for every message popped; returning -1 (with err filled) aborts the collection. */
typedef int (*inspect_fn)(void *ctx, const struct inspect_event *ev, struct error *err);

/* How the workers a broadcast reached were known. */
enum receivers {
	RECEIVERS_COUNTED, /* the broker counted them (Redis's PUBLISH; AMQP: a broadcast nobody took) */
	RECEIVERS_KNOWN,   /* AMQP: the workers seen before or named whose control queue has a consumer, and
	                      any other that answered */
	RECEIVERS_UNKNOWN, /* AMQP, no worker known: the whole wait ran, and those that answered are counted
	                    */
};

struct inspect_stats {
	long long received;  /* workers the broadcast reached (Redis: of this database) */
	long long expected;  /* of them, those that should answer: all, or with a destination at most as many
	                        as it names */
	int addressed;       /* only the workers of a destination were asked (--worker) */
	long long elsewhere; /* behind Sentinel: reached on /{db}.NS.pidbox beyond the workers bound in this
	                        database, so of other databases (kombu before 5.4): not counted */
	int counted;         /* received is known: the broker said how many the broadcast reached, or (AMQP)
	                        the known workers did */
	enum receivers receivers;
	long long known;    /* RECEIVERS_KNOWN: the known workers whose control queue has a consumer */
	double linger;      /* RECEIVERS_KNOWN: how long other workers were waited for after the known ones
	                       answered */
	long long answered; /* well-formed replies carrying our ticket */
	long long ignored;  /* messages dropped as malformed, oversized or foreign */
	long long swept;    /* stale reply bindings of earlier checks removed */
	double elapsed;     /* seconds from the broadcast to the last reply or the timeout */
	int cleanup_failed; /* our keys could not be removed: cleanup_error says why */
	char cleanup_error[256];
};

#endif
