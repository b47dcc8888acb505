# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# trixie.sh - sourced by the staging scripts of VM suites that run Debian
# trixie's programs in the guest (scripts/apps.sh, scripts/consumers.sh).
# The packages are fetched with scripts/apt-suite.sh (a private apt
# configuration), unpacked into the cache, never installed on the host;
# in the guest a program runs through trixie's own ld.so with only
# trixie's libraries (a wrapper script on PATH). The caller defines TOP,
# log and die.

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
		debs+=("$(bash "$TOP/scripts/apt-suite.sh" trixie download "$p")") ||
			die "cannot fetch trixie's $p"
	done
	unpack "$dir" "$*" "${debs[@]}"
	log "trixie: $(paste -sd, "$dir/VERSIONS")"
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
			for d in usr/lib/x86_64-linux-gnu lib/x86_64-linux-gnu usr/lib64 lib64; do
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
	local st=$1 root=$2 opt=$3 pw prog wrap lib
	local -a progs=()
	shift 3
	mkdir -p "$st$opt/bin" "$st$opt/lib" "$st/usr/bin"
	for pw in "$@"; do
		progs+=("$root/${pw%%:*}")
	done
	trixie_needed "$root" "${progs[@]}" | while read -r lib; do
		cp -L "$lib" "$st$opt/lib/${lib##*/}"
	done
	for pw in "$@"; do
		prog=${pw%%:*} wrap=${pw#*:}
		cp "$root/$prog" "$st$opt/bin/${prog##*/}"
		cat > "$st/usr/bin/$wrap" <<-EOF
		#!/bin/sh
		# trixie's ${prog##*/} on trixie's glibc and libraries ($opt/VERSIONS)
		exec $opt/lib/ld-linux-x86-64.so.2 --library-path $opt/lib \\
			$opt/bin/${prog##*/} "\$@"
		EOF
		chmod +x "$st/usr/bin/$wrap"
	done
	cp "$root/VERSIONS" "$st$opt/VERSIONS"
}
