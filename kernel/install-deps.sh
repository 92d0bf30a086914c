#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Install what `make kernel-test` needs, when it is missing (Debian 12):
# the kernel the guest boots and its headers (the same version), qemu,
# a static busybox and cpio for the initramfs.  Harmless when everything
# is present.
set -eu

here=$(dirname "$0")
missing=""
need() {	# need PACKAGE TEST-COMMAND...
	pkg=$1; shift
	"$@" >/dev/null 2>&1 || missing="$missing $pkg"
}
# linux-image-amd64 and linux-headers-amd64 move together: ask for both
# unless some installed image has its headers.
need linux-image-amd64		sh "$here/kver.sh"
need linux-headers-amd64	sh "$here/kver.sh"
need qemu-system-x86		command -v qemu-system-x86_64
need busybox-static		sh -c 'dpkg -s busybox-static | grep -q "ok installed"'
need cpio			command -v cpio
need kmod			command -v kmod
need perl			command -v perl
need make			command -v make
need gcc			command -v gcc

[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "kernel-test: missing packages:$missing" >&2
	echo "kernel-test: run as root, or: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "kernel-test: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
sh "$here/kver.sh" >/dev/null
