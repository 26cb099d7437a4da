/* SPDX-License-Identifier: GPL-3.0-or-later */
/* presence: who is alive, from three witnesses: the answers to the broadcast (the fleet), the heartbeats
 * heard, and the workers bound to remote control here (the pidbox binding members), with when each was last
 * seen by earlier checks. Names the silent workers and finds the hidden ones. */
#ifndef CELERY_PRESENCE_H
#define CELERY_PRESENCE_H

#include "fleet.h"
#include "heard.h"

/* When a node was last seen by an earlier check (epoch seconds), or 0. */
typedef double (*last_seen_fn)(void *ctx, const char *node);

struct presence_input {
	const struct heard *heard; /* heartbeats heard, or NULL when not listened */
	char *const *bound;        /* node names with a pidbox binding member here */
	size_t nbound;
	int bound_known;          /* the bindings were read (else who is bound is unknown) */
	long long unanswered;     /* received the broadcast and did not answer (fleet_unresponsive) */
	int asked;                /* the broadcast went out (modes broadcast and both) */
	char *const *destination; /* --worker: only these were asked */
	size_t ndestination;
	last_seen_fn last_seen; /* may be NULL */
	void *ctx;
};

struct presence {
	struct fleet silent; /* unresponsive (bound or heard, no answer) and offline ones, newest seen first:
	                        by name only, queues unknown; fleet_judge judges them like the fleet */
	long long hidden;    /* workers added to the fleet as WORKER_HIDDEN */
	long long untold;    /* heard, not answering, whether bound unknown: hidden or hung, untold */
	long long bound_unheard; /* listening only: bound here, not heard in the window (busy, or gone) */
};

/* Marks the fleet's workers with their heartbeats, adds the heard workers that were not asked to the fleet
 * (hidden when not bound here, or when every worker the broadcast reached answered; listening only, every
 * heard worker), and lists the silent ones: bound here or heard, not answering, when some did not answer
 * (a killed worker's binding stays: with everyone answering, a binding alone names no one). */
int presence_judge(struct fleet *f, const struct presence_input *in, struct presence *out, struct error *err);
void presence_free(struct presence *p);
/* "ok", "unresponsive", "hidden", "offline". */
const char *worker_state_name(enum worker_state s);

#endif
