#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test_servers.sh: both plugins on every Redis and Valkey server in ../shared/redis (5.0, 6.0, 6.2, 7.2,
# Valkey 7.2 and 8.0, built from their release tags), each with a real Celery worker, 100 simulated ones
# and a silent one: all counted, the silent one unresponsive at -T, the drain command chosen by the server's
# version (checked in INFO commandstats), nothing left behind; the servers built with TLS (all but 5.0) are
# checked over TLS too. A server that is not there prints a skip line.
# Usage: test_servers.sh PLUGIN_DIR
. "$(dirname "$0")/../lib/plugin_test.sh" check_celery_worker_versions "${1:-}"
QUEUE_PLUGIN="$(dirname "$PLUGIN")/check_celery_queue_health"
FAKE="$CLUSTER_SRC/tests/lib"
. "$FAKE/background.sh"
. "$FAKE/tls_pki.sh"
SERVERS=${SHARED_REDIS:-$CLUSTER_SRC/../shared/redis}

# The command each server version drains replies with (README, "Redis versions").
drain_command() {
	case "$1" in
	redis-5.* | redis-6.0.*) echo brpop ;;
	redis-6.2.*) echo rpop ;;
	*) echo blmpop ;;
	esac
}

# server_test NAME PORT VAR: VAR names the server's TLS port, TLS_<VAR>, when it has one.
server_test() {
	local name=$1 port=$2 stat tls
	redis-cli -p "$port" config resetstat >/dev/null
	plugin -p "$port" -e 0.12.0 -T 0.5 -v
	expect_exit 1
	expect_perf workers 101
	expect_perf compatible 101
	expect_perf unresponsive 1
	expect_contains "celery-v0.12.0@$name: version 0.12.0, compatible"
	expect_contains "broadcast reached 102 workers, 101 answered"
	expect_faster_than 1.3
	stat=$(drain_command "$name")
	redis-cli -p "$port" info commandstats | grep -q "^cmdstat_$stat:" ||
		fail "$name drained without $stat: $(redis-cli -p "$port" info commandstats | grep -o '^cmdstat_[a-z]*' | tr '\n' ' ')"
	[ "$stat" = blmpop ] || ! redis-cli -p "$port" info commandstats | grep -q '^cmdstat_blmpop:' ||
		fail "$name has no BLMPOP, yet it was sent"
	expect_keyspace_clean "$port"
	tls=TLS_$3
	if [ -n "${!tls:-}" ]; then
		plugin -H localhost -p "${!tls}" --tls --cacert "$PKI/ca.crt" -e 0.12.0 -T 0.5
		expect_exit 1
		expect_perf workers 101
		expect_perf unresponsive 1
		expect_keyspace_clean "$port"
	fi
	run ${PLUGIN_WRAPPER:-} "$QUEUE_PLUGIN" -p "$port" -e 0.12.0 -Q celery,waiting -T 0.5
	expect_exit 2
	expect_perf celery_compatible 101 # the simulated workers consume celery too
	expect_perf waiting_backlog 2
	expect_keyspace_clean "$port"
}

assert_init
cluster_init
PKI="$CLUSTER_DIR/pki"
pki_make "$PKI" || exit 2
started=()
for dir in "$SERVERS"/*/; do
	name=$(basename "$dir")
	server=$(ls "$dir"*-server 2>/dev/null | head -n 1)
	[ -x "$server" ] || continue
	var=SRV_${#started[@]}
	tls_args=()
	if [ "$name" != "${name#redis-5.}" ]; then :; else
		printf -v "TLS_$var" '%s' "$(cluster_free_port)"
		tls=TLS_$var
		tls_args=(--tls-port "${!tls}" --tls-cert-file "$PKI/server.crt" --tls-key-file "$PKI/server.key"
			--tls-ca-cert-file "$PKI/ca.crt" --tls-auth-clients no)
	fi
	REDIS_SERVER=$server cluster_start_redis "$var" "${tls_args[@]}" || { echo "FAIL: $name did not start"; continue; }
	port=${var}_PORT
	port=${!port}
	cluster_start_worker "celery-v0.12.0@$name" celery BROKER_URL="redis://127.0.0.1:$port/0"
	start_helper "fleet$var" "$FAKE/fake_peer.py" "$port" fleet 100 || exit 2
	start_helper "silent$var" "$FAKE/fake_peer.py" "$port" silent || exit 2
	started+=("$name:$port:$var")
done
for entry in "${started[@]}"; do
	port=${entry#*:}
	port=${port%%:*}
	cluster_wait_subscribed 3 "$port" || exit 2 # the worker, the fleet, the silent one
	REDIS_PORT=$port cluster_send_tasks waiting 0 9 || exit 2
done
for want in redis-5.0.14 redis-6.0.20 redis-6.2.16 redis-7.2.6 valkey-7.2.7 valkey-8.0.1; do
	case " ${started[*]} " in *" $want:"*) ;; *) echo "SKIP: $want is not in $SERVERS" ;; esac
done
for entry in "${started[@]}"; do
	IFS=: read -r name port var <<<"$entry"
	eval "t_server() { server_test $name $port $var; }"
	tls=TLS_$var
	test_case "$name: a real worker, 100 simulated and a silent one; the drain its version allows${!tls:+; over TLS too}" t_server
done

cluster_stop
assert_summary
