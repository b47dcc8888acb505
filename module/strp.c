// SPDX-License-Identifier: GPL-2.0
/*
 * strp.c - RX framing: find whole records in the TCP receive queue.
 *
 * Records stay in the TCP receive queue until a whole one is there; the
 * header at copied_seq is peeked at once per record and its length kept
 * in rx->rec_len. The data_ready hook wakes readers only for whole
 * records. When TCP's window collapses before a record is whole, its
 * start is taken out of TCP into rx->part (which reopens the window),
 * with a work item to try again when no buffer could be had. The record
 * layer (rx.c) then takes the record out, or maps it where it lies for
 * decryption (ktls_rx_map_queue()). Everything here runs with the socket
 * locked: lock_sock in process context, or the bh lock in data_ready.
 */

#include <linux/scatterlist.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>

#include "ktls.h"

/**
 * ktls_rx_copy_bits() - copy bytes of the TCP queue without consuming them
 * @sk: socket, locked (lock_sock, or the bh lock in data_ready)
 * @skip: bytes after the first unread one (copied_seq) to start at
 * @to: destination
 * @len: bytes to copy
 *
 * Return: 0, -EAGAIN when fewer bytes are queued, or -EFAULT.
 */
int ktls_rx_copy_bits(struct sock *sk, u32 skip, u8 *to, u32 len)
{
	u32 seq = tcp_sk(sk)->copied_seq + skip;
	struct sk_buff *skb;

	sock_owned_by_me(sk);
	skb_queue_walk(&sk->sk_receive_queue, skb) {
		u32 off = seq - TCP_SKB_CB(skb)->seq;
		u32 n;

		if (unlikely(TCP_SKB_CB(skb)->tcp_flags & TCPHDR_SYN))
			off--;
		if (off >= skb->len)
			continue;
		n = min(len, skb->len - off);
		if (skb_copy_bits(skb, off, to, n))
			return -EFAULT;
		to += n;
		seq += n;
		len -= n;
		if (!len)
			return 0;
	}
	return -EAGAIN;
}

/**
 * ktls_rx_copy_to_rec() - ktls_rx_copy_bits() from copied_seq into a buffer
 * @sk: socket, locked
 * @rec: record buffer, any layout
 * @off: offset in @rec
 * @len: bytes to copy
 *
 * Return: 0, -EAGAIN when fewer bytes are queued, or -EFAULT.
 */
int ktls_rx_copy_to_rec(struct sock *sk, struct ktls_rx_rec *rec, u32 off,
			u32 len)
{
	u32 done, n;
	int err;

	for (done = 0; done < len; done += n) {
		u8 *p = ktls_recbuf_at(rec, off + done, &n);

		n = min(n, len - done);
		err = ktls_rx_copy_bits(sk, done, p, n);
		if (err)
			return err;
	}
	return 0;
}

/**
 * ktls_rx_abort() - the stream is unusable from here on: parse no more
 * @sk: socket, locked
 * @rx: its RX state
 * @err: negative errno, reported once through sk_err
 */
void ktls_rx_abort(struct sock *sk, struct ktls_rx *rx, int err)
{
	rx->stopped = true;
	WRITE_ONCE(rx->ready, false);
	WRITE_ONCE(sk->sk_err, -err);
	sk_error_report(sk);
}

/**
 * ktls_rx_pull() - move bytes from the TCP queue to the end of rx->part
 * @sk: socket, locked
 * @rx: its RX state, with rx->part
 * @n: bytes to move
 *
 * Return: 0, or ktls_rx_copy_to_rec()'s error: nothing is consumed then.
 */
int ktls_rx_pull(struct sock *sk, struct ktls_rx *rx, u32 n)
{
	int err;

	if (!n)
		return 0;	/* the TCP queue may be empty */
	err = ktls_rx_copy_to_rec(sk, rx->part, rx->part_got, n);
	if (err)
		return err;
	tcp_read_done(sk, n);
	rx->part_got += n;
	return 0;
}

/* How long the work waits before it tries again after a failure of its own. */
#define KTLS_RX_ALLOC_RETRY	(HZ / 20)

/*
 * The record buffer could not be had: with the window closed no segment
 * and no data_ready may ever come to try again, and a reader would sleep
 * for good. So the work tries from process context with the socket's own
 * allocation flags, as upstream's parser does: at once after a failure in
 * softirq, @delay jiffies from now after one in process context (a
 * kernel socket's sk_allocation may be atomic there too: no busy loop).
 * Called with the socket locked.
 */
static void ktls_rx_retry_alloc(struct sock *sk, struct ktls_rx *rx,
				unsigned long delay)
{
	sock_owned_by_me(sk);
	if (rx->closing)
		return;
	sock_hold(sk);
	if (!schedule_delayed_work(&rx->alloc_work, delay))
		sock_put(sk);	/* already pending; it holds its own */
}

/*
 * A record is incomplete but TCP's receive window has collapsed or its
 * buffer is under pressure (with loopback's 64 KiB MSS that happens early):
 * waiting for the rest would stall the connection, so take what is there
 * out of TCP, which reopens the window. As upstream's parser does.
 * Called with the socket locked, possibly from softirq (@gfp atomic).
 */
static void ktls_rx_pull_partial(struct sock *sk, struct ktls_rx *rx,
				 int inq, gfp_t gfp)
{
	u32 want = rx->rec_len ? rx->rec_len : KTLS_REC_HDR_LEN;

	sock_owned_by_me(sk);
	if (inq <= 0 || !tcp_epollin_ready(sk, INT_MAX))
		return;
	if (!rx->part) {
		rx->part = ktls_rx_rec_get(rx, KTLS_RX_MAX_REC,
					   gfp | __GFP_NOWARN);
		if (!rx->part) {
			ktls_rx_retry_alloc(sk, rx, in_task() ?
					    KTLS_RX_ALLOC_RETRY : 0);
			return;
		}
		rx->part_got = 0;
	}
	ktls_rx_pull(sk, rx, min_t(u32, inq, want - rx->part_got));
}

/**
 * ktls_rx_hdr_at() - the header of a record in the TCP queue, checked
 * @sk: socket, locked
 * @rx: its RX state
 * @skip: the record's offset from copied_seq
 * @type: set to its outer type
 * @len: set to its length, header included
 *
 * The one header check, for the record at copied_seq (framing) and for
 * those after it (records in flight, rxasync.c).
 *
 * Return: 0, 1 when the header is not all queued, or ktls_hdr_parse()'s
 * error (-EMSGSIZE, -EBADMSG, -EINVAL).
 */
int ktls_rx_hdr_at(struct sock *sk, struct ktls_rx *rx, u32 skip, u8 *type,
		   u32 *len)
{
	u8 hdr[KTLS_REC_HDR_LEN];

	sock_owned_by_me(sk);
	if (tcp_inq(sk) < (int)(skip + KTLS_REC_HDR_LEN) ||
	    ktls_rx_copy_bits(sk, skip, hdr, KTLS_REC_HDR_LEN))
		return 1;
	return ktls_hdr_parse(&rx->c.prot, hdr, type, len);
}

/*
 * The record header's check: from rx->part when it holds one, else from
 * TCP. Return: as ktls_rx_hdr_at().
 */
static int ktls_rx_peek_hdr(struct sock *sk, struct ktls_rx *rx, int inq,
			    u8 *type, u32 *len)
{
	u8 hdr[KTLS_REC_HDR_LEN];

	if (rx->part && rx->part_got < KTLS_REC_HDR_LEN &&
	    ktls_rx_pull(sk, rx, min_t(u32, inq, KTLS_REC_HDR_LEN -
					      rx->part_got)))
		return 1;
	if (!rx->part)
		return ktls_rx_hdr_at(sk, rx, 0, type, len);
	if (rx->part_got < KTLS_REC_HDR_LEN)
		return 1;
	ktls_recbuf_read(rx->part, 0, hdr, KTLS_REC_HDR_LEN);
	return ktls_hdr_parse(&rx->c.prot, hdr, type, len);
}

/*
 * Look at the header at copied_seq, once per record: its length stays in
 * rx->rec_len until ktls_rx_fetch() takes the record. A bad header stops
 * the parser for good and sets sk_err (EMSGSIZE, EBADMSG or EINVAL).
 * Called with the socket locked; @gfp is atomic from softirq, else
 * sk->sk_allocation (ktls_rx_parse()). Return: true when a whole record
 * is queued.
 */
static bool __ktls_rx_parse(struct sock *sk, struct ktls_rx *rx, gfp_t gfp)
{
	int inq = tcp_inq(sk);
	bool ready = false;
	u32 len;
	u8 type;
	int err;

	sock_owned_by_me(sk);
	if (rx->stopped || rx->key_pending) {
		WRITE_ONCE(rx->ready, false);
		return false;
	}
	if (!rx->rec_len) {
		err = ktls_rx_peek_hdr(sk, rx, inq, &type, &len);
		if (err < 0) {
			ktls_rx_abort(sk, rx, err);
			return false;
		}
		if (!err)
			rx->rec_len = len;
	}
	if (rx->rec_len)
		ready = (rx->part ? rx->part_got : 0) + tcp_inq(sk) >=
			rx->rec_len;
	if (!ready) {
		ktls_rx_pull_partial(sk, rx, tcp_inq(sk), gfp);
		ready = rx->rec_len && rx->part && rx->part_got == rx->rec_len;
	}
	WRITE_ONCE(rx->ready, ready);
	return ready;
}

/**
 * ktls_rx_parse() - frame the record at copied_seq, in process context
 * @sk: socket, lock_sock held
 * @rx: its RX state
 *
 * As the data_ready hook does, with the socket's sk_allocation: looks at
 * the header once per record (its length stays in rx->rec_len until the
 * record is taken), stops the parser on a bad one (sk_err), takes the
 * start of a record out of TCP when its window collapsed, and keeps
 * rx->ready right for poll.
 *
 * Return: true when a whole record is queued.
 */
bool ktls_rx_parse(struct sock *sk, struct ktls_rx *rx)
{
	sock_owned_by_me(sk);
	return __ktls_rx_parse(sk, rx, sk->sk_allocation);
}

/* Whether readers and poll are to be woken after a parse. */
static bool ktls_rx_wake(struct sock *sk, struct ktls_rx *rx, bool ready)
{
	return ready || READ_ONCE(sk->sk_err) ||
	       (sk->sk_shutdown & RCV_SHUTDOWN) || sock_flag(sk, SOCK_DONE);
}

/**
 * ktls_rx_data_ready() - sk_data_ready while RX is on
 * @sk: socket, bh lock held (softirq), or lock_sock held (release_sock())
 *
 * Wakes readers only for whole records.
 */
void ktls_rx_data_ready(struct sock *sk)
{
	struct ktls_ctx *ctx = ktls_get_ctx(sk);
	struct ktls_rx *rx = ctx->rx;

	if (ktls_rx_wake(sk, rx, __ktls_rx_parse(sk, rx,
						 GFP_ATOMIC | __GFP_NOWARN)))
		ctx->saved_data_ready(sk);
}

/**
 * ktls_rx_alloc_work() - ktls_rx_retry_alloc()'s work: parse again
 * @work: rx->alloc_work
 *
 * Parses in process context (takes lock_sock), and tells whoever reads
 * through the socket's current sk_data_ready (ours, or an in-kernel
 * reader's that replaced it, such as the NVMe/TCP host's).
 */
void ktls_rx_alloc_work(struct work_struct *work)
{
	struct ktls_rx *rx = container_of(to_delayed_work(work),
					  struct ktls_rx, alloc_work);
	struct sock *sk = rx->sk;

	lock_sock(sk);
	/* live: ktls_rx_stop() cancels this work before the context goes */
	if (!rx->closing && ktls_rx_wake(sk, rx, ktls_rx_parse(sk, rx)))
		sk->sk_data_ready(sk);
	release_sock(sk);
	sock_put(sk);
}

/**
 * ktls_rx_map_queue() - map a record's bytes straight from the TCP queue
 * @sk: socket, lock_sock held (the queue can't change)
 * @sgl: KTLS_RX_SG entries (a scratch's sg[]): [0] is left for the AAD
 * @start: bytes after copied_seq to skip (records before it, the
 *	record's header and nonce)
 * @len: bytes after them to map into @sgl[1...]
 *
 * Return: true, or false when the bytes need more entries than there are.
 */
bool ktls_rx_map_queue(struct sock *sk, struct scatterlist *sgl, u32 start,
		       u32 len)
{
	u32 seq = tcp_sk(sk)->copied_seq + start;
	struct scatterlist *sg = sgl + 1;
	int left = KTLS_RX_SG - 1;
	struct sk_buff *skb;

	sock_owned_by_me(sk);
	skb_queue_walk(&sk->sk_receive_queue, skb) {
		u32 off = seq - TCP_SKB_CB(skb)->seq;
		u32 n;
		int nsg;

		if (unlikely(TCP_SKB_CB(skb)->tcp_flags & TCPHDR_SYN))
			off--;
		if (off >= skb->len)
			continue;
		/* worst case of this skb: head and every frag, no frag list */
		if (skb_has_frag_list(skb) ||
		    skb_shinfo(skb)->nr_frags + 1 > left)
			return false;
		n = min(len, skb->len - off);
		/* only the entries this skb can take: its worst case */
		sg_init_table(sg, skb_shinfo(skb)->nr_frags + 1);
		nsg = skb_to_sgvec(skb, sg, off, n);
		if (nsg <= 0)
			return false;
		sg_unmark_end(&sg[nsg - 1]);
		sg += nsg;
		left -= nsg;
		seq += n;
		len -= n;
		if (!len) {
			sg_mark_end(sg - 1);
			return true;
		}
	}
	return false;
}
