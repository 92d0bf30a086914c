#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# harness_includes.sh TOP: the harness (sim/harness) and the built-in
# scenarios (sim/scenarios/*.[ch] but run.[ch]) are written on the public
# headers alone -- ktrq/ktrq.h, ktrq/sim.h, ktrq/harness.h and what they
# include -- plus their own private header and the C library: nothing of
# the engine's insides (sim.h, sim_impl.h), nothing of the core (src/).
# The runner (sim/scenarios/run.[ch]) is the one place that may use the
# engine's internal interface, and is not checked here.
set -u
top=$1
bad=0
n=0
for f in "$top"/sim/harness/*.[ch] "$top"/sim/scenarios/*.[ch]; do
	case $f in */scenarios/run.[ch]) continue ;; esac
	n=$((n + 1))
	grep -h '^#[[:space:]]*include' "$f" | while read -r _ h; do
		case $h in
		'"ktrq/ktrq.h"'|'"ktrq/sim.h"'|'"ktrq/harness.h"'|\
		'"ktrq/record.h"'|'"ktrq/os.h"'|'"harness_impl.h"'|\
		'"scenario.h"'|'"actors.h"'|'"layer.h"')
			;;
		'<ktrq/'*|'"'*)
			echo "${f#"$top"/}: includes $h"; exit 1 ;;
		esac
	done || bad=1
done
[ "$n" -ge 8 ] || { echo "harness_includes: only $n files found"; exit 1; }
[ "$bad" = 0 ] && echo "harness_includes: $n files, public headers only"
exit $bad
