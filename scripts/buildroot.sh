#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# buildroot.sh - a minimal Debian root of another suite to build modules in.
#
# The headers of sid's and trixie-backports' kernels need their own suite's
# toolchain: kbuild's host tools (fixdep, modpost) are linked against that
# suite's glibc and the kernel was configured with its gcc. Installing them
# on the Debian 12 host is not an option, so they go into a root under the
# cache made with `debootstrap --variant=minbase` from the archive the host
# already uses; `make` runs there through chroot (scripts/kmake.sh). The
# host's apt sources and dpkg database are never touched.
#
# Usage: scripts/buildroot.sh SUITE [PKG...]
#   SUITE   sid | trixie-backports
#   PKG     packages to install in the root (headers, gcc, make ...); done
#           once per set (marker file), reruns print the root at once.
# Prints the root directory.
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || die "usage: buildroot.sh SUITE [PKG...]"
SUITE=$1
shift
case "$SUITE" in
sid) DIST=sid ;;
trixie-backports) DIST=trixie ;;
*) die "unknown suite \`$SUITE' (sid, trixie-backports)" ;;
esac
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot)"
ROOT=$CACHE/roots/$SUITE
mkdir -p "$CACHE/roots"

# Run a command in the root with /proc and /dev bound, in a private mount
# namespace so nothing stays mounted when it ends.
in_root() {
	unshare --mount --propagation private -- sh -c '
		r=$1; shift
		mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" &&
		exec chroot "$r" "$@"' sh "$ROOT" "$@"
}

exec 9> "$CACHE/roots/.$SUITE.lock"
flock 9

if [ ! -f "$ROOT/.debootstrap-complete" ]; then
	command -v debootstrap > /dev/null || {
		log "apt-get install debootstrap (host)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap > /dev/null ||
			die "cannot install debootstrap"
	}
	mirror=$(bash "$TOP/scripts/apt-suite.sh" "$SUITE" mirror)
	log "debootstrap --variant=minbase $DIST into $ROOT (once)"
	# debootstrap mounts /proc (and may bind /dev) in the target: in a
	# private mount namespace those go away with it, so removing a
	# half-made root never reaches the host's /dev.
	grep -q " $ROOT.tmp/" /proc/mounts && die "$ROOT.tmp has mounts, not removing it"
	rm -rf "$ROOT.tmp"
	unshare --mount --propagation private -- debootstrap --variant=minbase --components=main \
		--keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
		"$DIST" "$ROOT.tmp" "$mirror" > "$CACHE/roots/$SUITE-debootstrap.log" 2>&1 || {
		tail -n 20 "$CACHE/roots/$SUITE-debootstrap.log" >&2
		die "debootstrap $DIST failed (log: $CACHE/roots/$SUITE-debootstrap.log)"
	}
	bash "$TOP/scripts/apt-suite.sh" "$SUITE" sources > "$ROOT.tmp/etc/apt/sources.list"
	# A backports suite is what was asked for: its packages win.
	case "$SUITE" in
	*-backports) printf 'Package: *\nPin: release n=%s\nPin-Priority: 990\n' "$SUITE" \
		> "$ROOT.tmp/etc/apt/preferences.d/ktls" ;;
	esac
	printf 'APT::Install-Recommends "false";\nAcquire::Languages "none";\n' \
		> "$ROOT.tmp/etc/apt/apt.conf.d/90ktls"
	touch "$ROOT.tmp/.debootstrap-complete"
	rm -rf "$ROOT"
	mv "$ROOT.tmp" "$ROOT"
fi

if [ $# -gt 0 ]; then
	marker=$ROOT/.pkgs-$(printf '%s\n' "$@" | sort | md5sum | cut -c1-12)
	if [ ! -f "$marker" ]; then
		cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
		# the suite's archives as apt-suite.sh sees them (a root made
		# before the security archive was added gets it now)
		bash "$TOP/scripts/apt-suite.sh" "$SUITE" sources > "$ROOT/etc/apt/sources.list"
		# The archive is used as the host's apt uses it (a snapshot
		# mirror has expired Release files: the host then says so).
		valid=$(apt-config dump Acquire::Check-Valid-Until |
			sed -n 's/^Acquire::Check-Valid-Until "\(.*\)";/\1/p')
		[ -z "$valid" ] ||
			echo "Acquire::Check-Valid-Until \"$valid\";" > "$ROOT/etc/apt/apt.conf.d/91ktls-host"
		log "apt-get install in $SUITE root: $*"
		{ in_root apt-get update -q &&
		  in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" &&
		  in_root apt-get clean; } > "$CACHE/roots/$SUITE-install.log" 2>&1 || {
			tail -n 20 "$CACHE/roots/$SUITE-install.log" >&2
			die "apt-get install in $SUITE root failed"
		}
		printf '%s\n' "$@" > "$marker"
	fi
fi
echo "$ROOT"
