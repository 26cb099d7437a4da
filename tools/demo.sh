#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# demo.sh: installs what is missing, builds, starts a private redis-server on a free loopback port and
# three real Celery workers (current version, untagged, old version; on queues gpu and celery), runs the
# checks against them as an operator would (also with tasks waiting in a queue nobody consumes, and after
# the current worker stops), shows their output and exit state, and stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh
tools/build.sh plain
. tests/lib/cluster.sh
cluster_init
cluster_start_redis REDIS
echo "Starting redis-server on 127.0.0.1:$REDIS_PORT and three Celery workers:"
echo "  celery-v0.12.0@hostA on gpu,celery   (the current release)"
echo "  celery@46b9a1cf718a  on gpu          (untagged: a stale container)"
echo "  celery-v0.11.0@hostC on celery       (the previous release)"
cluster_start_demo_fleet

# show COMMAND...: prints the command, its output and its exit state.
show() {
	local rc=0 states=(OK WARNING CRITICAL UNKNOWN)
	echo
	echo "\$ ${*#build/plugins/}"
	"$@" || rc=$?
	echo "[exit $rc: ${states[$rc]:-?}]"
}

plugins=build/plugins
show $plugins/check_celery_worker_versions -H 127.0.0.1 -p "$REDIS_PORT" -e 0.12.0 -v
show $plugins/check_celery_worker_versions -H 127.0.0.1 -p "$REDIS_PORT" -e 0.12.0 -Q celery -w 1
show $plugins/check_celery_worker_versions -H 127.0.0.1 -p "$REDIS_PORT" -e 0.13.0

echo
echo "Sending 3 tasks (priorities 0, 5, 9) to the queue 'reports', which no worker consumes:"
cluster_send_tasks reports 0 5 9
show $plugins/check_celery_queue_health -H 127.0.0.1 -p "$REDIS_PORT" -e 0.12.0 -v
show $plugins/check_celery_queue_health -H 127.0.0.1 -p "$REDIS_PORT" -e 0.12.0 -Q gpu,reports
show $plugins/check_celery_tasks -H 127.0.0.1 -p "$REDIS_PORT" -e 0.12.0 --runtime-warning 600 -v

echo
echo "Stopping celery-v0.12.0@hostA: gpu is left to the untagged worker."
cluster_stop_worker celery-v0.12.0@hostA
show $plugins/check_celery_queue_health -H 127.0.0.1 -p "$REDIS_PORT" -e 0.12.0 -Q gpu

cluster_stop
echo
echo "Stopped the workers and redis-server."
