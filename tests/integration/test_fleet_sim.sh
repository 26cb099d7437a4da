#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test_fleet_sim.sh: the benchmark's parts are right before they measure anything. bench/fleet_sim rebuilds
# every captured Celery active_queues reply (5.2.6, 5.5.3, 5.6.3) byte for byte from its parts, and its
# tasks have the keys of the captured reserved and active replies; 300 of its
# workers on a real redis-server are 300 compatible workers to both plugins and to the floor client, whose
# conversation leaves nothing behind either. Usage: test_fleet_sim.sh PLUGIN_DIR
# plain build only
. "$(dirname "$0")/../lib/plugin_test.sh" check_celery_worker_versions "${1:-}"
BENCH="$(dirname "$PLUGIN")/../bench"

t_replies_are_the_captured_ones() {
	local vector
	for vector in "$CLUSTER_SRC"/tests/vectors/*/reply-active_queues-tagged.json; do
		run "$BENCH/fleet_sim" selftest "$vector"
		expect_exit 0
		expect_contains "the reply is rebuilt byte for byte"
	done
	for vector in "$CLUSTER_SRC"/tests/vectors/*/reply-active-*.json "$CLUSTER_SRC"/tests/vectors/*/reply-reserved-*.json; do
		run "$BENCH/fleet_sim" selftest "$vector"
		expect_exit 0
		expect_contains "the simulated tasks have the captured keys"
	done
}

# 200 workers holding 50 tasks each, every second one untagged: every task counted, the summary bounded.
t_two_hundred_workers_with_fifty_tasks_each() {
	local pid line
	"$BENCH/fleet_sim" "$REDIS_PORT" 200 "$CLUSTER_SRC/tests/vectors/celery-5.2.6/reply-active_queues-tagged.json" 50 \
		>"$ASSERT_TMP/sim.out" 2>&1 &
	pid=$!
	for _ in $(seq 100); do grep -q '^ready' "$ASSERT_TMP/sim.out" && break; sleep 0.1; done
	run "$(dirname "$PLUGIN")/check_celery_tasks" -p "$REDIS_PORT" -e 0.12.0 -T 5 --runtime-warning 5 -v
	expect_no_stderr
	expect_exit 1
	expect_perf active 200
	expect_perf reserved 9800
	expect_perf stale_active 100
	expect_perf stale_reserved 4900
	expect_contains "200 running too long, longest: app.tasks.download_clip on sim-"
	expect_contains " and 98 more workers | " # the stale workers' list, last of the findings
	expect_contains "  and 40 more"
	line=$(printf '%s\n' "$OUT" | head -n 1 | sed 's/ | .*$//')
	[ "${#line}" -lt 512 ] || fail "the summary is ${#line} bytes"
	expect_not_contains "clip-"
	expect_keyspace_clean "$REDIS_PORT"
	kill "$pid"
	wait "$pid" 2>/dev/null
}

t_three_hundred_simulated_workers() {
	local pid
	"$BENCH/fleet_sim" "$REDIS_PORT" 300 "$CLUSTER_SRC/tests/vectors/celery-5.5.3/reply-active_queues-tagged.json" \
		>"$ASSERT_TMP/sim.out" 2>&1 &
	pid=$!
	for _ in $(seq 100); do grep -q '^ready' "$ASSERT_TMP/sim.out" && break; sleep 0.1; done
	check -e 0.12.0 -T 5
	expect_exit 0
	expect_contains "CELERY WORKERS OK - 300 of 300 workers compatible with 0.12.0"
	plugin -p "$REDIS_PORT" -e 0.12.0 -T 5 -Q gpu
	expect_exit 0
	expect_perf workers 300
	run "$(dirname "$PLUGIN")/check_celery_queue_health" -p "$REDIS_PORT" -e 0.12.0 -T 5 -Q gpu
	expect_exit 0
	expect_perf_item "gpu_compatible=300;;1:;0"
	run "$BENCH/floor_client" "$REDIS_PORT" 5
	expect_exit 0
	expect_contains "answers 300 of 300"
	expect_keyspace_clean "$REDIS_PORT"
	grep -q '^replied ' "$ASSERT_TMP/sim.out" || fail "the simulator never said it replied"
	kill "$pid"
	wait "$pid" 2>/dev/null
}

assert_init
[ -x "$BENCH/fleet_sim" ] || { echo "no $BENCH/fleet_sim" >&2; exit 2; }
cluster_init
cluster_start_redis REDIS || exit 2

test_case "fleet_sim rebuilds every captured reply byte for byte" t_replies_are_the_captured_ones
if [ "$(cluster_redis INFO server | sed -n 's/^redis_version:\([0-9]*\).*/\1/p')" -ge 7 ]; then
	test_case "300 simulated workers: both plugins and the floor client count them all" t_three_hundred_simulated_workers
	test_case "200 simulated workers with 50 tasks each: all counted, a summary under 512 bytes" t_two_hundred_workers_with_fifty_tasks_each
else
	echo "SKIP: the floor client needs Redis 7 (BLMPOP)"
fi

cluster_stop
assert_summary
