/* SPDX-License-Identifier: GPL-3.0-or-later */
/* plugin: the flow every check shares: options, probe, judgement, output, exit code. */
#ifndef CELERY_PLUGIN_H
#define CELERY_PLUGIN_H

#include "option_sets.h"
#include "options.h"
#include "probe.h"
#include "program.h"
#include "report.h"

#include <json-c/json.h>

struct plugin {
	const char *name;                 /* program name, e.g. check_celery_worker_versions */
	const char *service;              /* status line prefix, e.g. CELERY WORKERS */
	const struct option_set *options; /* which options it takes */
	const char *description;          /* first paragraph of -h */
	const char *examples;             /* last paragraph of -h */
	/* Judges what the probe found: sets r->state, the summary, perfdata (but `time`, added after) and
	 * details, and adds its fields to doc. Returns -1 with err filled when it cannot. */
	int (*judge)(const struct options *o, struct probe *p, struct report *r, json_object *doc,
	             struct error *err);
};

/* Runs the plugin as a program (program.h) and returns its exit code. */
int plugin_main(const struct plugin *pl, int argc, char **argv);

#endif
