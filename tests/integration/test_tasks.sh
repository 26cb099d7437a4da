#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test_tasks.sh: check_celery_tasks against real prefork Celery workers on a real redis-server and, where
# it is installed, a real rabbitmq-server: what a stale worker holds, counted as `celery inspect` counts it;
# running times judged, per task name too; a worker whose clock is an hour ahead (faketime); secrets in a
# task's arguments never shown; faults; nothing of ours left. Usage: test_tasks.sh PLUGIN_DIR
. "$(dirname "$0")/../lib/plugin_test.sh" check_celery_tasks "${1:-}"
. "$lib/rabbit.sh"
. "$lib/background.sh"
. "$lib/tasks.sh"
FAKE="$lib"

STALE=celery@46b9a1cf718a
CURRENT=celery-v0.12.0@hostA

t_stale_worker_holds_what_celery_inspect_says() {
	local want
	want=$(inspect_counts "redis://$CLUSTER_HOST:$REDIS_PORT/0" "$STALE")
	check -e 0.12.0 --stale-tasks-critical 3
	expect_exit 2
	expect_contains "CELERY TASKS CRITICAL - 2 running, 4 reserved on 2 workers; 5 held by incompatible workers: $STALE (untagged) holds 4 reserved and 1 active celery_test_app.sleep; longest running: celery_test_app.sleep on "
	expect_perf stale_active 1
	expect_perf stale_reserved 4
	expect_perf_item "stale_tasks=5;0;3;0"
	expect_perf active 2
	expect_perf reserved 4
	expect_perf_item "unresponsive=0;0;;0"
	[ "$want" = "1 4" ] || fail "celery inspect says the stale worker runs and reserves '$want', not '1 4'"
	check -e 0.12.0 --allow-untagged
	expect_exit 0
	expect_perf stale_active 0
}

t_runtime_limits_name_the_task_and_worker() {
	check -e 0.12.0 --stale-tasks-warning 10 --runtime-warning 5
	expect_exit 1
	expect_contains "2 running too long, longest: celery_test_app.sleep on "
	expect_contains "(id "
	printf '%s' "$OUT" | head -n 1 | grep -qE "longest_runtime=[0-9.]+s;5;;0" || fail "no longest_runtime with 5"
	check -e 0.12.0 --stale-tasks-warning 10 --runtime-warning 5 --task 'other.*'
	expect_exit 0
	expect_line1 "CELERY TASKS OK - 0 running, 0 reserved on 2 workers (tasks matching --task)"
	check -e 0.12.0 --stale-tasks-warning 10 --runtime-warning 3600 --task 'celery_test_app.*' \
		--task-runtime 'celery_test_app.sl*=:2'
	expect_exit 2
	expect_perf celery_test_app.sleep_active 2
	expect_perf celery_test_app.sleep_reserved 4
	expect_contains "celery_test_app.sleep_runtime="
	printf '%s' "$OUT" | head -n 1 | grep -qE " celery_test_app.sleep_runtime=[0-9.]+s;;2;0 " ||
		fail "the task's runtime perfdata lacks its rule's limits"
	# longest_runtime carries the limits that judged that task: its rule's, not --runtime-warning's
	printf '%s' "$OUT" | head -n 1 | grep -qE " longest_runtime=[0-9.]+s;;2;0 " ||
		fail "longest_runtime lacks the rule's limits"
}

t_secrets_never_shown() {
	local format
	for format in -v --json "--output-format multi-line" "--output-format mp-test-json"; do
		# shellcheck disable=SC2086
		check -e 0.12.0 $format
		expect_contains "celery_test_app.sleep"
		expect_not_contains "SECRET"
		expect_not_contains "4711"
	done
	check -e 0.12.0 --json
	printf '%s' "$OUT" | "$CLUSTER_PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
stale = d["tasks"]["celery@46b9a1cf718a"]
assert len(stale["active"]) == 1 and len(stale["reserved"]) == 4, stale
assert stale["compatible"] is False and stale["answered"] is True
assert stale["active"][0]["runtime"] > 0 and set(stale["active"][0]) == {"id", "name", "runtime", "time_start"}
assert d["counts"]["stale_reserved"] == 4
' || fail "--json tasks"
}

t_clock_an_hour_ahead() {
	if [ -z "$FAKETIME_LIB" ]; then
		echo "    skip: libfaketime is not installed"
		return
	fi
	plugin -p "$AHEAD_PORT" -e 0.12.0 -v
	expect_exit 0
	expect_contains "1 running tasks started ahead of this host's clock (by up to 35"
	expect_contains "started 35"
	# a limit its time cannot be held to: UNKNOWN, never an OK that only looks judged
	plugin -p "$AHEAD_PORT" -e 0.12.0 --runtime-warning 1
	expect_exit 3
	expect_contains "CELERY TASKS UNKNOWN - 1 running, 0 reserved on 1 workers; 1 running tasks started ahead"
	plugin -p "$AHEAD_PORT" -e 0.12.0 --task-runtime 'other.*=1:' --output-format multi-line
	expect_exit 0
	plugin -p "$AHEAD_PORT" -e 0.12.0 --task-runtime 'celery_test_app.*=1:' --output-format multi-line
	expect_exit 3
	expect_contains "[UNKNOWN] - the running time of 1 tasks cannot be judged: their workers' clocks are ahead"
	plugin -p "$AHEAD_PORT" -e 0.12.0 --runtime-warning 1 -m both
	expect_exit 1
	expect_contains "1 running too long, longest: celery_test_app.sleep on celery-v0.12.0@ahead for "
	printf '%s' "$OUT" | head -n 1 | grep -qE "longest_runtime=[0-9]{1,2}\.[0-9]+s;1;;0" ||
		fail "the time corrected by the heartbeat's clock is not under 100 s"
	expect_keyspace_clean "$AHEAD_PORT"
}

t_faults() {
	plugin -p "$(cluster_free_port)" -e 0.12.0
	expect_exit 2
	expect_contains "CELERY TASKS CRITICAL"
	plugin -p "$REDIS_PORT" -e 0.12.0 --task-runtime 'x=5'
	expect_exit 3
	expect_line1 "CELERY TASKS UNKNOWN - --task-runtime: 'x=5' needs WARN:CRIT after '=' (either may be empty: 'GLOB=600:' warns only)"
	plugin -p "$REDIS_PORT" -e 0.12.0 -w 1
	expect_exit 3
	expect_line1 "CELERY TASKS UNKNOWN - -w is an option of check_celery_worker_versions and check_celery_queue_health, not of check_celery_tasks"
	plugin -p "$REDIS_PORT" -e 0.12.0 -m heartbeat
	expect_exit 3
	expect_contains "-m heartbeat hears no tasks"
	plugin -p "$REDIS_PORT" -e 0.12.0 --runtime-warning abc
	expect_exit 3
	expect_contains "--runtime-warning"
	check -e 0.12.0 -Q nosuchqueue
	expect_exit 2
	expect_contains "0 running, 0 reserved on 0 workers; no worker that answered consumes the -Q queue nosuchqueue: no task can be seen"
	check -e 0.12.0 -Q nosuchqueue --worker "$CURRENT" # the named worker answered, and consumes no -Q queue
	expect_exit 2
	expect_contains "no worker that answered consumes the -Q queue nosuchqueue"
	check -e 0.12.0 -Q nosuchqueue,other
	expect_exit 2
	expect_contains "no worker that answered consumes the -Q queues nosuchqueue, other: no task can be seen"
	check -e 0.12.0 --worker celery-v0.12.0@nobody
	expect_exit 2
	expect_contains "did not answer: celery-v0.12.0@nobody"
	expect_keyspace_clean "$REDIS_PORT"
}

# A worker that answers active_queues and never its tasks (a solo pool busy with one): its tasks are not
# known, a WARNING; and when -t ends the asking, it is said first, and the stale worker's tasks found so far
# are still reported and judged.
t_tasks_not_known_and_cut_by_the_time_limit() {
	start_helper peer "$FAKE/fake_peer.py" "$REDIS_PORT" tasks notasks || return
	check -e 0.12.0 --stale-tasks-critical 100
	expect_exit 1
	# the workers whose tasks are not known before the stale list, which may be long
	expect_contains "on 2 workers; tasks of 1 workers not known (no answer to reserved and active); 5 held by incompatible workers: $STALE (untagged) holds"
	expect_perf_item "unresponsive=1;0;;0"
	check -e 0.12.0 -T 2 -t 3 # the time limit is UNKNOWN, which never hides the stale worker's WARNING
	expect_exit 1
	expect_contains "CELERY TASKS WARNING - time limit of 3 s reached: 1 of 3 workers had not told their active tasks; 2 running"
	expect_contains "held by incompatible workers: $STALE (untagged) holds 4 reserved and 1 active celery_test_app.sleep"
	expect_faster_than 3.6
	check -e 0.12.0 -T 2 -t 3:critical
	expect_exit 2
	# SIGTERM while the tasks are asked for: the check ends at once, says so, and keeps the findings
	plugin_bg -H "$CLUSTER_HOST" -p "$REDIS_PORT" -e 0.12.0 -T 5
	sleep 1.5
	kill -TERM "$BG_PID"
	plugin_wait
	expect_exit 1
	expect_contains "held by incompatible workers: $STALE (untagged)"
	expect_faster_than 2.5
	expect_keyspace_clean "$REDIS_PORT"
	stop_helper peer
}

# Malformed task lists and an error for a reply: never a crash, never a count, never the arguments.
t_malformed_task_replies() {
	start_helper peer "$FAKE/fake_peer.py" "$REDIS_PORT" tasks malformed || return
	check -e 0.12.0 -v --stale-tasks-critical 100
	stop_helper peer
	expect_exit 1
	expect_contains "tasks-v0.11.0@peer (incompatible): tasks not known, active: worker error: no such command: active"
	expect_contains "  reserved app.tasks.good id r1"
	expect_contains "4 task entries without an id and a name were not counted"
	expect_not_contains "SECRET"
}

# Task names and ids of 3,000 bytes: cut in words and in perfdata labels; the running time comes before the
# stale list, so the summary's 512 bytes still hold it; names that print alike share their perfdata; the
# perfdata of names past the first 50 is said to be missing.
t_long_task_names() {
	local l64 i64 x59
	start_helper peer "$FAKE/fake_peer.py" "$REDIS_PORT" tasks long || return
	check -e 0.12.0 --worker tasks-v0.11.0@peer --task '*' --runtime-critical 600
	stop_helper peer
	l64=$(printf 'L%.0s' $(seq 62)) i64=$(printf 'I%.0s' $(seq 64)) x59=$(printf 'x%.0s' $(seq 59))
	expect_exit 2
	expect_contains "(tasks matching --task); 1 running too long, longest: a.$l64... on tasks-v0.11.0@peer for 60 min 0 s (id $i64...); "
	expect_contains "held by incompatible workers: tasks-v0.11.0@peer (version 0.11.0) holds 1 active a.$l64..."
	expect_perf stale_reserved 64
	expect_perf task:stale_reserved 1 # a task named "stale" never repeats the label stale_reserved
	expect_perf task:longest_runtime 0s
	expect_perf a.x_y_reserved 2
	expect_perf "a.$l64..._active" 1
	expect_perf z.45.$x59..._reserved 1
	[ "$(printf '%s\n' "$OUT" | head -n 1 | grep -o '[^ ]*_reserved=' | grep -vc '^stale_reserved=')" = 50 ] || fail "not 50 task names in perfdata"
	[ "$(printf '%s\n' "$OUT" | head -n 1 | grep -o ' longest_runtime=' | wc -l)" = 1 ] || fail "longest_runtime repeated"
	expect_contains "perfdata for 50 task names, not for 14 more"
	expect_not_contains "z.46."
	expect_not_contains "$i64$i64"
}

t_rabbitmq() {
	if [ -z "${RABBIT_URL:-}" ]; then
		echo "    skip: rabbitmq-server is not installed"
		return
	fi
	run ${PLUGIN_WRAPPER:-} "$PLUGIN" -u "$RABBIT_URL" -e 0.12.0 -T 2 -v
	expect_no_stderr
	expect_exit 1
	expect_contains "held by incompatible workers: celery@rabbitstale (untagged) holds 4 reserved and 1 active celery_test_app.sleep"
	expect_perf stale_active 1
	expect_perf stale_reserved 4
	[ "$(inspect_counts "$RABBIT_URL" celery@rabbitstale)" = "1 4" ] ||
		fail "celery inspect on RabbitMQ: $(inspect_counts "$RABBIT_URL" celery@rabbitstale)"
	expect_not_contains "SECRET"
	[ -z "$(rabbit_our_leftovers)" ] || fail "left on the broker: $(rabbit_our_leftovers)"
}

assert_init
cluster_init
cluster_start_redis REDIS || exit 2
tasks_worker "redis://$CLUSTER_HOST:$REDIS_PORT/0" "$CURRENT" celery 2
tasks_worker "redis://$CLUSTER_HOST:$REDIS_PORT/0" "$STALE" stale 1
# faketime's library itself, not the faketime program, which forks: stopping the program would leave the
# worker running
FAKETIME_LIB=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)
if [ -n "$FAKETIME_LIB" ]; then # its own broker: a clock past kombu's visibility timeout would
	cluster_start_redis AHEAD || exit 2 # hand every other worker's unacknowledged tasks out again
	tasks_worker "redis://$CLUSTER_HOST:$AHEAD_PORT/0" celery-v0.12.0@ahead celery 1 \
		env LD_PRELOAD="$FAKETIME_LIB" FAKETIME=+1h
fi
if rabbit_available && rabbit_start; then
	tasks_worker "$RABBIT_URL" celery@rabbitstale stale 1
fi
for node in "${CLUSTER_WORKERS[@]}"; do
	cluster_wait_ready "$node" || exit 2
done
send_sleeps "redis://$CLUSTER_HOST:$REDIS_PORT/0" stale 120 6 || exit 2
send_sleeps "redis://$CLUSTER_HOST:$REDIS_PORT/0" celery 120 1 || exit 2
wait_running "redis://$CLUSTER_HOST:$REDIS_PORT/0" "$STALE" 1 || exit 2
wait_running "redis://$CLUSTER_HOST:$REDIS_PORT/0" "$CURRENT" 1 || exit 2
if [ -n "${AHEAD_PORT:-}" ]; then
	send_sleeps "redis://$CLUSTER_HOST:$AHEAD_PORT/0" celery 120 1 || exit 2
	wait_running "redis://$CLUSTER_HOST:$AHEAD_PORT/0" celery-v0.12.0@ahead 1 || exit 2
fi
if [ -n "${RABBIT_URL:-}" ]; then
	send_sleeps "$RABBIT_URL" stale 120 6 || exit 2
	wait_running "$RABBIT_URL" celery@rabbitstale 1 || exit 2
fi
sleep 5 # every running task has run for more than 5 s

test_case "a stale worker's running and reserved tasks, as celery inspect counts them" t_stale_worker_holds_what_celery_inspect_says
test_case "--runtime-warning names the task and worker; --task and --task-runtime" t_runtime_limits_name_the_task_and_worker
test_case "a secret in a task's arguments is in no output format" t_secrets_never_shown
test_case "a worker clock an hour ahead: told, not judged; -m both corrects it" t_clock_an_hour_ahead
test_case "a broker down, bad options, a named worker missing" t_faults
test_case "a worker that never tells its tasks; -t ends the asking, the findings stay" t_tasks_not_known_and_cut_by_the_time_limit
test_case "malformed task lists and an error reply" t_malformed_task_replies
test_case "names and ids of 3,000 bytes are cut; names past 50 have no perfdata, and it is said" t_long_task_names
test_case "RabbitMQ: the stale worker's tasks, nothing left on the broker" t_rabbitmq

cluster_stop
assert_summary
