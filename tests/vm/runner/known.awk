# SPDX-License-Identifier: GPL-2.0
# known.awk - flatten a known-failures list (tests/vm/known/README): prints
# its entries, those of `include FILE` lines in place (FILE relative to the
# including list), one GLOB<TAB>COUNT<TAB>ISSUE<TAB>REASON a line, in order.
# A malformed line is printed as `PROBLEM file:line: why` (parse.sh: red).
function dir(f) { return (f ~ /\//) ? substr(f, 1, match(f, /\/[^\/]*$/)) : "" }
function read(f, depth,    l, a, n, ln) {
	if (depth > 4) { print "PROBLEM " f ": includes nested too deep"; return }
	if ((getline l < f) < 0) { print "PROBLEM known-failures list " f " not readable"; return }
	do {
		ln++
		if (l ~ /^[ \t]*(#|$)/)
			continue
		if (l ~ /^include /) {
			sub(/^include +/, "", l)
			read((l ~ /^\//) ? l : dir(f) l, depth + 1)
			continue
		}
		n = split(l, a, "\t")
		if (n != 4 || a[1] == "" || a[2] !~ /^[0-9]+$/ || a[4] == "")
			print "PROBLEM " f ":" ln ": not GLOB<TAB>COUNT<TAB>ISSUE<TAB>REASON: " l
		else
			print l
	} while ((getline l < f) > 0)
	close(f)
}
BEGIN { for (i = 1; i < ARGC; i++) read(ARGV[i], 0); exit }
