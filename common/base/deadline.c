/* SPDX-License-Identifier: GPL-3.0-or-later */
/* deadline: monotonic clock arithmetic. */
#include "deadline.h"

#include <time.h>

double clock_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double clock_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct deadline deadline_in(double seconds)
{
	struct deadline d = {clock_now() + seconds};
	return d;
}

struct deadline deadline_min(struct deadline a, struct deadline b)
{
	return a.at < b.at ? a : b;
}

double deadline_left(const struct deadline *d)
{
	double left = d->at - clock_now();
	return left > 0 ? left : 0;
}

long long round_up(double x)
{
	long long whole = (long long)x;

	return (double)whole < x ? whole + 1 : whole;
}

int deadline_left_ms(const struct deadline *d)
{
	double ms = deadline_left(d) * 1000.0;
	return ms > 2147483647.0 ? 2147483647 : (int)round_up(ms);
}

int deadline_passed(const struct deadline *d)
{
	return clock_now() >= d->at;
}
