# SPDX-License-Identifier: GPL-3.0-or-later
# icinga.sh: runs Debian's icinga2 for the tests, each instance in a private directory (its data, cache,
# log, spool and run directories), and reads the check results its PerfdataWriter writes. Source it.

# icinga DIR ARGS...: icinga2 ARGS (daemon -c FILE, object list) with DIR's directories. It replaces the
# calling (sub)shell and runs in a session of its own, so that $! is the daemon and its process group all
# it forks. Each Icinga process resolves the machine's name when it starts, which takes 5 s or more a lookup
# on a machine whose name is not in /etc/hosts and whose DNS server does not answer. So the daemon runs in a
# UTS namespace named localhost where the machine allows one, and with a short resolver timeout otherwise.
icinga() {
	local dir=$1 own_name=()
	shift
	mkdir -p "$dir"/{data,cache,log,spool/perfdata,run/icinga2}
	unshare --uts true 2>/dev/null && own_name=(unshare --uts sh -c 'hostname localhost && exec "$@"' icinga)
	RES_OPTIONS="timeout:1 attempts:1" ICINGA2_USER=root ICINGA2_GROUP=root \
		exec setsid "${own_name[@]}" icinga2 "$@" -DDataDir="$dir/data" \
		-DInitRunDir="$dir/run" -DLogDir="$dir/log" -DCacheDir="$dir/cache" -DSpoolDir="$dir/spool"
}

# icinga_start DIR LOG ARGS...: icinga DIR ARGS in the background, its output in LOG; its pid is ICINGA_PID,
# also kept for icinga_stop_all.
ICINGA_PIDS=()
icinga_start() {
	local dir=$1 log=$2
	shift 2
	icinga "$dir" "$@" >"$log" 2>&1 &
	ICINGA_PID=$!
	ICINGA_PIDS+=("$ICINGA_PID")
}

# icinga_head PLUGIN_CONTRIB_DIR: what every test configuration starts with: the plugin directories (the
# ITL's own plugins never run here) and the ITL with its plugin commands, which celery.conf builds on.
icinga_head() {
	printf 'const PluginDir = "/nonexistent"\nconst PluginContribDir = "%s"\ninclude <itl>\ninclude <plugins>\n' "$1"
}

# icinga_conf_d_stubs: what examples/services.conf takes from Icinga's default conf.d: the notification
# command and the workhours time period, in short.
icinga_conf_d_stubs() {
	echo 'object NotificationCommand "mail-service-notification" { command = [ "/bin/true" ] }'
	echo 'object TimePeriod "workhours" { ranges = { "monday" = "09:00-17:00" } }'
}

# icinga_perfdata_writer DIR: the PerfdataWriter that icinga_result reads, for DIR's configuration.
icinga_perfdata_writer() {
	cat <<CONF
object PerfdataWriter "perf" {
  service_temp_path = "$1/perf-service.tmp"
  host_temp_path = "$1/perf-host.tmp"
  service_perfdata_path = "$1/spool/perfdata/service"
  host_perfdata_path = "$1/spool/perfdata/host"
  service_format_template = "SERVICE::\$service.name\$\tSTATE::\$service.state\$\tPERF::\$service.perfdata\$\tOUTPUT::\$service.output\$"
  rotation_interval = 1s
}
CONF
}

# icinga_result DIR SERVICE [STATES]: the first check result DIR's Icinga recorded for SERVICE (fields:
# STATE, PERF, OUTPUT), of one of STATES (a basic regular expression such as 'OK\|WARNING'; default any).
icinga_result() {
	cat "$1"/spool/perfdata/service* 2>/dev/null | grep -a "^SERVICE::$2	STATE::\(${3:-[A-Z]*}\)	" | head -n 1
}

# icinga_expect_quiet LOG [IGNORED]: the daemon logged no critical/ and no warning/ line (but those matching
# the basic regular expression IGNORED); after any failed assertion of the test, the log's last 30 lines.
icinga_expect_quiet() {
	OUT=$(grep -v "${2:-^$}" "$1")
	expect_not_contains "critical/"
	expect_not_contains "warning/" # e.g. "Tried to use dictionary in argument"
	if [ "$TEST_OK" != 1 ]; then
		echo "    daemon output:"
		tail -n 30 "$1" | sed 's/^/      /'
	fi
}

# icinga_stop PID: stops the daemon started as PID. The signal goes to the main process only: its worker
# ignores a SIGTERM that does not come from it. After 5 s, the whole process group is killed.
icinga_stop() {
	kill -TERM "$1" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 -- "-$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL -- "-$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# icinga_stop_all: stops every daemon icinga_start started (for an EXIT trap: none is left running).
icinga_stop_all() {
	local pid
	for pid in "${ICINGA_PIDS[@]}"; do icinga_stop "$pid"; done
	ICINGA_PIDS=()
}
