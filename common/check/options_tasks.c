/* SPDX-License-Identifier: GPL-3.0-or-later */
/* options_tasks: parsing check_celery_tasks' options. */
#include "options_tasks.h"

#include "options_names.h"

#include <string.h>

void task_options_default(struct task_options *t)
{
	struct error ignored;

	memset(t, 0, sizeof(*t));
	t->stale.has_warn = range_parse("0", &t->stale.warn, &ignored) == 0;
}

static int set_range(struct range *r, int *has, const char *opt, const char *arg, struct error *err)
{
	if (range_parse(arg, r, err) < 0)
		return error_wrap(err, opt);
	*has = 1;
	return 0;
}

int task_option(struct task_options *t, const char *name, char *arg, struct error *err)
{
	if (strcmp(name, "stale-tasks-warning") == 0)
		return set_range(&t->stale.warn, &t->stale.has_warn, "--stale-tasks-warning", arg, err);
	if (strcmp(name, "stale-tasks-critical") == 0)
		return set_range(&t->stale.crit, &t->stale.has_crit, "--stale-tasks-critical", arg, err);
	if (strcmp(name, "runtime-warning") == 0)
		return set_range(&t->runtime.warn, &t->runtime.has_warn, "--runtime-warning", arg, err);
	if (strcmp(name, "runtime-critical") == 0)
		return set_range(&t->runtime.crit, &t->runtime.has_crit, "--runtime-critical", arg, err);
	if (strcmp(name, "task") == 0) {
		if (option_text_ok("--task", arg, 0, err) < 0)
			return -1;
		if (t->nglobs == TASK_GLOBS_MAX)
			return error_set(err, ERROR_USAGE, "--task: at most %d patterns", TASK_GLOBS_MAX);
		t->globs[t->nglobs++] = arg;
		return 0;
	}
	if (option_text_ok("--task-runtime", arg, 0, err) < 0)
		return -1;
	if (t->nrules == TASK_GLOBS_MAX)
		return error_set(err, ERROR_USAGE, "--task-runtime: at most %d rules", TASK_GLOBS_MAX);
	if (task_rule_parse(arg, &t->rules[t->nrules], err) < 0)
		return -1;
	t->nrules++;
	return 0;
}

void task_options_free(struct task_options *t)
{
	for (size_t i = 0; i < t->nrules; i++)
		task_rule_free(&t->rules[i]);
	t->nrules = 0;
	t->nglobs = 0;
}
