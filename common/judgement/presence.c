/* SPDX-License-Identifier: GPL-3.0-or-later */
/* presence: merging the answers, the heartbeats and the bindings into one state per worker. */
#include "presence.h"

#include <stdlib.h>
#include <string.h>

/* The name lists placing looks names up in, each mapped once: thousands of workers are bound. */
struct lookups {
	struct name_map bound;       /* in->bound */
	struct name_map destination; /* in->destination */
};

/* 1 when node is one --worker names, or --worker was not given. */
static int asked_for(const struct presence_input *in, const struct lookups *lk, const char *node)
{
	return in->ndestination == 0 || name_map_get(&lk->destination, node, NULL);
}

/* Copies what the last heartbeat said into w. */
static void take_heartbeat(struct worker *w, const struct heard_worker *hb)
{
	w->heard = 1;
	w->active = hb->active;
	w->processed = hb->processed;
	memcpy(w->sw_ver, hb->sw_ver, sizeof(w->sw_ver));
	w->last_seen = hb->heard_at > w->last_seen ? hb->heard_at : w->last_seen;
}

/* Adds a silent worker (unresponsive or offline) with when it was last seen. */
static int add_silent(struct presence *out, const struct presence_input *in, const char *node,
                      enum worker_state state, const struct heard_worker *hb, struct error *err)
{
	struct worker *w = fleet_add_named(&out->silent, node, err);
	double before;

	if (w == NULL)
		return -1;
	w->state = state;
	if (hb != NULL)
		take_heartbeat(w, hb);
	before = in->last_seen ? in->last_seen(in->ctx, node) : 0;
	w->last_seen = before > w->last_seen ? before : w->last_seen;
	return 0;
}

static int newest_first(const void *a, const void *b)
{
	double x = ((const struct worker *)a)->last_seen, y = ((const struct worker *)b)->last_seen;
	int c = (x < y) - (x > y);

	return c ? c : strcmp(((const struct worker *)a)->node, ((const struct worker *)b)->node);
}

/* Where a heard worker that did not answer belongs: hidden when it is not bound here, or when everyone the
 * broadcast reached answered (so it was not reached); unresponsive when bound and some did not answer;
 * untold when who is bound is unknown and some did not answer. Listening only, it is simply there. */
static enum worker_state place(const struct presence_input *in, const struct lookups *lk, const char *node,
                               int *untold)
{
	int bound = in->bound_known && name_map_get(&lk->bound, node, NULL);

	*untold = 0;
	if (!in->asked)
		return in->bound_known && !bound ? WORKER_HIDDEN : WORKER_OK;
	if (in->unanswered == 0 || (in->bound_known && !bound))
		return WORKER_HIDDEN;
	if (in->bound_known)
		return WORKER_UNRESPONSIVE;
	*untold = 1;
	return WORKER_UNRESPONSIVE;
}

static int place_heard(struct fleet *f, const struct presence_input *in, const struct lookups *lk,
                       struct presence *out, struct error *err)
{
	const struct heard *h = in->heard;

	for (size_t i = 0; i < h->n; i++) {
		const struct heard_worker *hb = &h->w[i];
		enum worker_state state;
		struct worker *w;
		int untold;

		if (fleet_has(f, hb->node))
			continue;
		if (!asked_for(in, lk, hb->node))
			continue; /* --worker: the others were not asked */
		state = hb->offline ? WORKER_OFFLINE : place(in, lk, hb->node, &untold);
		out->untold += !hb->offline && untold;
		if (state == WORKER_OFFLINE || state == WORKER_UNRESPONSIVE) {
			if (add_silent(out, in, hb->node, state, hb, err) < 0)
				return -1;
			continue;
		}
		if ((w = fleet_add_named(f, hb->node, err)) == NULL)
			return -1;
		take_heartbeat(w, hb);
		w->state = state;
		out->hidden += state == WORKER_HIDDEN;
	}
	return 0;
}

int presence_judge(struct fleet *f, const struct presence_input *in, struct presence *out, struct error *err)
{
	struct lookups lk = {NAME_MAP_INIT, NAME_MAP_INIT};
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (name_map_put_all(&lk.bound, in->bound, in->nbound) < 0 ||
	    name_map_put_all(&lk.destination, in->destination, in->ndestination) < 0) {
		error_set(err, ERROR_NOMEM, "out of memory placing the workers");
		goto out;
	}
	for (size_t i = 0; i < f->n; i++) {
		const struct heard_worker *hb =
		    in->heard && f->workers[i].node ? heard_find(in->heard, f->workers[i].node) : NULL;
		f->workers[i].state = WORKER_OK;
		if (hb != NULL)
			take_heartbeat(&f->workers[i], hb);
	}
	if (in->heard != NULL && place_heard(f, in, &lk, out, err) < 0)
		goto out;
	for (size_t i = 0; i < in->nbound; i++) {
		const char *node = in->bound[i];
		if (fleet_has(f, node) || fleet_has(&out->silent, node) || !asked_for(in, &lk, node))
			continue;
		if (!in->asked) { /* listening only: not heard in the window */
			out->bound_unheard++;
			continue;
		}
		if (in->unanswered == 0)
			continue; /* everyone reached answered: a binding left by a killed worker */
		if (add_silent(out, in, node, WORKER_UNRESPONSIVE, NULL, err) < 0)
			goto out;
	}
	fleet_sort_by(&out->silent, newest_first);
	rc = 0;
out:
	name_map_free(&lk.bound);
	name_map_free(&lk.destination);
	return rc;
}

void presence_free(struct presence *p)
{
	fleet_free(&p->silent);
	memset(p, 0, sizeof(*p));
}

const char *worker_state_name(enum worker_state s)
{
	switch (s) {
	case WORKER_OK:
		return "ok";
	case WORKER_UNRESPONSIVE:
		return "unresponsive";
	case WORKER_HIDDEN:
		return "hidden";
	case WORKER_OFFLINE:
		return "offline";
	}
	return "unknown";
}
