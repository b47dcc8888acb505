/* SPDX-License-Identifier: GPL-2.0 */
/* compat.h - kernel API differences, selected by the COMPAT_* probe flags. */
#ifndef KTLS_COMPAT_H
#define KTLS_COMPAT_H

#include <linux/bvec.h>
#include <linux/uio.h>
#include <net/tcp.h>

/* "more pages of this record follow" for the page push below */
#ifdef COMPAT_HAS_DO_TCP_SENDPAGES
#define KTLS_MSG_NOTLAST	MSG_SENDPAGE_NOTLAST
#else
#define KTLS_MSG_NOTLAST	MSG_MORE
#endif

/* Flags sendmsg() accepts besides MSG_MORE/DONTWAIT/NOSIGNAL/CMSG_COMPAT/EOR */
#ifdef COMPAT_HAS_DO_TCP_SENDPAGES
#define KTLS_MSG_INTERNAL	0
#else
#define KTLS_MSG_INTERNAL	(MSG_SPLICE_PAGES | MSG_SENDPAGE_NOPOLICY)
#endif

/**
 * ktls_compat_push_page() - hand a page range to TCP without copying it
 * @sk: TCP socket, lock_sock held
 * @page: page holding encrypted record bytes; TCP takes its own reference
 * @offset: start in @page
 * @len: bytes
 * @flags: MSG_DONTWAIT, MSG_MORE, KTLS_MSG_NOTLAST
 *
 * Return: bytes queued (may be short), or a negative errno.
 */
static inline int ktls_compat_push_page(struct sock *sk, struct page *page,
					int offset, size_t len, int flags)
{
#ifdef COMPAT_HAS_DO_TCP_SENDPAGES
	return do_tcp_sendpages(sk, page, offset, len, flags);
#else
	struct msghdr msg = { .msg_flags = MSG_SPLICE_PAGES | flags };
	struct bio_vec bvec;

	bvec_set_page(&bvec, page, len, offset);
	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, &bvec, 1, len);
	return tcp_sendmsg_locked(sk, &msg, len);
#endif
}

#endif /* KTLS_COMPAT_H */
