/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kombu: encoding control broadcasts and decoding envelopes and replies (broker protocol, sections 1-2). */
#include "kombu.h"

#include "base64.h"
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends "<before><s escaped><after>" as one JSON string literal, escaping as Python's json.dumps
 * does for ASCII text. */
static void json_quote(struct strbuf *sb, const char *before, const char *s, const char *after)
{
	strbuf_putc(sb, '"');
	strbuf_puts(sb, before);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			strbuf_printf(sb, "\\%c", c);
		else if (c == '\n')
			strbuf_puts(sb, "\\n");
		else if (c < 0x20 || c == 0x7f)
			strbuf_printf(sb, "\\u%04x", c);
		else
			strbuf_putc(sb, (char)c);
	}
	strbuf_puts(sb, after);
	strbuf_putc(sb, '"');
}

/* Appends the shortest decimal that reads back as v, as Python's float repr does. */
static void json_float(struct strbuf *sb, double v)
{
	char buf[40];

	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	strbuf_puts(sb, buf);
	if (strpbrk(buf, ".eEn") == NULL)
		strbuf_puts(sb, ".0");
}

char *kombu_encode_control(const struct control_request *rq, struct error *err)
{
	struct strbuf body = STRBUF_INIT, env = STRBUF_INIT;
	char *b64 = NULL, *out;

	strbuf_puts(&body, "{\"method\": ");
	json_quote(&body, "", rq->method, "");
	strbuf_puts(&body, ", \"arguments\": {}, \"destination\": ");
	for (size_t i = 0; i < rq->ndestination; i++) {
		strbuf_puts(&body, i ? ", " : "[");
		json_quote(&body, "", rq->destination[i], "");
	}
	strbuf_puts(&body, rq->ndestination ? "]" : "null");
	strbuf_puts(&body, ", \"pattern\": null, \"matcher\": null, \"ticket\": ");
	json_quote(&body, "", rq->ticket, "");
	strbuf_puts(&body, ", \"reply_to\": {\"exchange\": ");
	json_quote(&body, "reply.", rq->ns, ".pidbox");
	strbuf_puts(&body, ", \"routing_key\": ");
	json_quote(&body, "", rq->reply_key, "");
	strbuf_puts(&body, "}}");
	if (!body.failed)
		b64 = base64_encode((const unsigned char *)body.buf, body.len);
	strbuf_free(&body);
	if (b64 == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory encoding a broadcast"), NULL;

	strbuf_puts(&env, "{\"body\": \"");
	strbuf_puts(&env, b64);
	free(b64);
	strbuf_puts(&env, "\", \"content-encoding\": \"utf-8\", \"content-type\": \"application/json\", "
	                  "\"headers\": {\"clock\": 1, \"expires\": ");
	json_float(&env, rq->expires);
	strbuf_puts(&env, "}, \"properties\": {\"delivery_mode\": 2, \"delivery_info\": {\"exchange\": ");
	json_quote(&env, "", rq->ns, ".pidbox");
	strbuf_puts(&env, ", \"routing_key\": \"\"}, \"priority\": 0, \"body_encoding\": \"base64\", "
	                  "\"delivery_tag\": ");
	json_quote(&env, "", rq->delivery_tag, "");
	strbuf_puts(&env, "}}");
	out = strbuf_detach(&env);
	if (out == NULL)
		error_set(err, ERROR_NOMEM, "out of memory encoding a broadcast");
	return out;
}

json_object *kombu_json_parse(const char *text, size_t len, struct error *err)
{
	struct json_tokener *tok;
	json_object *obj;
	enum json_tokener_error jerr;

	if (len > (size_t)0x7fffffff)
		return error_set(err, ERROR_PARSE, "message too large"), NULL;
	tok = json_tokener_new_ex(KOMBU_JSON_MAX_DEPTH);
	if (tok == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory parsing JSON"), NULL;
	obj = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	if (obj != NULL && jerr == json_tokener_success && json_tokener_get_parse_end(tok) != len) {
		json_object_put(obj); /* trailing bytes after the document */
		obj = NULL;
		jerr = json_tokener_error_parse_unexpected;
	}
	if (obj == NULL) {
		if (jerr == json_tokener_success || jerr == json_tokener_continue)
			error_set(err, ERROR_PARSE, "not JSON: truncated or empty");
		else
			error_set(err, ERROR_PARSE, "not JSON: %s", json_tokener_error_desc(jerr));
	}
	json_tokener_free(tok);
	return obj;
}

/* The string member key of obj, or NULL when absent or not a string. */
static const char *get_string(json_object *obj, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static json_object *get_object(json_object *obj, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_object))
		return NULL;
	return v;
}

int kombu_envelope_decode(const char *payload, size_t len, struct envelope *env, struct error *err)
{
	json_object *body, *props, *headers;
	const char *encoding = NULL, *text;
	size_t text_len;

	memset(env, 0, sizeof(*env));
	env->root = kombu_json_parse(payload, len, err);
	if (env->root == NULL)
		return -1;
	if (!json_object_is_type(env->root, json_type_object)) {
		kombu_envelope_free(env);
		return error_set(err, ERROR_PARSE, "envelope is not a JSON object");
	}
	if (!json_object_object_get_ex(env->root, "body", &body) ||
	    !json_object_is_type(body, json_type_string)) {
		kombu_envelope_free(env);
		return error_set(err, ERROR_PARSE, "envelope has no body string");
	}
	env->content_type = get_string(env->root, "content-type");
	headers = get_object(env->root, "headers");
	if (headers != NULL)
		env->ticket = get_string(headers, "ticket");
	props = get_object(env->root, "properties");
	if (props != NULL && json_object_object_get_ex(props, "body_encoding", NULL)) {
		encoding = get_string(props, "body_encoding");
		if (encoding == NULL) {
			kombu_envelope_free(env);
			return error_set(err, ERROR_PARSE, "body_encoding is not a string");
		}
	}
	text = json_object_get_string(body);
	text_len = (size_t)json_object_get_string_len(body);
	if (encoding == NULL || encoding[0] == '\0' || strcmp(encoding, "utf-8") == 0) {
		env->body = malloc(text_len + 1);
		if (env->body != NULL) {
			memcpy(env->body, text, text_len);
			env->body[text_len] = '\0';
			env->body_len = text_len;
		}
	} else if (strcmp(encoding, "base64") == 0) {
		env->body = base64_decode(text, text_len, &env->body_len);
		if (env->body == NULL) {
			kombu_envelope_free(env);
			return error_set(err, ERROR_PARSE, "body is not valid base64");
		}
	} else {
		kombu_envelope_free(env);
		return error_set(err, ERROR_PARSE, "unknown body_encoding");
	}
	if (env->body == NULL) {
		kombu_envelope_free(env);
		return error_set(err, ERROR_NOMEM, "out of memory decoding a body");
	}
	return 0;
}

void kombu_envelope_free(struct envelope *env)
{
	if (env->root != NULL)
		json_object_put(env->root);
	free(env->body);
	memset(env, 0, sizeof(*env));
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

/* 1 when JSON text holds a NUL: a raw byte, or a \u0000 escape whose backslash is not itself escaped.
 * json-c cuts object keys at a NUL, so a node name holding one would be read as another name. */
static int has_nul(const unsigned char *text, size_t len)
{
	if (memchr(text, '\0', len) != NULL)
		return 1;
	for (size_t i = 0; i + 6 <= len; i++) {
		size_t slashes = 0;
		if (memcmp(text + i, "\\u0000", 6) != 0)
			continue;
		while (slashes < i && text[i - 1 - slashes] == '\\')
			slashes++;
		if (slashes % 2 == 0)
			return 1;
	}
	return 0;
}

int kombu_decode_reply(const char *payload, size_t len, const char *ticket, struct control_reply *out,
                       struct error *err)
{
	struct envelope env;
	struct json_object_iterator it;
	json_object *val;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (kombu_envelope_decode(payload, len, &env, err) < 0)
		return -1;
	if (env.ticket == NULL) {
		kombu_envelope_free(&env);
		return error_set(err, ERROR_PARSE, "reply has no ticket");
	}
	if (strcmp(env.ticket, ticket) != 0) {
		out->kind = REPLY_FOREIGN;
		kombu_envelope_free(&env);
		return 0;
	}
	if (env.content_type == NULL || strcmp(env.content_type, "application/json") != 0) {
		rc = other_serializer(env.content_type, env.body, env.body_len, err);
		if (rc == 0) {
			out->kind = REPLY_UNREADABLE;
			snprintf(out->content_type, sizeof(out->content_type), "%s", env.content_type);
		}
		kombu_envelope_free(&env);
		return rc;
	}
	if (has_nul(env.body, env.body_len)) {
		kombu_envelope_free(&env);
		return error_set(err, ERROR_PARSE, "reply body holds a NUL character");
	}
	out->body = kombu_json_parse((const char *)env.body, env.body_len, err);
	kombu_envelope_free(&env);
	if (out->body == NULL)
		return error_wrap(err, "reply body");
	if (!json_object_is_type(out->body, json_type_object) || json_object_object_length(out->body) != 1) {
		rc = error_set(err, ERROR_PARSE, "reply body is not an object with one node name");
	} else {
		it = json_object_iter_begin(out->body);
		out->node = json_object_iter_peek_name(&it);
		val = json_object_iter_peek_value(&it);
		out->result = val;
		if (out->node[0] == '\0')
			rc = error_set(err, ERROR_PARSE, "reply has an empty node name");
	}
	if (rc < 0) {
		kombu_control_reply_free(out);
		return rc;
	}
	out->kind = REPLY_VALID;
	return 0;
}

void kombu_control_reply_free(struct control_reply *r)
{
	if (r->body != NULL)
		json_object_put(r->body);
	memset(r, 0, sizeof(*r));
}
