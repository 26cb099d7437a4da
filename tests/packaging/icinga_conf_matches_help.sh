#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# icinga_conf_matches_help.sh: the Icinga 2 CheckCommands pass every option the plugins' --help lists
# (but those for people: --help, --version, --json, --output-format), and icinga2-conf/README.md's table
# names exactly the custom variables the commands read. Usage: icinga_conf_matches_help.sh BUILD_DIR
set -uo pipefail
cd "$(dirname "$0")/../.."
build=${1:?usage: icinga_conf_matches_help.sh BUILD_DIR}
conf=icinga2-conf/celery.conf
status=0

options=0
for plugin in check_celery_worker_versions check_celery_queue_health check_celery_tasks celery_quarantine_workers; do
	# Each option line of --help: " -H, --hostname=HOST" (one option, either spelling will do) or
	# " --cert=FILE, --key=FILE" (two options, each needed).
	while read -r line; do
		spellings=$(grep -oE -- '(^|[ ,])--?[A-Za-z][a-z-]*' <<<"$line" | tr -d ' ,')
		case $spellings in *--help* | *--version* | --json | --output-format) continue ;; esac
		options=$((options + 1))
		if [[ $spellings =~ ^-[A-Za-z]$'\n'--[a-z-]+$ ]]; then
			grep -qF "\"${spellings%$'\n'*}\" = {" "$conf" || grep -qF "\"${spellings#*$'\n'}\" = {" "$conf" ||
				{ echo "$plugin: $conf does not pass $line"; status=1; }
			continue
		fi
		for spelling in $spellings; do
			grep -qF "\"$spelling\" = {" "$conf" || { echo "$plugin: $conf does not pass $spelling"; status=1; }
		done
	done < <("$build/plugins/$plugin" --help | awk '/^Options:$/ { on = 1; next } on && /^$/ { exit } on && /^ -/')
done

[ "$options" -ge 120 ] || { echo "only $options option lines read from the plugins' --help"; status=1; }
table=$(sed -n 's/^| \(celery_[a-z_]*\) |.*/\1/p' icinga2-conf/README.md | sort)
used=$(grep -oE '\$celery_[a-z_]+\$' "$conf" | tr -d '$' | sort -u)
if [ "$table" != "$used" ]; then
	echo "icinga2-conf/README.md's table (-) and the variables $conf reads (+) differ:"
	diff <(echo "$table") <(echo "$used")
	status=1
fi
[ "$(wc -l <<<"$used")" -ge 40 ] || { echo "only $(wc -l <<<"$used") variables read from $conf"; status=1; }
exit $status
