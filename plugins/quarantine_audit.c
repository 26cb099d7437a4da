/* SPDX-License-Identifier: GPL-3.0-or-later */
/* quarantine_audit: the event handler's audit lines, syslog and its output. */
#include "quarantine_audit.h"

#include "fleet_format.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

void audit_init(struct audit *a, const struct options *o)
{
	a->o = o;
	a->lines = (struct strbuf)STRBUF_INIT;
	a->events = json_object_new_array();
	a->policy = NULL;
}

void audit_free(struct audit *a)
{
	strbuf_free(&a->lines);
	json_object_put(a->events);
	free(a->policy);
}

void audit_line(struct audit *a, int priority, json_object *event, const char *fmt, ...)
{
	char *line = NULL;
	const char *text;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	va_end(ap);
	text = line != NULL ? line : "(out of memory)";
	syslog(priority, "%s", text);
	strbuf_puts(&a->lines, text);
	strbuf_putc(&a->lines, '\n');
	if (event == NULL)
		event = json_object_new_object();
	json_object_object_add(event, "line", json_object_new_string(text));
	json_object_array_add(a->events, event);
	free(line);
}

static const char *action_name(const struct audit *a)
{
	return a->o->quarantine.action == QUARANTINE_SHUTDOWN ? "shutdown" : "cancel_consumer";
}

/* "cancel_consumer gpu on NODE (version V), policy P" or "shutdown of NODE (...), policy P" */
static void describe_step(struct strbuf *sb, const struct audit *a, const struct quarantine_step *s)
{
	int shutdown = a->o->quarantine.action == QUARANTINE_SHUTDOWN;

	strbuf_puts(sb, action_name(a));
	if (!shutdown && s->queue != NULL) {
		strbuf_putc(sb, ' ');
		strbuf_put_clean(sb, s->queue);
	}
	strbuf_puts(sb, shutdown ? " of " : " on ");
	worker_describe_incompatible(sb, s->worker);
	strbuf_printf(sb, ", policy %s", a->policy ? a->policy : "?");
}

static json_object *step_json(const struct audit *a, const struct quarantine_step *s, const char *outcome)
{
	json_object *e = json_object_new_object();
	const struct worker *w = s->worker;

	json_object_object_add(e, "worker", json_object_new_string(w->node));
	json_object_object_add(e, "version",
	                       w->name.version ? json_object_new_string(w->name.version) : NULL);
	json_object_object_add(e, "queue", s->queue ? json_object_new_string(s->queue) : NULL);
	json_object_object_add(e, "action", json_object_new_string(action_name(a)));
	json_object_object_add(e, "policy", a->policy ? json_object_new_string(a->policy) : NULL);
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

void audit_step(struct audit *a, const struct quarantine_step *s, int executed)
{
	struct strbuf what = STRBUF_INIT;
	const char *text;

	describe_step(&what, a, s);
	if (s->decision == STEP_LAST_CONSUMER && s->queue != NULL &&
	    a->o->quarantine.action == QUARANTINE_SHUTDOWN) {
		strbuf_puts(&what, ": it consumes ");
		strbuf_put_clean(&what, s->queue);
	}
	text = strbuf_str(&what) ? strbuf_str(&what) : "(out of memory)";
	if (s->decision != STEP_ACT)
		audit_line(a, LOG_WARNING, step_json(a, s, "refused"), "refused: %s: %s", text,
		           step_decision_words(s->decision));
	else if (!executed)
		audit_line(a, LOG_NOTICE, step_json(a, s, "dry run"), "dry run: would send %s", text);
	else if (s->result == RESULT_NOT_DONE)
		audit_line(a, LOG_WARNING, step_json(a, s, "not done"), "not done: %s: %s", text, s->detail);
	else
		audit_line(a, s->result == RESULT_TOOK_EFFECT ? LOG_NOTICE : LOG_WARNING,
		           step_json(a, s, "executed"), "executed: %s: %s%s%s", text,
		           step_result_name(s->result), s->detail[0] ? " - " : "", s->detail);
	strbuf_free(&what);
}

void audit_sending(void *ctx, const struct quarantine_step *s)
{
	struct audit *a = ctx;
	struct strbuf what = STRBUF_INIT;

	describe_step(&what, a, s);
	syslog(LOG_NOTICE, "sending: %s", strbuf_str(&what) ? strbuf_str(&what) : "(out of memory)");
	strbuf_free(&what);
}

int audit_finish(struct audit *a, int state, const char *summary, json_object *doc)
{
	if (a->o->json) {
		json_object_object_add(doc, "program", json_object_new_string("celery_quarantine_workers"));
		json_object_object_add(doc, "exit_code", json_object_new_int(state));
		json_object_object_add(doc, "summary", json_object_new_string(summary));
		json_object_object_add(doc, "execute", json_object_new_boolean(a->o->quarantine.execute));
		json_object_object_add(doc, "policy", a->policy ? json_object_new_string(a->policy) : NULL);
		json_object_object_add(doc, "audit", json_object_get(a->events));
		printf("%s\n", json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
		                                                       JSON_C_TO_STRING_NOSLASHESCAPE));
	} else {
		printf("CELERY QUARANTINE %s - %s\n%s", state_name((enum state)state), summary,
		       strbuf_str(&a->lines) ? strbuf_str(&a->lines) : "");
	}
	return state;
}
