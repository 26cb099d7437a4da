/* SPDX-License-Identifier: GPL-3.0-or-later */
/* probe: one check's conversation with the broker: time limits, connection, the fleet of workers. */
#ifndef CELERY_PROBE_H
#define CELERY_PROBE_H

#include "broker.h"
#include "fleet.h"
#include "options.h"

struct probe {
	struct broker broker; /* still open after probe_start, for further reads (backlog) */
	struct fleet fleet;   /* every worker that answered */
	struct deadline hard; /* -t from the start of the plugin */
	double started;       /* monotonic start time */
};

/* Sets up signals and the time limits, connects and collects the fleet. On failure err says why;
 * error_state() gives the state to report. */
int probe_start(struct probe *p, const struct options *o, const char *service, struct error *err);
void probe_finish(struct probe *p);
/* Seconds since probe_start began. */
double probe_elapsed(const struct probe *p);
/* The state a failure maps to: CRITICAL for a broker that cannot be reached, went away or cannot serve
 * (LOADING, OOM, ...), the -t state for a timeout, UNKNOWN for everything else (credentials, ACL, a
 * read-only replica, signals). */
enum state error_state(const struct error *err, enum state timeout_state);

#endif
