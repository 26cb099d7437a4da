/* SPDX-License-Identifier: GPL-3.0-or-later */
/* probe: one check's conversation with the broker: time limits, connection, the binding sets (the
 * separator to write with, the queues the broker knows), the fleet of workers. */
#ifndef CELERY_PROBE_H
#define CELERY_PROBE_H

#include "control_answer.h"
#include "fleet.h"
#include "options.h"
#include "presence.h"
#include "state_file.h"

struct probe_broker;

struct probe {
	int amqp;               /* the broker is RabbitMQ */
	struct probe_broker *b; /* the broker's own state: what only check/ sees (probe_broker.h) */
	struct fleet fleet;     /* every worker that answered */
	struct deadline hard;   /* -t from the start of the plugin */
	double started;         /* monotonic start time */
	double waited;          /* how long replies were waited for at most: -T, or less to fit -t */
	int collection_cut;     /* the cut stopped the wait for replies (not a later read) */
	long long subscribed;   /* when nothing may be written: the workers a ping cast reached */
	int discovered;         /* the binding sets beyond the samples were read (probe_discover) */
	const char **routed;    /* with discovered: the queues those sets route to (borrowed from them) */
	size_t nrouted;
	size_t hear_enough; /* listening ends once this many workers are heard (0: the window) */
	struct error cut;   /* a time limit or a signal that cut the collection short (kind ERROR_NONE
	                       when none did): what was collected is judged, and this is said with it */
	int listening;
	struct deadline listen_until;
	struct heard heard; /* the heartbeats heard */
	char **bound;       /* node names bound to remote control here (read when they matter) */
	size_t nbound;
	int bound_known;          /* they were read */
	char listen_error[256];   /* why listening failed (the subscription dropped), or "" */
	struct presence presence; /* the silent workers, and how many hidden */
	struct seen_file seen;    /* when each worker was last seen, kept between checks */
	char state_error[256];    /* why the state file could not be written, or "" */
	char alarm[160];      /* the broker blocks publishers (RabbitMQ's memory or disk alarm): why, or "" */
	int mgmt_read;        /* they were read */
	char mgmt_error[300]; /* why they could not be, or "" */
};

/* When nothing may be written to the broker (kombu's separator neither given nor learned: a member written
 * with the wrong one would break workers), why; else NULL. */
const char *probe_write_blocked(const struct probe *p);
/* The workers whose node name holds kombu's separator (judged as the others, named in -v): their count,
 * and the names in *names. */
size_t probe_odd_names(const struct probe *p, char *const **names);

/* Sets up signals and the time limits, connects, reads the binding sets (all of them when o->discover),
 * collects the fleet and judges it (resolving -e newest in o->policy). On failure err says why;
 * error_state() gives the state to report. A collection cut short after the broadcast is no failure:
 * p->cut says so. */
int probe_start(struct probe *p, struct options *o, const char *service, struct error *err);
void probe_finish(struct probe *p);
/* Workers that received the broadcast and were not heard from because the collection was cut short (0
 * when the wait ran its course: then they are unresponsive). */
long long probe_unheard(const struct probe *p);
/* What the broker says of one queue. */
struct queue_figures {
	long long backlog; /* messages waiting, every priority (RabbitMQ: ready, not unacknowledged); -1 when
	                      the broker cannot count them: why says so */
	long long consumers; /* the broker's own count of its consumers; -1 where it cannot tell (Redis) */
	long long unacked;   /* delivered and not yet acknowledged; -1 where not known (RabbitMQ's management
	                        API tells) */
	int absent;          /* the broker has no such queue (RabbitMQ; on Redis an empty queue is no key) */
	char *why;           /* malloc'ed, or NULL */
};

/* Fills figs[i] for queues[i]; free each why. */
int probe_backlog(struct probe *p, char *const *queues, size_t n, struct queue_figures *figs,
                  struct error *err);
/* "broker: WHERE, server 7.0.15[, over TLS]" and a line end, for -v; a version the broker did not give is
 * not made up. */
void probe_describe_server(const struct probe *p, struct strbuf *sb);
/* When the broadcast reached nobody: where the check looked, and what the broker shows nearby. */
void probe_describe_nowhere(const struct probe *p, struct strbuf *sb);
/* Sends method (with its arguments as name, value pairs) to the worker node alone and waits for its answer
 * until collect (a worker told to shut down gives none). -1 (err filled) when the broker failed us: the
 * command may have gone out all the same. */
int probe_control_one(struct probe *p, const char *method, const char *const *args, size_t nargs, char *node,
                      struct deadline collect, struct control_answer *a, struct error *err);
/* When a further conversation stops waiting for replies: -T from now, within what -t leaves after the room
 * kept for the cleanup. */
struct deadline probe_collect_by(const struct probe *p, const struct options *o);
/* Broadcasts method to the workers named (every worker when ndest is 0) and hands fn each message, until
 * collect at most: on Redis until all those the broadcast reached answered, on RabbitMQ until the named, or
 * else the workers of the first collection, did (and a little after). On failure after the broadcast (a
 * cut, a lost broker) st and what fn was given still hold. */
int probe_ask(struct probe *p, const char *method, char *const *dest, size_t ndest, struct deadline collect,
              inspect_fn fn, void *ctx, struct inspect_stats *st, struct error *err);
/* Asks every worker for its queues again (active_queues), until collect at most: now is the fleet as it is
 * now (free it with fleet_free). */
int probe_ask_again(struct probe *p, struct deadline collect, struct fleet *now, struct error *err);
/* Seconds since probe_start began. */
double probe_elapsed(const struct probe *p);
/* The state a failure maps to: CRITICAL for a broker that cannot be reached, went away or cannot serve
 * (LOADING, OOM, ...), the -t state for a timeout, UNKNOWN for everything else (credentials, ACL, a
 * read-only replica, signals). */
enum state error_state(const struct error *err, enum state timeout_state);

#endif
