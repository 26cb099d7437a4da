/* SPDX-License-Identifier: GPL-3.0-or-later */
/* option_sets: what each program takes, and its -h synopsis and option descriptions: the version policy and
 * thresholds first, then which workers and queues, then the connection, then the rest; 80 columns at most. */
#include "option_sets.h"

#include "options_help.h"

/* What every check's help ends with: --worker, the connection, then time, mode and output. */
#define CHECK_REST_HELP(mode)                                                                                \
	WORKER_HELP BROKER_SECTIONS                                                                          \
	    "Time, mode and output:\n" INSPECT_HELP mode STATE_FILE_HELP LIMIT_HELP OUTPUT_HELP INFO_HELP
#define FLEET_CHECK_REST_HELP CHECK_REST_HELP(MODE_HELP)
#define TASKS_CHECK_REST_HELP CHECK_REST_HELP(MODE_TASKS_HELP)

static const char usage_workers[] = "Usage:\n"
                                    " check_celery_worker_versions -H HOST -e VERSION [-Q QUEUE[,QUEUE...]]\n"
                                    "   [-w RANGE] [-c RANGE]\n"
                                    " check_celery_worker_versions -u URL -e VERSION [OPTION]...\n";

static const char help_workers[] =
    "Options:\n"
    "Version policy and thresholds:\n" POLICY_HELP " -w, --warning=RANGE\n"
    "    Warning range for the number of incompatible workers (default: 0, so one\n"
    "    incompatible worker is a WARNING)\n"
    " -c, --critical=RANGE\n"
    "    Critical range for the number of incompatible workers (default: none, so\n"
    "    they are never CRITICAL)\n"
    " -W, --compatible-warning=RANGE\n"
    "    Warning range for the number of compatible workers (default: none)\n"
    " -C, --compatible-critical=RANGE\n"
    "    Critical range for the number of compatible workers (default: 1:, so it is\n"
    "    CRITICAL when none runs an accepted version)\n" UNRESPONSIVE_HELP "Workers and queues:\n"
    " -Q, --queue=QUEUE[,QUEUE...]\n"
    "    Count only the workers consuming one of these queues (repeatable; default:\n"
    "    every worker)\n" FLEET_CHECK_REST_HELP;

static const char usage_queues[] = "Usage:\n"
                                   " check_celery_queue_health -H HOST -e VERSION [-Q QUEUE[,QUEUE...]]\n"
                                   "   [--backlog-warning RANGE] [--backlog-critical RANGE]\n"
                                   " check_celery_queue_health -u URL -e VERSION [OPTION]...\n";

static const char help_queues[] =
    "Options:\n"
    "Version policy and thresholds:\n" POLICY_HELP " -w, --warning=RANGE\n"
    "    Warning range for a queue's incompatible consumers (default: 0, so one\n"
    "    incompatible consumer is a WARNING)\n"
    " -c, --critical=RANGE\n"
    "    Critical range for a queue's incompatible consumers (default: none, so they\n"
    "    are never CRITICAL)\n"
    " -W, --compatible-warning=RANGE\n"
    "    Warning range for a queue's compatible consumers (default: none)\n"
    " -C, --compatible-critical=RANGE\n"
    "    Critical range for a queue's compatible consumers (default: 1:, so a queue\n"
    "    no compatible worker consumes is CRITICAL)\n"
    " --backlog-warning=RANGE\n"
    "    Warning range for a queue's waiting messages (default: none)\n"
    " --backlog-critical=RANGE\n"
    "    Critical range for a queue's waiting messages (default: none; a queue with\n"
    "    messages waiting and no compatible consumer is CRITICAL whatever the ranges\n"
    "    say)\n" UNRESPONSIVE_HELP "Workers and queues:\n"
    " -Q, --queue=QUEUE[,QUEUE...]\n"
    "    The queues to judge (repeatable). Default: every queue the broker knows\n"
    "    (kombu's binding sets; with --management-url, every task queue of the vhost)\n"
    "    and every queue an answering worker consumes, but Celery's own control and\n"
    "    event queues.\n"
    " --exclude-queue=GLOB\n"
    "    Do not judge the queues matching this shell pattern (repeatable), e.g.\n"
    "    retired ones\n" FLEET_CHECK_REST_HELP;

static const char usage_tasks[] = "Usage:\n"
                                  " check_celery_tasks -H HOST -e VERSION [--runtime-warning SECONDS]\n"
                                  "   [--task-runtime GLOB=WARN:CRIT]...\n"
                                  " check_celery_tasks -u URL -e VERSION [OPTION]...\n";

static const char help_tasks[] =
    "Options:\n"
    "Version policy and thresholds:\n" POLICY_HELP " --stale-tasks-warning=RANGE\n"
    "    Warning range for the tasks (running and reserved) held by incompatible\n"
    "    workers (default: 0, so one such task is a WARNING)\n"
    " --stale-tasks-critical=RANGE\n"
    "    Critical range for the tasks held by incompatible workers (default: none)\n"
    " --runtime-warning=RANGE\n"
    "    Warning range for the seconds the longest running task has run (default:\n"
    "    none)\n"
    " --runtime-critical=RANGE\n"
    "    Critical range for the seconds the longest running task has run (default:\n"
    "    none). Running times are read by the worker's clock (Celery's time_start);\n"
    "    with -m both each worker's heartbeat tells how far its clock is from this\n"
    "    host's, and the time is corrected. A task that started ahead of this host's\n"
    "    clock is reported, never judged: UNKNOWN when a limit applies to it.\n"
    " --task-runtime=GLOB=WARN:CRIT\n"
    "    Seconds tasks matching GLOB may run before a WARNING and a CRITICAL, instead\n"
    "    of --runtime-warning and --runtime-critical (repeatable, the first match\n"
    "    wins; either may be empty), e.g. 'app.tasks.report=3600:7200'\n" UNRESPONSIVE_HELP
    "Workers, queues and tasks:\n"
    " -Q, --queue=QUEUE[,QUEUE...]\n"
    "    Count only the tasks of workers consuming one of these queues (repeatable;\n"
    "    default: every worker's)\n"
    " --task=GLOB\n"
    "    Judge only the tasks whose name matches this shell pattern (repeatable),\n"
    "    e.g. 'app.tasks.*'; each matching name gets its own perfdata (the first 50\n"
    "    names)\n" TASKS_CHECK_REST_HELP;

static const char usage_quarantine[] =
    "Usage:\n"
    " celery_quarantine_workers -H HOST -e VERSION   (a dry run: what it would do)\n"
    " celery_quarantine_workers -H HOST -e VERSION --execute --state STATE\n"
    "   --state-type HARD|SOFT [--attempt N] [OPTION]...   (as an event handler)\n";

static const char help_quarantine[] =
    "Options:\n"
    "Version policy:\n" POLICY_HELP "What to act on:\n"
    " --worker=NODE[,NODE...]\n"
    "    Act only on these workers (node names, NAME@HOST; repeatable); every worker\n"
    "    is still asked, to know who else consumes each queue. A named worker that\n"
    "    does not answer is reported.\n"
    " -Q, --queue=QUEUE[,QUEUE...]\n"
    "    Act only on these queues (repeatable): cancel-consumer cancels only them,\n"
    "    shutdown stops only workers consuming one of them (default: every queue)\n"
    "How to act:\n"
    " --execute\n"
    "    Act. Without it, a dry run: print what would be done, and change nothing.\n"
    "    Refused with -e newest: one worker tagged by mistake would make the fleet\n"
    "    stale.\n"
    " --action=cancel-consumer|shutdown\n"
    "    cancel-consumer (default): Celery's cancel_consumer for each queue a stale\n"
    "    worker consumes, sent to that worker alone; it stops taking tasks from the\n"
    "    queue and stays up to be looked at. shutdown: Celery's shutdown, to that\n"
    "    worker alone; it finishes its tasks and exits.\n"
    " --allow-empty-queue\n"
    "    Also act where no compatible worker consumes the queue, leaving it without a\n"
    "    consumer. By default such a queue is left alone and reported.\n"
    " --max-workers=N\n"
    "    Act on at most N workers in one run (default: 5); the others are reported\n"
    "As an event handler:\n"
    " --state=STATE, --state-type=HARD|SOFT, --attempt=N\n"
    "    The service's $SERVICESTATE$, $SERVICESTATETYPE$ and $SERVICEATTEMPT$. Given\n"
    "    them, it acts only on a state --act-on names, HARD unless --act-on-soft;\n"
    "    otherwise it does nothing and exits 0.\n"
    " --act-on=STATE[,STATE...]\n"
    "    The states that call for action (default: warning and critical)\n"
    " --act-on-soft\n"
    "    Act on SOFT states too (default: HARD states only)\n" BROKER_SECTIONS
    "Time and output:\n" INSPECT_HELP " -t, --timeout=SECONDS[:STATE]\n"
    "    Hard limit for the whole run, then STATE: ok, warning, critical or unknown\n"
    "    (default: 10 seconds, then critical, the exit status 2 of a run that could\n"
    "    not act)\n"
    " --json\n"
    "    Print the audit as a JSON document instead of text; the exit status is the\n"
    "    same\n" INFO_HELP;

const char *const option_takers[OPTION_GROUPS] = {
    "the checks", "check_celery_worker_versions and check_celery_queue_health", "check_celery_queue_health",
    "celery_quarantine_workers", "check_celery_tasks"};

const struct option_set worker_versions_options = {"check_celery_worker_versions",
                                                   1u << GROUP_CHECK | 1u << GROUP_FLEET, option_takers,
                                                   usage_workers, help_workers};
const struct option_set queue_health_options = {"check_celery_queue_health",
                                                1u << GROUP_CHECK | 1u << GROUP_FLEET | 1u << GROUP_QUEUE,
                                                option_takers, usage_queues, help_queues};
const struct option_set tasks_options = {"check_celery_tasks", 1u << GROUP_CHECK | 1u << GROUP_TASKS,
                                         option_takers, usage_tasks, help_tasks};
const struct option_set quarantine_options = {"celery_quarantine_workers", 1u << GROUP_HANDLER, option_takers,
                                              usage_quarantine, help_quarantine};
