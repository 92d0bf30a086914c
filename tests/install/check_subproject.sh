#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# check_subproject.sh SRC WORK CC: libktrq under a parent project builds
# its libraries only (no tests, tools, fuzzers, bench), keeps its outputs
# under its own binary directory, and links through ktrq::ktrq and
# ktrq::ktrq_static.
set -eu
src=$1 work=$2 cc=$3
fail() { echo "subproject: $*" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work"
cmake -S "$src/tests/install/subproject" -B "$work" -DCMAKE_C_COMPILER="$cc" \
    -DKTRQ_SOURCE_DIR="$src" > "$work/configure.log" 2>&1 ||
    { cat "$work/configure.log" >&2; fail "configure failed"; }
cmake --build "$work" > "$work/build.log" 2>&1 ||
    { cat "$work/build.log" >&2; fail "build failed"; }
ls "$work/bin" | sort > "$work/bin.list"
printf 'parent_app\nparent_app_static\n' > "$work/bin.want"
cmp -s "$work/bin.list" "$work/bin.want" ||
    fail "the parent's bin/ holds: $(tr '\n' ' ' < "$work/bin.list")"
[ ! -e "$work/ktrq/bin" ] || fail "tools or tests were built: $(ls "$work/ktrq/bin")"
[ -f "$work/ktrq/lib/libktrq.a" ] || fail "no libktrq.a under ktrq/lib"
for t in core_pool ktrq-sim ktrq-bench fuzz_order_replay; do
	if cmake --build "$work" --target help | grep -q "\\.\\.\\. $t\$"; then
		fail "target $t exists in a subproject build"
	fi
done
(cd "$work" && ./bin/parent_app a.out && ./bin/parent_app_static b.out) \
    > "$work/run.log" 2>&1 || { cat "$work/run.log" >&2; fail "run failed"; }
echo "subproject: ok (libraries only; outputs under ktrq/)"
