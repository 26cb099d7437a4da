# SPDX-License-Identifier: GPL-3.0-or-later
# assert.sh: a tiny test runner for the integration tests: run a plugin, then assert on its exit code,
# output, perfdata and the broker keyspace. Each test is a function; a failed assertion fails it.

TESTS_PASSED=0
TESTS_FAILED=0
FAILED_NAMES=()

# run CMD...: runs a command, keeping its standard output in OUT, exit code in RC, wall seconds in SECS.
run() {
	local start end
	start=$(date +%s.%N)
	OUT=$("$@" 2>"$ASSERT_TMP/stderr")
	RC=$?
	end=$(date +%s.%N)
	SECS=$(awk "BEGIN { printf \"%.3f\", $end - $start }")
	ERR=$(cat "$ASSERT_TMP/stderr")
}

fail() {
	echo "    FAILED: $*"
	echo "    output: $(printf '%s' "$OUT" | head -n 8 | sed '2,$s/^/            /')"
	[ -n "${ERR:-}" ] && echo "    stderr: $(printf '%s' "$ERR" | head -n 5)"
	TEST_OK=0
}

expect_exit() {
	[ "$RC" = "$1" ] || fail "exit code ${RC:-(none)}, expected $1"
}

# expect_line1 TEXT: the status line (before the perfdata) is exactly TEXT.
expect_line1() {
	local line1
	line1=$(printf '%s\n' "$OUT" | head -n 1 | sed 's/ | .*$//')
	[ "$line1" = "$1" ] || fail "status line '$line1', expected '$1'"
}

expect_contains() {
	case "$OUT" in *"$1"*) ;; *) fail "output lacks '$1'" ;; esac
}

expect_not_contains() {
	case "$OUT$ERR" in *"$1"*) fail "output contains '$1'" ;; esac
}

# expect_perf LABEL VALUE: the perfdata item LABEL has exactly VALUE (the part before the first ';').
expect_perf() {
	local perf item
	perf=$(printf '%s\n' "$OUT" | head -n 1 | sed -n 's/^.* | //p')
	item=$(printf '%s\n' $perf | grep -E "^'?$1'?=" | head -n 1 | sed 's/^[^=]*=//; s/;.*$//')
	[ "$item" = "$2" ] || fail "perfdata $1='$item', expected '$2' (perfdata: $perf)"
}

# expect_perf_item ITEM: the whole perfdata item is present, thresholds included.
expect_perf_item() {
	local perf
	perf=$(printf '%s\n' "$OUT" | head -n 1 | sed -n 's/^.* | //p')
	case " $perf " in *" $1 "*) ;; *) fail "perfdata lacks '$1' (perfdata: $perf)" ;; esac
}

# expect_faster_than SECONDS: the last run took less (times $TIME_FACTOR, for runs under valgrind).
expect_faster_than() {
	local limit
	limit=$(awk "BEGIN { print $1 * ${TIME_FACTOR:-1} }")
	awk "BEGIN { exit !($SECS < $limit) }" || fail "took $SECS s, expected under $limit s"
}

expect_no_stderr() {
	[ -z "$ERR" ] || fail "wrote to stderr: $(printf '%s' "$ERR" | head -n 5)"
}

expect_one_line() {
	[ "$(printf '%s\n' "$OUT" | wc -l)" -eq 1 ] || fail "expected exactly one line of output"
}

# test_case NAME FUNCTION: runs one test and records the result.
test_case() {
	[ -z "${ONLY_TEST:-}" ] || [[ "$1" == *"$ONLY_TEST"* ]] || return 0 # ONLY_TEST=WORDS runs just those
	TEST_OK=1
	OUT= ERR= RC=
	"$2"
	if [ "$TEST_OK" = 1 ]; then
		TESTS_PASSED=$((TESTS_PASSED + 1))
		echo "PASS: $1"
	else
		TESTS_FAILED=$((TESTS_FAILED + 1))
		FAILED_NAMES+=("$1")
		echo "FAIL: $1"
	fi
}

assert_init() {
	ASSERT_TMP=$(mktemp -d /tmp/celery-assert.XXXXXX)
	export MP_STATE_PATH="$ASSERT_TMP/state" # the plugins' state files, never the machine's
}

# assert_summary: the closing line, and exit status 1 if any test failed.
assert_summary() {
	rm -rf "$ASSERT_TMP"
	echo "$TESTS_PASSED passed, $TESTS_FAILED failed"
	[ "$TESTS_FAILED" -eq 0 ]
}
