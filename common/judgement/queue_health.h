/* SPDX-License-Identifier: GPL-3.0-or-later */
/* queue_health: each queue judged once, for both plugins: its compatible and incompatible consumers among
 * the workers that answered, its backlog, starved or not, and its state under the thresholds. */
#ifndef CELERY_QUEUE_HEALTH_H
#define CELERY_QUEUE_HEALTH_H

#include "fleet.h"
#include "range.h"

#include <stddef.h>

struct queue {
	const char *name;       /* borrowed */
	long long compatible;   /* consumers running the expected version */
	long long incompatible; /* consumers that are not */
	long long backlog; /* messages waiting, all priorities; -1 when not read (the check was cut short, or
	                      the broker refused to count a key of it) */
	const char *unreadable; /* why the broker refused to count it (a key of another type), or NULL */
	int consumers_known;    /* the broker counts consumers (RabbitMQ; not Redis) */
	long long consumers;    /* then: its own count of them, Celery or not */
	int unacked_known;      /* the broker told (RabbitMQ's management API) ... */
	long long unacked;      /* ... how many messages were delivered and not yet acknowledged */
	long long hidden;       /* of those, the ones no answering worker accounts for: a worker with remote
	                           control off, of another namespace, or no Celery worker at all */
	int starved;            /* messages wait and no compatible consumer takes them */
	enum state state;
	int unknown;            /* named by -Q, consumed by no worker, and the broker knows no such queue */
	const char *closest[3]; /* with unknown: the known names closest to it, or NULL (borrowed) */
};

struct queue_rules {
	const struct thresholds *compatible;   /* -W / -C: on the compatible consumers */
	const struct thresholds *incompatible; /* -w / -c: on the incompatible ones */
	const struct thresholds *backlog;      /* --backlog-warning / --backlog-critical */
	int backlog_only; /* listening only: heartbeats carry no queue list, the backlog alone is judged */
};

/* Counts each queue's compatible and incompatible consumers in one pass over the workers' queue lists (a
 * worker that lists a queue twice counts once). ERROR_NOMEM only. */
int queue_count_consumers(const struct fleet *f, struct queue *qs, size_t n, struct error *err);
/* Sets q->state, q->starved and q->hidden (a WARNING from one). unheard: workers not heard from because the
 * check was cut short, or whose queues are not known; any of them may consume the queue and be compatible,
 * so too few compatible consumers, or consumers hidden, is only a finding if it holds with them counted. */
void queue_judge(const struct queue_rules *r, long long unheard, struct queue *q);
/* The queues given (n of them), or with none given every queue an answering worker consumes, once each in
 * the order the workers name them; counted and judged without backlogs (*out: free it). ERROR_NOMEM only. */
int queue_judge_consumed(const struct fleet *f, const struct queue_rules *r, char *const *given, size_t n,
                         struct queue **out, size_t *nout, struct error *err);

#endif
