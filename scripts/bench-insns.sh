#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# bench-insns.sh RAW RESULTS - name the addresses of the insns part
# (tests/bench/insncount.c's counts, one block per guest marker) with the
# kernel's and the modules' text symbols the guest printed, and
# print "ulp mode count round function instructions calls rep-iterations
# bytes-copied bytes-cleared" per run (ulp: tls, ktls, ktls2 for the A/A
# control, tcp for plain TCP; count: payload bytes, or round trips for
# the pingpong modes; function "[user]": all of user space; "[unknown]":
# kernel addresses no symbol covers; calls: executions of the block at
# the symbol's address; rep-iterations: those of rep string instructions,
# each of which the instruction count includes as one instruction;
# bytes-copied / bytes-cleared: what rep movs / rep stos moved).
set -euo pipefail
RAW=$1
RES=$2
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
[ -s "$RAW" ] || die "no counts in \`$RAW' (did qemu load the plugin?)"
grep -q '^# KSYM ' "$RES" || die "no kernel symbols in \`$RES'"
{
	# symbols sort before the counts at the same address ("A" < "B")
	sed -n 's/^# KSYM //p' "$RES" | awk '{ print $1, "A", $2 $3 }'
	# (kernel addresses, all 16 hexadecimal digits: they sort as text,
	# after user space's "0")
	awk '$1 == "mark" { m = $2; next } { print $1, "B", m, $2, $3, $4, $5 + 0, $6 + 0 }' "$RAW"
} | LC_ALL=C sort -k1,1 -k2,2 | awk -v res="$RES" '
	BEGIN {
		while ((getline l < res) > 0) {
			if (l !~ /^# INSNS /) continue
			split(l, a, " ")
			run[a[3]] = a[4] " " a[5] " " a[6] " " (a[7] == "" ? 1 : a[7])
		}
		sym = "[unknown]"
	}
	$1 == "0" { if ($3 in run) { n[$3, "[user]"] += $4; c[$3, "[user]"] += $5 }; next }
	$2 == "A" { sym = $3; at = $1; next }
	($3 in run) {
		n[$3, sym] += $4; r[$3, sym] += $6; mv[$3, sym] += $7; st[$3, sym] += $8
		if ($1 == at) c[$3, sym] += $5
	}
	END {
		for (k in n) {
			split(k, a, SUBSEP)
			print run[a[1]], a[2], n[k], c[k] + 0, r[k] + 0, mv[k] + 0, st[k] + 0
		}
	}'
