#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Install what the build and the tests need, when it is missing (Debian 12).
# Run by `make`; harmless when everything is present.
set -eu

missing=""
need() {	# need PACKAGE TEST-COMMAND...
	pkg=$1; shift
	"$@" >/dev/null 2>&1 || missing="$missing $pkg"
}
need cmake		command -v cmake
need make		command -v make
need gcc		command -v gcc
need clang		command -v clang
need valgrind		command -v valgrind
need libcmocka-dev	test -f /usr/include/cmocka.h
need pkg-config		command -v pkg-config
need groff-base		command -v groff

[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "libktrq: missing packages:$missing" >&2
	echo "libktrq: run as root, or: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "libktrq: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq $missing >/dev/null
