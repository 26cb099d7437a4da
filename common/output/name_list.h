/* SPDX-License-Identifier: GPL-3.0-or-later */
/* name_list: a list of names in a summary, bounded: the first few (REPORT_MAX_NAMED, and no more once the
 * text is REPORT_NAME_BUDGET long when it is budgeted), then "and N more". */
#ifndef CELERY_NAME_LIST_H
#define CELERY_NAME_LIST_H

#include "strbuf.h"

struct name_list {
	struct strbuf *sb;
	const char *opening;   /* written before the first name, or before "N more" when none was shown */
	const char *separator; /* between two names */
	const char *and_more;  /* before "N more" after names: " and " */
	const char *noun;      /* after "N more", or "" */
	long long max;         /* names shown at most */
	int budgeted;          /* also none once sb is REPORT_NAME_BUDGET long */
	long long named, shown;
};

/* A list of at most REPORT_MAX_NAMED names, budgeted, separated by ", ", after opening. */
struct name_list name_list_start(struct strbuf *sb, const char *opening);
/* Counts one more name; 1 when it is to be written (the opening or a separator is written already). */
int name_list_add(struct name_list *l);
/* Writes what was not shown: " and N more" and the noun. */
void name_list_end(const struct name_list *l);

#endif
