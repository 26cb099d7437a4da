/* SPDX-License-Identifier: GPL-3.0-or-later */
/* scan: walking the keys that match a pattern with SCAN, a page at a time (never KEYS, which blocks a
 * large broker). */
#ifndef CELERY_SCAN_H
#define CELERY_SCAN_H

#include "broker.h"

#define SCAN_COUNT "5000" /* keys the server looks at per SCAN call */

/* Called with each page: an array reply of key names (any element may be of another type). */
typedef int (*scan_page_fn)(void *ctx, const redisReply *keys, struct error *err);

/* SCAN 0 MATCH pattern COUNT SCAN_COUNT until the cursor comes back to 0; fails when a call or fn does. */
int broker_scan(struct broker *b, const char *pattern, const struct deadline *dl, scan_page_fn fn, void *ctx,
                struct error *err);

#endif
