/* SPDX-License-Identifier: GPL-3.0-or-later */
/* celery_quarantine_workers: an event handler that stops incompatible Celery workers from taking tasks:
 * Celery's cancel_consumer (or shutdown) sent to each stale worker alone, a dry run unless --execute, never
 * taking a queue's last compatible consumer, each action and refusal one line on stdout and on syslog. */
#include "cancel.h"
#include "config.h"
#include "fleet_format.h"
#include "options.h"
#include "probe.h"
#include "quarantine.h"
#include "quarantine_run.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#define NAME "celery_quarantine_workers"

struct audit {
	const struct options *o;
	struct strbuf lines; /* every audit line, for stdout after the summary */
	json_object *events; /* the same, for --json */
	char policy[256];    /* the policy in words */
};

/* One audit line: on syslog at once, and kept for stdout and --json. */
static void audit_line(struct audit *a, int priority, json_object *event, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void audit_line(struct audit *a, int priority, json_object *event, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	syslog(priority, "%s", line);
	strbuf_puts(&a->lines, line);
	strbuf_putc(&a->lines, '\n');
	if (event == NULL)
		event = json_object_new_object();
	json_object_object_add(event, "line", json_object_new_string(line));
	json_object_array_add(a->events, event);
}

static void print_help(void)
{
	printf("%s (%s %s)\n", NAME, PACKAGE_NAME, PACKAGE_VERSION);
	printf("Copyright (C) 2026 monitoring-plugins-celery developers. License GPL-3.0-or-later.\n\n");
	printf(
	    "An event handler, not a check: judges the Celery workers as check_celery_worker_versions does\n"
	    "and stops every incompatible one that answered from taking tasks, with Celery's own\n"
	    "cancel_consumer for each queue it consumes (or shutdown), sent to that worker alone. Without\n"
	    "--execute it is a dry run and changes nothing. It never takes the last compatible consumer\n"
	    "away from a queue (unless --allow-empty-queue), acts on at most --max-workers workers, acts\n"
	    "only on workers that answered this run, and refuses to act when the policy cannot be\n"
	    "resolved. Every action and refusal is one line on stdout and on syslog (LOG_DAEMON, tag\n"
	    "" NAME "). Exit status: 0 nothing to do, a dry run, or every action took effect (or the\n"
	    "service's state calls for none); 1 something refused or not confirmed; 2 could not act (the\n"
	    "broker, the time limit, a step that failed); 3 bad options or a policy that cannot be resolved.\n\n");
	printf("%s\n", options_usage(PLUGIN_QUARANTINE));
	printf("%s\n", options_help(PLUGIN_QUARANTINE));
	printf("Examples:\n"
	       " " NAME " -u redis://broker:6379/0 -e 0.12.0\n"
	       "   Dry run: prints what would be cancelled.\n"
	       " " NAME " -u redis://broker:6379/0 -e 0.12.0 -Q gpu --execute\n"
	       "   Cancels gpu on every worker that does not run 0.12.0, if a 0.12.0 worker consumes it.\n"
	       " " NAME " -e 0.12.0 --execute --state $SERVICESTATE$ --state-type $SERVICESTATETYPE$\n"
	       "   As a Nagios event handler: acts on a HARD WARNING or CRITICAL only.\n");
}

/* "celery-v0.11.2@h (version 0.11.2), policy 0.12.0" */
static void describe_worker(struct strbuf *sb, const struct audit *a, const struct worker *w)
{
	worker_describe_incompatible(sb, w);
	strbuf_printf(sb, ", policy %s", a->policy);
}

static json_object *step_json(const struct audit *a, const struct quarantine_step *s, const char *outcome)
{
	json_object *e = json_object_new_object();

	json_object_object_add(e, "worker", json_object_new_string(s->worker->node));
	json_object_object_add(
	    e, "version", s->worker->name.version ? json_object_new_string(s->worker->name.version) : NULL);
	json_object_object_add(e, "queue", s->queue ? json_object_new_string(s->queue) : NULL);
	json_object_object_add(e, "action",
	                       json_object_new_string(a->o->quarantine.action == QUARANTINE_SHUTDOWN
	                                                  ? "shutdown"
	                                                  : "cancel_consumer"));
	json_object_object_add(e, "policy", json_object_new_string(a->policy));
	json_object_object_add(e, "outcome", json_object_new_string(outcome));
	json_object_object_add(
	    e, "refused_because",
	    s->decision == STEP_ACT ? NULL : json_object_new_string(step_decision_words(s->decision)));
	json_object_object_add(e, "result",
	                       s->decision == STEP_ACT ? json_object_new_string(step_result_name(s->result))
	                                               : NULL);
	json_object_object_add(e, "detail", s->detail[0] ? json_object_new_string(s->detail) : NULL);
	return e;
}

/* One audit line for a step: what was (or would be) done, or why not, and what came of it. */
static void audit_step(struct audit *a, const struct quarantine_step *s, int executed)
{
	int shutdown = a->o->quarantine.action == QUARANTINE_SHUTDOWN;
	struct strbuf what = STRBUF_INIT;
	const char *outcome;
	int priority = LOG_NOTICE;

	if (shutdown) {
		strbuf_puts(&what, "shutdown of ");
	} else if (s->queue != NULL) {
		strbuf_puts(&what, "cancel_consumer ");
		strbuf_put_clean(&what, s->queue);
		strbuf_puts(&what, " on ");
	} else {
		strbuf_puts(&what, "cancel_consumer on ");
	}
	describe_worker(&what, a, s->worker);
	if (s->decision != STEP_ACT) {
		outcome = "refused";
		priority = LOG_WARNING;
		if (s->decision == STEP_LAST_CONSUMER && s->queue != NULL && shutdown) {
			strbuf_puts(&what, ": it consumes ");
			strbuf_put_clean(&what, s->queue);
		}
		audit_line(a, priority, step_json(a, s, outcome), "refused: %s: %s", strbuf_str(&what),
		           step_decision_words(s->decision));
	} else if (!executed) {
		outcome = "dry run";
		audit_line(a, priority, step_json(a, s, outcome), "dry run: would send %s",
		           strbuf_str(&what));
	} else {
		outcome = "executed";
		priority = s->result == RESULT_TOOK_EFFECT ? LOG_NOTICE : LOG_WARNING;
		audit_line(a, priority, step_json(a, s, outcome), "executed: %s: %s%s%s", strbuf_str(&what),
		           step_result_name(s->result), s->detail[0] ? " - " : "", s->detail);
	}
	strbuf_free(&what);
}

static int finish(struct audit *a, int state, const char *summary, json_object *doc)
{
	const struct options *o = a->o;

	if (o->json) {
		json_object_object_add(doc, "program", json_object_new_string(NAME));
		json_object_object_add(doc, "exit_code", json_object_new_int(state));
		json_object_object_add(doc, "summary", json_object_new_string(summary));
		json_object_object_add(doc, "execute", json_object_new_boolean(o->quarantine.execute));
		json_object_object_add(doc, "policy",
		                       a->policy[0] ? json_object_new_string(a->policy) : NULL);
		json_object_object_add(doc, "audit", json_object_get(a->events));
		printf("%s\n", json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
		                                                       JSON_C_TO_STRING_NOSLASHESCAPE));
	} else {
		printf("CELERY QUARANTINE %s - %s\n%s", state_name((enum state)state), summary,
		       strbuf_str(&a->lines) ? strbuf_str(&a->lines) : "");
	}
	return state;
}

/* The run's summary and exit state from what each step came to. */
static int conclude(struct audit *a, const struct quarantine_plan *plan, int executed, int failed,
                    const char *why, json_object *doc)
{
	long long todo = 0, effect = 0, refused = 0, unconfirmed = 0, not_done = 0;
	struct strbuf sb = STRBUF_INIT;
	int state;

	for (size_t i = 0; i < plan->n; i++) {
		const struct quarantine_step *s = &plan->steps[i];
		todo += s->decision == STEP_ACT;
		refused += s->decision != STEP_ACT;
		effect += s->result == RESULT_TOOK_EFFECT;
		unconfirmed += s->result == RESULT_NOT_CONFIRMED;
		not_done += s->result == RESULT_FAILED || s->result == RESULT_NOT_DONE;
	}
	if (plan->n == 0)
		strbuf_puts(&sb, "nothing to do: no incompatible worker answered");
	else if (todo == 0)
		strbuf_puts(&sb, "nothing done");
	else if (!executed)
		strbuf_printf(&sb, "dry run: %lld action%s on %lld worker%s would be taken (--execute acts)",
		              todo, todo == 1 ? "" : "s", plan->workers_acted,
		              plan->workers_acted == 1 ? "" : "s");
	else
		strbuf_printf(&sb, "%lld of %lld action%s on %lld worker%s took effect", effect, todo,
		              todo == 1 ? "" : "s", plan->workers_acted, plan->workers_acted == 1 ? "" : "s");
	if (unconfirmed > 0)
		strbuf_printf(&sb, ", %lld not confirmed", unconfirmed);
	if (not_done > 0)
		strbuf_printf(&sb, ", %lld failed or not done", not_done);
	if (refused > 0)
		strbuf_printf(&sb, "; %lld refused", refused);
	if (why != NULL) {
		strbuf_puts(&sb, ": ");
		strbuf_put_clean(&sb, why);
	}
	state = failed ? STATE_CRITICAL : (refused > 0 || unconfirmed > 0) ? STATE_WARNING : STATE_OK;
	state = finish(a, state, strbuf_str(&sb) ? strbuf_str(&sb) : "out of memory", doc);
	strbuf_free(&sb);
	return state;
}

/* Why the policy cannot say who is stale, or NULL when it can. */
static const char *unresolved(const struct options *o)
{
	if (o->policy.newest && !o->policy.newest_tagged)
		return "-e newest: no tagged worker answered, so no version is expected";
	return NULL;
}

/* Refuses the whole run: one audit line, and the state given. */
static int refuse(struct audit *a, int state, const char *why, json_object *doc)
{
	json_object *e = json_object_new_object();

	json_object_object_add(e, "outcome", json_object_new_string("refused"));
	json_object_object_add(e, "refused_because", json_object_new_string(why));
	audit_line(a, LOG_WARNING, e, "refused to act: %s", why);
	return finish(a, state, why, doc);
}

/* The service's state does not call for action: said, and exit 0. */
static int not_triggered(struct audit *a, json_object *doc)
{
	const struct quarantine_options *q = &a->o->quarantine;
	struct strbuf sb = STRBUF_INIT;
	int first = 1, rc;

	strbuf_printf(&sb, "nothing done: the service is %s %s", q->hard ? "HARD" : "SOFT",
	              state_name(q->state));
	if (q->attempt > 0)
		strbuf_printf(&sb, " (attempt %ld)", q->attempt);
	strbuf_printf(&sb, "; acting on %s", q->act_on_soft ? "SOFT or HARD " : "HARD ");
	for (int s = STATE_OK; s <= STATE_UNKNOWN; s++)
		if (q->act_on & 1u << s) {
			strbuf_printf(&sb, "%s%s", first ? "" : ", ", state_name((enum state)s));
			first = 0;
		}
	audit_line(a, LOG_INFO, NULL, "%s", strbuf_str(&sb) ? strbuf_str(&sb) : "nothing done");
	rc = finish(a, STATE_OK, strbuf_str(&sb) ? strbuf_str(&sb) : "nothing done", doc);
	strbuf_free(&sb);
	return rc;
}

static int run(struct options *o, struct audit *a, json_object *doc)
{
	struct quarantine_options *qo = &o->quarantine;
	struct quarantine_rules rules = {qo->action,     o->queues,   o->nqueues,
	                                 o->workers,     o->nworkers, qo->allow_empty_queue,
	                                 qo->max_workers};
	struct quarantine_plan plan;
	struct probe p;
	struct error err = {ERROR_NONE, ""};
	struct strbuf sb = STRBUF_INIT;
	char why[400];
	char **named = o->workers;
	int rc, failed = 0;

	/* every worker is asked, so that the compatible consumers of each queue are known */
	o->workers = NULL;
	o->nworkers = 0;
	if (probe_start(&p, o, "CELERY QUARANTINE", &err) < 0) {
		snprintf(why, sizeof(why), "could not judge the workers: %s", err.msg);
		rc = refuse(a, error_state(&err, o->timeout_state), why, doc);
	} else if (p.cut.kind != ERROR_NONE) {
		snprintf(why, sizeof(why),
		         "the workers' answers were cut short (%s): nothing is done on half a "
		         "picture",
		         p.cut.msg);
		rc = refuse(a, error_state(&p.cut, o->timeout_state), why, doc);
	} else if (unresolved(o) != NULL) {
		rc = refuse(a, STATE_UNKNOWN, unresolved(o), doc);
	} else {
		version_policy_words(&o->policy, &sb);
		snprintf(a->policy, sizeof(a->policy), "%s", strbuf_str(&sb) ? strbuf_str(&sb) : "?");
		if (quarantine_plan(&p.fleet, &rules, &plan, &err) < 0) {
			rc = refuse(a, STATE_UNKNOWN, err.msg, doc);
		} else {
			if (qo->execute && plan.workers_acted > 0 &&
			    quarantine_execute(&p, o, &plan, &err) < 0)
				failed = 1;
			for (size_t i = 0; i < plan.n; i++)
				if (plan.steps[i].result == RESULT_FAILED)
					failed = 1;
			for (size_t i = 0; i < plan.n; i++)
				audit_step(a, &plan.steps[i], qo->execute);
			if (plan.n == 0)
				audit_line(a, LOG_INFO, NULL,
				           "nothing to do: every worker that answered is compatible "
				           "with %s",
				           a->policy);
			rc = conclude(a, &plan, qo->execute, failed, failed ? err.msg : NULL, doc);
			quarantine_plan_free(&plan);
		}
	}
	probe_finish(&p);
	o->workers = named;
	o->nworkers = rules.nworkers;
	strbuf_free(&sb);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	struct error err = {ERROR_NONE, ""};
	struct audit a = {&o, STRBUF_INIT, json_object_new_array(), ""};
	json_object *doc = json_object_new_object();
	int parsed, rc;

	openlog(NAME, LOG_PID, LOG_DAEMON);
	parsed = options_parse(&o, PLUGIN_QUARANTINE, argc, argv, &err);
	if (parsed == OPTIONS_HELP) {
		print_help();
		rc = STATE_UNKNOWN;
	} else if (parsed == OPTIONS_VERSION) {
		printf("%s (%s %s)\n", NAME, PACKAGE_NAME, PACKAGE_VERSION);
		rc = STATE_UNKNOWN;
	} else if (parsed < 0) {
		for (int i = 1; i < argc && !o.json; i++)
			o.json = strcmp(argv[i], "--json") == 0;
		rc = refuse(&a, STATE_UNKNOWN, err.msg, doc);
	} else if (!quarantine_triggered(&o.quarantine)) {
		rc = not_triggered(&a, doc);
	} else {
		if (o.quarantine.state_given)
			audit_line(&a, LOG_NOTICE, NULL, "acting on the service's %s %s state%s",
			           o.quarantine.hard ? "HARD" : "SOFT", state_name(o.quarantine.state),
			           o.quarantine.execute ? "" : " (a dry run: --execute is not given)");
		rc = run(&o, &a, doc);
	}
	json_object_put(doc);
	json_object_put(a.events);
	strbuf_free(&a.lines);
	options_free(&o);
	closelog();
	return rc;
}
