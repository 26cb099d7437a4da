/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_kombu: the envelope codec against every captured Celery 5.2.6, 5.5.3 and 5.6.3 message, key names
 * under every transport option, and malformed envelopes. */
#include "unit.h"

#include "base64.h"
#include "json_scan.h"
#include "strbuf.h"
#include "kombu.h"
#include "kombu_event.h"
#include "kombu_names.h"
#include "transport_options.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <fnmatch.h>
#include <json-c/json.h>
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

/* Every capture, of every Celery version, whose file name starts with prefix: "celery-X/NAME". */
static size_t vector_names(const char *prefix, char names[][128], size_t max)
{
	DIR *top = opendir(VECTOR_DIR), *d;
	struct dirent *v, *e;
	size_t n = 0;
	char dir[1024];

	ck_assert_ptr_nonnull(top);
	while ((v = readdir(top)) != NULL) {
		if (strncmp(v->d_name, "celery-", 7) != 0)
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", VECTOR_DIR, v->d_name);
		ck_assert_ptr_nonnull(d = opendir(dir));
		while ((e = readdir(d)) != NULL && n < max)
			if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
				snprintf(names[n++], 128, "%.20s/%.100s", v->d_name, e->d_name);
		closedir(d);
	}
	closedir(top);
	return n;
}

/* Parses JSON text of n bytes with json-c, to compare what the decoder gives with an independent parser. */
static json_object *parse_text(const char *text, size_t n)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *obj = json_tokener_parse_ex(tok, text, (int)n);

	json_tokener_free(tok);
	return obj;
}

START_TEST(broadcasts_encode_byte_for_byte)
{
	char names[96][128];
	size_t n = vector_names("broadcast-", names, 96), checked = 0;

	ck_assert_uint_ge(n, 15);
	for (size_t i = 0; i < n; i++) {
		json_object *v = load_vector(names[i]), *payload, *args;
		const char *wire = member(v, "payload");
		struct control_request rq = {0};
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
	ck_assert_uint_ge(checked, 12);
}
END_TEST

/* --worker: a destination list, as Celery writes one for `celery inspect -d NODE`. */
START_TEST(broadcast_with_a_destination)
{
	char *const nodes[] = {"celery-v0.12.0@hostA", "odd\"name@h"};
	struct control_request rq = {"active_queues", "celery", "t", "r", "d", 1.5, nodes, 2, NULL, 0, NULL};
	struct envelope env = ENVELOPE_INIT;
	struct error err;
	char *out = kombu_encode_control(&rq, &err);
	json_object *body, *dest;

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(kombu_envelope_decode(out, strlen(out), &env, &err), 0);
	ck_assert_ptr_nonnull(
	    strstr((const char *)env.body,
	           "\"destination\": [\"celery-v0.12.0@hostA\", \"odd\\\"name@h\"], \"pattern\""));
	body = json_tokener_parse((const char *)env.body);
	ck_assert(json_object_object_get_ex(body, "destination", &dest));
	ck_assert_int_eq((int)json_object_array_length(dest), 2);
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(dest, 1)), "odd\"name@h");
	json_object_put(body);
	kombu_envelope_free(&env);
	free(out);
}
END_TEST

/* Our broadcasts name our own reply exchange; a cast (no ticket) names no reply_to and no ticket, as kombu's
 * broadcast with reply=False writes it, so that no worker replies or looks a binding up. */
START_TEST(own_reply_exchange_and_a_cast)
{
	struct control_request own = {"active_queues",
	                              "celery",
	                              "t",
	                              "r",
	                              "d",
	                              1.5,
	                              NULL,
	                              0,
	                              NULL,
	                              0,
	                              "check_celery.reply.celery.pidbox"};
	struct control_request cast = {"ping", "celery", NULL, NULL, "d", 1.5, NULL, 0, NULL, 0, NULL};
	struct envelope env = ENVELOPE_INIT;
	struct error err;
	char *out = kombu_encode_control(&own, &err);
	json_object *body, *x;

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(kombu_envelope_decode(out, strlen(out), &env, &err), 0);
	ck_assert_ptr_nonnull(strstr((const char *)env.body,
	                             "\"ticket\": \"t\", \"reply_to\": {\"exchange\": "
	                             "\"check_celery.reply.celery.pidbox\", "
	                             "\"routing_key\": \"r\"}}"));
	free(out);
	out = kombu_encode_control(&cast, &err);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(kombu_envelope_decode(out, strlen(out), &env, &err), 0);
	ck_assert_str_eq((const char *)env.body,
	                 "{\"method\": \"ping\", \"arguments\": {}, \"destination\": null, "
	                 "\"pattern\": null, \"matcher\": null}");
	body = json_tokener_parse((const char *)env.body);
	ck_assert_ptr_nonnull(body);
	ck_assert(!json_object_object_get_ex(body, "reply_to", &x));
	ck_assert(!json_object_object_get_ex(body, "ticket", &x));
	json_object_put(body);
	kombu_envelope_free(&env);
	free(out);
}
END_TEST

/* Every captured worker event decodes to its body's fields, and its channel matches the pattern we
 * subscribe to. */
START_TEST(events_decode_and_match_the_pattern)
{
	char names[96][128];
	size_t n = vector_names("event-worker-", names, 96);
	struct kombu_names kn;
	char *patterns[2];

	n += vector_names("utf8-body-event-worker-", names + n, 96 - n);
	ck_assert_uint_ge(n, 10);
	kombu_names_default(&kn);
	ck_assert_int_eq(kombu_event_patterns(&kn, patterns), 1);
	ck_assert_str_eq(patterns[0], "/0.celeryev/worker.*");
	for (size_t i = 0; i < n; i++) {
		json_object *v = load_vector(names[i]);
		const char *wire = member(v, "payload"), *type = member(v, "decoded_body.type");
		struct worker_event ev;
		struct error err;

		ck_assert_msg(kombu_decode_worker_event(wire, strlen(wire), &ev, &err) == 1, "%s: %s",
		              names[i], err.msg);
		ck_assert_str_eq(ev.hostname, member(v, "decoded_body.hostname"));
		ck_assert_int_eq(ev.type, strcmp(type, "worker-heartbeat") == 0 ? WORKER_EVENT_HEARTBEAT
		                          : strcmp(type, "worker-online") == 0  ? WORKER_EVENT_ONLINE
		                                                                : WORKER_EVENT_OFFLINE);
		ck_assert_str_eq(ev.sw_ver, member(v, "decoded_body.sw_ver"));
		ck_assert(ev.freq > 0 && ev.timestamp > 1.7e9);
		if (ev.type == WORKER_EVENT_HEARTBEAT)
			ck_assert(ev.active >= 0 && ev.processed >= 0);
		ck_assert_msg(fnmatch(patterns[0], member(v, "key"), 0) == 0, "%s on %s", names[i],
		              member(v, "key"));
		json_object_put(v);
	}
	free(patterns[0]);
}
END_TEST

/* What is not a worker event: refused or passed over, never a crash. */
START_TEST(odd_events)
{
	static const char *const cases[][2] = {
	    {"not json", "-1"},
	    {"{\"body\": \"eyJ0eXBlIjogInRhc2stc2VudCJ9\", \"content-type\": \"application/json\", "
	     "\"properties\": {\"body_encoding\": \"base64\"}}",
	     "0"}, /* {"type": "task-sent"} */
	    {"{\"body\": \"eyJ0eXBlIjogIndvcmtlci1oZWFydGJlYXQifQ==\", \"content-type\": "
	     "\"application/json\", \"properties\": {\"body_encoding\": \"base64\"}}",
	     "-1"}, /* {"type": "worker-heartbeat"}: no hostname */
	    {"{\"body\": \"gAN9\", \"content-type\": \"application/x-python-serialize\", "
	     "\"properties\": {\"body_encoding\": \"base64\"}}",
	     "0"}, /* pickle: not ours to read */
	    {"{\"body\": \"{\\\"type\\\": \\\"worker-online\\\", \\\"hostname\\\": \\\"a@b\\\", "
	     "\\\"freq\\\": -3, \\\"active\\\": 1e300, \\\"timestamp\\\": \\\"x\\\"}\", "
	     "\"content-type\": \"application/json\"}",
	     "1"}, /* odd numbers fall back */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct worker_event ev;
		struct error err;
		int rc = kombu_decode_worker_event(cases[i][0], strlen(cases[i][0]), &ev, &err);
		ck_assert_msg(rc == atoi(cases[i][1]), "case %zu: %d (%s)", i, rc, err.msg);
		if (rc == 1) {
			ck_assert_str_eq(ev.hostname, "a@b");
			ck_assert(ev.freq == 2.0 && ev.active == -1 && ev.timestamp == 0);
		}
	}
}
END_TEST

/* Names as long as their fields hold once decoded: a 255-byte hostname, a non-ASCII one that Python's json
 * writes as \u escapes (six bytes for two), a 31-character Celery version; one character more is dropped. */
START_TEST(long_and_escaped_event_names)
{
	static const struct {
		const char *unit; /* the hostname (or sw_ver) is this, repeated */
		int times, sw_ver, decoded;
	} cases[] = {{"h", 253, 0, 1},         {"h", 254, 0, 0},         {"\\\\u00e9", 126, 0, 1},
	             {"\\\\u00e9", 127, 0, 0}, {"\\\\u0041", 253, 0, 1}, {"5", 31, 1, 1},
	             {"5", 32, 1, 0}};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf body = STRBUF_INIT;
		struct worker_event ev;
		struct error err;
		int rc;
		strbuf_puts(&body, "{\"body\": \"{\\\"type\\\": \\\"worker-heartbeat\\\", \\\"");
		strbuf_puts(&body, cases[i].sw_ver ? "hostname\\\": \\\"a@b\\\", \\\"sw_ver\\\": \\\""
		                                   : "hostname\\\": \\\"");
		for (int n = 0; n < cases[i].times; n++)
			strbuf_puts(&body, cases[i].unit);
		strbuf_puts(&body, cases[i].sw_ver ? "\\\"}\", \"content-type\": \"application/json\"}"
		                                   : "@x\\\"}\", \"content-type\": \"application/json\"}");
		rc = kombu_decode_worker_event(strbuf_str(&body), body.len, &ev, &err);
		if (cases[i].sw_ver) {
			ck_assert_int_eq(rc, 1);
			ck_assert_uint_eq(strlen(ev.sw_ver), cases[i].decoded ? 31 : 0);
		} else {
			ck_assert_msg(rc == (cases[i].decoded ? 1 : -1), "case %zu: %d", i, rc);
			if (rc == 1)
				ck_assert_uint_ge(strlen(ev.hostname),
				                  254); /* 126 two-byte characters and @x */
		}
		strbuf_free(&body);
	}
}
END_TEST

/* The patterns follow the transport options, escape glob characters, and hear kombu 5.2 behind Sentinel. */
START_TEST(event_patterns)
{
	struct kombu_names kn;
	char *p[2];

	kombu_names_default(&kn);
	kn.prefix = "a*b?[c]:";
	kn.db = 3;
	kn.sentinel = 1;
	ck_assert_int_eq(kombu_event_patterns(&kn, p), 2);
	ck_assert_str_eq(p[0], "a\\*b\\?\\[c\\]:/3.celeryev/worker.*");
	ck_assert_str_eq(p[1], "a\\*b\\?\\[c\\]:/{db}.celeryev/worker.*");
	ck_assert(fnmatch(p[0], "a*b?[c]:/3.celeryev/worker.heartbeat", 0) == 0);
	ck_assert(fnmatch(p[0], "aXb?[c]:/3.celeryev/worker.heartbeat", 0) != 0);
	free(p[0]);
	free(p[1]);
	kn.prefix = "";
	kn.sentinel = 0;
	kn.fanout_patterns = 0;
	ck_assert_int_eq(kombu_event_patterns(&kn, p), 1);
	ck_assert_str_eq(p[0], "/3.celeryev");
	free(p[0]);
	kn.fanout_prefix = 0;
	ck_assert_int_eq(kombu_event_patterns(&kn, p), 1);
	ck_assert_str_eq(p[0], "celeryev");
	free(p[0]);
}
END_TEST

START_TEST(broadcasts_decode_to_the_captured_body)
{
	char names[96][128];
	size_t n = vector_names("broadcast-", names, 96);

	ck_assert_uint_ge(n, 15);
	for (size_t i = 0; i < n; i++) {
		json_object *v = load_vector(names[i]), *body;
		const char *wire = member(v, "payload");
		struct envelope env = ENVELOPE_INIT;
		struct error err;

		ck_assert_int_eq(kombu_envelope_decode(wire, strlen(wire), &env, &err), 0);
		ck_assert_int_eq(env.has_ticket, 0); /* a broadcast carries its ticket in the body */
		body = parse_text((const char *)env.body, env.body_len);
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
	char names[96][128];
	size_t n = vector_names("reply-", names, 96);

	ck_assert_uint_ge(n, 24);
	for (size_t i = 0; i < n; i++) {
		json_object *v = load_vector(names[i]), *payload,
		            *expected = json_object_object_get(v, "decoded_body");
		const char *wire = member(v, "payload");
		struct json_object_iterator it = json_object_iter_begin(expected);
		struct control_reply r = CONTROL_REPLY_INIT;
		struct error err;
		json_object *result;

		payload = json_tokener_parse(wire);
		ck_assert_int_eq(
		    kombu_decode_reply(wire, strlen(wire), member(payload, "headers.ticket"), &r, &err), 0);
		ck_assert_int_eq(r.b.kind, REPLY_VALID);
		ck_assert_str_eq(r.b.node, json_object_iter_peek_name(&it));
		result = parse_text(r.b.result.p, r.b.result.len);
		ck_assert_msg(json_object_equal(result, json_object_iter_peek_value(&it)), "%s: result",
		              names[i]);
		json_object_put(result);
		kombu_control_reply_free(&r);
		/* the same reply for another check is foreign */
		ck_assert_int_eq(kombu_decode_reply(wire, strlen(wire), "another-ticket", &r, &err), 0);
		ck_assert_int_eq(r.b.kind, REPLY_FOREIGN);
		kombu_control_reply_free(&r);
		json_object_put(payload);
		json_object_put(v);
	}
}
END_TEST

START_TEST(events_and_tasks_decode)
{
	char names[96][128];
	size_t n = vector_names("event-", names, 96);
	json_object *backlog = load_vector("celery-5.2.6/queue-backlog-with-priorities.json");
	struct envelope env = ENVELOPE_INIT;
	struct error err;

	ck_assert_uint_ge(n, 9);
	for (size_t i = 0; i < n; i++) {
		json_object *v = load_vector(names[i]), *body;
		const char *wire = member(v, "payload");
		ck_assert_int_eq(kombu_envelope_decode(wire, strlen(wire), &env, &err), 0);
		body = parse_text((const char *)env.body, env.body_len);
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
		ck_assert_int_eq(env.has_ticket, 0);
		kombu_envelope_free(&env);
	}
	json_object_put(backlog);
}
END_TEST

/* The oid of a captured reply binding member: its routing key, before the first separator. */
static char *member_oid(const char *m)
{
	return strndup(m, strcspn(m, "\x06"));
}

START_TEST(names_match_the_captures)
{
	static const char *const versions[] = {"celery-5.2.6", "celery-5.5.3", "celery-5.6.3"};
	struct kombu_names n;
	char *s, path[64];

	kombu_names_default(&n);
	for (size_t i = 0; i < 3; i++) {
		json_object *sadd, *srem;
		char *oid;
		snprintf(path, sizeof(path), "%s/binding-sadd.json", versions[i]);
		sadd = load_vector(path);
		snprintf(path, sizeof(path), "%s/binding-srem.json", versions[i]);
		srem = load_vector(path);
		oid = member_oid(member(sadd, "member"));
		s = kombu_reply_binding_member(&n, oid);
		ck_assert_str_eq(s, member(sadd, "member"));
		ck_assert_str_eq(s, member(srem, "member"));
		free(s);
		s = kombu_reply_binding_key(&n);
		ck_assert_str_eq(s, member(sadd, "key"));
		free(s);
		free(oid);
		json_object_put(sadd);
		json_object_put(srem);
	}
	s = kombu_pidbox_channel(&n);
	ck_assert_str_eq(s, "/0.celery.pidbox");
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
	ck_assert_ptr_null(kombu_queue_key(&n, "gpu", -1));
}
END_TEST

/* The names as Celery's documented Redis priority setup and other transport options write them. */
START_TEST(names_follow_the_transport_options)
{
	struct kombu_names p;
	struct error err;
	char *s;

	kombu_names_default(&p);
	p.prefix = "pfx:";
	p.ns = "ctl";
	p.db = 3;
	s = kombu_pidbox_channel(&p);
	ck_assert_str_eq(s, "pfx:/3.ctl.pidbox");
	free(s);
	ck_assert_ptr_null(kombu_pidbox_channel_unformatted(&p)); /* no Sentinel: one channel */
	p.sentinel = 1; /* kombu before 5.4 left "{db}" as it is behind Sentinel */
	s = kombu_pidbox_channel_unformatted(&p);
	ck_assert_str_eq(s, "pfx:/{db}.ctl.pidbox");
	free(s);
	s = kombu_reply_binding_key(&p);
	ck_assert_str_eq(s, "pfx:_kombu.binding.reply.ctl.pidbox");
	free(s);
	s = kombu_own_reply_binding_key(&p);
	ck_assert_str_eq(s, "pfx:_kombu.binding.check_celery.reply.ctl.pidbox");
	free(s);
	s = kombu_own_reply_exchange(&p);
	ck_assert_str_eq(s, "check_celery.reply.ctl.pidbox");
	free(s);
	s = kombu_pidbox_binding_key(&p);
	ck_assert_str_eq(s, "pfx:_kombu.binding.ctl.pidbox");
	free(s);
	s = kombu_reply_queue(&p, "x");
	ck_assert_str_eq(s, "x.reply.ctl.pidbox");
	free(s);
	s = kombu_queue_key(&p, "gpu", 0);
	ck_assert_str_eq(s, "pfx:gpu");
	free(s);
	ck_assert_int_eq(kombu_transport_option(&p, "fanout_prefix=false", &err), 0);
	s = kombu_pidbox_channel(&p);
	ck_assert_str_eq(s, "pfx:ctl.pidbox");
	free(s);
	ck_assert_ptr_null(
	    kombu_pidbox_channel_unformatted(&p)); /* no prefix, nothing to leave unformatted */
	ck_assert_int_eq(kombu_transport_option(&p, "sep=:", &err), 0);
	ck_assert_int_eq(kombu_transport_option(&p, "priority_steps=0,1,2,3,4,5,6,7,8,9", &err), 0);
	ck_assert_int_eq(p.nsteps, 10);
	s = kombu_reply_binding_member(&p, "o");
	ck_assert_str_eq(s, "o::o.reply.ctl.pidbox");
	free(s);
	s = kombu_queue_key(&p, "gpu", 0);
	ck_assert_str_eq(s, "pfx:gpu");
	free(s);
	s = kombu_queue_key(&p, "gpu", 5);
	ck_assert_str_eq(s, "pfx:gpu:5");
	free(s);
	s = kombu_queue_key(&p, "gpu", 9);
	ck_assert_str_eq(s, "pfx:gpu:9");
	free(s);
	ck_assert_ptr_null(kombu_queue_key(&p, "gpu", 10));
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
	char *nul_name = b64("{\"w\\u0000-v0.12.0@h\": 1}");
	char *nul_queue = b64("{\"w@h\": [{\"name\": \"a\\u0000b\"}]}");
	char *pickle_junk = b64("not a pickle");
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
	    envelope_with(nul_name, ticket),
	    envelope_with(nul_queue, ticket),
	    strdup("{\"body\": \"{\\\"w@h\\u0000\\\": 1}\", \"content-type\": \"application/json\", "
	           "\"headers\": {\"ticket\": \"T\"}, \"properties\": {\"body_encoding\": \"utf-8\"}}"),
	    envelope_with(ok_body, ", \"content-type\": \"text/plain\", \"headers\": {\"ticket\": \"T\"}"),
	    envelope_with(pickle_junk, ", \"content-type\": \"application/x-python-serialize\", \"headers\": "
	                               "{\"ticket\": \"T\"}"),
	    envelope_with(pickle_junk, ", \"content-type\": \"application/x-msgpack\", \"headers\": "
	                               "{\"ticket\": \"T\"}"),
	    envelope_with("!!!", ", \"content-type\": \"application/x-python-serialize\", \"headers\": "
	                         "{\"ticket\": \"T\"}, \"properties\": {\"body_encoding\": \"base64\"}"),
	    strdup("{\"body\": \"x\", \"headers\": {\"ticket\": \"T\"}, \"content-type\": "
	           "\"application/json\"}"),
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct control_reply r = CONTROL_REPLY_INIT;
		struct error err = {ERROR_NONE, ""};
		ck_assert_msg(kombu_decode_reply(cases[i], strlen(cases[i]), "T", &r, &err) == -1,
		              "case %zu accepted", i);
		ck_assert_int_eq(err.kind, ERROR_PARSE);
		ck_assert_ptr_null(r.b.node);
		kombu_control_reply_free(&r);
		free(cases[i]);
	}
	free(ok_body);
	free(two);
	free(none);
	free(list);
	free(empty_node);
	free(notjson);
	free(trailing);
	free(nul_name);
	free(nul_queue);
	free(pickle_junk);
}
END_TEST

START_TEST(reply_variants)
{
	char *body = b64("{\"w@h\": {\"ok\": \"pong\"}}"), *pickled;
	char *env;
	struct control_reply r = CONTROL_REPLY_INIT;
	struct error err;

	/* raw body (kombu 5.4+ utf-8 encoding, or none) */
	env = strdup("{\"body\": \"{\\\"w@h\\\": 1}\", \"content-type\": \"application/json\", \"headers\": "
	             "{\"ticket\": \"T\"}, \"properties\": {\"body_encoding\": \"utf-8\"}}");
	ck_assert_int_eq(kombu_decode_reply(env, strlen(env), "T", &r, &err), 0);
	ck_assert_int_eq(r.b.kind, REPLY_VALID);
	ck_assert_str_eq(r.b.node, "w@h");
	kombu_control_reply_free(&r);
	free(env);
	/* pickle (protocol 4: 0x80 0x04 ...): ours, but unreadable */
	pickled = base64_encode((const unsigned char *)"\x80\x04\x95junk", 7);
	ck_assert(
	    asprintf(&env,
	             "{\"body\": \"%s\", \"content-type\": \"application/x-python-serialize\", "
	             "\"headers\": {\"ticket\": \"T\"}, \"properties\": {\"body_encoding\": \"base64\"}}",
	             pickled) > 0);
	free(pickled);
	ck_assert_int_eq(kombu_decode_reply(env, strlen(env), "T", &r, &err), 0);
	ck_assert_int_eq(r.b.kind, REPLY_UNREADABLE);
	ck_assert_str_eq(r.b.content_type, "application/x-python-serialize");
	kombu_control_reply_free(&r);
	free(env);
	/* a key holding a NUL is another key, as Python reads it ("body\u0000" is not "body") */
	ck_assert(
	    asprintf(&env,
	             "{\"body\": \"%s\", \"content-type\": \"application/json\", \"headers\": {\"ticket\": "
	             "\"T\", \"ticket\\u0000\": \"x\"}, \"properties\": {\"body_encoding\": \"base64\"}, "
	             "\"body\\u0000\": 5}",
	             body) > 0);
	ck_assert_int_eq(kombu_decode_reply(env, strlen(env), "T", &r, &err), 0);
	ck_assert_int_eq(r.b.kind, REPLY_VALID);
	ck_assert_str_eq(r.b.node, "w@h");
	free(env);
	/* unknown keys and kombu 5.3 type wrappers are tolerated */
	ck_assert(
	    asprintf(&env,
	             "{\"body\": \"%s\", \"content-type\": \"application/json\", \"x\": "
	             "{\"__type__\": \"t\", \"__value__\": 1}, \"headers\": {\"ticket\": \"T\", \"y\": [1]}, "
	             "\"properties\": {\"body_encoding\": \"base64\", \"z\": null}}",
	             body) > 0);
	ck_assert_int_eq(kombu_decode_reply(env, strlen(env), "T", &r, &err), 0);
	ck_assert_int_eq(r.b.kind, REPLY_VALID);
	kombu_control_reply_free(&r);
	free(env);
	free(body);
}
END_TEST

START_TEST(deep_nesting_is_refused)
{
	size_t depth = 10000;
	char *deep = malloc(2 * depth + 1), *env;
	struct control_reply r = CONTROL_REPLY_INIT;
	struct json_span v;
	struct error err;

	memset(deep, '[', depth);
	memset(deep + depth, ']', depth);
	deep[2 * depth] = '\0';
	ck_assert_int_eq(json_scan(deep, 2 * depth, KOMBU_JSON_MAX_DEPTH, 0, &v, &err), -1);
	ck_assert_int_eq(err.kind, ERROR_PARSE);
	/* the limit itself is allowed, one more is not */
	ck_assert_int_eq(json_scan(deep + depth - 64, 128, KOMBU_JSON_MAX_DEPTH, 0, &v, &err), 0);
	ck_assert_int_eq(json_scan(deep + depth - 65, 130, KOMBU_JSON_MAX_DEPTH, 0, &v, &err), -1);
	/* in a reply body too */
	ck_assert(asprintf(&env,
	                   "{\"body\": \"{\\\"w@h\\\": %.*s1%.*s}\", \"content-type\": \"application/json\", "
	                   "\"headers\": {\"ticket\": \"T\"}}",
	                   70, deep, 70, deep + depth) > 0);
	ck_assert_int_eq(kombu_decode_reply(env, strlen(env), "T", &r, &err), -1);
	ck_assert_int_eq(err.kind, ERROR_PARSE);
	kombu_control_reply_free(&r);
	free(env);
	free(deep);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("kombu");
	TCase *tc = tcase_create("kombu");

	tcase_add_test(tc, broadcasts_encode_byte_for_byte);
	tcase_add_test(tc, broadcast_with_a_destination);
	tcase_add_test(tc, own_reply_exchange_and_a_cast);
	tcase_add_test(tc, events_decode_and_match_the_pattern);
	tcase_add_test(tc, odd_events);
	tcase_add_test(tc, long_and_escaped_event_names);
	tcase_add_test(tc, event_patterns);
	tcase_add_test(tc, broadcasts_decode_to_the_captured_body);
	tcase_add_test(tc, replies_decode_to_the_captured_body);
	tcase_add_test(tc, events_and_tasks_decode);
	tcase_add_test(tc, names_match_the_captures);
	tcase_add_test(tc, names_follow_the_transport_options);
	tcase_add_test(tc, malformed_replies_are_rejected);
	tcase_add_test(tc, reply_variants);
	tcase_add_test(tc, deep_nesting_is_refused);
	suite_add_tcase(s, tc);
	return s;
}
