/* SPDX-License-Identifier: GPL-3.0-or-later */
/* floor_client: the fastest client of the plugins' conversation, for the benchmark's floor. It asks as the
 * plugin does and reads nothing it gets: SADD of the reply binding and PUBLISH of an active_queues
 * broadcast in one pipeline; BLMPOP (Redis 7) of as many replies as PUBLISH counted receivers, until all
 * are in or SECONDS pass; SREM and DEL in one pipeline. With queue names, then the LLEN of each queue's four
 * priority lists in one pipeline, as the queue plugin reads backlogs.
 * Usage: floor_client PORT SECONDS [QUEUE_FILE]   (prints "answers N of M[, Q queues]") */
#include "kombu.h"
#include "uuid.h"

#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#define CHANNEL  "/0.celery.pidbox"
#define BINDINGS "_kombu.binding.reply.celery.pidbox"
#define SEP      "\x06\x16"

static void die(const char *what)
{
	fprintf(stderr, "floor_client: %s\n", what);
	exit(1);
}

static redisReply *get(redisContext *c)
{
	redisReply *r;

	if (redisGetReply(c, (void **)&r) != REDIS_OK || r == NULL || r->type == REDIS_REPLY_ERROR)
		die("the broker refused a command");
	return r;
}

/* Reads the queue names of path, one a line; the LLENs of their four lists are then read in one pipeline. */
static long long backlogs(redisContext *c, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	long long n = 0;

	if (f == NULL)
		die("cannot read the queue file");
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		redisAppendCommand(c, "LLEN %s", line);
		redisAppendCommand(c, "LLEN %s" SEP "3", line);
		redisAppendCommand(c, "LLEN %s" SEP "6", line);
		redisAppendCommand(c, "LLEN %s" SEP "9", line);
		n++;
	}
	fclose(f);
	for (long long i = 0; i < 4 * n; i++)
		freeReplyObject(get(c));
	return n;
}

int main(int argc, char **argv)
{
	char oid[UUID_STR_LEN], ticket[UUID_STR_LEN], tag[UUID_STR_LEN], *queue, *member, *envelope;
	struct control_request rq = {"active_queues", "celery", ticket, oid, tag, 0, NULL, 0, NULL, 0, NULL};
	struct error err = {ERROR_NONE, ""};
	struct timeval tv;
	redisContext *c;
	redisReply *r;
	long long receivers, answers = 0, queues = 0;
	int port;

	if (argc < 3 || argc > 4 || (port = atoi(argv[1])) <= 0)
		die("usage: floor_client PORT SECONDS [QUEUE_FILE]");
	if ((c = redisConnect("127.0.0.1", port)) == NULL || c->err)
		die("cannot connect");
	if (uuid_v4(oid, &err) < 0 || uuid_v4(ticket, &err) < 0 || uuid_v4(tag, &err) < 0)
		die(err.msg);
	gettimeofday(&tv, NULL);
	rq.expires = (double)tv.tv_sec + (double)tv.tv_usec / 1e6 + atof(argv[2]) + 1;
	if ((envelope = kombu_encode_control(&rq, &err)) == NULL ||
	    asprintf(&queue, "%s.reply.celery.pidbox", oid) < 0 ||
	    asprintf(&member, "%s" SEP SEP "%s", oid, queue) < 0)
		die("out of memory");
	redisAppendCommand(c, "SADD %s %s", BINDINGS, member);
	redisAppendCommand(c, "PUBLISH %s %s", CHANNEL, envelope);
	freeReplyObject(get(c));
	r = get(c);
	receivers = r->integer;
	freeReplyObject(r);
	while (answers < receivers) {
		r = redisCommand(c, "BLMPOP %s 4 %s %s" SEP "3 %s" SEP "6 %s" SEP "9 RIGHT COUNT %lld",
		                 argv[2], queue, queue, queue, queue, receivers - answers);
		if (r == NULL || r->type == REDIS_REPLY_ERROR)
			die("BLMPOP failed (Redis 7 is needed)");
		if (r->type != REDIS_REPLY_ARRAY) { /* nil: SECONDS passed */
			freeReplyObject(r);
			break;
		}
		answers += (long long)r->element[1]->elements;
		freeReplyObject(r);
	}
	redisAppendCommand(c, "SREM %s %s", BINDINGS, member);
	redisAppendCommand(c, "DEL %s %s" SEP "3 %s" SEP "6 %s" SEP "9", queue, queue, queue, queue);
	freeReplyObject(get(c));
	freeReplyObject(get(c));
	if (argc == 4)
		queues = backlogs(c, argv[3]);
	printf("answers %lld of %lld", answers, receivers);
	if (argc == 4)
		printf(", %lld queues", queues);
	printf("\n");
	free(envelope);
	free(queue);
	free(member);
	redisFree(c);
	return answers == receivers ? 0 : 1;
}
