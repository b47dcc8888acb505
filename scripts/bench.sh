#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# bench.sh - `make bench`: one VM per series with Debian's tls.ko ("tls"
# ULP) and ktls.ko (ulp_name=ktls) loaded side by side, the in-guest suite
# tests/bench/bench-suite.sh alternating them, then medians, ratios and a
# chart (scripts/bench-report.sh) in build/bench/. The suite runs the
# harness tests/bench/harness.c (ktls-bench-static, built by
# tests/bench/Makefile) staged into the guest.
#
# Env: BENCH_SERIES (default "6.1 6.12"), BENCH_ROUNDS (3), BENCH_TIME
# (seconds per module in a compared run, 2; other runs take half),
# BENCH_FULL=1 (every cipher, TLS 1.2 and 1.3, every mode: about 40
# minutes a series), BENCH_CIPHERS, BENCH_TLS, BENCH_QUICK=1 (a check
# that the method works, about 3 minutes: series 6.1, one round of 0.4 s,
# AES-128-GCM TLS 1.3, send:16K, parts "tcp crypto compare openssl"; any
# of those variables given still wins).  The default run takes
# about 12 minutes under TCG on a 2-core machine. The accelerator (KVM only
# when a probe shows it works: tests/vm/runner/accel.sh, KTLS_ACCEL) is named in
# the report for every series. BENCH_KMODES, BENCH_PAIR, BENCH_PARTS, BENCH_STREAMS, BENCH_SCALE, BENCH_AA, BENCH_PMODES,
# BENCH_TXULP, BENCH_RXCOPY, BENCH_ITIME: see
# tests/bench/bench-suite.sh.  KTLS_QEMU_ICOUNT (e.g. shift=0,sleep=off)
# runs the VM with qemu's -icount: guest time = instructions executed
# (docs/performance.md, Method). BENCH_PARTS with "insns" (icount only)
# also loads tests/bench/insncount.c into qemu: instructions per kernel
# function, both modules, no tracer in the guest (insns.txt, the report).
# BENCH_ASYNC=pcrypt|cryptd: every AEAD asynchronous for both modules
# (tests/vm/run.sh --async; named in the report's method line); with
# BENCH_PARTS "parallel", the same boot also measures with the wrapper
# off and on in turn (BENCH_PAR_CIPHERS, BENCH_PAR_MODES: see
# tests/bench/bench-suite.sh).
set -euo pipefail
# [bench] lines on stdout
LOG_FD=1
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
OUT=$TOP/build/bench
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	: "${BENCH_SERIES:=6.1}" "${BENCH_ROUNDS:=1}" "${BENCH_TIME:=0.4}"
	: "${BENCH_CIPHERS:=AES-128-GCM}" "${BENCH_TLS:=1.3}" "${BENCH_KMODES:=send:16K}"
	: "${BENCH_PARTS:=tcp crypto compare openssl}"
fi
SERIES_LIST=${BENCH_SERIES:-"6.1 6.12"}
FULL=${BENCH_FULL:-0}
ROUNDS=${BENCH_ROUNDS:-3}
TIME=${BENCH_TIME:-2}

mkdir -p "$OUT"
if ! command -v gnuplot >/dev/null; then
	SUDO=""
	[ "$(id -u)" = 0 ] || SUDO=sudo
	log "installing gnuplot-nox for the chart"
	$SUDO apt-get install -y -q --no-install-recommends gnuplot-nox >/dev/null ||
		log "gnuplot-nox not installed: the table comes without a chart"
fi
# the harness, static: what the guest runs
make -s -C "$TOP/tests/bench" OUT="$OUT" harness >/dev/null
# The insns part: a qemu plugin counting instructions per kernel address
# (tests/bench/insncount.c) and the guest's marker (insnmark.c); under
# -icount only, where the guest cannot see the plugin's own cost.
INSNS=0
case " ${BENCH_PARTS:-} " in *" insns "*) INSNS=1 ;; esac
if [ $INSNS = 1 ]; then
	[ -n "${KTLS_QEMU_ICOUNT:-}" ] ||
		{ log "the insns part needs KTLS_QEMU_ICOUNT (e.g. shift=0,sleep=off)"; exit 1; }
	make -s -C "$TOP/tests/bench" OUT="$OUT" insns
fi

ARGS=()
for s in $SERIES_LIST; do
	need_series "$s"
	d=$OUT/$s
	rm -rf "$d"
	mkdir -p "$d"
	# the guest gets no environment: bake the settings into its copy
	{
		echo '#!/bin/sh'
		echo "BENCH_ROUNDS=$ROUNDS BENCH_TIME=$TIME BENCH_FULL=$FULL"
		[ -z "${BENCH_CIPHERS:-}" ] || echo "BENCH_CIPHERS='$BENCH_CIPHERS'"
		echo 'export BENCH_ROUNDS BENCH_TIME BENCH_FULL'
		for v in BENCH_CIPHERS BENCH_TLS BENCH_KMODES BENCH_PAIR BENCH_PARTS \
			BENCH_STREAMS BENCH_SCALE BENCH_AA BENCH_PMODES BENCH_RXCOPY \
			BENCH_ITIME BENCH_ASYNC BENCH_PAR_CIPHERS BENCH_PAR_MODES; do
			[ -z "${!v:-}" ] || echo "$v='${!v}'; export $v"
		done
		# (empty is a value: each module sends to itself in recv modes)
		[ -z "${BENCH_TXULP+x}" ] || echo "BENCH_TXULP='$BENCH_TXULP'; export BENCH_TXULP"
		echo "KTLS_BENCH='$OUT/ktls-bench-static'; export KTLS_BENCH"
		[ $INSNS = 0 ] || echo "BENCH_INSNMARK='$OUT/insnmark'; export BENCH_INSNMARK"
		sed 1d "$TOP/tests/bench/bench-suite.sh"
	} > "$d/bench.sh"
	# files the suite needs in the guest (tests/vm/runner/stage-files.sh)
	{
		echo "$OUT/ktls-bench-static"
		[ $INSNS = 0 ] || echo "$OUT/insnmark"
	} > "$d/bench.files"
	# a private build of ktls.ko: build/<series>/module is shared with
	# whoever else runs make module at the same time
	# (through scripts/kmake.sh: 7.x headers need their own suite's
	# compiler, in a build root)
	(
		mkdir -p "$d/module"
		cp -rL "$TOP/module/." "$d/module/"
		bash "$TOP/scripts/kmake.sh" "$s" "$d/module" -s modules
	) > "$d/module-build.log" 2>&1 ||
		{ tail -n 20 "$d/module-build.log"; log "series $s: module build failed"; continue; }
	log "series $s: $ROUNDS rounds, $TIME s per module and run$([ "$FULL" = 1 ] && echo ', full matrix')"
	rc=0
	[ $INSNS = 0 ] || export KTLS_QEMU_PLUGIN="$OUT/insncount.so,out=$d/insns.raw"
	bash "$TOP/tests/vm/run.sh" --series "$s" --module "$d/module/ktls.ko" \
		--module-args ulp_name=ktls --extra-ko intree --suites bench \
		--extra-suite "$d/bench.sh" --timeout 3000 ${BENCH_ASYNC:+--async "$BENCH_ASYNC"} \
		> "$d/vm.log" 2>&1 || rc=$?
	run=$(sed -n 's/^\[vm\] run dir: //p' "$d/vm.log" | head -n1)
	tail -n 4 "$d/vm.log" | sed 's/^/    /'
	if [ -z "$run" ] || [ ! -f "$run/results.log" ]; then
		log "series $s: no VM results (see $d/vm.log)"
		continue
	fi
	sed -n 's/^# BENCH //p' "$run/results.log" > "$d/results.jsonl"
	cp "$run/accel.txt" "$d/accel.txt"	# the report names it per series
	sed -n 's/^# AA //p' "$run/results.log" > "$d/aa.jsonl"
	# the parallel part: its state's fields joined to the harness's
	sed -n 's/^# PAR \({.*\)} {/\1,/p' "$run/results.log" > "$d/parallel.jsonl"
	# the method, named in the report: wall clock or qemu -icount
	if [ -f "$run/icount.txt" ]; then
		echo "TCG, qemu -icount $(cat "$run/icount.txt")" > "$d/method.txt"
	elif grep -q "^kvm\b" "$run/accel.txt" 2>/dev/null; then
		echo "KVM, wall clock" > "$d/method.txt"
	else
		echo "TCG, wall clock" > "$d/method.txt"
	fi
	[ -z "${BENCH_ASYNC:-}" ] || sed -i "s/\$/, every AEAD through $BENCH_ASYNC/" "$d/method.txt"
	sed -n 's/^# PROF //p' "$run/results.log" > "$d/profile.txt"
	sed -n 's/^# COST //p' "$run/results.log" > "$d/cost.txt"
	sed -n 's/^# TCPSTAT //p' "$run/results.log" > "$d/tcpstat.txt"
	sed -n 's/^# INSJSON //p' "$run/results.log" > "$d/insns.jsonl"
	sed -n 's/^# KEYUPDATE-UNSUPPORTED //p' "$run/results.log" > "$d/keyupdate-unsupported.txt"
	if [ $INSNS = 1 ]; then
		bash "$TOP/scripts/bench-insns.sh" "$d/insns.raw" "$run/results.log" \
			> "$d/insns.txt" || log "series $s: no instruction counts"
	fi
	grep '^not ok' "$run/results.log" | sed 's/^/    /' || true
	log "series $s: $(wc -l < "$d/results.jsonl") results, VM verdict rc=$rc, logs $run"
	ARGS+=("$s=$d/results.jsonl")
done
[ ${#ARGS[@]} -gt 0 ] || { log "no results"; exit 1; }
bash "$TOP/scripts/bench-report.sh" "$OUT" "${ARGS[@]}"
