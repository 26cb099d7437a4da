#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench.sh: on one private cluster (redis-server and the three real Celery workers of the demo), measures
# the median wall time, CPU time and peak RSS of the plugins and of `celery inspect active_queues`, and
# prints a table; then the backlog of 1,000 queues (filled in this private broker) read in one round trip;
# then both plugins once the broker also holds 1,000,000 unrelated keys (as Celery results would be), where
# the queue plugin without -Q finds the queues with SCAN.
# Usage: bench/bench.sh [RUNS] (default 50 for the plugins, 5 for celery inspect).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}

tools/install-deps.sh
tools/build.sh plain
. tests/lib/cluster.sh
cluster_init
cluster_start_redis REDIS
cluster_start_demo_fleet
broker="redis://127.0.0.1:$REDIS_PORT/0"
plugins=build/plugins
measure() { "$CLUSTER_PYTHON" bench/measure.py "$@"; }

# 1,000 queues of 1 to 5 messages in the base list and the 9 sub-list, for the backlog benchmark.
for i in $(seq -w 1 1000); do
	printf 'RPUSH bench.q%s %s\n' "$i" "$(printf 'm %.0s' $(seq $((10#$i % 5 + 1))))"
	printf 'RPUSH bench.q%s\x06\x169 m\n' "$i"
done | cluster_redis >/dev/null
queues=$(seq -f 'bench.q%04g' 1 1000 | paste -sd,)

results=$(
	measure "check_celery_worker_versions" "$runs" "$plugins/check_celery_worker_versions" -u "$broker" -e 0.12.0
	measure "check_celery_queue_health" "$runs" "$plugins/check_celery_queue_health" -u "$broker" -e 0.12.0
	measure "celery inspect active_queues" 5 env PYTHONPATH=tests/celery_app BROKER_URL="$broker" \
		"$CLUSTER_PYTHON" -m celery -A celery_test_app inspect active_queues
	measure "check_celery_queue_health, 1000 queues" "$runs" "$plugins/check_celery_queue_health" -u "$broker" \
		-e 0.12.0 -Q "$queues"
)
json=$("$plugins/check_celery_queue_health" -u "$broker" -e 0.12.0 -Q "$queues" --json || true)
seq -f 'SET celery-task-meta-%07g x' 1 1000000 | cluster_redis --pipe >/dev/null
results+=$'\n'$(
	measure "check_celery_worker_versions, 1M keys" "$runs" "$plugins/check_celery_worker_versions" -u "$broker" \
		-e 0.12.0
	measure "check_celery_queue_health, no -Q, 1M keys" 10 "$plugins/check_celery_queue_health" -u "$broker" \
		-e 0.12.0
)
total=$(printf '%s' "$json" | "$CLUSTER_PYTHON" -c 'import json, sys; print(sum(q["backlog"] for q in json.load(sys.stdin)["queue_health"].values()))')
cluster_stop

echo
echo "Cluster: redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'), 3 Celery $("$CLUSTER_PYTHON" -c 'import celery; print(celery.__version__)') workers (solo pool), $(nproc) cores"
echo
printf '| %-40s | %9s | %9s | %10s | %4s |\n' "command" "wall (ms)" "CPU (ms)" "RSS (KiB)" "runs"
printf '|%s|%s|%s|%s|%s|\n' "------------------------------------------" "-----------" "-----------" "------------" "------"
printf '%s\n' "$results" | while IFS=$'\t' read -r name wall cpu rss n codes; do
	printf '| %-40s | %9s | %9s | %10s | %4s |\n' "$name" "$wall" "$cpu" "$rss" "$n"
done
plugin_wall=$(printf '%s\n' "$results" | awk -F'\t' 'NR == 1 { print $2 }')
inspect_wall=$(printf '%s\n' "$results" | awk -F'\t' 'NR == 3 { print $2 }')
echo
awk -v p="$plugin_wall" -v i="$inspect_wall" 'BEGIN { printf "check_celery_worker_versions is %.0f times faster than celery inspect (median wall time).\n", i / p }'
echo "The 1,000 queues hold $total messages in all; the plugin read every one's four lists in one pipeline."
echo "With 1,000,000 other keys, the queue plugin without -Q finds the 1,003 queues with SCAN (5,000 keys a call)."
