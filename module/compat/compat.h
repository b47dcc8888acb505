/* SPDX-License-Identifier: GPL-2.0 */
/* compat.h - kernel API differences, selected by the COMPAT_* probe flags. */
#ifndef KTLS_COMPAT_H
#define KTLS_COMPAT_H

#include <linux/bvec.h>
#include <linux/uio.h>
#include <net/tcp.h>

/* The n-th page after @page in a (compound) page */
#ifdef COMPAT_HAS_NTH_PAGE
#define ktls_nth_page(page, n)	nth_page(page, n)
#else
#define ktls_nth_page(page, n)	((page) + (n))
#endif

/* Flags sendmsg() accepts besides MSG_MORE/DONTWAIT/NOSIGNAL/CMSG_COMPAT/EOR */
#ifdef COMPAT_HAS_DO_TCP_SENDPAGES
#define KTLS_MSG_INTERNAL	0
#else
#define KTLS_MSG_INTERNAL	(MSG_SPLICE_PAGES | MSG_SENDPAGE_NOPOLICY)
#endif

/* sendmsg() carries spliced pages the record layer may reference */
#ifdef COMPAT_HAS_DO_TCP_SENDPAGES
#define KTLS_MSG_SPLICE		0
#else
#define KTLS_MSG_SPLICE		MSG_SPLICE_PAGES
#endif

/**
 * ktls_compat_push() - hand record bytes to TCP without copying them
 * @sk: TCP socket, lock_sock held
 * @bv: the record's segments (pages, possibly compound, and offsets);
 *      TCP takes its own page references
 * @nbv: entries in @bv
 * @skip: bytes at the start already queued
 * @len: bytes to queue after those
 * @flags: MSG_DONTWAIT, MSG_MORE, MSG_NOSIGNAL
 *
 * Return: bytes queued (may be short), or a negative errno.
 */
static inline int ktls_compat_push(struct sock *sk, const struct bio_vec *bv,
				   int nbv, u32 skip, u32 len, int flags)
{
#ifdef COMPAT_HAS_DO_TCP_SENDPAGES
	int done = 0;

	while (skip >= bv->bv_len) {
		skip -= bv->bv_len;
		bv++;
	}
	while (len) {
		u32 n = min_t(u32, len, bv->bv_len - skip);
		int f = flags | (n < len ? MSG_SENDPAGE_NOTLAST : 0);
		int ret = do_tcp_sendpages(sk, bv->bv_page, bv->bv_offset + skip,
					   n, f);

		if (ret <= 0)
			return done ? done : ret;
		done += ret;
		len -= ret;
		if (ret < n)
			break;
		skip = 0;
		bv++;
	}
	return done;
#else
	struct msghdr msg = { .msg_flags = MSG_SPLICE_PAGES | flags };

	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, bv, nbv, skip + len);
	iov_iter_advance(&msg.msg_iter, skip);
	return tcp_sendmsg_locked(sk, &msg, len);
#endif
}

#endif /* KTLS_COMPAT_H */
