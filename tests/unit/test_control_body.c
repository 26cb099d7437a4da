/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_control_body: the control command's body and the replies' as RabbitMQ carries them (the captures of
 * tests/vectors/amqp-celery-5.2.6), and every malformed reply body we can think of. */
#include "unit.h"

#include "control_body.h"
#include "fleet.h"
#include "heard.h"
#include "worker_event.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AMQP_VECTORS VECTOR_DIR "/amqp-celery-5.2.6"

/* The capture's lines whose trace_rk is rk, each a json-c object (put them). */
static size_t capture(const char *file, const char *rk, json_object **out, size_t max)
{
	char path[1024], line[65536];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", AMQP_VECTORS, file);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	while (n < max && fgets(line, sizeof(line), f) != NULL) {
		json_object *o = json_tokener_parse(line), *t;
		ck_assert_ptr_nonnull(o);
		if (json_object_object_get_ex(o, "trace_rk", &t) &&
		    strcmp(json_object_get_string(t), rk) == 0)
			out[n++] = o;
		else
			json_object_put(o);
	}
	fclose(f);
	return n;
}

static json_object *at(json_object *o, const char *a, const char *b, const char *c)
{
	json_object *v = o;
	const char *path[] = {a, b, c};

	for (int i = 0; i < 3 && path[i] != NULL && v != NULL; i++)
		if (!json_object_object_get_ex(v, path[i], &v))
			v = NULL;
	ck_assert_ptr_nonnull(v);
	return v;
}

/* The broadcasts Celery's own client published: our body for the same command, ticket and oid is the same,
 * byte for byte, and so are the properties and headers we set. */
static void same_broadcast(const char *file, const char *method)
{
	json_object *pub[2], *props, *reply_to;
	struct control_request rq = {0};
	struct strbuf sb = STRBUF_INIT;
	const char *body;

	ck_assert_uint_eq(capture(file, "publish.celery.pidbox", pub, 2), 1);
	body = json_object_get_string(at(pub[0], "body", NULL, NULL));
	reply_to = json_tokener_parse(body);
	rq.method = method;
	rq.ns = "celery";
	rq.ticket = json_object_get_string(at(reply_to, "ticket", NULL, NULL));
	rq.reply_key = json_object_get_string(at(reply_to, "reply_to", "routing_key", NULL));
	control_body_write(&sb, &rq);
	ck_assert_str_eq(strbuf_str(&sb), body);
	props = at(pub[0], "properties", "application_headers", "properties");
	ck_assert_str_eq(json_object_get_string(at(props, "content_type", NULL, NULL)), "application/json");
	ck_assert_str_eq(json_object_get_string(at(props, "content_encoding", NULL, NULL)), "utf-8");
	ck_assert_int_eq(json_object_get_int(at(props, "delivery_mode", NULL, NULL)), 2);
	ck_assert_int_eq(json_object_get_int(at(props, "priority", NULL, NULL)), 0);
	ck_assert_int_eq(json_object_get_int(at(props, "headers", "clock", NULL)), 1);
	strbuf_free(&sb);
	json_object_put(reply_to);
	json_object_put(pub[0]);
}

START_TEST(broadcasts_as_celery_publishes_them)
{
	same_broadcast("firehose-active_queues.jsonl", "active_queues");
	same_broadcast("firehose-ping.jsonl", "ping");
}
END_TEST

/* Every reply published to reply.celery.pidbox reads as the worker's answer, and active_queues' make the
 * fleet. */
START_TEST(replies_make_the_fleet)
{
	json_object *rep[8];
	size_t n = capture("firehose-active_queues.jsonl", "publish.reply.celery.pidbox", rep, 8);
	struct fleet f;
	struct error err;

	memset(&f, 0, sizeof(f));
	ck_assert_uint_eq(n, 2);
	for (size_t i = 0; i < n; i++) {
		json_object *props = at(rep[i], "properties", "application_headers", "properties");
		char *body = strdup(json_object_get_string(at(rep[i], "body", NULL, NULL)));
		struct reply_body r;
		struct inspect_event ev = {INSPECT_REPLY, NULL, NULL, NULL};

		ck_assert_int_eq(
		    control_body_read(json_object_get_string(at(props, "content_type", NULL, NULL)), body,
		                      strlen(body), &r, &err),
		    0);
		ck_assert_int_eq(r.kind, REPLY_VALID);
		ev.node = r.node;
		ev.result = &r.result;
		ck_assert_int_eq(fleet_add_event(&f, &ev, &err), 0);
		free(body);
		json_object_put(rep[i]);
	}
	fleet_sort(&f);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_str_eq(f.workers[0].node, "w1@research");
	ck_assert_str_eq(f.workers[1].node, "w2@research");
	ck_assert_uint_eq(f.workers[0].nqueues, 1);
	ck_assert_str_eq(f.workers[0].queues[0], "celery");
	fleet_free(&f);

	n = capture("firehose-ping.jsonl", "publish.reply.celery.pidbox", rep, 8);
	ck_assert_uint_eq(n, 2);
	for (size_t i = 0; i < n; i++) {
		char *body = strdup(json_object_get_string(at(rep[i], "body", NULL, NULL)));
		struct reply_body r;
		ck_assert_int_eq(control_body_read("application/json", body, strlen(body), &r, &err), 0);
		ck_assert_int_eq(r.kind, REPLY_VALID);
		ck_assert(strncmp(r.result.p, "{\"ok\": \"pong\"}", 14) == 0);
		free(body);
		json_object_put(rep[i]);
	}
}
END_TEST

/* The events on celeryev, as RabbitMQ carries them (the raw JSON body): each published heartbeat is heard. */
START_TEST(events_as_rabbitmq_carries_them)
{
	const char *files[] = {"firehose-events.jsonl", "firehose-active_queues.jsonl",
	                       "firehose-ping.jsonl"};
	struct heard h = {0};

	for (size_t f = 0; f < 3; f++) {
		json_object *ev[16];
		size_t n = capture(files[f], "publish.celeryev", ev, 16);
		ck_assert_uint_gt(n, 0);
		for (size_t i = 0; i < n; i++) {
			json_object *props = at(ev[i], "properties", "application_headers", "properties");
			const char *body = json_object_get_string(at(ev[i], "body", NULL, NULL));
			struct worker_event we;
			struct error err;
			int rc =
			    worker_event_read(json_object_get_string(at(props, "content_type", NULL, NULL)),
			                      body, strlen(body), &we, &err);
			ck_assert_int_eq(rc, 1);
			ck_assert_str_eq(we.hostname,
			                 json_object_get_string(at(props, "headers", "hostname", NULL)));
			ck_assert_str_eq(we.sw_ver, "5.2.6");
			heard_note(&h, rc, &we);
			json_object_put(ev[i]);
		}
	}
	ck_assert_uint_ge(h.n, 1);
	ck_assert_int_eq(h.ignored, 0);
	ck_assert_ptr_nonnull(heard_find(&h, "w1@research"));
	heard_free(&h);
}
END_TEST

START_TEST(malformed_reply_bodies)
{
	static const struct {
		const char *content_type, *body;
		size_t len; /* 0: strlen */
	} bad[] = {
	    {"application/json", "", 0},
	    {"application/json", "{}", 0},
	    {"application/json", "[]", 0},
	    {"application/json", "\"w@h\"", 0},
	    {"application/json", "{\"\": []}", 0},
	    {"application/json", "{\"a@h\": 1, \"b@h\": 2}", 0},
	    {"application/json", "{\"w@h\": [}", 0},
	    {"application/json", "{\"w\\u0000@h\": []}", 0},
	    {"application/json", "{\"w@h\": []}\0x", 12},
	    {"application/json", "{\"w@h\": []} junk", 0},
	    {NULL, "{\"w@h\": []}", 0},
	    {"text/plain", "{\"w@h\": []}", 0},
	    {"application/x-python-serialize", "{\"w@h\": []}", 0},
	    {"application/x-msgpack", "\x80", 0},
	    {"(too long)", "{\"w@h\": []}", 0},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].body);
		char *body = malloc(len + 1);
		struct reply_body r;
		struct error err = {ERROR_NONE, ""};

		memcpy(body, bad[i].body, len);
		body[len] = '\0';
		ck_assert_msg(control_body_read(bad[i].content_type, body, len, &r, &err) == -1,
		              "case %zu must be refused", i);
		ck_assert_int_eq(err.kind, ERROR_PARSE);
		free(body);
	}
}
END_TEST

START_TEST(other_serializers_are_unreadable_not_malformed)
{
	char pickle[] = "\x80\x04\x95junk", msgpack[] = "\x81\xa3w@h\x90", yaml[] = "w@h: []\n";
	struct reply_body r;
	struct error err;

	ck_assert_int_eq(control_body_read("application/x-python-serialize", pickle, 7, &r, &err), 0);
	ck_assert_int_eq(r.kind, REPLY_UNREADABLE);
	ck_assert_str_eq(r.content_type, "application/x-python-serialize");
	ck_assert_int_eq(control_body_read("application/x-msgpack", msgpack, 6, &r, &err), 0);
	ck_assert_int_eq(r.kind, REPLY_UNREADABLE);
	ck_assert_int_eq(control_body_read("application/x-yaml", yaml, strlen(yaml), &r, &err), 0);
	ck_assert_int_eq(r.kind, REPLY_UNREADABLE);
}
END_TEST

/* A destination and arguments are written as kombu writes them; a cast names no reply_to. */
START_TEST(destination_arguments_and_casts)
{
	char *dest[] = {"a@h", "b\"@h"};
	const char *args[] = {"queue", "gpu"};
	struct control_request rq = {"cancel_consumer", "celery", "T", "K", NULL, 0, dest, 2, args, 1, NULL};
	struct strbuf sb = STRBUF_INIT;

	control_body_write(&sb, &rq);
	ck_assert_str_eq(
	    strbuf_str(&sb),
	    "{\"method\": \"cancel_consumer\", \"arguments\": {\"queue\": \"gpu\"}, \"destination\": "
	    "[\"a@h\", \"b\\\"@h\"], \"pattern\": null, \"matcher\": null, \"ticket\": \"T\", "
	    "\"reply_to\": {\"exchange\": \"reply.celery.pidbox\", \"routing_key\": \"K\"}}");
	strbuf_free(&sb);
	rq.ticket = NULL;
	control_body_write(&sb, &rq);
	ck_assert_ptr_null(strstr(strbuf_str(&sb), "reply_to"));
	strbuf_free(&sb);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("control_body");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, broadcasts_as_celery_publishes_them);
	tcase_add_test(tc, replies_make_the_fleet);
	tcase_add_test(tc, events_as_rabbitmq_carries_them);
	tcase_add_test(tc, malformed_reply_bodies);
	tcase_add_test(tc, other_serializers_are_unreadable_not_malformed);
	tcase_add_test(tc, destination_arguments_and_casts);
	suite_add_tcase(s, tc);
	return s;
}
