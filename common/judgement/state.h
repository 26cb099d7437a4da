/* SPDX-License-Identifier: GPL-3.0-or-later */
/* state: the four plugin states, their names and how two states combine. */
#ifndef CELERY_STATE_H
#define CELERY_STATE_H

enum state {
	STATE_OK = 0,
	STATE_WARNING = 1,
	STATE_CRITICAL = 2,
	STATE_UNKNOWN = 3,
};

const char *state_name(enum state s);
/* Parses "ok", "warning", "critical", "unknown" (any case) or "0".."3"; returns -1 if none. */
int state_parse(const char *s, enum state *out);
/* The worse of two states: OK < UNKNOWN < WARNING < CRITICAL. A definite problem is not hidden by an
 * UNKNOWN, and an UNKNOWN is not hidden by OK. */
enum state state_worst(enum state a, enum state b);

#endif
