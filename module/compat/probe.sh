#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# probe.sh SRCTREE OBJTREE - print -DCOMPAT_* flags for the target kernel.
# The ONLY place that looks at what the kernel provides: each probe greps
# the target's headers and becomes one named feature flag.
src=$1
obj=$2

hdr() {
	for d in "$src" "$obj"; do
		[ -f "$d/$1" ] && { echo "$d/$1"; return; }
	done
	echo /dev/null
}

probe() {	# probe FLAG HEADER EXTENDED-REGEX
	grep -qE "$3" "$(hdr "$2")" && printf ' -D%s' "$1"
}

# struct proto still has ->sendpage (6.1); removed in 6.5.
probe COMPAT_HAS_SENDPAGE include/net/sock.h '\(\*sendpage\)\(struct sock'
# do_tcp_sendpages() pushes pages into TCP without a copy (6.1).
probe COMPAT_HAS_DO_TCP_SENDPAGES include/net/tcp.h 'do_tcp_sendpages'
# ->splice_eof (6.5, backported to Debian's 6.1).
probe COMPAT_HAS_SPLICE_EOF include/net/sock.h '\(\*splice_eof\)'
# tcp_ulp_ops->get_info() with a net_admin argument (newer kernels).
probe COMPAT_ULP_GET_INFO_NET_ADMIN include/net/tcp.h \
	'\(\*get_info\)\(struct sock \*sk, struct sk_buff \*skb,'
# tcp_ulp_ops->get_info_size() with a net_admin argument (7.x).
probe COMPAT_ULP_GET_INFO_SIZE_NET_ADMIN include/net/tcp.h \
	'\(\*get_info_size\)\(const struct sock \*sk, bool'
# proto->recvmsg() still takes int *addr_len (removed in 7.x).
probe COMPAT_RECVMSG_ADDR_LEN include/net/sock.h \
	'size_t len, int flags, int \*addr_len\);'
# nth_page() (7.x: pages of a compound page are contiguous, page + n).
probe COMPAT_HAS_NTH_PAGE include/linux/mm.h '#define nth_page\('
# iov_iter_extract_pages() pins user pages (6.3); before: get_pages2 refs.
probe COMPAT_HAS_ITER_EXTRACT include/linux/uio.h 'iov_iter_extract_pages\('
# crypto_completion_t takes the request's data pointer (6.3); before: the request.
probe COMPAT_CRYPTO_DONE_DATA include/linux/crypto.h \
	'crypto_completion_t\)\(void \*'
echo
