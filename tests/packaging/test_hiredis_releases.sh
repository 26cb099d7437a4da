#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test_hiredis_releases.sh: the suite against the hiredis releases other systems ship (1.2.0 and 1.4.1, from
# ../shared/hiredis/; Debian 12's 0.14 is what every other test uses): each is built into a private prefix,
# the plugins and unit tests are built against it, the plugins load it, and the unit tests (the broker layer
# over a socket among them) pass with it; with the newest, 1.4.1, the worker versions script too. A release whose source is absent is skipped with a line.
# Usage: test_hiredis_releases.sh [SOURCE_DIR]
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
src=${1:-$root/../shared/hiredis}
passed=0
failed=0
tmp=$(mktemp -d /tmp/celery-hiredis.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

check() { # check NAME CMD...: one counted step; its output is shown when it fails
	local name=$1 start=$SECONDS
	shift
	if "$@" >"$tmp/step.out" 2>&1; then
		echo "PASS: $name ($((SECONDS - start)) s)"
		passed=$((passed + 1))
	else
		echo "FAIL: $name"
		tail -n 30 "$tmp/step.out"
		failed=$((failed + 1))
	fi
}

# integration SCRIPT BUILD: an integration script with the plugins of BUILD; passes when it ends "N passed,
# 0 failed".
integration() {
	bash "$1" "$2/plugins" >"$tmp/it.out" 2>&1
	cat "$tmp/it.out"
	tail -n 1 "$tmp/it.out" | grep -Eq '^[0-9]+ passed, 0 failed$'
}

for version in 1.2.0 1.4.1; do
	tarball=$src/hiredis-$version.tar.gz
	if [ ! -f "$tarball" ]; then
		echo "SKIP: hiredis $version: $tarball is absent"
		continue
	fi
	prefix=$tmp/hiredis-$version-root
	build=$root/build-hiredis-$version
	check "hiredis $version builds" sh -c "tar -xzf '$tarball' -C '$tmp' &&
		make -C '$tmp/hiredis-$version' -s -j$(nproc) PREFIX='$prefix' LIBRARY_PATH=lib install"
	export PKG_CONFIG_PATH=$prefix/lib/pkgconfig LD_LIBRARY_PATH=$prefix/lib
	check "the plugins and unit tests build against hiredis $version" sh -c "rm -rf '$build' && mkdir -p '$build' &&
		cd '$build' && ../configure -q && make -s -j$(nproc) all && make -s -j$(nproc) check"
	check "the plugins load hiredis $version" sh -c "ldd '$build/plugins/check_celery_queue_health' | grep -q '$prefix/lib/libhiredis'"
	[ "$version" = 1.4.1 ] && check "worker versions with hiredis $version" integration \
		tests/integration/test_worker_versions.sh "$build"
	unset PKG_CONFIG_PATH LD_LIBRARY_PATH
	rm -rf "$build"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
