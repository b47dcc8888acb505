#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shard.sh N BINARY - run a kselftest-harness program built with
# tests/vm/guest/ksft_filter.c as N shards at once (the guest's vCPUs work in
# parallel; the harness alone runs one test at a time) and print one TAP
# stream: the plan of all selected tests first (KTLS_COUNT=1), then every
# shard's lines as they come (result lines keep the shard's numbering,
# parse.awk goes by name), each shard's own plan as a comment, and after
# each result a `# took S s NAME` comment (the slowest: run.sh's slow.txt).
#
# At the end each shard must have printed its plan, as many results as
# planned, and exited as the harness does (0; 1 when a test failed; 4 skipped);
# the plans must add up to the count. Otherwise a KTLS-SHARD-BROKEN line
# says which shard and why (parse.awk makes it red), and the exit is 1.
# KTLS_SHARD_TMP (default /tmp) holds the per-shard copies.
n=$1
bin=$2
tmp=${KTLS_SHARD_TMP:-/tmp}
broken=0
say_broken() { echo "KTLS-SHARD-BROKEN $*"; broken=1; }

total=$(KTLS_COUNT=1 "$bin" 2>&1)
case "$total" in
'' | *[!0-9]*) echo "KTLS-SHARD-BROKEN count of the selected tests failed: $total"; exit 1 ;;
esac
echo "TAP version 13"
echo "1..$total"
echo "# $n shards of $total tests"
start=$(date +%s)
i=0
while [ "$i" -lt "$n" ]; do
	rm -f "$tmp/shard-$i.rc" "$tmp/shard-$i.tap" "$tmp/shard-$i.end"
	{
		KTLS_SHARD=$i/$n "$bin" 2>&1
		echo $? > "$tmp/shard-$i.rc"
		date +%s > "$tmp/shard-$i.end"
	} | awk -v s="$i" -v f="$tmp/shard-$i.tap" '
		function now(   t) { getline t < "/proc/uptime"; close("/proc/uptime"); return t + 0 }
		/^TAP version/ { next }
		/^1\.\.[0-9]+/ { print > f; print "# shard " s " plan " $0; fflush(); next }
		/^#  RUN / { t0 = now() }
		/^(not )?ok [0-9]+/ { print > f; print; n = $0
			sub(/^(not )?ok [0-9]+ */, "", n); sub(/ .*/, "", n)
			printf "# took %.1f s %s\n", now() - t0, n; fflush(); next }
		{ print; fflush() }' &
	i=$((i + 1))
done
wait
planned=0
i=0
while [ "$i" -lt "$n" ]; do
	rc=$(cat "$tmp/shard-$i.rc" 2>/dev/null)
	plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$tmp/shard-$i.tap" 2>/dev/null | head -n 1)
	ran=$(grep -cE '^(not )?ok [0-9]+' "$tmp/shard-$i.tap" 2>/dev/null)
	end=$(cat "$tmp/shard-$i.end" 2>/dev/null)
	echo "# shard $i: plan ${plan:-none}, ran ${ran:-0}, exit ${rc:-none}, $((${end:-$start} - start)) s"
	case "$rc" in
	0 | 1 | 4) ;;	# pass, a test failed, skipped (red in parse.awk)
	*) say_broken "shard $i/$n exited with ${rc:-nothing} (died?)" ;;
	esac
	if [ -z "$plan" ]; then
		say_broken "shard $i/$n printed no plan"
	else
		planned=$((planned + plan))
		[ "${ran:-0}" = "$plan" ] ||
			say_broken "shard $i/$n ran ${ran:-0} of its $plan tests"
	fi
	i=$((i + 1))
done
[ "$planned" = "$total" ] ||
	say_broken "the shards planned $planned tests, $total are selected"
exit $broken
