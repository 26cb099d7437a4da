/* SPDX-License-Identifier: GPL-3.0-or-later */
/* options: the command line both plugins share (design.md), parsed and validated into one struct. */
#ifndef CELERY_OPTIONS_H
#define CELERY_OPTIONS_H

#include "broker_url.h"
#include "error.h"
#include "options_quarantine.h"
#include "options_tasks.h"
#include "range.h"
#include "report.h"
#include "state.h"
#include "version_policy.h"

#include <stddef.h>

struct kombu_names;

/* The options beyond those every program takes (the broker, the version policy, -Q, --worker, -T, -t,
 * --json, -h, -V), in groups. */
enum option_group {
	GROUP_CHECK, /* the checks': -v, -m, --listen, --state-file, --unresponsive-*, --output-format */
	GROUP_FLEET, /* the worker and queue checks' thresholds on workers: -w, -c, -W, -C */
	GROUP_QUEUE, /* the queue check's: --backlog-warning, --backlog-critical, --exclude-queue; without -Q
	                the queues are found */
	GROUP_HANDLER, /* the event handler's: --execute, --action, ... (options_quarantine.h); -t's default
	                  state is CRITICAL, and it keeps no state file */
	GROUP_TASKS,   /* the tasks check's: --stale-tasks-*, --runtime-*, --task, --task-runtime
	                  (options_tasks.h); it needs the broadcast */
	OPTION_GROUPS,
};

/* What one program takes, described by the program itself: common/ names no program. */
struct option_set {
	const char *program;       /* its name */
	unsigned groups;           /* 1 << each option_group it takes */
	const char *const *takers; /* for each group, who takes it ("the checks"), for the message
	                              that refuses an option the program does not take */
	const char *usage;         /* -h's synopsis */
	const char *help;          /* -h's options */
};

enum probe_mode {
	MODE_BROADCAST, /* ask every worker (active_queues), stop when all that received it answered */
	MODE_HEARTBEAT, /* only listen to the workers' heartbeats: writes nothing to the broker */
	MODE_BOTH,      /* broadcast, and listen for --listen seconds: heartbeating workers that cannot be
	                   asked are hidden */
};

struct options {
	struct broker_addr addr;      /* where the broker is, with credentials */
	struct kombu_names *names;    /* prefix, namespace, db and transport options for key names (the
	                                 broker's folder knows them) */
	double inspect_timeout;       /* -T: seconds to wait for worker replies */
	double timeout;               /* -t: hard limit for the whole plugin */
	enum state timeout_state;     /* -t's optional :STATE */
	struct version_policy policy; /* -e, --accept, --expected-version-file, --allow-untagged */
	int verbose;                  /* -v */
	int json;                     /* --json */
	enum report_format format;    /* --json or --output-format, else the plugin status line */
	char **queues;                /* -Q, deduplicated, in the order given */
	size_t nqueues, queues_cap;
	struct thresholds incompatible; /* -w / -c */
	struct thresholds compatible;   /* -W / -C */
	struct thresholds backlog;      /* --backlog-warning / --backlog-critical */
	int discover;   /* queue health without -Q: read the binding sets to find the queues */
	int hint;       /* queue health with -Q: read them when a -Q queue has no consumer, for hints */
	char **exclude; /* --exclude-queue globs (queue health) */
	size_t nexclude;
	char **workers; /* --worker: ask only these node names, in the order given */
	size_t nworkers;
	enum probe_mode mode; /* -m/--mode */
	double listen;        /* --listen: seconds to listen to heartbeats (modes heartbeat, both) */
	struct thresholds unresponsive;       /* --unresponsive-warning / --unresponsive-critical */
	const char *state_file;               /* --state-file, or the default; "" for none */
	struct quarantine_options quarantine; /* the event handler's (GROUP_HANDLER) */
	struct task_options tasks;            /* the tasks check's (GROUP_TASKS) */
};

enum options_result {
	OPTIONS_RUN,
	OPTIONS_HELP,
	OPTIONS_VERSION,
};

/* Parses argv, applies defaults and $CELERY_BROKER_URL / $REDISCLI_AUTH, and checks everything.
 * Returns an options_result, or -1 with err (ERROR_USAGE) saying which option is wrong and why. */
int options_parse(struct options *o, const struct option_set *set, int argc, char **argv, struct error *err);
void options_free(struct options *o);
#endif
