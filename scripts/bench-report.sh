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

# med(v, n): the median of v[1..n], which it sorts in place (0 when n is
# 0), with the lowest and highest value left in MLO and MHI; for the awk
# programs below
AWK_MED='
	function med(v, n,   i, j, t) {
		for (i = 2; i <= n; i++) {
			t = v[i]
			for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]
			v[j + 1] = t
		}
		MLO = v[1]; MHI = v[n]
		return n ? ((n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2) : 0
	}
'

# flat JSON (ktls bench's own output) -> TSV:
# series impl mode tls cipher bytes_per_s bytes_per_cpu_s kernel module
flatten() {	# flatten SERIES FILE
	awk -v series="$1" "$AWK_GET"'
	/^\{/ && get("mode") !~ /^(install|keyupdate|pingpong)$/ {
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
# idle_slabobj used_slabobj held_slabobj busy_slabobj used_percpu
# (IMPL, if given, names every line: ktls2 for the A/A runs)
flatten_scale() {	# flatten_scale SERIES FILE [IMPL]
	awk -v series="$1" -v force="${3:-}" "$AWK_GET"'
	/^\{/ && get("mode") == "install" {
		impl = (get("ulp") == "ktls") ? "ktls" : "intree"
		if (force != "") impl = force
		print series "\t" impl "\t" get("conns") "\t" get("installs_per_s") "\t" \
			get("idle_bytes_per_socket") "\t" get("used_bytes_per_socket") "\t" \
			get("busy_bytes_per_socket") "\t" get("idle_slab_bytes_per_socket") "\t" \
			get("tls") " " get("cipher") "\t" get("idle_slabobj_bytes_per_socket") "\t" \
			get("used_slabobj_bytes_per_socket") "\t" get("held_slabobj_bytes_per_socket") "\t" \
			get("busy_slabobj_bytes_per_socket") "\t" get("used_percpu_bytes_per_socket")
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
	aaf=$(dirname "$f")/aa.jsonl
	[ ! -s "$aaf" ] || flatten_scale "$s" "$aaf" ktls2 >> "$SCALE"
	m=$(cat "$(dirname "$f")/method.txt" 2>/dev/null || echo "TCG or KVM, method not recorded")
	METHODS="$METHODS$s=$m;"
done
[ ${#SERIESES[@]} -gt 0 ] || { echo "bench-report: nothing to report" >&2; exit 1; }

# Medians per (series, impl, mode, tls, cipher), per-round ratio ranges.
awk -F'\t' -v report="$REPORT" -v outdir="$OUT" -v methods="$METHODS" "$AWK_MED"'
function median(key, col,   n, i, v) {
	n = cnt[key]
	for (i = 1; i <= n; i++) v[i] = val[key, i, col]
	return n ? med(v, n) : ""
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
function pmedian(ka, kb, col,   n, i, m, v) {	# median of per-round ratios
	n = cnt[ka] < cnt[kb] ? cnt[ka] : cnt[kb]
	m = 0
	for (i = 1; i <= n; i++)
		if (val[kb, i, col] > 0) v[++m] = val[ka, i, col] / val[kb, i, col]
	return m ? sprintf("%.2f", med(v, m)) : "–"
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
	# (the scale and KeyUpdate parts' A/A runs have tables of their own)
	grep -v '"mode":"install"' "$f" | grep -qv '"mode":"keyupdate"' || continue
	m=$(cat "$(dirname "$f")/method.txt" 2>/dev/null || echo "method not recorded")
	flatten "$s" "$f" | awk -F'\t' -v report="$REPORT" -v s="$s" -v meth="$m" "$AWK_MED"'
	function p(x) { print x >> report }
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

# Scale: key installs per second and memory per socket (--mode install),
# every round: medians (range); ktls2 = the A/A control (ktls again).
if [ -s "$SCALE" ]; then
	awk -F'\t' -v report="$REPORT" "$AWK_MED"'
	function p(x) { print x >> report }
	function fig(k, u, col, fmt,   n, i, v) {
		n = cnt[k, u]
		if (!n) return "–"
		for (i = 1; i <= n; i++) v[i] = val[k, u, i, col]
		FIGMED = med(v, n)
		return sprintf(fmt, FIGMED) (n > 1 ? " (" sprintf(fmt, MLO) "–" sprintf(fmt, MHI) ")" : "")
	}
	{
		k = $1 SUBSEP $3
		if (!(k in seen)) { seen[k] = 1; keys[++nk] = k }
		if (!($1 in ser)) { ser[$1] = 1; order[++ns] = $1 }
		n = ++cnt[k, $2]
		for (c = 4; c <= 14; c++) val[k, $2, n, c] = $c
		what[$1] = $9
	}
	END {
		for (si = 1; si <= ns; si++) {
			s = order[si]
			p("### Series " s ": scale and memory per socket, " what[s] " (TCP_ULP + TLS_TX + TLS_RX on every socket of N loopback pairs)")
			p("")
			p("Per round each module, in-tree first on odd rounds and last on even ones, and ktls again (A/A); median of the rounds (range). Key installs per second = sockets / time of the install loop. Memory per socket against the same TCP sockets before the keys: slab objects = growth of active objects × object size in /proc/slabinfo (SLUB counts the free objects of per-CPU slabs as active: a few slabs of noise, /N); idle = keys installed; after traffic = one 16 KiB record each way, read; MSG_MORE held = then 1 KiB held in an open record on every socket; record unread = that record closed and sent, unread by the peer (TCP queues included); MemFree = the drop of /proc/meminfo MemFree, idle; per-CPU = growth of the per-CPU allocator (Percpu) after traffic.")
			p("")
			p("| pairs | module | installs/s | slab objects idle | after traffic | MSG_MORE held | record unread | MemFree idle | per-CPU after traffic |")
			p("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
			for (i = 1; i <= nk; i++) {
				split(keys[i], a, SUBSEP)
				if (a[1] != s) continue
				k = keys[i]
				for (q = 1; q <= 3; q++) {
					u = q == 1 ? "intree" : q == 2 ? "ktls" : "ktls2"
					if (!cnt[k, u]) continue
					p("| " a[2] " | " (q == 1 ? "in-tree" : q == 2 ? "ktls" : "ktls (A/A)") " | " \
					  fig(k, u, 4, "%.0f") " | " fig(k, u, 10, "%.0f") " | " fig(k, u, 11, "%.0f") " | " \
					  fig(k, u, 12, "%.0f") " | " fig(k, u, 13, "%.0f") " | " fig(k, u, 5, "%.0f") " | " \
					  fig(k, u, 14, "%.0f") " |")
				}
				fig(k, "intree", 10, "%.0f"); a1 = FIGMED; fig(k, "ktls", 10, "%.0f"); b1 = FIGMED
				fig(k, "intree", 4, "%.0f"); a2 = FIGMED; fig(k, "ktls", 4, "%.0f"); b2 = FIGMED
				if (a1 > 0 && a2 > 0)
					p("| " a[2] " | ktls / in-tree | " sprintf("%.2f", b2 / a2) " | " sprintf("%.2f", b1 / a1) " | | | | | |")
			}
			p("")
		}
	}' "$SCALE"
fi

# KeyUpdates per second (part keyupdate): medians (range) of the rounds,
# ktls2 = the A/A runs; a module that refused is "not supported".
for a in "$@"; do
	s=${a%%=*}
	d=$(dirname "${a#*=}")
	{ cat "${a#*=}"; [ ! -f "$d/aa.jsonl" ] || sed 's/^{/{"aa":1,/' "$d/aa.jsonl"; } |
		grep '"mode":"keyupdate"' > "$OUT/ku.tmp" || true
	[ -s "$OUT/ku.tmp" ] || [ -s "$d/keyupdate-unsupported.txt" ] || continue
	awk -v report="$REPORT" -v s="$s" -v uns="$d/keyupdate-unsupported.txt" "$AWK_GET$AWK_MED"'
	function p(x) { print x >> report }
	function fig(u, col,   n, i, v, x) {
		n = cnt[u]
		if (!n) return (u in nosup) ? "not supported" : "–"
		for (i = 1; i <= n; i++) v[i] = val[u, i, col]
		x = med(v, n)
		return sprintf("%.0f", x) (n > 1 ? " (" sprintf("%.0f", MLO) "–" sprintf("%.0f", MHI) ")" : "")
	}
	BEGIN { while ((getline l < uns) > 0) { split(l, a, " "); nosup[a[1] == "ktls" ? "ktls" : "intree"] = 1 } }
	{
		u = get("ulp") == "ktls" ? (get("aa") == 1 ? "ktls2" : "ktls") : "intree"
		n = ++cnt[u]
		val[u, n, 1] = get("keyupdates_per_s"); val[u, n, 2] = get("keyupdates_per_tx_cpu_s")
	}
	END {
		p("### Series " s ": TLS 1.3 KeyUpdates per second (TLS_TX set again with a new key, then a 1-byte record), median (range)")
		p("")
		p("| module | per second | per sender CPU-second |")
		p("|---|---:|---:|")
		p("| in-tree | " fig("intree", 1) " | " fig("intree", 2) " |")
		p("| ktls | " fig("ktls", 1) " | " fig("ktls", 2) " |")
		p("| ktls (A/A) | " fig("ktls2", 1) " | " fig("ktls2", 2) " |")
		p("")
	}' "$OUT/ku.tmp"
	rm -f "$OUT/ku.tmp"
done

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

# The insns part (tests/bench/insncount.c, scripts/bench-insns.sh):
# OUTDIR/<series>/insns.txt lines "label mode count round function
# instructions calls rep-iterations bytes-copied bytes-cleared"; labels
# tls (in-tree), ktls, ktls2 (the A/A control: ktls again), tcp (plain
# TCP: sendfile from tmpfs to a discarding receiver, each round). Every
# figure is the median of the rounds with their range, twice: all
# instructions, and without rep-string iterations.
#
# The AEAD is classified by symbol with this one table (AEAD_RE on the
# name, AEAD_MOD on the module, never ktls.ko's or tls.ko's own code):
# the crypto API (crypto_*, aead_*, scatterwalk_*, skcipher_walk_*), the
# AES/GCM/GHASH/ChaCha20/Poly1305 code (names containing aes, gcm, ghash,
# gf128, clmul, chacha, poly1305), the modules that hold them, and the
# FPU save and restore the SIMD code needs (kernel_fpu_*, *fpregs*).
# η = (AEAD + TCP) / kTLS total, record layer = total − AEAD − TCP, per
# 16 KiB of payload; copies / clears = bytes moved by rep movs / rep stos
# per payload byte (kernel only).
AEAD_RE='^(__)?(crypto_|aead_|scatterwalk|skcipher_walk|kernel_fpu_|fpregs_)|aes|gcm|ghash|gf128|clmul|chacha|poly1305|save_fpregs|restore_fpregs'
AEAD_MOD='\[(aesni_intel|gcm|ghash[a-z_]*|aes[a-z_]*|libaes|gf128mul|chacha[a-z0-9_]*|poly1305[a-z_]*|libchacha[a-z0-9_]*|crypto_simd|cryptd|ccm|ctr)\]$'
for s in "${SERIESES[@]}"; do
	inf=$OUT/$s/insns.txt
	[ -s "$inf" ] || continue
	awk -v s="$s" -v report="$REPORT" -v aead_re="$AEAD_RE" -v aead_mod="$AEAD_MOD" "$AWK_MED"'
	function p(x) { print x >> report }
	function hdr(cols, n, l,   x, i) {
		x = "|"
		for (i = 1; i <= n; i++) x = x (i <= l ? "---|" : "---:|")
		p(cols); p(x)
	}
	# "median (lo–hi)" of what(m, u, r) over the rounds, fmt for each
	function fig(m, u, what, fmt,   v, n, r, x) {
		n = 0
		for (r = 1; r <= nr; r++) {
			if (!((m, u, r) in tot)) continue
			x = val(m, u, r, what)
			if (x == "") continue
			v[++n] = x
		}
		if (!n) return "–"
		x = med(v, n)
		FIGMED = x
		return sprintf(fmt, x) (n > 1 ? " (" sprintf(fmt, MLO) "–" sprintf(fmt, MHI) ")" : "")
	}
	# ratio per round of what(m, ua) / what(m, ub): "median (range)"
	function rfig(m, ua, ub, what,   v, n, r, a, b) {
		n = 0
		for (r = 1; r <= nr; r++) {
			if (!((m, ua, r) in tot) || !((m, ub, r) in tot)) continue
			a = val(m, ua, r, what); b = val(m, ub, r, what)
			if (a == "" || b == "" || b == 0) continue
			v[++n] = a / b
		}
		if (!n) { FIGMED = ""; return "–" }
		FIGMED = med(v, n)
		return sprintf("%.3f", FIGMED) (n > 1 ? " (" sprintf("%.3f", MLO) "–" sprintf("%.3f", MHI) ")" : "")
	}
	# the measures of one run; norep: without rep-string iterations
	function val(m, u, r, what,   t, a, c) {
		t = tot[m, u, r] - (norep ? rp[m, u, r] : 0)
		a = ae[m, u, r] - (norep ? aerp[m, u, r] : 0)
		c = ((r in tcpt) ? tcpt[r] - (norep ? tcprp[r] : 0) : "")
		if (what == "tot") return t
		if (what == "aead") return a
		if (what == "tcp") return c
		if (what == "eta") return (c == "" || t <= 0) ? "" : (a + c) / t
		if (what == "rl") return c == "" ? "" : t - a - c
		if (what == "copy") return cp[m, u, r]
		if (what == "clear") return cl[m, u, r]
		if (what == "tcpcopy") return (r in tcpt) ? tcpcp[r] : ""
		if (what == "tcpclear") return (r in tcpt) ? tcpcl[r] : ""
		return ""
	}
	function yn(x) { return x ? "yes" : "**no**" }
	{
		u = $1; m = $2; r = $4
		if ($3 <= 0) next
		per = (m ~ /^pingpong/) ? $3 : $3 / 16384
		if (r > nr) nr = r
		fn = $5
		if (u == "tcp") {
			tcpt[r] += $6 / per; tcprp[r] += $8 / per
			tcpcp[r] += $9 / $3; tcpcl[r] += $10 / $3
			next
		}
		if (!(m in seenm)) { seenm[m] = 1; modes[++nm] = m }
		tot[m, u, r] += $6 / per; rp[m, u, r] += $8 / per
		cp[m, u, r] += $9 / $3; cl[m, u, r] += $10 / $3
		name = fn; sub(/\[.*/, "", name)
		if (fn !~ /\[(ktls|tls)\]$/ && (name ~ aead_re || fn ~ aead_mod)) {
			ae[m, u, r] += $6 / per; aerp[m, u, r] += $8 / per
		}
		if (fn != "[user]") {
			f[m, fn] = 1; n[m, fn, u] += $6 / per; c[m, fn, u] += $7 / per
			rounds[m, fn, u, r] = 1
		}
	}
	END {
		p("### Series " s ": distance to the limit, counted by qemu (insns part, " nr " rounds, in-tree first on odd rounds, ktls2 = ktls again: the A/A control)")
		p("")
		p("Instructions per 16 KiB of payload, both ends, softirqs and user space, median of the rounds (range). AEAD = the crypto API'"'"'s and the ciphers'"'"' functions inside the same run (scripts/bench-report.sh names them); plain TCP = the same bytes by `sendfile` from tmpfs to a receiver that discards them (`recv(MSG_TRUNC)`); η = (AEAD + plain TCP) / total; record layer = total − AEAD − plain TCP (the record layer'"'"'s own code and the allocations, clears and copies it causes). Send modes discard the ciphertext at the receiver; recv modes decrypt what the in-tree module sent, for both modules.")
		p("")
		for (norep = 0; norep <= 1; norep++) {
			p(norep ? "**Without rep-string iterations**" : "**All instructions** (a rep-string iteration counts one, as under -icount)")
			p("")
			hdr("| mode | module | total | AEAD | plain TCP | η | record layer | record layer / in-tree'"'"'s | goals: η ≥ 0.9; η ≥ in-tree'"'"'s; record layer ≤ 0.8 × in-tree'"'"'s |", 9, 2)
			for (i = 1; i <= nm; i++) {
				m = modes[i]
				if (m ~ /^pingpong/) continue
				fig(m, "tls", "eta", "%.3f"); ei = FIGMED
				for (k = 1; k <= 3; k++) {
					u = k == 1 ? "tls" : k == 2 ? "ktls" : "ktls2"
					lab = k == 1 ? "in-tree" : k == 2 ? "ktls" : "ktls (A/A)"
					if (!((m, u, 1) in tot) && !((m, u, 2) in tot)) continue
					e = fig(m, u, "eta", "%.3f"); em = FIGMED
					rr = k == 1 ? "1" : rfig(m, u, "tls", "rl"); rm = FIGMED
					g = ""
					if (k == 2) {
						g = (m ~ /^(send:16K|sendfile|recv:nopad)$/ ? yn(em >= 0.9) : "–") "; " \
						    yn(em >= ei) "; " (rm == "" ? "–" : yn(rm <= 0.8))
					}
					p("| " m " | " lab " | " fig(m, u, "tot", "%.0f") " | " fig(m, u, "aead", "%.0f") " | " \
					  fig(m, u, "tcp", "%.0f") " | " e " | " fig(m, u, "rl", "%.0f") " | " rr " | " g " |")
				}
			}
			p("")
		}
		p("A/A: ktls2 / ktls per round (the noise floor of a ratio above), median (range)")
		p("")
		hdr("| mode | total, all | total, without rep | record layer, all | record layer, without rep |", 5, 1)
		for (i = 1; i <= nm; i++) {
			m = modes[i]
			norep = 0; a1 = rfig(m, "ktls2", "ktls", "tot"); a3 = rfig(m, "ktls2", "ktls", "rl")
			norep = 1; a2 = rfig(m, "ktls2", "ktls", "tot"); a4 = rfig(m, "ktls2", "ktls", "rl")
			p("| " m " | " a1 " | " a2 " | " (m ~ /^pingpong/ ? "–" : a3) " | " (m ~ /^pingpong/ ? "–" : a4) " |")
		}
		p("")
		p("Copies and clears per payload byte: bytes moved by `rep movs` (memcpy, copies to and from user space) and stored by `rep stos` (memset, clear_page: mostly `init_on_alloc`) in the kernel, over payload bytes; median (range). Plain TCP (sendfile to a discarding receiver) is the floor: what every syscall and segment copies and clears anyway (arguments, headers, skbs). Payload copies = copied − plain TCP'"'"'s, rounded to whole copies of the payload. Goal (issue 30): no payload copy for send, sendfile and no-pad recv, at most 1 for default TLS 1.3 recv; no clear beyond plain TCP'"'"'s (0.01 B/B of slack) (all of it depends on `init_on_alloc`). Copies that are not `rep movs` (a loop of moves) are not counted.")
		p("")
		norep = 0
		for (r = 1; r <= nr; r++) tot["x", "x", r] = 1
		tc = fig("x", "x", "tcpcopy", "%.3f"); tcm = FIGMED
		tl = fig("x", "x", "tcpclear", "%.3f"); tlm = FIGMED
		p("Plain TCP: copied " tc ", cleared " tl " B per payload byte.")
		p("")
		hdr("| mode | in-tree copied | ktls copied | ktls A/A copied | in-tree cleared | ktls cleared | ktls A/A cleared | payload copies in-tree | ktls | copy goal met (ktls) | no clears beyond plain TCP'"'"'s (ktls) |", 11, 1)
		for (i = 1; i <= nm; i++) {
			m = modes[i]
			if (m ~ /^pingpong/) continue
			x = fig(m, "ktls", "copy", "%.3f"); kc = FIGMED
			y = fig(m, "ktls", "clear", "%.3f"); kl = FIGMED
			x0 = fig(m, "tls", "copy", "%.3f"); ic = FIGMED
			pk = int(kc - tcm + 0.5); pi = int(ic - tcm + 0.5)
			goal = (m ~ /^recv$/) ? (pk <= 1) : (pk == 0)
			p("| " m " | " x0 " | " x " | " fig(m, "ktls2", "copy", "%.3f") " | " \
			  fig(m, "tls", "clear", "%.3f") " | " y " | " fig(m, "ktls2", "clear", "%.3f") " | " \
			  pi " | " pk " | " yn(goal) " | " yn(kl <= tlm + 0.01) " |")
		}
		p("")
		p("Ping-pong: instructions per round trip (one end sends the size, the other reads it whole and sends it back; kTLS both ways on both ends, the same module), median (range). Goal: ktls ≤ in-tree.")
		p("")
		hdr("| size | in-tree | ktls | ktls / in-tree | A/A ktls2 / ktls | without rep: in-tree | ktls | ktls / in-tree | goal met (both ways) |", 9, 1)
		for (i = 1; i <= nm; i++) {
			m = modes[i]
			if (m !~ /^pingpong/) continue
			norep = 0
			pi1 = fig(m, "tls", "tot", "%.0f"); pk1 = fig(m, "ktls", "tot", "%.0f")
			q1 = rfig(m, "ktls", "tls", "tot"); g1 = FIGMED; aa = rfig(m, "ktls2", "ktls", "tot")
			norep = 1
			a2 = fig(m, "tls", "tot", "%.0f"); b2 = fig(m, "ktls", "tot", "%.0f")
			q2 = rfig(m, "ktls", "tls", "tot"); g2 = FIGMED
			sz = m; sub(/^pingpong:?/, "", sz)
			p("| " sz " | " pi1 " | " pk1 " | " q1 " | " aa " | " a2 " | " b2 " | " q2 " | " \
			  (g1 == "" || g2 == "" ? "–" : yn(g1 <= 1 && g2 <= 1)) " |")
		}
		p("")
		p("The functions where the modules differ most (instructions per 16 KiB, or per round trip for pingpong; mean of the rounds):")
		p("")
		hdr("| mode | function | in-tree calls | in-tree | ktls calls | ktls | ktls − in-tree |", 7, 2)
		for (i = 1; i <= nm; i++) {
			m = modes[i]
			k = 0
			for (x in f) {
				split(x, a, SUBSEP)
				if (a[1] != m) continue
				d = n[m, a[2], "ktls"] - n[m, a[2], "tls"]
				cand[++k] = a[2]; diff[k] = d < 0 ? -d : d
			}
			for (j = 1; j <= 12 && j <= k; j++) {
				b = j
				for (q = j + 1; q <= k; q++) if (diff[q] > diff[b]) b = q
				t = cand[j]; cand[j] = cand[b]; cand[b] = t
				t = diff[j]; diff[j] = diff[b]; diff[b] = t
				fn = cand[j]
				p("| " m " | " fn " | " sprintf("%.2f", c[m, fn, "tls"] / nr) " | " \
				  sprintf("%.0f", n[m, fn, "tls"] / nr) " | " sprintf("%.2f", c[m, fn, "ktls"] / nr) " | " \
				  sprintf("%.0f", n[m, fn, "ktls"] / nr) " | " \
				  sprintf("%+.0f", (n[m, fn, "ktls"] - n[m, fn, "tls"]) / nr) " |")
			}
			delete cand; delete diff
		}
		p("")
	}' "$inf"
done

# Synchronous against parallel AEAD in one boot (the parallel part,
# BENCH_ASYNC): OUTDIR/<series>/parallel.jsonl, harness lines led by
# "aead" (sync or the wrapper), "slot" (1-3) and "round". Per round the
# states ran A B A: A's figure is the mean of slots 1 and 3 (a linear
# drift within the round cancels), B's is slot 2; the control, slot 3
# over slot 1, is the same state against itself: how far the host moved
# within a round. Medians and ranges over rounds.
for a in "$@"; do
	s=${a%%=*}
	pf=$(dirname "${a#*=}")/parallel.jsonl
	[ -s "$pf" ] || continue
	m=$(cat "$(dirname "$pf")/method.txt" 2>/dev/null || echo "method not recorded")
	awk -v s="$s" -v meth="$m" -v report="$REPORT" "$AWK_GET$AWK_MED"'
	function p(x) { print x >> report }
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
		p("Per round the states ran A B A, the wrapper off first on odd rounds and on first on even ones; A is the mean of its two runs (a linear drift within the round cancels), B its one. The control is the second run of A over its first: the same state against itself. MB/s are medians over rounds; ratios are medians of per-round ratios, with their range.")
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
				if (!((k, r, 3) in st)) continue
				syncfirst = (st[k, r, 1] == "sync")
				if (v[k, "intree", r, 1] <= 0 || v[k, "ktls", r, 1] <= 0 ||
				    v[k, "intree", r, 2] <= 0 || v[k, "ktls", r, 2] <= 0 ||
				    v[k, "intree", r, 3] <= 0 || v[k, "ktls", r, 3] <= 0) continue
				n++
				# A B A: A is the mean of slots 1 and 3 (a linear drift
				# within the round cancels), B is slot 2
				ai = (v[k, "intree", r, 1] + v[k, "intree", r, 3]) / 2e6
				ak = (v[k, "ktls", r, 1] + v[k, "ktls", r, 3]) / 2e6
				bi = v[k, "intree", r, 2] / 1e6; bk = v[k, "ktls", r, 2] / 1e6
				ss[n] = syncfirst ? ai : bi; sp[n] = syncfirst ? ak : bk
				ps[n] = syncfirst ? bi : ai; pp[n] = syncfirst ? bk : ak
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

# the chart: series with throughput figures only (an insns or scale run
# alone has none)
CHARTED=()
for s in "${SERIESES[@]}"; do
	[ ! -s "$OUT/$s.dat" ] || [ "$(grep -vc '^#' "$OUT/$s.dat")" = 0 ] || CHARTED+=("$s")
done
if [ ${#CHARTED[@]} = 0 ]; then
	echo "(no throughput figures: no chart)" >> "$REPORT"
elif command -v gnuplot >/dev/null; then
	{
		n=${#CHARTED[@]}
		echo "set terminal pngcairo size 1700,$((560 * n)) font 'sans,10'"
		echo "set output '$OUT/bench.png'"
		echo "set multiplot layout $n,2 title 'ktls bench: loopback, one VM per series, medians (${ACCEL_TITLE:-accelerator unknown}: compare within a panel)'"
		echo "set style data histograms; set style histogram clustered gap 1"
		echo "set style fill solid 0.85 border -1; set boxwidth 0.9"
		echo "set datafile missing '–'; set key top left; set grid ytics"
		echo "set xtics rotate by -40 font 'sans,8' nomirror"
		for s in "${CHARTED[@]}"; do
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
