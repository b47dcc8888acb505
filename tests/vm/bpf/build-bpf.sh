#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build-bpf.sh SERIES OUTDIR - extract the kernel's own BPF sockmap tests of
# the series for the `bpf` VM suite (tests/vm/suites/bpf.sh) and have
# tests/vm/Makefile (`make bpf`) build:
#   test_sockmap                 tools/testing/selftests/bpf/test_sockmap.c
#   test_sockmap_kern.bpf.o      its BPF objects (clang -target bpf)
#   test_sockhash_kern.bpf.o
#   sockmap_ktls                 prog_tests/sockmap_ktls.c, built alone with
#                                tests/vm/bpf/test_progs_shim.c
# from Debian's linux-source-<series> (extracted here at test time, never
# committed), with the series' own libbpf (tools/lib/bpf, built static
# here as the upstream selftests' Makefile does), clang/llvm, libelf-dev
# and zlib1g-dev.
# build-bpf.sh stage STAGE (from ../suites/bpf.files; series in KTLS_SERIES)
# builds and copies them to STAGE/opt/bpf.
set -euo pipefail
LOG_PREFIX=bpf
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../../../scripts/lib.sh"

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
load_series "$SERIES"
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
mkdir -p "$OUT"
# the compiling is tests/vm/Makefile's (its `bpf` target)
make -s -C "$TOP/tests/vm" bpf SERIES="$SERIES" OUT="$OUT" BPFSRC="$SRC"
