/* SPDX-License-Identifier: GPL-3.0-or-later */
/* probe: deadlines, signals, connect and collect, shared by both plugins. */
#include "probe.h"

#include "cancel.h"

#include <stdio.h>
#include <string.h>

/* Time kept back from -t for removing our keys after a collection that ran long. */
static double cleanup_reserve(double timeout)
{
	return timeout * 0.2 < 0.5 ? timeout * 0.2 : 0.5;
}

int probe_start(struct probe *p, const struct options *o, const char *service, struct error *err)
{
	struct inspect_query q;
	struct deadline limit;
	char backstop[256];
	int cut_by_limit;
	int cancel_fd;

	memset(p, 0, sizeof(*p));
	p->started = clock_now();
	p->hard = deadline_in(o->timeout);
	limit.at = p->hard.at - cleanup_reserve(o->timeout);
	snprintf(backstop, sizeof(backstop), "%s %s - plugin timed out after %g s\n", service,
	         state_name(o->timeout_state), o->timeout);
	cancel_arm_backstop(o->timeout + 0.5, backstop, (int)o->timeout_state);
	if ((cancel_fd = cancel_install(err)) < 0)
		return -1;
	if (broker_open(&p->broker, &o->addr, cancel_fd, &p->hard, err) < 0)
		return -1;
	q.method = "active_queues";
	q.names = &o->names;
	q.hard = p->hard;
	q.collect = deadline_min(deadline_in(o->inspect_timeout), limit);
	cut_by_limit = q.collect.at == limit.at;
	if (fleet_collect(&p->broker, &q, &o->policy, &p->fleet, err) < 0)
		return -1;
	/* -t ended the wait before -T did: the limit, not the workers, decided who is unresponsive. */
	if (cut_by_limit && fleet_unresponsive(&p->fleet) > 0)
		return error_set(err, ERROR_TIMEOUT, "%lld of %lld workers had not answered",
		                 fleet_unresponsive(&p->fleet), p->fleet.stats.received);
	return 0;
}

void probe_finish(struct probe *p)
{
	broker_close(&p->broker);
	fleet_free(&p->fleet);
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
