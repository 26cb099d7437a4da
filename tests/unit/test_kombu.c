/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_kombu: the envelope codec against every captured Celery 5.2.6 message, key names, and malformed
 * envelopes. */
#include "unit.h"

#include "base64.h"
#include "kombu.h"
#include "kombu_names.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_object *load_vector(const char *name)
{
	char path[1024];
	json_object *v;

	snprintf(path, sizeof(path), "%s/%s", VECTOR_DIR, name);
	v = json_object_from_file(path);
	ck_assert_msg(v != NULL, "cannot read %s", path);
	return v;
}

static const char *member(json_object *obj, const char *path)
{
	char buf[256], *save = NULL;
	json_object *cur = obj;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *key = strtok_r(buf, ".", &save); key != NULL; key = strtok_r(NULL, ".", &save))
		ck_assert_msg(json_object_object_get_ex(cur, key, &cur), "no %s", path);
	return json_object_get_string(cur);
}

/* Every file in the vector directory whose name starts with prefix. */
static size_t vector_names(const char *prefix, char names[][128], size_t max)
{
	DIR *d = opendir(VECTOR_DIR);
	struct dirent *e;
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL && n < max)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			snprintf(names[n++], 128, "%.120s", e->d_name);
	closedir(d);
	return n;
}

START_TEST(broadcasts_encode_byte_for_byte)
{
	char names[32][128];
	size_t n = vector_names("broadcast-", names, 32), checked = 0;

	ck_assert_uint_ge(n, 5);
	for (size_t i = 0; i < n; i++) {
		json_object *v = load_vector(names[i]), *payload, *args;
		const char *wire = member(v, "payload");
		struct control_request rq;
		struct error err;
		char *out;

		payload = json_tokener_parse(wire);
		ck_assert_ptr_nonnull(payload);
		json_object_object_get_ex(json_object_object_get(v, "decoded_body"), "arguments", &args);
		if (json_object_object_length(args) != 0) { /* hello carries arguments; we never send it */
			json_object_put(payload);
			json_object_put(v);
			continue;
		}
		rq.method = member(v, "decoded_body.method");
		rq.ns = "celery";
		rq.ticket = member(v, "decoded_body.ticket");
		rq.reply_key = member(v, "decoded_body.reply_to.routing_key");
		rq.delivery_tag = member(payload, "properties.delivery_tag");
		rq.expires = json_object_get_double(
		    json_object_object_get(json_object_object_get(payload, "headers"), "expires"));
		out = kombu_encode_control(&rq, &err);
		ck_assert_ptr_nonnull(out);
		ck_assert_msg(strcmp(out, wire) == 0, "%s:\n ours %s\n real %s", names[i], out, wire);
		ck_assert_str_eq(member(v, "key"), "/0.celery.pidbox");
		free(out);
		json_object_put(payload);
		json_object_put(v);
		checked++;
	}
	ck_assert_uint_ge(checked, 4);
}
END_TEST

START_TEST(broadcasts_decode_to_the_captured_body)
{
	char names[32][128];
	size_t n = vector_names("broadcast-", names, 32);

	ck_assert_uint_ge(n, 5);
	for (size_t i = 0; i < n; i++) {
		json_object *v = load_vector(names[i]), *body;
		const char *wire = member(v, "payload");
		struct envelope env;
		struct error err;

		ck_assert_int_eq(kombu_envelope_decode(wire, strlen(wire), &env, &err), 0);
		ck_assert_ptr_null(env.ticket); /* a broadcast carries its ticket in the body */
		body = kombu_json_parse((const char *)env.body, env.body_len, &err);
		ck_assert_msg(json_object_equal(body, json_object_object_get(v, "decoded_body")), "%s",
		              names[i]);
		json_object_put(body);
		kombu_envelope_free(&env);
		json_object_put(v);
	}
}
END_TEST

START_TEST(replies_decode_to_the_captured_body)
{
	char names[32][128];
	size_t n = vector_names("reply-", names, 32);

	ck_assert_uint_ge(n, 8);
	for (size_t i = 0; i < n; i++) {
		json_object *v = load_vector(names[i]), *payload,
		            *expected = json_object_object_get(v, "decoded_body");
		const char *wire = member(v, "payload");
		struct json_object_iterator it = json_object_iter_begin(expected);
		struct control_reply r;
		struct error err;

		payload = json_tokener_parse(wire);
		ck_assert_int_eq(
		    kombu_decode_reply(wire, strlen(wire), member(payload, "headers.ticket"), &r, &err), 0);
		ck_assert_int_eq(r.kind, REPLY_VALID);
		ck_assert_str_eq(r.node, json_object_iter_peek_name(&it));
		ck_assert_msg(json_object_equal(r.result, json_object_iter_peek_value(&it)), "%s: result",
		              names[i]);
		kombu_control_reply_free(&r);
		/* the same reply for another check is foreign */
		ck_assert_int_eq(kombu_decode_reply(wire, strlen(wire), "another-ticket", &r, &err), 0);
		ck_assert_int_eq(r.kind, REPLY_FOREIGN);
		kombu_control_reply_free(&r);
		json_object_put(payload);
		json_object_put(v);
	}
}
END_TEST

START_TEST(events_and_tasks_decode)
{
	char names[32][128];
	size_t n = vector_names("event-", names, 32);
	json_object *backlog = load_vector("queue-backlog-with-priorities.json");
	struct envelope env;
	struct error err;

	ck_assert_uint_ge(n, 3);
	for (size_t i = 0; i < n; i++) {
		json_object *v = load_vector(names[i]), *body;
		const char *wire = member(v, "payload");
		ck_assert_int_eq(kombu_envelope_decode(wire, strlen(wire), &env, &err), 0);
		body = kombu_json_parse((const char *)env.body, env.body_len, &err);
		ck_assert_ptr_nonnull(body);
		ck_assert(json_object_equal(body, json_object_object_get(v, "decoded_body")));
		ck_assert_str_eq(env.content_type, "application/json");
		json_object_put(body);
		kombu_envelope_free(&env);
		json_object_put(v);
	}
	json_object_object_foreach(json_object_object_get(backlog, "lists"), key, list)
	{
		const char *wire = json_object_get_string(json_object_array_get_idx(list, 0));
		(void)key;
		ck_assert_int_eq(kombu_envelope_decode(wire, strlen(wire), &env, &err), 0);
		ck_assert_ptr_null(env.ticket);
		kombu_envelope_free(&env);
	}
	json_object_put(backlog);
}
END_TEST

START_TEST(names_match_the_captures)
{
	json_object *sadd = load_vector("binding-sadd.json"), *srem = load_vector("binding-srem.json");
	struct kombu_names n = {"", "celery", 0}, p = {"pfx:", "ctl", 3};
	const char *oid = "b41c5adf-92e8-34ca-9566-83f2dc1e7f24";
	char *s;

	s = kombu_reply_binding_member(&n, oid);
	ck_assert_str_eq(s, member(sadd, "member"));
	ck_assert_str_eq(s, member(srem, "member"));
	free(s);
	s = kombu_reply_binding_key(&n);
	ck_assert_str_eq(s, member(sadd, "key"));
	free(s);
	s = kombu_pidbox_channel(&n);
	ck_assert_str_eq(s, "/0.celery.pidbox");
	free(s);
	s = kombu_pidbox_channel(&p);
	ck_assert_str_eq(s, "pfx:/3.ctl.pidbox");
	free(s);
	s = kombu_reply_binding_key(&p);
	ck_assert_str_eq(s, "pfx:_kombu.binding.reply.ctl.pidbox");
	free(s);
	s = kombu_reply_queue(&p, "x");
	ck_assert_str_eq(s, "x.reply.ctl.pidbox");
	free(s);
	s = kombu_queue_key(&p, "gpu", 0);
	ck_assert_str_eq(s, "pfx:gpu");
	free(s);
	s = kombu_queue_key(&n, "gpu", 1);
	ck_assert_str_eq(s, "gpu\x06\x16"
	                    "3");
	free(s);
	s = kombu_queue_key(&n, "gpu", 3);
	ck_assert_str_eq(s, "gpu\x06\x16"
	                    "9");
	free(s);
	ck_assert_ptr_null(kombu_queue_key(&n, "gpu", 4));
	json_object_put(sadd);
	json_object_put(srem);
}
END_TEST

/* Wraps a body (raw text) in an envelope with the given extras. */
static char *envelope_with(const char *body_b64, const char *extra)
{
	char *s = NULL;
	ck_assert(asprintf(&s, "{\"body\": \"%s\", \"content-type\": \"application/json\"%s}", body_b64,
	                   extra) > 0);
	return s;
}

static char *b64(const char *text)
{
	return base64_encode((const unsigned char *)text, strlen(text));
}

START_TEST(malformed_replies_are_rejected)
{
	char *ok_body = b64("{\"w@h\": {\"ok\": \"pong\"}}");
	char *two = b64("{\"a@h\": 1, \"b@h\": 2}");
	char *none = b64("{}");
	char *list = b64("[1]");
	char *empty_node = b64("{\"\": 1}");
	char *notjson = b64("{\"w@h\": ");
	char *trailing = b64("{\"w@h\": 1} x");
	const char *ticket =
	    ", \"headers\": {\"ticket\": \"T\"}, \"properties\": {\"body_encoding\": \"base64\"}";
	char *cases[] = {
	    strdup(""),
	    strdup("not json"),
	    strdup("[]"),
	    strdup("{}"),
	    strdup("\"string\""),
	    strdup("{\"body\": 5, \"headers\": {\"ticket\": \"T\"}}"),
	    strdup("{\"body\": \"x\"} trailing"),
	    envelope_with("!!!not-base64!!!", ticket),
	    envelope_with(ok_body,
	                  ", \"headers\": {\"ticket\": \"T\"}, \"properties\": {\"body_encoding\": 7}"),
	    envelope_with(
	        ok_body, ", \"headers\": {\"ticket\": \"T\"}, \"properties\": {\"body_encoding\": \"gzip\"}"),
	    envelope_with(ok_body, ", \"properties\": {\"body_encoding\": \"base64\"}"),
	    envelope_with(ok_body,
	                  ", \"headers\": {\"ticket\": 5}, \"properties\": {\"body_encoding\": \"base64\"}"),
	    envelope_with(ok_body, ", \"headers\": \"T\", \"properties\": {\"body_encoding\": \"base64\"}"),
	    envelope_with(two, ticket),
	    envelope_with(none, ticket),
	    envelope_with(list, ticket),
	    envelope_with(empty_node, ticket),
	    envelope_with(notjson, ticket),
	    envelope_with(trailing, ticket),
	    strdup("{\"body\": \"x\", \"headers\": {\"ticket\": \"T\"}, \"content-type\": "
	           "\"application/json\"}"),
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct control_reply r;
		struct error err = {ERROR_NONE, ""};
		ck_assert_msg(kombu_decode_reply(cases[i], strlen(cases[i]), "T", &r, &err) == -1,
		              "case %zu accepted", i);
		ck_assert_int_eq(err.kind, ERROR_PARSE);
		ck_assert_ptr_null(r.body);
		free(cases[i]);
	}
	free(ok_body);
	free(two);
	free(none);
	free(list);
	free(empty_node);
	free(notjson);
	free(trailing);
}
END_TEST

START_TEST(reply_variants)
{
	char *body = b64("{\"w@h\": {\"ok\": \"pong\"}}");
	char *env;
	struct control_reply r;
	struct error err;

	/* raw body (kombu 5.4+ utf-8 encoding, or none) */
	env = strdup("{\"body\": \"{\\\"w@h\\\": 1}\", \"content-type\": \"application/json\", \"headers\": "
	             "{\"ticket\": \"T\"}, \"properties\": {\"body_encoding\": \"utf-8\"}}");
	ck_assert_int_eq(kombu_decode_reply(env, strlen(env), "T", &r, &err), 0);
	ck_assert_int_eq(r.kind, REPLY_VALID);
	ck_assert_str_eq(r.node, "w@h");
	kombu_control_reply_free(&r);
	free(env);
	/* pickle: ours, but unreadable */
	ck_assert(asprintf(&env,
	                   "{\"body\": \"%s\", \"content-type\": \"application/x-python-serialize\", "
	                   "\"headers\": {\"ticket\": \"T\"}, \"properties\": {}}",
	                   body) > 0);
	ck_assert_int_eq(kombu_decode_reply(env, strlen(env), "T", &r, &err), 0);
	ck_assert_int_eq(r.kind, REPLY_UNREADABLE);
	ck_assert_str_eq(r.content_type, "application/x-python-serialize");
	kombu_control_reply_free(&r);
	free(env);
	/* unknown keys and kombu 5.3 type wrappers are tolerated */
	ck_assert(
	    asprintf(&env,
	             "{\"body\": \"%s\", \"content-type\": \"application/json\", \"x\": "
	             "{\"__type__\": \"t\", \"__value__\": 1}, \"headers\": {\"ticket\": \"T\", \"y\": [1]}, "
	             "\"properties\": {\"body_encoding\": \"base64\", \"z\": null}}",
	             body) > 0);
	ck_assert_int_eq(kombu_decode_reply(env, strlen(env), "T", &r, &err), 0);
	ck_assert_int_eq(r.kind, REPLY_VALID);
	kombu_control_reply_free(&r);
	free(env);
	free(body);
}
END_TEST

START_TEST(deep_nesting_is_refused)
{
	size_t depth = 10000;
	char *deep = malloc(2 * depth + 1);
	struct error err;

	memset(deep, '[', depth);
	memset(deep + depth, ']', depth);
	deep[2 * depth] = '\0';
	ck_assert_ptr_null(kombu_json_parse(deep, 2 * depth, &err));
	ck_assert_int_eq(err.kind, ERROR_PARSE);
	free(deep);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("kombu");
	TCase *tc = tcase_create("kombu");

	tcase_add_test(tc, broadcasts_encode_byte_for_byte);
	tcase_add_test(tc, broadcasts_decode_to_the_captured_body);
	tcase_add_test(tc, replies_decode_to_the_captured_body);
	tcase_add_test(tc, events_and_tasks_decode);
	tcase_add_test(tc, names_match_the_captures);
	tcase_add_test(tc, malformed_replies_are_rejected);
	tcase_add_test(tc, reply_variants);
	tcase_add_test(tc, deep_nesting_is_refused);
	suite_add_tcase(s, tc);
	return s;
}
