#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# demo.sh - in-guest demo: ktls.ko is the "tls" ULP; `ktls serve` sends a
# file with sendfile over kTLS, `ktls get` receives it over kTLS RX; the
# SHA-256 of both ends and the kernel's counters are shown. TAP output.
n=0
bad=0
t() {	# t NAME COMMAND...
	n=$((n + 1))
	if "$@"; then echo "ok $n $1"; else echo "not ok $n $1"; bad=1; fi
}
ulp_present() { grep -qw tls /proc/sys/net/ipv4/tcp_available_ulp; }
module_is_ktls() { grep -q '^ktls ' /proc/modules; }
make_file() {
	mkdir -p /tmp/www && dd if=/dev/urandom of=/tmp/www/demo.bin bs=1024 count=4096 2>/dev/null
}
serve_get() {
	ktls serve --port 8443 /tmp/www > /tmp/serve.log 2>&1 &
	spid=$!
	i=0
	while [ $i -lt 50 ] && ! ktls get --insecure -o /tmp/got.bin \
		https://127.0.0.1:8443/demo.bin > /tmp/get.log 2>&1; do
		sleep 0.2; i=$((i + 1))
	done
	kill $spid 2>/dev/null; wait $spid 2>/dev/null
	sed 's/^/# get: /' /tmp/get.log; sed 's/^/# serve: /' /tmp/serve.log
	[ -f /tmp/got.bin ]
}
same_sha() {
	a=$(sha256sum < /tmp/www/demo.bin); b=$(sha256sum < /tmp/got.bin)
	echo "# sha256 sent $a"; echo "# sha256 got  $b"
	[ "$a" = "$b" ]
}
counters() {
	sed 's/^/# /' /proc/net/tls_stat
	awk '$1 == "TlsTxSw" && $2 > 0 { tx = 1 } $1 == "TlsRxSw" && $2 > 0 { rx = 1 }
	     END { exit !(tx && rx) }' /proc/net/tls_stat
}
echo "TAP version 13"
echo "1..6"
t ulp_present ulp_present
t module_is_ktls module_is_ktls
t make_file make_file
t serve_get serve_get
t same_sha same_sha
t counters counters
exit $bad
