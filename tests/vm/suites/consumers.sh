#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
# In-guest suite: the kernel's own kTLS users over the `tls` ULP under test
# (ktls.ko, or Debian's tls.ko for the reference run). kselftest-style TAP.
#
#   NVMe/TCP with TLS 1.3 over loopback: the series' nvmet-tcp target (a
#   file-backed namespace, TLS required on its port) and nvme-tcp host;
#   the handshakes of both ends done by trixie's tlshd (ktls-utils), which
#   then hands the sockets to the kernel with TCP_ULP "tls" and TLS_TX/
#   TLS_RX; the PSK made and put into the .nvme keyring by trixie's
#   nvme-cli 2.13. The host reads its sockets with read_sock
#   (ktls_read_sock), the target with recvmsg and a record-type cmsg.
#
# Data written through the host (buffered and O_DIRECT) is read back and
# found in the target's backing file, by SHA-256. That the module under
# test carried it: /proc/net/tls_stat's TlsTxSw/TlsRxSw move by one per
# socket (host and target end of each queue), TlsDecryptError does not,
# and the module under test (ktls, or Debian's tls) holds a reference per
# TLS socket while connected and none after the disconnect. A host with a
# PSK the target does not have (same identity, other key) fails to
# connect, and the target serves the right one afterwards.
#
#   NFS 4.2 over TLS (RPC-with-TLS, RFC 9289) over loopback: the series'
#   nfsd (NFSv4 only, no rpcbind) exporting tmpfs directories with
#   xprtsec=tls and xprtsec=mtls, and its NFSv4 client; trixie's
#   nfs-utils 2.8.3 (rpc.nfsd, rpc.mountd, exportfs, nfsdcld, mount.nfs)
#   and tlshd with self-signed x.509 certificates made at staging
#   (scripts/consumers.sh). The client sends the RPC_AUTH_TLS probe, both
#   ends hand their socket to tlshd, then read it with sock_recvmsg and
#   the record-type cmsg (net/sunrpc xprtsock.c and svcsock.c). Files
#   written through each mount are read back after a cache drop and
#   found in the export, by SHA-256; each mount's client and server
#   socket are counted in tls_stat and reference the module under test,
#   none after the unmount. A mount without TLS is refused by the TLS
#   export, a TLS mount without a client certificate by the mTLS one.
#
# Env: CONSUMERS_MB (MiB written each way over NVMe, default 8),
# CONSUMERS_NFS_MB (MiB of the big file over NFS, default 4).
set -eu
PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
MB=${CONSUMERS_MB:-8}
W=$(mktemp -d "${TMPDIR:-/tmp}/consumers.XXXXXX")
N=0
TLSHD=""
T_START=$(cut -d' ' -f1 /proc/uptime)
CFG=/sys/kernel/config/nvmet
HOSTNQN=nqn.2014-08.org.nvmexpress:uuid:6b1a3f36-7c41-4d3e-9f0e-8f5d2e1c4a01
HOSTID=6b1a3f36-7c41-4d3e-9f0e-8f5d2e1c4a01
SUBNQN=nqn.2024-01.org.ktls:consumers
PORT=4420

echo "1..17"

# tap, t, sha ("consumers:WORD" in tests/vm/known/*.txt)
TAP_TAIL=40
# shellcheck source=tests/vm/suites/lib/tap.sh
. /lib/ktls/tap.sh

# --- the module under test and its counters
TESTKO=$(awk '$2 == "test" { print $1 }' /etc/ktls-modules)
TESTKO=${TESTKO##*/}
TESTKO=${TESTKO%.ko}
STATF=$(ls /proc/net/tls_stat /proc/net/ktls_stat 2>/dev/null | head -n1 || true)
ctr() { # NAME: counter value, 0 when the kernel has no such counter
	awk -v n="$1" '$1 == n { v = $2 } END { print v + 0 }' "$STATF"
}
refs() { cat "/sys/module/$TESTKO/refcnt"; }
snap() { T0=$(ctr TlsTxSw) R0=$(ctr TlsRxSw) E0=$(ctr TlsDecryptError); }
# sessions WANT: TlsTxSw and TlsRxSw moved by WANT since snap, no decrypt
# error
sessions() {
	dt=$(($(ctr TlsTxSw) - T0))
	dr=$(($(ctr TlsRxSw) - R0))
	de=$(($(ctr TlsDecryptError) - E0))
	echo "kTLS sessions opened: TX $dt RX $dr, decrypt errors $de (expected $1 $1 0)"
	[ "$dt" = "$1" ] && [ "$dr" = "$1" ] && [ "$de" = 0 ]
}
# settle CMD...: CMD true within 10 s (the target closes its queues from
# a work item after the host has gone)
settle() {
	i=0
	until "$@"; do
		i=$((i + 1))
		[ $i -lt 50 ] || return 1
		sleep 0.2
	done
}
no_sessions() { [ "$(ctr TlsCurrTxSw)" = 0 ] && [ "$(ctr TlsCurrRxSw)" = 0 ] && [ "$(refs)" = 0 ]; }

# NFS part: its server, exports and mount point
NFS_MB=${CONSUMERS_NFS_MB:-4}
CERTS=/etc/ktls-consumers
EXP=$W/export	# the exports: tmpfs mounts (fsid=0 root, tls, mtls)
MNT=$W/mnt
PIPEFS=/var/lib/nfs/rpc_pipefs
NFSD_UP=0
MOUNTD=""
CLD=""

# tmo CMD...: CMD, killed after 60 s (a hard NFS mount waits killably)
tmo() { timeout -s KILL 60 "$@"; }
mounted() { awk -v m="$1" '$2 == m { f = 1 } END { exit !f }' /proc/mounts; }

nfs_cleanup() {
	mounted "$MNT" && { tmo busybox umount -f "$MNT" || busybox umount -l "$MNT"; }
	[ "$NFSD_UP" = 1 ] && tmo rpc.nfsd 0
	[ -f /var/lib/nfs/etab ] && exportfs -ua
	for p in "$MOUNTD" "$CLD"; do
		[ -n "$p" ] || continue
		kill "$p"
		wait "$p"
	done
	for m in "$EXP/tls" "$EXP/mtls" "$EXP" "$PIPEFS" /proc/fs/nfsd; do
		mounted "$m" && busybox umount "$m"
	done
} >/dev/null 2>&1

cleanup() {
	set +e	# a failed step (tlshd's exit status) must not end the rest
	nfs_cleanup
	nvme disconnect -n "$SUBNQN" >/dev/null 2>&1 || true
	if [ -d "$CFG/ports/1" ]; then
		rm -f "$CFG/ports/1/subsystems/$SUBNQN"
		rmdir "$CFG/ports/1"
	fi
	if [ -d "$CFG/subsystems/$SUBNQN" ]; then
		rm -f "$CFG/subsystems/$SUBNQN/allowed_hosts/$HOSTNQN"
		echo 0 > "$CFG/subsystems/$SUBNQN/namespaces/1/enable" 2>/dev/null
		rmdir "$CFG/subsystems/$SUBNQN/namespaces/1" 2>/dev/null
		rmdir "$CFG/subsystems/$SUBNQN"
	fi
	rmdir "$CFG/hosts/$HOSTNQN" 2>/dev/null
	if [ -n "$TLSHD" ]; then
		kill "$TLSHD"
		wait "$TLSHD" 2>/dev/null
	fi
	rm -rf "$W"
} 2>/dev/null
trap cleanup EXIT INT TERM

# --- set-up: modules, key, target, tlshd ------------------------------------
setup() {
	[ -n "$STATF" ] || { echo "no /proc/net/tls_stat: no TLS ULP loaded"; return 1; }
	echo "module under test: $TESTKO; TCP ULPs: $(cat /proc/sys/net/ipv4/tcp_available_ulp)"
	[ -d "/sys/module/$TESTKO" ] || { echo "no /sys/module/$TESTKO"; return 1; }
	# the `tls` ULP is the module under test's: Debian's tls.ko is not
	# loaded beside ktls.ko
	if [ "$TESTKO" != tls ] && [ -d /sys/module/tls ]; then
		echo "Debian's tls module is loaded beside $TESTKO"
		return 1
	fi
	while read -r f _; do
		out=$(insmod "/lib/modules/$f" 2>&1) ||
			case "$out" in *"File exists"*) ;; *) echo "insmod $f: $out"; return 1 ;; esac
	done < /etc/ktls-modules-consumers
	grep -q configfs /proc/mounts || mount -t configfs configfs /sys/kernel/config
	cat /opt/consumers/VERSIONS | grep -E '^(ktls-utils|nvme-cli|libnvme|libgnutls)'
	nvme version
	grep -q '\.nvme' /proc/keys || { echo "no .nvme keyring"; cat /proc/keys; return 1; }

	# the PSK (retained, SHA-256, NVMe TCP 2.0 identity) into .nvme
	KEY=$(nvme gen-tls-key --hmac=1) || return 1
	echo "key: $KEY"
	nvme check-tls-key --keyring=.nvme --hostnqn="$HOSTNQN" --subsysnqn="$SUBNQN" \
		--keydata="$KEY" --identity=1 --insert || return 1
	grep psk /proc/keys

	# the target: a file-backed namespace, TLS 1.3 required on the port
	dd if=/dev/zero of="$W/ns.img" bs=1M count=$((MB * 2)) 2>/dev/null
	mkdir "$CFG/hosts/$HOSTNQN"
	mkdir "$CFG/subsystems/$SUBNQN"
	echo 0 > "$CFG/subsystems/$SUBNQN/attr_allow_any_host"
	ln -s "$CFG/hosts/$HOSTNQN" "$CFG/subsystems/$SUBNQN/allowed_hosts/$HOSTNQN"
	mkdir "$CFG/subsystems/$SUBNQN/namespaces/1"
	printf %s "$W/ns.img" > "$CFG/subsystems/$SUBNQN/namespaces/1/device_path"
	echo 1 > "$CFG/subsystems/$SUBNQN/namespaces/1/buffered_io"
	echo 1 > "$CFG/subsystems/$SUBNQN/namespaces/1/enable"
	mkdir "$CFG/ports/1"
	echo tcp > "$CFG/ports/1/addr_trtype"
	echo ipv4 > "$CFG/ports/1/addr_adrfam"
	echo 127.0.0.1 > "$CFG/ports/1/addr_traddr"
	echo $PORT > "$CFG/ports/1/addr_trsvcid"
	echo tls1.3 > "$CFG/ports/1/addr_tsas"
	echo required > "$CFG/ports/1/addr_treq"
	ln -s "$CFG/subsystems/$SUBNQN" "$CFG/ports/1/subsystems/$SUBNQN"
	echo "port: tsas $(cat "$CFG/ports/1/addr_tsas") treq $(cat "$CFG/ports/1/addr_treq")"

	# tlshd for both ends: the target's PSKs are in .nvme
	cat > "$W/tlshd.conf" <<-EOF
	[debug]
	loglevel=1
	tls=0
	nl=0
	[authenticate]
	keyrings=.nvme
	EOF
	# its own session keyring (only .nvme, which the configuration
	# links, and what the kernel names): a host's key elsewhere is not
	# found by the target's end
	keyctl session - tlshd -s -c "$W/tlshd.conf" > "$W/tlshd.log" 2>&1 &
	TLSHD=$!
	sleep 1
	kill -0 $TLSHD || { cat "$W/tlshd.log"; return 1; }
}
t "setup # nvme/nvmet modules, PSK in .nvme, nvmet-tcp port with TLS required, tlshd" setup
sed 's/^/# /' "$W/t.out"

# connect [ARGS]: nvme connect --tls to the target, one I/O queue
connect() {
	nvme connect -t tcp -a 127.0.0.1 -s $PORT -n "$SUBNQN" --hostnqn="$HOSTNQN" \
		--hostid="$HOSTID" --nr-io-queues=1 --tls "$@"
}
dev() { # the namespace's block device (the guest has no other NVMe; the
	# multipath path devices, nvmeXcYnZ, have no /dev node)
	for d in /dev/nvme[0-9]n1 /dev/nvme[0-9][0-9]n1; do
		[ -b "$d" ] || continue
		echo "$d"
		return 0
	done
	return 1
}

DEV=""
t_connect() {
	snap
	r0=$(refs)
	connect || { tail -n 20 "$W/tlshd.log"; dmesg | tail -n 20; return 1; }
	settle dev || { echo "no namespace block device"; ls /sys/block; return 1; }
	DEV=$(dev)
	echo "namespace: $DEV ($(cat /sys/block/${DEV#/dev/}/size) sectors)"
	# admin queue + 1 I/O queue, a host and a target socket each
	sessions 4 || return 1
	echo "current: TX $(ctr TlsCurrTxSw) RX $(ctr TlsCurrRxSw); $TESTKO refcnt $r0 -> $(refs)"
	[ "$(ctr TlsCurrTxSw)" = 4 ] && [ "$(ctr TlsCurrRxSw)" = 4 ] && [ "$(refs)" -ge $((r0 + 4)) ]
}
t "connect # nvme connect --tls: 2 queues, 4 kTLS sockets of $TESTKO" t_connect

# rw WFLAG RFLAG: write MB MiB of fresh data to the namespace, read it
# back, compare
rw() {
	[ -n "$DEV" ] || return 1
	dd if=/dev/urandom of="$W/data" bs=1M count="$MB" 2>/dev/null
	# shellcheck disable=SC2086
	dd if="$W/data" of="$DEV" bs=1M $1 conv=fsync || return 1
	echo 3 > /proc/sys/vm/drop_caches
	# shellcheck disable=SC2086
	dd if="$DEV" of="$W/back" bs=1M count="$MB" $2 || return 1
	[ "$(sha "$W/back")" = "$(sha "$W/data")" ] || { echo "data read back differs"; return 1; }
	# and the target has it
	dd if="$W/ns.img" of="$W/tgt" bs=1M count="$MB" 2>/dev/null
	[ "$(sha "$W/tgt")" = "$(sha "$W/data")" ] || {
		echo "target's file differs: $(cmp "$W/tgt" "$W/data" 2>&1 | head -n 1)"
		return 1
	}
	echo "decrypt errors: $(ctr TlsDecryptError)"
	[ "$(ctr TlsDecryptError)" = "$E0" ]
}
t "io.buffered # $MB MiB written, read back and in the target's file intact" rw "" ""
t "io.direct # $MB MiB written and read back with O_DIRECT, intact" rw oflag=direct iflag=direct

t_disconnect() {
	[ -n "$DEV" ] || return 1
	nvme disconnect -n "$SUBNQN" || return 1
	settle no_sessions || {
		echo "still open: TX $(ctr TlsCurrTxSw) RX $(ctr TlsCurrRxSw), $TESTKO refcnt $(refs)"
		return 1
	}
	echo "$TESTKO refcnt $(refs), TlsCurrTxSw $(ctr TlsCurrTxSw) TlsCurrRxSw $(ctr TlsCurrRxSw)"
}
t "disconnect # every kTLS socket closed, $TESTKO unreferenced" t_disconnect

# A host whose PSK for the same identity differs from the target's: a key
# in the user keyring, named in connect (tls_key=); the target's end of
# tlshd searches only its own session keyring (.nvme).
t_wrong_psk() {
	# the target's key's description: its identity, with the key's digest
	desc=$(awk '$8 == "psk" { sub(/.* psk +/, ""); sub(/: [0-9]+$/, ""); print }' /proc/keys)
	[ -n "$desc" ] || { echo "no psk key"; cat /proc/keys; return 1; }
	head -c 32 /dev/urandom > "$W/bad.psk"
	bad=$(keyctl padd psk "$desc" @u < "$W/bad.psk") || return 1
	keyctl setperm "$bad" 0x3f3f0000
	keyctl show @u
	k0=$(dmesg | wc -l)
	l0=$(wc -l < "$W/tlshd.log")
	snap
	if connect --tls_key="$bad"; then
		echo "connected with the wrong PSK"
		return 1
	fi
	dmesg | tail -n +$((k0 + 1))
	tail -n +$((l0 + 1)) "$W/tlshd.log" > "$W/tlshd.new"
	cat "$W/tlshd.new"
	# the handshake itself failed (both ends), not a step before it
	[ "$(grep -c 'Handshake with .* failed' "$W/tlshd.new")" = 2 ] ||
		{ echo "tlshd did not report two failed handshakes"; return 1; }
	settle no_sessions || { echo "kTLS sockets left open"; return 1; }
	keyctl unlink "$bad" @u >/dev/null
	! dev
}
t "wrong_psk # a host PSK the target does not have: connect fails, nothing left open" t_wrong_psk
sed 's/^/# /' "$W/t.out"

t_again() {
	snap
	connect || return 1
	settle dev || return 1
	DEV=$(dev)
	dd if="$DEV" of="$W/back" bs=1M count="$MB" iflag=direct 2>/dev/null
	[ "$(sha "$W/back")" = "$(sha "$W/data")" ] || { echo "data read back differs"; return 1; }
	sessions 4
}
t "reconnect # the right PSK after the wrong one: connects, data intact" t_again
t "reconnect.disconnect # every kTLS socket closed again" t_disconnect

# --- NFS 4.2 over TLS --------------------------------------------------------
T_NFS=$(cut -d' ' -f1 /proc/uptime)

# the grace period is over: with nfsdcld's client tracking and no client
# to reclaim, nfsd skips it (else new OPENs wait 90 s)
grace_over() { [ "$(cat /proc/fs/nfsd/v4_end_grace)" = Y ]; }

nfs_setup() {
	while read -r f _; do
		out=$(insmod "/lib/modules/$f" 2>&1) ||
			case "$out" in *"File exists"*) ;; *) echo "insmod $f: $out"; return 1 ;; esac
	done < /etc/ktls-modules-consumers-nfs
	grep -E '^(nfs-|libtirpc|ktls-utils)' /opt/consumers/VERSIONS
	mounted /proc/fs/nfsd || mount -t nfsd nfsd /proc/fs/nfsd || return 1
	mkdir -p "$PIPEFS" /var/lib/nfs/nfsdcld "$EXP" "$MNT"
	mount -t rpc_pipefs rpc_pipefs "$PIPEFS" || return 1
	[ -e /etc/hosts ] || echo "127.0.0.1 localhost" > /etc/hosts

	# the pseudo-root (fsid=0, TLS or mTLS) and under it one export that
	# takes TLS without a client certificate and one that needs one
	mount -t tmpfs -o size=64m,mode=0755 nfs-root "$EXP" || return 1
	for e in tls mtls; do
		mkdir "$EXP/$e"
		mount -t tmpfs -o size=64m,mode=0755 "nfs-$e" "$EXP/$e" || return 1
	done
	cat > /etc/exports <<-EOF
	$EXP	127.0.0.1(ro,fsid=0,no_subtree_check,xprtsec=tls:mtls)
	$EXP/tls	127.0.0.1(rw,fsid=1,no_subtree_check,no_root_squash,xprtsec=tls)
	$EXP/mtls	127.0.0.1(rw,fsid=2,no_subtree_check,no_root_squash,xprtsec=mtls)
	EOF

	# tlshd again, now with x.509 for both ends: the client trusts the
	# server's certificate and presents its own for xprtsec=mtls, the
	# server presents its own and verifies the client's when offered
	if [ -n "$TLSHD" ]; then
		kill "$TLSHD"
		wait "$TLSHD" 2>/dev/null
		TLSHD=""
	fi
	cat > "$W/tlshd-nfs.conf" <<-EOF
	[debug]
	loglevel=1
	tls=0
	nl=0
	[authenticate.client]
	x509.truststore=$CERTS/server.pem
	x509.certificate=$CERTS/client.pem
	x509.private_key=$CERTS/client.key
	[authenticate.server]
	x509.truststore=$CERTS/client.pem
	x509.certificate=$CERTS/server.pem
	x509.private_key=$CERTS/server.key
	EOF
	keyctl session - tlshd -s -c "$W/tlshd-nfs.conf" > "$W/tlshd-nfs.log" 2>&1 &
	TLSHD=$!

	# the server, NFSv4 only: no rpcbind (mountd serves only the kernel's
	# export upcalls, nfsd's rpcbind registration of v4 is optional)
	nfsdcld -F > "$W/nfsdcld.log" 2>&1 &
	CLD=$!
	exportfs -ra || return 1
	exportfs -v
	rpc.mountd -F -N 2 -N 3 > "$W/mountd.log" 2>&1 &
	MOUNTD=$!
	sleep 1
	for p in $TLSHD $CLD $MOUNTD; do
		kill -0 "$p" || { cat "$W/tlshd-nfs.log" "$W/nfsdcld.log" "$W/mountd.log"; return 1; }
	done
	tmo rpc.nfsd -N 3 -U -p 2049 4 || { dmesg | tail -n 20; return 1; }
	NFSD_UP=1
	echo "nfsd versions: $(cat /proc/fs/nfsd/versions), threads: $(cat /proc/fs/nfsd/threads)"
	# nfsd skips it already with nfsdcld's tracking and nobody to
	# reclaim (EBUSY then); any other client tracking lets it be ended
	echo Y > /proc/fs/nfsd/v4_end_grace 2>/dev/null
	settle grace_over || {
		echo "still in the grace period"
		dmesg | tail -n 20
		cat "$W/nfsdcld.log"
		return 1
	}
	dmesg | grep -E 'NFSD' | tail -n 5
}
t "nfs.setup # nfsd/nfsv4 modules, exports with xprtsec=tls and =mtls, nfsdcld, mountd, nfsd (v4 only), tlshd with x.509" nfs_setup
sed 's/^/# /' "$W/t.out"

# nfs_mount EXPORT [OPTIONS]: mount 127.0.0.1:/EXPORT (NFS 4.2) on MNT
nfs_mount() {
	tmo mount.nfs "127.0.0.1:/$1" "$MNT" -n -o "vers=4.2,retry=0${2:+,$2}"
}
# t_nfs_mount EXPORT POLICY: one client and one server socket on kTLS
t_nfs_mount() {
	[ "$NFSD_UP" = 1 ] || return 1
	snap
	r0=$(refs)
	l0=$(wc -l < "$W/tlshd-nfs.log")
	nfs_mount "$1" "xprtsec=$2" || {
		tail -n +$((l0 + 1)) "$W/tlshd-nfs.log"
		dmesg | tail -n 20
		return 1
	}
	opts=$(awk -v m="$MNT" '$2 == m { print $4 }' /proc/mounts)
	echo "mounted: $opts"
	case ",$opts," in *",vers=4.2,"*",xprtsec=$2,"*) ;; *) echo "not vers=4.2,xprtsec=$2"; return 1 ;; esac
	tail -n +$((l0 + 1)) "$W/tlshd-nfs.log" | grep -E 'Handshake|certificate'
	sessions 2 || return 1
	echo "current: TX $(ctr TlsCurrTxSw) RX $(ctr TlsCurrRxSw); $TESTKO refcnt $r0 -> $(refs)"
	[ "$(ctr TlsCurrTxSw)" = 2 ] && [ "$(ctr TlsCurrRxSw)" = 2 ] && [ "$(refs)" -ge $((r0 + 2)) ]
}

# t_nfs_io EXPORT: files of NFS_MB MiB and of a few bytes to 69 KiB (not
# multiples of a record) written through the mount, read back after a
# cache drop and found in the export, intact
t_nfs_io() {
	mounted "$MNT" || return 1
	dd if=/dev/urandom of="$W/f.big" bs=1M count="$NFS_MB" 2>/dev/null
	for n in 1 5000 70001; do head -c "$n" /dev/urandom > "$W/f.$n"; done
	snap
	for f in big 1 5000 70001; do
		tmo dd if="$W/f.$f" of="$MNT/$f" bs=1M conv=fsync 2>/dev/null ||
			{ echo "writing $f failed"; return 1; }
	done
	sync
	echo 3 > /proc/sys/vm/drop_caches
	for f in big 1 5000 70001; do
		back=$(tmo sha256sum "$MNT/$f" | cut -d' ' -f1)
		[ "$back" = "$(sha "$W/f.$f")" ] || { echo "$f read back differs"; return 1; }
		[ "$(sha "$EXP/$1/$f")" = "$(sha "$W/f.$f")" ] ||
			{ echo "$f differs in the export"; return 1; }
	done
	ls -l "$MNT"
	echo "decrypt errors: $(($(ctr TlsDecryptError) - E0)); no new sessions: TX $(($(ctr TlsTxSw) - T0))"
	[ "$(ctr TlsDecryptError)" = "$E0" ] && [ "$(ctr TlsTxSw)" = "$T0" ]
}

t_nfs_umount() {
	mounted "$MNT" || return 1
	tmo busybox umount "$MNT" || return 1
	settle no_sessions || {
		echo "still open: TX $(ctr TlsCurrTxSw) RX $(ctr TlsCurrRxSw), $TESTKO refcnt $(refs)"
		return 1
	}
	echo "$TESTKO refcnt $(refs), TlsCurrTxSw $(ctr TlsCurrTxSw) TlsCurrRxSw $(ctr TlsCurrRxSw)"
}

t "nfs.tls.mount # mount vers=4.2,xprtsec=tls: a client and a server kTLS socket of $TESTKO" t_nfs_mount tls tls
sed 's/^/# /' "$W/t.out"
t "nfs.tls.io # $NFS_MB MiB and three small files written, read back and in the export intact" t_nfs_io tls
t "nfs.tls.umount # every kTLS socket closed, $TESTKO unreferenced" t_nfs_umount
t "nfs.mtls.mount # mount xprtsec=mtls (client certificate) of the export that needs one" t_nfs_mount mtls mtls
sed 's/^/# /' "$W/t.out"
t "nfs.mtls.io # the same through the mTLS mount" t_nfs_io mtls
t "nfs.mtls.umount # every kTLS socket closed, $TESTKO unreferenced" t_nfs_umount

# t_refused EXPORT [OPTIONS] SESSIONS: the mount fails with EPERM (the
# server's NFS4ERR_WRONGSEC, not a failed handshake or the time limit),
# SESSIONS kTLS sessions were opened on the way, nothing stays open or
# mounted
t_refused() {
	[ "$NFSD_UP" = 1 ] || return 1
	snap
	k0=$(dmesg | wc -l)
	out=$(nfs_mount "$1" "$2" 2>&1)
	rc=$?
	echo "$out"
	echo "mount.nfs exit $rc"
	dmesg | tail -n +$((k0 + 1))
	case "$rc:$out" in
	0:*) echo "not refused"; return 1 ;;
	*"Operation not permitted"*) ;;
	*) echo "refused, but not with EPERM"; return 1 ;;
	esac
	! mounted "$MNT" || return 1
	sessions "$3" || return 1
	settle no_sessions || { echo "kTLS sockets left open"; return 1; }
}
t "nfs.notls_refused # a mount without xprtsec: refused by the TLS export, no kTLS session" t_refused tls "" 0
sed 's/^/# /' "$W/t.out"
t "nfs.mtls_nocert_refused # xprtsec=tls (no client certificate) on the mTLS export: TLS, then refused" t_refused mtls xprtsec=tls 2
sed 's/^/# /' "$W/t.out"

echo "# tlshd log (last lines):"
tail -n 10 "$W/tlshd.log" | sed 's/^/# /'
echo "# tlshd log of the NFS part (last lines):"
tail -n 10 "$W/tlshd-nfs.log" 2>/dev/null | sed 's/^/# /'
echo "# consumers: $(awk -v s="$T_START" '{ printf "%.0f", $1 - s }' /proc/uptime) s" \
	"(NFS part $(awk -v s="$T_NFS" '{ printf "%.0f", $1 - s }' /proc/uptime) s)"
exit 0
