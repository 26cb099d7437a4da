# SPDX-License-Identifier: GPL-3.0-or-later
# keyspace.sh: asserts that a check left nothing of its own in the broker: no reply list and no member
# in any reply binding set. Keys the workers own (their queue bindings) are not ours and may stay.

# expect_keyspace_clean PORT [DB]
expect_keyspace_clean() {
	local port=$1 db=${2:-0} keys members
	keys=$(redis-cli -h "${CLUSTER_HOST:-127.0.0.1}" -p "$port" -n "$db" --scan --pattern '*.reply.*pidbox*')
	[ -z "$keys" ] || fail "reply lists left behind: $keys"
	members=$(redis-cli -h "${CLUSTER_HOST:-127.0.0.1}" -p "$port" -n "$db" --scan --pattern '*_kombu.binding.*reply*' |
		while read -r key; do redis-cli -h "${CLUSTER_HOST:-127.0.0.1}" -p "$port" -n "$db" smembers "$key"; done)
	[ -z "$members" ] || fail "reply bindings left behind: $members"
}
