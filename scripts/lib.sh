# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# lib.sh - what every host-side script of scripts/ and tests/ needs:
# the cache, log/die, a series' env. Sourced (`. scripts/lib.sh`); the
# guest's scripts have their own (tests/vm/suites/lib/tap.sh).
#
#   TOP            the repository's top directory
#   KTLS_CACHE     the cache: $KTLS_CACHE, else $XDG_CACHE_HOME/ktls, else
#   CACHE          ~/.cache/ktls (the Makefiles' default too); exported,
#                  so what a script starts agrees. CACHE is the same path.
#   log MSG...     `[PREFIX] MSG' on stderr (on stdout with LOG_FD=1)
#   die MSG...     `[PREFIX] error: MSG' on stderr, DIE_LINE (if set) on
#                  stdout, exit 1
#   series_env S   the path of series S's env file (scripts/deps.sh lists
#                  its keys)
#   need_series S  make that file when it is missing: scripts/deps.sh
#                  --no-install S (S-arm64: with --arch arm64; 6.12-debug:
#                  scripts/debug-kernel.sh), its output on stderr; dies
#                  when that fails
#   load_series S  need_series S, then source the file (keys a series
#                  may leave out first get their defaults: KROOT KCROSS
#                  KSYSROOT empty, KARCH amd64, KBUSYBOX /bin/busybox)
#   prune_others KEEP DIR...
#                  remove every DIR but KEEP and the newest of the others
#                  (a work tree of the commit before still finds its own
#                  build); no DIR but KEEP, or none at all, is fine
#
# Set before sourcing: LOG_PREFIX (default: the script's name without
# .sh), LOG_FD (default 2), DIE_LINE (e.g. a runner's closing line).

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KTLS_CACHE=${KTLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ktls}
export KTLS_CACHE
CACHE=$KTLS_CACHE
LOG_PREFIX=${LOG_PREFIX:-$(basename "$0" .sh)}
LOG_FD=${LOG_FD:-2}

log() { printf '[%s] %s\n' "$LOG_PREFIX" "$*" >&"$LOG_FD"; }
die() {
	printf '[%s] error: %s\n' "$LOG_PREFIX" "$*" >&2
	[ -z "${DIE_LINE:-}" ] || printf '%s\n' "$DIE_LINE"
	exit 1
}

series_env() { printf '%s\n' "$CACHE/series-$1.env"; }

need_series() {
	local s=$1
	[ ! -f "$(series_env "$s")" ] || return 0
	case "$s" in
	*-debug) bash "$TOP/scripts/debug-kernel.sh" >&2 ||
		die "scripts/debug-kernel.sh failed (series $s)" ;;
	*-arm64) bash "$TOP/scripts/deps.sh" --no-install --arch arm64 "${s%-arm64}" >&2 ||
		die "scripts/deps.sh --no-install --arch arm64 ${s%-arm64} failed" ;;
	*) bash "$TOP/scripts/deps.sh" --no-install "$s" >&2 ||
		die "scripts/deps.sh --no-install $s failed" ;;
	esac
	[ -f "$(series_env "$s")" ] || die "no $(series_env "$s") after setting up series \`$s'"
}

load_series() {
	need_series "$1"
	# shellcheck disable=SC2034	# the caller's
	KROOT="" KCROSS="" KSYSROOT="" KARCH=amd64 KBUSYBOX=/bin/busybox
	# shellcheck disable=SC1090
	. "$(series_env "$1")"
}

prune_others() {
	local keep=${1%/} d n=0
	shift
	{ ls -dt "$@" 2>/dev/null || true; } | while read -r d; do
		d=${d%/}
		[ "$d" != "$keep" ] || continue
		n=$((n + 1))
		[ $n = 1 ] || rm -rf "$d"
	done
}
