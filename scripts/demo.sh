#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# demo.sh - the README's first command: build ktls.ko and the ktls CLI, boot
# Debian's 6.1 kernel in qemu with ktls.ko as the "tls" ULP, move a 4 MiB
# file with `ktls serve` (sendfile over kTLS) and `ktls get` (kTLS RX), and
# show the hashes and the kernel's counters.
set -euo pipefail
cd "$(dirname "$0")/.."
SERIES=${SERIES:-6.1}
make -s module SERIES="$SERIES"
make -s -C tools static
out=$(mktemp)
trap 'rm -f "$out"' EXIT
set +e
bash tests/vm/run.sh --series "$SERIES" --module ktls --suites demo \
	--extra-suite tests/vm/demo/demo.sh --known /dev/null > "$out" 2>&1
rc=$?
set -e
run=$(sed -n 's/^\[vm\] logs: \([^ ]*\).*/\1/p' "$out")
grep -E '^\[vm\] accelerator' "$out"
echo "---- in the VM ($SERIES, ktls.ko) ----"
sed -n '/KTLS-SUITE-BEGIN demo/,/KTLS-SUITE-END demo/p' "$run/results.log" |
	grep -v '^KTLS-'
echo "--------------------------------------"
grep -E '^\[vm\] (RED|verdict)' "$out"
tail -n1 "$out"
exit $rc
