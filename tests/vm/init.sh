#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# init.sh - /init of the test VM: load modules, run suites, write the verdict.
# Results and the verdict go to the second serial port (/dev/ttyS1); the
# verdict is written last, after the module unload and the dmesg scan.
export PATH=/bin
OUT=/dev/ttyS1
. /etc/ktls-run.conf

say() { echo "$*" > "$OUT"; }
fail() { FAILS="$FAILS; $*"; }
FAILS=""

step_mount() {
	mount -t proc proc /proc
	mount -t sysfs sys /sys
	mount -t devtmpfs dev /dev
	# files staged under /tmp (a clone under /tmp) survive the tmpfs
	mkdir -p /.tmp-staged && mv /tmp/* /.tmp-staged/ 2>/dev/null
	mount -t tmpfs tmp /tmp
	mv /.tmp-staged/* /tmp/ 2>/dev/null
	ip link set lo up
	echo 1 > /proc/sys/kernel/panic_on_warn
}

step_modules() {	# /etc/ktls-modules: "file required(0|1|test)" lines
	while read -r f req; do
		args=""
		[ "$req" = test ] && args=$MODARGS
		# shellcheck disable=SC2086
		out=$(insmod "/lib/modules/$f" $args 2>&1)
		rc=$?
		case "$out" in *"File exists"*) [ "$req" != test ] && rc=0 ;; esac
		echo "KTLS-INSMOD $f rc=$rc $out"
		if [ $rc != 0 ] && [ "$req" != 0 ]; then
			fail "insmod $f failed: $out"
		fi
	done < /etc/ktls-modules
	say "KTLS-ULP $(cat /proc/sys/net/ipv4/tcp_available_ulp)"
}

step_suites() {
	for s in /suites/*; do
		name=${s##*/}
		name=${name#*-}
		say "KTLS-SUITE-BEGIN $name"
		cd /tmp || return
		# shellcheck disable=SC2046
		KTLS_FILTER="$(cat /etc/ktls-filter)" \
		KTLS_KNOWN_FILE=/etc/ktls-known \
		KTLS_EXCLUDE_FILE=/etc/ktls-exclude \
		KTLS_KNOWN_TIMEOUT=$KNOWN_TIMEOUT \
		KTLS_TEST_TIMEOUT=$TEST_TIMEOUT timeout -s KILL "$GTIMEOUT" \
			"$s" > "$OUT" 2>&1
		rc=$?
		say "KTLS-SUITE-END $name rc=$rc"
		[ $rc = 137 ] && fail "suite $name killed after ${GTIMEOUT}s"
	done
}

step_gauges() {		# every kTLS socket is closed: gauges back to 0
	sleep 1
	stat=$(ls /proc/net/*tls_stat 2>/dev/null | head -n1)
	[ -n "$stat" ] || { fail "no /proc/net/*tls_stat"; return; }
	cat "$stat" > "$OUT"
	bad=$(awk '/^TlsCurr/ && $2 != 0 { print $1 "=" $2 }' "$stat")
	[ -z "$bad" ] || fail "gauges not back to 0: $bad"
}

step_unload() {		# the module under test unloads cleanly
	mod=$(awk '$2 == "test" { print $1 }' /etc/ktls-modules)
	name=${mod##*/}
	name=${name%.ko}
	out=$(rmmod "$name" 2>&1) || fail "rmmod $name failed: $out"
}

step_dmesg() {
	dmesg > /tmp/dmesg.txt
	if grep -E 'WARNING:|BUG:|Oops|general protection|KASAN|UBSAN|kmemleak|refcount_t:|list_(add|del) corruption|Call Trace|stack-protector' /tmp/dmesg.txt > /tmp/bad.txt; then
		fail "kernel reported problems: $(head -n 3 /tmp/bad.txt | tr '\n' '|')"
	fi
	say "KTLS-DMESG-BEGIN"
	cat /tmp/dmesg.txt > "$OUT"
	say "KTLS-DMESG-END"
}

step_mount
say "KTLS-BOOTED $(uname -r)"
step_modules
if [ -z "$FAILS" ]; then
	step_suites
	step_gauges
	step_unload
fi
step_dmesg
if [ -z "$FAILS" ]; then
	say "KTLS-VERDICT PASS"
else
	say "KTLS-VERDICT FAIL${FAILS}"
fi
sync
poweroff -f
