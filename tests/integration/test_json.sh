#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test_json.sh: both plugins' --json documents validate against docs/check_celery.schema.json (with Debian's
# python3-jsonschema) in every state: OK, WARNING, CRITICAL, UNKNOWN (a bad option), no worker at all, a
# collection cut by -t, a hidden worker, a version policy. Real redis-server and real Celery workers.
# Usage: test_json.sh PLUGIN_DIR
. "$(dirname "$0")/../lib/plugin_test.sh" check_celery_worker_versions "${1:-}"
QUEUE_PLUGIN="$(dirname "$PLUGIN")/check_celery_queue_health"
TASKS_PLUGIN="$(dirname "$PLUGIN")/check_celery_tasks"
FAKE="$CLUSTER_SRC/tests/lib"
. "$FAKE/background.sh"
SCHEMA="$CLUSTER_SRC/docs/check_celery.schema.json"

# valid EXIT PLUGIN ARGS...: the plugin's --json document is valid, its exit code EXIT, and its state says so.
valid() {
	local want=$1 plugin=$2
	shift 2
	run ${PLUGIN_WRAPPER:-} "$plugin" "$@" --json
	expect_no_stderr
	expect_exit "$want"
	printf '%s' "$OUT" | "$CLUSTER_PYTHON" "$FAKE/validate_json.py" "$SCHEMA" >"$ASSERT_TMP/why" ||
		fail "$(basename "$plugin") $*: $(head -n 5 "$ASSERT_TMP/why")"
	printf '%s' "$OUT" | "$CLUSTER_PYTHON" -c 'import json, sys; sys.exit(json.load(sys.stdin)["exit_code"] != int(sys.argv[1]))' "$want" ||
		fail "exit_code is not $want"
}

both() {
	valid "$1" "$PLUGIN" "${@:2}"
	valid "$1" "$QUEUE_PLUGIN" "${@:2}"
}

t_every_state() {
	both 0 -p "$REDIS_PORT" -e 0.12.0 -Q gpu --allow-untagged
	valid 1 "$PLUGIN" -p "$REDIS_PORT" -e 0.12.0
	valid 1 "$QUEUE_PLUGIN" -p "$REDIS_PORT" -e 0.12.0 # gpu has an untagged consumer, celery an old one
	both 2 -p "$REDIS_PORT" -e 9.9.9
	both 3 -p "$REDIS_PORT" -e 0.12.0 -w 20:10
	both 3 -p "$REDIS_PORT"
	expect_keyspace_clean "$REDIS_PORT"
}

t_no_worker_and_a_broker_down() {
	both 2 -p "$EMPTY_PORT" -e 0.12.0 -Q celery
	both 2 -p "$(cluster_free_port)" -e 0.12.0 -Q celery
}

t_a_cut_collection() {
	start_helper silent "$FAKE/fake_peer.py" "$REDIS_PORT" silent || return
	both 1 -p "$REDIS_PORT" -e 0.12.0 -T 5 -t 1 # judged on what came: the incompatible workers
	stop_helper silent
	expect_keyspace_clean "$REDIS_PORT"
}

t_policies_hidden_and_silent() {
	both 1 -p "$REDIS_PORT" --accept '>=0.11,<0.13' -m both --listen 2
	valid 1 "$PLUGIN" -p "$REDIS_PORT" -e newest -Q celery
	printf '%s' "$OUT" | "$CLUSTER_PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
assert d["server_version"] == "0.12.0" and d["policy"] == "newest = 0.12.0", d
assert set(d["queue_health"]) == {"celery"}, d["queue_health"]
assert d["queue_health"]["celery"]["compatible_workers"] == 1, d["queue_health"]' || fail "newest: $OUT"
	valid 0 "$PLUGIN" -p "$REDIS_PORT" --accept '0.12.*' --worker celery-v0.12.0@hostA
}

# check_celery_tasks' documents: no task (OK), a stale worker's task and a malformed list (WARNING), no
# worker or no broker (CRITICAL), a bad option (UNKNOWN), a cut.
t_tasks_documents() {
	valid 0 "$TASKS_PLUGIN" -p "$REDIS_PORT" -e 0.12.0
	printf '%s' "$OUT" | "$CLUSTER_PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
assert set(d["tasks"]) == {"celery-v0.12.0@hostA", "celery@46b9a1cf718a", "celery-v0.11.0@hostC"}, d["tasks"]
assert d["counts"]["workers"] == 3 and d["longest_runtime"] is None, d["counts"]' || fail "tasks: $OUT"
	valid 2 "$TASKS_PLUGIN" -p "$EMPTY_PORT" -e 0.12.0
	valid 2 "$TASKS_PLUGIN" -p "$(cluster_free_port)" -e 0.12.0
	valid 3 "$TASKS_PLUGIN" -p "$REDIS_PORT" -e 0.12.0 --task-runtime nonsense
	start_helper peer "$FAKE/fake_peer.py" "$REDIS_PORT" tasks malformed || return
	valid 1 "$TASKS_PLUGIN" -p "$REDIS_PORT" -e 0.12.0 -m both --listen 2
	stop_helper peer
	start_helper peer "$FAKE/fake_peer.py" "$REDIS_PORT" tasks notasks || return
	valid 3 "$TASKS_PLUGIN" -p "$REDIS_PORT" -e 0.12.0 -T 5 -t 2 # cut: nothing found to hide behind it
	stop_helper peer
	expect_keyspace_clean "$REDIS_PORT"
}

assert_init
cluster_init
cluster_start_redis REDIS || exit 2
cluster_start_redis EMPTY || exit 2
cluster_start_demo_fleet || exit 2

test_case "OK, WARNING, CRITICAL and UNKNOWN documents follow the schema" t_every_state
test_case "no worker, and a broker down: valid documents" t_no_worker_and_a_broker_down
test_case "a collection cut by -t: a valid document" t_a_cut_collection
test_case "policies, heartbeats and --worker: valid documents" t_policies_hidden_and_silent
test_case "check_celery_tasks: documents in every state follow the schema" t_tasks_documents

cluster_stop
assert_summary
