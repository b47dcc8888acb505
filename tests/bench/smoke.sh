#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# smoke.sh [HARNESS] - native smoke test of the benchmark harness
# ktls-bench (tests/bench/harness.c; `make -C tests/bench check` builds
# and runs it): --help parses, bad options are usage errors, and tiny TCP,
# OpenSSL and (where AF_ALG works) crypto-limit runs print valid JSON.
# Last line "bench-smoke: N passed, N failed".
set -uo pipefail
BENCH=${1:-$(dirname "$0")/../../build/bench/ktls-bench}
p=0 f=0
t() {	# t NAME CMD...
	local n=$1
	shift
	if "$@" >/tmp/bench-smoke.$$ 2>&1; then p=$((p + 1)); else
		f=$((f + 1)); echo "FAIL $n"; sed 's/^/    /' /tmp/bench-smoke.$$ | tail -n 5
	fi
}
json() { "$BENCH" --json --time 0.1 "$@" | grep -q '"bytes_per_cpu_s":[1-9]'; }
t "help" "$BENCH" --help
t "bad option is exit 2" bash -c "'$BENCH' --bogus; [ \$? = 2 ]"
t "bad size is exit 2" bash -c "'$BENCH' --size 0; [ \$? = 2 ]"
t "openssl splice refused" bash -c "'$BENCH' --impl openssl --mode splice; [ \$? = 2 ]"
t "bad sockbuf is exit 2" bash -c "'$BENCH' --sockbuf 1K; [ \$? = 2 ]"
t "tcp send" json --impl tcp
t "tcp send, fixed socket buffers" json --impl tcp --sockbuf 256K
t "tcp send 1K MSG_MORE" json --impl tcp --size 1K --more
t "tcp sendfile" json --impl tcp --mode sendfile --file-size 1M
t "tcp splice" json --impl tcp --mode splice --file-size 1M
t "tcp sendfile, copying receiver" json --impl tcp --mode sendfile --file-size 1M --rx-copy
t "tcp pingpong 1 byte" bash -c "'$BENCH' --json --time 0.1 --impl tcp --mode pingpong --size 1 | grep -q '\"round_trips\":[1-9]'"
t "tcp pingpong 16K" bash -c "'$BENCH' --json --time 0.1 --impl tcp --mode pingpong --size 16K | grep -q '\"ns_per_round_trip\":[1-9]'"
t "--tx-ulp outside recv refused" bash -c "'$BENCH' --mode send --tx-ulp tls; [ \$? = 2 ]"
t "--rx-copy in recv refused" bash -c "'$BENCH' --mode recv --rx-copy; [ \$? = 2 ]"
t "keyupdate outside kTLS refused" bash -c "'$BENCH' --impl tcp --mode keyupdate; [ \$? = 2 ]"
t "openssl send TLS 1.2 ChaCha20" json --impl openssl --tls 1.2 --cipher CHACHA20-POLY1305
t "openssl recv TLS 1.3 AES-128-CCM" json --impl openssl --mode recv --cipher AES-128-CCM
if "$BENCH" --impl crypto --time 0.05 >/dev/null 2>&1; then
	t "crypto limit" json --impl crypto
fi
rm -f /tmp/bench-smoke.$$
echo "bench-smoke: $p passed, $f failed"
[ "$f" = 0 ]
