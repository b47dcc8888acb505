# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# debs.sh - sourced by deps.sh, deps-arm64.sh and debug-kernel.sh: the Debian packages
# they need, kept in $CACHE/debs. The caller defines CACHE, TOP, log and die.

# cached_deb NAME [VERSION] - print the path of the cached NAME_VERSION_*.deb
# (without VERSION: the newest NAME_*.deb); with none cached, download NAME
# (=VERSION when given) first. One name can have several versions here
# (linux-source-6.12 of bookworm and of trixie): give VERSION to get yours.
cached_deb() {
	local name=$1 ver=${2:-} deb
	mkdir -p "$CACHE/debs"
	deb=$(ls -1 "$CACHE/debs/${name}_${ver:+${ver//:/%3a}_}"*.deb 2>/dev/null |
		sort -V | tail -n1 || true)
	if [ -z "$deb" ]; then
		log "downloading $name${ver:+ $ver}"
		(cd "$CACHE/debs" && apt-get download -q "$name${ver:+=$ver}" >/dev/null) ||
			die "apt-get download $name${ver:+=$ver} failed"
		deb=$(ls -1 "$CACHE/debs/${name}_${ver:+${ver//:/%3a}_}"*.deb | sort -V | tail -n1)
	fi
	echo "$deb"
}

# source_tarball DEB - the path of the kernel source tarball inside a
# linux-source .deb (./usr/src/linux-source-X.tar.*).
source_tarball() {
	dpkg-deb -c "$1" | awk '{print $NF}' |
		grep -E '^\./usr/src/linux-source-[^/]*\.tar\.(xz|bz2|gz|zst)$' | head -n1
}

# source_extract DEB DIR PATTERN... - extract the members of the kernel
# source tarball inside linux-source DEB that match the tar wildcards
# PATTERN (e.g. '*/include/uapi/linux/tls.h') into DIR, without the
# tarball's top directory.
source_extract() {
	local deb=$1 dir=$2 inner dec
	shift 2
	inner=$(source_tarball "$deb")
	[ -n "$inner" ] || die "no source tarball in $deb"
	case "$inner" in
	*.xz) dec="xz -dc -T0" ;;
	*.bz2) dec="bzip2 -dc" ;;
	*.gz) dec="gzip -dc" ;;
	*.zst) dec="zstd -dc" ;;
	esac
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "$inner" | $dec |
		tar -x -C "$dir" --strip-components=1 --wildcards "$@"
}

# unpack_debs DIR KREL DEB... - unpack .debs into DIR once (marker file .complete). Newer Debian kernels
# split the image (linux-base/-binary/-modules, files under usr/lib and
# vmlinuz beside the modules): links give DIR bookworm's layout,
# boot/vmlinuz-KREL and lib/modules/KREL, which tests/vm expects.
unpack_debs() {
	local dir=$1 krel=$2 deb
	shift 2
	[ -f "$dir/.complete" ] && return 0
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	for deb in "$@"; do
		dpkg-deb -x "$deb" "$dir.tmp"
	done
	if [ ! -e "$dir.tmp/lib" ] && [ -d "$dir.tmp/usr/lib" ]; then
		ln -s usr/lib "$dir.tmp/lib"
	fi
	if [ ! -e "$dir.tmp/boot/vmlinuz-$krel" ] &&
	   [ -f "$dir.tmp/usr/lib/modules/$krel/vmlinuz" ]; then
		mkdir -p "$dir.tmp/boot"
		ln -s "../usr/lib/modules/$krel/vmlinuz" "$dir.tmp/boot/vmlinuz-$krel"
	fi
	[ -e "$dir.tmp/boot/vmlinuz-$krel" ] || die "no vmlinuz for $krel in $*"
	[ -d "$dir.tmp/lib/modules/$krel/kernel" ] || die "no modules for $krel in $*"
	touch "$dir.tmp/.complete"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
}

# kernel_pkgs SUITE IMG KREL - the packages of kernel image IMG in SUITE
# (an apt-suite.sh NAME[:ARCH]): IMG, and the parts newer kernels split
# it into (linux-base/-binary/-modules-KREL) where SUITE has them.
kernel_pkgs() {
	local suite=$1 out=$2 krel=$3 p
	for p in linux-base linux-binary linux-modules; do
		[ -z "$(bash "$TOP/scripts/apt-suite.sh" "$suite" version "$p-$krel" || true)" ] ||
			out="$out $p-$krel"
	done
	echo "$out"
}

# series_krel IMG SERIES - the release of kernel image package IMG
# (linux-image-KREL[-unsigned]); fails when it is not of SERIES (whose
# -trixie suffix names a suite, not a kernel: 6.12-trixie is 6.12).
series_krel() {
	local krel=${1#linux-image-}
	krel=${krel%-unsigned}
	case "$krel" in
	"${2%-trixie}".*) echo "$krel" ;;
	*) return 1 ;;
	esac
}
