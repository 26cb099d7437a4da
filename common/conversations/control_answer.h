/* SPDX-License-Identifier: GPL-3.0-or-later */
/* control_answer: what one worker said to a control command sent to it alone: Celery's {"ok": ...} or
 * {"error": ...}, whatever the broker. */
#ifndef CELERY_CONTROL_ANSWER_H
#define CELERY_CONTROL_ANSWER_H

#include "replies.h"

struct control_answer {
	int answered;   /* the worker replied */
	int ok;         /* and its reply was {"ok": ...} */
	char text[200]; /* what it said, made safe for output; "" without a reply */
	struct inspect_stats stats;
};

/* An inspect_fn (ctx: a zeroed struct control_answer) that keeps the first reply: its "ok" or "error"
 * text, or the raw result. */
int control_answer_take(void *ctx, const struct inspect_event *ev, struct error *err);

#endif
