#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test_night.sh: fit for 3 a.m. Secrets are never echoed and never reached by a typo; typos in the
# namespace, database, prefix or a queue name show themselves instead of passing for an outage; summaries
# stay short with 200 failing workers and queues; the monitoring-plugins output formats. Real redis-server
# and real Celery workers, and a simulated fleet for the 200. Usage: test_night.sh PLUGIN_DIR
. "$(dirname "$0")/../lib/plugin_test.sh" check_celery_worker_versions "${1:-}"
QUEUE_PLUGIN="$(dirname "$PLUGIN")/check_celery_queue_health"
FAKE="$CLUSTER_SRC/tests/lib"
. "$FAKE/background.sh"

queue_plugin() {
	run ${PLUGIN_WRAPPER:-} "$QUEUE_PLUGIN" "$@"
	expect_no_stderr
}

t_a_password_on_the_command_line_is_refused_unechoed() {
	local args
	for args in "--password s3cr3t" "--pass=s3cr3t" "--password-f s3cr3t" "--passwd s3cr3t" "--password=s3cr3t"; do
		# shellcheck disable=SC2086
		plugin -p "$REDIS_PORT" -e 0.12.0 $args
		expect_exit 3
		expect_one_line
		expect_contains "a password is never taken on the command line"
		expect_contains "use --password-file PATH or \$REDISCLI_AUTH"
		expect_not_contains "s3cr3t"
	done
	plugin -p "$REDIS_PORT" -e 0.12.0 --password-file /nonexistent/s3cr3t
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - --password-file: the file cannot be read by user $(id -un): No such file or directory"
	expect_not_contains "s3cr3t"
	plugin -p "$REDIS_PORT" -e 0.12.0 --verb
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - unknown option '--verb' (long options are taken only in full)"
	plugin -p "$REDIS_PORT" -e 0.12.0 --namespac=s3cr3t
	expect_exit 3
	expect_not_contains "s3cr3t"
}

t_credentials_errors_say_how_to_give_them() {
	plugin -p "$AUTH_PORT" -e 0.12.0
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - the broker needs a password: give it with --password-file PATH or \$REDISCLI_AUTH (and the user with --username)"
	run env REDISCLI_AUTH=wrong-pw ${PLUGIN_WRAPPER:-} "$PLUGIN" -p "$AUTH_PORT" -e 0.12.0
	expect_exit 3
	expect_contains "CELERY WORKERS UNKNOWN - the broker refused the password (WRONGPASS"
	expect_contains "check --username, --password-file, the URL or \$REDISCLI_AUTH"
	expect_not_contains "wrong-pw"
	run env REDISCLI_AUTH=night-pw ${PLUGIN_WRAPPER:-} "$PLUGIN" -p "$AUTH_PORT" -e 0.12.0
	expect_exit 2
	expect_perf workers 0
}

# A typo in --namespace, -n or --prefix stays CRITICAL (a real outage must never be downgraded by a guess)
# but says where it looked and what is nearby.
t_typos_show_themselves() {
	check -e 0.12.0 --namespace celeryy
	expect_exit 2
	expect_line1 "CELERY WORKERS CRITICAL - 0 of 0 workers compatible with 0.12.0; no worker is listening on /0.celeryy.pidbox (database 0, namespace celeryy, no prefix); the broker holds worker bindings of namespace celery without prefix, namespace celery with prefix pfx:"
	check -e 0.12.0 -n 3
	expect_exit 2
	expect_contains "no worker is listening on /3.celery.pidbox (database 3, namespace celery, no prefix)"
	expect_contains "database 0 holds "
	queue_plugin -p "$REDIS_PORT" -e 0.12.0 --prefix pfy:
	expect_exit 2
	expect_contains "no worker is listening on pfy:/0.celery.pidbox (database 0, namespace celery, prefix pfy:); the broker holds worker bindings of namespace celery without prefix, namespace celery with prefix pfx:"
}

t_queue_names() {
	queue_plugin -p "$REDIS_PORT" -e 0.12.0 -Q 'gpuu, celery'
	expect_exit 2
	expect_line1 "CELERY QUEUES CRITICAL - gpuu: no compatible consumer, 0 waiting (the broker knows no queue gpuu; closest: gpu); celery: 1 compatible, 1 incompatible [celery-v0.11.0@hostC (version 0.11.0)], 0 waiting"
	expect_perf celery_compatible 1
	expect_keyspace_clean "$REDIS_PORT"
	# a new queue, known to the broker but not consumed yet, is judged without a guess
	cluster_send_tasks brandnew 0 || fail "no task sent"
	queue_plugin -p "$REDIS_PORT" -e 0.12.0 -Q brandnew
	expect_line1 "CELERY QUEUES CRITICAL - brandnew: 1 waiting, no compatible consumer"
}

t_versions_and_addresses() {
	check -e v0.12.0
	expect_exit 1
	expect_line1 "CELERY WORKERS WARNING - 1 of 3 workers compatible with 0.12.0; incompatible: celery-v0.11.0@hostC (version 0.11.0), celery@46b9a1cf718a (untagged)"
	plugin -p "$REDIS_PORT" -e 0.12.0 -e 0.11.0
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - -e/--expected-version is given twice; give one version"
	plugin -H "127.0.0.1:$REDIS_PORT" -e 0.12.0
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - -H/--hostname: '127.0.0.1:$REDIS_PORT' holds a port; give the host to -H and the port to -p"
	plugin -H ::1 -p 1 -e 0.12.0 -t 1
	expect_exit 2 # a bare IPv6 address is an address, not HOST:PORT
	plugin -p "$REDIS_PORT" -e 0.12.0 -t 0
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - -t/--timeout: must be more than 0 seconds"
	plugin -p "$REDIS_PORT" -e 0.12.0 --json -t 0
	expect_exit 3
	printf '%s' "$OUT" | "$CLUSTER_PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
assert d["state"] == "UNKNOWN" and d["exit_code"] == 3 and "must be more than 0" in d["summary"], d
' || fail "an option error with --json is not a JSON document"
	plugin -p "$REDIS_PORT" -e 0.12.0 --json --bogus
	printf '%s' "$OUT" | "$CLUSTER_PYTHON" -c 'import json, sys; json.load(sys.stdin)' || fail "not JSON"
	plugin -h
	expect_contains "-e v0.12.0 means 0.12.0"
}

# 200 workers of an old release, 200 queues without a consumer: the summary stays short.
t_summaries_stay_short() {
	local queues line1
	plugin -p "$FLEET_PORT" -e 0.13.0 -v
	expect_exit 2
	expect_perf incompatible 200
	line1=$(printf '%s\n' "$OUT" | head -n 1 | sed 's/ | .*$//')
	[ "${#line1}" -le 512 ] || fail "summary of ${#line1} bytes"
	expect_contains "fake-0004-v0.12.0@fleet (version 0.12.0) and 195 more"
	queues=$(seq -f 'lost%03g' 1 200 | paste -sd,)
	run ${PLUGIN_WRAPPER:-} "$QUEUE_PLUGIN" -p "$FLEET_PORT" -e 0.13.0 -Q "gpu,$queues" -v
	expect_exit 2
	line1=$(printf '%s\n' "$OUT" | head -n 1 | sed 's/ | .*$//')
	[ "${#line1}" -le 512 ] || fail "summary of ${#line1} bytes"
	expect_contains " more unhealthy queues"
	expect_contains "gpu: CRITICAL; 0 waiting; incompatible: fake-0000-v0.12.0@fleet (version 0.12.0), "
	expect_contains "fake-0019-v0.12.0@fleet (version 0.12.0) and 180 more; compatible: none"
	expect_perf lost200_compatible 0
	# names so long that five of them overflow: cut at 512 bytes, whole escapes
	run ${PLUGIN_WRAPPER:-} "$QUEUE_PLUGIN" -p "$FLEET_PORT" -e 0.13.0 \
		-Q "$(printf 'q%0250d|,' 1 2 3 4 5 6 | sed 's/,$//')"
	line1=$(printf '%s\n' "$OUT" | head -n 1 | sed 's/ | .*$//')
	[ "${#line1}" -le 512 ] || fail "summary of ${#line1} bytes"
	case "$line1" in *...) ;; *) fail "a cut summary ends in '...': $line1" ;; esac
	printf '%s' "$line1" | grep -qE '\\(x[0-9a-f]?)?\.\.\.$' && fail "an escape was cut: $line1"
}

t_monitoring_plugins_output_formats() {
	check -e 0.12.0 --output-format multi-line
	expect_exit 1
	[ "$(printf '%s\n' "$OUT" | wc -l)" = 4 ] || fail "expected 4 lines"
	[ "$(printf '%s\n' "$OUT" | sed -n 1p)" = "[WARNING] - 1 of 3 workers compatible with 0.12.0; incompatible: celery-v0.11.0@hostC (version 0.11.0), celery@46b9a1cf718a (untagged)" ] ||
		fail "line 1"
	[ "$(printf '%s\n' "$OUT" | sed -n 2p)" = $'\t\\_[WARNING] - celery-v0.11.0@hostC (version 0.11.0)' ] || fail "line 2"
	[ "$(printf '%s\n' "$OUT" | sed -n 3p)" = $'\t\\_[WARNING] - celery@46b9a1cf718a (untagged)' ] || fail "line 3"
	case "$(printf '%s\n' "$OUT" | sed -n 4p)" in
	$'\t\\_[OK] - 1 of 3 workers compatible with 0.12.0|workers=3;;;0 compatible=1;;1:;0 incompatible=2;0;;0 untagged=1;;;0 unresponsive=0;0;;0 time='*) ;;
	*) fail "line 4 (the perfdata after the last line)" ;;
	esac
	queue_plugin -p "$REDIS_PORT" -e 0.12.0 -Q gpu,celery --output-format MP-TEST-JSON
	expect_exit 0 # as monitoring-plugins: the test format exits 0, the state is in the document
	printf '%s' "$OUT" | "$CLUSTER_PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
assert d["state"] == "WARNING", d
checks = {c["output"].split(":")[0]: c for c in d["checks"]}
assert checks["gpu"]["state"] == "WARNING" and checks["celery"]["state"] == "WARNING", checks
pd = {p["label"]: p for c in d["checks"] for p in c.get("perfdata", [])}
assert pd["gpu_compatible"]["value"] == {"type": "int", "value": "1"}, pd["gpu_compatible"]
assert pd["gpu_compatible"]["crit"] == {"alert_on_inside": False, "start": {"type": "int", "value": "1"}, "end": "inf"}
assert pd["time"]["uom"] == "s" and pd["time"]["value"]["type"] == "double"
' || fail "mp-test-json is not as monitoring-plugins writes it"
	plugin -p "$REDIS_PORT" -e 0.12.0 --output-format one-line
	expect_exit 3
	plugin -p "$REDIS_PORT" -e 0.12.0 --output-format multi-line --json
	expect_exit 3
}

# What a hostile tester found: a separator that would split our own member, a queue-health option named
# without echoing its value, a -t with no room for replies, a broker without AUTH echoing the password,
# a stray SIGALRM, priority_steps without step 0.
t_odd_corners() {
	plugin -p "$REDIS_PORT" -e 0.12.0 --transport-option sep=-
	expect_exit 3
	expect_contains "do not split with the --transport-option sep given"
	plugin -p "$NOAUTH_PORT" -e 0.12.0 --transport-option sep=- # no binding to check it against
	expect_exit 3
	expect_contains "the separator occurs in this check's own reply queue name"
	expect_keyspace_clean "$NOAUTH_PORT"
	plugin -p "$REDIS_PORT" -e 0.12.0 --exclude-queue s3cr3t
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - --exclude-queue is an option of check_celery_queue_health only"
	plugin -p "$REDIS_PORT" -e 0.12.0 -t 0.3
	expect_exit 3
	expect_contains "must be at least 0.5 seconds"
	run env REDISCLI_AUTH=s3cr3tPW ${PLUGIN_WRAPPER:-} "$PLUGIN" -p "$NOAUTH_PORT" -e 0.12.0
	expect_exit 3
	expect_contains "the broker refused the password (ERR)"
	expect_not_contains "s3cr3tPW"
	queue_plugin -p "$REDIS_PORT" -e 0.12.0 -Q gpu --transport-option priority_steps=5
	expect_perf gpu_compatible 1
	expect_keyspace_clean "$REDIS_PORT"
	start_helper silent "$FAKE/fake_peer.py" "$REDIS_PORT" silent || return
	plugin_bg -p "$REDIS_PORT" -e 0.12.0 -T "$(awk "BEGIN { print 1.5 * ${TIME_FACTOR:-1} }")"
	wait_for_binding "$REDIS_PORT" # by then the plugin has its handlers (slow to start under valgrind)
	kill -ALRM "$BG_PID"
	plugin_wait
	stop_helper silent
	expect_exit 1
	expect_contains "1 unresponsive"
	expect_not_contains "timed out"
	expect_keyspace_clean "$REDIS_PORT"
}

assert_init
cluster_init
cluster_start_redis REDIS || exit 2
cluster_start_redis AUTH --requirepass night-pw || exit 2
cluster_start_redis FLEET || exit 2
cluster_start_redis NOAUTH --rename-command AUTH "" || exit 2
cluster_start_demo_fleet || exit 2
cluster_start_worker celery-v0.12.0@prefixed gpu KEY_PREFIX=pfx:
cluster_wait_subscribed 4 || exit 2
start_helper fleet "$FAKE/fake_peer.py" "$FLEET_PORT" fleet 200 || exit 2

test_case "a password on the command line is refused and never echoed" t_a_password_on_the_command_line_is_refused_unechoed
test_case "credential errors say how to give them" t_credentials_errors_say_how_to_give_them
test_case "a typo in namespace, database or prefix shows itself, still CRITICAL" t_typos_show_themselves
test_case "-Q: blanks trimmed, an unknown name gets the closest known ones" t_queue_names
test_case "-e v0.12.0, -e twice, -H HOST:PORT, -t 0, --json on option errors" t_versions_and_addresses
test_case "200 failing workers and queues: summaries under 512 bytes" t_summaries_stay_short
test_case "--output-format multi-line and mp-test-json" t_monitoring_plugins_output_formats
test_case "odd corners: own separator, option names, -t floor, echoed AUTH, stray SIGALRM, steps without 0" t_odd_corners

stop_helper fleet
cluster_stop
assert_summary
