#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# consumers.sh - what the `consumers` VM suite needs besides the kernel's
# own kTLS users: trixie's tlshd (ktls-utils 1.0), nvme-cli 2.13 (Debian
# 12's 2.3 has no TLS), keyctl, and nfs-utils 2.8.3's server and client
# (rpc.nfsd, rpc.mountd, exportfs, nfsdcld, mount.nfs: `xprtsec=` needs
# 2.6.4), with their libraries, kept in the cache and staged under
# /opt/consumers (run through trixie's ld.so: wrappers /usr/bin/tlshd,
# /usr/bin/nvme, ...), never installed on the host; the x.509
# certificates of the NFS part, made here at each staging (openssl);
# and the series' NVMe/TCP host and target modules and its NFS server
# and NFSv4 client, which the suite loads itself
# (STAGE/etc/ktls-modules-consumers, STAGE/etc/ktls-modules-consumers-nfs).
#
# Usage: scripts/consumers.sh fetch         download and unpack once
#        scripts/consumers.sh stage STAGE   fetch, then copy into an initramfs
#                                           tree (series: $KTLS_SERIES)
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
DIR=$CACHE/apps/consumers
# The programs, then every library package they load (trixie_needed
# names a missing one).
PKGS="ktls-utils nvme-cli keyutils nfs-kernel-server nfs-common
libc6 libnvme1t64 libjson-c5 libkeyutils1 libssl3t64 zlib1g libzstd1
libglib2.0-0t64 libatomic1 libffi8 libpcre2-8-0
libgnutls30t64 libgmp10 libhogweed6t64 libnettle8t64 libidn2-0 libp11-kit0
libtasn1-6 libunistring5 libnl-3-200 libnl-genl-3-200
libtirpc3t64 libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0
libcom-err2 libmount1 libblkid1 libuuid1 libselinux1 libwrap0 libxml2
liblzma5 libsqlite3-0 libevent-core-2.1-7t64 libcap2"
MODULES="nvme-tcp nvmet-tcp"
# the NFS server (NFSv4 only: no lockd use, no rpcbind) and the NFSv4
# client; mount -t nfs finds nfsv4 loaded (the guest has no modprobe)
NFS_MODULES="nfsd nfsv4"
# shellcheck source=scripts/trixie.sh
. "$TOP/scripts/trixie.sh"

fetch() {
	# shellcheck disable=SC2086
	trixie_fetch "$DIR" $PKGS
}

# certs DIR - the NFS part's x.509 material, new at each staging: a
# self-signed certificate and key for each end (ECDSA P-256, valid for
# a week from now: the guest's clock is the host's), for 127.0.0.1 (the
# client's tlshd checks the server's against the name it mounted). Each
# end's trust store is the other's certificate, which is therefore its
# own CA (GnuTLS refuses a CA:FALSE one as its own issuer).
certs() {
	local d=$1 who
	mkdir -p "$d"
	cat > "$d/req.cnf" <<-EOF
	[req]
	distinguished_name = dn
	prompt = no
	[dn]
	[ext]
	basicConstraints = critical, CA:TRUE
	keyUsage = critical, digitalSignature, keyCertSign
	extendedKeyUsage = serverAuth, clientAuth
	subjectAltName = IP:127.0.0.1, DNS:localhost
	EOF
	for who in server client; do
		openssl req -x509 -config "$d/req.cnf" -extensions ext \
			-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7 \
			-subj "/O=ktls consumers suite/CN=nfs-$who" \
			-keyout "$d/$who.key" -out "$d/$who.pem" 2>"$d/openssl.log" ||
			{ cat "$d/openssl.log" >&2; die "openssl req for the $who certificate failed"; }
	done
	rm -f "$d/req.cnf" "$d/openssl.log"
}

stage() {
	local st=$1
	fetch
	trixie_stage "$st" "$DIR" /opt/consumers usr/sbin/tlshd:tlshd \
		usr/sbin/nvme:nvme usr/bin/keyctl:keyctl \
		usr/sbin/rpc.nfsd:rpc.nfsd usr/sbin/rpc.mountd:rpc.mountd \
		usr/sbin/exportfs:exportfs usr/sbin/nfsdcld:nfsdcld \
		usr/sbin/mount.nfs:mount.nfs
	certs "$st/etc/ktls-consumers"
	[ -n "${KTLS_SERIES:-}" ] || die "KTLS_SERIES is not set (run.sh sets it)"
	load_series "$KTLS_SERIES"
	mkdir -p "$st/lib/modules" "$st/etc"
	# shellcheck disable=SC2086
	bash "$TOP/tests/vm/runner/stage-modules.sh" --suite consumers "$KIMG" "$KREL" "$st" \
		$MODULES >/dev/null
	# shellcheck disable=SC2086
	bash "$TOP/tests/vm/runner/stage-modules.sh" --suite consumers-nfs "$KIMG" "$KREL" "$st" \
		$NFS_MODULES >/dev/null
}

case "${1:-}" in
fetch) fetch ;;
stage) [ $# = 2 ] || die "usage: consumers.sh stage STAGE"; stage "$2" ;;
*) die "usage: consumers.sh fetch | stage STAGE" ;;
esac
