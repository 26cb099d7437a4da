#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# check-layers.sh: every file in common/ includes only headers of its own layer or of the layers it may use
# (docs: design.md, HACKING.md "Layout"): each broker's folder (redis/, amqp/) implements the broker-neutral
# vocabulary of conversations/, and judgement, output and the programs (plugins/) never see them. The build enforces the same (each
# layer's library is compiled with only those include paths); this names every violation at once. Exits 1
# if there is one.
set -uo pipefail
cd "$(dirname "$0")/.."
declare -A may=(
	[base]="base"
	[conversations]="base conversations"
	[redis]="base conversations redis"
	[amqp]="base conversations amqp"
	[judgement]="base conversations judgement"
	[output]="base conversations judgement output"
	[check]="base conversations redis amqp judgement output check"
	[plugins]="base conversations judgement output check plugins"
)
declare -A layer_of
folder() { [ "$1" = plugins ] && echo plugins || echo "common/$1"; }
for layer in "${!may[@]}"; do
	for h in "$(folder "$layer")"/*.h; do layer_of[$(basename "$h")]=$layer; done
done
bad=0
for layer in "${!may[@]}"; do
	for f in "$(folder "$layer")"/*.[ch]; do
		while read -r header; do
			other=${layer_of[$header]:-}
			[ -n "$other" ] || continue
			if [[ " ${may[$layer]} " != *" $other "* ]]; then
				echo "$f ($layer) includes $header ($other)"
				bad=1
			fi
		done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
	done
done
exit $bad
