# SPDX-License-Identifier: GPL-3.0-or-later
# keyspace.sh: asserts that a check left nothing of its own in the broker: no reply list (but the expiring
# marker a check leaves when replies may be on their way) and no member in any reply binding set. Keys the workers own (their queue bindings) are not ours and may stay.

# expect_keyspace_clean PORT [DB]
expect_keyspace_clean() {
	local port=$1 db=${2:-0} keys members
	# a reply list left as an expiring marker (replies may have been on their way) goes away by itself
	keys=$(redis-cli -h "${CLUSTER_HOST:-127.0.0.1}" -p "$port" -n "$db" --scan --pattern '*.reply.*pidbox*' |
		grep -v '_kombu\.binding\.' | while read -r key; do
			ttl=$(redis-cli -h "${CLUSTER_HOST:-127.0.0.1}" -p "$port" -n "$db" pttl "$key")
			[ "$ttl" -gt 0 ] && [ "$ttl" -le 60000 ] || echo "$key (pttl $ttl)"
		done)
	[ -z "$keys" ] || fail "reply lists left behind: $keys"
	# ours: any member of our own set, or a member shaped as ours (check_celery.*) in any reply binding set
	members=$(redis-cli -h "${CLUSTER_HOST:-127.0.0.1}" -p "$port" -n "$db" --scan --pattern '*_kombu.binding.*reply*' |
		while read -r key; do
			case "$key" in
			*_kombu.binding.check_celery.*) redis-cli -h "${CLUSTER_HOST:-127.0.0.1}" -p "$port" -n "$db" smembers "$key" ;;
			*) redis-cli -h "${CLUSTER_HOST:-127.0.0.1}" -p "$port" -n "$db" smembers "$key" | grep '^check_celery\.' ;;
			esac
		done)
	[ -z "$members" ] || fail "reply bindings left behind: $members"
}
