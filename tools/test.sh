#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test.sh: installs what is missing, builds plain and with sanitizers, and runs every test: the unit tests
# in both builds; the integration tests (real redis-server, real Celery workers) with the plain plugins,
# the ASan+UBSan plugins and the plain plugins under valgrind; the libFuzzer targets for a bounded time;
# the man pages, the Icinga 2 commands and the packages (make install, .deb, .rpm); the format check and
# make distcheck. Ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

start=$SECONDS
tools/install-deps.sh || exit 1
echo "time: install-deps: $((SECONDS - start)) s"
start=$SECONDS
tools/build.sh all || exit 1
echo "time: build: $((SECONDS - start)) s"

passed=0
failed=0
logs=$(mktemp -d /tmp/celery-tests.XXXXXX)

# count PASSED FAILED: adds a suite's counts to the totals.
count() {
	passed=$((passed + $1))
	failed=$((failed + $2))
}

# unit DIR: the Check programs of one build; counts every check in every program.
unit() {
	local dir=$1 log checks failures errors start=$SECONDS
	make -C "$dir" -s -j"$(nproc)" check >"$logs/unit.out" 2>&1
	for log in "$dir"/tests/unit/test_*.log; do
		read -r checks failures errors < <(sed -n 's/^[0-9]*%: Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\)$/\1 \2 \3/p' "$log")
		if [ -z "${checks:-}" ]; then
			echo "FAIL: $log gave no Check summary (crash or sanitizer report):"
			tail -n 20 "$log"
			count 0 1
			continue
		fi
		count $((checks - failures - errors)) $((failures + errors))
		grep -E ':[FE]:' "$log" | sed 's/^/FAIL: /'
	done
	echo "unit tests ($dir): done in $((SECONDS - start)) s"
}

# integration NAME SCRIPT PLUGIN_DIR: one integration script; prints its lines and its time, counts its
# closing line.
integration() {
	local out="$logs/$1.out" last start=$SECONDS
	echo "== $1"
	bash "$2" "$3" 2>&1 | tee "$out"
	echo "time: $1: $((SECONDS - start)) s"
	last=$(tail -n 1 "$out")
	if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		count "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
	else
		echo "FAIL: $1 did not finish"
		count 0 1
	fi
}

# single NAME CMD...: a one-test step.
single() {
	local name=$1 start=$SECONDS
	shift
	if "$@" >"$logs/single.out" 2>&1; then
		echo "PASS: $name ($((SECONDS - start)) s)"
		count 1 0
	else
		echo "FAIL: $name"
		tail -n 30 "$logs/single.out"
		count 0 1
	fi
}

# format_check: every C file of the source tree follows .clang-format. It finds the files itself, without
# git, so that a release tarball can run it too.
format_check() {
	find common plugins tests bench -name '*.[ch]' -print0 | xargs -0 clang-format --dry-run -Werror
}

unit build
unit build-asan
# Distinct exit codes, so a sanitizer report can never pass for a plugin state.
export ASAN_OPTIONS=detect_leaks=1:exitcode=86 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87
for script in tests/integration/test_*.sh; do
	name=$(basename "$script" .sh)
	integration "$name (plain)" "$script" "$root/build/plugins"
	grep -q '^# plain build only' "$script" && continue
	integration "$name (ASan+UBSan)" "$script" "$root/build-asan/plugins"
	PLUGIN_WRAPPER="valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect" \
		TIME_FACTOR=4 integration "$name (valgrind)" "$script" "$root/build/plugins"
done
echo "== fuzzing (${FUZZ_SECONDS:-15} s a target)"
start=$SECONDS
tools/fuzz.sh | tee "$logs/fuzz.out"
echo "time: fuzzing: $((SECONDS - start)) s"
count "$(grep -c '^PASS' "$logs/fuzz.out")" "$(grep -c '^FAIL' "$logs/fuzz.out")"
# without_openssl: a build without OpenSSL compiles and refuses TLS as UNKNOWN, naming why.
without_openssl() {
	local out
	mkdir -p build-nossl
	(cd build-nossl && { [ -f Makefile ] || ../configure -q --without-openssl; } && make -s -j"$(nproc)" plugins/check_celery_worker_versions) || return 1
	out=$(build-nossl/plugins/check_celery_worker_versions -e 1 -u rediss://localhost)
	[ $? -eq 3 ] && [[ "$out" == *"not supported by this build (built without OpenSSL)"* ]] || { echo "$out"; return 1; }
	out=$(build-nossl/plugins/check_celery_worker_versions -e 1 --tls)
	[ $? -eq 3 ] && [[ "$out" == *"this build has no TLS"* ]] || { echo "$out"; return 1; }
}

echo "== packaging"
single "the man pages say what --help says" tests/packaging/man_matches_help.sh build
single "the Icinga 2 CheckCommands pass every option, README.md names every variable" \
	tests/packaging/icinga_conf_matches_help.sh build
single "the Nagios 4 commands and services pass nagios4 -v" tests/packaging/nagios_config_validates.sh
integration "test_packages" tests/packaging/test_packages.sh "$root/build"
single "clang-format" format_check
single "a build without OpenSSL refuses TLS" without_openssl
single "common/ layers" tools/check-layers.sh
single "make distcheck" make -C build -s distcheck

rm -rf "$logs"
echo "time: all: $SECONDS s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
