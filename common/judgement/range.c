/* SPDX-License-Identifier: GPL-3.0-or-later */
/* range: parsing and evaluating [@][~|start]:[end] ranges. */
#include "range.h"

#include "numparse.h"

#include <stdio.h>
#include <string.h>

/* Parses one endpoint of length n; empty means absent. */
static int parse_endpoint(const char *s, size_t n, double *out, int *present)
{
	char buf[64];

	*present = n > 0;
	if (n == 0)
		return 0;
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return parse_decimal(buf, out);
}

int range_parse(const char *s, struct range *r, struct error *err)
{
	const char *p = s, *colon;
	int has_start = 0, has_end = 0;

	memset(r, 0, sizeof(*r));
	if (s == NULL || *s == '\0')
		return error_set(err, ERROR_USAGE, "empty range");
	if (strlen(s) >= sizeof(r->text))
		return error_set(err, ERROR_USAGE, "range '%.20s...' is too long", s);
	snprintf(r->text, sizeof(r->text), "%s", s);
	if (*p == '@') {
		r->inside = 1;
		p++;
	}
	colon = strchr(p, ':');
	if (*p == '~') {
		if (colon != p + 1)
			return error_set(err, ERROR_USAGE, "range '%s': '~' must be followed by ':'", s);
		r->start_inf = 1;
		p++;
	}
	if (colon == NULL) {
		if (parse_endpoint(p, strlen(p), &r->end, &has_end) < 0 || !has_end)
			return error_set(err, ERROR_USAGE, "range '%s' is not a number or start:end", s);
		if (!r->start_inf && r->end < 0) /* "10" means 0:10, so "-3" would be 0:-3 */
			return error_set(err, ERROR_USAGE, "range '%s': start (0) is greater than end", s);
		return 0;
	}
	if (!r->start_inf && parse_endpoint(p, (size_t)(colon - p), &r->start, &has_start) < 0)
		return error_set(err, ERROR_USAGE, "range '%s': start is not a number", s);
	if (parse_endpoint(colon + 1, strlen(colon + 1), &r->end, &has_end) < 0)
		return error_set(err, ERROR_USAGE, "range '%s': end is not a number", s);
	r->end_inf = !has_end;
	if (!r->start_inf && !has_start && !has_end)
		return error_set(err, ERROR_USAGE, "range '%s' has neither start nor end", s);
	if (!r->start_inf && !r->end_inf && r->start > r->end)
		return error_set(err, ERROR_USAGE, "range '%s': start is greater than end", s);
	return 0;
}

int range_alerts(const struct range *r, double value)
{
	int outside = (!r->start_inf && value < r->start) || (!r->end_inf && value > r->end);
	return r->inside ? !outside : outside;
}

enum state thresholds_state(const struct thresholds *t, double value)
{
	if (t->has_crit && range_alerts(&t->crit, value))
		return STATE_CRITICAL;
	if (t->has_warn && range_alerts(&t->warn, value))
		return STATE_WARNING;
	return STATE_OK;
}
