/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kombu: encoding control broadcasts and decoding envelopes and replies (broker protocol, sections 1-2). */
#include "kombu.h"

#include "base64.h"
#include "json_quote.h"
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

	control_body_write(&body, rq);
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

/* Makes room for n bytes and a NUL in env's body buffer. */
static int reserve(struct envelope *env, size_t n, struct error *err)
{
	unsigned char *b;

	if (n < env->body_cap)
		return 0;
	if ((b = realloc(env->body, n + 1)) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory decoding a body");
	env->body = b;
	env->body_cap = n + 1;
	return 0;
}

/* The envelope's members we read (kombu writes each once; of a repeated one, the last). */
struct members {
	struct json_span body, content_type, headers, properties;
	int has_body, has_content_type, has_headers, has_properties;
};

static void keep_member(struct members *m, const struct json_span *k, const struct json_span *v)
{
	if (json_string_is(k, "body"))
		m->body = *v, m->has_body = 1;
	else if (json_string_is(k, "content-type"))
		m->content_type = *v, m->has_content_type = 1;
	else if (json_string_is(k, "headers"))
		m->headers = *v, m->has_headers = 1;
	else if (json_string_is(k, "properties"))
		m->properties = *v, m->has_properties = 1;
}

/* The members the scan kept, or, for an envelope with more than it keeps, all of them walked again. */
static void find_members(const struct json_span *root, const struct json_members *top, struct members *m)
{
	struct json_cursor c;
	struct json_span k, v;

	memset(m, 0, sizeof(*m));
	if (top->n <= JSON_MEMBERS_MAX) {
		for (size_t i = 0; i < top->n; i++)
			keep_member(m, &top->key[i], &top->value[i]);
		return;
	}
	json_cursor_open(&c, root);
	while (json_cursor_next(&c, &k, &v))
		keep_member(m, &k, &v);
}

/* The body_encoding: 0 for raw text, 1 for base64, -1 (err filled) for what cannot be read. */
static int body_encoding(const struct members *m, struct error *err)
{
	struct json_span e;

	if (!m->has_properties || m->properties.kind != JSON_OBJECT ||
	    !json_get(&m->properties, "body_encoding", &e))
		return 0;
	if (e.kind != JSON_STRING)
		return error_set(err, ERROR_PARSE, "body_encoding is not a string");
	if (json_string_is(&e, "") || json_string_is(&e, "utf-8"))
		return 0;
	if (json_string_is(&e, "base64"))
		return 1;
	return error_set(err, ERROR_PARSE, "unknown body_encoding");
}

int kombu_envelope_decode(const char *payload, size_t len, struct envelope *env, struct error *err)
{
	struct json_span root;
	struct json_members top;
	struct members m;
	int base64;

	env->content_type = NULL;
	env->has_ticket = 0;
	env->body_len = 0;
	/* keys are compared whole, NULs included, as Python reads them: "body\u0000" is not "body" */
	if (json_scan_members(payload, len, KOMBU_JSON_MAX_DEPTH, 0, &root, &top, NULL, err) < 0)
		return -1;
	if (root.kind != JSON_OBJECT)
		return error_set(err, ERROR_PARSE, "envelope is not a JSON object");
	find_members(&root, &top, &m);
	if (!m.has_body || m.body.kind != JSON_STRING)
		return error_set(err, ERROR_PARSE, "envelope has no body string");
	if (m.has_content_type && m.content_type.kind == JSON_STRING &&
	    m.content_type.len <= sizeof(env->content_type_buf)) {
		json_string_decode(&m.content_type, env->content_type_buf);
		env->content_type = env->content_type_buf;
	} else if (m.has_content_type && m.content_type.kind == JSON_STRING) {
		env->content_type = "(too long)";
	}
	if (m.has_headers && m.headers.kind == JSON_OBJECT && json_get(&m.headers, "ticket", &env->ticket))
		env->has_ticket = env->ticket.kind == JSON_STRING;
	if ((base64 = body_encoding(&m, err)) < 0 || reserve(env, m.body.len, err) < 0)
		return -1;
	env->body_len = json_string_decode(&m.body, (char *)env->body);
	if (base64 && base64_decode_in_place(env->body, env->body_len, &env->body_len) < 0)
		return error_set(err, ERROR_PARSE, "body is not valid base64");
	return 0;
}

void kombu_envelope_free(struct envelope *env)
{
	free(env->body);
	memset(env, 0, sizeof(*env));
}

int kombu_decode_reply(const char *payload, size_t len, const char *ticket, struct control_reply *out,
                       struct error *err)
{
	struct envelope *env = &out->env;

	out->b.node = NULL;
	if (kombu_envelope_decode(payload, len, env, err) < 0)
		return -1;
	if (!env->has_ticket)
		return error_set(err, ERROR_PARSE, "reply has no ticket");
	if (!json_string_is(&env->ticket, ticket)) {
		out->b.kind = REPLY_FOREIGN;
		return 0;
	}
	return control_body_read(env->content_type, (char *)env->body, env->body_len, &out->b, err);
}

void kombu_control_reply_free(struct control_reply *r)
{
	kombu_envelope_free(&r->env);
	memset(r, 0, sizeof(*r));
}
