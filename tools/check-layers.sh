#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# check-layers.sh: every file in common/ includes only headers of its own layer or of the layers below it
# (docs: README, "Layout"). The build enforces it too (each layer's library sees only its own and lower
# include paths); this names every violation at once. Exits 1 if there is one.
set -uo pipefail
cd "$(dirname "$0")/.."
layers=(base redis conversations judgement output check)
declare -A rank
for i in "${!layers[@]}"; do
	for h in common/"${layers[$i]}"/*.h; do rank[$(basename "$h")]=$i; done
done
bad=0
for i in "${!layers[@]}"; do
	for f in common/"${layers[$i]}"/*.[ch]; do
		while read -r header; do
			[ -n "${rank[$header]:-}" ] || continue
			if [ "${rank[$header]}" -gt "$i" ]; then
				echo "$f (${layers[$i]}) includes $header (${layers[${rank[$header]}]})"
				bad=1
			fi
		done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
	done
done
exit $bad
