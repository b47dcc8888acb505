#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# bench-report.sh OUTDIR SERIES=FILE.jsonl... - medians, ratios and a chart
# from `ktls bench --json` lines of `make bench` VM runs.
#
# Writes OUTDIR/report.md (the table, markdown), OUTDIR/<series>.dat
# (gnuplot data) and OUTDIR/bench.png (gnuplot, if installed); prints the
# report.  Labels: "intree" = Debian's tls.ko ("tls" ULP), "ktls" =
# ktls.ko (ulp_name=ktls), "openssl" = SSL_write/SSL_read, "tcp" = plain
# TCP, "crypto" = AF_ALG AEAD of 16 KiB records (the crypto limit).
# ktls/in-tree ratios are medians of the per-round ratios (round i of
# ktls against round i of in-tree, run next to each other: slow drifts of
# the host's load cancel); "range" is their spread.  Other ratios are of
# medians.
set -euo pipefail
OUT=$1
shift
mkdir -p "$OUT"
REPORT=$OUT/report.md
: > "$REPORT"
# Which accelerator each series ran under (run.sh's accel.txt, copied by
# bench.sh beside the results): every figure below is of that accelerator.
ACCELS=""
for a in "$@"; do
	f=$(dirname "${a#*=}")/accel.txt
	[ -f "$f" ] || continue
	echo "Series ${a%%=*}: qemu accelerator $(cut -f1 "$f") ($(cut -f2 "$f"))." >> "$REPORT"
	ACCELS="$ACCELS $(cut -f1 "$f")"
done
[ -z "$ACCELS" ] || echo >> "$REPORT"
ACCEL_TITLE=$(echo $ACCELS | tr ' ' '\n' | sort -u | tr '\n' '/' | sed 's:/$::' | tr a-z A-Z)

# get(key): the value of KEY in a flat JSON line of ktls bench, for the
# awk programs below
AWK_GET='
	function get(k,   m) {
		if (match($0, "\"" k "\":\"[^\"]*\"")) {
			m = substr($0, RSTART, RLENGTH); sub("^\"" k "\":\"", "", m)
			sub("\"$", "", m); return m
		}
		if (match($0, "\"" k "\":[^,}]*")) {
			m = substr($0, RSTART, RLENGTH); sub("^\"" k "\":", "", m)
			return m
		}
		return ""
	}
'

# flat JSON (ktls bench's own output) -> TSV:
# series impl mode tls cipher bytes_per_s bytes_per_cpu_s kernel module
flatten() {	# flatten SERIES FILE
	awk -v series="$1" "$AWK_GET"'
	/^\{/ && get("mode") != "install" {
		impl = get("impl")
		if (impl == "ktls") impl = (get("ulp") == "ktls") ? "ktls" : "intree"
		mode = get("mode"); size = get("size") + 0
		if (mode == "send" || mode == "recv")
			mode = mode (size >= 1048576 ? size / 1048576 "M" : size / 1024 "K")
		if (get("more") == "true") mode = mode "+more"
		if (get("streams") + 0 > 1) mode = mode "x" get("streams")
		if (mode == "recv16K") mode = "recv"
		# the record layer side: sender, or receiver in recv mode
		side = (mode == "recv") ? get("cpu_rx_s") : get("cpu_tx_s")
		if (get("rx_no_pad") == "true") mode = mode "+nopad"
		print series "\t" impl "\t" mode "\t" get("tls") "\t" get("cipher") "\t" \
			get("bytes_per_s") "\t" get("bytes_per_cpu_s") "\t" \
			get("kernel") "\t" get("module") "\t" \
			(side > 0 ? get("bytes") / side : 0)
	}' "$2"
}

# --mode install lines -> TSV: series impl conns installs_per_s
# idle used busy (bytes per socket: MemFree deltas) idle_slab
flatten_scale() {	# flatten_scale SERIES FILE
	awk -v series="$1" "$AWK_GET"'
	/^\{/ && get("mode") == "install" {
		impl = (get("ulp") == "ktls") ? "ktls" : "intree"
		print series "\t" impl "\t" get("conns") "\t" get("installs_per_s") "\t" \
			get("idle_bytes_per_socket") "\t" get("used_bytes_per_socket") "\t" \
			get("busy_bytes_per_socket") "\t" get("idle_slab_bytes_per_socket") "\t" \
			get("tls") " " get("cipher")
	}' "$2"
}

ALL=$OUT/all.tsv
SCALE=$OUT/scale.tsv
: > "$ALL"
: > "$SCALE"
METHODS=""
SERIESES=()
for a in "$@"; do
	s=${a%%=*}
	f=${a#*=}
	# a run of the profile, cost, insns or parallel part alone has only those
	if [ ! -s "$f" ]; then
		echo "bench-report: no results in $f" >&2
		[ -s "$(dirname "$f")/profile.txt" ] || [ -s "$(dirname "$f")/cost.txt" ] ||
			[ -s "$(dirname "$f")/insns.txt" ] ||
			[ -s "$(dirname "$f")/parallel.jsonl" ] || continue
	fi
	SERIESES+=("$s")
	flatten "$s" "$f" >> "$ALL"
	flatten_scale "$s" "$f" >> "$SCALE"
	m=$(cat "$(dirname "$f")/method.txt" 2>/dev/null || echo "TCG or KVM, method not recorded")
	METHODS="$METHODS$s=$m;"
done
[ ${#SERIESES[@]} -gt 0 ] || { echo "bench-report: nothing to report" >&2; exit 1; }

# Medians per (series, impl, mode, tls, cipher), per-round ratio ranges.
awk -F'\t' -v report="$REPORT" -v outdir="$OUT" -v methods="$METHODS" '
function median(key, col,   n, i, j, t, v) {
	n = cnt[key]
	for (i = 1; i <= n; i++) v[i] = val[key, i, col]
	for (i = 2; i <= n; i++) {
		t = v[i]
		for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]
		v[j + 1] = t
	}
	if (!n) return ""
	return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function rrange(ka, kb, col,   n, i, r, lo, hi) {
	n = cnt[ka] < cnt[kb] ? cnt[ka] : cnt[kb]
	lo = 1e99; hi = -1
	for (i = 1; i <= n; i++) {
		if (val[kb, i, col] <= 0) continue
		r = val[ka, i, col] / val[kb, i, col]
		if (r < lo) lo = r
		if (r > hi) hi = r
	}
	return hi < 0 ? "" : sprintf("%.2f–%.2f", lo, hi)
}
function pmedian(ka, kb, col,   n, i, j, m, t, v) {	# median of per-round ratios
	n = cnt[ka] < cnt[kb] ? cnt[ka] : cnt[kb]
	m = 0
	for (i = 1; i <= n; i++)
		if (val[kb, i, col] > 0) v[++m] = val[ka, i, col] / val[kb, i, col]
	for (i = 2; i <= m; i++) {
		t = v[i]
		for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]
		v[j + 1] = t
	}
	if (!m) return "–"
	return sprintf("%.2f", (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2)
}
function mb(x) { return x == "" ? "–" : sprintf("%.1f", x / 1e6) }
function ratio(a, b) { return (a == "" || b == "" || b <= 0) ? "–" : sprintf("%.2f", a / b) }
function p(s) { print s >> report }
{
	key = $1 SUBSEP $2 SUBSEP $3 SUBSEP $4 SUBSEP $5
	n = ++cnt[key]
	val[key, n, 1] = $6; val[key, n, 2] = $7; val[key, n, 3] = $10
	if (!(($1, $4, $5) in seenc) && $5 != "-") {
		seenc[$1, $4, $5] = 1; combos[$1] = combos[$1] " " $4 "|" $5
	}
	if (($2 == "intree" || $2 == "ktls") && !(($1, $3) in seenm)) {
		seenm[$1, $3] = 1; modes[$1] = modes[$1] " " $3
	}
	if (!($1 in kern)) { kern[$1] = $8; order[++ns] = $1 }
	if ($2 == "ktls") kmod[$1] = $9
	if ($2 == "intree") imod[$1] = $9
	if ($2 == "openssl") omod[$1] = $9
}
END {
	for (si = 1; si <= ns; si++) {
		s = order[si]
		meth = "method not recorded"
		nmt = split(methods, mt, ";")
		for (mi = 1; mi <= nmt; mi++)
			if (index(mt[mi], s "=") == 1) meth = substr(mt[mi], length(s) + 2)
		p("### Series " s ": kernel " kern[s] " (" meth ")")
		p("")
		p("ktls: " kmod[s] "; in-tree: " imod[s] "; " omod[s] ".")
		p("MB = 10^6 bytes; MB/cpu-s = bytes per CPU-second of both ends (getrusage); record-layer side = sender CPU (send, sendfile), receiver CPU (recv); medians of " cnt[s, "ktls", "sendfile", "1.3", "AES-128-GCM"] + 0 " rounds.")
		p("")
		p("| TLS | cipher | mode | in-tree MB/s | ktls MB/s | ktls/in-tree (range) | in-tree MB/cpu-s | ktls MB/cpu-s | ktls/in-tree | record-layer side: ktls/in-tree B per cpu-s (range) | OpenSSL MB/s | OpenSSL MB/cpu-s |")
		p("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
		nco = split(combos[s], co, " ")
		nm = split(modes[s], ml, " ")
		dat = outdir "/" s ".dat"
		print "# label intree ktls openssl tcp crypto (MB/s) | intree ktls openssl tcp crypto (MB/cpu-s) | ktls/in-tree paired: MB/s MB/cpu-s" > dat
		for (ci = 1; ci <= nco; ci++) {
			split(co[ci], tc, "|"); v = tc[1]; c = tc[2]
			kc = s SUBSEP "crypto" SUBSEP "aead" SUBSEP v SUBSEP c
			for (mi = 1; mi <= nm; mi++) {
				m = ml[mi]
				ki = s SUBSEP "intree" SUBSEP m SUBSEP v SUBSEP c
				kk = s SUBSEP "ktls" SUBSEP m SUBSEP v SUBSEP c
				ko = s SUBSEP "openssl" SUBSEP m SUBSEP v SUBSEP c
				kt = s SUBSEP "tcp" SUBSEP m SUBSEP "-" SUBSEP "-"
				if (!cnt[ki] && !cnt[kk]) continue
				ti = median(ki, 1); tk = median(kk, 1); to = median(ko, 1)
				ci1 = median(ki, 2); ck = median(kk, 2); co2 = median(ko, 2)
				p("| " v " | " c " | " m " | " mb(ti) " | " mb(tk) " | " pmedian(kk, ki, 1) \
				  " (" rrange(kk, ki, 1) ") | " mb(ci1) " | " mb(ck) " | " pmedian(kk, ki, 2) \
				  " | " pmedian(kk, ki, 3) " (" rrange(kk, ki, 3) ")" \
				  " | " mb(to) " | " mb(co2) " |")
				tt = median(kt, 1); ct = median(kt, 2)
				cr = median(kc, 1); crc = median(kc, 2)
				lab = c; sub(/-POLY1305/, "", lab); sub(/AES-/, "AES", lab)
				printf "\"%s %s %s\" %s %s %s %s %s %s %s %s %s %s %s %s\n", v, lab, m, \
					mb(ti), mb(tk), mb(to), mb(tt), mb(cr), \
					mb(ci1), mb(ck), mb(co2), mb(ct), mb(crc), \
					pmedian(kk, ki, 1), pmedian(kk, ki, 2) > dat
			}
		}
		close(dat)
		p("")
		p("| TLS | cipher | crypto limit MB/s (MB/cpu-s) | sendfile/limit in-tree | sendfile/limit ktls | ktls sendfile / OpenSSL read+SSL_write, B per cpu-s | in-tree same |")
		p("|---|---|---:|---:|---:|---:|---:|")
		for (ci = 1; ci <= nco; ci++) {
			split(co[ci], tc, "|"); v = tc[1]; c = tc[2]
			kc = s SUBSEP "crypto" SUBSEP "aead" SUBSEP v SUBSEP c
			ki = s SUBSEP "intree" SUBSEP "sendfile" SUBSEP v SUBSEP c
			kk = s SUBSEP "ktls" SUBSEP "sendfile" SUBSEP v SUBSEP c
			ko = s SUBSEP "openssl" SUBSEP "sendfile" SUBSEP v SUBSEP c
			p("| " v " | " c " | " mb(median(kc, 1)) " (" mb(median(kc, 2)) ") | " \
			  ratio(median(ki, 1), median(kc, 1)) " | " ratio(median(kk, 1), median(kc, 1)) \
			  " | " ratio(median(kk, 2), median(ko, 2)) " | " ratio(median(ki, 2), median(ko, 2)) " |")
		}
		kt = s SUBSEP "tcp" SUBSEP "sendfile" SUBSEP "-" SUBSEP "-"
		kt2 = s SUBSEP "tcp" SUBSEP "send16K" SUBSEP "-" SUBSEP "-"
		p("")
		p("Plain TCP ceiling: send 16K " mb(median(kt2, 1)) " MB/s (" mb(median(kt2, 2)) \
		  " MB/cpu-s), sendfile " mb(median(kt, 1)) " MB/s (" mb(median(kt, 2)) " MB/cpu-s).")
		p("")
	}
}' "$ALL"

# A/A (BENCH_AA=1): the in-tree module against itself in compared runs;
# per run the ratio second/first, per mode the median and range: what a
# ktls/in-tree ratio must exceed to mean anything.
for a in "$@"; do
	s=${a%%=*}
	f=$(dirname "${a#*=}")/aa.jsonl
	[ -s "$f" ] || continue
	m=$(cat "$(dirname "$f")/method.txt" 2>/dev/null || echo "method not recorded")
	flatten "$s" "$f" | awk -F'\t' -v report="$REPORT" -v s="$s" -v meth="$m" '
	function p(x) { print x >> report }
	function med(arr, n,   i, j, t) {
		for (i = 2; i <= n; i++) {
			t = arr[i]
			for (j = i - 1; j >= 1 && arr[j] > t; j--) arr[j + 1] = arr[j]
			arr[j + 1] = t
		}
		return (n % 2) ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
	}
	{
		k = $3
		if (!(k in seen)) { seen[k] = 1; modes[++nm] = k }
		if (first[k] == "") { first[k] = $6 "\t" $10; next }
		split(first[k], f1, "\t"); first[k] = ""
		n = ++cnt[k]
		rt[k, n] = f1[1] > 0 ? $6 / f1[1] : 0
		rs[k, n] = f1[2] > 0 ? $10 / f1[2] : 0
	}
	END {
		p("### Series " s ": A/A, in-tree against itself (" meth ")")
		p("")
		p("| mode | runs | B/s: median ratio (range) | record-layer side B per cpu-s: median (range) |")
		p("|---|---:|---:|---:|")
		for (i = 1; i <= nm; i++) {
			k = modes[i]; n = cnt[k]
			lo1 = lo2 = 1e9; hi1 = hi2 = 0
			for (j = 1; j <= n; j++) {
				a1[j] = rt[k, j]; a2[j] = rs[k, j]
				if (a1[j] < lo1) lo1 = a1[j]
				if (a1[j] > hi1) hi1 = a1[j]
				if (a2[j] < lo2) lo2 = a2[j]
				if (a2[j] > hi2) hi2 = a2[j]
			}
			if (!n) continue
			p(sprintf("| %s | %d | %.3f (%.3f–%.3f) | %.3f (%.3f–%.3f) |", k, n,
				med(a1, n), lo1, hi1, med(a2, n), lo2, hi2))
		}
		p("")
	}'
done

# Scale: key installs per second and memory per socket (--mode install).
if [ -s "$SCALE" ]; then
	awk -F'\t' -v report="$REPORT" '
	function p(x) { print x >> report }
	function r(a, b) { return (a == "" || b == "" || b + 0 <= 0) ? "–" : sprintf("%.2f", a / b) }
	function kb(x) { return x == "" ? "–" : sprintf("%.0f", x) }
	{
		k = $1 SUBSEP $3
		if (!(k in seen)) { seen[k] = 1; keys[++nk] = k }
		if (!($1 in ser)) { ser[$1] = 1; order[++ns] = $1 }
		ins[k, $2] = $4; idle[k, $2] = $5; used[k, $2] = $6; busy[k, $2] = $7
		slab[k, $2] = $8; what[$1] = $9
	}
	END {
		for (si = 1; si <= ns; si++) {
			s = order[si]
			p("### Series " s ": scale, " what[s] " (TCP_ULP + TLS_TX + TLS_RX on every socket of N loopback pairs)")
			p("")
			p("Key installs per second = sockets / time of the install loop; memory = /proc/meminfo MemFree drop per socket against the same TCP sockets without kTLS, Slab growth in brackets (it can exceed the MemFree drop: slab pages partly come from per-CPU page lists, which MemFree does not count): idle = keys installed, used = after one 16 KiB record each way (read), busy = 1 KiB each way left unread (includes TCP queues).")
			p("")
			p("| pairs | in-tree installs/s | ktls installs/s | ktls/in-tree | idle B/socket in-tree | idle ktls | ktls/in-tree | used in-tree | used ktls | busy in-tree | busy ktls |")
			p("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
			for (i = 1; i <= nk; i++) {
				split(keys[i], a, SUBSEP)
				if (a[1] != s) continue
				k = keys[i]
				p("| " a[2] " | " kb(ins[k, "intree"]) " | " kb(ins[k, "ktls"]) " | " r(ins[k, "ktls"], ins[k, "intree"]) \
				  " | " kb(idle[k, "intree"]) " (" kb(slab[k, "intree"]) ") | " kb(idle[k, "ktls"]) " (" kb(slab[k, "ktls"]) ") | " \
				  r(idle[k, "ktls"], idle[k, "intree"]) " | " kb(used[k, "intree"]) " | " kb(used[k, "ktls"]) \
				  " | " kb(busy[k, "intree"]) " | " kb(busy[k, "ktls"]) " |")
			}
			p("")
		}
	}' "$SCALE"
fi

# Call counts per 16 KiB of payload (ftrace, tests/bench/bench-suite.sh):
# OUTDIR/<series>/profile.txt lines "ulp mode bytes function caller count".
for s in "${SERIESES[@]}"; do
	pf=$OUT/$s/profile.txt
	[ -s "$pf" ] || continue
	awk -v s="$s" -v report="$REPORT" '
	function p(x) { print x >> report }
	$1 != "PROF-LOST" {
		u = $1; m = $2; per = $3 / 16384
		if (per <= 0) next
		f = $4; sub(/_noprof$/, "", f); k = m SUBSEP f
		n[k, u] += $6 / per
		if (!(k in seen)) { seen[k] = 1; keys[++nk] = k }
		if (u == "ktls") { cl = $5 " " sprintf("%.1f", $6 / per); if (!((k, "c") in top) || $6 / per > topv[k]) { top[k, "c"] = cl; topv[k] = $6 / per } }
		if (u == "tls") { if (!((k, "t") in top) || $6 / per > topt[k]) { top[k, "t"] = $5 " " sprintf("%.1f", $6 / per); topt[k] = $6 / per } }
	}
	END {
		p("### Series " s ": calls per 16 KiB of payload (function tracer, AES-128-GCM, TLS 1.3; both processes and softirq)")
		p("")
		p("| mode | function | in-tree | ktls | in-tree top caller | ktls top caller |")
		p("|---|---|---:|---:|---|---|")
		for (i = 1; i <= nk; i++) {
			split(keys[i], a, SUBSEP)
			if (n[keys[i], "tls"] < 0.05 && n[keys[i], "ktls"] < 0.05) continue
			p("| " a[1] " | " a[2] " | " sprintf("%.1f", n[keys[i], "tls"]) " | " \
			  sprintf("%.1f", n[keys[i], "ktls"]) " | " top[keys[i], "t"] " | " top[keys[i], "c"] " |")
		}
		p("")
	}' <(sort -k2,2 -k4,4 "$pf")
done

# Guest time per 16 KiB of payload inside traced functions, callees
# included, sleeps left out (tests/bench/bench-suite.sh, part cost):
# OUTDIR/<series>/cost.txt lines "ulp mode bytes function calls ns".
for s in "${SERIESES[@]}"; do
	cf=$OUT/$s/cost.txt
	[ -s "$cf" ] || continue
	method=$(cat "$OUT/$s/method.txt" 2>/dev/null || echo "method unknown")
	awk -v s="$s" -v report="$REPORT" -v method="$method" '
	function p(x) { print x >> report }
	{
		u = $1; m = $2; per = $3 / 16384
		if (per <= 0) next
		k = m SUBSEP $4
		calls[k, u] = $5 / per; ns[k, u] = $6 / per
		if (!(k in seen)) { seen[k] = 1; keys[++nk] = k }
	}
	END {
		unit = method ~ /icount/ ? "instructions" : "guest ns"
		p("### Series " s ": " unit " per 16 KiB of payload inside each function, callees included, time scheduled out left out (function_graph; " method ")")
		p("")
		p("Each traced call also adds the tracer'"'"'s own cost to its callers; compare a row across the modules.")
		p("")
		p("| mode | function | in-tree calls | in-tree " unit " | ktls calls | ktls " unit " |")
		p("|---|---|---:|---:|---:|---:|")
		for (i = 1; i <= nk; i++) {
			split(keys[i], a, SUBSEP)
			p("| " a[1] " | " a[2] " | " sprintf("%.2f", calls[keys[i], "tls"]) " | " \
			  sprintf("%.0f", ns[keys[i], "tls"]) " | " sprintf("%.2f", calls[keys[i], "ktls"]) " | " \
			  sprintf("%.0f", ns[keys[i], "ktls"]) " |")
		}
		p("")
	}' <(sort -k2,2 -k4,4 "$cf")
done

# Instructions per 16 KiB of payload by kernel function, counted by qemu
# (the insns part: tests/bench/insncount.c, scripts/bench-insns.sh):
# OUTDIR/<series>/insns.txt lines "ulp mode bytes function instructions
# calls rep-iterations". The totals first, then the functions where the
# modules differ most.
for s in "${SERIESES[@]}"; do
	inf=$OUT/$s/insns.txt
	[ -s "$inf" ] || continue
	awk -v s="$s" -v report="$REPORT" '
	function p(x) { print x >> report }
	# a table of n columns, the first l of them text (left-aligned), the
	# others numbers: its header row and its alignment row
	function hdr(cols, n, l,   x, i) {
		x = "|"
		for (i = 1; i <= n; i++) x = x (i <= l ? "---|" : "---:|")
		p(cols); p(x)
	}
	function row(m, name, a, b) {
		p("| " m " | " name " | " sprintf("%.0f", a) " | " sprintf("%.0f", b) " | " \
		  sprintf("%+.0f", b - a) " | " (a > 0 ? sprintf("%.3f", b / a) : "–") " |")
	}
	{
		u = $1; m = $2; per = $3 / 16384
		if (per <= 0) next
		if (!(m in seenm)) { seenm[m] = 1; modes[++nm] = m }
		n[m, $4, u] += $5 / per; c[m, $4, u] += $6 / per
		f[m, $4] = 1
		tot[m, u] += $5 / per; reps[m, u] += $7 / per
		if ($4 == "[user]") usr[m, u] += $5 / per
		# the record layer: the code of its module, sk_msg for tls.ko
		if ($4 ~ /\[(ktls|tls)\]$/ || $4 ~ /^(__)?sk_msg|^bpf_exec_tx_verdict/)
			own[m, u] += $5 / per
		# the allocator and the clearing of what it hands out
		else if ($4 ~ /alloc|free|kmem|slab|^rmqueue|^get_page_from_freelist|page_frag|^clear_page|^memset/)
			alo[m, u] += $5 / per
	}
	END {
		p("### Series " s ": instructions per 16 KiB of payload by kernel function, counted by qemu (insns part, no tracer in the guest)")
		p("")
		p("Both ends and the softirqs of a run of one module, `--sockbuf 256K` as in the compared runs. Rep string instructions (memcpy, memset, clear_page, user copies) count once per iteration, as under -icount: a 4 KiB clear_page_erms is 4,096; the row without them is nearer to what hardware spends.")
		p("")
		hdr("| mode | what | in-tree | ktls | ktls − in-tree | ktls / in-tree |", 6, 2)
		for (i = 1; i <= nm; i++) {
			m = modes[i]
			row(m, "all instructions", tot[m, "tls"], tot[m, "ktls"])
			row(m, "user space", usr[m, "tls"], usr[m, "ktls"])
			row(m, "rep string iterations (kernel)", reps[m, "tls"], reps[m, "ktls"])
			row(m, "all but rep string iterations", tot[m, "tls"] - reps[m, "tls"], tot[m, "ktls"] - reps[m, "ktls"])
		}
		p("")
		p("What bounds the ratio: the code of each module itself (ktls.ko; tls.ko and sk_msg for the in-tree module) and every allocation of the ktls run with the clearing of what was allocated (whoever asked: the skbs of TCP too). The last column is the ratio a ktls.ko that executed nothing and allocated nothing would reach.")
		p("")
		hdr("| mode | in-tree | ktls | own code in-tree | own code ktls | allocations in the ktls run | ratio if both cost nothing |", 7, 1)
		for (i = 1; i <= nm; i++) {
			m = modes[i]
			free0 = tot[m, "ktls"] - own[m, "ktls"] - alo[m, "ktls"]
			p("| " m " | " sprintf("%.0f", tot[m, "tls"]) " | " sprintf("%.0f", tot[m, "ktls"]) " | " \
			  sprintf("%.0f", own[m, "tls"]) " | " \
			  sprintf("%.0f", own[m, "ktls"]) " | " sprintf("%.0f", alo[m, "ktls"]) " | " \
			  (free0 > 0 ? sprintf("%.3f", tot[m, "tls"] / free0) : "–") " |")
		}
		p("")
		hdr("| mode | function | in-tree calls | in-tree | ktls calls | ktls | ktls − in-tree |", 7, 2)
		for (i = 1; i <= nm; i++) {
			m = modes[i]
			# the 20 functions with the largest difference, either way
			k = 0
			for (x in f) {
				split(x, a, SUBSEP)
				if (a[1] != m || a[2] == "[user]") continue
				d = n[m, a[2], "ktls"] - n[m, a[2], "tls"]
				cand[++k] = a[2]; diff[k] = d < 0 ? -d : d
			}
			for (j = 1; j <= 20 && j <= k; j++) {
				b = j
				for (q = j + 1; q <= k; q++) if (diff[q] > diff[b]) b = q
				t = cand[j]; cand[j] = cand[b]; cand[b] = t
				t = diff[j]; diff[j] = diff[b]; diff[b] = t
				fn = cand[j]
				p("| " m " | " fn " | " sprintf("%.2f", c[m, fn, "tls"]) " | " \
				  sprintf("%.0f", n[m, fn, "tls"]) " | " sprintf("%.2f", c[m, fn, "ktls"]) " | " \
				  sprintf("%.0f", n[m, fn, "ktls"]) " | " \
				  sprintf("%+.0f", n[m, fn, "ktls"] - n[m, fn, "tls"]) " |")
			}
			delete cand; delete diff
		}
		p("")
	}' "$inf"
done

# Synchronous against parallel AEAD in one boot (the parallel part,
# BENCH_ASYNC): OUTDIR/<series>/parallel.jsonl, harness lines led by
# "aead" (sync or the wrapper), "slot" (1-3) and "round". Per round the
# states ran A B A: the ratio parallel/sync is of slots 1 and 2, the
# control (same state) of slots 3 and 1. Medians and ranges over rounds.
for a in "$@"; do
	s=${a%%=*}
	pf=$(dirname "${a#*=}")/parallel.jsonl
	[ -s "$pf" ] || continue
	m=$(cat "$(dirname "$pf")/method.txt" 2>/dev/null || echo "method not recorded")
	awk -v s="$s" -v meth="$m" -v report="$REPORT" "$AWK_GET"'
	function p(x) { print x >> report }
	function med(arr, n,   i, j, t) {
		for (i = 2; i <= n; i++) {
			t = arr[i]
			for (j = i - 1; j >= 1 && arr[j] > t; j--) arr[j + 1] = arr[j]
			arr[j + 1] = t
		}
		return n ? ((n % 2) ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2) : 0
	}
	# "median (lo–hi)" of the n values in arr
	function mr(arr, n,   lo, hi, i) {
		if (!n) return "–"
		lo = 1e99; hi = -1
		for (i = 1; i <= n; i++) { if (arr[i] < lo) lo = arr[i]; if (arr[i] > hi) hi = arr[i] }
		return sprintf("%.2f (%.2f–%.2f)", med(arr, n), lo, hi)
	}
	/^\{/ {
		u = (get("ulp") == "ktls") ? "ktls" : "intree"
		mode = get("mode") (get("mode") == "send" ? get("size") / 1024 "K" : "")
		if (get("rx_no_pad") == "true") mode = mode "+nopad"
		k = get("tls") SUBSEP get("cipher") SUBSEP mode
		if (!(k in seen)) { seen[k] = 1; keys[++nk] = k }
		r = get("round"); sl = get("slot")
		v[k, u, r, sl] = get("bytes_per_s"); st[k, r, sl] = get("aead")
		if (get("aead") != "sync") wrapper = get("aead")
		if (r > nr) nr = r
	}
	END {
		p("### Series " s ": one stream, synchronous against parallel AEAD (" wrapper ") in one boot (" meth ")")
		p("")
		p("Per round the wrapper off and on in alternating order, then the first state again (the control: a ratio of one state to itself). MB/s are medians over rounds; ratios are medians of per-round ratios, with their range.")
		p("")
		p("| TLS | cipher | mode | sync MB/s in-tree / ktls | " wrapper " MB/s in-tree / ktls | " wrapper "/sync in-tree | " wrapper "/sync ktls | ktls/in-tree, " wrapper " | ktls/in-tree, sync | control ktls, in-tree |")
		p("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
		for (i = 1; i <= nk; i++) {
			k = keys[i]; split(k, kk, SUBSEP)
			delete a; delete b; delete c; delete d; delete e; delete f
			delete ss; delete sp; delete ps; delete pp
			n = ne = 0
			for (r = 1; r <= nr; r++) {
				if (!((k, r, 1) in st) || !((k, r, 2) in st)) continue
				ps1 = (st[k, r, 1] == "sync") ? 1 : 2; pp1 = 3 - ps1
				if (v[k, "intree", r, ps1] <= 0 || v[k, "ktls", r, ps1] <= 0 ||
				    v[k, "intree", r, pp1] <= 0 || v[k, "ktls", r, pp1] <= 0) continue
				n++
				ss[n] = v[k, "intree", r, ps1] / 1e6; sp[n] = v[k, "ktls", r, ps1] / 1e6
				ps[n] = v[k, "intree", r, pp1] / 1e6; pp[n] = v[k, "ktls", r, pp1] / 1e6
				a[n] = ps[n] / ss[n]; b[n] = pp[n] / sp[n]
				c[n] = pp[n] / ps[n]; d[n] = sp[n] / ss[n]
				if (v[k, "ktls", r, 3] > 0) {
					ne++
					e[ne] = v[k, "ktls", r, 3] / v[k, "ktls", r, 1]
					f[ne] = v[k, "intree", r, 3] / v[k, "intree", r, 1]
				}
			}
			if (!n) continue
			cs = mr(e, ne) ", " mr(f, ne)
			p("| " kk[1] " | " kk[2] " | " kk[3] " | " sprintf("%.1f / %.1f", med(ss, n), med(sp, n)) " | " \
			  sprintf("%.1f / %.1f", med(ps, n), med(pp, n)) " | " mr(a, n) " | " mr(b, n) " | " \
			  mr(c, n) " | " mr(d, n) " | " cs " |")
		}
		p("")
	}' "$pf"
done

if command -v gnuplot >/dev/null; then
	{
		n=${#SERIESES[@]}
		echo "set terminal pngcairo size 1700,$((560 * n)) font 'sans,10'"
		echo "set output '$OUT/bench.png'"
		echo "set multiplot layout $n,2 title 'ktls bench: loopback, one VM per series, medians (${ACCEL_TITLE:-accelerator unknown}: compare within a panel)'"
		echo "set style data histograms; set style histogram clustered gap 1"
		echo "set style fill solid 0.85 border -1; set boxwidth 0.9"
		echo "set datafile missing '–'; set key top left; set grid ytics"
		echo "set xtics rotate by -40 font 'sans,8' nomirror"
		for s in "${SERIESES[@]}"; do
			d=$OUT/$s.dat
			echo "set title 'Series $s: throughput (log scale; crypto limit = AF\\_ALG, 16 KiB records)'"
			echo "set ylabel 'MB/s'; set logscale y; set yrange [*:*]"
			echo "plot '$d' using 2:xtic(1) title 'in-tree tls.ko', '' using 3 title 'ktls.ko', '' using 4 title 'OpenSSL', '' using 5 title 'plain TCP', '' using 6 title 'crypto limit'"
			echo "unset logscale y; set yrange [0:*]"
			echo "set title 'Series $s: ktls.ko / in-tree tls.ko, paired per round '"
			ymax=$(awk '!/^#/ { for (i = NF - 1; i <= NF; i++) if ($i + 0 > m) m = $i + 0 }
				END { m = (m < 1.2 ? 1.2 : m) * 1.1; print m }' "$d")
			echo "set ylabel 'ratio'; set yrange [0:$ymax]"
			echo "plot '$d' using 12:xtic(1) title 'throughput (median of paired rounds)', '' using 13 title 'bytes per CPU-second, both ends', 1.0 with lines lc 'black' dt 2 notitle"
		done
		echo "unset multiplot"
	} > "$OUT/bench.gp"
	gnuplot "$OUT/bench.gp" && echo "chart: $OUT/bench.png" >> "$REPORT"
else
	echo "(gnuplot not installed: no chart)" >> "$REPORT"
fi
cat "$REPORT"
