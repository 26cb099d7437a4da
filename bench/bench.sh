#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench.sh: one table, every figure from one run on private redis-servers: the plugins, the floor client
# (bench/floor_client.c: the same conversation with no parsing) and `celery inspect active_queues`, against
# the demo's 3 real Celery workers and against 10, 100, 1,000, 2,000 and 5,000 simulated ones (bench/fleet_sim.c,
# whose replies are the captured Celery reply's shape byte for byte); then the queue plugin and the floor
# client on 1,000 and 10,000 queues named with -Q, each holding messages; check_celery_tasks beside `celery
# inspect active` on the 3 real workers and on 1,000 simulated ones holding 5 tasks each. For each: median and maximum wall
# time, CPU time (user + system) and peak RSS, and, against simulated workers, the median time from the
# last reply landing in Redis to the command's exit. Then, on a private rabbitmq-server, both plugins and `celery
# inspect active_queues` against 3 real workers and 200 simulated ones (bench/amqp_fleet_sim.py, py-amqp).
# Usage: bench/bench.sh [RUNS] (default 20 for the plugins and the floor client, 3 for celery inspect).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
rabbit_version=

tools/install-deps.sh
tools/build.sh plain
. tests/lib/cluster.sh
. tests/lib/rabbit.sh
cluster_init
export MP_STATE_PATH="$CLUSTER_DIR/state" # the plugins keep their state as in production, but here
cluster_start_redis REDIS --enable-debug-command yes
cluster_start_demo_fleet
cluster_start_redis SIM --maxclients 10000
vector=tests/vectors/celery-5.2.6/reply-active_queues-tagged.json
simlog="$CLUSTER_DIR/fleet_sim.out"
sim_pid=

# start_sim N [TASKS]: N simulated workers on the SIM broker, subscribed (holding TASKS tasks each).
start_sim() {
	: >"$simlog"
	build/bench/fleet_sim "$SIM_PORT" "$1" "$vector" ${2:+"$2"} >>"$simlog" &
	sim_pid=$!
	for _ in $(seq 300); do
		grep -q '^ready' "$simlog" && return 0
		sleep 0.1
	done
	echo "fleet_sim did not start" >&2
	return 1
}

stop_sim() {
	kill "$sim_pid" && wait "$sim_pid" 2>/dev/null || true
}

# rows N PORT [--sim-log FILE]: the workers' rows at N workers on the broker at PORT.
# Up to 100 workers a run takes milliseconds: five times the runs, so that the medians there, whose
# differences make the marginal CPU, are as steady as those of the large fleets.
rows() {
	local n=$1 port=$2 broker r=$runs
	shift 2
	broker="redis://127.0.0.1:$port/0"
	[ "$n" -gt 100 ] || r=$((runs * 5))
	measure "$@" "$n	check_celery_worker_versions" "$r" build/plugins/check_celery_worker_versions -p "$port" -e 0.12.0 -T 5
	measure "$@" "$n	check_celery_queue_health" "$r" build/plugins/check_celery_queue_health -p "$port" -e 0.12.0 -T 5
	measure "$@" "$n	floor client" "$r" build/bench/floor_client "$port" 5
	case $n in 3 | 100 | 1000)
		measure "$@" "$n	celery inspect active_queues" 3 env PYTHONPATH=tests/celery_app BROKER_URL="$broker" \
			"$CLUSTER_PYTHON" -m celery -A celery_test_app inspect active_queues ;;
	esac
}
measure() { "$CLUSTER_PYTHON" bench/measure.py "$@"; }

# tasks_rows LABEL PORT [--sim-log FILE]: check_celery_tasks (reserved and active) beside celery inspect active.
tasks_rows() {
	local label=$1 port=$2
	shift 2
	measure "$@" "$label	check_celery_tasks" "$runs" build/plugins/check_celery_tasks -p "$port" -e 0.12.0 -T 5
	measure "$@" "$label	celery inspect active" 3 env PYTHONPATH=tests/celery_app \
		BROKER_URL="redis://127.0.0.1:$port/0" "$CLUSTER_PYTHON" -m celery -A celery_test_app inspect active
}

results=$(rows 3 "$REDIS_PORT")
results+=$'\n'$(tasks_rows 3 "$REDIS_PORT")

# cost CHECKS NAME COMMAND...: on the demo's broker, holding a million result keys as a shared result backend
# does, the median wall time of CHECKS runs and the broker's CPU per check (INFO commandstats usec, every
# command, averaged over the runs). Each run keeps its state as in production (the keyspace walk's cursor).
cost() {
	local checks=$1 name=$2 walls=() usec start
	shift 2
	cluster_redis config resetstat >/dev/null
	for _ in $(seq "$checks"); do
		start=$(date +%s%N)
		"$@" >/dev/null || true
		walls+=($((($(date +%s%N) - start) / 1000)))
	done
	usec=$(cluster_redis info commandstats | sed -n 's/^cmdstat_\([a-z|]*\):calls=[0-9]*,usec=\([0-9]*\),.*/\1 \2/p' |
		awk '$1 != "info" && $1 != "config" { s += $2 } END { print s }')
	printf '| %-44s | %9.1f | %9.2f |\n' "$name" \
		"$(printf '%s\n' "${walls[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] / 1000 }')" \
		"$(awk "BEGIN { print $usec / $checks / 1000 }")"
}
cluster_redis debug populate 1000000 celery-task-meta- 100 >/dev/null
costs=$(
	for q in "" "-Q gpu,celery"; do
		cost 10 "check_celery_worker_versions $q" build/plugins/check_celery_worker_versions -p "$REDIS_PORT" -e 0.12.0 $q
		cost 10 "check_celery_queue_health $q" build/plugins/check_celery_queue_health -p "$REDIS_PORT" -e 0.12.0 $q
		cost 10 "check_celery_tasks $q" build/plugins/check_celery_tasks -p "$REDIS_PORT" -e 0.12.0 $q
	done
)
for n in 10 100 1000 2000 5000; do
	start_sim "$n"
	results+=$'\n'$(rows "$n" "$SIM_PORT" --sim-log "$simlog")
	stop_sim
done
start_sim 1000 5 # every second one untagged: 5,000 tasks, 2,500 of them held by stale workers
results+=$'\n'$(tasks_rows "1000, 5 tasks each" "$SIM_PORT" --sim-log "$simlog")
stop_sim

# 10,000 queues of 1 to 5 messages in the base list and 1 in the 9 sub-list, 10 workers consuming none.
for i in $(seq -w 1 10000); do
	printf 'RPUSH bq%s %s\n' "$i" "$(printf 'm %.0s' $(seq $((10#$i % 5 + 1))))"
	printf 'RPUSH bq%s\x06\x169 m\n' "$i"
done | redis-cli -p "$SIM_PORT" >/dev/null
start_sim 10
for q in 1000 10000; do
	seq -f 'bq%05g' 1 "$q" >"$CLUSTER_DIR/queues.$q"
	results+=$'\n'$(
		measure "10, $q queues	check_celery_queue_health -Q" "$runs" build/plugins/check_celery_queue_health \
			-p "$SIM_PORT" -e 0.12.0 -T 5 -Q "$(paste -sd, "$CLUSTER_DIR/queues.$q")"
		measure "10, $q queues	floor client" "$runs" build/bench/floor_client "$SIM_PORT" 5 "$CLUSTER_DIR/queues.$q"
	)
done
stop_sim

# RabbitMQ: the demo's 3 real workers on a private rabbitmq-server, then 200 simulated ones
# (bench/amqp_fleet_sim.py). One run first, so that the state file knows the workers, as in production;
# then each plugin with the management API too (--management-url: every listener known, no linger).
amqp_rows() {
	local label=$1 url=$2 r=$runs
	[ "${label%% *}" -gt 100 ] || r=$((runs * 5))
	build/plugins/check_celery_worker_versions -u "$url" -e 0.12.0 -T 5 >/dev/null || true
	measure "$label	check_celery_worker_versions (amqp)" "$r" build/plugins/check_celery_worker_versions -u "$url" -e 0.12.0 -T 5
	measure "$label	check_celery_queue_health (amqp)" "$r" build/plugins/check_celery_queue_health -u "$url" -e 0.12.0 -T 5
	measure "$label	check_celery_worker_versions (amqp, API)" "$r" build/plugins/check_celery_worker_versions \
		-u "$url" -e 0.12.0 -T 5 --management-url "$RABBIT_MGMT_URL"
	measure "$label	check_celery_queue_health (amqp, API)" "$r" build/plugins/check_celery_queue_health \
		-u "$url" -e 0.12.0 -T 5 --management-url "$RABBIT_MGMT_URL"
	measure "$label	celery inspect active_queues" 3 env PYTHONPATH=tests/celery_app BROKER_URL="$url" \
		"$CLUSTER_PYTHON" -m celery -A celery_test_app inspect active_queues
}
if rabbit_available && RABBIT_MANAGEMENT=1 rabbit_start; then
	rabbit_worker celery-v0.12.0@hostA gpu,celery
	rabbit_worker celery@46b9a1cf718a gpu
	rabbit_worker celery-v0.11.0@hostC celery
	for node in celery-v0.12.0@hostA celery@46b9a1cf718a celery-v0.11.0@hostC; do
		rabbit_wait_consumers "$node.celery.pidbox" 1
	done
	results+=$'\n'$(amqp_rows "3 (RabbitMQ)" "$RABBIT_URL")
	results+=$'\n'$(measure "3 (RabbitMQ)	check_celery_tasks (amqp)" "$runs" build/plugins/check_celery_tasks \
		-u "$RABBIT_URL" -e 0.12.0 -T 5)
	for node in celery-v0.12.0@hostA celery@46b9a1cf718a celery-v0.11.0@hostC; do cluster_stop_worker "$node"; done
	"$CLUSTER_PYTHON" bench/amqp_fleet_sim.py "$RABBIT_URL" 200 tests/vectors/amqp-celery-5.2.6/firehose-active_queues.jsonl \
		>"$CLUSTER_DIR/amqp_sim.out" 2>&1 &
	amqp_sim=$!
	for _ in $(seq 300); do grep -q '^ready' "$CLUSTER_DIR/amqp_sim.out" && break; sleep 0.1; done
	rm -rf "$MP_STATE_PATH" # the 3 real workers are gone: known no more
	results+=$'\n'$(amqp_rows "200 (RabbitMQ)" "$RABBIT_URL")
	kill "$amqp_sim" && wait "$amqp_sim" 2>/dev/null || true
	rabbit_version=", rabbitmq-server $(dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null)"
else
	echo "SKIP: RabbitMQ rows: rabbitmq-server did not start" >&2
fi
celery_version=$("$CLUSTER_PYTHON" -c 'import celery; print(celery.__version__)')
cluster_stop

echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -n 1); redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/')${rabbit_version:-}, Celery $celery_version"
echo "Runs: $runs of each plugin and of the floor client ($((runs * 5)) up to 100 workers), 3 of celery inspect; times in"
echo "ms, RSS in KiB. The queues hold messages and no worker consumes them: the queue plugin is CRITICAL (exit 2)"
echo "there, as it should be."
echo
printf '| %-16s | %-41s | %8s | %8s | %8s | %8s | %10s | %10s | %7s | %7s | %10s | %4s |\n' workers command "wall" \
	"wall max" "CPU" "CPU max" "CPU/worker" "marginal" "RSS" "RSS max" "reply→exit" exit
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' ------------------ ------------------------------------------- ---------- \
	---------- ---------- ---------- ------------ ------------ --------- --------- ------------ ------
# marginal: what each simulated worker beyond the first 10 adds, (CPU(N) - CPU(10)) / (N - 10), the same
# command's: the per-reply cost without the process's start and the conversation's fixed round trips.
printf '%s\n' "$results" | awk -F'\t' '
	{ row[NR] = $0; if ($1 == "10") base[$2] = $5 }
	END {
		for (i = 1; i <= NR; i++) {
			split(row[i], f, "\t")
			n = f[1] + 0
			per = sprintf("%.1f µs", f[5] * 1000 / n)
			marginal = (n > 10 && f[1] !~ /,/ && (f[2] in base)) ? sprintf("%.1f µs", (f[5] - base[f[2]]) * 1000 / (n - 10)) : "-"
			printf "| %-16s | %-41s | %8s | %8s | %8s | %8s | %10s | %10s | %7s | %7s | %10s | %4s |\n", f[1], f[2], f[3], f[4], f[5], f[6], per, marginal, f[7], f[8], f[11], f[10]
		}
	}'
echo
echo "A broker that is also the result backend: 1,000,000 celery-task-meta-* keys beside the demo's 3 workers;"
echo "10 checks each, median wall time and the broker's CPU per check (INFO commandstats, all commands)."
echo
printf '| %-44s | %9s | %9s |\n' command "wall (ms)" "broker ms"
printf '|%s|%s|%s|\n' ---------------------------------------------- ----------- -----------
printf '%s\n' "$costs"
echo
printf '%s\n' "$results" | awk -F'\t' '
	$2 == "check_celery_worker_versions" { plugin[$1] = $3 }
	$2 == "floor client" { floor[$1] = $3 }
	$2 == "check_celery_queue_health -Q" { qplugin[$1] = $3 }
	END {
		for (n in plugin) if (n in floor) printf "%s workers: check_celery_worker_versions takes %.2f times the floor client'"'"'s wall time\n", n, plugin[n] / floor[n]
		for (n in qplugin) if (n in floor) printf "%s: check_celery_queue_health -Q takes %.2f times the floor client'"'"'s wall time\n", n, qplugin[n] / floor[n]
	}' | sort -n
