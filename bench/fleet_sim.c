/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleet_sim: N simulated Celery workers on a real redis-server, for the benchmark. Each holds a connection
 * of its own PSUBSCRIBEd to the control channel as a worker does (so a PUBLISH counts N), reads every
 * broadcast, looks the reply binding up as kombu does and pushes an active_queues reply shaped byte for
 * byte like the captured Celery 5.2.6 one, as fast as Redis allows (all the replies of a round in one
 * pipeline of EVALs on a connection of their own). After each round it prints "replied N AT", AT the epoch
 * time in seconds when Redis had taken the last reply. Given TASKS, each worker also holds that many tasks
 * (one running for 10 s, the rest reserved), answered to reserved and active in the shape Celery 5.2.6
 * gives, and every second worker is untagged.
 * Usage: fleet_sim PORT N VECTOR [TASKS] (prints "ready" once all N are subscribed; runs until killed)
 *        fleet_sim selftest VECTOR (rebuilds the captured reply from its parts: exit 0 when identical) */
#include "base64.h"

#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define CHANNEL "/0.celery.pidbox"
#define SEP     "\x06\x16"

/* kombu routes a reply through the binding set of the exchange reply_to names: pushed only while the
 * check's member is there. */
#define ROUTE                                                                                                \
	"if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return redis.call('LPUSH', KEYS[2], "        \
	"ARGV[2]) end return 0"

enum { BODY, TICKET, KEY, TAG, NVALUES };

/* The captured reply cut around the four values a reply changes (each appears once, in quotes): part[i]
 * comes before value which[i], part[NVALUES] ends it. */
struct shape {
	char *payload;
	const char *part[NVALUES + 1];
	size_t part_len[NVALUES + 1];
	int which[NVALUES];
	char *captured[NVALUES];
	char *result; /* the body's value: the queue list as Celery wrote it */
	char *node;   /* the captured node name */
};

static void die(const char *what)
{
	fprintf(stderr, "fleet_sim: %s\n", what);
	exit(1);
}

static char *dup_string(json_object *o)
{
	char *s = json_object_is_type(o, json_type_string) ? strdup(json_object_get_string(o)) : NULL;

	if (s == NULL)
		die("the vector lacks a field");
	return s;
}

static json_object *field(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		die("the vector's payload is not a reply");
	return v;
}

static void load_shape(const char *vector, struct shape *s)
{
	json_object *v = json_object_from_file(vector), *env, *props;
	const char *at[NVALUES];
	unsigned char *body;
	size_t n;
	char *colon;

	if (v == NULL)
		die("cannot read the vector");
	s->payload = dup_string(field(v, "payload"));
	if ((env = json_tokener_parse(s->payload)) == NULL)
		die("the vector's payload is not JSON");
	props = field(env, "properties");
	s->captured[BODY] = dup_string(field(env, "body"));
	s->captured[TICKET] = dup_string(field(field(env, "headers"), "ticket"));
	s->captured[KEY] = dup_string(field(field(props, "delivery_info"), "routing_key"));
	s->captured[TAG] = dup_string(field(props, "delivery_tag"));
	if ((body = base64_decode(s->captured[BODY], strlen(s->captured[BODY]), &n)) == NULL || n < 8 ||
	    body[0] != '{' || body[1] != '"' || (colon = strstr((char *)body, "\": ")) == NULL ||
	    body[n - 1] != '}')
		die("the vector's body is not {node: result}");
	body[n - 1] = '\0';
	*colon = '\0';
	s->node = strdup((char *)body + 2);
	s->result = strdup(colon + 3);
	free(body);
	for (int i = 0; i < NVALUES; i++) {
		char *quoted;
		if (asprintf(&quoted, "\"%s\"", s->captured[i]) < 0 ||
		    (at[i] = strstr(s->payload, quoted)) == NULL || strstr(at[i] + 1, quoted) != NULL)
			die("a captured value is not in the payload once");
		at[i]++;
		free(quoted);
	}
	for (int i = 0; i < NVALUES; i++) { /* the values in payload order */
		int rank = 0;
		for (int j = 0; j < NVALUES; j++)
			rank += at[j] < at[i];
		s->which[rank] = i;
	}
	s->part[0] = s->payload;
	for (int i = 0; i < NVALUES; i++) {
		const char *value = at[s->which[i]];
		s->part_len[i] = (size_t)(value - s->part[i]);
		s->part[i + 1] = value + strlen(s->captured[s->which[i]]);
	}
	s->part_len[NVALUES] = strlen(s->part[NVALUES]);
	json_object_put(env);
	json_object_put(v);
}

/* node's reply carrying result, values[TICKET], values[KEY] and values[TAG] (values[BODY] is made here). */
static char *build_reply(const struct shape *s, const char *node, const char *result,
                         const char *values[NVALUES])
{
	const char *v[NVALUES];
	char *text, *b64, *out, *p;
	size_t len = 1;

	if (asprintf(&text, "{\"%s\": %s}", node, result) < 0 ||
	    (b64 = base64_encode((const unsigned char *)text, strlen(text))) == NULL)
		die("out of memory");
	free(text);
	memcpy(v, values, sizeof(v));
	v[BODY] = b64;
	for (int i = 0; i <= NVALUES; i++)
		len += s->part_len[i] + (i < NVALUES ? strlen(v[s->which[i]]) : 0);
	if ((out = p = malloc(len)) == NULL)
		die("out of memory");
	for (int i = 0; i <= NVALUES; i++) {
		p = mempcpy(p, s->part[i], s->part_len[i]);
		if (i < NVALUES)
			p = stpcpy(p, v[s->which[i]]);
	}
	*p = '\0';
	free(b64);
	return out;
}

/* 1 when the first elements of two task lists have the same keys in the same order. */
static int same_keys(const char *a, const char *b)
{
	json_object *x = json_tokener_parse(a), *y = json_tokener_parse(b), *tx, *ty;
	int same = 0;

	if (json_object_is_type(x, json_type_array) && json_object_is_type(y, json_type_array) &&
	    (tx = json_object_array_get_idx(x, 0)) != NULL &&
	    (ty = json_object_array_get_idx(y, 0)) != NULL) {
		struct json_object_iterator i = json_object_iter_begin(tx), ie = json_object_iter_end(tx),
		                            j = json_object_iter_begin(ty), je = json_object_iter_end(ty);
		same = 1;
		for (; same && !json_object_iter_equal(&i, &ie) && !json_object_iter_equal(&j, &je);
		     json_object_iter_next(&i), json_object_iter_next(&j))
			same = strcmp(json_object_iter_peek_name(&i), json_object_iter_peek_name(&j)) == 0;
		same = same && json_object_iter_equal(&i, &ie) && json_object_iter_equal(&j, &je);
	}
	json_object_put(x);
	json_object_put(y);
	return same;
}

static char *tasks_result(const char *method, const char *node, int tasks);

/* An active_queues vector: the reply rebuilt byte for byte. A reserved or active one: the simulated tasks
 * have the captured task's keys, in its order. */
static int selftest(const char *vector)
{
	struct shape s;
	const char *values[NVALUES];
	char *again;
	int same;

	load_shape(vector, &s);
	if (strncmp(s.result, "[{\"id\": ", 8) == 0) {
		again = tasks_result(strstr(vector, "reserved") ? "reserved" : "active", s.node, 2);
		same = same_keys(again, s.result);
		printf("%s\n",
		       same ? "the simulated tasks have the captured keys" : "the simulated tasks differ");
		free(again);
		return same ? 0 : 1;
	}
	memcpy(values, s.captured, sizeof(values));
	again = build_reply(&s, s.node, s.result, values);
	same = strcmp(again, s.payload) == 0;
	printf("%s\n", same ? "the reply is rebuilt byte for byte" : "the rebuilt reply differs");
	free(again);
	return same ? 0 : 1;
}

static double now(void);

/* What a broadcast asks: its ticket and reply_to (the binding set of its exchange, its routing key), NULL
 * when it is not readable. */
struct question {
	char *ticket, *key, *bindings;
	const char *method;
	json_object *destination; /* null, or the node names it is for */
	json_object *root;
};

static int read_question(const char *payload, struct question *q)
{
	json_object *env = json_tokener_parse(payload), *body, *reply_to, *x;
	unsigned char *text;
	size_t n;

	memset(q, 0, sizeof(*q));
	if (env == NULL || !json_object_object_get_ex(env, "body", &body) ||
	    (text = base64_decode(json_object_get_string(body), (size_t)json_object_get_string_len(body),
	                          &n)) == NULL) {
		json_object_put(env);
		return -1;
	}
	json_object_put(env);
	q->root = json_tokener_parse((char *)text);
	free(text);
	if (q->root == NULL || !json_object_object_get_ex(q->root, "ticket", &x) ||
	    !json_object_object_get_ex(q->root, "reply_to", &reply_to))
		return json_object_put(q->root), -1;
	q->ticket = strdup(json_object_get_string(x));
	if (!json_object_object_get_ex(reply_to, "routing_key", &x))
		return free(q->ticket), json_object_put(q->root), -1;
	q->key = strdup(json_object_get_string(x));
	if (!json_object_object_get_ex(reply_to, "exchange", &x) ||
	    asprintf(&q->bindings, "_kombu.binding.%s", json_object_get_string(x)) < 0)
		return free(q->ticket), free(q->key), json_object_put(q->root), -1;
	json_object_object_get_ex(q->root, "destination", &q->destination);
	q->method = json_object_object_get_ex(q->root, "method", &x) ? json_object_get_string(x) : "";
	return 0;
}

/* One task as Celery 5.2.6's Request.info() gives it (the running one with its start and process). */
#define TASK_INFO                                                                                            \
	"{\"id\": \"%s-%04d\", \"name\": \"app.tasks.download_clip\", \"args\": [\"clip-%d\"], \"kwargs\": " \
	"{}, "                                                                                               \
	"\"type\": \"app.tasks.download_clip\", \"hostname\": \"%s\", \"time_start\": %s, "                  \
	"\"acknowledged\": %s, "                                                                             \
	"\"delivery_info\": {\"exchange\": \"\", \"routing_key\": \"celery\", \"priority\": 0, "             \
	"\"redelivered\": "                                                                                  \
	"null}, \"worker_pid\": %s}"

/* The tasks node holds for method (reserved: all but the first; active: the first), as a JSON list. */
static char *tasks_result(const char *method, const char *node, int tasks)
{
	char *list = strdup("["), *grown, started[32];
	int first = strcmp(method, "active") == 0 ? 0 : 1, last = first == 0 ? 1 : tasks;

	snprintf(started, sizeof(started), "%.6f", now() - 10);
	for (int k = first; list != NULL && k < last; k++) {
		char *task;
		if (asprintf(&task, TASK_INFO, node, k, k, node, k == 0 ? started : "null",
		             k == 0 ? "true" : "false", k == 0 ? "4242" : "null") < 0)
			die("out of memory");
		grown = NULL;
		if (asprintf(&grown, "%s%s%s", list, k > first ? ", " : "", task) < 0)
			die("out of memory");
		free(task);
		free(list);
		list = grown;
	}
	if (list == NULL || asprintf(&grown, "%s]", list) < 0)
		die("out of memory");
	free(list);
	return grown;
}

static int asked(const struct question *q, const char *node)
{
	size_t n;

	if (!json_object_is_type(q->destination, json_type_array))
		return 1;
	n = json_object_array_length(q->destination);
	for (size_t i = 0; i < n; i++) {
		json_object *name = json_object_array_get_idx(q->destination, i);
		if (json_object_is_type(name, json_type_string) &&
		    strcmp(json_object_get_string(name), node) == 0)
			return 1;
	}
	return 0;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static redisContext *connect_to(int port)
{
	redisContext *c = redisConnect("127.0.0.1", port);

	if (c == NULL || c->err)
		die("cannot connect to redis-server (too many open files?)");
	return c;
}

int main(int argc, char **argv)
{
	struct shape s;
	struct rlimit lim;
	redisContext **subs, *route;
	struct pollfd *fds;
	char **nodes, *last = NULL, sha[64];
	size_t last_len = 0;
	struct question q = {0};
	redisReply *r;
	int port, n, tasks = 0;

	if (argc == 3 && strcmp(argv[1], "selftest") == 0)
		return selftest(argv[2]);
	if ((argc != 4 && argc != 5) || (port = atoi(argv[1])) <= 0 || (n = atoi(argv[2])) <= 0 ||
	    (argc == 5 && (tasks = atoi(argv[4])) <= 0))
		die("usage: fleet_sim PORT N VECTOR [TASKS] | fleet_sim selftest VECTOR");
	load_shape(argv[3], &s);
	getrlimit(RLIMIT_NOFILE, &lim);
	lim.rlim_cur = lim.rlim_max;
	setrlimit(RLIMIT_NOFILE, &lim);
	subs = calloc((size_t)n, sizeof(*subs));
	fds = calloc((size_t)n, sizeof(*fds));
	nodes = calloc((size_t)n, sizeof(*nodes));
	if (subs == NULL || fds == NULL || nodes == NULL)
		die("out of memory");
	route = connect_to(port);
	if ((r = redisCommand(route, "SCRIPT LOAD %s", ROUTE)) == NULL || r->type != REDIS_REPLY_STRING)
		die("SCRIPT LOAD failed");
	snprintf(sha, sizeof(sha), "%s", r->str);
	freeReplyObject(r);
	for (int i = 0; i < n; i++) {
		subs[i] = connect_to(port);
		if (asprintf(&nodes[i], tasks > 0 && i % 2 ? "sim-%04d@fleet" : "sim-%04d-v0.12.0@fleet", i) <
		    0)
			die("out of memory");
		redisAppendCommand(subs[i], "PSUBSCRIBE %s", CHANNEL);
		/* each binds its pidbox queue as a worker does when it starts */
		redisAppendCommand(route, "SADD _kombu.binding.celery.pidbox " SEP SEP "%s.celery.pidbox",
		                   nodes[i]);
	}
	for (int i = 0; i < n; i++) {
		if (redisGetReply(subs[i], (void **)&r) != REDIS_OK)
			die("PSUBSCRIBE failed");
		freeReplyObject(r);
		if (redisGetReply(route, (void **)&r) != REDIS_OK)
			die("SADD failed");
		freeReplyObject(r);
		fds[i] = (struct pollfd){subs[i]->fd, POLLIN, 0};
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		int pending = 0;
		if (poll(fds, (nfds_t)n, -1) < 0)
			die("poll failed");
		for (int i = 0; i < n; i++) {
			if (!(fds[i].revents & POLLIN))
				continue;
			if (redisBufferRead(subs[i]) != REDIS_OK)
				die("a subscription broke");
			while (redisGetReplyFromReader(subs[i], (void **)&r) == REDIS_OK && r != NULL) {
				const char *values[NVALUES];
				char tag[32], *reply, *member, *queue;
				if (r->type != REDIS_REPLY_ARRAY || r->elements != 4 ||
				    r->element[3]->type != REDIS_REPLY_STRING) {
					freeReplyObject(r);
					continue;
				}
				if (last == NULL || r->element[3]->len != last_len ||
				    memcmp(last, r->element[3]->str, last_len) != 0) { /* a new question */
					free(q.ticket);
					free(q.key);
					free(q.bindings);
					json_object_put(q.root);
					free(last);
					last_len = r->element[3]->len;
					if ((last = malloc(last_len + 1)) == NULL)
						die("out of memory");
					memcpy(last, r->element[3]->str, last_len + 1);
					if (read_question(last, &q) < 0)
						memset(&q, 0, sizeof(q));
				}
				freeReplyObject(r);
				if (q.ticket == NULL || !asked(&q, nodes[i]))
					continue;
				snprintf(tag, sizeof(tag), "sim-%d", i);
				values[TICKET] = q.ticket;
				values[KEY] = q.key;
				values[TAG] = tag;
				if (tasks > 0 &&
				    (strcmp(q.method, "reserved") == 0 || strcmp(q.method, "active") == 0)) {
					char *result = tasks_result(q.method, nodes[i], tasks);
					reply = build_reply(&s, nodes[i], result, values);
					free(result);
				} else {
					reply = build_reply(&s, nodes[i], s.result, values);
				}
				if (asprintf(&queue, "%s.reply.celery.pidbox", q.key) < 0 ||
				    asprintf(&member, "%s" SEP SEP "%s", q.key, queue) < 0)
					die("out of memory");
				redisAppendCommand(route, "EVALSHA %s 2 %s %s %s %s", sha, q.bindings, queue,
				                   member, reply);
				pending++;
				free(reply);
				free(queue);
				free(member);
			}
		}
		for (int i = 0; i < pending; i++) {
			if (redisGetReply(route, (void **)&r) != REDIS_OK)
				die("a reply could not be pushed");
			freeReplyObject(r);
		}
		if (pending > 0) {
			printf("replied %d %.6f\n", pending, now());
			fflush(stdout);
		}
	}
}
