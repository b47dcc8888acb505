#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# In-guest suite: TLS software we did not write, over the kernel's `tls` ULP
# (ktls.ko, or Debian's tls.ko for the reference run).  kselftest-style TAP.
#
#   nginx 1.22 (Debian 12, OpenSSL 3.0): `ssl_conf_command Options KTLS`,
#       `sendfile on`, fetched by curl, gnutls-cli and `ktls get`
#   openssl s_server -WWW -sendfile and s_client, OpenSSL 3.0 (Debian 12,
#       `Options = KTLS` in its config) and 3.5 (trixie, `-ktls`)
#   GnuTLS (Debian 12: built without kTLS) as the userspace peer
#   TLS 1.3 KeyUpdate from real peers over kernel TX and RX: OpenSSL 3.5 on
#       both ends (k and K from each side between data), GnuTLS answering
#       an update_requested from OpenSSL 3.5
#
# Every transfer is checked by SHA-256 and by the kTLS sessions it opened:
# the other end is a userspace TLS stack (curl, GnuTLS, openssl without
# kTLS), so /proc/net/tls_stat's TlsTxSw/TlsRxSw move by exactly what the
# program under test offloads (docs/apps.md has the table): a silent
# fallback to userspace TLS is a failure, and so is an offload a version
# is not known to do.
#
# Env: APPS_KB (size of the files served, default 1024).
set -eu
PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
O30=/usr/bin/openssl
O35=/usr/bin/openssl35
KTLS=${KTLS:-/bin/ktls}
KB=${APPS_KB:-1024}
W=$(mktemp -d "${TMPDIR:-/tmp}/apps.XXXXXX")
N=0
PIDS=""
T_START=$(cut -d' ' -f1 /proc/uptime)

C12="ECDHE-ECDSA-AES128-GCM-SHA256 ECDHE-ECDSA-AES256-GCM-SHA384 ECDHE-ECDSA-CHACHA20-POLY1305 ECDHE-ECDSA-AES128-CCM"
C13="TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256 TLS_AES_128_CCM_SHA256"
C12L=$(echo $C12 | tr ' ' ':')
C13L=$(echo $C13 | tr ' ' ':')

# nginx: 8 curl + ktls get 1.2/1.3 + 2 gnutls-cli + sendfile + log = 14;
# s_server 3.0/3.5 x 8 curl, s_client 3.0/3.5 x 8 = 32; ktls get ->
# gnutls-serv 2; KeyUpdate 3; setup 1.
echo "1..52"

# tap, t, sha ("apps:WORD" in tests/vm/known/*.txt)
# shellcheck source=tests/vm/suites/lib/tap.sh
. /lib/ktls/tap.sh
trap tap_cleanup EXIT INT TERM
same() { # same GOT WANT
	[ "$(sha "$1")" = "$(sha "$2")" ] && return 0
	echo "body differs: $(wc -c < "$1") bytes, $(wc -c < "$2") expected"
	return 1
}
bg() { # bg LOG CMD...: start a server in the background, pid in BGPID
	log=$1
	shift
	"$@" >"$log" 2>&1 &
	BGPID=$!
	PIDS="$PIDS $BGPID"
}
listening() { # PORT: a listening TCP socket on PORT (v4 or v6)
	hex=$(printf ':%04X ' "$1")
	awk -v p="$hex" 'index($2 " ", p) && $4 == "0A" { f = 1 } END { exit !f }' \
		/proc/net/tcp /proc/net/tcp6
}
wait_listen() { # PORT LOG
	local i
	i=0
	while ! listening "$1"; do
		i=$((i + 1))
		[ $i -lt 150 ] || { echo "nothing listens on port $1"; cat "$2"; return 1; }
		sleep 0.2
	done
}
stop() { # PID
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# --- kTLS sessions opened: /proc/net/tls_stat (ktls_stat with ulp_name=ktls)
STATF=$(ls /proc/net/tls_stat /proc/net/ktls_stat 2>/dev/null | head -n1 || true)
ctr() { # NAME: counter value, 0 when the kernel has no such counter
	awk -v n="$1" '$1 == n { v = $2 } END { print v + 0 }' "$STATF"
}
snap() { T0=$(ctr TlsTxSw) R0=$(ctr TlsRxSw); }
moved() { # TX RX: TlsTxSw/TlsRxSw moved by exactly that since snap
	dt=$(($(ctr TlsTxSw) - T0))
	dr=$(($(ctr TlsRxSw) - R0))
	echo "kTLS sessions opened: TX $dt RX $dr (expected TX $1 RX $2)"
	[ "$dt" = "$1" ] && [ "$dr" = "$2" ]
}
# What one OpenSSL endpoint offloads (LIB VERSION CIPHER -> "TX RX"):
# 3.0 does TLS 1.3 TX only and refuses TLS 1.3 AES-128-CCM; 3.5 does all.
offload() {
	case "$1/$2/$3" in
	3.0/1.3/*CCM*) echo "0 0" ;;
	3.0/1.3/*) echo "1 0" ;;
	*) echo "1 1" ;;
	esac
}

# --- set-up -------------------------------------------------------------------
setup() {
	[ -n "$STATF" ] || { echo "no /proc/net/tls_stat: no TLS ULP loaded"; return 1; }
	grep -q '^root:' /etc/passwd 2>/dev/null || echo 'root:x:0:0:root:/:/bin/sh' >> /etc/passwd
	grep -q '^root:' /etc/group 2>/dev/null || echo 'root:x:0:' >> /etc/group
	mkdir -p "$W/www" "$W/ngx"
	dd if=/dev/urandom of="$W/www/f" bs=1024 count="$KB" 2>/dev/null
	cat > "$W/ktls.cnf" <<-'EOF'
	openssl_conf = openssl_init
	[openssl_init]
	ssl_conf = ssl_module
	[ssl_module]
	system_default = ssl_default
	[ssl_default]
	Options = KTLS
	EOF
	printf '# nothing: OpenSSL without kTLS\n' > "$W/plain.cnf"
	printf '[global]\nktls = true\n' > "$W/gnutls.cfg"
	OPENSSL_CONF=$W/plain.cnf "$O30" req -x509 -newkey ec \
		-pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$W/key.pem" \
		-out "$W/cert.pem" -days 1 -subj /CN=localhost || return 1
	"$O35" version && "$O30" version && nginx -v && gnutls-cli --version | head -n 1
	# Debian builds GnuTLS without --enable-ktls: no "ktls" among its TLS
	# features, so it serves as the userspace peer here.
	gnutls-cli --list-config | grep tls-features
}
t "set-up: certificate, files, /proc/net/tls_stat, the programs run" setup
sed 's/^/# /' "$W/t.out"
export OPENSSL_CONF="$W/plain.cnf"

# curl_get NAME URL VERSION CIPHER WANT_TX WANT_RX [curl args]: curl (a
# userspace TLS client) fetches /f; the server's offload is checked.
curl_get() {
	url=$1 v=$2 c=$3 wt=$4 wr=$5
	rm -f "$W/got"
	if [ "$v" = 1.2 ]; then
		set -- --tlsv1.2 --tls-max 1.2 --ciphers "$c"
	else
		set -- --tlsv1.3 --tls-max 1.3 --tls13-ciphers "$c"
	fi
	snap
	curl -sS -k "$@" -o "$W/got" -w '%{http_code} %{ssl_verify_result}\n' "$url/f" ||
		return 1
	same "$W/got" "$W/www/f" && moved "$wt" "$wr"
}

# --- nginx ----------------------------------------------------------------------
cat > "$W/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
user root root;
pid $W/nginx.pid;
error_log $W/nginx.log debug;
events { worker_connections 64; }
http {
	access_log off;
	default_type application/octet-stream;
	client_body_temp_path $W/ngx/body;
	proxy_temp_path $W/ngx/proxy;
	fastcgi_temp_path $W/ngx/fastcgi;
	uwsgi_temp_path $W/ngx/uwsgi;
	scgi_temp_path $W/ngx/scgi;
	sendfile on;
	server {
		listen 127.0.0.1:8443 ssl;
		listen [::1]:8443 ssl;
		ssl_certificate $W/cert.pem;
		ssl_certificate_key $W/key.pem;
		ssl_protocols TLSv1.2 TLSv1.3;
		ssl_ciphers $C12L;
		ssl_conf_command Ciphersuites $C13L;
		ssl_conf_command Options KTLS;
		root $W/www;
	}
}
EOF
bg "$W/nginx.out" nginx -c "$W/nginx.conf" -p "$W/ngx"
NGINX=$BGPID
wait_listen 8443 "$W/nginx.log" >"$W/t.out" 2>&1 ||
	{ sed 's/^/# /' "$W/t.out" "$W/nginx.out" | tail -n 20; }
KTX=0	# nginx connections with kTLS TX, for the sendfile check
for c in $C12; do
	t "nginx TLS 1.2 $c -> curl: sha256, kTLS TX and RX" \
		curl_get https://127.0.0.1:8443 1.2 "$c" 1 1
	KTX=$((KTX + 1))
done
for c in $C13; do
	o=$(offload 3.0 1.3 "$c")
	t "nginx TLS 1.3 $c over IPv6 -> curl: sha256, kTLS TX ${o% *} RX ${o#* }" \
		curl_get "https://[::1]:8443" 1.3 "$c" $o
	KTX=$((KTX + ${o% *}))
done

ktls_get() { # URL VERSION WANT_TX WANT_RX
	rm -f "$W/got"
	snap
	"$KTLS" get "$1/f" -o "$W/got" --insecure --tls "$2" 2>"$W/get.err" ||
		{ cat "$W/get.err"; return 1; }
	grep "path:" "$W/get.err"
	grep -q "RX kernel" "$W/get.err" && same "$W/got" "$W/www/f" && moved "$3" "$4"
}
# ktls get opens TX and RX itself: one more of each than nginx.
t "nginx TLS 1.2 -> ktls get: sha256, kTLS TX and RX on both ends" \
	ktls_get https://127.0.0.1:8443 1.2 2 2
t "nginx TLS 1.3 -> ktls get: sha256, kTLS TX both ends, RX ktls get" \
	ktls_get https://127.0.0.1:8443 1.3 2 1
KTX=$((KTX + 2))

# gnutls-cli half-closes (close_notify, FIN) at the end of its input, and
# nginx drops a connection whose client closed before the response was
# sent (499): the input stays open until nginx has closed. GnuTLS's kTLS
# switch is on (the configuration is checked: an unknown key is fatal);
# Debian's build ignores it, so only nginx's sessions count.
gnutls_get() { # VERSION WANT_TX WANT_RX: gnutls-cli sends a request, body = tail
	rm -f "$W/got"
	: > "$W/gc.log"
	snap
	(printf 'GET /f HTTP/1.0\r\nHost: x\r\n\r\n'; i=0
	 while ! grep -q "Peer has closed" "$W/gc.log" && [ $i -lt 300 ]; do
		sleep 0.2
		i=$((i + 1))
	 done) | GNUTLS_SYSTEM_PRIORITY_FILE=$W/gnutls.cfg \
		GNUTLS_SYSTEM_PRIORITY_FAIL_ON_INVALID=1 timeout 60 gnutls-cli --insecure \
		--priority "NORMAL:-VERS-ALL:+VERS-TLS$1" --logfile "$W/gc.log" \
		-p 8443 127.0.0.1 > "$W/gc.out" ||
		{ tail -n 3 "$W/gc.log"; grep prematurely "$W/nginx.log"; return 1; }
	grep -a "Description" "$W/gc.log" | head -n 1
	head -n 1 "$W/gc.out" | tr -d '\r' | grep -q '^HTTP/1.1 200 OK$' || { head -n 3 "$W/gc.out"; return 1; }
	tail -c "$(wc -c < "$W/www/f")" "$W/gc.out" > "$W/got"
	same "$W/got" "$W/www/f" && moved "$2" "$3"
}
t "nginx TLS 1.2 -> gnutls-cli (ktls = true, not built in): sha256, nginx kTLS TX and RX" \
	gnutls_get 1.2 1 1
t "nginx TLS 1.3 -> gnutls-cli (ktls = true, not built in): sha256, nginx kTLS TX" \
	gnutls_get 1.3 1 0
KTX=$((KTX + 2))

# With kTLS TX nginx sends files with SSL_sendfile (debug log: one
# "BIO_get_ktls_send(): 1" per such connection, then SSL_sendfile calls).
ngx_sendfile() {
	k=$(grep -c 'BIO_get_ktls_send(): 1' "$W/nginx.log" || true)
	s=$(grep -c 'SSL_sendfile: [1-9]' "$W/nginx.log" || true)
	echo "connections with kTLS TX: $k (expected $KTX), SSL_sendfile calls: $s"
	[ "$k" = "$KTX" ] && [ "$s" -ge "$KTX" ]
}
t "nginx sent with SSL_sendfile on every kTLS TX connection" ngx_sendfile
ngx_clean() {
	alive=0
	kill -0 "$NGINX" 2>/dev/null && alive=1
	stop "$NGINX"
	grep -E '\[(warn|error|crit|alert|emerg)\]' "$W/nginx.log" | tail -n 10
	[ $alive = 1 ] && ! grep -qE '\[(error|crit|alert|emerg)\]' "$W/nginx.log"
}
t "nginx ran throughout, no error in its log" ngx_clean

# --- openssl s_server -WWW -sendfile ----------------------------------------------
s_server_matrix() { # LIB PORT CMD...: a kTLS s_server; curl per version x cipher
	lib=$1 port=$2
	shift 2
	(cd "$W/www" && exec "$@" -accept "127.0.0.1:$port" -cert "$W/cert.pem" \
		-key "$W/key.pem" -WWW -sendfile -cipher "$C12L" -ciphersuites "$C13L") \
		>"$W/ss.log" 2>&1 &
	sp=$!
	PIDS="$PIDS $sp"
	wait_listen "$port" "$W/ss.log" >"$W/t.out" 2>&1 || sed 's/^/# /' "$W/t.out"
	for v in 1.2 1.3; do
		if [ $v = 1.2 ]; then cs=$C12; else cs=$C13; fi
		for c in $cs; do
			o=$(offload "$lib" $v "$c")
			t "s_server $lib -WWW -sendfile TLS $v $c -> curl: sha256, kTLS TX ${o% *} RX ${o#* }" \
				curl_get "https://127.0.0.1:$port" $v "$c" $o
		done
	done
	stop "$sp"
	grep -i "error\|warn" "$W/ss.log" | sed 's/^/# /' | head -n 5
}
OPENSSL_CONF=$W/ktls.cnf s_server_matrix 3.0 8444 "$O30" s_server
s_server_matrix 3.5 8445 "$O35" s_server -ktls

# --- openssl s_client against gnutls-serv (userspace) ----------------------------
bg "$W/gs.log" gnutls-serv --http --httpdata="$W/www/f" -p 8446 \
	--x509certfile="$W/cert.pem" --x509keyfile="$W/key.pem" \
	--priority "NORMAL:+AES-128-CCM"
GSERV=$BGPID
wait_listen 8446 "$W/gs.log" >"$W/t.out" 2>&1 || sed 's/^/# /' "$W/t.out"

s_client_get() { # VERSION CIPHER WANT_TX WANT_RX CMD...: body = tail of the output
	v=$1 c=$2 wt=$3 wr=$4
	shift 4
	if [ "$v" = 1.2 ]; then a="-tls1_2 -cipher $c"; else a="-tls1_3 -ciphersuites $c"; fi
	snap
	# shellcheck disable=SC2086
	printf 'GET / HTTP/1.0\r\n\r\n' | timeout 60 "$@" -quiet \
		-connect 127.0.0.1:8446 $a > "$W/sc.out" 2>"$W/sc.err" ||
		{ tail -n 5 "$W/sc.err"; return 1; }
	head -n 1 "$W/sc.out" | tr -d '\r' | grep -q '^HTTP/1.0 200 OK$' ||
		{ head -c 200 "$W/sc.out"; tail -n 5 "$W/sc.err"; return 1; }
	tail -c "$(wc -c < "$W/www/f")" "$W/sc.out" > "$W/got"
	same "$W/got" "$W/www/f" && moved "$wt" "$wr"
}
for lib in 3.0 3.5; do
	for v in 1.2 1.3; do
		if [ $v = 1.2 ]; then cs=$C12; else cs=$C13; fi
		for c in $cs; do
			o=$(offload $lib $v "$c")
			if [ $lib = 3.0 ]; then
				set -- env OPENSSL_CONF="$W/ktls.cnf" "$O30" s_client
			else
				set -- "$O35" s_client -ktls
			fi
			t "s_client $lib TLS $v $c <- gnutls-serv: sha256, kTLS TX ${o% *} RX ${o#* }" \
				s_client_get $v "$c" $o "$@"
		done
	done
done

t "gnutls-serv TLS 1.2 -> ktls get: sha256, kTLS TX and RX" \
	ktls_get https://127.0.0.1:8446 1.2 1 1
t "gnutls-serv TLS 1.3 -> ktls get: sha256, kTLS TX and RX" \
	ktls_get https://127.0.0.1:8446 1.3 1 1
stop "$GSERV"

# --- TLS 1.3 KeyUpdate between data, over kernel TX and RX --------------------------
# Data: lines of hex between markers, so the programs' own messages
# interleaved on stdout ("Read BLOCK", ...) can be cut out.
chunk() { # FILE TAG
	{ echo "=BEGIN$2"; head -c 49152 /dev/urandom | od -An -tx1 -v | tr -d ' ' | sed 's/^/=/'
	  echo "=END$2"; } > "$1"
}
clean() { # FILE: the data stream, one line, without the programs' messages
	tr -d '\r\n' < "$1" | awk '{
		gsub(/[Rr]ead R? ?BLOCK|SSL_do_handshake -> -?[0-9]|KEYUPDATE/, "")
		b = index($0, "=BEGIN")
		if (!b)
			next
		s = substr($0, b)
		e = 0
		p = s
		while ((i = index(p, "=END")) > 0) {
			e += i
			p = substr(p, i + 1)
		}
		print e ? substr(s, 1, e + 5) : s
	}'
}
got() { # FILE TAG: the end marker TAG has arrived
	clean "$1" | grep -q "=END$2"
}
wait_got() { # FILE TAG
	local i
	i=0
	while ! got "$1" "$2"; do
		i=$((i + 1))
		[ $i -lt 150 ] || { echo "=END$2 did not arrive in $1"; return 1; }
		sleep 0.2
	done
}
wait_ctr() { # NAME MIN: until counter NAME >= MIN (10 s at most)
	local i
	i=0
	while [ "$(ctr "$1")" -lt "$2" ] && [ $i -lt 50 ]; do
		sleep 0.2
		i=$((i + 1))
	done
}
rekeys() { # TX RX: TlsTxRekeyOk / TlsRxRekeyOk moved by exactly that
	dt=$(($(ctr TlsTxRekeyOk) - K0)) dr=$(($(ctr TlsRxRekeyOk) - L0))
	de=$(($(ctr TlsTxRekeyError) + $(ctr TlsRxRekeyError) + $(ctr TlsDecryptError) - E0))
	echo "kernel rekeys: TX $dt RX $dr, errors $de (expected TX $1 RX $2, errors 0)"
	[ "$dt" = "$1" ] && [ "$dr" = "$2" ] && [ "$de" = 0 ]
}
ksnap() {
	snap
	K0=$(ctr TlsTxRekeyOk) L0=$(ctr TlsRxRekeyOk)
	E0=$(($(ctr TlsTxRekeyError) + $(ctr TlsRxRekeyError) + $(ctr TlsDecryptError)))
}
# cmd FD LETTER: a KeyUpdate command line to s_client/s_server, read alone
# (the program has consumed everything before it); wait for the TX rekey.
cmd() {
	grep -q '^TlsTxRekeyOk' "$STATF" || { echo "$2" >&"$1"; sleep 1; return; }
	n=$(($(ctr TlsTxRekeyOk) + 1))
	echo "$2" >&"$1"
	wait_ctr TlsTxRekeyOk "$n"
}

# Both ends OpenSSL 3.5 with -ktls: TX and RX in the kernel on both.
# c1/s1, client K (4 rekeys), c2/s2, server K (4), c3/s3, client k and
# server k (2 each), c4/s4: 6 TX and 6 RX rekeys in all.
ku_openssl() { # CIPHERSUITE
	for i in 1 2 3 4; do
		chunk "$W/c$i" c$i
		chunk "$W/s$i" s$i
	done
	rm -f "$W/ci" "$W/si"
	busybox mkfifo "$W/ci" "$W/si"
	"$O35" s_server -ktls -accept 127.0.0.1:8447 -cert "$W/cert.pem" \
		-key "$W/key.pem" -tls1_3 -ciphersuites "$1" -naccept 1 \
		< "$W/si" > "$W/s.out" 2>"$W/s.err" &
	sp=$!
	exec 4>"$W/si"
	wait_listen 8447 "$W/s.err" || return 1
	ksnap
	"$O35" s_client -ktls -connect 127.0.0.1:8447 -tls1_3 -ciphersuites "$1" \
		< "$W/ci" > "$W/c.out" 2>"$W/c.err" &
	cp=$!
	exec 3>"$W/ci"
	rc=0
	for i in 1 2 3 4; do
		cat "$W/c$i" >&3
		cat "$W/s$i" >&4
		wait_got "$W/s.out" c$i && wait_got "$W/c.out" s$i || { rc=1; break; }
		case $i in
		1) cmd 3 K ;;
		2) cmd 4 K ;;
		3) cmd 3 k; cmd 4 k ;;
		esac
	done
	exec 3>&- 4>&-
	i=0
	while kill -0 $cp 2>/dev/null && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
	stop $cp
	stop $sp
	cat "$W"/c1 "$W"/c2 "$W"/c3 "$W"/c4 > "$W/c.all"
	cat "$W"/s1 "$W"/s2 "$W"/s3 "$W"/s4 > "$W/s.all"
	clean "$W/c.all" > "$W/want.c"
	clean "$W/s.all" > "$W/want.s"
	clean "$W/s.out" > "$W/got.c"
	clean "$W/c.out" > "$W/got.s"
	grep -c KEYUPDATE "$W/c.err" | sed 's/^/s_client KEYUPDATE commands: /'
	if ! cmp -s "$W/got.c" "$W/want.c" || ! cmp -s "$W/got.s" "$W/want.s"; then
		echo "data differs (client->server, server->client):"
		wc -c "$W/got.c" "$W/want.c" "$W/got.s" "$W/want.s"
		tail -n 5 "$W/c.err" "$W/s.err"
		rc=1
	fi
	moved 2 2 || rc=1
	rekeys 6 6 || rc=1
	return $rc
}
t "keyupdate.openssl35.aes_128_gcm # k/K both ways, s_client 3.5 <-> s_server 3.5 (-ktls): data intact" \
	ku_openssl TLS_AES_128_GCM_SHA256
t "keyupdate.openssl35.chacha20_poly1305 # k/K both ways, s_client 3.5 <-> s_server 3.5 (-ktls): data intact" \
	ku_openssl TLS_CHACHA20_POLY1305_SHA256

# OpenSSL 3.5 (kTLS TX and RX) asks GnuTLS (userspace, echo server) for a
# KeyUpdate between data: one TX rekey (its own) and one RX rekey (GnuTLS's
# answer), the echoed data intact.
ku_gnutls() {
	for i in 1 2; do chunk "$W/c$i" c$i; done
	bg "$W/ge.log" gnutls-serv --echo -p 8448 --x509certfile="$W/cert.pem" \
		--x509keyfile="$W/key.pem"
	gp=$BGPID
	wait_listen 8448 "$W/ge.log" || return 1
	rm -f "$W/ci"
	busybox mkfifo "$W/ci"
	ksnap
	"$O35" s_client -ktls -connect 127.0.0.1:8448 -tls1_3 \
		-ciphersuites TLS_AES_256_GCM_SHA384 < "$W/ci" \
		> "$W/c.out" 2>"$W/c.err" &
	cp=$!
	exec 3>"$W/ci"
	rc=0
	cat "$W/c1" >&3
	wait_got "$W/c.out" c1 || rc=1
	cmd 3 K
	cat "$W/c2" >&3
	wait_got "$W/c.out" c2 || rc=1
	exec 3>&-
	i=0
	while kill -0 $cp 2>/dev/null && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
	stop $cp
	stop $gp
	cat "$W/c1" "$W/c2" > "$W/c.all"
	clean "$W/c.all" > "$W/want.c"
	clean "$W/c.out" > "$W/got.c"
	if ! cmp -s "$W/got.c" "$W/want.c"; then
		echo "echoed data differs:"
		wc -c "$W/got.c" "$W/want.c"
		tail -n 5 "$W/c.err"
		rc=1
	fi
	moved 1 1 || rc=1
	rekeys 1 1 || rc=1
	return $rc
}
t "keyupdate.openssl35_gnutls.aes_256_gcm # K from s_client 3.5 (-ktls) to gnutls-serv --echo: echoed data intact" \
	ku_gnutls

echo "# apps: $(awk -v s="$T_START" '{ printf "%.0f", $1 - s }' /proc/uptime) s"
exit 0
