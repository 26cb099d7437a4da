#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# build.sh: builds the plugins in build/ (plain) and, with "all", also in build-asan/
# (AddressSanitizer + UndefinedBehaviorSanitizer). Usage: tools/build.sh [plain|all]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
	autoreconf -fi
fi

# build_in DIR [configure options...]
build_in() {
	local dir=$1
	shift
	mkdir -p "$dir"
	[ -f "$dir/Makefile" ] || (cd "$dir" && ../configure -q "$@")
	make -C "$dir" -s -j"$(nproc)" all
}

build_in build
if [ "${1:-plain}" = all ]; then
	build_in build-asan --enable-sanitizers
fi
