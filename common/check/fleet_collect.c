/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleet_collect: each reply of the broadcast added to the fleet as it is read. */
#include "fleet_collect.h"

#include <string.h>

static int on_event(void *ctx, const struct inspect_event *ev, struct error *err)
{
	return fleet_add_event(ctx, ev, err);
}

int fleet_collect(struct broker *b, const struct inspect_query *q, struct fleet *f, struct error *err)
{
	struct inspect_query aq = *q;
	int rc;

	memset(f, 0, sizeof(*f));
	aq.method = "active_queues";
	rc = inspect_broadcast(b, &aq, on_event, f, &f->stats, err);
	fleet_sort(f);
	return rc;
}
