#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# debug-kernel.sh [--print] - build the debug kernel (KASAN, UBSAN, lockdep,
# kmemleak, fault injection; CONFIG_TLS=n) from Debian's linux-source-6.12.
#
# Config: allnoconfig plus the fragments tests/vm/debug/*.config, then
# olddefconfig; every option the fragments set is checked in the result.
# Source: the package's tree with tests/vm/debug/fixups.sh applied.
# Built once into $KTLS_CACHE/debug-6.12-<hash>/ (hash of the fragments,
# the fixups, the source package version and the compiler), so it is rebuilt only when
# one of them changes. Builds run under `nice -n 19`. Writes
# $KTLS_CACHE/series-6.12-debug.env for tests/vm/run.sh and `make module`:
#   KREL KIMG KBUILD KSRC KSRCVER as scripts/deps.sh writes them, KDEBUG=1.
# --print: print the build directory and exit (nothing is built).
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
SERIES=6.12
FRAGS=("$TOP"/tests/vm/debug/*.config)
JOBS=${KTLS_JOBS:-$(nproc)}

# shellcheck source=scripts/debs.sh
. "$(dirname "$0")/debs.sh"

load_series "$SERIES"

FIXUPS=$TOP/tests/vm/debug/fixups.sh
# (the fragments' options, not their comments; the source fixups whole)
key=$( { grep -hvE '^[[:space:]]*(#|$)' "${FRAGS[@]}"; cat "$FIXUPS"; echo "$KSRCVER"
	gcc --version | head -n1; } | sha256sum | cut -c1-12)
OUT=$CACHE/debug-$SERIES-$key
if [ "${1:-}" = --print ]; then
	echo "$OUT"
	exit 0
fi

# The whole source tree of the package version deps.sh resolved, with
# tests/vm/debug/fixups.sh applied (.complete holds the fixups' hash: a
# tree made with other fixups is unpacked again).
full_source() {
	local dir=$CACHE/src/linux-full-$SERIES-$KSRCVER deb inner fix
	fix=$(sha256sum < "$FIXUPS" | cut -c1-12)
	if [ "$(cat "$dir/.complete" 2>/dev/null)" != "$fix" ]; then
		deb=$(cached_deb "linux-source-$SERIES" "$KSRCVER") || exit 1
		inner=$(source_tarball "$deb")
		[ -n "$inner" ] || die "no source tarball in $deb"
		log "unpacking the whole source of $(basename "$deb")"
		rm -rf "$dir.tmp"
		mkdir -p "$dir.tmp"
		dpkg-deb --fsys-tarfile "$deb" | tar -xO "$inner" | xz -dc -T0 |
			tar -x -C "$dir.tmp" --strip-components=1
		bash "$FIXUPS" "$dir.tmp" || die "tests/vm/debug/fixups.sh failed on $(basename "$deb")"
		echo "$fix" > "$dir.tmp/.complete"
		rm -rf "$dir"
		mv "$dir.tmp" "$dir"
	fi
	echo "$dir"
}

# Every CONFIG_X=v / CONFIG_X=n of the fragments must hold in .config.
check_config() {
	local f line opt val got bad=0
	for f in "${FRAGS[@]}"; do
		while IFS= read -r line; do
			case "$line" in CONFIG_*=*) ;; *) continue ;; esac
			opt=${line%%=*} val=${line#*=}
			got=$(grep -E "^$opt=|^# $opt is not set" "$OUT/.config" || true)
			case "$val" in
			n) [ -z "$got" ] || [[ "$got" == "# "* ]] || { log "$opt: want n, got $got"; bad=1; } ;;
			*) [ "$got" = "$opt=$val" ] || { log "$opt: want $val, got ${got:-unset}"; bad=1; } ;;
			esac
		done < "$f"
	done
	return $bad
}

write_env() {
	local krel
	krel=$(cat "$OUT/include/config/kernel.release")
	mkdir -p "$OUT/image/boot" "$OUT/image/lib/modules/$krel"
	ln -sf "$OUT/arch/x86/boot/bzImage" "$OUT/image/boot/vmlinuz-$krel"
	cp "$OUT/modules.builtin" "$OUT/image/lib/modules/$krel/"
	cat > "$CACHE/series-$SERIES-debug.env.tmp" <<-EOF
	KREL=$krel
	KIMG=$OUT/image
	KBUILD=$OUT
	KSRC=$KSRC
	KSRCVER=$KSRCVER
	KDEBUG=1
	EOF
	mv "$CACHE/series-$SERIES-debug.env.tmp" "$CACHE/series-$SERIES-debug.env"
}

exec 9>"$CACHE/debug-kernel.lock"
flock 9
if [ -f "$OUT/.complete" ]; then
	write_env
	exit 0
fi
SRC=$(full_source)
log "building into $OUT (nice -n 19, -j$JOBS)"
t0=$(date +%s)
rm -rf "$OUT"
mkdir -p "$OUT"
mk() { nice -n 19 make -s -C "$SRC" O="$OUT" ARCH=x86_64 "$@"; }
mk allnoconfig
(cd "$OUT" && "$SRC/scripts/kconfig/merge_config.sh" -m -O "$OUT" "$OUT/.config" \
	"${FRAGS[@]}") > "$OUT/merge.log" 2>&1 || { cat "$OUT/merge.log"; die "merge_config failed"; }
mk olddefconfig
check_config || die "the fragments do not hold after olddefconfig (see above)"
mk -j"$JOBS" all > "$OUT/build.log" 2>&1 ||
	{ tail -n 40 "$OUT/build.log"; die "kernel build failed (log: $OUT/build.log)"; }
# its modules (consumers.config: NVMe/TCP, and net/tls, never loaded)
# where stage-modules.sh finds Debian's; ktls.ko is built apart
mk INSTALL_MOD_PATH="$OUT/image" modules_install > "$OUT/modules-install.log" 2>&1 ||
	{ tail -n 20 "$OUT/modules-install.log"; die "modules_install failed"; }
t1=$(date +%s)
echo "$((t1 - t0))" > "$OUT/build-seconds"
touch "$OUT/.complete"
write_env
log "built $(cat "$OUT/include/config/kernel.release") in $((t1 - t0)) s"
# Builds of other fragment versions are dropped (each is ~0.5-1 GB) but
# the newest of them. (A fresh cache has no other: that is no error.)
prune_others "$OUT" "$CACHE"/debug-$SERIES-*/
