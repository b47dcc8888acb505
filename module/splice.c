// SPDX-License-Identifier: GPL-2.0
/*
 * splice.c - RX for readers other than recvmsg: splice_read and read_sock.
 *
 * Both take records as the read loop (rx.c) decrypts them and hand on
 * copies of their content: splice_read fresh pages to a pipe, read_sock
 * page-sized skbs to an in-kernel reader's actor (the NVMe/TCP host's).
 * A control record is never handed on: it stays queued for recvmsg and
 * its record-type cmsg.
 */

#include <linux/mm.h>
#include <linux/pipe_fs_i.h>
#include <linux/skbuff.h>
#include <linux/splice.h>

#include "ktls.h"

/* pages one record's content can need when spliced */
#define KTLS_RX_SPLICE_PAGES	DIV_ROUND_UP(KTLS_MAX_PLAIN, PAGE_SIZE)

static void ktls_rx_spd_release(struct splice_pipe_desc *spd, unsigned int i)
{
	put_page(spd->pages[i]);
}

/* Copy @len bytes of @rec's content into fresh pages for @pipe. */
static ssize_t ktls_rx_splice_copy(struct pipe_inode_info *pipe,
				   const struct ktls_rx_rec *rec, size_t len)
{
	struct page *pages[KTLS_RX_SPLICE_PAGES];
	struct partial_page partial[KTLS_RX_SPLICE_PAGES];
	struct splice_pipe_desc spd = {
		.pages = pages,
		.partial = partial,
		.nr_pages_max = KTLS_RX_SPLICE_PAGES,
		.ops = &nosteal_pipe_buf_ops,
		.spd_release = ktls_rx_spd_release,
	};
	size_t off;

	for (off = 0; off < len; off += PAGE_SIZE) {
		size_t n = min_t(size_t, len - off, PAGE_SIZE);
		struct page *page = alloc_page(GFP_KERNEL);

		if (!page)
			break;
		ktls_recbuf_read(rec, rec->start + off, page_address(page), n);
		pages[spd.nr_pages] = page;
		partial[spd.nr_pages].offset = 0;
		partial[spd.nr_pages].len = n;
		partial[spd.nr_pages].private = 0;
		spd.nr_pages++;
	}
	if (!spd.nr_pages)
		return -ENOMEM;
	return splice_to_pipe(pipe, &spd);
}

/*
 * The first record with something to read, decrypting one if none is
 * queued; empty data records are dropped on the way.
 */
static int ktls_rx_splice_head(struct sock *sk, struct ktls_rx *rx,
			       long *timeo, struct ktls_rx_rec **recp)
{
	struct ktls_rx_rec *rec;
	int ret;

	for (;;) {
		rec = ktls_rx_next(rx, NULL);
		if (!rec) {
			ret = ktls_rx_more(sk, rx, timeo, true, false);
			if (ret <= 0)
				return ret;
			continue;
		}
		if (rec->len || rec->type != KTLS_CT_APPLICATION_DATA)
			break;
		ktls_rx_consume(rx, rec, 0);
	}
	*recp = rec;
	return 1;
}

/*
 * Hand @rec's content to @actor as skbs of at most a page each (no
 * high-order allocation, also with an atomic sk_allocation such as the
 * NVMe host's); the actor may keep them. Bytes it leaves are offered again
 * while desc->count lasts. Return: bytes used, or a negative errno when
 * none.
 */
static int ktls_rx_actor(struct sock *sk, read_descriptor_t *desc,
			 sk_read_actor_t actor, const struct ktls_rx_rec *rec)
{
	u32 done = 0, len = rec->len;

	while (done < len && desc->count) {
		u32 n = min_t(u32, len - done, SKB_MAX_HEAD(0));
		struct sk_buff *skb = alloc_skb(n, sk->sk_allocation);
		int used;

		if (!skb)
			return done ?: -ENOMEM;
		ktls_recbuf_read(rec, rec->start + done, skb_put(skb, n), n);
		used = actor(desc, skb, 0, n);
		consume_skb(skb);
		if (used <= 0)
			return done ?: used;
		done += min_t(u32, used, n);
	}
	return done;
}

/**
 * ktls_read_sock() - proto_ops->read_sock with RX configured
 * @sk: socket, lock_sock held by the caller (as for tcp_read_sock())
 * @desc: the caller's descriptor: reading stops when its count is 0
 * @actor: called with the content of each data record, in order
 *
 * The kernel's own readers (the NVMe/TCP host, docs/design.md) read a kTLS
 * socket this way. Never waits: what is decrypted or whole in TCP is read.
 * A record the actor took part of is resumed there on the next call; an
 * empty data record is skipped; a non-data record stops the read and
 * stays queued, for recvmsg with its record-type cmsg.
 *
 * Return: bytes the actor used, or when none: 0 at EOF, -EAGAIN (no whole
 * record, or a reader such as a recvmsg sleeping owns the stream),
 * -EINVAL (a non-data record first, or the socket has a psock), the
 * sticky -EBADMSG, -EKEYEXPIRED after a KeyUpdate until the new key, or
 * the actor's error.
 */
int ktls_read_sock(struct sock *sk, read_descriptor_t *desc,
		   sk_read_actor_t actor)
{
	struct ktls_rx *rx = ktls_get_ctx(sk)->rx;
	struct ktls_rx_rec *rec;
	int copied = 0, err = 0, used;
	long timeo = 0;

	sock_owned_by_me(sk);
	if (ktls_has_psock(sk))
		return -EINVAL;
	if (rx->reader)
		return -EAGAIN;
	rx->reader = true;
	while (desc->count) {
		rec = ktls_rx_next(rx, NULL);
		if (!rec) {
			err = ktls_rx_more(sk, rx, &timeo, true, copied);
			if (err <= 0)
				break;
			continue;
		}
		if (rec->type != KTLS_CT_APPLICATION_DATA) {
			err = -EINVAL;
			break;
		}
		if (!rec->len) {	/* TLS 1.3 allows empty data records */
			ktls_rx_consume(rx, rec, 0);
			continue;
		}
		used = ktls_rx_actor(sk, desc, actor, rec);
		if (used <= 0) {
			err = used;
			break;
		}
		copied += used;
		ktls_rx_consume(rx, rec, used);
	}
	ktls_rx_reader_done(sk, rx);
	return copied ?: err;
}

/**
 * ktls_splice_read() - proto_ops->splice_read with RX configured
 * @sock: socket
 * @ppos: unused
 * @pipe: destination
 * @len: bytes wanted
 * @flags: SPLICE_F_NONBLOCK, ...
 *
 * Moves data of at most one record per call; a control record can't be
 * spliced (-EINVAL) and stays queued for recvmsg.
 *
 * Return: bytes spliced, 0 at EOF, or a negative errno.
 */
ssize_t ktls_splice_read(struct socket *sock, loff_t *ppos,
			 struct pipe_inode_info *pipe, size_t len,
			 unsigned int flags)
{
	struct sock *sk = sock->sk;
	struct ktls_rx *rx = ktls_get_ctx(sk)->rx;
	long timeo = sock_rcvtimeo(sk, flags & SPLICE_F_NONBLOCK);
	struct ktls_rx_rec *rec;
	ssize_t ret;

	if (!len)
		return 0;
	ret = ktls_rx_reader_lock(sk, rx, &timeo);
	if (ret)
		return ret;
	ret = ktls_rx_splice_head(sk, rx, &timeo, &rec);
	if (ret <= 0)
		goto out;
	if (rec->type != KTLS_CT_APPLICATION_DATA) {
		ret = -EINVAL;
		goto out;
	}
	ret = ktls_rx_splice_copy(pipe, rec, min_t(size_t, len, rec->len));
	if (ret > 0)
		ktls_rx_consume(rx, rec, ret);
out:
	ktls_rx_reader_unlock(sk, rx);
	return ret;
}
