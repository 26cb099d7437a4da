# SPDX-License-Identifier: GPL-3.0-or-later
# rabbit.sh: a private rabbitmq-server (Debian's) on free loopback ports, with its own node name, data
# directory, Erlang port mapper and cookie, for the integration tests; and Celery workers on it. Source it
# after cluster.sh and call cluster_init first: rabbit_stop runs from cluster_stop's trap too.

RABBIT_BIN=${RABBIT_BIN:-/usr/lib/rabbitmq/bin}

# rabbit_available: 0 when rabbitmq-server is installed.
rabbit_available() {
	[ -x "$RABBIT_BIN/rabbitmq-server" ] && [ -x "$RABBIT_BIN/rabbitmqctl" ]
}

# rabbit_env CMD...: runs CMD with the environment of the private node. Erlang's schedulers do not spin
# while idle: the tests share two cores with other brokers and sanitizers.
rabbit_env() {
	env HOME="$RABBIT_DIR" RABBITMQ_NODENAME="$RABBIT_NODE" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
		RABBITMQ_NODE_PORT="$RABBIT_PORT" RABBITMQ_DIST_PORT="$RABBIT_DIST_PORT" ERL_EPMD_PORT="$RABBIT_EPMD_PORT" \
		RABBITMQ_MNESIA_BASE="$RABBIT_DIR/mnesia" RABBITMQ_LOG_BASE="$RABBIT_DIR/log" \
		RABBITMQ_CONFIG_FILE="$RABBIT_DIR/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$RABBIT_DIR/enabled_plugins" \
		RABBITMQ_PID_FILE="$RABBIT_DIR/pid" RABBITMQ_ADVANCED_CONFIG_FILE="$RABBIT_DIR/advanced.config" \
		RABBITMQ_CONF_ENV_FILE="$RABBIT_DIR/env.conf" \
		RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="+S 2:2 +sbwt none +sbwtdcpu none +sbwtdio none" \
		RABBITMQ_CTL_ERL_ARGS="+S 1:1 +sbwt none +sbwtdcpu none +sbwtdio none" "$@"
}

# rabbitctl ARGS...: rabbitmqctl against the private node, quietly.
rabbitctl() {
	rabbit_env "$RABBIT_BIN/rabbitmqctl" -q "$@"
}

# rabbit_start: starts the node (about 7 s) and sets RABBIT_PORT and RABBIT_URL (and RABBIT_TLS_PORT when
# RABBIT_TLS_DIR names a tls_pki.sh folder, RABBIT_MGMT_URL when RABBIT_MANAGEMENT=1: the management
# plugin on a loopback port of its own, and RABBIT_MGMTS_PORT with both: its https listener); 1 when it did
# not start.
rabbit_start() {
	RABBIT_DIR="$CLUSTER_DIR/rabbit"
	mkdir -p "$RABBIT_DIR"
	RABBIT_PORT=$(cluster_free_port)
	RABBIT_DIST_PORT=$(cluster_free_port)
	RABBIT_EPMD_PORT=$(cluster_free_port)
	RABBIT_NODE="celerytest$$@localhost"
	RABBIT_URL="amqp://guest:guest@127.0.0.1:$RABBIT_PORT//"
	echo '[].' >"$RABBIT_DIR/enabled_plugins"
	printf 'loopback_users = none\n' >"$RABBIT_DIR/rabbitmq.conf"
	if [ "${RABBIT_MANAGEMENT:-0}" = 1 ]; then
		RABBIT_MGMT_PORT=$(cluster_free_port)
		RABBIT_MGMT_URL="http://127.0.0.1:$RABBIT_MGMT_PORT"
		echo '[rabbitmq_management].' >"$RABBIT_DIR/enabled_plugins"
		printf 'management.tcp.port = %s\nmanagement.tcp.ip = 127.0.0.1\ncollect_statistics_interval = 1000\n' "$RABBIT_MGMT_PORT" \
			>>"$RABBIT_DIR/rabbitmq.conf"
	fi
	if [ -n "${RABBIT_TLS_DIR:-}" ]; then # a TLS listener too, with RABBIT_TLS_DIR's server key pair
		RABBIT_TLS_PORT=$(cluster_free_port)
		cat >>"$RABBIT_DIR/rabbitmq.conf" <<-CONF
			listeners.ssl.1 = 127.0.0.1:$RABBIT_TLS_PORT
			ssl_options.cacertfile = $RABBIT_TLS_DIR/ca.crt
			ssl_options.certfile = $RABBIT_TLS_DIR/server.crt
			ssl_options.keyfile = $RABBIT_TLS_DIR/server.key
			ssl_options.verify = verify_none
			ssl_options.fail_if_no_peer_cert = false
		CONF
		if [ "${RABBIT_MANAGEMENT:-0}" = 1 ]; then # and the management API over https
			RABBIT_MGMTS_PORT=$(cluster_free_port)
			cat >>"$RABBIT_DIR/rabbitmq.conf" <<-CONF
				management.ssl.port = $RABBIT_MGMTS_PORT
				management.ssl.ip = 127.0.0.1
				management.ssl.cacertfile = $RABBIT_TLS_DIR/ca.crt
				management.ssl.certfile = $RABBIT_TLS_DIR/server.crt
				management.ssl.keyfile = $RABBIT_TLS_DIR/server.key
			CONF
		fi
	fi
	: >"$RABBIT_DIR/env.conf"
	rabbit_env "$RABBIT_BIN/rabbitmq-server" >"$RABBIT_DIR/server.out" 2>&1 &
	echo $! >"$RABBIT_DIR/server.pid"
	if ! rabbit_env "$RABBIT_BIN/rabbitmqctl" -q wait "$RABBIT_DIR/pid" --timeout 60 >/dev/null 2>&1; then
		echo "rabbitmq-server did not start:" >&2
		tail -n 20 "$RABBIT_DIR/server.out" >&2
		return 1
	fi
}

# rabbit_beam_pid: the Erlang VM's process (for SIGSTOP).
rabbit_beam_pid() {
	cat "$RABBIT_DIR/pid"
}

rabbit_stop() {
	[ -n "${RABBIT_DIR:-}" ] && [ -f "$RABBIT_DIR/pid" ] || return 0
	# its data directory goes with the test's folder: nothing to shut down gracefully (which takes 6 s)
	kill -KILL "$(rabbit_beam_pid)" 2>/dev/null || true
	wait "$(cat "$RABBIT_DIR/server.pid")" 2>/dev/null || true
	rabbit_env epmd -port "$RABBIT_EPMD_PORT" -kill >/dev/null 2>&1 || true
	rm -f "$RABBIT_DIR/pid"
}

# rabbit_worker NODENAME QUEUES [ENV=VALUE...]: a Celery worker on the private node.
rabbit_worker() {
	local node=$1 queues=$2
	shift 2
	cluster_start_worker "$node" "$queues" BROKER_URL="$RABBIT_URL" "$@"
}

# rabbit_wait_consumers QUEUE N: waits (up to 30 s) until QUEUE has N consumers.
rabbit_wait_consumers() {
	local have
	for _ in $(seq 60); do
		have=$(rabbitctl list_queues name consumers 2>/dev/null | awk -v q="$1" '$1 == q { print $2 }')
		[ "${have:-0}" -ge "$2" ] && return 0
		sleep 0.5
	done
	echo "queue $1 has ${have:-no} consumers, expected $2; worker output:" >&2
	tail -n 20 "$CLUSTER_DIR/workers.out" >&2
	return 1
}

# rabbit_wait_stats QUEUE: waits (up to 30 s) until the management API has statistics for QUEUE (they come
# some seconds after the node started).
rabbit_wait_stats() {
	"$CLUSTER_PYTHON" - "$RABBIT_MGMT_URL" "$1" <<'PY'
import base64, json, sys, time, urllib.request
url, queue = sys.argv[1], sys.argv[2]
auth = {"Authorization": "Basic " + base64.b64encode(b"guest:guest").decode()}
for _ in range(60):
    with urllib.request.urlopen(urllib.request.Request(url + "/api/queues/%2F/" + queue, headers=auth)) as r:
        if "messages_unacknowledged" in json.load(r):
            sys.exit(0)
    time.sleep(0.5)
sys.exit(1)
PY
}

# rabbit_queue_names: the node's queues, one a line: from the management API when the node has it (no
# Erlang VM to boot for each look, as rabbitmqctl does), else from rabbitmqctl.
rabbit_queue_names() {
	if [ -z "${RABBIT_MGMT_URL:-}" ]; then
		rabbitctl list_queues name
		return
	fi
	"$CLUSTER_PYTHON" - "$RABBIT_MGMT_URL" <<'PY'
import base64, json, sys, urllib.request
auth = {"Authorization": "Basic " + base64.b64encode(b"guest:guest").decode()}
request = urllib.request.Request(sys.argv[1] + "/api/queues/%2F?columns=name", headers=auth)
with urllib.request.urlopen(request, timeout=10) as r:
    for queue in json.load(r):
        print(queue["name"])
PY
}

# rabbit_our_leftovers: the queues of this suite's checks still on the broker (reply queues), one a line.
rabbit_our_leftovers() {
	rabbit_queue_names | grep -E '^[0-9a-f-]{36}\.reply\.' || true
}

# rabbit_send_tasks QUEUE N: sends N tasks to QUEUE with Celery's own send_task.
rabbit_send_tasks() {
	env BROKER_URL="$RABBIT_URL" PYTHONPATH="$CLUSTER_SRC/tests/celery_app" "$CLUSTER_PYTHON" -W ignore -c '
import sys
from celery_test_app import app
for _ in range(int(sys.argv[2])):
    app.send_task("celery_test_app.add", args=(1, 2), queue=sys.argv[1])
' "$1" "$2"
}

# rabbit_declare_and_fill QUEUE N ARGS_JSON: declares QUEUE (durable, with the JSON object's arguments, e.g.
# {"x-max-priority": 10} or {"x-queue-type": "quorum"}) and publishes N messages to it, priorities 0 to 9 in
# turn, with py-amqp.
rabbit_declare_and_fill() {
	"$CLUSTER_PYTHON" - "$RABBIT_PORT" "$1" "$2" "$3" <<'PY'
import json, sys
import amqp
port, queue, n, args = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
conn = amqp.Connection(host="127.0.0.1:" + port)
conn.connect()
ch = conn.channel()
ch.queue_declare(queue, durable=True, auto_delete=False, arguments=args)
ch.confirm_select()
for i in range(n):
    ch.basic_publish(amqp.Message("m", priority=i % 10, delivery_mode=2), exchange="", routing_key=queue)
conn.close()
PY
}
