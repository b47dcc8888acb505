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
	printf '%s\n' "$out" | grep -E '^FAIL' || true
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

fuzz() {
	local dir
	if ! command -v clang >/dev/null; then
		echo "fuzz_http: 0 passed, 0 failed"
		return
	fi
	make -s fuzz_http >/dev/null 2>&1 || { echo "fuzz_http: 0 passed, 1 failed"; return; }
	dir=$(mktemp -d /tmp/ktls-fuzz.XXXXXX)
	printf 'GET / HTTP/1.1\r\nHost: a\r\nRange: bytes=1-2\r\n\r\n' > "$dir/seed1"
	printf 'HEAD /a%%20b?q HTTP/1.0\r\nConnection: keep-alive\r\n\r\n' > "$dir/seed2"
	if ./fuzz_http -max_total_time="${FUZZ_SECONDS:-12}" -max_len=4096 \
		-artifact_prefix="$dir/" "$dir" >"$dir/log" 2>&1; then
		echo "fuzz_http: 1 passed, 0 failed"
	else
		tail -n 20 "$dir/log"
		echo "fuzz_http: 0 passed, 1 failed"
	fi
	rm -rf "$dir"
}

tally keysched timeout 60 ./test_keysched
tally handoff timeout 120 ./test_handoff
tally http timeout 60 ./test_http
tally abi timeout 60 ./test_abi
tally e2e timeout 180 ./e2e.sh
tally fuzz fuzz
echo "$total_p passed, $total_f failed"
[ "$total_f" = 0 ]
