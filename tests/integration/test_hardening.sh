#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test_hardening.sh: hostile replies, broker faults, signals, concurrency, scale and least privilege, with
# real redis-servers, real Celery workers and a fake peer whose replies are checked against the captured
# ones. Usage: test_hardening.sh PLUGIN_DIR
. "$(dirname "$0")/../lib/plugin_test.sh" check_celery_worker_versions "${1:-}"
QUEUE_PLUGIN="$(dirname "$PLUGIN")/check_celery_queue_health"
FAKE="$CLUSTER_SRC/tests/lib"
. "$FAKE/background.sh"

t_fake_replies_match_capture() {
	run "$CLUSTER_PYTHON" "$FAKE/fake_peer.py" 0 selftest
	expect_exit 0
	expect_contains "byte for byte"
}

# hostile KIND [SECONDS]: a peer pushes a hostile message, then a valid reply; the three real workers answer
# too. The check waits up to SECONDS (default 3) but returns once all four have answered.
hostile() {
	start_helper peer "$FAKE/fake_peer.py" "$REDIS_PORT" hostile "$1" || { fail "no peer"; return; }
	check -e 0.12.0 -v -T "${2:-3}" -t 20
	stop_helper peer
}

t_hostile_messages_are_ignored() {
	local kind
	for kind in notjson wrongshape badbase64 wrongticket noticket deep; do
		hostile "$kind"
		expect_exit 1
		expect_perf workers 4
		expect_perf compatible 2
		expect_perf unresponsive 0
		expect_contains "hostile-v0.12.0@peer: version 0.12.0, compatible"
		expect_contains "ignored a message: "
		[ "$(printf '%s\n' "$OUT" | grep -c ' | ')" = 1 ] || fail "$kind: the status line is broken"
		expect_faster_than 2
	done
}

t_huge_reply_is_capped() {
	local rss
	hostile huge 15
	expect_exit 1
	expect_perf workers 4
	expect_contains "ignored a message: a reply larger than the 4 MiB size cap"
	# memory stays bounded: measured on the plain build (sanitizers and valgrind add their own)
	if [ -z "${PLUGIN_WRAPPER:-}" ] && ! ldd "$PLUGIN" | grep -q libasan; then
		start_helper peer "$FAKE/fake_peer.py" "$REDIS_PORT" hostile huge || return
		/usr/bin/time -f %M -o "$ASSERT_TMP/rss" "$PLUGIN" -p "$REDIS_PORT" -e 0.12.0 -T 15 -t 20 >/dev/null
		stop_helper peer
		rss=$(tail -n 1 "$ASSERT_TMP/rss")
		[ "$rss" -lt 16384 ] || fail "peak RSS $rss KiB with a 64 MiB reply, expected under 16 MiB"
	fi
	expect_keyspace_clean "$REDIS_PORT"
}

t_unreadable_serializer_is_reported() {
	hostile pickle
	expect_exit 1
	expect_perf workers 4
	expect_perf incompatible 3
	expect_contains "a worker (reply in unreadable format application/x-python-serialize)"
}

t_control_characters_cannot_break_output() {
	local lines
	start_helper peer "$FAKE/fake_peer.py" "$REDIS_PORT" hostile controlname || { fail "no peer"; return; }
	check -e 0.11.0 -v
	expect_contains 'evil\x7cname\x0anew line\x07-v0.12.0@peer (version 0.12.0)'
	lines=$(printf '%s\n' "$OUT" | wc -l)
	[ "$lines" = 7 ] || fail "expected 7 lines (status, 4 workers, broadcast and broker footers), got $lines"
	[ "$(printf '%s\n' "$OUT" | grep -c '|')" = 1 ] || fail "a '|' outside the perfdata separator"
	run ${PLUGIN_WRAPPER:-} "$QUEUE_PLUGIN" -p "$REDIS_PORT" -e 0.12.0
	expect_no_stderr
	expect_perf_item "'gpu_x_compatible'=1;;1:;0"
	expect_perf_item "'q_1_backlog'=0;;;0"
	expect_perf_item "'it''s_incompatible'=0;0;;0"
	[ "$(printf '%s\n' "$OUT" | grep -c '|')" = 1 ] || fail "a '|' outside the perfdata separator"
	run ${PLUGIN_WRAPPER:-} "$QUEUE_PLUGIN" -p "$REDIS_PORT" -e 0.12.0 --json
	printf '%s' "$OUT" | "$CLUSTER_PYTHON" -c 'import json, sys; d = json.load(sys.stdin); assert "gpu|x" in d["queue_health"]' ||
		fail "the JSON document does not parse or lost the queue name"
	stop_helper peer
}

t_duplicate_node_names_count_once() {
	hostile duplicate
	expect_exit 1
	expect_perf workers 3
	expect_perf unresponsive 0
	expect_contains "duplicate reply from: celery-v0.12.0@hostA"
	expect_contains "broadcast reached 4 workers, 4 answered"
}

# A worker whose active_queues lists gpu twice is one consumer of gpu.
t_a_queue_listed_twice_counts_once() {
	start_helper peer "$FAKE/fake_peer.py" "$REDIS_PORT" hostile queuetwice || { fail "no peer"; return; }
	run ${PLUGIN_WRAPPER:-} "$QUEUE_PLUGIN" -p "$REDIS_PORT" -e 0.12.0 -Q gpu
	stop_helper peer
	expect_no_stderr
	expect_exit 1
	expect_perf_item "gpu_compatible=1;;1:;0"
	expect_perf_item "gpu_incompatible=2;0;;0"
	expect_keyspace_clean "$REDIS_PORT"
}

# A broken broker pops what no list holds: each is ignored and said to be, the batch's other messages are
# still read one by one as they arrive, and the check neither crashes nor counts them as workers.
t_odd_elements_in_a_pop() {
	local port
	port=$(cluster_free_port)
	start_helper fake "$FAKE/fake_redis.py" "$port" oddpop "$ASSERT_TMP/log" || return
	plugin -p "$port" -e 0.12.0 -T 0.5 -v
	stop_helper fake
	expect_exit 2
	expect_perf workers 0
	expect_perf unresponsive 2
	[ "$(grep -c 'ignored a message: a reply list element that is not a string' <<<"$OUT")" = 5 ] ||
		fail "not 5 elements that are not strings: $OUT"
	expect_contains "ignored a message: not JSON"
	grep -q "BLMPOP" "$ASSERT_TMP/log" || fail "no BLMPOP was sent"
	# a pop not shaped [key, [messages]] is refused whole: none of its strings is read as a message
	start_helper fake "$FAKE/fake_redis.py" "$port" oddpop "$ASSERT_TMP/log" keyarray || return
	plugin -p "$port" -e 0.12.0 -T 0.5 -v
	stop_helper fake
	expect_exit 3
	expect_contains "BLMPOP answered with an unexpected reply"
	expect_not_contains "ignored a message"
}

t_broker_error_replies() {
	local port
	port=$(cluster_free_port)
	start_helper fake "$FAKE/fake_redis.py" "$port" error "LOADING Redis is loading the dataset in memory" || return
	plugin -p "$port" -e 0.12.0
	expect_exit 2
	expect_line1 "CELERY WORKERS CRITICAL - cannot read the server version: the broker cannot serve: LOADING Redis is loading the dataset in memory"
	stop_helper fake
	start_helper fake "$FAKE/fake_redis.py" "$port" error "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk" || return
	plugin -p "$port" -e 0.12.0
	expect_exit 2
	expect_contains "CELERY WORKERS CRITICAL - cannot read the server version: the broker cannot serve: MISCONF "
	stop_helper fake
	start_helper fake "$FAKE/fake_redis.py" "$port" garbage || return
	plugin -p "$port" -e 0.12.0 -t 2
	expect_exit 3
	expect_one_line
	expect_contains "CELERY WORKERS UNKNOWN - cannot read the server version: protocol error"
	expect_faster_than 1
	stop_helper fake
	plugin -p "$OOM_PORT" -e 0.12.0
	expect_exit 2
	expect_line1 "CELERY WORKERS CRITICAL - cannot register the reply queue: the broker cannot serve: OOM command not allowed when used memory > 'maxmemory'."
	plugin -p "$REPLICA_PORT" -e 0.12.0
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - cannot register the reply queue: the broker answered: READONLY You can't write against a read only replica."
	# A real redis-server with every client slot taken (maxclients 1, held by a subscriber).
	cluster_start_redis FULL --maxclients 1 || { fail "no redis"; return; }
	redis-cli -p "$FULL_PORT" subscribe hold >/dev/null &
	local holder=$!
	sleep 0.3
	plugin -p "$FULL_PORT" -e 0.12.0
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	expect_exit 2
	expect_line1 "CELERY WORKERS CRITICAL - cannot read the server version: the broker cannot serve: ERR max number of clients reached"
}

t_broker_killed_mid_collection() {
	cluster_start_redis DOOMED || { fail "no redis"; return; }
	start_helper silent "$FAKE/fake_peer.py" "$DOOMED_PORT" silent || return
	plugin_bg -p "$DOOMED_PORT" -e 0.12.0 -T 5
	wait_for_binding "$DOOMED_PORT"
	{
		kill -KILL "$(cat "$CLUSTER_DIR/DOOMED/redis.pid")"
		wait "$(cat "$CLUSTER_DIR/DOOMED/redis.pid")"
	} 2>/dev/null
	plugin_wait
	stop_helper silent
	expect_exit 2
	expect_one_line
	expect_contains "CELERY WORKERS CRITICAL - "
	expect_contains "connection to 127.0.0.1:$DOOMED_PORT/0 lost"
	expect_faster_than 1.5
}

t_broker_restarted_during_collection() {
	local dir
	cluster_start_redis PHOENIX || { fail "no redis"; return; }
	dir="$CLUSTER_DIR/PHOENIX"
	start_helper silent "$FAKE/fake_peer.py" "$PHOENIX_PORT" silent || return
	plugin_bg -p "$PHOENIX_PORT" -e 0.12.0 -T 5
	wait_for_binding "$PHOENIX_PORT"
	kill -TERM "$(cat "$dir/redis.pid")"
	wait "$(cat "$dir/redis.pid")" 2>/dev/null
	redis-server --port "$PHOENIX_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" \
		--logfile "$dir/redis.log" >/dev/null &
	echo $! >"$dir/redis.pid"
	plugin_wait
	stop_helper silent
	expect_exit 2
	expect_one_line
	expect_contains "connection to 127.0.0.1:$PHOENIX_PORT/0 lost"
	expect_faster_than 2
	for _ in $(seq 50); do redis-cli -p "$PHOENIX_PORT" ping >/dev/null 2>&1 && break; sleep 0.05; done
	expect_keyspace_clean "$PHOENIX_PORT"
}

# signal SIG NAME: a check waiting for a silent worker is stopped by SIG mid-collection: what had answered
# is still judged (WARNING for the untagged and old workers, not a bare UNKNOWN), and our keys are removed.
signal_during_collection() {
	local before
	before=$(all_keys "$REDIS_PORT")
	start_helper silent "$FAKE/fake_peer.py" "$REDIS_PORT" silent || return
	plugin_bg -p "$REDIS_PORT" -e 0.12.0 -T 5 -v
	wait_for_binding "$REDIS_PORT"
	sleep "$(awk "BEGIN { print 0.3 * ${TIME_FACTOR:-1} }")" # the real workers answer meanwhile
	kill "-$1" "$BG_PID"
	plugin_wait
	expect_exit 1
	expect_line1 "CELERY WORKERS WARNING - stopped by $2: while collecting replies: interrupted by a signal; 1 of 3 workers compatible with 0.12.0; incompatible: celery-v0.11.0@hostC (version 0.11.0), celery@46b9a1cf718a (untagged)"
	expect_contains "celery-v0.12.0@hostA: version 0.12.0, compatible"
	expect_faster_than 1.5
	expect_keyspace_clean "$REDIS_PORT"
	# Nothing worse than the signal found: UNKNOWN.
	plugin_bg -p "$REDIS_PORT" -e 0.12.0 -T 5 -w 5
	wait_for_binding "$REDIS_PORT"
	kill "-$1" "$BG_PID"
	plugin_wait
	stop_helper silent
	expect_exit 3
	expect_contains "CELERY WORKERS UNKNOWN - stopped by $2: "
	expect_one_line
	expect_keyspace_clean "$REDIS_PORT"
	[ "$(all_keys "$REDIS_PORT")" = "$before" ] || fail "the keyspace changed"
}

t_sigterm_cleans_up() {
	signal_during_collection TERM Terminated
}

t_sigint_cleans_up() {
	signal_during_collection INT Interrupt
}

t_time_limit_cleans_up() {
	local before
	before=$(all_keys "$REDIS_PORT")
	start_helper silent "$FAKE/fake_peer.py" "$REDIS_PORT" silent || return
	check -e 0.12.0 -T 5 -t 1
	expect_exit 1
	expect_line1 "CELERY WORKERS WARNING - time limit of 1 s reached: 1 of 4 workers had not answered; 1 of 3 workers compatible with 0.12.0; incompatible: celery-v0.11.0@hostC (version 0.11.0), celery@46b9a1cf718a (untagged)"
	expect_faster_than 1.5
	check -e 0.12.0 -T 5 -t 1:critical
	expect_exit 2
	check -e 0.12.0 -T 5 -t 1 -w 5
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - time limit of 1 s reached: 1 of 4 workers had not answered; 1 of 3 workers compatible with 0.12.0; incompatible: celery-v0.11.0@hostC (version 0.11.0), celery@46b9a1cf718a (untagged)"
	stop_helper silent
	[ "$(all_keys "$REDIS_PORT")" = "$before" ] || fail "the keyspace changed"
}

# The hard backstop behind -t (an alarm that writes and exits) ends with -t's STATE too: the plugin is stopped
# with SIGSTOP past its limit, so that no deadline of its own can end it first.
t_backstop_ends_with_the_timeout_state() {
	local pid out="$ASSERT_TMP/backstop.out" rc
	start_helper silent "$FAKE/fake_peer.py" "$REDIS_PORT" silent || return
	${PLUGIN_WRAPPER:-} "$PLUGIN" -H "$CLUSTER_HOST" -p "$REDIS_PORT" -e 0.12.0 -T 5 -t 1:critical >"$out" 2>&1 &
	pid=$!
	sleep 0.3
	kill -STOP "$pid"
	sleep 2
	kill -CONT "$pid"
	wait "$pid"
	rc=$?
	stop_helper silent
	[ "$rc" = 2 ] || fail "exit $rc, expected 2 (-t 1:critical): $(cat "$out")"
	grep -q '^CELERY WORKERS CRITICAL - plugin timed out after 1 s$' "$out" || fail "output: $(cat "$out")"
	# the backstop ended it before its cleanup: the next check's sweep would remove these once expired
	cluster_redis del _kombu.binding.check_celery.reply.celery.pidbox >/dev/null
	cluster_redis --scan --pattern 'check_celery.*' | while read -r k; do cluster_redis del "$k" >/dev/null; done
}

t_twenty_checks_at_once() {
	local i pids=() first=
	for i in $(seq 20); do
		${PLUGIN_WRAPPER:-} "$PLUGIN" -p "$REDIS_PORT" -e 0.12.0 -T 5 >"$ASSERT_TMP/c$i.out" 2>&1 &
		pids+=($!)
	done
	for i in $(seq 20); do
		wait "${pids[$((i - 1))]}"
		RC=$?
		expect_exit 1
		OUT=$(sed 's/ time=.*$//' "$ASSERT_TMP/c$i.out")
		[ -n "$first" ] || first=$OUT
		[ "$OUT" = "$first" ] || fail "check $i saw something else: $OUT"
	done
	expect_contains "workers=3;;;0 compatible=1;;1:;0 incompatible=2;0;;0 untagged=1;;;0 unresponsive=0;0;;0"
	expect_keyspace_clean "$REDIS_PORT"
	# the state file they all wrote at once: whole lines, each worker once, these three among them
	local state lines
	state=$(grep -v $'^\t' "$MP_STATE_PATH"/check_celery/127.0.0.1_"$REDIS_PORT"_0_celery_.state) # records
	lines=$(printf '%s\n' "$state" | wc -l)
	[ "$(printf '%s\n' "$state" | grep -cE $'^[^\t]+\t[0-9]+\\.[0-9]{3}$')" = "$lines" ] ||
		fail "state file has broken lines: $state"
	[ "$(printf '%s\n' "$state" | cut -f1 | sort -u | wc -l)" = "$lines" ] || fail "a worker twice: $state"
	for i in celery-v0.12.0@hostA celery@46b9a1cf718a celery-v0.11.0@hostC; do
		printf '%s\n' "$state" | grep -q "^$i"$'\t' || fail "$i is not in the state file: $state"
	done
}

t_three_hundred_fake_workers() {
	cluster_start_redis FLEET || { fail "no redis"; return; }
	start_helper fleet "$FAKE/fake_peer.py" "$FLEET_PORT" fleet 300 || return
	plugin -p "$FLEET_PORT" -e 0.12.0 -T 5 -v
	stop_helper fleet
	expect_exit 0
	expect_perf workers 300
	expect_perf compatible 300
	expect_contains "fake-0299-v0.12.0@fleet: version 0.12.0, compatible; queues: gpu, celery"
	expect_faster_than 2
	expect_keyspace_clean "$FLEET_PORT"
}

# The reference document's own scenario: messages wait in gpu and only stale workers consume it. The queue is
# starved (CRITICAL, named first, starved: true) however far the thresholds are relaxed. Simulated workers, so
# that the messages stay where they are.
t_starved_by_incompatible_consumers() {
	cluster_start_redis STARVE || { fail "no redis"; return; }
	start_helper stale "$FAKE/fake_peer.py" "$STARVE_PORT" fleet 2 || return
	redis-cli -h "$CLUSTER_HOST" -p "$STARVE_PORT" rpush gpu waiting >/dev/null
	run ${PLUGIN_WRAPPER:-} "$QUEUE_PLUGIN" -p "$STARVE_PORT" -e 0.13.0 -Q gpu,celery -C 0: -W 0: -w 10 -T 3
	expect_no_stderr
	expect_exit 2
	expect_line1 "CELERY QUEUES CRITICAL - gpu: 1 waiting, no compatible consumer, 2 incompatible [fake-0000-v0.12.0@fleet (version 0.12.0), fake-0001-v0.12.0@fleet (version 0.12.0)]"
	run ${PLUGIN_WRAPPER:-} "$QUEUE_PLUGIN" -p "$STARVE_PORT" -e 0.13.0 -Q gpu -C 0: -W 0: -w 10 -T 3 --json
	stop_helper stale
	expect_exit 2
	printf '%s' "$OUT" | "$CLUSTER_PYTHON" -c '
import json, sys
q = json.load(sys.stdin)["queue_health"]["gpu"]
assert q["starved"] is True and q["state"] == "CRITICAL" and q["backlog"] == 1, q' || fail "JSON: $OUT"
	redis-cli -h "$CLUSTER_HOST" -p "$STARVE_PORT" del gpu >/dev/null
	expect_keyspace_clean "$STARVE_PORT"
}

# 30 workers consuming 1,000 queues each answer at once: 23 MB of replies land in the reply list together,
# more than the 16 MiB cap on one batch. The pop hands each reply over as it is read, so the cap counts only
# what is held: every reply the pop took out of Redis is counted, none is lost and no worker looks
# unresponsive.
t_big_replies_landing_together() {
	cluster_start_redis BIG || { fail "no redis"; return; }
	start_helper big "$FAKE/fake_peer.py" "$BIG_PORT" bigfleet 30 || return
	plugin -p "$BIG_PORT" -e 0.12.0 -T 10 -t 30
	stop_helper big
	expect_exit 0
	expect_perf workers 30
	expect_perf unresponsive 0
	expect_keyspace_clean "$BIG_PORT"
}

# The ACL rule of the README, for both plugins.
MONITOR_ACL=(on '>mon-pw' resetkeys resetchannels -@all +info +time +select +scan +smembers +srandmember +sadd
	+srem +publish +blmpop +brpop +rpop +del +rpush +pexpire +multi +exec +llen '~_kombu.binding.check_celery.reply.celery.pidbox'
	'~check_celery.*.reply.celery.pidbox*' '%R~*' '&/0.celery.pidbox')

t_least_privilege() {
	printf 'mon-pw\n' >"$ASSERT_TMP/mon.pw"
	cluster_redis ACL SETUSER celery-monitor reset "${MONITOR_ACL[@]}" >/dev/null
	check --username celery-monitor --password-file "$ASSERT_TMP/mon.pw" -e 0.12.0
	expect_exit 1
	expect_perf workers 3
	expect_perf compatible 1
	run ${PLUGIN_WRAPPER:-} "$QUEUE_PLUGIN" -p "$REDIS_PORT" --username celery-monitor \
		--password-file "$ASSERT_TMP/mon.pw" -e 0.12.0 -Q gpu,celery
	expect_exit 1
	expect_no_stderr
	expect_perf_item "gpu_compatible=1;;1:;0"
	# without -Q: the binding sets are found with SCAN and read (a state file of its own: the shared one
	# remembers the queues the fake peers of earlier tests consumed, rightly judged without a consumer)
	run ${PLUGIN_WRAPPER:-} "$QUEUE_PLUGIN" -p "$REDIS_PORT" --username celery-monitor \
		--password-file "$ASSERT_TMP/mon.pw" -e 0.12.0 --state-file "$ASSERT_TMP/least.state"
	expect_exit 1
	expect_no_stderr
	expect_perf_item "celery_compatible=1;;1:;0"
	cluster_redis ACL SETUSER celery-monitor -publish >/dev/null
	check --username celery-monitor --password-file "$ASSERT_TMP/mon.pw" -e 0.12.0
	expect_exit 3
	expect_one_line
	expect_contains "CELERY WORKERS UNKNOWN - cannot broadcast: the broker refused: NOPERM"
	cluster_redis ACL SETUSER celery-monitor +publish '%R~nothing*' resetkeys '~_kombu.binding.check_celery.reply.celery.pidbox' \
		'~check_celery.*.reply.celery.pidbox*' '%R~_kombu.binding.*' >/dev/null
	run ${PLUGIN_WRAPPER:-} "$QUEUE_PLUGIN" -p "$REDIS_PORT" --username celery-monitor \
		--password-file "$ASSERT_TMP/mon.pw" -e 0.12.0 -Q gpu
	expect_exit 3
	expect_one_line
	expect_contains "CELERY QUEUES UNKNOWN - cannot read queue lengths: the broker refused: NOPERM"
	expect_not_contains "mon-pw"
	cluster_redis ACL DELUSER celery-monitor >/dev/null
	expect_keyspace_clean "$REDIS_PORT"
}

assert_init
cluster_init
cluster_start_redis REDIS || exit 2
# A full broker and a replica, each holding a worker's pidbox binding (the separator is learned, and the
# check goes on to write): the one written before the memory limit, the other before it became a replica.
cluster_start_redis OOM --maxmemory-policy noeviction || exit 2
cluster_start_redis REPLICA || exit 2
for port in "$OOM_PORT" "$REPLICA_PORT"; do
	redis-cli -p "$port" sadd _kombu.binding.celery.pidbox $'\x06\x16\x06\x16gone@host.celery.pidbox' >/dev/null
done
redis-cli -p "$OOM_PORT" config set maxmemory 1 >/dev/null
redis-cli -p "$REPLICA_PORT" replicaof 127.0.0.1 "$(cluster_free_port)" >/dev/null
cluster_start_demo_fleet || exit 2

test_case "the fake peer's replies match the captured ones" t_fake_replies_match_capture
test_case "hostile messages on the reply list are ignored" t_hostile_messages_are_ignored
test_case "a 64 MiB reply is dropped and memory stays bounded" t_huge_reply_is_capped
test_case "a reply in another serializer is counted and reported" t_unreadable_serializer_is_reported
test_case "control characters and '|' in names cannot break the output" t_control_characters_cannot_break_output
test_case "duplicated node names count once" t_duplicate_node_names_count_once
test_case "a queue a worker lists twice counts it once" t_a_queue_listed_twice_counts_once
test_case "odd elements in a pop are ignored one by one" t_odd_elements_in_a_pop
test_case "LOADING, garbage, OOM and READONLY brokers" t_broker_error_replies
test_case "broker killed mid-collection" t_broker_killed_mid_collection
test_case "broker restarted between PUBLISH and collection" t_broker_restarted_during_collection
test_case "SIGTERM mid-collection removes our keys" t_sigterm_cleans_up
test_case "SIGINT mid-collection removes our keys" t_sigint_cleans_up
test_case "-t mid-collection removes our keys" t_time_limit_cleans_up
test_case "the backstop behind -t ends with -t's state" t_backstop_ends_with_the_timeout_state
test_case "20 checks at once see the same counts" t_twenty_checks_at_once
test_case "300 fake workers" t_three_hundred_fake_workers
test_case "messages and only incompatible consumers: starved, whatever the thresholds" t_starved_by_incompatible_consumers
test_case "30 replies of 790 KB landing at once: all counted, none lost" t_big_replies_landing_together
test_case "least-privilege ACL user; a missing permission is UNKNOWN" t_least_privilege

cluster_stop
assert_summary
