#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The seeded-bug zoo: proves the simulator finds real races in the real
# core.  Each sim/zoo/NN-name.patch is applied to a fresh copy of the
# sources (never to the tree, never compiled into the library), ktrq-sim
# is built from the copy, and every strategy sweeps the mutant's scenario
# until the oracle reports a failure.
#
# usage: sim/zoo/run-zoo.sh [-t TRIALS] [-n MAXSEEDS] [-j JOBS] [-o FILE.md]
#                           [PATCH...]
#
# For each mutant and strategy it runs TRIALS independent trials (seed
# ranges 1..MAXSEEDS, 1000001.., 2000001.., ...), each searching prefixes
# of 100, 1000, ... MAXSEEDS seeds for the first failing seed, and prints
# whether the mutant was caught and the median number of runs to the
# first failure (">MAX" when a trial found none).  A patch with a line
# "Options: ..." sweeps its scenario with those ktrq-sim options (say,
# a larger share of synchronous posts, where only those reach the bug).  A patch with a line
# "Workload: N" must also be caught, within N runs of each strategy, by
# examples/ktrq-workload -- a user's workload on the public harness,
# built from the same patched copy.  Exit 0 when every
# mutant was caught by at least one strategy, 1 otherwise, 2 when a patch
# does not apply or a mutant does not build (named on stderr): a stale
# patch must not pass for a mutant the oracle missed, nor for one it
# caught.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
trials=5
maxseeds=10000
jobs=2
out=""
while getopts t:n:j:o: opt; do
	case $opt in
	t) trials=$OPTARG ;;
	n) maxseeds=$OPTARG ;;
	j) jobs=$OPTARG ;;
	o) out=$OPTARG ;;
	*) echo "usage: $0 [-t TRIALS] [-n MAXSEEDS] [-j JOBS] [-o FILE.md] [PATCH...]" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- "$top"/sim/zoo/*.patch

# Every patch must apply before any is run, so that CI fails at once.
for patch in "$@"; do
	if [ ! -r "$patch" ]; then
		echo "run-zoo: $patch: cannot read the patch" >&2
		exit 2
	fi
	if ! patch -p1 -s -f --dry-run -d "$top" < "$patch" >/dev/null 2>&1
	then
		echo "run-zoo: $patch does not apply to $top (re-create it" \
		    "against the current sources)" >&2
		exit 2
	fi
	if [ -z "$(sed -n 's/^Scenario: //p' "$patch")" ]; then
		echo "run-zoo: $patch has no Scenario: line" >&2
		exit 2
	fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/ktrq-zoo.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# Build ktrq-sim from a patched copy of the sources; prints its path.
build_mutant() {
	patch=$1 dir=$2
	mkdir -p "$dir"
	(cd "$top" && tar cf - CMakeLists.txt cmake include src sim tools \
	    examples) |
	    (cd "$dir" && tar xf -)
	(cd "$dir" && patch -p1 -s -f < "$patch") >&2 || return 1
	# Only the library and the tools: tests/, fuzz/ etc. are not copied.
	cmake -S "$dir" -B "$dir/b" -DCMAKE_BUILD_TYPE=Release \
	    -DKTRQ_BUILD_TESTS=OFF -DKTRQ_BUILD_FUZZ=OFF \
	    -DKTRQ_BUILD_BENCH=OFF -DKTRQ_BUILD_EXAMPLES=ON \
	    -DKTRQ_INSTALL=OFF -DKTRQ_VALGRIND=OFF >"$dir/build.log" 2>&1 &&
	    cmake --build "$dir/b" -j "$jobs" --target ktrq-sim \
	    example_ktrq_workload >>"$dir/build.log" 2>&1 ||
	    { cat "$dir/build.log" >&2; return 1; }
	echo "$dir/b/bin/ktrq-sim"
}

# First failing seed in [start, start+n-1], or nothing.
first_failure() {
	sim=$1 scenario=$2 strategy=$3 start=$4 n=$5
	# $options is split into words on purpose.
	# shellcheck disable=SC2086
	(cd "$work/run" && "$sim" sweep --scenario "$scenario" $options \
	    --strategy "$strategy" --seeds "$start:$((start + n - 1))" \
	    --jobs "$jobs" --json 2>/dev/null || true) |
	    sed -n 's/.*"failed":\[{"seed":\([0-9]*\).*/\1/p'
}

# Runs to the first failure in one trial, or 0 when none.
trial() {
	sim=$1 scenario=$2 strategy=$3 start=$4
	n=100
	while :; do
		[ "$n" -gt "$maxseeds" ] && n=$maxseeds
		seed=$(first_failure "$sim" "$scenario" "$strategy" "$start" "$n")
		if [ -n "$seed" ]; then
			echo $((seed - start + 1))
			return
		fi
		[ "$n" -ge "$maxseeds" ] && break
		n=$((n * 10))
	done
	echo 0
}

median() {
	tr ' ' '\n' | sed '/^$/d' | sort -n | awk '
	    { v[NR] = $1 }
	    END { if (NR == 0) print "-"; else print v[int((NR + 1) / 2)] }'
}

mkdir -p "$work/run"
table="| mutant | scenario | strategy | caught | median runs to first failure |
| --- | --- | --- | --- | --- |"
status=0
for patch in "$@"; do
	name=$(basename "$patch" .patch)
	scenario=$(sed -n 's/^Scenario: //p' "$patch")
	options=$(sed -n 's/^Options: //p' "$patch")
	if ! sim=$(build_mutant "$patch" "$work/$name"); then
		echo "run-zoo: $patch: the mutant does not apply or build" >&2
		exit 2
	fi
	any=0
	for strategy in random pct none; do
		caught=0 runs=""
		t=0
		while [ "$t" -lt "$trials" ]; do
			r=$(trial "$sim" "$scenario" "$strategy" $((t * 1000000 + 1)))
			if [ "$r" -gt 0 ]; then
				caught=$((caught + 1))
				runs="$runs $r"
			else
				runs="$runs 999999999"
			fi
			t=$((t + 1))
			rm -f "$work"/run/*.sched
		done
		med=$(echo "$runs" | median)
		[ "$med" = 999999999 ] && med=">$maxseeds"
		[ "$caught" -gt 0 ] && any=1
		line="| $name | $scenario${options:+ $options} | $strategy | $caught/$trials | $med |"
		echo "$line"
		table="$table
$line"
	done
	[ "$any" = 1 ] || status=1
	wl=$(sed -n 's/^Workload: //p' "$patch")
	if [ -n "$wl" ]; then
		for strategy in random pct; do
			res=$("$(dirname "$sim")/example_ktrq_workload" "$wl" \
			    "$strategy" 2>/dev/null || true)
			line="| $name | user workload (examples/ktrq-workload) | $strategy | $res |  |"
			echo "$line"
			table="$table
$line"
			case $res in
			"held after"*|"") status=1 ;;
			esac
		done
	fi
	rm -rf "${work:?}/$name"
done
if [ -n "$out" ]; then
	printf '%s\n' "$table" > "$out"
fi
exit $status
