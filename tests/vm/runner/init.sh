#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# init.sh - /init of the test VM: load modules, run suites, write the verdict.
# Results and the verdict go to the second serial port (/dev/ttyS1; on
# arm64 a virtio console, /dev/hvc0: OUT in ktls-run.conf); the verdict is
# written last, after the module unload, the kmemleak scan (debug kernel)
# and the dmesg scan.
export PATH=/bin
OUT=/dev/ttyS1
. /etc/ktls-run.conf
DEBUG=${DEBUG:-0}

say() { echo "$*" > "$OUT"; }
fail() { FAILS="$FAILS; $*"; }
FAILS=""

step_mount() {
	mount -t proc proc /proc
	mount -t sysfs sys /sys
	mount -t devtmpfs dev /dev
	# what the results channel needs (/etc/ktls-modules-boot, arm64)
	if [ -f /etc/ktls-modules-boot ]; then
		while read -r f _; do
			insmod "/lib/modules/$f"
		done < /etc/ktls-modules-boot
		i=0
		while [ ! -c "$OUT" ] && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	fi
	# files staged under /tmp (a clone under /tmp) survive the tmpfs
	mkdir -p /.tmp-staged && mv /tmp/* /.tmp-staged/ 2>/dev/null
	mount -t tmpfs tmp /tmp
	mv /.tmp-staged/* /tmp/ 2>/dev/null
	ip link set lo up
	echo 1 > /proc/sys/kernel/panic_on_warn
	[ "$DEBUG" = 1 ] && mount -t debugfs debugfs /sys/kernel/debug
}

# The first TCP connect of a boot turns off two once-only static keys
# (net_get_random_once: the port-search perturbation table, the ISN
# secret); a kworker patches the code a moment later. Under multi-threaded
# TCG a vCPU running that code during the patch can take the int3 as an
# Oops (seen in __inet_hash_connect and secure_tcp_seq_and_ts_off, not on
# real hardware). So connect once, alone, to a closed port on v4 and v6,
# and let the patching finish before any suite starts.
step_warmup() {
	echo | nc 127.0.0.1 9 >/dev/null 2>&1
	echo | nc ::1 9 >/dev/null 2>&1
	sleep 1
}

KMEMLEAK=/sys/kernel/debug/kmemleak

step_kmemleak_start() {	# leaks reported during boot are not ours
	[ "$DEBUG" = 1 ] || return 0
	[ -w $KMEMLEAK ] || { fail "no $KMEMLEAK in the debug kernel"; return; }
	echo scan > $KMEMLEAK
	echo clear > $KMEMLEAK
}

step_kmemleak() {	# after the unload: any unreferenced object is red
	[ "$DEBUG" = 1 ] || return 0
	echo scan > $KMEMLEAK || { fail "kmemleak scan failed (disabled?)"; return; }
	sleep 6
	echo scan > $KMEMLEAK
	cat $KMEMLEAK > /tmp/kmemleak.txt
	n=$(grep -c 'unreferenced object' /tmp/kmemleak.txt)
	say "KTLS-KMEMLEAK $n unreferenced objects"
	[ "$n" = 0 ] && return 0
	fail "kmemleak: $n unreferenced objects"
	cat /tmp/kmemleak.txt > "$OUT"
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

# --async MODE (run.sh): the wrapper's modules, then every AEAD wrapped
# (guest/tools/force-async.c), before any suite installs a key; with only
# --async-from, the modules now and the wrapping later
step_async() {
	[ -n "${ASYNC:-}${ASYNC_FROM:-}" ] || return 0
	while read -r f _; do
		out=$(insmod "/lib/modules/$f" 2>&1)
		case "$?:$out" in
		0:*|*"File exists"*) ;;
		*) fail "insmod $f failed: $out"; return ;;
		esac
	done < /etc/ktls-modules-async
	[ -n "${ASYNC:-}" ] || return 0
	force_async "$ASYNC" "--async $ASYNC"
}

# force_async MODE WHAT [off]: every AEAD wrapped in MODE (or, with off,
# MODE's wrappers lowered below what they wrap), the tool's lines in the
# results; the run fails, naming WHAT, unless every one is
force_async() {
	/bin/tool-force-async "$1" ${3:+"$3"} > "$OUT" 2>&1 && return 0
	if [ -n "${3:-}" ]; then
		fail "$2: not every $1 wrapper lowered below what it wraps (force-async $1 off)"
	else
		fail "$2: not every AEAD is asynchronous through $1 (force-async)"
	fi
	return 1
}

# The --filter globs for suite $1: "SUITE:GLOB" ones for that suite (our
# harness programs: peer:peer.*.tx_max_record), plain ones for the
# upstream selftest. None: the suite runs all its tests.
filter_for() {
	set -f
	for g in $(cat /etc/ktls-filter); do
		case "$g" in
		"$1":*) echo "${g#*:}" ;;
		*:*) ;;
		*) [ "$1" = selftest ] && echo "$g" ;;
		esac
	done
	set +f
}

# --async-from SUITE:MODE (run.sh): before SUITE, the first wrapper's
# drivers (if any: --async) lowered below what they wrap and every AEAD
# wrapped in MODE; the suites from there on install their keys through
# MODE
step_async_switch() {
	[ -n "${ASYNC_FROM:-}" ] && [ "${ASYNC_FROM%%:*}" = "$1" ] || return 0
	say "KTLS-ASYNC-SWITCH ${ASYNC:-sync} -> ${ASYNC_FROM#*:} before $1"
	{ [ -z "${ASYNC:-}" ] || force_async "$ASYNC" "--async-from $ASYNC_FROM" off; } &&
		force_async "${ASYNC_FROM#*:}" "--async-from $ASYNC_FROM"
}

step_suites() {
	for s in /suites/*; do
		name=${s##*/}
		name=${name#*-}
		step_async_switch "$name"
		say "KTLS-SUITE-BEGIN $name"
		t0=$(date +%s)
		cd /tmp || return
		# shellcheck disable=SC2046
		KTLS_FILTER="$(filter_for "$name" | tr '\n' ' ')" \
		KTLS_KNOWN_FILE=/etc/ktls-known \
		KTLS_EXCLUDE_FILE=/etc/ktls-exclude \
		KTLS_KNOWN_TIMEOUT=$KNOWN_TIMEOUT \
		KTLS_TEST_TIMEOUT=$TEST_TIMEOUT env $SUITE_ENV \
			timeout -s KILL "$GTIMEOUT" "$s" > "$OUT" 2>&1
		rc=$?
		say "KTLS-SUITE-END $name rc=$rc secs=$(($(date +%s) - t0))"
		[ $rc = 137 ] && fail "suite $name killed after ${GTIMEOUT}s"
	done
}

# --async with ktls.ko: its records really went through the wrapper (the
# module counts those whose AEAD completed later)
step_async_used() {
	[ -n "${ASYNC:-}${ASYNC_FROM:-}" ] || return 0
	n=$(awk '$1 == "TlsTxAsyncRecords" { print $2; exit }' /proc/net/*tls_stat 2>/dev/null)
	[ -n "$n" ] || return 0		# the in-tree module: no such counter
	say "KTLS-ASYNC TlsTxAsyncRecords $n"
	[ "$n" -gt 0 ] || fail "--async${ASYNC:+ $ASYNC}${ASYNC_FROM:+ --async-from $ASYNC_FROM}: no record's AEAD completed asynchronously (TlsTxAsyncRecords 0)"
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

# Kernel reports that make a run red. Between the fault suite's markers
# in the kernel log, allocation-failure reports (a stack dump without
# WARNING/BUG) are what the suite asks for; everything else still counts.
BAD='WARNING:|BUG:|Oops|general protection|KASAN|UBSAN|kmemleak|refcount_t:|list_(add|del) corruption|Call Trace|stack-protector'
BAD="$BAD|possible circular locking|possible recursive locking|inconsistent lock state|sleeping function called from invalid context|suspicious RCU usage|ODEBUG:"
OK_BOOT='kmemleak: Kernel memory leak detector initialized'

step_dmesg() {
	dmesg > /tmp/dmesg.txt
	if awk '/ktls-fault: injection on/ { w = 1 } /ktls-fault: injection off/ { w = 0 }
		w && /Call Trace|page allocation failure/ { next } { print }' /tmp/dmesg.txt |
	   grep -v "$OK_BOOT" | grep -E "$BAD" > /tmp/bad.txt; then
		fail "kernel reported problems: $(head -n 3 /tmp/bad.txt | tr '\n' '|')"
	fi
	say "KTLS-DMESG-BEGIN"
	cat /tmp/dmesg.txt > "$OUT"
	say "KTLS-DMESG-END"
}

step_mount
step_warmup
say "KTLS-BOOTED $(uname -r)"
step_kmemleak_start
step_modules
[ -z "$FAILS" ] && step_async
if [ -z "$FAILS" ]; then
	step_suites
	step_async_used
	step_gauges
	step_unload
	step_kmemleak
fi
step_dmesg
if [ -z "$FAILS" ]; then
	say "KTLS-VERDICT PASS"
else
	say "KTLS-VERDICT FAIL${FAILS}"
fi
sync
# The debug kernel has no ACPI to power off with; qemu's -no-reboot ends
# the VM on a reboot instead.
[ "$DEBUG" = 1 ] && reboot -f
poweroff -f
