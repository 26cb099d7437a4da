#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test_presence.sh: naming the silent workers and seeing the hidden ones, with real Celery workers: one
# that answers, one with remote control off (it beats, but no broadcast reaches it) and a -P solo one that
# a 10-second task keeps from answering. -m both and -m heartbeat find the hidden one; heartbeat mode
# writes nothing (an ACL user without write permissions, MONITOR, the keyspace digest); the busy worker is
# named as unresponsive with when it was last seen, and --unresponsive-warning 1 keeps the check OK; the
# JSON gives every worker's state. Usage: test_presence.sh PLUGIN_DIR
. "$(dirname "$0")/../lib/plugin_test.sh" check_celery_worker_versions "${1:-}"
QUEUE_PLUGIN="$(dirname "$PLUGIN")/check_celery_queue_health"
. "$CLUSTER_SRC/tests/lib/background.sh"

t_both_modes_find_the_hidden_worker() {
	check -e 0.12.0 -m both --listen 2.5
	expect_exit 1
	expect_line1 "CELERY WORKERS WARNING - 2 of 3 workers compatible with 0.12.0; incompatible: celery-v0.11.0@hidden (version 0.11.0); 1 hidden (heartbeats, but remote control cannot reach them): celery-v0.11.0@hidden (version 0.11.0)"
	expect_perf hidden 1
	expect_perf unresponsive 0
	# the broadcast alone cannot see it: -Q on its queue would say OK
	check -e 0.12.0 -Q hiddenq
	expect_exit 2
	expect_perf workers 0
	check -e 0.12.0 -Q hiddenq -m both --listen 2.5
	expect_exit 2 # its only consumer runs 0.11.0
	expect_contains "1 hidden (heartbeats, but remote control cannot reach them): celery-v0.11.0@hidden (version 0.11.0)"
	# one service per worker: the hidden worker and the others beat too, but only the one asked is judged
	check -e 0.12.0 -m both --listen 2.5 --worker celery-v0.12.0@hostA
	expect_exit 0
	expect_perf hidden 0
	expect_perf workers 1
	expect_not_contains "hidden)"
	expect_not_contains "@busy"
}

t_heartbeat_mode_hears_and_writes_nothing() {
	local before after monitor
	before=$(redis-cli -p "$REDIS_PORT" debug digest)
	redis-cli -p "$REDIS_PORT" monitor >"$ASSERT_TMP/monitor" &
	monitor=$!
	sleep 0.2
	plugin -p "$REDIS_PORT" --username watcher --password-file "$ASSERT_TMP/watcher-pw" -e 0.12.0 -m heartbeat -v
	kill "$monitor"
	wait "$monitor" 2>/dev/null
	after=$(redis-cli -p "$REDIS_PORT" debug digest)
	expect_exit 1
	expect_line1 "CELERY WORKERS WARNING - 2 of 3 workers compatible with 0.12.0; incompatible: celery-v0.11.0@hidden (version 0.11.0); 1 hidden (heartbeats, but remote control cannot reach them): celery-v0.11.0@hidden (version 0.11.0)"
	expect_contains "celery-v0.12.0@busy: version 0.12.0, compatible; ok, last seen "
	expect_contains ", Celery 5."
	expect_contains "listened 4.5 s: "
	[ "$before" = "$after" ] || fail "the keyspace changed: $before -> $after"
	# the plugin's connections are the ones that ask for INFO server or subscribe to celeryev: none of
	# them sent anything but reads
	local ours
	ours=$(grep -E '"INFO" "server"|"PSUBSCRIBE" "/0\.celeryev' "$ASSERT_TMP/monitor" | sed -E 's/^[0-9.]+ \[[0-9]+ ([^]]+)\].*/\1/' | sort -u)
	[ -n "$ours" ] || fail "MONITOR saw no connection of the plugin"
	for addr in $ours; do
		grep -F "[0 $addr]" "$ASSERT_TMP/monitor" | grep -vE '"(AUTH|INFO|SELECT|SMEMBERS|PSUBSCRIBE|PING)"' &&
			fail "the plugin sent more than reads from $addr"
	done
	run ${PLUGIN_WRAPPER:-} "$QUEUE_PLUGIN" -p "$REDIS_PORT" -e 0.12.0 -m heartbeat -Q celery,busy
	expect_no_stderr
	expect_exit 1 # the hidden worker
	expect_line1 "CELERY QUEUES WARNING - -m heartbeat hears no consumer lists: backlogs only; 2 queues within their backlog ranges: celery, busy; 1 hidden (heartbeats, but remote control cannot reach them): celery-v0.11.0@hidden (version 0.11.0)"
}

# A -P solo worker busy with a task answers nothing and sends no heartbeat until it ends, as a hung one.
t_a_busy_worker_is_named_with_when_it_was_last_seen() {
	check -e 0.12.0 # every worker answers: the state file notes when
	expect_exit 0
	env BROKER_URL="redis://127.0.0.1:$REDIS_PORT/0" PYTHONPATH="$CLUSTER_SRC/tests/celery_app" \
		"$CLUSTER_PYTHON" -W ignore -c 'import sys; from celery_test_app import sleep; sleep.apply_async(args=(float(sys.argv[1]),), queue="busy")' \
		"$(awk "BEGIN { print 12 * ${TIME_FACTOR:-1} }")" # 12 s, longer under valgrind's slower checks
	for _ in $(seq 100); do
		[ "$(redis-cli -p "$REDIS_PORT" llen busy)" = 0 ] && break
		sleep 0.05
	done
	sleep 0.5
	check -e 0.12.0 -T 1
	expect_exit 1
	expect_contains "CELERY WORKERS WARNING - 1 of 1 workers compatible with 0.12.0; 1 unresponsive (received the broadcast, no answer within 1 s); silent: celery-v0.12.0@busy (last seen "
	expect_perf_item "unresponsive=1;0;;0"
	check -e 0.12.0 -T 1 --unresponsive-warning 1
	expect_exit 0
	expect_perf_item "unresponsive=1;1;;0"
	check -e 0.12.0 -T 1 --unresponsive-critical 0
	expect_exit 2
	check -e 0.12.0 -T 1 --json -m both --listen 3 # a beat of every worker (each 2 s), though late
	printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
w = d["workers"]
assert w["celery-v0.12.0@busy"]["state"] == "unresponsive", w
assert w["celery-v0.12.0@busy"]["last_seen_age"] >= 1, w
assert w["celery-v0.12.0@busy"]["queues"] is None, w
assert w["celery-v0.12.0@hostA"]["state"] == "ok" and w["celery-v0.12.0@hostA"]["sw_ver"].startswith("5."), w
assert w["celery-v0.12.0@hostA"]["processed"] == 0 and w["celery-v0.12.0@hostA"]["active"] == 0, w
assert w["celery-v0.11.0@hidden"]["state"] == "hidden", w' || fail "JSON: $OUT"
	printf '%s' "$OUT" | "$CLUSTER_PYTHON" "$CLUSTER_SRC/tests/lib/validate_json.py" "$CLUSTER_SRC/docs/check_celery.schema.json" ||
		fail "the document does not follow the schema"
	check -e 0.12.0 -T 1 --state-file '' # no state: named from its binding alone
	expect_contains "silent: celery-v0.12.0@busy (never seen by this check)"
}

# Listening cut by a signal keeps what the broadcast found; a worker that stops cleanly says goodbye.
t_a_signal_while_listening_and_a_goodbye() {
	plugin_bg -p "$REDIS_PORT" -e 0.12.0 -Q celery -m both --listen 8
	sleep "$(awk "BEGIN { print 1.5 * ${TIME_FACTOR:-1} }")"
	kill -TERM "$BG_PID"
	plugin_wait
	# UNKNOWN for the signal, or WARNING when the hidden worker (or the busy one) was found before it
	[ "$RC" = 3 ] || [ "$RC" = 1 ] || fail "exit code $RC"
	expect_contains " - stopped by Terminated: while listening to heartbeats: interrupted by a signal; 1 of 1 workers on celery compatible with 0.12.0"
	expect_faster_than 5
	plugin_bg -p "$REDIS_PORT" -e 0.12.0 -m heartbeat --json
	sleep "$(awk "BEGIN { print 1 * ${TIME_FACTOR:-1} }")"
	cluster_stop_worker celery-v0.12.0@hostA
	plugin_wait
	printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["workers"]["celery-v0.12.0@hostA"]["state"] == "offline", d["workers"]' || fail "no goodbye: $OUT"
	printf '%s' "$OUT" | "$CLUSTER_PYTHON" "$CLUSTER_SRC/tests/lib/validate_json.py" "$CLUSTER_SRC/docs/check_celery.schema.json" ||
		fail "the document does not follow the schema"
}

t_mode_mistakes() {
	check -e 0.12.0 -m sometimes
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - -m/--mode: 'sometimes' is not broadcast, heartbeat or both"
	check -e 0.12.0 -m heartbeat --listen 2
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - --listen: at least 4 s with -m heartbeat (heartbeats come every 2 s)"
	check -e 0.12.0 --listen 3
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - --listen needs -m heartbeat or -m both"
	check -e 0.12.0 -m heartbeat -Q celery
	expect_exit 3
	check -e 0.12.0 -m both --listen 9 -t 9
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - --listen 9 s does not fit in -t 9 s (with 0.5 s to spare)"
}

assert_init
cluster_init
cluster_start_redis REDIS --enable-debug-command yes || exit 2
redis-cli -p "$REDIS_PORT" acl setuser watcher on '>watch-pw' '+@read' '+@connection' '+psubscribe' '+info' '-@write' '~*' '&*' >/dev/null
printf 'watch-pw\n' >"$ASSERT_TMP/watcher-pw"
cluster_start_worker celery-v0.12.0@hostA celery
cluster_start_worker celery-v0.11.0@hidden hiddenq REMOTE_CONTROL=off
cluster_start_worker celery-v0.12.0@busy busy
cluster_wait_subscribed 2 || exit 2
cluster_wait_ready celery-v0.11.0@hidden || exit 2 # not subscribed: remote control is off
sleep 2.5

test_case "-m both finds a worker with remote control off: hidden, WARNING" t_both_modes_find_the_hidden_worker
test_case "-m heartbeat hears every beating worker and writes nothing" t_heartbeat_mode_hears_and_writes_nothing
test_case "a busy -P solo worker is named, with when it was last seen" t_a_busy_worker_is_named_with_when_it_was_last_seen
test_case "mode and listen mistakes are UNKNOWN" t_mode_mistakes
test_case "a signal while listening keeps the broadcast's findings; a clean stop is offline" t_a_signal_while_listening_and_a_goodbye

cluster_stop
assert_summary
