#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test_worker_versions.sh: check_celery_worker_versions against a real redis-server and real Celery
# workers. Usage: test_worker_versions.sh PLUGIN_DIR
# valgrind pass
. "$(dirname "$0")/../lib/plugin_test.sh" check_celery_worker_versions "${1:-}"

t_three_workers() {
	check -e 0.12.0
	expect_exit 1
	expect_line1 "CELERY WORKERS WARNING - 1 of 3 workers compatible with 0.12.0; incompatible: celery-v0.11.0@hostC (version 0.11.0), celery@46b9a1cf718a (untagged)"
	expect_perf_item "workers=3;;;0"
	expect_perf_item "compatible=1;;1:;0"
	expect_perf_item "incompatible=2;0;;0"
	expect_perf_item "untagged=1;;;0"
	expect_perf_item "unresponsive=0;0;;0"
	expect_contains " time="
	expect_one_line
}

# 200,000 members that killed `celery inspect` runs and crashed producers left in Celery's reply binding set
# (UUID-shaped, as kombu names them): the check samples that set and routes its replies through its own, so
# the three workers are counted and the answers come at once, as without them.
t_foreign_reply_bindings() {
	cluster_redis eval "for i = 1, 200000 do
		local id = string.format('%08x-4b1e-4c2a-9d3f-%012x', i, i * 7919)
		redis.call('SADD', KEYS[1], id .. ARGV[1] .. ARGV[1] .. id .. '.reply.celery.pidbox')
	end" 1 _kombu.binding.reply.celery.pidbox $'\x06\x16' >/dev/null
	plugin -p "$REDIS_PORT" -e 0.12.0 -T 5 # once, so that Redis has finished rehashing the new set
	cluster_redis config resetstat >/dev/null
	plugin -p "$REDIS_PORT" -e 0.12.0 -T 20 -t 30
	expect_exit 1
	expect_perf workers 3
	expect_perf unresponsive 0
	expect_faster_than 1 # times TIME_FACTOR (8 under valgrind) stays below -T
	# the sets read cost the broker well under a millisecond: a sample of Celery's, all of the suite's own
	local usec
	usec=$(cluster_redis info commandstats | tr -d '\r' |
		sed -n 's/^cmdstat_\(smembers\|srandmember\):calls=[0-9]*,usec=\([0-9]*\),.*/\2/p' | awk '{ s += $1 } END { print s + 0 }')
	[ "$usec" -lt 1000 ] || fail "reading the binding sets cost the broker $usec µs"
	[ "$(cluster_redis scard _kombu.binding.reply.celery.pidbox)" = 200000 ] || fail "the foreign members were touched"
	expect_keyspace_clean "$REDIS_PORT"
	cluster_redis del _kombu.binding.reply.celery.pidbox >/dev/null
}

t_verbose_lists_every_worker() {
	check -e 0.12.0 -v
	expect_exit 1
	expect_contains "celery-v0.12.0@hostA: version 0.12.0, compatible; queues: gpu, celery"
	expect_contains "celery@46b9a1cf718a: untagged, incompatible; queues: gpu"
	expect_contains "celery-v0.11.0@hostC: version 0.11.0, incompatible; queues: celery"
	expect_contains "broadcast reached 3 workers, 3 answered in"
}

t_expected_old_version() {
	check -e 0.11.0
	expect_exit 1
	expect_line1 "CELERY WORKERS WARNING - 1 of 3 workers compatible with 0.11.0; incompatible: celery-v0.12.0@hostA (version 0.12.0), celery@46b9a1cf718a (untagged)"
	expect_perf compatible 1
	expect_perf incompatible 2
}

t_queue_filter() {
	check -e 0.12.0 -Q gpu
	expect_exit 1
	expect_line1 "CELERY WORKERS WARNING - 1 of 2 workers on gpu compatible with 0.12.0; incompatible: celery@46b9a1cf718a (untagged)"
	expect_perf workers 2
	expect_perf untagged 1
	check -e 0.12.0 -Q celery -w 1
	expect_exit 0
	expect_line1 "CELERY WORKERS OK - 1 of 2 workers on celery compatible with 0.12.0; incompatible: celery-v0.11.0@hostC (version 0.11.0)"
	check -e 0.12.0 -Q nosuchqueue
	expect_exit 2
	expect_perf workers 0
	check -e 0.12.0 -Q nosuchqueue,gpu -Q gpu
	expect_perf workers 2
}

t_allow_untagged() {
	check -e 0.12.0 -Q gpu --allow-untagged
	expect_exit 0
	expect_line1 "CELERY WORKERS OK - 2 of 2 workers on gpu compatible with 0.12.0"
	expect_perf untagged 1
	expect_perf incompatible 0
}

t_thresholds() {
	check -e 0.12.0 -C 2:
	expect_exit 2
	expect_perf_item "compatible=1;;2:;0"
	check -e 0.12.0 -c 0
	expect_exit 2
	expect_perf_item "incompatible=2;0;0;0"
	check -e 0.12.0 -w 2 -W @1
	expect_exit 1
	expect_perf_item "compatible=1;@1;1:;0"
	check -e 0.12.0 -w 5
	expect_exit 0
	expect_contains "CELERY WORKERS OK - "
}

t_json() {
	check -e 0.12.0 --json
	expect_exit 1
	printf '%s' "$OUT" | "$CLUSTER_PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
w = d["workers"]
assert d["state"] == "WARNING" and d["exit_code"] == 1, d
assert d["server_version"] == "0.12.0"
assert sorted(w) == ["celery-v0.11.0@hostC", "celery-v0.12.0@hostA", "celery@46b9a1cf718a"], w
assert w["celery-v0.12.0@hostA"] == {"queues": ["gpu", "celery"], "version": "0.12.0", "compatible": True,
    "verdict": "compatible", "counted": True, "state": "ok",
    "last_seen_age": w["celery-v0.12.0@hostA"]["last_seen_age"], "active": None, "processed": None,
    "sw_ver": None}, w
assert 0 <= w["celery-v0.12.0@hostA"]["last_seen_age"] < 5
assert w["celery@46b9a1cf718a"]["version"] is None and w["celery@46b9a1cf718a"]["compatible"] is False
assert w["celery-v0.11.0@hostC"]["verdict"] == "version mismatch"
assert d["counts"] == {"workers": 3, "compatible": 1, "incompatible": 2, "untagged": 1, "unresponsive": 0,
    "unreadable": 0, "received": 3, "hidden": 0}, d["counts"]
assert d["policy"] == "0.12.0"
assert d["queue_health"]["gpu"] == {"healthy": False, "state": "WARNING", "compatible_workers": 1,
    "incompatible_workers": 1, "backlog": None, "starved": False}, d["queue_health"]
assert "workers=3" in d["perfdata"]
' || fail "JSON document is not as expected"
}

t_returns_when_all_answered() {
	# -T 20 -t 30: a plugin that waited for the timeout would take 20 s, more than the bound times TIME_FACTOR.
	check -e 0.12.0 -T 20 -t 30
	expect_exit 1
	expect_perf workers 3
	expect_faster_than 1.0
}

t_urls_and_sockets() {
	plugin -u "redis://127.0.0.1:$REDIS_PORT/0" -e 0.12.0
	expect_perf workers 3
	plugin -s "$REDIS_SOCKET" -e 0.12.0
	expect_perf workers 3
	plugin -u "redis+socket://$REDIS_SOCKET?virtual_host=0" -e 0.12.0
	expect_perf workers 3
	run env CELERY_BROKER_URL="redis://127.0.0.1:$REDIS_PORT" ${PLUGIN_WRAPPER:-} "$PLUGIN" -e 0.12.0
	expect_perf workers 3
	expect_keyspace_clean "$REDIS_PORT"
}

t_database_and_namespace_select_the_channel() {
	# Workers listen on /0.celery.pidbox: db 1 or another namespace reaches nobody.
	check -e 0.12.0 -n 1
	expect_exit 2
	expect_perf workers 0
	expect_contains "no worker is listening on /1.celery.pidbox (database 1, namespace celery, no prefix); database 0 holds "
	check -e 0.12.0 --namespace other
	expect_exit 2
	expect_perf workers 0
}

t_credentials() {
	cluster_redis ACL SETUSER monitor on '>s3cret-pw' '~*' '&*' '+@all' >/dev/null
	printf 's3cret-pw\n' >"$ASSERT_TMP/pw"
	plugin -p "$REDIS_PORT" --username monitor --password-file "$ASSERT_TMP/pw" -e 0.12.0 -v
	expect_exit 1
	expect_perf workers 3
	plugin -u "redis://monitor:s3cret-pw@127.0.0.1:$REDIS_PORT/0" -e 0.12.0 -v --json
	expect_exit 1
	expect_not_contains "s3cret"
	run env REDISCLI_AUTH=wrong-pw ${PLUGIN_WRAPPER:-} "$PLUGIN" -p "$REDIS_PORT" --username monitor -e 0.12.0
	expect_exit 3
	expect_contains "CELERY WORKERS UNKNOWN - the broker refused the user name or password (WRONGPASS"
	expect_not_contains "wrong-pw"
	plugin -u "redis://monitor:wrong-pw@127.0.0.1:$REDIS_PORT/0" -e 0.12.0 -v
	expect_exit 3
	expect_not_contains "wrong-pw"
	expect_one_line
	cluster_redis ACL DELUSER monitor >/dev/null
	expect_keyspace_clean "$REDIS_PORT"
}

t_stopped_worker_is_unresponsive() {
	local pid
	pid=$(cluster_worker_pid celery@46b9a1cf718a)
	kill -STOP "$pid"
	check -e 0.12.0 -T 0.5
	kill -CONT "$pid"
	expect_exit 1
	expect_perf workers 2
	expect_perf unresponsive 1
	expect_contains "1 unresponsive (received the broadcast, no answer within 0.5 s)"
	# The resumed worker answers late; its reply must not leave a list behind.
	sleep 1
	expect_keyspace_clean "$REDIS_PORT"
	check -e 0.12.0
	expect_perf workers 3
}

t_no_workers() {
	plugin -p "$EMPTY_PORT" -e 0.12.0
	expect_exit 2
	expect_line1 "CELERY WORKERS CRITICAL - 0 of 0 workers compatible with 0.12.0; no worker is listening on /0.celery.pidbox (database 0, namespace celery, no prefix)"
	expect_perf workers 0
	expect_keyspace_clean "$EMPTY_PORT"
	[ "$(redis-cli -p "$EMPTY_PORT" dbsize)" = 0 ] || fail "the empty broker is no longer empty"
}

t_broker_down() {
	local port
	port=$(cluster_free_port)
	plugin -p "$port" -e 0.12.0
	expect_exit 2
	expect_line1 "CELERY WORKERS CRITICAL - cannot connect to 127.0.0.1:$port/0: Connection refused"
	expect_faster_than 1.0
	plugin -s /nonexistent/redis.sock -e 0.12.0
	expect_exit 2
	expect_contains "cannot connect to unix:/nonexistent/redis.sock/0"
}

t_silent_broker_hits_time_limit() {
	local port pid
	port=$(cluster_free_port)
	"$CLUSTER_PYTHON" -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8); print("ready", flush=True)
conns = []
end = time.time() + 10
while time.time() < end:
    s.settimeout(end - time.time())
    try: conns.append(s.accept())
    except OSError: break
' "$port" >"$ASSERT_TMP/silent.out" &
	pid=$!
	for _ in $(seq 50); do grep -q ready "$ASSERT_TMP/silent.out" && break; sleep 0.05; done
	plugin -p "$port" -e 0.12.0 -t 1
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - time limit of 1 s reached: cannot read the server version: the broker did not answer in time"
	expect_faster_than 1.5
	plugin -p "$port" -e 0.12.0 -t 0.5:critical
	expect_exit 2
	expect_faster_than 1.0
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

t_bad_options() {
	local args
	while IFS= read -r args; do
		# shellcheck disable=SC2086
		plugin $args
		expect_exit 3
		expect_one_line
		expect_contains "CELERY WORKERS UNKNOWN - "
	done <<'LIST'
-e
-p 6379
-e 1 -w 20:10
-e 1 -c 10abc
-e 1 -W 1:12%
-e 1 -C ~
-e 1 -T 0
-e 1 -t 5:sometimes
-e 1 -p 99999
-e 1 -n x
-e 1 -u rediss://h?ssl_cert_reqs=maybe
-e 1 -u sentinel://h:26379
-e 1 -u redis://h -H h
-e 1 --no-such-option
-e 1 -Q a,,b
-e 1 --backlog-warning 5
-e 1 stray
LIST
	plugin -h
	expect_exit 3 # as monitoring-plugins' checks: help is no check result
	expect_contains "Usage:"
	expect_contains "--expected-version=VERSION"
	expect_contains "guidelines.html#THRESHOLDFORMAT"
	plugin -V
	expect_exit 3
	expect_contains "check_celery_worker_versions (monitoring-plugins-celery "
}

t_default_celery_worker() {
	# prefork, gossip (a second pattern subscription), mingle, and %h in the name, as deployments run it
	cluster_start_default_worker prefork-v0.12.0@%h gpu
	cluster_wait_ready prefork-v0.12.0@%h || { fail "the default worker did not start"; return; }
	check -e 0.12.0 -T 20 -t 30 -v
	cluster_stop_worker prefork-v0.12.0@_h
	expect_exit 1
	expect_perf workers 4
	expect_perf compatible 2
	expect_perf unresponsive 0
	expect_contains "prefork-v0.12.0@$(hostname): version 0.12.0, compatible; queues: gpu"
	expect_contains "broadcast reached 4 workers, 4 answered"
	expect_faster_than 1.0
}

# --worker: only the named workers are asked (the broadcast's destination), so a service per worker.
t_one_service_per_worker() {
	check -e 0.12.0 --worker celery-v0.12.0@hostA -v -T 20 -t 30
	expect_exit 0
	expect_line1 "CELERY WORKERS OK - 1 of 1 workers compatible with 0.12.0"
	expect_perf unresponsive 0
	expect_contains "broadcast reached 3 workers, 1 answered"
	expect_faster_than 1 # every named worker answered: no wait for -T
	check -e 0.12.0 --worker celery-v0.11.0@hostC,celery@46b9a1cf718a
	expect_exit 2
	expect_line1 "CELERY WORKERS CRITICAL - 0 of 2 workers compatible with 0.12.0; incompatible: celery-v0.11.0@hostC (version 0.11.0), celery@46b9a1cf718a (untagged)"
	check -e 0.12.0 --worker celery-v0.12.0@hostA --worker celery-v0.12.0@gone -T 0.5
	expect_exit 2
	expect_line1 "CELERY WORKERS CRITICAL - 1 of 1 workers compatible with 0.12.0; did not answer: celery-v0.12.0@gone"
	expect_perf unresponsive 0 # a named worker that is gone received nothing: it is named, not counted
	check -e 0.12.0 --worker celery-v0.12.0@hostA,celery-v0.12.0@hostA -T 20 -t 30
	expect_exit 0 # named twice, asked once: no wait for a second answer
	expect_faster_than 1
	check -e 0.12.0 --worker hostA
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - --worker: 'hostA' is not a node name (NAME@HOST, as in celery-v0.12.0@host)"
}

assert_init
cluster_init
cluster_start_redis REDIS || exit 2
cluster_start_redis EMPTY || exit 2
cluster_start_demo_fleet || exit 2

test_case "three workers: state, summary, perfdata" t_three_workers
test_case "-v lists every worker with verdict and queues" t_verbose_lists_every_worker
test_case "200,000 foreign members in Celery's reply binding set: the three workers, at once" t_foreign_reply_bindings
test_case "-e equal to the old version" t_expected_old_version
test_case "-Q counts only workers on those queues" t_queue_filter
test_case "--allow-untagged" t_allow_untagged
test_case "-w -c -W -C thresholds and their perfdata" t_thresholds
test_case "--json document" t_json
test_case "returns as soon as every worker answered, not after -T" t_returns_when_all_answered
test_case "URL, unix socket and CELERY_BROKER_URL" t_urls_and_sockets
test_case "-n and --namespace select the control channel" t_database_and_namespace_select_the_channel
test_case "ACL user, password file, wrong password; password never printed" t_credentials
test_case "a SIGSTOPped worker is unresponsive; its late reply leaves nothing" t_stopped_worker_is_unresponsive
test_case "a worker with Celery's defaults (prefork, gossip, mingle, %h)" t_default_celery_worker
test_case "no workers at all is CRITICAL" t_no_workers
test_case "broker not listening is CRITICAL within 1 s" t_broker_down
test_case "a broker that never answers ends at -t with its state" t_silent_broker_hits_time_limit
test_case "bad options are UNKNOWN with a one-line reason" t_bad_options
test_case "--worker asks only the named workers; one that does not answer is CRITICAL" t_one_service_per_worker

cluster_stop
assert_summary
