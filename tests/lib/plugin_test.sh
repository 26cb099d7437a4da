# SPDX-License-Identifier: GPL-3.0-or-later
# plugin_test.sh: what every integration test script starts with. Source it with the plugin's name and the
# directory holding the built plugins: it loads the harness, sets PLUGIN and defines check.
# Usage: . plugin_test.sh PLUGIN_NAME PLUGIN_DIR
set -u
lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$lib/cluster.sh"
. "$lib/assert.sh"
. "$lib/keyspace.sh"

PLUGIN="${2:-}/$1"
[ -x "$PLUGIN" ] || { echo "no plugin at $PLUGIN" >&2; exit 2; }

# plugin ARGS...: runs the plugin (under $PLUGIN_WRAPPER, e.g. valgrind, when set) and asserts it printed
# nothing on stderr, where a sanitizer or valgrind would report.
plugin() {
	run ${PLUGIN_WRAPPER:-} "$PLUGIN" "$@"
	expect_no_stderr
}

# check ARGS...: plugin against the main broker, then asserts it left no key behind.
check() {
	plugin -H "$CLUSTER_HOST" -p "$REDIS_PORT" "$@"
	expect_keyspace_clean "$REDIS_PORT"
}
