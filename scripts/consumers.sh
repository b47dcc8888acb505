#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# consumers.sh - what the `consumers` VM suite needs besides the kernel's
# own kTLS users: trixie's tlshd (ktls-utils 1.0), nvme-cli 2.13 (Debian
# 12's 2.3 has no TLS) and keyctl, with their libraries, kept in the cache
# and staged under /opt/consumers (run through trixie's ld.so: wrappers
# /usr/bin/tlshd, /usr/bin/nvme, /usr/bin/keyctl), never installed on the
# host; and the series' NVMe/TCP host and target modules, which the suite
# loads itself (STAGE/etc/ktls-modules-consumers).
#
# Usage: scripts/consumers.sh fetch         download and unpack once
#        scripts/consumers.sh stage STAGE   fetch, then copy into an initramfs
#                                           tree (series: $KTLS_SERIES)
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${KTLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ktls}
DIR=$CACHE/apps/consumers
# The programs, then every library package they load (trixie_needed
# names a missing one).
PKGS="ktls-utils nvme-cli keyutils
libc6 libnvme1t64 libjson-c5 libkeyutils1 libssl3t64 zlib1g libzstd1
libglib2.0-0t64 libatomic1 libffi8 libpcre2-8-0
libgnutls30t64 libgmp10 libhogweed6t64 libnettle8t64 libidn2-0 libp11-kit0
libtasn1-6 libunistring5 libnl-3-200 libnl-genl-3-200"
MODULES="nvme-tcp nvmet-tcp"
log() { printf '[consumers] %s\n' "$*" >&2; }
die() { printf '[consumers] error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=scripts/trixie.sh
. "$TOP/scripts/trixie.sh"

fetch() {
	# shellcheck disable=SC2086
	trixie_fetch "$DIR" $PKGS
}

stage() {
	local st=$1 env=$CACHE/series-${KTLS_SERIES:-}.env
	fetch
	trixie_stage "$st" "$DIR" /opt/consumers usr/sbin/tlshd:tlshd \
		usr/sbin/nvme:nvme usr/bin/keyctl:keyctl
	[ -f "$env" ] || die "no $env (KTLS_SERIES=${KTLS_SERIES:-unset})"
	# shellcheck disable=SC1090
	. "$env"
	mkdir -p "$st/lib/modules" "$st/etc"
	# shellcheck disable=SC2086
	bash "$TOP/tests/vm/stage-modules.sh" --suite consumers "$KIMG" "$KREL" "$st" \
		$MODULES >/dev/null
}

case "${1:-}" in
fetch) fetch ;;
stage) [ $# = 2 ] || die "usage: consumers.sh stage STAGE"; stage "$2" ;;
*) die "usage: consumers.sh fetch | stage STAGE" ;;
esac
