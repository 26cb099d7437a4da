/* SPDX-License-Identifier: GPL-3.0-or-later */
/* backlog: pipelined LLEN over every queue's lists (broker protocol, section 4), in chunks. */
#include "backlog.h"

#include <stdlib.h>
#include <string.h>

/* Lists read in one pipeline: enough that a round trip is a small part of the server's work, few enough
 * that the commands, their keys and their replies take a few hundred KiB, however many queues are named. */
#define BACKLOG_CHUNK 4096

/* The buffers of one chunk, used again for the next. */
struct chunk {
	struct broker_cmd cmds[BACKLOG_CHUNK];
	struct resp *replies[BACKLOG_CHUNK];
	char *keys[BACKLOG_CHUNK];
	size_t lens[2 * BACKLOG_CHUNK];
	const char *argv[2 * BACKLOG_CHUNK];
};

/* Reads lists [from, from + k) of the n * steps (queue-major) into c->replies. */
static int read_chunk(struct broker *b, const struct kombu_names *names, char *const *queues, size_t from,
                      size_t k, const struct deadline *dl, struct chunk *c, struct error *err)
{
	size_t steps = (size_t)names->nsteps, made = 0;
	int rc = -1;

	for (; made < k; made++) {
		size_t list = from + made;
		if ((c->keys[made] = kombu_queue_key(names, queues[list / steps], (int)(list % steps))) ==
		    NULL) {
			error_set(err, ERROR_NOMEM, "out of memory naming queue lists");
			goto out;
		}
		c->argv[2 * made] = "LLEN";
		c->lens[2 * made] = 4;
		c->argv[2 * made + 1] = c->keys[made];
		c->lens[2 * made + 1] = strlen(c->keys[made]);
		c->cmds[made] = (struct broker_cmd){2, &c->argv[2 * made], &c->lens[2 * made],
		                                    "cannot read queue lengths", NULL};
	}
	rc = broker_pipeline_replies(b, dl, c->cmds, k, c->replies, err);
out:
	for (size_t i = 0; i < made; i++)
		free(c->keys[i]);
	return rc;
}

/* Adds one LLEN reply to its queue's count; a refusal about this key marks the queue (-1, why), any
 * other refusal fails the read. */
static int add_length(const struct resp *r, long long *count, char **why, struct error *err)
{
	struct error refused;

	if (broker_reply_error(r, &refused) < 0) {
		if (refused.kind != ERROR_BROKER) {
			if (err != NULL)
				*err = refused;
			return error_wrap(err, "cannot read queue lengths");
		}
		if (*why == NULL && (*why = strdup(refused.msg)) == NULL)
			return error_set(err, ERROR_NOMEM, "out of memory reading queue lengths");
		*count = -1;
		return 0;
	}
	if (r->type != RESP_INTEGER || r->integer < 0)
		return error_set(err, ERROR_BROKER, "cannot read queue lengths: LLEN answered with no count");
	if (*count >= 0)
		*count += r->integer;
	return 0;
}

int backlog_read(struct broker *b, const struct kombu_names *names, char *const *queues, size_t n,
                 const struct deadline *dl, long long *counts, char **why, struct error *err)
{
	size_t steps = (size_t)names->nsteps, lists = n * steps;
	struct chunk *c = malloc(sizeof(*c));
	int rc = 0;

	if (c == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory naming queue lists");
	memset(counts, 0, n * sizeof(*counts));
	memset(why, 0, n * sizeof(*why));
	for (size_t from = 0; from < lists && rc == 0; from += BACKLOG_CHUNK) {
		size_t k = lists - from < BACKLOG_CHUNK ? lists - from : BACKLOG_CHUNK;
		if ((rc = read_chunk(b, names, queues, from, k, dl, c, err)) < 0)
			break;
		for (size_t i = 0; i < k; i++) {
			size_t q = (from + i) / steps;
			if (rc == 0)
				rc = add_length(c->replies[i], &counts[q], &why[q], err);
			resp_free(c->replies[i]);
		}
	}
	free(c);
	return rc;
}
