#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The coverage summariser (tools/coverage-summary.awk) on fixed gcov
# output: fixture/a and fixture/b are two runs ("scenarios") of a small
# program (make_fixture.sh), fixture/c is hand-made with the markers
# that plain counts do not show.  The expected numbers were counted by
# hand from fixture/*.c:
#
#   a (prog 3):      calc.c lines 3/6, branches 2/6 (x > 0 and x < 10
#                    true only; lines 12-14 not run); inl.h 3/4, 1/2 (its
#                    x > 5 never true in either copy); other.c 5/5, 2/2
#   b (prog -4 12):  calc.c 5/6 (line 11 not run), branches 5/6 (x < 10
#                    never true); inl.h 4/4, 2/2 (other.c's copy alone
#                    reaches x > 5); other.c 5/5, 2/2
#   a and b:         everything, 15/15 lines and 10/10 branches: a
#                    union, which neither run reaches alone
#   c/markers.gcov:  "=====" and "#####" are lines not run, "3*" a line
#                    that ran, "-block" lines (gcov -a) are not source
#                    lines and do not restart a line's branches,
#                    "taken 0%" a branch not taken; /top/srcx/ is not
#                    /top/src/
#   c/excl.gcov:     lcov's markers: LCOV_EXCL_LINE drops line 1 and its
#                    branch, LCOV_EXCL_BR_LINE line 2's branches, _START
#                    and _STOP lines 4 and 5, _BR_START and _BR_STOP line
#                    9's branches: 3/4 lines (2, 7, 9, 11), 1/3 branches
#                    (7 never ran, 11 took one of two); a _START never
#                    stopped ends with its file (excl2.c counts)
#
# src/os/ and main.c are in every fixture and must never be counted.
#
#   check_summary.sh SUMMARY.AWK FIXTURE-DIR
set -u
awkf=$1
fx=$2
fail=0

summ() {	# summ REPORT FILES...
	r=$1
	shift
	awk -f "$awkf" -v report="$r" -v include=/top/src/ \
	    -v exclude=/top/src/os/ -v strip=/top/ "$@"
}

expect() {	# expect WHAT WANT GOT
	if [ "$2" != "$3" ]; then
		printf 'check_summary: %s:\n--- want\n%s\n--- got\n%s\n' \
		    "$1" "$2" "$3" >&2
		fail=1
	fi
}

tab=$(printf '\t')
t() {		# t FIELD...: one tab-separated line
	(IFS=$tab; printf '%s\n' "$*")
}

expect "a, files" "$(t src/calc.c 3 6 2 6; t src/inl.h 3 4 1 2;
    t src/other.c 5 5 2 2)" "$(summ files "$fx"/a/*.gcov)"
expect "a, total" "$(t 11 15 5 10)" "$(summ total "$fx"/a/*.gcov)"
expect "b, files" "$(t src/calc.c 5 6 5 6; t src/inl.h 4 4 2 2;
    t src/other.c 5 5 2 2)" "$(summ files "$fx"/b/*.gcov)"
expect "b, total" "$(t 14 15 9 10)" "$(summ total "$fx"/b/*.gcov)"
expect "a and b, files" "$(t src/calc.c 6 6 6 6; t src/inl.h 4 4 2 2;
    t src/other.c 5 5 2 2)" "$(summ files "$fx"/a/*.gcov "$fx"/b/*.gcov)"
expect "a and b, total" "$(t 15 15 10 10)" \
    "$(summ total "$fx"/b/*.gcov "$fx"/a/*.gcov)"
expect "c, files" "$(t src/excl.c 3 4 1 3; t src/excl2.c 0 1 0 0;
    t src/markers.c 1 3 1 4)" "$(summ files "$fx"/c/*.gcov)"
expect "c, excluded, uncovered" "$(cat <<EOF
== src/excl.c${tab}lines 3/4${tab}branches 1/3${tab}(3 lines excluded: LCOV_EXCL)
not run:
     7${tab}	c();
ran, but a branch never taken (not taken/branches):
    11${tab}1/2${tab}	if (e)
EOF
)" "$(summ uncovered "$fx"/c/excl.gcov | sed -n '1,/^$/p' | sed '$d')"
expect "nothing included, total" "$(t 0 0 0 0)" \
    "$(awk -f "$awkf" -v report=total -v include=/elsewhere/ \
    "$fx"/a/*.gcov)"

expect "a, uncovered" "$(cat <<EOF
== src/calc.c${tab}lines 3/6${tab}branches 2/6
not run:
    12${tab}	if (x < 0)
    13${tab}		return (-1);
    14${tab}	return (0);
ran, but a branch never taken (not taken/branches):
    10${tab}2/4${tab}	if (x > 0 && x < 10)

== src/inl.h${tab}lines 3/4${tab}branches 1/2
not run:
     8${tab}		return (x * 2);
ran, but a branch never taken (not taken/branches):
     7${tab}1/2${tab}	if (x > 5)

== src/other.c${tab}lines 5/5${tab}branches 2/2
EOF
)" "$(summ uncovered "$fx"/a/*.gcov)"

if awk -f "$awkf" -v report=bogus -v include=/top/src/ "$fx"/a/*.gcov \
    >/dev/null 2>&1; then
	echo "check_summary: an unknown report did not fail" >&2
	fail=1
fi

[ $fail = 0 ] && echo "check_summary: ok"
exit $fail
