#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage-files.sh STAGE < LIST - copy host programs (one path a line) into
# the initramfs at the same path, with the shared libraries they load.
# A line `@scripts/X.sh` runs `bash scripts/X.sh stage STAGE` (path from the
# repository top) for programs that do not live on the host (apps.files).
#
# A guest of another architecture (KTLS_ARCH=arm64, set by run.sh) gets
# Debian's arm64 build of the package each listed host program comes from
# (files of no package, such as our build products, are copied), with
# the libraries it loads, fetched into the cache (never installed) and run
# through arm64's ld.so by a wrapper at the program's path (/usr/bin only).
set -euo pipefail
STAGE=$1
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../../../scripts/lib.sh"
ARCH=${KTLS_ARCH:-amd64}
FOREIGN=()

copy() {
	[ -e "$STAGE$1" ] && return 0
	mkdir -p "$STAGE$(dirname "$1")"
	cp -L "$1" "$STAGE$1"
}

while read -r f; do
	case "$f" in
	''|'#'*) continue ;;
	@*) bash "$TOP/${f#@}" stage "$STAGE" </dev/null; continue ;;
	esac
	[ -e "$f" ] || die "\`$f' not found on the host"
	# a host package's program: its build for the guest's architecture;
	# anything else (our own build products) as it is
	if [ "$ARCH" != amd64 ] && dpkg -S "$f" > /dev/null 2>&1; then
		FOREIGN+=("$f")
		continue
	fi
	copy "$f"
	[ -d "$f" ] && continue
	ldd "$f" 2>/dev/null | grep -oE '/[^ ]+' | while read -r lib; do
		copy "$lib"
	done || true
done

[ ${#FOREIGN[@]} -gt 0 ] || exit 0
# shellcheck source=scripts/trixie.sh
. "$TOP/scripts/trixie.sh"
export FOREIGN_SUITE=bookworm:$ARCH
case "$ARCH" in
arm64) export FOREIGN_TRIPLE=aarch64-linux-gnu ;;
*) die "no library directory known for $ARCH" ;;
esac
pkgs=() progs=()
for f in "${FOREIGN[@]}"; do
	[[ $f == /usr/bin/* ]] || die "\`$f': only /usr/bin programs are staged for $ARCH"
	p=$(dpkg -S "$f" 2>/dev/null | head -n1 | cut -d: -f1)
	[ -n "$p" ] || die "\`$f' belongs to no package of the host"
	pkgs+=("$p")
	progs+=("${f#/}:${f##*/}")
done
mapfile -t closure < <(debs_closure "${pkgs[@]}")
dir=$CACHE/$ARCH/progs-$(printf '%s\n' "${closure[@]}" | md5sum | cut -c1-12)
trixie_fetch "$dir" "${closure[@]}"
trixie_stage "$STAGE" "$dir" "/opt/$ARCH" "${progs[@]}"
