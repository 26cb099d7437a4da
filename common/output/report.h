/* SPDX-License-Identifier: GPL-3.0-or-later */
/* report: the plugin's output: status line with perfdata and long output, the --json document, or the
 * monitoring-plugins 3 formats (--output-format multi-line, mp-test-json) with one subcheck per item. */
#ifndef CELERY_REPORT_H
#define CELERY_REPORT_H

#include "perfdata.h"
#include "state.h"
#include "strbuf.h"

#include <json-c/json.h>

#define REPORT_MAX_NAMED   5   /* workers or queues named in a summary before "and N more" */
#define REPORT_MAX_DETAIL  20  /* names in one line of -v before "and N more" */
#define REPORT_MAX_SUMMARY 512 /* bytes of the status line before the perfdata, at most */
#define REPORT_NAME_BUDGET 320 /* no more names in a summary once it is this long: "and N more" must fit */

struct report {
	const char *service; /* "CELERY WORKERS", "CELERY QUEUES" */
	enum state state;
	struct strbuf summary; /* one line; outside text goes in through strbuf_put_clean */
	struct strbuf perf;    /* perfdata items */
	struct strbuf details; /* long output, one line per item */
	struct strbuf lines;   /* multi-line: one "\t\\_[STATE] - text" line per subcheck */
	int keep_lines;        /* the lines are written (report_keep_lines) */
	json_object *checks;   /* mp-test-json: the subchecks, each with its perfdata; NULL unless kept */
};

enum report_format {
	REPORT_PLUGIN,      /* the status line, perfdata and -v long output */
	REPORT_JSON,        /* --json: the reference document's shape */
	REPORT_MULTI_LINE,  /* --output-format multi-line */
	REPORT_MP_TEST_JSON /* --output-format mp-test-json */
};

void report_init(struct report *r, const char *service);
void report_free(struct report *r);
/* Keeps the subchecks and their perfdata as JSON too, for report_mp_test_json (costly: only then). */
void report_keep_checks(struct report *r);
/* Writes the subchecks' lines, for report_multi_line (only then: 10,000 queues make 10,000 lines). */
void report_keep_lines(struct report *r);
/* 1 when subchecks are kept in either form: otherwise their text need not be written. */
int report_wants_subchecks(const struct report *r);
/* Starts a subcheck of the given state; text comes from the outside world and is cleaned. The perfdata
 * added after it belongs to it. */
void report_subcheck(struct report *r, enum state state, const char *text);
/* Adds one perfdata item to the status line and to the current subcheck. */
void report_perf(struct report *r, const struct perfdata *pd);
/* "[STATE] - summary\n\t\\_[STATE] - subcheck ...|perfdata\n" as monitoring-plugins 3 prints it. */
char *report_multi_line(const struct report *r);
/* {"state", "summary", "checks": [{"output", "state", "perfdata": [...]}]} on one line. */
char *report_mp_test_json(const struct report *r);
/* "SERVICE STATE - summary | perfdata\ndetails", the part before '|' cut to REPORT_MAX_SUMMARY bytes
 * (ending in "..."); NULL when out of memory. */
char *report_text(const struct report *r);
/* Adds state, exit_code, summary and perfdata to doc (which the caller filled with its own fields)
 * and returns the pretty-printed document, valid UTF-8 whatever the names held (malloc'ed); NULL when
 * out of memory. */
char *report_json(const struct report *r, json_object *doc);

#endif
