#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage-files.sh STAGE < LIST - copy host programs (one path a line) into
# the initramfs at the same path, with the shared libraries they load.
# A line `@scripts/X.sh` runs `bash scripts/X.sh stage STAGE` (path from the
# repository top) for programs that do not live on the host (apps.files).
set -euo pipefail
STAGE=$1
TOP=$(cd "$(dirname "$0")/../.." && pwd)

copy() {
	[ -e "$STAGE$1" ] && return 0
	mkdir -p "$STAGE$(dirname "$1")"
	cp -L "$1" "$STAGE$1"
}

while read -r f; do
	case "$f" in
	''|'#'*) continue ;;
	@*) bash "$TOP/${f#@}" stage "$STAGE" </dev/null; continue ;;
	esac
	[ -e "$f" ] || { echo "stage-files: \`$f' not found on the host" >&2; exit 1; }
	copy "$f"
	[ -d "$f" ] && continue
	ldd "$f" 2>/dev/null | grep -oE '/[^ ]+' | while read -r lib; do
		copy "$lib"
	done || true
done
