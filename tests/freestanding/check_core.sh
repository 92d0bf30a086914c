#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The core builds without a libc, as it must inside a kernel:
#
#   check_core.sh CC NM ROOT WORKDIR [CFLAGS...]
#
# compiles every src/*.c (the core; never src/os/) with -ffreestanding
# -nostdinc against tests/freestanding/include -- stddef.h, stdint.h,
# string.h (mem* only) and errno.h, the four headers the kernel shim
# (kernel/include) offers -- at -O0 and -O2, links the objects into one
# relocatable object (ld -r) and checks with nm -u that everything left
# undefined is on the allowlist: what every kernel provides and a C
# compiler may call on its own in a freestanding program.  All else goes
# through struct ktrq_os.
set -eu

ALLOW="memcpy memset"

if [ $# -lt 4 ]; then
	echo "usage: check_core.sh CC NM ROOT WORKDIR [CFLAGS...]" >&2
	exit 2
fi
cc=$1 nm=$2 root=$3 work=$4
shift 4

srcs=$(ls "$root"/src/*.c)
[ -n "$srcs" ] || { echo "freestanding: no sources in $root/src" >&2; exit 1; }

status=0
for opt in -O0 -O2; do
	dir="$work/${opt#-}"
	rm -rf "$dir"
	mkdir -p "$dir"
	compiled=1
	for f in $srcs; do
		o="$dir/$(basename "$f" .c).o"
		if ! "$cc" -std=c11 -ffreestanding -nostdinc \
		    -isystem "$root/tests/freestanding/include" \
		    -I "$root/include" -I "$root/src" \
		    -fno-stack-protector -fno-pic -Wall -Wextra \
		    -Werror=implicit-function-declaration \
		    "$opt" "$@" -c "$f" -o "$o"; then
			echo "freestanding: $opt: $f does not compile without" \
			    "libc (only stddef.h, stdint.h, string.h's mem*" \
			    "and errno.h constants are available)" >&2
			compiled=0
		fi
	done
	if [ $compiled -eq 0 ]; then
		status=1
		continue
	fi
	objs=$(ls "$dir"/*.o)
	# shellcheck disable=SC2086
	"$cc" "$@" -nostdlib -r -o "$dir/core.o" $objs
	undef=$("$nm" -u "$dir/core.o" | awk '{ print $NF }' | sort -u)
	bad=""
	for sym in $undef; do
		case " $ALLOW " in
		*" $sym "*) ;;
		*) bad="$bad $sym" ;;
		esac
	done
	echo "freestanding: $opt: undefined in the linked core:" \
	    "${undef:-none}" | tr '\n' ' '
	echo
	if [ -n "$bad" ]; then
		status=1
		for sym in $bad; do
			users=$(cd "$dir" && for o in *.o; do
				[ "$o" = core.o ] && continue
				"$nm" -u "$o" | awk '{ print $NF }' |
				    grep -qx "$sym" && printf ' %s' "${o%.o}.c"
			done; true)
			echo "freestanding: $opt: $sym is not on the allowlist" \
			    "($ALLOW); used by:$users" >&2
		done
	fi
done
if [ $status -eq 0 ]; then
	echo "freestanding: the core needs only: $ALLOW"
fi
exit $status
