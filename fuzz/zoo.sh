#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The seeded-bug zoo, caught by the ordering fuzz target instead of the
# simulator's seed sweeps (sim/zoo/run-zoo.sh does those).  For each
# sim/zoo/NN-name.patch: a fresh copy of the sources is patched (never the
# tree), fuzz_order is built from it (fuzz/build.sh: libFuzzer, ASan,
# UBSan), and fuzzed from the seed corpus until the oracle aborts or
# SECONDS pass.  A crash -- the oracle's abort, or a sanitizer's report
# (a use after free shows up before the oracle can judge) -- is then
# turned into a schedule by the mutant's own crash-to-schedule and
# replayed by the mutant's ktrq-sim built with ASan and UBSan, so the
# whole path from fuzzer input to `ktrq-sim replay` is exercised.
#
# usage: fuzz/zoo.sh [-t SECONDS] [-o FILE.md] [-k] [-r REV] [-z] [PATCH...]
#
# Prints a markdown table (also to FILE.md with -o): mutant, caught, wall
# seconds and executions to the first failure, the oracle's verdict, and
# whether the schedule replayed to the same failure.  Exit 0 when every
# mutant was caught, 1 otherwise, 2 when something could not be built.
# -k keeps the work directory (copies, logs, crashes, schedules).
# -r REV takes the library from git revision REV instead of the work tree
# (fuzz/ still comes from the work tree), for when the tree is in flux.
# -z starts from an empty corpus instead of the seeds: how long the fuzzer
# itself takes, rather than whether a seed already trips the mutant.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
secs=120
out=""
keep=0
rev=""
seeds=1
while getopts t:o:kr:z opt; do
	case $opt in
	t) secs=$OPTARG ;;
	o) out=$OPTARG ;;
	k) keep=1 ;;
	r) rev=$OPTARG ;;
	z) seeds=0 ;;
	*) echo "usage: $0 [-t SECONDS] [-o FILE.md] [-k] [-r REV] [-z]" \
	       "[PATCH...]" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- "$top"/sim/zoo/*.patch
[ -f "$1" ] || { echo "zoo: no patches (sim/zoo/*.patch)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ktrq-fuzz-zoo.XXXXXX")
if [ $keep = 1 ]; then
	echo "zoo: work directory $work" >&2
else
	trap 'rm -rf "$work"' EXIT INT TERM
fi

table=$work/table.md
{
	echo "| mutant | caught | seconds | execs | verdict | ktrq-sim replay |"
	echo "| --- | --- | --- | --- | --- | --- |"
} >"$table"

all=0
for patch in "$@"; do
	name=$(basename "$patch" .patch)
	dir=$work/$name
	mkdir -p "$dir/src"
	if [ -n "$rev" ]; then
		git -C "$top" archive "$rev" CMakeLists.txt cmake include src \
		    sim tools | (cd "$dir/src" && tar xf -)
		(cd "$top" && tar cf - fuzz) | (cd "$dir/src" && tar xf -)
		grep -q 'add_subdirectory(fuzz)' "$dir/src/CMakeLists.txt" ||
		    printf 'add_subdirectory(fuzz)\n' >>"$dir/src/CMakeLists.txt"
	else
		(cd "$top" && tar cf - CMakeLists.txt cmake include src sim \
		    tools fuzz) | (cd "$dir/src" && tar xf -)
	fi
	(cd "$dir/src" && patch -p1 -s <"$patch")
	echo "zoo: $name: building" >&2
	OUT=$dir/out WORK=$dir/work "$dir/src/fuzz/build.sh" >/dev/null 2>&1 ||
	    { echo "zoo: $name: fuzz/build.sh failed" >&2; exit 2; }
	# crash-to-schedule plain (it must finish the run to record it),
	# ktrq-sim with ASan + UBSan (so a replay shows memory errors too).
	for b in b:crash-to-schedule:"" b-asan:ktrq-sim:address,undefined; do
		bdir=${b%%:*} rest=${b#*:}
		cmake -S "$dir/src" -B "$dir/$bdir" -DCMAKE_BUILD_TYPE=Release \
		    -DBUILD_TESTING=OFF -DKTRQ_VALGRIND=OFF -DKTRQ_WERROR=OFF \
		    -DKTRQ_SANITIZE="${rest#*:}" >/dev/null 2>&1 &&
		    cmake --build "$dir/$bdir" -j 2 --target "${rest%%:*}" \
		    >/dev/null 2>&1 ||
		    { echo "zoo: $name: cmake build failed" >&2; exit 2; }
	done

	mkdir -p "$dir/corpus" "$dir/art"
	[ $seeds = 0 ] || cp "$top"/fuzz/corpus/fuzz_order/* "$dir/corpus/"
	echo "zoo: $name: fuzzing for at most $secs s" >&2
	start=$(date +%s)
	"$dir/out/fuzz_order" -max_total_time="$secs" -timeout=25 \
	    -dict="$top/fuzz/fuzz_order.dict" -artifact_prefix="$dir/art/" \
	    -print_final_stats=1 "$dir/corpus" >"$dir/log" 2>&1 || true
	end=$(date +%s)
	crash=$(ls "$dir"/art/crash-* 2>/dev/null | head -1 || true)
	if [ -n "$crash" ]; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
		    "$dir/log")
		verdict=$(sed -n 's/^verdict:  //p' "$dir/log" | head -1)
		[ -n "$verdict" ] || verdict=$(sed -n \
		    's/^SUMMARY: \([A-Za-z]*Sanitizer: [^ ]*\).*/\1/p' \
		    "$dir/log" | head -1)
		verdict=$(printf '%s' "${verdict:-crash}" | cut -c1-90 |
		    tr '|' '/')
		"$dir/b/bin/crash-to-schedule" -o "$dir/s.schedule" "$crash" \
		    >"$dir/c2s" 2>&1 || true
		if [ ! -s "$dir/s.schedule" ]; then
			replay="no schedule written"
		elif (cd "$dir" && "$dir/b-asan/bin/ktrq-sim" replay \
		    s.schedule >"$dir/replay" 2>&1); then
			replay="passes (not reproduced)"
		elif grep -q "Sanitizer" "$dir/replay"; then
			replay="fails again ($(sed -n \
			    's/^SUMMARY: \([A-Za-z]*Sanitizer: [^ ]*\).*/\1/p' \
			    "$dir/replay" | head -1))"
		else
			replay="fails again"
		fi
		echo "| $name | yes | $((end - start)) | ${execs:-?} |" \
		    "$verdict | $replay |" >>"$table"
		echo "zoo: $name: caught in $((end - start)) s" >&2
	else
		all=1
		echo "| $name | **no** | >$secs | - | - | - |" >>"$table"
		echo "zoo: $name: NOT caught in $secs s" >&2
	fi
done
cat "$table"
[ -z "$out" ] || cp "$table" "$out"
exit $all
