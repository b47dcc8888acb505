#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-all.sh [--native] [--only GLOB] - every test of the project, one
# step after another (--only: just the steps whose name matches GLOB, e.g.
# 'vm-*-arm64-*', to rerun or time them as CI would).
#
# Each step is a command whose last line is `N passed, N failed`; a step
# is red when it exits non-zero. VM steps count listed known failures as
# failed in their own line but are green when all of them are expected;
# here they are reported as skipped (known gaps, see tests/vm/known/).
# Steps of kind `ref` measure Debian's in-tree tls.ko with the upstream
# selftest of each series: the reference ktls is a drop-in for. They are
# red like any step on an unexpected result (a failure not in
# tests/vm/known/<series>-intree.txt, or a listed one that passes), but
# their counts are the reference's, not ours: they go to a line of their
# own before the total.
# The last line is the total: `N passed, N failed, N skipped`.
set -uo pipefail
cd "$(dirname "$0")/.."
NATIVE_ONLY=0 ONLY=""
# kernel module builds (scripts/kmake.sh) on every CPU
export KTLS_JOBS=${KTLS_JOBS:-$(nproc)}
while [ $# -gt 0 ]; do
	case "$1" in
	--native) NATIVE_ONLY=1 ;;
	--only) ONLY=$2; shift ;;
	*) echo "check-all.sh: unknown argument \`$1'" >&2; exit 2 ;;
	esac
	shift
done

TOTAL_P=0 TOTAL_F=0 TOTAL_K=0
REF_LINES=()
RED=()
# steps begun and finished: a step the shell abandons (an error in this
# script, not in the test) must not leave the run green
BEGUN=0 FINISHED=0
LOGDIR=build/check
mkdir -p "$LOGDIR"

# Where a running step is: for a VM step its suite and tests done of the
# plan, from the run's results.log (run dir named in the step's log).
progress() {	# progress LOG
	local run
	run=$(sed -n 's/^\[vm\] run dir: //p' "$1" 2>/dev/null | tail -n1)
	if [ -z "$run" ] || [ ! -s "$run/results.log" ]; then
		if grep -q 'waiting for another VM run' "$1" 2>/dev/null; then
			echo "waiting for the VM lock"
		elif [ -n "$run" ]; then
			echo "building, booting"
		fi
		return 0
	fi
	awk '/^KTLS-SUITE-BEGIN / { s = $2; p = 0; n = 0; next }
		/^1\.\.[0-9]+/ && !p { p = substr($1, 4) + 0; next }
		/^(not )?ok [0-9]/ { n++ }
		END { if (s == "") print "booted"; else printf "suite %s, %d of %d tests\n", s, n, p }' \
		"$run/results.log"
}
# While a step runs: on a terminal one line updated every 2 s, otherwise
# (CI) a line a minute. KTLS_PROGRESS=0 turns it off.
PROGRESS_TTY=0
[ -t 1 ] && PROGRESS_TTY=1
watch_step() {	# watch_step PID NAME LOG T0
	local pid=$1 name=$2 log=$3 t0=$4 i=0 line
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		i=$((i + 1))
		[ "${KTLS_PROGRESS:-1}" = 1 ] || continue
		[ $PROGRESS_TTY = 1 ] || [ $((i % 30)) = 0 ] || continue
		line="... $name: $(( $(date +%s) - t0 ))s$(p=$(progress "$log"); [ -z "$p" ] || echo ", $p")"
		if [ $PROGRESS_TTY = 1 ]; then
			printf '\r\033[K%s' "$line"
		else
			echo "$line"
		fi
	done
	[ $PROGRESS_TTY = 0 ] || printf '\r\033[K'
}

step() {	# step NAME KIND COMMAND...   (KIND: native | vm | ref)
	local name=$1 kind=$2 log=$LOGDIR/$1.log rc p f k line t0
	shift 2
	# shellcheck disable=SC2053
	[ -z "$ONLY" ] || [[ $name == $ONLY ]] || return 0
	BEGUN=$((BEGUN + 1))
	t0=$(date +%s)
	echo "=== $name: $*"
	"$@" > "$log" 2>&1 &
	watch_step $! "$name" "$log" "$t0"
	wait $!
	rc=$?
	line=$(grep -E '^[a-z]*:? ?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
	p=$(sed -E 's/.*\b([0-9]+) passed.*/\1/' <<<"$line")
	f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
	[ -n "$line" ] || { p=0; f=1; }
	if [ "$kind" != native ]; then
		grep -E '^(suite |  |\[vm\] (RED|verdict|logs|tests left out))' "$log"
		k=$(grep -cE '^(XFAIL|FLAKY-FAIL) ' "$(sed -n 's/^\[vm\] logs: \([^ ]*\).*/\1/p' "$log")/tests.txt" 2>/dev/null) || true
	else
		tail -n 3 "$log"
		k=0
	fi
	[[ $p =~ ^[0-9]+$ ]] || p=0
	[[ $f =~ ^[0-9]+$ ]] || f=1
	[[ $k =~ ^[0-9]+$ ]] || k=0
	f=$((f - k))	# unexpected failures
	if [ $rc != 0 ] || [ -z "$line" ]; then
		RED+=("$name (exit $rc, log $log)")
		[ $f -gt 0 ] || f=1	# a red step counts as a failure
	fi
	if [ "$kind" = ref ]; then
		# the reference's passes and listed failures are not ours;
		# an unexpected result is (f, and the step is red)
		REF_LINES+=("$name: $p passed, $k listed failures of the in-tree module")
		TOTAL_F=$((TOTAL_F + f))
	else
		TOTAL_P=$((TOTAL_P + p)) TOTAL_F=$((TOTAL_F + f)) TOTAL_K=$((TOTAL_K + k))
	fi
	echo "--- $name: ${line:-no result line} [exit $rc, $(( $(date +%s) - t0 ))s]"
	FINISHED=$((FINISHED + 1))
}

step core-unit native make -s -C tests/unit check
step core-fuzz native make -s -C tests/fuzz check
step ciphers native make -s -C tests/ciphers check
if [ -f tools/Makefile ]; then
	step tools native make -s -C tools check
fi
step runner native bash tests/vm/runner/selftest-runner.sh
if [ $NATIVE_ONLY = 0 ]; then
	step pkg native bash tests/pkg/check.sh
	# 7.2 (sid) and 7.3 (trixie-backports): fetched and their build
	# roots made on first use (scripts/deps.sh), then cached
	# 6.12-trixie: Debian 13's own 6.12, built with trixie's gcc-14 in
	# 7.3's build root
	for s in 6.1 6.12 6.12-trixie 7.2 7.3; do
		step "module-$s" native bash -c "make -s module SERIES=$s && echo '1 passed, 0 failed'"
	done
	# Debian's arm64 kernels (cloud-arm64) of bookworm's 6.1 and trixie's
	# 6.12: cross-built -Werror with each suite's aarch64 gcc
	for s in 6.1 6.12-trixie; do
		step "module-$s-arm64" native bash -c \
			"make -s module SERIES=$s ARCH=arm64 && echo '1 passed, 0 failed'"
	done
	[ -f tools/Makefile ] && step tools-static native bash -c "make -s -C tools static && echo '1 passed, 0 failed'"
	# Each suite on the series where it says most (CI time,
	# docs/testing.md "Which series run what"): 6.1 runs every suite but
	# `cli`, `fuzz` and `soak` (fuzz through pcrypt on 6.1, both on the
	# debug kernel); 6.12 runs the selftest, `cli` (the userspace half),
	# lifecycle, uring, bpf, readsock and consumers, and leaves fuzz,
	# sockmap, soak and stress to the debug kernel (the same 6.12 source
	# under KASAN), apps and keyscan to 6.1, peer to 6.1.
	#
	# Every series runs every test of its upstream selftest but the
	# multi-process ones (mutliproc_*: 7 of about 45 per cipher variant,
	# yet nine tenths of its time under TCG, 50-110 s of guest time per
	# variant, minutes for SM4 and ARIA on our own cipher code). Those run
	# for one to three variants per series, different ones on each, TLS
	# 1.2 and 1.3 on every kernel source (6.12's 1.3 on its debug
	# kernel), synchronous and through pcrypt or cryptd: they drive the
	# record layer under them, not the cipher (AES-CCM 1.3 and AES-256 1.2
	# by hand only). SM4-GCM 1.3 and ARIA-GCM 1.2 run their two
	# "even" ones (36-72 MB through our own cipher each way). `make
	# vm-check SERIES=...` runs them all.
	MP_VARIANTS="12_aes_gcm 13_aes_gcm 12_aes_ccm 13_aes_ccm 12_chacha 13_chacha
		12_aes_gcm_256 13_aes_gcm_256 13_nopad 13_sm4_gcm 13_sm4_ccm 12_aria_gcm
		12_aria_gcm_256 13_aria_gcm 13_aria_gcm_256"
	mp_only() {	# mp_only V|V:even...: --skip-tests for the others' mutliproc_*
		local v keep out=""
		for v in $MP_VARIANTS; do
			keep=""
			for k in "$@"; do
				[ "${k%:even}" = "$v" ] && keep=$k
			done
			if [ -z "$keep" ]; then
				out="$out,tls.$v.mutliproc_*"
			elif [ "$keep" != "$v" ]; then
				out="$out,tls.$v.mutliproc_*readers,tls.$v.mutliproc_*writers"
			fi
		done
		echo "${out#,}"
	}
	step vm-6.1-ktls vm bash tests/vm/run.sh --series 6.1 --module ktls \
		--skip-suites cli,fuzz,soak --skip-tests "$(mp_only 12_chacha 13_nopad 13_sm4_gcm:even)" \
		--env KTLS_STRESS_SECONDS=10
	step vm-6.12-ktls vm bash tests/vm/run.sh --series 6.12 --module ktls \
		--skip-suites peer,stress,fuzz,sockmap,apps,keyscan,soak \
		--skip-tests "$(mp_only 12_aes_gcm)" --env CLI_HUGE_MB=32
	# the newer kernels (docs/testing.md: why not every suite, CI time):
	# each its own upstream selftest (in 2 shards, as every selftest
	# here: tests/vm/runner/shard.sh), 7.3 also a short lifecycle, then
	# through pcrypt readsock (the kernel's own readers' read_sock) and
	# consumers (NVMe/TCP with TLS and NFS over TLS, through tlshd), which
	# 6.12 runs too.
	# `cli` and the rest: make vm-check SERIES=7.x
	step vm-7.3-ktls vm bash tests/vm/run.sh --series 7.3 --module ktls \
		--suites selftest,lifecycle,readsock,consumers --env KTLS_LIFECYCLE_CYCLES=5 \
		--async-from readsock:pcrypt \
		--skip-tests "$(mp_only 13_chacha 12_aria_gcm:even)"
	# 7.2 with every AEAD asynchronous (pcrypt, below)
	step vm-7.2-ktls vm bash tests/vm/run.sh --series 7.2 --module ktls --async pcrypt \
		--suites selftest --skip-tests "$(mp_only 12_aes_ccm 13_aes_gcm_256)"
	# The per-variant subset of the upstream selftest: every cipher
	# variant in both versions, with a dozen of its tests each (the
	# record layer's paths: sendfile, splice both ways, peek, partial and
	# multi-record reads, control records, shutdown, rekey), and the
	# fixtures without variants.
	VARIANT_TESTS='tls_basic.*,tls_err.*,global.*'
	for t in sendfile multi_chunk_sendfile recv_max sendmsg_large splice_to_pipe \
		splice_from_pipe recv_peek_multiple_records recv_partial bidir control_msg \
		shutdown rekey; do
		VARIANT_TESTS="$VARIANT_TESTS,tls.*.$t"
	done
	# Debian 13's own 6.12: the same source as bookworm's backport, which
	# runs its whole selftest above, in its own build (gcc-14) and
	# kernel: the per-variant subset, AES-GCM 1.3 in full, and consumers
	# (the other suites run on bookworm's 6.12 and the debug kernel, the
	# same source; all of its selftest: make vm-check SERIES=6.12-trixie)
	step vm-6.12-trixie-ktls vm bash tests/vm/run.sh --series 6.12-trixie \
		--module ktls --async pcrypt --suites selftest \
		--filter "$VARIANT_TESTS,tls.13_aes_gcm.*"
	# arm64 under qemu-system-aarch64 (TCG, about 1.5 times the x86
	# guests' time): the per-variant subset; on 6.1 also the peer suite's
	# wire checks against the independent reference for every cipher,
	# fuzz and a short lifecycle; all of it with `make vm-check ARCH=arm64`.
	PEER_TESTS=""
	for t in peer.*.tx_max_record peer.*.tx_sendfile peer.*.rx_max_record \
		peer.*.rx_one_byte_segments peer.*.rx_bad_tag_ebadmsg_sticky \
		peer13.*.rx_pad_to_max peer13.*.tx_inner_type_no_padding \
		peer12.*.rx_random_explicit_nonces peer_rekey.*.*_key_update_midstream \
		peer_maxlen.*.send_is_split; do
		PEER_TESTS="$PEER_TESTS,peer:$t"
	done
	step vm-6.1-arm64-ktls vm bash tests/vm/run.sh --series 6.1 --arch arm64 \
		--module ktls --suites selftest,peer,fuzz,lifecycle --filter "$VARIANT_TESTS$PEER_TESTS" \
		--env 'KTLS_LIFECYCLE_CYCLES=5 KTLS_FUZZ_SECONDS=10'
	step vm-6.12-trixie-arm64-ktls vm bash tests/vm/run.sh --series 6.12-trixie \
		--arch arm64 --module ktls --async pcrypt --suites selftest --filter "$VARIANT_TESTS"
	# Every AEAD asynchronous (issue 30; run.sh --async, docs/testing.md):
	# each wrapped in pcrypt (padata: the AEAD on the other CPU, completed
	# from its serial callback) or cryptd (a kworker), so every record
	# completes after the call that started it returned -EINPROGRESS.
	# Above, 7.2, 6.12-trixie (with consumers: NVMe/TCP and NFS) and
	# 6.12-trixie arm64 run so; here 6.1 with pcrypt (the whole selftest,
	# AES-GCM 1.3's multi-process tests, peer's wire checks, fuzz, stress)
	# and 6.12 with cryptd (6.1's cryptd trips the kernel's own self-test;
	# 7.x has none); the debug kernel with both, further down.
	step vm-6.1-pcrypt vm bash tests/vm/run.sh --series 6.1 --module ktls --async pcrypt \
		--suites selftest,peer,fuzz,stress --filter "${PEER_TESTS#,}" \
		--skip-tests "$(mp_only 13_aes_gcm)" --env 'KTLS_FUZZ_SECONDS=10 KTLS_STRESS_SECONDS=10'
	step vm-6.12-cryptd vm bash tests/vm/run.sh --series 6.12 --module ktls --async cryptd \
		--suites selftest,peer,fuzz,stress,consumers --filter "$VARIANT_TESTS,tls.12_chacha.*$PEER_TESTS" \
		--env 'KTLS_FUZZ_SECONDS=10 KTLS_STRESS_SECONDS=10'
	# the reference: Debian's in-tree tls.ko under the same upstream
	# selftest on each series (issue 17; docs/testing.md), in CI the
	# fixtures without variants and AES-GCM 1.3 (all of it with `make
	# vm-check MODULE=intree`: CI time on a slower machine). Three shards: its
	# failing rekey tests before 6.14 wait out a 5 s timeout each, time a
	# third harness process fills. On 7.3 also the kernel's own users
	# (consumers) over the in-tree module, as over ktls.ko. Not on
	# Debian 13's own 6.12: the in-tree module of bookworm's 6.12 is the
	# same source (and its full run, by hand, the same results).
	REF_TESTS='tls_basic.*,tls_err.*,global.*,tls.13_aes_gcm.*'
	for s in 6.1 6.12 7.3 7.2; do
		suites=selftest
		[ $s != 7.3 ] || suites=selftest,consumers
		step "ref-$s-intree" ref bash tests/vm/run.sh --series $s \
			--module intree --suites $suites --shards 3 --filter "$REF_TESTS" \
			--skip-tests 'tls.*.mutliproc_*'
	done
	# and with every AEAD asynchronous (pcrypt), on 6.12: where the
	# in-tree module decrypts TLS 1.2 records in parallel
	step ref-6.12-intree-pcrypt ref bash tests/vm/run.sh --series 6.12 \
		--module intree --async pcrypt --suites selftest --shards 3 \
		--filter "$REF_TESTS,tls.12_aes_gcm.*" --skip-tests 'tls.*.mutliproc_*'
	# KASAN/UBSAN/lockdep/kmemleak kernel, built once and cached; its
	# selftest in two shards (582 s in one, 450 s in two: the guest is
	# CPU-bound there, docs/testing.md)
	step debug-kernel native bash -c "bash scripts/debug-kernel.sh && echo '1 passed, 0 failed'"
	step vm-6.12-debug vm bash tests/vm/debug/run-ci.sh --shards 2
	# the debug kernel with every AEAD asynchronous, both wrappers in one
	# boot: the selftest's AES-GCM and ChaCha20 through cryptd (a
	# kworker), then (--async-from) the suite that races the most calls
	# (stress), read_sock and the kernel's own users through pcrypt
	# (padata: the other CPU). Its padata gets a lockdep class fix
	# (tests/vm/debug/fixups.sh, docs/testing.md).
	step vm-6.12-debug-async vm bash tests/vm/debug/run-ci.sh --shards 2 --async cryptd \
		--async-from stress:pcrypt --suites selftest,stress,readsock,consumers \
		--filter 'tls_basic.*,tls_err.*,tls.12_aes_gcm.*,tls.13_aes_gcm.*,tls.13_chacha.*' \
		--skip-tests 'tls.*.mutliproc_*'
fi

echo
[ "$FINISHED" = "$BEGUN" ] ||
	RED+=("check-all.sh: $((BEGUN - FINISHED)) step(s) abandoned by an error in the script")
if [ $NATIVE_ONLY = 0 ] && [ -z "$ONLY" ] && [ "$FINISHED" -lt 31 ]; then
	RED+=("check-all.sh: only $FINISHED of 31 steps finished")
fi
if [ ${#RED[@]} -gt 0 ]; then
	for r in "${RED[@]}"; do echo "RED: $r"; done
else
	echo "all steps green ($TOTAL_K known gaps counted as skipped)"
fi
if [ ${#REF_LINES[@]} -gt 0 ]; then
	echo "reference, in-tree tls.ko (not counted below):"
	for r in "${REF_LINES[@]}"; do echo "  $r"; done
fi
echo "$TOTAL_P passed, $TOTAL_F failed, $TOTAL_K skipped"
[ ${#RED[@]} -eq 0 ]
