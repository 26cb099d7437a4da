/* SPDX-License-Identifier: GPL-3.0-or-later */
/* task_format: the tasks workers hold, in words for the summary and -v, and as JSON. No argument of a task
 * is ever known here, so none can be written. */
#ifndef CELERY_TASK_FORMAT_H
#define CELERY_TASK_FORMAT_H

#include "strbuf.h"
#include "task_tally.h"

#include <json-c/json.h>

#define TASKS_LISTED_MAX 10 /* tasks of one worker that -v lists; the rest are counted */
#define TASK_TEXT_MOST   64 /* bytes of a task's name or id written in words; more are cut, "..." */

/* "31 s", "12 min 5 s", "3 h 2 min", "2 d 4 h". */
void describe_runtime(struct strbuf *sb, double seconds);
/* The counted tasks of one worker, by name: "2 reserved and 1 active app.tasks.download_clip, 1 active
 * app.tasks.x"; at most a few names, then "and N more". Returns how many tasks it holds. */
long long describe_held(struct strbuf *sb, const struct task_judging *j, const struct task_list *l,
                        const char *node);
/* "app.tasks.report on NODE for 3 h 2 min (id ID)". */
void describe_running(struct strbuf *sb, const struct task *t, double runtime);
/* -v: under each counted worker, its tasks (name, id, running or reserved, for how long), at most
 * TASKS_LISTED_MAX of each. */
void describe_tasks(struct strbuf *sb, const struct task_judging *j, const struct task_list *l);
/* {"<node>": {"compatible": bool, "answered": bool, "problem": "..."|null, "active": [{"id", "name",
 * "runtime" (s, null when not known), "time_start"}], "reserved": [{"id", "name"}]}} for the counted
 * workers. */
json_object *tasks_json(const struct task_judging *j, const struct task_list *l);

#endif
