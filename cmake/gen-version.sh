#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# gen-version.sh ROOT OUT: write <ktrq/version.h> from
# include/ktrq/version.h.in and the project() line of CMakeLists.txt, as
# CMake's configure_file does, for builds without CMake (the kernel
# module, kernel/Makefile).
set -eu
root=$1 out=$2
v=$(sed -n 's/^project(libktrq VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
case $v in
*.*.*) ;;
*) echo "gen-version.sh: no version in $root/CMakeLists.txt" >&2; exit 2 ;;
esac
IFS=. read -r major minor patch <<EOV
$v
EOV
mkdir -p "$(dirname "$out")"
sed -e "s/@PROJECT_VERSION@/$v/g" -e "s/@PROJECT_VERSION_MAJOR@/$major/g" \
    -e "s/@PROJECT_VERSION_MINOR@/$minor/g" \
    -e "s/@PROJECT_VERSION_PATCH@/$patch/g" \
    "$root/include/ktrq/version.h.in" > "$out.tmp"
mv "$out.tmp" "$out"
