#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test_policy.sh: version policies against real Celery workers tagged 0.11.2, 0.12.0, 0.12.1, 0.13.0rc1,
# 0.12.0-deadbeef (a tag PEP 440 cannot order) and an untagged one: --accept ranges (a pre-release of 0.13
# is not <0.13), ~= and V.*, several specs, -e newest, --expected-version-file, a version that cannot be
# ordered (UNKNOWN, never a guess), the policy in words in the summary and --json, and queue health.
# Usage: test_policy.sh PLUGIN_DIR
. "$(dirname "$0")/../lib/plugin_test.sh" check_celery_worker_versions "${1:-}"
QUEUE_PLUGIN="$(dirname "$PLUGIN")/check_celery_queue_health"

# Without the unorderable worker (-Q tasks): the five workers the issue names.
t_a_range() {
	check --accept '>=0.12.0,<0.13' -Q tasks
	expect_exit 1
	expect_line1 "CELERY WORKERS WARNING - 2 of 5 workers on tasks compatible with >=0.12.0,<0.13; incompatible: celery-v0.11.2@h1 (version 0.11.2), celery-v0.13.0rc1@h4 (version 0.13.0rc1), celery@h5 (untagged)"
	expect_perf_item "compatible=2;;1:;0"
	expect_perf_item "incompatible=3;0;;0"
}

t_compatible_release_prefix_and_several_specs() {
	check --accept '~=0.12.0' --accept '==0.11.2' -Q tasks
	expect_line1 "CELERY WORKERS WARNING - 3 of 5 workers on tasks compatible with ~=0.12.0 or ==0.11.2; incompatible: celery-v0.13.0rc1@h4 (version 0.13.0rc1), celery@h5 (untagged)"
	check --accept '0.12.*' --allow-untagged -Q tasks
	expect_line1 "CELERY WORKERS WARNING - 3 of 5 workers on tasks compatible with 0.12.*; incompatible: celery-v0.11.2@h1 (version 0.11.2), celery-v0.13.0rc1@h4 (version 0.13.0rc1)"
	check --accept '>=0.11' --allow-untagged -Q tasks
	expect_exit 0
	expect_line1 "CELERY WORKERS OK - 5 of 5 workers on tasks compatible with >=0.11"
}

t_newest_and_a_version_file() {
	check -e newest -Q tasks --json
	expect_exit 1
	printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["server_version"] == "0.13.0rc1", d["server_version"]
assert d["policy"] == "newest = 0.13.0rc1", d["policy"]
assert d["workers"]["celery-v0.13.0rc1@h4"]["compatible"] is True
assert d["workers"]["celery-v0.12.1@h3"]["compatible"] is False
assert d["state"] == "WARNING", d["state"]' || fail "JSON: $OUT"
	check -e newest -Q tasks
	expect_contains "1 of 5 workers on tasks compatible with newest = 0.13.0rc1"
	check -e newest # a tag that cannot be ordered may be the newest: never a guess
	expect_contains "celery-v0.12.0-deadbeef@h6 (version 0.12.0-deadbeef, which cannot be ordered)"
	expect_contains "; 1 worker version cannot be ordered by the policy"
	printf '0.12.1\n' >"$ASSERT_TMP/version"
	check --expected-version-file "$ASSERT_TMP/version" -Q tasks
	expect_contains "1 of 5 workers on tasks compatible with 0.12.1;"
	check --expected-version-file "$ASSERT_TMP/nonexistent" -Q tasks
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - --expected-version-file: cannot read $ASSERT_TMP/nonexistent as user $(id -un): No such file or directory"
}

t_a_version_that_cannot_be_ordered_is_unknown() {
	# counted incompatible (it is not known to be compatible), named as what it is; with nothing worse
	# found, the check is UNKNOWN
	check --accept '>=0.12.0'
	expect_exit 1
	expect_contains "celery-v0.12.0-deadbeef@h6 (version 0.12.0-deadbeef, which cannot be ordered)"
	expect_contains "; 1 worker version cannot be ordered by the policy"
	check --accept '>=0.12.0' -w 5
	expect_exit 3
	expect_contains "CELERY WORKERS UNKNOWN - 3 of 6 workers compatible with >=0.12.0;"
	# exact versions need no order: the same tag is a plain mismatch under -e
	check -e 0.12.0
	expect_exit 1
	expect_contains "celery-v0.12.0-deadbeef@h6 (version 0.12.0-deadbeef)"
	check -e 0.12.0-deadbeef
	expect_exit 1
	expect_contains "1 of 6 workers compatible with 0.12.0-deadbeef;"
	# a policy's own version that cannot be ordered is refused at once
	check --accept '>=0.12.0-1'
	expect_exit 3
	expect_line1 "CELERY WORKERS UNKNOWN - --accept: version '0.12.0-1': a post-release to PEP 440, a pre-release to semantic versioning; write N.N.N.postN or N.N.N-rc.N"
	check --accept '=>0.12'
	expect_exit 3
	expect_contains "--accept: unknown operator in '=>0.12'"
}

t_queue_health_with_a_policy() {
	run ${PLUGIN_WRAPPER:-} "$QUEUE_PLUGIN" -p "$REDIS_PORT" --accept '>=0.12.0,<0.13' -Q tasks,old --json
	expect_no_stderr
	expect_exit 2 # old: no compatible consumer
	printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["server_version"] is None
assert d["policy"] == ">=0.12.0,<0.13", d["policy"]
assert d["queue_health"]["tasks"]["compatible_workers"] == 2, d["queue_health"]["tasks"]
assert d["queue_health"]["old"]["compatible_workers"] == 0, d["queue_health"]["old"]' || fail "JSON: $OUT"
	expect_keyspace_clean "$REDIS_PORT"
}

assert_init
cluster_init
cluster_start_redis || exit 2
cluster_start_worker celery-v0.11.2@h1 tasks,old
cluster_start_worker celery-v0.12.0@h2 tasks
cluster_start_worker celery-v0.12.1@h3 tasks
cluster_start_worker celery-v0.13.0rc1@h4 tasks
cluster_start_worker celery@h5 tasks
cluster_start_worker celery-v0.12.0-deadbeef@h6 other
cluster_wait_subscribed 6 || exit 2

test_case "--accept '>=0.12.0,<0.13': a pre-release of 0.13 is not below it" t_a_range
test_case "~=, V.* and several --accept specs" t_compatible_release_prefix_and_several_specs
test_case "-e newest and --expected-version-file" t_newest_and_a_version_file
test_case "a worker version a policy cannot order is named so, and UNKNOWN when nothing is worse" t_a_version_that_cannot_be_ordered_is_unknown
test_case "queue health judges by the policy too" t_queue_health_with_a_policy

cluster_stop
assert_summary
