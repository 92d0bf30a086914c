#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Bounded fuzzing, for CI and for a quick local check (docs/fuzzing.md):
# build the three libFuzzer targets (clang, -DKTRQ_FUZZ=ON, in build-fuzz/)
# and fuzz each for SECONDS (default 60, or $KTRQ_FUZZ_SECONDS) from a
# scratch copy of its seed corpus, with its dictionary.  Any crash, oracle
# failure, leak, timeout or memory blow-up fails the run, after printing
# the input (and, for fuzz_order, what crash-to-schedule makes of it).
#
#	fuzz/ci-fuzz.sh [SECONDS]
#
# Skips (exit 0, with a message) when clang or its libFuzzer runtime is
# missing (Debian: apt-get install clang libclang-rt-14-dev).  When AFL++'s
# afl-clang-fast is installed the targets are also built with it through
# fuzz/build.sh (built, not run), so that build cannot rot unseen.
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-${KTRQ_FUZZ_SECONDS:-60}}
build=${KTRQ_FUZZ_BUILD:-build-fuzz}
targets="fuzz_order fuzz_reader fuzz_control"

cc=${KTRQ_FUZZ_CC:-clang}
# Under CI, as root, bring clang and its fuzzer runtime when missing.
if [ "${CI:-}" = true ] && [ "$(id -u)" = 0 ] &&
    ! dpkg -s clang libclang-rt-14-dev >/dev/null 2>&1; then
	echo "ci-fuzz: installing clang libclang-rt-14-dev"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang \
	    libclang-rt-14-dev >/dev/null || true
fi
if ! command -v "$cc" >/dev/null 2>&1; then
	echo "ci-fuzz: SKIPPED: $cc not found (apt-get install clang)"
	exit 0
fi
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' \
    >"$probe/p.c"
if ! "$cc" -fsanitize=fuzzer "$probe/p.c" -o "$probe/p" >/dev/null 2>&1; then
	echo "ci-fuzz: SKIPPED: $cc cannot link -fsanitize=fuzzer (the libFuzzer" \
	    "runtime is missing: apt-get install libclang-rt-14-dev)"
	exit 0
fi

mkdir -p "$build"
blog=$build/ci-build.log
: >"$blog"
failed_build() {
	echo "ci-fuzz: FAILED: $1; the end of $blog:"
	tail -40 "$blog"
	exit 1
}

echo "ci-fuzz: building the libFuzzer targets in $build"
cmake -S . -B "$build" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKTRQ_FUZZ=ON -DKTRQ_VALGRIND=OFF \
    -DKTRQ_BUILD_TESTS=OFF -DKTRQ_BUILD_BENCH=OFF -DKTRQ_BUILD_EXAMPLES=OFF >>"$blog" 2>&1 || failed_build "cmake configure"
cmake --build "$build" -j 2 --target $targets crash-to-schedule \
    >>"$blog" 2>&1 || failed_build "the libFuzzer build"

if command -v afl-clang-fast >/dev/null 2>&1; then
	echo "ci-fuzz: building the targets with afl-clang-fast (fuzz/build.sh)"
	AFL_QUIET=1 CC=afl-clang-fast CXX= CFLAGS="-O1 -g" \
	    LIB_FUZZING_ENGINE=/usr/lib/afl/libAFLDriver.a \
	    OUT="$build/afl" KTRQ_FUZZ_WERROR=1 fuzz/build.sh \
	    >>"$blog" 2>&1 || failed_build "the AFL++ build (fuzz/build.sh)"
else
	echo "ci-fuzz: afl-clang-fast not installed: AFL++ build not checked"
fi

status=0
for t in $targets; do
	work=$build/ci/$t
	rm -rf "$work"
	mkdir -p "$work/corpus" "$work/artifacts"
	cp fuzz/corpus/$t/* "$work/corpus/"
	echo "ci-fuzz: $t for $secs s"
	set +e
	"$build/bin/$t" -max_total_time="$secs" -timeout=25 \
	    -rss_limit_mb=2048 -malloc_limit_mb=2048 -print_final_stats=1 \
	    -dict="fuzz/$t.dict" -artifact_prefix="$work/artifacts/" \
	    "$work/corpus" >"$work/log" 2>&1
	rc=$?
	set -e
	grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' \
	    "$work/log" | sed "s/^/ci-fuzz: $t: /" || true
	if [ $rc -ne 0 ]; then
		status=1
		echo "ci-fuzz: $t FAILED (exit $rc); the end of its log:"
		grep -vE '^#[0-9]+' "$work/log" | tail -60
		for a in "$work"/artifacts/*; do
			[ -f "$a" ] || continue
			echo "ci-fuzz: reproducer: $a" \
			    "(replay: $build/bin/$t $a)"
			if [ "$t" = fuzz_order ]; then
				"$build/bin/crash-to-schedule" \
				    -o "$a.schedule" "$a" | head -80 || true
			fi
		done
	fi
done
if [ $status -ne 0 ]; then
	echo "ci-fuzz: FAILED"
	exit 1
fi
echo "ci-fuzz: no crash in $secs s per target"
