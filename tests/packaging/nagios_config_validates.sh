#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# nagios_config_validates.sh: icinga2-conf/nagios/commands.cfg, with its example services uncommented, passes
# a real Nagios 4's pre-flight check (nagios4 -v) beside Debian's stock templates, timeperiods, contacts and
# commands: the commands, the service template and the services are what Nagios accepts.
set -uo pipefail
cd "$(dirname "$0")/../.."
if ! command -v nagios4 >/dev/null || [ ! -d /etc/nagios4/objects ]; then
	echo "SKIP: no nagios4 (tools/install-deps.sh installs nagios4-core)"
	exit 0
fi
dir=$(mktemp -d /tmp/celery-nagios.XXXXXX)
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir" # nagios4 reads its configuration as the nagios user
mkdir "$dir/results"
chown nagios "$dir/results" 2>/dev/null # and writes check results as it

# The example services, uncommented, on a host of their own (whose host check Debian's monitoring-plugins
# would define).
sed -n '/^# define service {$/,/^# }$/s/^# \{0,1\}//p' icinga2-conf/nagios/commands.cfg >"$dir/services.cfg"
[ "$(grep -c '^define service' "$dir/services.cfg")" -ge 3 ] || { echo "no example services found"; exit 1; }
cat >>"$dir/services.cfg" <<'CFG'
define command {
    command_name  check-host-alive
    command_line  /bin/true
}
define host {
    use        linux-server
    host_name  broker1
    address    127.0.0.1
}
CFG
cat >"$dir/nagios.cfg" <<CFG
log_file=$dir/nagios.log
cfg_file=/etc/nagios4/objects/commands.cfg
cfg_file=/etc/nagios4/objects/contacts.cfg
cfg_file=/etc/nagios4/objects/timeperiods.cfg
cfg_file=/etc/nagios4/objects/templates.cfg
cfg_file=$PWD/icinga2-conf/nagios/commands.cfg
cfg_file=$dir/services.cfg
resource_file=/etc/nagios4/resource.cfg
status_file=$dir/status.dat
temp_file=$dir/nagios.tmp
lock_file=$dir/nagios.lock
check_result_path=$dir/results
object_cache_file=$dir/objects.cache
precached_object_file=$dir/objects.precache
state_retention_file=$dir/retention.dat
nagios_user=nagios
nagios_group=nagios
check_external_commands=0
illegal_macro_output_chars=\`~\$&|'"<>
CFG
out=$(nagios4 -v "$dir/nagios.cfg" 2>&1)
rc=$?
if [ $rc -ne 0 ] || ! grep -q "Total Errors:   0" <<<"$out" || ! grep -q "Total Warnings: 0" <<<"$out" ||
	! grep -q "Checked 4 services" <<<"$out"; then
	echo "nagios4 -v (exit $rc):"
	echo "$out" | grep -iE "error|warning" | head -n 20
	exit 1
fi
