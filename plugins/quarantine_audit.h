/* SPDX-License-Identifier: GPL-3.0-or-later */
/* quarantine_audit: what celery_quarantine_workers did and refused, one line each, on syslog as it happens
 * and on stdout (or in the --json document) at the end. */
#ifndef CELERY_QUARANTINE_AUDIT_H
#define CELERY_QUARANTINE_AUDIT_H

#include "options.h"
#include "quarantine.h"
#include "strbuf.h"

#include <json-c/json.h>

struct audit {
	const struct options *o;
	struct strbuf lines; /* every audit line, for stdout after the summary */
	json_object *events; /* the same, for --json */
	char *policy;        /* the policy in words, once resolved; NULL before */
};

void audit_init(struct audit *a, const struct options *o);
void audit_free(struct audit *a);
/* One audit line at syslog priority: on syslog at once, kept for the end. event (owned from here on) holds
 * the line's fields for --json, or is NULL. */
void audit_line(struct audit *a, int priority, json_object *event, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The line of a step: done (or would be, in a dry run), refused, or not done, and what came of it. */
void audit_step(struct audit *a, const struct quarantine_step *s, int executed);
/* A syslog line just before a step is sent (struct quarantine_hooks' sending). */
void audit_sending(void *ctx, const struct quarantine_step *s);
/* Prints the status line and the audit lines, or the --json document; returns state. */
int audit_finish(struct audit *a, int state, const char *summary, json_object *doc);

#endif
