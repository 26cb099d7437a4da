#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# man_matches_help.sh: each plugin's man page says what its --help says, option by option: the same
# options, in the same order, with the same arguments and the same words. Usage: man_matches_help.sh BUILD_DIR
set -uo pipefail
build=${1:?usage: man_matches_help.sh BUILD_DIR}
status=0

# help_options PLUGIN: the Options section of --help (its subsection headings, "Connection (Redis only):", left
# out), one option a paragraph, words separated by one space.
help_options() {
	"$1" --help | awk '/^Options:$/ { on = 1; next } on && /^$/ { exit } on && /^[^ ]/ { next } on' |
		paragraphs '^ -'
}

# man_options PAGE: the OPTIONS section of the rendered man page (its subsection headings left out) up to
# its subsection Ranges, the same way.
man_options() {
	LC_ALL=C MANWIDTH=1000 man --nh --nj -l "$1" 2>/dev/null | col -bx |
		awk '/^OPTIONS$/ { on = 1; next } on && (/^[^ ]/ || /^   Ranges:$/) { exit }
		on && match($0, /[^ ]/) && RSTART < 8 { next }
		on' | paragraphs '^       -'
}

# help_headings PLUGIN and man_headings PAGE: the subsection headings of the options, in order.
help_headings() {
	"$1" --help | awk '/^Options:$/ { on = 1; next } on && /^$/ { exit } on && /^[^ ].*:$/'
}
man_headings() {
	LC_ALL=C MANWIDTH=1000 man --nh --nj -l "$1" 2>/dev/null | col -bx |
		awk '/^OPTIONS$/ { on = 1; next } on && (/^[^ ]/ || /^   Ranges:$/) { exit }
		on && /^   [^ ].*:$/ { sub(/^ +/, ""); print }'
}

# paragraphs HEADER: a line matching the regular expression HEADER (an option, at the options' indent) opens
# a paragraph; the description lines below it continue it.
paragraphs() {
	awk -v header="$1" '$0 ~ header { if (p != "") print p; p = "" }
		{ $1 = $1; if ($0 != "") p = (p == "" ? $0 : p " " $0) } END { if (p != "") print p }'
}

for plugin in check_celery_worker_versions check_celery_queue_health check_celery_tasks celery_quarantine_workers; do
	page="$build/plugins/$plugin.1"
	[ -s "$page" ] || { echo "$plugin: no man page at $page"; status=1; continue; }
	if ! diff -u <(help_options "$build/plugins/$plugin") <(man_options "$page") >"$build/man.diff"; then
		echo "$plugin: --help (-) and the man page (+) disagree:"
		cat "$build/man.diff"
		status=1
	fi
	if ! diff -u <(help_headings "$build/plugins/$plugin") <(man_headings "$page") >"$build/man.diff"; then
		echo "$plugin: the headings of --help's options (-) and the man page's (+) disagree:"
		cat "$build/man.diff"
		status=1
	fi
	[ "$(help_headings "$build/plugins/$plugin" | wc -l)" -ge 4 ] || { echo "$plugin: no option headings"; status=1; }
	n=$(help_options "$build/plugins/$plugin" | wc -l)
	[ "$n" -ge 30 ] || { echo "$plugin: only $n options read from --help"; status=1; }
done
rm -f "$build/man.diff"
exit $status
