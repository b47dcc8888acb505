#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fixups.sh SRC - the changes the debug kernel's source tree needs, made
# by scripts/debug-kernel.sh to its own unpacked tree before the build
# (the script is part of the build's hash: a change here rebuilds it).
# Each one says what it changes and why; an anchor not found exactly once
# is an error, so a new source version that moved it is seen at once.
#
# 1. kernel/padata.c: the serial queues' locks get a lockdep class of
#    their own. padata_reorder() takes a reorder list's lock while it
#    holds a serial queue's (always in that order: no path takes them the
#    other way round), but both are `struct padata_list` locks, set up by
#    one spin_lock_init() and so one class, and lockdep reports that
#    nesting as recursive locking and then switches itself off for the
#    rest of the boot. Every pcrypt run hits it (no ktls code on the
#    stack), so without this the debug kernel could not check locking with
#    pcrypt (docs/testing.md, "Every AEAD asynchronous").
set -euo pipefail
SRC=$1

# insert_after FILE ANCHOR-REGEX TEXT: TEXT after the one line matching
# ANCHOR-REGEX (awk ERE)
insert_after() {
	local f=$SRC/$1 n
	n=$(grep -cE "$2" "$f" || true)
	[ "$n" = 1 ] || { echo "fixups.sh: $1: \`$2' matches $n lines, not 1" >&2; exit 1; }
	awk -v re="$2" -v text="$3" '{ print } $0 ~ re { print text }' "$f" > "$f.new"
	mv "$f.new" "$f"
}

if ! grep -q ktls_debug_serial_lock_key "$SRC/kernel/padata.c"; then
	insert_after kernel/padata.c '^static DEFINE_SPINLOCK\(padata_works_lock\);$' \
		'static struct lock_class_key ktls_debug_serial_lock_key;	/* debug/fixups.sh */'
	insert_after kernel/padata.c '__padata_list_init\(&squeue->serial\);' \
		'		lockdep_set_class(&squeue->serial.lock, &ktls_debug_serial_lock_key);'
fi
