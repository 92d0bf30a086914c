#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# explain.sh SIM WORK: `sweep --explain` explains every term its summary
# prints, and the commands it suggests under "Next:" run as printed.
set -eu
sim=$1 work=$2
fail() { echo "explain: $*" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work"
cd "$work"
"$sim" sweep --scenario mixed --seeds 1:20 --strategy pct --explain > out ||
    fail "sweep --explain failed"
for term in runs failures 'distinct interleavings' 'distinct traces' \
    'steps, decisions' shard strategy vehicle; do
	grep -q "^  $term" out || fail "no line explains '$term'"
done
sed -n '/^Next:/,$p' out | grep "^  $sim " | sed 's/^  //' > next
[ "$(wc -l < next)" -ge 3 ] || fail "fewer than 3 suggested commands"
while IFS= read -r cmd; do
	sh -c "$cmd" > /dev/null 2>&1 || fail "suggested command failed: $cmd"
done < next
[ -s t.json ] || fail "the suggested replay wrote no timeline"
echo "explain: ok ($(wc -l < next) commands)"
