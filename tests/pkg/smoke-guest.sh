#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# smoke-guest.sh - in-guest smoke of the module DKMS built (tests/pkg/check.sh
# fills in @SRCVERSION@ and @PEER@): it is the module under test (same
# srcversion as on the host), owns the "tls" ULP, and moves one full record
# each way per cipher family against the independent reference record layer
# of tests/vm/guest/peer.c (harness -r filters). TAP output.
WANT_SRCVERSION=@SRCVERSION@
PEER=@PEER@
FAMILIES="13_aes_gcm 12_aes_gcm_256 13_aes_ccm 13_chacha 13_sm4_gcm 12_aria_gcm_128"
n=0
bad=0
t() {	# t NAME COMMAND...
	n=$((n + 1))
	if "$@"; then echo "ok $n $1"; else echo "not ok $n $1"; bad=1; fi
}
module_is_ktls() { grep -q '^ktls ' /proc/modules; }
ulp_is_registered() { grep -qw tls /proc/sys/net/ipv4/tcp_available_ulp; }
same_srcversion() {
	got=$(cat /sys/module/ktls/srcversion 2>/dev/null)
	echo "# srcversion host $WANT_SRCVERSION guest $got"
	[ -n "$got" ] && [ "$got" = "$WANT_SRCVERSION" ]
}
counters_file() { [ -r /proc/net/tls_stat ]; }
transfers() {	# one harness run; its results become ours, renumbered
	args=""
	for f in $FAMILIES; do
		args="$args -r peer.$f.tx_max_record -r peer.$f.rx_max_record"
	done
	# shellcheck disable=SC2086
	"$PEER" $args > /tmp/peer.out 2>&1
	sed -n 's/^#/# peer:/p' /tmp/peer.out
	while read -r line; do
		case "$line" in
		"ok "*) n=$((n + 1)); echo "ok $n ${line#ok * }" ;;
		"not ok "*) n=$((n + 1)); echo "not ok $n ${line#not ok * }"; bad=1 ;;
		esac
	done < /tmp/peer.out
}
echo "TAP version 13"
echo "1..$((4 + 2 * $(echo $FAMILIES | wc -w)))"
t module_is_ktls module_is_ktls
t ulp_is_registered ulp_is_registered
t same_srcversion same_srcversion
t counters_file counters_file
transfers
exit $bad
