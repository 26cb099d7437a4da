/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tasks: reading reserved and active replies into one list of tasks, with no argument ever copied. */
#include "tasks.h"

#include "strbuf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void tasks_expect(struct task_list *l, int asking)
{
	l->asking = asking;
}

static int note(struct task_list *l, const char *what, const char *detail)
{
	struct strbuf sb = STRBUF_INIT;

	if (l->nnotes == TASKS_MAX_NOTES)
		return 0;
	strbuf_printf(&sb, "%s: ", what);
	strbuf_put_clean(&sb, detail);
	if ((l->notes[l->nnotes] = strbuf_detach(&sb)) != NULL)
		l->nnotes++;
	return 0;
}

/* The entry of node, added when new; NULL out of memory. */
static struct task_node *node_slot(struct task_list *l, const char *node)
{
	size_t i;

	if (name_map_get(&l->by_node, node, &i))
		return &l->nodes[i];
	if (l->nnodes == l->nodes_cap) {
		size_t cap = l->nodes_cap ? 2 * l->nodes_cap : 16;
		struct task_node *grown = realloc(l->nodes, cap * sizeof(*grown));
		if (grown == NULL)
			return NULL;
		l->nodes = grown; /* the names and indexes the map holds stay what they were */
		l->nodes_cap = cap;
	}
	memset(&l->nodes[l->nnodes], 0, sizeof(l->nodes[0]));
	if ((l->nodes[l->nnodes].node = strdup(node)) == NULL)
		return NULL;
	if (name_map_put(&l->by_node, l->nodes[l->nnodes].node, l->nnodes, NULL) < 0) {
		free(l->nodes[l->nnodes].node);
		return NULL;
	}
	return &l->nodes[l->nnodes++];
}

const struct task_node *tasks_node(const struct task_list *l, const char *node)
{
	size_t i;

	return name_map_get(&l->by_node, node, &i) ? &l->nodes[i] : NULL;
}

/* A string member of at least one character, or 0. */
static int text_member(const struct json_span *obj, const char *name, struct json_span *v)
{
	return json_get(obj, name, v) && v->kind == JSON_STRING && v->len > 2;
}

/* time_start: a number of epoch seconds (None in a reserved task, and before 5.x: no member). */
static double start_time(const struct json_span *task)
{
	struct json_span v;
	char buf[40];
	double t;

	if (!json_get(task, "time_start", &v) || v.kind != JSON_NUMBER || v.len >= sizeof(buf))
		return 0;
	memcpy(buf, v.p, v.len);
	buf[v.len] = '\0';
	t = strtod(buf, NULL);
	return isfinite(t) && t > 1e9 && t < 1e11 ? t : 0; /* epoch seconds, not a monotonic clock's */
}

/* Keeps one task: node, id and name copied into one block; a task held already is only marked active. */
static int add_task(struct task_list *l, const char *node, const struct json_span *id,
                    const struct json_span *name, double started, struct error *err)
{
	size_t nlen = strlen(node), at, idlen, namelen;
	struct task *t;
	char *block;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct task *grown = realloc(l->t, cap * sizeof(*grown));
		if (grown == NULL)
			return error_set(err, ERROR_NOMEM, "out of memory listing tasks");
		l->t = grown; /* the ids and indexes the map holds stay what they were */
		l->cap = cap;
	}
	if ((block = malloc(nlen + 1 + id->len + name->len)) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory listing tasks");
	t = &l->t[l->n];
	t->node = memcpy(block, node, nlen + 1);
	t->id = block + nlen + 1;
	idlen = json_string_decode(id, t->id);
	t->name = t->id + idlen + 1;
	namelen = json_string_decode(name, t->name);
	if (strlen(t->id) != idlen || idlen == 0 || strlen(t->name) != namelen ||
	    t->name[0] == '\0') { /* empty, or a NUL inside: two such ids would pass for one */
		free(block);
		l->malformed++;
		return 0;
	}
	t->active = l->asking == TASKS_ACTIVE;
	t->started = started;
	switch (name_map_put(&l->by_id, t->id, l->n, &at)) {
	case -1:
		free(block);
		return error_set(err, ERROR_NOMEM, "out of memory listing tasks");
	case 0: /* reserved, then started before the second broadcast: one task, running */
		if (strcmp(l->t[at].node, node) != 0) { /* one id held by two workers: each copy counts */
			l->twice++;
			l->n++;
			return 0;
		}
		if (t->active) {
			l->t[at].active = 1;
			l->t[at].started = started;
		}
		free(block);
		return 0;
	default:
		l->n++;
		return 0;
	}
}

/* Every task of one worker's reply: a list of objects with an id and a name; anything else in it is
 * counted as malformed, a reply that is no list is the worker's problem. */
static int add_reply(struct task_list *l, struct task_node *tn, const struct json_span *result,
                     struct error *err)
{
	struct json_cursor c;
	struct json_span task, id, name;

	if (result->kind != JSON_ARRAY) {
		struct json_span e;
		char *text =
		    result->kind == JSON_OBJECT && json_get(result, "error", &e) ? json_value_dup(&e) : NULL;
		struct strbuf sb = STRBUF_INIT;
		strbuf_puts(&sb, l->asking == TASKS_ACTIVE ? "active: " : "reserved: ");
		if (text != NULL) {
			strbuf_puts(&sb, "worker error: ");
			strbuf_put_clean(&sb, text);
		} else {
			strbuf_puts(&sb, "the reply is not a list of tasks");
		}
		free(text);
		free(tn->problem);
		tn->problem = strbuf_detach(&sb);
		return 0;
	}
	tn->answered |= l->asking;
	json_cursor_open(&c, result);
	while (json_cursor_next(&c, NULL, &task))
		if (task.kind == JSON_OBJECT && text_member(&task, "id", &id) &&
		    text_member(&task, "name", &name)) {
			if (add_task(l, tn->node, &id, &name, start_time(&task), err) < 0)
				return -1;
		} else {
			l->malformed++;
		}
	return 0;
}

int tasks_add_event(void *ctx, const struct inspect_event *ev, struct error *err)
{
	struct task_list *l = ctx;
	struct task_node *tn;

	if (ev->kind != INSPECT_REPLY) {
		l->ignored++;
		return note(l, ev->kind == INSPECT_IGNORED ? "ignored a message" : "an unreadable reply",
		            ev->detail != NULL ? ev->detail : "");
	}
	if ((tn = node_slot(l, ev->node)) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory listing workers");
	if (tn->answered & l->asking) { /* a second reply under one node name: workers sharing it */
		l->ignored++;
		return note(l, "a second reply from", ev->node);
	}
	return add_reply(l, tn, ev->result, err);
}

static int by_place(const void *a, const void *b)
{
	const struct task *x = a, *y = b;
	int c = strcmp(x->node, y->node);

	if (c != 0 || (c = strcmp(x->name, y->name)) != 0)
		return c;
	if (x->active != y->active)
		return y->active - x->active;
	if (x->started != y->started)
		return x->started < y->started ? -1 : 1;
	return strcmp(x->id, y->id);
}

void tasks_sort(struct task_list *l)
{
	if (l->n > 1)
		qsort(l->t, l->n, sizeof(l->t[0]), by_place);
	name_map_clear(&l->by_id);
	for (size_t i = 0; i < l->n; i++)
		name_map_put(&l->by_id, l->t[i].id, i, NULL); /* the same ids: no allocation */
}

void tasks_free(struct task_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->t[i].node); /* id and name with it */
	free(l->t);
	for (size_t i = 0; i < l->nnodes; i++) {
		free(l->nodes[i].node);
		free(l->nodes[i].problem);
	}
	free(l->nodes);
	for (size_t i = 0; i < l->nnotes; i++)
		free(l->notes[i]);
	name_map_free(&l->by_id);
	name_map_free(&l->by_node);
	memset(l, 0, sizeof(*l));
}
