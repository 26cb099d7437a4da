/* SPDX-License-Identifier: GPL-3.0-or-later */
/* program: options, help and version, and the run, for every program. */
#include "program.h"

#include "config.h"

#include <stdio.h>
#include <string.h>

static void print_help(const struct program *pg)
{
	printf("%s (%s %s)\n", pg->name, PACKAGE_NAME, PACKAGE_VERSION);
	printf("Copyright (C) 2026 monitoring-plugins-celery developers; GPL-3.0-or-later.\n\n");
	printf("%s\n\n", pg->description);
	printf("%s\n", pg->options->usage);
	printf("%s\n", pg->options->help);
	if (pg->ranges)
		printf("Ranges:\n"
		       " RANGE is a threshold range as the Monitoring Plugins Development Guidelines\n"
		       " define it: 10 alerts outside 0..10, 10: below 10, ~:10 above 10, 10:20\n"
		       " outside 10..20, @10:20 inside 10..20. See\n"
		       " https://www.monitoring-plugins.org/doc/guidelines.html#THRESHOLDFORMAT\n\n");
	printf("Examples:\n%s\n", pg->examples);
}

int program_main(const struct program *pg, int argc, char **argv)
{
	struct options o;
	struct error err = {ERROR_NONE, ""};
	int parsed = options_parse(&o, pg->options, argc, argv, &err), rc;

	if (parsed == OPTIONS_HELP || parsed == OPTIONS_VERSION) {
		if (parsed == OPTIONS_HELP)
			print_help(pg);
		else
			printf("%s (%s %s)\n", pg->name, PACKAGE_NAME, PACKAGE_VERSION);
		rc = 3; /* UNKNOWN, as monitoring-plugins' checks do: help is no check result */
	} else if (parsed < 0) {
		/* --json anywhere on a wrong command line still gets a JSON document, so `| jq` never fails
		 */
		for (int i = 1; i < argc && !o.json; i++)
			o.json = strcmp(argv[i], "--json") == 0;
		rc = pg->refuse(pg, &o, &err);
	} else {
		rc = pg->run(pg, &o);
	}
	options_free(&o);
	return rc;
}
