/* SPDX-License-Identifier: GPL-3.0-or-later */
/* options_help: the -h descriptions of the options the programs share, at most 80 columns, as pieces each
 * program's help (plugins/option_sets.c) is put together from. */
#ifndef CELERY_OPTIONS_HELP_H
#define CELERY_OPTIONS_HELP_H

/* The version policy: -e, --expected-version-file, --accept, --allow-untagged. */
#define POLICY_HELP                                                                                          \
	" -e, --expected-version=VERSION\n"                                                                  \
	"    The version workers must run; -e v0.12.0 means 0.12.0. A worker named\n"                        \
	"    NAME-vVERSION@HOST runs VERSION; it is compatible when it equals this one as\n"                 \
	"    PEP 440 compares (0.12 == 0.12.0; a version PEP 440 cannot read is compared\n"                  \
	"    as text). -e newest: the highest version among the tagged workers that\n"                       \
	"    answered (a rolling deploy is over when all run it).\n"                                         \
	" --expected-version-file=PATH\n"                                                                    \
	"    As -e, from the first line of PATH (one a deploy pipeline writes)\n"                            \
	" --accept=SPEC\n"                                                                                   \
	"    Also (or instead of -e) accept versions matching SPEC: clauses that must all\n"                 \
	"    hold, joined by commas: ==V, !=V, >=V, >V, <=V, <V, ~=V (compatible release)\n"                 \
	"    and V.* (prefix); e.g. '>=0.12.0,<0.13'. Repeatable: any one SPEC may hold.\n"                  \
	"    Versions are ordered as PEP 440 says (1.2.3.dev4 < 1.2.3rc1 = 1.2.3-rc.1 <\n"                   \
	"    1.2.3 < 1.2.3+build < 1.2.3.post1). A version that cannot be ordered is\n"                      \
	"    refused here (UNKNOWN); a worker tagged with one counts incompatible, named\n"                  \
	"    so, and the check is at least UNKNOWN: never a guess. One of -e,\n"                             \
	"    --expected-version-file and --accept is required.\n"                                            \
	" --allow-untagged\n"                                                                                \
	"    Count workers without a version tag (celery@HOST) as compatible. By default\n"                  \
	"    they are incompatible.\n"

/* The thresholds on workers that did not answer. */
#define UNRESPONSIVE_HELP                                                                                    \
	" --unresponsive-warning=RANGE, --unresponsive-critical=RANGE\n"                                     \
	"    Ranges on the workers that received the broadcast and did not answer\n"                         \
	"    (check_celery_tasks: or did not tell their tasks) (default: one such worker\n"                  \
	"    is a WARNING; never CRITICAL). A -P solo worker busy with a long task\n"                        \
	"    answers nothing until it ends.\n"

/* --worker, as the checks take it. */
#define WORKER_HELP                                                                                          \
	" --worker=NODE[,NODE...]\n"                                                                         \
	"    Ask only these workers (node names, NAME@HOST; repeatable), as `celery\n"                       \
	"    inspect -d` does: one service per worker. A named worker that does not\n"                       \
	"    answer is CRITICAL, named in the summary.\n"

/* How to reach either broker. */
#define CONNECTION_HELP                                                                                      \
	" -H, --hostname=HOST\n"                                                                             \
	"    Broker host name or address (default: 127.0.0.1)\n"                                             \
	" -p, --port=PORT\n"                                                                                 \
	"    Broker TCP port (default: 6379 for Redis; 5672 for RabbitMQ, 5671 with TLS)\n"                  \
	" -u, --url=URL\n"                                                                                   \
	"    Celery's broker URL: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB],\n"                             \
	"    rediss://... for TLS (with Celery's keys\n"                                                     \
	"    ssl_cert_reqs=required|optional|none, ssl_ca_certs, ssl_certfile,\n"                            \
	"    ssl_keyfile, ssl_check_hostname=false),\n"                                                      \
	"    redis+socket:///PATH[?virtual_host=DB] or unix:///PATH[?db=DB],\n"                              \
	"    sentinel://[:PASSWORD@]HOST[:PORT][/DB];sentinel://HOST2[:PORT]... for Redis\n"                 \
	"    Sentinel (default port 26379); amqp://[USER:PASSWORD@]HOST[:PORT]/[VHOST],\n"                   \
	"    amqps://... or pyamqp://... for RabbitMQ (user and password guest, and vhost\n"                 \
	"    /, when not given, as in Celery; // is /). Without -H, -p, -s and -u,\n"                        \
	"    $CELERY_BROKER_URL is used.\n"                                                                  \
	" --username=NAME\n"                                                                                 \
	"    Redis ACL user name, or RabbitMQ user name\n"                                                   \
	" --password-file=PATH\n"                                                                            \
	"    Read the password from the first line of PATH. $REDISCLI_AUTH also gives\n"                     \
	"    Redis's. Prefer either to a password in -u, which other users can see in the\n"                 \
	"    process list.\n"                                                                                \
	" --namespace=NS\n"                                                                                  \
	"    Celery's control_exchange (default: celery)\n"                                                  \
	" --tls\n"                                                                                           \
	"    Speak TLS to the broker (as rediss:// and amqps:// do). The certificate and\n"                  \
	"    the host name are verified against the system's CA store unless told\n"                         \
	"    otherwise.\n"                                                                                   \
	" --cacert=FILE\n"                                                                                   \
	"    Trust the CAs in FILE (PEM) instead of the system's\n"                                          \
	" --cert=FILE, --key=FILE\n"                                                                         \
	"    Client certificate and its key (PEM, no passphrase), for a broker that asks\n"                  \
	"    for one\n"                                                                                      \
	" --insecure\n"                                                                                      \
	"    Verify neither the certificate nor the host name (as ssl_cert_reqs=none)\n"

/* Redis's own connection options. */
#define REDIS_HELP                                                                                           \
	" -s, --socket=PATH\n"                                                                               \
	"    Redis unix socket instead of TCP\n"                                                             \
	" -n, --db=N\n"                                                                                      \
	"    Redis database number (default: 0, or the URL's)\n"                                             \
	" --capath=DIR\n"                                                                                    \
	"    Trust the CAs in the hashed directory DIR instead of the system's\n"                            \
	" --sni=NAME\n"                                                                                      \
	"    Send NAME as the server name and verify the certificate against it instead\n"                   \
	"    of the host\n"                                                                                  \
	" --sentinel-master=NAME\n"                                                                          \
	"    With a sentinel:// URL: the master's name (Celery's master_name transport\n"                    \
	"    option, also taken as --transport-option master_name=NAME). The sentinels\n"                    \
	"    are asked in order; the server they name must say it is the master (ROLE).\n"                   \
	" --sentinel-password-file=PATH\n"                                                                   \
	"    The sentinels' own password (their requirepass), from the first line of PATH\n"                 \
	" --sentinel-tls\n"                                                                                  \
	"    With --tls: the sentinels speak TLS too (by default only the master does, as\n"                 \
	"    in kombu)\n"                                                                                    \
	" --prefix=PREFIX\n"                                                                                 \
	"    kombu's global_keyprefix transport option (default: none)\n"                                    \
	" --transport-option=KEY=VALUE\n"                                                                    \
	"    One of Celery's broker_transport_options that change names on the wire\n"                       \
	"    (repeatable): sep=: (default: learned from the broker's binding sets, else\n"                   \
	"    \\x06\\x16), priority_steps=0,1,2,3,4,5,6,7,8,9 (default: 0,3,6,9),\n"                          \
	"    global_keyprefix=P (as --prefix), fanout_prefix=false, fanout_patterns=false\n"                 \
	"    (default: true)\n"

/* RabbitMQ's own connection options. */
#define RABBIT_HELP                                                                                          \
	" --broker=redis|amqp\n"                                                                             \
	"    Which broker -H and -p name (default: redis); a URL says it itself\n"                           \
	" --vhost=VHOST\n"                                                                                   \
	"    RabbitMQ's virtual host (default: /, or the URL's)\n"                                           \
	" --management-url=URL\n"                                                                            \
	"    RabbitMQ's management API, http[s]://HOST[:PORT][/PATH] (default port 15672,\n"                 \
	"    https 15671), read with the broker's user (it needs the tag monitoring):\n"                     \
	"    every worker listening is known, so the check ends once they have answered;\n"                  \
	"    every task queue of the vhost (bound to an exchange of its name, as Celery\n"                   \
	"    declares them) is judged without -Q; unacknowledged messages join the\n"                        \
	"    perfdata. Unreadable, it is a WARNING and the check goes on without it.\n"

/* How long to wait for the workers. */
#define INSPECT_HELP                                                                                         \
	" -T, --inspect-timeout=SECONDS\n"                                                                   \
	"    How long to wait for the workers' replies (default: 1). The wait ends as\n"                     \
	"    soon as every worker that received the broadcast has answered. RabbitMQ\n"                      \
	"    cannot count who received it: there the wait ends once every worker seen\n"                     \
	"    before (the state file) or named (--worker) that still listens has answered,\n"                 \
	"    and after as long again (at least 0.25 s) for new ones; with none known,\n"                     \
	"    after -T. A -T that -t leaves no room for is shortened.\n"

/* -m and --listen, as check_celery_worker_versions and check_celery_queue_health take them. */
#define MODE_HELP                                                                                            \
	" -m, --mode=broadcast|heartbeat|both\n"                                                             \
	"    broadcast (default): ask every worker, and end once all that received the\n"                    \
	"    question answered. heartbeat: only listen to the workers' heartbeats\n"                         \
	"    (--listen) and judge each by its name; writes nothing to the broker (a\n"                       \
	"    read-only ACL user will do). both: broadcast and listen too; a worker that\n"                   \
	"    beats but cannot be asked (remote control off, another namespace) is hidden:\n"                 \
	"    a WARNING, with its version from its name.\n"                                                   \
	" --listen=SECONDS\n"                                                                                \
	"    How long to listen to heartbeats, which come every 2 s (default: 2.5 with -m\n"                 \
	"    both, at least 2; 4.5 with -m heartbeat, at least 4)\n"

/* -m and --listen, as check_celery_tasks takes them. */
#define MODE_TASKS_HELP                                                                                      \
	" -m, --mode=broadcast|both\n"                                                                       \
	"    broadcast (default): ask every worker. both: listen to heartbeats too; a\n"                     \
	"    worker that beats but cannot be asked is hidden (a WARNING), and each\n"                        \
	"    worker's heartbeat tells how far its clock is from this host's, which\n"                        \
	"    corrects its tasks' running times.\n"                                                           \
	" --listen=SECONDS\n"                                                                                \
	"    How long to listen to heartbeats with -m both, which come every 2 s\n"                          \
	"    (default: 2.5, at least 2)\n"

/* --state-file. */
#define STATE_FILE_HELP                                                                                      \
	" --state-file=PATH\n"                                                                               \
	"    Where to keep when each worker was last seen, to name silent ones with it\n"                    \
	"    (default: $MP_STATE_PATH/check_celery/, else\n"                                                 \
	"    /var/lib/monitoring-plugins/check_celery/; \"\" for none)\n"

/* -t, as the checks take it. */
#define LIMIT_HELP                                                                                           \
	" -t, --timeout=SECONDS[:STATE]\n"                                                                   \
	"    Hard limit for the whole plugin, then STATE: ok, warning, critical or\n"                        \
	"    unknown (default: 10 seconds, then UNKNOWN, unless what was found by then is\n"                 \
	"    worse)\n"

/* -v, --json and --output-format, as the checks take them. */
#define OUTPUT_HELP                                                                                          \
	" -v, --verbose\n"                                                                                   \
	"    One line per worker (and per queue or task) after the status line\n"                            \
	" --json\n"                                                                                          \
	"    Print a JSON document instead of plugin output; the exit code is the same\n"                    \
	" --output-format=FORMAT\n"                                                                          \
	"    monitoring-plugins 3 output: multi-line (a subcheck line per finding,\n"                        \
	"    perfdata last) or mp-test-json (a JSON document; exit code 0)\n"

/* -h and -V. */
#define INFO_HELP                                                                                            \
	" -h, --help\n"                                                                                      \
	"    Print this help\n"                                                                              \
	" -V, --version\n"                                                                                   \
	"    Print the version\n"

/* The connection options, in their sections. */
#define BROKER_SECTIONS                                                                                      \
	"Connection (Redis and RabbitMQ):\n" CONNECTION_HELP "Connection (Redis only):\n" REDIS_HELP         \
	"Connection (RabbitMQ only):\n" RABBIT_HELP

#endif
