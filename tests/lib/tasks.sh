# SPDX-License-Identifier: GPL-3.0-or-later
# tasks.sh: prefork Celery workers that hold tasks, the tasks they run, and what `celery inspect` counts of
# them, for the tests of check_celery_tasks and of the docs' examples. Source it after cluster.sh.

# tasks_worker URL NODE QUEUE CONCURRENCY [COMMAND PREFIX...]: a prefork worker as deployments run it, four
# tasks prefetched per process; the prefix (e.g. faketime -f +1h) runs it.
tasks_worker() {
	local url=$1 node=$2 queue=$3 c=$4
	shift 4
	env BROKER_URL="$url" PYTHONPATH="$CLUSTER_SRC/tests/celery_app" "$@" "$CLUSTER_PYTHON" -W ignore \
		-m celery -A celery_test_app worker -n "$node" -Q "$queue" -c "$c" --prefetch-multiplier 4 \
		--without-gossip --without-mingle -l info --logfile "$CLUSTER_DIR/$node.log" \
		>>"$CLUSTER_DIR/workers.out" 2>&1 &
	echo $! >"$CLUSTER_DIR/$node.pid"
	CLUSTER_WORKERS+=("$node")
}

# send_sleeps URL QUEUE SECONDS N: N sleep tasks, each carrying a secret in its keyword arguments.
send_sleeps() {
	env BROKER_URL="$1" PYTHONPATH="$CLUSTER_SRC/tests/celery_app" "$CLUSTER_PYTHON" -W ignore -c '
import sys
from celery_test_app import app
for _ in range(int(sys.argv[3])):
    app.send_task("celery_test_app.sleep", args=(float(sys.argv[2]),), kwargs={"note": "SECRET-4711"},
                  queue=sys.argv[1])
' "$2" "$3" "$4"
}

# inspect_counts URL NODE [N]: "ACTIVE RESERVED" of NODE, as `celery inspect` (Celery's own client) sees
# them; asked of NODE alone, so that its answer ends the wait. With N: asks again (for up to 20 s) until NODE
# runs N tasks, and fails if it never does.
inspect_counts() {
	env BROKER_URL="$1" PYTHONPATH="$CLUSTER_SRC/tests/celery_app" "$CLUSTER_PYTHON" -W ignore -c '
import sys, time
from celery_test_app import app
node, want, end = sys.argv[1], sys.argv[2], time.monotonic() + 20
while True:
    i = app.control.inspect(destination=[node], timeout=2)
    active, reserved = (i.active() or {}).get(node), (i.reserved() or {}).get(node)
    counts = "%s %s" % (len(active) if active is not None else "-", len(reserved) if reserved is not None else "-")
    if want == "" or counts.split()[0] == want or time.monotonic() > end:
        break
    time.sleep(0.2)
print(counts)
sys.exit(0 if want in ("", counts.split()[0]) else 1)
' "$2" "${3:-}"
}

# wait_running URL NODE N: waits (up to 20 s) until Celery's inspect sees NODE run N tasks.
wait_running() {
	local counts
	counts=$(inspect_counts "$@") && return 0
	echo "$2 does not run $3 tasks: $counts (active reserved)" >&2
	return 1
}
