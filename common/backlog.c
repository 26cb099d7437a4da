/* SPDX-License-Identifier: GPL-3.0-or-later */
/* backlog: pipelined LLEN over every queue's lists (broker protocol, section 4). */
#include "backlog.h"

#include <stdlib.h>
#include <string.h>

/* Queues every LLEN, then reads the replies in order; stops queueing at the first failure. */
static int send_all(struct broker *b, const struct kombu_names *names, char *const *queues, size_t n,
                    struct error *err)
{
	for (size_t i = 0; i < n; i++) {
		for (int step = 0; step < KOMBU_PRIORITY_STEPS; step++) {
			char *key = kombu_queue_key(names, queues[i], step);
			const char *argv[2] = {"LLEN", key};
			size_t lens[2] = {4, key ? strlen(key) : 0};
			int rc;

			if (key == NULL)
				return error_set(err, ERROR_NOMEM, "out of memory naming queue lists");
			rc = broker_append(b, 2, argv, lens, err);
			free(key);
			if (rc < 0)
				return -1;
		}
	}
	return 0;
}

int backlog_read(struct broker *b, const struct kombu_names *names, char *const *queues, size_t n,
                 const struct deadline *dl, long long *counts, struct error *err)
{
	int failed = 0;

	if (send_all(b, names, queues, n, err) < 0)
		return -1;
	/* Read every reply, even after an error reply, so the connection stays in step. */
	for (size_t i = 0; i < n; i++) {
		counts[i] = 0;
		for (int step = 0; step < KOMBU_PRIORITY_STEPS; step++) {
			redisReply *r;

			if (broker_read(b, dl, &r, err) < 0)
				return error_wrap(err, "while reading queue lengths");
			if (!failed && broker_reply_error(r, err) < 0)
				failed = 1;
			else if (r->type == REDIS_REPLY_INTEGER)
				counts[i] += r->integer;
			else if (!failed)
				failed =
				    error_set(err, ERROR_BROKER, "LLEN did not answer with a number") < 0;
			freeReplyObject(r);
		}
	}
	return failed ? error_wrap(err, "cannot read queue lengths") : 0;
}
