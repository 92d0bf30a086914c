#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# check_install.sh SRC BUILD WORK CC NM: install BUILD into a fresh prefix
# and use it as an outside project would, with nothing of the source or
# build tree on any path:
#   - examples/quickstart through find_package(ktrq), shared and static,
#     and libktrq.a inside a shared object;
#   - the same main.c through pkg-config, shared and static;
#   - a bad KTRQ_REQUEST_POOL is an error message and exit 1;
#   - the installed libktrq.so exports exactly its headers' functions;
#   - libktrq_sim (ktrq::sim): its exports, examples/ built against it;
#   - every installed tool's --version is the library's ktrq_version().
set -eu
src=$1 build=$2 work=$3 cc=$4 nm=$5
prefix=$work/prefix
fail() { echo "install: $*" >&2; exit 1; }
run() { "$@" > "$work/cmd.log" 2>&1 || { cat "$work/cmd.log" >&2; fail "failed: $*"; }; }

rm -rf "$work"
mkdir -p "$work"
run cmake --install "$build" --prefix "$prefix"
so=$(find "$prefix" -name 'libktrq.so.*.*.*' | head -n 1)
[ -n "$so" ] || fail "no libktrq.so.X.Y.Z under $prefix"
libdir=$(dirname "$so")
[ -f "$libdir/libktrq.a" ] || fail "no libktrq.a in $libdir"
[ -f "$libdir/cmake/ktrq/ktrqConfig.cmake" ] || fail "no ktrqConfig.cmake"
[ -f "$libdir/pkgconfig/ktrq.pc" ] || fail "no ktrq.pc"
soname=$(readelf -d "$so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
case $soname in
libktrq.so.[0-9]*) ;;
*) fail "SONAME of $so is '$soname'" ;;
esac
sh "$src/tests/install/check_symbols.sh" "$nm" "$so" ktrq_ \
    "$prefix"/include/ktrq/ktrq.h "$prefix"/include/ktrq/os.h \
    "$prefix"/include/ktrq/record.h

# find_package(ktrq): shared, then static.
for kind in shared static; do
	b=$work/cmake-$kind
	static=OFF
	[ $kind = static ] && static=ON
	run cmake -S "$src/examples/quickstart" -B "$b" -DCMAKE_C_COMPILER="$cc" \
	    -DCMAKE_PREFIX_PATH="$prefix" -DQUICKSTART_STATIC=$static
	run cmake --build "$b"
	if readelf -d "$b/quickstart" | grep -q "NEEDED.*$soname"; then
		[ $kind = shared ] || fail "static quickstart needs $soname"
	else
		[ $kind = static ] || fail "shared quickstart does not need $soname"
	fi
	(cd "$b" && ./quickstart ktrace.out) > "$b/out" ||
	    fail "quickstart ($kind) failed: $(cat "$b/out")"
	grep -q '2 events posted, 2 written' "$b/out" ||
	    fail "quickstart ($kind): $(cat "$b/out")"
	"$prefix/bin/ktrq-dump" -f "$b/ktrace.out" > "$b/dump" ||
	    fail "ktrq-dump of the $kind quickstart's trace failed"
	grep -q 'CALL' "$b/dump" && grep -q 'GIO' "$b/dump" ||
	    fail "ktrq-dump: no CALL or GIO in $b/dump"
	"$b/quickstart_plugin_main" > /dev/null || fail "plugin ($kind) failed"
done
version=$(sed -n 's/^libktrq \([^:]*\):.*/\1/p' "$work/cmake-shared/out")

# The simulator (ktrq::sim): its exports, and the examples built against
# the installed package find their bug and replay it.
simso=$(find "$prefix" -name 'libktrq_sim.so.*.*.*' | head -n 1)
[ -n "$simso" ] || fail "no libktrq_sim.so.X.Y.Z under $prefix"
[ -f "$libdir/libktrq_sim.a" ] || fail "no libktrq_sim.a in $libdir"
[ -f "$libdir/pkgconfig/ktrq_sim.pc" ] || fail "no ktrq_sim.pc"
sh "$src/tests/install/check_symbols.sh" "$nm" "$simso" ktrq_sim_ \
    "$prefix"/include/ktrq/sim.h
for ex in lost-wakeup:deadlock counter:assertion deadlock:deadlock; do
	dir=${ex%%:*} kind=${ex#*:}
	b=$work/sim-$dir
	run cmake -S "$src/examples/$dir" -B "$b" -DCMAKE_C_COMPILER="$cc" \
	    -DCMAKE_PREFIX_PATH="$prefix"
	run cmake --build "$b"
	exe=$(find "$b" -maxdepth 1 -type f -name 'example_*' | head -n 1)
	[ -n "$exe" ] || fail "examples/$dir built no example_* program"
	sh "$src/examples/check.sh" "$exe" "$kind" > "$b/check.log" 2>&1 ||
	    { cat "$b/check.log" >&2; fail "examples/$dir against the package"; }
done

# The harness (ktrq::harness): its exports, and a user's ktrq workload
# built against the package holds on the real core.
harnso=$(find "$prefix" -name 'libktrq_harness.so.*.*.*' | head -n 1)
[ -n "$harnso" ] || fail "no libktrq_harness.so.X.Y.Z under $prefix"
[ -f "$libdir/pkgconfig/ktrq_harness.pc" ] || fail "no ktrq_harness.pc"
sh "$src/tests/install/check_symbols.sh" "$nm" "$harnso" ktrq_harness_ \
    "$prefix"/include/ktrq/harness.h
b=$work/harness-workload
run cmake -S "$src/examples/ktrq-workload" -B "$b" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_PREFIX_PATH="$prefix"
run cmake --build "$b"
"$b/example_ktrq_workload" 50 > "$b/out" 2>&1 ||
    fail "examples/ktrq-workload against the package: $(cat "$b/out")"
grep -q '^held after 50 runs' "$b/out" || fail "ktrq-workload: $(cat "$b/out")"

# A bad tunable: a message and exit 1, never a silent empty trace.
if KTRQ_REQUEST_POOL=abc "$work/cmake-shared/quickstart" "$work/bad.out" \
    > /dev/null 2> "$work/bad.err"; then
	fail "quickstart accepted KTRQ_REQUEST_POOL=abc"
fi
grep -q 'ktrq_create' "$work/bad.err" || fail "no message for a bad tunable"

# pkg-config, shared and static.
export PKG_CONFIG_PATH="$libdir/pkgconfig"
command -v pkg-config > /dev/null || fail "pkg-config is not installed"
[ "$(pkg-config --modversion ktrq)" = "$version" ] ||
    fail "pkg-config --modversion ktrq: $(pkg-config --modversion ktrq)"
pc=$work/pc
mkdir -p "$pc"
# shellcheck disable=SC2046
run "$cc" -o "$pc/qs-shared" "$src/examples/quickstart/main.c" \
    $(pkg-config --cflags --libs ktrq)
# shellcheck disable=SC2046
run "$cc" -o "$pc/qs-static" "$src/examples/quickstart/main.c" \
    $(pkg-config --cflags ktrq) $(pkg-config --libs-only-L ktrq) \
    -Wl,-Bstatic -lktrq -Wl,-Bdynamic \
    $(pkg-config --static --libs-only-l ktrq | sed 's/-lktrq\b//')
(cd "$pc" && LD_LIBRARY_PATH="$libdir" ./qs-shared a.out && ./qs-static b.out) \
    > "$pc/out" || fail "pkg-config builds failed: $(cat "$pc/out")"
[ "$(grep -c '2 written' "$pc/out")" = 2 ] || fail "pkg-config: $(cat "$pc/out")"
# shellcheck disable=SC2046
run "$cc" -o "$pc/lost-wakeup" "$src/examples/lost-wakeup/lost_wakeup.c" \
    $(pkg-config --cflags --libs ktrq_sim)
if LD_LIBRARY_PATH="$libdir" "$pc/lost-wakeup" > /dev/null 2> "$pc/lw.err"; then
	fail "pkg-config lost-wakeup found nothing"
fi
grep -q '^KTRQ_SIM_REPLAY=' "$pc/lw.err" || fail "pkg-config lost-wakeup: $(cat "$pc/lw.err")"

# Tools: installed, with man pages, reporting the library's version.
for t in ktrq-dump ktrq-stress ktrq-sim; do
	[ -x "$prefix/bin/$t" ] || fail "$t not installed"
	[ -f "$prefix/share/man/man1/$t.1" ] || fail "no man page for $t"
	got=$("$prefix/bin/$t" --version) || fail "$t --version failed"
	[ "$got" = "$t $version" ] || fail "$t --version: '$got', want '$t $version'"
done
[ -f "$prefix/share/man/man3/libktrq.3" ] || fail "no libktrq.3"
[ -f "$prefix/share/doc/libktrq/LICENSE" ] || fail "no LICENSE in docs"
echo "install: ok ($version, $soname, $(find "$prefix" -type f | wc -l) files)"
