#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build-deb.sh [--worktree] [REF] - build the Debian packages from a clean
# export of REF (default HEAD; --worktree: the working tree's tracked and
# new, not ignored, files) with dpkg-buildpackage, run lintian, and put the
# .debs, the .changes and lintian.txt into build/deb/.
set -euo pipefail
# [deb] lines on stdout
LOG_PREFIX=deb LOG_FD=1
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
OUT=$TOP/build/deb
MODE=ref REF=HEAD
case "${1:-}" in
--worktree) MODE=worktree ;;
'') ;;
*) REF=$1 ;;
esac
BUILD_DEPS="build-essential debhelper dh-dkms dkms lintian libssl-dev pkgconf fakeroot"

# Installs only what is missing, so a second run asks apt nothing.
install_deps() {
	local missing=() p
	for p in $BUILD_DEPS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	local sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y \
		--no-install-recommends "${missing[@]}" ||
		{ $sudo apt-get update && $sudo env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends "${missing[@]}"; }
}

export_tree() {	# export_tree DEST
	mkdir -p "$1"
	if [ $MODE = ref ]; then
		git -C "$TOP" archive --format=tar "$REF" | tar -x -C "$1"
	else
		git -C "$TOP" ls-files -z -c -o --exclude-standard |
			(cd "$TOP" && xargs -0 cp --parents -P -t "$1" 2>/dev/null || true)
	fi
}

install_deps
VERSION=$(dpkg-parsechangelog -l "$TOP/debian/changelog" -S Version)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ktls-deb.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
SRC=$WORK/ktls-$VERSION
export_tree "$SRC"
[ -f "$SRC/debian/control" ] || die "no debian/ in $MODE export${REF:+ of $REF}"
log "building ktls $VERSION from $([ $MODE = ref ] && git -C "$TOP" rev-parse --short "$REF" || echo 'the working tree') in $SRC"
(cd "$SRC" && nice dpkg-buildpackage -us -uc -b -j"$(nproc)") > "$WORK/build.log" 2>&1 ||
	{ tail -n 40 "$WORK/build.log"; die "dpkg-buildpackage failed"; }
rm -rf "$OUT"
mkdir -p "$OUT"
cp "$WORK/build.log" "$OUT/"
mv "$WORK"/*.deb "$WORK"/*.changes "$WORK"/*.buildinfo "$OUT/"
CHANGES=$(ls "$OUT"/*.changes)
lintian --info --tag-display-limit 0 "$CHANGES" > "$OUT/lintian.txt" 2>&1 || true
log "packages in $OUT:"
ls "$OUT"/*.deb | sed 's/^/[deb]   /'
log "lintian: $(grep -cE '^[EW]: ' "$OUT/lintian.txt" || true) errors/warnings, see $OUT/lintian.txt"
