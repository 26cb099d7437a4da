/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_celery_queue_health: does every queue have enough consumers running the expected version, and how
 * many messages wait in it? */
#include "plugin.h"

#include "edit_distance.h"
#include "fleet_format.h"
#include "name_list.h"
#include "name_map.h"
#include "perfdata.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Celery's own queues, which carry no tasks: control (NODE.NS.pidbox, OID.reply.NS.pidbox) and events
 * (celeryev.UUID). */
static int internal_queue(const char *name)
{
	size_t n = strlen(name);

	return (n >= 7 && strcmp(name + n - 7, ".pidbox") == 0) || strncmp(name, "celeryev.", 9) == 0;
}

static int excluded(const struct options *o, const char *name)
{
	for (size_t i = 0; i < o->nexclude; i++)
		if (fnmatch(o->exclude[i], name, 0) == 0)
			return 1;
	return 0;
}

/* The queues to judge: -Q; else every queue the broker's binding sets name, every queue an answering worker
 * consumes or consumed within the state file's memory, but Celery's own and the excluded ones; sorted and
 * unique. */
static const char **queue_names(const struct options *o, struct probe *p, size_t *n)
{
	const struct fleet *f = &p->fleet;
	size_t total = o->nqueues, k = 0;
	const char **names;

	if (o->nqueues == 0) {
		total = p->nrouted + p->seen.nqueues;
		for (size_t i = 0; i < f->n; i++)
			total += f->workers[i].nqueues;
	}
	if ((names = calloc(total ? total : 1, sizeof(*names))) == NULL)
		return NULL;
	if (o->nqueues > 0) {
		for (size_t i = 0; i < o->nqueues; i++)
			names[k++] = o->queues[i];
		*n = k;
		return names;
	}
	for (size_t i = 0; i < f->n; i++)
		for (size_t j = 0; j < f->workers[i].nqueues; j++)
			names[k++] = f->workers[i].queues[j];
	for (size_t i = 0; i < p->seen.nqueues;
	     i++) /* consumed in the last days: judged though none does now */
		names[k++] = p->seen.queues[i].node;
	for (size_t i = 0; i < p->nrouted; i++)
		names[k++] = p->routed[i];
	qsort(names, k, sizeof(*names), by_name);
	total = 0;
	for (size_t i = 0; i < k; i++)
		if ((total == 0 || strcmp(names[total - 1], names[i]) != 0) && !internal_queue(names[i]) &&
		    !excluded(o, names[i]))
			names[total++] = names[i];
	*n = total;
	return names;
}

/* Appends the consumers of q that are (or are not) compatible, comma-separated: at most max, then
 * "and N more". */
static void list_consumers(struct strbuf *sb, const struct fleet *f, const char *queue, int compatible,
                           long long max)
{
	struct name_list l = name_list_start(sb, "");

	l.max = max;
	l.budgeted = 0;
	for (size_t i = 0; i < f->n; i++) {
		const struct worker *w = &f->workers[i];
		if (!worker_consumes(w, queue) || verdict_is_compatible(w->verdict) != compatible ||
		    !name_list_add(&l))
			continue;
		if (compatible)
			strbuf_put_clean(sb, w->node);
		else
			worker_describe_incompatible(sb, w);
	}
	name_list_end(&l);
}

/* Keeps name in closest when it is among the three closest to queue so far. */
static void consider(const char *queue, const char *name, const char **closest, size_t *dist)
{
	size_t limit = strlen(queue) / 3 > 2 ? strlen(queue) / 3 : 2, d = edit_distance(queue, name, limit);

	for (size_t i = 0; i < 3 && d <= limit; i++) {
		if (closest[i] != NULL && strcmp(closest[i], name) == 0)
			return;
		if (closest[i] == NULL || d < dist[i]) {
			for (size_t j = 2; j > i; j--) {
				closest[j] = closest[j - 1];
				dist[j] = dist[j - 1];
			}
			closest[i] = name;
			dist[i] = d;
			return;
		}
	}
}

/* "gpu: 3 waiting, no compatible consumer", "io: no compatible consumer, 0 waiting",
 * "celery: 1 compatible, 1 incompatible [NAME (untagged)], 0 waiting" */
static void describe_queue(struct strbuf *sb, const struct fleet *f, const struct queue *q)
{
	strbuf_put_clean(sb, q->name);
	if (q->starved)
		strbuf_printf(sb, ": %lld waiting, no compatible consumer", q->backlog);
	else if (q->compatible == 0)
		strbuf_puts(sb, ": no compatible consumer");
	else
		strbuf_printf(sb, ": %lld compatible", q->compatible);
	if (q->incompatible > 0) {
		strbuf_printf(sb, ", %lld incompatible [", q->incompatible);
		list_consumers(sb, f, q->name, 0, REPORT_MAX_NAMED);
		strbuf_putc(sb, ']');
	}
	if (q->hidden > 0)
		strbuf_printf(sb, ", %lld hidden consumer%s (no answering worker accounts for %s)", q->hidden,
		              q->hidden == 1 ? "" : "s", q->hidden == 1 ? "it" : "them");
	if (q->unreadable != NULL) {
		strbuf_puts(sb, ", cannot count its messages: ");
		strbuf_put_clean(sb, q->unreadable);
	} else if (q->backlog < 0) {
		strbuf_puts(sb, ", backlog not read");
	} else if (!q->starved)
		strbuf_printf(sb, ", %lld waiting", q->backlog);
	if (q->unknown) {
		strbuf_puts(sb, " (the broker knows no queue ");
		strbuf_put_clean(sb, q->name);
		for (size_t i = 0; i < 3 && q->closest[i] != NULL; i++) {
			strbuf_puts(sb, i ? ", " : "; closest: ");
			strbuf_put_clean(sb, q->closest[i]);
		}
		strbuf_putc(sb, ')');
	}
}

/* The known names closest to an unknown queue's: the queues the broker's binding sets route to (from
 * their members from on) and those the workers consume. */
static void find_closest(const struct probe *p, struct queue *q)
{
	size_t dist[3];

	for (size_t k = 0; k < p->nrouted; k++)
		if (!internal_queue(p->routed[k]))
			consider(q->name, p->routed[k], q->closest, dist);
	for (size_t w = 0; w < p->fleet.n; w++)
		for (size_t j = 0; j < p->fleet.workers[w].nqueues; j++)
			consider(q->name, p->fleet.workers[w].queues[j], q->closest, dist);
}

/* A queue named by -Q that no worker consumes may be new, or a typo: when the broker has no binding set for
 * it either (among those the probe read: the known ones and a slice of the keyspace), say so and name the
 * known queues closest to it. */
static void spot_unknown_queues(const struct options *o, const struct probe *p, struct queue *qs, size_t n)
{
	struct name_map bound = NAME_MAP_INIT; /* the queues the broker's binding sets route to */
	int any = 0;

	for (size_t i = 0; i < n; i++)
		any |= qs[i].compatible + qs[i].incompatible == 0;
	/* RabbitMQ says itself which queues it has (each queue's figures): no guess from routes */
	if (!any || o->nqueues == 0 || p->cut.kind != ERROR_NONE || !p->discovered || p->amqp)
		return;
	for (size_t i = 0; i < p->nrouted; i++) {
		if (name_map_put(&bound, p->routed[i], i, NULL) < 0) {
			name_map_free(&bound);
			return; /* out of memory: no hint, the judgement stands */
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct queue *q = &qs[i];
		if (q->compatible + q->incompatible > 0 || name_map_get(&bound, q->name, NULL))
			continue;
		q->unknown = 1;
		find_closest(p, q);
	}
	name_map_free(&bound);
}

/* Workers that answered without a readable queue list: any of them may be a consumer the broker counts. */
static long long unlisted(const struct fleet *f)
{
	long long n = 0;

	for (size_t i = 0; i < f->n; i++)
		n += !f->workers[i].queues_known;
	return n;
}

/* As in check_celery_worker_versions, workers not heard from are unresponsive only when the wait was not
 * cut short. */
static void write_summary(const struct options *o, const struct probe *p, const struct queue *qs, size_t n,
                          struct strbuf *sb)
{
	const struct fleet *f = &p->fleet;
	int silence_judged = !p->collection_cut;
	struct name_list l = name_list_start(sb, "");
	size_t unhealthy = 0;

	l.separator = "; ";
	l.and_more = "; and ";
	l.noun = " unhealthy queues";
	if (o->mode == MODE_HEARTBEAT)
		strbuf_puts(sb, "-m heartbeat hears no consumer lists: backlogs only; ");
	if (n == 0 && o->nexclude > 0)
		strbuf_puts(
		    sb, "no queue to judge: --exclude-queue excluded every queue the broker and the workers "
		        "name");
	else if (n == 0)
		strbuf_puts(
		    sb, "no queue to judge: the broker knows none, no worker answered and no -Q was given");
	/* Starved queues first, then the other unhealthy ones, worst first; those that could not be judged
	 * (UNKNOWN) after the CRITICAL ones. */
	static const enum state order[] = {STATE_CRITICAL, STATE_CRITICAL, STATE_UNKNOWN, STATE_WARNING};
	for (int pass = 0; pass < 4; pass++) {
		for (size_t i = 0; i < n; i++) {
			const struct queue *q = &qs[i];
			int wanted = pass == 0 ? q->starved : !q->starved && q->state == order[pass];
			if (!wanted)
				continue;
			unhealthy++;
			if (name_list_add(&l))
				describe_queue(sb, f, q);
		}
	}
	name_list_end(&l);
	if (unhealthy == 0 && n > 0) {
		strbuf_printf(sb, "%zu queue%s %s: ", n, n == 1 ? "" : "s",
		              p->cut.kind != ERROR_NONE ? "not found unhealthy before the check was cut short"
		              : o->mode == MODE_HEARTBEAT ? "within their backlog ranges"
		                                          : "healthy with compatible consumers");
		struct name_list healthy = name_list_start(sb, "");
		healthy.budgeted = 0;
		for (size_t i = 0; i < n; i++)
			if (name_list_add(&healthy))
				strbuf_put_clean(sb, qs[i].name);
		name_list_end(&healthy);
	}
	if (fleet_unresponsive(f) > 0 && silence_judged)
		strbuf_printf(sb,
		              "; %lld workers unresponsive (received the broadcast, no answer within %g s)",
		              fleet_unresponsive(f), o->inspect_timeout);
	if (f->stats.received == 0 && f->stats.counted) {
		strbuf_puts(sb, "; ");
		probe_describe_nowhere(p, sb);
	}
}

static void write_details(const struct options *o, const struct fleet *f, const struct queue *qs, size_t n,
                          struct strbuf *sb)
{
	for (size_t i = 0; i < n; i++) {
		const struct queue *q = &qs[i];
		strbuf_put_clean(sb, q->name);
		strbuf_printf(sb, ": %s; ", state_name(q->state));
		if (q->unreadable != NULL) {
			strbuf_puts(sb, "cannot count its messages: ");
			strbuf_put_clean(sb, q->unreadable);
			strbuf_puts(sb, "; incompatible: ");
		} else if (q->unknown && q->consumers_known) {
			strbuf_puts(sb, "the broker knows no such queue; incompatible: ");
		} else if (q->backlog < 0)
			strbuf_puts(sb, "backlog not read; incompatible: ");
		else
			strbuf_printf(sb, "%lld waiting; incompatible: ", q->backlog);
		list_consumers(sb, f, q->name, 0, REPORT_MAX_DETAIL);
		strbuf_puts(sb, q->incompatible ? "" : "none");
		strbuf_puts(sb, "; compatible: ");
		list_consumers(sb, f, q->name, 1, REPORT_MAX_DETAIL);
		strbuf_puts(sb, q->compatible ? "\n" : "none\n");
	}
	if (o->mode != MODE_HEARTBEAT)
		fleet_describe_broadcast(sb, f);
}

/* The thresholds hidden consumers are judged by (queue_judge): a WARNING from one. */
static const struct thresholds *hidden_warns(void)
{
	static struct thresholds t;

	if (!t.has_warn) {
		range_parse("0", &t.warn, NULL);
		t.has_warn = 1;
	}
	return &t;
}

/* One subcheck per queue with its perfdata, then one for the broadcast with the fleet's. */
static void write_subchecks(const struct options *o, const struct fleet *f, const struct queue *qs, size_t n,
                            struct report *r)
{
	struct strbuf label = STRBUF_INIT, text = STRBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		static const char *const suffix[] = {"_compatible", "_incompatible", "_backlog", "_hidden",
		                                     "_unacked"};
		const struct thresholds *thr[] = {&o->compatible, &o->incompatible, &o->backlog,
		                                  hidden_warns(), NULL};
		const long long value[] = {qs[i].compatible, qs[i].incompatible, qs[i].backlog, qs[i].hidden,
		                           qs[i].unacked};
		if (report_wants_subchecks(r)) {
			strbuf_free(&text);
			describe_queue(&text, f, &qs[i]);
			report_subcheck(r, qs[i].state, strbuf_str(&text) ? strbuf_str(&text) : "");
		}
		for (int k = 0; k < 5; k++) {
			struct perfdata pd = {NULL, (double)value[k], "", thr[k], 1, 0, 0, 0};
			if ((k == 2 && qs[i].backlog < 0) || (k == 3 && !qs[i].consumers_known) ||
			    (k == 4 && !qs[i].unacked_known))
				continue; /* not read, or not known on this broker (without the management
				             API) */
			strbuf_clear(&label);
			strbuf_puts(&label, qs[i].name);
			strbuf_puts(&label, suffix[k]);
			pd.label = strbuf_str(&label) ? strbuf_str(&label) : "";
			report_perf(r, &pd);
		}
	}
	strbuf_free(&label);
	strbuf_free(&text);
	{
		struct perfdata pd = {
		    "unresponsive", (double)fleet_unresponsive(f), "", &o->unresponsive, 1, 0, 0, 0};
		strbuf_printf(&text, "broadcast reached %lld workers, %lld answered", f->stats.received,
		              f->stats.answered);
		report_subcheck(r, thresholds_state(&o->unresponsive, (double)fleet_unresponsive(f)),
		                strbuf_str(&text));
		strbuf_free(&text);
		report_perf(r, &pd);
	}
}

static void write_json(const struct options *o, const struct probe *p, const struct queue *qs, size_t n,
                       json_object *doc)
{
	const struct fleet *f = &p->fleet;

	json_object_object_add(doc, "server_version",
	                       o->policy.expected ? json_object_new_string(o->policy.expected) : NULL);
	json_object_object_add(doc, "policy", policy_json(&o->policy));
	json_object_object_add(doc, "workers",
	                       fleet_workers_json(f, &p->presence.silent, o->queues, o->nqueues));
	json_object_object_add(doc, "queue_health", queue_health_json(qs, n));
	json_object_object_add(doc, "unresponsive", json_object_new_int64(fleet_unresponsive(f)));
	json_object_object_add(doc, "hidden", json_object_new_int64(p->presence.hidden));
}

static int judge(const struct options *o, struct probe *p, struct report *r, json_object *doc,
                 struct error *err)
{
	const struct fleet *f = &p->fleet;
	const char **names;
	struct queue *qs;
	struct queue_rules rules = {&o->compatible, &o->incompatible, &o->backlog, o->mode == MODE_HEARTBEAT};
	struct queue_figures *figs;
	size_t n = 0;
	int rc = -1;

	names = queue_names(o, p, &n);
	qs = calloc(n ? n : 1, sizeof(*qs));
	figs = calloc(n ? n : 1, sizeof(*figs));
	if (names == NULL || qs == NULL || figs == NULL) {
		error_set(err, ERROR_NOMEM, "out of memory judging queues");
		goto out;
	}
	/* After a cut (a signal, the time limit) the broker is not asked again; a cut while the backlogs are
	 * read is one too. Either way the backlogs are not known, and the summary says why first. */
	if (n > 0 && p->cut.kind == ERROR_NONE && probe_backlog(p, (char *const *)names, n, figs, err) < 0) {
		if (err == NULL || (err->kind != ERROR_TIMEOUT && err->kind != ERROR_CANCELLED))
			goto out;
		p->cut = *err;
	}
	for (size_t i = 0; i < n && p->cut.kind != ERROR_NONE; i++)
		figs[i] = (struct queue_figures){-1, -1, -1, 0, NULL};
	r->state = n == 0 ? STATE_CRITICAL : STATE_OK;
	for (size_t i = 0; i < n; i++) {
		qs[i].name = names[i];
		qs[i].backlog = figs[i].absent ? 0 : figs[i].backlog;
		qs[i].consumers_known = figs[i].consumers >= 0;
		qs[i].consumers = figs[i].consumers;
		qs[i].unacked_known = figs[i].unacked >= 0;
		qs[i].unacked = figs[i].unacked;
		qs[i].unreadable = figs[i].why;
		qs[i].unknown = figs[i].absent; /* the broker said so: no guess needed */
	}
	if (queue_count_consumers(f, qs, n, err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		queue_judge(&rules, probe_unheard(p) + unlisted(f), &qs[i]);
		if (qs[i].unknown)
			find_closest(p, &qs[i]);
		r->state = state_worst(r->state, qs[i].state);
	}
	if (!p->collection_cut)
		r->state =
		    state_worst(r->state, thresholds_state(&o->unresponsive, (double)fleet_unresponsive(f)));
	spot_unknown_queues(o, p, qs, n);
	write_summary(o, p, qs, n, &r->summary);
	write_subchecks(o, f, qs, n, r);
	if (o->verbose)
		write_details(o, f, qs, n, &r->details);
	if (o->json)
		write_json(o, p, qs, n, doc);
	rc = 0;
out:
	for (size_t i = 0; figs != NULL && i < n; i++)
		free(figs[i].why);
	free(figs);
	free(names);
	free(qs);
	return rc;
}

static const struct plugin check = {
    "check_celery_queue_health",
    "CELERY QUEUES",
    &queue_health_options,
    "For each queue on a Redis or RabbitMQ broker: how many of its consumers run an\n"
    "accepted version and how many do not, and how many messages wait. A queue with\n"
    "messages and no compatible consumer is CRITICAL. It never takes a message.",
    " check_celery_queue_health -H 127.0.0.1 -e 0.12.0 -Q gpu,celery\n"
    "   CRITICAL when gpu or celery has no consumer running 0.12.0, WARNING when a\n"
    "   stale one shares it.\n"
    " check_celery_queue_health -u redis://broker/0 -e 0.12.0 -Q reports \\\n"
    "            --backlog-warning 100 --backlog-critical 1000\n"
    "   Also alerts on more than 100 (1000) messages waiting in reports.\n",
    judge,
};

int main(int argc, char **argv)
{
	return plugin_main(&check, argc, argv);
}
