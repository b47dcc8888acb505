#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build-guest.sh SERIES OUTDIR - build the static programs the test VM runs:
#   tls-selftest   the upstream selftest tls.c of the series' linux-source,
#                  wrapped by ksft_filter.c (test filter, 6.1 compat)
#   ktls-NAME      our own in-guest tests, tests/vm/guest/NAME.c (liburing
#                  for uring.c: liburing-dev ships liburing.a)
# The selftest sources come from the linux-source package (scripts/deps.sh)
# and are never committed. Series of another architecture (SERIES-arm64)
# build with its cross gcc (KCROSS) and link the static libraries of its
# sysroot (KSYSROOT: libcrypto, liburing).
set -euo pipefail
SERIES=$1
OUT=$2
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${KTLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ktls}
KCROSS="" KSYSROOT=""
# shellcheck disable=SC1090
. "$CACHE/series-$SERIES.env"
CC=${KCROSS}gcc
SYSROOT=()
if [ -n "$KSYSROOT" ]; then
	SYSROOT=(-I"$KSYSROOT/usr/include" -I"$KSYSROOT/usr/include/${KCROSS%-}"
		-L"$KSYSROOT/usr/lib/${KCROSS%-}")
fi
# KTLS_SELFTEST_FROM=S: the selftest (with its uapi and harness) of series
# S instead, as tls-selftest-S: a newer series' tests against this kernel.
mkdir -p "$OUT/uapi/linux"
cp "$KSRC/include/uapi/linux/tls.h" "$OUT/uapi/linux/tls.h"
SELFTEST=tls-selftest STUAPI=$OUT/uapi
if [ -n "${KTLS_SELFTEST_FROM:-}" ]; then
	# shellcheck disable=SC1090
	KSRC=$(. "$CACHE/series-$KTLS_SELFTEST_FROM.env" && echo "$KSRC")
	SELFTEST=tls-selftest-$KTLS_SELFTEST_FROM
	STUAPI=$OUT/uapi-$KTLS_SELFTEST_FROM
	mkdir -p "$STUAPI/linux"
	cp "$KSRC/include/uapi/linux/tls.h" "$STUAPI/linux/tls.h"
fi
ST=$KSRC/tools/testing/selftests
CFLAGS=(-static -O2 -g -Wall -Wno-incompatible-pointer-types -I"$OUT/uapi" -I"$ST" -pthread
	${SYSROOT[@]+"${SYSROOT[@]}"})

newer() {	# newer TARGET SOURCES... : TARGET missing or older than a source
	local t=$1; shift
	[ -e "$t" ] || return 0
	for s in "$@"; do [ "$s" -nt "$t" ] && return 0; done
	return 1
}

# 6.1's tls.c calls tls_crypto_info_init() with a 4th argument (key
# generation) in its rekey tests, but its helper still takes 3.
DEFS=()
if grep -qE 'tls_crypto_info_init\(([^,;]*,){3}[^,;]*\);' "$ST/net/tls.c" &&
   ! grep -q 'char key_generation' "$ST/net/tls.c"; then
	DEFS+=(-DKTLS_KSFT_INIT3)
fi
if grep -q '__test_passed' "$ST/net/tls.c" &&
   ! grep -q '__test_passed' "$ST/kselftest_harness.h"; then
	DEFS+=(-DKTLS_KSFT_NO_TEST_PASSED)
fi
src=$TOP/tests/vm/ksft_filter.c
if newer "$OUT/$SELFTEST" "$ST/net/tls.c" "$src" "$0"; then
	$CC -I"$STUAPI" "${CFLAGS[@]}" "${DEFS[@]}" -DKSFT_SOURCE="\"$ST/net/tls.c\"" \
		-o "$OUT/$SELFTEST" "$src"
fi

for c in "$TOP"/tests/vm/guest/*.c; do
	[ -f "$c" ] || continue
	n=$(basename "$c" .c)
	# extra libraries: a "/* guest-libs: -lfoo */" line in the source
	read -r -a libs <<<"$(sed -n 's|^/\* guest-libs: \(.*\) \*/$|\1|p' "$c")"
	if newer "$OUT/ktls-$n" "$c" "$TOP"/tests/vm/guest/*.h "$TOP"/core/*.c; then
		$CC "${CFLAGS[@]}" -I"$TOP/tests/vm/guest" -I"$TOP" -o "$OUT/ktls-$n" \
			"$c" "$TOP/core/record.c" "${libs[@]}" -lcrypto -ldl
	fi
done
