#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test_docs.sh: the examples of README.md and docs/ run as they are shown, so that no page goes stale. Each
# ```console block's commands run against real Celery workers on a real redis-server (the demo's fleet, or
# the scene the block names) with the built plugins first in PATH, and print what the block shows (run times
# and ids aside); "-H 127.0.0.1" gets the test broker's port. The README's Icinga 2 objects validate in Icinga
# 2 with the shipped commands; its NRPE lines are the shipped ones, which test_nrpe runs; the Kubernetes page's
# probes run as its pod would run them. Usage: test_docs.sh PLUGIN_DIR
# plain build only
. "$(dirname "$0")/../lib/plugin_test.sh" check_celery_worker_versions "${1:-}"
. "$lib/tasks.sh"
. "$lib/icinga.sh"

PLUGIN_DIR=$(cd "$(dirname "$PLUGIN")" && pwd)
DOCS=(README.md docs/*.md)
STALE=celery@46b9a1cf718a

# fleet_reset: the demo's three workers on an empty broker, and three tasks waiting in reports, which no
# worker consumes.
fleet_reset() {
	local node
	for node in "${CLUSTER_WORKERS[@]}"; do
		cluster_stop_worker "$node"
	done
	CLUSTER_WORKERS=()
	cluster_redis flushall >/dev/null
	cluster_start_demo_fleet
	cluster_send_tasks reports 0 5 9
}

# scene NAME: the fleet a block names. demo: fleet_reset's. stuck: the untagged worker also consumes video,
# as a prefork worker, and has run one task from it for more than five seconds.
scene() {
	fleet_reset
	case $1 in
	demo) ;;
	paused) # a worker seen by an earlier check, now stopped (SIGSTOP): it receives the question, never answers
		run env PATH="$PLUGIN_DIR:$PATH" check_celery_worker_versions -H 127.0.0.1 -p "$REDIS_PORT" -e 0.12.0
		kill -STOP "$(cluster_worker_pid celery-v0.11.0@hostC)"
		sleep 2
		;;
	stuck)
		cluster_stop_worker "$STALE"
		tasks_worker "redis://$CLUSTER_HOST:$REDIS_PORT/0" "$STALE" gpu,video 2
		cluster_wait_ready "$STALE" || return 1
		send_sleeps "redis://$CLUSTER_HOST:$REDIS_PORT/0" video 600 1 || return 1
		wait_running "redis://$CLUSTER_HOST:$REDIS_PORT/0" "$STALE" 1 || return 1
		sleep 6
		;;
	*)
		echo "no scene $1" >&2
		return 1
		;;
	esac
}

# example: one command of a block (item $EXAMPLE), run as shown, its output compared with what the block shows; the
# state word of the status line agrees with the exit code.
CURRENT_SCENE= DIRTY=
example() {
	local item=$ITEMS/$EXAMPLE cmd scene states=(OK WARNING CRITICAL UNKNOWN)
	scene=$(cat "$item.scene")
	cmd=$(cat "$item.cmd")
	if [ "$scene" != "$CURRENT_SCENE" ] || [ -n "$DIRTY" ]; then
		scene "$scene" || { fail "scene $scene could not be set up"; return; }
		CURRENT_SCENE=$scene DIRTY=
	fi
	run env PATH="$PLUGIN_DIR:$PATH" bash -c "${cmd//-H 127.0.0.1/-H 127.0.0.1 -p $REDIS_PORT}"
	case $cmd in *--execute*) DIRTY=1 ;; esac # it changed the workers: the next example starts afresh
	OUT=${OUT//127.0.0.1:$REDIS_PORT/127.0.0.1:6379} # as the command shows it: the default port
	printf '%s\n' "$OUT" >"$item.actual"
	"$CLUSTER_PYTHON" "$lib/doc_examples.py" compare "$item.expected" "$item.actual" ||
		fail "$(cat "$item.where") does not print what it shows"
	case $(head -n 1 <<<"$OUT") in
	"CELERY "*" ${states[$RC]:-none} - "* | "{"*) ;;
	*) fail "exit code $RC does not match the status line" ;;
	esac
}

# The Icinga 2 objects of the README (```icinga2 blocks) with the shipped CheckCommands: they validate, and
# make the services the README says.
t_icinga_objects_validate() {
	local dir=$ASSERT_TMP/icinga
	if ! command -v icinga2 >/dev/null; then
		echo "    skip: icinga2 is not installed"
		return
	fi
	mkdir -p "$dir"
	{
		icinga_head "$PLUGIN_DIR"
		echo "include \"$CLUSTER_SRC/icinga2-conf/celery.conf\""
		icinga_conf_d_stubs
		"$CLUSTER_PYTHON" "$lib/doc_examples.py" fence README.md icinga2
	} >"$dir/icinga2.conf"
	run icinga "$dir" daemon -c "$dir/icinga2.conf" -C
	expect_exit 0
	expect_contains "Instantiated 3 Services."
	expect_not_contains "warning/"
}

# The README's Redis ACL (the ```redis block), given to a user on the test broker: the three checks run as
# that user and are refused nothing.
t_least_privilege_acl() {
	local acl plugin
	acl=$("$CLUSTER_PYTHON" "$lib/doc_examples.py" fence README.md redis | tr -s ' \n' '  ')
	[ -n "$acl" ] || { fail "the README shows no ACL"; return; }
	[ "$CURRENT_SCENE" = demo ] && [ -z "$DIRTY" ] || { fleet_reset && CURRENT_SCENE=demo DIRTY=; }
	printf 'docs-pw\n' >"$ASSERT_TMP/docs.pw"
	# shellcheck disable=SC2086 # the ACL's words, as redis-cli takes them
	cluster_redis ${acl//>PASSWORD/>docs-pw} | grep -qx OK || { fail "ACL SETUSER refused: $acl"; return; }
	for plugin in check_celery_worker_versions check_celery_queue_health check_celery_tasks; do
		run "$PLUGIN_DIR/$plugin" -H 127.0.0.1 -p "$REDIS_PORT" --username celery-monitor \
			--password-file "$ASSERT_TMP/docs.pw" -e 0.12.0 -v
		[ "$RC" -le 2 ] || fail "$plugin as the README's user: exit $RC"
		expect_not_contains "NOPERM"
		expect_not_contains "permission"
	done
	expect_keyspace_clean "$REDIS_PORT"
}

# The README's RabbitMQ permissions are those test_amqp gives its user, with which it runs the checks on a real
# rabbitmq-server.
t_rabbitmq_permissions_are_tested() {
	local shown tested
	shown=$(grep -A3 '^rabbitmqctl set_permissions -p / monitor' README.md | grep -oE "'[^']+'")
	tested=$(grep -A3 'rabbitctl set_permissions -p / monitor .\^(\[0-9a-f' tests/integration/test_amqp.sh | grep -oE "'[^']+'")
	[ -n "$shown" ] && [ "$shown" = "$tested" ] || fail "the README's permissions ($shown) are not test_amqp's ($tested)"
}

# The README's NRPE lines (```nrpe blocks) are lines of the shipped icinga2-conf/nrpe/celery.cfg.
t_nrpe_lines_are_shipped() {
	local line n=0
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		n=$((n + 1))
		grep -qxF -- "$line" icinga2-conf/nrpe/celery.cfg || fail "not in icinga2-conf/nrpe/celery.cfg: $line"
	done < <("$CLUSTER_PYTHON" "$lib/doc_examples.py" fence README.md nrpe)
	[ "$n" -ge 1 ] || fail "the README shows no NRPE line"
}

# probe KIND: the command of docs/kubernetes.md's KIND probe (livenessProbe, readinessProbe): the line after
# its "- -c".
probe() {
	"$CLUSTER_PYTHON" "$lib/doc_examples.py" fence docs/kubernetes.md yaml |
		awk -v kind="$1:" '$1 == kind { on = 1 } on && c { sub(/^ *- /, ""); print; exit } on && $0 ~ /- -c$/ { c = 1 }'
}

# The pod of docs/kubernetes.md: its worker is celery-v$APP_VERSION@$HOSTNAME, consuming celery; the probes run
# with the pod's environment. Alive and ready while the worker consumes celery; not ready once it stops
# consuming it; not alive once it is gone.
t_kubernetes_probes() {
	local live ready url="redis://$CLUSTER_HOST:$REDIS_PORT/0"
	live=$(probe livenessProbe) ready=$(probe readinessProbe)
	[ -n "$live" ] && [ -n "$ready" ] || { fail "docs/kubernetes.md: no probe commands found"; return; }
	fleet_reset
	cluster_start_default_worker celery-v0.12.0@web-7d9f-x2k4 celery
	cluster_wait_ready celery-v0.12.0@web-7d9f-x2k4 || { fail "the pod's worker did not start"; return; }
	# pod COMMAND [HOSTNAME]: the probe's command in the pod's environment
	pod() {
		run env -i PATH=/usr/bin:/bin HOSTNAME="${2:-web-7d9f-x2k4}" APP_VERSION=0.12.0 CELERY_BROKER_URL="$url" \
			sh -c "${1//\/usr\/lib\/nagios\/plugins\//$PLUGIN_DIR/}"
	}
	pod "$live"
	expect_exit 0
	expect_one_line
	pod "$ready"
	expect_exit 0
	# the probe of a pod whose worker is not there fails, whoever else answers (here the stale ones)
	pod "$live" web-0000-gone
	expect_exit 2
	expect_contains "did not answer: celery-v0.12.0@web-0000-gone"
	env BROKER_URL="$url" PYTHONPATH="$CLUSTER_SRC/tests/celery_app" "$CLUSTER_PYTHON" -W ignore -c '
from celery_test_app import app
app.control.cancel_consumer("celery", destination=["celery-v0.12.0@web-7d9f-x2k4"], reply=True, timeout=5)'
	pod "$ready"
	[ "$RC" != 0 ] || fail "ready after the worker stopped consuming celery"
	pod "$live"
	expect_exit 0
	cluster_stop_worker celery-v0.12.0@web-7d9f-x2k4
	pod "$live"
	expect_exit 2
	expect_contains "did not answer: celery-v0.12.0@web-7d9f-x2k4"
}

assert_init
cluster_init
cluster_start_redis REDIS || exit 2
cd "$CLUSTER_SRC" || exit 2
ITEMS=$ASSERT_TMP/items
mkdir -p "$ITEMS"
count=$("$CLUSTER_PYTHON" "$lib/doc_examples.py" extract "$ITEMS" "${DOCS[@]}") || exit 2
[ "$count" -ge 8 ] || { echo "only $count examples found in ${DOCS[*]}" >&2; exit 2; }
# examples_of GROUP: the items of one group, in page order. The demo's examples that change nothing come
# first, on one fleet; then those that act on it (--execute), and those of other scenes, each group on a
# fleet of its own.
examples_of() {
	local i scene acts
	for i in $(seq -f %03g "$count"); do
		scene=$(cat "$ITEMS/$i.scene")
		grep -q -- --execute "$ITEMS/$i.cmd" && acts=1 || acts=0
		case $1 in
		quiet) [ "$scene" = demo ] && [ $acts = 0 ] && echo "$i" ;;
		acting) [ "$scene" = demo ] && [ $acts = 1 ] && echo "$i" ;;
		*) [ "$scene" = "$1" ] && echo "$i" ;;
		esac
	done
}
run_examples() {
	for EXAMPLE in $(examples_of "$1"); do
		test_case "$(cat "$ITEMS/$EXAMPLE.where"): $(cut -c1-70 "$ITEMS/$EXAMPLE.cmd")" example
	done
}
run_examples quiet
test_case "the README's Redis ACL is all the three checks need" t_least_privilege_acl
run_examples acting
for scene in $(sed -s '$a\' "$ITEMS"/*.scene | sort -u | grep -vx demo); do # each file, a line
	run_examples "$scene"
done
test_case "the README's Icinga 2 objects validate with the shipped commands" t_icinga_objects_validate
test_case "the README's NRPE lines are those shipped" t_nrpe_lines_are_shipped
test_case "the README's RabbitMQ permissions are test_amqp's" t_rabbitmq_permissions_are_tested
test_case "docs/kubernetes.md's probes, run as its pod runs them" t_kubernetes_probes
[ -z "${KEEP_ITEMS:-}" ] || cp -r "$ITEMS" "$KEEP_ITEMS"
assert_summary
