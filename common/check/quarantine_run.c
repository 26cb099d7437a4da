/* SPDX-License-Identifier: GPL-3.0-or-later */
/* quarantine_run: sending the planned control commands and checking that they took effect. */
#include "quarantine_run.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define CLEANUP_RESERVE 0.5 /* kept back from -t to remove our keys after the last conversation */
#define LEAST_TO_TRY    0.3 /* a step is not started with less time than this left */
#define CHECK_ROUNDS    3   /* active_queues asked again at most this many times */
#define SETTLE          0.3 /* seconds between a change and asking whether it shows */

/* When a conversation stops waiting: -T, and room for the cleanup within -t. */
static struct deadline collect_by(const struct probe *p, const struct options *o)
{
	struct deadline limit = {p->hard.at - CLEANUP_RESERVE};

	return deadline_min(deadline_in(o->inspect_timeout), limit);
}

static int time_left(const struct probe *p)
{
	return deadline_left(&p->hard) > CLEANUP_RESERVE + LEAST_TO_TRY;
}

static void note_cleanup(struct quarantine_hooks *h, const struct inspect_stats *st)
{
	if (st->cleanup_failed && h->cleanup_error[0] == '\0')
		snprintf(h->cleanup_error, sizeof(h->cleanup_error), "%s", st->cleanup_error);
}

/* Sends one step to its worker alone. -1 (err filled) when the broker failed us: the step may have gone
 * out all the same. */
static int send_step(struct probe *p, const struct options *o, struct quarantine_step *s,
                     struct quarantine_hooks *h, struct error *err)
{
	int shutdown = o->quarantine.action == QUARANTINE_SHUTDOWN;
	const char *args[2] = {"queue", s->queue};
	struct deadline collect = collect_by(p, o);
	struct control_answer a;
	int rc;

	if (shutdown) /* a worker told to stop does not answer: no use waiting long */
		collect = deadline_min(collect, deadline_in(0.5));
	if (h->sending != NULL)
		h->sending(h->ctx, s);
	rc = probe_control_one(p, shutdown ? "shutdown" : "cancel_consumer", args, shutdown ? 0 : 1,
	                       s->worker->node, collect, &a, err);
	note_cleanup(h, &a.stats);
	if (rc < 0 && !(err->kind == ERROR_TIMEOUT && a.stats.counted)) {
		s->result = RESULT_NOT_CONFIRMED;
		s->cut = 1;
		snprintf(
		    s->detail, sizeof(s->detail),
		    "may have been sent (then it takes effect whenever the worker reads it), then: %.150s",
		    err->msg);
		return -1;
	}
	if (a.stats.counted && a.stats.received == 0) {
		s->result = RESULT_FAILED;
		snprintf(s->detail, sizeof(s->detail), "no worker received the command");
	} else if (a.answered && !a.ok) {
		s->result = RESULT_FAILED;
		snprintf(s->detail, sizeof(s->detail), "the worker refused: %s", a.text);
	} else {
		s->result = RESULT_NOT_CONFIRMED; /* until active_queues shows it */
		snprintf(s->detail, sizeof(s->detail), "%s%s", a.answered ? "the worker said: " : "",
		         a.answered ? a.text
		         : shutdown ? "sent (a worker shutting down does not answer)"
		                    : "sent, no answer: Celery runs a control command whenever the worker "
		                      "reads it, however late, so it may still take effect");
	}
	return 0;
}

/* 1 when what active_queues says now shows the step done: the queue gone from the worker's list, or, for a
 * shutdown, the worker gone from a round that every worker reached answered (a hung or stopped worker
 * still receives the question and leaves the round incomplete). */
static int shows(const struct fleet *now, int complete, const struct quarantine_step *s, int shutdown)
{
	for (size_t i = 0; i < now->n; i++) {
		const struct worker *w = &now->workers[i];
		if (w->node == NULL || strcmp(w->node, s->worker->node) != 0)
			continue;
		return !shutdown && w->queues_known && !worker_consumes(w, s->queue);
	}
	return shutdown && complete;
}

static void nap(double seconds)
{
	struct timespec ts = {0, (long)(seconds * 1e9)};

	nanosleep(&ts, NULL);
}

/* Asks every worker for its queues until every sent step shows, CHECK_ROUNDS at most. */
static void confirm(struct probe *p, const struct options *o, struct quarantine_plan *plan,
                    struct quarantine_hooks *h)
{
	int shutdown = o->quarantine.action == QUARANTINE_SHUTDOWN;

	for (int round = 0; round < CHECK_ROUNDS && time_left(p); round++) {
		struct fleet now;
		struct error why;
		size_t pending = 0;
		int rc, complete;

		nap(SETTLE);
		rc = probe_ask_again(p, collect_by(p, o), &now, &why);
		note_cleanup(h, &now.stats);
		complete = rc == 0 && fleet_unresponsive(&now) == 0;
		for (size_t i = 0; i < plan->n; i++) {
			struct quarantine_step *s = &plan->steps[i];
			if (s->result != RESULT_NOT_CONFIRMED)
				continue;
			if (shows(&now, complete, s, shutdown)) {
				s->result = RESULT_TOOK_EFFECT;
				if (shutdown)
					snprintf(s->detail, sizeof(s->detail),
					         "the worker no longer answers");
			} else {
				pending++;
			}
		}
		fleet_free(&now);
		if (pending == 0 || (rc < 0 && why.kind != ERROR_TIMEOUT))
			return;
	}
}

int quarantine_execute(struct probe *p, const struct options *o, struct quarantine_plan *plan,
                       struct quarantine_hooks *hooks, struct error *err)
{
	int rc = 0, lost = 0;

	for (size_t i = 0; i < plan->n; i++) {
		struct quarantine_step *s = &plan->steps[i];
		if (s->decision != STEP_ACT)
			continue;
		if (lost || !time_left(p)) {
			s->result = RESULT_NOT_DONE;
			snprintf(s->detail, sizeof(s->detail), "not sent: %s",
			         lost ? "the broker failed us on an earlier step"
			              : "too little time left within -t");
			if (rc == 0)
				rc = error_set(err, ERROR_TIMEOUT,
				               "too little time left within -t to act on every worker");
			continue;
		}
		if (send_step(p, o, s, hooks, err) < 0)
			rc = -1, lost = 1;
	}
	if (!lost)
		confirm(p, o, plan, hooks);
	return rc;
}
