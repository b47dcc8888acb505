#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# deps.sh - install what ktls builds and tests need; fetch Debian's kernels.
#
# Idempotent. Installs build tools, OpenSSL/libgcrypt headers, qemu and
# busybox, curl and gnutls-bin (peers in the VM suites), and the kernel
# headers of both supported Debian 12 series (6.1 via
# linux-headers-cloud-amd64, 6.12 via linux-headers-6.12-cloud-amd64).
# The matching linux-image packages and linux-source packages are downloaded
# into the cache ($KTLS_CACHE, default ~/.cache/ktls), unpacked there (never
# into /boot), and only the files the tests need are extracted from the
# sources. Package versions come from the metapackages at run time, so a
# Debian point release does not break anything.
#
# Series 7.2 (sid), 7.3 (trixie-backports) and 6.12-trixie (Debian 13's
# own 6.12, trixie + trixie-security, built with trixie's gcc-14) are
# fetched only when named
# (`make module SERIES=7.2`, tests/vm/run.sh --series 7.3 and
# tests/check-all.sh name them): their image and source come through a
# private apt configuration (scripts/apt-suite.sh), and their headers need
# their own suite's gcc and kbuild tools, so they are installed into a
# minimal root of that suite under the cache (scripts/buildroot.sh) and the
# module is built there through chroot (scripts/kmake.sh). The host's apt
# sources and packages are never changed for them.
#
# Writes $KTLS_CACHE/series-<S>.env for S in 6.1 6.12 (7.2 7.3 6.12-trixie):
#   KREL      kernel release (uname -r of the guest)
#   KIMG      unpacked linux-image dir (boot/vmlinuz-*, lib/modules/KREL)
#   KBUILD    headers build dir to build the module against
#   KROOT     root KBUILD lives in (empty: the host); scripts/kmake.sh
#   KSRC      extracted selftest/uapi/checkpatch files from linux-source
#   KSRCVER   linux-source package version
#
# With --arch arm64, the same series for Debian's arm64 kernels
# (cloud-arm64), as series "<S>-arm64": image, arm64 headers and busybox
# from a private apt configuration of the series' suite for arm64; the
# module is cross-built with the suite's aarch64 gcc (the host's for
# bookworm's 6.1 and 6.12, the build root's for trixie's), against the
# arch-independent common headers and host-architecture kbuild tools of
# the same version, which the amd64 series already has. Also written:
#   KARCH     arm64 (amd64 when absent)
#   KCROSS    the CROSS_COMPILE prefix (aarch64-linux-gnu-)
#   KBUSYBOX  the guest's busybox (the host's for amd64)
#   KSYSROOT  arm64 libraries the guest programs link (libcrypto, liburing)
#
# Usage: scripts/deps.sh [--no-install] [--arch amd64|arm64] [SERIES...]
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
SERIES_ALL="6.1 6.12"
SERIES_ARGS=""
INSTALL=1
ARCH=amd64
PKGS="build-essential gcc make libssl-dev libgcrypt20-dev qemu-system-x86
busybox-static cpio xz-utils zstd file kmod bc flex bison libelf-dev
clang llvm zlib1g-dev openssl curl perl python3 iproute2 gnutls-bin liburing-dev
qemu-system-arm gcc-12-aarch64-linux-gnu gcc-aarch64-linux-gnu libc6-dev-arm64-cross"

# shellcheck source=scripts/debs.sh
. "$(dirname "$0")/debs.sh"

while [ $# -gt 0 ]; do
	case "$1" in
	--no-install) INSTALL=0 ;;
	--arch) ARCH=$2; shift ;;
	6.1|6.12|7.2|7.3|6.12-trixie) SERIES_ARGS="$SERIES_ARGS $1" ;;
	*) die "unknown argument \`$1'" ;;
	esac
	shift
done

[ -n "$SERIES_ARGS" ] && SERIES_ALL=$SERIES_ARGS
HOST_SERIES="" OTHER_SERIES=""
for s in $SERIES_ALL; do
	case "$s" in
	6.1|6.12) HOST_SERIES="$HOST_SERIES $s" ;;
	*) OTHER_SERIES="$OTHER_SERIES $s" ;;
	esac
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

# Extract the test-relevant files of the linux-source .deb DEB into DIR.
fetch_source() {
	local deb=$1 dir=$2
	[ -f "$dir/.complete" ] && [ "$(cat "$dir/VERSION")" = "$(dpkg-deb -f "$deb" Version)" ] &&
		return 0
	log "extracting selftest, uapi and checkpatch files from $(basename "$deb")"
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	source_extract "$deb" "$dir.tmp" \
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
	for s in $HOST_SERIES; do
		hdrs="$hdrs $(meta_headers "$s")"
	done
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -q --no-install-recommends $PKGS $hdrs >/dev/null ||
		die "apt-get install failed"
fi

case "$ARCH" in
amd64) ;;
arm64)
	for s in $SERIES_ALL; do
		# the amd64 series first: its source, and for other suites the
		# build root with the common headers and kbuild tools
		[ -f "$CACHE/series-$s.env" ] || bash "$0" --no-install "$s" ||
			die "series $s (amd64) failed"
		bash "$TOP/scripts/deps-arm64.sh" "$s" || die "series $s-arm64 failed"
	done
	exit 0 ;;
*) die "unknown architecture \`$ARCH' (amd64, arm64)" ;;
esac

mkdir -p "$CACHE"
for s in $HOST_SERIES; do
	img=$(meta_dep "$(meta_image "$s")")
	hdr=$(meta_dep "$(meta_headers "$s")")
	[ -n "$img" ] || die "cannot resolve $(meta_image "$s") (apt-get update?)"
	[ -n "$hdr" ] || die "cannot resolve $(meta_headers "$s")"
	krel=${img#linux-image-}
	krel=${krel%-unsigned}
	[ -d "/usr/src/$hdr" ] || die "/usr/src/$hdr missing: install $hdr"
	fetch_unpack "$img" "$CACHE/kernels/$krel"
	# the version this host's apt offers: the cache may also hold another
	# suite's linux-source of the same series (6.12-trixie's)
	srcver=$(apt-cache policy "linux-source-$s" 2>/dev/null | sed -n 's/^ *Candidate: //p')
	case "$srcver" in ""|"(none)") die "cannot resolve linux-source-$s" ;; esac
	fetch_source "$(cached_deb "linux-source-$s" "$srcver")" "$CACHE/src/linux-source-$s"
	cat > "$CACHE/series-$s.env.tmp" <<-EOF
	KREL=$krel
	KIMG=$CACHE/kernels/$krel
	KBUILD=/usr/src/$hdr
	KROOT=
	KSRC=$CACHE/src/linux-source-$s
	KSRCVER=$(cat "$CACHE/src/linux-source-$s/VERSION")
	EOF
	mv "$CACHE/series-$s.env.tmp" "$CACHE/series-$s.env"
	log "series $s: kernel $krel, source $(cat "$CACHE/src/linux-source-$s/VERSION")"
done

# Series of other suites: the suite whose cloud metapackages give them,
# and the build root they are built in (6.12-trixie shares 7.3's: the
# same trixie with its gcc-14, backports only add packages).
other_suite() {
	case "$1" in
	7.2) echo sid ;;
	7.3) echo trixie-backports ;;
	6.12-trixie) echo trixie ;;
	esac
}
root_suite() {
	case "$1" in
	6.12-trixie) echo trixie-backports ;;
	*) other_suite "$1" ;;
	esac
}

for s in $OTHER_SERIES; do
	suite=$(other_suite "$s")
	[ "$(id -u)" = 0 ] || die "series $s needs root (its build root is made with debootstrap)"
	as() { bash "$TOP/scripts/apt-suite.sh" "$suite" "$@"; }
	img=$(as depends linux-image-cloud-amd64)
	hdr=$(as depends linux-headers-cloud-amd64)
	{ [ -n "$img" ] && [ -n "$hdr" ]; } || die "cannot resolve $suite's cloud kernel"
	krel=$(series_krel "$img" "$s") ||
		die "$suite's linux-image-cloud-amd64 is ${img#linux-image-} now, not ${s%-trixie}: update other_suite()"
	start=$(date +%s)
	if [ ! -f "$CACHE/kernels/$krel/.complete" ]; then
		# shellcheck disable=SC2046
		debs=$(as download $(kernel_pkgs "$suite" "$img" "$krel")) || exit 1
		# shellcheck disable=SC2086
		unpack_debs "$CACHE/kernels/$krel" "$krel" $debs
	fi
	# linux-source-6.12 for 6.12-trixie: the source of its own kernel
	srcver=$(as version "linux-source-${s%-trixie}")
	[ -n "$srcver" ] || die "cannot resolve $suite's linux-source-${s%-trixie}"
	deb=$(as download "linux-source-${s%-trixie}=$srcver") || exit 1
	mkdir -p "$CACHE/debs"
	ln -sf "$deb" "$CACHE/debs/$(basename "$deb")"
	fetch_source "$deb" "$CACHE/src/linux-source-$s"
	root=$(bash "$TOP/scripts/buildroot.sh" "$(root_suite "$s")" make gcc "$hdr")
	[ -d "$root/usr/src/$hdr" ] || die "$root/usr/src/$hdr missing"
	cat > "$CACHE/series-$s.env.tmp" <<-EOF
	KREL=$krel
	KIMG=$CACHE/kernels/$krel
	KBUILD=/usr/src/$hdr
	KROOT=$root
	KSRC=$CACHE/src/linux-source-$s
	KSRCVER=$(cat "$CACHE/src/linux-source-$s/VERSION")
	EOF
	mv "$CACHE/series-$s.env.tmp" "$CACHE/series-$s.env"
	log "series $s: kernel $krel, source $(cat "$CACHE/src/linux-source-$s/VERSION"), build root $root ($(( $(date +%s) - start )) s)"
done
# The apps suite's nginx and trixie's OpenSSL 3.5, into the cache (never
# installed on the host; tests/vm/suites/apps.files stages them).
if [ "$INSTALL" = 1 ]; then
	bash "$(dirname "$0")/apps.sh" fetch
fi
