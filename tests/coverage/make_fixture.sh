#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Regenerate fixture/a and fixture/b, the gcov output that
# check_summary.sh feeds to tools/coverage-summary.awk.  Run by hand after
# changing fixture/*.c (not by ctest: the fixture is real gcc 12 output,
# kept so that the test needs no compiler run and its numbers are fixed).
#
#   tests/coverage/make_fixture.sh
#
# The program is built the way tools/coverage.sh builds the core (gcc
# --coverage, -O0) and run twice, as two "scenarios": a is `prog 3`, b is
# `prog -4 12`; gcov runs once per object, as in tools/coverage.sh.  The
# paths in the output are rewritten to /top/, so the test's include and
# exclude prefixes are /top/src/ and /top/src/os/.  src/inl.h has an
# inline function compiled into two objects; src/os/ and main.c lie
# outside what is counted.
set -eu
here=$(cd "$(dirname "$0")" && pwd -P)
fx=$here/fixture
work=$(mktemp -d "${TMPDIR:-/tmp}/ktrq-covfx.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

cp -R "$fx/src" "$fx/main.c" "$work/"
cd "$work"
for f in src/calc.c src/other.c src/os/host.c main.c; do
	gcc -O0 --coverage -c "$work/$f" -o "$(echo "$f" | tr / _).o"
done
gcc --coverage -o prog ./*.o

scenario() {	# scenario NAME ARGS...: run, then gcov each object
	name=$1
	shift
	rm -f ./*.gcda
	./prog "$@" || true
	rm -rf "${fx:?}/$name" && mkdir -p "$work/out/$name" "$fx/$name"
	for g in "$work"/*.gcno; do
		(cd "$work/out/$name" && gcov -b -c -l -p -o "$work" "$g" \
		    >/dev/null)
	done
	for g in "$work/out/$name"/*.gcov; do
		# #tmp#...#src_calc.c.gcno###tmp#...#src#inl.h.gcov ->
		# src_calc.c--src_inl.h.gcov
		b=$(basename "$g" | sed "s|$(echo "$work" | tr / '#')#||g;
		    s|\.gcno##|--|; s|#|_|g")
		sed "s|$work/|/top/|g" "$g" > "$fx/$name/$b"
	done
}
scenario a 3
scenario b -4 12
echo "make_fixture: wrote $fx/a and $fx/b"
