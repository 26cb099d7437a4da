/* SPDX-License-Identifier: GPL-3.0-or-later */
/* options_help: the -h descriptions of the options the programs share, as pieces each program's help
 * (plugins/option_sets.c) is put together from. */
#ifndef CELERY_OPTIONS_HELP_H
#define CELERY_OPTIONS_HELP_H

#define BROKER_HELP                                                                                          \
	" -H, --hostname=HOST\n"                                                                             \
	"    Broker host name or address (default: 127.0.0.1)\n"                                             \
	" -p, --port=PORT\n"                                                                                 \
	"    Broker TCP port (default: 6379 for Redis, 5672 for RabbitMQ)\n"                                 \
	" --broker=redis|amqp\n"                                                                             \
	"    Which broker -H and -p name (default: redis); a URL says it itself\n"                           \
	" --vhost=VHOST\n"                                                                                   \
	"    RabbitMQ's virtual host (default: /, or the URL's)\n"                                           \
	" --management-url=URL\n"                                                                            \
	"    RabbitMQ's management API, http[s]://HOST[:PORT][/PATH] (default port 15672, https 15671),\n"   \
	"    read with the broker's user (it needs the tag monitoring): every worker listening is known,\n"  \
	"    so the check ends once they have answered; every task queue of the vhost (bound to an\n"        \
	"    exchange of its name, as Celery declares them) is judged without -Q; unacknowledged messages\n" \
	"    join the perfdata. Unreadable, it is a WARNING and the check goes on without it.\n"             \
	" -s, --socket=PATH\n"                                                                               \
	"    Redis unix socket instead of TCP\n"                                                             \
	" -u, --url=URL\n"                                                                                   \
	"    Celery broker URL: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], "                                \
	"redis+socket:///PATH[?virtual_host=DB]\n"                                                           \
	"    or unix:///PATH[?db=DB]; rediss://... for TLS, with Celery's keys ssl_cert_reqs=required|\n"    \
	"    optional|none, ssl_ca_certs, ssl_certfile, ssl_keyfile (and ssl_check_hostname=false);\n"       \
	"    sentinel://[:PASSWORD@]HOST[:PORT][/DB];sentinel://HOST2[:PORT]... for Redis Sentinel\n"        \
	"    (default port 26379); amqp://[USER:PASSWORD@]HOST[:PORT]/[VHOST] or pyamqp://... for\n"         \
	"    RabbitMQ (user and password guest, and vhost /, when not given, as in Celery; // is /).\n"      \
	"    Without -H, -p, -s and -u, $CELERY_BROKER_URL is used.\n"                                       \
	" -n, --db=N\n"                                                                                      \
	"    Redis database number (default: 0, or the URL's)\n"                                             \
	" --username=NAME\n"                                                                                 \
	"    Redis ACL user name, or RabbitMQ user name\n"                                                   \
	" --password-file=PATH\n"                                                                            \
	"    Read the password from the first line of PATH. $REDISCLI_AUTH also gives Redis's.\n"            \
	"    Prefer either to a password in -u, which other users can see in the process list.\n"            \
	" --tls\n"                                                                                           \
	"    Speak TLS to the broker (as rediss:// and amqps:// do). The certificate and the host name "     \
	"are\n"                                                                                              \
	"    verified against the system's CA store unless told otherwise.\n"                                \
	" --cacert=FILE, --capath=DIR\n"                                                                     \
	"    Trust the CAs in FILE (PEM) or the hashed directory DIR (Redis only) instead of the system's\n" \
	" --cert=FILE, --key=FILE\n"                                                                         \
	"    Client certificate and its key (PEM, no passphrase), for a broker with tls-auth-clients\n"      \
	" --sni=NAME\n"                                                                                      \
	"    Send NAME as the server name and verify the certificate against it instead of the host\n"       \
	"    (Redis only)\n"                                                                                 \
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
	"    that received the broadcast has answered. RabbitMQ cannot count who received it: there the\n"   \
	"    check returns once every worker seen before (the state file) or named (--worker) that still\n"  \
	"    listens has answered, and after as long again (at least 0.25 s) for new ones; with none\n"      \
	"    known, after -T.\n"                                                                             \
	"    A -T that -t leaves no room for is shortened.\n"

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

#endif
