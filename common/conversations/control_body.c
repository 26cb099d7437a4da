/* SPDX-License-Identifier: GPL-3.0-or-later */
/* control_body: writing control commands and reading replies (broker protocol, section 2). */
#include "control_body.h"

#include "json_quote.h"

#include <stdio.h>
#include <string.h>

void control_body_write(struct strbuf *sb, const struct control_request *rq)
{
	strbuf_puts(sb, "{\"method\": ");
	json_quote(sb, "", rq->method, "");
	strbuf_puts(sb, ", \"arguments\": {");
	for (size_t i = 0; i < rq->narguments; i++) {
		strbuf_puts(sb, i ? ", " : "");
		json_quote(sb, "", rq->arguments[2 * i], "");
		strbuf_puts(sb, ": ");
		json_quote(sb, "", rq->arguments[2 * i + 1], "");
	}
	strbuf_puts(sb, "}, \"destination\": ");
	for (size_t i = 0; i < rq->ndestination; i++) {
		strbuf_puts(sb, i ? ", " : "[");
		json_quote(sb, "", rq->destination[i], "");
	}
	strbuf_puts(sb, rq->ndestination ? "]" : "null");
	strbuf_puts(sb, ", \"pattern\": null, \"matcher\": null");
	if (rq->ticket != NULL) { /* a cast (no ticket) has no reply_to: no worker replies */
		strbuf_puts(sb, ", \"ticket\": ");
		json_quote(sb, "", rq->ticket, "");
		strbuf_puts(sb, ", \"reply_to\": {\"exchange\": ");
		if (rq->reply_exchange != NULL)
			json_quote(sb, "", rq->reply_exchange, "");
		else
			json_quote(sb, "reply.", rq->ns, ".pidbox");
		strbuf_puts(sb, ", \"routing_key\": ");
		json_quote(sb, "", rq->reply_key, "");
		strbuf_puts(sb, "}");
	}
	strbuf_puts(sb, "}");
}

/* 0 when a body is what a Celery worker replying in another serializer sends: pickle (protocol 2 and up
 * starts with 0x80), msgpack (a one-entry map, 0x81) or yaml (text); else a malformed message. */
static int other_serializer(const char *content_type, const unsigned char *body, size_t len,
                            struct error *err)
{
	if (content_type == NULL)
		return error_set(err, ERROR_PARSE, "reply has no content-type");
	if (strcmp(content_type, "application/x-python-serialize") == 0 && len > 2 && body[0] == 0x80)
		return 0;
	if (strcmp(content_type, "application/x-msgpack") == 0 && len > 2 && body[0] == 0x81)
		return 0;
	if (strcmp(content_type, "application/x-yaml") == 0 && len > 2)
		return 0;
	return error_set(err, ERROR_PARSE, "reply in an unknown content type, or its body does not match it");
}

int control_body_read(const char *content_type, char *body, size_t len, struct reply_body *out,
                      struct error *err)
{
	struct json_span root, key;
	struct json_members top;
	int rc;

	out->node = NULL;
	if (content_type == NULL || strcmp(content_type, "application/json") != 0) {
		if (other_serializer(content_type, (const unsigned char *)body, len, err) < 0)
			return -1;
		out->kind = REPLY_UNREADABLE;
		snprintf(out->content_type, sizeof(out->content_type), "%s", content_type);
		return 0;
	}
	/* a NUL, raw or escaped: json-c would have cut a name there and read another name */
	if (memchr(body, '\0', len) != NULL ||
	    (rc = json_scan_members(body, len, CONTROL_JSON_MAX_DEPTH, JSON_SCAN_NO_NUL, &root, &top,
	                            &out->ends, err)) == JSON_SCAN_NUL)
		return error_set(err, ERROR_PARSE, "reply body holds a NUL character");
	if (rc < 0)
		return error_wrap(err, "reply body");
	if (root.kind != JSON_OBJECT || top.n != 1)
		return error_set(err, ERROR_PARSE, "reply body is not an object with one node name");
	key = top.key[0];
	out->result = top.value[0];
	/* decoded where it lies: the name is never longer than its quoted form, and the result follows it */
	if (json_string_decode(&key, (char *)key.p) == 0)
		return error_set(err, ERROR_PARSE, "reply has an empty node name");
	out->node = key.p;
	out->kind = REPLY_VALID;
	return 0;
}
