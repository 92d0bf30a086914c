#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Print the version of the kernel the module is built for and the guest
# boots: the newest Debian linux-image installed (/boot/vmlinuz-VERSION)
# that has its headers (/usr/lib/modules/VERSION/build).  Not `uname -r`:
# the host may run another kernel than the one installed for the guest.
set -eu
best=""
for img in /boot/vmlinuz-*; do
	[ -e "$img" ] || continue
	v=${img#/boot/vmlinuz-}
	[ -d "/usr/lib/modules/$v/build" ] || continue
	best="$best$v
"
done
v=$(printf '%s' "$best" | sort -V | tail -n 1)
if [ -z "$v" ]; then
	echo "kver.sh: no /boot/vmlinuz-* with headers in /usr/lib/modules/*/build" >&2
	exit 1
fi
echo "$v"
