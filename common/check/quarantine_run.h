/* SPDX-License-Identifier: GPL-3.0-or-later */
/* quarantine_run: carrying out a quarantine plan on the broker a probe opened: each step sent to its worker
 * alone, then active_queues asked again until every change shows or time runs out. */
#ifndef CELERY_QUARANTINE_RUN_H
#define CELERY_QUARANTINE_RUN_H

#include "options.h"
#include "probe.h"
#include "quarantine.h"

/* Told of each step just before it is sent, so that a run killed midway has said what it did. */
struct quarantine_hooks {
	void (*sending)(void *ctx, const struct quarantine_step *s);
	void *ctx;
	char cleanup_error[256]; /* set when a key of ours could not be removed from the broker: why */
};

/* Sends every STEP_ACT step of the plan and records each one's result; a step cut short after it began
 * (a signal, a lost broker) may have been sent: it is not confirmed, never failed. Then asks active_queues
 * again until every change shows. When the broker fails us, or time runs short, the steps not sent are
 * RESULT_NOT_DONE and err says why (returns -1); otherwise 0. */
int quarantine_execute(struct probe *p, const struct options *o, struct quarantine_plan *plan,
                       struct quarantine_hooks *hooks, struct error *err);

#endif
