# SPDX-License-Identifier: GPL-2.0 OR MIT
# shellcheck shell=sh
# tap.sh - the TAP helpers of the in-guest shell suites, sourced from
# /lib/ktls/tap.sh (tests/vm/run.sh stages it). The suite sets N=0 and W
# (its scratch directory); TAP_TAIL lines of a failed command's output are
# shown (default 25).
#
# A test's name for tests/vm/known/*.txt is its first word
# ("SUITE:WORD"); what follows " # " describes it.
# After each result a `# took S s NAME` comment: the time since the one
# before (or since this file was sourced), for run.sh's slow.txt.
tap_now() { _t=$(cut -d' ' -f1 /proc/uptime); echo "${_t%.*}${_t#*.}"; }
TAP_T=$(tap_now)
tap() { # tap STATUS NAME
	N=$((N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $N $2"
	else
		echo "not ok $N $2"
	fi
	_now=$(tap_now)
	_d=$((_now - TAP_T))
	TAP_T=$_now
	printf '# took %d.%02d s %s\n' $((_d / 100)) $((_d % 100)) "$2"
}
t() { # t NAME CMD...: run CMD, report; its output is shown on failure
	name=$1
	shift
	if "$@" >"$W/t.out" 2>&1; then
		tap 0 "$name"
	else
		sed 's/^/# /' "$W/t.out" | tail -n "${TAP_TAIL:-25}"
		tap 1 "$name"
	fi
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
# tap_cleanup: a suite's exit trap (`trap tap_cleanup EXIT INT TERM`):
# its background processes ($PIDS) killed and reaped, W removed
tap_cleanup() {
	for _p in $PIDS; do
		kill "$_p" 2>/dev/null || true
	done
	for _p in $PIDS; do
		wait "$_p" 2>/dev/null || true
	done
	rm -rf "$W"
}
