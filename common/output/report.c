/* SPDX-License-Identifier: GPL-3.0-or-later */
/* report: rendering the plugin output as text or JSON. */
#include "report.h"

#include "json_utf8.h"

#include <string.h>

static size_t fitting(const char *s, size_t max);

void report_init(struct report *r, const char *service)
{
	struct strbuf empty = STRBUF_INIT;

	r->service = service;
	r->state = STATE_OK;
	r->summary = empty;
	r->perf = empty;
	r->details = empty;
	r->lines = empty;
	r->keep_lines = 0;
	r->checks = NULL;
}

void report_keep_checks(struct report *r)
{
	if (r->checks == NULL)
		r->checks = json_object_new_array();
}

void report_keep_lines(struct report *r)
{
	r->keep_lines = 1;
}

int report_wants_subchecks(const struct report *r)
{
	return r->keep_lines || r->checks != NULL;
}

void report_free(struct report *r)
{
	strbuf_free(&r->summary);
	strbuf_free(&r->perf);
	strbuf_free(&r->details);
	strbuf_free(&r->lines);
	json_object_put(r->checks);
	r->checks = NULL;
}

void report_subcheck(struct report *r, enum state state, const char *text)
{
	json_object *check;

	if (r->keep_lines) {
		strbuf_printf(&r->lines, "\t\\_[%s] - ", state_name(state));
		strbuf_put_clean(&r->lines, text);
		strbuf_putc(&r->lines, '\n');
	}
	if (r->checks == NULL)
		return;
	check = json_object_new_object();
	json_object_object_add(check, "output", json_object_new_string(text));
	json_object_object_add(check, "state", json_object_new_string(state_name(state)));
	json_object_array_add(r->checks, check);
}

void report_perf(struct report *r, const struct perfdata *pd)
{
	size_t n = r->checks ? json_object_array_length(r->checks) : 0;
	json_object *check = n ? json_object_array_get_idx(r->checks, n - 1) : NULL, *list;

	perfdata_append(&r->perf, pd);
	if (check == NULL)
		return;
	if (!json_object_object_get_ex(check, "perfdata", &list)) {
		list = json_object_new_array();
		json_object_object_add(check, "perfdata", list);
	}
	json_object_array_add(list, perfdata_json(pd));
}

char *report_multi_line(const struct report *r)
{
	struct strbuf out = STRBUF_INIT;
	const char *summary = strbuf_str(&r->summary);

	if (r->summary.failed || r->perf.failed || r->lines.failed)
		return NULL;
	strbuf_printf(&out, "[%s] - ", state_name(r->state));
	strbuf_append(&out, summary, fitting(summary, REPORT_MAX_SUMMARY));
	if (r->lines.len > 0) {
		strbuf_putc(&out, '\n');
		strbuf_append(&out, r->lines.buf, r->lines.len - 1); /* without its last newline */
	}
	if (r->perf.len > 0)
		strbuf_printf(&out, "|%s", strbuf_str(&r->perf));
	strbuf_putc(&out, '\n');
	return strbuf_detach(&out);
}

char *report_mp_test_json(const struct report *r)
{
	json_object *doc = json_object_new_object();
	char *text;

	if (r->summary.failed || r->perf.failed)
		return NULL;
	json_object_object_add(doc, "state", json_object_new_string(state_name(r->state)));
	json_object_object_add(doc, "summary", json_object_new_string(strbuf_str(&r->summary)));
	if (r->checks != NULL && json_object_array_length(r->checks) > 0)
		json_object_object_add(doc, "checks", json_object_get(r->checks));
	text = json_utf8_repair(
	    json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	return text;
}

/* How many bytes of s fit in max, cut where no character or \xNN escape is split. */
static size_t fitting(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--; /* inside a UTF-8 sequence */
	for (size_t back = 1; back <= 3 && back <= max; back++)
		if (s[max - back] == '\\') {
			max -= back; /* inside an escape written by strbuf_put_clean */
			break;
		}
	return max;
}

char *report_text(const struct report *r)
{
	struct strbuf out = STRBUF_INIT;
	const char *summary = strbuf_str(&r->summary);
	size_t room;

	if (r->summary.failed || r->perf.failed || r->details.failed)
		return NULL;
	strbuf_printf(&out, "%s %s - ", r->service, state_name(r->state));
	room = REPORT_MAX_SUMMARY > out.len + 3 ? REPORT_MAX_SUMMARY - out.len - 3 : 0;
	if (strlen(summary) <= room + 3) {
		strbuf_puts(&out, summary);
	} else {
		strbuf_append(&out, summary, fitting(summary, room));
		strbuf_puts(&out, "...");
	}
	if (r->perf.len > 0) { /* appended, not printed: with thousands of queues it is most of the text */
		strbuf_puts(&out, " | ");
		strbuf_append(&out, r->perf.buf, r->perf.len);
	}
	strbuf_putc(&out, '\n');
	if (r->details.len > 0)
		strbuf_puts(&out, strbuf_str(&r->details));
	return strbuf_detach(&out);
}

char *report_json(const struct report *r, json_object *doc)
{
	if (r->summary.failed || r->perf.failed)
		return NULL;
	json_object_object_add(doc, "state", json_object_new_string(state_name(r->state)));
	json_object_object_add(doc, "exit_code", json_object_new_int((int)r->state));
	json_object_object_add(doc, "summary", json_object_new_string(strbuf_str(&r->summary)));
	json_object_object_add(doc, "perfdata", json_object_new_string(strbuf_str(&r->perf)));
	return json_utf8_repair(
	    json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
}
