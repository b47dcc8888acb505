#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
# Run every native test; the LAST line is "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"
total_p=0
total_f=0

tally() { # name, command...
	local name=$1 out line p f
	shift
	out=$("$@" 2>&1)
	line=$(printf '%s\n' "$out" | grep -E '^[a-z0-9_-]+: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	printf '%s\n' "$out" | grep -E '^(FAIL|# )' || true
	if [ -z "$line" ]; then
		echo "$name: crashed or timed out"
		total_f=$((total_f + 1))
		return
	fi
	echo "$line"
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\1/')
	f=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\2/')
	total_p=$((total_p + p))
	total_f=$((total_f + f))
}

fuzz() { # target: bounded libFuzzer run from corpus/<target>
	local t=$1 dir
	if ! command -v clang >/dev/null; then
		echo "$t: 0 passed, 0 failed"
		return
	fi
	make -s "$t" >/dev/null 2>&1 || { echo "$t: 0 passed, 1 failed"; return; }
	dir=$(mktemp -d /tmp/ktls-fuzz.XXXXXX)
	cp "corpus/$t"/* "$dir/"
	if ./"$t" -max_total_time="${FUZZ_SECONDS:-8}" -max_len=4096 \
		-print_final_stats=1 -artifact_prefix="$dir/" "$dir" >"$dir/log" 2>&1; then
		echo "# $t: $(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log") runs"
		echo "$t: 1 passed, 0 failed"
	else
		tail -n 20 "$dir/log"
		echo "$t: 0 passed, 1 failed"
	fi
	rm -rf "$dir"
}

tally keysched timeout 60 ./test_keysched
tally handoff timeout 120 ./test_handoff
tally http timeout 60 ./test_http
tally abi timeout 60 ./test_abi
tally e2e timeout 180 ./e2e.sh
tally fuzz_http fuzz fuzz_http
tally fuzz_ctrl fuzz fuzz_ctrl
tally fuzz_handoff fuzz fuzz_handoff
echo "$total_p passed, $total_f failed"
[ "$total_f" = 0 ]
