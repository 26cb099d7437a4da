/* SPDX-License-Identifier: GPL-3.0-or-later */
/* perfdata: formatting of performance data items. */
#include "perfdata.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static int plain_label_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '.' || c == '-' || c == ':' || c == '/';
}

void perfdata_label(struct strbuf *sb, const char *label)
{
	int quote = *label == '\0';

	for (const char *p = label; *p; p++)
		if (!plain_label_char((unsigned char)*p))
			quote = 1;
	if (!quote) { /* letters, digits and _.-:/ only: as it is */
		strbuf_puts(sb, label);
		return;
	}
	strbuf_putc(sb, '\'');
	for (const char *p = label; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\'')
			strbuf_puts(sb, "''");
		else if (c == '=' || c == '|' || c < 0x20 || c == 0x7f)
			strbuf_putc(sb, '_');
		else
			strbuf_putc(sb, (char)c);
	}
	strbuf_putc(sb, '\'');
}

void perfdata_number(struct strbuf *sb, double v)
{
	char buf[64];
	size_t n;

	if (!isfinite(v))
		v = 0;
	if (v > -1e15 && v < 1e15 && v == (double)(long long)v) { /* an integer: its digits, not printf's */
		char digits[24];
		size_t i = sizeof(digits);
		unsigned long long u = (unsigned long long)(v < 0 ? -v : v);
		digits[--i] = '\0';
		do
			digits[--i] = (char)('0' + u % 10);
		while ((u /= 10) > 0);
		if (v < 0)
			digits[--i] = '-';
		strbuf_puts(sb, digits + i);
		return;
	}
	snprintf(buf, sizeof(buf), "%.6f", v);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	strbuf_puts(sb, strcmp(buf, "-0") == 0 ? "0" : buf);
}

void perfdata_append(struct strbuf *sb, const struct perfdata *pd)
{
	const struct thresholds *t = pd->thr;
	size_t end;

	if (sb->len > 0)
		strbuf_putc(sb, ' ');
	perfdata_label(sb, pd->label);
	strbuf_putc(sb, '=');
	perfdata_number(sb, pd->value);
	strbuf_puts(sb, pd->uom ? pd->uom : "");
	/* The four optional fields, appended in place; trailing empty ones are then dropped. */
	end = sb->len;
	strbuf_putc(sb, ';');
	if (t && t->has_warn)
		strbuf_puts(sb, t->warn.text);
	strbuf_putc(sb, ';');
	if (t && t->has_crit)
		strbuf_puts(sb, t->crit.text);
	strbuf_putc(sb, ';');
	if (pd->has_min)
		perfdata_number(sb, pd->min);
	strbuf_putc(sb, ';');
	if (pd->has_max)
		perfdata_number(sb, pd->max);
	if (sb->failed)
		return;
	while (sb->len > end && sb->buf[sb->len - 1] == ';')
		sb->len--;
	sb->buf[sb->len] = '\0';
}

/* {"type": "int"|"double", "value": "<decimal>"}: the number as text, as mp-test-json has it. */
static json_object *value_json(double v)
{
	json_object *o = json_object_new_object();
	struct strbuf sb = STRBUF_INIT;

	perfdata_number(&sb, v);
	int integral = v > -9e15 && v < 9e15 && v == (double)(long long)v;

	json_object_object_add(o, "type", json_object_new_string(integral ? "int" : "double"));
	json_object_object_add(o, "value", json_object_new_string(strbuf_str(&sb) ? strbuf_str(&sb) : "0"));
	strbuf_free(&sb);
	return o;
}

static json_object *range_json(const struct range *r)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "alert_on_inside", json_object_new_boolean(r->inside));
	json_object_object_add(o, "start",
	                       r->start_inf ? json_object_new_string("inf") : value_json(r->start));
	json_object_object_add(o, "end", r->end_inf ? json_object_new_string("inf") : value_json(r->end));
	return o;
}

json_object *perfdata_json(const struct perfdata *pd)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "label", json_object_new_string(pd->label));
	json_object_object_add(o, "value", value_json(pd->value));
	if (pd->uom != NULL && *pd->uom)
		json_object_object_add(o, "uom", json_object_new_string(pd->uom));
	if (pd->thr != NULL && pd->thr->has_warn)
		json_object_object_add(o, "warn", range_json(&pd->thr->warn));
	if (pd->thr != NULL && pd->thr->has_crit)
		json_object_object_add(o, "crit", range_json(&pd->thr->crit));
	if (pd->has_min)
		json_object_object_add(o, "min", value_json(pd->min));
	if (pd->has_max)
		json_object_object_add(o, "max", value_json(pd->max));
	return o;
}
