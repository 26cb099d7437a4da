/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_quarantine: what celery_quarantine_workers plans for a judged fleet (never a queue's last compatible
 * consumer, --max-workers, -Q, --worker, versions the policy cannot order, shutdown), its options and the
 * event handler's state gate, and the control command it sends, as Celery writes one. */
#include "unit.h"

#include "base64.h"
#include "kombu.h"
#include "option_sets.h"
#include "options.h"
#include "quarantine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A worker that answered active_queues with these queues (comma-separated), or with a result not a list. */
static void add(struct fleet *f, const char *node, const char *queues)
{
	char text[512] = "[";
	struct json_span result;
	struct inspect_event ev = {INSPECT_REPLY, node, &result, NULL};
	struct error err;

	if (queues == NULL) {
		strcpy(text, "{\"ok\": 1}");
	} else {
		for (const char *p = queues; *p;) {
			size_t n = strcspn(p, ",");
			snprintf(text + strlen(text), sizeof(text) - strlen(text),
			         "%s{\"name\": \"%.*s\", \"durable\": true}", strlen(text) > 1 ? ", " : "",
			         (int)n, p);
			p += n + (p[n] == ',');
		}
		strcat(text, "]");
	}
	ck_assert_int_eq(json_scan(text, strlen(text), 64, 0, &result, &err), 0);
	ck_assert_int_eq(fleet_add_event(f, &ev, &err), 0);
}

static struct quarantine_plan plan_for(struct fleet *f, const char *accept, struct quarantine_rules *r)
{
	struct version_policy policy = {0};
	struct quarantine_plan plan;
	struct error err;

	ck_assert_int_eq(version_policy_accept(&policy, accept, &err), 0);
	fleet_sort(f);
	ck_assert_int_eq(fleet_judge(f, &policy, &err), 0);
	ck_assert_int_eq(quarantine_plan(f, r, &plan, &err), 0);
	version_policy_free(&policy);
	return plan;
}

static void expect_step(const struct quarantine_plan *p, size_t i, const char *node, const char *queue,
                        enum step_decision d)
{
	ck_assert_uint_gt(p->n, i);
	ck_assert_str_eq(p->steps[i].worker->node, node);
	if (queue == NULL)
		ck_assert_ptr_null(p->steps[i].queue);
	else
		ck_assert_str_eq(p->steps[i].queue, queue);
	ck_assert_int_eq(p->steps[i].decision, d);
}

START_TEST(cancels_where_a_compatible_worker_stays)
{
	struct fleet f = {0};
	struct quarantine_rules r = {QUARANTINE_CANCEL_CONSUMER, NULL, 0, NULL, 0, 0, 5};
	struct quarantine_plan p;

	add(&f, "celery-v0.11.2@s", "gpu,legacy,celery");
	add(&f, "celery-v0.12.0@c", "gpu,celery");
	add(&f, "celery-v0.12.0@idle", "");
	p = plan_for(&f, "==0.12.0", &r);
	ck_assert_uint_eq(p.n, 3);
	expect_step(&p, 0, "celery-v0.11.2@s", "gpu", STEP_ACT);
	expect_step(&p, 1, "celery-v0.11.2@s", "legacy", STEP_LAST_CONSUMER);
	expect_step(&p, 2, "celery-v0.11.2@s", "celery", STEP_ACT);
	ck_assert_int_eq(p.workers_acted, 1);
	quarantine_plan_free(&p);
	r.allow_empty_queue = 1;
	p = plan_for(&f, "==0.12.0", &r);
	expect_step(&p, 1, "celery-v0.11.2@s", "legacy", STEP_ACT);
	quarantine_plan_free(&p);
	fleet_free(&f);
}
END_TEST

START_TEST(only_the_queues_and_workers_named)
{
	struct fleet f = {0};
	char *queues[] = {"legacy"}, *workers[] = {"celery-v0.11.2@b"};
	struct quarantine_rules r = {QUARANTINE_CANCEL_CONSUMER, queues, 1, NULL, 0, 0, 5};
	struct quarantine_plan p;

	add(&f, "celery-v0.11.2@a", "gpu,legacy");
	add(&f, "celery-v0.11.2@b", "gpu");
	add(&f, "celery-v0.12.0@c", "gpu,legacy");
	p = plan_for(&f, "==0.12.0", &r);
	ck_assert_uint_eq(p.n, 1);
	expect_step(&p, 0, "celery-v0.11.2@a", "legacy", STEP_ACT);
	quarantine_plan_free(&p);
	r.nqueues = 0;
	r.workers = workers;
	r.nworkers = 1;
	p = plan_for(&f, "==0.12.0", &r);
	ck_assert_uint_eq(p.n, 1);
	expect_step(&p, 0, "celery-v0.11.2@b", "gpu", STEP_ACT);
	quarantine_plan_free(&p);
	fleet_free(&f);
}
END_TEST

START_TEST(max_workers_in_name_order)
{
	struct fleet f = {0};
	struct quarantine_rules r = {QUARANTINE_CANCEL_CONSUMER, NULL, 0, NULL, 0, 0, 1};
	struct quarantine_plan p;

	add(&f, "celery-v0.11.2@c", "gpu");
	add(&f, "celery-v0.11.2@a", "gpu,legacy");
	add(&f, "celery-v0.11.2@b", "gpu");
	add(&f, "celery-v0.12.0@z", "gpu");
	p = plan_for(&f, "==0.12.0", &r);
	ck_assert_uint_eq(p.n, 4);
	expect_step(&p, 0, "celery-v0.11.2@a", "gpu", STEP_ACT);
	expect_step(&p, 1, "celery-v0.11.2@a", "legacy", STEP_LAST_CONSUMER);
	expect_step(&p, 2, "celery-v0.11.2@b", "gpu", STEP_MAX_WORKERS);
	expect_step(&p, 3, "celery-v0.11.2@c", "gpu", STEP_MAX_WORKERS);
	ck_assert_int_eq(p.workers_acted, 1);
	quarantine_plan_free(&p);
	fleet_free(&f);
}
END_TEST

/* A worker refused for its last consumer does not use up --max-workers. */
START_TEST(refused_workers_leave_room)
{
	struct fleet f = {0};
	struct quarantine_rules r = {QUARANTINE_CANCEL_CONSUMER, NULL, 0, NULL, 0, 0, 1};
	struct quarantine_plan p;

	add(&f, "celery-v0.11.2@a", "legacy");
	add(&f, "celery-v0.11.2@b", "gpu");
	add(&f, "celery-v0.12.0@z", "gpu");
	p = plan_for(&f, "==0.12.0", &r);
	expect_step(&p, 0, "celery-v0.11.2@a", "legacy", STEP_LAST_CONSUMER);
	expect_step(&p, 1, "celery-v0.11.2@b", "gpu", STEP_ACT);
	quarantine_plan_free(&p);
	fleet_free(&f);
}
END_TEST

START_TEST(shutdown_takes_every_queue)
{
	struct fleet f = {0};
	char *queues[] = {"gpu"};
	struct quarantine_rules r = {QUARANTINE_SHUTDOWN, queues, 1, NULL, 0, 0, 5};
	struct quarantine_plan p;

	add(&f, "celery-v0.11.2@a", "gpu,legacy");
	add(&f, "celery-v0.11.2@b", "gpu");
	add(&f, "celery-v0.11.2@other", "reports");
	add(&f, "celery-v0.12.0@z", "gpu");
	p = plan_for(&f, "==0.12.0", &r);
	ck_assert_uint_eq(p.n, 2); /* the worker on reports only is not one of -Q's */
	expect_step(&p, 0, "celery-v0.11.2@a", "legacy", STEP_LAST_CONSUMER);
	expect_step(&p, 1, "celery-v0.11.2@b", NULL, STEP_ACT);
	quarantine_plan_free(&p);
	r.allow_empty_queue = 1;
	p = plan_for(&f, "==0.12.0", &r);
	expect_step(&p, 0, "celery-v0.11.2@a", NULL, STEP_ACT);
	quarantine_plan_free(&p);
	fleet_free(&f);
}
END_TEST

START_TEST(what_cannot_be_judged_is_left_alone)
{
	struct fleet f = {0};
	struct quarantine_rules r = {QUARANTINE_CANCEL_CONSUMER, NULL, 0, NULL, 0, 0, 5};
	struct quarantine_plan p;

	add(&f, "celery-v0.12.0-deadbeef@a", "gpu"); /* a tag PEP 440 cannot order, against a range */
	add(&f, "celery-v0.11.2@b", NULL);           /* a reply with no queue list */
	add(&f, "celery-v0.12.1@c", "gpu");
	add(&f, "celery@untagged", "gpu");
	p = plan_for(&f, ">=0.12.0", &r);
	ck_assert_uint_eq(p.n, 3);
	expect_step(&p, 0, "celery-v0.11.2@b", NULL, STEP_QUEUES_UNKNOWN);
	expect_step(&p, 1, "celery-v0.12.0-deadbeef@a", NULL, STEP_UNORDERABLE);
	expect_step(&p, 2, "celery@untagged", "gpu", STEP_ACT);
	ck_assert_int_eq(p.workers_acted, 1);
	quarantine_plan_free(&p);
	fleet_free(&f);
}
END_TEST

static int parse(struct options *o, const struct option_set *set, struct error *err, const char *const *args)
{
	char *argv[32] = {"celery_quarantine_workers"};
	int argc = 1;

	while (*args != NULL && argc < 31)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	return options_parse(o, set, argc, argv, err);
}

/* Two replies under one node name: a command to it would reach both workers. */
START_TEST(shared_node_names_are_left_alone)
{
	struct fleet f = {0};
	struct quarantine_rules r = {QUARANTINE_SHUTDOWN, NULL, 0, NULL, 0, 1, 5};
	struct quarantine_plan p;

	add(&f, "celery-v0.11.2@twin", "gpu");
	add(&f, "celery-v0.11.2@twin", "legacy");
	add(&f, "celery-v0.12.0@c", "gpu");
	p = plan_for(&f, "==0.12.0", &r);
	ck_assert_uint_eq(p.n, 1);
	expect_step(&p, 0, "celery-v0.11.2@twin", NULL, STEP_SHARED_NAME);
	ck_assert_int_eq(p.workers_acted, 0);
	ck_assert_int_eq(p.incompatible, 1);
	quarantine_plan_free(&p);
	fleet_free(&f);
}
END_TEST

START_TEST(options_and_the_state_gate)
{
	static const struct {
		const char *state, *type, *act_on;
		int soft, triggered;
	} gate[] = {
	    {"OK", "SOFT", NULL, 0, 0},
	    {"CRITICAL", "SOFT", NULL, 0, 0},
	    {"CRITICAL", "HARD", NULL, 0, 1},
	    {"WARNING", "HARD", NULL, 0, 1},
	    {"UNKNOWN", "HARD", NULL, 0, 0},
	    {"OK", "HARD", NULL, 0, 0},
	    {"critical", "1", NULL, 0, 1},
	    {"2", "0", NULL, 1, 1},
	    {"WARNING", "HARD", "critical", 0, 0},
	    {"UNKNOWN", "HARD", "unknown,critical", 0, 1},
	};
	struct options o;
	struct error err;

	{
		const char *args[] = {"-e", "0.12.0", NULL};
		ck_assert_int_eq(parse(&o, &quarantine_options, &err, args), OPTIONS_RUN);
		ck_assert_int_eq(o.quarantine.execute, 0); /* a dry run unless told */
		ck_assert_int_eq(o.quarantine.max_workers, 5);
		ck_assert_int_eq(o.quarantine.action, QUARANTINE_CANCEL_CONSUMER);
		ck_assert(quarantine_triggered(&o.quarantine)); /* run by hand */
		ck_assert_str_eq(o.state_file, "");
		options_free(&o);
	}
	for (size_t i = 0; i < sizeof(gate) / sizeof(gate[0]); i++) {
		const char *args[] = {"-e",
		                      "1",
		                      "--state",
		                      gate[i].state,
		                      "--state-type",
		                      gate[i].type,
		                      gate[i].soft ? "--act-on-soft" : "--execute",
		                      gate[i].act_on ? "--act-on" : NULL,
		                      gate[i].act_on,
		                      NULL};
		ck_assert_int_eq(parse(&o, &quarantine_options, &err, args), OPTIONS_RUN);
		ck_assert_msg(quarantine_triggered(&o.quarantine) == gate[i].triggered, "%s %s",
		              gate[i].state, gate[i].type);
		options_free(&o);
	}
	{
		const char *args[] = {"-e",   "1",         "--action", "shutdown", "--max-workers",
		                      "1000", "--execute", NULL};
		ck_assert_int_eq(parse(&o, &quarantine_options, &err, args), OPTIONS_RUN);
		ck_assert_int_eq(o.quarantine.action, QUARANTINE_SHUTDOWN);
		ck_assert_int_eq(o.quarantine.max_workers, 1000);
		ck_assert_int_eq(o.quarantine.execute, 1);
		options_free(&o);
	}
}
END_TEST

START_TEST(bad_options)
{
	static const struct {
		const struct option_set *set;
		const char *args[6], *says;
	} bad[] = {
	    {&quarantine_options,
	     {"-e", "1", "--max-workers", "0"},
	     "--max-workers: '0' is not a whole number"},
	    {&quarantine_options, {"-e", "1", "--max-workers", "1.5"}, "--max-workers: '1.5'"},
	    {&quarantine_options, {"-e", "1", "--max-workers", "1001"}, "from 1 to 1000"},
	    {&quarantine_options,
	     {"-e", "1", "--action", "kill"},
	     "--action: 'kill' is not cancel-consumer or shutdown"},
	    {&quarantine_options, {"-e", "1", "--state", "BAD", "--state-type", "HARD"}, "--state: 'BAD'"},
	    {&quarantine_options,
	     {"-e", "1", "--state", "OK", "--state-type", "MEDIUM"},
	     "--state-type: 'MEDIUM'"},
	    {&quarantine_options,
	     {"-e", "1", "--state-type", "HARD"},
	     "--state and --state-type go together"},
	    {&quarantine_options, {"-e", "1", "--act-on", "ok,bad"}, "--act-on: 'ok,bad'"},
	    {&quarantine_options, {"-e", "1", "--act-on", ""}, "--act-on: ''"},
	    {&quarantine_options, {"-e", "1", "-c", "0"}, "-c is an option of the checks"},
	    {&quarantine_options, {"-e", "1", "--mode", "both"}, "--mode is an option of the checks"},
	    {&quarantine_options, {"-e", "1", "-v"}, "-v is an option of the checks"},
	    {&quarantine_options,
	     {"-e", "1", "--execute", "-t", "1.9"},
	     "--execute needs -t of at least 2 s"},
	    {&quarantine_options,
	     {"-e", "1", "--max-workers", "99999999999999999999"},
	     "--max-workers: '9999"},
	    {&quarantine_options,
	     {"--execute"},
	     "-e/--expected-version (or --accept, or --expected-version-file) is required"},
	    {&worker_versions_options,
	     {"-e", "1", "--execute"},
	     "--execute is an option of celery_quarantine_workers only"},
	    {&queue_health_options,
	     {"-e", "1", "--max-workers", "2"},
	     "--max-workers is an option of celery_quarantine_workers only"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct options o;
		struct error err = {ERROR_NONE, ""};
		ck_assert_int_eq(parse(&o, bad[i].set, &err, bad[i].args), -1);
		ck_assert_int_eq(err.kind, ERROR_USAGE);
		ck_assert_msg(strstr(err.msg, bad[i].says) != NULL, "%zu: '%s' lacks '%s'", i, err.msg,
		              bad[i].says);
		options_free(&o);
	}
}
END_TEST

/* The broadcast as kombu's Mailbox writes cancel_consumer for `celery control cancel_consumer gpu -d W`. */
START_TEST(cancel_consumer_as_celery_writes_it)
{
	char *const nodes[] = {"celery-v0.11.2@h"};
	const char *args[] = {"queue", "gpu \"x\""};
	struct control_request rq = {
	    "cancel_consumer", "celery", "t", "r", "d", 1.5, nodes, 1, args, 1, NULL};
	struct envelope env = ENVELOPE_INIT;
	struct error err;
	char *out = kombu_encode_control(&rq, &err);

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(kombu_envelope_decode(out, strlen(out), &env, &err), 0);
	ck_assert_str_eq(
	    (const char *)env.body,
	    "{\"method\": \"cancel_consumer\", \"arguments\": {\"queue\": \"gpu \\\"x\\\"\"}, "
	    "\"destination\": [\"celery-v0.11.2@h\"], \"pattern\": null, \"matcher\": null, "
	    "\"ticket\": \"t\", \"reply_to\": {\"exchange\": \"reply.celery.pidbox\", \"routing_key\": "
	    "\"r\"}}");
	kombu_envelope_free(&env);
	free(out);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("quarantine");
	TCase *tc = tcase_create("quarantine");

	tcase_add_test(tc, cancels_where_a_compatible_worker_stays);
	tcase_add_test(tc, only_the_queues_and_workers_named);
	tcase_add_test(tc, max_workers_in_name_order);
	tcase_add_test(tc, refused_workers_leave_room);
	tcase_add_test(tc, shutdown_takes_every_queue);
	tcase_add_test(tc, what_cannot_be_judged_is_left_alone);
	tcase_add_test(tc, shared_node_names_are_left_alone);
	tcase_add_test(tc, options_and_the_state_gate);
	tcase_add_test(tc, bad_options);
	tcase_add_test(tc, cancel_consumer_as_celery_writes_it);
	suite_add_tcase(s, tc);
	return s;
}
