/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kombu: the message envelope codec: control broadcasts out, control replies and events in. */
#ifndef CELERY_KOMBU_H
#define CELERY_KOMBU_H

#include "error.h"
#include "json_scan.h"

#include <stddef.h>

#define KOMBU_JSON_MAX_DEPTH 64 /* deeper JSON is rejected, not parsed */

/* A control command broadcast to every worker (destination null), or to the named ones only (a list: kombu's
 * pidbox runs it only on a worker whose node name is in it). */
struct control_request {
	const char *method;       /* "active_queues", "ping", ... */
	const char *ns;           /* control namespace, "celery" */
	const char *ticket;       /* UUID the replies must carry; NULL for a cast, which names no reply_to (as
	                             kombu's _broadcast with reply=False): no worker replies to it */
	const char *reply_key;    /* UUID: the reply routing key (oid) */
	const char *delivery_tag; /* UUID */
	double expires;           /* epoch seconds after which workers drop the command */
	char *const *destination; /* node names, or NULL for every worker */
	size_t ndestination;
	const char *const *arguments; /* the command's string arguments as name, value pairs, or NULL */
	size_t narguments;            /* pairs */
	const char *reply_exchange;   /* reply_to's exchange: kombu_own_reply_exchange, or Celery's
	                                 reply.NS.pidbox when NULL */
};

/* Encodes the envelope exactly as kombu 5.2 does; returns malloc'ed JSON or NULL (err filled). */
char *kombu_encode_control(const struct control_request *rq, struct error *err);

/* A decoded envelope. Its buffer is kept from one decode to the next: zero it once (ENVELOPE_INIT), decode
 * as often as needed, free once. */
struct envelope {
	const char *content_type; /* in content_type_buf, or NULL when absent or not a string */
	struct json_span ticket;  /* headers.ticket, a string in the payload; has_ticket says whether set */
	int has_ticket;
	unsigned char *body; /* the decoded body, NUL-terminated */
	size_t body_len, body_cap;
	char content_type_buf[64]; /* a longer content type reads "(too long)", which matches none we read */
};

#define ENVELOPE_INIT                                                                                        \
	{                                                                                                    \
		0                                                                                            \
	}

/* Checks an envelope and decodes its body (base64, or raw for absent, empty or "utf-8"
 * body_encoding). Fails with ERROR_PARSE saying why. The ticket span points into payload. */
int kombu_envelope_decode(const char *payload, size_t len, struct envelope *env, struct error *err);
void kombu_envelope_free(struct envelope *env);

enum reply_kind {
	REPLY_VALID,      /* ours, readable: node and result are set */
	REPLY_FOREIGN,    /* a well-formed reply carrying another ticket */
	REPLY_UNREADABLE, /* ours, but in a serializer other than JSON: content_type is set */
};

/* One worker's answer to a control command: body {"<node>": <result>}. Like an envelope, zeroed once
 * (CONTROL_REPLY_INIT), decoded into as often as needed and freed once; what it points to lasts until the
 * next decode. */
struct control_reply {
	enum reply_kind kind;
	const char *node;        /* in env's body */
	struct json_span result; /* in env's body */
	struct json_ends ends;   /* where the body's containers end, for result */
	struct envelope env;
	char content_type[64]; /* for REPLY_UNREADABLE */
};

#define CONTROL_REPLY_INIT ENVELOPE_INIT

/* Decodes a reply popped from our reply list. Malformed input fails with ERROR_PARSE: not an envelope, bad
 * base64, a body that is not {"<node>": <result>}, an empty node name, a NUL anywhere in the body. Only a
 * well-formed envelope in another serializer (pickle, msgpack, yaml) is REPLY_UNREADABLE. */
int kombu_decode_reply(const char *payload, size_t len, const char *ticket, struct control_reply *out,
                       struct error *err);
void kombu_control_reply_free(struct control_reply *r);

#endif
