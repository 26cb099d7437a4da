#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# install-deps.sh: installs with apt-get the Debian packages that the build, the tests, the demo and the
# benchmark need; does nothing when they are all there. Keeps Debian from starting a system redis-server or
# rabbitmq-server: the tests and the demo start their own on free loopback ports.
set -euo pipefail

PACKAGES=(
	gcc make autoconf automake pkg-config     # build
	libhiredis-dev libjson-c-dev libssl-dev   # libraries: RESP codec, JSON, TLS
	librabbitmq-dev                           # rabbitmq-c, the AMQP 0-9-1 client
	check openssl                             # the unit test framework; the TLS tests make a throwaway CA
	redis-server redis-tools redis-sentinel   # a real broker (and real sentinels) for the tests and the demo
	rabbitmq-server                           # the other real broker, Celery's default
	faketime python3 python3-celery python3-redis      # real Celery workers, and `celery inspect` for the benchmark
	python3-jsonschema                        # the --json documents checked against docs/check_celery.schema.json
	clang-format time                         # the format check; GNU time for the benchmark
	clang libclang-rt-14-dev valgrind         # libFuzzer targets; memory checking of the integration tests
	icinga2-bin                               # runs icinga2-conf/celery.conf for real in the tests
	help2man                                  # the man pages, made from --help
	debhelper lintian rpm                     # the Debian package and the RPM spec, built and checked
	nagios-nrpe-server nagios-nrpe-plugin     # nrpe and check_nrpe run icinga2-conf/nrpe/celery.cfg
	nagios4-core                              # validates icinga2-conf/nagios/commands.cfg
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
policy=/usr/sbin/policy-rc.d
created=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
	"${sudo[@]}" chmod +x "$policy"
	created=1
fi
echo "Installing: ${missing[*]}"
"${sudo[@]}" apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
[ "$created" = 1 ] && "${sudo[@]}" rm -f "$policy"
exit 0
