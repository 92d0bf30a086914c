#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# check.sh PROGRAM KIND [ARG...]: PROGRAM [ARG...] finds a failure of
# KIND, prints a KTRQ_SIM_REPLAY line, and run again with it, on the
# pthread vehicle (KTRQ_SIM_VEHICLE), reproduces the same failure (the
# same "ktrq_sim_check ..." line: kind, seed, step
# and message).  PROGRAM may be a runner such as valgrind with the
# example among the ARGs: exit status 99, the runner's --error-exitcode,
# is its own report and fails the check.
set -u
prog=$1 kind=$2
shift 2
out=$(mktemp) out2=$(mktemp)
trap 'rm -f "$out" "$out2"' EXIT
# runner_report RC FILE: fail on the runner's exit status.
runner_report() {
	[ "$1" -ne 99 ] && return 0
	echo "FAIL: $prog reported errors (exit 99)"; cat "$2"; exit 1
}
unset KTRQ_SIM_REPLAY KTRQ_SIM_VEHICLE
if "$prog" "$@" >/dev/null 2>"$out"; then
	echo "FAIL: $prog found nothing"; cat "$out"; exit 1
else
	runner_report $? "$out"
fi
grep -q "^ktrq_sim_check.*: $kind in run" "$out" || {
	echo "FAIL: no $kind failure"; cat "$out"; exit 1; }
line=$(grep "^KTRQ_SIM_REPLAY=" "$out") || {
	echo "FAIL: no replay line"; cat "$out"; exit 1; }
# The line is shell syntax: evaluate it as a user pasting it would; and
# it replays on the other vehicle too (the decisions do not depend on how
# simulated threads are carried).
eval "export $line"
export KTRQ_SIM_VEHICLE=pthread
if "$prog" "$@" >/dev/null 2>"$out2"; then
	echo "FAIL: the replay held"; cat "$out2"; exit 1
else
	runner_report $? "$out2"
fi
a=$(grep '^ktrq_sim_check' "$out" | sed 's/ in run [0-9]*//')
b=$(grep '^ktrq_sim_check' "$out2" | sed 's/ in run [0-9]*//')
if [ "$a" != "$b" ]; then
	echo "FAIL: replay differs"; echo "$a"; echo "$b"; exit 1
fi
cmp -s "$out" "$out2" || grep -q "$(grep '^KTRQ_SIM_REPLAY=' "$out2" | cut -c1-40)" "$out" || {
	echo "FAIL: replay schedule differs"; exit 1; }
echo "ok: $kind found and replayed"
cat "$out"
