#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test_nrpe.sh: icinga2-conf/nrpe/celery.cfg in a real nrpe (Debian's nagios-nrpe-server) on a free
# loopback port with a private configuration, asked by a real check_nrpe (nagios-nrpe-plugin), version 4
# and version 2 (-2, 1 KiB packets) queries: each command gives the state, status line and perfdata that
# the same command line gives run by hand as the same user. nrpe refuses to run plugins as root: it runs
# them as nagios, so the plugins and the password file are copied where nagios can read them.
# Usage: test_nrpe.sh PLUGIN_DIR
# plain build only
. "$(dirname "$0")/../lib/plugin_test.sh" check_celery_worker_versions "${1:-}"

NRPE=/usr/sbin/nrpe
CHECK_NRPE=/usr/lib/nagios/plugins/check_nrpe

# write_config: the private nrpe.cfg, with the example's commands pointed at this test's plugins, broker,
# password file and release file.
write_config() {
	cat >"$DIR/nrpe.cfg" <<CONF
log_file=$DIR/nrpe.log
pid_file=$DIR/nrpe.pid
server_address=127.0.0.1
server_port=$NRPE_PORT
nrpe_user=nagios
nrpe_group=nagios
allowed_hosts=127.0.0.1
dont_blame_nrpe=0
keep_env_vars=MP_STATE_PATH
command_timeout=10
connection_timeout=30
CONF
	sed -e "s|/usr/lib/nagios/plugins/|$DIR/plugins/|" -e "s|-p 6379|-p $REDIS_PORT|" \
		-e "s|/etc/nagios/celery-broker.pw|$DIR/password|" -e "s|/etc/celery-release|$DIR/release|" \
		"$CLUSTER_SRC/icinga2-conf/nrpe/celery.cfg" | grep '^command\[' >>"$DIR/nrpe.cfg"
}

# start_nrpe: nrpe in the foreground (so $! is nrpe), answering; a port taken meanwhile is tried again.
start_nrpe() {
	for _ in 1 2 3; do
		NRPE_PORT=$(cluster_free_port)
		write_config
		rm -f "$DIR/nrpe.pid"
		"$NRPE" -c "$DIR/nrpe.cfg" -f >/dev/null 2>&1 &
		NRPE_PID=$!
		for _ in $(seq 50); do
			[[ "$("$CHECK_NRPE" -H 127.0.0.1 -p "$NRPE_PORT" -t 2 2>/dev/null)" == "NRPE v"* ]] && return 0
			kill -0 "$NRPE_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill "$NRPE_PID" 2>/dev/null
		wait "$NRPE_PID" 2>/dev/null
	done
	echo "nrpe did not start: $(tail -n 5 "$DIR/nrpe.log" 2>/dev/null)" >&2
	return 1
}

# command_line NAME: the command line nrpe runs for NAME.
command_line() {
	sed -n "s/^command\[$1\]=//p" "$DIR/nrpe.cfg"
}

# by_hand NAME: runs NAME's command line as nrpe does (as nagios, with only this test's state directory in
# the environment, by /bin/sh); sets OUT, RC.
by_hand() {
	OUT=$(setpriv --reuid=nagios --regid=nagios --clear-groups env -i PATH=/usr/bin:/bin MP_STATE_PATH="$MP_STATE_PATH" \
		sh -c "$(command_line "$1")")
	RC=$?
}

# through_nrpe NAME [check_nrpe options]: sets OUT, RC.
through_nrpe() {
	local name=$1
	shift
	OUT=$("$CHECK_NRPE" -H 127.0.0.1 -p "$NRPE_PORT" -c "$name" "$@" 2>&1)
	RC=$?
}

# steady TEXT: the text with the times it measured (time=0.005s, "answered in 0.004 s") masked.
steady() {
	sed -E 's/time=[0-9.]+s/time=Ts/; s/[0-9]+\.[0-9]+ s\b/N s/g' <<<"$1"
}

# same_as_by_hand NAME [check_nrpe options]: nrpe's answer is the plugin's, state and output.
same_as_by_hand() {
	local name=$1 local_out local_rc
	shift
	by_hand "$name"
	local_out=$OUT local_rc=$RC
	through_nrpe "$name" "$@"
	[ "$RC" = "$local_rc" ] || fail "$name: check_nrpe $* exited $RC, the plugin by hand $local_rc: $OUT"
	[ "$(steady "$OUT")" = "$(steady "$local_out")" ] ||
		fail "$name: check_nrpe $* printed
$OUT
    and the plugin by hand
$local_out"
	expect_keyspace_clean "$REDIS_PORT"
}

t_version_4_queries_give_what_a_run_by_hand_gives() {
	same_as_by_hand check_celery_worker_versions
	expect_exit 1
	expect_contains "CELERY WORKERS WARNING - 1 of 3 workers compatible with 0.12.0; incompatible: celery-v0.11.0@hostC (version 0.11.0), celery@46b9a1cf718a (untagged) | workers=3;;;0 compatible=1;;1:;0 incompatible=2;0;;0 untagged=1;;;0 unresponsive=0;0;;0 time="
	same_as_by_hand check_celery_queue_health
	expect_exit 2
	expect_contains "CELERY QUEUES CRITICAL - reports: 2 waiting, no compatible consumer; gpu: 1 compatible"
	expect_contains "| gpu_compatible=1;;1:;0 gpu_incompatible=1;0;;0 gpu_backlog=0;100;1000;0 reports_compatible=0;;1:;0 reports_incompatible=0;0;;0 reports_backlog=2;100;1000;0"
	same_as_by_hand check_celery_workers_detail
	expect_exit 1
	expect_contains "celery-v0.11.0@hostC"
	expect_not_contains "state not kept" # in this test's state directory, not the machine's
	[ "$(wc -l <<<"$OUT")" -ge 4 ] || fail "expected the -v detail, a line per worker: $OUT"
}

# Version 2 packets hold 1 KiB: the status line and its perfdata come first and arrive whole.
t_version_2_queries_keep_the_status_line_and_perfdata() {
	local name local_line
	for name in check_celery_worker_versions check_celery_queue_health check_celery_workers_detail; do
		by_hand "$name"
		local_line=$(head -n 1 <<<"$OUT")
		[ "${#local_line}" -lt 1023 ] || fail "$name: a status line of ${#local_line} bytes would not fit"
		same_as_by_hand "$name" -2
		[ "$(steady "$(head -n 1 <<<"$OUT")")" = "$(steady "$local_line")" ] || fail "$name: -2 cut the status line"
		expect_contains "unresponsive=0;0;;0"
	done
}

assert_init
[ "$(id -u)" = 0 ] && [ -x "$NRPE" ] && [ -x "$CHECK_NRPE" ] && id nagios >/dev/null 2>&1 || {
	echo "SKIP: needs root, nrpe, check_nrpe and the nagios user (tools/install-deps.sh)"
	assert_summary
	exit
}
DIR="$ASSERT_TMP/nrpe"
mkdir -p "$DIR/plugins"
chmod 755 "$ASSERT_TMP" "$DIR" "$DIR/plugins"
cp "$(dirname "$PLUGIN")"/check_celery_worker_versions "$(dirname "$PLUGIN")"/check_celery_queue_health "$DIR/plugins/"
printf 'mon-pw\n' >"$DIR/password"
chown nagios "$DIR/password"
chmod 600 "$DIR/password"
printf '0.12.0\n' >"$DIR/release"
export MP_STATE_PATH="$DIR/state" # nrpe keeps it (keep_env_vars); the plugins run as nagios keep their state there
mkdir -p "$MP_STATE_PATH"
chown nagios "$MP_STATE_PATH"
cluster_init
NRPE_PID=
trap '[ -z "$NRPE_PID" ] || { kill "$NRPE_PID"; wait "$NRPE_PID"; } 2>/dev/null; cluster_stop' EXIT
cluster_start_redis REDIS || exit 2
cluster_start_demo_fleet || exit 2
cluster_redis ACL SETUSER celery-monitor on '>mon-pw' '~*' '&*' '+@all' >/dev/null
cluster_send_tasks reports 0 9 || exit 2
start_nrpe || exit 2

test_case "NRPE (version 4 packets) gives the state, status line, perfdata and detail of a run by hand" t_version_4_queries_give_what_a_run_by_hand_gives
test_case "NRPE with check_nrpe -2 (1 KiB packets) keeps the status line and perfdata whole" t_version_2_queries_keep_the_status_line_and_perfdata

cluster_stop
assert_summary
