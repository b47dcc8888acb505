#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# deps-arm64.sh SERIES - Debian's arm64 kernel of SERIES, as series
# "SERIES-arm64" (called by `scripts/deps.sh --arch arm64 SERIES`, after
# the amd64 series is set up).
#
# From a private apt configuration of the series' suite for arm64
# (scripts/apt-suite.sh SUITE:arm64), resolved from the cloud-arm64
# metapackages as the amd64 series are:
#   - the image, unpacked into $CACHE/kernels/KREL;
#   - the arm64 headers. The module is cross-built against them with the
#     gcc the headers name (aarch64-linux-gnu-gcc-N), the arch-independent
#     common headers and the kbuild tools of the same version for the
#     build machine: for bookworm's kernels those of the host (the amd64
#     series installed them) and its cross gcc; for other suites those of
#     the amd64 series' build root, with the cross gcc installed there;
#   - busybox-static and the libraries the guest programs link statically
#     (libcrypto, liburing), under $CACHE/arm64.
# Writes $CACHE/series-SERIES-arm64.env (scripts/deps.sh lists the keys).
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/debs.sh
. "$TOP/scripts/debs.sh"

[ $# = 1 ] || die "usage: deps-arm64.sh SERIES"
S=$1
case "$S" in
6.1) SUITE=bookworm IMGMETA=linux-image-cloud-arm64 ;;
6.12) SUITE=bookworm IMGMETA=linux-image-6.12-cloud-arm64 ;;
6.12-trixie) SUITE=trixie IMGMETA=linux-image-cloud-arm64 ;;
7.3) SUITE=trixie-backports IMGMETA=linux-image-cloud-arm64 ;;
7.2) SUITE=sid IMGMETA=linux-image-cloud-arm64 ;;
*) die "no arm64 kernel known for series \`$S'" ;;
esac
HDRMETA=${IMGMETA/image/headers}
# the amd64 series: its source, and for other suites its build root
load_series "$S"
as() { bash "$TOP/scripts/apt-suite.sh" "$SUITE:arm64" "$@"; }

img=$(as depends "$IMGMETA")
hdr=$(as depends "$HDRMETA")
{ [ -n "$img" ] && [ -n "$hdr" ]; } || die "cannot resolve $SUITE's $IMGMETA / $HDRMETA for arm64"
krel=$(series_krel "$img" "$S") ||
	die "$SUITE's $IMGMETA (arm64) is ${img#linux-image-} now, not series $S"

# the kernel
if [ ! -f "$CACHE/kernels/$krel/.complete" ]; then
	# shellcheck disable=SC2046
	debs=$(as download $(kernel_pkgs "$SUITE:arm64" "$img" "$krel")) || exit 1
	# shellcheck disable=SC2086
	unpack_debs "$CACHE/kernels/$krel" "$krel" $debs
fi

# the headers, and what they need of the build machine
hdeb=$(as download "$hdr") || exit 1
hver=$(dpkg-deb -f "$hdeb" Version)
deps=$(dpkg-deb -f "$hdeb" Depends | tr ',' '\n' | sed 's/^ *//; s/ .*//')
common=$(grep -m1 -- '-common$' <<<"$deps" || true)
kbuild=$(grep -m1 '^linux-kbuild-' <<<"$deps" || true)
gccv=$(grep -m1 -E '^gcc-[0-9]+$' <<<"$deps" || true)
{ [ -n "$common" ] && [ -n "$kbuild" ] && [ -n "$gccv" ]; } ||
	die "$hdr: no common headers, kbuild or gcc among its dependencies ($(dpkg-deb -f "$hdeb" Depends))"
CROSS=aarch64-linux-gnu-
XGCC=$gccv-aarch64-linux-gnu	# the package of the cross compiler
if [ -z "$KROOT" ]; then
	admin=/var/lib/dpkg
	dest=$CACHE/headers/$krel
else
	bash "$TOP/scripts/buildroot.sh" "${KROOT##*/}" make gcc "${KBUILD##*/}" "$XGCC" > /dev/null
	admin=$KROOT/var/lib/dpkg
	dest=$KROOT
fi
for p in "$common" "$kbuild"; do
	have=$(dpkg-query --admindir="$admin" -W -f '${Version}' "$p" 2>/dev/null || true)
	[ "$have" = "$hver" ] ||
		die "$hdr $hver needs $p $hver on the build machine (${KROOT:-the host}), which has ${have:-none}: run scripts/deps.sh ${S} (the amd64 series) first"
done
[ -n "$KROOT" ] || command -v "$CROSS${gccv}" > /dev/null ||
	die "no ${CROSS}${gccv} on the host: apt-get install $XGCC"
if [ ! -f "$dest/usr/src/$hdr/.complete-$hver" ]; then
	# Only usr/src/HDR goes in: the package's other paths (lib/modules)
	# would replace a merged-/usr root's /lib link with a directory.
	tmp=$(mktemp -d)
	dpkg-deb -x "$hdeb" "$tmp"
	rm -rf "$dest/usr/src/$hdr"
	mkdir -p "$dest/usr/src"
	mv "$tmp/usr/src/$hdr" "$dest/usr/src/$hdr"
	rm -rf "$tmp"
	# scripts/ and tools/ link to ../../lib/KBUILD: the build machine's
	if [ -z "$KROOT" ]; then
		mkdir -p "$dest/usr/lib"
		ln -sfn "/usr/lib/$kbuild" "$dest/usr/lib/$kbuild"
	fi
	touch "$dest/usr/src/$hdr/.complete-$hver"
fi
kbuild_dir=/usr/src/$hdr
[ -n "$KROOT" ] || kbuild_dir=$dest/usr/src/$hdr

# the guest's busybox and the static libraries of the guest programs
A=$CACHE/arm64
mkdir -p "$A"
bb=$(as download busybox-static) || exit 1
bbdir=$A/busybox-$(dpkg-deb -f "$bb" Version | tr ':' '_')
if [ ! -x "$bbdir/busybox" ]; then
	rm -rf "$bbdir.tmp"
	dpkg-deb -x "$bb" "$bbdir.tmp"
	# bin/ (bookworm) or usr/bin/ (trixie's merged /usr)
	for p in bin/busybox usr/bin/busybox; do
		[ -x "$bbdir.tmp/$p" ] && cp "$bbdir.tmp/$p" "$bbdir.tmp/busybox" && break
	done
	[ -x "$bbdir.tmp/busybox" ] || die "no busybox in $(basename "$bb")"
	rm -rf "$bbdir"
	mv "$bbdir.tmp" "$bbdir"
fi
# one sysroot, from bookworm: the programs are static, any kernel runs them
sysdebs=$(bash "$TOP/scripts/apt-suite.sh" bookworm:arm64 download libssl-dev liburing-dev) || exit 1
sysroot=$A/sysroot-$(cat $sysdebs | md5sum | cut -c1-12)
if [ ! -f "$sysroot/.complete" ]; then
	rm -rf "$sysroot.tmp"
	mkdir -p "$sysroot.tmp"
	for d in $sysdebs; do
		dpkg-deb -x "$d" "$sysroot.tmp"
	done
	touch "$sysroot.tmp/.complete"
	rm -rf "$sysroot"
	mv "$sysroot.tmp" "$sysroot"
fi

ENV=$CACHE/series-$S-arm64.env
cat > "$ENV.tmp" <<-EOF
KREL=$krel
KIMG=$CACHE/kernels/$krel
KBUILD=$kbuild_dir
KROOT=$KROOT
KSRC=$KSRC
KSRCVER=$KSRCVER
KARCH=arm64
KCROSS=$CROSS
KGCC=$CROSS$gccv
KBUSYBOX=$bbdir/busybox
KSYSROOT=$sysroot
EOF
mv "$ENV.tmp" "$ENV"
log "series $S-arm64: kernel $krel, headers $hver, ${KROOT:+build root $KROOT, }cross gcc $CROSS$gccv"
