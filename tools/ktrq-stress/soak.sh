#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The long soak (issue 12): 10^7 events from 8 posting threads into a
# file, with pool resizes, short writes and write errors (a failing
# record count, a failing byte count on a torn-prone short-writing
# target), and back-pressure (posters wait for request objects, with
# resizes and a write error meanwhile), each run verified by ktrq-stress
# (exit 1 on any mismatch, a torn tail included, or a drop for want of
# an object that no timed-out wait explains).  Not part of `make test`: minutes, not seconds.
#   tools/ktrq-stress/soak.sh [BUILD_DIR] [EVENTS]
set -eu
build=${1:-build}
events=${2:-10000000}
stress=$build/bin/ktrq-stress
out=${TMPDIR:-/tmp}/ktrq-soak.$$.ktr
trap 'rm -f "$out"' EXIT
common="--threads 8 --events $events --procs 4 --seed 12"

run() {
	echo "soak: $*"
	"$stress" $common --out "$out" --json --quiet "$@"
}

run --pool 64 --sync-ratio 0.05 --resize-every 10000 --resize-min 1 \
    --resize-max 256
run --pool 64 --sync-ratio 0.05 --resize-every 10000 --resize-min 1 \
    --resize-max 256 --short-write 13 \
    --fail-after-records $((events / 10)) --fail-errno 28
run --pool 1000 --sync-ratio 0.1 --resize-every 50000 --resize-min 8 \
    --resize-max 1000 --short-write 7 --fail-after-bytes 300000001 \
    --fail-errno 27
run --pool 16 --sync-ratio 0.05 --resize-every 20000 --resize-min 1 \
    --resize-max 64 --backpressure 5000000000 \
    --fail-after-records $((events / 2)) --fail-errno 5
echo "soak: ok"
