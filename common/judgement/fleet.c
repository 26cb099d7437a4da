/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleet: turning active_queues replies into judged workers. */
#include "fleet.h"

#include "deadline.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

/* The room made at first for the workers the broadcast reached, known by the first reply: within reason,
 * the count being the broker's word. */
#define FLEET_ROOM_MAX 20000

static struct worker *fleet_add(struct fleet *f, struct error *err)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		if (f->cap == 0 && f->stats.expected > 16 && f->stats.expected <= FLEET_ROOM_MAX) {
			cap = (size_t)f->stats.expected;
			if (name_map_reserve(&f->by_node, cap) < 0)
				return error_set(err, ERROR_NOMEM, "out of memory listing workers"), NULL;
		}
		struct worker *w = realloc(f->workers, cap * sizeof(*w));
		if (w == NULL)
			return error_set(err, ERROR_NOMEM, "out of memory listing workers"), NULL;
		f->workers = w;
		f->cap = cap;
	}
	memset(&f->workers[f->n], 0, sizeof(f->workers[0]));
	return &f->workers[f->n++];
}

/* Gives the last worker added its node name, found by name from now on. */
static int name_worker(struct fleet *f, struct worker *w, const char *node, struct error *err)
{
	if ((w->node = strdup(node)) == NULL || worker_name_parse(w->node, &w->name, err) < 0 ||
	    name_map_put(&f->by_node, w->node, (size_t)(w - f->workers), NULL) < 0) {
		worker_name_free(&w->name);
		free(w->node);
		w->node = NULL;
		f->n--;
		return error_set(err, ERROR_NOMEM, "out of memory listing workers");
	}
	return 0;
}

struct worker *fleet_add_named(struct fleet *f, const char *node, struct error *err)
{
	struct worker *w = fleet_add(f, err);

	if (w == NULL)
		return NULL;
	w->active = w->processed = -1;
	w->verdict = VERDICT_MISMATCH; /* until fleet_judge */
	return name_worker(f, w, node, err) < 0 ? NULL : w;
}

static int add_note(struct fleet *f, const char *what, const char *detail)
{
	struct strbuf sb = STRBUF_INIT;

	if (f->nnotes == FLEET_MAX_NOTES)
		return 0;
	strbuf_printf(&sb, "%s: ", what);
	strbuf_put_clean(&sb, detail);
	f->notes[f->nnotes] = strbuf_detach(&sb);
	if (f->notes[f->nnotes] != NULL)
		f->nnotes++;
	return 0;
}

/* The name of queue q of an active_queues result, or 0 when it has none. */
static int queue_name(const struct json_span *q, struct json_span *name)
{
	return q->kind == JSON_OBJECT && json_get(q, "name", name) && name->kind == JSON_STRING &&
	       name->len > 2;
}

/* Reads the queue names out of an active_queues result: a list of objects with a "name" string. The names
 * and the array pointing to them are one block (w->queues), counted first. */
static int read_queues(struct worker *w, const struct json_span *result, struct error *err)
{
	struct json_cursor c;
	struct json_span q, name;
	size_t n = 0, bytes = 0;
	char *text;

	if (result->kind == JSON_OBJECT && json_get(result, "error", &name)) {
		struct strbuf sb = STRBUF_INIT;
		char *msg = json_value_dup(&name);
		strbuf_puts(&sb, "worker error: ");
		strbuf_put_clean(&sb, msg != NULL ? msg : "");
		free(msg);
		w->problem = strbuf_detach(&sb);
		return 0;
	}
	if (result->kind != JSON_ARRAY) {
		w->problem = strdup("active_queues result is not a list");
		return 0;
	}
	w->queues_known = 1;
	json_cursor_open(&c, result);
	while (json_cursor_next(&c, NULL, &q))
		if (queue_name(&q, &name))
			n++, bytes += name.len; /* a decoded name is shorter than its quoted form */
		else if (w->problem == NULL)
			w->problem = strdup("a queue without a name");
	if (n == 0)
		return 0;
	if ((w->queues = malloc(n * sizeof(char *) + bytes)) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory listing queues");
	text = (char *)(w->queues + n);
	json_cursor_open(&c, result);
	while (json_cursor_next(&c, NULL, &q))
		if (queue_name(&q, &name)) {
			w->queues[w->nqueues++] = text;
			text += json_string_decode(&name, text) + 1;
		}
	return 0;
}

int fleet_has(const struct fleet *f, const char *node)
{
	return name_map_get(&f->by_node, node, NULL);
}

const struct worker *fleet_find(const struct fleet *f, const char *node)
{
	size_t i;

	return name_map_get(&f->by_node, node, &i) ? &f->workers[i] : NULL;
}

static int by_node(const void *a, const void *b)
{
	const struct worker *x = a, *y = b;

	if (x->node == NULL || y->node == NULL)
		return (x->node == NULL) - (y->node == NULL);
	return strcmp(x->node, y->node);
}

int fleet_add_event(struct fleet *f, const struct inspect_event *ev, struct error *err)
{
	struct worker *w;
	size_t at;

	if (ev->kind == INSPECT_IGNORED)
		return add_note(f, "ignored a message", ev->detail);
	if (ev->kind == INSPECT_REPLY && name_map_get(&f->by_node, ev->node, &at)) {
		f->workers[at].answers++;
		f->duplicates++;
		return add_note(f, "duplicate reply from", ev->node);
	}
	if ((w = fleet_add(f, err)) == NULL)
		return -1;
	if (ev->kind == INSPECT_UNREADABLE) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_puts(&sb, "reply in unreadable format ");
		strbuf_put_clean(&sb, ev->detail);
		w->problem = strbuf_detach(&sb);
		w->verdict = VERDICT_UNREADABLE;
		return 0;
	}
	w->active = w->processed = -1;
	w->answers = 1;
	w->last_seen = clock_wall();
	w->verdict = VERDICT_MISMATCH; /* until fleet_judge */
	if (name_worker(f, w, ev->node, err) < 0)
		return -1;
	return read_queues(w, ev->result, err);
}

void fleet_sort(struct fleet *f)
{
	fleet_sort_by(f, by_node);
}

void fleet_sort_by(struct fleet *f, int (*cmp)(const void *, const void *))
{
	if (f->n < 2)
		return;
	qsort(f->workers, f->n, sizeof(f->workers[0]), cmp);
	name_map_clear(&f->by_node); /* the same names, at their new places: no allocation */
	for (size_t i = 0; i < f->n; i++)
		if (f->workers[i].node != NULL)
			name_map_put(&f->by_node, f->workers[i].node, i, NULL);
}

int fleet_judge(struct fleet *f, struct version_policy *policy, struct error *err)
{
	const char **versions = calloc(f->n ? f->n : 1, sizeof(*versions));

	if (versions == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory judging workers");
	for (size_t i = 0; i < f->n; i++)
		versions[i] = f->workers[i].node != NULL ? f->workers[i].name.version : NULL;
	if (version_policy_resolve_newest(policy, versions, f->n, err) < 0) {
		free(versions);
		return -1;
	}
	free(versions);
	for (size_t i = 0, last = f->n; i < f->n; i++) {
		struct worker *w = &f->workers[i];
		if (w->node == NULL)
			continue;
		/* workers of one release, next to each other once sorted, share a verdict: parsed once */
		if (last < f->n && (w->name.version == f->workers[last].name.version ||
		                    (w->name.version != NULL && f->workers[last].name.version != NULL &&
		                     strcmp(w->name.version, f->workers[last].name.version) == 0)))
			w->verdict = f->workers[last].verdict;
		else
			w->verdict = version_verdict(policy, w->name.version);
		last = i;
	}
	return 0;
}

void fleet_free(struct fleet *f)
{
	for (size_t i = 0; i < f->n; i++) {
		struct worker *w = &f->workers[i];
		free(w->queues); /* the names with it */
		free(w->node);
		free(w->problem);
		worker_name_free(&w->name);
	}
	free(f->workers);
	for (size_t i = 0; i < f->nnotes; i++)
		free(f->notes[i]);
	name_map_free(&f->by_node);
	memset(f, 0, sizeof(*f));
}

long long fleet_unresponsive(const struct fleet *f)
{
	long long missing = f->stats.expected - f->stats.answered;

	if (f->stats.addressed)
		return 0; /* --worker: each named one that did not answer is reported by name instead */
	return missing > 0 ? missing : 0;
}

int worker_consumes(const struct worker *w, const char *queue)
{
	for (size_t i = 0; i < w->nqueues; i++)
		if (strcmp(w->queues[i], queue) == 0)
			return 1;
	return 0;
}

int worker_consumes_any(const struct worker *w, char *const *queues, size_t n)
{
	if (n > 0 && w->state == WORKER_HIDDEN)
		return 0; /* its queues cannot be known: it is reported as hidden, not counted on -Q's */
	if (n == 0 || !w->queues_known)
		return 1;
	for (size_t i = 0; i < n; i++)
		if (worker_consumes(w, queues[i]))
			return 1;
	return 0;
}
