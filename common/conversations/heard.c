/* SPDX-License-Identifier: GPL-3.0-or-later */
/* heard: the table of workers heard, by node name. */
#include "heard.h"

#include "deadline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct heard_worker *heard_slot(struct heard *h, const char *node)
{
	size_t i;

	if (name_map_get(&h->by_node, node, &i))
		return &h->w[i];
	if (h->n == HEARD_MAX)
		return NULL;
	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 16;
		struct heard_worker *grown = realloc(h->w, cap * sizeof(*grown));
		if (grown == NULL)
			return NULL;
		h->w = grown;
		h->cap = cap;
	}
	memset(&h->w[h->n], 0, sizeof(h->w[0]));
	if ((h->w[h->n].node = strdup(node)) == NULL)
		return NULL;
	if (name_map_put(&h->by_node, h->w[h->n].node, h->n, NULL) < 0) {
		free(h->w[h->n].node);
		return NULL;
	}
	return &h->w[h->n++];
}

const struct heard_worker *heard_find(const struct heard *h, const char *node)
{
	size_t i;

	return name_map_get(&h->by_node, node, &i) ? &h->w[i] : NULL;
}

void heard_note(struct heard *h, int rc, const struct worker_event *ev)
{
	struct heard_worker *w;
	double now;

	if (rc != 1 || (w = heard_slot(h, ev->hostname)) == NULL) {
		h->ignored++;
		return;
	}
	h->events++;
	now = clock_wall();
	/* when it was sent, by the worker's clock when that is near ours (a buffered event is older) */
	w->heard_at = ev->timestamp > now - 300 && ev->timestamp <= now + 5 ? ev->timestamp : now;
	w->skew_known = ev->timestamp > 0 && fabs(ev->timestamp - now) < 86400; /* a day at most: a clock */
	w->skew = w->skew_known ? ev->timestamp - now : 0;
	w->freq = ev->freq;
	w->offline = ev->type == WORKER_EVENT_OFFLINE;
	if (ev->type == WORKER_EVENT_HEARTBEAT) {
		w->active = ev->active;
		w->processed = ev->processed;
	}
	if (ev->sw_ver[0] != '\0')
		memcpy(w->sw_ver, ev->sw_ver, sizeof(w->sw_ver));
}

void heard_free(struct heard *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->w[i].node);
	free(h->w);
	name_map_free(&h->by_node);
	memset(h, 0, sizeof(*h));
}
