/* SPDX-License-Identifier: GPL-3.0-or-later */
/* scan: the SCAN cursor loop. */
#include "scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The cursor of a SCAN reply; -1 when it is not a number. */
static int read_cursor(const struct resp *r, unsigned long long *cursor)
{
	if (r->type != RESP_STRING || r->len == 0 || r->len > 20 || strspn(r->str, "0123456789") != r->len)
		return -1;
	*cursor = strtoull(r->str, NULL, 10);
	return 0;
}

int broker_scan(struct broker *b, const char *pattern, unsigned long long *cursor, long budget,
                const struct deadline *dl, scan_page_fn fn, void *ctx, struct error *err)
{
	char at[32], count[16];
	const char *argv[6] = {"SCAN", at, "MATCH", pattern, "COUNT", count};
	size_t lens[6] = {4, 0, 5, strlen(pattern), 5, 0};
	long looked = 0;
	int rc = 0;

	snprintf(count, sizeof(count), "%d", SCAN_COUNT);
	lens[5] = strlen(count);
	do {
		struct resp *r;
		lens[1] = (size_t)snprintf(at, sizeof(at), "%llu", *cursor);
		if (broker_call(b, dl, &r, err, 6, argv, lens) < 0)
			return -1;
		if (r->type != RESP_ARRAY || r->elements != 2 || read_cursor(r->element[0], cursor) < 0 ||
		    r->element[1]->type != RESP_ARRAY) {
			resp_free(r);
			return error_set(err, ERROR_BROKER, "SCAN answered with an unexpected reply");
		}
		rc = fn(ctx, r->element[1], err);
		resp_free(r);
		looked += SCAN_COUNT;
	} while (rc == 0 && *cursor != 0 && (budget == 0 || looked < budget));
	return rc;
}
