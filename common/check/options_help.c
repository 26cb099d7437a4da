/* SPDX-License-Identifier: GPL-3.0-or-later */
/* options_help: the usage synopsis and option descriptions printed by -h. */
#include "options.h"

static const char usage_workers[] =
    "Usage:\n"
    " check_celery_worker_versions {-e VERSION|newest | --expected-version-file PATH | --accept SPEC...}\n"
    "   [-H HOST] [-p PORT | -s SOCKET | -u URL] [-n DB]\n"
    "   [--username NAME] [--password-file PATH]\n"
    "   [--tls] [--cacert FILE] [--capath DIR] [--cert FILE] [--key FILE] [--sni NAME] [--insecure]\n"
    "   [--sentinel-master NAME] [--sentinel-password-file PATH] [--sentinel-tls]\n"
    "   [--prefix PREFIX] [--namespace NS]\n"
    "   [--transport-option KEY=VALUE]...\n"
    "   [-Q QUEUE[,QUEUE...]] [-w RANGE] [-c RANGE] [-W RANGE] [-C RANGE] [--allow-untagged]\n"
    "   [--worker NODE]...\n"
    "   [-m MODE] [--listen SECONDS] [--unresponsive-warning RANGE] [--unresponsive-critical RANGE]\n"
    "   [--state-file PATH] [-T SECONDS] [-t SECONDS[:STATE]] [-v] [--json | --output-format FORMAT]\n";

static const char usage_queues[] =
    "Usage:\n"
    " check_celery_queue_health {-e VERSION|newest | --expected-version-file PATH | --accept SPEC...}\n"
    "   [-H HOST] [-p PORT | -s SOCKET | -u URL] [-n DB]\n"
    "   [--username NAME] [--password-file PATH]\n"
    "   [--tls] [--cacert FILE] [--capath DIR] [--cert FILE] [--key FILE] [--sni NAME] [--insecure]\n"
    "   [--sentinel-master NAME] [--sentinel-password-file PATH] [--sentinel-tls]\n"
    "   [--prefix PREFIX] [--namespace NS]\n"
    "   [--transport-option KEY=VALUE]...\n"
    "   [-Q QUEUE[,QUEUE...] | --exclude-queue GLOB...] [-w RANGE] [-c RANGE] [-W RANGE] [-C RANGE]\n"
    "   [--allow-untagged] [--worker NODE]... [--backlog-warning RANGE] [--backlog-critical RANGE]\n"
    "   [-m MODE] [--listen SECONDS] [--unresponsive-warning RANGE] [--unresponsive-critical RANGE]\n"
    "   [--state-file PATH] [-T SECONDS] [-t SECONDS[:STATE]] [-v] [--json | --output-format FORMAT]\n";

#define BROKER_HELP                                                                                          \
	" -H, --hostname=HOST\n"                                                                             \
	"    Redis broker host name or address (default: 127.0.0.1)\n"                                       \
	" -p, --port=PORT\n"                                                                                 \
	"    Redis broker TCP port (default: 6379)\n"                                                        \
	" -s, --socket=PATH\n"                                                                               \
	"    Redis unix socket instead of TCP\n"                                                             \
	" -u, --url=URL\n"                                                                                   \
	"    Celery broker URL: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], "                                \
	"redis+socket:///PATH[?virtual_host=DB]\n"                                                           \
	"    or unix:///PATH[?db=DB]; rediss://... for TLS, with Celery's keys ssl_cert_reqs=required|\n"    \
	"    optional|none, ssl_ca_certs, ssl_certfile, ssl_keyfile (and ssl_check_hostname=false);\n"       \
	"    sentinel://[:PASSWORD@]HOST[:PORT][/DB];sentinel://HOST2[:PORT]... for Redis Sentinel\n"        \
	"    (default port 26379). Without -H, -p, -s and -u, $CELERY_BROKER_URL is used.\n"                 \
	" -n, --db=N\n"                                                                                      \
	"    Redis database number (default: 0, or the URL's)\n"                                             \
	" --username=NAME\n"                                                                                 \
	"    Redis ACL user name\n"                                                                          \
	" --password-file=PATH\n"                                                                            \
	"    Read the Redis password from the first line of PATH. $REDISCLI_AUTH also gives it.\n"           \
	"    Prefer either to a password in -u, which other users can see in the process list.\n"            \
	" --tls\n"                                                                                           \
	"    Speak TLS to the broker (as rediss:// does). The certificate and the host name are\n"           \
	"    verified against the system's CA store unless told otherwise.\n"                                \
	" --cacert=FILE, --capath=DIR\n"                                                                     \
	"    Trust the CAs in FILE (PEM) or the hashed directory DIR instead of the system's\n"              \
	" --cert=FILE, --key=FILE\n"                                                                         \
	"    Client certificate and its key (PEM, no passphrase), for a broker with tls-auth-clients\n"      \
	" --sni=NAME\n"                                                                                      \
	"    Send NAME as the server name and verify the certificate against it instead of the host\n"       \
	" --insecure\n"                                                                                      \
	"    Verify neither the certificate nor the host name (as ssl_cert_reqs=none)\n"                     \
	" --sentinel-master=NAME\n"                                                                          \
	"    With a sentinel:// URL: the master's name (Celery's master_name transport option, also\n"       \
	"    taken as --transport-option master_name=NAME). The sentinels are asked in order; the\n"         \
	"    server they name must say it is the master (ROLE).\n"                                           \
	" --sentinel-password-file=PATH\n"                                                                   \
	"    The sentinels' own password (their requirepass), from the first line of PATH\n"                 \
	" --sentinel-tls\n"                                                                                  \
	"    With --tls: the sentinels speak TLS too (by default only the master does, as in kombu)\n"       \
	" --prefix=PREFIX\n"                                                                                 \
	"    kombu's global_keyprefix transport option (default: none)\n"                                    \
	" --namespace=NS\n"                                                                                  \
	"    Celery's control_exchange (default: celery)\n"                                                  \
	" --transport-option=KEY=VALUE\n"                                                                    \
	"    One of Celery's broker_transport_options that change names on the wire (repeatable):\n"         \
	"    sep=: (default: learned from the broker's binding sets, else \\x06\\x16),\n"                    \
	"    priority_steps=0,1,2,3,4,5,6,7,8,9 (default: 0,3,6,9), global_keyprefix=P (as --prefix),\n"     \
	"    fanout_prefix=false, fanout_patterns=false (default: true)\n"

#define POLICY_HELP                                                                                          \
	" -e, --expected-version=VERSION\n"                                                                  \
	"    The version workers must run. A worker named NAME-vVERSION@HOST runs VERSION; it is\n"          \
	"    compatible when it equals this one as PEP 440 compares (0.12 == 0.12.0; a version PEP 440\n"    \
	"    cannot read is compared as text). -e v0.12.0 means 0.12.0. -e newest: the highest version\n"    \
	"    among the tagged workers that answered (a rolling deploy is over when all run it).\n"           \
	" --expected-version-file=PATH\n"                                                                    \
	"    As -e, from the first line of PATH (one a deploy pipeline writes)\n"                            \
	" --accept=SPEC\n"                                                                                   \
	"    Also (or instead of -e) accept versions matching SPEC: clauses that must all hold, joined\n"    \
	"    by commas: ==V, !=V, >=V, >V, <=V, <V, ~=V (compatible release) and V.* (prefix); e.g.\n"       \
	"    '>=0.12.0,<0.13'. Repeatable: any one SPEC may hold. Versions are ordered as PEP 440 says\n"    \
	"    (1.2.3.dev4 < 1.2.3rc1 = 1.2.3-rc.1 < 1.2.3 < 1.2.3+build < 1.2.3.post1); a version it\n"       \
	"    cannot order is refused here (UNKNOWN); a worker tagged with one counts incompatible, named\n"  \
	"    so, and the check is at least UNKNOWN: never a guess.\n"                                        \
	"    One of -e, --expected-version-file and --accept is required.\n"                                 \
	" --allow-untagged\n"                                                                                \
	"    Count workers without a version tag (celery@HOST) as compatible. By default they are not.\n"

#define WORKER_HELP                                                                                          \
	" --worker=NODE[,NODE...]\n"                                                                         \
	"    Ask only these workers (node names, NAME@HOST; repeatable), as `celery inspect -d` does: one\n" \
	"    service per worker. A named worker that does not answer is CRITICAL, named in the summary.\n"

#define INSPECT_HELP                                                                                         \
	" -T, --inspect-timeout=SECONDS\n"                                                                   \
	"    How long to wait for worker replies (default: 1). The check returns as soon as every worker\n"  \
	"    that received the broadcast has answered. A -T that -t leaves no room for is shortened.\n"

#define WATCH_HELP                                                                                           \
	" -m, --mode=broadcast|heartbeat|both\n"                                                             \
	"    broadcast (default): ask every worker, return once all that received the question answered.\n"  \
	"    heartbeat: only listen to the workers' heartbeats (--listen s) and judge each by its name;\n"   \
	"    writes nothing to the broker (a read-only ACL user will do). both: broadcast and listen too;\n" \
	"    a worker that beats but cannot be asked (remote control off, another namespace) is hidden:\n"   \
	"    WARNING, with its version from its name.\n"                                                     \
	" --listen=SECONDS\n"                                                                                \
	"    How long to listen to heartbeats (every 2 s by default): -m both at least 2 (default 2.5),\n"   \
	"    -m heartbeat at least 4 (default 4.5)\n"                                                        \
	" --unresponsive-warning=RANGE, --unresponsive-critical=RANGE\n"                                     \
	"    Ranges on workers that received the broadcast and did not answer (default: -warning 0, so "     \
	"one\n"                                                                                              \
	"    is a WARNING). A -P solo worker busy with a long task answers nothing until it ends.\n"         \
	" --state-file=PATH\n"                                                                               \
	"    Where to keep when each worker was last seen, to name silent ones with it (default: in\n"       \
	"    $MP_STATE_PATH, else /var/lib/monitoring-plugins, check_celery/; \"\" for none)\n"

#define LIMIT_HELP                                                                                           \
	" -t, --timeout=SECONDS[:STATE]\n"                                                                   \
	"    Hard limit for the whole plugin, then STATE: ok, warning, critical or unknown\n"                \
	"    (default: 10:unknown)\n"

#define VERBOSE_JSON_HELP                                                                                    \
	" -v, --verbose\n"                                                                                   \
	"    One line per worker (and per queue) after the status line\n"                                    \
	" --json\n"                                                                                          \
	"    Print a JSON document instead of plugin output; the exit code is the same\n"

#define FORMAT_HELP                                                                                          \
	" --output-format=FORMAT\n"                                                                          \
	"    monitoring-plugins 3 output: multi-line (a subcheck line per queue or per worker not\n"         \
	"    compatible, perfdata last) or mp-test-json (a JSON document; exit code 0)\n"

#define INFO_HELP                                                                                            \
	" -h, --help\n"                                                                                      \
	"    Print this help\n"                                                                              \
	" -V, --version\n"                                                                                   \
	"    Print the version\n"

#define TIMING_HELP INSPECT_HELP WATCH_HELP LIMIT_HELP VERBOSE_JSON_HELP FORMAT_HELP INFO_HELP

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

const char *options_usage(enum plugin_kind kind)
{
	return kind == PLUGIN_QUEUE_HEALTH ? usage_queues
	       : kind == PLUGIN_QUARANTINE ? usage_quarantine
	                                   : usage_workers;
}

const char *options_help(enum plugin_kind kind)
{
	return kind == PLUGIN_QUEUE_HEALTH ? help_queues
	       : kind == PLUGIN_QUARANTINE ? help_quarantine
	                                   : help_workers;
}
