#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# apps.sh - the third-party TLS programs of the `apps` VM suite, kept in
# the cache and staged into the guest, never installed on the host.
#
#   nginx      Debian 12's nginx (OpenSSL 3.0), unpacked from its .deb
#              (installing the package would start a web server on the
#              host); it runs on the host's libraries
#   OpenSSL    trixie's openssl + libssl3t64 (OpenSSL 3.5) with trixie's
#              glibc, zlib and zstd, fetched with scripts/apt-suite.sh (a
#              private apt configuration) and unpacked; in the guest it
#              lives under /opt/trixie and runs through trixie's own
#              ld.so (/usr/bin/openssl35 is the wrapper)
#
# gnutls-cli/-serv, curl and Debian 12's openssl are host packages
# (scripts/deps.sh) staged by tests/vm/suites/apps.files.
#
# Usage: scripts/apps.sh fetch         download and unpack once
#        scripts/apps.sh stage STAGE   fetch, then copy into an initramfs tree
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
APPS=$CACHE/apps
TRIXIE_PKGS="openssl libssl3t64 libc6 zlib1g libzstd1"
# shellcheck source=scripts/debs.sh
. "$TOP/scripts/debs.sh"
# shellcheck source=scripts/trixie.sh
. "$TOP/scripts/trixie.sh"

fetch() {
	# (.complete holds the mark; a cache without nginx in it is unpacked
	# again, e.g. one a fetch that passed the .deb as the mark left behind)
	if [ "$(cat "$APPS/nginx/.complete" 2>/dev/null)" != nginx ] ||
		[ ! -x "$APPS/nginx/usr/sbin/nginx" ]; then
		unpack "$APPS/nginx" nginx "$(cached_deb nginx)"
		log "nginx: $(cat "$APPS/nginx/VERSIONS")"
	fi
	# shellcheck disable=SC2086
	trixie_fetch "$APPS/trixie" $TRIXIE_PKGS
}

# copy_libs STAGE BIN - BIN's shared libraries (the host's), same paths.
copy_libs() {
	local lib
	ldd "$2" | grep -oE '/[^ ]+' | while read -r lib; do
		[ -e "$1$lib" ] && continue
		mkdir -p "$1$(dirname "$lib")"
		cp -L "$lib" "$1$lib"
	done
}

stage() {
	local st=$1
	fetch
	mkdir -p "$st/usr/sbin"
	cp "$APPS/nginx/usr/sbin/nginx" "$st/usr/sbin/nginx"
	copy_libs "$st" "$APPS/nginx/usr/sbin/nginx"
	trixie_stage "$st" "$APPS/trixie" /opt/trixie usr/bin/openssl:openssl35
}

case "${1:-}" in
fetch) fetch ;;
stage) [ $# = 2 ] || die "usage: apps.sh stage STAGE"; stage "$2" ;;
*) die "usage: apps.sh fetch | stage STAGE" ;;
esac
