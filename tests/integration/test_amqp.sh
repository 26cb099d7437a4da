#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test_amqp.sh: both checks against a real rabbitmq-server and real Celery workers over amqp://, with the
# verdicts, summaries and perfdata the Redis tests expect of the same fleet; faults; nothing of ours left.
# Usage: test_amqp.sh PLUGIN_DIR
# (no valgrind pass: run by hand with PLUGIN_WRAPPER=valgrind, it is clean; in CI it would cost 5 minutes)
. "$(dirname "$0")/../lib/plugin_test.sh" check_celery_worker_versions "${1:-}"
. "$lib/rabbit.sh"
. "$lib/tls_pki.sh"
. "$lib/background.sh"
QUEUES="${1:-}/check_celery_queue_health"

# rcheck PLUGIN ARGS...: a plugin against the private RabbitMQ. Whether a queue of ours is left is asked of
# rabbitmqctl (an Erlang VM a call) after the tests' last check, and at once where a fault could leave one.
rcheck() {
	local plugin=$1
	shift
	run ${PLUGIN_WRAPPER:-} "$plugin" -u "$RABBIT_URL" "$@"
	expect_no_stderr
}

expect_nothing_left() {
	local left
	left=$(rabbit_our_leftovers)
	[ -z "$left" ] || fail "left on the broker: $left"
}

t_three_workers() {
	rm -rf "$MP_STATE_PATH" # the first check knows no worker: the whole -T is waited
	rcheck "$PLUGIN" -e 0.12.0 -T 1.5 -v
	expect_exit 1
	expect_line1 "CELERY WORKERS WARNING - 1 of 3 workers compatible with 0.12.0; incompatible: celery-v0.11.2@old (version 0.11.2), celery@46b9a1cf718a (untagged)"
	expect_perf_item "workers=3;;;0"
	expect_perf_item "compatible=1;;1:;0"
	expect_perf_item "incompatible=2;0;;0"
	expect_perf_item "untagged=1;;;0"
	expect_perf_item "unresponsive=0;0;;0"
	expect_contains "celery-v0.12.0@current: version 0.12.0, compatible; queues: gpu, celery"
	expect_contains "the whole wait ran"
	expect_nothing_left
	expect_contains "RabbitMQ 3."
	awk "BEGIN { exit !($SECS >= 1.4) }" || fail "took $SECS s: the first check cannot know when all answered"
}

# Once a check has seen them, the next ends when they have answered: their control queues say who listens.
t_known_workers_end_the_wait() {
	rcheck "$PLUGIN" -e 0.12.0 -T 1.5
	rcheck "$PLUGIN" -e 0.12.0 -T 5 -v
	expect_exit 1
	expect_perf workers 3
	expect_contains "broadcast reached 3 workers (3 known from earlier checks"
	expect_faster_than 1
}

t_policies_as_on_redis() {
	rcheck "$PLUGIN" -e 0.11.2
	expect_exit 1
	expect_line1 "CELERY WORKERS WARNING - 1 of 3 workers compatible with 0.11.2; incompatible: celery-v0.12.0@current (version 0.12.0), celery@46b9a1cf718a (untagged)"
	rcheck "$PLUGIN" -e newest -Q gpu
	expect_exit 1
	expect_line1 "CELERY WORKERS WARNING - 1 of 2 workers on gpu compatible with newest = 0.12.0; incompatible: celery@46b9a1cf718a (untagged)"
	rcheck "$PLUGIN" --accept '>=0.11' --allow-untagged
	expect_exit 0
	expect_perf compatible 3
}

t_named_worker() {
	rcheck "$PLUGIN" -e 0.12.0 --worker celery@46b9a1cf718a -T 5
	expect_exit 2
	expect_perf workers 1
	expect_faster_than 1
	rcheck "$PLUGIN" -e 0.12.0 --worker celery@gone -T 5
	expect_exit 2
	expect_contains "did not answer: celery@gone"
	expect_not_contains "no worker is listening" # the others do
	expect_faster_than 1
}

# Names that no longer answer: 1,500 gone workers in the state file, 100 queues the broker does not know.
# Each passive declare of one closes the channel; the number is reused, and counting them takes none of
# the time the workers have to answer.
t_many_gone_names() {
	local file now i queues=gpu
	rcheck "$PLUGIN" -e 0.12.0 -T 5
	now=$(date +%s)
	for file in "$MP_STATE_PATH"/check_celery/*.state; do
		for i in $(seq 1500); do printf 'celery-v0.1.0@gone%d\t%s\n' "$i" "$now"; done >>"$file"
	done
	rcheck "$PLUGIN" -e 0.12.0 -T 1
	expect_exit 1
	expect_perf workers 3
	expect_perf unresponsive 0
	for i in $(seq 100); do queues="$queues,nosuch$i"; done
	rcheck "$QUEUES" -e 0.12.0 -Q "$queues" -T 2
	expect_exit 2
	expect_contains "(the broker knows no queue nosuch1); "
	expect_perf nosuch100_compatible 0
	expect_perf gpu_compatible 1
	rm -rf "$MP_STATE_PATH"
}

t_queue_health_as_on_redis() {
	rcheck "$QUEUES" -e 0.12.0 -Q gpu,celery
	expect_exit 1
	expect_line1 "CELERY QUEUES WARNING - gpu: 1 compatible, 1 incompatible [celery@46b9a1cf718a (untagged)], 0 waiting; celery: 1 compatible, 1 incompatible [celery-v0.11.2@old (version 0.11.2)], 0 waiting"
	expect_perf_item "gpu_compatible=1;;1:;0"
	expect_perf_item "gpu_incompatible=1;0;;0"
	expect_perf_item "gpu_backlog=0;;;0"
	expect_perf_item "gpu_hidden=0;0;;0"
	expect_nothing_left
}

t_typo_queue_named_by_the_broker() {
	rcheck "$QUEUES" -e 0.12.0 -Q gpus
	expect_exit 2
	expect_line1 "CELERY QUEUES CRITICAL - gpus: no compatible consumer, 0 waiting (the broker knows no queue gpus; closest: gpu)"
}

# A worker with remote control off consumes gpu: the broker counts it, no answer accounts for it.
t_hidden_consumer() {
	rabbit_worker celery-v0.12.0@dark gpu REMOTE_CONTROL=off
	rabbit_wait_consumers gpu 3 || { fail "the dark worker did not start"; return; }
	rcheck "$QUEUES" -e 0.12.0 -Q gpu
	expect_exit 1
	expect_contains "gpu: 1 compatible, 1 incompatible [celery@46b9a1cf718a (untagged)], 1 hidden consumer (no answering worker accounts for it), 0 waiting"
	expect_perf_item "gpu_hidden=1;0;;0"
	expect_nothing_left
	cluster_stop_worker celery-v0.12.0@dark
	rabbit_wait_consumers gpu 2
}

# A worker with remote control off beats all the same: -m both and -m heartbeat find it hidden (no consumer on
# a control queue of its name), with the verdicts of the Redis tests.
t_heartbeat_modes() {
	rabbit_worker celery-v0.11.0@dark legacy REMOTE_CONTROL=off
	rabbit_wait_consumers legacy 1 || { fail "the dark worker did not start"; return; }
	rcheck "$PLUGIN" -e 0.12.0 -m both --listen 2.5
	expect_exit 1
	expect_line1 "CELERY WORKERS WARNING - 1 of 4 workers compatible with 0.12.0; incompatible: celery-v0.11.2@old (version 0.11.2), celery@46b9a1cf718a (untagged), celery-v0.11.0@dark (version 0.11.0); 1 hidden (heartbeats, but remote control cannot reach them): celery-v0.11.0@dark (version 0.11.0)"
	rcheck "$PLUGIN" -e 0.12.0 -m heartbeat -v
	expect_exit 1
	expect_contains "1 hidden (heartbeats, but remote control cannot reach them): celery-v0.11.0@dark (version 0.11.0)"
	expect_perf workers 4
	expect_contains "worker events from 4 workers"
	cluster_stop_worker celery-v0.11.0@dark
	rabbitctl delete_queue legacy >/dev/null
}

# A queue a worker consumed is remembered; its consumer gone and 3 tasks waiting, it is CRITICAL without -Q.
t_abandoned_queue() {
	rabbit_worker celery-v0.12.0@reports reports
	rabbit_wait_consumers celery-v0.12.0@reports.celery.pidbox 1 || { fail "the reports worker did not start"; return; }
	rcheck "$QUEUES" -e 0.12.0
	expect_contains "reports"
	cluster_stop_worker celery-v0.12.0@reports
	rabbit_send_tasks reports 3
	rcheck "$QUEUES" -e 0.12.0
	expect_exit 2
	expect_contains "reports: 3 waiting, no compatible consumer"
	expect_perf_item "reports_backlog=3;;;0"
	rabbitctl delete_queue reports >/dev/null
}

# A priority queue is one queue and a quorum queue has the same counts: every message waiting is counted.
t_priority_and_quorum_queues() {
	rabbit_declare_and_fill prio 5 '{"x-max-priority": 10}' || { fail "prio not filled"; return; }
	rabbit_declare_and_fill quorum 4 '{"x-queue-type": "quorum"}' || { fail "quorum not filled"; return; }
	rcheck "$QUEUES" -e 0.12.0 -Q prio,quorum
	expect_exit 2
	expect_perf_item "prio_backlog=5;;;0"
	expect_perf_item "quorum_backlog=4;;;0"
	expect_contains "prio: 5 waiting, no compatible consumer"
	rabbitctl delete_queue prio >/dev/null
	rabbitctl delete_queue quorum >/dev/null
}

# A stopped worker keeps its control queue's consumer and never answers: unresponsive, as on Redis.
t_stopped_worker_is_unresponsive() {
	local pid
	rcheck "$PLUGIN" -e 0.12.0 -T 1 # known now
	pid=$(cluster_worker_pid celery-v0.11.2@old)
	kill -STOP "$pid"
	rcheck "$PLUGIN" -e 0.12.0 -T 1
	kill -CONT "$pid"
	expect_exit 1
	expect_perf unresponsive 1
	expect_contains "1 unresponsive (received the broadcast, no answer within 1 s)"
	expect_nothing_left
}

# The README's least-privilege user: configure, write and read on the check's own reply queue and Celery's
# reply exchange, write on the pidbox exchange; passive declares need nothing.
t_least_privilege() {
	local url="amqp://monitor:m0n1tor@127.0.0.1:$RABBIT_PORT//"
	rabbitctl add_user monitor m0n1tor >/dev/null
	rabbitctl set_permissions -p / monitor '^([0-9a-f-]{36}\.reply\.celery\.pidbox|reply\.celery\.pidbox)$' \
		'^([0-9a-f-]{36}\.reply\.celery\.pidbox|celery\.pidbox)$' \
		'^([0-9a-f-]{36}\.reply\.celery\.pidbox|reply\.celery\.pidbox)$' >/dev/null
	run "$PLUGIN" -u "$url" -e 0.12.0 -T 5
	expect_exit 1
	expect_perf workers 3
	run "$QUEUES" -u "$url" -e 0.12.0 -Q gpu,celery -T 5
	expect_exit 1
	expect_perf gpu_compatible 1
	# the management API wants the tag monitoring (it reads, nothing more)
	run "$QUEUES" -u "$url" -e 0.12.0 -Q gpu,celery -T 5 --management-url "$RABBIT_MGMT_URL"
	expect_exit 1
	expect_contains "needs the tag monitoring"
	rabbitctl set_user_tags monitor monitoring >/dev/null
	rabbit_wait_stats gpu || { fail "no statistics for gpu"; return; }
	run "$QUEUES" -u "$url" -e 0.12.0 -Q gpu,celery -T 5 --management-url "$RABBIT_MGMT_URL"
	expect_exit 1
	expect_not_contains "management API"
	expect_perf gpu_unacked 0
	# listening only: a server-named queue of its own, bound to celeryev
	rabbitctl set_permissions -p / monitor '^amq\.gen-.*' '^amq\.gen-.*' '^(amq\.gen-.*|celeryev)$' >/dev/null
	run "$PLUGIN" -u "$url" -e 0.12.0 -m heartbeat
	expect_exit 1
	expect_perf workers 3
	expect_perf hidden 0
	rabbitctl set_permissions -p / monitor '' '' '' >/dev/null # the vhost, and nothing in it
	run "$PLUGIN" -u "$url" -e 0.12.0 -T 5
	expect_exit 3
	expect_contains "403"
	expect_nothing_left
	rabbitctl delete_user monitor >/dev/null
}

t_faults() {
	local port
	run "$PLUGIN" -u "amqp://guest:guest@127.0.0.1:$RABBIT_PORT/nosuchvhost" -e 0.12.0
	expect_exit 3
	expect_contains "nosuchvhost"
	run "$PLUGIN" -u "amqp://guest:wrong@127.0.0.1:$RABBIT_PORT//" -e 0.12.0
	expect_exit 3
	expect_contains "closed the connection"
	expect_not_contains "wrong"
	run "$PLUGIN" -u "amqp://127.0.0.1:$(cluster_free_port)//" -e 0.12.0
	expect_exit 2
	expect_contains "cannot connect"
	run "$PLUGIN" -u "$RABBIT_URL" -e 0.12.0 -n 1
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - -n/--db does not apply to a RabbitMQ (AMQP) broker"
	run "$PLUGIN" -H 127.0.0.1 -p "$RABBIT_PORT" --broker amqp --vhost / -e 0.12.0
	expect_exit 1
	expect_perf workers 3
	# Redis's password variable stays Redis's: RabbitMQ gets kombu's guest/guest
	REDISCLI_AUTH=redis-secret run "$PLUGIN" -H 127.0.0.1 -p "$RABBIT_PORT" --broker amqp -e 0.12.0
	expect_exit 1
	expect_perf workers 3
	# something that takes the connection and drops it unanswered is an outage, not a login refused
	port=$(cluster_free_port)
	start_helper dropper -c 'import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); print("ready", flush=True)
c, _ = s.accept(); c.recv(8); c.close()' "$port" || { fail "the dropper did not start"; return; }
	run "$PLUGIN" -u "amqp://127.0.0.1:$port//" -e 0.12.0 -t 5
	stop_helper dropper
	expect_exit 2
	expect_contains "closed the connection while guest logged in"
}

# RabbitMQ's management API: every worker listening is known (the first check ends once they answered),
# every queue of the vhost is judged, unacknowledged messages are in the perfdata; when it cannot be read,
# a WARNING says so and the check goes on.
t_management_api() {
	local mgmt=(--management-url "$RABBIT_MGMT_URL")
	rm -rf "$MP_STATE_PATH" # nothing known from earlier checks
	rcheck "$PLUGIN" -e 0.12.0 -T 5 -v "${mgmt[@]}"
	expect_exit 1
	expect_perf workers 3
	expect_perf unresponsive 0
	expect_contains "broadcast reached 3 workers, 3 answered"
	expect_faster_than 1
	rabbit_send_tasks forgotten 3 # Celery declares it: bound to an exchange of its name
	rabbit_declare_and_fill stranger 2 '{}' || { fail "stranger not filled"; return; } # not Celery's
	rabbit_wait_stats gpu || { fail "no statistics for gpu"; return; }
	rm -rf "$MP_STATE_PATH"
	rcheck "$QUEUES" -e 0.12.0 -T 5 "${mgmt[@]}"
	expect_exit 2
	expect_contains "forgotten: 3 waiting, no compatible consumer"
	expect_not_contains "stranger"
	expect_perf gpu_unacked 0
	expect_perf forgotten_backlog 3
	expect_faster_than 1
	rcheck "$QUEUES" -e 0.12.0 -T 1 # without it, an unknown queue is not judged, and unacked is not known
	expect_not_contains "forgotten"
	expect_not_contains "_unacked"
	rcheck "$QUEUES" -e 0.12.0 -T 5 -Q stranger "${mgmt[@]}" # named, it is judged, and it is there
	expect_exit 2
	expect_contains "stranger: 2 waiting, no compatible consumer"
	expect_not_contains "knows no"
	rabbitctl delete_queue forgotten >/dev/null
	rabbitctl delete_queue stranger >/dev/null
	# another application's exclusive queue bound to celery.pidbox: a listener that does not answer
	cat >"$ASSERT_TMP/ghost.py" <<'PY'
import sys, time
import amqp
conn = amqp.Connection(host="127.0.0.1:" + sys.argv[1])
conn.connect()
ch = conn.channel()
ch.queue_declare("ghost@y.celery.pidbox", exclusive=True)
ch.queue_bind("ghost@y.celery.pidbox", "celery.pidbox")
print("ready", flush=True)
time.sleep(30)
PY
	start_helper ghost "$ASSERT_TMP/ghost.py" "$RABBIT_PORT" || { fail "the ghost server did not start"; return; }
	rcheck "$PLUGIN" -e 0.12.0 -T 2 "${mgmt[@]}"
	expect_exit 1
	expect_perf workers 3
	expect_perf unresponsive 1
	stop_helper ghost
	# a server that keeps the connection open after a whole answer is not waited for
	local port
	port=$(cluster_free_port)
	cat >"$ASSERT_TMP/keepalive.py" <<'PY'
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(4)
print("ready", flush=True)
held = []
for _ in range(2):
    c, _ = s.accept()
    c.recv(65536)
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]")
    held.append(c)
time.sleep(20)
PY
	start_helper keepalive "$ASSERT_TMP/keepalive.py" "$port" || { fail "the keepalive server did not start"; return; }
	rcheck "$PLUGIN" --accept '>=0.11' --allow-untagged -T 2 -t 10 --management-url "http://127.0.0.1:$port"
	expect_exit 0
	expect_not_contains "management API"
	expect_faster_than 4
	stop_helper keepalive
	rcheck "$PLUGIN" --accept '>=0.11' --allow-untagged -T 2 --management-url "http://127.0.0.1:$(cluster_free_port)"
	expect_exit 1
	expect_perf workers 3
	expect_contains "the management API"
	# a management API that takes the connection and never answers: half the time left, then WARNING; a
	# signal while it is read is heeded at once, and nothing of ours stays
	port=$(cluster_free_port)
	cat >"$ASSERT_TMP/staller.py" <<'PY'
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
print("ready", flush=True)
held = []
while True:
    c, _ = s.accept()
    held.append(c)
PY
	start_helper staller "$ASSERT_TMP/staller.py" "$port" || { fail "the staller server did not start"; return; }
	rcheck "$PLUGIN" --accept '>=0.11' --allow-untagged -T 2 -t 6 --management-url "http://127.0.0.1:$port"
	expect_exit 1
	expect_perf workers 3
	expect_contains "the management API"
	expect_faster_than 6
	plugin_bg -u "$RABBIT_URL" -e 0.12.0 -t 20 --management-url "http://127.0.0.1:$port"
	sleep 1
	kill -TERM "$BG_PID"
	plugin_wait
	expect_exit 3
	expect_contains "signal"
	expect_faster_than 2
	stop_helper staller
	run "$PLUGIN" -H 127.0.0.1 -e 0.12.0 "${mgmt[@]}"
	expect_exit 3
	expect_contains "--management-url (RabbitMQ only) does not apply to a Redis broker"
	expect_nothing_left
}

# A broker that stops answering: the check ends within -t with the timeout state, and (once the broker is
# back) nothing of ours stays.
t_stalled_broker() {
	local beam
	beam=$(rabbit_beam_pid)
	kill -STOP "$beam"
	run "$PLUGIN" -u "$RABBIT_URL" -e 0.12.0 -t 2
	kill -CONT "$beam"
	expect_exit 3
	expect_contains "time limit of 2 s reached"
	# -t, and the start and end of the process, which a sanitizer or a loaded machine slows (TIME_FACTOR)
	awk "BEGIN { exit !($SECS < 2 + 0.4 * ${TIME_FACTOR:-1.5}) }" || fail "took $SECS s with -t 2"
	sleep 1
	expect_nothing_left
}

# Killed in the middle of its wait: the broker drops the exclusive reply queue with the connection.
t_killed_check_leaves_nothing() {
	local pid left=
	rm -rf "$MP_STATE_PATH" # no worker known: the check waits out -T
	"$PLUGIN" -u "$RABBIT_URL" -e 0.12.0 -T 20 -t 25 >"$ASSERT_TMP/killed.out" 2>&1 &
	pid=$!
	for _ in $(seq 20); do
		left=$(rabbit_our_leftovers)
		[ -n "$left" ] && break
		sleep 0.2
	done
	[ -n "$left" ] || fail "no reply queue while the check waits: $(cat "$ASSERT_TMP/killed.out")"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	sleep 0.5
	expect_nothing_left
}

t_memory_alarm_is_critical() {
	rabbitctl set_vm_memory_high_watermark 0.0000001 >/dev/null
	sleep 1
	run "$PLUGIN" -u "$RABBIT_URL" -e 0.12.0 -T 1 -t 4
	rabbitctl set_vm_memory_high_watermark 0.4 >/dev/null
	expect_no_stderr
	expect_exit 2
	expect_contains "the broker blocks publishers (low on memory): tasks cannot be sent"
	expect_not_contains "could not remove"
	sleep 1 # the broker reads again, and sees our connection closed
	expect_nothing_left
}

# amqps://: the certificate and the host name verified by default; a wrong CA, a name the certificate does
# not hold, --insecure; a CA file that is not there is a typo (UNKNOWN), not an outage.
t_tls() {
	local pki=$RABBIT_TLS_DIR
	run "$PLUGIN" -u "amqps://localhost:$RABBIT_TLS_PORT//" --cacert "$pki/ca.crt" -e 0.12.0 -v
	expect_exit 1
	expect_perf workers 3
	expect_contains "broker: localhost:$RABBIT_TLS_PORT vhost /"
	run "$PLUGIN" -H localhost -p "$RABBIT_TLS_PORT" --broker amqp --tls --cacert "$pki/ca.crt" -e 0.12.0
	expect_exit 1
	expect_perf workers 3
	run "$PLUGIN" -u "amqps://localhost:$RABBIT_TLS_PORT//" --cacert "$pki/other-ca.crt" -e 0.12.0
	expect_exit 2
	expect_contains "cannot connect to localhost:$RABBIT_TLS_PORT"
	run "$PLUGIN" -u "amqps://127.0.0.1:$RABBIT_TLS_PORT//" --cacert "$pki/other-ca.crt" -e 0.12.0
	expect_exit 2
	local port pid # a TLS server whose certificate names elsewhere.example only
	port=$(cluster_free_port)
	openssl s_server -quiet -accept "127.0.0.1:$port" -cert "$pki/wrongname.crt" -key "$pki/wrongname.key" \
		</dev/null >/dev/null 2>&1 &
	pid=$!
	sleep 0.5
	run "$PLUGIN" -u "amqps://localhost:$port//" --cacert "$pki/ca.crt" -e 0.12.0 -t 3
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	expect_exit 2
	expect_contains "cannot connect to localhost:$port"
	expect_contains "hostname"
	run "$PLUGIN" -u "amqps://localhost:$RABBIT_TLS_PORT//" --insecure -e 0.12.0
	expect_exit 1
	expect_perf workers 3
	# the management API over https, verified with the same CA; a CA that did not sign it: WARNING
	run "$PLUGIN" -u "amqps://localhost:$RABBIT_TLS_PORT//" --cacert "$pki/ca.crt" --accept '>=0.11' \
		--allow-untagged --management-url "https://localhost:$RABBIT_MGMTS_PORT" -T 5 -v
	expect_exit 0
	expect_contains "management API: "
	expect_faster_than 1
	run "$PLUGIN" -u "amqp://127.0.0.1:$RABBIT_PORT//" --cacert "$pki/other-ca.crt" --accept '>=0.11' \
		--allow-untagged --management-url "https://localhost:$RABBIT_MGMTS_PORT" -T 2
	expect_exit 1
	expect_contains "the management API"
	expect_perf workers 3
	run "$PLUGIN" -u "amqps://localhost:$RABBIT_TLS_PORT//" --cacert "$pki/nosuch.crt" -e 0.12.0
	expect_exit 3
	expect_contains "nosuch.crt"
	run "$PLUGIN" -u "amqps://localhost:$RABBIT_PORT//" --cacert "$pki/ca.crt" -e 0.12.0 -t 3
	expect_exit 2
	expect_contains "cannot connect"
	run "$PLUGIN" -u "amqps://localhost:$RABBIT_TLS_PORT//" --capath "$pki" -e 0.12.0
	expect_exit 3
	expect_contains "--capath"
}

# The event handler: the untagged worker stops consuming gpu (the broker's own count drops to 1), the
# current one keeps it. Last: the fleet is changed.
t_quarantine_execute() {
	local handler
	handler="$(dirname "$PLUGIN")/celery_quarantine_workers"
	rcheck "$handler" -e 0.12.0 -Q gpu
	expect_exit 0
	expect_line1 "CELERY QUARANTINE OK - dry run: 1 action on 1 worker would be taken (--execute acts)"
	[ "$(rabbitctl list_queues name consumers | awk '$1 == "gpu" { print $2 }')" = 2 ] || fail "the dry run changed gpu's consumers"
	rcheck "$handler" -e 0.12.0 -Q gpu --execute
	expect_exit 0
	expect_line1 "CELERY QUARANTINE OK - 1 of 1 action on 1 worker took effect"
	expect_contains "executed: cancel_consumer gpu on celery@46b9a1cf718a (untagged), policy 0.12.0: took effect - the worker said: no longer consuming from gpu"
	[ "$(rabbitctl list_queues name consumers | awk '$1 == "gpu" { print $2 }')" = 1 ] || fail "gpu's consumers did not drop to 1"
	rcheck "$QUEUES" -e 0.12.0 -Q gpu
	expect_exit 0
	expect_perf_item "gpu_compatible=1;;1:;0"
	expect_perf_item "gpu_incompatible=0;0;;0"
	expect_perf_item "gpu_hidden=0;0;;0"
	expect_nothing_left
}

if ! rabbit_available; then
	echo "SKIP: rabbitmq-server is not installed (apt-get install rabbitmq-server)"
	exit 0
fi
assert_init
cluster_init
RABBIT_TLS_DIR="$CLUSTER_DIR/pki"
pki_make "$RABBIT_TLS_DIR" || exit 2
RABBIT_MANAGEMENT=1 rabbit_start || exit 2
rabbit_worker celery-v0.12.0@current gpu,celery
rabbit_worker celery@46b9a1cf718a gpu
rabbit_worker celery-v0.11.2@old celery
for node in celery-v0.12.0@current celery@46b9a1cf718a celery-v0.11.2@old; do
	rabbit_wait_consumers "$node.celery.pidbox" 1 || exit 2 # the control queue comes after the task queues
done

test_case "three workers: the verdict, summary and perfdata of Redis" t_three_workers
test_case "workers seen before end the wait" t_known_workers_end_the_wait
test_case "-e, -e newest with -Q, --accept and --allow-untagged" t_policies_as_on_redis
test_case "--worker: a named one answers at once, a gone one is named" t_named_worker
test_case "1,500 gone workers in the state file, 100 unknown queues" t_many_gone_names
test_case "queue health: the same verdict as on Redis" t_queue_health_as_on_redis
test_case "a -Q typo: the broker says there is no such queue" t_typo_queue_named_by_the_broker
test_case "a worker with remote control off: a hidden consumer" t_hidden_consumer
test_case "-m both and -m heartbeat: a worker with remote control off is hidden" t_heartbeat_modes
test_case "a queue whose consumer died, with 3 tasks: CRITICAL without -Q" t_abandoned_queue
test_case "priority and quorum queues: every message counted" t_priority_and_quorum_queues
test_case "a stopped worker: unresponsive" t_stopped_worker_is_unresponsive
test_case "the README's least-privilege user" t_least_privilege
test_case "vhost typo, wrong password, no broker, a Redis option, -H with --broker amqp" t_faults
test_case "amqps://: verified by default, wrong CA, --insecure, typos" t_tls
test_case "the management API: every listener and queue known, or a WARNING" t_management_api
test_case "a stalled broker: -t holds" t_stalled_broker
test_case "a killed check leaves nothing" t_killed_check_leaves_nothing
test_case "a memory alarm: CRITICAL" t_memory_alarm_is_critical
test_case "celery_quarantine_workers --execute: the untagged worker leaves gpu" t_quarantine_execute

cluster_stop
assert_summary
