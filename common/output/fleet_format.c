/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleet_format: describing workers in text and JSON. */
#include "fleet_format.h"

#include "deadline.h"

#include <stdlib.h>

json_object *json_string_array(char *const *items, size_t n)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(items[i]));
	return a;
}

/* A worker's liveness fields: state, last_seen_age (seconds, null when never seen), and from its last
 * heartbeat active, processed and sw_ver (null when none was heard). */
static void add_presence_json(json_object *jw, const struct worker *w, double now)
{
	json_object_object_add(jw, "state", json_object_new_string(worker_state_name(w->state)));
	json_object_object_add(
	    jw, "last_seen_age",
	    w->last_seen > 0 ? json_object_new_double(now > w->last_seen ? now - w->last_seen : 0) : NULL);
	json_object_object_add(jw, "active",
	                       w->heard && w->active >= 0 ? json_object_new_int64(w->active) : NULL);
	json_object_object_add(jw, "processed",
	                       w->heard && w->processed >= 0 ? json_object_new_int64(w->processed) : NULL);
	json_object_object_add(jw, "sw_ver",
	                       w->heard && w->sw_ver[0] ? json_object_new_string(w->sw_ver) : NULL);
}

json_object *fleet_workers_json(const struct fleet *f, const struct fleet *silent, char *const *queues,
                                size_t n)
{
	json_object *workers = json_object_new_object();
	double now = clock_wall();

	for (size_t i = 0; silent != NULL && i < silent->n; i++) {
		const struct worker *w = &silent->workers[i];
		json_object *jw = json_object_new_object();
		json_object_object_add(jw, "queues", NULL);
		json_object_object_add(jw, "version",
		                       w->name.version ? json_object_new_string(w->name.version) : NULL);
		json_object_object_add(jw, "compatible",
		                       json_object_new_boolean(verdict_is_compatible(w->verdict)));
		json_object_object_add(jw, "verdict", json_object_new_string(verdict_name(w->verdict)));
		json_object_object_add(jw, "counted", json_object_new_boolean(0));
		add_presence_json(jw, w, now);
		json_object_object_add(workers, w->node, jw);
	}
	for (size_t i = 0; i < f->n; i++) {
		const struct worker *w = &f->workers[i];
		json_object *jw;

		if (w->node == NULL)
			continue;
		jw = json_object_new_object();
		json_object_object_add(jw, "queues",
		                       w->queues_known ? json_string_array(w->queues, w->nqueues) : NULL);
		json_object_object_add(jw, "version",
		                       w->name.version ? json_object_new_string(w->name.version) : NULL);
		json_object_object_add(jw, "compatible",
		                       json_object_new_boolean(verdict_is_compatible(w->verdict)));
		json_object_object_add(jw, "verdict", json_object_new_string(verdict_name(w->verdict)));
		json_object_object_add(jw, "counted",
		                       json_object_new_boolean(worker_consumes_any(w, queues, n)));
		if (w->problem != NULL)
			json_object_object_add(jw, "problem", json_object_new_string(w->problem));
		add_presence_json(jw, w, now);
		json_object_object_add(workers, w->node, jw);
	}
	return workers;
}

void worker_describe_incompatible(struct strbuf *sb, const struct worker *w)
{
	if (w->node == NULL) {
		strbuf_puts(sb, "a worker (");
		strbuf_put_clean(sb, w->problem ? w->problem : "unreadable reply");
		strbuf_putc(sb, ')');
		return;
	}
	strbuf_put_clean(sb, w->node);
	if (w->name.version == NULL) {
		strbuf_puts(sb, " (untagged)");
	} else {
		strbuf_puts(sb, " (version ");
		strbuf_put_clean(sb, w->name.version);
		strbuf_puts(sb, w->verdict == VERDICT_UNORDERABLE ? ", which cannot be ordered)" : ")");
	}
}

void fleet_describe_broadcast(struct strbuf *sb, const struct fleet *f)
{
	const struct inspect_stats *st = &f->stats;

	if (st->receivers == RECEIVERS_UNKNOWN)
		strbuf_printf(
		    sb,
		    "broadcast: %lld workers answered in %.3f s; the broker cannot count who receives "
		    "a broadcast and no worker was known from an earlier check, so the whole wait ran",
		    st->answered, st->elapsed);
	else if (st->receivers == RECEIVERS_KNOWN && !st->addressed) {
		strbuf_printf(
		    sb,
		    "broadcast reached %lld workers (%lld known from earlier checks, with a consumer "
		    "on their control queue), %lld answered in %.3f s",
		    st->received, st->known, st->answered, st->elapsed);
		if (st->linger > 0)
			strbuf_printf(sb, ", the last %.3f s waited for workers no earlier check saw",
			              st->linger);
	} else
		strbuf_printf(sb, "broadcast reached %lld workers, %lld answered in %.3f s", st->received,
		              st->answered, st->elapsed);
	if (f->stats.ignored > 0 || f->duplicates > 0)
		strbuf_printf(sb, "; %lld messages ignored, %lld duplicate replies", f->stats.ignored,
		              f->duplicates);
	if (f->stats.elsewhere > 0)
		strbuf_printf(sb, "; %lld more workers of other databases heard it on /{db}.",
		              f->stats.elsewhere);
	strbuf_putc(sb, '\n');
	for (size_t i = 0; i < f->nnotes; i++)
		strbuf_printf(sb, "%s\n", f->notes[i]);
	if (f->stats.cleanup_failed) {
		strbuf_puts(sb, "could not remove the reply queue from the broker: ");
		strbuf_put_clean(sb, f->stats.cleanup_error);
		strbuf_putc(sb, '\n');
	}
}

json_object *policy_json(const struct version_policy *p)
{
	struct strbuf sb = STRBUF_INIT;
	json_object *words;

	version_policy_words(p, &sb);
	words = json_object_new_string(strbuf_str(&sb) ? strbuf_str(&sb) : "");
	strbuf_free(&sb);
	return words;
}

void describe_age(struct strbuf *sb, double last_seen, double now)
{
	double age = now - last_seen;

	if (last_seen <= 0)
		strbuf_puts(sb, "never seen by this check");
	else if (age < 120)
		strbuf_printf(sb, "last seen %.0f s ago", age < 0 ? 0 : age);
	else if (age < 7200)
		strbuf_printf(sb, "last seen %.0f min ago", age / 60);
	else if (age < 172800)
		strbuf_printf(sb, "last seen %.0f h ago", age / 3600);
	else
		strbuf_printf(sb, "last seen %.0f d ago", age / 86400);
}

void worker_describe_presence(struct strbuf *sb, const struct worker *w, double now)
{
	strbuf_puts(sb, worker_state_name(w->state));
	strbuf_puts(sb, ", ");
	describe_age(sb, w->state == WORKER_OK && !w->heard ? now : w->last_seen, now);
	if (w->heard && w->active >= 0)
		strbuf_printf(sb, ", %lld active", w->active);
	if (w->heard && w->processed >= 0)
		strbuf_printf(sb, ", %lld processed", w->processed);
	if (w->heard && w->sw_ver[0] != '\0') {
		strbuf_puts(sb, ", Celery ");
		strbuf_put_clean(sb, w->sw_ver);
	}
}

/* One queue's consumers as the queue plugin's JSON shows them, backlog unknown. */
json_object *queue_health_json(const struct queue *qs, size_t n)
{
	json_object *health = json_object_new_object();

	for (size_t i = 0; i < n; i++) {
		json_object *jq = json_object_new_object();
		json_object_object_add(jq, "healthy", json_object_new_boolean(qs[i].state == STATE_OK));
		json_object_object_add(jq, "state", json_object_new_string(state_name(qs[i].state)));
		json_object_object_add(jq, "compatible_workers", json_object_new_int64(qs[i].compatible));
		json_object_object_add(jq, "incompatible_workers", json_object_new_int64(qs[i].incompatible));
		json_object_object_add(jq, "backlog",
		                       qs[i].backlog < 0 ? NULL : json_object_new_int64(qs[i].backlog));
		json_object_object_add(jq, "starved", json_object_new_boolean(qs[i].starved));
		if (qs[i].consumers_known) { /* the broker's own count: RabbitMQ */
			json_object_object_add(jq, "consumers", json_object_new_int64(qs[i].consumers));
			json_object_object_add(jq, "hidden_consumers", json_object_new_int64(qs[i].hidden));
		}
		if (qs[i].unacked_known) /* RabbitMQ's management API */
			json_object_object_add(jq, "unacked", json_object_new_int64(qs[i].unacked));
		if (qs[i].unreadable != NULL)
			json_object_object_add(jq, "backlog_error", json_object_new_string(qs[i].unreadable));
		json_object_object_add(health, qs[i].name, jq);
	}
	return health;
}
