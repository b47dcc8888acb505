#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dkms-tree.sh DEST - write the DKMS source tree of ktls.ko to DEST: the
# sources of module/ with core/ copied for real (module/core is a symlink,
# which DKMS would not follow out of /usr/src) and module/dkms.conf at its
# top. Only sources are copied, never build products of a working tree.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
DEST=${1:?usage: dkms-tree.sh DEST}

rm -rf "$DEST"
mkdir -p "$DEST"
cd "$TOP/module"
find -L . -type f \( -name '*.c' -o -name '*.h' -o -name Kbuild \
	-o -name Makefile -o -name dkms.conf -o -name '*.sh' \
	-o -name 'Kbuild.include' \) ! -name '*.mod.c' -print0 |
	while IFS= read -r -d '' f; do
		install -D -m "$([ -x "$f" ] && echo 755 || echo 644)" "$f" "$DEST/$f"
	done
for f in Kbuild Makefile dkms.conf compat/probe.sh core/record.c; do
	[ -f "$DEST/$f" ] || { echo "dkms-tree: $f missing from $DEST" >&2; exit 1; }
done
