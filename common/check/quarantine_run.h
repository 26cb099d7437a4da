/* SPDX-License-Identifier: GPL-3.0-or-later */
/* quarantine_run: carrying out a quarantine plan on the broker a probe opened: each step sent to its worker
 * alone, then active_queues asked again until every change shows or time runs out. */
#ifndef CELERY_QUARANTINE_RUN_H
#define CELERY_QUARANTINE_RUN_H

#include "options.h"
#include "probe.h"
#include "quarantine.h"

/* Sends every STEP_ACT step of the plan and records each one's result. After a failure that leaves the
 * broker unusable, or when the time left is too short, the steps not tried are RESULT_NOT_DONE and err
 * says why (returns -1); otherwise 0. */
int quarantine_execute(struct probe *p, const struct options *o, struct quarantine_plan *plan,
                       struct error *err);

#endif
