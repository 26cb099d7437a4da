#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test_quarantine.sh: celery_quarantine_workers against real Celery workers: a dry run changes nothing;
# --execute cancels a queue on the stale worker only, and the tasks sent there afterwards all run on the
# current one; a queue only stale workers consume is left alone (and emptied with --allow-empty-queue);
# --action shutdown stops the stale worker's process alone; the event handler's state gate; --max-workers;
# a policy that cannot be resolved; a broker that is gone or silent; the audit on syslog and in --json.
# Every run leaves nothing of ours in the broker.
# Usage: test_quarantine.sh PLUGIN_DIR
. "$(dirname "$0")/../lib/plugin_test.sh" celery_quarantine_workers "${1:-}"
CHECK="$(dirname "$PLUGIN")/check_celery_worker_versions"
QUEUES="$(dirname "$PLUGIN")/check_celery_queue_health"

# workers NODE:QUEUES...: starts these workers and waits until they and those already up can answer.
workers() {
	local spec
	for spec in "$@"; do
		cluster_start_worker "${spec%%:*}" "${spec#*:}"
	done
	cluster_wait_subscribed "$(running)"
}

# running: how many workers of this test script run now.
running() {
	local n=0 node
	for node in "${CLUSTER_WORKERS[@]}"; do
		[ -f "$CLUSTER_DIR/$node.pid" ] && n=$((n + 1))
	done
	echo "$n"
}

stop_all() {
	local node
	for node in "${CLUSTER_WORKERS[@]}"; do
		[ -f "$CLUSTER_DIR/$node.pid" ] && cluster_stop_worker "$node"
	done
	CLUSTER_WORKERS=()
}

# versions ARGS...: check_celery_worker_versions against the main broker (its own assertions not wanted).
versions() {
	run ${PLUGIN_WRAPPER:-} "$CHECK" -H "$CLUSTER_HOST" -p "$REDIS_PORT" "$@"
	expect_no_stderr
}

# tasks_run_by NODE: how many tasks the worker has run, as Celery's own inspect stats says.
tasks_run_by() {
	env BROKER_URL="redis://$CLUSTER_HOST:$REDIS_PORT/0" PYTHONPATH="$CLUSTER_SRC/tests/celery_app" \
		"$CLUSTER_PYTHON" -W ignore -c '
import sys
from celery_test_app import app
stats = app.control.inspect(destination=[sys.argv[1]], timeout=2).stats() or {}
print(sum(stats.get(sys.argv[1], {}).get("total", {}).values()) if sys.argv[1] in stats else "no answer")
' "$1"
}

# wait_empty QUEUE: waits (up to 20 s) until the queue's list is empty: its tasks were taken.
wait_empty() {
	for _ in $(seq 200); do
		[ "$(cluster_redis llen "$1")" = 0 ] && return 0
		sleep 0.1
	done
	fail "queue $1 still holds $(cluster_redis llen "$1") tasks"
}

t_dry_run_then_execute() {
	workers celery-v0.11.2@stale1:gpu celery-v0.12.0@current1:gpu
	check -e 0.12.0
	expect_exit 0
	expect_line1 "CELERY QUARANTINE OK - dry run: 1 action on 1 worker would be taken (--execute acts)"
	expect_contains "dry run: would send cancel_consumer gpu on celery-v0.11.2@stale1 (version 0.11.2), policy 0.12.0"
	versions -e 0.12.0 -Q gpu # the dry run changed nothing: the stale worker still consumes gpu
	expect_exit 1
	expect_perf incompatible 1
	check -e 0.12.0 --execute
	expect_exit 0
	expect_line1 "CELERY QUARANTINE OK - 1 of 1 action on 1 worker took effect"
	expect_contains "executed: cancel_consumer gpu on celery-v0.11.2@stale1 (version 0.11.2), policy 0.12.0: took effect - the worker said: no longer consuming from gpu"
	expect_not_contains "current1 ("
	versions -e 0.12.0 -Q gpu -v
	expect_exit 0
	expect_line1 "CELERY WORKERS OK - 1 of 1 workers on gpu compatible with 0.12.0"
	expect_contains "celery-v0.12.0@current1: version 0.12.0, compatible; queues: gpu"
	expect_contains "celery-v0.11.2@stale1: version 0.11.2, incompatible; queues: none"
	cluster_send_tasks gpu 0 0 0 0 0 0 0 0
	wait_empty gpu
	[ "$(tasks_run_by celery-v0.12.0@current1)" = 8 ] || fail "the current worker ran $(tasks_run_by celery-v0.12.0@current1) of 8 tasks"
	[ "$(tasks_run_by celery-v0.11.2@stale1)" = 0 ] || fail "the stale worker ran $(tasks_run_by celery-v0.11.2@stale1) tasks"
	check -e 0.12.0 --execute # again: the stale worker consumes nothing now
	expect_exit 0
	expect_line1 "CELERY QUARANTINE OK - nothing to do: 1 incompatible worker answered, none consuming a queue to stop (already quarantined, or outside -Q and --worker)"
	check -e 0.12.0 --execute --worker nosuch@x
	expect_exit 1
	expect_contains "not reached: --worker nosuch@x did not answer this run"
	stop_all
}

t_last_consumer() {
	workers celery-v0.11.2@stale2:gpu,legacy celery-v0.12.0@current2:gpu
	check -e 0.12.0 --execute
	expect_exit 1
	expect_line1 "CELERY QUARANTINE WARNING - 1 of 1 action on 1 worker took effect; 1 refused"
	expect_contains "refused: cancel_consumer legacy on celery-v0.11.2@stale2 (version 0.11.2), policy 0.12.0: no compatible worker consumes the queue: it would be left without a consumer (--allow-empty-queue allows it)"
	run ${PLUGIN_WRAPPER:-} "$QUEUES" -H "$CLUSTER_HOST" -p "$REDIS_PORT" -e 0.12.0 -Q legacy
	expect_perf_item "legacy_incompatible=1;0;;0"
	check -e 0.12.0 --execute --allow-empty-queue -Q legacy
	expect_exit 0
	expect_contains "executed: cancel_consumer legacy on celery-v0.11.2@stale2 (version 0.11.2), policy 0.12.0: took effect"
	run ${PLUGIN_WRAPPER:-} "$QUEUES" -H "$CLUSTER_HOST" -p "$REDIS_PORT" -e 0.12.0 -Q legacy
	expect_perf_item "legacy_incompatible=0;0;;0"
	stop_all
}

t_shutdown() {
	local stale current
	workers celery-v0.11.2@stale3:gpu celery-v0.12.0@current3:gpu
	stale=$(cluster_worker_pid celery-v0.11.2@stale3)
	current=$(cluster_worker_pid celery-v0.12.0@current3)
	check -e 0.12.0 --execute --action shutdown
	expect_exit 0
	expect_contains "executed: shutdown of celery-v0.11.2@stale3 (version 0.11.2), policy 0.12.0: took effect - the worker no longer answers"
	for _ in $(seq 100); do
		kill -0 "$stale" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$stale" 2>/dev/null && fail "the stale worker's process $stale still runs"
	kill -0 "$current" 2>/dev/null || fail "the current worker's process $current stopped"
	stop_all
}

# Two workers under one node name: a command to the name reaches both, so neither is touched.
t_shared_node_name() {
	local twin
	workers celery-v0.11.2@twin:gpu celery-v0.12.0@current6:gpu
	env BROKER_URL="redis://$CLUSTER_HOST:$REDIS_PORT/0" PYTHONPATH="$CLUSTER_SRC/tests/celery_app" \
		"$CLUSTER_PYTHON" -W ignore -m celery -A celery_test_app worker -n celery-v0.11.2@twin -Q legacy -P solo \
		--without-gossip --without-mingle -l warning --logfile "$CLUSTER_DIR/twin2.log" >>"$CLUSTER_DIR/workers.out" 2>&1 &
	twin=$!
	cluster_wait_subscribed 3
	check -e 0.12.0 --execute --action shutdown
	expect_exit 1
	expect_contains "refused: shutdown of celery-v0.11.2@twin (version 0.11.2), policy 0.12.0: several workers answer to this node name, and a command to it would reach them all"
	kill -0 "$twin" 2>/dev/null || fail "the second worker named celery-v0.11.2@twin was stopped"
	kill -TERM "$twin"
	wait "$twin" 2>/dev/null
	stop_all
}

t_state_gate_and_max_workers() {
	workers celery-v0.11.2@a:gpu celery-v0.11.2@b:gpu celery-v0.11.2@c:gpu celery-v0.12.0@current4:gpu
	check -e 0.12.0 --execute --state OK --state-type SOFT --attempt 1
	expect_exit 0
	expect_line1 "CELERY QUARANTINE OK - nothing done: the service is SOFT OK (attempt 1); acting on HARD WARNING, CRITICAL"
	check -e 0.12.0 --execute --state CRITICAL --state-type SOFT --attempt 2
	expect_exit 0
	expect_contains "nothing done: the service is SOFT CRITICAL (attempt 2)"
	check -e 0.12.0 --execute --state WARNING --state-type HARD --act-on critical
	expect_exit 0
	expect_contains "nothing done: the service is HARD WARNING"
	versions -e 0.12.0 -Q gpu
	expect_perf incompatible 3
	check -e 0.12.0 --execute --state CRITICAL --state-type HARD --attempt 3 --max-workers 1
	expect_exit 1
	expect_line1 "CELERY QUARANTINE WARNING - 1 of 1 action on 1 worker took effect; 2 refused (2 workers left for a later run by --max-workers)"
	expect_contains "acting on the service's HARD CRITICAL state"
	expect_contains "executed: cancel_consumer gpu on celery-v0.11.2@a (version 0.11.2), policy 0.12.0: took effect"
	expect_contains "refused: cancel_consumer gpu on celery-v0.11.2@b (version 0.11.2), policy 0.12.0: --max-workers reached for this run"
	expect_contains "refused: cancel_consumer gpu on celery-v0.11.2@c (version 0.11.2), policy 0.12.0: --max-workers reached for this run"
	versions -e 0.12.0 -Q gpu
	expect_perf incompatible 2
	stop_all
}

# A stale worker that receives the question and cannot answer (stopped): not reached, nothing done to it.
t_unreached_worker() {
	local pid
	workers celery-v0.11.2@frozen:gpu celery-v0.12.0@current7:gpu
	pid=$(cluster_worker_pid celery-v0.11.2@frozen)
	kill -STOP "$pid"
	check -e 0.12.0 --execute -T 0.5
	kill -CONT "$pid"
	expect_exit 1
	expect_line1 "CELERY QUARANTINE WARNING - nothing to do: every worker that answered is compatible with 0.12.0; 1 not reached"
	expect_contains "not reached: 1 worker received the question and did not answer: stale or not, nothing is done to them this run"
	versions -e 0.12.0 -Q gpu -v
	expect_contains "celery-v0.11.2@frozen: version 0.11.2, incompatible; queues: gpu"
	stop_all
}

t_unresolved_policy() {
	workers celery@untagged1:gpu
	check -e newest
	expect_exit 3
	expect_line1 "CELERY QUARANTINE UNKNOWN - -e newest: no tagged worker answered, so no version is expected"
	expect_contains "refused to act: -e newest: no tagged worker answered"
	versions -e 0.12.0 --allow-untagged -Q gpu -v
	expect_contains "celery@untagged1: untagged, compatible; queues: gpu"
	stop_all
}

# One laptop tagged by mistake with a higher version must never turn the handler against the fleet: with
# --execute, -e newest is refused before anything is asked, and both correct workers keep consuming gpu.
t_rogue_tag() {
	workers celery-v0.12.0@a:gpu celery-v0.12.0@b:gpu celery-v99.0.0@laptop:gpu
	check -e newest --execute
	expect_exit 3
	expect_line1 "CELERY QUARANTINE UNKNOWN - --execute refuses -e newest: one worker tagged by mistake with a higher version would make the whole fleet stale; name the version (-e, --accept or --expected-version-file)"
	versions -e 0.12.0 -Q gpu
	expect_exit 1
	expect_perf compatible 2
	expect_perf incompatible 1
	check -e 0.12.0 --execute -Q gpu
	expect_exit 0
	expect_contains "executed: cancel_consumer gpu on celery-v99.0.0@laptop (version 99.0.0), policy 0.12.0: took effect"
	versions -e 0.12.0 -Q gpu
	expect_exit 0
	expect_perf compatible 2
	stop_all
}

t_faults() {
	local port pid
	port=$(cluster_free_port)
	plugin -H "$CLUSTER_HOST" -p "$port" -e 0.12.0 --execute
	expect_exit 2
	expect_line1 "CELERY QUARANTINE CRITICAL - could not judge the workers: cannot connect to $CLUSTER_HOST:$port/0: Connection refused"
	expect_contains "refused to act: could not judge the workers"
	pid=$(cat "$CLUSTER_DIR/REDIS/redis.pid")
	kill -STOP "$pid"
	plugin -H "$CLUSTER_HOST" -p "$REDIS_PORT" -e 0.12.0 --execute -t 2
	kill -CONT "$pid"
	expect_exit 2 # could not act, as --help says
	expect_contains "refused to act: could not judge the workers: "
	expect_keyspace_clean "$REDIS_PORT"
	check -e 0.12.0 --max-workers 0
	expect_exit 3
	expect_line1 "CELERY QUARANTINE UNKNOWN - --max-workers: '0' is not a whole number from 1 to 1000"
	check -e 0.12.0 --state CRITICAL
	expect_exit 3
	expect_contains "--state and --state-type go together"
	check -e 0.12.0 --execute -t 1.5
	expect_exit 3
	expect_line1 "CELERY QUARANTINE UNKNOWN - --execute needs -t of at least 2 s: to judge, act, confirm and clean up"
	check -e 0.12.0 -w 1
	expect_exit 3
	expect_contains "-w is an option of the checks, not of celery_quarantine_workers"
	versions -e 0.12.0 --execute
	expect_exit 3
	expect_contains "--execute is an option of celery_quarantine_workers only"
}

# The audit on syslog: /dev/log is where glibc's syslog writes; without a system logger the test listens
# there itself. /dev/log is the machine's: a run of this script in another build waits for it (flock).
t_syslog_and_json() {
	local log="$ASSERT_TMP/syslog" listener lock
	exec {lock}>/tmp/celery-tests-dev-log.lock
	flock "$lock"
	workers celery-v0.11.2@stale5:gpu,legacy celery-v0.12.0@current5:gpu
	if [ -e /dev/log ]; then
		echo "    SKIP: /dev/log exists (a system logger runs): its lines are not captured here"
	else
		"$CLUSTER_PYTHON" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
out = open(sys.argv[1], "w")
while True:
    out.write(s.recv(4096).decode(errors="replace") + "\n")
    out.flush()
' "$log" &
		listener=$!
		for _ in $(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done
	fi
	check -e 0.12.0 --json
	expect_exit 1
	printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["program"] == "celery_quarantine_workers" and d["exit_code"] == 1 and d["execute"] is False, d
assert d["policy"] == "0.12.0", d["policy"]
steps = {(e["worker"], e["queue"]): e for e in d["audit"]}
gpu, legacy = steps[("celery-v0.11.2@stale5", "gpu")], steps[("celery-v0.11.2@stale5", "legacy")]
assert gpu["outcome"] == "dry run" and gpu["result"] == "planned" and gpu["action"] == "cancel_consumer", gpu
assert legacy["outcome"] == "refused" and legacy["refused_because"].startswith("no compatible worker"), legacy
assert all(e["line"] for e in d["audit"]) and len(d["audit"]) == 2' || fail "JSON: $OUT"
	check -e 0.12.0 --execute -Q gpu
	expect_exit 0
	if [ -n "${listener:-}" ]; then
		sleep 0.3
		kill "$listener"
		wait "$listener" 2>/dev/null
		rm -f /dev/log
		# facility daemon (3), notice (5) and warning (4): <29> and <28>
		grep -q '^<29>.*celery_quarantine_workers\[[0-9]*\]: dry run: would send cancel_consumer gpu on celery-v0.11.2@stale5 (version 0.11.2), policy 0.12.0$' "$log" ||
			fail "syslog lacks the dry run's line: $(cat "$log")"
		grep -q '^<28>.*celery_quarantine_workers\[[0-9]*\]: refused: cancel_consumer legacy on celery-v0.11.2@stale5' "$log" ||
			fail "syslog lacks the refusal: $(cat "$log")"
		# with --execute, each step is on syslog before it is sent, then its result
		grep -n 'celery_quarantine_workers\[[0-9]*\]: \(sending\|executed\): cancel_consumer gpu on celery-v0.11.2@stale5' "$log" |
			cut -d: -f1 | tr '\n' ' ' >"$log.order"
		[ "$(wc -w <"$log.order")" = 2 ] && grep -q 'sending: cancel_consumer gpu' <(sed -n "$(cut -d' ' -f1 <"$log.order")p" "$log") ||
			fail "syslog lacks the line before the step, then its result: $(cat "$log")"
	fi
	stop_all
	exec {lock}>&-
}

assert_init
cluster_init
cluster_start_redis || exit 2

test_case "a dry run changes nothing; --execute cancels gpu on the stale worker only, and 8 tasks run on the current one" t_dry_run_then_execute
test_case "a queue only stale workers consume is left alone and reported, unless --allow-empty-queue" t_last_consumer
test_case "--action shutdown stops the stale worker's process, the current one keeps running" t_shutdown
test_case "two workers under one node name: neither is touched" t_shared_node_name
test_case "as an event handler: nothing on OK or SOFT states; --max-workers 1 of three stale workers" t_state_gate_and_max_workers
test_case "a stale worker that cannot answer is reported not reached, and left as it is" t_unreached_worker
test_case "-e newest with no tagged worker: refuses to act (UNKNOWN)" t_unresolved_policy
test_case "a worker tagged by mistake with a higher version: -e newest --execute refused, the fleet untouched" t_rogue_tag
test_case "a broker gone or silent, and bad options: a defined state, nothing done" t_faults
test_case "every action and refusal on syslog (LOG_DAEMON) and in --json" t_syslog_and_json

cluster_stop
assert_summary
