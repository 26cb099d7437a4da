/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_fleet: turning captured active_queues replies (and bad ones) into judged workers, without Redis. */
#include "unit.h"

#include "captured_reply.h"

#include "fleet.h"
#include "fleet_format.h"
#include "kombu.h"
#include "queue_health.h"

#include <stdio.h>
#include <stdlib.h>
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

static int add_to_fleet(void *f, const struct inspect_event *ev, struct error *err)
{
	return fleet_add_event(f, ev, err);
}

/* Decodes a captured reply and adds it to the fleet as fleet_collect would. */
static void add_vector(struct fleet *f, const char *name)
{
	captured_reply_add(name, add_to_fleet, f);
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

/* A warning and a critical range from the option texts ("" for none). */
static struct thresholds thresholds(const char *warn, const char *crit)
{
	struct thresholds t = {0};
	struct error err;

	t.has_warn = *warn && range_parse(warn, &t.warn, &err) == 0;
	t.has_crit = *crit && range_parse(crit, &t.crit, &err) == 0;
	return t;
}

/* Three workers: a current one consuming gpu twice and celery, an untagged one on gpu, an old one on
 * reports. */
static void queue_fleet(struct fleet *f)
{
	memset(f, 0, sizeof(*f));
	add_result(f, "celery-v0.12.0@a",
	           "[{\"name\": \"gpu\"}, {\"name\": \"gpu\"}, {\"name\": \"celery\"}]");
	add_result(f, "celery@b", "[{\"name\": \"gpu\"}]");
	add_result(f, "celery-v0.11.2@c", "[{\"name\": \"reports\"}]");
	fleet_sort(f);
	judge(f);
}

START_TEST(queues_are_judged_once_for_both_plugins)
{
	struct fleet f;
	struct thresholds compatible = thresholds("", "1:"), incompatible = thresholds("0", ""),
	                  backlog = thresholds("10", "100");
	struct queue_rules rules = {&compatible, &incompatible, &backlog, 0};
	struct queue *qs;
	size_t n;
	struct error err;

	queue_fleet(&f);
	/* every queue a worker consumes, once, in the order the sorted workers name them */
	ck_assert_int_eq(queue_judge_consumed(&f, &rules, NULL, 0, &qs, &n, &err), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(qs[0].name, "reports");       /* celery-v0.11.2@c sorts first */
	ck_assert_int_eq(qs[0].state, STATE_CRITICAL); /* no compatible consumer */
	ck_assert_int_eq(qs[0].backlog, -1);
	ck_assert(!qs[0].starved);
	ck_assert_str_eq(qs[1].name, "gpu");
	ck_assert_int_eq(qs[1].compatible, 1);   /* listed twice, counted once */
	ck_assert_int_eq(qs[1].incompatible, 1); /* the untagged worker */
	ck_assert_int_eq(qs[1].state, STATE_WARNING);
	ck_assert_str_eq(qs[2].name, "celery");
	ck_assert_int_eq(qs[2].state, STATE_OK);
	free(qs);
	/* or the queues given, in their order */
	char *given[2] = {"celery", "nowhere"};
	ck_assert_int_eq(queue_judge_consumed(&f, &rules, given, 2, &qs, &n, &err), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(qs[1].name, "nowhere");
	ck_assert_int_eq(qs[1].state, STATE_CRITICAL);
	free(qs);

	/* the queue plugin's view: backlogs read, a worker not heard, a key the broker cannot count */
	struct queue q[4] = {{.name = "reports", .backlog = 3},
	                     {.name = "celery", .backlog = 50},
	                     {.name = "gpu", .backlog = 0, .unreadable = "WRONGTYPE"},
	                     {.name = "idle", .backlog = 0}};
	ck_assert_int_eq(queue_count_consumers(&f, q, 4, &err), 0);
	for (int i = 0; i < 4; i++)
		queue_judge(&rules, 0, &q[i]);
	ck_assert(q[0].starved);
	ck_assert_int_eq(q[0].state, STATE_CRITICAL);
	ck_assert_int_eq(q[1].state, STATE_WARNING); /* 50 waiting */
	ck_assert_int_eq(q[2].state, STATE_WARNING); /* its untagged consumer's WARNING stands */
	struct queue alone = {.name = "celery", .backlog = -1, .unreadable = "WRONGTYPE", .compatible = 1};
	queue_judge(&rules, 0, &alone);
	ck_assert_int_eq(alone.state, STATE_UNKNOWN); /* nothing else found: UNKNOWN for itself */
	ck_assert_int_eq(q[3].state, STATE_CRITICAL);
	queue_judge(&rules, 1, &q[3]); /* a worker not heard from may consume it */
	ck_assert_int_eq(q[3].state, STATE_OK);
	rules.backlog_only = 1; /* listening only: the backlog alone */
	queue_judge(&rules, 0, &q[0]);
	ck_assert_int_eq(q[0].state, STATE_OK);
	fleet_free(&f);
}
END_TEST

/* RabbitMQ counts a queue's consumers itself: those no answering worker accounts for are hidden, a
 * WARNING; workers not heard from may be them; Redis cannot count, and hides nothing. */
START_TEST(hidden_consumers)
{
	struct thresholds compatible = thresholds("", "1:"), incompatible = thresholds("0", ""),
	                  backlog = thresholds("", "");
	struct queue_rules rules = {&compatible, &incompatible, &backlog, 0};
	struct queue q = {.name = "gpu", .backlog = 0, .compatible = 1, .consumers_known = 1, .consumers = 3};
	struct queue redis = {.name = "gpu", .backlog = 0, .compatible = 1, .consumers = 3};
	struct queue fewer = {
	    .name = "gpu", .backlog = 0, .compatible = 2, .consumers_known = 1, .consumers = 1};
	json_object *doc;

	queue_judge(&rules, 0, &q);
	ck_assert_int_eq(q.hidden, 2);
	ck_assert_int_eq(q.state, STATE_WARNING);
	queue_judge(&rules, 2, &q);
	ck_assert_int_eq(q.hidden, 0);
	ck_assert_int_eq(q.state, STATE_OK);
	queue_judge(&rules, 0, &redis);
	ck_assert_int_eq(redis.hidden, 0);
	ck_assert_int_eq(redis.state, STATE_OK);
	queue_judge(&rules, 0, &fewer); /* a consumer gone since it answered: nothing hidden */
	ck_assert_int_eq(fewer.hidden, 0);
	ck_assert_int_eq(fewer.state, STATE_OK);
	queue_judge(&rules, 0, &q);
	doc = queue_health_json(&q, 1);
	ck_assert_str_eq(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN),
	                 "{\"gpu\":{\"healthy\":false,\"state\":\"WARNING\",\"compatible_workers\":1,"
	                 "\"incompatible_workers\":0,\"backlog\":0,\"starved\":false,\"consumers\":3,"
	                 "\"hidden_consumers\":2}}");
	json_object_put(doc);
}
END_TEST

START_TEST(queue_health_json_says_what_was_judged)
{
	struct queue q[2] = {
	    {.name = "gpu", .compatible = 1, .backlog = 4, .state = STATE_OK},
	    {.name = "io", .backlog = -1, .unreadable = "WRONGTYPE", .state = STATE_UNKNOWN}};
	json_object *doc = queue_health_json(q, 2);

	ck_assert_str_eq(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN),
	                 "{\"gpu\":{\"healthy\":true,\"state\":\"OK\",\"compatible_workers\":1,"
	                 "\"incompatible_workers\":0,\"backlog\":4,\"starved\":false},"
	                 "\"io\":{\"healthy\":false,\"state\":\"UNKNOWN\",\"compatible_workers\":0,"
	                 "\"incompatible_workers\":0,\"backlog\":null,\"starved\":false,"
	                 "\"backlog_error\":\"WRONGTYPE\"}}");
	json_object_put(doc);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("fleet");
	TCase *tc = tcase_create("fleet");

	tcase_add_test(tc, captured_replies);
	tcase_add_test(tc, hidden_consumers);
	tcase_add_test(tc, replies_of_every_celery_version);
	tcase_add_test(tc, odd_results);
	tcase_add_test(tc, hostile_names_are_cleaned_in_text);
	tcase_add_test(tc, notes_are_bounded);
	tcase_add_test(tc, names_are_found_through_growth_and_sorts);
	tcase_add_test(tc, queues_are_judged_once_for_both_plugins);
	tcase_add_test(tc, queue_health_json_says_what_was_judged);
	suite_add_tcase(s, tc);
	return s;
}
