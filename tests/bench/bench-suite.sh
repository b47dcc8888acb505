#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# In-guest benchmark suite (make bench): Debian's tls.ko is the "tls" ULP
# and ktls.ko runs beside it with ulp_name=ktls, so both record layers are
# measured in one VM, interleaved: `ktls-bench --compare` (the harness,
# tests/bench/harness.c) alternates them
# in 0.2 s slices (A B B A ...) inside one run, and the order of the pair
# flips every round.
# Every `ktls-bench --json` result is printed as a TAP comment
# "# BENCH {...}" for scripts/bench.sh; a run that fails is "not ok".
#
# Env (scripts/bench.sh bakes it into the staged copy): BENCH_ROUNDS,
# BENCH_TIME (seconds per module in a compared run; other runs take half),
# BENCH_FULL=1 (every cipher, both TLS
# versions, every mode), BENCH_CIPHERS, BENCH_TLS, BENCH_KMODES (the
# compared modes; recv:nopad is recv with TLS_RX_EXPECT_NO_PAD, TLS 1.3
# only), BENCH_PAIR (default tls,ktls; tls,tls is an A/A run
# showing the method's noise floor), BENCH_PARTS (default "tcp crypto
# compare openssl streams scale keyupdate profile"), BENCH_AA=1 (also an A/A run of
# the in-tree module against itself per compared mode and round, printed
# as "# AA {...}": the method's noise floor), BENCH_STREAMS (parallel
# connections of the streams part, 64), BENCH_SCALE (pairs of the scale
# part, "1 1000 10000"), BENCH_PMODES (modes of the profile part, "send:16K
# sendfile recv"; e.g. recv:nopad for the zero-copy receive path), and
# of the cost part (inclusive guest time per function; under qemu -icount
# guest nanoseconds are instructions: docs/performance.md, Method) and of
# the insns part (instructions per kernel function, counted by qemu;
# BENCH_INSNMARK: the marker program, scripts/bench.sh sets it), KTLS_BENCH
# (the harness; scripts/bench.sh sets it to its staged static build),
# BENCH_PARTS may also name keyupdate (KeyUpdates per second, TLS 1.3),
# BENCH_TXULP (the sender's ULP in the recv modes, default tls: both
# modules decrypt what the in-tree module sealed; empty: each module sends
# to itself), BENCH_RXCOPY=1 (the send modes' receiver read()s the
# ciphertext instead of discarding it with recv(MSG_TRUNC)), BENCH_ITIME
# (seconds of each run of the insns part, 0.3).
# The insns and scale parts run BENCH_ROUNDS rounds, the in-tree module
# first on odd rounds and last on even ones, each with a ktls-against-ktls
# control run ("ktls2" in the insns part, "# AA" lines in the scale part);
# the insns part also counts plain TCP each round (sendfile from tmpfs to
# a discarding receiver, "tcp"), the base of η (docs/performance.md).
set -u
PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
BENCH=${KTLS_BENCH:-/bin/ktls-bench}
ROUNDS=${BENCH_ROUNDS:-3}
TIME=${BENCH_TIME:-2}
SLICES=$(awk -v t="$TIME" 'BEGIN { n = int(t / 0.2 + 0.5); print n < 2 ? 2 : n }')
OTIME=$(awk -v t="$TIME" 'BEGIN { print t / 2 }')
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
[ -z "${BENCH_KMODES:-}" ] || KMODES=$BENCH_KMODES
PAIR0=${BENCH_PAIR:-tls,ktls}
PARTS=${BENCH_PARTS:-"tcp crypto compare openssl streams scale keyupdate profile"}
STREAMS=${BENCH_STREAMS:-64}
SCALE=${BENCH_SCALE:-"1 1000 10000"}
AA=${BENCH_AA:-0}
TXULP=${BENCH_TXULP-tls}
RXCOPY=${BENCH_RXCOPY:-0}
ITIME=${BENCH_ITIME:-0.3}
part() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }
part tcp || TMODES=""
part tcp && TMODES="send:16K sendfile"
part openssl || OMODES=""
part compare || KMODES=""
ncr=1; part crypto || ncr=0
nsc=0; if part scale; then for _ in $SCALE; do nsc=$((nsc + 2)); done; fi
nst=0; part streams && nst=2
ASYNC=${BENCH_ASYNC:-}
PCIPHERS=${BENCH_PAR_CIPHERS:-"AES-128-GCM SM4-GCM"}
PMODES_PAR=${BENCH_PAR_MODES:-"send:16K recv:nopad recv"}
npar=0
if part parallel && [ -n "$ASYNC" ]; then
	for v in $VERS; do for _ in $PCIPHERS; do for m in $PMODES_PAR; do
		case "$m:$v" in *:nopad:1.2) ;; *) npar=$((npar + 3)) ;; esac
	done; done; done
fi
nku=0; part keyupdate && [ "${VERS%% *}" = 1.3 ] && nku=$((3 * ROUNDS))
W=$(mktemp -d /tmp/bench.XXXXXX)
export TMPDIR="$W"
N=0

nc=0; for _ in $CIPHERS; do nc=$((nc + 1)); done
nv=0; for _ in $VERS; do nv=$((nv + 1)); done
nk=0; for _ in $KMODES; do nk=$((nk + 1)); done
no=0; for _ in $OMODES; do no=$((no + 1)); done
nt=0; for _ in $TMODES; do nt=$((nt + 1)); done
PMODES=${BENCH_PMODES:-"send:16K sendfile recv"}
CMODES=$PMODES	# the cost part's
part profile || PMODES=""
IMODES=$CMODES	# the insns part's
part cost || CMODES=""
INSNMARK=${BENCH_INSNMARK:-}
part insns && [ -n "$INSNMARK" ] || IMODES=""
np=0; for _ in $PMODES $CMODES; do np=$((np + 1)); done
ni=0; for _ in $IMODES; do ni=$((ni + 1)); done
[ "$ni" = 0 ] || ni=$((ROUNDS * (3 * ni + 1)))
nsc=$((nsc * ROUNDS * 3 / 2))
# per round: (compared kernel modes + openssl modes + crypto) per cipher
# and version, the TCP ceiling and the streams pair; then the scale runs
# (one per ULP and size) and the call counts
echo "1..$((ROUNDS * (nc * nv * ((1 + AA) * nk + no + ncr) + nt + nst + npar) + nsc + nku + 2 * np + ni))"
echo "# kernel $(uname -r); ULPs: $(cat /proc/sys/net/ipv4/tcp_available_ulp)"
echo "# rounds $ROUNDS, $TIME s per module in $SLICES slices (others $OTIME s), ciphers: $CIPHERS; TLS $VERS"

TAG=BENCH
run() {		# run NAME ARGS...
	name=$1
	shift
	N=$((N + 1))
	if "$BENCH" --json --time "$OTIME" "$@" > "$W/out" 2> "$W/err"; then
		sed "s/^/# $TAG /" "$W/out"
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
	nopad) set -- "$@" --rx-no-pad ;;
	?*) set -- "$@" --size "$rest" ;;
	esac
	echo "$@"
}

# kargs MODE: what a kTLS run of MODE adds to margs: the recv modes'
# common sender (BENCH_TXULP), the send modes' copying receiver
# (BENCH_RXCOPY=1)
kargs() {
	case "$1" in
	recv*) [ -z "$TXULP" ] || echo --tx-ulp "$TXULP" ;;
	send*|splice) [ "$RXCOPY" = 0 ] || echo --rx-copy ;;
	esac
}

# oneargs ULP MODE: the arguments of one module's 0.3 s run in the cost
# and insns parts (first cipher and version, the compared runs' buffers)
oneargs() {
	# shellcheck disable=SC2046
	echo --time "$ITIME" --impl ktls --ulp "$1" --sockbuf 256K \
		--cipher "${CIPHERS%% *}" --tls "${VERS%% *}" $(margs "$2") $(kargs "$2")
}

# bytes_of FILE: the payload bytes of a `ktls-bench --json` result
bytes_of() { sed 's/.*"bytes":\([0-9]*\).*/\1/' "$1"; }

# in_order R X Y Z: the runs of round R, X Y Z on odd rounds and Z Y X on
# even ones (a run can reuse what the one before it freed)
in_order() { if [ $(($1 % 2)) = 1 ]; then echo "$2 $3 $4"; else echo "$4 $3 $2"; fi; }

r=0
while [ $r -lt "$ROUNDS" ]; do
	r=$((r + 1))
	# A = in-tree tls.ko, B = ktls.ko; odd rounds A first, even rounds B
	if [ $((r % 2)) = 1 ]; then PAIR=$PAIR0; else PAIR=${PAIR0#*,},${PAIR0%,*}; fi
	for m in $TMODES; do
		# shellcheck disable=SC2046
		run "r$r tcp $m" --impl tcp $(margs "$m")
	done
	for v in $VERS; do
		for c in $CIPHERS; do
			[ $ncr = 0 ] ||
				run "r$r crypto $c tls$v" --impl crypto --cipher "$c" --tls "$v"
			for m in $KMODES; do
				# TLS_RX_EXPECT_NO_PAD is TLS 1.3 only
				case "$m:$v" in *:nopad:1.2) continue ;; esac
				# shellcheck disable=SC2046
				run "r$r compare $PAIR $m $c tls$v" --compare $PAIR \
					--time "$TIME" --slices "$SLICES" \
					--cipher "$c" --tls "$v" $(margs "$m") $(kargs "$m")
				[ "$AA" = 1 ] || continue
				TAG=AA
				# shellcheck disable=SC2046
				run "r$r A/A tls,tls $m $c tls$v" --compare tls,tls \
					--time "$TIME" --slices "$SLICES" \
					--cipher "$c" --tls "$v" $(margs "$m") $(kargs "$m")
				TAG=BENCH
			done
			for m in $OMODES; do
				# shellcheck disable=SC2046
				run "r$r openssl $m $c tls$v" --impl openssl --cipher "$c" \
					--tls "$v" $(margs "$m")
			done
		done
	done
	# many connections at once: each ULP in turn, send 16K, first cipher
	if [ "$nst" != 0 ]; then
		for u in ${PAIR%,*} ${PAIR#*,}; do
			run "r$r streams=$STREAMS ulp=$u send:16K" --impl ktls --ulp "$u" \
				--streams "$STREAMS" --cipher "${CIPHERS%% *}" \
				--tls "${VERS%% *}" --time "$TIME"
		done
	fi
done
# Synchronous against parallel AEAD in one boot (part "parallel", issue 30
# part 3; the VM booted with --async $ASYNC): per round the wrapper off
# and on (tool-force-async MODE off|on: the priority of MODE(...) moved
# below or above what it wraps; a key installed afterwards gets the best
# driver then), in alternating order, then the first state again as the
# control. Each state runs the compared modes, the pair in the rounds'
# order. Printed as "# PAR {...}" with "aead" (sync or the wrapper) and
# "slot" (1-3) in front of the harness's fields.
if [ "$npar" != 0 ]; then
	r=0
	while [ $r -lt "$ROUNDS" ]; do
		r=$((r + 1))
		if [ $((r % 2)) = 1 ]; then
			PAIR=$PAIR0 STATES="off on off"
		else
			PAIR=${PAIR0#*,},${PAIR0%,*} STATES="on off on"
		fi
		slot=0
		for st in $STATES; do
			slot=$((slot + 1))
			fa_ok=1
			/bin/tool-force-async "$ASYNC" "$st" > "$W/fa" 2>&1 || fa_ok=0
			sed 's/^/# /' "$W/fa"
			aead=$ASYNC
			[ "$st" = on ] || aead=sync
			TAG="PAR {\"aead\":\"$aead\",\"slot\":$slot,\"round\":$r}"
			for v in $VERS; do
				for c in $PCIPHERS; do
					for m in $PMODES_PAR; do
						case "$m:$v" in *:nopad:1.2) continue ;; esac
						if [ $fa_ok = 0 ]; then
							N=$((N + 1))
							echo "not ok $N - r$r parallel $aead $m $c tls$v: tool-force-async $ASYNC $st failed"
							continue
						fi
						# shellcheck disable=SC2046
						run "r$r parallel $aead $PAIR $m $c tls$v" \
							--compare "$PAIR" --time "$TIME" \
							--slices "$SLICES" --cipher "$c" \
							--tls "$v" $(margs "$m")
					done
				done
			done
		done
	done
	TAG=BENCH
fi

# Scale as a server sees it: key installs per second and memory per
# socket with N connections (first cipher/version), per round each ULP
# and a second run of the second (the A/A control, "# AA"), in-tree first
# on odd rounds and last on even ones: a run can reuse what the one
# before it freed.
if [ "$nsc" != 0 ]; then
	r=0
	while [ $r -lt "$ROUNDS" ]; do
		r=$((r + 1))
		A=${PAIR0%,*} B=${PAIR0#*,}
		order=$(in_order $r "$A" "$B" "$B:aa")
		for n in $SCALE; do
			for u in $order; do
				case "$u" in *:aa) TAG=AA ;; *) TAG=BENCH ;; esac
				run "r$r scale conns=$n ulp=$u" --mode install --conns "$n" \
					--ulp "${u%:aa}" --cipher "${CIPHERS%% *}" --tls "${VERS%% *}"
			done
		done
		TAG=BENCH
	done
fi
# KeyUpdates per second (TLS 1.3 only): TLS_TX set again with a new key,
# then a 1-byte record, for OTIME seconds; per round each ULP and ktls
# again (A/A), alternating. A module that refuses a second TLS_TX (the
# in-tree module before 6.14) is "not supported", not a failure:
# "# KEYUPDATE-UNSUPPORTED ulp error".
if [ "$nku" != 0 ]; then
	r=0
	while [ $r -lt "$ROUNDS" ]; do
		r=$((r + 1))
		A=${PAIR0%,*} B=${PAIR0#*,}
		order=$(in_order $r "$A" "$B" "$B:aa")
		for u in $order; do
			case "$u" in *:aa) TAG=AA ;; *) TAG=BENCH ;; esac
			N=$((N + 1))
			if "$BENCH" --json --time "$OTIME" --mode keyupdate --ulp "${u%:aa}" \
				--cipher "${CIPHERS%% *}" --tls 1.3 > "$W/out" 2> "$W/err"; then
				sed "s/^/# $TAG /" "$W/out"
			elif grep -q 'KeyUpdate' "$W/err"; then
				echo "# KEYUPDATE-UNSUPPORTED ${u%:aa} $(tail -n 1 "$W/err")"
			else
				sed 's/^/# /' "$W/err" | tail -n 5
				echo "not ok $N - r$r keyupdate ulp=$u"
				continue
			fi
			echo "ok $N - r$r keyupdate ulp=$u"
		done
		TAG=BENCH
	done
fi
# Call counts per record (ftrace function tracer, both modules, AES-128-GCM
# TLS 1.3): allocations, copies, crypto requests and TCP hand-offs. The
# profile and cost runs take one module at a time with the socket buffers
# the compared runs fix (--sockbuf 256K): with TCP's autotuning the
# stream has another shape (segments, ACKs, wake-ups per record).
# Printed as "# PROF ulp mode bytes function caller count".
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T 2>/dev/null
# (6.12 names the allocators *_noprof)
FUNCS="alloc_pages __alloc_pages __folio_alloc __kmalloc kmalloc_trace
kmalloc_large __kmalloc_node_track_caller kmem_cache_alloc
kmem_cache_alloc_node alloc_pages_noprof __alloc_pages_noprof
__kmalloc_noprof __kmalloc_cache_noprof kmalloc_large_noprof
kmem_cache_alloc_noprof __kmalloc_node_track_caller_noprof
alloc_pages_mpol_noprof kfree __free_pages skb_copy_bits copy_page_from_iter
copy_page_to_iter _copy_from_iter _copy_to_iter skb_copy_datagram_iter
__skb_datagram_iter crypto_aead_encrypt crypto_aead_decrypt do_tcp_sendpages
tcp_sendpage_locked tcp_sendmsg_locked tcp_push __queue_work
sk_page_frag_refill skb_page_frag_refill skb_to_sgvec tcp_read_done
__alloc_skb kfree_skb_reason consume_skb iov_iter_get_pages2
iov_iter_extract_pages tcp_cleanup_rbuf sk_wait_data"
# traced NAME OK ARGS...: one `ktls-bench` run with the tracer
# set up (OK = 1) switched on. On success the payload bytes are in $bytes
# and the calls in $T/trace; else the TAP line is printed and it returns 1.
traced() {
	name=$1
	ok=$2
	shift 2
	N=$((N + 1))
	if [ "$ok" = 0 ]; then
		echo "# no usable tracer here: nothing measured"
		echo "ok $N - $name"
		return 1
	fi
	echo > $T/trace
	echo 1 > $T/tracing_on
	"$BENCH" --json "$@" > "$W/out" 2> "$W/err"
	rc=$?
	echo 0 > $T/tracing_on
	if [ $rc != 0 ]; then
		sed 's/^/# /' "$W/err" | tail -n 5
		echo "not ok $N - $name"
		return 1
	fi
	bytes=$(bytes_of "$W/out")
}
prof_ok=0
if [ -n "$PMODES" ] && [ -w $T/set_ftrace_filter ]; then
	: > $T/set_ftrace_filter
	for f in $FUNCS; do echo "$f" >> $T/set_ftrace_filter 2>/dev/null; done
	echo 8192 > $T/buffer_size_kb
	echo function > $T/current_tracer && prof_ok=1
	echo 0 > $T/tracing_on
fi
for m in $PMODES; do
	for u in tls ktls; do
		# shellcheck disable=SC2046
		traced "profile ulp=$u $m" $prof_ok --time 0.5 --impl ktls --ulp "$u" --sockbuf 256K \
			$(margs "$m") || continue
		lost=$(awk '/^# entries-in-buffer/ { split($3, a, "/"); print a[2] - a[1] }' $T/trace)
		awk -v u="$u" -v m="$m" -v b="$bytes" '
			!/^#/ { for (i = 2; i <= NF; i++) if ($i ~ /^<-/) {
				c[$(i - 1) " " substr($i, 3)]++; break } }
			END { for (k in c) print "# PROF " u " " m " " b " " k " " c[k] }' $T/trace
		echo "# PROF-LOST $u $m ${lost:-?}"
		echo "ok $N - $name"
	done
done
[ $prof_ok = 0 ] || { echo nop > $T/current_tracer; : > $T/set_ftrace_filter; }

# Guest time inside each function, its callees included and the time its
# task was scheduled out left out (function_graph, sleep-time off), per
# 16 KiB of payload: the syscalls of both ends, both record layers' entry
# points and steps, the AEAD and TCP. Under -icount a guest nanosecond is
# an instruction. Each traced call adds the tracer's own cost (about 700
# instructions under icount) to its callers: compare a function across
# the modules, and read small differences with the number of traced calls
# below it in mind. Printed as "# COST ulp mode bytes function calls ns".
CFUNCS="__x64_sys_sendto __x64_sys_sendfile64 __x64_sys_read
__x64_sys_splice ktls_sendmsg ktls_sendpage ktls_recvmsg ktls_splice_read
ktls_tx_seal ktls_tx_push ktls_rx_fetch ktls_rx_data_ready
tls_sw_sendmsg tls_sw_sendpage tls_sw_recvmsg tls_push_record
tls_tx_records tls_rx_one_record tls_strp_data_ready tls_data_ready
crypto_aead_encrypt crypto_aead_decrypt do_tcp_sendpages tcp_sendmsg_locked
tcp_push tcp_recvmsg tcp_v4_rcv"
cost_ok=0
if [ -n "$CMODES" ] && [ -w $T/set_ftrace_filter ]; then
	: > $T/set_ftrace_filter
	for f in $CFUNCS; do echo "$f" >> $T/set_ftrace_filter 2>/dev/null; done
	echo 16384 > $T/buffer_size_kb
	if echo function_graph > $T/current_tracer; then
		cost_ok=1
		for o in funcgraph-tail:1 funcgraph-irqs:0 sleep-time:0; do
			echo "${o#*:}" > "$T/options/${o%:*}" 2>/dev/null ||
				{ echo "# function_graph option ${o%:*} missing: no costs"; cost_ok=0; }
		done
	fi
	echo 0 > $T/tracing_on
fi
# tcpmib: TCP's counters (Tcp and TcpExt) and the context switches, one
# "name value" per line
tcpmib() {
	cat /proc/net/snmp /proc/net/netstat /proc/stat 2>/dev/null | awk '
		$1 == "ctxt" { print "ContextSwitches", $2; next }
		$1 != "Tcp:" && $1 != "TcpExt:" { next }
		!($1 in hdr) { hdr[$1] = $0; next }
		{ n = split(hdr[$1], h); for (i = 2; i <= n; i++) print h[i], $i
		  delete hdr[$1] }'
}
for m in $CMODES; do
	for u in tls ktls; do
		# What TCP did for the same run untraced (segments, ACKs, window
		# updates: the stream's shape, which the tracer would change):
		# "# TCPSTAT ulp mode bytes counter delta".
		tcpmib > "$W/mib0"
		# shellcheck disable=SC2046
		if "$BENCH" --json $(oneargs "$u" "$m") > "$W/out" 2> /dev/null; then
			tcpmib > "$W/mib1"
			b=$(bytes_of "$W/out")
			awk -v u="$u" -v m="$m" -v b="$b" '
				NR == FNR { v[$1] = $2; next }
				$2 != v[$1] && $1 != "CurrEstab" {
					print "# TCPSTAT " u " " m " " b " " $1 " " $2 - v[$1] }' \
				"$W/mib0" "$W/mib1"
		fi
		# shellcheck disable=SC2046
		traced "cost ulp=$u $m" $cost_ok $(oneargs "$u" "$m") || continue
		# a leaf: "1.234 us | f();", a return: "1.234 us | } /* f */";
		# module functions carry " [module]"
		awk -v u="$u" -v m="$m" -v b="$bytes" '
			/ us / && /\|/ {
				if (!match($0, /[0-9]+\.[0-9]+ us/)) next
				d = substr($0, RSTART, RLENGTH - 3)
				if (match($0, /\/\* [A-Za-z0-9_.]+/))
					f = substr($0, RSTART + 3, RLENGTH - 3)
				else if (match($0, /[A-Za-z0-9_.]+( \[[a-z_]+\])?\(\);/))
					f = substr($0, RSTART, RLENGTH - 3)
				else
					next
				sub(/ \[.*/, "", f)
				c[f]++; t[f] += d * 1000
			}
			END { for (f in c) printf "# COST %s %s %s %s %d %.0f\n", u, m, b, f, c[f], t[f] }' $T/trace
		echo "ok $N - $name"
	done
done
[ $cost_ok = 0 ] || { echo nop > $T/current_tracer; : > $T/set_ftrace_filter; }

# Instructions per kernel function, counted by the host (the insns part:
# qemu runs tests/bench/insncount.c as a plugin, scripts/bench.sh): no
# tracer in the guest, so the run is the one the compared runs measure.
# Each run of $INSNMARK makes the plugin write out the counts since the
# previous one; this numbers them as the plugin does. Printed as
# "# INSNS mark ulp mode bytes", then once the kernel's and the modules'
# text symbols ("# KSYM address name [module]": Debian's System.map is a
# stub).
# Per round: plain TCP (label tcp, mode tcp:sendfile), then per mode
# in-tree (tls), ktls and ktls again (ktls2, the A/A control), the order
# reversed on even rounds. "# INSNS mark label mode count round" (count:
# payload bytes; round trips for pingpong), "# INSJSON" the harness's line.
insrun() {	# insrun LABEL MODE ROUND ARGS...
	lab=$1 im=$2 ir=$3
	shift 3
	N=$((N + 1))
	"$INSNMARK"
	mk=$((mk + 1))
	if "$BENCH" --json "$@" > "$W/out" 2> "$W/err"; then
		"$INSNMARK"
		mk=$((mk + 1))
		case "$im" in
		pingpong*) b=$(sed 's/.*"round_trips":\([0-9]*\).*/\1/' "$W/out") ;;
		*) b=$(bytes_of "$W/out") ;;
		esac
		echo "# INSNS $mk $lab $im $b $ir"
		sed 's/^/# INSJSON /' "$W/out"
		echo "ok $N - r$ir insns $lab $im"
	else
		sed 's/^/# /' "$W/err" | tail -n 5
		echo "not ok $N - r$ir insns $lab $im"
	fi
}
if [ -n "$IMODES" ]; then
	mk=0
	r=0
	while [ $r -lt "$ROUNDS" ]; do
		r=$((r + 1))
		insrun tcp tcp:sendfile $r --time "$ITIME" --impl tcp --sockbuf 256K \
			--mode sendfile --file-size 2M
		order=$(in_order $r tls ktls ktls2)
		for m in $IMODES; do
			for u in $order; do
				# shellcheck disable=SC2046
				insrun "$u" "$m" $r $(oneargs "${u%2}" "$m")
			done
		done
	done
	awk '$2 ~ /^[tTwW]$/ { print "# KSYM", $1, $3, $4 }' /proc/kallsyms
fi
rm -rf "$W"
exit 0
