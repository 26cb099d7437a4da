/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tasks: the tasks each worker holds, as its replies to Celery's reserved and active commands list them:
 * id, name and start time only. Arguments are never read: they may hold personal data. */
#ifndef CELERY_TASKS_H
#define CELERY_TASKS_H

#include "name_map.h"
#include "replies.h"

#include <stddef.h>

struct task {
	char *node;     /* the worker holding it (one allocation with id and name) */
	char *id;       /* Celery's task id */
	char *name;     /* the task's registered name, e.g. app.tasks.download_clip */
	int active;     /* running (active); else reserved: prefetched, waiting for a free process */
	double started; /* time_start: epoch seconds by the worker's clock; 0 when not given */
};

#define TASKS_RESERVED 1
#define TASKS_ACTIVE   2

struct task_node {
	char *node;    /* a worker that replied */
	int answered;  /* TASKS_RESERVED and TASKS_ACTIVE bits: both when its tasks are all known */
	char *problem; /* its reply was an error or no list: what it said, or NULL */
};

#define TASKS_MAX_NOTES 20 /* messages ignored, remembered for -v; more are only counted */

struct task_list {
	struct task *t;
	size_t n, cap;
	struct name_map by_id; /* id -> index, so a task reserved then started is held once, active */
	struct task_node *nodes;
	size_t nnodes, nodes_cap;
	struct name_map by_node;
	int asking;          /* TASKS_RESERVED or TASKS_ACTIVE: what the replies being read answer */
	long long malformed; /* task entries without a readable id and name: not counted */
	long long twice;     /* tasks held by two workers at once (delivered again while the first still
	                        held it, e.g. by a worker whose clock is past the visibility timeout): each
	                        worker's copy is counted */
	long long ignored;   /* messages that were no reply to us, or unreadable */
	char *notes[TASKS_MAX_NOTES];
	size_t nnotes;
};

/* Starts reading the replies to TASKS_RESERVED or TASKS_ACTIVE. */
void tasks_expect(struct task_list *l, int asking);
/* An inspect_fn (ctx: a struct task_list, zeroed before the first tasks_expect): takes every task of one
 * reply. A task already held (reserved, then started between the two broadcasts) is kept once, active. */
int tasks_add_event(void *ctx, const struct inspect_event *ev, struct error *err);
/* What node said: NULL when it did not reply at all. */
const struct task_node *tasks_node(const struct task_list *l, const char *node);
/* Sorts the tasks by node and name, then active first, earliest started first, then id. */
void tasks_sort(struct task_list *l);
void tasks_free(struct task_list *l);

#endif
