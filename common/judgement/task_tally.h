/* SPDX-License-Identifier: GPL-3.0-or-later */
/* task_tally: the tasks judged (those of workers counted under -Q, with names --task matches), counted,
 * and each running one's time measured by its worker's clock, corrected by the skew its heartbeat showed. */
#ifndef CELERY_TASK_TALLY_H
#define CELERY_TASK_TALLY_H

#include "fleet.h"
#include "heard.h"
#include "task_rules.h"
#include "tasks.h"

struct task_judging {
	const struct fleet *fleet; /* judged: verdicts set */
	const struct heard *heard; /* heartbeats heard (their clocks), or NULL */
	char *const *queues;       /* -Q: only workers consuming one count */
	size_t nqueues;
	char *const *globs; /* --task */
	size_t nglobs;
	const struct task_rule *rules; /* --task-runtime */
	size_t nrules;
	const struct thresholds *runtime; /* --runtime-warning/-critical */
	double now;                       /* our wall clock */
};

#define TASK_AHEAD_SLACK 2.0 /* s a start may lie ahead of our clock before the worker's clock is ahead */

struct task_tally {
	long long workers;                      /* counted workers that answered both commands */
	long long unknown;                      /* counted workers that answered active_queues and not both */
	long long active, reserved;             /* judged tasks */
	long long stale_active, stale_reserved; /* of them, held by incompatible workers */
	long long over;                         /* running tasks whose time alerts */
	enum state runtime_state;               /* the worst of them */
	const struct task *longest;             /* the longest running of those in that state, or NULL */
	double longest_runtime;
	long long ahead; /* running tasks that started ahead of our clock (the worker's clock is ahead, by
	                    at least most_ahead s): their time is unknown, never judged */
	double most_ahead;
	long long ahead_limited; /* of them, those a runtime limit was given for: UNKNOWN */
	long long corrected; /* running tasks whose time was corrected by their worker's heartbeat clock */
};

/* 1 when the task's worker is counted and its name judged; *w its worker (NULL when the fleet has no
 * worker of that name: not counted). */
int task_counted(const struct task_judging *j, const struct task *t, const struct worker **w);
/* How long t has run by its worker's clock: NAN when not running or its start is not known, negative
 * when it started ahead of our clock. */
double task_runtime(const struct task_judging *j, const struct task *t);
/* Counts and judges the tasks of l. */
void task_tally(const struct task_judging *j, const struct task_list *l, struct task_tally *t);

#endif
