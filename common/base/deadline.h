/* SPDX-License-Identifier: GPL-3.0-or-later */
/* deadline: absolute points on the monotonic clock that every blocking call honours. */
#ifndef CELERY_DEADLINE_H
#define CELERY_DEADLINE_H

struct deadline {
	double at; /* monotonic seconds */
};

/* Seconds on the monotonic clock. */
double clock_now(void);
/* Seconds since the epoch (wall clock), for message expiry headers. */
double clock_wall(void);

struct deadline deadline_in(double seconds);
/* The earlier of two deadlines. */
struct deadline deadline_min(struct deadline a, struct deadline b);
/* Seconds left, never negative. */
double deadline_left(const struct deadline *d);
/* x rounded up to a whole number, for timeouts in whole seconds or milliseconds (0 <= x < 2^62; without
 * libm, whose loading would cost every check more than all its uses). */
long long round_up(double x);
/* Milliseconds left for poll(2), rounded up, never negative. */
int deadline_left_ms(const struct deadline *d);
int deadline_passed(const struct deadline *d);

#endif
