/* SPDX-License-Identifier: GPL-3.0-or-later */
/* control_body: the body of Celery's control messages, the same on every broker: the command a
 * broadcast carries, and the {"<node>": <result>} a worker replies with. */
#ifndef CELERY_CONTROL_BODY_H
#define CELERY_CONTROL_BODY_H

#include "error.h"
#include "json_scan.h"
#include "strbuf.h"

#include <stddef.h>

#define CONTROL_JSON_MAX_DEPTH 64 /* deeper JSON is rejected, not parsed */

/* A control command broadcast to every worker (destination null), or to the named ones only (a list: kombu's
 * pidbox runs it only on a worker whose node name is in it). */
struct control_request {
	const char *method;       /* "active_queues", "ping", ... */
	const char *ns;           /* control namespace, "celery" */
	const char *ticket;       /* UUID the replies must carry; NULL for a cast, which names no reply_to (as
	                             kombu's _broadcast with reply=False): no worker replies to it */
	const char *reply_key;    /* UUID: the reply routing key (oid) */
	const char *delivery_tag; /* UUID (Redis's envelope only) */
	double expires;           /* epoch seconds after which workers drop the command */
	char *const *destination; /* node names, or NULL for every worker */
	size_t ndestination;
	const char *const *arguments; /* the command's string arguments as name, value pairs, or NULL */
	size_t narguments;            /* pairs */
	const char *reply_exchange;   /* reply_to's exchange, or Celery's reply.NS.pidbox when NULL */
};

/* Appends the command's body as kombu 5.2 writes it: {"method", "arguments", "destination", "pattern",
 * "matcher"[, "ticket", "reply_to"]}. */
void control_body_write(struct strbuf *sb, const struct control_request *rq);

enum reply_kind {
	REPLY_VALID,      /* ours, readable: node and result are set */
	REPLY_FOREIGN,    /* a well-formed reply carrying another ticket */
	REPLY_UNREADABLE, /* ours, but in a serializer other than JSON: content_type is set */
};

/* What a reply's body says. */
struct reply_body {
	enum reply_kind kind;
	const char *node;        /* in the body, decoded where it lay */
	struct json_span result; /* in the body */
	struct json_ends ends;   /* where the body's containers end, for result */
	char content_type[64];   /* for REPLY_UNREADABLE */
};

/* Reads a reply to us (its ticket checked by the caller) in content_type (NULL when absent): a JSON body
 * must be {"<node>": <result>} with a non-empty node name and no NUL; a body in another serializer a
 * Celery worker may use (pickle, msgpack, yaml) is REPLY_UNREADABLE; anything else fails with ERROR_PARSE
 * saying why. body must be NUL-terminated at len and writable: the name is decoded in place. */
int control_body_read(const char *content_type, char *body, size_t len, struct reply_body *out,
                      struct error *err);

#endif
