/* SPDX-License-Identifier: GPL-2.0 */
/* compat.h - kernel API differences, selected by the COMPAT_* probe flags. */
#ifndef KTLS_COMPAT_H
#define KTLS_COMPAT_H

#include <linux/bvec.h>
#include <linux/crypto.h>
#include <linux/mm.h>
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

/*
 * ktls_compat_push() flag: more record bytes follow before the caller
 * returns (or in the next call of the same splice), so TCP need not push
 * these yet. Kernels with sendpage push at the end of every
 * do_tcp_sendpages() unless told MSG_SENDPAGE_NOTLAST, which costs a
 * tcp_push() per record; later kernels' tcp_sendmsg_locked() pushes
 * (corked by MSG_MORE) whatever the flags, so there it is nothing.
 * Bytes handed over with it are pushed by ktls_compat_tcp_push().
 */
#ifdef COMPAT_HAS_DO_TCP_SENDPAGES
#define KTLS_PUSH_LATER		MSG_SENDPAGE_NOTLAST
#else
#define KTLS_PUSH_LATER		0
#endif

/**
 * ktls_compat_tcp_push() - push what TCP holds after KTLS_PUSH_LATER
 * @sk: TCP socket, lock_sock not held (it is taken here)
 *
 * As uncorking does: queued data goes out as Nagle allows. Leaves a
 * socket the application corked (TCP_CORK) alone, as TCP would.
 */
static inline void ktls_compat_tcp_push(struct sock *sk)
{
#ifdef COMPAT_HAS_DO_TCP_SENDPAGES
	if (!(tcp_sk(sk)->nonagle & TCP_NAGLE_CORK))
		tcp_sock_set_cork(sk, false);
#endif
}

/**
 * ktls_compat_push() - hand record bytes to TCP without copying them
 * @sk: TCP socket, lock_sock held
 * @bv: the record's segments (pages, possibly compound, and offsets);
 *      TCP takes its own page references
 * @nbv: entries in @bv
 * @skip: bytes at the start already queued
 * @len: bytes to queue after those
 * @flags: MSG_DONTWAIT, MSG_MORE, MSG_NOSIGNAL, KTLS_PUSH_LATER
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

/**
 * ktls_compat_pages_get() - take pages of a user-backed iterator to write to
 * @iter: destination iterator (ITER_UBUF or ITER_IOVEC); advanced
 * @pages: filled with up to @maxpages pages
 * @maxsize: bytes wanted
 * @maxpages: room in @pages
 * @off: set to the offset of the first byte in @pages[0]
 *
 * Release them with ktls_compat_pages_put().
 *
 * Return: bytes taken (the pages cover @off + that), or a negative errno.
 */
static inline ssize_t ktls_compat_pages_get(struct iov_iter *iter,
					    struct page **pages,
					    size_t maxsize,
					    unsigned int maxpages,
					    size_t *off)
{
#ifdef COMPAT_HAS_ITER_EXTRACT
	return iov_iter_extract_pages(iter, &pages, maxsize, maxpages, 0, off);
#else
	return iov_iter_get_pages2(iter, pages, maxsize, maxpages, off);
#endif
}

/**
 * ktls_compat_pages_put() - release pages of ktls_compat_pages_get()
 * @iter: the iterator they came from
 * @pages: the pages
 * @n: how many
 *
 * They were written to: pinned pages are marked dirty as they are unpinned.
 */
static inline void ktls_compat_pages_put(const struct iov_iter *iter,
					 struct page **pages, unsigned int n)
{
#ifdef COMPAT_HAS_ITER_EXTRACT
	if (iov_iter_extract_will_pin(iter))
		unpin_user_pages_dirty_lock(pages, n, true);
#else
	while (n--)
		put_page(pages[n]);
#endif
}

/*
 * An asynchronous crypto request's completion callback: what it is given
 * (the data pointer set with the callback, or before 6.3 the request that
 * carries it) and how it gets that pointer.
 */
#ifdef COMPAT_CRYPTO_DONE_DATA
#define KTLS_CRYPTO_DONE_ARG	void *
static inline void *ktls_crypto_done_data(void *arg)
{
	return arg;
}
#else
#define KTLS_CRYPTO_DONE_ARG	struct crypto_async_request *
static inline void *ktls_crypto_done_data(struct crypto_async_request *req)
{
	return req->data;
}
#endif

#endif /* KTLS_COMPAT_H */
