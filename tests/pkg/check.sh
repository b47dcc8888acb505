#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check.sh - packaging test (issue 10): build the .debs from a clean export
# of HEAD, install ktls-dkms here and build ktls.ko through DKMS for both
# Debian 12 series' headers (no loading: this machine cannot); for 7.2
# (sid), 7.3 (trixie-backports) and 6.12-trixie (Debian 13's own 6.12, in
# 7.3's root), whose headers need their own suite's
# toolchain, the package's source tree goes into that suite's build root
# (scripts/buildroot.sh) and the root's own dkms builds it; cross-build
# it with dkms for the arm64 kernels of 6.1 (host) and 6.12-trixie (root);
# boot the DKMS-built modules of 6.12, 7.2, 7.3 and 6.12-trixie-arm64 in
# the VM with a short smoke, install the
# tools and library, purge everything and check nothing is left. Needs
# root (apt, chroot).
# Purges any ktls packages or DKMS registration already on the machine.
# Last line: `N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
OUT=$TOP/build/pkg
DEB=$TOP/build/deb
PKGS="ktls-dkms ktls-tools libktls0 libktls-dev"
VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' module/dkms.conf)
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
PASS=0 FAIL=0

t() {	# t NAME COMMAND...: run, report, count; output kept on failure
	local name=$1 t0=$SECONDS
	shift
	if "$@" > "$OUT/t.out" 2>&1; then
		echo "ok - $name ($((SECONDS - t0)) s)"
		PASS=$((PASS + 1))
	else
		sed 's/^/#   /' "$OUT/t.out" | tail -n 20
		echo "not ok - $name ($((SECONDS - t0)) s)"
		FAIL=$((FAIL + 1))
	fi
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
purge_all() {
	local p present=()
	for p in $PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'installed\|config-files' &&
			present+=("$p")
	done
	[ ${#present[@]} -eq 0 ] || $SUDO apt-get purge -y "${present[@]}"
	if [ -d /var/lib/dkms/ktls ]; then	# left by make dkms-install
		$SUDO dkms remove -m ktls -v "$VERSION" --all || true
		$SUDO rm -rf /var/lib/dkms/ktls
	fi
	$SUDO rm -rf /usr/src/ktls-*
}
cleanup() { purge_all > /dev/null 2>&1 || true; }
trap cleanup EXIT

mkdir -p "$OUT"
echo "# packaging test of ktls $VERSION ($(git rev-parse --short HEAD))"
purge_all > "$OUT/pre-purge.log" 2>&1

# ---------------------------------------------------------- build
t "debs build from a clean export of HEAD" bash packaging/build-deb.sh HEAD
deb_of() { ls "$DEB/$1"_"$VERSION"_*.deb 2>/dev/null | head -n1; }
have_all_debs() { local p; for p in $PKGS; do [ -n "$(deb_of "$p")" ] || return 1; done; }
t "ktls-dkms, ktls-tools, libktls0, libktls-dev built" have_all_debs
lintian_clean() {	# errors and warnings; info tags are listed in docs/install.md
	cat "$DEB/lintian.txt"
	! grep -E '^[EW]: ' "$DEB/lintian.txt"
}
t "lintian: no errors or warnings" lintian_clean

# ---------------------------------------------------------- DKMS
t "ktls-dkms installs (apt)" $SUDO apt-get install -y --no-install-recommends "$(deb_of ktls-dkms)"
t "source tree in /usr/src/ktls-$VERSION with real core/" \
	test -f "/usr/src/ktls-$VERSION/dkms.conf" -a ! -L "/usr/src/ktls-$VERSION/core" \
	-a -f "/usr/src/ktls-$VERSION/core/record.c"
ko_of() { ls "${2:-}"/var/lib/dkms/ktls/"$VERSION"/"$1"/*/module/ktls.ko* 2>/dev/null | head -n1; }
vermagic_is() { modinfo -F vermagic "$(ko_of "$1" "${2:-}")" | grep -q "^$1 "; }	# KREL [ROOT]
for s in 6.1 6.12; do
	KREL=$(load_series "$s" && echo "$KREL")
	t "dkms build -k $KREL" nice $SUDO dkms build -m ktls -v "$VERSION" -k "$KREL"
	t "DKMS ktls.ko for $s has vermagic $KREL" vermagic_is "$KREL"
done
KREL612=$(load_series 6.12 && echo "$KREL")

# 7.2, 7.3 and 6.12-trixie: dkms of sid / trixie in the series' build root,
# on the source tree and dkms.conf of the ktls-dkms .deb (unpacked there,
# removed again at the end: the root stays as deps.sh made it, plus dkms).
in_root() {	# in_root ROOT COMMAND...: chroot with /proc and /dev, private mounts
	unshare --mount --propagation private -- sh -c '
		r=$1; shift
		mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" &&
		exec chroot "$r" "$@"' sh "$@"
}
root_clean() {	# root_clean ROOT: no ktls left in the root's DKMS tree or /usr/src
	[ -d "$1/var/lib/dkms/ktls" ] && in_root "$1" dkms remove -m ktls -v "$VERSION" --all
	rm -rf "$1/var/lib/dkms/ktls" "$1"/usr/src/ktls-*
}
# A root serves more than one series (7.3 and 6.12-trixie share trixie's):
# the source is added once per root, then built for each kernel.
declare -A ADDED=()
DKMS_ENV=""	# the environment of dkms in the root (cross-builds)
dkms_in_root() {	# dkms_in_root ROOT KREL [DKMS-BUILD-ARGS...]
	if [ -z "${ADDED[$1]:-}" ]; then
		rm -rf "$OUT/dkms-deb"
		root_clean "$1" &&
		dpkg-deb -x "$(deb_of ktls-dkms)" "$OUT/dkms-deb" &&
		cp -a "$OUT/dkms-deb/usr/src/ktls-$VERSION" "$1/usr/src/" &&
		in_root "$1" dkms add -m ktls -v "$VERSION" || return 1
		ADDED[$1]=1
	fi
	in_root "$1" env $DKMS_ENV nice dkms build -m ktls -v "$VERSION" -k "$2" "${@:3}"
}
ROOTS=()
for s in 7.2 7.3 6.12-trixie; do
	eval "$(load_series "$s" && echo "KREL=$KREL KROOT=$KROOT KBUILD=$KBUILD")"
	ROOTS+=("$KROOT")
	t "dkms in the $(basename "$KROOT") build root ($s)" \
		bash scripts/buildroot.sh "$(basename "$KROOT")" make gcc "$(basename "$KBUILD")" dkms
	t "dkms build -k $KREL (in the $(basename "$KROOT") root)" dkms_in_root "$KROOT" "$KREL"
	t "DKMS ktls.ko for $s has vermagic $KREL" vermagic_is "$KREL" "$KROOT"
done

# arm64: ktls-dkms is Architecture: all and names the arm64 header
# packages; the same dkms.conf builds for Debian's arm64 kernels. Here dkms
# cross-builds it (--arch arm64, CROSS_COMPILE in its environment) against
# the arm64 headers scripts/deps-arm64.sh unpacked: bookworm's 6.1 on the
# host, trixie's 6.12 in trixie's build root (booted in the VM below).
for s in 6.1 6.12-trixie; do
	eval "$(load_series "$s-arm64" && echo "KREL=$KREL KROOT=$KROOT KBUILD=$KBUILD")"
	if [ -z "$KROOT" ]; then
		t "dkms build -k $KREL -a arm64 (cross)" nice $SUDO env CROSS_COMPILE=aarch64-linux-gnu- \
			dkms build -m ktls -v "$VERSION" -k "$KREL" -a arm64 --kernelsourcedir "$KBUILD"
	else
		DKMS_ENV=CROSS_COMPILE=aarch64-linux-gnu-
		t "dkms build -k $KREL -a arm64 (cross, in the $(basename "$KROOT") root)" \
			dkms_in_root "$KROOT" "$KREL" -a arm64 --kernelsourcedir "$KBUILD"
		DKMS_ENV=""
	fi
	t "DKMS ktls.ko for $s-arm64 has vermagic $KREL" vermagic_is "$KREL" "$KROOT"
done
root_cleanup() { local r; for r in "${ROOTS[@]}"; do root_clean "$r" || return 1; done; }
cleanup() { purge_all > /dev/null 2>&1 || true; root_cleanup > /dev/null 2>&1 || true; }

t "dkms refuses a kernel outside 6.1..6.12, 7.2, 7.3 (BUILD_EXCLUSIVE_KERNEL)" \
	bash -c "grep -E '^BUILD_EXCLUSIVE_KERNEL=' /usr/src/ktls-$VERSION/dkms.conf | cut -d'\"' -f2 > '$OUT/re' &&
		for k in 6.1.0-56-cloud-amd64 6.12.117+deb12-cloud-amd64 6.8.0-45-generic \
			7.2.13+deb14-cloud-amd64 7.3.4+deb13-cloud-amd64; do
			echo \$k | grep -qEf '$OUT/re' || exit 1; done &&
		for k in 5.15.0-1-amd64 6.13.2-amd64 6.18.44 7.0.0 7.1.3 7.4.1 7.20.1; do
			! echo \$k | grep -qEf '$OUT/re' || exit 1; done"

# modprobe.d: resolve against the 6.12 tree, where DKMS installed ktls.ko
# next to Debian's modules (nothing is loaded: --show-depends only).
MP=/usr/share/ktls-dkms/modprobe.d
resolves() {	# resolves CONF NAME EXPECT-REGEX
	local conf=$1
	[ "$conf" = none ] && conf=/dev/null
	$SUDO modprobe -S "$KREL612" -C "$conf" --show-depends "$2" | tee /dev/stderr | tail -n1 |
		grep -qE "$3"
}
if [ -f "/lib/modules/$KREL612/kernel/net/tls/tls.ko.xz" ] ||
   [ -f "/lib/modules/$KREL612/kernel/net/tls/tls.ko" ]; then
	t "without modprobe.d: tcp-ulp-tls is the in-tree tls.ko" resolves none tcp-ulp-tls '/kernel/net/tls/tls\.ko'
fi
t "ktls-replace-tls.conf: tcp-ulp-tls is ktls.ko" resolves "$MP/ktls-replace-tls.conf" tcp-ulp-tls '/updates/dkms/ktls\.ko'
t "ktls-beside-tls.conf: ktls loads with ulp_name=ktls" resolves "$MP/ktls-beside-tls.conf" ktls 'ktls\.ko.* ulp_name=ktls'
t "modules-load.d entry names ktls" grep -qx ktls /usr/share/ktls-dkms/modules-load.d/ktls.conf

# ---------------------------------------------------------- VM smoke
# The modules DKMS built for 6.12, 7.2, 7.3 and 6.12-trixie's arm64 kernel
# boot in the VM (their kselftest harness can select tests with -r; 6.1's
# cannot; 6.12-trixie's amd64 module comes from the same dkms in the same
# root as 7.3's and arm64's, and its kernel boots in the vm-6.12-trixie
# steps: CI time):
# tests/pkg/smoke-guest.sh checks it is that module (srcversion) and runs
# one transfer each way per cipher family against the independent
# reference record layer (tests/vm/guest/peer.c).
vm_smoke() {	# vm_smoke SERIES KO
	local s=$1 ko=$2 peer=$TOP/build/$1/guest/ktls-peer d=$OUT/smoke-$1
	mkdir -p "$d"
	case "$ko" in
	*.xz) xz -dc "$ko" > "$d/ktls.ko" ;;
	*.zst) zstd -qdc "$ko" > "$d/ktls.ko" ;;
	*) cp "$ko" "$d/ktls.ko" ;;
	esac
	sed -e "s|@SRCVERSION@|$(modinfo -F srcversion "$d/ktls.ko")|" -e "s|@PEER@|$peer|" \
		tests/pkg/smoke-guest.sh > "$d/pkg-smoke.sh"
	echo "$peer" > "$d/pkg-smoke.files"	# staged by run.sh after it builds it
	: > "$d/known-none.txt"
	nice bash tests/vm/run.sh --series "$s" --module "$d/ktls.ko" --suites pkg-smoke \
		--extra-suite "$d/pkg-smoke.sh" --known "$d/known-none.txt" --timeout 300
}
t "DKMS-built ktls.ko boots in the 6.12 VM: ULP attach, one transfer per cipher family" \
	vm_smoke 6.12 "$(ko_of "$KREL612")"
for s in 7.2 7.3; do
	eval "$(load_series "$s" && echo "KREL=$KREL KROOT=$KROOT")"
	t "DKMS-built ktls.ko boots in the $s VM: ULP attach, one transfer per cipher family" \
		vm_smoke "$s" "$(ko_of "$KREL" "$KROOT")"
done
eval "$(load_series 6.12-trixie-arm64 && echo "KREL=$KREL KROOT=$KROOT")"
t "DKMS-built ktls.ko boots in the 6.12-trixie arm64 VM: ULP attach, one transfer per cipher family" \
	vm_smoke 6.12-trixie-arm64 "$(ko_of "$KREL" "$KROOT")"
roots_clean() {	# the 7.x roots as before: no ktls in their DKMS tree or /usr/src
	local r
	root_cleanup
	for r in "${ROOTS[@]}"; do
		! ls -d "$r/var/lib/dkms/ktls" "$r/usr/src/ktls-"* 2>/dev/null || return 1
	done
}
t "no ktls left in the sid and trixie build roots (dkms remove, /usr/src)" roots_clean

# ---------------------------------------------------------- tools, library
t "ktls-tools, libktls0, libktls-dev install (apt)" $SUDO apt-get install -y --no-install-recommends \
	"$(deb_of ktls-tools)" "$(deb_of libktls0)" "$(deb_of libktls-dev)"
t "ktls --version" bash -c "ktls --version | grep -q '$VERSION'"
t "man -w ktls (ktls(8)) and man -w 7 ktls" bash -c 'man -w ktls | grep -q man8/ktls.8 && man -w 7 ktls | grep -q man7/ktls.7'
t "a man page per subcommand" bash -c 'for c in serve get check stat; do man -w ktls-$c > /dev/null || exit 1; done'
t "pkg-config libktls: version $VERSION" bash -c "[ \"\$(pkg-config --modversion libktls)\" = '$VERSION' ]"
links_against_libktls() {
	rm -f "$OUT/use"
	make -s -C tests/pkg use OUT="$OUT" &&
		"$OUT/use" && ldd "$OUT/use" | grep -q 'libktls.so.0 => /'
}
t "a program builds and runs against libktls.so" links_against_libktls

# ---------------------------------------------------------- purge
t "purge of all four packages" $SUDO apt-get purge -y $PKGS
nothing_left() {
	local p left=0
	for p in $PKGS; do
		if dpkg -L "$p" > /dev/null 2>&1; then echo "dpkg still knows $p"; left=1; fi
	done
	for p in /var/lib/dkms/ktls /usr/src/ktls-"$VERSION" /usr/share/ktls-dkms /usr/bin/ktls \
		/usr/include/ktls /lib/modules/*/updates/dkms/ktls.ko*; do
		if [ -e "$p" ]; then echo "left behind: $p"; left=1; fi
	done
	ls -d /usr/src/ktls-* 2>/dev/null && left=1
	[ $left = 0 ]
}
t "nothing left (dpkg -L, /var/lib/dkms/ktls, /usr/src/ktls-*, modules)" nothing_left

echo "$PASS passed, $FAIL failed"
[ $FAIL = 0 ]
