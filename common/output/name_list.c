/* SPDX-License-Identifier: GPL-3.0-or-later */
/* name_list: "the first five, then N more", written once for every summary. */
#include "name_list.h"

#include "report.h"

struct name_list name_list_start(struct strbuf *sb, const char *opening)
{
	return (struct name_list){sb, opening, ", ", " and ", "", REPORT_MAX_NAMED, 1, 0, 0};
}

int name_list_add(struct name_list *l)
{
	l->named++;
	if (l->shown >= l->max || (l->budgeted && l->sb->len >= REPORT_NAME_BUDGET))
		return 0;
	strbuf_puts(l->sb, l->shown++ ? l->separator : l->opening);
	return 1;
}

void name_list_end(const struct name_list *l)
{
	if (l->named > l->shown)
		strbuf_printf(l->sb, "%s%lld more%s", l->shown ? l->and_more : l->opening,
		              l->named - l->shown, l->noun);
}
