# SPDX-License-Identifier: GPL-2.0
# parse.awk - per-test status and per-suite counts from a VM results log.
# Input: results.log; -v known=FILE -v out=tests.txt; prints summary lines.
# A known-failures line whose reason starts with FLAKY marks a test that
# passes or fails by timing (FLAKY-PASS / FLAKY-FAIL, neither is red).
BEGIN {
	while ((getline l < known) > 0) {
		split(l, a, /\t+/)
		sub(/[ \t].*$/, "", a[1])
		if (a[1] == "" || a[1] ~ /^#/)
			continue
		k[a[1]] = 1
		if (a[3] ~ /^FLAKY/)
			flaky[a[1]] = 1
	}
}
{ sub(/\r$/, "") }
/^KTLS-SUITE-BEGIN / { suite = $2; insuite = 1; plan[suite] = -1; n[suite] = 0
	order[++ns] = suite; next }
/^KTLS-SUITE-END / { ended[$2] = 1; insuite = 0
	if (match($0, /secs=[0-9]+/)) secs[$2] = ", " substr($0, RSTART + 5, RLENGTH - 5) " s"
	next }
!insuite { next }
/^KTLS-SHARD-BROKEN / { sub(/^KTLS-SHARD-BROKEN /, ""); print "PROBLEM suite " suite ": " $0; next }
/testing without tls/ { notls[suite] = 1 }
/^1\.\.[0-9]+/ { if (plan[suite] < 0) plan[suite] = substr($1, 4) + 0; next }
/^(not )?ok [0-9]+/ {
	ok = ($1 == "ok")
	line = $0
	sub(/^(not )?ok [0-9]+ */, "", line)
	skip = (line ~ /# *SKIP/)
	name = line
	sub(/ *#.*$/, "", name)
	if (name == "") name = "#" $0
	full = (suite == "selftest") ? name : suite ":" name
	n[suite]++
	if (skip) st = "SKIP"
	else if (full in flaky) st = ok ? "FLAKY-PASS" : "FLAKY-FAIL"
	else if (ok) st = (full in k) ? "XPASS" : "PASS"
	else st = (full in k) ? "XFAIL" : "FAIL"
	print st, full > out
	cnt[suite, st]++
}
END {
	for (i = 1; i <= ns; i++) {
		s = order[i]
		printf "suite %s: plan %d, ran %d: %d passed, %d failed (%d known), %d skipped, %d known-but-passed, %d flaky (%d failed)%s\n", \
			s, plan[s], n[s], \
			cnt[s, "PASS"] + cnt[s, "XPASS"] + cnt[s, "FLAKY-PASS"], \
			cnt[s, "FAIL"] + cnt[s, "XFAIL"] + cnt[s, "FLAKY-FAIL"], \
			cnt[s, "XFAIL"] + cnt[s, "FLAKY-FAIL"], \
			cnt[s, "SKIP"], cnt[s, "XPASS"], \
			cnt[s, "FLAKY-PASS"] + cnt[s, "FLAKY-FAIL"], cnt[s, "FLAKY-FAIL"], secs[s]
		if (!ended[s]) print "PROBLEM suite " s " did not finish"
		if (plan[s] < 0) print "PROBLEM suite " s " printed no TAP plan"
		else if (plan[s] == 0) print "PROBLEM suite " s " planned no test (a selection that matches nothing)"
		else if (n[s] < plan[s]) print "PROBLEM suite " s ": " n[s] " results for a plan of " plan[s]
		if (notls[s]) print "PROBLEM suite " s " ran without TLS (\"testing without tls\")"
	}
	if (!ns) print "PROBLEM no suite ran"
}
