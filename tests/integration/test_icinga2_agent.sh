#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test_icinga2_agent.sh: the examples' agent setup with two real Icinga 2 instances on loopback. The master
# runs examples/zones.conf, with services.conf and agent-hosts.conf in zones.d/master and celery.conf in
# zones.d/global-templates; the agent runs the zones of zones.conf's comment, connects to the master, gets
# the commands by Icinga's config sync, and runs the checks the master asks of it (command_endpoint). The
# plugins are only on the agent (the master's PluginContribDir does not exist), so a result from the real
# workers proves the check ran there. Usage: test_icinga2_agent.sh PLUGIN_DIR
# plain build only
. "$(dirname "$0")/../lib/plugin_test.sh" check_celery_worker_versions "${1:-}"
. "$(dirname "$0")/../lib/icinga.sh"

MASTER_NAME=master1.example.com
AGENT_NAME=broker3.example.com

# make_certificates: a throwaway CA and a certificate for each endpoint, where Icinga 2.13 looks for them.
make_certificates() {
	local ca="$ASSERT_TMP/ca" name dir
	mkdir -p "$ca"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=test icinga ca" -keyout "$ca/ca.key" \
		-out "$ca/ca.crt" 2>/dev/null || return 1
	for name in "$MASTER_NAME:$MASTER" "$AGENT_NAME:$AGENT"; do
		dir=${name#*:}/data/certs
		name=${name%%:*}
		mkdir -p "$dir"
		openssl req -newkey rsa:2048 -nodes -subj "/CN=$name" -keyout "$dir/$name.key" -out "$ca/$name.csr" 2>/dev/null &&
			printf 'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:%s\n' \
				"$name" >"$ca/$name.ext" &&
			openssl x509 -req -in "$ca/$name.csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" -CAcreateserial -days 2 \
				-extfile "$ca/$name.ext" -out "$dir/$name.crt" 2>/dev/null || return 1
		cp "$ca/ca.crt" "$dir/ca.crt"
	done
}

write_master() {
	mkdir -p "$MASTER/zones.d/master" "$MASTER/zones.d/global-templates"
	printf 'mon-pw\n' >"$MASTER/password"
	printf '0.12.0\n' >"$MASTER/release"
	cp "$CLUSTER_SRC/icinga2-conf/celery.conf" "$MASTER/zones.d/global-templates/"
	# the example's rules, checking every second; its agent's host, pointed at this test's broker
	sed 's/check_interval = 1m$/check_interval = 1s/' "$CLUSTER_SRC/icinga2-conf/examples/services.conf" \
		>"$MASTER/zones.d/master/services.conf"
	sed -e "s|vars.celery_hostname = \"127.0.0.1\"|vars.celery_hostname = \"$CLUSTER_HOST\"; vars.celery_port = $REDIS_PORT; vars.celery_username = \"celery-monitor\"; vars.celery_password_file = \"$MASTER/password\"|" \
		-e "s|\"/etc/celery-release\"|\"$MASTER/release\"|" -e 's|"celery" = { }|"gpu" = { }|' \
		"$CLUSTER_SRC/icinga2-conf/examples/agent-hosts.conf" >"$MASTER/zones.d/master/agent-hosts.conf"
	grep -q "celery_port = $REDIS_PORT" "$MASTER/zones.d/master/agent-hosts.conf" || echo "agent-hosts.conf changed" >&2
	cat >"$MASTER/icinga2.conf" <<CONF
$(icinga_head "/nonexistent")
include "$CLUSTER_SRC/icinga2-conf/examples/zones.conf"
$(icinga_conf_d_stubs)
object ApiListener "api" { bind_host = "127.0.0.1"; bind_port = $MASTER_PORT }
object CheckerComponent "checker" { }
object IcingaApplication "app" { enable_notifications = false }
object ExternalCommandListener "command" { command_path = "$MASTER/run/icinga2.cmd" }
$(icinga_perfdata_writer "$MASTER")
CONF
}

# write_agent: the agent's zones are those zones.conf's comment gives, with the master on this test's port.
write_agent() {
	mkdir -p "$AGENT/plugins"
	cp "$(dirname "$PLUGIN")"/check_celery_worker_versions "$(dirname "$PLUGIN")"/check_celery_queue_health "$AGENT/plugins/"
	sed -n 's/^ \*   \(object .*\)$/\1/p' "$CLUSTER_SRC/icinga2-conf/examples/zones.conf" |
		sed -e "s/host = \"192.0.2.1\"; port = 5665/host = \"127.0.0.1\"; port = $MASTER_PORT/" >"$AGENT/zones.conf"
	grep -q "port = $MASTER_PORT" "$AGENT/zones.conf" || echo "zones.conf's agent side changed" >&2
	cat >"$AGENT/icinga2.conf" <<CONF
$(icinga_head "$AGENT/plugins")
include "$AGENT/zones.conf"
object ApiListener "api" {
  bind_host = "127.0.0.1"
  bind_port = $AGENT_PORT
  accept_config = true
  accept_commands = true
}
CONF
}

# force_checks: asks the master to check the agent's services now (a check sent while the agent reloads
# the synced configuration is lost, and would be sent again only after 90 s).
force_checks() {
	local now=$EPOCHSECONDS name
	for name in celery-workers celery-queue-gpu; do
		timeout 2 sh -c "echo '[$now] SCHEDULE_FORCED_SVC_CHECK;$AGENT_NAME;$name;$now' >'$MASTER/run/icinga2.cmd'" 2>/dev/null
	done
}

t_checks_run_on_the_agent() {
	local master_pid agent_pid workers= gpu= start=$SECONDS
	icinga_start "$MASTER" "$MASTER/daemon.out" daemon -c "$MASTER/icinga2.conf" -DZonesDir="$MASTER/zones.d" \
		-DNodeName=$MASTER_NAME
	master_pid=$ICINGA_PID
	for _ in $(seq 100); do # the agent connects once the master listens: no 10 s wait to reconnect
		(: >"/dev/tcp/127.0.0.1/$MASTER_PORT") 2>/dev/null && break
		sleep 0.1
	done
	icinga_start "$AGENT" "$AGENT/daemon.out" daemon -c "$AGENT/icinga2.conf" -DNodeName=$AGENT_NAME
	agent_pid=$ICINGA_PID
	# Results from before the sync ("Check command ... does not exist") are not the ones awaited.
	for i in $(seq 600); do
		[ -n "$workers" ] || workers=$(icinga_result "$MASTER" celery-workers 'OK\|WARNING\|CRITICAL')
		[ -n "$gpu" ] || gpu=$(icinga_result "$MASTER" celery-queue-gpu 'OK\|WARNING\|CRITICAL')
		[ -n "$workers" ] && [ -n "$gpu" ] && break
		[ $((i % 20)) = 0 ] && force_checks
		sleep 0.1
	done
	icinga_stop "$agent_pid"
	icinga_stop "$master_pid"
	OUT=$workers
	expect_contains "STATE::WARNING	PERF::workers=3;;;0 compatible=1;;1:;0 incompatible=2;0;;0 untagged=1;;;0 unresponsive=0;0;;0 time="
	expect_contains "OUTPUT::CELERY WORKERS WARNING - 1 of 3 workers compatible with 0.12.0; incompatible: celery-v0.11.0@hostC (version 0.11.0), celery@46b9a1cf718a (untagged)"
	OUT=$gpu
	expect_contains "STATE::WARNING	PERF::gpu_compatible=1;;1:;0 gpu_incompatible=1;0;;0 gpu_backlog=0;;;0"
	[ -f "$AGENT/data/api/zones/global-templates/_etc/celery.conf" ] || fail "the agent did not get the commands by config sync"
	OUT=$(cat "$MASTER/daemon.out" "$AGENT/daemon.out")
	expect_not_contains "mon-pw"
	if [ "$TEST_OK" != 1 ]; then
		echo "    after $((SECONDS - start)) s; the master's results:"
		cat "$MASTER"/spool/perfdata/service* 2>/dev/null | tail -n 5 | sed 's/^/      /'
		echo "    the agent's log:"
		tail -n 15 "$AGENT/daemon.out" | sed 's/^/      /'
	fi
	expect_keyspace_clean "$REDIS_PORT"
}

assert_init
MASTER="$ASSERT_TMP/master"
AGENT="$ASSERT_TMP/agent"
MASTER_PORT=$(cluster_free_port)
AGENT_PORT=$(cluster_free_port)
cluster_init
trap 'icinga_stop_all; cluster_stop' EXIT
cluster_start_redis REDIS || exit 2
cluster_start_demo_fleet || exit 2
cluster_redis ACL SETUSER celery-monitor on '>mon-pw' '~*' '&*' '+@all' >/dev/null
make_certificates || { echo "openssl could not make the certificates" >&2; exit 2; }
write_master
write_agent

test_case "Icinga 2: the master's services run on the agent, with the commands synced from global-templates" t_checks_run_on_the_agent

cluster_stop
assert_summary
