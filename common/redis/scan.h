/* SPDX-License-Identifier: GPL-3.0-or-later */
/* scan: walking the keys that match a pattern with SCAN, a page at a time (never KEYS, which blocks a
 * large broker), all of them or a slice of the keyspace a call, resumed where the last slice ended. */
#ifndef CELERY_SCAN_H
#define CELERY_SCAN_H

#include "broker.h"

#define SCAN_COUNT 1000 /* keys the server looks at per SCAN call: about 0.5 ms of its time (Redis 7.0) */

/* Called with each page: an array reply of key names (any element may be of another type). */
typedef int (*scan_page_fn)(void *ctx, const struct resp *keys, struct error *err);

/* SCAN *cursor MATCH pattern COUNT SCAN_COUNT until the cursor comes back to 0 or, with a budget, once the
 * server has looked at about budget keys (0: no budget); *cursor is left where the walk stopped (0: the
 * keyspace was walked to its end). Fails when a call or fn does. */
int broker_scan(struct broker *b, const char *pattern, unsigned long long *cursor, long budget,
                const struct deadline *dl, scan_page_fn fn, void *ctx, struct error *err);

#endif
