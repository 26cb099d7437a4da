/* SPDX-License-Identifier: GPL-3.0-or-later */
/* quarantine: planning what to do about incompatible workers, and what not to. */
#include "quarantine.h"

#include <stdlib.h>
#include <string.h>

/* The rules' --worker and -Q names, each mapped once. */
struct lookups {
	struct name_map workers;
	struct name_map queues;
};

/* 1 when a compatible worker that answered consumes the queue, so it keeps a consumer. */
static int kept_by_a_compatible(const struct fleet *f, const char *queue)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct worker *w = &f->workers[i];
		if (w->node != NULL && w->state == WORKER_OK && verdict_is_compatible(w->verdict) &&
		    worker_consumes(w, queue))
			return 1;
	}
	return 0;
}

static int add_step(struct quarantine_plan *plan, size_t *cap, const struct worker *w, const char *queue,
                    enum step_decision d, struct error *err)
{
	if (plan->n == *cap) {
		size_t grown = *cap ? 2 * *cap : 16;
		struct quarantine_step *s = realloc(plan->steps, grown * sizeof(*s));
		if (s == NULL)
			return error_set(err, ERROR_NOMEM, "out of memory planning");
		plan->steps = s;
		*cap = grown;
	}
	memset(&plan->steps[plan->n], 0, sizeof(plan->steps[0]));
	plan->steps[plan->n].worker = w;
	plan->steps[plan->n].queue = queue;
	plan->steps[plan->n++].decision = d;
	return 0;
}

/* A worker the rules may concern: incompatible, answered this run, named by --worker if any, and
 * consuming a -Q queue if any. */
static int concerned(const struct worker *w, const struct quarantine_rules *r, const struct lookups *lk)
{
	if (w->node == NULL || w->state != WORKER_OK || verdict_is_compatible(w->verdict) ||
	    w->verdict == VERDICT_UNREADABLE)
		return 0;
	if (r->nworkers > 0 && !name_map_get(&lk->workers, w->node, NULL))
		return 0;
	return worker_consumes_any(w, r->queues, r->nqueues);
}

/* The steps of one worker, decided with what the rules allow; returns how many are to be done. */
static long plan_worker(const struct fleet *f, const struct worker *w, const struct quarantine_rules *r,
                        const struct lookups *lk, int room, struct quarantine_plan *plan, size_t *cap,
                        struct error *err)
{
	long todo = 0;
	const char *blocking = NULL;

	if (w->answers > 1)
		return add_step(plan, cap, w, NULL, STEP_SHARED_NAME, err) < 0 ? -1 : 0;
	if (w->verdict == VERDICT_UNORDERABLE)
		return add_step(plan, cap, w, NULL, STEP_UNORDERABLE, err) < 0 ? -1 : 0;
	if (!w->queues_known)
		return add_step(plan, cap, w, NULL, STEP_QUEUES_UNKNOWN, err) < 0 ? -1 : 0;
	if (r->action == QUARANTINE_SHUTDOWN) {
		/* a shutdown takes every queue of the worker away */
		for (size_t j = 0; j < w->nqueues && blocking == NULL; j++)
			if (!r->allow_empty_queue && !kept_by_a_compatible(f, w->queues[j]))
				blocking = w->queues[j];
		if (blocking != NULL)
			return add_step(plan, cap, w, blocking, STEP_LAST_CONSUMER, err) < 0 ? -1 : 0;
		return add_step(plan, cap, w, NULL, room ? STEP_ACT : STEP_MAX_WORKERS, err) < 0 ? -1 : room;
	}
	for (size_t j = 0; j < w->nqueues; j++) {
		const char *q = w->queues[j];
		enum step_decision d = STEP_ACT;
		if (r->nqueues > 0 && !name_map_get(&lk->queues, q, NULL))
			continue;
		if (!r->allow_empty_queue && !kept_by_a_compatible(f, q))
			d = STEP_LAST_CONSUMER;
		else if (!room)
			d = STEP_MAX_WORKERS;
		if (add_step(plan, cap, w, q, d, err) < 0)
			return -1;
		todo += d == STEP_ACT;
	}
	return todo;
}

int quarantine_plan(const struct fleet *f, const struct quarantine_rules *r, struct quarantine_plan *plan,
                    struct error *err)
{
	struct lookups lk = {NAME_MAP_INIT, NAME_MAP_INIT};
	size_t cap = 0;
	int rc = -1;

	memset(plan, 0, sizeof(*plan));
	if (name_map_put_all(&lk.workers, r->workers, r->nworkers) < 0 ||
	    name_map_put_all(&lk.queues, r->queues, r->nqueues) < 0) {
		error_set(err, ERROR_NOMEM, "out of memory planning");
		goto out;
	}
	for (size_t i = 0; i < f->n; i++) {
		const struct worker *w = &f->workers[i];
		long todo;
		plan->incompatible +=
		    w->node != NULL && w->state == WORKER_OK && !verdict_is_compatible(w->verdict);
		if (!concerned(w, r, &lk))
			continue;
		todo = plan_worker(f, w, r, &lk, plan->workers_acted < r->max_workers, plan, &cap, err);
		if (todo < 0)
			goto out;
		if (todo > 0)
			plan->workers_acted++;
	}
	rc = 0;
out:
	name_map_free(&lk.workers);
	name_map_free(&lk.queues);
	return rc;
}

void quarantine_plan_free(struct quarantine_plan *plan)
{
	free(plan->steps);
	memset(plan, 0, sizeof(*plan));
}

const char *step_decision_words(enum step_decision d)
{
	switch (d) {
	case STEP_ACT:
		return "to do";
	case STEP_LAST_CONSUMER:
		return "no compatible worker consumes the queue: it would be left without a consumer "
		       "(--allow-empty-queue allows it)";
	case STEP_MAX_WORKERS:
		return "--max-workers reached for this run";
	case STEP_UNORDERABLE:
		return "the policy cannot order its version";
	case STEP_QUEUES_UNKNOWN:
		return "its reply held no readable queue list";
	case STEP_SHARED_NAME:
		return "several workers answer to this node name, and a command to it would reach them all";
	}
	return "?";
}

const char *step_result_name(enum step_result r)
{
	static const char *const names[] = {"planned", "took effect", "not confirmed", "failed", "not done"};

	return names[r];
}
