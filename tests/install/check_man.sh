#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# check_man.sh PAGE [TOOL]: PAGE formats without a groff warning, and
# when TOOL is given, every option its --help shows (-x, --long) appears
# in PAGE, so the manual cannot fall behind the program.
set -eu
page=$1 tool=${2:-}
fail() { echo "man: $page: $*" >&2; exit 1; }
command -v groff > /dev/null || fail "groff is not installed"
warn=$(groff -mandoc -ww -z -Tutf8 "$page" 2>&1) || fail "groff failed: $warn"
[ -z "$warn" ] || fail "$warn"
[ -n "$tool" ] || { echo "man: $page: ok"; exit 0; }
text=$(groff -mandoc -Tutf8 -P-c -P-b -P-u "$page" 2>/dev/null)
missing=""
for opt in $("$tool" --help | grep -oE \
    '(^|[[ ,|])(--[A-Za-z][A-Za-z0-9-]*|-[A-Za-z])([^A-Za-z0-9-]|$)' |
    sed -e 's/^[[ ,|]*//' -e 's/[^A-Za-z0-9-]$//' | sort -u); do
	case $opt in
	--help|-h) continue ;;
	esac
	printf '%s\n' "$text" | grep -q -- "$opt\\b" || missing="$missing $opt"
done
[ -z "$missing" ] || fail "options of $tool --help not in the page:$missing"
echo "man: $page: ok"
