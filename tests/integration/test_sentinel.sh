#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test_sentinel.sh: Redis Sentinel with Debian's redis-sentinel: three sentinels watching a master and a
# replica, and a real Celery worker on the sentinel:// URL. Checks through the sentinels; a sentinel that
# is down, hangs or names a replica is skipped; a wrong master name or a refused sentinel password is
# UNKNOWN; after a failover (SENTINEL FAILOVER) the next check reaches the new master; with every
# sentinel down the check is CRITICAL and names each one. Usage: test_sentinel.sh PLUGIN_DIR
. "$(dirname "$0")/../lib/plugin_test.sh" check_celery_worker_versions "${1:-}"
QUEUE_PLUGIN="$(dirname "$PLUGIN")/check_celery_queue_health"
FAKE="$CLUSTER_SRC/tests/lib"
. "$FAKE/background.sh"

# sentinel_start NAME [config lines...]: a redis-sentinel watching the main redis-server as "mymaster";
# sets <NAME>_PORT. Its pid file sits where cluster_stop finds it.
sentinel_start() {
	local name=$1 port dir
	shift
	port=$(cluster_free_port)
	dir="$CLUSTER_DIR/$name"
	mkdir -p "$dir"
	{
		printf 'port %s\nbind 127.0.0.1\ndir %s\n' "$port" "$dir"
		printf 'sentinel monitor mymaster 127.0.0.1 %s 2\n' "$REDIS_PORT"
		printf 'sentinel down-after-milliseconds mymaster 1000\nsentinel failover-timeout mymaster 10000\n'
		printf '%s\n' "$@"
	} >"$dir/sentinel.conf"
	redis-sentinel "$dir/sentinel.conf" --logfile "$dir/sentinel.log" >/dev/null &
	echo $! >"$dir/redis.pid"
	for _ in $(seq 100); do
		[ -n "$(redis-cli -p "$port" ${SENTINEL_AUTH:+-a "$SENTINEL_AUTH" --no-auth-warning} sentinel get-master-addr-by-name mymaster 2>/dev/null)" ] && break
		sleep 0.05
	done
	printf -v "${name}_PORT" '%s' "$port"
}

# master_port: where the sentinels say the master is.
master_port() {
	redis-cli -p "$S1_PORT" sentinel get-master-addr-by-name mymaster | tail -n 1
}

# fleet_members sadd|srem: the pidbox binding members a real worker keeps while it runs, for the 3
# simulated ones.
fleet_members() {
	local i
	for i in 0 1 2; do
		printf '\x06\x16\x06\x16fake-%04d-v0.12.0@fleet.celery.pidbox' "$i" |
			redis-cli -p "$REDIS_PORT" -x "$1" _kombu.binding.celery.pidbox >/dev/null
	done
}

sentinel_plugin() {
	plugin --url "$SENTINELS" --sentinel-master mymaster -e 0.12.0 "$@"
}

t_checks_through_the_sentinels() {
	# kombu 5.2 (Debian's) behind Sentinel listens on /{db}.celery.pidbox, kombu 5.4 and later on
	# /0.celery.pidbox: the simulated workers stand for the newer ones
	start_helper fleet "$FAKE/fake_peer.py" "$REDIS_PORT" fleet 3 || return
	fleet_members sadd
	sentinel_plugin -v
	fleet_members srem
	stop_helper fleet
	expect_exit 0
	expect_perf workers 4
	expect_contains "broadcast reached 4 workers, 4 answered"
	sentinel_plugin -v
	expect_exit 0
	expect_perf workers 1
	expect_perf compatible 1
	expect_contains "celery-v0.12.0@sentinel: version 0.12.0, compatible"
	expect_contains "broker: master mymaster at 127.0.0.1:$REDIS_PORT/0 (named by sentinel 127.0.0.1:$S1_PORT), server 7."
	expect_keyspace_clean "$REDIS_PORT"
	run ${PLUGIN_WRAPPER:-} "$QUEUE_PLUGIN" --url "$SENTINELS" --transport-option master_name=mymaster -e 0.12.0 -Q celery
	expect_no_stderr
	expect_exit 0
	expect_perf celery_compatible 1
	expect_keyspace_clean "$REDIS_PORT"
	expect_keyspace_clean "$REPLICA_PORT"
	# /{db}.celery.pidbox is shared by every database: the worker of database 0 hears a check of
	# database 1 there, and is not counted, since database 1 binds no worker
	plugin --url "sentinel://127.0.0.1:$S1_PORT/1" --sentinel-master mymaster -e 0.12.0 -v
	expect_exit 2
	expect_perf workers 0
	expect_perf unresponsive 0
	expect_contains "broadcast reached 0 workers, 0 answered"
	expect_contains "; 1 more workers of other databases heard it on /{db}."
	expect_keyspace_clean "$REDIS_PORT"
}

t_a_sentinel_down_hung_or_naming_a_replica_is_skipped() {
	local dead hung liar pointer
	dead=$(cluster_free_port) hung=$(cluster_free_port) liar=$(cluster_free_port) pointer=$(cluster_free_port)
	start_helper hung "$FAKE/fake_redis.py" "$hung" silent || return
	start_helper liar "$FAKE/fake_redis.py" "$liar" sentinel 127.0.0.1 "$REPLICA_PORT" || return
	start_helper pointer "$FAKE/fake_redis.py" "$pointer" sentinel 127.0.0.1 "$hung" || return
	plugin --url "sentinel://127.0.0.1:$dead;sentinel://127.0.0.1:$hung;sentinel://127.0.0.1:$liar;sentinel://127.0.0.1:$S2_PORT" \
		--sentinel-master mymaster -e 0.12.0 -t 4 -v
	expect_exit 0
	expect_contains "(named by sentinel 127.0.0.1:$S2_PORT)"
	expect_faster_than 2.5 # the hung one had a share of the time, not all of it
	# a named master that never answers has a share too: the next sentinel is still asked
	plugin --url "sentinel://127.0.0.1:$pointer;sentinel://127.0.0.1:$S2_PORT" --sentinel-master mymaster -e 0.12.0 -t 4 -v
	expect_exit 0
	expect_contains "(named by sentinel 127.0.0.1:$S2_PORT)"
	expect_faster_than 3
	# ... and when it was the only one named, its failure is the reason, not "no such master"
	plugin --url "sentinel://127.0.0.1:$pointer;sentinel://127.0.0.1:$S2_PORT" --sentinel-master othermaster -e 0.12.0 -t 4
	expect_exit 2
	expect_line1 "CELERY WORKERS CRITICAL - master othermaster at 127.0.0.1:$hung/0 (named by sentinel 127.0.0.1:$pointer): cannot read the server version: the broker did not answer in time"
	stop_helper pointer
	plugin --url "sentinel://127.0.0.1:$liar" --sentinel-master mymaster -e 0.12.0
	expect_exit 2
	expect_line1 "CELERY WORKERS CRITICAL - master mymaster at 127.0.0.1:$REPLICA_PORT/0 (named by sentinel 127.0.0.1:$liar): it says it is a replica, not the master"
	stop_helper hung
	stop_helper liar
	expect_keyspace_clean "$REPLICA_PORT"
}

t_a_wrong_name_or_password_is_unknown() {
	local ECHO_PORT
	ECHO_PORT=$(cluster_free_port)
	plugin --url "$SENTINELS" --sentinel-master mymastr -e 0.12.0
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - no sentinel knows a master named 'mymastr' (--sentinel-master): 127.0.0.1:$S1_PORT: no such master; 127.0.0.1:$S2_PORT: no such master; 127.0.0.1:$S3_PORT: no such master"
	# with a sentinel down, "no such master" from the others may be a sentinel that lost its state:
	# an outage is not passed off as a typo
	plugin --url "sentinel://127.0.0.1:$ECHO_PORT;sentinel://127.0.0.1:$S1_PORT" --sentinel-master mymastr -e 0.12.0
	expect_exit 2
	expect_line1 "CELERY WORKERS CRITICAL - no sentinel named master 'mymastr': 127.0.0.1:$ECHO_PORT: Connection refused; 127.0.0.1:$S1_PORT: no such master"
	printf 's3cret\n' >"$ASSERT_TMP/sentinel-password"
	plugin --url "sentinel://127.0.0.1:$LOCKED_PORT" --sentinel-master mymaster --sentinel-password-file "$ASSERT_TMP/sentinel-password" -e 0.12.0
	expect_exit 0
	expect_perf workers 1
	plugin --url "sentinel://127.0.0.1:$LOCKED_PORT" --sentinel-master mymaster -e 0.12.0
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - the sentinels refused us (check --sentinel-password-file): 127.0.0.1:$LOCKED_PORT: wants a password (NOAUTH)"
	printf 'wrong\n' >"$ASSERT_TMP/wrong-password"
	plugin --url "sentinel://127.0.0.1:$LOCKED_PORT" --sentinel-master mymaster --sentinel-password-file "$ASSERT_TMP/wrong-password" -e 0.12.0
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - the sentinels refused us (check --sentinel-password-file): 127.0.0.1:$LOCKED_PORT: refused the password (WRONGPASS)"
	# a sentinel without AUTH (Redis 5.0.0) echoes its arguments: only the error's code is quoted
	start_helper echo "$FAKE/fake_redis.py" "$ECHO_PORT" error 'ERR unknown command `AUTH`, with args beginning with: `s3cret`, ' || return
	plugin --url "sentinel://127.0.0.1:$ECHO_PORT" --sentinel-master mymaster --sentinel-password-file "$ASSERT_TMP/sentinel-password" -e 0.12.0
	stop_helper echo
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - the sentinels refused us (check --sentinel-password-file): 127.0.0.1:$ECHO_PORT: refused the password (ERR)"
	expect_not_contains "s3cret"
	plugin --url "$SENTINELS" -e 0.12.0
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - a sentinel:// URL needs the master's name: --sentinel-master NAME (Celery's master_name transport option)"
	plugin -p "$REDIS_PORT" --sentinel-master mymaster -e 0.12.0
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - --sentinel-master needs a sentinel:// URL"
	plugin --url "$SENTINELS" --sentinel-master mymaster --transport-option master_name=other -e 0.12.0
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - --sentinel-master and master_name differ"
}

t_after_a_failover_the_next_check_reaches_the_new_master() {
	redis-cli -p "$S1_PORT" sentinel failover mymaster >/dev/null
	for _ in $(seq 300); do
		[ "$(master_port)" = "$REPLICA_PORT" ] && redis-cli -p "$REPLICA_PORT" role | head -n 1 | grep -qx master && break
		sleep 0.1
	done
	[ "$(master_port)" = "$REPLICA_PORT" ] || { fail "the failover did not happen"; return; }
	sentinel_plugin -v -T 0.3 # the worker may not be back yet: only where the check went is asserted
	expect_contains "broker: master mymaster at 127.0.0.1:$REPLICA_PORT/0 (named by sentinel 127.0.0.1:$S1_PORT)"
	expect_keyspace_clean "$REPLICA_PORT"
	# the worker follows the sentinels too: once it is back, the check finds it on the new master
	cluster_wait_subscribed 1 "$REPLICA_PORT" || { fail "the worker did not reconnect"; return; }
	sentinel_plugin
	expect_exit 0
	expect_perf workers 1
	expect_keyspace_clean "$REPLICA_PORT"
}

t_every_sentinel_down_is_critical_and_names_them() {
	local s
	for s in S1 S2 S3; do
		kill -TERM "$(cat "$CLUSTER_DIR/$s/redis.pid")"
		wait "$(cat "$CLUSTER_DIR/$s/redis.pid")" 2>/dev/null
		rm -f "$CLUSTER_DIR/$s/redis.pid"
	done
	sentinel_plugin
	expect_exit 2
	expect_one_line
	expect_line1 "CELERY WORKERS CRITICAL - no sentinel named master 'mymaster': 127.0.0.1:$S1_PORT: Connection refused; 127.0.0.1:$S2_PORT: Connection refused; 127.0.0.1:$S3_PORT: Connection refused"
}

assert_init
cluster_init
cluster_start_redis || exit 2
cluster_start_redis REPLICA --replicaof 127.0.0.1 "$REDIS_PORT" || exit 2
sentinel_start S1 && sentinel_start S2 && sentinel_start S3 || exit 2
SENTINEL_AUTH=s3cret sentinel_start LOCKED "requirepass s3cret" || exit 2
SENTINELS="sentinel://127.0.0.1:$S1_PORT;sentinel://127.0.0.1:$S2_PORT;sentinel://127.0.0.1:$S3_PORT"
cluster_start_worker celery-v0.12.0@sentinel celery BROKER_URL="$SENTINELS" TRANSPORT_OPTIONS='{"master_name": "mymaster"}'
cluster_wait_subscribed 1 || exit 2

test_case "checks through the sentinels find the worker on the master, both plugins" t_checks_through_the_sentinels
test_case "a sentinel that is down, hangs or names a replica is skipped" t_a_sentinel_down_hung_or_naming_a_replica_is_skipped
test_case "a wrong master name, a refused sentinel password, missing or clashing options: UNKNOWN" t_a_wrong_name_or_password_is_unknown
test_case "after SENTINEL FAILOVER the next check reaches the new master" t_after_a_failover_the_next_check_reaches_the_new_master
test_case "every sentinel down: CRITICAL, naming each" t_every_sentinel_down_is_critical_and_names_them

cluster_stop
assert_summary
