/* SPDX-License-Identifier: GPL-3.0-or-later */
/* task_format: tasks in words and in JSON. */
#include "task_format.h"

#include "fleet_format.h"
#include "name_list.h"

#include <math.h>
#include <string.h>

void describe_runtime(struct strbuf *sb, double s)
{
	long long t = s > 1e12 ? (long long)1e12 : (long long)(s + 0.5); /* no clock is that far off */

	if (t < 120)
		strbuf_printf(sb, "%lld s", t);
	else if (t < 7200)
		strbuf_printf(sb, "%lld min %lld s", t / 60, t % 60);
	else if (t < 172800)
		strbuf_printf(sb, "%lld h %lld min", t / 3600, t / 60 % 60);
	else
		strbuf_printf(sb, "%lld d %lld h", t / 86400, t / 3600 % 24);
}

/* The first task of node in l (sorted by node), or l->n. */
static size_t first_of(const struct task_list *l, const char *node)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(l->t[mid].node, node) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

long long describe_held(struct strbuf *sb, const struct task_judging *j, const struct task_list *l,
                        const char *node)
{
	struct name_list names = name_list_start(sb, "");
	const struct worker *w;
	long long held = 0;

	names.budgeted = 0;
	for (size_t i = first_of(l, node); i < l->n && strcmp(l->t[i].node, node) == 0;) {
		const char *name = l->t[i].name;
		long long active = 0, reserved = 0;
		for (; i < l->n && strcmp(l->t[i].node, node) == 0 && strcmp(l->t[i].name, name) == 0; i++)
			if (task_counted(j, &l->t[i], &w))
				l->t[i].active ? active++ : reserved++;
		held += active + reserved;
		if (active + reserved == 0 || !name_list_add(&names))
			continue;
		if (reserved > 0)
			strbuf_printf(sb, "%lld reserved", reserved);
		if (reserved > 0 && active > 0)
			strbuf_puts(sb, " and ");
		if (active > 0)
			strbuf_printf(sb, "%lld active", active);
		strbuf_putc(sb, ' ');
		strbuf_put_clean_most(sb, name, TASK_TEXT_MOST);
	}
	names.noun = " task names";
	name_list_end(&names);
	return held;
}

void describe_running(struct strbuf *sb, const struct task *t, double runtime)
{
	strbuf_put_clean_most(sb, t->name, TASK_TEXT_MOST);
	strbuf_puts(sb, " on ");
	strbuf_put_clean(sb, t->node);
	strbuf_puts(sb, " for ");
	describe_runtime(sb, runtime);
	strbuf_puts(sb, " (id ");
	strbuf_put_clean_most(sb, t->id, TASK_TEXT_MOST);
	strbuf_putc(sb, ')');
}

static void describe_one(struct strbuf *sb, const struct task_judging *j, const struct task *t)
{
	double runtime = task_runtime(j, t);

	strbuf_puts(sb, t->active ? "  running " : "  reserved ");
	strbuf_put_clean_most(sb, t->name, TASK_TEXT_MOST);
	strbuf_puts(sb, " id ");
	strbuf_put_clean_most(sb, t->id, TASK_TEXT_MOST);
	if (!t->active) {
		strbuf_putc(sb, '\n');
		return;
	}
	if (isnan(runtime))
		strbuf_puts(sb, ", started at a time not given");
	else if (runtime < -TASK_AHEAD_SLACK)
		strbuf_printf(sb, ", started %.0f s ahead of this host's clock: the worker's clock is ahead",
		              -runtime);
	else {
		strbuf_puts(sb, " for ");
		describe_runtime(sb, runtime < 0 ? 0 : runtime);
	}
	strbuf_putc(sb, '\n');
}

void describe_tasks(struct strbuf *sb, const struct task_judging *j, const struct task_list *l)
{
	const struct fleet *f = j->fleet;

	for (size_t i = 0; i < f->n; i++) {
		const struct worker *w = &f->workers[i];
		const struct task_node *tn;
		size_t shown = 0, counted = 0;
		if (w->node == NULL || !worker_consumes_any(w, j->queues, j->nqueues) ||
		    w->state != WORKER_OK)
			continue;
		tn = tasks_node(l, w->node);
		strbuf_put_clean(sb, w->node);
		strbuf_puts(sb, verdict_is_compatible(w->verdict) ? " (compatible)" : " (incompatible)");
		if (tn == NULL || tn->answered != (TASKS_RESERVED | TASKS_ACTIVE))
			strbuf_puts(sb, ": tasks not known, ");
		if (tn == NULL)
			strbuf_puts(sb, "no answer\n");
		else if (tn->problem != NULL) {
			strbuf_put_clean(sb, tn->problem);
			strbuf_putc(sb, '\n');
		} else if (tn->answered != (TASKS_RESERVED | TASKS_ACTIVE))
			strbuf_puts(sb, tn->answered & TASKS_ACTIVE ? "no answer to reserved\n"
			                                            : "no answer to active\n");
		else
			strbuf_puts(sb, ":\n");
		for (size_t k = first_of(l, w->node); k < l->n && strcmp(l->t[k].node, w->node) == 0; k++) {
			const struct worker *tw;
			if (!task_counted(j, &l->t[k], &tw))
				continue;
			if (++counted <= TASKS_LISTED_MAX) {
				describe_one(sb, j, &l->t[k]);
				shown++;
			}
		}
		if (counted > shown)
			strbuf_printf(sb, "  and %zu more\n", counted - shown);
		else if (counted == 0 && tn != NULL && tn->answered == (TASKS_RESERVED | TASKS_ACTIVE))
			strbuf_puts(sb, "  no task\n");
	}
	for (size_t i = 0; i < l->nnotes; i++) {
		strbuf_puts(sb, l->notes[i]);
		strbuf_putc(sb, '\n');
	}
	if (l->malformed > 0)
		strbuf_printf(sb, "%lld task entries without an id and a name were not counted\n",
		              l->malformed);
	if (l->twice > 0)
		strbuf_printf(sb,
		              "%lld tasks were held by two workers at once (delivered again while held), "
		              "counted for each\n",
		              l->twice);
}

static json_object *task_json(const struct task_judging *j, const struct task *t)
{
	json_object *jt = json_object_new_object();
	double runtime = task_runtime(j, t);

	json_object_object_add(jt, "id", json_object_new_string(t->id));
	json_object_object_add(jt, "name", json_object_new_string(t->name));
	if (t->active) {
		json_object_object_add(jt, "runtime",
		                       isnan(runtime) || runtime < -TASK_AHEAD_SLACK
		                           ? NULL
		                           : json_object_new_double(runtime < 0 ? 0 : runtime));
		json_object_object_add(jt, "time_start",
		                       t->started > 0 ? json_object_new_double(t->started) : NULL);
	}
	return jt;
}

json_object *tasks_json(const struct task_judging *j, const struct task_list *l)
{
	const struct fleet *f = j->fleet;
	json_object *all = json_object_new_object();

	for (size_t i = 0; i < f->n; i++) {
		const struct worker *w = &f->workers[i];
		const struct task_node *tn;
		json_object *jw, *active, *reserved;
		if (w->node == NULL || !worker_consumes_any(w, j->queues, j->nqueues) ||
		    w->state != WORKER_OK)
			continue;
		tn = tasks_node(l, w->node);
		jw = json_object_new_object();
		active = json_object_new_array();
		reserved = json_object_new_array();
		json_object_object_add(jw, "compatible",
		                       json_object_new_boolean(verdict_is_compatible(w->verdict)));
		json_object_object_add(
		    jw, "answered",
		    json_object_new_boolean(tn != NULL && tn->answered == (TASKS_RESERVED | TASKS_ACTIVE)));
		json_object_object_add(jw, "problem",
		                       tn != NULL && tn->problem != NULL ? json_object_new_string(tn->problem)
		                                                         : NULL);
		for (size_t k = first_of(l, w->node); k < l->n && strcmp(l->t[k].node, w->node) == 0; k++) {
			const struct worker *tw;
			if (task_counted(j, &l->t[k], &tw))
				json_object_array_add(l->t[k].active ? active : reserved,
				                      task_json(j, &l->t[k]));
		}
		json_object_object_add(jw, "active", active);
		json_object_object_add(jw, "reserved", reserved);
		json_object_object_add(all, w->node, jw);
	}
	return all;
}
