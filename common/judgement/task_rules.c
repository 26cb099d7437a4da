/* SPDX-License-Identifier: GPL-3.0-or-later */
/* task_rules: task name patterns and their runtime limits. */
#include "task_rules.h"

#include "numparse.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

/* One limit of GLOB=WARN:CRIT: empty (none), or a number of seconds, as the range 0:SECONDS. */
static int set_limit(const char *arg, const char *text, size_t len, struct range *r, int *has,
                     struct error *err)
{
	char buf[32];
	double v;

	if (len == 0)
		return 0;
	if (len >= sizeof(buf))
		return error_set(err, ERROR_USAGE, "--task-runtime: '%.60s': a limit is too long", arg);
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (parse_decimal(buf, &v) < 0 || v < 0)
		return error_set(err, ERROR_USAGE,
		                 "--task-runtime: '%.60s': '%s' is not a number of seconds (GLOB=WARN:CRIT)",
		                 arg, buf);
	if (range_parse(buf, r, err) < 0)
		return error_wrap(err, "--task-runtime");
	*has = 1;
	return 0;
}

int task_rule_parse(const char *arg, struct task_rule *out, struct error *err)
{
	const char *eq = strrchr(arg, '='), *colon;

	memset(out, 0, sizeof(*out));
	if (eq == NULL || eq == arg)
		return error_set(
		    err, ERROR_USAGE,
		    "--task-runtime: '%.60s' is not GLOB=WARN:CRIT (e.g. 'app.tasks.report=3600:7200')", arg);
	if ((colon = strchr(eq + 1, ':')) == NULL)
		return error_set(err, ERROR_USAGE,
		                 "--task-runtime: '%.60s' needs WARN:CRIT after '=' (either may be empty: "
		                 "'GLOB=600:' warns only)",
		                 arg);
	if (set_limit(arg, eq + 1, (size_t)(colon - eq - 1), &out->limit.warn, &out->limit.has_warn, err) <
	        0 ||
	    set_limit(arg, colon + 1, strlen(colon + 1), &out->limit.crit, &out->limit.has_crit, err) < 0)
		return -1;
	if (!out->limit.has_warn && !out->limit.has_crit)
		return error_set(err, ERROR_USAGE, "--task-runtime: '%.60s' gives no limit", arg);
	if ((out->glob = strndup(arg, (size_t)(eq - arg))) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	return 0;
}

void task_rule_free(struct task_rule *r)
{
	free(r->glob);
	r->glob = NULL;
}

const struct thresholds *task_rule_for(const struct task_rule *rules, size_t n, const char *name,
                                       const struct thresholds *fallback)
{
	for (size_t i = 0; i < n; i++)
		if (fnmatch(rules[i].glob, name, 0) == 0)
			return &rules[i].limit;
	return fallback;
}

int task_judged(char *const *globs, size_t n, const char *name)
{
	if (n == 0)
		return 1;
	for (size_t i = 0; i < n; i++)
		if (fnmatch(globs[i], name, 0) == 0)
			return 1;
	return 0;
}
