/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kombu: the message envelope codec: control broadcasts out, control replies and events in. */
#ifndef CELERY_KOMBU_H
#define CELERY_KOMBU_H

#include "control_body.h"
#include "error.h"
#include "json_scan.h"

#include <stddef.h>

#define KOMBU_JSON_MAX_DEPTH CONTROL_JSON_MAX_DEPTH

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

/* One worker's answer to a control command, in kombu's envelope. Like an envelope, zeroed once
 * (CONTROL_REPLY_INIT), decoded into as often as needed and freed once; what it points to lasts until the
 * next decode. */
struct control_reply {
	struct reply_body b; /* what the body says */
	struct envelope env;
};

#define CONTROL_REPLY_INIT                                                                                   \
	{                                                                                                    \
		{0}, ENVELOPE_INIT                                                                           \
	}

/* Decodes a reply popped from our reply list. Malformed input fails with ERROR_PARSE: not an envelope, bad
 * base64, a body that is not {"<node>": <result>}, an empty node name, a NUL anywhere in the body. Only a
 * well-formed envelope in another serializer (pickle, msgpack, yaml) is REPLY_UNREADABLE. */
int kombu_decode_reply(const char *payload, size_t len, const char *ticket, struct control_reply *out,
                       struct error *err);
void kombu_control_reply_free(struct control_reply *r);

#endif
