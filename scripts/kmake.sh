#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kmake.sh - build an external module against one series' headers.
#
# Usage: scripts/kmake.sh SERIES DIR [MAKE-ARGS...]   (default: modules)
# Runs `make -C $KBUILD M=DIR` with the series' env (scripts/deps.sh).
# For series whose headers live in a build root of another suite (KROOT,
# scripts/buildroot.sh) it runs there through chroot, with DIR bound at the
# same path, in a private mount namespace (nothing stays mounted).
# Series of another architecture (SERIES-arm64) are cross-built with the
# series' CROSS_COMPILE prefix (KCROSS); their headers name the compiler.
# KTLS_JOBS=N: make -jN (tests/check-all.sh sets it to the CPU count).
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
[ $# -ge 2 ] || { echo "usage: kmake.sh SERIES DIR [MAKE-ARGS...]" >&2; exit 2; }
SERIES=$1 DIR=$(cd "$2" && pwd)
shift 2
[ $# -gt 0 ] || set -- modules
load_series "$SERIES"
[ -z "$KCROSS" ] || set -- CROSS_COMPILE="$KCROSS" "$@"
[ -z "${KTLS_JOBS:-}" ] || set -- -j"$KTLS_JOBS" "$@"
if [ -z "$KROOT" ]; then
	exec make -C "$KBUILD" M="$DIR" "$@"
fi
mkdir -p "$KROOT$DIR"
exec unshare --mount --propagation private -- sh -c '
	root=$1 dir=$2 kbuild=$3; shift 3
	mount --bind "$dir" "$root$dir" && mount -t proc proc "$root/proc" &&
	exec chroot "$root" make -C "$kbuild" M="$dir" "$@"' \
	sh "$KROOT" "$DIR" "$KBUILD" "$@"
