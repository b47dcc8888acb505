#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# deps.sh - install what ktls builds and tests need; fetch Debian's kernels.
#
# Idempotent. Installs build tools, OpenSSL/libgcrypt headers, qemu and
# busybox, and the kernel headers of both supported Debian 12 series
# (6.1 via linux-headers-cloud-amd64, 6.12 via linux-headers-6.12-cloud-amd64).
# The matching linux-image packages and linux-source packages are downloaded
# into the cache ($KTLS_CACHE, default ~/.cache/ktls), unpacked there (never
# into /boot), and only the files the tests need are extracted from the
# sources. Package versions come from the metapackages at run time, so a
# Debian point release does not break anything.
#
# Writes $KTLS_CACHE/series-<S>.env for S in 6.1 6.12 with:
#   KREL      kernel release (uname -r of the guest)
#   KIMG      unpacked linux-image dir (boot/vmlinuz-*, lib/modules/KREL)
#   KBUILD    headers build dir to build the module against
#   KSRC      extracted selftest/uapi/checkpatch files from linux-source
#   KSRCVER   linux-source package version
#
# Usage: scripts/deps.sh [--no-install] [SERIES...]
set -euo pipefail

CACHE=${KTLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ktls}
SERIES_ALL="6.1 6.12"
INSTALL=1
PKGS="build-essential gcc make libssl-dev libgcrypt20-dev qemu-system-x86
busybox-static cpio xz-utils zstd file kmod bc flex bison libelf-dev
clang llvm openssl curl perl python3 iproute2 liburing-dev"

log() { printf '[deps] %s\n' "$*" >&2; }
die() { printf '[deps] error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=scripts/debs.sh
. "$(dirname "$0")/debs.sh"

while [ $# -gt 0 ]; do
	case "$1" in
	--no-install) INSTALL=0 ;;
	6.1|6.12) SERIES_ALL=$1 ;;
	*) die "unknown argument \`$1'" ;;
	esac
	shift
done

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

meta_image() {		# series -> image metapackage
	case "$1" in
	6.1) echo linux-image-cloud-amd64 ;;
	6.12) echo linux-image-6.12-cloud-amd64 ;;
	esac
}

meta_headers() {
	case "$1" in
	6.1) echo linux-headers-cloud-amd64 ;;
	6.12) echo linux-headers-6.12-cloud-amd64 ;;
	esac
}

# The concrete package a metapackage depends on (first linux-* dependency).
meta_dep() {
	apt-cache depends "$1" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-[^ ]*\).*/\1/p' | head -n1
}

# Download and unpack a .deb into DIR once (marker file .complete).
fetch_unpack() {
	local pkg=$1 dir=$2 deb
	[ -f "$dir/.complete" ] && return 0
	deb=$(cached_deb "$pkg") || exit 1
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	dpkg-deb -x "$deb" "$dir.tmp"
	touch "$dir.tmp/.complete"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
}

# Extract the test-relevant files of linux-source-<series> into DIR.
fetch_source() {
	local series=$1 dir=$2 deb inner dec
	[ -f "$dir/.complete" ] && return 0
	deb=$(cached_deb "linux-source-$series") || exit 1
	inner=$(source_tarball "$deb")
	[ -n "$inner" ] || die "no source tarball in $deb"
	case "$inner" in
	*.xz) dec="xz -dc -T0" ;;
	*.bz2) dec="bzip2 -dc" ;;
	*.gz) dec="gzip -dc" ;;
	*.zst) dec="zstd -dc" ;;
	esac
	log "extracting selftest, uapi and checkpatch files from $(basename "$deb")"
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "$inner" | $dec |
		tar -x -C "$dir.tmp" --strip-components=1 --wildcards \
		'*/tools/testing/selftests/net/tls.c' \
		'*/tools/testing/selftests/kselftest.h' \
		'*/tools/testing/selftests/kselftest_harness.h' \
		'*/include/uapi/linux/tls.h' \
		'*/scripts/checkpatch.pl' \
		'*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' \
		'*/Documentation/networking/tls.rst'
	dpkg-deb -f "$deb" Version > "$dir.tmp/VERSION"
	touch "$dir.tmp/.complete"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
}

if [ "$INSTALL" = 1 ]; then
	export DEBIAN_FRONTEND=noninteractive
	log "apt-get update"
	$SUDO apt-get update -q >/dev/null
	hdrs=""
	for s in $SERIES_ALL; do
		hdrs="$hdrs $(meta_headers "$s")"
	done
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -q --no-install-recommends $PKGS $hdrs >/dev/null ||
		die "apt-get install failed"
fi

mkdir -p "$CACHE"
for s in $SERIES_ALL; do
	img=$(meta_dep "$(meta_image "$s")")
	hdr=$(meta_dep "$(meta_headers "$s")")
	[ -n "$img" ] || die "cannot resolve $(meta_image "$s") (apt-get update?)"
	[ -n "$hdr" ] || die "cannot resolve $(meta_headers "$s")"
	krel=${img#linux-image-}
	krel=${krel%-unsigned}
	[ -d "/usr/src/$hdr" ] || die "/usr/src/$hdr missing: install $hdr"
	fetch_unpack "$img" "$CACHE/kernels/$krel"
	fetch_source "$s" "$CACHE/src/linux-source-$s"
	cat > "$CACHE/series-$s.env.tmp" <<-EOF
	KREL=$krel
	KIMG=$CACHE/kernels/$krel
	KBUILD=/usr/src/$hdr
	KSRC=$CACHE/src/linux-source-$s
	KSRCVER=$(cat "$CACHE/src/linux-source-$s/VERSION")
	EOF
	mv "$CACHE/series-$s.env.tmp" "$CACHE/series-$s.env"
	log "series $s: kernel $krel, source $(cat "$CACHE/src/linux-source-$s/VERSION")"
done
