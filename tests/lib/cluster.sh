# SPDX-License-Identifier: GPL-3.0-or-later
# cluster.sh: starts and stops a private redis-server and real Celery workers (Debian's python3-celery)
# on free loopback ports, for the integration tests, the demo and the benchmark. Source it; call
# cluster_init first and cluster_stop (or let its EXIT trap do it) last.

CLUSTER_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CLUSTER_PYTHON=/usr/bin/python3 # Debian's, which has celery; not a pyenv or venv python
CLUSTER_HOST=${CLUSTER_HOST:-127.0.0.1} # the loopback address the redis-servers listen on

# A TCP port on 127.0.0.1 that nothing listens on right now.
cluster_free_port() {
	"$CLUSTER_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

cluster_init() {
	CLUSTER_DIR=$(mktemp -d /tmp/celery-cluster.XXXXXX)
	CLUSTER_WORKERS=()
	trap cluster_stop EXIT
}

# cluster_start_redis [NAME [redis-server options...]]: starts a redis-server ($REDIS_SERVER, default
# Debian's), sets REDIS_PORT (and REDIS_SOCKET) for the first one, and <NAME>_PORT for any.
cluster_start_redis() {
	local name=${1:-REDIS} port dir
	shift || true
	port=$(cluster_free_port)
	dir="$CLUSTER_DIR/$name"
	mkdir -p "$dir"
	"${REDIS_SERVER:-redis-server}" --port "$port" --bind "$CLUSTER_HOST" --unixsocket "$dir/redis.sock" --unixsocketperm 700 \
		--save "" --appendonly no --dir "$dir" --daemonize no --logfile "$dir/redis.log" "$@" >/dev/null &
	echo $! >"$dir/redis.pid"
	for _ in $(seq 100); do
		redis-cli -h "$CLUSTER_HOST" -p "$port" ping >/dev/null 2>&1 && break
		sleep 0.05
	done
	redis-cli -h "$CLUSTER_HOST" -p "$port" ping >/dev/null || { echo "redis-server did not start" >&2; return 1; }
	printf -v "${name}_PORT" '%s' "$port"
	if [ "$name" = REDIS ]; then
		REDIS_SOCKET="$dir/redis.sock"
	fi
}

# cluster_redis ARGS...: redis-cli against the main redis-server.
cluster_redis() {
	redis-cli -h "$CLUSTER_HOST" -p "$REDIS_PORT" "$@"
}

# cluster_start_worker NODENAME QUEUES [ENV=VALUE...]: starts one solo-pool Celery worker, logging at info
# so that cluster_wait_ready sees it.
cluster_start_worker() {
	local node=$1 queues=$2
	shift 2
	env BROKER_URL="redis://$CLUSTER_HOST:${REDIS_PORT:-6379}/0" PYTHONPATH="$CLUSTER_SRC/tests/celery_app" "$@" \
		"$CLUSTER_PYTHON" -W ignore -m celery -A celery_test_app worker -n "$node" -Q "$queues" -P solo \
		--without-gossip --without-mingle -l info --logfile "$CLUSTER_DIR/$node.log" \
		>>"$CLUSTER_DIR/workers.out" 2>&1 &
	echo $! >"$CLUSTER_DIR/$node.pid"
	CLUSTER_WORKERS+=("$node")
}

# cluster_start_default_worker NODENAME QUEUES: a worker as deployments run it: Celery's defaults (prefork
# pool with two children, gossip, mingle, heartbeats), logging at info so that cluster_wait_ready sees it.
cluster_start_default_worker() {
	local node=$1 queues=$2 log
	log="$CLUSTER_DIR/${node//%/_}.log"
	env BROKER_URL="redis://$CLUSTER_HOST:$REDIS_PORT/0" PYTHONPATH="$CLUSTER_SRC/tests/celery_app" \
		"$CLUSTER_PYTHON" -W ignore -m celery -A celery_test_app worker -n "$node" -Q "$queues" -c 2 \
		-l info --logfile "$log" >>"$CLUSTER_DIR/workers.out" 2>&1 &
	echo $! >"$CLUSTER_DIR/${node//%/_}.pid"
	CLUSTER_WORKERS+=("${node//%/_}")
}

# cluster_wait_ready NODENAME: waits (up to 30 s) until the worker logged that it is ready.
cluster_wait_ready() {
	for _ in $(seq 300); do
		grep -q ' ready\.' "$CLUSTER_DIR/${1//%/_}.log" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "worker $1 never got ready" >&2
	return 1
}

cluster_worker_pid() {
	cat "$CLUSTER_DIR/$1.pid"
}

# cluster_wait_subscribed N [PORT]: waits (up to 30 s) until N clients of the main redis-server (or of the
# one on PORT) hold a pattern subscription: each worker holds one on its control channel once it can answer
# broadcasts.
cluster_wait_subscribed() {
	local want=$1 port=${2:-$REDIS_PORT} have=0
	for _ in $(seq 300); do
		have=$(redis-cli -h "$CLUSTER_HOST" -p "$port" client list | grep -cE ' psub=[1-9][0-9]* ' || true)
		[ "$have" -ge "$want" ] && return 0
		sleep 0.1
	done
	echo "only $have of $want workers subscribed; worker output:" >&2
	tail -n 20 "$CLUSTER_DIR/workers.out" >&2
	return 1
}

# cluster_stop_worker NODENAME: stops a worker (resuming it first if it was stopped).
cluster_stop_worker() {
	local pid
	pid=$(cluster_worker_pid "$1") || return 0
	kill -CONT "$pid" 2>/dev/null || true
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -f "$CLUSTER_DIR/$1.pid"
}

# cluster_stop_all_workers: stops every worker left at once: resumed, then a cold shutdown (SIGQUIT:
# running tasks are not waited for, the pool's processes end with the worker; SIGTERM for a worker not yet
# ready, which may not handle SIGQUIT yet), then SIGKILL for any still there 5 s later.
cluster_stop_all_workers() {
	local node pid signal pids=()
	for node in "${CLUSTER_WORKERS[@]}"; do
		[ -f "$CLUSTER_DIR/$node.pid" ] || continue
		pid=$(cluster_worker_pid "$node")
		signal=TERM
		grep -q ' ready\.' "$CLUSTER_DIR/$node.log" 2>/dev/null && signal=QUIT
		kill -CONT "$pid" 2>/dev/null || true
		kill -"$signal" "$pid" 2>/dev/null || true
		pids+=("$pid")
		rm -f "$CLUSTER_DIR/$node.pid"
	done
	for _ in $(seq 100); do
		kill -0 "${pids[@]}" 2>/dev/null || break
		sleep 0.05
	done
	for pid in "${pids[@]}"; do
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
}

cluster_stop() {
	local pidfile
	if [ -z "${CLUSTER_DIR:-}" ] || [ ! -d "$CLUSTER_DIR" ]; then return 0; fi
	cluster_stop_all_workers
	if declare -F rabbit_stop >/dev/null; then rabbit_stop; fi
	for pidfile in "$CLUSTER_DIR"/*/redis.pid; do
		if [ -f "$pidfile" ]; then
			kill -TERM "$(cat "$pidfile")" 2>/dev/null || true
			wait "$(cat "$pidfile")" 2>/dev/null || true
		fi
	done
	rm -rf "$CLUSTER_DIR"
	CLUSTER_DIR=
}

# cluster_start_demo_fleet: the three workers of the reference document's story.
cluster_start_demo_fleet() {
	cluster_start_worker celery-v0.12.0@hostA gpu,celery
	cluster_start_worker celery@46b9a1cf718a gpu
	cluster_start_worker celery-v0.11.0@hostC celery
	cluster_wait_subscribed 3
}

# cluster_send_tasks QUEUE PRIORITY...: sends one task per priority to QUEUE with Celery's own send_task
# (with $KEY_PREFIX as kombu's global_keyprefix when set).
cluster_send_tasks() {
	local queue=$1
	shift
	env BROKER_URL="redis://$CLUSTER_HOST:$REDIS_PORT/0" PYTHONPATH="$CLUSTER_SRC/tests/celery_app" \
		"$CLUSTER_PYTHON" -W ignore -c '
import sys
from celery_test_app import app
for priority in sys.argv[2:]:
    app.send_task("celery_test_app.add", args=(1, 2), queue=sys.argv[1], priority=int(priority))
' "$queue" "$@"
}

# cluster_dump_queue KEY: every message of a queue's four lists, for before/after comparisons.
cluster_dump_queue() {
	local suffix
	for suffix in "" $'\x06\x163' $'\x06\x166' $'\x06\x169'; do
		printf '== %s\n' "$1$suffix"
		cluster_redis lrange "$1$suffix" 0 -1
	done
}
