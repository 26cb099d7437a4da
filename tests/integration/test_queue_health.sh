#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test_queue_health.sh: check_celery_queue_health against a real redis-server, real Celery workers and
# tasks sent with Celery's own send_task. Usage: test_queue_health.sh PLUGIN_DIR
. "$(dirname "$0")/../lib/plugin_test.sh" check_celery_queue_health "${1:-}"

t_stale_worker_shares_gpu() {
	check -e 0.12.0 -Q gpu
	expect_exit 1
	expect_line1 "CELERY QUEUES WARNING - gpu: 1 compatible, 1 incompatible [celery@46b9a1cf718a (untagged)], 0 waiting"
	expect_perf_item "gpu_compatible=1;;1:;0"
	expect_perf_item "gpu_incompatible=1;0;;0"
	expect_perf_item "gpu_backlog=0;;;0"
	expect_perf_item "unresponsive=0;0;;0"
	expect_one_line
}

t_every_consumed_queue_by_default() {
	# reports holds tasks and has no consumer: the broker knows it from its binding set, so it is judged.
	check -e 0.12.0 -v
	expect_exit 2
	expect_line1 "CELERY QUEUES CRITICAL - reports: 3 waiting, no compatible consumer; celery: 1 compatible, 1 incompatible [celery-v0.11.0@hostC (version 0.11.0)], 0 waiting; gpu: 1 compatible, 1 incompatible [celery@46b9a1cf718a (untagged)], 0 waiting"
	expect_contains "celery: WARNING; 0 waiting; incompatible: celery-v0.11.0@hostC (version 0.11.0); compatible: celery-v0.12.0@hostA"
	expect_contains "gpu: WARNING; 0 waiting; incompatible: celery@46b9a1cf718a (untagged); compatible: celery-v0.12.0@hostA"
	expect_not_contains "pidbox"
	expect_not_contains "celeryev"
	check -e 0.12.0 --exclude-queue 'rep*'
	expect_exit 1
	expect_line1 "CELERY QUEUES WARNING - celery: 1 compatible, 1 incompatible [celery-v0.11.0@hostC (version 0.11.0)], 0 waiting; gpu: 1 compatible, 1 incompatible [celery@46b9a1cf718a (untagged)], 0 waiting"
	check -e 0.12.0 --allow-untagged -w 1 --exclude-queue reports --exclude-queue 'x*'
	expect_exit 0
	expect_line1 "CELERY QUEUES OK - 2 queues healthy with compatible consumers: celery, gpu"
}

t_backlog_counts_every_priority() {
	local before after
	before=$(cluster_dump_queue reports)
	check -e 0.12.0 -Q reports
	expect_exit 2
	expect_line1 "CELERY QUEUES CRITICAL - reports: 3 waiting, no compatible consumer"
	expect_perf_item "reports_backlog=3;;;0"
	expect_perf_item "reports_compatible=0;;1:;0"
	# the priority sub-lists are really in use: the base list alone holds one message
	[ "$(cluster_redis llen reports)" = 1 ] || fail "expected one message in the base list"
	after=$(cluster_dump_queue reports)
	[ "$before" = "$after" ] || fail "the plugin changed the queue's messages"
}

# 1,500 queues are 6,000 lists, read in pipelines of 4,096: the lists on both sides of the seam count for
# their own queue.
t_backlog_across_pipeline_chunks() {
	local names
	names=$(seq -s , -f 'many-%05g' 0 1499)
	cluster_redis rpush many-01023 a b >/dev/null
	cluster_redis rpush $'many-01023\x06\x169' c >/dev/null
	cluster_redis rpush $'many-01024\x06\x163' d >/dev/null
	cluster_redis rpush many-01499 e >/dev/null
	check -e 0.12.0 -Q "$names"
	cluster_redis del many-01023 $'many-01023\x06\x169' $'many-01024\x06\x163' many-01499 >/dev/null
	expect_exit 2
	expect_perf_item "many-01023_backlog=3;;;0"
	expect_perf_item "many-01024_backlog=1;;;0"
	expect_perf_item "many-01499_backlog=1;;;0"
	expect_perf_item "many-01022_backlog=0;;;0"
	expect_perf_item "many-01025_backlog=0;;;0"
	expect_perf_item "many-00000_backlog=0;;;0"
}

t_starved_queue_first_whatever_thresholds() {
	check -e 0.12.0 -Q gpu,reports -C 0: -W 0:
	expect_exit 2
	expect_line1 "CELERY QUEUES CRITICAL - reports: 3 waiting, no compatible consumer; gpu: 1 compatible, 1 incompatible [celery@46b9a1cf718a (untagged)], 0 waiting"
}

# A key that is not a list (kombu's unacked hash, a user's string) cannot hide a starved queue: the starved one
# stays CRITICAL and the odd one is UNKNOWN for itself, in the broker's words.
t_key_of_another_type() {
	cluster_redis hset odd field value >/dev/null
	check -e 0.12.0 -Q reports,odd -C 0: -v
	expect_exit 2
	expect_line1 "CELERY QUEUES CRITICAL - reports: 3 waiting, no compatible consumer; odd: no compatible consumer, cannot count its messages: the broker answered: WRONGTYPE Operation against a key holding the wrong kind of value (the broker knows no queue odd)"
	expect_contains "odd: UNKNOWN; cannot count its messages: the broker answered: WRONGTYPE"
	expect_perf_item "reports_backlog=3;;;0"
	expect_perf_item "odd_compatible=0;;0:;0"
	expect_not_contains "odd_backlog"
	check -e 0.12.0 -Q odd,gpu -m heartbeat
	expect_exit 3 # heartbeats: the backlogs alone, and the odd one cannot be counted
	expect_contains "odd: "
	check -e 0.12.0 -Q odd -C 0: --json
	expect_exit 3
	printf '%s' "$OUT" | "$CLUSTER_PYTHON" -c '
import json, sys
q = json.load(sys.stdin)["queue_health"]["odd"]
assert q["state"] == "UNKNOWN" and q["backlog"] is None and q["backlog_error"].startswith("the broker answered: WRONGTYPE"), q' ||
		fail "JSON: $OUT"
	cluster_redis del odd >/dev/null
}

# A broker that also holds 30,000 result keys: the first check with a new state file walks the whole
# keyspace once, so that every queue is judged from the start; then a slice of 7,000 keys a run (the state
# file carries the cursor on), so the SCANs cost the broker a bounded amount; a binding set declared later
# is found within the runs one walk takes (5 slices, and one more for where the walk starts), and once
# found it is read on every run.
t_bounded_discovery() {
	local state="$ASSERT_TMP/walk.state" scans
	cluster_redis debug populate 30000 celery-task-meta- 10 >/dev/null
	plugin -p "$REDIS_PORT" -e 0.12.0 --state-file "$state"
	expect_contains "reports: 3 waiting, no compatible consumer"
	cluster_redis config resetstat >/dev/null
	plugin -p "$REDIS_PORT" -e 0.12.0 --state-file "$state"
	expect_contains "reports: 3 waiting, no compatible consumer" # known: read on every run
	scans=$(cluster_redis info commandstats | sed -n 's/^cmdstat_scan:calls=\([0-9]*\),.*/\1/p')
	[ "${scans:-0}" -le 7 ] || fail "$scans SCAN calls in one run: more than a slice of 7,000 keys"
	cluster_redis sadd _kombu.binding.lateq $'lateq\x06\x16\x06\x16lateq' >/dev/null
	cluster_redis rpush lateq m >/dev/null
	runs_to_find "lateq: 1 waiting, no compatible consumer" "$state"
	for _ in 1 2; do # once found, read on every run
		plugin -p "$REDIS_PORT" -e 0.12.0 --state-file "$state"
		expect_contains "reports: 3 waiting, no compatible consumer"
		expect_contains "lateq: 1 waiting, no compatible consumer"
	done
	cluster_redis del lateq _kombu.binding.lateq >/dev/null
	cluster_redis --scan --count 10000 --pattern 'celery-task-meta-*' |
		xargs -n 5000 redis-cli -h "$CLUSTER_HOST" -p "$REDIS_PORT" del >/dev/null
}

# runs_to_find TEXT STATE: the queue plugin, run without -Q, says TEXT within 6 runs.
runs_to_find() {
	for _ in 1 2 3 4 5 6; do
		plugin -p "$REDIS_PORT" -e 0.12.0 --state-file "$2"
		case "$OUT" in *"$1"*) return 0 ;; esac
	done
	fail "not found within 6 runs: $1"
}

# A queue a worker consumed is remembered: once that worker is gone, the queue is judged on every check
# (here its binding set is gone too, so that only the memory of it is left), and its messages are seen.
t_a_queue_consumed_before() {
	local state="$ASSERT_TMP/consumed.state"
	cluster_start_worker celery-v0.12.0@invoicer invoices
	cluster_wait_subscribed 5 || { fail "the worker did not start"; return; }
	plugin -p "$REDIS_PORT" -e 0.12.0 --state-file "$state"
	expect_contains "invoices"
	cluster_stop_worker celery-v0.12.0@invoicer
	cluster_redis del _kombu.binding.invoices >/dev/null
	cluster_redis rpush invoices waiting >/dev/null
	plugin -p "$REDIS_PORT" -e 0.12.0 --state-file "$state"
	expect_exit 2
	expect_contains "invoices: 1 waiting, no compatible consumer"
	cluster_redis del invoices >/dev/null
}


t_prefix() {
	local before after
	before=$(cluster_dump_queue pfx:reports)
	check -e 0.12.0 --prefix pfx: -Q reports,gpu
	expect_exit 2
	expect_line1 "CELERY QUEUES CRITICAL - reports: 5 waiting, no compatible consumer"
	expect_perf_item "reports_backlog=5;;;0"
	expect_perf_item "gpu_compatible=1;;1:;0"
	expect_perf_item "gpu_incompatible=0;0;;0"
	after=$(cluster_dump_queue pfx:reports)
	[ "$before" = "$after" ] || fail "the plugin changed the prefixed queue's messages"
	check -e 0.12.0 --prefix pfx: -Q gpu -v
	expect_exit 0
	expect_contains "gpu: OK; 0 waiting; incompatible: none; compatible: celery-v0.12.0@prefixed"
	# Discovery honours the prefix: the prefixed binding sets name reports and gpu, nothing else.
	check -e 0.12.0 --transport-option global_keyprefix=pfx:
	expect_exit 2
	expect_line1 "CELERY QUEUES CRITICAL - reports: 5 waiting, no compatible consumer"
	expect_perf_item "gpu_compatible=1;;1:;0"
	expect_not_contains "celery_compatible"
}

t_unknown_queue() {
	check -e 0.12.0 -Q nosuchqueue
	expect_exit 2
	expect_line1 "CELERY QUEUES CRITICAL - nosuchqueue: no compatible consumer, 0 waiting (the broker knows no queue nosuchqueue)"
	expect_perf_item "nosuchqueue_compatible=0;;1:;0"
	expect_perf_item "nosuchqueue_incompatible=0;0;;0"
	expect_perf_item "nosuchqueue_backlog=0;;;0"
	[ "$(cluster_redis exists nosuchqueue)" = 0 ] || fail "the plugin created the queue"
}

t_backlog_thresholds_and_quoting() {
	check -e 0.12.0 -Q gpu --allow-untagged --backlog-critical @0
	expect_exit 2
	expect_perf_item "gpu_backlog=0;;@0;0"
	check -e 0.12.0 -Q reports --backlog-warning 5 --backlog-critical 10 -C 0:
	expect_perf_item "reports_backlog=3;5;10;0"
	check -e 0.12.0 -Q "my queue"
	expect_perf_item "'my queue_compatible'=0;;1:;0"
	expect_perf_item "'my queue_backlog'=0;;;0"
}

t_json() {
	check -e 0.12.0 -Q gpu,reports --json
	expect_exit 2
	printf '%s' "$OUT" | "$CLUSTER_PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
q = d["queue_health"]
assert d["state"] == "CRITICAL" and d["exit_code"] == 2, d
assert q["gpu"] == {"healthy": False, "state": "WARNING", "compatible_workers": 1, "incompatible_workers": 1,
    "backlog": 0, "starved": False}, q
assert q["reports"]["backlog"] == 3 and q["reports"]["starved"] is True and q["reports"]["healthy"] is False
assert d["workers"]["celery@46b9a1cf718a"]["version"] is None
' || fail "JSON document is not as expected"
}

t_bad_options() {
	plugin -p "$REDIS_PORT" -e 0.12.0 --backlog-warning abc
	expect_exit 3
	expect_one_line
	expect_contains "CELERY QUEUES UNKNOWN - --backlog-warning: "
	plugin -h
	expect_exit 3 # as monitoring-plugins' checks: help is no check result
	expect_contains "--backlog-critical=RANGE"
}

t_current_worker_stopped() {
	cluster_stop_worker celery-v0.12.0@hostA
	check -e 0.12.0 -Q gpu
	expect_exit 2
	expect_line1 "CELERY QUEUES CRITICAL - gpu: no compatible consumer, 1 incompatible [celery@46b9a1cf718a (untagged)], 0 waiting"
}

assert_init
cluster_init
cluster_start_redis REDIS --enable-debug-command yes || exit 2
cluster_start_demo_fleet || exit 2
cluster_start_worker celery-v0.12.0@prefixed gpu KEY_PREFIX=pfx:
cluster_wait_subscribed 4 || exit 2
cluster_send_tasks reports 0 5 9 || exit 2
# Five tasks under the prefix, three without: a backlog read without the prefix would show 3.
KEY_PREFIX=pfx: cluster_send_tasks reports 0 3 5 9 9 || exit 2

test_case "a current and an untagged worker on gpu: WARNING naming the untagged" t_stale_worker_shares_gpu
test_case "without -Q every consumed queue is judged" t_every_consumed_queue_by_default
test_case "backlog over all priorities, messages untouched" t_backlog_counts_every_priority
test_case "backlog of 1,500 queues, across pipeline chunks" t_backlog_across_pipeline_chunks
test_case "messages and no compatible consumer: CRITICAL first, whatever the thresholds" t_starved_queue_first_whatever_thresholds
test_case "a key that is not a list: UNKNOWN for that queue alone, the starved one still CRITICAL" t_key_of_another_type
test_case "30,000 other keys: one whole walk, then a slice a run, known queues every run, a new one found" t_bounded_discovery
test_case "a queue consumed before is judged once its consumer is gone" t_a_queue_consumed_before
test_case "--prefix with a global_keyprefix app: the same numbers" t_prefix
test_case "-Q with a queue that does not exist" t_unknown_queue
test_case "backlog thresholds and perfdata label quoting" t_backlog_thresholds_and_quoting
test_case "--json queue_health" t_json
test_case "bad options and help" t_bad_options
test_case "the current worker stopped: CRITICAL" t_current_worker_stopped

cluster_stop
assert_summary
