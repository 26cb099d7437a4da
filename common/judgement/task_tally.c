/* SPDX-License-Identifier: GPL-3.0-or-later */
/* task_tally: counting and judging the tasks held. */
#include "task_tally.h"

#include <math.h>
#include <string.h>

int task_counted(const struct task_judging *j, const struct task *t, const struct worker **w)
{
	*w = fleet_find(j->fleet, t->node);
	return *w != NULL && worker_consumes_any(*w, j->queues, j->nqueues) &&
	       task_judged(j->globs, j->nglobs, t->name);
}

double task_runtime(const struct task_judging *j, const struct task *t)
{
	const struct heard_worker *h = j->heard != NULL ? heard_find(j->heard, t->node) : NULL;
	double skew = h != NULL && h->skew_known ? h->skew : 0;

	if (!t->active || t->started <= 0)
		return NAN;
	return j->now + skew - t->started;
}

static void judge_runtime(const struct task_judging *j, const struct task *t, struct task_tally *tt)
{
	const struct heard_worker *h = j->heard != NULL ? heard_find(j->heard, t->node) : NULL;
	double runtime = task_runtime(j, t);
	enum state s;

	if (isnan(runtime))
		return;
	if (runtime < -TASK_AHEAD_SLACK) {
		const struct thresholds *limit = task_rule_for(j->rules, j->nrules, t->name, j->runtime);
		tt->ahead++;
		tt->ahead_limited += limit->has_warn || limit->has_crit;
		if (-runtime > tt->most_ahead)
			tt->most_ahead = -runtime;
		return;
	}
	if (runtime < 0)
		runtime = 0;
	tt->corrected += h != NULL && h->skew_known;
	s = thresholds_state(task_rule_for(j->rules, j->nrules, t->name, j->runtime), runtime);
	tt->over += s != STATE_OK;
	if (tt->longest == NULL || (s != tt->runtime_state && state_worst(s, tt->runtime_state) == s) ||
	    (s == tt->runtime_state && runtime > tt->longest_runtime)) {
		tt->longest = t;
		tt->longest_runtime = runtime;
		tt->runtime_state = s;
	}
}

void task_tally(const struct task_judging *j, const struct task_list *l, struct task_tally *tt)
{
	const struct fleet *f = j->fleet;

	memset(tt, 0, sizeof(*tt));
	for (size_t i = 0; i < f->n; i++) {
		const struct worker *w = &f->workers[i];
		const struct task_node *tn;
		if (w->node == NULL || !worker_consumes_any(w, j->queues, j->nqueues) ||
		    w->state != WORKER_OK)
			continue;
		tn = tasks_node(l, w->node);
		if (tn != NULL && tn->answered == (TASKS_RESERVED | TASKS_ACTIVE))
			tt->workers++;
		else
			tt->unknown++;
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct task *t = &l->t[i];
		const struct worker *w;
		int stale;
		if (!task_counted(j, t, &w))
			continue;
		stale = !verdict_is_compatible(w->verdict);
		if (t->active) {
			tt->active++;
			tt->stale_active += stale;
			judge_runtime(j, t, tt);
		} else {
			tt->reserved++;
			tt->stale_reserved += stale;
		}
	}
}
