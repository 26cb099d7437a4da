/* SPDX-License-Identifier: GPL-3.0-or-later */
/* option_sets: what each program takes, and its -h synopsis and option descriptions. */
#include "option_sets.h"

#include "options_help.h"

/* The broker's options in a check's synopsis. */
#define BROKER_USAGE                                                                                         \
	"   [-H HOST] [-p PORT | -s SOCKET | -u URL] [-n DB]\n"                                              \
	"   [--username NAME] [--password-file PATH]\n"                                                      \
	"   [--tls] [--cacert FILE] [--capath DIR] [--cert FILE] [--key FILE] [--sni NAME] [--insecure]\n"   \
	"   [--sentinel-master NAME] [--sentinel-password-file PATH] [--sentinel-tls]\n"                     \
	"   [--prefix PREFIX] [--namespace NS]\n"                                                            \
	"   [--transport-option KEY=VALUE]...\n"

static const char usage_workers[] =
    "Usage:\n"
    " check_celery_worker_versions {-e VERSION|newest | --expected-version-file PATH | --accept "
    "SPEC...}\n" BROKER_USAGE
    "   [-Q QUEUE[,QUEUE...]] [-w RANGE] [-c RANGE] [-W RANGE] [-C RANGE] [--allow-untagged]\n"
    "   [--worker NODE]...\n"
    "   [-m MODE] [--listen SECONDS] [--unresponsive-warning RANGE] [--unresponsive-critical RANGE]\n"
    "   [--state-file PATH] [-T SECONDS] [-t SECONDS[:STATE]] [-v] [--json | --output-format FORMAT]\n";

static const char usage_queues[] =
    "Usage:\n"
    " check_celery_queue_health {-e VERSION|newest | --expected-version-file PATH | --accept "
    "SPEC...}\n" BROKER_USAGE
    "   [-Q QUEUE[,QUEUE...] | --exclude-queue GLOB...] [-w RANGE] [-c RANGE] [-W RANGE] [-C RANGE]\n"
    "   [--allow-untagged] [--worker NODE]... [--backlog-warning RANGE] [--backlog-critical RANGE]\n"
    "   [-m MODE] [--listen SECONDS] [--unresponsive-warning RANGE] [--unresponsive-critical RANGE]\n"
    "   [--state-file PATH] [-T SECONDS] [-t SECONDS[:STATE]] [-v] [--json | --output-format FORMAT]\n";

static const char help_workers[] =
    "Options:\n" BROKER_HELP POLICY_HELP WORKER_HELP " -Q, --queue=QUEUE[,QUEUE...]\n"
    "    Count only workers consuming one of these queues (repeatable)\n"
    " -w, --warning=RANGE\n"
    "    Warning range for the number of incompatible workers (default: 0)\n"
    " -c, --critical=RANGE\n"
    "    Critical range for the number of incompatible workers (default: none)\n"
    " -W, --compatible-warning=RANGE\n"
    "    Warning range for the number of compatible workers (default: none)\n"
    " -C, --compatible-critical=RANGE\n"
    "    Critical range for the number of compatible workers (default: 1:)\n" TIMING_HELP;

static const char help_queues[] =
    "Options:\n" BROKER_HELP POLICY_HELP WORKER_HELP " -Q, --queue=QUEUE[,QUEUE...]\n"
    "    Queues to judge (repeatable). Default: every queue the broker knows (kombu's binding sets)\n"
    "    and every queue an answering worker consumes, but Celery's own control and event queues.\n"
    " --exclude-queue=GLOB\n"
    "    Do not judge the queues matching this shell pattern (repeatable), e.g. retired ones\n"
    " -w, --warning=RANGE\n"
    "    Warning range for a queue's incompatible consumers (default: 0)\n"
    " -c, --critical=RANGE\n"
    "    Critical range for a queue's incompatible consumers (default: none)\n"
    " -W, --compatible-warning=RANGE\n"
    "    Warning range for a queue's compatible consumers (default: none)\n"
    " -C, --compatible-critical=RANGE\n"
    "    Critical range for a queue's compatible consumers (default: 1:)\n"
    " --backlog-warning=RANGE\n"
    "    Warning range for a queue's waiting messages (default: none)\n"
    " --backlog-critical=RANGE\n"
    "    Critical range for a queue's waiting messages (default: none)\n" TIMING_HELP;

static const char help_quarantine[] =
    "Options:\n" BROKER_HELP POLICY_HELP " --worker=NODE[,NODE...]\n"
    "    Act only on these workers (node names, NAME@HOST; repeatable); every worker is still asked,\n"
    "    to know who else consumes each queue. A named worker that does not answer is reported.\n"
    " -Q, --queue=QUEUE[,QUEUE...]\n"
    "    Act only on these queues (repeatable): cancel-consumer cancels only them, shutdown stops only\n"
    "    workers consuming one of them\n"
    " --execute\n"
    "    Act. Without it, a dry run: print what would be done, and change nothing.\n"
    "    Refused with -e newest: one worker tagged by mistake would make the fleet stale.\n"
    " --action=cancel-consumer|shutdown\n"
    "    cancel-consumer (default): Celery's cancel_consumer for each queue a stale worker consumes,\n"
    "    sent to that worker alone; it stops taking tasks from the queue and stays up to be looked at.\n"
    "    shutdown: Celery's shutdown, to that worker alone; it finishes its tasks and exits.\n"
    " --allow-empty-queue\n"
    "    Also act where no compatible worker consumes the queue, leaving it without a consumer.\n"
    "    By default such a queue is left alone and reported.\n"
    " --max-workers=N\n"
    "    Act on at most N workers in one run (default: 5); the others are reported\n"
    " --state=STATE, --state-type=HARD|SOFT, --attempt=N\n"
    "    As an event handler: the service's $SERVICESTATE$, $SERVICESTATETYPE$ and\n"
    "    $SERVICEATTEMPT$. Given them, it acts only on a state --act-on names, HARD unless\n"
    "    --act-on-soft; otherwise it does nothing and exits 0.\n"
    " --act-on=STATE[,STATE...]\n"
    "    The states that call for action (default: warning,critical)\n"
    " --act-on-soft\n"
    "    Act on SOFT states too\n" INSPECT_HELP " -t, --timeout=SECONDS[:STATE]\n"
    "    Hard limit for the whole run, then STATE: ok, warning, critical or unknown\n"
    "    (default: 10:critical, the exit status 2 of a run that could not act)\n"
    " --json\n"
    "    Print the audit as a JSON document instead of text; the exit status is the same\n" INFO_HELP;

static const char usage_quarantine[] =
    "Usage:\n"
    " celery_quarantine_workers {-e VERSION|newest | --expected-version-file PATH | --accept SPEC...}\n"
    "   [-H HOST] [-p PORT | -s SOCKET | -u URL] [-n DB]\n"
    "   [--username NAME] [--password-file PATH]\n"
    "   [--tls] [--cacert FILE] [--capath DIR] [--cert FILE] [--key FILE] [--sni NAME] [--insecure]\n"
    "   [--sentinel-master NAME] [--sentinel-password-file PATH] [--sentinel-tls]\n"
    "   [--prefix PREFIX] [--namespace NS] [--transport-option KEY=VALUE]...\n"
    "   [-Q QUEUE[,QUEUE...]] [--allow-untagged] [--worker NODE]...\n"
    "   [--execute] [--action cancel-consumer|shutdown] [--allow-empty-queue] [--max-workers N]\n"
    "   [--state STATE --state-type HARD|SOFT [--attempt N]] [--act-on STATE[,STATE...]] [--act-on-soft]\n"
    "   [-T SECONDS] [-t SECONDS[:STATE]] [--json]\n";

static const char usage_tasks[] =
    "Usage:\n"
    " check_celery_tasks {-e VERSION|newest | --expected-version-file PATH | --accept SPEC...}\n" BROKER_USAGE
    "   [-Q QUEUE[,QUEUE...]] [--allow-untagged] [--worker NODE]...\n"
    "   [--stale-tasks-warning RANGE] [--stale-tasks-critical RANGE]\n"
    "   [--runtime-warning RANGE] [--runtime-critical RANGE]\n"
    "   [--task GLOB]... [--task-runtime GLOB=WARN:CRIT]...\n"
    "   [-m broadcast|both] [--listen SECONDS] [--unresponsive-warning RANGE] [--unresponsive-critical "
    "RANGE]\n"
    "   [--state-file PATH] [-T SECONDS] [-t SECONDS[:STATE]] [-v] [--json | --output-format FORMAT]\n";

static const char help_tasks[] =
    "Options:\n" BROKER_HELP POLICY_HELP WORKER_HELP " -Q, --queue=QUEUE[,QUEUE...]\n"
    "    Count only the tasks of workers consuming one of these queues (repeatable)\n"
    " --stale-tasks-warning=RANGE\n"
    "    Warning range for the tasks (running and reserved) held by incompatible workers\n"
    "    (default: 0, so one such task is a WARNING)\n"
    " --stale-tasks-critical=RANGE\n"
    "    Critical range for the tasks held by incompatible workers (default: none)\n"
    " --runtime-warning=RANGE\n"
    "    Warning range for the seconds a running task has run (default: none)\n"
    " --runtime-critical=RANGE\n"
    "    Critical range for the seconds a running task has run (default: none). Running times\n"
    "    are read by the worker's clock (Celery's time_start); with -m both each worker's\n"
    "    heartbeat tells how far its clock is from this host's, and the time is corrected. A\n"
    "    task that started ahead of this host's clock is reported, never judged.\n"
    " --task=GLOB\n"
    "    Judge only tasks whose name matches this shell pattern (repeatable), e.g. 'app.tasks.*';\n"
    "    each matching name gets its own perfdata\n"
    " --task-runtime=GLOB=WARN:CRIT\n"
    "    Seconds tasks matching GLOB may run before a WARNING and a CRITICAL, instead of\n"
    "    --runtime-warning/--runtime-critical (repeatable, the first match wins; either may be\n"
    "    empty), e.g. 'app.tasks.report=3600:7200'\n" TIMING_HELP;

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
