#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# fuzz.sh: builds the libFuzzer targets in tests/fuzz with clang (ASan + UBSan), replays the regression
# inputs in tests/fuzz/regressions/TARGET/, then fuzzes each target for FUZZ_SECONDS (default 10) from a
# seed corpus made of the captured Celery messages and known inputs. A crash is saved under
# tests/fuzz/regressions/TARGET/ (commit it: it becomes a regression test) and fails the run.
# Usage: tools/fuzz.sh [TARGET...]
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-10}
out=build-fuzz
mkdir -p "$out"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_reply fuzz_resp fuzz_broker_url fuzz_range fuzz_node_name fuzz_binding fuzz_version)
# config.h comes from the plain build (tools/build.sh runs first); OpenSSL is loaded at run time (dlopen)
flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -D_GNU_SOURCE -Ibuild
	$(printf -- "-I%s " common/*/))
libs=($(pkg-config --cflags --libs hiredis json-c) $(pkg-config --cflags librabbitmq) -ldl -lm)

# Seeds: the captured payloads for the decoder, known good and bad inputs for the parsers.
seed() {
	local dir="$out/seeds/$1"
	shift
	mkdir -p "$dir"
	local i=0
	for s in "$@"; do
		printf '%s' "$s" >"$dir/seed$i"
		i=$((i + 1))
	done
}
mkdir -p "$out/seeds/fuzz_reply"
/usr/bin/python3 - "$out/seeds/fuzz_reply" <<'PY'
import glob, json, os, sys
for path in glob.glob("tests/vectors/celery-*/*.json"):
    v = json.load(open(path))
    for i, payload in enumerate([v.get("payload")] + [l[0] for l in v.get("lists", {}).values()]):
        if payload:
            name = "%s-%s-%d" % (os.path.basename(os.path.dirname(path)), os.path.basename(path), i)
            open(os.path.join(sys.argv[1], name), "w").write(payload)
PY
seed fuzz_broker_url "redis://" "redis://:pw@h:6380/2" "redis://u:p%40w@[::1]:1/3?virtual_host=4" \
	"redis+socket:///run/r.sock?virtual_host=3" "unix:///tmp/r.sock?db=2" "rediss://h" "redis://h:0" \
	"rediss://:pw@h:6380/1?ssl_cert_reqs=required&ssl_ca_certs=%2Fca.pem&ssl_check_hostname=False" \
	"sentinel://:pw@s1:26379/2;sentinel://s2;sentinel://[::1]:7" "amqp://guest:guest@localhost:5672//" \
	"pyamqp://u:p%40ss@[::1]:5673/a%2Fb?heartbeat=10" "amqps://h//"
seed fuzz_version $'>=0.12.0,<0.13\n0.12.1\n0.13.0rc1\n1!2.0.post1.dev3+abc.5' $'~=1.4.5a4\n1.4.5\n1.4.5-rc.1\nv1.0' \
	$'0.12.*\n0.12\n0.12.0-deadbeef' $'!=1.0+local\n1.0+LOCAL\n1.0'
seed fuzz_range "10" "10:" "~:10" ":10" "10:20" "@10:20" "-3.5:-1.5" "@~:" "20:10" "1e3"
seed fuzz_binding $'celery\x06\x16\x06\x16celery\n\x06\x16\x06\x16w@h.celery.pidbox' 'celery::celery' \
	'::w@h.celery.pidbox' 'sep=:' 'sep=\x06\x16' 'priority_steps=[0, 3, 6, 9]' 'fanout_prefix=false'
seed fuzz_resp $'\x03+OK\r\n-ERR x\r\n:-42\r\n$-1\r\n*0\r\n' $'\x05*2\r\n$1\r\nk\r\n*3\r\n$3\r\none\r\n$-1\r\n:7\r\n' \
	$'\x04*2\r\n$1\r\nk\r\n$300\r\n'"$(printf 'x%.0s' {1..300})"$'\r\n' $'\x09*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$2\r\nch\r\n$3\r\nmsg\r\n'
seed fuzz_node_name "celery-v0.12.0@host" "celery@h" "worker-gpu-v1.2.3-rc1@h" "a-v1-v2@b@c" "-v1@" ""

# common/ is compiled once, instrumented for the fuzzer but without its main, and linked into every target.
failed=0
mkdir -p "$out/obj"
objs=()
for c in common/*/*.c; do
	objs+=("$out/obj/$(basename "$c" .c).o")
done
printf '%s\n' common/*/*.c | xargs -P "$(nproc)" -I{} sh -c 'clang "$@" -c {} -o "$0/$(basename {} .c).o"' \
	"$out/obj" "${flags[@]/-fsanitize=fuzzer,/-fsanitize=fuzzer-no-link,}" || failed=$((failed + 1))
for t in "${targets[@]}"; do
	if ! clang "${flags[@]}" tests/fuzz/$t.c "${objs[@]}" "${libs[@]}" -o "$out/$t"; then
		echo "FAIL: $t does not build"
		failed=$((failed + 1))
		continue
	fi
	regress="tests/fuzz/regressions/$t"
	mkdir -p "$regress" "$out/corpus/$t"
	if ls "$regress"/* >/dev/null 2>&1 && ! "$out/$t" "$regress"/* >"$out/$t.regress.log" 2>&1; then
		echo "FAIL: $t crashes on a regression input"
		tail -n 20 "$out/$t.regress.log"
		failed=$((failed + 1))
		continue
	fi
	if "$out/$t" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=1024 \
		-artifact_prefix="$regress/" "$out/corpus/$t" "$out/seeds/$t" >"$out/$t.log" 2>&1; then
		echo "PASS: $t ($(grep -o 'Done [0-9]* runs in [0-9]* second' "$out/$t.log" | head -n 1)s)"
	else
		echo "FAIL: $t found a crash, saved in $regress/:"
		grep -E "ERROR|SUMMARY|Test unit written" "$out/$t.log" | head -n 10
		failed=$((failed + 1))
	fi
done
exit "$failed"
