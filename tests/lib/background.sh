# SPDX-License-Identifier: GPL-3.0-or-later
# background.sh: for integration tests that run things beside a check: fake peers and brokers started and
# stopped by name, a plugin run in the background (to signal it or to stall its broker), and snapshots of
# a broker's keyspace. Source it after plugin_test.sh.

# start_helper NAME SCRIPT ARGS...: starts a fake peer or fake redis, waits for its "ready". The output file
# is emptied before the start, so the "ready" of an earlier helper of that name never passes for this one's.
start_helper() {
	local name=$1
	shift
	: >"$ASSERT_TMP/$name.out"
	"$CLUSTER_PYTHON" "$@" >>"$ASSERT_TMP/$name.out" 2>&1 &
	echo $! >"$ASSERT_TMP/$name.pid"
	for _ in $(seq 400); do
		grep -q ready "$ASSERT_TMP/$name.out" && return 0
		sleep 0.05
	done
	echo "$name did not start: $(cat "$ASSERT_TMP/$name.out")" >&2
	return 1
}

stop_helper() {
	local pid
	pid=$(cat "$ASSERT_TMP/$1.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$ASSERT_TMP/$1.pid"
}

# plugin_bg ARGS...: starts the plugin in the background; plugin_wait collects it like run does.
plugin_bg() {
	BG_START=$(date +%s.%N)
	${PLUGIN_WRAPPER:-} "$PLUGIN" "$@" >"$ASSERT_TMP/bg.out" 2>"$ASSERT_TMP/stderr" &
	BG_PID=$!
}

plugin_wait() {
	wait "$BG_PID"
	RC=$?
	OUT=$(cat "$ASSERT_TMP/bg.out")
	ERR=$(cat "$ASSERT_TMP/stderr")
	SECS=$(awk "BEGIN { printf \"%.3f\", $(date +%s.%N) - $BG_START }")
	expect_no_stderr
}

# wait_for_binding PORT: until a check has registered its reply queue on that broker.
wait_for_binding() {
	for _ in $(seq 200); do
		[ -n "$(redis-cli -p "$1" smembers _kombu.binding.check_celery.reply.celery.pidbox)" ] && return 0
		sleep 0.01
	done
	fail "the check never registered its reply queue"
}

# all_keys PORT: every key but the expiring markers a check leaves for replies on their way (which
# expect_keyspace_clean checks expire).
all_keys() {
	redis-cli -p "$1" --scan | LC_ALL=C sort | while read -r key; do
		case "$key" in
		check_celery.*) [ "$(redis-cli -p "$1" pttl "$key")" -gt 0 ] || echo "$key" ;;
		*) echo "$key" ;;
		esac
	done
}

# keyspace PORT: every key, and every member of the reply binding sets, for before/after comparisons.
keyspace() {
	all_keys "$1"
	redis-cli -p "$1" smembers _kombu.binding.reply.celery.pidbox | LC_ALL=C sort
	redis-cli -p "$1" smembers _kombu.binding.check_celery.reply.celery.pidbox | LC_ALL=C sort
}
