/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_fleet: turning captured active_queues replies (and bad ones) into judged workers, without Redis. */
#include "unit.h"

#include "fleet.h"
#include "fleet_format.h"
#include "kombu.h"

#include <stdio.h>
#include <string.h>

/* Judges the fleet by -e 0.12.0, as the probe does once the collection ends. */
static void judge(struct fleet *f)
{
	struct version_policy policy;
	struct error err;

	memset(&policy, 0, sizeof(policy));
	ck_assert_int_eq(version_policy_expect(&policy, "0.12.0", &err), 0);
	ck_assert_int_eq(fleet_judge(f, &policy, &err), 0);
	version_policy_free(&policy);
}

/* Decodes a captured reply and adds it to the fleet as fleet_collect would. */
static void add_vector(struct fleet *f, const char *name)
{
	char path[1024];
	json_object *v, *payload, *ticket;
	struct control_reply r = CONTROL_REPLY_INIT;
	struct inspect_event ev = {INSPECT_REPLY, NULL, NULL, NULL};
	struct error err;
	const char *wire;

	snprintf(path, sizeof(path), "%s/%s", VECTOR_DIR, name);
	v = json_object_from_file(path);
	ck_assert_ptr_nonnull(v);
	wire = json_object_get_string(json_object_object_get(v, "payload"));
	payload = json_tokener_parse(wire);
	ticket = json_object_object_get(json_object_object_get(payload, "headers"), "ticket");
	ck_assert_int_eq(kombu_decode_reply(wire, strlen(wire), json_object_get_string(ticket), &r, &err), 0);
	ev.node = r.node;
	ev.result = &r.result;
	ck_assert_int_eq(fleet_add_event(f, &ev, &err), 0);
	kombu_control_reply_free(&r);
	json_object_put(payload);
	json_object_put(v);
}

/* Adds a reply whose result is the given JSON text. */
static void add_result(struct fleet *f, const char *node, const char *result_json)
{
	struct json_span result;
	struct inspect_event ev = {INSPECT_REPLY, node, &result, NULL};
	struct error err;

	ck_assert_int_eq(json_scan(result_json, strlen(result_json), 64, 0, &result, &err), 0);
	ck_assert_int_eq(fleet_add_event(f, &ev, &err), 0);
}

START_TEST(captured_replies)
{
	struct fleet f = {0};
	char *gpu[] = {"gpu"}, *celery[] = {"celery"}, *none[] = {"io"};

	add_vector(&f, "celery-5.2.6/reply-active_queues-untagged.json");
	add_vector(&f, "celery-5.2.6/reply-active_queues-tagged.json");
	fleet_sort(&f);
	judge(&f);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_str_eq(f.workers[0].node, "celery-v0.12.0@hostA");
	ck_assert_str_eq(f.workers[0].name.version, "0.12.0");
	ck_assert_int_eq(f.workers[0].verdict, VERDICT_COMPATIBLE);
	ck_assert_uint_eq(f.workers[0].nqueues, 2);
	ck_assert_str_eq(f.workers[0].queues[0], "gpu");
	ck_assert_str_eq(f.workers[0].queues[1], "celery");
	ck_assert_str_eq(f.workers[1].node, "celery@46b9a1cf718a");
	ck_assert_int_eq(f.workers[1].verdict, VERDICT_UNTAGGED);
	ck_assert(worker_consumes(&f.workers[1], "gpu"));
	ck_assert(!worker_consumes(&f.workers[1], "celery"));
	ck_assert(worker_consumes_any(&f.workers[1], gpu, 1));
	ck_assert(!worker_consumes_any(&f.workers[1], celery, 1));
	ck_assert(!worker_consumes_any(&f.workers[0], none, 1));
	ck_assert(worker_consumes_any(&f.workers[0], NULL, 0));
	ck_assert_ptr_null(f.workers[0].problem);
	fleet_free(&f);
}
END_TEST

/* The tagged worker's reply in every capture: Celery's own inspect, the plugin's broadcast, and kombu 5.4+'s
 * utf-8 body encoding. */
START_TEST(replies_of_every_celery_version)
{
	static const char *const files[] = {
	    "celery-5.2.6/reply-active_queues-tagged.json",
	    "celery-5.5.3/reply-active_queues-tagged.json",
	    "celery-5.5.3/plugin-reply-active_queues-tagged.json",
	    "celery-5.6.3/reply-active_queues-tagged.json",
	    "celery-5.6.3/plugin-reply-active_queues-tagged.json",
	    "celery-5.6.3/utf8-body-plugin-reply-active_queues-tagged.json",
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct fleet f = {0};
		add_vector(&f, files[i]);
		judge(&f);
		ck_assert_uint_eq(f.n, 1);
		ck_assert_str_eq(f.workers[0].node, "celery-v0.12.0@hostA");
		ck_assert_int_eq(f.workers[0].verdict, VERDICT_COMPATIBLE);
		ck_assert_uint_eq(f.workers[0].nqueues, 2);
		ck_assert_str_eq(f.workers[0].queues[0], "gpu");
		ck_assert_str_eq(f.workers[0].queues[1], "celery");
		fleet_free(&f);
	}
}
END_TEST

START_TEST(odd_results)
{
	struct fleet f = {0};
	struct inspect_event unreadable = {INSPECT_UNREADABLE, NULL, NULL, "application/x-python-serialize"};
	struct inspect_event ignored = {INSPECT_IGNORED, NULL, NULL, "not JSON"};
	struct strbuf sb = STRBUF_INIT;
	struct error err;

	add_result(&f, "a-v0.12.0@h", "{\"error\": \"No handler\"}");
	add_result(&f, "b-v0.12.0@h", "\"a string\"");
	add_result(&f, "c-v0.12.0@h",
	           "[{\"no_name\": 1}, {\"name\": 5}, {\"name\": \"\"}, 7, {\"name\": \"q\"}]");
	add_result(&f, "a-v0.12.0@h", "[]");
	ck_assert_int_eq(fleet_add_event(&f, &unreadable, &err), 0);
	ck_assert_int_eq(fleet_add_event(&f, &ignored, &err), 0);
	fleet_sort(&f);
	judge(&f);
	ck_assert_uint_eq(f.n, 4);
	ck_assert_int_eq(f.duplicates, 1);
	ck_assert_str_eq(f.workers[0].problem, "worker error: No handler");
	ck_assert(!f.workers[0].queues_known);
	ck_assert_str_eq(f.workers[1].problem, "active_queues result is not a list");
	ck_assert_uint_eq(f.workers[2].nqueues, 1);
	ck_assert_str_eq(f.workers[2].queues[0], "q");
	ck_assert_str_eq(f.workers[2].problem, "a queue without a name");
	/* the unreadable reply sorts last, has no name and is incompatible */
	ck_assert_ptr_null(f.workers[3].node);
	ck_assert_int_eq(f.workers[3].verdict, VERDICT_UNREADABLE);
	ck_assert_uint_eq(f.nnotes, 2);
	worker_describe_incompatible(&sb, &f.workers[3]);
	ck_assert_str_eq(strbuf_str(&sb),
	                 "a worker (reply in unreadable format application/x-python-serialize)");
	strbuf_free(&sb);
	fleet_free(&f);
}
END_TEST

START_TEST(hostile_names_are_cleaned_in_text)
{
	struct fleet f = {0};
	struct strbuf sb = STRBUF_INIT;

	add_result(&f, "evil|name\n-v1@h", "[]");
	judge(&f);
	worker_describe_incompatible(&sb, &f.workers[0]);
	ck_assert_str_eq(strbuf_str(&sb), "evil\\x7cname\\x0a-v1@h (version 1)");
	strbuf_free(&sb);
	fleet_free(&f);
}
END_TEST

START_TEST(notes_are_bounded)
{
	struct fleet f = {0};
	struct inspect_event ignored = {INSPECT_IGNORED, NULL, NULL, "junk"};
	struct error err;

	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(fleet_add_event(&f, &ignored, &err), 0);
	ck_assert_uint_eq(f.nnotes, FLEET_MAX_NOTES);
	fleet_free(&f);
}
END_TEST

static int by_node_descending(const void *a, const void *b)
{
	return -strcmp(((const struct worker *)a)->node, ((const struct worker *)b)->node);
}

/* Every name stays found at a worker of that name through the map's growth and after sorts that move every
 * worker. */
static void expect_every_name_found(const struct fleet *f)
{
	for (size_t i = 0; i < f->n; i++) {
		size_t at;
		ck_assert(fleet_has(f, f->workers[i].node));
		ck_assert_int_eq(name_map_get(&f->by_node, f->workers[i].node, &at), 1);
		ck_assert_str_eq(f->workers[at].node, f->workers[i].node); /* i itself, or its namesake */
	}
}

START_TEST(names_are_found_through_growth_and_sorts)
{
	struct fleet f = {0};
	struct error err;
	char node[64];

	for (int i = 300; i > 0; i--) { /* added out of order: the sort moves them all */
		snprintf(node, sizeof(node), "celery-%03d-v0.12.0@host", i);
		ck_assert_ptr_nonnull(fleet_add_named(&f, node, &err));
	}
	ck_assert_ptr_nonnull(fleet_add_named(&f, "celery-001-v0.12.0@host", &err)); /* a name again */
	expect_every_name_found(&f);
	fleet_sort(&f);
	ck_assert_str_eq(f.workers[0].node, "celery-001-v0.12.0@host");
	expect_every_name_found(&f);
	fleet_sort_by(&f, by_node_descending);
	ck_assert_str_eq(f.workers[0].node, "celery-300-v0.12.0@host");
	expect_every_name_found(&f);
	ck_assert(!fleet_has(&f, "celery-301-v0.12.0@host"));
	ck_assert(!fleet_has(&f, "celery-01-v0.12.0@host"));
	fleet_free(&f);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("fleet");
	TCase *tc = tcase_create("fleet");

	tcase_add_test(tc, captured_replies);
	tcase_add_test(tc, replies_of_every_celery_version);
	tcase_add_test(tc, odd_results);
	tcase_add_test(tc, hostile_names_are_cleaned_in_text);
	tcase_add_test(tc, notes_are_bounded);
	tcase_add_test(tc, names_are_found_through_growth_and_sorts);
	suite_add_tcase(s, tc);
	return s;
}
