#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test_tls.sh: TLS against Debian's redis-server with tls-port and a throwaway CA made by the test: a real
# Celery worker on rediss:// found over TLS; the certificate refused for a wrong CA, a host name mismatch
# and an expiry (CRITICAL, one line); a server that wants a client certificate, with and without one;
# --insecure; plain and TLS ports mixed up; a handshake that never ends (-t) or is stopped by a signal;
# TLS option mistakes (UNKNOWN). Usage: test_tls.sh PLUGIN_DIR
. "$(dirname "$0")/../lib/plugin_test.sh" check_celery_worker_versions "${1:-}"
QUEUE_PLUGIN="$(dirname "$PLUGIN")/check_celery_queue_health"
FAKE="$CLUSTER_SRC/tests/lib"
. "$FAKE/background.sh"
. "$FAKE/tls_pki.sh"

# tls_redis NAME CERT AUTH_CLIENTS: a redis-server with a plain port (for the harness) and a TLS port,
# <NAME>_TLS, serving CERT.crt.
tls_redis() {
	local port
	port=$(cluster_free_port)
	cluster_start_redis "$1" --tls-port "$port" --tls-cert-file "$PKI/$2.crt" --tls-key-file "$PKI/$2.key" \
		--tls-ca-cert-file "$PKI/ca.crt" --tls-auth-clients "$3" || return 1
	printf -v "$1_TLS" '%s' "$port"
}

queue_plugin() {
	run ${PLUGIN_WRAPPER:-} "$QUEUE_PLUGIN" "$@"
	expect_no_stderr
}

t_a_real_worker_on_rediss_is_found_over_tls() {
	plugin --url "rediss://localhost:$REDIS_TLS/0?ssl_cert_reqs=required&ssl_ca_certs=$PKI/ca.crt" -e 0.12.0 -v
	expect_exit 1
	expect_perf workers 2
	expect_perf compatible 1
	expect_perf incompatible 1
	expect_contains "celery-v0.12.0@tls: version 0.12.0, compatible"
	expect_contains "celery-v0.11.0@plain: version 0.11.0, incompatible"
	expect_contains "broker: localhost:$REDIS_TLS/0, server 7."
	expect_contains ", over TLS"
	expect_keyspace_clean "$REDIS_PORT"
	queue_plugin -H 127.0.0.1 -p "$REDIS_TLS" --tls --cacert "$PKI/ca.crt" -e 0.12.0 -Q celery
	expect_exit 1
	expect_perf celery_compatible 1
	expect_perf celery_incompatible 1
	expect_keyspace_clean "$REDIS_PORT"
}

# refused ARGS... : the check ends CRITICAL in one line, naming why the certificate was refused ($WHY).
refused() {
	plugin -e 0.12.0 "$@"
	expect_exit 2
	expect_one_line
	expect_line1 "CELERY WORKERS CRITICAL - cannot connect to $WHERE/0: TLS: the broker's certificate was refused: $WHY"
}

t_a_wrong_ca_a_wrong_name_and_an_expired_certificate_are_refused() {
	WHERE=localhost:$REDIS_TLS WHY="self-signed certificate in certificate chain"
	refused -H localhost -p "$REDIS_TLS" --tls --cacert "$PKI/other-ca.crt"
	refused -H localhost -p "$REDIS_TLS" --tls # the system store knows no throwaway CA
	refused --url "rediss://localhost:$REDIS_TLS/0?ssl_ca_certs=$PKI/other-ca.crt"
	WHERE=localhost:$WRONG_TLS WHY="hostname mismatch"
	refused -H localhost -p "$WRONG_TLS" --tls --cacert "$PKI/ca.crt"
	WHERE=127.0.0.1:$WRONG_TLS WHY="IP address mismatch"
	refused -H 127.0.0.1 -p "$WRONG_TLS" --tls --cacert "$PKI/ca.crt"
	WHERE=localhost:$EXPIRED_TLS WHY="certificate has expired"
	refused -H localhost -p "$EXPIRED_TLS" --tls --cacert "$PKI/ca.crt"
	# the name the certificate holds, given with --sni, is the one verified
	plugin -H 127.0.0.1 -p "$WRONG_TLS" --tls --cacert "$PKI/ca.crt" --sni elsewhere.example -e 0.12.0
	expect_exit 2
	expect_contains "no worker is listening"
}

t_insecure_and_cert_reqs_none_verify_nothing() {
	plugin -H localhost -p "$EXPIRED_TLS" --tls --insecure -e 0.12.0
	expect_exit 2
	expect_contains "no worker is listening"
	plugin --url "rediss://127.0.0.1:$WRONG_TLS/0?ssl_cert_reqs=none" -e 0.12.0
	expect_exit 2
	expect_contains "no worker is listening"
	plugin --url "rediss://127.0.0.1:$REDIS_TLS/0?ssl_cert_reqs=required&ssl_check_hostname=false&ssl_ca_certs=$PKI/ca.crt" \
		--sni nowhere.example -e 0.12.0
	expect_exit 1
	expect_perf workers 2
	plugin --url "rediss://127.0.0.1:$WRONG_TLS/0?ssl_check_hostname=false&ssl_cert_reqs=required&ssl_ca_certs=$PKI/ca.crt" -e 0.12.0
	expect_exit 2
	expect_contains "no worker is listening" # the order of the keys does not matter
	plugin -H localhost -p "$STRICT_TLS" --tls --insecure -e 0.12.0 # no verification: no verify result blamed
	expect_exit 2
	expect_not_contains "certificate was refused"
	expect_contains "client certificate"
}

t_a_server_that_wants_a_client_certificate() {
	plugin -H localhost -p "$STRICT_TLS" --tls --cacert "$PKI/ca.crt" -e 0.12.0
	expect_exit 2
	expect_one_line
	expect_contains "client certificate"
	plugin -H localhost -p "$STRICT_TLS" --tls --cacert "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/client.key" -e 0.12.0
	expect_exit 2
	expect_contains "no worker is listening"
	plugin --url "rediss://localhost:$STRICT_TLS/0?ssl_ca_certs=$PKI/ca.crt&ssl_certfile=$PKI/client.crt&ssl_keyfile=$PKI/client.key" -e 0.12.0
	expect_exit 2
	expect_contains "no worker is listening"
	# a key under a passphrase fails at once: a plugin never asks on a terminal
	plugin -H localhost -p "$STRICT_TLS" --tls --cacert "$PKI/ca.crt" --cert "$PKI/client.crt" --key "$PKI/locked.key" -e 0.12.0
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - TLS: cannot use the private key (it needs a passphrase, which a plugin cannot type) $PKI/locked.key: bad decrypt"
	plugin -H localhost -p "$STRICT_TLS" --tls --cacert "$PKI/ca.crt" --cert "$PKI/client.crt" -e 0.12.0
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - TLS: $PKI/client.crt holds no private key: give it with --key"
}

t_plain_and_tls_ports_mixed_up() {
	plugin -H localhost -p "$REDIS_TLS" -e 0.12.0
	expect_exit 2
	expect_one_line
	expect_contains "(a TLS port? then give --tls or a rediss:// URL)"
	# a plain Redis port takes the TLS greeting for half a command and waits for the rest
	plugin -H localhost -p "$REDIS_PORT" --tls --cacert "$PKI/ca.crt" -e 0.12.0 -t 1
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - time limit of 1 s reached: cannot connect to localhost:$REDIS_PORT/0: the broker did not complete the TLS handshake in time (is this a TLS port?)"
}

t_a_handshake_is_bounded_by_the_time_limit_and_signals() {
	local port
	port=$(cluster_free_port)
	start_helper silent "$FAKE/fake_redis.py" "$port" silent || return
	plugin -H 127.0.0.1 -p "$port" --tls --cacert "$PKI/ca.crt" -e 0.12.0 -t 1
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - time limit of 1 s reached: cannot connect to 127.0.0.1:$port/0: the broker did not complete the TLS handshake in time (is this a TLS port?)"
	expect_faster_than 1.5
	plugin_bg -H 127.0.0.1 -p "$port" --tls --cacert "$PKI/ca.crt" -e 0.12.0 -t 5
	for _ in $(seq 200); do [ "$(grep -c accepted "$ASSERT_TMP/silent.out")" -ge 2 ] && break; sleep 0.05; done
	sleep 0.1 # connected: the handshake has begun
	kill -TERM "$BG_PID"
	plugin_wait
	stop_helper silent
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - stopped by Terminated: cannot connect to 127.0.0.1:$port/0: interrupted by a signal"
	expect_faster_than 1
}

t_a_cut_collection_over_tls_leaves_nothing_behind() {
	start_helper silent "$FAKE/fake_peer.py" "$REDIS_PORT" silent || return
	local t
	t=$(awk "BEGIN { print 2 * ${TIME_FACTOR:-1} }") # valgrind's handshakes are slow
	plugin --url "rediss://localhost:$REDIS_TLS/0?ssl_ca_certs=$PKI/ca.crt" -e 0.12.0 -T 20 -t "$t"
	expect_contains "time limit of $t s reached"
	expect_perf workers 2
	expect_keyspace_clean "$REDIS_PORT"
	plugin_bg --url "rediss://localhost:$REDIS_TLS/0?ssl_ca_certs=$PKI/ca.crt" -e 0.12.0 -T 5
	wait_for_binding "$REDIS_PORT"
	sleep "$(awk "BEGIN { print 0.5 * ${TIME_FACTOR:-1} }")" # the real workers answer meanwhile
	kill -TERM "$BG_PID"
	plugin_wait
	stop_helper silent
	expect_exit 1 # what answered before the signal is judged: the incompatible worker
	expect_contains "stopped by Terminated: while collecting replies: interrupted by a signal"
	expect_keyspace_clean "$REDIS_PORT"
}

# A TLS master found through a (plain) sentinel: the certificate is verified against the address the
# sentinel names.
t_a_tls_master_behind_a_sentinel() {
	local good bad
	good=$(cluster_free_port) bad=$(cluster_free_port)
	start_helper good "$FAKE/fake_redis.py" "$good" sentinel 127.0.0.1 "$REDIS_TLS" || return
	start_helper bad "$FAKE/fake_redis.py" "$bad" sentinel 127.0.0.1 "$WRONG_TLS" || return
	plugin --url "sentinel://127.0.0.1:$good" --sentinel-master mymaster --tls --cacert "$PKI/ca.crt" -e 0.12.0 -v
	expect_exit 1
	expect_perf workers 2
	expect_contains "broker: master mymaster at 127.0.0.1:$REDIS_TLS/0 (named by sentinel 127.0.0.1:$good), server 7."
	expect_contains ", over TLS"
	expect_keyspace_clean "$REDIS_PORT"
	plugin --url "sentinel://127.0.0.1:$bad" --sentinel-master mymaster --tls --cacert "$PKI/ca.crt" -e 0.12.0
	expect_exit 2
	expect_line1 "CELERY WORKERS CRITICAL - cannot connect to master mymaster at 127.0.0.1:$WRONG_TLS/0 (named by sentinel 127.0.0.1:$bad): TLS: the broker's certificate was refused: IP address mismatch"
	plugin --url "sentinel://127.0.0.1:$good" --sentinel-master mymaster --tls --sentinel-tls --cacert "$PKI/ca.crt" -e 0.12.0 -t 1
	expect_exit 2 # a plain sentinel does not speak TLS: its handshake waits out its share of the time
	expect_line1 "CELERY WORKERS CRITICAL - no sentinel named master 'mymaster': 127.0.0.1:$good: the broker did not complete the TLS handshake in time (is this a TLS port?) (its share of the time)"
	stop_helper good
	stop_helper bad
}

# mistake ARGS... : UNKNOWN in one line starting with $WHY.
mistake() {
	plugin -e 0.12.0 "$@"
	expect_exit 3
	expect_one_line
	expect_contains "CELERY WORKERS UNKNOWN - $WHY"
}

t_tls_option_mistakes_are_unknown() {
	WHY="--cacert: cannot read $PKI/nonexistent.crt: No such file or directory" mistake -p "$REDIS_TLS" --tls --cacert "$PKI/nonexistent.crt"
	WHY="--cacert needs --tls or a rediss:// or amqps:// URL" mistake -p "$REDIS_TLS" --cacert "$PKI/ca.crt"
	WHY="--sni needs --tls or a rediss:// or amqps:// URL" mistake -p "$REDIS_TLS" --sni localhost
	WHY="--key needs --cert" mistake -p "$REDIS_TLS" --tls --key "$PKI/client.key"
	WHY="--insecure verifies nothing: it cannot take --cacert or --capath" mistake -p "$REDIS_TLS" --tls --insecure --cacert "$PKI/ca.crt"
	WHY="TLS is for TCP: a unix socket cannot use it" mistake -s "$REDIS_SOCKET" --tls
	WHY="--url: ssl_cert_reqs must be required, optional or none" mistake --url "rediss://localhost:$REDIS_TLS?ssl_cert_reqs=maybe"
	WHY="--url: ssl_* keys need a rediss:// URL" mistake --url "redis://localhost:$REDIS_TLS?ssl_ca_certs=$PKI/ca.crt"
	WHY="--url: unknown TLS key ssl_ca_cert " mistake --url "rediss://localhost:$REDIS_TLS?ssl_ca_cert=$PKI/ca.crt"
	WHY="TLS: cannot use the CA file $PKI/client.key: no certificate or crl found" \
		mistake -H localhost -p "$REDIS_TLS" --tls --cacert "$PKI/client.key"
	WHY="--capath: $PKI/ca.crt is not a directory" mistake -p "$REDIS_TLS" --tls --capath "$PKI/ca.crt"
	WHY="--cert: $PKI is a directory" mistake -p "$REDIS_TLS" --tls --cert "$PKI"
	mkfifo "$ASSERT_TMP/fifo"
	WHY="--cacert: $ASSERT_TMP/fifo is not a regular file" mistake -p "$REDIS_TLS" --tls --cacert "$ASSERT_TMP/fifo"
	WHY="--password-file: the file cannot be read by user $(id -un): not a regular file" mistake -p "$REDIS_TLS" --password-file "$ASSERT_TMP/fifo"
	WHY="ssl_ca_certs: cannot read /nonexistent/ca.crt: No such file or directory" mistake --url "rediss://localhost:$REDIS_TLS?ssl_ca_certs=/nonexistent/ca.crt"
	WHY="--insecure verifies nothing: it cannot take ssl_ca_certs" mistake --url "rediss://localhost:$REDIS_TLS?ssl_ca_certs=$PKI/ca.crt" --insecure
	WHY="ssl_cert_reqs=none verifies nothing: it cannot take --cacert or --capath" mistake --url "rediss://localhost:$REDIS_TLS?ssl_cert_reqs=none" --cacert "$PKI/ca.crt"
	rm -f "$ASSERT_TMP/fifo"
	# what a file holds is read before connecting too: a typo is UNKNOWN even with the broker down
	WHY="TLS: cannot use the private key (it needs a passphrase, which a plugin cannot type) $PKI/locked.key" \
		mistake -p "$(cluster_free_port)" --tls --cert "$PKI/client.crt" --key "$PKI/locked.key"
}

assert_init
cluster_init
PKI="$CLUSTER_DIR/pki"
pki_make "$PKI" || exit 2
tls_redis REDIS server optional || exit 2
tls_redis STRICT server yes || exit 2
tls_redis WRONG wrongname no || exit 2
tls_redis EXPIRED expired no || exit 2
cluster_start_worker celery-v0.12.0@tls celery \
	BROKER_URL="rediss://localhost:$REDIS_TLS/0?ssl_cert_reqs=required&ssl_ca_certs=$PKI/ca.crt"
cluster_start_worker celery-v0.11.0@plain celery
cluster_wait_subscribed 2 || exit 2
redis-cli -p "$REDIS_PORT" client list | grep -q "laddr=127.0.0.1:$REDIS_TLS .*psub=1" ||
	redis-cli -p "$REDIS_PORT" client list | grep -q "laddr=.*:$REDIS_TLS .*psub=1" ||
	{ echo "the TLS worker is not on the TLS port" >&2; exit 2; }

test_case "a real worker on rediss:// is found over TLS, by both plugins" t_a_real_worker_on_rediss_is_found_over_tls
test_case "a wrong CA, a wrong name and an expired certificate are refused: CRITICAL, one line" t_a_wrong_ca_a_wrong_name_and_an_expired_certificate_are_refused
test_case "--insecure and ssl_cert_reqs=none verify nothing" t_insecure_and_cert_reqs_none_verify_nothing
test_case "a server that wants a client certificate, without one, with one, with a locked key" t_a_server_that_wants_a_client_certificate
test_case "plain and TLS ports mixed up say so" t_plain_and_tls_ports_mixed_up
test_case "a TLS handshake is bounded by -t and stopped by a signal" t_a_handshake_is_bounded_by_the_time_limit_and_signals
test_case "TLS option mistakes are UNKNOWN, one line" t_tls_option_mistakes_are_unknown
test_case "a collection cut by -t or SIGTERM over TLS leaves nothing behind" t_a_cut_collection_over_tls_leaves_nothing_behind
test_case "a TLS master behind a sentinel, verified against the address it names" t_a_tls_master_behind_a_sentinel

cluster_stop
assert_summary
