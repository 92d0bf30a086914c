#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# quiet.sh [-v] LOG WHAT CMD...: run CMD with its output in LOG and print
# one line, "libktrq: WHAT ... ok (LOG)"; when CMD fails print LOG whole,
# so a CI log shows the error, and exit with CMD's status.  -v: show the
# output as it comes (and keep LOG too).
set -u
verbose=0
[ "${1:-}" = -v ] && { verbose=1; shift; }
log=$1 what=$2
shift 2
printf 'libktrq: %s ... ' "$what"
if [ $verbose = 1 ]; then
	echo
	{ "$@" 2>&1; echo $? > "$log.rc"; } | tee "$log"
	rc=$(cat "$log.rc"); rm -f "$log.rc"
else
	"$@" > "$log" 2>&1
	rc=$?
fi
if [ "$rc" -eq 0 ]; then
	echo "ok ($log)"
	exit 0
fi
echo "FAILED (exit $rc); $log follows"
[ $verbose = 1 ] || cat "$log"
echo "libktrq: $what FAILED; the full log is $log"
exit "$rc"
