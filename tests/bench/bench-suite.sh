#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# In-guest benchmark suite (make bench): Debian's tls.ko is the "tls" ULP
# and ktls.ko runs beside it with ulp_name=ktls, so both record layers are
# measured in one VM, alternately (ABAB, the order flips every round).
# Every `ktls bench --json` result is printed as a TAP comment
# "# BENCH {...}" for scripts/bench.sh; a run that fails is "not ok".
#
# Env (scripts/bench.sh bakes it into the staged copy): BENCH_ROUNDS,
# BENCH_TIME (seconds per run), BENCH_FULL=1 (every cipher, both TLS
# versions, every mode), BENCH_CIPHERS, BENCH_TLS.
set -u
PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
KTLS=${KTLS:-/bin/ktls}
ROUNDS=${BENCH_ROUNDS:-5}
TIME=${BENCH_TIME:-1}
FULL=${BENCH_FULL:-0}
if [ "$FULL" = 1 ]; then
	CIPHERS=${BENCH_CIPHERS:-"AES-128-GCM AES-256-GCM CHACHA20-POLY1305 AES-128-CCM"}
	VERS=${BENCH_TLS:-"1.3 1.2"}
	KMODES="send:1K send:1K:more send:16K send:16K:more send:64K sendfile splice recv"
	OMODES="send:1K send:16K send:64K sendfile recv"
else
	CIPHERS=${BENCH_CIPHERS:-"AES-128-GCM CHACHA20-POLY1305"}
	VERS=${BENCH_TLS:-"1.3"}
	KMODES="send:1K send:16K sendfile recv"
	OMODES="send:16K sendfile recv"
fi
TMODES="send:16K sendfile"
W=$(mktemp -d /tmp/bench.XXXXXX)
export TMPDIR="$W"
N=0

nc=0; for _ in $CIPHERS; do nc=$((nc + 1)); done
nv=0; for _ in $VERS; do nv=$((nv + 1)); done
nk=0; for _ in $KMODES; do nk=$((nk + 1)); done
no=0; for _ in $OMODES; do no=$((no + 1)); done
nt=0; for _ in $TMODES; do nt=$((nt + 1)); done
# per round: (2 kernel modules x kmodes + openssl modes + crypto) per
# cipher and version, plus the TCP ceiling
echo "1..$((ROUNDS * (nc * nv * (2 * nk + no + 1) + nt)))"
echo "# kernel $(uname -r); ULPs: $(cat /proc/sys/net/ipv4/tcp_available_ulp)"
echo "# rounds $ROUNDS, $TIME s per run, ciphers: $CIPHERS; TLS $VERS"

run() {		# run NAME ARGS...
	name=$1
	shift
	N=$((N + 1))
	if "$KTLS" bench --json --time "$TIME" "$@" > "$W/out" 2> "$W/err"; then
		echo "# BENCH $(cat "$W/out")"
		echo "ok $N - $name"
	else
		sed 's/^/# /' "$W/err" | tail -n 5
		echo "not ok $N - $name"
	fi
}

margs() {	# margs send:16K:more -> --mode send --size 16K --more
	m=${1%%:*}
	rest=${1#"$m"}
	rest=${rest#:}
	set -- --mode "$m"
	case "$m" in sendfile|splice) set -- "$@" --file-size 2M ;; esac
	case "$rest" in
	*:more) set -- "$@" --size "${rest%:more}" --more ;;
	?*) set -- "$@" --size "$rest" ;;
	esac
	echo "$@"
}

r=0
while [ $r -lt "$ROUNDS" ]; do
	r=$((r + 1))
	# A = in-tree tls.ko, B = ktls.ko; odd rounds A first, even rounds B
	if [ $((r % 2)) = 1 ]; then ORDER="tls ktls"; else ORDER="ktls tls"; fi
	for m in $TMODES; do
		# shellcheck disable=SC2046
		run "r$r tcp $m" --impl tcp $(margs "$m")
	done
	for v in $VERS; do
		for c in $CIPHERS; do
			run "r$r crypto $c tls$v" --impl crypto --cipher "$c" --tls "$v"
			for m in $KMODES; do
				for u in $ORDER; do
					# shellcheck disable=SC2046
					run "r$r ulp=$u $m $c tls$v" --impl ktls --ulp "$u" \
						--cipher "$c" --tls "$v" $(margs "$m")
				done
			done
			for m in $OMODES; do
				# shellcheck disable=SC2046
				run "r$r openssl $m $c tls$v" --impl openssl --cipher "$c" \
					--tls "$v" $(margs "$m")
			done
		done
	done
done
rm -rf "$W"
exit 0
