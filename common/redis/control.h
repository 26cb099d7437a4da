/* SPDX-License-Identifier: GPL-3.0-or-later */
/* control: one control command sent to one worker alone over Redis (its node name as the destination), and
 * its answer. */
#ifndef CELERY_CONTROL_H
#define CELERY_CONTROL_H

#include "control_answer.h"
#include "inspect.h"

/* Sends q->method with q->arguments to the one worker q->destination names and waits for its reply until
 * q->collect. A command that makes the worker stop (shutdown) gets no reply: answered stays 0. Fails as
 * inspect_broadcast does; our keys are removed in any case. */
int control_one(struct broker *b, const struct inspect_query *q, struct control_answer *out,
                struct error *err);

#endif
