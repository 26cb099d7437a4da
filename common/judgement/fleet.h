/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleet: every worker that answered active_queues, with its version, verdict and queues. */
#ifndef CELERY_FLEET_H
#define CELERY_FLEET_H

#include "replies.h"
#include "name_map.h"
#include "version_policy.h"
#include "worker.h"

#include <stddef.h>

/* What is known of a worker's liveness (presence.c). */
enum worker_state {
	WORKER_OK,           /* it answered (or, listening only, it beats) */
	WORKER_UNRESPONSIVE, /* bound to remote control here, or heard, and did not answer */
	WORKER_HIDDEN,       /* it beats but cannot be asked: remote control off, another namespace */
	WORKER_OFFLINE,      /* it said goodbye (worker-offline) */
};

struct worker {
	char *node;              /* node name as the worker gave it; NULL for an unreadable reply */
	struct worker_name name; /* parsed node name */
	char **queues;           /* queue names it consumes, in one allocation with them */
	size_t nqueues;
	int queues_known; /* 0 when its reply held no readable queue list */
	enum verdict verdict;
	char *problem; /* what was wrong with its reply, or NULL */
	enum worker_state state;
	double last_seen;    /* epoch seconds; 0 unknown */
	int heard;           /* a heartbeat of it was heard: the next three are from its last one */
	long long active;    /* tasks it runs; -1 unknown */
	long long processed; /* tasks it has done; -1 unknown */
	char sw_ver[32];     /* its Celery version; "" unknown */
	int answers;         /* replies under its node name: more than one when workers share the name */
};

#define FLEET_MAX_NOTES 20 /* ignored messages remembered for -v; more are only counted */

struct fleet {
	struct worker *workers; /* sorted by node name; unreadable replies last */
	size_t n, cap;
	struct inspect_stats stats;
	long long duplicates;         /* replies from a node name already seen */
	char *notes[FLEET_MAX_NOTES]; /* why messages were ignored */
	size_t nnotes;
	struct name_map by_node; /* node name -> index in workers */
};

/* Judges every worker that answered readably by policy, resolving -e newest first from their versions.
 * ERROR_NOMEM only. */
int fleet_judge(struct fleet *f, struct version_policy *policy, struct error *err);
void fleet_free(struct fleet *f);
/* Adds what one message of a broadcast says to the fleet (a worker, or a note); fleet_collect calls it for
 * every message. f must start zeroed. */
int fleet_add_event(struct fleet *f, const struct inspect_event *ev, struct error *err);
/* Adds a worker known by its node name only (heard, or bound): queues unknown, verdict to come from
 * fleet_judge. NULL out of memory. */
struct worker *fleet_add_named(struct fleet *f, const char *node, struct error *err);
/* Sorts the workers by node name, unreadable replies last. */
void fleet_sort(struct fleet *f);
/* Sorts the workers with cmp (a qsort comparator of struct worker), keeping by_node right. */
void fleet_sort_by(struct fleet *f, int (*cmp)(const void *, const void *));

/* Workers that received the broadcast, should have answered (all, or those --worker names) and did not
 * in time. */
long long fleet_unresponsive(const struct fleet *f);
/* 1 if a worker of that node name answered. */
int fleet_has(const struct fleet *f, const char *node);
/* The worker of that node name (the first, when workers share it), or NULL. */
const struct worker *fleet_find(const struct fleet *f, const char *node);
/* 1 if w consumes the queue. */
int worker_consumes(const struct worker *w, const char *queue);
/* 1 if w consumes one of the n queues, or n is 0, or its answer held no readable queue list (it cannot be
 * ruled out); a hidden worker (heard, never asked) only when n is 0. */
int worker_consumes_any(const struct worker *w, char *const *queues, size_t n);

#endif
