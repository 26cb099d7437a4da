/* SPDX-License-Identifier: GPL-3.0-or-later */
/* queue_health: consumers counted, queues judged (docs/check_celery_queue_health.md). */
#include "queue_health.h"

#include "name_map.h"

#include <stdlib.h>

int queue_count_consumers(const struct fleet *f, struct queue *qs, size_t n, struct error *err)
{
	struct name_map index = NAME_MAP_INIT;
	size_t *counted = calloc(n ? n : 1, sizeof(*counted)); /* 1 + the last worker counted on each */
	size_t k;
	int rc = -1;

	if (counted == NULL)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (name_map_put(&index, qs[i].name, i, NULL) < 0)
			goto out;
	for (size_t i = 0; i < f->n; i++) {
		const struct worker *w = &f->workers[i];
		for (size_t j = 0; j < w->nqueues; j++) {
			if (!name_map_get(&index, w->queues[j], &k) || counted[k] == i + 1)
				continue;
			counted[k] = i + 1;
			if (verdict_is_compatible(w->verdict))
				qs[k].compatible++;
			else
				qs[k].incompatible++;
		}
	}
	rc = 0;
out:
	name_map_free(&index);
	free(counted);
	return rc < 0 ? error_set(err, ERROR_NOMEM, "out of memory judging queues") : 0;
}

void queue_judge(const struct queue_rules *r, long long unheard, struct queue *q)
{
	if (r->backlog_only) {
		q->state = q->backlog >= 0         ? thresholds_state(r->backlog, (double)q->backlog)
		           : q->unreadable != NULL ? STATE_UNKNOWN
		                                   : STATE_OK;
		return;
	}
	q->state = state_worst(thresholds_state(r->compatible, (double)(q->compatible + unheard)),
	                       thresholds_state(r->incompatible, (double)q->incompatible));
	if (q->backlog >= 0)
		q->state = state_worst(q->state, thresholds_state(r->backlog, (double)q->backlog));
	q->hidden = q->consumers - q->compatible - q->incompatible - unheard;
	q->hidden = !q->consumers_known || q->hidden < 0 ? 0 : q->hidden;
	if (q->hidden > 0)
		q->state = state_worst(q->state, STATE_WARNING);
	q->starved = q->backlog > 0 && q->compatible == 0;
	if (q->starved)
		q->state = STATE_CRITICAL;
	if (q->unreadable != NULL) /* UNKNOWN for itself; a WARNING or CRITICAL found without it stands */
		q->state = state_worst(q->state, STATE_UNKNOWN);
}

int queue_judge_consumed(const struct fleet *f, const struct queue_rules *r, char *const *given, size_t n,
                         struct queue **out, size_t *nout, struct error *err)
{
	struct name_map seen = NAME_MAP_INIT;
	size_t cap = n, k = 0;
	struct queue *qs;

	for (size_t i = 0; n == 0 && i < f->n; i++)
		cap += f->workers[i].nqueues;
	if ((qs = calloc(cap ? cap : 1, sizeof(*qs))) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory judging queues");
	for (size_t i = 0; i < n; i++)
		qs[k++] = (struct queue){.name = given[i], .backlog = -1};
	for (size_t i = 0; n == 0 && i < f->n; i++)
		for (size_t j = 0; j < f->workers[i].nqueues; j++) {
			const char *q = f->workers[i].queues[j];
			int fresh = name_map_put(&seen, q, k, NULL);
			if (fresh < 0) {
				name_map_free(&seen);
				free(qs);
				return error_set(err, ERROR_NOMEM, "out of memory judging queues");
			}
			if (fresh)
				qs[k++] = (struct queue){.name = q, .backlog = -1};
		}
	name_map_free(&seen);
	if (queue_count_consumers(f, qs, k, err) < 0) {
		free(qs);
		return -1;
	}
	for (size_t i = 0; i < k; i++)
		queue_judge(r, 0, &qs[i]);
	*out = qs;
	*nout = k;
	return 0;
}
