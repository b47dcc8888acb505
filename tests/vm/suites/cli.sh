#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# In-guest suite for the `ktls` CLI and libktls: serve/get over kernel TLS,
# every TLS version x cipher OpenSSL 3.0 negotiates, SHA-256 verified;
# concurrency; interop with openssl s_server/s_client (Options = KTLS);
# KeyUpdate both ways; ktls check/stat/bench.  kselftest-style TAP on stdout.
#
# Sizes: 0, 1, 16383, 16384, 16385 B and 8 MiB for every version x cipher;
# the issue's 100 MiB once (TLS 1.3 AES-128-GCM, sendfile over kTLS): under
# TCG 100 MiB per cipher would take many minutes (CLI_BIG_MB=100 does that
# on KVM; CLI_HUGE_MB sizes the single large transfer).
#
# Runs under busybox sh as root; env: KTLS (default /bin/ktls),
# CLI_EXPECT=kernel|userspace (what path the data must take; default kernel).
set -eu
PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
KTLS=${KTLS:-/bin/ktls}
EXPECT=${CLI_EXPECT:-kernel}
BIG_MB=${CLI_BIG_MB:-8}
HUGE_MB=${CLI_HUGE_MB:-100}
OPENSSL=${OPENSSL:-/usr/bin/openssl}
W=$(mktemp -d "${TMPDIR:-/tmp}/cli.XXXXXX")
# ktls.ko loaded beside the in-tree module registers as ULP "ktls": test it.
if [ -z "${KTLS_ULP:-}" ] && grep -qw ktls /proc/sys/net/ipv4/tcp_available_ulp 2>/dev/null; then
	KTLS_ULP=ktls
	export KTLS_ULP
fi
N=0
PIDS=""

SIZES="0 1 16383 16384 16385 big"
C13="TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256 TLS_AES_128_CCM_SHA256"
C12="ECDHE-ECDSA-AES128-GCM-SHA256 ECDHE-ECDSA-AES256-GCM-SHA384 ECDHE-ECDSA-CHACHA20-POLY1305 ECDHE-ECDSA-AES128-CCM"

# 4 check + 1 serve + 6x8 get + 1 log + 1 concurrent + 4 bad input
# + 2 s_server + 2 s_client + 2 curl + 3 KeyUpdate + 1 hang + 1 huge
# + 2 bench = 72,
# + stat: 6 with kTLS (counters, per-socket view), 2 without
if [ "$EXPECT" = kernel ]; then NSTAT=6; else NSTAT=2; fi
echo "1..$((72 + NSTAT))"

# tap, t, sha ("cli:NAME" in tests/vm/known/*.txt)
TAP_TAIL=15
# shellcheck source=tests/vm/suites/lib/tap.sh
. /lib/ktls/tap.sh
trap tap_cleanup EXIT INT TERM
tv() { # tv NAME CMD...: like t, and always show CMD's output as diagnostics
	name=$1
	shift
	if "$@" >"$W/t.out" 2>&1; then
		sed 's/^/# /' "$W/t.out" | tail -n 15
		tap 0 "$name"
	else
		sed 's/^/# /' "$W/t.out" | tail -n 15
		tap 1 "$name"
	fi
}
wait_file() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -s "$1" ]
}
alive() { kill -0 "$1" 2>/dev/null; }

mkdir -p "$W/root"
for s in 0 1 16383 16384 16385; do
	head -c "$s" /dev/urandom > "$W/root/f$s"
done
dd if=/dev/urandom of="$W/root/fbig" bs=1048576 count="$BIG_MB" 2>/dev/null
head -c 1048576 /dev/urandom > "$W/root/f1m"

# --- ktls check -------------------------------------------------------------
"$KTLS" check > "$W/check.out" 2>&1 && crc=0 || crc=$?
sed 's/^/# /' "$W/check.out"
if [ "$EXPECT" = kernel ]; then
	t "ktls check exits 0" test "$crc" = 0
	t "ktls check finds the tls ULP" grep -q "^TLS ULP: *registered" "$W/check.out"
	t "ktls check: AES-128-GCM TX/RX/data for 1.2 and 1.3" \
		grep -qE "^AES-128-GCM +yes +yes +ok +yes +yes +ok" "$W/check.out"
	if grep -q "provided by ktls.ko" "$W/check.out"; then
		t "ktls check: SM4-GCM/CCM records through the raw-secret entry (HKDF-SM3)" \
			sh -c "grep -qE '^SM4-GCM +yes +yes +ok +yes +yes +ok' '$W/check.out' &&
				grep -qE '^SM4-CCM +yes +yes +ok +yes +yes +ok' '$W/check.out'"
	else
		t "ktls check: SM4 unavailable and explained (no SM4 in this kernel)" \
			grep -qE "SM4-(GCM|CCM) TLS 1.[23]: the kernel lacks the crypto algorithm" "$W/check.out"
	fi
else
	t "ktls check exits 1 without kTLS" test "$crc" = 1
	t "ktls check explains the missing ULP" grep -q "load ktls.ko" "$W/check.out"
	t "ktls check verdict names the fallback" grep -q "userspace record layer" "$W/check.out"
	t "ktls check probes every cipher" grep -qE "^SM4-CCM +no +no +-" "$W/check.out"
fi
# --- ktls bench: a short transfer on the path the machine offers ---------------
bench_path() { # bench_path WANT ARGS...: `ktls bench ARGS` names path WANT
	want=$1
	shift
	"$KTLS" bench "$@" > "$W/bench.out" 2>&1 && brc=0 || brc=$?
	cat "$W/bench.out"
	[ "$brc" = 0 ] && grep -q "^path: *$want " "$W/bench.out"
}
tv "ktls bench: TLS 1.3 AES-128-GCM, path $EXPECT" \
	bench_path "$EXPECT" --time 0.3 --tls 1.3 --cipher TLS_AES_128_GCM_SHA256
tv "ktls bench --userspace: the fallback, path userspace" \
	bench_path userspace --time 0.3 --size 4K --userspace
REKEY=no
grep -q "TX rekey yes, RX rekey yes" "$W/check.out" && REKEY=yes

# --- serve / get matrix -----------------------------------------------------
"$KTLS" serve --addr 127.0.0.1 --port 0 --port-file "$W/port" "$W/root" \
	2>"$W/serve.log" &
SPID=$!
PIDS="$PIDS $SPID"
t "ktls serve starts" wait_file "$W/port"
PORT=$(cat "$W/port")
URL=https://127.0.0.1:$PORT

get_one() { # version cipher size
	rm -f "$W/out"
	"$KTLS" get "$URL/f$3" -o "$W/out" --insecure --quiet --tls "$1" \
		--cipher "$2" 2>"$W/get.err" || { cat "$W/get.err"; return 1; }
	[ "$(sha "$W/out")" = "$(sha "$W/root/f$3")" ] || { echo "sha256 differs"; return 1; }
	"$KTLS" get "$URL/f0" -o /dev/null --insecure --tls "$1" --cipher "$2" \
		2>"$W/get.err" || return 1
	grep -q "RX $EXPECT" "$W/get.err" || { cat "$W/get.err"; return 1; }
	# TLS 1.3: the server's NewSessionTickets reach kernel RX after the
	# hand-off and must be consumed, not surface as EIO.
	if [ "$1" = 1.3 ] && [ "$EXPECT" = kernel ]; then
		grep -q "session tickets after the hand-off: consumed" "$W/get.err" ||
			{ cat "$W/get.err"; return 1; }
	fi
}

for c in $C12; do
	for s in $SIZES; do
		t "get $s B TLS 1.2 $c (sha256, RX $EXPECT)" get_one 1.2 "$c" "$s"
	done
done
for c in $C13; do
	for s in $SIZES; do
		t "get $s B TLS 1.3 $c (sha256, RX $EXPECT)" get_one 1.3 "$c" "$s"
	done
done
t "serve logs TX $EXPECT path and cipher per connection" \
	grep -q "TX $EXPECT, RX $EXPECT, TLSv1.3 TLS_AES_128_CCM_SHA256" "$W/serve.log"

huge() {
	dd if=/dev/urandom of="$W/root/fhuge" bs=1048576 count="$HUGE_MB" 2>/dev/null
	rc=0
	"$KTLS" get "$URL/fhuge" -o "$W/huge.out" --insecure --tls 1.3 \
		--cipher TLS_AES_128_GCM_SHA256 2>&1 | tail -n 1 || rc=1
	[ $rc = 0 ] && [ "$(sha "$W/huge.out")" = "$(sha "$W/root/fhuge")" ] || rc=1
	rm -f "$W/root/fhuge" "$W/huge.out"
	return $rc
}
tv "get ${HUGE_MB} MiB TLS 1.3 AES-128-GCM (sha256)" huge

concurrent() {
	pids=""
	for i in 1 2 3 4 5 6 7 8; do
		"$KTLS" get "$URL/f1m" -o "$W/c$i" --insecure --quiet &
		pids="$pids $!"
	done
	rc=0
	for p in $pids; do
		wait "$p" || rc=1
	done
	for i in 1 2 3 4 5 6 7 8; do
		[ "$(sha "$W/c$i")" = "$(sha "$W/root/f1m")" ] || rc=1
	done
	return $rc
}
t "8 concurrent clients, 1 MiB each" concurrent

# --- bad input --------------------------------------------------------------
raw() { # request -> first response line
	printf "$1" | timeout 20 "$OPENSSL" s_client -quiet -connect "127.0.0.1:$PORT" \
		2>/dev/null | head -n 1 | tr -d '\r'
}
t "malformed request -> 400" test "$(raw 'HELLO\r\n\r\n')" = "HTTP/1.1 400 Bad Request"
t "path traversal -> 400" \
	test "$(raw 'GET /../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')" = "HTTP/1.1 400 Bad Request"
bad_record() {
	if "$KTLS" get "$URL/f1" --insecure --inject-bad-record -o /dev/null; then
		return 1
	fi
	grep "EBADMSG\|bad record mac" "$W/serve.log" | tail -n 1
	grep -q "EBADMSG\|bad record mac" "$W/serve.log"
}
tv "corrupted record: connection closed with a clear error" bad_record
t "server still serving after bad input" get_one 1.3 TLS_AES_128_GCM_SHA256 16385

# --- interop with openssl s_server / s_client (OPENSSL_CONF Options = KTLS)
cat > "$W/ossl.cnf" <<'CNF'
openssl_conf = openssl_init
[openssl_init]
ssl_conf = ssl_module
[ssl_module]
system_default = ssl_default
[ssl_default]
Options = KTLS
[req]
distinguished_name = dn
prompt = no
[dn]
CN = localhost
CNF
OPENSSL_CONF=$W/ossl.cnf "$OPENSSL" req -x509 -newkey ec \
	-pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$W/key.pem" \
	-out "$W/cert.pem" -days 1 -config "$W/ossl.cnf" >/dev/null 2>&1 || true

s_server_get() { # version port
	(cd "$W/root" && OPENSSL_CONF=$W/ossl.cnf exec "$OPENSSL" s_server \
		-accept "127.0.0.1:$2" -cert "$W/cert.pem" -key "$W/key.pem" \
		-WWW -sendfile "-tls1_$1" >"$W/s_server.$1.log" 2>&1) &
	sp=$!
	PIDS="$PIDS $sp"
	i=0
	rc=1
	while [ $i -lt 50 ]; do
		if "$KTLS" get "https://127.0.0.1:$2/fbig" -o "$W/ss.out" --insecure \
			--quiet 2>"$W/ss.err"; then
			rc=0
			break
		fi
		sleep 0.2
		i=$((i + 1))
	done
	kill "$sp" 2>/dev/null || true
	sed 's/^/# /' "$W/s_server.$1.log" | head -n 5
	[ $rc = 0 ] && [ "$(sha "$W/ss.out")" = "$(sha "$W/root/fbig")" ]
}
t "openssl s_server -WWW -sendfile (KTLS) -> ktls get, TLS 1.2" s_server_get 2 14432
t "openssl s_server -WWW -sendfile (KTLS) -> ktls get, TLS 1.3" s_server_get 3 14433

s_client_get() { # version
	printf 'GET /fbig HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
		OPENSSL_CONF=$W/ossl.cnf timeout 120 "$OPENSSL" s_client -quiet \
		"-tls1_$1" -connect "127.0.0.1:$PORT" > "$W/sc.out" 2>/dev/null || true
	# Connection: close, so the body is the last <size> bytes.
	tail -c "$(wc -c < "$W/root/fbig")" "$W/sc.out" > "$W/sc.body"
	head -n 1 "$W/sc.out" | tr -d '\r' | grep -q "^HTTP/1.1 200 OK$" &&
		[ "$(sha "$W/sc.body")" = "$(sha "$W/root/fbig")" ]
}
t "openssl s_client (KTLS) -> ktls serve, TLS 1.2" s_client_get 2
t "openssl s_client (KTLS) -> ktls serve, TLS 1.3" s_client_get 3

curl_get() { # version
	command -v curl >/dev/null || { echo "curl not in the guest (cli.files)"; return 1; }
	curl -sS --insecure "--tlsv1.$1" --tls-max "1.$1" -o "$W/curl.out" "$URL/fbig" &&
		[ "$(sha "$W/curl.out")" = "$(sha "$W/root/fbig")" ]
}
t "curl -> ktls serve, TLS 1.2" curl_get 2
t "curl -> ktls serve, TLS 1.3" curl_get 3

# --- KeyUpdate ----------------------------------------------------------------
# The peer's KeyUpdate (s_client line "k", "K" = update_requested) between two
# requests on one connection.  With kernel rekey both answers arrive; without
# it (in-tree 6.1) the server must fail that connection cleanly and go on.
peer_keyupdate() { # k|K
	(printf 'GET /f16385 HTTP/1.1\r\nHost: x\r\n\r\n'; sleep 3; echo "$1"; sleep 3;
	 printf 'GET /f1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'; sleep 5) |
		timeout 60 "$OPENSSL" s_client -tls1_3 -connect "127.0.0.1:$PORT" \
		> "$W/ku.out" 2>&1 || true
	n=$(grep -ac "^HTTP/1.1 200" "$W/ku.out" || true)
	if [ "$REKEY" = yes ] || [ "$EXPECT" = userspace ]; then
		[ "$n" = 2 ]
	else
		echo "no kernel rekey: expecting a clean failure"
		grep -i "keyupdate\|refused" "$W/serve.log" | tail -n 2
		[ "$n" = 1 ] && alive "$SPID" &&
			grep -q "KeyUpdate.*refused\|refused the new RX key" "$W/serve.log"
	fi
}
tv "peer KeyUpdate mid-connection (rekey=$REKEY)" peer_keyupdate k
tv "peer KeyUpdate update_requested (rekey=$REKEY)" peer_keyupdate K

our_keyupdate() {
	"$KTLS" serve --addr 127.0.0.1 --port 0 --port-file "$W/port2" \
		--rekey-after 64 "$W/root" 2>"$W/serve2.log" &
	p2=$!
	PIDS="$PIDS $p2"
	wait_file "$W/port2" || return 1
	if "$KTLS" get "https://127.0.0.1:$(cat "$W/port2")/fbig" -o "$W/ku.body" \
		--insecure --quiet --tls 1.3 2>"$W/ku.err"; then
		rc=0
	else
		rc=1
	fi
	cat "$W/ku.err"
	grep -i "refused\|KeyUpdate" "$W/serve2.log" | tail -n 2
	alive "$p2" || return 1
	if [ "$REKEY" = yes ] || [ "$EXPECT" = userspace ]; then
		[ $rc = 0 ] && [ "$(sha "$W/ku.body")" = "$(sha "$W/root/fbig")" ]
	else
		[ $rc = 1 ] && grep -q "refused" "$W/ku.err" "$W/serve2.log"
	fi
}
tv "server TX KeyUpdate every 64 records (rekey=$REKEY)" our_keyupdate

# --- ktls stat ------------------------------------------------------------------
# The per-socket view (sock_diag, INET_DIAG_ULP_INFO) of the server's end of
# a live connection: stage-modules.sh stages inet_diag + tcp_diag. The
# client is a plain s_client that keeps the connection open for a while.
# The request's writer holds s_client's stdin open until release_conn (at
# most 20 s): `wait` on a pipeline waits for all of it, so a plain sleep
# there made every test last the whole 20 s.
hold_conn() { # port s_client-args...: background connection, pid in HOLD
	p=$1
	shift
	rm -f "$W/release"
	(printf 'GET /f1 HTTP/1.1\r\nHost: x\r\n\r\n'; i=0
	 while [ ! -e "$W/release" ] && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done) |
		timeout 25 "$OPENSSL" s_client -quiet -connect "127.0.0.1:$p" "$@" \
		>/dev/null 2>&1 &
	HOLD=$!
	PIDS="$PIDS $HOLD"
}
release_conn() { # end hold_conn's connection and wait for it
	touch "$W/release"
	kill "$HOLD" 2>/dev/null || true
	wait "$HOLD" 2>/dev/null || true
}
stat_line() { # port regex [--json]: poll `ktls stat' until the socket's line
	# (entry) matches regex: the server sets its tunables after the hand-off
	i=0
	while [ $i -lt 50 ]; do
		if [ "${3:-}" = --json ]; then
			"$KTLS" stat --json 2>&1 | tr '{' '\n' |
				grep "\"local\":\"127.0.0.1:$1\"" > "$W/stat.line" || true
		else
			"$KTLS" stat 2>&1 | grep "^127.0.0.1:$1 " > "$W/stat.line" || true
		fi
		grep -qE "$2" "$W/stat.line" && { cat "$W/stat.line"; return 0; }
		sleep 0.2
		i=$((i + 1))
	done
	echo "wanted: $2"
	echo "got:"
	cat "$W/stat.line"
	return 1
}
stat_expect() { # port want-regex s_client-args...
	p=$1 re=$2
	shift 2
	hold_conn "$p" "$@"
	rc=0
	stat_line "$p" "$re" || rc=1
	release_conn
	return $rc
}
stat_gone() { # port: a closed connection leaves the view
	hold_conn "$1" -tls1_3
	stat_line "$1" "ulp k?tls version 1\.3 " >/dev/null || return 1
	release_conn
	i=0
	while [ $i -lt 50 ]; do
		"$KTLS" stat | grep -q "^127.0.0.1:$1 " || return 0
		sleep 0.2
		i=$((i + 1))
	done
	echo "still listed after the client closed:"
	"$KTLS" stat | grep "^127.0.0.1:$1 "
	return 1
}
# ktls.ko reports TLS_TX_ZEROCOPY_RO for software kTLS; the in-tree module
# sets the flag but reports it only for device offload (TLS_HW).
stat_flags() { # port
	zc=" zc-ro-tx"
	[ -d /sys/module/ktls ] || zc=""
	rc=0
	stat_expect "$1" "ulp k?tls version 1\.3 cipher AES-256-GCM tx sw rx sw$zc rx-no-pad\$" \
		-tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384 || rc=1
	[ $rc = 0 ] || tail -n 4 "$W/serve3.log"
	! grep "refused" "$W/serve3.log" && return $rc
}
stat_json() { # port
	zc=true
	[ -d /sys/module/ktls ] || zc=false
	hold_conn "$1" -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256
	rc=0
	stat_line "$1" \
		"\"ulp\":\"k?tls\",\"version\":\"1\.3\",\"cipher\":\"AES-128-GCM\",\"tx\":\"sw\",\"rx\":\"sw\",\"zc_ro_tx\":$zc,\"rx_no_pad\":true" \
		--json || rc=1
	release_conn
	return $rc
}
if [ "$EXPECT" = kernel ]; then
	t "ktls stat shows counters" sh -c "'$KTLS' stat | grep -qE '^TlsCurrTxSw'"
	"$KTLS" serve --addr 127.0.0.1 --port 0 --port-file "$W/port3" \
		--zerocopy-ro --rx-no-pad "$W/root" 2>"$W/serve3.log" &
	PIDS="$PIDS $!"
	wait_file "$W/port3" || true
	PORT3=$(cat "$W/port3" 2>/dev/null || echo 0)
	tv "ktls stat: server socket, TLS 1.3 AES-128-GCM, TX and RX sw, no flags" \
		stat_expect "$PORT" "ulp k?tls version 1\.3 cipher AES-128-GCM tx sw rx sw\$" \
		-tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256
	tv "ktls stat: server socket, TLS 1.2 CHACHA20-POLY1305, TX and RX sw" \
		stat_expect "$PORT" "ulp k?tls version 1\.2 cipher CHACHA20-POLY1305 tx sw rx sw\$" \
		-tls1_2 -cipher ECDHE-ECDSA-CHACHA20-POLY1305
	tv "ktls stat: serve --zerocopy-ro --rx-no-pad flags (zc-ro-tx: ktls.ko only)" \
		stat_flags "$PORT3"
	tv "ktls stat --json: the same fields for a live socket" stat_json "$PORT3"
	t "ktls stat: a closed connection leaves the view" stat_gone "$PORT"
else
	t "ktls stat says counters are absent" sh -c "'$KTLS' stat | grep -q absent"
	t "ktls stat --json has null counters" sh -c "'$KTLS' stat --json | grep -q '^{\"counters\":null'"
fi

# --- a client that hangs mid-handshake ----------------------------------------
hang() {
	# A TCP client that sends half a ClientHello record header, then stalls.
	(printf '\026\003\001'; sleep 8) | nc 127.0.0.1 "$PORT" >/dev/null 2>&1 &
	h=$!
	sleep 1
	rc=0
	"$KTLS" get "$URL/f16385" -o "$W/h.out" --insecure --quiet &&
		[ "$(sha "$W/h.out")" = "$(sha "$W/root/f16385")" ] || rc=1
	kill "$h" 2>/dev/null || true
	alive "$SPID" || rc=1
	return $rc
}
t "serves others while a client hangs mid-handshake" hang
exit 0
