# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# debs.sh - sourced by deps.sh and debug-kernel.sh: the Debian packages
# they need, kept in $CACHE/debs. The caller defines CACHE, log and die.

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
