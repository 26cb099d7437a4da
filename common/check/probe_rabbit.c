/* SPDX-License-Identifier: GPL-3.0-or-later */
/* probe_rabbit: connect, broadcast active_queues over celery.pidbox, count queues by passive declares. */
#include "probe_rabbit.h"

#include "name_map.h"
#include "rabbit_pidbox.h"
#include "watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int on_event(void *ctx, const struct inspect_event *ev, struct error *err)
{
	return fleet_add_event(ctx, ev, err);
}

/* Adds name to names (once) when its control queue has a consumer. */
static int bound_one(struct probe *p, const char *name, struct name_map *asked, char **names, size_t *n,
                     struct error *err)
{
	char queue[800];
	long long messages, consumers;
	int rc = name_map_put(asked, name, 0, NULL);

	if (rc <= 0)
		return rc < 0 ? error_set(err, ERROR_NOMEM, "out of memory") : 0;
	snprintf(queue, sizeof(queue), "%.500s.%.250s.pidbox", name, p->b->names.ns);
	if ((rc = rabbit_queue_counts(&p->b->rabbit, queue, &p->hard, &messages, &consumers, err)) < 0)
		return -1;
	if (((rc == 1 && consumers > 0) || rc == 2) && (names[(*n)++] = strdup(name)) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	return 0;
}

int probe_rabbit_bound(struct probe *p, char ***bound, size_t *n, struct error *err)
{
	struct name_map asked = NAME_MAP_INIT;
	size_t cap = p->heard.n + p->seen.n + p->fleet.n + 1;
	char **names = calloc(cap, sizeof(*names));
	int rc = 0;

	*n = 0;
	if (names == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < p->heard.n; i++)
		rc = bound_one(p, p->heard.w[i].node, &asked, names, n, err);
	for (size_t i = 0; rc == 0 && i < p->seen.n; i++)
		rc = bound_one(p, p->seen.v[i].node, &asked, names, n, err);
	for (size_t i = 0; rc == 0 && i < p->fleet.n; i++)
		if (p->fleet.workers[i].node != NULL)
			rc = bound_one(p, p->fleet.workers[i].node, &asked, names, n, err);
	name_map_free(&asked);
	if (rc < 0) {
		for (size_t i = 0; i < *n; i++)
			free(names[i]);
		free(names);
		*n = 0;
		return -1;
	}
	*bound = names;
	return 0;
}

/* Celery's own queues and the broker's server-named ones: not task queues. */
static int internal_queue(const char *name)
{
	size_t n = strlen(name);
	return (n >= 7 && strcmp(name + n - 7, ".pidbox") == 0) || strncmp(name, "celeryev.", 9) == 0 ||
	       strncmp(name, "amq.", 4) == 0;
}

/* With --management-url: the vhost's queues and bindings, within half of what is left before limit. The
 * workers whose control queue is bound to NS.pidbox are every worker listening (known; complete when the
 * lists were whole). The queues bound to an exchange of their own name, as Celery declares its task queues,
 * are the queues to judge without -Q (not another connection's exclusive ones). A failure is said, and the
 * check goes on without them. */
static int read_management(struct probe *p, struct options *o, int cancel_fd, const struct deadline *limit,
                           char ***known, size_t *nknown, int *complete, struct error *err)
{
	struct deadline dl = deadline_min(deadline_in(deadline_left(limit) / 2), p->hard);
	struct error why;
	char **more;

	if (mgmt_read(&o->addr, o->names->ns, cancel_fd, &dl, &p->b->mgmt, &why) < 0) {
		if (why.kind == ERROR_NOMEM || why.kind == ERROR_CANCELLED)
			return *err = why, -1;
		snprintf(p->mgmt_error, sizeof(p->mgmt_error), "%s", why.msg);
		return 0;
	}
	p->mgmt_read = 1;
	*complete = !p->b->mgmt.truncated && !p->b->mgmt.odd_listener;
	more = realloc(*known, (*nknown + p->b->mgmt.nlisteners + p->seen.n + 1) * sizeof(**known));
	free(p->routed);
	p->routed = calloc(p->b->mgmt.n + 1, sizeof(*p->routed));
	if (more == NULL || p->routed == NULL) {
		*known = more ? more : *known;
		return error_set(err, ERROR_NOMEM, "out of memory");
	}
	*known = more;
	for (size_t i = 0; i < p->b->mgmt.nlisteners; i++) /* borrowed from p->b->mgmt */
		(*known)[(*nknown)++] = p->b->mgmt.listeners[i];
	p->nrouted = 0;
	for (size_t i = 0; i < p->b->mgmt.n; i++) {
		const struct mgmt_queue *q = &p->b->mgmt.v[i];
		if (q->own_exchange && !q->exclusive && !internal_queue(q->name))
			p->routed[p->nrouted++] = q->name;
	}
	p->discovered = 1;
	return 0;
}

int probe_rabbit_start(struct probe *p, struct options *o, int cancel_fd, const struct deadline *limit,
                       struct error *err)
{
	struct rabbit_query q = {
	    "active_queues", o->names->ns, o->workers, o->nworkers, NULL, 0, NULL, 0, 0, 0, {0}, {0}};
	char **known = calloc(p->seen.n + 1, sizeof(*known));
	size_t nmgmt = 0;
	int rc, complete = 0;

	p->amqp = 1;
	if (known == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	if (o->addr.mgmt.host != NULL && o->mode != MODE_HEARTBEAT) {
		rc = read_management(p, o, cancel_fd, limit, &known, &nmgmt, &complete, err);
		q.complete = complete;
		if (rc < 0) {
			free(known);
			return -1;
		}
	}
	q.nknown = nmgmt;
	/* the management API's bindings name every worker listening: the state file's names add none but
	 * the gone, each a declare more */
	for (size_t i = 0; !p->mgmt_read && i < p->seen.n; i++)
		known[q.nknown++] = p->seen.v[i].node;
	q.known = known;
	if (rabbit_open(&p->b->rabbit, &o->addr, cancel_fd, &p->hard, err) < 0 ||
	    (o->mode == MODE_BOTH && watch_start(p, o, cancel_fd, limit, err) < 0)) {
		free(known);
		return -1;
	}
	if (o->mode == MODE_HEARTBEAT) { /* listening only: the connection is for the control queues */
		free(known);
		return 0;
	}
	q.wait = o->inspect_timeout; /* from the publish on, within the limit */
	q.collect = *limit;
	q.hard = p->hard;
	p->waited = deadline_left(&q.collect) < q.wait ? deadline_left(&q.collect) : q.wait;
	memset(&p->fleet, 0, sizeof(p->fleet));
	rc = rabbit_broadcast(&p->b->rabbit, &q, on_event, &p->fleet, &p->fleet.stats, err);
	free(known);
	if (p->b->rabbit.blocked)
		snprintf(p->alarm, sizeof(p->alarm), "%s",
		         p->b->rabbit.blocked_why[0] ? p->b->rabbit.blocked_why : "blocked");
	fleet_sort(&p->fleet);
	if (rc < 0 && p->fleet.stats.answered > 0 &&
	    (err->kind == ERROR_TIMEOUT || err->kind == ERROR_CANCELLED)) {
		p->cut = *err; /* judge what came before the cut */
		p->collection_cut = 1;
		return 0;
	}
	return rc < 0 ? -1 : fleet_judge(&p->fleet, &o->policy, err);
}

/* The backlog and consumers are the broker's, now (passive declares); the unacknowledged messages, the
 * management API's, when it was read. */
int probe_rabbit_backlog(struct probe *p, char *const *queues, size_t n, struct queue_figures *figs,
                         struct error *err)
{
	struct name_map listed = NAME_MAP_INIT;

	for (size_t i = 0; i < p->b->mgmt.n; i++)
		if (name_map_put(&listed, p->b->mgmt.v[i].name, i, NULL) < 0) {
			name_map_free(&listed);
			return error_set(err, ERROR_NOMEM, "out of memory");
		}
	for (size_t i = 0; i < n; i++) {
		long long messages = 0, consumers = 0;
		int rc = rabbit_queue_counts(&p->b->rabbit, queues[i], &p->hard, &messages, &consumers, err);
		size_t at;

		if (rc < 0) {
			name_map_free(&listed);
			return -1;
		}
		figs[i] = (struct queue_figures){messages, consumers, -1, rc == 0, NULL};
		if (rc == 2 &&
		    (figs[i].why = strdup("exclusive to another connection: the broker counts it for "
		                          "that one only")) == NULL) {
			name_map_free(&listed);
			return error_set(err, ERROR_NOMEM, "out of memory");
		}
		if (rc == 2)
			figs[i].backlog = figs[i].consumers = -1;
		if (rc == 1 && name_map_get(&listed, queues[i], &at))
			figs[i].unacked = p->b->mgmt.v[at].unacked;
	}
	name_map_free(&listed);
	return 0;
}

int probe_rabbit_control_one(struct probe *p, const char *method, const char *const *args, size_t nargs,
                             char *node, struct deadline collect, struct control_answer *a, struct error *err)
{
	char *dest[1] = {node};
	struct rabbit_query q = {method, p->b->names.ns, dest, 1, NULL,    0,
	                         args,   nargs,          0,    0, collect, p->hard};

	memset(a, 0, sizeof(*a));
	return rabbit_broadcast(&p->b->rabbit, &q, control_answer_take, a, &a->stats, err);
}

/* Named workers are those the wait is for; else the workers of the first collection are those known:
 * the wait ends once they answered. */
int probe_rabbit_ask(struct probe *p, const char *method, char *const *dest, size_t ndest,
                     struct deadline collect, inspect_fn fn, void *ctx, struct inspect_stats *st,
                     struct error *err)
{
	struct rabbit_query q = {method, p->b->names.ns, dest,   ndest, NULL, 0, NULL, 0, 0,
	                         0,      collect,        p->hard};
	char **known = calloc(p->fleet.n + 1, sizeof(*known));
	int rc;

	if (known == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	for (size_t i = 0; ndest == 0 && i < p->fleet.n && q.nknown < KNOWN_MOST; i++)
		if (p->fleet.workers[i].node != NULL)
			known[q.nknown++] = p->fleet.workers[i].node;
	q.known = known;
	rc = rabbit_broadcast(&p->b->rabbit, &q, fn, ctx, st, err);
	free(known);
	return rc;
}

void probe_rabbit_describe_server(const struct probe *p, struct strbuf *sb)
{
	strbuf_puts(sb, "broker: ");
	strbuf_put_clean(sb, p->b->rabbit.where);
	if (p->b->rabbit.version[0] != '\0') {
		strbuf_puts(sb, ", RabbitMQ ");
		strbuf_put_clean(sb, p->b->rabbit.version);
	}
	if (p->mgmt_read)
		strbuf_printf(sb, "; management API: %zu queues in the vhost", p->b->mgmt.n);
	strbuf_puts(sb, "\n");
}

void probe_rabbit_describe_nowhere(const struct probe *p, struct strbuf *sb)
{
	strbuf_puts(sb, "no worker is listening for remote control on ");
	strbuf_put_clean(sb, p->b->rabbit.where);
	strbuf_puts(sb, " (exchange ");
	strbuf_put_clean(sb, p->b->names.ns);
	strbuf_puts(sb, ".pidbox)");
}
