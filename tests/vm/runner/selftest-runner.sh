#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# selftest-runner.sh - show that the VM runner turns every failure mode red.
#
# Part 1 feeds parse.sh synthetic guest logs (no VM): SKIP, empty or short plan, no
# plan, "testing without tls", unlisted failure, listed test passing, the
# glob entries of the known lists (a pass under a glob, counts in full and
# filtered runs, FLAKY globs, two classes on one test, the old format),
# missing/FAIL verdict, unfinished suite, qemu timeout; and one clean log
# that must stay green. Part 1c: the selftest shards (shard.sh) on the
# host with a fake harness: green when the shards cover the selection,
# red when a shard dies, loses tests, prints no plan or when the plans do
# not add up to the count. Part 1b: the accelerator decision (accel.sh) with
# a fake /dev/kvm, /proc/cpuinfo and qemu: KVM only when the probe boots. Part 2 boots real VMs (6.1, in-tree tls.ko):
# a passing fake selftest in 2 shards with every AEAD made asynchronous
# (--async pcrypt; green), a module that WARNs on load, and a suite that
# powers the guest off before the verdict (both red); --async cryptd on
# 6.1, a suite the kernel can't run and --async-from to the wrapper of
# --async or before a suite the run leaves out are red before any boot. Part 3:
# scripts/apps.sh fetches nginx into a fresh or a half-made cache;
# prune_others, which ends scripts/debug-kernel.sh, on a fresh cache.
# Last line: `N passed, N failed` over all cases.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../../../scripts/lib.sh"
VM=$TOP/tests/vm
RUNNER=$VM/runner
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PASS=0 FAIL=0

expect() {	# expect green|red NAME RC
	local want=$1 name=$2 rc=$3 got=green
	[ "$rc" = 0 ] || got=red
	if [ "$got" = "$want" ]; then
		PASS=$((PASS + 1)); echo "ok - $name ($got)"
	else
		FAIL=$((FAIL + 1)); echo "not ok - $name: expected $want, got $got"
	fi
}

# ---- part 1: parse.sh on synthetic logs
# known lists (tests/vm/known/README): GLOB COUNT ISSUE REASON; an entry
# of a suite that did not run (peer) has no count to meet
printf 'tls.a.listed\t1\t4\tknown gap for the test\n' > "$TMP/known"
printf 'tls.a.flaky\t1\t5\tFLAKY: timing under TCG\n' >> "$TMP/known"
printf 'peer:peer.*.x\t3\t6\ta suite this log does not run\n' >> "$TMP/known"
good_tap() {
	echo "KTLS-BOOTED 6.1"
	echo "KTLS-SUITE-BEGIN selftest"
	echo "TAP version 13"; echo "1..3"
	echo "ok 1 tls.a.one"; echo "ok 2 tls.a.two"
	echo "not ok 3 tls.a.listed"
	echo "KTLS-SUITE-END selftest rc=1"
}
parse_case() {	# parse_case WANT NAME QRC [KNOWN [SCOPE]] < results.log
	local d=$TMP/$2
	mkdir -p "$d"
	cat > "$d/results.log"
	echo "boot" > "$d/console.log"
	bash "$RUNNER/parse.sh" "$d" "${4:-$TMP/known}" "$3" ${5:-} > "$d/out" 2>&1
	expect "$1" "parse: $2" $?
}
parse_case green clean 0 < <({ good_tap; echo "KTLS-VERDICT PASS"; })
parse_case red skip 0 < <({ good_tap | sed 's/^ok 2 .*/ok 2 # SKIP no TLS support/'; echo "KTLS-VERDICT PASS"; })
parse_case red short-plan 0 < <({ good_tap | sed '/^ok 2/d'; echo "KTLS-VERDICT PASS"; })
parse_case red empty-plan 0 < <({ good_tap | sed -e 's/^1\.\.3/1..0/' -e '/^\(not \)\?ok /d'; echo "KTLS-VERDICT PASS"; })
parse_case red no-plan 0 < <({ good_tap | sed '/^1\.\./d'; echo "KTLS-VERDICT PASS"; })
parse_case red without-tls 0 < <({ good_tap | sed 's/^ok 1 .*/Failure setting TCP_ULP, testing without tls\nok 1 tls.a.one/'
  echo "KTLS-VERDICT PASS"; })
parse_case red unlisted-failure 0 < <({ good_tap | sed 's/^ok 2 /not ok 2 /'; echo "KTLS-VERDICT PASS"; })
parse_case red unlisted-failure-why 0 < <({ good_tap | sed 's/^ok 2 /# tls.c:12:two:Expected 1 (1) == 0 (0)\nnot ok 2 /'; echo "KTLS-VERDICT PASS"; })
grep -q 'tls.c:12:two:Expected' "$TMP/unlisted-failure-why/out"
expect green "parse: an unexpected failure is shown with the harness's words" $?
parse_case red listed-passes 0 < <({ good_tap | sed 's/^not ok 3 /ok 3 /'; echo "KTLS-VERDICT PASS"; })
parse_case red no-verdict 0 < <(good_tap)
parse_case red verdict-fail 0 < <({ good_tap; echo "KTLS-VERDICT FAIL; kernel reported problems: WARNING: x"; })
parse_case red unfinished 0 < <({ good_tap | sed '/SUITE-END/d'; echo "KTLS-VERDICT PASS"; })
parse_case red qemu-timeout 124 < <({ good_tap; echo "KTLS-VERDICT PASS"; })
parse_case green flaky-passes 0 < <({ good_tap | sed 's/^1\.\.3/1..4/' | sed 's/^\(KTLS-SUITE-END.*\)/ok 4 tls.a.flaky\n\1/'; echo "KTLS-VERDICT PASS"; })
parse_case green flaky-fails 0 < <({ good_tap | sed 's/^1\.\.3/1..4/' | sed 's/^\(KTLS-SUITE-END.*\)/not ok 4 tls.a.flaky\n\1/'; echo "KTLS-VERDICT PASS"; })
parse_case red verdict-not-last 0 < <({ good_tap; echo "KTLS-VERDICT PASS"; echo "KTLS-SUITE-BEGIN late"; })

# globs (one entry a reason): tls.g.* covers two failures; every test it
# matches is listed, so a pass among them is red; a full run must have
# COUNT failures per entry, a filtered (partial) one at most COUNT
printf 'tls.g.*\t2\t9\tone reason, two tests\ntls.f.*\t2\t9\tFLAKY: timing\n' > "$TMP/known-glob"
glob_tap() {	# glob_tap "ok|not ok" "ok|not ok" [EXTRA TAP LINE]
	echo "KTLS-BOOTED 6.1"; echo "KTLS-SUITE-BEGIN selftest"
	echo "TAP version 13"; echo "1..$([ -n "${3:-}" ] && echo 4 || echo 3)"
	echo "ok 1 tls.a.one"; echo "$1 2 tls.g.x"; echo "$2 3 tls.g.y"
	[ -z "${3:-}" ] || echo "$3"
	echo "KTLS-SUITE-END selftest rc=1"; echo "KTLS-VERDICT PASS"
}
parse_case green glob-covers-failures 0 "$TMP/known-glob" < <(glob_tap "not ok" "not ok")
parse_case red glob-all-pass 0 "$TMP/known-glob" < <(glob_tap ok ok)
parse_case red glob-hides-a-pass 0 "$TMP/known-glob" < <(glob_tap "not ok" ok)
grep -q 'known entry tls.g.\*: 1 of its tests passed' "$TMP/glob-hides-a-pass/out"
expect green "parse: the entry hiding a pass is named" $?
glob_one() { glob_tap "not ok" x | grep -v ' tls.g.y$' | sed 's/^1\.\.3/1..2/'; }
parse_case red count-short-full-run 0 "$TMP/known-glob" full < <(glob_one)
grep -q 'known entry tls.g.\*: 1 failure(s) in a full run, its count says 2' "$TMP/count-short-full-run/out"
expect green "parse: a count mismatch says so" $?
parse_case green count-short-filtered-run 0 "$TMP/known-glob" partial < <(glob_one)
parse_case red count-over-filtered-run 0 "$TMP/known-glob" partial < <(glob_tap "not ok" "not ok" "not ok 4 tls.g.z")
parse_case green flaky-glob-passes 0 "$TMP/known-glob" < <(glob_tap "not ok" "not ok" "ok 4 tls.f.a")
parse_case green flaky-glob-fails 0 "$TMP/known-glob" < <(glob_tap "not ok" "not ok" "not ok 4 tls.f.a")
printf 'tls.g.x\t1\t9\tgap\ntls.g.*\t1\t9\tFLAKY: timing\n' > "$TMP/known-2class"
parse_case red entries-of-two-classes 0 "$TMP/known-2class" partial < <(glob_tap "not ok" "not ok")
printf 'tls.g.x\t9\tthe old one-test format\n' > "$TMP/known-old"
parse_case red old-format-line 0 "$TMP/known-old" partial < <(glob_tap "not ok" ok)
printf 'include known-glob\n' > "$TMP/known-incl"
parse_case green include 0 "$TMP/known-incl" < <(glob_tap "not ok" "not ok")

# ---- part 1c: shard.sh with a fake harness (KTLS_COUNT, KTLS_SHARD as
# ksft_filter.c has them); its TAP stream goes through parse.sh
cat > "$TMP/fake-harness" <<'EOS'
#!/bin/sh
# 5 tests tls.a.t0..t4; FAKE_MODE breaks shard 1
[ -n "$KTLS_COUNT" ] && { [ "$FAKE_MODE" = badcount ] && echo 6 || echo 5; exit 0; }
i=${KTLS_SHARD%/*} n=${KTLS_SHARD#*/}
mine=""; t=0
while [ $t -lt 5 ]; do [ $((t % n)) = "$i" ] && mine="$mine $t"; t=$((t + 1)); done
echo "TAP version 13"
[ "$FAKE_MODE" = noplan ] && [ "$i" = 1 ] || echo "1..$(echo $mine | wc -w)"
k=0
for t in $mine; do
	k=$((k + 1))
	echo "# RUN tls.a.t$t"
	echo "ok $k tls.a.t$t"
	if [ "$i" = 1 ]; then
		[ "$FAKE_MODE" = die ] && kill -9 $$
		[ "$FAKE_MODE" = lose ] && exit 0
	fi
done
exit 0
EOS
chmod +x "$TMP/fake-harness"
shard_case() {	# shard_case WANT NAME N FAKE_MODE
	local d=$TMP/shard-$2
	mkdir -p "$d"
	{
		echo "KTLS-BOOTED 6.1"
		echo "KTLS-SUITE-BEGIN selftest"
		FAKE_MODE=$4 KTLS_SHARD_TMP=$d sh "$RUNNER/shard.sh" "$3" "$TMP/fake-harness"
		echo "KTLS-SUITE-END selftest rc=$?"
		echo "KTLS-VERDICT PASS"
	} > "$d/results.log" 2>&1
	echo "boot" > "$d/console.log"
	printf '# none\n' > "$d/known"
	bash "$RUNNER/parse.sh" "$d" "$d/known" 0 > "$d/out" 2>&1
	expect "$1" "shards: $2" $?
	[ "$1" = red ] || [ "$(grep -c '^PASS tls\.a\.t' "$d/tests.txt")" = 5 ] || {
		FAIL=$((FAIL + 1)); echo "not ok - shards: $2: not every test passed once"; }
}
shard_case green two-shards 2 ok
shard_case green three-shards 3 ok
shard_case green one-shard 1 ok
shard_case red shard-dies 2 die
shard_case red shard-loses-tests 2 lose
shard_case red shard-without-plan 2 noplan
shard_case red plans-short-of-count 2 badcount

# ---- part 1d: ksft_filter.c with each series' own kselftest_harness.h
# (from the linux-source trees deps.sh unpacked): a failing ASSERT/EXPECT
# in a test body or fixture setup must come out "not ok", whole and in
# shards. Since 6.9 the harness runs them in a grandchild that reports a
# failure only through the test's metadata in shared memory; a filter that
# copies that metadata into private memory reports every such failure as
# "ok" (it did from 2026-11-23 to 2026-12-05: tests/vm/guest/ksft_filter.c).
# Before 6.9 it is the other way round: the harness's `t->pid = fork()`
# in shared memory lets the child's 0 win the race now and then.
cat > "$TMP/harness-probe.c" <<'EOS'
#include "kselftest_harness.h"
FIXTURE(f) { int x; };
FIXTURE_VARIANT(f) { int bad_setup; };
FIXTURE_VARIANT_ADD(f, good) { .bad_setup = 0, };
FIXTURE_VARIANT_ADD(f, badsetup) { .bad_setup = 1, };
FIXTURE_SETUP(f) { self->x = 1; ASSERT_EQ(0, variant->bad_setup); }
FIXTURE_TEARDOWN(f) { }
TEST_F(f, passes) { EXPECT_EQ(1, self->x); }
TEST_F(f, assert_fails) { ASSERT_EQ(2, self->x); }
TEST_F(f, expect_fails) { EXPECT_EQ(2, self->x); }
TEST(plain_fails) { ASSERT_EQ(1, 2); }
TEST(plain_passes) { ASSERT_EQ(1, 1); }
TEST(sleeper) { if (getenv("PROBE_SLEEP")) sleep(3); }
/*
 * Before 6.9 the child's metadata must stay its own: shared, its half of
 * `t->pid = fork()` can reach the parent, which then waits for no child
 * (now and then, under load). Writing termsig shows it every time.
 */
TEST(own_metadata)
{
#ifndef FIXTURE_TEARDOWN_PARENT
	_metadata->termsig = SIGUSR1;
#endif
}
TEST_HARNESS_MAIN
EOS
# name -> expected result, every other line of the TAP stream ignored
want_probe="f.good.passes ok
f.good.assert_fails not
f.good.expect_fails not
f.badsetup.passes not
f.badsetup.assert_fails not
f.badsetup.expect_fails not
global.plain_fails not
global.plain_passes ok
global.sleeper ok
global.own_metadata ok"
probe_tap() {	# TAP lines -> "name ok|not", sorted
	sed -nE 's/^(not )?ok [0-9]+ ([^ ]+).*/\2 \1/p' | sed -E 's/ not $/ not/; s/ $/ ok/' | sort
}
nprobe=0
for st in "$CACHE"/src/linux-source-*/tools/testing/selftests; do
	[ -f "$st/kselftest_harness.h" ] || continue
	series=${st#"$CACHE"/src/linux-source-}; series=${series%%/*}
	nprobe=$((nprobe + 1))
	bin=$TMP/harness-probe-$series
	if ! make -s -C "$VM" probe PROBE_SRC="$TMP/harness-probe.c" PROBE_ST="$st" \
		PROBE_OUT="$bin" > "$TMP/probe-$series.log" 2>&1; then
		FAIL=$((FAIL + 1)); echo "not ok - ksft_filter $series: build failed"
		sed 's/^/    /' "$TMP/probe-$series.log" | head -5
		continue
	fi
	whole=$("$bin" 2>&1 | probe_tap)
	sharded=$({ KTLS_SHARD=0/2 "$bin"; KTLS_SHARD=1/2 "$bin"; } 2>&1 | probe_tap)
	exp=$(sort <<<"$want_probe")
	for run in whole sharded; do
		if [ "${!run}" = "$exp" ]; then
			PASS=$((PASS + 1)); echo "ok - ksft_filter $series ($run): failures in setup and body are \"not ok\", metadata shared as the harness shares it"
		else
			FAIL=$((FAIL + 1)); echo "not ok - ksft_filter $series ($run): got"
			diff <(echo "$exp") <(echo "${!run}") | sed 's/^/    /'
		fi
	done
	# left out by name and by glob (run.sh --skip-tests, SLOW entries):
	# neither run nor counted
	printf 'f.*.expect_*\nglobal.plain_fails\n' > "$TMP/probe-exclude"
	left=$(KTLS_EXCLUDE_FILE=$TMP/probe-exclude "$bin" 2>&1 | probe_tap)
	nleft=$(KTLS_EXCLUDE_FILE=$TMP/probe-exclude KTLS_COUNT=1 "$bin" 2>&1)
	exp=$(grep -vE '^(f\.[a-z]*\.expect_|global\.plain_fails)' <<<"$want_probe" | sort)
	if [ "$left" = "$exp" ] && [ "$nleft" = 7 ]; then
		PASS=$((PASS + 1)); echo "ok - ksft_filter $series: excluded names and globs are neither run nor counted"
	else
		FAIL=$((FAIL + 1)); echo "not ok - ksft_filter $series: exclusion (count $nleft, want 7):"
		diff <(echo "$exp") <(echo "$left") | sed 's/^/    /'
	fi
	# a known-failures glob (run.sh's /etc/ktls-known) gets the short limit
	printf 'global.sl*\n' > "$TMP/probe-known"
	short=$(PROBE_SLEEP=1 KTLS_FILTER='global.sleeper' KTLS_KNOWN_FILE=$TMP/probe-known \
		KTLS_KNOWN_TIMEOUT=1 "$bin" 2>&1 | probe_tap)
	if [ "$short" = "global.sleeper not" ]; then
		PASS=$((PASS + 1)); echo "ok - ksft_filter $series: a test a known glob matches gets the short time limit"
	else
		FAIL=$((FAIL + 1)); echo "not ok - ksft_filter $series: known glob, 3 s test under a 1 s limit: $short"
	fi
done
if [ $nprobe = 0 ]; then
	FAIL=$((FAIL + 1)); echo "not ok - ksft_filter: no linux-source selftests in $CACHE/src (run scripts/deps.sh)"
fi

# ---- part 1b: the accelerator decision (runner/accel.sh), no VM: a
# fake /dev/kvm, /proc/cpuinfo and qemu
accel_case() {	# accel_case WANT(kvm|tcg|error) NAME DEV FLAGS QEMU_MODE [KTLS_ACCEL]
	local want=$1 name=$2 dev=$3 flags=$4 mode=$5 req=${6:-auto} out rc got
	printf 'processor\t: 0\nflags\t\t: fpu sse2 %s aes\n' "$flags" > "$TMP/cpuinfo"
	rm -f "$TMP/qemu-called"
	out=$(KTLS_ACCEL=$req KTLS_CPUINFO=$TMP/cpuinfo KTLS_KVM_DEV=$dev \
		KTLS_QEMU=$TMP/fake-qemu FAKE_QEMU_MODE=$mode KTLS_ACCEL_PROBE_TIMEOUT=3 \
		bash "$RUNNER/accel.sh" --kernel "$TMP/vmlinuz" --busybox "$TMP/vmlinuz" 2>"$TMP/accel.err")
	rc=$?
	got=${out%%$'\t'*}
	[ $rc = 0 ] || got=error
	if [ "$got" = "$want" ]; then
		PASS=$((PASS + 1)); echo "ok - accel: $name ($got: ${out#*$'\t'}$(cat "$TMP/accel.err"))"
	else
		FAIL=$((FAIL + 1)); echo "not ok - accel: $name: expected $want, got $got ($out $(cat "$TMP/accel.err"))"
	fi
}
cat > "$TMP/fake-qemu" <<'EOS'
#!/bin/bash
touch "$(dirname "$0")/qemu-called"
case "$FAKE_QEMU_MODE" in
ok)	for a in "$@"; do
		case "$a" in file:*) echo KTLS-ACCEL-PROBE-OK > "${a#file:}" ;; esac
	done ;;
abort)	echo "qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69" >&2
	exit 134 ;;
hang)	exec sleep 60 ;;
esac
EOS
chmod +x "$TMP/fake-qemu"
echo kernel > "$TMP/vmlinuz"
touch "$TMP/kvm"
accel_case tcg no-dev-kvm "$TMP/no-such-kvm" vmx ok
accel_case tcg dev-kvm-without-vmx-svm "$TMP/kvm" "" ok
[ ! -e "$TMP/qemu-called" ] && PASS=$((PASS + 1)) && echo "ok - accel: no probe boot without vmx/svm" ||
	{ FAIL=$((FAIL + 1)); echo "not ok - accel: qemu was started without vmx/svm"; }
accel_case kvm vmx-probe-boots "$TMP/kvm" vmx ok
accel_case kvm svm-probe-boots "$TMP/kvm" svm ok
accel_case tcg probe-aborts "$TMP/kvm" vmx abort
accel_case tcg probe-hangs "$TMP/kvm" svm hang
accel_case tcg forced-tcg "$TMP/kvm" vmx ok tcg
accel_case error forced-kvm-without-vmx "$TMP/kvm" "" ok kvm
accel_case error forced-kvm-probe-hangs "$TMP/kvm" vmx hang kvm
accel_case error bad-value "$TMP/kvm" vmx ok fast

# ---- part 2: real VMs
if [ "${KTLS_RUNNER_VM:-1}" = 1 ]; then
	KNOWN=$TMP/known
	# run as 2 shards (runner/shard.sh): a test each
	cat > "$TMP/fake-pass" <<'EOS'
#!/bin/sh
[ -n "$KTLS_COUNT" ] && { echo 2; exit 0; }
echo "TAP version 13"; echo "1..1"
case "$KTLS_SHARD" in
0/2)	case "$(cat /proc/sys/net/ipv4/tcp_available_ulp)" in
	*tls*) echo "ok 1 tls.fake.ulp_present" ;;
	*) echo "not ok 1 tls.fake.ulp_present" ;;
	esac ;;
1/2)	echo "not ok 1 tls.a.listed" ;;
esac
EOS
	cat > "$TMP/fake-poweroff" <<'EOS'
#!/bin/sh
[ -n "$KTLS_COUNT" ] && { echo 2; exit 0; }
echo "TAP version 13"; echo "1..1"; echo "ok 1 tls.fake.one$KTLS_SHARD"
poweroff -f
EOS
	chmod +x "$TMP"/fake-*
	load_series 6.1
	make -s -C "$KBUILD" M="$VM/fixtures" modules > "$TMP/warn-build.log" 2>&1 ||
		{ cat "$TMP/warn-build.log"; }
	vm_case() {	# vm_case WANT NAME ARGS...
		local want=$1 name=$2
		shift 2
		bash "$VM/run.sh" --series 6.1 --module intree --suites selftest \
			--known "$KNOWN" --timeout 60 "$@" > "$TMP/vm-$name.log" 2>&1
		expect "$want" "vm: $name" $?
		grep -E '^\[vm\] (RED|verdict)' "$TMP/vm-$name.log" | sed 's/^/    /'
	}
	# a suite named in --suites that the kernel can't run is red before
	# any boot (6.1 has no NVMe/TCP TLS), never silently left out
	bash "$VM/run.sh" --series 6.1 --module ktls --suites consumers \
		> "$TMP/vm-named-suite.log" 2>&1
	rc=$?
	grep -q "suite consumers was asked for, but it can't run on 6.1" "$TMP/vm-named-suite.log" || rc=0
	expect red "vm: a named suite the kernel can't run" $rc
	# --async cryptd on 6.1 (its cryptd WARNs in the kernel's self-test)
	# is refused before any boot
	bash "$VM/run.sh" --series 6.1 --module intree --async cryptd \
		> "$TMP/vm-cryptd61.log" 2>&1
	rc=$?
	grep -q "6.1's cryptd fails the kernel's own self-test" "$TMP/vm-cryptd61.log" || rc=0
	expect red "vm: --async cryptd on 6.1" $rc
	# --async-from to the wrapper the boot already runs, or before a suite
	# the run leaves out, is refused before any boot (the switch would
	# change nothing, or never happen)
	bash "$VM/run.sh" --series 6.1 --module intree --async pcrypt \
		--async-from selftest:pcrypt > "$TMP/vm-asyncfrom1.log" 2>&1
	rc=$?
	grep -q "the boot already runs pcrypt" "$TMP/vm-asyncfrom1.log" || rc=0
	expect red "vm: --async-from to the wrapper of --async" $rc
	bash "$VM/run.sh" --series 6.12 --module intree --async cryptd --suites selftest \
		--async-from stress:pcrypt > "$TMP/vm-asyncfrom2.log" 2>&1
	rc=$?
	grep -q "suite stress is not in this run" "$TMP/vm-asyncfrom2.log" || rc=0
	expect red "vm: --async-from before a suite the run leaves out" $rc
	# the passing run also forces pcrypt (--async): every AEAD the kernel
	# has is wrapped before the suites
	vm_case green fake-pass --fake-selftest "$TMP/fake-pass" --shards 2 --async pcrypt
	run=$(sed -n 's/^\[vm\] logs: \([^ ]*\).*/\1/p' "$TMP/vm-fake-pass.log")
	grep -q '^PASS tls.fake.ulp_present' "$run/tests.txt" &&
		{ PASS=$((PASS + 1)); echo "ok - vm: fake-pass ran both shards in the guest"; } ||
		{ FAIL=$((FAIL + 1)); echo "not ok - vm: fake-pass: shard 0's test missing"; }
	grep -q '^force-async: gcm(aes) -> pcrypt(' "$run/results.log" &&
		grep -q '^force-async: [1-9] of 6 forced to pcrypt, 0 failed' "$run/results.log" &&
		{ PASS=$((PASS + 1)); echo "ok - vm: --async pcrypt wrapped gcm(aes) and the rest"; } ||
		{ FAIL=$((FAIL + 1)); echo "not ok - vm: --async pcrypt: no force-async report"; }
	vm_case red warn-on-load --fake-selftest "$TMP/fake-pass" \
		--extra-ko "$VM/fixtures/warn_on_load.ko" --shards 2
	vm_case red poweroff-before-verdict --fake-selftest "$TMP/fake-poweroff" --shards 2
fi

# ---- part 3: the apps suite's programs fetched into a fresh cache (the
# .debs shared with the real cache, trixie's unpacked tree copied), and
# into one an earlier fetch left with a .complete but no nginx
APC=$TMP/apps-cache
mkdir -p "$APC/apps"
ln -s "$CACHE/debs" "$APC/debs"
[ ! -d "$CACHE/apps/trixie" ] || cp -a "$CACHE/apps/trixie" "$APC/apps/"
for state in fresh no-nginx; do
	if [ $state = no-nginx ]; then
		rm -rf "$APC/apps/nginx"
		mkdir -p "$APC/apps/nginx"
		echo "$CACHE/debs/nginx.deb" > "$APC/apps/nginx/.complete"
	fi
	KTLS_CACHE=$APC bash "$TOP/scripts/apps.sh" fetch > "$TMP/apps-$state.log" 2>&1
	rc=$?
	[ -x "$APC/apps/nginx/usr/sbin/nginx" ] || rc=1
	[ $rc = 0 ] || sed 's/^/# /' "$TMP/apps-$state.log" | tail -n 5
	expect green "apps.sh fetch into a $state cache: nginx unpacked" $rc
done

# ---- part 3b: prune_others (lib.sh), as scripts/debug-kernel.sh ends:
# a fresh cache holds only the build just made (no error), a used one
# keeps that and the newest other
PR=$TMP/prune
mkdir -p "$PR/debug-a" "$PR/debug-b" "$PR/debug-c" "$PR/debug-new"
touch -d '3 days ago' "$PR/debug-a"; touch -d '2 days ago' "$PR/debug-b"
touch -d '1 day ago' "$PR/debug-c"
(set -e; prune_others "$PR/debug-new" "$PR"/debug-*/; echo done) > "$TMP/prune.out" 2>&1
rc=$?
[ "$(ls "$PR" | tr '\n' ' ')" = "debug-c debug-new " ] && grep -qx done "$TMP/prune.out" || rc=1
expect green "prune_others: the build and the newest other kept" $rc
rm -rf "$PR/debug-c"
(set -e; prune_others "$PR/debug-new" "$PR"/debug-*/; echo done) > "$TMP/prune.out" 2>&1
rc=$?
[ "$(ls "$PR")" = debug-new ] && grep -qx done "$TMP/prune.out" || rc=1
expect green "prune_others: only the build itself (a fresh cache)" $rc
(set -e; prune_others "$PR/debug-x" "$PR"/none-*/; echo done) > "$TMP/prune.out" 2>&1
rc=$?
grep -qx done "$TMP/prune.out" || rc=1
expect green "prune_others: nothing matches" $rc

echo "$PASS passed, $FAIL failed"
[ $FAIL = 0 ]
