/* SPDX-License-Identifier: GPL-3.0-or-later */
/* scan: the SCAN cursor loop. */
#include "scan.h"

#include <string.h>

int broker_scan(struct broker *b, const char *pattern, const struct deadline *dl, scan_page_fn fn, void *ctx,
                struct error *err)
{
	char cursor[32] = "0";
	const char *argv[6] = {"SCAN", cursor, "MATCH", pattern, "COUNT", SCAN_COUNT};
	size_t lens[6] = {4, 1, 5, strlen(pattern), 5, strlen(SCAN_COUNT)};
	int rc = 0;

	do {
		redisReply *r;
		lens[1] = strlen(cursor);
		if (broker_call(b, dl, &r, err, 6, argv, lens) < 0)
			return -1;
		if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
		    r->element[0]->type != REDIS_REPLY_STRING || r->element[0]->len >= sizeof(cursor) ||
		    r->element[1]->type != REDIS_REPLY_ARRAY) {
			freeReplyObject(r);
			return error_set(err, ERROR_BROKER, "SCAN answered with an unexpected reply");
		}
		memcpy(cursor, r->element[0]->str, r->element[0]->len + 1);
		rc = fn(ctx, r->element[1], err);
		freeReplyObject(r);
	} while (rc == 0 && strcmp(cursor, "0") != 0);
	return rc;
}
