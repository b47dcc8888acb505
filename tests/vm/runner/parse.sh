#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# parse.sh RUNDIR KNOWN QEMU_RC [SCOPE] - judge one VM run.
#
# Reads RUNDIR/results.log (second serial port: suite TAP and the verdict)
# and RUNDIR/console.log. Red when: qemu failed or timed out, the guest
# never booted, the verdict line is missing, not last, or FAIL (module
# load, suite timeout, gauges, unload, kernel warnings), a suite has no TAP
# plan or fewer results than planned, any SKIP, "testing without tls", a
# failure not in KNOWN, a KNOWN test that passed, or an entry of KNOWN
# whose number of failures is not its count (SCOPE full, the default: the
# whole selection of each suite that ran) or more than it (SCOPE partial:
# --filter, --skip-tests, --selftest-from, --fake-selftest). KNOWN: the
# format of tests/vm/known/README; RUNDIR/known.txt gets it flattened.
# Writes RUNDIR/tests.txt (STATUS name per test) and prints per-suite
# counts, every non-passing test, and last `N passed, N failed`.
set -uo pipefail
RUN=$1 KNOWN=$2 QRC=$3 SCOPE=${4:-full}
RES=$RUN/results.log
CON=$RUN/console.log
PROBLEMS=()
problem() { PROBLEMS+=("$*"); }

[ "$QRC" = 0 ] || problem "qemu exited with $QRC$([ "$QRC" = 124 ] && echo ' (VM time limit)')"
grep -q '^KTLS-BOOTED' "$RES" || problem "the guest did not boot"
grep -q 'Kernel panic' "$CON" && problem "kernel panic: $(grep -m1 -E 'Kernel panic' "$CON")"
verdict=$(grep '^KTLS-' "$RES" | tail -n1)
case "$verdict" in
"KTLS-VERDICT PASS") ;;
"KTLS-VERDICT FAIL"*) problem "guest: ${verdict#KTLS-VERDICT FAIL; }" ;;
*) problem "no verdict from the guest (last marker: ${verdict:-none})" ;;
esac
if [ -n "$verdict" ] && [ "$(grep -c '^KTLS-VERDICT' "$RES")" -gt 1 ]; then
	problem "more than one verdict line"
fi

: > "$RUN/tests.txt"
awk -f "$(dirname "$0")/known.awk" "$KNOWN" > "$RUN/known.txt.new" &&
	mv "$RUN/known.txt.new" "$RUN/known.txt"
awk -v known="$RUN/known.txt" -v scope="$SCOPE" -v out="$RUN/tests.txt" -f "$(dirname "$0")/parse.awk" "$RES" > "$RUN/summary.txt"

while IFS= read -r l; do
	case "$l" in
	PROBLEM*) problem "${l#PROBLEM }" ;;
	*) echo "$l" ;;
	esac
done < "$RUN/summary.txt"

grep -E '^(FAIL|SKIP|XPASS|XFAIL|FLAKY-FAIL) ' "$RUN/tests.txt" | sort | awk '
	$1 == "XFAIL" { xf++; next }
	{ print "  " $0 }
	END { if (xf) print "  (" xf " known failures, listed in tests.txt)" }'
# What the harness said of each unexpected failure (its RUN/FAIL lines and
# the "file:line:test:Expected ..." ones; shards interleave, so by name):
# the CI log is often all there is of a run on another machine.
grep '^FAIL ' "$RUN/tests.txt" | head -n 5 | while read -r _ full; do
	name=${full#*:}
	echo "  --- $full, from results.log:"
	grep -F -e "$name" -e ":${name##*.}:" "$RES" | grep -v '^ok ' |
		tail -n 12 | sed 's/^/    /'
done
nf=$(grep -c '^FAIL ' "$RUN/tests.txt")
ns=$(grep -c '^SKIP ' "$RUN/tests.txt")
[ "$nf" = 0 ] || problem "$nf unexpected failure(s) (not in $(basename "$KNOWN"))"
[ "$ns" = 0 ] || problem "$ns test(s) skipped: a skip is a failure here"

npass=$(grep -cE '^(PASS|XPASS|FLAKY-PASS) ' "$RUN/tests.txt")
nfail=$(grep -cE '^(FAIL|XFAIL|SKIP|FLAKY-FAIL) ' "$RUN/tests.txt")
# the selftest's slowest tests (shard.sh's `# took` lines), for CI time
grep '^# took ' "$RES" | sort -k3,3 -rn | head -n 30 | cut -c8- > "$RUN/slow.txt"
echo "[vm] logs: $RUN (console.log, results.log, tests.txt, slow.txt)"
if [ ${#PROBLEMS[@]} -gt 0 ]; then
	for p in "${PROBLEMS[@]}"; do echo "[vm] RED: $p"; done
	echo "[vm] console tail:"
	tail -n 15 "$CON" | sed 's/^/    /'
	echo "[vm] verdict: FAIL"
	echo "$npass passed, $nfail failed"
	exit 1
fi
echo "[vm] verdict: PASS (all failures are known gaps)"
echo "$npass passed, $nfail failed"
exit 0
