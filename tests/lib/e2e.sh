#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# serve/get end-to-end on 127.0.0.1 (userspace fallback where the kernel has
# no kTLS).  Prints one line per check and "e2e: N passed, N failed" last.
set -euo pipefail

KTLS=${KTLS:-$(dirname "$0")/../../tools/ktls}
work=$(mktemp -d /tmp/ktls-e2e.XXXXXX)
pass=0
fail=0
pids=()

cleanup() {
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL e2e: $*"; }
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then ok; else bad "$what"; fi; }

mkdir -p "$work/root/sub"
for n in 0 1 16383 16384 16385 1048576; do
	head -c "$n" /dev/urandom > "$work/root/f$n"
done
echo '<p>hello</p>' > "$work/root/sub/index.html"
ln -s /etc/passwd "$work/root/escape"

wait_port() {
	for _ in $(seq 100); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

"$KTLS" serve --addr 127.0.0.1 --port 0 --port-file "$work/port" --list \
	"$work/root" 2>"$work/serve.log" &
pids+=($!)
check "server starts" wait_port "$work/port"
port=$(cat "$work/port")
url=https://127.0.0.1:$port

get_cmp() { # file version cipher
	"$KTLS" get "$url/$1" -o "$work/out" --insecure --tls "$2" --cipher "$3" \
		2>"$work/get.err" && cmp -s "$work/root/$1" "$work/out"
}

for f in f0 f1 f16383 f16384 f16385 f1048576; do
	for c in TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 \
		 TLS_CHACHA20_POLY1305_SHA256 TLS_AES_128_CCM_SHA256; do
		check "get $f TLS 1.3 $c" get_cmp "$f" 1.3 "$c"
	done
	for c in ECDHE-ECDSA-AES128-GCM-SHA256 ECDHE-ECDSA-AES256-GCM-SHA384 \
		 ECDHE-ECDSA-CHACHA20-POLY1305 ECDHE-ECDSA-AES128-CCM; do
		check "get $f TLS 1.2 $c" get_cmp "$f" 1.2 "$c"
	done
done

get_cmp f1048576 1.3 TLS_AES_128_GCM_SHA256 || true
check "get reports bytes, MB/s and path" grep -q "1048576 bytes in .* MB/s, path: TX" "$work/get.err"
check "server logs path and cipher" grep -q "TX .*, RX .*, TLSv1.[23] " "$work/serve.log"
if [ ! -e /proc/net/tls_stat ]; then
	check "fallback said out loud" grep -q "userspace.*no TLS ULP" "$work/serve.log"
fi

# Raw requests through openssl s_client.
raw() {
	printf "$1" | timeout 10 openssl s_client -quiet -connect "127.0.0.1:$port" \
		2>/dev/null || true
}
hdr() { raw "$1" | head -n 1 | tr -d '\r'; }
check "index.html in a directory" sh -c "[ \"\$(raw_out=\$(printf 'GET /sub/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | timeout 10 openssl s_client -quiet -connect 127.0.0.1:$port 2>/dev/null); echo \"\$raw_out\" | tail -n 1)\" = '<p>hello</p>' ]"
check "HEAD has no body" test "$(raw 'HEAD /f16384 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | wc -c)" -lt 400
check "Range 206" test "$(hdr 'GET /f1048576 HTTP/1.1\r\nHost: x\r\nRange: bytes=10-19\r\nConnection: close\r\n\r\n')" = "HTTP/1.1 206 Partial Content"
range_body=$(raw 'GET /f1048576 HTTP/1.1\r\nHost: x\r\nRange: bytes=10-19\r\nConnection: close\r\n\r\n' | tail -c 10 | od -An -tx1)
check "Range body bytes" test "$range_body" = "$(tail -c +11 "$work/root/f1048576" | head -c 10 | od -An -tx1)"
check "Range 416" test "$(hdr 'GET /f1 HTTP/1.1\r\nHost: x\r\nRange: bytes=5-\r\nConnection: close\r\n\r\n')" = "HTTP/1.1 416 Range Not Satisfiable"
check "traversal 400" test "$(hdr 'GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')" = "HTTP/1.1 400 Bad Request"
check "encoded traversal 400" test "$(hdr 'GET /%%2e%%2e/etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')" = "HTTP/1.1 400 Bad Request"
check "symlink escape 403" test "$(hdr 'GET /escape HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')" = "HTTP/1.1 403 Forbidden"
check "missing 404" test "$(hdr 'GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')" = "HTTP/1.1 404 Not Found"
check "POST 405" test "$(hdr 'POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')" = "HTTP/1.1 405 Method Not Allowed"
check "garbage 400" test "$(hdr 'HELLO\r\n\r\n')" = "HTTP/1.1 400 Bad Request"
check "HTTP/2.0 505" test "$(hdr 'GET / HTTP/2.0\r\nHost: x\r\n\r\n')" = "HTTP/1.1 505 HTTP Version Not Supported"
check "keep-alive: two responses" test "$(raw 'GET /f1 HTTP/1.1\r\nHost: x\r\n\r\nGET /f0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | grep -ao 'HTTP/1.1 200' | wc -l)" = 2
check "listing" sh -c "printf 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | timeout 10 openssl s_client -quiet -connect 127.0.0.1:$port 2>/dev/null | grep -q 'href=\"sub/\"'"

# A client that stalls mid-handshake must not block others.
exec 7<>"/dev/tcp/127.0.0.1/$port"
printf '\x16\x03\x01\x00' >&7
check "serves while a client hangs mid-handshake" get_cmp f16385 1.3 TLS_AES_128_GCM_SHA256
exec 7>&-

# A corrupted record: that connection ends with a clear error, others go on.
check "corrupted record refused" sh -c "! '$KTLS' get $url/f1 --insecure --inject-bad-record -o /dev/null 2>/dev/null"
check "corrupted record logged" grep -q "bad record mac\|EBADMSG" "$work/serve.log"
check "serves after a corrupted record" get_cmp f16384 1.3 TLS_AES_128_GCM_SHA256

# Concurrent clients.
cpids=()
for i in $(seq 8); do
	"$KTLS" get "$url/f1048576" -o "$work/c$i" --insecure --quiet &
	cpids+=($!)
done
cok=0
for i in $(seq 8); do
	wait "${cpids[$((i - 1))]}" && cmp -s "$work/root/f1048576" "$work/c$i" && cok=$((cok + 1))
done
check "8 concurrent clients" test "$cok" = 8

# get's own errors.
check "invalid URL exits 2" sh -c "'$KTLS' get http://x/ 2>/dev/null; [ \$? = 2 ]"
check "bad cert exits 1 with reason" sh -c "'$KTLS' get $url/f1 -o /dev/null 2>&1 | grep -q 'certificate.*rejected'"
check "unknown cipher exits 2 or 1" sh -c "'$KTLS' get $url/f1 --insecure --cipher NOPE 2>&1 | grep -q \"Unknown cipher \\\`NOPE'\""
check "usage exits 2" sh -c "'$KTLS' bogus 2>/dev/null; [ \$? = 2 ]"
check "serve without DIR exits 2" sh -c "'$KTLS' serve 2>/dev/null; [ \$? = 2 ]"
check "serve with a missing cert names it" sh -c "'$KTLS' serve --cert /nonexistent.pem --key /nonexistent.key '$work/root' 2>&1 | grep -q \"Unable to load certificate \\\`/nonexistent.pem'\""
check "serve with a missing DIR quotes it" sh -c "'$KTLS' serve /nonexistent-dir 2>&1 | grep -q \"Unable to open \\\`/nonexistent-dir'\""
check "ktls check runs" sh -c "'$KTLS' check > '$work/check.out'; [ \$? -le 1 ]"
check "ktls check explains every failure or works" sh -c "grep -q 'Verdict' '$work/check.out'"
if command -v python3 >/dev/null; then
	check "ktls stat --json is JSON" sh -c "'$KTLS' stat --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert \"sockets\" in d'"
fi
check "ktls stat --watch --count 2" sh -c "[ \$('$KTLS' stat --watch --count 2 --interval 1 | grep -c 'TLS socket') = 2 ]"
check "ktls bench --userspace names the path" sh -c "'$KTLS' bench --time 0.2 --userspace | grep -q '^path: *userspace'"
check "ktls bench TLS 1.2 ChaCha20 1K writes" sh -c "'$KTLS' bench --time 0.2 --tls 1.2 --cipher ECDHE-ECDSA-CHACHA20-POLY1305 --size 1K | grep -qE '^path: *(kernel|userspace|mixed)'"
check "ktls bench bad size exits 2" sh -c "'$KTLS' bench --size 0 2>/dev/null; [ \$? = 2 ]"
check "server still alive" kill -0 "${pids[0]}"

# The request's Host is the URL's authority: an IPv6 literal in brackets
# and a port other than 443 (a bare "::1" gets 400 from nginx). openssl
# s_server prints what it receives.
host_hdr() {	# host_hdr ADDR URLHOST -> the Host line the server saw
	local p=$((20000 + RANDOM % 20000))
	(sleep 6 | timeout 8 openssl s_server -accept "$1:$p" -naccept 1 -quiet \
		-cert "$work/hc.pem" -key "$work/hk.pem" > "$work/host.out" 2>/dev/null &)
	sleep 1
	timeout 3 "$KTLS" get "https://$2:$p/x" --insecure -o /dev/null 2>/dev/null
	sleep 0.3
	sed -n 's/\r$//; s/^Host: //p' "$work/host.out" | sed "s/:$p\$/:PORT/"
}
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-subj /CN=localhost -keyout "$work/hk.pem" -out "$work/hc.pem" -days 1 2>/dev/null
check "Host of an IPv4 URL" test "$(host_hdr 127.0.0.1 127.0.0.1)" = "127.0.0.1:PORT"
if ip -6 addr show dev lo 2>/dev/null | grep -q '::1'; then
	check "Host of an IPv6 URL keeps the brackets" test "$(host_hdr '[::1]' '[::1]')" = "[::1]:PORT"
fi

echo "e2e: $pass passed, $fail failed"
