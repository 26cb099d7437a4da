/* SPDX-License-Identifier: GPL-3.0-or-later */
/* watch: listening, presence and the state file around the broadcast. */
#include "watch.h"

#include "probe_rabbit.h"

#include <stdio.h>
#include <string.h>

int watch_start(struct probe *p, const struct options *o, int cancel_fd, const struct deadline *limit,
                struct error *err)
{
	p->listen_until = deadline_min(deadline_in(o->listen), *limit);
	if (o->addr.kind == BROKER_AMQP) {
		if (rabbit_listen_start(&p->b->rlistener, &o->addr, cancel_fd, &p->hard, err) < 0)
			return error_wrap(err, "listening to heartbeats");
		p->listening = 1;
		return 0;
	}
	if (listener_start(&p->b->listener, &o->addr, &p->b->names, cancel_fd, &p->hard, err) < 0)
		return -1;
	p->listening = 1;
	return 0;
}

static double state_lookup(void *ctx, const char *node)
{
	return state_last_seen(ctx, node);
}

/* Notes every worker seen now in the state file and writes it. */
static void record_seen(struct probe *p, const struct deadline *limit)
{
	struct error err = {ERROR_NONE, ""};
	double now = clock_wall();
	/* the lock is waited for briefly: the state file is worth less than the check's time */
	struct deadline by = deadline_min(deadline_in(0.2), *limit);

	for (size_t i = 0; i < p->fleet.n && err.kind == ERROR_NONE; i++) {
		const struct worker *w = &p->fleet.workers[i];
		if (w->node != NULL)
			state_record(&p->seen, w->node,
			             w->state == WORKER_OK && !w->heard ? now : w->last_seen, &err);
		for (size_t j = 0; j < w->nqueues && err.kind == ERROR_NONE; j++) /* what it consumes now */
			state_note_queue(&p->seen, w->queues[j], now, &err);
	}
	if (err.kind == ERROR_NONE)
		state_save(&p->seen, &by, &err);
	if (err.kind != ERROR_NONE)
		snprintf(p->state_error, sizeof(p->state_error), "%s", err.msg);
}

/* Listens out the window. A signal or the time limit while listening cuts it as a collection is cut;
 * any other failure (the subscription dropped) is kept to be said: what the broadcast found stands. */
static int listen_out(struct probe *p, struct error *err)
{
	struct error e = {ERROR_NONE, ""};

	if (p->listening &&
	    (p->b->rlistener.open
	         ? rabbit_listen_collect(&p->b->rlistener, &p->listen_until, p->hear_enough, &p->heard, &e)
	         : listener_collect(&p->b->listener, &p->listen_until, p->hear_enough, &p->heard, &e)) < 0) {
		if (e.kind == ERROR_NOMEM) {
			if (err != NULL)
				*err = e;
			return -1;
		}
		if (e.kind == ERROR_CANCELLED || e.kind == ERROR_TIMEOUT)
			p->cut = e;
		else
			snprintf(p->listen_error, sizeof(p->listen_error), "%s", e.msg);
	}
	listener_stop(&p->b->listener);
	rabbit_listen_stop(&p->b->rlistener, &p->hard);
	return 0;
}

void watch_load_state(struct probe *p, const struct options *o)
{
	char path[512], where[400];

	if (o->state_file != NULL) {
		snprintf(path, sizeof(path), "%s", o->state_file);
	} else { /* named after the address given, the same whichever sentinel answers */
		broker_addr_describe(&o->addr, where, sizeof(where));
		state_file_default(where, p->b->names.ns, p->b->names.prefix, path, sizeof(path));
	}
	state_load(&p->seen, path);
}

int watch_finish(struct probe *p, struct options *o, const struct deadline *limit, struct error *err)
{
	struct presence_input in;
	struct error ignored;
	int bound_known = 0;

	if (listen_out(p, err) < 0)
		return -1;
	/* who is bound here matters when someone is silent, or when listening */
	if (p->cut.kind == ERROR_NONE && !p->b->sep.unknown &&
	    (o->mode != MODE_BROADCAST || fleet_unresponsive(&p->fleet) > 0))
		bound_known = p->amqp ? probe_rabbit_bound(p, &p->bound, &p->nbound, &ignored) == 0
		                      : bindings_workers(&p->b->broker, &p->b->names, &p->hard, &p->bound,
		                                         &p->nbound, &ignored) == 0;
	in = (struct presence_input){p->listening ? &p->heard : NULL,
	                             p->bound,
	                             p->nbound,
	                             bound_known,
	                             fleet_unresponsive(&p->fleet),
	                             o->mode != MODE_HEARTBEAT,
	                             o->workers,
	                             o->nworkers,
	                             state_lookup,
	                             &p->seen};
	if (presence_judge(&p->fleet, &in, &p->presence, err) < 0)
		return -1;
	p->bound_known = bound_known;
	if (o->mode == MODE_HEARTBEAT) { /* those heard are those there */
		p->fleet.stats.received = p->fleet.stats.expected = p->fleet.stats.answered =
		    (long long)p->fleet.n;
		p->fleet.stats.counted = 1;
		fleet_sort(&p->fleet);
	}
	if (fleet_judge(&p->fleet, &o->policy, err) < 0 ||
	    fleet_judge(&p->presence.silent, &o->policy, err) < 0)
		return -1;
	record_seen(p, limit);
	return 0;
}
