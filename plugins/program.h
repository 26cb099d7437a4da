/* SPDX-License-Identifier: GPL-3.0-or-later */
/* program: the main every program of the suite shares, the checks and the event handler alike: options,
 * -h and -V, a wrong command line reported (as JSON when --json is among it), then the program's run. */
#ifndef CELERY_PROGRAM_H
#define CELERY_PROGRAM_H

#include "options.h"

struct program {
	const char *name;                 /* e.g. check_celery_worker_versions */
	const struct option_set *options; /* which options it takes, and their help */
	const char *description;          /* first paragraph of -h */
	const char *examples;             /* last paragraph of -h */
	int ranges;                       /* -h explains threshold ranges: it takes thresholds */
	/* Runs with the options parsed and checked; returns the exit code. */
	int (*run)(const struct program *pg, struct options *o);
	/* Reports a command line that could not be parsed (o->json is set when --json is among it); returns
	 * the exit code. */
	int (*refuse)(const struct program *pg, struct options *o, const struct error *err);
	void *ctx; /* the program's own */
};

/* Runs the program and returns its exit code. */
int program_main(const struct program *pg, int argc, char **argv);

#endif
