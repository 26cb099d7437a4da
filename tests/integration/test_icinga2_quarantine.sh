#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test_icinga2_quarantine.sh: the EventCommand celery_quarantine_workers in a real Icinga 2 daemon, attached
# by examples/services.conf's rule to a host that sets celery_quarantine: the celery-workers service (of the
# gpu queue) goes CRITICAL for a stale worker on gpu; SOFT states change nothing, the HARD one runs the
# handler, which cancels gpu on the stale worker alone, and the service recovers. A host without
# celery_quarantine gets no handler.
# Usage: test_icinga2_quarantine.sh PLUGIN_DIR
# plain build only
. "$(dirname "$0")/../lib/plugin_test.sh" check_celery_worker_versions "${1:-}"
. "$(dirname "$0")/../lib/icinga.sh"

write_config() {
	mkdir -p "$ICINGA"
	# the example's rules as they are, but checking and retrying every second
	sed 's/check_interval = 1m$/check_interval = 1s/; s/retry_interval = 20s$/retry_interval = 1s/' \
		"$CLUSTER_SRC/icinga2-conf/examples/services.conf" >"$ICINGA/services.conf"
	[ "$(grep -c 'interval = 1s' "$ICINGA/services.conf")" = 2 ] || echo "services.conf's intervals were not found" >&2
	cat >"$ICINGA/icinga2.conf" <<CONF
$(icinga_head "$(dirname "$PLUGIN")")
include "$CLUSTER_SRC/icinga2-conf/celery.conf"
include "$ICINGA/services.conf"
$(icinga_conf_d_stubs)
object IcingaApplication "app" { enable_notifications = false }
object CheckerComponent "checker" { }
$(icinga_perfdata_writer "$ICINGA")
object FileLogger "commands" { path = "$ICINGA/commands.log"; severity = "notice" } /* the commands run */
object Host "celery-broker" {
  check_command = "dummy"
  address = "$CLUSTER_HOST"
  vars.celery_port = $REDIS_PORT
  vars.celery_expected_version = "0.12.0"
  vars.celery_queues = [ "gpu" ]
  vars.celery_incompatible_critical = "0"
  vars.celery_quarantine = true
  vars.celery_quarantine_execute = true
}
object Host "no-handler" {
  check_command = "dummy"
  address = "$CLUSTER_HOST"
  vars.celery_port = $REDIS_PORT
  vars.celery_expected_version = "0.12.0"
}
CONF
}

t_handlers_attached_by_the_variable() {
	run icinga "$ICINGA" daemon -c "$ICINGA/icinga2.conf" -C
	expect_exit 0
	OUT=$(grep -v "$NO_SUCH_HOSTS" <<<"$OUT")
	expect_not_contains "warning/"
	run icinga "$ICINGA" object list --type Service
	expect_contains "Object 'celery-broker!celery-workers' of type 'Service'"
	[ "$(grep -c '\* event_command = "celery_quarantine_workers"' <<<"$OUT")" = 1 ] ||
		fail "one service (celery-broker's) has the event command"
}

t_hard_state_runs_the_handler() {
	local pid ok critical
	icinga_start "$ICINGA" "$ICINGA/daemon.out" daemon -c "$ICINGA/icinga2.conf"
	pid=$ICINGA_PID
	for _ in $(seq 300); do
		ok=$(icinga_result "$ICINGA" celery-workers OK)
		[ -n "$ok" ] && break
		sleep 0.1
	done
	for _ in $(seq 50); do # the log of the commands run is written a little later
		grep -q "celery_quarantine_workers.*'CRITICAL' '--state-type' 'HARD'.*terminated" "$ICINGA/commands.log" && break
		sleep 0.1
	done
	critical=$(icinga_result "$ICINGA" celery-workers CRITICAL)
	icinga_stop "$pid"
	OUT=$critical
	expect_contains "OUTPUT::CELERY WORKERS CRITICAL - 1 of 2 workers on gpu compatible with 0.12.0; incompatible: celery-v0.11.2@stale (version 0.11.2)"
	OUT=$ok
	expect_contains "OUTPUT::CELERY WORKERS OK - 1 of 1 workers on gpu compatible with 0.12.0"
	# the handler ran on a SOFT state (and did nothing), then once on the HARD one (and on the recovery)
	OUT=$(sed -n "s/.*Running command '[^']*celery_quarantine_workers' \(.*\): PID .*/\1/p" "$ICINGA/commands.log")
	expect_contains "'--attempt' '2' '--execute' '--state' 'CRITICAL' '--state-type' 'SOFT' '-H' '$CLUSTER_HOST' '-Q' 'gpu' '-e' '0.12.0' '-p' '$REDIS_PORT'"
	[ "$(grep -c "'CRITICAL' '--state-type' 'HARD'" <<<"$OUT")" = 1 ] || fail "one run of the handler on the HARD CRITICAL"
	OUT=$("$PLUGIN" -H "$CLUSTER_HOST" -p "$REDIS_PORT" -e 0.12.0 -Q gpu -v)
	expect_contains "CELERY WORKERS OK - 1 of 1 workers on gpu compatible with 0.12.0"
	expect_contains "celery-v0.11.2@stale: version 0.11.2, incompatible; queues: none"
	kill -0 "$(cluster_worker_pid celery-v0.11.2@stale)" 2>/dev/null || fail "the stale worker was stopped, not quarantined"
	icinga_expect_quiet "$ICINGA/daemon.out" "$NO_SUCH_HOSTS"
	expect_keyspace_clean "$REDIS_PORT"
}

assert_init
ICINGA="$ASSERT_TMP/icinga2"
NO_SUCH_HOSTS="warning/ApplyRule: Apply rule 'celery-\(queue\|worker\|tasks\)-'" # the example rules for none here
CLUSTER_HOST=127.0.0.2
cluster_init
trap 'icinga_stop_all; cluster_stop' EXIT
cluster_start_redis REDIS || exit 2
cluster_start_worker celery-v0.11.2@stale gpu
cluster_start_worker celery-v0.12.0@current gpu
cluster_wait_subscribed 2 || exit 2
write_config

test_case "examples/services.conf attaches the EventCommand where the host sets celery_quarantine" t_handlers_attached_by_the_variable
test_case "Icinga 2 runs the EventCommand on the HARD CRITICAL: gpu cancelled on the stale worker, the service recovers" t_hard_state_runs_the_handler

cluster_stop
assert_summary
