#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The engine (the sources of target ktrq_sim) is generic: it includes
# only ktrq/os.h, ktrq/sim.h, its own private headers and the C library
# and pthreads -- never libktrq (ktrq/ktrq.h, src/) nor the harness.
set -u
src=$1
shift
bad=0
for f in "$@"; do
	grep -h '^#[[:space:]]*include' "$src/$f" | while read -r _ h; do
		case $h in
		'"ktrq/os.h"'|'<ktrq/os.h>'|'"ktrq/sim.h"'|'<ktrq/sim.h>'|\
		'"sim.h"'|'"sim_impl.h"')
			;;
		'"'*)
			echo "$f: includes $h"; exit 1 ;;
		'<ktrq/'*)
			echo "$f: includes $h"; exit 1 ;;
		esac
	done || bad=1
done
exit $bad
