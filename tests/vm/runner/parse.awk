# SPDX-License-Identifier: GPL-2.0
# parse.awk - per-test status and per-suite counts from a VM results log.
# Input: results.log; -v known=FILE -v scope=full|partial -v out=tests.txt;
# prints summary lines.
# Input: known = the flattened list (known.awk: GLOB COUNT ISSUE REASON a
# line); scope = full (no --filter, --skip-tests, other selftest) or
# partial. A test belongs to the first entry whose glob matches it
# (fnmatch: * ? [...]; suite:glob for suites but the selftest). Reason
# FLAKY: passes or fails by timing (FLAKY-PASS / FLAKY-FAIL, never red);
# SLOW: not run (run.sh excludes it); otherwise every test of the entry
# must fail (XFAIL; a pass is XPASS, red) and, for each suite that ran,
# their number must be COUNT in a full run, at most COUNT in a partial one.
# A test matched by entries of two classes is red: the guest's time limits
# and exclusions go by class, not by order.
function glob2re(g,    r, i, c, j) {
	r = "^"
	for (i = 1; i <= length(g); i++) {
		c = substr(g, i, 1)
		if (c == "*") r = r ".*"
		else if (c == "?") r = r "."
		else if (c == "[" && (j = index(substr(g, i + 2), "]")) > 0) {
			c = substr(g, i + 1, j)
			sub(/^!/, "^", c)
			r = r "[" c "]"
			i += j + 1
		} else if (c == "\\" && i < length(g)) r = r "[" substr(g, ++i, 1) "]"
		else if (c ~ /[A-Za-z0-9_:-]/) r = r c
		else if (c == "^") r = r "\\^"
		else r = r "[" c "]"
	}
	return r "$"
}
function class(why) { return why ~ /^FLAKY/ ? "FLAKY" : why ~ /^SLOW/ ? "SLOW" : "FAIL" }
BEGIN {
	while ((getline l < known) > 0) {
		if (l ~ /^PROBLEM /) { print l; continue }
		split(l, a, "\t")
		ne++
		glob[ne] = a[1]; re[ne] = glob2re(a[1]); want[ne] = a[2] + 0
		cls[ne] = class(a[4])
		esuite[ne] = (a[1] ~ /:/) ? substr(a[1], 1, index(a[1], ":") - 1) : "selftest"
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
	e = 0
	for (i = 1; i <= ne; i++) {
		if (full !~ re[i]) continue
		if (!e) e = i
		else if (cls[i] != cls[e])
			print "PROBLEM " full " is matched by entries of two classes: " glob[e] " (" cls[e] ") and " glob[i] " (" cls[i] ")"
	}
	if (skip) st = "SKIP"
	else if (e && cls[e] == "FLAKY") st = ok ? "FLAKY-PASS" : "FLAKY-FAIL"
	else if (ok) st = e ? "XPASS" : "PASS"
	else st = e ? "XFAIL" : "FAIL"
	if (st == "XFAIL") got[e]++
	if (st == "XPASS") xp[e]++
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
	for (i = 1; i <= ne; i++) {
		if (xp[i])
			print "PROBLEM known entry " glob[i] ": " xp[i] " of its tests passed (XPASS in tests.txt): narrow or remove it"
		if (cls[i] != "FAIL" || !(esuite[i] in plan)) continue
		if (scope == "full" && got[i] != want[i])
			print "PROBLEM known entry " glob[i] ": " got[i] + 0 " failure(s) in a full run, its count says " want[i]
		else if (got[i] > want[i])
			print "PROBLEM known entry " glob[i] ": " got[i] " failure(s), more than its count " want[i]
	}
}
