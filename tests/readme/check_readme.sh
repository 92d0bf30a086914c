#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# check_readme.sh SRC BUILD WORK: the README says what is true.
#   - its ```c block is examples/quickstart/main.c, byte for byte (which
#     tests/install builds against the installed package);
#   - every line of its ```sh blocks runs, verbatim, from a directory
#     where build/ is BUILD; `make` and `cmake --preset` lines, which
#     rebuild the tree and are what CI itself runs, are checked instead:
#     the make target exists (make -n), the preset exists.
set -eu
src=$1 build=$2 work=$3
readme=$src/README.md
fail() { echo "readme: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"
ln -s "$build" "$work/build"
ln -s "$src/examples" "$work/examples"

awk '/^```c$/ { on = 1; next } /^```/ { on = 0 } on' "$readme" > "$work/snippet.c"
cmp -s "$work/snippet.c" "$src/examples/quickstart/main.c" ||
    fail "the C example differs from examples/quickstart/main.c"

awk '/^```sh$/ { on = 1; next } /^```/ { on = 0 } on && NF' "$readme" \
    > "$work/commands"
[ -s "$work/commands" ] || fail "no sh commands found"
n=0
while IFS= read -r line; do
	n=$((n + 1))
	cmd=${line%%  #*}
	case $cmd in
	make\ *)
		set -- $cmd
		shift
		make -n -C "$src" "$@" > /dev/null 2>&1 ||
		    fail "line $n: not a make target: $cmd"
		;;
	cmake\ --preset\ *)
		preset=$(echo "$cmd" | sed 's/^cmake --preset \([^ ]*\).*/\1/')
		(cd "$src" && cmake --list-presets) | grep -q "\"$preset\"" ||
		    fail "line $n: no configure preset '$preset'"
		;;
	*)
		(cd "$work" && sh -ec "$cmd") > "$work/out.$n" 2>&1 ||
		    { cat "$work/out.$n" >&2; fail "line $n failed: $cmd"; }
		;;
	esac
done < "$work/commands"
echo "readme: ok ($n commands)"
