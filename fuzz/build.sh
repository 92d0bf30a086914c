#!/bin/bash -eu
# SPDX-License-Identifier: BSD-2-Clause
# Build the fuzz targets the OSS-Fuzz way (docs/fuzzing.md):
#
#	$CC $CFLAGS               compile (instrumentation included)
#	$CXX $CXXFLAGS            link, when set (OSS-Fuzz sets them); else $CC
#	$LIB_FUZZING_ENGINE       the engine: -fsanitize=fuzzer, libAFLDriver.a...
#	$OUT                      where the binaries, dictionaries, options and
#	                          seed corpora (<target>_seed_corpus.zip) go
#	$WORK                     scratch (objects)
#
# Run from anywhere: the tree is the one this script sits in (or $SRC/libktrq
# / the current directory when the script was copied out, as OSS-Fuzz does).
# Without the variables it makes libFuzzer + ASan + UBSan binaries with clang
# in build-fuzz/oss/.  The library sources are the ones the CMake targets
# list (ktrq_core, ktrq_os_pthread, ktrq_sim_obj, ktrq_harness, ktrq_dump), compiled directly:
# no CMake needed, and no command-line main (ktrq-sim, ktrq-dump) or kernel
# backend is picked up by accident.
#
#   fuzz/build.sh                                   # libFuzzer, local
#   CC=afl-clang-fast CFLAGS=-O1 \
#     LIB_FUZZING_ENGINE=/usr/lib/afl/libAFLDriver.a \
#     OUT=build-fuzz/afl fuzz/build.sh              # AFL++
#
# KTRQ_FUZZ_WERROR=1 adds -Werror (CI checks the targets build clean).

here=$(cd "$(dirname "$0")" && pwd)
if [ -f "$here/../include/ktrq/ktrq.h" ]; then
	root=$(cd "$here/.." && pwd)
elif [ -n "${SRC:-}" ] && [ -f "$SRC/libktrq/include/ktrq/ktrq.h" ]; then
	root=$SRC/libktrq
else
	root=$PWD
fi
[ -f "$root/include/ktrq/ktrq.h" ] || {
	echo "build.sh: cannot find the libktrq tree" >&2; exit 2; }

CC=${CC:-clang}
CFLAGS=${CFLAGS:--O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all -fsanitize=fuzzer-no-link}
LIB_FUZZING_ENGINE=${LIB_FUZZING_ENGINE:--fsanitize=fuzzer}
OUT=${OUT:-$root/build-fuzz/oss}
WORK=${WORK:-$OUT/work}
mkdir -p "$OUT" "$WORK"
OUT=$(cd "$OUT" && pwd)		# absolute: the zip step changes directory
WORK=$(cd "$WORK" && pwd)
AR=${AR:-ar}
if [ -n "${CXX:-}" ]; then
	LINK=$CXX
	LINKFLAGS=${CXXFLAGS:-$CFLAGS}
else
	LINK=$CC
	LINKFLAGS=$CFLAGS
fi
# A sanitizer in CFLAGS must be in the link too ($CFLAGS is passed to both).

warn="-Wall -Wextra -Wpedantic"
[ "${KTRQ_FUZZ_WERROR:-0}" = 1 ] && warn="$warn -Werror"
std="-std=c11 -D_POSIX_C_SOURCE=200809L -DKTRQ_REQUEST_POOL=100"
# <ktrq/version.h>, generated as CMake does (cmake/gen-version.sh).
sh "$root/cmake/gen-version.sh" "$root" "$WORK/include/ktrq/version.h"
inc="-I$root/include -I$WORK/include -I$root/src -I$root/sim -I$root/tools/ktrq-dump -I$root/fuzz"

# The .c files of `add_library(NAME ...)` in a CMakeLists.txt.
lib_sources() {		# DIR NAME
	awk -v name="$2" -v dir="$1" '
		$0 ~ "add_library\\(" name "[ \t]" { on = 1 }
		on { for (i = 1; i <= NF; i++) if ($i ~ /^[A-Za-z0-9_\/.-]+\.c$/)
			print dir "/" $i }
		on && /\)/ { on = 0 }' "$root/$1/CMakeLists.txt"
}

srcs=""
for spec in src:ktrq_core src/os:ktrq_os_pthread sim:ktrq_sim_obj \
    sim:ktrq_harness tools/ktrq-dump:ktrq_dump; do
	s=$(lib_sources "${spec%%:*}" "${spec##*:}")
	if [ -z "$s" ]; then
		echo "build.sh: no sources for ${spec##*:} in ${spec%%:*}/CMakeLists.txt" >&2
		exit 2
	fi
	srcs="$srcs $s"
done

mkdir -p "$OUT" "$WORK/obj"
objs=""
for s in $srcs; do
	o=$WORK/obj/$(echo "$s" | tr '/' '_' | sed 's/\.c$/.o/')
	# shellcheck disable=SC2086
	$CC $CFLAGS $std $warn $inc -c "$root/$s" -o "$o"
	objs="$objs $o"
done
rm -f "$WORK/libktrq_fuzz.a"
# shellcheck disable=SC2086
$AR rcs "$WORK/libktrq_fuzz.a" $objs

build_target() {	# NAME SOURCES...
	name=$1; shift
	tobjs=""
	for s in "$@"; do
		o=$WORK/obj/fuzz_${name}_$(basename "$s" .c).o
		# shellcheck disable=SC2086
		$CC $CFLAGS $std $warn $inc -c "$root/fuzz/$s" -o "$o"
		tobjs="$tobjs $o"
	done
	# shellcheck disable=SC2086
	$LINK $LINKFLAGS $tobjs "$WORK/libktrq_fuzz.a" $LIB_FUZZING_ENGINE \
	    -lpthread -o "$OUT/$name"
	cp "$root/fuzz/$name.dict" "$OUT/$name.dict"
	[ -f "$root/fuzz/$name.options" ] && \
	    cp "$root/fuzz/$name.options" "$OUT/$name.options"
	if command -v zip >/dev/null 2>&1; then
		rm -f "$OUT/${name}_seed_corpus.zip"
		(cd "$root/fuzz/corpus/$name" && zip -q -j \
		    "$OUT/${name}_seed_corpus.zip" ./*)
	else
		echo "build.sh: zip not found; no ${name}_seed_corpus.zip" >&2
	fi
	echo "build.sh: $OUT/$name"
}

build_target fuzz_order fuzz_order.c order_input.c fuzz_util.c
build_target fuzz_reader fuzz_reader.c
build_target fuzz_control fuzz_control.c fuzz_util.c
