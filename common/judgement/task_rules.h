/* SPDX-License-Identifier: GPL-3.0-or-later */
/* task_rules: which task names are judged (--task GLOB) and how long each may run (--task-runtime
 * GLOB=WARN:CRIT, else --runtime-warning/--runtime-critical). */
#ifndef CELERY_TASK_RULES_H
#define CELERY_TASK_RULES_H

#include "error.h"
#include "range.h"

#include <stddef.h>

struct task_rule {
	char *glob;              /* a shell pattern on the task name */
	struct thresholds limit; /* seconds it may run: warn 0:WARN, crit 0:CRIT */
};

/* Parses GLOB=WARN:CRIT (either limit may be empty, not both; plain seconds). ERROR_USAGE saying why. */
int task_rule_parse(const char *arg, struct task_rule *out, struct error *err);
void task_rule_free(struct task_rule *r);
/* The limits for a task name: the first rule whose pattern matches it, else fallback. */
const struct thresholds *task_rule_for(const struct task_rule *rules, size_t n, const char *name,
                                       const struct thresholds *fallback);
/* 1 when name matches one of the n patterns, or n is 0. */
int task_judged(char *const *globs, size_t n, const char *name);

#endif
