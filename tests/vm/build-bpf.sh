#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build-bpf.sh SERIES OUTDIR - build the kernel's own BPF sockmap tests of
# the series for the `bpf` VM suite (tests/vm/suites/bpf.sh):
#   test_sockmap                 tools/testing/selftests/bpf/test_sockmap.c
#   test_sockmap_kern.bpf.o      its BPF objects (clang -target bpf)
#   test_sockhash_kern.bpf.o
#   sockmap_ktls                 prog_tests/sockmap_ktls.c, built alone with
#                                tests/vm/bpf/test_progs_shim.c
# from Debian's linux-source-<series> (extracted here at test time, never
# committed), with the series' own libbpf (tools/lib/bpf, built static
# here as the upstream selftests' Makefile does), clang/llvm, libelf-dev
# and zlib1g-dev.
# build-bpf.sh stage STAGE (from suites/bpf.files; series in KTLS_SERIES)
# builds and copies them to STAGE/opt/bpf.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${KTLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ktls}
log() { printf '[bpf] %s\n' "$*" >&2; }
die() { printf '[bpf] error: %s\n' "$*" >&2; exit 1; }

if [ "$1" = stage ]; then
	STAGE=$2
	SERIES=${KTLS_SERIES:?build-bpf.sh stage: KTLS_SERIES not set}
	OUT=$TOP/build/$SERIES/bpf
	bash "$0" "$SERIES" "$OUT"
	mkdir -p "$STAGE/opt/bpf"
	cp "$OUT"/test_sockmap "$OUT"/*.bpf.o "$OUT"/sockmap_ktls "$STAGE/opt/bpf/"
	exit 0
fi
SERIES=$1
OUT=$2
# shellcheck disable=SC1090
. "$CACHE/series-$SERIES.env"
# shellcheck source=scripts/debs.sh
. "$TOP/scripts/debs.sh"

# The BPF selftest files of the series' linux-source (the tls selftest's
# extraction in deps.sh does not take them); the debug kernel's are its
# source series'.
SRCSERIES=${SERIES%-debug}
SRCSERIES=${SRCSERIES%-trixie}
SRC=$CACHE/src/bpf-$SRCSERIES-$KSRCVER
if [ ! -f "$SRC/.complete" ]; then
	deb=$(cached_deb "linux-source-$SRCSERIES" "$KSRCVER")
	log "extracting the BPF sockmap selftests from $(basename "$deb")"
	rm -rf "$SRC.tmp"
	mkdir -p "$SRC.tmp"
	source_extract "$deb" "$SRC.tmp" \
		'*/tools/testing/selftests/bpf/test_sockmap.c' \
		'*/tools/testing/selftests/bpf/cgroup_helpers.[ch]' \
		'*/tools/testing/selftests/bpf/bpf_util.h' \
		'*/tools/testing/selftests/bpf/progs/test_sockmap_kern.[ch]' \
		'*/tools/testing/selftests/bpf/progs/test_sockhash_kern.c' \
		'*/tools/testing/selftests/bpf/progs/bpf_misc.h' \
		'*/tools/testing/selftests/bpf/prog_tests/sockmap_ktls.c' \
		'*/tools/include/*' \
		'*/tools/lib/bpf/*' \
		'*/tools/scripts/*' \
		'*/tools/build/*' \
		'*/tools/arch/x86/include/*' \
		'*/scripts/bpf_doc.py' \
		'*/include/uapi/linux/bpf.h'
	touch "$SRC.tmp/.complete"
	rm -rf "$SRC"
	mv "$SRC.tmp" "$SRC"
fi
B=$SRC/tools/testing/selftests/bpf
mkdir -p "$OUT"

newer() {	# newer TARGET SOURCES... : TARGET missing or older than a source
	local t=$1; shift
	[ -e "$t" ] || return 0
	for s in "$@"; do [ "$s" -nt "$t" ] && return 0; done
	return 1
}

# The series' libbpf: 6.12's test_sockmap attaches with
# bpf_program__attach_sockmap() (libbpf 1.5), which Debian 12's libbpf-dev
# (1.1.2) lacks; the same source's libbpf fits each series' tests.
# Built once per source into the cache (26 s here), like the extraction.
LIBBPF=$SRC/libbpf
if [ ! -f "$LIBBPF/libbpf.a" ]; then
	log "building the series' libbpf"
	rm -rf "$LIBBPF.tmp"
	mkdir -p "$LIBBPF.tmp"
	make -s -C "$SRC/tools/lib/bpf" -j"$(nproc)" OUTPUT="$LIBBPF.tmp/" \
		"$LIBBPF.tmp/libbpf.a" >"$OUT/libbpf.log" 2>&1 ||
		{ cat "$OUT/libbpf.log" >&2; die "libbpf build failed"; }
	rm -rf "$LIBBPF"
	mv "$LIBBPF.tmp" "$LIBBPF"
fi

# BPF objects: the series' uapi (tools/include/uapi) and bpf_helpers.h. No BTF or vmlinux.h needed: these programs use no CO-RE.
# The bpf target defines neither __x86_64__ nor __i386__, so glibc's
# gnu/stubs.h asks for gnu/stubs-32.h, which amd64's libc6-dev lacks: an
# empty one (it only lists unimplemented functions) stands in.
mkdir -p "$OUT/bpfinc/gnu"
: > "$OUT/bpfinc/gnu/stubs-32.h"
for p in test_sockmap_kern test_sockhash_kern; do
	o=$OUT/$p.bpf.o
	if newer "$o" "$B/progs/$p.c" "$B/progs/test_sockmap_kern.h" "$0"; then
		clang -O2 -g -target bpf -D__TARGET_ARCH_x86 \
			-I"$SRC/tools/include/uapi" -I"$SRC/tools/lib" -I"$LIBBPF" \
			-I/usr/include/x86_64-linux-gnu -I"$B/progs" -idirafter "$OUT/bpfinc" -Wno-compare-distinct-pointer-types \
			-c "$B/progs/$p.c" -o "$o"
	fi
done

# User programs, static against that libbpf.a.
UFLAGS=(-static -O2 -g -Wall -Wno-unused-variable -Wno-unused-but-set-variable
	-Wno-address -Wno-format-truncation -Wno-stringop-truncation
	-Wno-unused-function -I"$TOP/tests/vm/bpf" -I"$B" -I"$OUT/inc"
	-I"$SRC/tools/lib" -I"$LIBBPF" -I"$SRC/tools/include/uapi")
# test_sockmap.c uses the kernel's min()/max() from tools/include/linux/
# kernel.h, and 6.12's bpf_util.h <linux/args.h>; that whole directory on
# the include path would shadow glibc's view of the kernel headers, so
# min()/max() come from test_sockmap_shim.h and args.h alone is copied.
mkdir -p "$OUT/inc/linux"
if [ -f "$SRC/tools/include/linux/args.h" ]; then
	cp "$SRC/tools/include/linux/args.h" "$OUT/inc/linux/args.h"
fi
LIBS=("$LIBBPF/libbpf.a" -lelf -lz)
if newer "$OUT/test_sockmap" "$B/test_sockmap.c" "$B/cgroup_helpers.c" "$LIBBPF/libbpf.a" \
	"$TOP/tests/vm/bpf/test_sockmap_shim.h" "$TOP/tests/vm/bpf/unbuffered.c" "$0"; then
	gcc "${UFLAGS[@]}" -include "$TOP/tests/vm/bpf/test_sockmap_shim.h" \
		-o "$OUT/test_sockmap" "$B/test_sockmap.c" "$B/cgroup_helpers.c" \
		"$TOP/tests/vm/bpf/unbuffered.c" "${LIBS[@]}"
fi
if newer "$OUT/sockmap_ktls" "$B/prog_tests/sockmap_ktls.c" \
	"$TOP/tests/vm/bpf/test_progs_shim.c" "$TOP/tests/vm/bpf/test_progs.h" "$LIBBPF/libbpf.a" "$0"; then
	gcc "${UFLAGS[@]}" -o "$OUT/sockmap_ktls" "$B/prog_tests/sockmap_ktls.c" \
		"$TOP/tests/vm/bpf/test_progs_shim.c" "${LIBS[@]}"
fi
