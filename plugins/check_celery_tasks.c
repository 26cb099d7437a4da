/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_celery_tasks: what the stale workers hold, and which tasks have run too long. */
#include "plugin.h"

#include "fleet_format.h"
#include "name_list.h"
#include "perfdata.h"
#include "task_format.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DESTINATION_MOST 2000 /* answering workers named in the task broadcasts at most; more: all asked */
#define TASK_PERF_MOST   50   /* task names given their own perfdata at most */

/* The workers to ask for their tasks: those named, or else those that answered, so that the wait ends
 * as soon as they have (a worker that did not answer at first is not waited for twice). */
static size_t destination(const struct options *o, const struct probe *p, char ***dest)
{
	size_t n = 0;

	if (o->nworkers > 0) {
		*dest = o->workers;
		return o->nworkers;
	}
	*dest = NULL;
	if (p->fleet.n > DESTINATION_MOST || (*dest = calloc(p->fleet.n + 1, sizeof(char *))) == NULL)
		return 0;
	for (size_t i = 0; i < p->fleet.n; i++)
		if (p->fleet.workers[i].node != NULL && p->fleet.workers[i].state == WORKER_OK)
			(*dest)[n++] = p->fleet.workers[i].node;
	return n;
}

/* Workers that answered the task commands and not active_queues (started in between): judged by name. */
static int add_newcomers(const struct options *o, struct probe *p, const struct task_list *l,
                         struct error *err)
{
	size_t before = p->fleet.n;

	for (size_t i = 0; i < l->nnodes; i++)
		if (!fleet_has(&p->fleet, l->nodes[i].node) &&
		    fleet_add_named(&p->fleet, l->nodes[i].node, err) == NULL)
			return -1;
	if (p->fleet.n == before)
		return 0;
	fleet_sort(&p->fleet);
	return fleet_judge(&p->fleet, (struct version_policy *)&o->policy, err);
}

/* reserved, then active: a task that starts between the two is seen in both and held once, running; one
 * that starts and ends between them is not seen. A cut or a lost broker ends the asking; what came is
 * judged, and the cut is said (p->cut). */
static int ask_tasks(const struct options *o, struct probe *p, struct task_list *l, struct error *err)
{
	static const struct {
		const char *method;
		int bit;
	} asks[] = {{"reserved", TASKS_RESERVED}, {"active", TASKS_ACTIVE}};
	char **dest;
	size_t ndest = destination(o, p, &dest);

	for (size_t i = 0; i < 2; i++) {
		struct inspect_stats st;
		struct error why = {ERROR_NONE, ""};
		struct deadline collect = probe_collect_by(p, o);
		int limited = deadline_left(&collect) + 0.001 < o->inspect_timeout; /* -t, not -T, ends it */
		memset(&st, 0, sizeof(st));
		tasks_expect(l, asks[i].bit);
		if (probe_ask(p, asks[i].method, dest, ndest, collect, tasks_add_event, l, &st, &why) < 0) {
			if (why.kind == ERROR_NOMEM) {
				*err = why;
				break;
			}
			p->cut = why;
			break;
		}
		p->fleet.stats.ignored += st.ignored;
		if (st.cleanup_failed && !p->fleet.stats.cleanup_failed) {
			p->fleet.stats.cleanup_failed = 1;
			memcpy(p->fleet.stats.cleanup_error, st.cleanup_error, sizeof(st.cleanup_error));
		}
		if (limited && st.answered < st.expected) { /* the limit, not the workers, decided */
			error_set(&p->cut, ERROR_TIMEOUT, "%lld of %lld workers had not told their %s tasks",
			          st.expected - st.answered, st.expected, asks[i].method);
			break;
		}
	}
	if (dest != o->workers)
		free(dest);
	if (err->kind == ERROR_NOMEM)
		return -1;
	tasks_sort(l);
	return add_newcomers(o, p, l, err);
}

/* Per counted incompatible worker holding tasks: "NODE (untagged) holds 2 reserved and 1 active NAME". */
static void write_stale(const struct task_judging *j, const struct task_list *l, const struct task_tally *t,
                        struct strbuf *sb)
{
	const struct fleet *f = j->fleet;
	struct name_list workers = name_list_start(sb, ": ");
	struct strbuf held = STRBUF_INIT;

	strbuf_printf(sb, "; %lld held by incompatible workers", t->stale_active + t->stale_reserved);
	workers.separator = "; ";
	for (size_t i = 0; i < f->n; i++) {
		const struct worker *w = &f->workers[i];
		if (w->node == NULL || verdict_is_compatible(w->verdict) ||
		    !worker_consumes_any(w, j->queues, j->nqueues))
			continue;
		strbuf_free(&held);
		if (describe_held(&held, j, l, w->node) == 0 || !name_list_add(&workers))
			continue;
		worker_describe_incompatible(sb, w);
		strbuf_puts(sb, " holds ");
		strbuf_puts(sb, strbuf_str(&held) ? strbuf_str(&held) : "");
	}
	strbuf_free(&held);
	workers.noun = " workers";
	name_list_end(&workers);
}

static int some_worker_answered(const struct fleet *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->workers[i].node != NULL && f->workers[i].state == WORKER_OK)
			return 1;
	return 0;
}

static void write_summary(const struct options *o, const struct probe *p, const struct task_judging *j,
                          const struct task_list *l, const struct task_tally *t, struct strbuf *sb)
{
	strbuf_printf(sb, "%lld running, %lld reserved on %lld workers", t->active, t->reserved, t->workers);
	if (o->tasks.nglobs > 0)
		strbuf_puts(sb, " (tasks matching --task)");
	if (p->fleet.stats.received == 0 && p->fleet.stats.counted && p->fleet.n == 0) {
		strbuf_puts(sb, "; ");
		probe_describe_nowhere(p, sb);
	} else if (t->workers + t->unknown == 0 && o->nqueues > 0 && some_worker_answered(&p->fleet)) {
		strbuf_puts(sb, o->nqueues == 1 ? "; no worker that answered consumes the -Q queue "
		                                : "; no worker that answered consumes the -Q queues ");
		for (size_t i = 0; i < o->nqueues && i < 3; i++) {
			strbuf_puts(sb, i > 0 ? ", " : "");
			strbuf_put_clean_most(sb, o->queues[i], TASK_TEXT_MOST);
		}
		strbuf_puts(sb, o->nqueues > 3 ? ", ...: no task can be seen" : ": no task can be seen");
	} else if (t->workers + t->unknown == 0) {
		strbuf_puts(sb, "; no worker answered: no task can be seen");
	}
	/* a running time that alerts comes before the stale workers' list, which must not push it past the
	 * summary's end */
	if (t->longest != NULL && t->over > 0) {
		strbuf_printf(sb, "; %lld running too long, longest: ", t->over);
		describe_running(sb, t->longest, t->longest_runtime);
	}
	if (t->ahead > 0)
		strbuf_printf(
		    sb,
		    "; %lld running tasks started ahead of this host's clock (by up to %.0f s): their "
		    "workers' clocks are ahead, their time is not judged; -m both corrects it",
		    t->ahead, t->most_ahead);
	if (t->unknown > 0)
		strbuf_printf(sb, "; tasks of %lld workers not known (no answer to reserved and active)",
		              t->unknown);
	if (l->twice > 0)
		strbuf_printf(sb, "; %lld tasks held by two workers at once (delivered again while held)",
		              l->twice);
	/* the list of stale workers, which may be long, after every other finding */
	if (t->stale_active + t->stale_reserved > 0)
		write_stale(j, l, t, sb);
	if (t->longest != NULL && t->over == 0) {
		strbuf_puts(sb, "; longest running: ");
		describe_running(sb, t->longest, t->longest_runtime);
	}
}

/* A task name as its perfdata labels begin: cut as in words, and what perfdata_label would turn to '_'
 * turned now, so that names which print alike share their items instead of repeating a label; "task:" before
 * the names whose labels would be those of fixed items (stale_active, longest_runtime). */
static void name_label(struct strbuf *sb, const char *name)
{
	size_t keep = utf8_cut(name, TASK_TEXT_MOST);

	if (strcmp(name, "stale") == 0 || strcmp(name, "longest") == 0)
		strbuf_puts(sb, "task:");
	for (size_t i = 0; i < keep; i++) {
		unsigned char c = (unsigned char)name[i];
		strbuf_putc(sb, c == '=' || c == '|' || c < 0x20 || c == 0x7f ? '_' : (char)c);
	}
	if (name[keep] != '\0')
		strbuf_puts(sb, "...");
}

struct name_perf {
	char *label;      /* name_label of the names counted here */
	const char *name; /* the name of its longest running task (whose limits it shows), else its first */
	long long active, reserved;
	double longest;
};

/* Counts task t under the label of its name, among the first TASK_PERF_MOST labels; 0 when it has none,
 * -1 when out of memory. */
static int count_by_label(const struct task_judging *j, const struct task *t, struct name_perf *np, size_t *n)
{
	struct strbuf label = STRBUF_INIT;
	size_t k;
	double rt = task_runtime(j, t);

	name_label(&label, t->name);
	if (strbuf_str(&label) == NULL) {
		strbuf_free(&label);
		return -1;
	}
	for (k = 0; k < *n && strcmp(np[k].label, strbuf_str(&label)) != 0; k++)
		;
	if (k == *n && *n == TASK_PERF_MOST) {
		strbuf_free(&label);
		return 0;
	}
	if (k == *n) {
		np[k].label = strbuf_detach(&label);
		np[k].name = t->name;
		(*n)++;
	}
	strbuf_free(&label);
	t->active ? np[k].active++ : np[k].reserved++;
	if (!isnan(rt) && rt > np[k].longest) {
		np[k].longest = rt;
		np[k].name = t->name;
	}
	return 1;
}

/* Perfdata of each task name --task judges: NAME_active, NAME_reserved, NAME_runtime (its longest), for
 * the first TASK_PERF_MOST names; how many names have none is returned (-1 when out of memory). */
static long long write_name_perf(const struct options *o, const struct task_judging *j,
                                 const struct task_list *l, struct report *r)
{
	struct name_perf np[TASK_PERF_MOST];
	struct name_map seen = NAME_MAP_INIT;
	size_t n = 0;
	long long without = 0;

	memset(np, 0, sizeof(np));
	for (size_t i = 0; i < l->n && without >= 0; i++) {
		const struct worker *w;
		int first, counted;
		if (!task_counted(j, &l->t[i], &w))
			continue;
		first = name_map_put(&seen, l->t[i].name, 0, NULL);
		counted = count_by_label(j, &l->t[i], np, &n);
		if (first < 0 || counted < 0)
			without = -1;
		else
			without += first == 1 && counted == 0;
	}
	for (size_t i = 0; i < n && without >= 0; i++) {
		const struct thresholds *limit =
		    task_rule_for(o->tasks.rules, o->tasks.nrules, np[i].name, &o->tasks.runtime);
		const struct perfdata items[] = {
		    {"_active", (double)np[i].active, "", NULL, 1, 0, 0, 0},
		    {"_reserved", (double)np[i].reserved, "", NULL, 1, 0, 0, 0},
		    {"_runtime", np[i].longest, "s", limit, 1, 0, 0, 0},
		};
		for (size_t k = 0; k < 3; k++) {
			struct strbuf label = STRBUF_INIT;
			struct perfdata pd = items[k];
			strbuf_puts(&label, np[i].label);
			strbuf_puts(&label, items[k].label);
			pd.label = strbuf_str(&label) ? strbuf_str(&label) : items[k].label;
			report_perf(r, &pd);
			strbuf_free(&label);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(np[i].label);
	name_map_free(&seen);
	return without;
}

static void write_subchecks(const struct options *o, const struct task_tally *t, long long unresponsive,
                            struct report *r)
{
	struct strbuf text = STRBUF_INIT;

	strbuf_printf(&text, "%lld tasks held by incompatible workers", t->stale_active + t->stale_reserved);
	report_subcheck(r, thresholds_state(&o->tasks.stale, (double)(t->stale_active + t->stale_reserved)),
	                strbuf_str(&text));
	strbuf_free(&text);
	if (t->longest != NULL) {
		strbuf_puts(&text, "longest running: ");
		describe_running(&text, t->longest, t->longest_runtime);
		report_subcheck(r, t->runtime_state, strbuf_str(&text));
		strbuf_free(&text);
	}
	if (t->ahead_limited > 0) {
		strbuf_printf(&text,
		              "the running time of %lld tasks cannot be judged: their workers' clocks are "
		              "ahead of this host's",
		              t->ahead_limited);
		report_subcheck(r, STATE_UNKNOWN, strbuf_str(&text));
		strbuf_free(&text);
	}
	if (unresponsive > 0) {
		strbuf_printf(&text, "the tasks of %lld workers are not known", unresponsive);
		report_subcheck(r, thresholds_state(&o->unresponsive, (double)unresponsive),
		                strbuf_str(&text));
		strbuf_free(&text);
	}
}

static void write_json(const struct options *o, const struct probe *p, const struct task_judging *j,
                       const struct task_list *l, const struct task_tally *t, json_object *doc)
{
	json_object *counts = json_object_new_object();

	json_object_object_add(doc, "server_version",
	                       o->policy.expected ? json_object_new_string(o->policy.expected) : NULL);
	json_object_object_add(doc, "policy", policy_json(&o->policy));
	json_object_object_add(doc, "workers",
	                       fleet_workers_json(&p->fleet, &p->presence.silent, o->queues, o->nqueues));
	json_object_object_add(counts, "active", json_object_new_int64(t->active));
	json_object_object_add(counts, "reserved", json_object_new_int64(t->reserved));
	json_object_object_add(counts, "stale_active", json_object_new_int64(t->stale_active));
	json_object_object_add(counts, "stale_reserved", json_object_new_int64(t->stale_reserved));
	json_object_object_add(counts, "workers", json_object_new_int64(t->workers));
	json_object_object_add(counts, "unknown", json_object_new_int64(t->unknown));
	json_object_object_add(counts, "ahead", json_object_new_int64(t->ahead));
	json_object_object_add(counts, "ahead_limited", json_object_new_int64(t->ahead_limited));
	json_object_object_add(counts, "malformed", json_object_new_int64(l->malformed));
	json_object_object_add(counts, "held_twice", json_object_new_int64(l->twice));
	json_object_object_add(doc, "counts", counts);
	json_object_object_add(doc, "longest_runtime",
	                       t->longest != NULL ? json_object_new_double(t->longest_runtime) : NULL);
	json_object_object_add(doc, "tasks", tasks_json(j, l));
}

static int judge(const struct options *o, struct probe *p, struct report *r, json_object *doc,
                 struct error *err)
{
	struct task_list l;
	struct task_tally t;
	struct task_judging j = {&p->fleet,         o->mode == MODE_BOTH ? &p->heard : NULL,
	                         o->queues,         o->nqueues,
	                         o->tasks.globs,    o->tasks.nglobs,
	                         o->tasks.rules,    o->tasks.nrules,
	                         &o->tasks.runtime, 0};
	long long unresponsive, stale, without;

	memset(&l, 0, sizeof(l));
	if (probe_write_blocked(p) != NULL && p->subscribed > 0) /* none: reported as nobody listening */
		return error_set(
		    err, ERROR_USAGE,
		    "no broadcast can be sent, so no task can be asked for: kombu's key separator "
		    "is unknown (%s); give --transport-option sep=SEP",
		    probe_write_blocked(p));
	/* a cut already (the listener's, with -m both) is kept, and nothing more is asked */
	if (!p->collection_cut && p->cut.kind == ERROR_NONE && p->fleet.n > 0 &&
	    ask_tasks(o, p, &l, err) < 0) {
		tasks_free(&l);
		return -1;
	}
	j.now = clock_wall();
	task_tally(&j, &l, &t);
	stale = t.stale_active + t.stale_reserved;
	unresponsive = fleet_unresponsive(&p->fleet) + t.unknown;
	r->state = state_worst(thresholds_state(&o->tasks.stale, (double)stale), t.runtime_state);
	if (t.ahead_limited > 0) /* limits were given that these tasks' times cannot be held to */
		r->state = state_worst(r->state, STATE_UNKNOWN);
	if (!p->collection_cut && p->cut.kind == ERROR_NONE)
		r->state = state_worst(r->state, thresholds_state(&o->unresponsive, (double)unresponsive));
	if (t.workers + t.unknown == 0 && !p->collection_cut &&
	    (o->nworkers == 0 || (o->nqueues > 0 && some_worker_answered(&p->fleet))))
		r->state =
		    STATE_CRITICAL; /* no worker (on the -Q queues): no task can run, none can be seen */
	write_summary(o, p, &j, &l, &t, &r->summary);
	write_subchecks(o, &t, unresponsive, r);
	{
		const struct perfdata items[] = {
		    {"active", (double)t.active, "", NULL, 1, 0, 0, 0},
		    {"reserved", (double)t.reserved, "", NULL, 1, 0, 0, 0},
		    {"stale_active", (double)t.stale_active, "", NULL, 1, 0, 0, 0},
		    {"stale_reserved", (double)t.stale_reserved, "", NULL, 1, 0, 0, 0},
		    {"stale_tasks", (double)stale, "", &o->tasks.stale, 1, 0, 0, 0},
		    {"longest_runtime", t.longest != NULL ? t.longest_runtime : 0, "s",
		     t.longest != NULL
		         ? task_rule_for(o->tasks.rules, o->tasks.nrules, t.longest->name, &o->tasks.runtime)
		         : &o->tasks.runtime,
		     1, 0, 0, 0},
		    {"unresponsive", (double)unresponsive, "", &o->unresponsive, 1, 0, 0, 0},
		};
		for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++)
			report_perf(r, &items[i]);
	}
	without = o->tasks.nglobs > 0 ? write_name_perf(o, &j, &l, r) : 0;
	if (without < 0) {
		tasks_free(&l);
		return error_set(err, ERROR_NOMEM, "out of memory writing the perfdata of task names");
	}
	if (without > 0)
		strbuf_printf(&r->details, "perfdata for %d task names, not for %lld more\n", TASK_PERF_MOST,
		              without);
	if (o->verbose) {
		describe_tasks(&r->details, &j, &l);
		if (o->mode != MODE_HEARTBEAT)
			fleet_describe_broadcast(&r->details, &p->fleet);
	}
	if (o->json)
		write_json(o, p, &j, &l, &t, doc);
	tasks_free(&l);
	return 0;
}

static const struct plugin check = {
    "check_celery_tasks",
    "CELERY TASKS",
    &tasks_options,
    "What the Celery workers on a Redis or RabbitMQ broker hold (Celery's reserved\n"
    "and active tasks): the tasks held by incompatible workers, a WARNING from one,\n"
    "and the longest running task, by name, worker and id; never its arguments.",
    " check_celery_tasks -H 127.0.0.1 -e 0.12.0\n"
    "   OK while no incompatible worker holds a task.\n"
    " check_celery_tasks -u redis://broker:6379/0 -e 0.12.0 --runtime-warning 600 \\\n"
    "            --task-runtime 'app.tasks.report=3600:7200' -m both\n"
    "   WARNING when a task has run over 10 minutes (a report over an hour), by the\n"
    "   worker's clock corrected by its heartbeat.\n",
    judge,
};

int main(int argc, char **argv)
{
	return plugin_main(&check, argc, argv);
}
