/* SPDX-License-Identifier: GPL-3.0-or-later */
/* range: threshold ranges and thresholds as the Monitoring Plugins Development Guidelines define them. */
#ifndef CELERY_RANGE_H
#define CELERY_RANGE_H

#include "error.h"
#include "state.h"

/* [@]start:end. A value outside start..end (endpoints included) alerts; with '@', a value inside does.
 * "10" is 0:10, "10:" is 10:infinity, "~:10" is -infinity:10, ":10" is 0:10. */
struct range {
	double start;  /* lower endpoint, unless start_inf */
	double end;    /* upper endpoint, unless end_inf */
	int start_inf; /* '~': no lower bound */
	int end_inf;   /* empty end: no upper bound */
	int inside;    /* '@': alert inside the range instead of outside */
	char text[64]; /* the range as the user wrote it, for perfdata */
};

/* Parses a range; on error fills err with ERROR_USAGE and says why. */
int range_parse(const char *s, struct range *r, struct error *err);
/* 1 if value raises an alert for this range, 0 if not. */
int range_alerts(const struct range *r, double value);

/* A warning and a critical range, each optional. */
struct thresholds {
	struct range warn;
	struct range crit;
	int has_warn;
	int has_crit;
};

/* CRITICAL if the critical range alerts, else WARNING if the warning range does, else OK. */
enum state thresholds_state(const struct thresholds *t, double value);

#endif
