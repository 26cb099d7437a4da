#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test_icinga2.sh: icinga2-conf/celery.conf in a real Icinga 2 (Debian's icinga2-bin): the configuration
# validates, and the daemon runs both CheckCommands against real Celery workers and gets the state, output
# and perfdata the plugins give by hand. The broker listens on 127.0.0.2 only, the Host's address: a
# command that dropped -H would check 127.0.0.1 and fail. Usage: test_icinga2.sh PLUGIN_DIR
# plain build only
. "$(dirname "$0")/../lib/plugin_test.sh" check_celery_worker_versions "${1:-}"
. "$(dirname "$0")/../lib/icinga.sh"

write_config() {
	mkdir -p "$ICINGA"
	printf 'mon-pw\n' >"$ICINGA/password"
	# the example's rules as they are, but checking every second rather than every minute
	sed 's/check_interval = 1m$/check_interval = 1s/' "$CLUSTER_SRC/icinga2-conf/examples/services.conf" >"$ICINGA/services.conf"
	grep -q 'check_interval = 1s' "$ICINGA/services.conf" || echo "services.conf's check_interval was not found" >&2
	# every example as the docs lay them out on a master: zones.conf; the rules and the hosts in
	# zones.d/master; the commands in zones.d/global-templates. The example hosts are only validated.
	mkdir -p "$EXAMPLES/zones.d/master" "$EXAMPLES/zones.d/global-templates"
	cp "$CLUSTER_SRC"/icinga2-conf/examples/{services,hosts,agent-hosts}.conf "$EXAMPLES/zones.d/master/"
	cp "$CLUSTER_SRC/icinga2-conf/celery.conf" "$EXAMPLES/zones.d/global-templates/"
	cat >"$EXAMPLES/icinga2.conf" <<CONF
$(icinga_head "/nonexistent")
include "$CLUSTER_SRC/icinga2-conf/examples/zones.conf"
$(icinga_conf_d_stubs)
CONF
	cat >"$ICINGA/icinga2.conf" <<CONF
$(icinga_head "$(dirname "$PLUGIN")")
include "$CLUSTER_SRC/icinga2-conf/celery.conf"
include "$ICINGA/services.conf"
$(icinga_conf_d_stubs)
object IcingaApplication "app" { enable_notifications = false; enable_event_handlers = false }
object CheckerComponent "checker" { }
$(icinga_perfdata_writer "$ICINGA")
object Host "broker" { check_command = "dummy"; address = "$CLUSTER_HOST" }
object Host "celery-broker" { /* examples/services.conf's apply rules make its services */
  check_command = "dummy"
  address = "$CLUSTER_HOST"
  vars.celery_port = $REDIS_PORT
  vars.celery_username = "celery-monitor"
  vars.celery_password_file = "$ICINGA/password"
  vars.celery_expected_version = "0.12.0"
  vars.celery_queue_services = {
    "gpu" = { }
    "reports" = { celery_backlog_warning = "1", celery_backlog_critical = "100" }
  }
  vars.celery_app = "celery"
  vars.celery_worker_hosts = [ "hostA" ]
  vars.celery_task_services = {
    "adds" = { celery_tasks = [ "celery_test_app.add" ], celery_runtime_critical = "30" }
  }
}
object Service "workers" {
  host_name = "broker"
  check_command = "celery_worker_versions"
  check_interval = 1s
  vars.celery_port = $REDIS_PORT
  vars.celery_expected_version = "0.12.0"
  vars.celery_username = "celery-monitor"
  vars.celery_password_file = "$ICINGA/password"
}
object Service "gpu-workers" {
  host_name = "broker"
  check_command = "celery_worker_versions"
  check_interval = 1s
  vars.celery_url = "redis://$CLUSTER_HOST:$REDIS_PORT/0"
  vars.celery_expected_version = "0.12.0"
  vars.celery_queues = [ "gpu" ]
  vars.celery_allow_untagged = true
}
object Service "queues" {
  host_name = "broker"
  check_command = "celery_queue_health"
  check_interval = 1s
  vars.celery_port = $REDIS_PORT
  vars.celery_expected_version = "0.12.0"
  vars.celery_queues = [ "gpu", "reports" ]
  vars.celery_backlog_warning = "100"
  vars.celery_backlog_critical = "1000"
}
CONF
}

# result SERVICE: the first check result of SERVICE.
result() {
	icinga_result "$ICINGA" "$1"
}

t_config_validates() {
	run icinga "$ICINGA" daemon -c "$ICINGA/icinga2.conf" -C
	expect_exit 0
	expect_contains "Instantiated 9 Services."
	expect_contains "Finished validating the configuration file(s)."
}

# examples/services.conf's rules on examples/hosts.conf's and agent-hosts.conf's hosts, in the zones of
# examples/zones.conf: a service per host, queue and worker; those of an agent's host run on the agent.
t_examples_validate() {
	local services
	run icinga "$EXAMPLES" daemon -c "$EXAMPLES/icinga2.conf" -DZonesDir="$EXAMPLES/zones.d" -DNodeName=master1.example.com -C
	expect_exit 0
	expect_contains "Instantiated 12 Services."
	expect_contains "Instantiated 36 Notifications."
	expect_contains "Instantiated 3 Zones."
	expect_not_contains "warning/"
	run icinga "$EXAMPLES" object list --type Service
	services=$(sed -n "s/^Object '\(.*\)' of type 'Service':$/\1/p" <<<"$OUT" | LC_ALL=C sort | tr '\n' ' ')
	[ "$services" = "broker1.example.com!celery-queue-celery broker1.example.com!celery-queue-gpu broker1.example.com!celery-tasks broker1.example.com!celery-tasks-thumbnails broker1.example.com!celery-worker-gpu-1 broker1.example.com!celery-worker-gpu-2 broker1.example.com!celery-workers broker2.example.com!celery-tasks broker2.example.com!celery-workers broker3.example.com!celery-queue-celery broker3.example.com!celery-tasks broker3.example.com!celery-workers " ] ||
		fail "the examples make the services: $services"
	expect_contains '* celery_workers = [ "celery-v0.12.0@gpu-1" ]'
	expect_contains '* celery_backlog_critical = "50"' # the queue's own variables
	expect_contains '* celery_tasks = [ "app.tasks.thumbnail*" ]'
	expect_contains '* command_endpoint = "broker3.example.com"'
	[ "$(grep -c '\* event_command = "celery_quarantine_workers"' <<<"$OUT")" = 1 ] ||
		fail "the event handler is on broker2's celery-workers alone, the host that sets celery_quarantine"
}

t_daemon_runs_the_checks() {
	local pid start=$SECONDS name missing
	local -A got=()
	local names=(workers gpu-workers queues celery-workers celery-queue-gpu celery-queue-reports celery-worker-hostA
		celery-tasks celery-tasks-adds)
	icinga_start "$ICINGA" "$ICINGA/daemon.out" daemon -c "$ICINGA/icinga2.conf"
	pid=$ICINGA_PID
	# Each result is kept as soon as it appears: a rotation of the perfdata file in the same second (as on
	# shutdown) replaces the file that held it.
	for _ in $(seq 600); do
		missing=0
		for name in "${names[@]}"; do
			[ -n "${got[$name]:-}" ] || got[$name]=$(result "$name")
			[ -n "${got[$name]}" ] || missing=1
		done
		[ "$missing" = 0 ] && break
		sleep 0.1
	done
	icinga_stop "$pid"
	OUT=${got[workers]}
	expect_contains "STATE::WARNING	PERF::workers=3;;;0 compatible=1;;1:;0 incompatible=2;0;;0 untagged=1;;;0 unresponsive=0;0;;0 time="
	expect_contains "OUTPUT::CELERY WORKERS WARNING - 1 of 3 workers compatible with 0.12.0; incompatible: celery-v0.11.0@hostC (version 0.11.0), celery@46b9a1cf718a (untagged)"
	OUT=${got[gpu-workers]}
	expect_contains "STATE::OK	PERF::workers=2;;;0 compatible=2;;1:;0"
	expect_contains "OUTPUT::CELERY WORKERS OK - 2 of 2 workers on gpu compatible with 0.12.0"
	OUT=${got[queues]}
	expect_contains "STATE::CRITICAL	PERF::gpu_compatible=1;;1:;0 gpu_incompatible=1;0;;0 gpu_backlog=0;100;1000;0 reports_compatible=0;;1:;0 reports_incompatible=0;0;;0 reports_backlog=2;100;1000;0"
	expect_contains "OUTPUT::CELERY QUEUES CRITICAL - reports: 2 waiting, no compatible consumer; gpu: 1 compatible"
	# examples/services.conf's rules, for a host that sets the variables once
	OUT=${got[celery-workers]}
	expect_contains "STATE::WARNING	PERF::workers=3;;;0 compatible=1;;1:;0 incompatible=2;0;;0"
	OUT=${got[celery-queue-gpu]}
	expect_contains "STATE::WARNING	PERF::gpu_compatible=1;;1:;0 gpu_incompatible=1;0;;0 gpu_backlog=0;;;0"
	OUT=${got[celery-queue-reports]}
	expect_contains "STATE::CRITICAL	PERF::reports_compatible=0;;1:;0 reports_incompatible=0;0;;0 reports_backlog=2;1;100;0"
	OUT=${got[celery-worker-hostA]}
	expect_contains "STATE::OK	PERF::workers=1;;;0 compatible=1;;1:;0"
	expect_contains "OUTPUT::CELERY WORKERS OK - 1 of 1 workers compatible with 0.12.0"
	OUT=${got[celery-tasks]}
	expect_contains "STATE::OK	PERF::active=0;;;0 reserved=0;;;0 stale_active=0;;;0 stale_reserved=0;;;0 stale_tasks=0;0;;0 longest_runtime=0s;;;0 unresponsive=0;0;;0"
	expect_contains "OUTPUT::CELERY TASKS OK - 0 running, 0 reserved on 3 workers"
	OUT=${got[celery-tasks-adds]}
	expect_contains "longest_runtime=0s;;30;0"
	expect_contains "OUTPUT::CELERY TASKS OK - 0 running, 0 reserved on 3 workers (tasks matching --task)"
	OUT=$(cat "$ICINGA/daemon.out")
	expect_not_contains "mon-pw"
	icinga_expect_quiet "$ICINGA/daemon.out"
	[ "$TEST_OK" = 1 ] || echo "    ($((SECONDS - start)) s)"
	expect_keyspace_clean "$REDIS_PORT"
}

assert_init
ICINGA="$ASSERT_TMP/icinga2"
EXAMPLES="$ASSERT_TMP/examples"
CLUSTER_HOST=127.0.0.2
cluster_init
trap 'icinga_stop_all; cluster_stop' EXIT
cluster_start_redis REDIS || exit 2
cluster_start_demo_fleet || exit 2
cluster_redis ACL SETUSER celery-monitor on '>mon-pw' '~*' '&*' '+@all' >/dev/null
cluster_send_tasks reports 0 9 || exit 2
write_config

test_case "icinga2-conf validates in Icinga 2" t_config_validates
test_case "the examples validate: a service per broker host, queue and worker, and notifications" t_examples_validate
test_case "Icinga 2 runs the CheckCommands and reads state, output and perfdata" t_daemon_runs_the_checks

cluster_stop
assert_summary
