/* SPDX-License-Identifier: GPL-3.0-or-later */
/* perfdata: 'label'=value[UOM];[warn];[crit];[min];[max] items as the Development Guidelines define them. */
#ifndef CELERY_PERFDATA_H
#define CELERY_PERFDATA_H

#include "range.h"
#include "strbuf.h"

#include <json-c/json.h>

struct perfdata {
	const char *label; /* any text; quoted and cleaned as needed */
	double value;
	const char *uom;              /* unit of measurement: "", "s", "%", "B", "c", ... */
	const struct thresholds *thr; /* warn and crit fields, or NULL */
	int has_min, has_max;
	double min, max;
};

/* Appends one item, preceded by a space unless sb is empty. */
void perfdata_append(struct strbuf *sb, const struct perfdata *pd);
/* Appends a label, quoted when it holds anything but letters, digits and "_.-:/"; a single quote is
 * doubled; '=', '|' and control characters, which no parser can take, become '_'. */
void perfdata_label(struct strbuf *sb, const char *label);
/* Appends a number in plain decimal notation (no exponent), without trailing zeros. */
void perfdata_number(struct strbuf *sb, double v);

/* The item as monitoring-plugins' mp-test-json writes it: {"label", "value": {"type", "value"}, "uom",
 * "warn"/"crit": {"alert_on_inside", "start", "end"} ("inf" for an open end), "min", "max"}. */
json_object *perfdata_json(const struct perfdata *pd);

#endif
