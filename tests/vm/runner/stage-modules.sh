#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage-modules.sh KIMG KREL STAGE KO [EXTRA_KO] - put the crypto modules the
# TLS module needs into the initramfs, dependencies first, and write the
# load order to STAGE/etc/ktls-modules ("file required" lines; "test" marks
# the module under test). KO empty = Debian's in-tree tls.ko.
#
# stage-modules.sh --suite NAME KIMG KREL STAGE MODULE... - a suite's own
# modules (and what they depend on), which the suite loads itself in the
# order of STAGE/etc/ktls-modules-NAME: init does not load them.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../../../scripts/lib.sh"
SUITE=""
if [ "$1" = --suite ]; then
	SUITE=$2
	shift 2
fi
KIMG=$1 KREL=$2 STAGE=$3 KO=${4:-} EXTRA=${5:-}
LIST=$STAGE/etc/ktls-modules${SUITE:+-$SUITE}
MODROOT=$KIMG/lib/modules/$KREL

# The guest has no modprobe: templates (gcm, ccm, rfc7539) request their
# parts at run time, so those are loaded up front. "?" = may be missing or
# refuse to load (CPU feature), which is fine. inet_diag + tcp_diag: the
# sock_diag handler for TCP, for `ktls stat`'s per-socket view. The
# arm64 kernels' ARMv8 crypto-extension drivers last (x86's are missing
# there and the other way round).
# "a|b": the first of these the kernel has (7.x renamed or folded some:
# chacha_generic is chacha, ghash and poly1305 became library code).
WANT="gf128mul ghash-generic|gcm ?ghash-clmulni-intel ctr gcm ccm ?cryptd
?crypto_simd ?aesni-intel libchacha chacha_generic|chacha ?chacha-x86_64
libpoly1305 poly1305_generic|libpoly1305 ?poly1305-x86_64 chacha20poly1305
?libchacha20poly1305
?sm4 ?sm4_generic ?aria_generic ?aria ?af_alg ?algif_aead ?algif_skcipher
?inet_diag ?tcp_diag
?ghash-ce ?aes-ce-cipher ?aes-ce-blk ?aes-neon-bs ?aes-ce-ccm ?chacha-neon
?poly1305-neon ?sm4-ce ?sm4-neon ?sm4-ce-gcm ?sm4-ce-ccm"

declare -A IDX=() SEEN=()
while IFS= read -r p; do
	n=${p##*/}; n=${n%%.ko*}; n=${n//-/_}
	IDX[$n]=$p
done < <(find "$MODROOT" -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst')

builtin() { grep -qE "/${1//[-_]/[-_]}\.ko$" "$MODROOT/modules.builtin"; }

stage() {	# stage SRC NAME -> prints staged path relative to lib/modules
	local dst=$STAGE/lib/modules/$2.ko
	case "$1" in
	*.xz) xz -dc "$1" > "$dst" ;;
	*.zst) zstd -qdc "$1" > "$dst" ;;
	*) cp "$1" "$dst" ;;
	esac
}

deps() { modinfo -F depends "$1" | tr ',' ' '; }

add() {		# add NAME REQUIRED
	local n=${1//-/_} req=$2 d
	[ -n "${SEEN[$n]:-}" ] && return 0
	SEEN[$n]=1
	if [ -z "${IDX[$n]:-}" ]; then
		builtin "$1" && return 0
		[ "$req" = 1 ] && die "module $1 not found in $MODROOT"
		return 0
	fi
	stage "${IDX[$n]}" "$n"
	for d in $(deps "$STAGE/lib/modules/$n.ko"); do add "$d" 1; done
	echo "$n.ko $req" >> "$LIST"
}

if [ -n "$SUITE" ]; then
	: > "$LIST"
	shift 3
	for m in "$@"; do add "$m" 1; done
	cat "$LIST"
	exit 0
fi

: > "$LIST"
[ "${KTLS_ALL_BUILTIN:-0}" = 1 ] && WANT=""
for m in $WANT; do
	case "$m" in
	\?*) add "${m#\?}" 0 ;;
	*\|*) alt=""
		for a in ${m//|/ }; do
			if [ -n "${IDX[${a//-/_}]:-}" ] || builtin "$a"; then alt=$a; break; fi
		done
		add "${alt:-${m%%|*}}" 1 ;;
	*) add "$m" 1 ;;
	esac
done
if [ -n "$EXTRA" ]; then
	case "$EXTRA" in
	intree) add tls 1 ;;
	*) cp "$EXTRA" "$STAGE/lib/modules/extra.ko"
	   echo "extra.ko 1" >> "$LIST" ;;
	esac
fi
if [ -z "$KO" ]; then
	src=${IDX[tls]:?no tls.ko in $MODROOT}
	stage "$src" test/tls
	for d in $(deps "$STAGE/lib/modules/test/tls.ko"); do add "$d" 1; done
	echo "test/tls.ko test" >> "$LIST"
else
	name=${KO##*/}; name=${name%%.ko*}
	stage "$KO" "test/$name"
	for d in $(deps "$STAGE/lib/modules/test/$name.ko"); do add "$d" 1; done
	vm=$(modinfo -F vermagic "$STAGE/lib/modules/test/$name.ko")
	[ "${vm%% *}" = "$KREL" ] ||
		die "$KO is built for ${vm%% *}, not $KREL"
	echo "test/$name.ko test" >> "$LIST"
fi
cat "$LIST"
