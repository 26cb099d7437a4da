/* SPDX-License-Identifier: GPL-3.0-or-later */
/* options_quarantine: parsing and checking the event handler's options. */
#include "options_quarantine.h"

#include "numparse.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void quarantine_options_default(struct quarantine_options *q)
{
	memset(q, 0, sizeof(*q));
	q->action = QUARANTINE_CANCEL_CONSUMER;
	q->max_workers = 5;
	q->hard = -1;
	q->act_on = 1u << STATE_WARNING | 1u << STATE_CRITICAL;
}

/* --act-on STATE[,STATE...] */
static int set_act_on(struct quarantine_options *q, const char *arg, struct error *err)
{
	q->act_on = 0;
	for (const char *p = arg;; p += strcspn(p, ",") + 1) {
		char one[16];
		size_t n = strcspn(p, ",");
		enum state s;
		if (n >= sizeof(one) || (memcpy(one, p, n), one[n] = '\0', state_parse(one, &s) < 0))
			return error_set(err, ERROR_USAGE,
			                 "--act-on: '%.40s' is not a list of ok, warning, critical, unknown",
			                 arg);
		q->act_on |= 1u << s;
		if (p[n] == '\0')
			return 0;
	}
}

/* A whole number from 1 to max. */
static int set_count(const char *opt, const char *arg, long max, long *out, struct error *err)
{
	if (parse_long(arg, 1, max, out) < 0)
		return error_set(err, ERROR_USAGE, "%s: '%.40s' is not a whole number from 1 to %ld", opt,
		                 arg, max);
	return 0;
}

int quarantine_option(struct quarantine_options *q, const char *name, const char *arg, struct error *err)
{
	if (strcmp(name, "execute") == 0) {
		q->execute = 1;
	} else if (strcmp(name, "allow-empty-queue") == 0) {
		q->allow_empty_queue = 1;
	} else if (strcmp(name, "act-on-soft") == 0) {
		q->act_on_soft = 1;
	} else if (strcmp(name, "action") == 0) {
		if (strcmp(arg, "cancel-consumer") == 0 || strcmp(arg, "cancel_consumer") == 0)
			q->action = QUARANTINE_CANCEL_CONSUMER;
		else if (strcmp(arg, "shutdown") == 0)
			q->action = QUARANTINE_SHUTDOWN;
		else
			return error_set(err, ERROR_USAGE,
			                 "--action: '%.40s' is not cancel-consumer or shutdown", arg);
	} else if (strcmp(name, "max-workers") == 0) {
		return set_count("--max-workers", arg, 1000, &q->max_workers, err);
	} else if (strcmp(name, "attempt") == 0) {
		return set_count("--attempt", arg, 1000000, &q->attempt, err);
	} else if (strcmp(name, "state") == 0) {
		if (state_parse(arg, &q->state) < 0)
			return error_set(
			    err, ERROR_USAGE,
			    "--state: '%.40s' is not OK, WARNING, CRITICAL or UNKNOWN (or 0 to 3)", arg);
		q->state_given = 1;
	} else if (strcmp(name, "state-type") == 0) {
		if (strcasecmp(arg, "HARD") == 0 || strcmp(arg, "1") == 0)
			q->hard = 1;
		else if (strcasecmp(arg, "SOFT") == 0 || strcmp(arg, "0") == 0)
			q->hard = 0;
		else
			return error_set(err, ERROR_USAGE, "--state-type: '%.40s' is not HARD or SOFT", arg);
	} else if (strcmp(name, "act-on") == 0) {
		return set_act_on(q, arg, err);
	}
	return 0;
}

int quarantine_options_check(const struct quarantine_options *q, double timeout, int newest,
                             struct error *err)
{
	if (q->state_given != (q->hard >= 0))
		return error_set(err, ERROR_USAGE,
		                 "--state and --state-type go together ($SERVICESTATE$ $SERVICESTATETYPE$)");
	if (q->execute && timeout < QUARANTINE_LEAST_TIMEOUT)
		return error_set(err, ERROR_USAGE,
		                 "--execute needs -t of at least %g s: to judge, act, confirm and clean up",
		                 QUARANTINE_LEAST_TIMEOUT);
	if (q->execute && newest)
		return error_set(
		    err, ERROR_USAGE,
		    "--execute refuses -e newest: one worker tagged by mistake with a higher version "
		    "would make the whole fleet stale; name the version (-e, --accept or "
		    "--expected-version-file)");
	return 0;
}

int quarantine_triggered(const struct quarantine_options *q)
{
	if (!q->state_given)
		return 1; /* run by hand */
	return (q->act_on & 1u << q->state) != 0 && (q->hard == 1 || q->act_on_soft);
}
