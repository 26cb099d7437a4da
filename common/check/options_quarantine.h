/* SPDX-License-Identifier: GPL-3.0-or-later */
/* options_quarantine: the options of celery_quarantine_workers: what to do, how much, and when an event
 * handler acts (the service's state and state type as Nagios and Icinga pass them). */
#ifndef CELERY_OPTIONS_QUARANTINE_H
#define CELERY_OPTIONS_QUARANTINE_H

#include "error.h"
#include "quarantine.h"
#include "state.h"

struct quarantine_options {
	int execute;                   /* --execute: act; without it, a dry run */
	enum quarantine_action action; /* --action cancel-consumer|shutdown */
	int allow_empty_queue;         /* --allow-empty-queue */
	long max_workers;              /* --max-workers, default 5 */
	int state_given;               /* --state: the service's state ($SERVICESTATE$) */
	enum state state;
	int hard;        /* --state-type: 1 HARD, 0 SOFT, -1 not given */
	long attempt;    /* --attempt ($SERVICEATTEMPT$), for the audit; 0 not given */
	unsigned act_on; /* --act-on: states (bit 1 << state) acted on, default WARNING,CRITICAL */
	int act_on_soft; /* --act-on-soft: SOFT states too */
};

void quarantine_options_default(struct quarantine_options *q);
/* One option: --execute ("execute"), --action, --allow-empty-queue, --max-workers, --state, --state-type,
 * --attempt, --act-on, --act-on-soft, by name, with its value or NULL. ERROR_USAGE saying what is wrong. */
int quarantine_option(struct quarantine_options *q, const char *name, const char *arg, struct error *err);
#define QUARANTINE_LEAST_TIMEOUT 2.0 /* -t with --execute: judging, one step, confirming, cleaning up */

/* Checks the options together: --state and --state-type come as a pair, -t leaves --execute room, and
 * --execute never acts on -e newest (newest: the policy is -e newest), whose expected version one
 * mis-tagged worker would set. */
int quarantine_options_check(const struct quarantine_options *q, double timeout, int newest,
                             struct error *err);
/* 1 when the service's state (if given) calls for action. */
int quarantine_triggered(const struct quarantine_options *q);

#endif
