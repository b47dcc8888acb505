#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh - boot a Debian kernel in qemu with a TLS module and run the tests.
#
# Usage: tests/vm/run.sh [options]
#   --series S        6.1, 6.12, 6.12-trixie, 7.2, 7.3 or 6.12-debug (default
#                     6.1); 6.12-trixie (Debian 13's own 6.12) and 7.x are
#                     fetched on first use (scripts/deps.sh); 6.12-debug is
#                     our KASAN/lockdep/kmemleak build of Debian's 6.12
#                     source (scripts/debug-kernel.sh, built once, cached):
#                     every driver built in, ktls.ko the only module,
#                     kmemleak scanned after the suites, fault suite added
#   --arch A          amd64 (default) or arm64: Debian's arm64 kernel of the
#                     series (series "S-arm64", also accepted as --series),
#                     cross-built module and guest programs, booted with
#                     qemu-system-aarch64 -M virt -cpu max (always TCG)
#   --module M        ktls (default: build module/ for the series), intree
#                     (Debian's own tls.ko, the reference), or PATH.ko
#   --module-args A   insmod arguments for the module under test
#   --suites LIST     comma list of suites (default: selftest,ours,cli...:
#                     every suite there is but bpf on 7.x and consumers
#                     on 6.1 and the debug kernel; see docs/testing.md)
#   --skip-suites L   comma list of suites left out of the selection
#   --filter GLOBS    comma list of fixture.variant.test globs (T= in
#                     make): plain ones select the upstream selftest's
#                     tests, SUITE:GLOB ones those of our kselftest-harness
#                     suite SUITE (peer:peer.*.tx_max_record); a suite no
#                     glob names runs all its tests
#   --skip-tests GLOBS comma list of fixture.variant.test globs left out of
#                     the kselftest-harness suites (not run, not counted;
#                     named in the run's log: CI time, docs/testing.md)
#   --known FILE      known-failures list (default per series and module:
#                     tests/vm/known/SERIES.txt for ktls, SERIES-intree.txt
#                     for the in-tree module, with --async their -async.txt
#                     where there is one; format: tests/vm/known/README)
#   --timeout SECS    guest test time limit (default 1500; arm64 5400)
#   --known-timeout S harness time limit of tests with a listed known
#                     failure (default 5, $KTLS_KNOWN_TIMEOUT; upstream's 30
#                     stays for all others: hanging known failures would
#                     cost 30 s each under TCG)
#   --test-timeout S  harness time limit of all other tests, at least
#                     (default 120, $KTLS_TEST_TIMEOUT: TCG is slow; arm64
#                     600: the SM4/ARIA multi-process tests take 4 minutes
#                     there on ktls's generic cipher code)
#   --fake-selftest F use executable F as the selftest (runner self-tests)
#   --shards N        run the selftest as N harness processes at once
#                     (tests/vm/runner/shard.sh; default
#                     $KTLS_SELFTEST_SHARDS or 2, one per vCPU; 1 = one
#                     process, as upstream)
#   --selftest-from S run the upstream selftest of series S (e.g. 7.3 on
#                     6.1: a newer kernel's tests against ktls.ko here)
#   --extra-ko F      also load module F before the one under test
#   --extra-suite F   also run shell suite F (e.g. tests/vm/demo/demo.sh)
#   --env 'K=V ...'   environment of every suite in the guest (e.g.
#                     KTLS_SOAK_SECONDS=10; words without spaces)
#   --async MODE      pcrypt or cryptd: before the suites, wrap every AEAD
#                     a kTLS socket can get in MODE (guest/tools/
#                     force-async.c), so each record's AEAD completes
#                     asynchronously; the run fails if one the kernel has
#                     is not wrapped. cryptd: 6.1 and 6.12 (7.x has none)
#   --async-from SUITE:MODE  from suite SUITE on, every AEAD wrapped in
#                     MODE: the suites before it run synchronously, or
#                     with --async through the other wrapper (its drivers
#                     are then lowered below what they wrap)
#
# KTLS_ACCEL=auto|kvm|tcg (default auto): qemu's accelerator, decided by
# tests/vm/runner/accel.sh (KVM only when a probe boot shows it works),
# printed at the start and kept in the run dir as accel.txt.
#
# Exit: 0 when every test passed or is a listed known failure and nothing
# else went wrong; 1 otherwise. The last line is `N passed, N failed` for
# the tests run (known failures count as failed there; the verdict above
# it says whether they were all expected).
set -euo pipefail

# [vm] lines on stdout; a run that cannot start still ends with its
# closing line
LOG_PREFIX=vm LOG_FD=1 DIE_LINE="0 passed, 1 failed"
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../../../scripts/lib.sh"
VMDIR=$TOP/tests/vm
RUNNER=$VMDIR/runner
SERIES=6.1
MODULE=ktls
MODARGS=""
SUITES=""
SKIP_SUITES=""
FILTER=""
SKIP_TESTS=""
KNOWN=""
GTIMEOUT=""
KNOWN_TIMEOUT=${KTLS_KNOWN_TIMEOUT:-5}
TEST_TIMEOUT=${KTLS_TEST_TIMEOUT:-}
FAKE_SELFTEST=""
SHARDS=${KTLS_SELFTEST_SHARDS:-2}
SELFTEST_FROM=""
EXTRA_KO=""
EXTRA_SUITE=""
SUITE_ENV=""
ARCH_SUFFIX=""
ASYNC="" ASYNC_FROM=""

while [ $# -gt 0 ]; do
	case "$1" in
	--series) SERIES=$2; shift ;;
	--arch) case "$2" in
		amd64) ;;
		arm64) ARCH_SUFFIX=-arm64 ;;
		*) die "--arch: amd64 or arm64, not \`$2'" ;;
		esac; shift ;;
	--module) MODULE=$2; shift ;;
	--module-args) MODARGS=$2; shift ;;
	--suites) SUITES=$2; shift ;;
	--skip-suites) SKIP_SUITES=$2; shift ;;
	--filter) FILTER=$2; shift ;;
	--skip-tests) SKIP_TESTS=$2; shift ;;
	--known) KNOWN=$2; shift ;;
	--timeout) GTIMEOUT=$2; shift ;;
	--known-timeout) KNOWN_TIMEOUT=$2; shift ;;
	--test-timeout) TEST_TIMEOUT=$2; shift ;;
	--fake-selftest) FAKE_SELFTEST=$2; shift ;;
	--shards) SHARDS=$2; shift ;;
	--selftest-from) SELFTEST_FROM=$2; shift ;;
	--extra-ko) EXTRA_KO=$2; shift ;;
	--extra-suite) EXTRA_SUITE=$(readlink -f "$2"); shift ;;
	--env) SUITE_ENV=$2; shift ;;
	--async) case "$2" in
		pcrypt|cryptd) ASYNC=$2 ;;
		*) die "--async: pcrypt or cryptd, not \`$2'" ;;
		esac; shift ;;
	--async-from) case "$2" in
		*:pcrypt|*:cryptd) ASYNC_FROM=$2 ;;
		*) die "--async-from: SUITE:pcrypt or SUITE:cryptd, not \`$2'" ;;
		esac; shift ;;
	-h|--help) sed -n '3,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument \`$1' (see --help)" ;;
	esac
	shift
done

# --series S-arm64 is --series S --arch arm64
[[ $SERIES == *-arm64 ]] && ARCH_SUFFIX=-arm64
SERIES=${SERIES%-arm64}$ARCH_SUFFIX
if [ -n "$ARCH_SUFFIX" ]; then
	GTIMEOUT=${GTIMEOUT:-5400} TEST_TIMEOUT=${TEST_TIMEOUT:-600}
fi
GTIMEOUT=${GTIMEOUT:-1500} TEST_TIMEOUT=${TEST_TIMEOUT:-120}
[[ $SHARDS =~ ^[1-9][0-9]*$ ]] || die "--shards/KTLS_SELFTEST_SHARDS: a count from 1, not \`$SHARDS'"
DEBUG=0
case "$SERIES" in
*-debug)
	DEBUG=1
	bash "$TOP/scripts/debug-kernel.sh" || die "debug kernel build failed"
	;;
esac
ENV=$(series_env "$SERIES")
load_series "$SERIES"
BUILD=$TOP/build/$SERIES
mkdir -p "$BUILD" "$TOP/build/runs"
RUN=$(mktemp -d "$TOP/build/runs/$(date +%Y%m%d-%H%M%S)-$SERIES-XXXX")
STAGE=$RUN/initramfs
trap 'rm -rf "$STAGE"' EXIT
log "run dir: $RUN"
VMLINUZ=$(ls -1 "$KIMG"/boot/vmlinuz-* | head -n1)
# KVM only when a probe shows it works here (runner/accel.sh), else TCG;
# the choice and its reason go to the log and the run dir.
ACCEL_LINE=$(bash "$RUNNER/accel.sh" --arch "$KARCH" --kernel "$VMLINUZ" 2>"$RUN/accel.err") ||
	die "$(cat "$RUN/accel.err")"
printf '%s\n' "$ACCEL_LINE" > "$RUN/accel.txt"
case "$ACCEL_LINE" in
kvm*) ACCEL=(-accel kvm -cpu host) ;;
*) ACCEL=(-accel tcg -cpu max) ;;
esac
# The machine per architecture: the console on its first UART; the
# results on a second UART (x86) or a virtio console (arm64's virt machine
# has one UART; init loads virtio_mmio and virtio_console first).
case "$KARCH" in
amd64)
	QEMU=qemu-system-x86_64 MACHINE=(-M q35) CONSOLE=ttyS0 RESULTS_DEV=/dev/ttyS1
	RESULTS=(-serial "file:$RUN/results.log") BOOT_MODULES="" ;;
arm64)
	# pauth-impdef: TCG's pointer authentication with a cheap hash, not
	# the architected QARMA (several times slower under TCG)
	QEMU=qemu-system-aarch64 MACHINE=(-M virt) CONSOLE=ttyAMA0 RESULTS_DEV=/dev/hvc0
	ACCEL=(-accel tcg -cpu max,pauth-impdef=on)
	RESULTS=(-device virtio-serial-device -chardev "file,id=results,path=$RUN/results.log"
		-device virtconsole,chardev=results)
	BOOT_MODULES="virtio_mmio virtio_console" ;;
*) die "unknown architecture \`$KARCH' in $ENV" ;;
esac
log "accelerator: ${ACCEL_LINE%%$'\t'*} (${ACCEL_LINE#*$'\t'})"

case "$MODULE" in
ktls) KO=$BUILD/module/ktls.ko ;;
intree) KO="" ;;
*) KO=$(readlink -f "$MODULE") ;;
esac
if [ -z "$KNOWN" ]; then
	case "$MODULE" in
	intree) KNOWN=$VMDIR/known/$SERIES-intree.txt ;;
	*) KNOWN=$VMDIR/known/$SERIES.txt ;;
	esac
	# --async: its own list where a module fails more (it includes the
	# list above)
	[ -z "$ASYNC" ] || [ ! -e "${KNOWN%.txt}-async.txt" ] || KNOWN=${KNOWN%.txt}-async.txt
fi
[ -e "$KNOWN" ] || die "known-failures list \`$KNOWN' not found"
awk -f "$RUNNER/known.awk" "$KNOWN" > "$RUN/known.txt"
! grep -q '^PROBLEM' "$RUN/known.txt" ||
	die "$(sed -n 's/^PROBLEM //p' "$RUN/known.txt" | head -n 3)"

# ------------------------------------------------------------ build parts
if [ "$MODULE" = ktls ]; then
	make -s -C "$TOP" module SERIES="$SERIES" >"$RUN/build.log" 2>&1 ||
		{ cat "$RUN/build.log"; die "module build for $SERIES failed"; }
fi
[ -z "$KO" ] || [ -f "$KO" ] || die "module \`$KO' not found"
if [ -n "$SELFTEST_FROM" ]; then
	(DIE_LINE=""; need_series "$SELFTEST_FROM") >"$RUN/deps.log" 2>&1 ||
		{ cat "$RUN/deps.log"; die "series $SELFTEST_FROM: deps.sh failed"; }
fi
# the guest programs, the debug kernel's among them (tests/vm/Makefile)
make -s -C "$VMDIR" guest SERIES="$SERIES" OUT="$BUILD/guest" \
	${SELFTEST_FROM:+SELFTEST_FROM="$SELFTEST_FROM"} >"$RUN/guest-build.log" 2>&1 ||
	{ cat "$RUN/guest-build.log"; die "guest test build failed"; }

# ----------------------------------------------------------- initramfs
mkdir -p "$STAGE"/{bin,dev,proc,sys,tmp,etc,suites,lib/modules/test}
cp "$KBUSYBOX" "$STAGE/bin/busybox"
for a in sh mount insmod rmmod lsmod ip cat echo grep sed timeout poweroff \
	sleep dmesg ls uname tr head tail sync mkdir rm cut wc awk dd cmp reboot \
	sha256sum seq env kill ps find xargs mktemp stat sort uniq test "[" nc date; do
	ln -sf busybox "$STAGE/bin/$a"
done

# Guest programs and suites: selftest first, then ours, then shell suites
# (their shared TAP helpers in /lib/ktls).
mkdir -p "$STAGE/lib/ktls"
cp "$VMDIR/suites/lib/tap.sh" "$STAGE/lib/ktls/tap.sh"
order=0
add_suite() {	# add_suite NAME FILE
	order=$((order + 1))
	cp "$2" "$STAGE/suites/$(printf '%02d' $order)-$1"
	chmod +x "$STAGE/suites/$(printf '%02d' $order)-$1"
}
want() {
	[[ ",$SKIP_SUITES," == *",$1,"* ]] && return 1
	[ -z "$SUITES" ] || [[ ",$SUITES," == *",$1,"* ]]
}
# (a switch before a suite that does not run would never happen: here
# for the suites not asked for, after staging for those left out)
[ -z "$ASYNC_FROM" ] || want "${ASYNC_FROM%%:*}" ||
	die "--async-from $ASYNC_FROM: suite ${ASYNC_FROM%%:*} is not in this run"
if want selftest; then
	st=${FAKE_SELFTEST:-$BUILD/guest/tls-selftest${SELFTEST_FROM:+-$SELFTEST_FROM}}
	if [ "$SHARDS" = 1 ]; then
		add_suite selftest "$st"
	else	# runner/shard.sh runs it as $SHARDS harness processes
		cp "$st" "$STAGE/bin/tls-selftest"
		printf '#!/bin/sh\nexec /bin/sh /bin/shard.sh %s /bin/tls-selftest\n' "$SHARDS" \
			> "$RUN/selftest-shards"
		cp "$RUNNER/shard.sh" "$STAGE/bin/shard.sh"
		add_suite selftest "$RUN/selftest-shards"
	fi
fi
for t in "$BUILD"/guest/ktls-*; do
	[ -x "$t" ] || continue
	n=${t##*/}
	want "${n#ktls-}" && add_suite "${n#ktls-}" "$t"
done
# Test modules (tests/vm/kmod), each loaded by its suite itself: the
# readsock suite's in-kernel caller (read_sock as the kernel's own readers
# call it), the asyncfail suite's failing asynchronous gcm(aes).
for km in readsock:ktls_readsock asyncfail:ktls_flakyaead; do
	want "${km%%:*}" && [ -x "$BUILD/guest/ktls-${km%%:*}" ] || continue
	[ -f "$RUN/kmod-build.log" ] ||
		make -s -C "$TOP" test-kmod SERIES="$SERIES" >"$RUN/kmod-build.log" 2>&1 ||
		{ cat "$RUN/kmod-build.log"; die "test module build for $SERIES failed"; }
	cp "$BUILD/kmod/${km#*:}.ko" "$STAGE/lib/modules/"
done
for t in "$BUILD"/guest/debug-*; do
	[ $DEBUG = 1 ] && [ -x "$t" ] || continue
	n=${t##*/}
	want "${n#debug-}" && add_suite "${n#debug-}" "$t"
done
# The bpf suite (upstream test_sockmap, built at test time) is measured on
# 6.1 and 6.12 only so far (issue 21): on 7.x it runs when named in --suites.
if [ -z "$SUITES" ] && [[ $SERIES == 7.* ]]; then
	SKIP_SUITES="${SKIP_SUITES:+$SKIP_SUITES,}bpf"
	log "bpf suite left out on $SERIES unless named (docs/testing.md)"
fi
# The consumers suite (NVMe/TCP with TLS and NFS over TLS, through
# tlshd) needs the kernel's net/handshake, NVMe/TCP TLS (6.7 on) and
# SUNRPC's RPC-with-TLS (6.5 on): 6.1's kernel has none of them (the
# debug kernel's config has them: tests/vm/debug/consumers.config).
# The kernel's config: the image's, else its headers' (7.x: in the build
# root), else the debug kernel's build; a kernel whose config is not
# found runs the suite (and fails loudly if it lacks them).
KCONFIG_FILE=""
for f in "$KIMG/boot/config-$KREL" "${KROOT:-}${KBUILD:-}/.config" "${KBUILD:-}/.config"; do
	[ -f "$f" ] && { KCONFIG_FILE=$f; break; }
done
# A suite this series can't run is left out of "every suite"; one named
# in --suites is an error, not a silent miss (tests/check-all.sh names
# what each step must run).
leave_out() {	# leave_out SUITE WHY
	if [[ ",$SUITES," == *",$1,"* ]]; then
		die "suite $1 was asked for, but it can't run on $SERIES: $2"
	fi
	SKIP_SUITES="${SKIP_SUITES:+$SKIP_SUITES,}$1"
	log "$1 suite left out on $SERIES: $2"
}
if want consumers && [ -n "$KCONFIG_FILE" ] && ! grep -qx 'CONFIG_NVME_TCP_TLS=y' "$KCONFIG_FILE"; then
	leave_out consumers "its kernel has no net/handshake or no NVMe/TCP TLS ($KCONFIG_FILE)"
fi
# --async: the kernel must have the wrapper (7.x and arm64 have no
# cryptd), and cryptd its priority raised (crypto_user). 6.1's cryptd
# hands the AEAD it wraps the caller's own request and does not restore
# it: the kernel's self-test of every cryptd AEAD WARNs ("corrupted
# request struct"); 6.12's cryptd passes it.
[ -z "$ASYNC_FROM" ] || [ "${ASYNC_FROM#*:}" != "$ASYNC" ] ||
	die "--async-from $ASYNC_FROM: the boot already runs $ASYNC"
if [[ " $ASYNC ${ASYNC_FROM#*:} " == *" cryptd "* ]] && [[ $SERIES == 6.1 || $SERIES == 6.1-* ]]; then
	die "--async cryptd: 6.1's cryptd fails the kernel's own self-test of every AEAD it wraps (a WARN); use pcrypt"
fi
ASYNC_MODS="" ASYNC_OPTS=""
for m in $ASYNC ${ASYNC_FROM:+${ASYNC_FROM#*:}}; do
	case "$m" in
	pcrypt) ASYNC_MODS="$ASYNC_MODS pcrypt"
		ASYNC_OPTS="$ASYNC_OPTS CONFIG_CRYPTO_PCRYPT" ;;
	cryptd) ASYNC_MODS="$ASYNC_MODS cryptd"
		ASYNC_OPTS="$ASYNC_OPTS CONFIG_CRYPTO_CRYPTD" ;;
	esac
done
# crypto_user: tool-force-async off|on and cryptd's priority
[ -z "$ASYNC$ASYNC_FROM" ] || ASYNC_MODS="$ASYNC_MODS crypto_user" ASYNC_OPTS="$ASYNC_OPTS CONFIG_CRYPTO_USER"
if [ -n "$ASYNC$ASYNC_FROM" ]; then
	if [ -n "$KCONFIG_FILE" ]; then
		for opt in $ASYNC_OPTS; do
			grep -qE "^$opt=[ym]" "$KCONFIG_FILE" ||
				die "--async $ASYNC$ASYNC_FROM: $SERIES's kernel has no $opt ($KCONFIG_FILE)"
		done
	fi
fi
# arm64: the bpf suite's programs, and the apps and consumers suites'
# (trixie's amd64 binaries), are not built for it yet (docs/testing.md).
if [ -n "$ARCH_SUFFIX" ]; then
	for n in bpf apps consumers; do
		! want "$n" || leave_out "$n" "not built for arm64"
	done
fi
# the series, for staging scripts of suites (e.g. tests/vm/bpf/build-bpf.sh)
export KTLS_SERIES=$SERIES KTLS_ARCH=$KARCH
for s in "$VMDIR"/suites/*.sh $EXTRA_SUITE; do
	[ -f "$s" ] || continue
	n=${s##*/}; n=${n%.sh}
	want "$n" || [ "$s" = "$EXTRA_SUITE" ] || continue
	add_suite "$n" "$s"
	if [ -f "${s%.sh}.files" ]; then
		bash "$RUNNER/stage-files.sh" "$STAGE" < "${s%.sh}.files" ||
			die "staging files for suite $n failed"
	fi
done
if [ -n "$ASYNC_FROM" ] && ! ls "$STAGE/suites/"*-"${ASYNC_FROM%%:*}" >/dev/null 2>&1; then
	die "--async-from $ASYNC_FROM: suite ${ASYNC_FROM%%:*} is not in this run"
fi
if [ -n "$ARCH_SUFFIX" ]; then
	# the CLI for the guest's architecture (the host's is tools/ktls-static)
	mkdir -p "$BUILD/tools"
	make -s -C "$TOP/tools" cross-static CROSS="$KCROSS" SYSROOT="$KSYSROOT" \
		OUT="$BUILD/tools/ktls-static" >"$RUN/tools-build.log" 2>&1 ||
		{ cat "$RUN/tools-build.log"; die "ktls CLI cross-build for $SERIES failed"; }
	cp "$BUILD/tools/ktls-static" "$STAGE/bin/ktls"
elif [ -x "$TOP/tools/ktls-static" ]; then
	cp "$TOP/tools/ktls-static" "$STAGE/bin/ktls"
fi
[ "$(ls "$STAGE/suites" | wc -l)" -gt 0 ] || die "no suites selected (\`$SUITES')"
printf '%s\n' "${FILTER//,/ }" > "$STAGE/etc/ktls-filter"
# Known failures of the selftest suite (entries without suite:) get a
# short harness limit; FLAKY ones keep theirs. SLOW ones (too slow for
# TCG, see the list) are not run at all. Both files hold globs (fnmatch).
awk -F'\t' '$1 !~ /:/ && $4 !~ /^(FLAKY|SLOW)/ { print $1 }' \
	"$RUN/known.txt" > "$STAGE/etc/ktls-known"
awk -F'\t' '$4 ~ /^SLOW/ { print $1 }' "$RUN/known.txt" \
	> "$STAGE/etc/ktls-exclude"
if [ -n "$SKIP_TESTS" ]; then
	printf '%s\n' "${SKIP_TESTS//,/$'\n'}" >> "$STAGE/etc/ktls-exclude"
	log "tests left out (--skip-tests): $SKIP_TESTS"
fi

KTLS_ALL_BUILTIN=$DEBUG \
bash "$RUNNER/stage-modules.sh" "$KIMG" "$KREL" "$STAGE" "$KO" "$EXTRA_KO" \
	> "$RUN/modules.log" 2>&1 || { cat "$RUN/modules.log"; die "staging modules failed"; }
if [ -n "$ASYNC$ASYNC_FROM" ]; then	# the wrapper and AF_ALG's AEAD sockets
	# shellcheck disable=SC2086
	bash "$RUNNER/stage-modules.sh" --suite async "$KIMG" "$KREL" "$STAGE" $ASYNC_MODS \
		>> "$RUN/modules.log" 2>&1 || { cat "$RUN/modules.log"; die "staging --async modules failed"; }
	cp "$BUILD/guest/tool-force-async" "$STAGE/bin/"
	printf '%s\n' "${ASYNC:-synchronous}${ASYNC_FROM:+, ${ASYNC_FROM#*:} from suite ${ASYNC_FROM%%:*} on}" > "$RUN/async.txt"
fi
if [ -n "$BOOT_MODULES" ]; then
	# shellcheck disable=SC2086
	bash "$RUNNER/stage-modules.sh" --suite boot "$KIMG" "$KREL" "$STAGE" $BOOT_MODULES \
		>> "$RUN/modules.log" 2>&1 || { cat "$RUN/modules.log"; die "staging boot modules failed"; }
fi
{
	echo "MODARGS='$MODARGS'"
	echo "GTIMEOUT=$GTIMEOUT"
	echo "KNOWN_TIMEOUT=$KNOWN_TIMEOUT"
	echo "TEST_TIMEOUT=$TEST_TIMEOUT"
	echo "DEBUG=$DEBUG"
	echo "SUITE_ENV='$SUITE_ENV'"
	echo "ASYNC=$ASYNC"
	echo "ASYNC_FROM=$ASYNC_FROM"
	echo "OUT=$RESULTS_DEV"
} > "$STAGE/etc/ktls-run.conf"
cp "$RUNNER/init.sh" "$STAGE/init"
chmod +x "$STAGE/init"
(cd "$STAGE" && find . | cpio -o -H newc --quiet | gzip -1) > "$RUN/initrd.gz"

# ---------------------------------------------------------------- boot
# One VM at a time on this machine: TCG guests on a shared 2-core host slow
# each other down until timing-sensitive tests fail. KTLS_VM_PARALLEL=1
# opts out.
if [ "${KTLS_VM_PARALLEL:-0}" != 1 ]; then
	exec 8>"$CACHE/vm.lock"
	flock -n 8 || { log "waiting for another VM run to finish"; flock 8; }
fi
# KTLS_QEMU_ICOUNT (opt-in, e.g. shift=0,sleep=off; `make bench` method):
# qemu's -icount, guest time = instructions executed, so host load does not
# move guest timings. TCG only, and one vCPU: with -smp 2 qemu 7.2's icount
# hangs the 6.1 guest at "Booting SMP configuration". Kept in the run dir
# as icount.txt. Tests never set it.
ICOUNT=()
SMP=2
if [ -n "${KTLS_QEMU_ICOUNT:-}" ]; then
	[ "$KARCH" = amd64 ] || die "KTLS_QEMU_ICOUNT: amd64 guests only"
	ACCEL=(-accel tcg -cpu max)
	ICOUNT=(-icount "$KTLS_QEMU_ICOUNT")
	SMP=1
	printf '%s\n' "$KTLS_QEMU_ICOUNT" > "$RUN/icount.txt"
fi
# KTLS_QEMU_PLUGIN (opt-in, `make bench`'s insns part): a qemu TCG plugin
# with its arguments (e.g. tests/bench/insncount.c's "PATH.so,out=FILE").
PLUGIN=()
if [ -n "${KTLS_QEMU_PLUGIN:-}" ]; then
	[ "$KARCH" = amd64 ] || die "KTLS_QEMU_PLUGIN: amd64 guests only"
	ACCEL=(-accel tcg -cpu max)
	PLUGIN=(-plugin "$KTLS_QEMU_PLUGIN")
fi
log "booting $KREL (${ACCEL[*]}${ICOUNT[*]:+ ${ICOUNT[*]}}${PLUGIN[*]:+ ${PLUGIN[*]}}) module=$MODULE${MODARGS:+ ($MODARGS)}${ASYNC:+ async=$ASYNC}${ASYNC_FROM:+ async-from=$ASYNC_FROM} suites=$(ls "$STAGE/suites" | tr '\n' ' ')selftest shards: $SHARDS"
CMDLINE="console=$CONSOLE loglevel=4 panic=-1 panic_on_warn=1 oops=panic softlockup_panic=1 hung_task_panic=1 hung_task_timeout_secs=120 quiet"
# Debug kernel: kmemleak reports with real addresses (not hashed).
[ $DEBUG = 0 ] || CMDLINE="$CMDLINE no_hash_pointers"
# A guest that dies before init's KTLS-BOOTED (printed before any module
# is loaded: the kernel's own boot, e.g. TCG tripping over boot-time code
# patching with two vCPUs) is booted once more; its console is kept as
# console-boot1.log. A second such boot, or anything after KTLS-BOOTED, is
# judged as it is.
for BOOT in 1 2; do
	set +e
	timeout -k 10 $((GTIMEOUT + 120)) $QEMU "${MACHINE[@]}" "${ACCEL[@]}" ${ICOUNT[@]+"${ICOUNT[@]}"} \
		${PLUGIN[@]+"${PLUGIN[@]}"} -m 1536 -smp $SMP -nodefaults -display none -no-reboot \
		-serial "file:$RUN/console.log" "${RESULTS[@]}" \
		-kernel "$VMLINUZ" -initrd "$RUN/initrd.gz" \
		-append "$CMDLINE" \
		</dev/null >"$RUN/qemu.log" 2>&1
	QRC=$?
	set -e
	sed -i 's/\r$//' "$RUN/console.log" "$RUN/results.log"
	if [ $BOOT = 1 ] && ! grep -q '^KTLS-BOOTED' "$RUN/results.log"; then
		log "the guest died before init ran (qemu exit $QRC; $(grep -m1 -E 'panic|Oops|BUG' "$RUN/console.log" | cut -c1-100)): booting once more"
		mv "$RUN/console.log" "$RUN/console-boot1.log"
		rm -f "$RUN/results.log"
		continue
	fi
	break
done

# --------------------------------------------------------------- verdict
# A full run holds the failures each entry counts; a narrower one at most.
SCOPE=full
[ -z "$FILTER$SKIP_TESTS$SELFTEST_FROM$FAKE_SELFTEST" ] || SCOPE=partial
bash "$RUNNER/parse.sh" "$RUN" "$KNOWN" "$QRC" "$SCOPE"
