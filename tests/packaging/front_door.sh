#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# front_door.sh: what a new user meets first stays short and in order: README.md at most 200 lines; each
# program's --help at most 80 columns, opening with its purpose (three lines at most), then the usage of the
# common case, then the version policy and thresholds, which and whose queues, the connection (Redis, then
# RabbitMQ), and the rest; NEWS a section per release, without our measurements. Usage: front_door.sh BUILD_DIR
set -uo pipefail
build=${1:?usage: front_door.sh BUILD_DIR}
status=0
fail() {
	echo "$*"
	status=1
}

lines=$(wc -l <README.md)
[ "$lines" -le 200 ] || fail "README.md has $lines lines; at most 200: move the rest to docs/ or HACKING.md"

for plugin in check_celery_worker_versions check_celery_queue_health check_celery_tasks celery_quarantine_workers; do
	help=$("$build/plugins/$plugin" --help)
	wide=$(awk 'length($0) > 80 { printf "  line %d: %d columns\n", NR, length($0) }' <<<"$help")
	[ -z "$wide" ] || fail "$plugin --help is wider than 80 columns:"$'\n'"$wide"
	# the purpose: the paragraph after the banner, before Usage:
	purpose=$(awk 'NR > 3 && /^$/ { exit } NR > 3' <<<"$help" | wc -l)
	[ "$purpose" -ge 1 ] && [ "$purpose" -le 3 ] || fail "$plugin --help: a purpose of $purpose lines, not 1 to 3"
	[ "$(awk 'NR > 3 && /^$/ { gap = 1; next } gap { print; exit }' <<<"$help")" = "Usage:" ] ||
		fail "$plugin --help: Usage does not follow the purpose"
	# the option headings, in order
	headings=$(awk '/^Options:$/ { on = 1; next } on && /^$/ { exit } on && /^[^ ].*:$/' <<<"$help" | tr '\n' '|')
	case $plugin in
	celery_quarantine_workers)
		want='Version policy:|What to act on:|How to act:|As an event handler:|' ;;
	check_celery_tasks)
		want='Version policy and thresholds:|Workers, queues and tasks:|' ;;
	*)
		want='Version policy and thresholds:|Workers and queues:|' ;;
	esac
	want+='Connection (Redis and RabbitMQ):|Connection (Redis only):|Connection (RabbitMQ only):|'
	[ "$plugin" = celery_quarantine_workers ] && want+='Time and output:|' || want+='Time, mode and output:|'
	[ "$headings" = "$want" ] || fail "$plugin --help: option headings '$headings', expected '$want'"
	first=$(awk '/^Options:$/ { on = 1; next } on && /^ -/ { print; exit }' <<<"$help")
	[ "$first" = " -e, --expected-version=VERSION" ] || fail "$plugin --help: the first option is '$first', not -e"
	# every default in words: no option text that names a default by another option's half
	grep -n 'default: -' <<<"$help" && fail "$plugin --help: a default given as an option's fragment"
done
# NEWS: a section per release ("0.1.0 (unreleased)", "0.1.0 (2027-01-15)"), the newest first, and what users
# notice, not figures of our own measuring
grep -qE '^[0-9]+\.[0-9]+\.[0-9]+ \((unreleased|[0-9]{4}-[0-9]{2}-[0-9]{2})\)$' NEWS || fail "NEWS has no release section"
figures=$(grep -nE '[0-9] ?(ms|µs|MB|KB|MiB|KiB)\b|[0-9]+ times (faster|the)' NEWS)
[ -z "$figures" ] || fail "NEWS quotes measurements; say what users notice:"$'\n'"$figures"
[ $status = 0 ] && echo "README.md: $lines lines; every --help within 80 columns and in order"
exit $status
