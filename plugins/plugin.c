/* SPDX-License-Identifier: GPL-3.0-or-later */
/* plugin: the main flow and all printing, shared by the check programs. */
#include "plugin.h"

#include "config.h"
#include "cancel.h"
#include "perfdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_help(const struct plugin *pl)
{
	printf("%s (%s %s)\n", pl->name, PACKAGE_NAME, PACKAGE_VERSION);
	printf("Copyright (C) 2026 monitoring-plugins-celery developers. License GPL-3.0-or-later.\n\n");
	printf("%s\n\n", pl->description);
	printf("%s\n", options_usage(pl->kind));
	printf("%s\n", options_help(pl->kind));
	printf("RANGE is a threshold range as the Monitoring Plugins Development Guidelines define it:\n"
	       "  https://www.monitoring-plugins.org/doc/guidelines.html#THRESHOLDFORMAT\n"
	       "  10 alerts outside 0..10, 10: below 10, ~:10 above 10, 10:20 outside 10..20, @10:20 "
	       "inside.\n\n");
	printf("Examples:\n%s\n", pl->examples);
}

/* Prints the report as text or JSON and returns its state. */
static int emit(const struct options *o, const struct report *r, json_object *doc)
{
	if (o->json) {
		const char *text = report_json(r, doc);
		if (text == NULL) {
			printf(
			    "{\"state\": \"UNKNOWN\", \"exit_code\": 3, \"summary\": \"out of memory\"}\n");
			return STATE_UNKNOWN;
		}
		printf("%s\n", text);
	} else {
		char *text = report_text(r);
		if (text == NULL) {
			printf("%s UNKNOWN - out of memory\n", r->service);
			return STATE_UNKNOWN;
		}
		fputs(text, stdout);
		free(text);
	}
	return (int)r->state;
}

static void report_failure(struct report *r, enum state state, const struct error *err, double timeout)
{
	r->state = state;
	if (err->kind == ERROR_TIMEOUT)
		strbuf_printf(&r->summary, "time limit of %g s reached: ", timeout);
	if (err->kind == ERROR_CANCELLED)
		strbuf_printf(&r->summary, "stopped by %s: ", strsignal(cancel_signal()));
	strbuf_put_clean(&r->summary, err->msg);
}

int plugin_main(const struct plugin *pl, int argc, char **argv)
{
	struct options o;
	struct report r;
	struct probe p;
	struct error err = {ERROR_NONE, ""};
	json_object *doc = json_object_new_object();
	int parsed, rc;

	report_init(&r, pl->service);
	parsed = options_parse(&o, pl->kind, argc, argv, &err);
	if (parsed == OPTIONS_HELP || parsed == OPTIONS_VERSION) {
		if (parsed == OPTIONS_HELP)
			print_help(pl);
		else
			printf("%s (%s %s)\n", pl->name, PACKAGE_NAME, PACKAGE_VERSION);
		rc = STATE_OK;
	} else if (parsed < 0) {
		report_failure(&r, STATE_UNKNOWN, &err, 0);
		rc = emit(&o, &r, doc);
	} else {
		if (probe_start(&p, &o, pl->service, &err) < 0 || pl->judge(&o, &p, &r, doc, &err) < 0) {
			report_free(&r);
			report_init(&r, pl->service);
			json_object_put(doc);
			doc = json_object_new_object();
			report_failure(&r, error_state(&err, o.timeout_state), &err, o.timeout);
		} else {
			struct perfdata time = {"time", probe_elapsed(&p), "s", NULL, 1, 0, 0, 0};
			perfdata_append(&r.perf, &time);
		}
		probe_finish(&p);
		rc = emit(&o, &r, doc);
	}
	json_object_put(doc);
	report_free(&r);
	options_free(&o);
	return rc;
}
