# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# trixie.sh - sourced by the staging scripts of VM suites that run Debian
# trixie's programs in the guest (scripts/apps.sh, scripts/consumers.sh).
# The packages are fetched with scripts/apt-suite.sh (a private apt
# configuration), unpacked into the cache, never installed on the host;
# in the guest a program runs through trixie's own ld.so with only
# trixie's libraries (a wrapper script on PATH). The caller defines TOP,
# log and die.
#
# The same for programs of another architecture (the arm64 test VMs run
# Debian's arm64 openssl and curl, tests/vm/runner/stage-files.sh): FOREIGN_SUITE
# names the apt-suite.sh NAME[:ARCH] to fetch from (default trixie) and
# FOREIGN_TRIPLE the library directory (default x86_64-linux-gnu).

# unpack DIR MARK DEB... - unpack the .debs into DIR once (marker
# .complete, holding MARK); DIR/VERSIONS names the package versions.
unpack() {
	local dir=$1 mark=$2 deb
	shift 2
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	for deb in "$@"; do
		dpkg-deb -x "$deb" "$dir.tmp"
		echo "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)" >> "$dir.tmp/VERSIONS"
	done
	printf '%s\n' "$mark" > "$dir.tmp/.complete"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
}

# trixie_fetch DIR PKG... - trixie's PKGs (no dependency resolution: name
# every library package) unpacked into DIR once; again when the list of
# PKGs is not the one DIR was made from (.complete holds it).
trixie_fetch() {
	local dir=$1 p debs=()
	shift
	[ -f "$dir/.complete" ] && [ "$(cat "$dir/.complete")" = "$*" ] && return 0
	for p in "$@"; do
		debs+=("$(bash "$TOP/scripts/apt-suite.sh" "${FOREIGN_SUITE:-trixie}" download "$p")") ||
			die "cannot fetch ${FOREIGN_SUITE:-trixie}'s $p"
	done
	unpack "$dir" "$*" "${debs[@]}"
	log "${FOREIGN_SUITE:-trixie}: $(paste -sd, "$dir/VERSIONS")"
}

# trixie_needed ROOT FILE... - the shared libraries FILEs load, and theirs
# (DT_NEEDED, transitively), as paths in the unpacked tree ROOT, ld.so
# included. Fails naming a library ROOT does not have.
trixie_needed() {
	local root=$1 f n p
	local -A seen=()
	local -a queue=()
	shift
	queue=("$@")
	while [ ${#queue[@]} -gt 0 ]; do
		f=${queue[0]}
		queue=("${queue[@]:1}")
		for n in $(readelf -d "$f" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p') \
			$(readelf -l "$f" | sed -n 's/.*interpreter: .*\/\([^/]*\)\]/\1/p'); do
			[ -n "${seen[$n]:-}" ] && continue
			seen[$n]=1
			p=""
			for d in usr/lib/"${FOREIGN_TRIPLE:-x86_64-linux-gnu}" \
				lib/"${FOREIGN_TRIPLE:-x86_64-linux-gnu}" usr/lib64 lib64 lib; do
				[ -e "$root/$d/$n" ] && { p=$root/$d/$n; break; }
			done
			[ -n "$p" ] || die "$n (needed by ${f#"$root"/}) is not in $root: add its package"
			echo "$p"
			queue+=("$p")
		done
	done
}

# trixie_stage STAGE ROOT OPT PROG:WRAPPER... - copy each PROG (a path in
# the unpacked tree ROOT) to STAGE/OPT/bin, the libraries they need to
# STAGE/OPT/lib, and write STAGE/usr/bin/WRAPPER that runs PROG through
# trixie's ld.so on those libraries only.
trixie_stage() {
	local st=$1 root=$2 opt=$3 pw prog wrap lib ldso
	local -a progs=()
	shift 3
	mkdir -p "$st$opt/bin" "$st$opt/lib" "$st/usr/bin"
	for pw in "$@"; do
		progs+=("$root/${pw%%:*}")
	done
	ldso=$(readelf -l "${progs[0]}" | sed -n 's/.*interpreter: .*\/\([^/]*\)\]/\1/p')
	[ -n "$ldso" ] || die "${progs[0]#"$root"/} has no ELF interpreter"
	trixie_needed "$root" "${progs[@]}" | while read -r lib; do
		cp -L "$lib" "$st$opt/lib/${lib##*/}"
	done
	for pw in "$@"; do
		prog=${pw%%:*} wrap=${pw#*:}
		cp "$root/$prog" "$st$opt/bin/${prog##*/}"
		cat > "$st/usr/bin/$wrap" <<-EOF
		#!/bin/sh
		# ${FOREIGN_SUITE:-trixie}'s ${prog##*/} on its own glibc and libraries ($opt/VERSIONS)
		exec $opt/lib/$ldso --library-path $opt/lib \\
			$opt/bin/${prog##*/} "\$@"
		EOF
		chmod +x "$st/usr/bin/$wrap"
	done
	cp "$root/VERSIONS" "$st$opt/VERSIONS"
}

# debs_closure PKG... - PKG and every package it depends on (Depends and
# Pre-Depends, recursively; the first of alternatives) in FOREIGN_SUITE.
debs_closure() {
	bash "$TOP/scripts/apt-suite.sh" "${FOREIGN_SUITE:-trixie}" apt-cache depends \
		--recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
		--no-replaces --no-enhances "$@" | grep -E '^[a-z0-9]' | sort -u
}
