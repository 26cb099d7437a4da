/* SPDX-License-Identifier: GPL-3.0-or-later */
/* report: the plugin's output: status line with perfdata, long output, or the --json document. */
#ifndef CELERY_REPORT_H
#define CELERY_REPORT_H

#include "state.h"
#include "strbuf.h"

#include <json-c/json.h>

#define REPORT_MAX_NAMED   5   /* workers or queues named in a summary before "and N more" */
#define REPORT_MAX_DETAIL  20  /* names in one line of -v before "and N more" */
#define REPORT_MAX_SUMMARY 512 /* bytes of the status line before the perfdata, at most */

struct report {
	const char *service; /* "CELERY WORKERS", "CELERY QUEUES" */
	enum state state;
	struct strbuf summary; /* one line; outside text goes in through strbuf_put_clean */
	struct strbuf perf;    /* perfdata items */
	struct strbuf details; /* long output, one line per item */
};

void report_init(struct report *r, const char *service);
void report_free(struct report *r);
/* "SERVICE STATE - summary | perfdata\ndetails", the part before '|' cut to REPORT_MAX_SUMMARY bytes
 * (ending in "..."); NULL when out of memory. */
char *report_text(const struct report *r);
/* Adds state, exit_code, summary and perfdata to doc (which the caller filled with its own fields)
 * and returns the pretty-printed document, valid UTF-8 whatever the names held (malloc'ed); NULL when
 * out of memory. */
char *report_json(const struct report *r, json_object *doc);

#endif
