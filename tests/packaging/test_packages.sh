#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test_packages.sh: the plugins as an admin gets them. make install DESTDIR=... puts every file where it
# belongs and make uninstall takes them all away; the Debian package builds from the release tarball with
# dpkg-buildpackage, is lintian-clean, installs, runs against real Celery workers from
# /usr/lib/nagios/plugins (and as nagios, keeping its state) and is purged without a trace; the RPM spec
# builds with rpmbuild (--nodeps: the build requirements have Fedora's names). Usage: test_packages.sh BUILD_DIR
. "$(dirname "$0")/../lib/plugin_test.sh" check_celery_worker_versions "${1:-}/plugins"
BUILD=$(cd "$1" && pwd)
PACKAGE=monitoring-plugins-celery
STATE_DIR=/var/lib/monitoring-plugins/check_celery

# installed_files ROOT: every file under ROOT, relative to it, sorted.
installed_files() {
	(cd "$1" && find . -type f | sed 's|^\./|/|' | LC_ALL=C sort)
}

# expected_files PLUGINDIR DATADIR DOCDIR MANDIR [SUFFIX]: the files a install puts there (SUFFIX: .gz when
# the packager compresses the man pages, and the documents over 4 KiB, as dh_compress does).
expected_files() {
	local doc=$3 man=$4 z=${5:-} page
	{
	printf '%s\n' "$1/check_celery_queue_health" "$1/check_celery_worker_versions" "$1/celery_quarantine_workers" \
		"$1/check_celery_tasks" "$2/icinga2/include/plugins-contrib.d/celery.conf" \
		"$man/man1/check_celery_queue_health.1$z" "$man/man1/check_celery_worker_versions.1$z" \
		"$man/man1/check_celery_tasks.1$z" \
		"$man/man1/celery_quarantine_workers.1$z" \
		"$doc/examples/README.md" \
		"$doc/examples/icinga2/agent-hosts.conf" "$doc/examples/icinga2/hosts.conf" \
		"$doc/examples/icinga2/services.conf" "$doc/examples/icinga2/zones.conf" \
		"$doc/examples/nagios/commands.cfg" "$doc/examples/nrpe/celery.cfg"
	for page in $(cd "$CLUSTER_SRC" && echo NEWS README.md BENCHMARKS.md HACKING.md docs/*.md); do
		if [ "$(stat -c %s "$CLUSTER_SRC/$page")" -gt 4096 ]; then echo "$doc/$page$z"; else echo "$doc/$page"; fi
	done
	} | LC_ALL=C sort
}

t_make_install_and_uninstall() {
	local dest="$ASSERT_TMP/dest" got
	run make -C "$BUILD" -s install DESTDIR="$dest"
	expect_exit 0
	got=$(installed_files "$dest")
	[ "$got" = "$(expected_files /usr/local/libexec/nagios/plugins /usr/local/share /usr/local/share/doc/$PACKAGE /usr/local/share/man)" ] ||
		fail "make install put: $got"
	[ -x "$dest/usr/local/libexec/nagios/plugins/check_celery_worker_versions" ] || fail "the plugin is not executable"
	run make -C "$BUILD" -s uninstall DESTDIR="$dest"
	expect_exit 0
	[ -z "$(installed_files "$dest")" ] || fail "make uninstall left: $(installed_files "$dest")"
}

# release_tarball: makes the release tarball and prints its path.
release_tarball() {
	rm -f "$BUILD"/$PACKAGE-*.tar.gz
	make -C "$BUILD" -s dist >/dev/null 2>&1 || return 1
	ls "$BUILD"/$PACKAGE-*.tar.gz
}

t_the_debian_package() {
	local tarball src deb got
	tarball=$(release_tarball) || { fail "make dist failed"; return; }
	mkdir -p "$ASSERT_TMP/deb"
	tar -xzf "$tarball" -C "$ASSERT_TMP/deb"
	src=$(ls -d "$ASSERT_TMP"/deb/$PACKAGE-*/)
	run sh -c "cd '$src' && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b -j$(nproc) 2>&1"
	expect_exit 0
	[ "$TEST_OK" = 1 ] || { OUT=$(tail -n 30 <<<"$OUT"); return; }
	deb=$(ls "$ASSERT_TMP"/deb/${PACKAGE}_*.deb)
	run lintian --fail-on error,warning "$deb"
	expect_exit 0
	got=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' | grep -v "^/usr/share/doc/$PACKAGE/\(copyright\|changelog.gz\)$" | LC_ALL=C sort)
	[ "$got" = "$(expected_files /usr/lib/nagios/plugins /usr/share /usr/share/doc/$PACKAGE /usr/share/man .gz)" ] ||
		fail "the package holds: $got"
	run dpkg-deb -f "$deb" Depends
	expect_contains "libhiredis"
	expect_contains "libjson-c"
	run dpkg-deb -f "$deb" Version
	[ "$OUT" = "$("$PLUGIN" -V | sed -n 's/.*(monitoring-plugins-celery \(.*\))$/\1/p')" ] ||
		fail "debian/changelog says $OUT, the plugins $("$PLUGIN" -V)"

	# Installed on this machine; a state directory made before is set aside (put back by restore_machine).
	# A root-owned one stands in its place: the package gives it to nagios.
	if [ -e "$STATE_DIR" ]; then mv "$STATE_DIR" "$MOVED_STATE_DIR" || return; fi
	mkdir -p "$STATE_DIR"
	INSTALLED=1
	run dpkg -i "$deb"
	expect_exit 0
	run dpkg -i "$deb" # again, as an upgrade runs the maintainer scripts
	expect_exit 0
	if id nagios >/dev/null 2>&1; then
		[ "$(stat -c %U:%a "$STATE_DIR")" = nagios:755 ] || fail "$STATE_DIR is $(stat -c %U:%a "$STATE_DIR")"
	fi
	run /usr/lib/nagios/plugins/check_celery_worker_versions -H "$CLUSTER_HOST" -p "$REDIS_PORT" -e 0.12.0
	expect_exit 1
	expect_contains "CELERY WORKERS WARNING - 1 of 3 workers compatible with 0.12.0; incompatible: celery-v0.11.0@hostC (version 0.11.0), celery@46b9a1cf718a (untagged) | workers=3;;;0 compatible=1;;1:;0 incompatible=2;0;;0"
	run /usr/lib/nagios/plugins/check_celery_queue_health -H "$CLUSTER_HOST" -p "$REDIS_PORT" -e 0.12.0 -Q gpu
	expect_exit 1
	expect_contains "CELERY QUEUES WARNING - gpu: 1 compatible, 1 incompatible"
	run /usr/lib/nagios/plugins/celery_quarantine_workers -H "$CLUSTER_HOST" -p "$REDIS_PORT" -e 0.12.0
	expect_exit 0
	expect_contains "CELERY QUARANTINE OK - dry run: 2 actions on 2 workers would be taken (--execute acts)"
	if id nagios >/dev/null 2>&1; then # as Icinga runs it: the state directory is the nagios user's
		run setpriv --reuid=nagios --regid=nagios --clear-groups env -i \
			/usr/lib/nagios/plugins/check_celery_worker_versions -H "$CLUSTER_HOST" -p "$REDIS_PORT" -e 0.12.0 -v
		expect_exit 1
		expect_not_contains "state not kept"
		[ -n "$(ls "$STATE_DIR")" ] || fail "no state file in $STATE_DIR"
	fi
	run man -w check_celery_worker_versions
	expect_contains "/usr/share/man/man1/check_celery_worker_versions.1.gz"
	expect_keyspace_clean "$REDIS_PORT"
	run dpkg -r $PACKAGE
	expect_exit 0
	[ -e "$STATE_DIR" ] || fail "removing (not purging) the package removed the state directory"
	run dpkg -P $PACKAGE
	expect_exit 0
	INSTALLED=
	for f in /usr/lib/nagios/plugins/check_celery_worker_versions /usr/share/icinga2/include/plugins-contrib.d/celery.conf "$STATE_DIR"; do
		[ ! -e "$f" ] || fail "$f is left after purge"
	done
}

# restore_machine: purges the package if a test left it installed, and puts back the state directory.
restore_machine() {
	[ -z "$INSTALLED" ] || dpkg -P $PACKAGE >/dev/null 2>&1
	if [ -e "$MOVED_STATE_DIR" ]; then
		rm -rf "$STATE_DIR"
		mkdir -p "$(dirname "$STATE_DIR")" && mv "$MOVED_STATE_DIR" "$STATE_DIR"
	fi
}

t_the_rpm_spec_builds() {
	local tarball got
	tarball=$(release_tarball) || { fail "make dist failed"; return; }
	run rpmbuild -ta --nodeps --nocheck --define "_topdir $ASSERT_TMP/rpm" "$tarball"
	expect_exit 0
	[ "$TEST_OK" = 1 ] || { OUT=$(tail -n 30 <<<"$OUT"); return; }
	got=$(rpm -qlp "$ASSERT_TMP"/rpm/RPMS/*/$PACKAGE-*.rpm 2>/dev/null)
	OUT=$got
	expect_contains "/usr/lib64/nagios/plugins/check_celery_worker_versions"
	expect_contains "/usr/lib64/nagios/plugins/check_celery_queue_health"
	expect_contains "/usr/share/icinga2/include/plugins-contrib.d/celery.conf"
	expect_contains "/usr/share/man/man1/check_celery_queue_health.1"
	expect_contains "/usr/lib64/nagios/plugins/check_celery_tasks"
	expect_contains "/usr/share/man/man1/check_celery_tasks.1"
	expect_contains "/usr/lib64/nagios/plugins/celery_quarantine_workers"
	expect_contains "/usr/share/man/man1/celery_quarantine_workers.1"
	expect_contains "/usr/share/doc/$PACKAGE/examples/nrpe/celery.cfg"
}

assert_init
MOVED_STATE_DIR="$ASSERT_TMP/state-dir-before"
INSTALLED=
cluster_init
trap 'restore_machine; cluster_stop' EXIT
cluster_start_redis REDIS || exit 2
cluster_start_demo_fleet || exit 2

test_case "make install DESTDIR=... puts every file in its place; make uninstall removes them all" t_make_install_and_uninstall
if dpkg -s $PACKAGE >/dev/null 2>&1; then
	echo "SKIP: $PACKAGE is installed on this machine; the test installs and purges its own"
elif [ "$(id -u)" = 0 ] && command -v dpkg-buildpackage lintian >/dev/null; then
	test_case "the Debian package builds, is lintian-clean, installs, checks real workers and purges" t_the_debian_package
else
	echo "SKIP: the Debian package needs root, dpkg-buildpackage and lintian (tools/install-deps.sh)"
fi
if command -v rpmbuild >/dev/null; then
	test_case "the RPM spec builds with rpmbuild, plugins in /usr/lib64/nagios/plugins" t_the_rpm_spec_builds
else
	echo "SKIP: the RPM spec needs rpmbuild (tools/install-deps.sh)"
fi

restore_machine
cluster_stop
assert_summary
