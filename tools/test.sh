#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test.sh: installs what is missing, builds plain and with sanitizers, and runs every test: the unit tests
# in both builds; each integration script (real redis-server, real Celery workers) once, with the
# ASan+UBSan plugins, or with the plain ones when marked "# plain build only" (Icinga, NRPE, the docs, the
# fleet simulator: the plugins as shipped); those marked "# valgrind pass" with the plain plugins under
# valgrind too; the libFuzzer targets for a bounded time; the man pages, the Icinga 2 commands and the
# packages (make install, .deb, .rpm, each from the release tarball, the .deb run against real workers);
# the format check. Prints each step's time, and ends with the line "N passed, N failed".
#
# After the unit tests, the steps (each integration script, the fuzzers, the packaging, the suite against
# hiredis's other releases) run four at a time on this 2-core machine, the longest first, each with its own
# ports and folders: at most two that keep the CPU busy, the others mostly waiting on workers and brokers.
# Their timing assertions allow for the shared machine (TIME_FACTOR).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

start=$SECONDS
tools/install-deps.sh || exit 1
echo "time: install-deps: $((SECONDS - start)) s"
start=$SECONDS
tools/build.sh all || exit 1
echo "time: build: $((SECONDS - start)) s"

logs=$(mktemp -d /tmp/celery-tests.XXXXXX)

# counted PASSED FAILED: a step's counts, summed at the end from every lane's output.
counted() {
	echo "counted: $1 $2"
}

# unit DIR: the Check programs of one build; counts every check in every program.
unit() {
	local dir=$1 log checks failures errors start=$SECONDS
	echo "== unit tests ($dir)"
	make -C "$dir" -s -j"$(nproc)" check >"$logs/unit.out" 2>&1
	for log in "$dir"/tests/unit/test_*.log; do
		read -r checks failures errors < <(sed -n 's/^[0-9]*%: Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\)$/\1 \2 \3/p' "$log")
		if [ -z "${checks:-}" ]; then
			echo "FAIL: $log gave no Check summary (crash or sanitizer report):"
			tail -n 20 "$log"
			counted 0 1
			continue
		fi
		counted $((checks - failures - errors)) $((failures + errors))
		grep -E ':[FE]:' "$log" | sed 's/^/FAIL: /'
	done
	echo "time: unit tests ($dir): $((SECONDS - start)) s"
}

# integration NAME SCRIPT PLUGIN_DIR: one integration script; prints its lines and its time, counts its
# closing line.
integration() {
	local out="$logs/$1.out" last start=$SECONDS
	echo "== $1"
	bash "$2" "$3" >"$out" 2>&1
	cat "$out"
	echo "time: $1: $((SECONDS - start)) s"
	last=$(tail -n 1 "$out")
	if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		counted "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
	else
		echo "FAIL: $1 did not finish"
		counted 0 1
	fi
}

# single NAME CMD...: a one-test step.
single() {
	local name=$1 start=$SECONDS out
	shift
	out=$(mktemp "$logs/single.XXXXXX")
	if "$@" >"$out" 2>&1; then
		echo "PASS: $name ($((SECONDS - start)) s)"
		counted 1 0
	else
		echo "FAIL: $name"
		tail -n 30 "$out"
		counted 0 1
	fi
}

# format_check: every C file of the source tree follows .clang-format. It finds the files itself, without
# git, so that a release tarball can run it too.
format_check() {
	find common plugins tests bench -name '*.[ch]' -print0 | xargs -0 clang-format --dry-run -Werror
}

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

# fuzz: the fuzzers, each for a bounded time.
fuzz() {
	local start=$SECONDS
	echo "== fuzzing (${FUZZ_SECONDS:-3} s a target)"
	FUZZ_SECONDS=${FUZZ_SECONDS:-3} tools/fuzz.sh >"$logs/fuzz.out" 2>&1
	cat "$logs/fuzz.out"
	counted "$(grep -c '^PASS' "$logs/fuzz.out")" "$(grep -c '^FAIL' "$logs/fuzz.out")"
	echo "time: fuzzing: $((SECONDS - start)) s"
}

# package: the man pages, the Icinga 2 and Nagios files, the packages, a build without OpenSSL and the
# release tarball.
package() {
	echo "== packaging"
	single "the man pages say what --help says" tests/packaging/man_matches_help.sh build
	single "README.md within 200 lines, --help within 80 columns and in order" tests/packaging/front_door.sh build
	single "the Icinga 2 CheckCommands pass every option, README.md names every variable" \
		tests/packaging/icinga_conf_matches_help.sh build
	single "the Nagios 4 commands and services pass nagios4 -v" tests/packaging/nagios_config_validates.sh
	integration "test_packages" tests/packaging/test_packages.sh "$root/build"
	single "a build without OpenSSL refuses TLS" without_openssl
}

# The seconds a step took here, roughly, so that the longest start first; a step not named takes 10.
declare -A took=([fuzz]=40 [package]=45 [hiredis]=47 [test_amqp]=96 [test_trust]=50 [test_tasks]=45
	[test_presence]=40 [test_docs]=30 [test_hardening]=20 [test_sentinel]=19 [test_servers]=17 [test_json]=15
	[test_tls]=13 [test_quarantine]=12 [test_worker_versions]=12)
VALGRIND="valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"

# steps: every step after the unit tests, one line each: its estimated seconds, whether it keeps the CPU
# busy (cpu) or mostly waits on workers and brokers (wait), and its command, tab-separated. Each
# integration script runs with the ASan+UBSan plugins, or with the plain ones if it says "# plain build
# only"; one that says "# valgrind pass" runs with the plain plugins under valgrind too.
steps() {
	local script name t
	printf '%s\tcpu\t%s\n' "${took[fuzz]}" fuzz "${took[package]}" package "${took[hiredis]}" \
		'integration test_hiredis_releases tests/packaging/test_hiredis_releases.sh ""'
	for script in tests/integration/test_*.sh; do
		name=$(basename "$script" .sh)
		t=${took[$name]:-10}
		if grep -q '^# plain build only' "$script"; then
			printf '%s\twait\t%s\n' "$t" "TIME_FACTOR=2 integration '$name (plain)' $script '$root/build/plugins'"
		else
			printf '%s\twait\t%s\n' "$t" \
				"TIME_FACTOR=2.5 integration '$name (ASan+UBSan)' $script '$root/build-asan/plugins'"
		fi
		grep -q '^# valgrind pass' "$script" &&
			printf '%s\tcpu\t%s\n' "$((t * 3))" "PLUGIN_WRAPPER='$VALGRIND' TIME_FACTOR=8 integration \
'$name (valgrind)' $script '$root/build/plugins'"
	done
}

# next_step KIND...: takes, under a lock, the first step left in the first of these queues that has one,
# and prints it (its number, a tab, its command); prints nothing when they are all empty.
next_step() {
	local kind lock
	exec {lock}>>"$logs/queue.lock"
	flock "$lock"
	for kind in "$@"; do
		if [ -s "$logs/$kind.queue" ]; then
			head -n 1 "$logs/$kind.queue"
			sed -i 1d "$logs/$kind.queue"
			break
		fi
	done
	exec {lock}>&-
}

# lane KIND...: runs steps from these queues, one at a time, each into the file of its number, until they
# are empty.
lane() {
	local line
	while line=$(next_step "$@") && [ -n "$line" ]; do
		(eval "${line#*$'\t'}") >"$logs/step.${line%%$'\t'*}" 2>&1
	done
}

# run_steps: four lanes, the longest steps first: two take the CPU-bound steps, then help with the waiting
# ones; two take only the waiting ones. So never more than two steps keep the CPU busy, and no lane idles
# while steps are left. Then every step's output, the CPU-bound first.
run_steps() {
	local start=$SECONDS k=0
	steps | awk -F '\t' '$2 == "cpu"' | sort -t $'\t' -k1,1 -rn | cut -f3 | awk '{ print NR - 1 "\t" $0 }' \
		>"$logs/cpu.queue"
	k=$(wc -l <"$logs/cpu.queue")
	steps | awk -F '\t' '$2 == "wait"' | sort -t $'\t' -k1,1 -rn | cut -f3 |
		awk -v k="$k" '{ print NR - 1 + k "\t" $0 }' >"$logs/wait.queue"
	lane cpu wait &
	lane cpu wait &
	lane wait &
	lane wait &
	wait
	k=0
	while [ -e "$logs/step.$k" ]; do
		cat "$logs/step.$k"
		k=$((k + 1))
	done | tee -a "$logs/all.out"
	echo "time: steps: $((SECONDS - start)) s"
}

{
	unit build
	unit build-asan
} | tee "$logs/all.out"
# Distinct exit codes, so a sanitizer report can never pass for a plugin state.
export ASAN_OPTIONS=detect_leaks=1:exitcode=86 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87
run_steps
{
	single "clang-format" format_check
	single "common/ layers" tools/check-layers.sh
} | tee -a "$logs/all.out"

read -r passed failed < <(awk '/^counted: / { p += $2; f += $3 } END { print p + 0, f + 0 }' "$logs/all.out")
# Every failure again at the end, with its step, so that the last lines of a long log name them all.
awk '/^== / { step = substr($0, 4) } /^FAIL/ { print "failed in " step ": " $0 }' "$logs/all.out"
rm -rf "$logs"
echo "time: all: $SECONDS s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
