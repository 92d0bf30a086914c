#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# check_symbols.sh NM LIB.so PREFIX HEADER...: the dynamic symbol table
# of LIB.so is exactly the functions that HEADER... declare with PREFIX:
# nothing internal (ktrq__*, static helpers) leaks, and nothing declared
# is missing.  A declaration is a line of the form `type<ws>name(`.
set -eu
nm=$1 lib=$2 prefix=$3
shift 3
tmp=${TMPDIR:-/tmp}/ktrq-syms.$$
trap 'rm -f "$tmp".*' EXIT
grep -hoE "^(const |struct |unsigned |enum )?[a-z_0-9]+[ 	*]+\**${prefix}[a-z][a-z0-9_]*\(" \
    "$@" | grep -oE "${prefix}[a-z0-9_]+" | sort -u > "$tmp.decl"
"$nm" -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVWiu]$/ { print $3 }' |
    sed 's/@.*//' | sort -u > "$tmp.exp"
[ -s "$tmp.exp" ] || { echo "symbols: $lib exports nothing" >&2; exit 1; }
if ! diff -u "$tmp.decl" "$tmp.exp" > "$tmp.diff"; then
	echo "symbols: $lib (+ exported, not declared; - declared, not exported):" >&2
	sed -n '3,$p' "$tmp.diff" | grep '^[-+]' >&2
	exit 1
fi
echo "symbols: $(wc -l < "$tmp.exp") exported, all declared in $*"
