/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kombu: the message envelope codec: control broadcasts out, control replies and events in. */
#ifndef CELERY_KOMBU_H
#define CELERY_KOMBU_H

#include "error.h"

#include <json-c/json.h>
#include <stddef.h>

#define KOMBU_JSON_MAX_DEPTH 64 /* deeper JSON is rejected, not parsed */

/* A control command broadcast to every worker (destination null), or to the named ones only (a list: kombu's
 * pidbox runs it only on a worker whose node name is in it). */
struct control_request {
	const char *method;       /* "active_queues", "ping", ... */
	const char *ns;           /* control namespace, "celery" */
	const char *ticket;       /* UUID the replies must carry */
	const char *reply_key;    /* UUID: the reply routing key (oid) */
	const char *delivery_tag; /* UUID */
	double expires;           /* epoch seconds after which workers drop the command */
	char *const *destination; /* node names, or NULL for every worker */
	size_t ndestination;
};

/* Encodes the envelope exactly as kombu 5.2 does; returns malloc'ed JSON or NULL (err filled). */
char *kombu_encode_control(const struct control_request *rq, struct error *err);

/* A decoded envelope. Owns root and body. */
struct envelope {
	json_object *root;        /* the parsed envelope */
	const char *content_type; /* borrowed from root, or NULL */
	const char *ticket;       /* headers.ticket, borrowed from root, or NULL */
	unsigned char *body;      /* the decoded body, NUL-terminated */
	size_t body_len;
};

/* Parses an envelope and decodes its body (base64, or raw for absent, empty or "utf-8"
 * body_encoding). Fails with ERROR_PARSE saying why. */
int kombu_envelope_decode(const char *payload, size_t len, struct envelope *env, struct error *err);
void kombu_envelope_free(struct envelope *env);

/* Parses JSON text of exactly len bytes, at most KOMBU_JSON_MAX_DEPTH deep. */
json_object *kombu_json_parse(const char *text, size_t len, struct error *err);

enum reply_kind {
	REPLY_VALID,      /* ours, readable: node and result are set */
	REPLY_FOREIGN,    /* a well-formed reply carrying another ticket */
	REPLY_UNREADABLE, /* ours, but in a serializer other than JSON: content_type is set */
};

/* One worker's answer to a control command: body {"<node>": <result>}. */
struct control_reply {
	enum reply_kind kind;
	const char *node;      /* borrowed from body */
	json_object *result;   /* borrowed from body */
	json_object *body;     /* owned */
	char content_type[64]; /* for REPLY_UNREADABLE */
};

/* Decodes a reply popped from our reply list. Malformed input fails with ERROR_PARSE: not an envelope, bad
 * base64, a body that is not {"<node>": <result>}, an empty node name, a NUL anywhere in the body. Only a
 * well-formed envelope in another serializer (pickle, msgpack, yaml) is REPLY_UNREADABLE. */
int kombu_decode_reply(const char *payload, size_t len, const char *ticket, struct control_reply *out,
                       struct error *err);
void kombu_control_reply_free(struct control_reply *r);

#endif
