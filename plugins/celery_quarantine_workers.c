/* SPDX-License-Identifier: GPL-3.0-or-later */
/* celery_quarantine_workers: an event handler that stops incompatible Celery workers from taking tasks:
 * Celery's cancel_consumer (or shutdown) sent to each stale worker alone, a dry run unless --execute, never
 * taking a queue's last compatible consumer, each action and refusal one line on stdout and on syslog. */
#include "option_sets.h"
#include "options.h"
#include "probe.h"
#include "program.h"
#include "quarantine.h"
#include "quarantine_audit.h"
#include "quarantine_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#define NAME "celery_quarantine_workers"

/* What the steps came to. */
struct tally {
	long long todo, effect, unconfirmed, failed, not_done, refused, left;
	const char *why; /* the first failed or unsent step's reason */
};

static void tally_steps(const struct quarantine_plan *plan, struct tally *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < plan->n; i++) {
		const struct quarantine_step *s = &plan->steps[i];
		t->todo += s->decision == STEP_ACT;
		t->refused += s->decision != STEP_ACT;
		t->left +=
		    s->decision == STEP_MAX_WORKERS && (i == 0 || plan->steps[i - 1].worker != s->worker);
		t->effect += s->result == RESULT_TOOK_EFFECT;
		t->unconfirmed += s->result == RESULT_NOT_CONFIRMED;
		t->failed += s->result == RESULT_FAILED;
		t->not_done += s->result == RESULT_NOT_DONE;
		if (t->why == NULL && s->decision == STEP_ACT &&
		    (s->result == RESULT_FAILED || s->result == RESULT_NOT_DONE || s->cut))
			t->why = s->detail;
	}
}

static const char *plural(long long n)
{
	return n == 1 ? "" : "s";
}

/* The summary's first words: what was done, or would be, or why nothing. */
static void say_what(struct strbuf *sb, const struct audit *a, const struct quarantine_plan *plan,
                     const struct tally *t)
{
	if (plan->n == 0 && plan->incompatible == 0)
		strbuf_printf(sb, "nothing to do: every worker that answered is compatible with %s",
		              a->policy);
	else if (plan->n == 0)
		strbuf_printf(
		    sb,
		    "nothing to do: %lld incompatible worker%s answered, none consuming a queue to stop "
		    "(already quarantined, or outside -Q and --worker)",
		    plan->incompatible, plural(plan->incompatible));
	else if (t->todo == 0)
		strbuf_puts(sb, "nothing done");
	else if (!a->o->quarantine.execute)
		strbuf_printf(sb, "dry run: %lld action%s on %lld worker%s would be taken (--execute acts)",
		              t->todo, plural(t->todo), plan->workers_acted, plural(plan->workers_acted));
	else
		strbuf_printf(sb, "%lld of %lld action%s on %lld worker%s took effect", t->effect, t->todo,
		              plural(t->todo), plan->workers_acted, plural(plan->workers_acted));
}

/* Workers this run could not judge or reach: those that received the question and did not answer, and
 * those --worker names that did not answer. Each is a line; returns how many. */
static long long out_of_reach(struct audit *a, const struct probe *p, const char *const *named, size_t nnamed)
{
	long long silent = fleet_unresponsive(&p->fleet), missing = 0;

	if (silent > 0)
		audit_line(
		    a, LOG_WARNING, NULL,
		    "not reached: %lld worker%s received the question and did not answer: stale or not, "
		    "nothing is done to them this run",
		    silent, plural(silent));
	for (size_t i = 0; i < nnamed; i++) {
		if (fleet_has(&p->fleet, named[i]))
			continue;
		audit_line(a, LOG_WARNING, NULL, "not reached: --worker %s did not answer this run",
		           named[i]);
		missing++;
	}
	return silent + missing;
}

/* The run's summary and exit state from what each step came to. */
static int conclude(struct audit *a, const struct quarantine_plan *plan, long long unreached,
                    const char *cleanup_error, json_object *doc)
{
	struct tally t;
	struct strbuf sb = STRBUF_INIT;
	int state;

	tally_steps(plan, &t);
	say_what(&sb, a, plan, &t);
	if (t.unconfirmed > 0)
		strbuf_printf(&sb, ", %lld not confirmed", t.unconfirmed);
	if (t.failed > 0)
		strbuf_printf(&sb, ", %lld failed", t.failed);
	if (t.not_done > 0)
		strbuf_printf(&sb, ", %lld not done", t.not_done);
	if (t.refused > 0)
		strbuf_printf(&sb, "; %lld refused", t.refused);
	if (t.left > 0)
		strbuf_printf(&sb, " (%lld worker%s left for a later run by --max-workers)", t.left,
		              plural(t.left));
	if (unreached > 0)
		strbuf_printf(&sb, "; %lld not reached", unreached);
	if (cleanup_error != NULL) {
		audit_line(a, LOG_WARNING, NULL,
		           "could not remove this run's reply queue from the broker: %s", cleanup_error);
		strbuf_puts(&sb, "; a reply queue of ours is left in the broker");
	}
	if (t.why != NULL) {
		strbuf_puts(&sb, ": ");
		strbuf_put_clean(&sb, t.why);
	}
	state = t.failed > 0 || t.not_done > 0 || t.why != NULL ? STATE_CRITICAL
	        : t.refused > 0 || t.unconfirmed > 0 || unreached > 0 || cleanup_error != NULL ? STATE_WARNING
	                                                                                       : STATE_OK;
	state = audit_finish(a, state, strbuf_str(&sb) ? strbuf_str(&sb) : "out of memory", doc);
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
	return audit_finish(a, state, why, doc);
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
	rc = audit_finish(a, STATE_OK, strbuf_str(&sb) ? strbuf_str(&sb) : "nothing done", doc);
	strbuf_free(&sb);
	return rc;
}

/* Judges, plans, acts (with --execute) and reports. */
static int judge_and_act(struct options *o, struct probe *p, struct audit *a, const char *const *named,
                         size_t nnamed, json_object *doc)
{
	struct quarantine_options *qo = &o->quarantine;
	struct quarantine_rules rules = {qo->action,           o->queues, o->nqueues,
	                                 (char *const *)named, nnamed,    qo->allow_empty_queue,
	                                 qo->max_workers};
	struct quarantine_hooks hooks = {audit_sending, a, ""};
	struct quarantine_plan plan;
	struct strbuf words = STRBUF_INIT;
	struct error err = {ERROR_NONE, ""};
	long long unreached;
	int rc;

	version_policy_words(&o->policy, &words);
	a->policy = strbuf_detach(&words);
	if (quarantine_plan(&p->fleet, &rules, &plan, &err) < 0)
		return refuse(a, STATE_UNKNOWN, err.msg, doc);
	if (p->fleet.stats.cleanup_failed)
		snprintf(hooks.cleanup_error, sizeof(hooks.cleanup_error), "%s",
		         p->fleet.stats.cleanup_error);
	if (qo->execute && plan.workers_acted > 0)
		quarantine_execute(p, o, &plan, &hooks, &err);
	for (size_t i = 0; i < plan.n; i++)
		audit_step(a, &plan.steps[i], qo->execute);
	unreached = out_of_reach(a, p, named, nnamed);
	rc = conclude(a, &plan, unreached, hooks.cleanup_error[0] ? hooks.cleanup_error : NULL, doc);
	quarantine_plan_free(&plan);
	return rc;
}

static int run(struct options *o, struct audit *a, json_object *doc)
{
	char **named = o->workers, why[400];
	size_t nnamed = o->nworkers;
	struct probe p;
	struct error err = {ERROR_NONE, ""};
	int rc;

	if (o->quarantine.state_given)
		audit_line(a, LOG_NOTICE, NULL, "acting on the service's %s %s state%s",
		           o->quarantine.hard ? "HARD" : "SOFT", state_name(o->quarantine.state),
		           o->quarantine.execute ? "" : " (a dry run: --execute is not given)");
	/* every worker is asked, so that the compatible consumers of each queue are known */
	o->workers = NULL;
	o->nworkers = 0;
	if (probe_start(&p, o, "CELERY QUARANTINE", &err) < 0) {
		snprintf(why, sizeof(why), "could not judge the workers: %s", err.msg);
		rc = refuse(a, error_state(&err, o->timeout_state), why, doc);
	} else if (p.cut.kind != ERROR_NONE) {
		snprintf(why, sizeof(why),
		         "the workers' answers were cut short (%s): nothing is done on half a picture",
		         p.cut.msg);
		rc = refuse(a, error_state(&p.cut, o->timeout_state), why, doc);
	} else if (probe_write_blocked(&p) != NULL) {
		rc = refuse(a, STATE_CRITICAL,
		            "kombu's key separator is unknown (the broker holds no binding of the workers: "
		            "flushed?), and a command written with a wrong one breaks the workers: give "
		            "--transport-option sep=SEP",
		            doc);
	} else if (unresolved(o) != NULL) {
		rc = refuse(a, STATE_UNKNOWN, unresolved(o), doc);
	} else {
		rc = judge_and_act(o, &p, a, (const char *const *)named, nnamed, doc);
	}
	probe_finish(&p);
	o->workers = named;
	o->nworkers = nnamed;
	return rc;
}

/* A command line that could not be parsed: refused, saying why. */
static int handler_refuse(const struct program *pg, struct options *o, const struct error *err)
{
	struct audit *a = pg->ctx;
	json_object *doc = json_object_new_object();
	int rc;

	a->o = o;
	rc = refuse(a, STATE_UNKNOWN, err->msg, doc);
	json_object_put(doc);
	return rc;
}

/* Acts when the service's state calls for it. */
static int handler_run(const struct program *pg, struct options *o)
{
	struct audit *a = pg->ctx;
	json_object *doc = json_object_new_object();
	int rc;

	a->o = o;
	rc = quarantine_triggered(&o->quarantine) ? run(o, a, doc) : not_triggered(a, doc);
	json_object_put(doc);
	return rc;
}

int main(int argc, char **argv)
{
	struct audit a;
	struct program pg = {
	    NAME,
	    &quarantine_options,
	    "An event handler, not a check: stops each incompatible Celery worker from\n"
	    "taking tasks (Celery's cancel_consumer per queue, or shutdown), never the last\n"
	    "compatible consumer of a queue. Without --execute, a dry run: nothing changes.",
	    " " NAME " -u redis://broker:6379/0 -e 0.12.0\n"
	    "   Dry run: prints what would be cancelled.\n"
	    " " NAME " -u redis://broker:6379/0 -e 0.12.0 -Q gpu --execute\n"
	    "   Cancels gpu on every worker that does not run 0.12.0, if a 0.12.0 worker\n"
	    "   consumes it.\n"
	    " " NAME " -e 0.12.0 --execute --state $SERVICESTATE$ \\\n"
	    "            --state-type $SERVICESTATETYPE$\n"
	    "   As a Nagios event handler: acts on a HARD WARNING or CRITICAL only.\n"
	    "\n"
	    "Safety:\n"
	    " It acts only on workers that answered this run, on at most --max-workers of\n"
	    " them; it never leaves a queue without a compatible consumer (unless\n"
	    " --allow-empty-queue), and it refuses to act when the policy cannot be\n"
	    " resolved. A worker stops taking tasks from a cancelled queue; those it had\n"
	    " already reserved (Celery's prefetch) it still runs. Every action and refusal\n"
	    " is one line on stdout and on syslog (LOG_DAEMON, tag\n"
	    " " NAME ").\n"
	    "\n"
	    "Exit status:\n"
	    " 0 nothing to do, a dry run, or every action took effect (or the service's\n"
	    " state calls for none); 1 something refused or not confirmed; 2 could not act\n"
	    " (the broker, the time limit, a step that failed); 3 bad options or a policy\n"
	    " that cannot be resolved.",
	    0,
	    handler_run,
	    handler_refuse,
	    &a,
	};
	int rc;

	openlog(NAME, LOG_PID, LOG_DAEMON);
	audit_init(&a, NULL);
	rc = program_main(&pg, argc, argv);
	audit_free(&a);
	closelog();
	return rc;
}
