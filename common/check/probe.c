/* SPDX-License-Identifier: GPL-3.0-or-later */
/* probe: deadlines, signals, connect, bindings and collect, shared by both plugins. */
#include "probe.h"

#include "cancel.h"
#include "backlog.h"
#include "cast.h"
#include "control.h"
#include "fleet_collect.h"
#include "probe_broker.h"
#include "probe_rabbit.h"
#include "sep_choice.h"
#include "sweep.h"
#include "watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Time kept back from -t for removing our keys after a collection that ran long: a fifth of it, from
 * 0.25 s to 0.5 s. Redis ends a blocking pop up to 100 ms after its timeout (its clock ticks at 10 Hz), the
 * cleanup needs two round trips and, when replies may be on their way, 50 ms more. */
static double cleanup_reserve(double timeout)
{
	double r = timeout * 0.2;
	return r < 0.25 ? 0.25 : r > 0.5 ? 0.5 : r;
}

/* How long after its timeout a blocking pop may end: Redis's 100 ms clock, and a little more. */
#define POP_LATENESS 0.15

/* Keys of the keyspace SCAN looks at per check for binding sets: about 3.5 ms of a Redis 7.0's time and
 * 6 ms of a 5.0's, however many keys the database holds (a million result keys: 0.5 s for the whole walk). */
#define DISCOVERY_BUDGET 7000

/* The binding sets of the database beyond the samples, into p->b->bindings: those earlier checks found (the
 * state file), read again, and those in the next slice of the keyspace, whose walk the state file carries
 * on from check to check; without a state file, or until one walk has reached the end, the whole keyspace
 * at once. The state file then remembers where the walk stopped and every set that holds members. */
static int discover(struct probe *p, struct error *err)
{
	unsigned long long cursor = p->seen.cursor;
	int remember = p->seen.path[0] != '\0';
	const struct bindings *bs = &p->b->bindings;
	char **found;
	size_t n = 0;
	int rc;

	p->discovered = 1;
	if (remember && bindings_read_known(&p->b->broker, &p->b->names, p->seen.exchanges,
	                                    p->seen.nexchanges, &p->hard, &p->b->bindings, err) < 0)
		return -1;
	/* until one walk has reached the end, the whole keyspace: a queue beyond the first slice is judged
	 * from the first check on */
	if (bindings_discover(&p->b->broker, &p->b->names, &cursor,
	                      remember && p->seen.walked ? DISCOVERY_BUDGET : 0, &p->hard, &p->b->bindings,
	                      err) < 0)
		return -1;
	if (!remember)
		return 0;
	if ((found = calloc(bs->n - bs->sample_n + 1, sizeof(*found))) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	for (size_t i = bs->sample_n; i < bs->n; i++)
		if (n == 0 || strcmp(found[n - 1], bs->exchanges[i]) != 0) /* a set's members come together */
			found[n++] = bs->exchanges[i];
	rc = state_note_bindings(&p->seen, cursor, p->seen.walked || cursor == 0, found, n, err);
	free(found);
	return rc;
}

/* The queues the binding sets discovery read route to, split with the separator chosen. */
static int route(struct probe *p, struct error *err)
{
	const struct bindings *bs = &p->b->bindings;

	free(p->routed);
	p->nrouted = 0;
	if ((p->routed = calloc(bs->n - bs->sample_n + 1, sizeof(*p->routed))) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	for (size_t i = bs->sample_n; i < bs->n; i++)
		if ((p->routed[p->nrouted] = bindings_queue(&p->b->bindings, i, p->b->names.sep)) != NULL)
			p->nrouted++;
	return 0;
}

/* 1 when a -Q queue has no consumer among the workers that answered. */
static int unconsumed(const struct options *o, const struct fleet *f)
{
	for (size_t i = 0; i < o->nqueues; i++) {
		size_t w = 0;
		while (w < f->n && !worker_consumes(&f->workers[w], o->queues[i]))
			w++;
		if (w == f->n)
			return 1;
	}
	return 0;
}

/* How long the workers are listened to when the broadcast cannot be sent: -m heartbeat's window. */
#define HEAR_WINDOW 4.5
#define HEAR_LEAST  2.5 /* less would not hear every worker beating every 2 s */

/* Without a separator no broadcast can be sent without risk. A ping cast (no reply_to: nothing is looked
 * up or written) counts the workers subscribed to remote control; none, and the check reports a broadcast
 * that reached nobody, as it would have. Else their heartbeats are listened to, as -m heartbeat does, until
 * that many are heard or its window (what -t leaves of it) ends, and the verdict is theirs. */
static int hear_instead(struct probe *p, struct options *o, const struct deadline *limit, struct error *err)
{
	struct error ignored;
	long long counts[2], bound = (long long)(p->b->bindings.sample_n - p->b->bindings.own_n), here;

	inspect_sweep(&p->b->broker, &p->b->names, &p->b->bindings, &p->hard,
	              &ignored); /* our leftovers, none read */
	if (cast_ping(&p->b->broker, &p->b->names, &p->hard, counts, err) < 0)
		return -1;
	/* of the shared channel's count, as many as this database binds beyond the first's (as inspect) */
	here = bound > counts[0] ? bound - counts[0] : 0;
	here = counts[1] < here ? counts[1] : here;
	p->subscribed = counts[0] + here;
	p->fleet.stats.elsewhere = counts[1] - here;
	if (p->subscribed == 0) {
		p->fleet.stats.counted = 1;
		nearby_look(&p->b->broker, &p->b->names, limit, &p->b->nearby, &ignored); /* hints only */
		return 0;
	}
	if (deadline_left(limit) < HEAR_LEAST)
		return error_set(
		    err, ERROR_USAGE,
		    "kombu's key separator is unknown (%s), so the workers would be listened to, "
		    "and -t leaves less than %g s for that: give --transport-option sep=SEP",
		    p->b->sep.why, HEAR_LEAST);
	o->mode = MODE_HEARTBEAT;
	if (o->listen < HEAR_WINDOW)
		o->listen = HEAR_WINDOW;
	p->hear_enough = (size_t)p->subscribed;
	return watch_start(p, o, p->b->broker.cancel_fd, limit, err);
}

/* The broadcast: bindings, separator, subscription (mode both) and collection; the fleet judged. */
static int collect(struct probe *p, struct options *o, const struct deadline *limit, struct error *err)
{
	struct inspect_query q = {0};
	int rc;

	if (bindings_sample(&p->b->broker, &p->b->names, &p->hard, &p->b->bindings, err) < 0)
		return -1;
	if (o->discover && discover(p, err) < 0)
		return -1;
	if (sep_choose(&p->b->names, &p->b->bindings, &p->b->sep, err) < 0)
		return -1;
	if (p->b->sep.unknown) /* nothing may be written: the workers are heard instead */
		return hear_instead(p, o, limit, err);
	if (o->mode == MODE_BOTH && watch_start(p, o, p->b->broker.cancel_fd, limit, err) < 0)
		return -1;
	q.method = "active_queues";
	q.destination = o->workers;
	q.ndestination = o->nworkers;
	q.names = &p->b->names;
	q.seen = &p->b->bindings;
	q.hard = p->hard;
	q.latest.at = limit->at + POP_LATENESS;
	q.collect = deadline_min(deadline_in(o->inspect_timeout), *limit);
	p->waited = deadline_left(&q.collect);
	rc = fleet_collect(&p->b->broker, &q, &p->fleet, err);
	if (rc < 0 && p->fleet.stats.counted && err != NULL &&
	    (err->kind == ERROR_TIMEOUT || err->kind == ERROR_CANCELLED)) {
		p->cut = *err; /* judge what came before the cut */
		p->collection_cut = 1;
		return 0;
	}
	if (rc < 0 || fleet_judge(&p->fleet, &o->policy, err) < 0)
		return -1;
	if (p->fleet.stats.received == 0) {
		struct error ignored;
		nearby_look(&p->b->broker, &p->b->names, &q.latest, &p->b->nearby, &ignored); /* hints only */
	}
	/* -t ended the wait before -T did: the limit, not the workers, decided who is unresponsive. */
	if (q.collect.at == limit->at && fleet_unresponsive(&p->fleet) > 0) {
		error_set(&p->cut, ERROR_TIMEOUT, "%lld of %lld workers had not answered",
		          fleet_unresponsive(&p->fleet), p->fleet.stats.received);
		p->collection_cut = 1;
	}
	return 0;
}

int probe_start(struct probe *p, struct options *o, const char *service, struct error *err)
{
	struct deadline limit;
	char backstop[256];
	int cancel_fd;

	memset(p, 0, sizeof(*p));
	if ((p->b = calloc(1, sizeof(*p->b))) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	p->b->names = *o->names;
	p->started = clock_now();
	p->hard = deadline_in(o->timeout);
	limit.at = p->hard.at - cleanup_reserve(o->timeout);
	snprintf(backstop, sizeof(backstop), "%s %s - plugin timed out after %g s\n", service,
	         state_name(o->timeout_state), o->timeout);
	cancel_arm_backstop(o->timeout + 0.5, backstop, (int)o->timeout_state);
	if ((cancel_fd = cancel_install(err)) < 0)
		return -1;
	if (o->mode == MODE_HEARTBEAT && watch_start(p, o, cancel_fd, &limit, err) < 0)
		return -1;
	watch_load_state(p, o); /* before the broadcast: nothing between the last reply and the verdict */
	if (o->addr.kind == BROKER_AMQP) {
		if (probe_rabbit_start(p, o, cancel_fd, &limit, err) < 0)
			return -1;
		return p->collection_cut ? fleet_judge(&p->fleet, &o->policy, err)
		                         : watch_finish(p, o, &limit, err);
	}
	if (broker_open(&p->b->broker, &o->addr, cancel_fd, &p->hard, err) < 0)
		return -1;
	if (o->mode != MODE_HEARTBEAT && collect(p, o, &limit, err) < 0)
		return -1;
	if (p->discovered && route(p, err) < 0)
		return -1;
	if (p->collection_cut) /* no time left to listen or look around: judge what came */
		return fleet_judge(&p->fleet, &o->policy, err);
	if (o->hint && !p->discovered && p->cut.kind == ERROR_NONE && unconsumed(o, &p->fleet)) {
		struct error ignored; /* hints only: a -Q queue nobody consumes may be a typo */
		discover(p, &ignored);
	}
	if (p->discovered && route(p, err) < 0)
		return -1; /* the hints' discovery, after the separator was chosen */
	return watch_finish(p, o, &limit, err);
}

void probe_finish(struct probe *p)
{
	if (p->b != NULL) {
		listener_stop(&p->b->listener);
		rabbit_listen_stop(&p->b->rlistener, &p->hard);
		broker_close(&p->b->broker);
		bindings_free(&p->b->bindings);
		nearby_free(&p->b->nearby);
		sep_choice_free(&p->b->sep);
		mgmt_queues_free(&p->b->mgmt);
		rabbit_close(&p->b->rabbit, &p->hard);
	}
	heard_free(&p->heard);
	presence_free(&p->presence);
	bindings_workers_free(p->bound, p->nbound);
	state_free(&p->seen);
	fleet_free(&p->fleet);
	free(p->routed);
	free(p->b);
	p->b = NULL;
}

const char *probe_write_blocked(const struct probe *p)
{
	return p->b != NULL && p->b->sep.unknown ? p->b->sep.why : NULL;
}

size_t probe_odd_names(const struct probe *p, char *const **names)
{
	*names = p->b != NULL ? p->b->sep.in_name : NULL;
	return p->b != NULL ? p->b->sep.nin_name : 0;
}

long long probe_unheard(const struct probe *p)
{
	return p->collection_cut ? fleet_unresponsive(&p->fleet) : 0;
}

int probe_backlog(struct probe *p, char *const *queues, size_t n, struct queue_figures *figs,
                  struct error *err)
{
	long long *backlog;
	char **why;
	int rc;

	if (p->amqp)
		return probe_rabbit_backlog(p, queues, n, figs, err);
	backlog = calloc(n + 1, sizeof(*backlog));
	why = calloc(n + 1, sizeof(*why));
	rc = backlog == NULL || why == NULL
	         ? error_set(err, ERROR_NOMEM, "out of memory")
	         : backlog_read(&p->b->broker, &p->b->names, queues, n, &p->hard, backlog, why, err);
	for (size_t i = 0; why != NULL && i < n; i++)
		if (rc == 0)
			figs[i] = (struct queue_figures){backlog[i], -1, -1, 0, why[i]};
		else
			free(why[i]);
	free(backlog);
	free(why);
	return rc;
}

void probe_describe_server(const struct probe *p, struct strbuf *sb)
{
	const struct broker *b = &p->b->broker;
	int v = b->version;

	if (p->amqp) {
		probe_rabbit_describe_server(p, sb);
		return;
	}
	strbuf_puts(sb, "broker: ");
	strbuf_put_clean(sb, b->where);
	if (v == 0)
		strbuf_puts(sb, ", server version unknown (INFO refused)");
	else if (b->version_floor)
		strbuf_printf(sb, ", server %d.%d or later (INFO refused)", v / 10000, v / 100 % 100);
	else
		strbuf_printf(sb, ", server %d.%d.%d", v / 10000, v / 100 % 100, v % 100);
	strbuf_puts(sb, b->addr->tls.enabled ? ", over TLS\n" : "\n");
}

void probe_describe_nowhere(const struct probe *p, struct strbuf *sb)
{
	if (p->amqp)
		probe_rabbit_describe_nowhere(p, sb);
	else
		nearby_describe(sb, &p->b->names, &p->b->nearby);
}

/* A Redis conversation's query: the names and binding sets read, the limits. */
static struct inspect_query redis_query(struct probe *p, const char *method, struct deadline collect)
{
	struct inspect_query q = {0};

	q.method = method;
	q.names = &p->b->names;
	q.seen = &p->b->bindings;
	q.hard = p->hard;
	q.collect = collect;
	q.latest.at = collect.at + POP_LATENESS;
	return q;
}

int probe_control_one(struct probe *p, const char *method, const char *const *args, size_t nargs, char *node,
                      struct deadline collect, struct control_answer *a, struct error *err)
{
	char *dest[1] = {node};

	if (p->amqp)
		return probe_rabbit_control_one(p, method, args, nargs, node, collect, a, err);
	struct inspect_query q = redis_query(p, method, collect);
	q.destination = dest;
	q.ndestination = 1;
	q.arguments = args;
	q.narguments = nargs;
	return control_one(&p->b->broker, &q, a, err);
}

struct deadline probe_collect_by(const struct probe *p, const struct options *o)
{
	struct deadline limit = {p->hard.at - cleanup_reserve(o->timeout)};

	return deadline_min(deadline_in(o->inspect_timeout), limit);
}

int probe_ask(struct probe *p, const char *method, char *const *dest, size_t ndest, struct deadline collect,
              inspect_fn fn, void *ctx, struct inspect_stats *st, struct error *err)
{
	struct inspect_query q;

	if (p->amqp)
		return probe_rabbit_ask(p, method, dest, ndest, collect, fn, ctx, st, err);
	q = redis_query(p, method, collect);
	q.destination = dest;
	q.ndestination = ndest;
	return inspect_broadcast(&p->b->broker, &q, fn, ctx, st, err);
}

static int on_event(void *ctx, const struct inspect_event *ev, struct error *err)
{
	return fleet_add_event(ctx, ev, err);
}

int probe_ask_again(struct probe *p, struct deadline collect, struct fleet *now, struct error *err)
{
	int rc;

	memset(now, 0, sizeof(*now));
	rc = probe_ask(p, "active_queues", NULL, 0, collect, on_event, now, &now->stats, err);
	fleet_sort(now);
	return rc;
}

double probe_elapsed(const struct probe *p)
{
	return clock_now() - p->started;
}

enum state error_state(const struct error *err, enum state timeout_state)
{
	switch (err->kind) {
	case ERROR_CONNECT:
	case ERROR_UNAVAILABLE:
		return STATE_CRITICAL;
	case ERROR_TIMEOUT:
		return timeout_state;
	default:
		return STATE_UNKNOWN;
	}
}
