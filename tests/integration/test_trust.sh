#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test_trust.sh: never harm, never lose, never lie. Real Celery workers configured as deployments configure
# them (kombu's sep and priority_steps, fanout options, another database, a namespace needing JSON escapes),
# a broker stalled mid-check, cleanup refused by an ACL, checks cut short, 2,000 simulated workers behind
# a slow network, and the faults a fake broker can stage. Usage: test_trust.sh PLUGIN_DIR
. "$(dirname "$0")/../lib/plugin_test.sh" check_celery_worker_versions "${1:-}"
QUEUE_PLUGIN="$(dirname "$PLUGIN")/check_celery_queue_health"
FAKE="$CLUSTER_SRC/tests/lib"
. "$FAKE/background.sh"

# Celery's documented Redis priority setup.
PRIORITY_OPTIONS='{"sep": ":", "priority_steps": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}'
STEPS=priority_steps=0,1,2,3,4,5,6,7,8,9

SEP_NODES=celery-v0.12.0@sepcurrent,celery@sepstale # asked by name, their answers end celery inspect's wait

# celery_on PORT [ENV=VALUE...] -- ARGS...: Celery's own command line against the broker on PORT.
celery_on() {
	local port=$1
	shift
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	env BROKER_URL="redis://127.0.0.1:$port/0" PYTHONPATH="$CLUSTER_SRC/tests/celery_app" "${envs[@]}" \
		"$CLUSTER_PYTHON" -W ignore -m celery -A celery_test_app "$@" 2>&1
}

t_sep_colon_and_ten_priority_steps() {
	local out i
	plugin -p "$SEP_PORT" -e 0.12.0 -v
	expect_exit 1
	expect_line1 "CELERY WORKERS WARNING - 1 of 2 workers compatible with 0.12.0; incompatible: celery@sepstale (untagged)"
	expect_perf unresponsive 0
	expect_keyspace_clean "$SEP_PORT"
	run ${PLUGIN_WRAPPER:-} "$QUEUE_PLUGIN" -p "$SEP_PORT" -e 0.12.0 -Q waiting,gpu --transport-option "$STEPS"
	expect_exit 2
	expect_line1 "CELERY QUEUES CRITICAL - waiting: 4 waiting, no compatible consumer; gpu: 1 compatible, 1 incompatible [celery@sepstale (untagged)], 0 waiting"
	expect_perf waiting_backlog 4
	# Discovery reads the binding sets written with ':' too.
	run ${PLUGIN_WRAPPER:-} "$QUEUE_PLUGIN" -p "$SEP_PORT" -e 0.12.0 --allow-untagged --transport-option sep=: \
		--transport-option "$STEPS"
	expect_exit 2
	expect_line1 "CELERY QUEUES CRITICAL - waiting: 4 waiting, no compatible consumer"
	expect_perf celery_compatible 1
	expect_perf gpu_compatible 2
	# 20 checks, then the workers still answer Celery's own remote control.
	for i in $(seq 10); do
		"$PLUGIN" -p "$SEP_PORT" -e 0.12.0 >/dev/null
		"$QUEUE_PLUGIN" -p "$SEP_PORT" -e 0.12.0 >/dev/null
	done
	out=$(celery_on "$SEP_PORT" TRANSPORT_OPTIONS="$PRIORITY_OPTIONS" -- inspect ping -t 2 -d "$SEP_NODES")
	case "$out" in *"2 nodes online"*) ;; *) fail "after 20 checks: celery inspect ping said: $out" ;; esac
	expect_keyspace_clean "$SEP_PORT"
}

# A worker whose node name holds the separator (w:1 under sep ':') binds its pidbox queue with four fields
# ("::celery-v0.12.0@w:1.celery.pidbox", harmless on Redis): the separator is still learned, the others
# judged, and that one named.
t_a_node_name_holding_the_separator() {
	local member='::celery-v0.12.0@w:1.celery.pidbox'
	redis-cli -p "$SEP_PORT" sadd _kombu.binding.celery.pidbox "$member" >/dev/null
	plugin -p "$SEP_PORT" -e 0.12.0 -v --state-file "$ASSERT_TMP/colon.state"
	expect_exit 1
	expect_line1 "CELERY WORKERS WARNING - 1 of 2 workers compatible with 0.12.0; incompatible: celery@sepstale (untagged)"
	expect_contains "celery-v0.12.0@w:1: its node name holds kombu's separator"
	run ${PLUGIN_WRAPPER:-} "$QUEUE_PLUGIN" -p "$SEP_PORT" -e 0.12.0 -Q gpu --transport-option sep=: \
		--transport-option "$STEPS"
	expect_no_stderr
	expect_exit 1
	expect_perf gpu_compatible 1
	redis-cli -p "$SEP_PORT" srem _kombu.binding.celery.pidbox "$member" >/dev/null
	expect_keyspace_clean "$SEP_PORT"
}

t_a_separator_that_would_harm_is_refused() {
	local out
	plugin -p "$SEP_PORT" -e 0.12.0 --transport-option 'sep=\x06\x16'
	expect_exit 3
	expect_one_line
	expect_contains "do not split with the --transport-option sep given"
	# A killed worker of kombu's default separator left its pidbox binding beside the live ':' ones: which
	# one the live workers split with cannot be known, so nothing is written and the workers are heard.
	redis-cli -p "$SEP_PORT" sadd _kombu.binding.celery.pidbox $'\x06\x16\x06\x16killed@h.celery.pidbox' >/dev/null
	plugin -p "$SEP_PORT" -e 0.12.0
	redis-cli -p "$SEP_PORT" srem _kombu.binding.celery.pidbox $'\x06\x16\x06\x16killed@h.celery.pidbox' >/dev/null
	expect_exit 1
	expect_contains "no broadcast: kombu's key separator is unknown (the workers' bindings disagree on it: killed workers of another separator?)"
	expect_contains "2 heard of the 2 that receive remote control"
	expect_keyspace_clean "$SEP_PORT"
	out=$(celery_on "$SEP_PORT" TRANSPORT_OPTIONS="$PRIORITY_OPTIONS" -- inspect ping -t 2 -d "$SEP_NODES")
	case "$out" in *"2 nodes online"*) ;; *) fail "celery inspect ping said: $out" ;; esac
}

t_fanout_options_off() {
	local out
	plugin -p "$FAN_PORT" -e 0.12.0
	expect_exit 2
	expect_perf workers 0
	plugin -p "$FAN_PORT" -e 0.12.0 --transport-option fanout_prefix=false --transport-option fanout_patterns=false -v
	expect_exit 0
	expect_line1 "CELERY WORKERS OK - 1 of 1 workers compatible with 0.12.0"
	expect_keyspace_clean "$FAN_PORT"
	out=$(celery_on "$FAN_PORT" TRANSPORT_OPTIONS='{"fanout_prefix": false, "fanout_patterns": false}' -- inspect ping -t 2 -d celery-v0.12.0@fan)
	case "$out" in *"1 node online"*) ;; *) fail "celery inspect ping said: $out" ;; esac
}

t_worker_on_database_1() {
	check -e 0.12.0 -n 1 -v
	expect_exit 0
	expect_line1 "CELERY WORKERS OK - 1 of 1 workers compatible with 0.12.0"
	expect_contains "celery-v0.12.0@db1: version 0.12.0, compatible"
	expect_keyspace_clean "$REDIS_PORT" 1
	plugin -u "redis://127.0.0.1:$REDIS_PORT/1" -e 0.12.0
	expect_perf workers 1
	expect_keyspace_clean "$REDIS_PORT" 1
	expect_keyspace_clean "$REDIS_PORT" 0
}

# A backslash would be escaped too, but kombu subscribes with a glob pattern, where a backslash escapes the
# next character: Celery itself cannot use one in control_exchange.
t_namespace_needing_json_escapes() {
	check -e 0.12.0 --namespace 'ctl"q' -v
	expect_exit 0
	expect_contains "celery-v0.12.0@quoted: version 0.12.0, compatible"
	expect_keyspace_clean "$REDIS_PORT"
	# Without -Q, the second app's control queues (its pidbox binding set and queues, NODE.ctl"q.pidbox)
	# are never judged as task queues, nor are the first app's.
	[ -n "$(cluster_redis smembers '_kombu.binding.ctl"q.pidbox')" ] || fail "the second app bound no pidbox queue"
	run ${PLUGIN_WRAPPER:-} "$QUEUE_PLUGIN" -H "$CLUSTER_HOST" -p "$REDIS_PORT" -e 0.12.0 -v
	expect_no_stderr
	expect_not_contains "pidbox"
	expect_not_contains 'ctl"q'
	expect_contains "celery: "
}

# A hung worker and an untagged one, -T longer than -t: the untagged worker is reported, not hidden.
t_evidence_survives_the_time_limit() {
	local pid
	pid=$(cluster_worker_pid celery-v0.11.0@hostC)
	kill -STOP "$pid"
	check -e 0.12.0 -T 5 -t 2 -v
	kill -CONT "$pid"
	expect_exit 1
	expect_line1 "CELERY WORKERS WARNING - time limit of 2 s reached: 1 of 3 workers had not answered; 1 of 2 workers compatible with 0.12.0; incompatible: celery@46b9a1cf718a (untagged)"
	expect_contains "celery-v0.12.0@hostA: version 0.12.0, compatible"
	expect_contains "-T 5 s was shortened to 1."
	expect_faster_than 2.2
	run ${PLUGIN_WRAPPER:-} "$QUEUE_PLUGIN" -p "$REDIS_PORT" -e 0.12.0 -Q gpu -T 5 -t 2
	expect_exit 1
	expect_line1 "CELERY QUEUES WARNING - gpu: 1 compatible, 1 incompatible [celery@46b9a1cf718a (untagged)], 0 waiting"
}

# The broker stalls (SIGSTOP) past -t while the check's binding is in it; once it resumes, the next check
# removes what the stalled one left.
t_a_stalled_broker_is_swept_by_the_next_check() {
	local before pid
	before=$(keyspace "$STALL_PORT")
	pid=$(cat "$CLUSTER_DIR/STALL/redis.pid")
	plugin_bg -p "$STALL_PORT" -e 0.12.0 -T 0.5 -t 1
	wait_for_binding "$STALL_PORT"
	kill -STOP "$pid"
	plugin_wait
	kill -CONT "$pid"
	expect_exit 1 # the limit (UNKNOWN), and our binding left in the broker (WARNING)
	expect_contains "CELERY WORKERS WARNING - time limit of 1 s reached: "
	expect_contains "could not remove this check's reply queue from the broker"
	expect_faster_than 1.7
	[ "$(keyspace "$STALL_PORT")" != "$before" ] || fail "the stalled check left nothing: the test proves nothing"
	sleep 3.2 # the stalled check's binding expires -t + 3 s after it started at the latest, by the broker's clock
	plugin -p "$STALL_PORT" -e 0.12.0 -T 0.3
	expect_perf workers 0
	[ "$(keyspace "$STALL_PORT")" = "$before" ] || fail "left behind: $(keyspace "$STALL_PORT")"
}

t_a_refused_cleanup_is_a_warning() {
	printf 'mon-pw\n' >"$ASSERT_TMP/mon.pw"
	cluster_redis ACL SETUSER nocleanup reset on '>mon-pw' -@all +info +time +select +scan +smembers \
		+srandmember +sadd +publish +blmpop +brpop +rpop '~*' '&*' >/dev/null
	plugin -p "$REDIS_PORT" --username nocleanup --password-file "$ASSERT_TMP/mon.pw" -e 0.12.0 \
		--allow-untagged -w 1 -t 1
	cluster_redis ACL DELUSER nocleanup >/dev/null
	expect_exit 1
	expect_one_line
	expect_contains "CELERY WORKERS WARNING - 2 of 3 workers compatible with 0.12.0; incompatible: celery-v0.11.0@hostC (version 0.11.0); could not remove this check's reply queue from the broker: SREM: the broker refused: NOPERM"
	expect_contains "'srem'"
	sleep 4.1 # then, once it has expired, a check by a user who may clean up removes it
	check -e 0.12.0
	expect_exit 1
}

# One hostile peer pushing three malformed messages with our ticket cannot pass for three answers.
t_malformed_messages_do_not_count() {
	start_helper silent "$FAKE/fake_peer.py" "$REDIS_PORT" silent || return
	start_helper peer "$FAKE/fake_peer.py" "$REDIS_PORT" hostile threebad || return
	check -e 0.12.0 -T 1 -v
	stop_helper peer
	stop_helper silent
	expect_exit 1
	expect_perf workers 3
	expect_perf unresponsive 2
	expect_contains "broadcast reached 5 workers, 3 answered"
	expect_contains "3 messages ignored"
}

t_names_with_nul_and_invalid_utf8() {
	start_helper peer "$FAKE/fake_peer.py" "$REDIS_PORT" hostile nulname || return
	check -e 0.12.0 -v
	stop_helper peer
	expect_perf workers 4
	expect_contains "ignored a message: reply body holds a NUL character"
	expect_not_contains "nul-v0.12.0"
	start_helper peer "$FAKE/fake_peer.py" "$REDIS_PORT" hostile badutf8 || return
	check -e 0.12.0 --json
	stop_helper peer
	expect_exit 1
	printf '%s' "$OUT" | "$CLUSTER_PYTHON" -c '
import json, sys
d = json.loads(sys.stdin.buffer.read().decode("utf-8"))  # strict: invalid UTF-8 fails here
assert "bad\ufffd\ufffd-v0.12.0@peer" in d["workers"], d["workers"].keys()
assert d["workers"]["bad\ufffd\ufffd-v0.12.0@peer"]["queues"] == ["q\ufffd"]
' || fail "--json is not valid UTF-8 with the names repaired"
}

# A reply pushed into a priority sub-list of our reply queue is removed by the cleanup's DEL.
t_extra_message_in_a_reply_sub_list() {
	start_helper peer "$FAKE/fake_peer.py" "$PEER_PORT" sublist || return
	plugin -p "$PEER_PORT" -e 0.12.0
	stop_helper peer
	expect_exit 0
	expect_perf workers 1
	expect_keyspace_clean "$PEER_PORT"
}

# A message over the size cap in the middle of a batch is skipped; the replies around it count.
t_huge_message_inside_a_batch() {
	start_helper peer "$FAKE/fake_peer.py" "$PEER_PORT" hugebatch || return
	plugin -p "$PEER_PORT" -e 0.12.0 -v -T 15 -t 20
	stop_helper peer
	expect_exit 0
	expect_perf workers 2
	expect_contains "first-v0.12.0@peer: version 0.12.0, compatible"
	expect_contains "second-v0.12.0@peer: version 0.12.0, compatible"
	expect_contains "ignored a message: a reply larger than the 4 MiB size cap"
	expect_keyspace_clean "$PEER_PORT"
}

# A reply looked up before our SREM and pushed right after it lands in the linger, not after the DEL.
t_reply_already_on_its_way() {
	start_helper peer "$FAKE/fake_peer.py" "$PEER_PORT" late || return
	plugin -p "$PEER_PORT" -e 0.12.0 -T 0.3 -C 0:
	stop_helper peer
	expect_exit 1
	expect_perf unresponsive 1
	sleep 0.2
	expect_keyspace_clean "$PEER_PORT"
}

# A worker stalled between its look-up and its push (0.5 s, long after the cleanup's DEL): its reply lands
# in the expiring marker the cleanup left, never in a list that would stay for good.
t_reply_pushed_long_after_the_check() {
	local lists before
	before=$(redis-cli -p "$PEER_PORT" --scan --pattern 'check_celery.*') # earlier tests' markers
	start_helper peer "$FAKE/fake_peer.py" "$PEER_PORT" stalled || return
	plugin -p "$PEER_PORT" -e 0.12.0 -T 0.3 -C 0:
	sleep 0.8
	stop_helper peer
	expect_exit 1
	lists=$(redis-cli -p "$PEER_PORT" --scan --pattern 'check_celery.*' | grep -vxF "${before:-none}")
	[ "$(printf '%s\n' "$lists" | grep -c .)" = 1 ] || fail "expected one reply list, the marker: $lists"
	[ "$(redis-cli -p "$PEER_PORT" llen "$lists")" = 2 ] || fail "the late reply did not land in the marker"
	expect_keyspace_clean "$PEER_PORT"
	redis-cli -p "$PEER_PORT" del "$lists" >/dev/null
}

t_two_thousand_workers_behind_a_slow_network() {
	local proxy
	proxy=$(cluster_free_port)
	start_helper fleet "$FAKE/fake_peer.py" "$PEER_PORT" fleet 2000 || return
	start_helper proxy "$FAKE/delay_proxy.py" "$proxy" "$PEER_PORT" 1 || return
	# -T 1 (longer under valgrind, whose CPU cost per reply is not the network's)
	plugin -p "$proxy" -e 0.12.0 -T "${TIME_FACTOR:-1}" -t 20
	stop_helper proxy
	stop_helper fleet
	expect_exit 0
	expect_perf workers 2000
	expect_perf unresponsive 0
	expect_keyspace_clean "$PEER_PORT"
}

# fake_broker LLEN: the scripted fake broker (one worker that never replies), logging to $ASSERT_TMP/log.
fake_broker() {
	FAKE_PORT=$(cluster_free_port)
	: >"$ASSERT_TMP/log"
	start_helper fake "$FAKE/fake_redis.py" "$FAKE_PORT" scripted "$ASSERT_TMP/log" "$1"
}

t_sigterm_during_connect_and_connect_timeout() {
	local port
	port=$(cluster_free_port)
	start_helper fake "$FAKE/fake_redis.py" "$port" noaccept || return
	plugin -p "$port" -e 0.12.0 -t 1
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - time limit of 1 s reached: cannot connect to 127.0.0.1:$port/0: the broker did not accept the connection in time"
	plugin -p "$port" -e 0.12.0 -t 1:critical
	expect_exit 2
	plugin_bg -p "$port" -e 0.12.0 -t 5
	sleep "$(awk "BEGIN { print 0.3 * ${TIME_FACTOR:-1} }")" # valgrind starts slowly: the handlers first
	kill -TERM "$BG_PID"
	plugin_wait
	stop_helper fake
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - stopped by Terminated: cannot connect to 127.0.0.1:$port/0: interrupted by a signal"
	expect_faster_than 0.6
}

t_cleanup_after_sigterm_reaches_the_broker() {
	fake_broker answer || return
	plugin_bg -p "$FAKE_PORT" -e 0.12.0 -T 5
	for _ in $(seq 100); do grep -q '^BLMPOP' "$ASSERT_TMP/log" && break; sleep 0.02; done
	kill -TERM "$BG_PID"
	plugin_wait
	stop_helper fake
	expect_exit 3
	expect_contains "CELERY WORKERS UNKNOWN - stopped by Terminated: while collecting replies: interrupted by a signal"
	sed -n '/^PUBLISH/,$p' "$ASSERT_TMP/log" | grep -q '^SREM _kombu.binding.check_celery.reply.celery.pidbox check_celery\.' ||
		fail "no SREM of our binding after the signal: $(cut -c1-80 "$ASSERT_TMP/log")"
	sed -n '/^SREM/,$p' "$ASSERT_TMP/log" | grep -q '^DEL check_celery\..*\.reply\.celery\.pidbox' ||
		fail "no DEL of our reply lists after the SREM: $(cut -c1-80 "$ASSERT_TMP/log")"
}

# SIGTERM while the queue lengths are read: the read waits for an answer (one queue) or cannot even send
# its pipeline (30,000 queues, 120,000 LLENs, to a broker that stopped reading).
t_sigterm_during_the_backlog_read() {
	local queues=() i
	fake_broker hang || return
	run_queue_plugin_and_term -Q gpu
	stop_helper fake
	for i in $(seq 10); do
		queues+=(-Q "$(seq -s , -f "q$i-%05g" 1 3000)")
	done
	fake_broker stopread || return
	run_queue_plugin_and_term "${queues[@]}"
	stop_helper fake
}

# run_queue_plugin_and_term ARGS...: the queue plugin against the fake broker, SIGTERM once it reads LLENs.
run_queue_plugin_and_term() {
	BG_START=$(date +%s.%N)
	${PLUGIN_WRAPPER:-} "$QUEUE_PLUGIN" -p "$FAKE_PORT" -e 0.12.0 -T 0.2 -t 20 "$@" >"$ASSERT_TMP/bg.out" \
		2>"$ASSERT_TMP/stderr" &
	BG_PID=$!
	for _ in $(seq 3000); do grep -q '^LLEN' "$ASSERT_TMP/log" && break; sleep 0.02; done # 120,000 LLENs take a while to format under ASan
	grep -q '^LLEN' "$ASSERT_TMP/log" || fail "the plugin never read a queue length"
	local term
	term=$(date +%s.%N)
	kill -TERM "$BG_PID"
	plugin_wait
	# the workers were judged before the signal: the one that never answers leaves no compatible consumer
	expect_exit 2
	expect_contains "CELERY QUEUES CRITICAL - stopped by Terminated: cannot read queue lengths: interrupted by a signal; "
	expect_contains ": no compatible consumer, backlog not read"
	awk "BEGIN { exit !($(date +%s.%N) - $term < 1 * ${TIME_FACTOR:-1}) }" || fail "the signal was not heeded at once"
}

# FLUSHDB (a restore, an eviction, an operator) under workers with sep=':' and ten priority steps: kombu's
# bindings are gone and the workers do not write them again. A member written with the default separator
# would break their remote control and task consumption for good; so checks without --transport-option
# write nothing, hear the workers instead, and Celery's own inspect ping still finds both afterwards, and a
# task sent then still runs. With the separator given, a check broadcasts at once.
t_flushed_broker_with_sep_colon() {
	local out i
	redis-cli -p "$SEP_PORT" flushdb >/dev/null
	for i in 1 2 3; do
		plugin -p "$SEP_PORT" -e 0.12.0 -v
		expect_keyspace_clean "$SEP_PORT"
	done
	expect_exit 1
	expect_contains "1 of 2 workers compatible with 0.12.0; incompatible: celery@sepstale (untagged)"
	expect_contains "no broadcast: kombu's key separator is unknown (the broker holds no binding of the workers: flushed?), so the workers were listened to instead: 2 heard of the 2 that receive remote control"
	[ -z "$(redis-cli -p "$SEP_PORT" --scan)" ] || fail "the checks wrote into the flushed broker: $(redis-cli -p "$SEP_PORT" --scan)"
	run ${PLUGIN_WRAPPER:-} "$QUEUE_PLUGIN" -p "$SEP_PORT" -e 0.12.0 -Q gpu
	expect_no_stderr
	expect_exit 1 # the lost bindings (WARNING) outrank the consumers that cannot be counted (UNKNOWN)
	expect_contains "who consumes which queue cannot be told without the broadcast"
	run ${PLUGIN_WRAPPER:-} "$(dirname "$PLUGIN")/celery_quarantine_workers" -p "$SEP_PORT" -e 0.12.0 --execute
	expect_no_stderr
	expect_exit 2
	expect_contains "kombu's key separator is unknown"
	plugin -p "$SEP_PORT" -e 0.12.0 -t 2
	expect_exit 3
	expect_contains "-t leaves less than 2.5 s for that"
	plugin -p "$SEP_PORT" -e 0.12.0 -v --transport-option sep=: --transport-option "$STEPS"
	expect_exit 1
	expect_not_contains "no broadcast"
	expect_perf workers 2
	expect_keyspace_clean "$SEP_PORT"
	out=$(celery_on "$SEP_PORT" TRANSPORT_OPTIONS="$PRIORITY_OPTIONS" -- inspect ping -t 2 -d "$SEP_NODES")
	case "$out" in *"2 nodes online"*) ;; *) fail "after the checks: celery inspect ping said: $out" ;; esac
	REDIS_PORT=$SEP_PORT TRANSPORT_OPTIONS=$PRIORITY_OPTIONS cluster_send_tasks gpu 0 || fail "no task sent"
	for i in $(seq 100); do
		[ "$(redis-cli -p "$SEP_PORT" llen gpu)" = 0 ] && break
		sleep 0.1
	done
	[ "$(redis-cli -p "$SEP_PORT" llen gpu)" = 0 ] || fail "a task sent after the checks was not taken"
}

assert_init
cluster_init
cluster_start_redis REDIS || exit 2
cluster_start_redis SEP || exit 2
cluster_start_redis FAN || exit 2
cluster_start_redis STALL || exit 2
cluster_start_redis PEER || exit 2
cluster_start_demo_fleet || exit 2
cluster_start_worker celery-v0.12.0@db1 celery BROKER_URL="redis://127.0.0.1:$REDIS_PORT/1"
cluster_start_worker celery-v0.12.0@quoted celery CONTROL_EXCHANGE='ctl"q'
cluster_start_worker celery-v0.12.0@sepcurrent gpu,celery BROKER_URL="redis://127.0.0.1:$SEP_PORT/0" \
	TRANSPORT_OPTIONS="$PRIORITY_OPTIONS"
cluster_start_worker celery@sepstale gpu BROKER_URL="redis://127.0.0.1:$SEP_PORT/0" \
	TRANSPORT_OPTIONS="$PRIORITY_OPTIONS"
cluster_start_worker celery-v0.12.0@fan celery BROKER_URL="redis://127.0.0.1:$FAN_PORT/0" \
	TRANSPORT_OPTIONS='{"fanout_prefix": false, "fanout_patterns": false}'
cluster_start_helper_silent() { start_helper silent0 "$FAKE/fake_peer.py" "$STALL_PORT" silent; }
cluster_wait_subscribed 5 || exit 2
cluster_wait_subscribed 2 "$SEP_PORT" || exit 2
cluster_wait_subscribed 1 "$FAN_PORT" || exit 2
cluster_start_helper_silent || exit 2
# Four tasks at priorities 0, 3, 5 and 9 in a queue nobody consumes, sent as the app sends them.
REDIS_PORT=$SEP_PORT TRANSPORT_OPTIONS=$PRIORITY_OPTIONS cluster_send_tasks waiting 0 3 5 9 || exit 2

test_case "sep=: and ten priority steps: counts, backlog, and workers still answer after 20 checks" t_sep_colon_and_ten_priority_steps
test_case "a node name holding the separator: the others judged, that one named" t_a_node_name_holding_the_separator
test_case "a separator that would harm a worker is refused" t_a_separator_that_would_harm_is_refused
test_case "fanout_prefix and fanout_patterns off" t_fanout_options_off
test_case "a worker on database 1 is found; database 1 is left clean" t_worker_on_database_1
test_case "a namespace holding \" is escaped in the broadcast" t_namespace_needing_json_escapes
test_case "-T longer than -t with a hung worker: the untagged one is still reported" t_evidence_survives_the_time_limit
test_case "a broker stalled past -t: the next check sweeps what was left" t_a_stalled_broker_is_swept_by_the_next_check
test_case "an ACL refusing the cleanup: WARNING naming the command" t_a_refused_cleanup_is_a_warning
test_case "malformed messages with our ticket do not count as answers" t_malformed_messages_do_not_count
test_case "a NUL in a node name and invalid UTF-8 in names" t_names_with_nul_and_invalid_utf8
test_case "an extra message in a reply sub-list is deleted" t_extra_message_in_a_reply_sub_list
test_case "a 64 MiB message in the middle of a batch is skipped, its neighbours count" t_huge_message_inside_a_batch
test_case "a reply already on its way when the check ends is removed" t_reply_already_on_its_way
test_case "a reply pushed long after the check lands in a list that expires" t_reply_pushed_long_after_the_check
test_case "2,000 simulated workers behind 1 ms each way: all counted" t_two_thousand_workers_behind_a_slow_network
test_case "SIGTERM during connect is UNKNOWN; a connect that runs out -t takes -t's state" t_sigterm_during_connect_and_connect_timeout
test_case "after SIGTERM the cleanup still reaches the broker" t_cleanup_after_sigterm_reaches_the_broker
test_case "SIGTERM while reading queue lengths is heeded at once" t_sigterm_during_the_backlog_read
test_case "FLUSHDB under sep=: workers: checks never break them, and say what they could not learn" t_flushed_broker_with_sep_colon

cluster_stop
assert_summary
