/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_celery_worker_versions: is every Celery worker on the broker running the expected version? */
#include "plugin.h"

#include "fleet_format.h"
#include "name_list.h"
#include "perfdata.h"

#include <stdlib.h>
#include <string.h>

struct tally {
	long long workers, compatible, incompatible, untagged, unresponsive;
};

static void tally_workers(const struct options *o, const struct fleet *f, struct tally *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < f->n; i++) {
		const struct worker *w = &f->workers[i];
		if (!worker_consumes_any(w, o->queues, o->nqueues))
			continue;
		t->workers++;
		if (verdict_is_compatible(w->verdict))
			t->compatible++;
		else
			t->incompatible++;
		if (w->node != NULL && w->name.version == NULL)
			t->untagged++;
	}
	t->unresponsive = fleet_unresponsive(f);
}

/* Workers that did not answer are unresponsive when the wait ran its course; after a cut (a signal, the
 * time limit) they are only not heard from, and the cut is reported instead. */
static void write_summary(const struct options *o, const struct probe *p, const struct tally *t,
                          struct strbuf *sb)
{
	const struct fleet *f = &p->fleet;
	int silence_judged = !p->collection_cut;
	struct name_list l = name_list_start(sb, "; incompatible: ");

	strbuf_printf(sb, "%lld of %lld workers", t->compatible, t->workers);
	if (o->nqueues > 0) {
		strbuf_puts(sb, " on ");
		for (size_t i = 0; i < o->nqueues; i++) {
			strbuf_puts(sb, i ? "," : "");
			strbuf_put_clean(sb, o->queues[i]);
		}
	}
	strbuf_puts(sb, " compatible with ");
	version_policy_words(&o->policy, sb);
	if (f->stats.received == 0 && f->stats.counted) {
		strbuf_puts(sb, "; ");
		probe_describe_nowhere(p, sb);
	} else if (f->stats.received == 0 && !f->stats.addressed) { /* RabbitMQ, no worker known */
		strbuf_printf(sb, "; no worker answered within %.3g s", p->waited);
	}
	for (size_t i = 0; i < f->n; i++) {
		const struct worker *w = &f->workers[i];
		if (!verdict_is_compatible(w->verdict) && worker_consumes_any(w, o->queues, o->nqueues) &&
		    name_list_add(&l))
			worker_describe_incompatible(sb, w);
	}
	name_list_end(&l);
	if (t->unresponsive > 0 && silence_judged)
		strbuf_printf(sb, "; %lld unresponsive (received the broadcast, no answer within %g s)",
		              t->unresponsive, o->inspect_timeout);
}

static void write_details(const struct options *o, const struct fleet *f, struct strbuf *sb)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct worker *w = &f->workers[i];
		if (w->node == NULL) {
			strbuf_puts(sb, "(unnamed worker): incompatible");
		} else {
			strbuf_put_clean(sb, w->node);
			strbuf_puts(sb, ": ");
			if (w->name.version != NULL) {
				strbuf_puts(sb, "version ");
				strbuf_put_clean(sb, w->name.version);
			} else {
				strbuf_puts(sb, "untagged");
			}
			strbuf_printf(sb, ", %s",
			              verdict_is_compatible(w->verdict) ? "compatible" : "incompatible");
		}
		if (w->queues_known) {
			strbuf_puts(sb, "; queues: ");
			for (size_t j = 0; j < w->nqueues; j++) {
				strbuf_puts(sb, j ? ", " : "");
				strbuf_put_clean(sb, w->queues[j]);
			}
			if (w->nqueues == 0)
				strbuf_puts(sb, "none");
		}
		if (w->problem != NULL) {
			strbuf_puts(sb, "; ");
			strbuf_put_clean(sb, w->problem);
		}
		if (!worker_consumes_any(w, o->queues, o->nqueues))
			strbuf_puts(sb, " (not counted: consumes none of the -Q queues)");
		if (w->state != WORKER_OK || w->heard) {
			strbuf_puts(sb, "; ");
			worker_describe_presence(sb, w, clock_wall());
		}
		strbuf_putc(sb, '\n');
	}
	if (o->mode != MODE_HEARTBEAT)
		fleet_describe_broadcast(sb, f);
}

/* One subcheck per worker that is not compatible (the state the incompatible count gives), one for the
 * unresponsive, and last the fleet's, which carries the perfdata. */
static void write_subchecks(const struct options *o, const struct probe *p, const struct tally *t,
                            long long unheard, struct report *r)
{
	const struct fleet *f = &p->fleet;
	enum state each = thresholds_state(&o->incompatible, (double)t->incompatible);
	struct strbuf text = STRBUF_INIT;

	for (size_t i = 0; i < f->n; i++) {
		const struct worker *w = &f->workers[i];
		if (verdict_is_compatible(w->verdict) || !worker_consumes_any(w, o->queues, o->nqueues))
			continue;
		strbuf_free(&text);
		worker_describe_incompatible(&text, w);
		report_subcheck(r, each, strbuf_str(&text) ? strbuf_str(&text) : "");
	}
	strbuf_free(&text);
	if (t->unresponsive > 0) {
		strbuf_printf(&text, "%lld workers received the broadcast and did not answer",
		              t->unresponsive);
		report_subcheck(r,
		                p->collection_cut
		                    ? STATE_OK
		                    : thresholds_state(&o->unresponsive, (double)t->unresponsive),
		                strbuf_str(&text));
		strbuf_free(&text);
	}
	strbuf_printf(&text, "%lld of %lld workers compatible with ", t->compatible, t->workers);
	version_policy_words(&o->policy, &text);
	report_subcheck(r, thresholds_state(&o->compatible, (double)(t->compatible + unheard)),
	                strbuf_str(&text));
	strbuf_free(&text);
}

/* The reference document's shape: workers by node name with queues, version and compatible. */
static int write_json(const struct options *o, const struct probe *p, const struct tally *t, json_object *doc,
                      struct error *err)
{
	struct queue_rules rules = {&o->compatible, &o->incompatible, &o->backlog, 0};
	json_object *counts = json_object_new_object();
	struct queue *qs;
	size_t nq;
	const struct fleet *f = &p->fleet;
	long long unreadable = 0;

	json_object_object_add(doc, "server_version",
	                       o->policy.expected ? json_object_new_string(o->policy.expected) : NULL);
	json_object_object_add(doc, "policy", policy_json(&o->policy));
	for (size_t i = 0; i < f->n; i++)
		unreadable += f->workers[i].node == NULL;
	json_object_object_add(doc, "workers",
	                       fleet_workers_json(f, &p->presence.silent, o->queues, o->nqueues));
	json_object_object_add(counts, "workers", json_object_new_int64(t->workers));
	json_object_object_add(counts, "compatible", json_object_new_int64(t->compatible));
	json_object_object_add(counts, "incompatible", json_object_new_int64(t->incompatible));
	json_object_object_add(counts, "untagged", json_object_new_int64(t->untagged));
	json_object_object_add(counts, "unresponsive", json_object_new_int64(t->unresponsive));
	json_object_object_add(counts, "unreadable", json_object_new_int64(unreadable));
	json_object_object_add(counts, "received", json_object_new_int64(f->stats.received));
	json_object_object_add(counts, "hidden", json_object_new_int64(p->presence.hidden));
	json_object_object_add(doc, "counts", counts);
	if (o->nqueues > 0)
		json_object_object_add(doc, "queues", json_string_array(o->queues, o->nqueues));
	if (queue_judge_consumed(f, &rules, o->queues, o->nqueues, &qs, &nq, err) < 0)
		return -1;
	json_object_object_add(doc, "queue_health", queue_health_json(qs, nq));
	free(qs);
	return 0;
}

static int judge(const struct options *o, struct probe *p, struct report *r, json_object *doc,
                 struct error *err)
{
	const struct fleet *f = &p->fleet;
	struct tally t;
	long long unheard;
	const struct perfdata items[] = {
	    {"workers", 0, "", NULL, 1, 0, 0, 0},
	    {"compatible", 0, "", &o->compatible, 1, 0, 0, 0},
	    {"incompatible", 0, "", &o->incompatible, 1, 0, 0, 0},
	    {"untagged", 0, "", NULL, 1, 0, 0, 0},
	    {"unresponsive", 0, "", &o->unresponsive, 1, 0, 0, 0},
	};
	(void)err;

	tally_workers(o, f, &t);
	/* Cut short (a signal, the time limit): the workers not heard from may be compatible, so too few
	 * compatible workers is only a finding if it holds with them counted. */
	unheard = probe_unheard(p);
	r->state = state_worst(thresholds_state(&o->incompatible, (double)t.incompatible),
	                       thresholds_state(&o->compatible, (double)(t.compatible + unheard)));
	if (!p->collection_cut)
		r->state = state_worst(r->state, thresholds_state(&o->unresponsive, (double)t.unresponsive));
	write_summary(o, p, &t, &r->summary);
	write_subchecks(o, p, &t, unheard, r);
	{
		const long long values[] = {t.workers, t.compatible, t.incompatible, t.untagged,
		                            t.unresponsive};
		for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
			struct perfdata pd = items[i];
			pd.value = (double)values[i];
			report_perf(r, &pd);
		}
	}
	if (o->verbose)
		write_details(o, f, &r->details);
	return o->json ? write_json(o, p, &t, doc, err) : 0;
}

static const struct plugin check = {
    "check_celery_worker_versions",
    "CELERY WORKERS",
    &worker_versions_options,
    "Finds the Celery workers on a Redis or RabbitMQ broker that run the wrong\n"
    "version: each worker's version is read from its node name (NAME-vVERSION@HOST;\n"
    "celery@HOST has none, and counts incompatible) and held to -e or --accept.",
    " check_celery_worker_versions -H 127.0.0.1 -e 0.12.0\n"
    "   OK while every worker runs 0.12.0 and at least one does.\n"
    " check_celery_worker_versions -u redis://broker:6379/0 -e 0.12.0 -Q gpu -c 0 -v\n"
    "   Only workers consuming gpu count; CRITICAL if any of them is incompatible.\n",
    judge,
};

int main(int argc, char **argv)
{
	return plugin_main(&check, argc, argv);
}
