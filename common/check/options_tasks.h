/* SPDX-License-Identifier: GPL-3.0-or-later */
/* options_tasks: the options of check_celery_tasks: tasks held by stale workers, and how long tasks run. */
#ifndef CELERY_OPTIONS_TASKS_H
#define CELERY_OPTIONS_TASKS_H

#include "error.h"
#include "range.h"
#include "task_rules.h"

#include <stddef.h>

#define TASK_GLOBS_MAX 64 /* --task and --task-runtime each at most */

struct task_options {
	struct thresholds stale;     /* --stale-tasks-warning/-critical: tasks held by incompatible workers;
	                                default: a WARNING from one */
	struct thresholds runtime;   /* --runtime-warning/-critical: seconds a judged task has run */
	char *globs[TASK_GLOBS_MAX]; /* --task: judge only these task names (borrowed from argv) */
	size_t nglobs;
	struct task_rule rules[TASK_GLOBS_MAX]; /* --task-runtime, first match wins */
	size_t nrules;
};

void task_options_default(struct task_options *t);
/* One option, by name: "stale-tasks-warning", "stale-tasks-critical", "runtime-warning",
 * "runtime-critical", "task", "task-runtime". ERROR_USAGE saying what is wrong. */
int task_option(struct task_options *t, const char *name, char *arg, struct error *err);
void task_options_free(struct task_options *t);

#endif
