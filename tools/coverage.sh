#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make coverage: which lines and branches of the core (src/, not the host
# backends in src/os/) the simulator's sweep reaches, per scenario and for
# the whole sweep.  docs/sim.md, "Coverage".
#
# usage: tools/coverage.sh [-n SEEDS] [-j JOBS] [-m LINES:BRANCHES]
#                          [SCENARIO...]
#
#   -n SEEDS   seeds 1:SEEDS per scenario and strategy (default 20000)
#   -j JOBS    sweeps run at once (default 2)
#   -m L:B     fail (exit 3) when the whole sweep covers less than L % of
#              the lines or B % of the branches (e.g. -m 95:90)
#   SCENARIO   only these (default: every scenario `ktrq-sim list` names)
#
# It builds ktrq-sim in build-coverage/ (the `coverage` CMake preset: gcc
# --coverage on the core's objects alone, -O0), then for each scenario
# clears the counters, sweeps it with the random and the pct strategy
# (each as JOBS shards, one process each: a sweep's forked workers leave
# with _exit, which writes no coverage data) and runs gcov on every core
# object, one object per call (coverage-summary.awk says why).  The whole
# sweep is the union of the scenarios.  It prints a table and writes:
#
#   build-coverage/coverage.md       the table (scenarios, then files)
#   build-coverage/uncovered.txt     per file, the lines no scenario runs
#                                    and the branches none takes
#   build-coverage/coverage/S/uncovered.txt    the same for scenario S
#   build-coverage/coverage/S/*.log            its sweeps' output
#
# Percentages are rounded down (94.97 shows as 94.9).  Exit 0; 1 when a
# sweep found a failing seed (the coverage is still reported: its
# replay command is in the sweep's log); 2 on a usage or build error; 3
# when -m's floor is not met.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd -P)
seeds=20000
jobs=2
floor=""
while getopts n:j:m: opt; do
	case $opt in
	n) seeds=$OPTARG ;;
	j) jobs=$OPTARG ;;
	m) floor=$OPTARG ;;
	*) echo "usage: $0 [-n SEEDS] [-j JOBS] [-m LINES:BRANCHES]" \
	       "[SCENARIO...]" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
case "$seeds$jobs" in
*[!0-9]*) echo "coverage: -n and -j take numbers" >&2; exit 2 ;;
esac
case "$floor" in
''|[0-9]*:[0-9]*) ;;
*) floor=bad ;;
esac
case "$floor" in
*[!0-9:]*|*:*:*)	# two whole numbers around one colon, or nothing
	echo "coverage: -m takes LINES:BRANCHES, e.g. 95:90" >&2; exit 2 ;;
esac
if [ "$seeds" -eq 0 ] || [ "$jobs" -eq 0 ]; then
	echo "coverage: -n and -j must be above 0" >&2
	exit 2
fi

build=$top/build-coverage
quiet() { sh "$top/tools/quiet.sh" "$@"; }

cd "$top"
mkdir -p "$build"
quiet "$build/configure.log" "configure (coverage preset) in build-coverage/" \
    cmake --preset coverage || exit 2
quiet "$build/build.log" "build ktrq-sim with gcc --coverage on src/" \
    cmake --build --preset coverage -j "$jobs" || exit 2

sim=$build/bin/ktrq-sim
obj=$build/src/CMakeFiles/ktrq_core.dir
# The sources as the compiler saw them: gcov's Source: lines.
srcdir=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' \
    "$build/CMakeCache.txt")/src/
# shellcheck disable=SC2046	# one scenario name a word
[ $# -gt 0 ] || set -- $("$sim" list | awk '{ print $1 }')
ls "$obj"/*.gcno >/dev/null 2>&1 ||
    { echo "coverage: no .gcno files in $obj" >&2; exit 2; }

summ() {	# summ REPORT GCOV-FILE...
	r=$1
	shift
	awk -f "$top/tools/coverage-summary.awk" -v report="$r" \
	    -v include="$srcdir" -v exclude="${srcdir}os/" \
	    -v strip="${srcdir%src/}" "$@"
}

# row NAME LH LT BH BT [EXTRA]: a table row, percentages rounded down.
row() {
	awk -v n="$1" -v lh="$2" -v lt="$3" -v bh="$4" -v bt="$5" \
	    -v x="${6:-}" 'function p(h, t) {
		if (t == 0)
			return "-"
		return sprintf("%.1f %% (%d/%d)", int(1000 * h / t) / 10, h, t)
	    }
	    BEGIN { printf("| %s |%s %s | %s |\n", n, x, p(lh, lt), p(bh, bt)) }'
}

# legend WHO: the head of an uncovered.txt.
legend() {
	echo "# What the sweep of $1 (ktrq-sim sweep, seeds 1:$seeds,"
	echo "# random and pct) leaves uncovered in src/ (not src/os/).  Per"
	echo "# file: the lines that never ran (line number, text), then the"
	echo "# lines that ran but left a branch never taken (line, not"
	echo "# taken/branches, text)."
	echo "# tools/coverage.sh; docs/sim.md, \"Coverage\"."
	echo
}

out=$build/coverage
rm -rf "$out"
mkdir -p "$out"
status=0
for scn in "$@"; do
	d=$out/$scn
	mkdir -p "$d/gcov"
	find "$obj" -name '*.gcda' -exec rm -f {} +
	printf 'libktrq: coverage: %s, seeds 1:%s, random and pct ... ' \
	    "$scn" "$seeds"
	fails=0
	for strategy in random pct; do
		i=0 pids=""
		while [ "$i" -lt "$jobs" ]; do
			(cd "$d" && exec "$sim" sweep --scenario "$scn" \
			    --strategy "$strategy" --seeds "1:$seeds" \
			    --shard "$i/$jobs" --jobs 1 --max-schedules 0) \
			    > "$d/sweep-$strategy-$i.log" 2>&1 &
			pids="$pids $!"
			i=$((i + 1))
		done
		# Every shard ends before any is judged: none is left behind.
		rcs=""
		for pid in $pids; do
			rc=0
			wait "$pid" || rc=$?
			rcs="$rcs $rc"
		done
		i=0
		for rc in $rcs; do
			log=$d/sweep-$strategy-$i.log
			i=$((i + 1))
			[ "$rc" = 0 ] && continue
			n=$(sed -n 's/^failures: *\([0-9]*\).*/\1/p' "$log")
			if [ "$rc" = 1 ] && [ -n "$n" ]; then
				fails=$((fails + n))
				continue
			fi
			# A crash writes no counters: the figures would lie.
			echo "FAILED (exit $rc); $log follows"
			cat "$log"
			exit 2
		done
	done
	for g in "$obj"/*.gcno; do
		(cd "$d/gcov" && gcov -b -c -l -p -o "$obj" "$g") \
		    >> "$d/gcov.log" 2>&1 || { cat "$d/gcov.log"; exit 2; }
	done
	{
		legend "scenario $scn"
		summ uncovered "$d"/gcov/*.gcov
	} > "$d/uncovered.txt"
	echo "$scn $(summ total "$d"/gcov/*.gcov) $fails" >> "$out/totals"
	if [ "$fails" -gt 0 ]; then
		echo "$fails failing seeds (see $d/sweep-*.log)"
		status=1
	else
		echo ok
	fi
done

total=$(summ total "$out"/*/gcov/*.gcov)
# shellcheck disable=SC2086	# four numbers
set -- $total
if [ "$2" = 0 ]; then
	echo "coverage: gcov reported no line of $srcdir" >&2
	exit 2
fi
{
	echo "Coverage of src/ (not src/os/) by \`ktrq-sim sweep\`, seeds" \
	    "1:$seeds per scenario, strategies random and pct:"
	echo
	echo "| scenario | failing seeds | lines | branches |"
	echo "| --- | --- | --- | --- |"
	while read -r scn lh lt bh bt fails; do
		row "$scn" "$lh" "$lt" "$bh" "$bt" " $fails |"
	done < "$out/totals"
	row "**all scenarios**" "$1" "$2" "$3" "$4" \
	    " $(awk '{ n += $6 } END { print n }' "$out/totals") |"
	echo
	echo "| file (all scenarios) | lines | branches |"
	echo "| --- | --- | --- |"
	summ files "$out"/*/gcov/*.gcov | while read -r f lh lt bh bt; do
		row "$f" "$lh" "$lt" "$bh" "$bt"
	done
} > "$build/coverage.md"
{
	legend "all scenarios"
	summ uncovered "$out"/*/gcov/*.gcov
} > "$build/uncovered.txt"
echo
cat "$build/coverage.md"
echo
echo "Not covered by any scenario: build-coverage/uncovered.txt;" \
    "by one scenario S: build-coverage/coverage/S/uncovered.txt"

if [ -n "$floor" ]; then
	if ! awk -v lh="$1" -v lt="$2" -v bh="$3" -v bt="$4" \
	    -v fl="${floor%:*}" -v fb="${floor#*:}" \
	    'BEGIN { exit !(100 * lh >= fl * lt && 100 * bh >= fb * bt) }'
	then
		echo "coverage: below the floor of $floor % (lines:branches)" >&2
		[ "$status" = 0 ] && status=3
	fi
fi
exit $status
