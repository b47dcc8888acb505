#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# apt-suite.sh - a private apt configuration for another Debian suite.
#
# Packages of other suites (sid's and trixie-backports' kernels and
# toolchains, trixie's OpenSSL) are looked up and downloaded here, never
# installed: the machine's own sources, lists and dpkg database are not
# touched. Everything lives under $KTLS_CACHE/apt/<name>/: a sources list
# built from the archive the host already uses, its own package lists,
# an empty dpkg status and its own download directory.
#
# Usage: scripts/apt-suite.sh NAME[:ARCH] COMMAND [ARGS...]
#   NAME      sid | trixie | trixie-backports (trixie-backports also
#             sees trixie, which its packages depend on; both see
#             trixie-updates and trixie-security, as an installed trixie)
#             | bookworm (with bookworm-updates and -security: the host's
#             own release, for another architecture's packages)
#   ARCH      the Debian architecture of the packages (default amd64;
#             arm64 for the arm64 kernels and busybox: lists of their own)
#   update                      refresh the lists (once a day at most,
#                               or always with KTLS_APT_UPDATE=1)
#   depends PKG                 the linux-image/headers/kbuild package
#                               PKG depends on (resolves a metapackage)
#   version PKG                 the candidate version of PKG
#   download PKG[=VER]...       print the paths of the .debs, downloaded
#                               into $KTLS_CACHE/apt/NAME/debs once
#   apt-get|apt-cache ARGS...   run it with the private configuration
#   mirror                      the Debian archive the host uses
#   sources                     this suite's sources.list
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || die "usage: apt-suite.sh NAME[:ARCH] COMMAND [ARGS...]"
NAME=${1%%:*} ARCH=amd64 CMD=$2
[ "$NAME" = "$1" ] || ARCH=${1#*:}
shift 2
case "$ARCH" in
amd64|arm64) ;;
*) die "unknown architecture \`$ARCH' (amd64, arm64)" ;;
esac
SECURITY=""	# the suite of the security archive, if any
case "$NAME" in
sid) SUITES="sid" ;;
bookworm) SUITES="bookworm bookworm-updates" SECURITY=bookworm-security ;;
trixie) SUITES="trixie trixie-updates" SECURITY=trixie-security ;;
trixie-backports) SUITES="trixie trixie-updates trixie-backports" SECURITY=trixie-security ;;
*) die "unknown suite \`$NAME' (sid, trixie, trixie-backports, bookworm)" ;;
esac

# The Debian archive the host is configured with (deb822 or one-line
# format), so no mirror is named here.
host_mirror() {
	local f u
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		u=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++)
			if ($i !~ /security/) { print $i; exit } }' "$f")
		[ -n "$u" ] && { echo "$u"; return; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		u=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++)
			if ($i ~ /^[a-z]+:\/\// && $i !~ /security/) { print $i; exit } }' "$f")
		[ -n "$u" ] && { echo "$u"; return; }
	done
	return 1
}
# The host's security archive, or Debian's.
security_mirror() {
	local f u
	for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list \
		/etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		u=$(grep -E '^(URIs:|deb )' "$f" |
			grep -oE '[a-z]+://[^ ]*security[^ ]*' | head -n1)
		[ -n "$u" ] && { echo "$u"; return; }
	done
	echo http://deb.debian.org/debian-security
}

# sources_list: the sources.list of this suite (buildroot.sh uses it too)
sources_list() {
	local mirror s kr=/usr/share/keyrings/debian-archive-keyring.gpg
	mirror=$(host_mirror) || die "no Debian archive in the host's apt sources"
	for s in $SUITES; do
		echo "deb [signed-by=$kr] $mirror $s main"
	done
	[ -z "$SECURITY" ] || echo "deb [signed-by=$kr] $(security_mirror) $SECURITY main"
}
case "$CMD" in
mirror)
	host_mirror || die "no Debian archive in the host's apt sources"
	exit 0 ;;
sources)
	sources_list
	exit 0 ;;
esac

ROOT=$CACHE/apt/$NAME
[ "$ARCH" = amd64 ] || ROOT=$ROOT-$ARCH
mkdir -p "$ROOT"/{etc/preferences.d,lists/partial,archives/partial,debs}
touch "$ROOT/status"
# A list written by an older version of this script (no security
# archive) is replaced, and the package lists refreshed.
if [ "$(sources_list)" != "$(cat "$ROOT/etc/sources.list" 2>/dev/null)" ]; then
	sources_list > "$ROOT/etc/sources.list"
	rm -f "$ROOT/lists/.updated"
fi
# A backports suite is what was asked for: its packages win over the
# release's (apt's default pins backports below it).
case "$NAME" in
*-backports) printf 'Package: *\nPin: release n=%s\nPin-Priority: 990\n' "$NAME" \
	> "$ROOT/etc/preferences" ;;
*) : > "$ROOT/etc/preferences" ;;
esac

APT_OPTS=(
	-o "Dir::Etc::SourceList=$ROOT/etc/sources.list"
	-o "Dir::Etc::SourceParts=-"
	-o "Dir::Etc::Preferences=$ROOT/etc/preferences"
	-o "Dir::Etc::PreferencesParts=$ROOT/etc/preferences.d"
	-o "Dir::State::Lists=$ROOT/lists"
	-o "Dir::State::Status=$ROOT/status"
	-o "Dir::Cache=$ROOT"
	-o "Dir::Cache::Archives=$ROOT/archives"
	-o "APT::Architecture=$ARCH"
	-o "APT::Architectures::=$ARCH"
	-o "Acquire::Languages=none"
	-o "Debug::NoLocking=1"
)

do_update() {
	local stamp=$ROOT/lists/.updated
	if [ "${KTLS_APT_UPDATE:-0}" != 1 ] && [ -f "$stamp" ] &&
	   [ -n "$(find "$stamp" -mmin -1440)" ]; then
		return 0
	fi
	log "apt-get update ($NAME: $SUITES, $ARCH)"
	apt-get "${APT_OPTS[@]}" update -q >"$ROOT/update.log" 2>&1 ||
		{ cat "$ROOT/update.log" >&2; die "apt-get update for $NAME failed"; }
	touch "$stamp"
}

case "$CMD" in
update)
	KTLS_APT_UPDATE=1 do_update ;;
depends)
	do_update
	apt-cache "${APT_OPTS[@]}" depends "$1" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-\(image\|headers\|kbuild\|source\)-[^ ]*\).*/\1/p' |
		head -n1 ;;
version)
	do_update
	apt-cache "${APT_OPTS[@]}" policy "$1" 2>/dev/null |
		sed -n 's/^ *Candidate: //p' | grep -v '(none)' ;;
download)
	do_update
	for p in "$@"; do
		n=${p%%=*}
		deb=$(ls -1 "$ROOT/debs/${n}_"*.deb 2>/dev/null | sort -V | tail -n1 || true)
		if [ -z "$deb" ] || { [ "$p" != "$n" ] &&
		     [[ $deb != *"_${p#*=}_"* && $deb != *"_$(echo "${p#*=}" | sed 's/:/%3a/')_"* ]]; }; then
			log "downloading $p ($NAME)"
			(cd "$ROOT/debs" && apt-get "${APT_OPTS[@]}" download -q "$p" >/dev/null 2>&1) ||
				die "apt-get download $p from $NAME failed"
			deb=$(ls -1 "$ROOT/debs/${n}_"*.deb | sort -V | tail -n1)
		fi
		echo "$deb"
	done ;;
apt-get|apt-cache)
	do_update
	"$CMD" "${APT_OPTS[@]}" "$@" ;;
*) die "unknown command \`$CMD'" ;;
esac
