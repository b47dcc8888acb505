#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# accel.sh - choose qemu's accelerator for the test VMs: KVM only when it
# works here, else TCG. The one place this is decided (tests/vm/run.sh
# calls it for every VM of the project: tests, demo, bench, pkg, debug).
#
# Usage: tests/vm/runner/accel.sh --kernel VMLINUZ [--busybox PATH] [--arch ARCH]
# Prints one line: `kvm<TAB>reason` or `tcg<TAB>reason`. Exits 1 with one
# sentence on stderr when KTLS_ACCEL=kvm is asked for and KVM does not
# work, or KTLS_ACCEL is not one of auto, kvm, tcg.
#
# KVM is chosen when /dev/kvm is usable, the CPU advertises hardware
# virtualisation to this machine (vmx or svm in /proc/cpuinfo: a nested
# guest can show /dev/kvm without them, and then qemu aborts or the guest
# hangs early in boot), and a probe boot of VMLINUZ with a two-line
# initramfs under `-accel kvm -cpu host` reports back within
# $KTLS_ACCEL_PROBE_TIMEOUT seconds (default 30). A guest of another
# architecture than the host's (--arch arm64 on x86_64) is always TCG.
#
# Env: KTLS_ACCEL (auto | kvm | tcg, default auto); for the runner's own
# tests: KTLS_CPUINFO (default /proc/cpuinfo), KTLS_KVM_DEV (/dev/kvm),
# KTLS_QEMU (qemu-system-x86_64).
set -uo pipefail

KERNEL=""
BUSYBOX=/bin/busybox
GUEST_ARCH=amd64
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) KERNEL=$2; shift ;;
	--busybox) BUSYBOX=$2; shift ;;
	--arch) GUEST_ARCH=$2; shift ;;
	*) echo "accel.sh: unknown argument \`$1'" >&2; exit 1 ;;
	esac
	shift
done

WANT=${KTLS_ACCEL:-auto}
CPUINFO=${KTLS_CPUINFO:-/proc/cpuinfo}
KVM_DEV=${KTLS_KVM_DEV:-/dev/kvm}
QEMU=${KTLS_QEMU:-qemu-system-x86_64}
PROBE_TIMEOUT=${KTLS_ACCEL_PROBE_TIMEOUT:-30}

case "$WANT" in
auto|kvm|tcg) ;;
*) echo "accel.sh: KTLS_ACCEL=\`$WANT' is not one of auto, kvm, tcg" >&2; exit 1 ;;
esac
if [ "$WANT" = tcg ]; then
	printf 'tcg\tKTLS_ACCEL=tcg\n'
	exit 0
fi

# Prints why KVM cannot be used, or nothing when the probe boot worked.
kvm_problem() {
	local tmp rc host
	host=$(uname -m)
	case "$host" in x86_64) host=amd64 ;; aarch64) host=arm64 ;; esac
	if [ "$GUEST_ARCH" != "$host" ]; then
		echo "the guest is $GUEST_ARCH and this machine $host (KVM runs only guests of its own architecture)"
		return
	fi
	if [ ! -e "$KVM_DEV" ]; then
		echo "no $KVM_DEV"; return
	fi
	if [ ! -r "$KVM_DEV" ] || [ ! -w "$KVM_DEV" ]; then
		echo "$KVM_DEV is not readable and writable"; return
	fi
	if ! grep -qwE 'vmx|svm' "$CPUINFO" 2>/dev/null; then
		echo "$KVM_DEV exists but the CPU flags have neither vmx nor svm (no hardware virtualisation for guests)"
		return
	fi
	if [ -z "$KERNEL" ] || [ ! -f "$KERNEL" ]; then
		echo "no kernel to probe KVM with"; return
	fi
	tmp=$(mktemp -d)
	mkdir -p "$tmp/root/bin" "$tmp/root/dev"
	cp "$BUSYBOX" "$tmp/root/bin/busybox"
	printf '%s\n' '#!/bin/busybox sh' \
		'/bin/busybox mount -t devtmpfs dev /dev' \
		'/bin/busybox echo KTLS-ACCEL-PROBE-OK > /dev/ttyS0' \
		'/bin/busybox poweroff -f' > "$tmp/root/init"
	chmod +x "$tmp/root/init"
	(cd "$tmp/root" && find . | cpio -o -H newc --quiet | gzip -1) > "$tmp/probe.gz"
	timeout -k 5 "$PROBE_TIMEOUT" "$QEMU" -M q35 -accel kvm -cpu host -m 256 \
		-smp 1 -nodefaults -display none -no-reboot \
		-serial "file:$tmp/serial" -kernel "$KERNEL" -initrd "$tmp/probe.gz" \
		-append "console=ttyS0 panic=-1 quiet" \
		</dev/null >"$tmp/qemu.log" 2>&1
	rc=$?
	if ! grep -q KTLS-ACCEL-PROBE-OK "$tmp/serial" 2>/dev/null; then
		if [ $rc = 124 ] || [ $rc = 137 ]; then
			echo "a probe boot under KVM did not finish within ${PROBE_TIMEOUT}s"
		else
			echo "a probe boot under KVM failed (qemu exit $rc: $(grep -m1 . "$tmp/qemu.log" | cut -c1-160))"
		fi
	fi
	rm -rf "$tmp"
}

why=$(kvm_problem)
if [ -z "$why" ]; then
	printf 'kvm\tKTLS_ACCEL=%s, a probe boot under KVM worked\n' "$WANT"
	exit 0
fi
if [ "$WANT" = kvm ]; then
	echo "accel.sh: KTLS_ACCEL=kvm, but KVM does not work here: $why." >&2
	exit 1
fi
printf 'tcg\tKTLS_ACCEL=auto, %s\n' "$why"
