/* SPDX-License-Identifier: GPL-3.0-or-later */
/* quarantine: which incompatible workers may be stopped from taking tasks, queue by queue, without ever
 * leaving a queue to no compatible consumer (unless allowed) and never more than a set number of workers. */
#ifndef CELERY_QUARANTINE_H
#define CELERY_QUARANTINE_H

#include "fleet.h"

enum quarantine_action {
	QUARANTINE_CANCEL_CONSUMER, /* Celery's cancel_consumer, queue by queue: the worker stays up */
	QUARANTINE_SHUTDOWN,        /* Celery's shutdown: the worker stops */
};

enum step_decision {
	STEP_ACT,            /* to be done */
	STEP_LAST_CONSUMER,  /* refused: no compatible worker consumes the queue */
	STEP_MAX_WORKERS,    /* refused: the most workers one run may act on were acted on */
	STEP_UNORDERABLE,    /* refused: the policy cannot order the worker's version */
	STEP_QUEUES_UNKNOWN, /* refused: the worker's reply held no readable queue list */
	STEP_SHARED_NAME,    /* refused: several workers answer to its node name, and a command reaches all */
};

enum step_result {
	RESULT_PLANNED,       /* not tried: a dry run, or a refused step */
	RESULT_TOOK_EFFECT,   /* done, and active_queues shows it: the queue is gone, or the worker */
	RESULT_NOT_CONFIRMED, /* sent (or perhaps sent, when the run was cut), but not seen done */
	RESULT_FAILED,        /* the worker said no, or no worker received it */
	RESULT_NOT_DONE,      /* not tried: the broker was lost, or time ran out */
};

struct quarantine_step {
	const struct worker *worker;
	const char *queue; /* the queue cancelled, or the one that refuses a shutdown; NULL otherwise */
	enum step_decision decision;
	enum step_result result;
	int cut;          /* a signal or a lost broker ended the run while this step was under way */
	char detail[300]; /* what the worker said, or why it failed */
};

struct quarantine_rules {
	enum quarantine_action action;
	char *const *queues; /* -Q: only these queues (cancel), only workers consuming one (shutdown) */
	size_t nqueues;
	char *const *workers; /* --worker: only these workers */
	size_t nworkers;
	int allow_empty_queue; /* a queue may be left with no compatible consumer */
	long max_workers;      /* workers acted on at most */
};

struct quarantine_plan {
	struct quarantine_step *steps; /* workers in node-name order, each worker's queues in its order */
	size_t n;
	long long workers_acted; /* workers with a step to do */
	long long incompatible;  /* incompatible workers that answered, concerned by the rules or not */
};

/* Plans the steps for the incompatible workers of a judged fleet: only those that answered, by the
 * rules. ERROR_NOMEM only. */
int quarantine_plan(const struct fleet *f, const struct quarantine_rules *r, struct quarantine_plan *plan,
                    struct error *err);
void quarantine_plan_free(struct quarantine_plan *plan);
/* Why a step is refused: "no compatible worker consumes the queue: ...", "--max-workers reached ...". */
const char *step_decision_words(enum step_decision d);
/* "planned", "took effect", "not confirmed", "failed", "not done". */
const char *step_result_name(enum step_result r);

#endif
