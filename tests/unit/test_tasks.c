/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_tasks: captured reserved and active replies (Celery 5.2.6, a worker running sleep(40) with four
 * prefetched) and malformed ones turned into tasks; names, limits, running times, clocks and the words. */
#include "unit.h"

#include "captured_reply.h"

#include "fleet.h"
#include "kombu.h"
#include "task_format.h"
#include "task_rules.h"
#include "task_tally.h"
#include "tasks.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STALE  "celery@stale"
#define TAGGED "celery-v0.12.0@hostA"

/* Hands a captured reply to tasks_add_event as a broadcast would. */
static void add_vector(struct task_list *l, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "celery-5.2.6/%s", name);
	captured_reply_add(path, tasks_add_event, l);
}

/* A reply of node whose result is the given JSON text. */
static int add_result(struct task_list *l, const char *node, const char *result_json)
{
	struct json_span result;
	struct inspect_event ev = {INSPECT_REPLY, node, &result, NULL};
	struct error err;

	ck_assert_int_eq(json_scan(result_json, strlen(result_json), 64, 0, &result, &err), 0);
	return tasks_add_event(l, &ev, &err);
}

/* A fleet of the named workers, judged by -e 0.12.0. */
static void fleet_of(struct fleet *f, const char *const *nodes, size_t n)
{
	struct version_policy policy;
	struct error err;

	memset(f, 0, sizeof(*f));
	memset(&policy, 0, sizeof(policy));
	for (size_t i = 0; i < n; i++)
		ck_assert_ptr_nonnull(fleet_add_named(f, nodes[i], &err));
	fleet_sort(f);
	ck_assert_int_eq(version_policy_expect(&policy, "0.12.0", &err), 0);
	ck_assert_int_eq(fleet_judge(f, &policy, &err), 0);
	version_policy_free(&policy);
}

static void captured(struct task_list *l)
{
	memset(l, 0, sizeof(*l));
	tasks_expect(l, TASKS_RESERVED);
	add_vector(l, "reply-reserved-untagged.json");
	add_vector(l, "reply-reserved-tagged.json");
	tasks_expect(l, TASKS_ACTIVE);
	add_vector(l, "reply-active-untagged.json");
	add_vector(l, "reply-active-tagged.json");
	tasks_sort(l);
}

START_TEST(captured_replies_give_every_task_once)
{
	struct task_list l;
	long long active = 0, reserved = 0;

	captured(&l);
	ck_assert_uint_eq(l.n, 10);
	for (size_t i = 0; i < l.n; i++) {
		ck_assert_str_eq(l.t[i].name, "celery_test_app.sleep");
		ck_assert_uint_eq(strlen(l.t[i].id), 36);
		if (l.t[i].active) {
			active++;
			ck_assert(l.t[i].started > 1.7e9);
		} else {
			reserved++;
			ck_assert(l.t[i].started == 0); /* None in a reserved task */
		}
	}
	ck_assert_int_eq(active, 2);
	ck_assert_int_eq(reserved, 8);
	ck_assert_int_eq(tasks_node(&l, STALE)->answered, TASKS_RESERVED | TASKS_ACTIVE);
	ck_assert_int_eq(tasks_node(&l, TAGGED)->answered, TASKS_RESERVED | TASKS_ACTIVE);
	ck_assert_ptr_null(tasks_node(&l, "celery@other"));
	ck_assert_int_eq(l.malformed, 0);
	/* sorted: a worker's tasks together, the running one first */
	ck_assert_str_eq(l.t[0].node, TAGGED);
	ck_assert(l.t[0].active);
	ck_assert(!l.t[1].active);
	tasks_free(&l);
}
END_TEST

START_TEST(a_task_started_between_the_broadcasts_is_held_once_running)
{
	struct task_list l;

	memset(&l, 0, sizeof(l));
	tasks_expect(&l, TASKS_RESERVED);
	ck_assert_int_eq(
	    add_result(&l, STALE,
	               "[{\"id\": \"t1\", \"name\": \"a\", \"time_start\": null}, {\"id\": \"t2\", "
	               "\"name\": \"a\", \"time_start\": null}]"),
	    0);
	tasks_expect(&l, TASKS_ACTIVE);
	ck_assert_int_eq(
	    add_result(&l, STALE, "[{\"id\": \"t1\", \"name\": \"a\", \"time_start\": 1700000000.5}]"), 0);
	tasks_sort(&l);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.t[0].id, "t1");
	ck_assert(l.t[0].active);
	ck_assert(l.t[0].started == 1700000000.5);
	ck_assert(!l.t[1].active);
	tasks_free(&l);
}
END_TEST

START_TEST(malformed_replies_never_count_and_never_crash)
{
	static const char *const bad_tasks[] = {
	    "[1, \"x\", null, [], true]",
	    "[{\"name\": \"a\"}]",
	    "[{\"id\": \"t\"}]",
	    "[{\"id\": 5, \"name\": \"a\"}]",
	    "[{\"id\": \"\", \"name\": \"a\"}]",
	    "[{\"id\": \"t\", \"name\": {}}]",
	    "[{\"id\": \"t\", \"name\": \"\"}]",
	    "[{\"id\": \"\\u0000a\", \"name\": \"n\"}]",
	    "[{\"id\": \"t\", \"name\": \"a\\u0000\"}]",
	};
	struct task_list l;

	memset(&l, 0, sizeof(l));
	tasks_expect(&l, TASKS_ACTIVE);
	for (size_t i = 0; i < sizeof(bad_tasks) / sizeof(bad_tasks[0]); i++) {
		char node[32];
		snprintf(node, sizeof(node), "w%zu@h", i);
		ck_assert_int_eq(add_result(&l, node, bad_tasks[i]), 0);
		ck_assert(tasks_node(&l, node)->answered & TASKS_ACTIVE); /* it answered: no task is a fact */
	}
	ck_assert_uint_eq(l.n, 0);
	ck_assert_int_eq(l.malformed, 13);
	/* a reply that is no list: the worker's problem, its tasks not known */
	ck_assert_int_eq(add_result(&l, "e@h", "{\"error\": \"No such command\"}"), 0);
	ck_assert_int_eq(tasks_node(&l, "e@h")->answered, 0);
	ck_assert_str_eq(tasks_node(&l, "e@h")->problem, "active: worker error: No such command");
	ck_assert_int_eq(add_result(&l, "s@h", "\"nonsense\""), 0);
	ck_assert_str_eq(tasks_node(&l, "s@h")->problem, "active: the reply is not a list of tasks");
	/* start times that are no time are not known, never a running time */
	ck_assert_int_eq(add_result(&l, "t@h",
	                            "[{\"id\": \"a\", \"name\": \"n\", \"time_start\": \"1700000000\"},"
	                            "{\"id\": \"b\", \"name\": \"n\", \"time_start\": -5},"
	                            "{\"id\": \"c\", \"name\": \"n\", \"time_start\": 1e999},"
	                            "{\"id\": \"d\", \"name\": \"n\", \"time_start\": NaN},"
	                            "{\"id\": \"e\", \"name\": \"n\", \"time_start\": "
	                            "1234567890123456789012345678901234567890}]"),
	                 0);
	ck_assert_uint_eq(l.n, 5);
	for (size_t i = 0; i < l.n; i++)
		ck_assert(l.t[i].started == 0);
	/* a second reply under one node name, an id two workers hold, messages that are no reply */
	ck_assert_int_eq(add_result(&l, "t@h", "[{\"id\": \"z\", \"name\": \"n\"}]"), 0);
	ck_assert_uint_eq(l.n, 5);
	ck_assert_int_eq(add_result(&l, "u@h", "[{\"id\": \"a\", \"name\": \"n\"}]"), 0);
	ck_assert_uint_eq(l.n, 6); /* held by two workers: each copy counts for its worker */
	ck_assert_int_eq(l.twice, 1);
	{
		struct inspect_event ev = {INSPECT_IGNORED, NULL, NULL, "not our ticket"};
		struct error err;
		ck_assert_int_eq(tasks_add_event(&l, &ev, &err), 0);
		ev.kind = INSPECT_UNREADABLE;
		ev.detail = "pickle";
		ck_assert_int_eq(tasks_add_event(&l, &ev, &err), 0);
	}
	ck_assert_int_eq(l.ignored, 3);
	ck_assert_uint_eq(l.nnotes, 3);
	tasks_free(&l);
}
END_TEST

START_TEST(arguments_are_never_kept)
{
	struct task_list l;
	struct fleet f;
	const char *nodes[] = {STALE};
	struct task_judging j = {&f, NULL, NULL, 0, NULL, 0, NULL, 0, NULL, 1700000100};
	struct thresholds none = {0};
	struct strbuf sb = STRBUF_INIT;
	json_object *doc;

	j.runtime = &none;
	fleet_of(&f, nodes, 1);
	memset(&l, 0, sizeof(l));
	tasks_expect(&l, TASKS_ACTIVE);
	ck_assert_int_eq(add_result(&l, STALE,
	                            "[{\"id\": \"t1\", \"name\": \"app.mail\", \"args\": [\"SECRET-1\"], "
	                            "\"kwargs\": {\"password\": \"SECRET-2\"}, \"argsrepr\": \"SECRET-3\", "
	                            "\"kwargsrepr\": \"SECRET-4\", \"time_start\": 1700000000}]"),
	                 0);
	tasks_sort(&l);
	describe_tasks(&sb, &j, &l);
	describe_held(&sb, &j, &l, STALE);
	doc = tasks_json(&j, &l);
	ck_assert_ptr_null(strstr(strbuf_str(&sb), "SECRET"));
	ck_assert_ptr_null(strstr(json_object_to_json_string(doc), "SECRET"));
	ck_assert_msg(strstr(strbuf_str(&sb), "running app.mail id t1 for 100 s") != NULL, "%s",
	              strbuf_str(&sb));
	json_object_put(doc);
	strbuf_free(&sb);
	tasks_free(&l);
	fleet_free(&f);
}
END_TEST

START_TEST(runtime_rules_parse_and_match)
{
	static const char *const bad[] = {
	    "report",
	    "=1:2",
	    "report=",
	    "report=5",
	    "report=:",
	    "report=a:1",
	    "report=1:b",
	    "report=-1:",
	    "report=@1:2",
	    "report=1:2:3",
	    "report=99999999999999999999999999999999:1",
	};
	struct task_rule rules[2];
	struct thresholds fallback = {0};
	struct error err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(task_rule_parse(bad[i], &rules[0], &err) < 0, "%s", bad[i]);
		ck_assert_int_eq(err.kind, ERROR_USAGE);
		ck_assert_ptr_nonnull(strstr(err.msg, "--task-runtime"));
	}
	ck_assert_int_eq(task_rule_parse("app.tasks.report*=3600:7200", &rules[0], &err), 0);
	ck_assert_str_eq(rules[0].glob, "app.tasks.report*");
	ck_assert_int_eq(thresholds_state(&rules[0].limit, 3600), STATE_OK);
	ck_assert_int_eq(thresholds_state(&rules[0].limit, 3601), STATE_WARNING);
	ck_assert_int_eq(thresholds_state(&rules[0].limit, 7201), STATE_CRITICAL);
	ck_assert_int_eq(task_rule_parse("app.*=:30", &rules[1], &err), 0);
	ck_assert(!rules[1].limit.has_warn && rules[1].limit.has_crit);
	ck_assert_ptr_eq(task_rule_for(rules, 2, "app.tasks.report_daily", &fallback), &rules[0].limit);
	ck_assert_ptr_eq(task_rule_for(rules, 2, "app.thumb", &fallback), &rules[1].limit);
	ck_assert_ptr_eq(task_rule_for(rules, 2, "other.thumb", &fallback), &fallback);
	{
		char *globs[] = {"app.*", "x?"};
		ck_assert(task_judged(globs, 2, "app.thumb"));
		ck_assert(task_judged(globs, 2, "xy"));
		ck_assert(!task_judged(globs, 2, "xyz"));
		ck_assert(task_judged(globs, 0, "anything"));
	}
	task_rule_free(&rules[0]);
	task_rule_free(&rules[1]);
}
END_TEST

/* Two workers: the stale one runs t1 (100 s) and holds t2; the compatible one runs t3 (10 s). */
static void two_workers(struct task_list *l, struct fleet *f)
{
	const char *nodes[] = {STALE, TAGGED};

	fleet_of(f, nodes, 2);
	memset(l, 0, sizeof(*l));
	tasks_expect(l, TASKS_RESERVED);
	add_result(l, STALE, "[{\"id\": \"t2\", \"name\": \"app.b\", \"time_start\": null}]");
	add_result(l, TAGGED, "[]");
	tasks_expect(l, TASKS_ACTIVE);
	add_result(l, STALE, "[{\"id\": \"t1\", \"name\": \"app.a\", \"time_start\": 1700000000}]");
	add_result(l, TAGGED, "[{\"id\": \"t3\", \"name\": \"app.b\", \"time_start\": 1700000090}]");
	tasks_sort(l);
}

START_TEST(tally_counts_stale_tasks_and_judges_running_times)
{
	struct task_list l;
	struct fleet f;
	struct thresholds runtime = {0};
	struct task_judging j = {&f, NULL, NULL, 0, NULL, 0, NULL, 0, &runtime, 1700000100};
	struct task_tally t;
	struct error err;
	struct strbuf sb = STRBUF_INIT;

	two_workers(&l, &f);
	task_tally(&j, &l, &t);
	ck_assert_int_eq(t.workers, 2);
	ck_assert_int_eq(t.unknown, 0);
	ck_assert_int_eq(t.active, 2);
	ck_assert_int_eq(t.reserved, 1);
	ck_assert_int_eq(t.stale_active, 1);
	ck_assert_int_eq(t.stale_reserved, 1);
	ck_assert_int_eq(t.runtime_state, STATE_OK);
	ck_assert_str_eq(t.longest->id, "t1");
	ck_assert(t.longest_runtime == 100);
	ck_assert_int_eq(describe_held(&sb, &j, &l, STALE), 2);
	ck_assert_str_eq(strbuf_str(&sb), "1 active app.a, 1 reserved app.b");
	strbuf_free(&sb);

	/* a warning from 50 s: t1 alerts; the worst state's longest task is named */
	ck_assert_int_eq(range_parse("50", &runtime.warn, &err), 0);
	runtime.has_warn = 1;
	task_tally(&j, &l, &t);
	ck_assert_int_eq(t.runtime_state, STATE_WARNING);
	ck_assert_int_eq(t.over, 1);
	ck_assert_str_eq(t.longest->id, "t1");

	/* --task 'app.b': only t2 and t3 are judged; t3 ran 10 s */
	{
		char *globs[] = {"app.b"};
		j.globs = globs;
		j.nglobs = 1;
		task_tally(&j, &l, &t);
		ck_assert_int_eq(t.active, 1);
		ck_assert_int_eq(t.stale_active, 0);
		ck_assert_int_eq(t.stale_reserved, 1);
		ck_assert_int_eq(t.runtime_state, STATE_OK);
		ck_assert_str_eq(t.longest->id, "t3");
		j.nglobs = 0;
	}

	/* a per-task rule: app.b may run 5 s, so t3 is CRITICAL, worse than t1's WARNING */
	{
		struct task_rule rule;
		ck_assert_int_eq(task_rule_parse("app.b=:5", &rule, &err), 0);
		j.rules = &rule;
		j.nrules = 1;
		task_tally(&j, &l, &t);
		ck_assert_int_eq(t.runtime_state, STATE_CRITICAL);
		ck_assert_str_eq(t.longest->id, "t3");
		ck_assert_int_eq(t.over, 2);
		task_rule_free(&rule);
		j.nrules = 0;
	}

	/* -Q: a queue no worker is known to consume... the fleet's workers have no queue list: counted */
	{
		char *queues[] = {"gpu"};
		j.queues = queues;
		j.nqueues = 1;
		task_tally(&j, &l, &t);
		ck_assert_int_eq(t.workers, 2);
		j.nqueues = 0;
	}
	tasks_free(&l);
	fleet_free(&f);
}
END_TEST

START_TEST(a_worker_that_did_not_answer_both_is_unknown)
{
	struct task_list l;
	struct fleet f;
	const char *nodes[] = {STALE, TAGGED, "celery-v0.12.0@silent"};
	struct thresholds runtime = {0};
	struct task_judging j = {&f, NULL, NULL, 0, NULL, 0, NULL, 0, &runtime, 1700000100};
	struct task_tally t;

	fleet_of(&f, nodes, 3);
	memset(&l, 0, sizeof(l));
	tasks_expect(&l, TASKS_RESERVED);
	add_result(&l, STALE, "[]");
	add_result(&l, TAGGED, "[]");
	tasks_expect(&l, TASKS_ACTIVE);
	add_result(&l, TAGGED, "[]");
	tasks_sort(&l);
	task_tally(&j, &l, &t);
	ck_assert_int_eq(t.workers, 1);
	ck_assert_int_eq(t.unknown, 2);
	ck_assert_ptr_null(t.longest);
	tasks_free(&l);
	fleet_free(&f);
}
END_TEST

START_TEST(clocks_ahead_are_told_and_heartbeats_correct_them)
{
	struct task_list l;
	struct fleet f;
	struct thresholds runtime = {0};
	struct task_judging j = {&f, NULL, NULL, 0, NULL, 0, NULL, 0, &runtime, 1700000100};
	struct task_tally t;
	struct heard h;
	struct heard_worker *hw;
	struct error err;
	const char *nodes[] = {STALE};

	/* the worker's clock is an hour ahead: its task started 10 s ago by its clock */
	fleet_of(&f, nodes, 1);
	memset(&l, 0, sizeof(l));
	tasks_expect(&l, TASKS_ACTIVE);
	add_result(&l, STALE, "[{\"id\": \"t1\", \"name\": \"app.a\", \"time_start\": 1700003690}]");
	ck_assert_int_eq(range_parse("5", &runtime.warn, &err), 0);
	runtime.has_warn = 1;
	task_tally(&j, &l, &t);
	ck_assert_int_eq(t.ahead, 1);
	ck_assert_int_eq(t.ahead_limited, 1); /* a limit was given: the plugin says UNKNOWN */
	ck_assert(t.most_ahead == 3590);
	ck_assert_ptr_null(t.longest);
	ck_assert_int_eq(t.runtime_state, STATE_OK); /* no false alarm */
	runtime.has_warn = 0;
	task_tally(&j, &l, &t);
	ck_assert_int_eq(t.ahead, 1);
	ck_assert_int_eq(t.ahead_limited, 0); /* no limit: nothing to hold its time to */
	runtime.has_warn = 1;

	/* its heartbeat said its clock is 3600 s ahead: the task has run 10 s, over the warning of 5 */
	memset(&h, 0, sizeof(h));
	hw = heard_slot(&h, STALE);
	hw->skew_known = 1;
	hw->skew = 3600;
	j.heard = &h;
	task_tally(&j, &l, &t);
	ck_assert_int_eq(t.ahead, 0);
	ck_assert_int_eq(t.corrected, 1);
	ck_assert(fabs(t.longest_runtime - 10) < 1e-6);
	ck_assert_int_eq(t.runtime_state, STATE_WARNING);

	/* a start a second ahead is within the slack: 0 s */
	hw->skew = 0;
	tasks_free(&l);
	memset(&l, 0, sizeof(l));
	tasks_expect(&l, TASKS_ACTIVE);
	add_result(&l, STALE, "[{\"id\": \"t1\", \"name\": \"app.a\", \"time_start\": 1700000101}]");
	task_tally(&j, &l, &t);
	ck_assert_int_eq(t.ahead, 0);
	ck_assert(t.longest_runtime == 0);
	heard_free(&h);
	tasks_free(&l);
	fleet_free(&f);
}
END_TEST

START_TEST(running_times_in_words)
{
	static const struct {
		double s;
		const char *words;
	} cases[] = {{0, "0 s"},
	             {31.4, "31 s"},
	             {119.6, "2 min 0 s"},
	             {725, "12 min 5 s"},
	             {7200, "2 h 0 min"},
	             {3 * 3600 + 120, "3 h 2 min"},
	             {172800 + 4 * 3600, "2 d 4 h"}};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf sb = STRBUF_INIT;
		describe_runtime(&sb, cases[i].s);
		ck_assert_str_eq(strbuf_str(&sb), cases[i].words);
		strbuf_free(&sb);
	}
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("tasks");
	TCase *tc = tcase_create("tasks");

	tcase_add_test(tc, captured_replies_give_every_task_once);
	tcase_add_test(tc, a_task_started_between_the_broadcasts_is_held_once_running);
	tcase_add_test(tc, malformed_replies_never_count_and_never_crash);
	tcase_add_test(tc, arguments_are_never_kept);
	tcase_add_test(tc, runtime_rules_parse_and_match);
	tcase_add_test(tc, tally_counts_stale_tasks_and_judges_running_times);
	tcase_add_test(tc, a_worker_that_did_not_answer_both_is_unknown);
	tcase_add_test(tc, clocks_ahead_are_told_and_heartbeats_correct_them);
	tcase_add_test(tc, running_times_in_words);
	suite_add_tcase(s, tc);
	return s;
}
