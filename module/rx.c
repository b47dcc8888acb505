// SPDX-License-Identifier: GPL-2.0
/* rx.c - RX record layer: frame records in the TCP queue, decrypt, recvmsg. */

#include <linux/highmem.h>
#include <linux/in.h>
#include <linux/pipe_fs_i.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/splice.h>
#include <linux/wait.h>
#include <crypto/aead.h>

#include "ktls.h"

/*
 * Scatterlist entries for decrypting straight from the TCP queue: the AAD,
 * then the record's bytes in skbs (head and page frags). Records spread
 * over more entries are copied out first.
 */
#define KTLS_RX_SG		48

/*
 * Pages of the reader's buffer one record can be decrypted into: a 16 KiB
 * buffer takes five; a record spread over more segments goes the usual way.
 */
#define KTLS_RX_ZC_PAGES	16

/* TLS 1.2 explicit nonce, the longest (GCM, CCM) */
#define KTLS_RX_MAX_EXPLICIT	8

/* pages one record's content can need when spliced */
#define KTLS_RX_SPLICE_PAGES	DIV_ROUND_UP(KTLS_MAX_PLAIN, PAGE_SIZE)

/*
 * What decrypting a record needs besides the record: taken when a record
 * is fetched and freed when the reader leaves with nothing queued, so an
 * idle socket holds none of it. @req is last: the transform's request
 * context follows it.
 */
struct ktls_rx_scratch {
	u8 aad[KTLS_MAX_AAD];		/* heap: scatterlists can't map stack */
	u8 iv[KTLS_MAX_NONCE];
	u8 hdr[KTLS_REC_HDR_LEN + KTLS_RX_MAX_EXPLICIT]; /* zero-copy: */
	u8 tail[1 + 16];		/* TLS 1.3 inner type, tag */
	struct scatterlist sg[KTLS_RX_SG];	/* source, in the TCP queue */
	struct scatterlist zc_sg[KTLS_RX_ZC_PAGES + 2];	/* AAD, pages, tail */
	struct page *pages[KTLS_RX_ZC_PAGES];	/* the reader's, held */
	struct aead_request req;
};
/* ktls_crypto_scratch_put() wipes KTLS_MAX_NONCE bytes of the nonce */
static_assert(sizeof_field(struct ktls_rx_scratch, iv) == KTLS_MAX_NONCE);

/*
 * Records stay in the TCP receive queue until a whole one is there; only
 * then are they copied out and decrypted. Everything below is protected by
 * the socket lock: lock_sock in process context, or the bh lock in the
 * data_ready hook. @ready is also read locklessly by poll.
 *
 * One reader at a time (recvmsg, splice_read) owns the record stream, so a
 * record is never split between readers and a peek cursor stays valid
 * while its reader sleeps: @reader, taken under lock_sock, kept across the
 * waits that release it.
 */
struct ktls_rx {
	struct ktls_crypto c;
	struct ktls_rx_scratch *scr;	/* NULL while idle */
	struct list_head recs;		/* decrypted, not fully read */
	u32 rec_len;			/* length of the record at copied_seq */
	struct ktls_rx_rec *part;	/* its start, taken out of TCP early */
	struct ktls_rx_rec *spare;	/* a read record's buffer, for reuse */
	u32 part_got;			/* bytes of it in @part */
	int err;			/* sticky: -EBADMSG after a bad record */
	bool ready;			/* a whole record waits in TCP */
	bool stopped;			/* framing or crypto error: parse no more */
	bool reader;			/* a reader owns the record stream */
	bool key_pending;		/* KeyUpdate read: wait for the next key */
	bool closing;			/* close: schedule no more work */
	wait_queue_head_t readers;	/* waiting for @reader */
	struct delayed_work alloc_work;	/* @part again, may sleep */
	struct sock *sk;
};

/**
 * ktls_rx_crypto() - RX keyed state, for getsockopt
 * @ctx: context with RX configured
 *
 * The iv is the one given to setsockopt (TLS 1.2 reads the explicit part
 * from each record); the sequence number is that of the next record.
 *
 * Return: the RX crypto state.
 */
struct ktls_crypto *ktls_rx_crypto(struct ktls_ctx *ctx)
{
	return &ctx->rx->c;
}

/*
 * A record buffer is done with: a block is kept as the spare, or goes to
 * the per-CPU slot (recbuf.c); other layouts are freed. Plaintext stays
 * in a block until it is reused (by this socket or, through the per-CPU
 * slot, another) or freed: the application had it all along, unlike
 * keys. Pages are wiped as they are freed.
 */
static void ktls_rx_rec_put(struct ktls_rx *rx, struct ktls_rx_rec *rec)
{
	if (rec->layout != KTLS_REC_BLOCK)
		ktls_recbuf_free(rec);
	else if (!rx->spare)
		rx->spare = rec;
	else
		ktls_recbuf_release(rec);
}

/* A buffer for a @len byte record (or a record's start): the spare first. */
static struct ktls_rx_rec *ktls_rx_rec_get(struct ktls_rx *rx, u32 len,
					   gfp_t gfp)
{
	struct ktls_rx_rec *rec = rx->spare;

	if (rec) {
		rx->spare = NULL;
		return rec;
	}
	return ktls_recbuf_alloc(len, gfp);
}

/*
 * Copy @len bytes starting @skip bytes after the first unread byte of the
 * TCP receive queue, without consuming them. Called with the socket locked.
 * Return: 0, or -EAGAIN when fewer bytes are queued.
 */
static int __ktls_rx_copy_bits(struct sock *sk, u32 skip, u8 *to, u32 len)
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

static int ktls_rx_copy_bits(struct sock *sk, u8 *to, u32 len)
{
	return __ktls_rx_copy_bits(sk, 0, to, len);
}

/* The same into @rec at @off, whatever its layout. */
static int ktls_rx_copy_to_rec(struct sock *sk, struct ktls_rx_rec *rec,
			       u32 off, u32 len)
{
	u32 done, n;
	int err;

	for (done = 0; done < len; done += n) {
		u8 *p = ktls_recbuf_at(rec, off + done, &n);

		n = min(n, len - done);
		err = __ktls_rx_copy_bits(sk, done, p, n);
		if (err)
			return err;
	}
	return 0;
}

/* The stream is unusable from here on: report @err once through sk_err. */
static void ktls_rx_abort(struct sock *sk, struct ktls_rx *rx, int err)
{
	rx->stopped = true;
	WRITE_ONCE(rx->ready, false);
	WRITE_ONCE(sk->sk_err, -err);
	sk_error_report(sk);
}

/* Move @n bytes from the TCP queue to the end of rx->part. */
static int ktls_rx_pull(struct sock *sk, struct ktls_rx *rx, u32 n)
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

/* The record header: from rx->part when it holds one, else from TCP. */
static int ktls_rx_peek_hdr(struct sock *sk, struct ktls_rx *rx, u8 *hdr,
			    int inq)
{
	if (rx->part && rx->part_got < KTLS_REC_HDR_LEN &&
	    ktls_rx_pull(sk, rx, min_t(u32, inq, KTLS_REC_HDR_LEN -
					      rx->part_got)))
		return -EAGAIN;
	if (rx->part) {
		if (rx->part_got < KTLS_REC_HDR_LEN)
			return -EAGAIN;
		ktls_recbuf_read(rx->part, 0, hdr, KTLS_REC_HDR_LEN);
		return 0;
	}
	if (inq < KTLS_REC_HDR_LEN)
		return -EAGAIN;
	return ktls_rx_copy_bits(sk, hdr, KTLS_REC_HDR_LEN);
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
	u8 hdr[KTLS_REC_HDR_LEN];
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
	if (!rx->rec_len && !ktls_rx_peek_hdr(sk, rx, hdr, inq)) {
		err = ktls_hdr_parse(&rx->c.prot, hdr, &type, &len);
		if (err) {
			ktls_rx_abort(sk, rx, err);
			return false;
		}
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

/* __ktls_rx_parse() in process context, lock_sock held */
static bool ktls_rx_parse(struct sock *sk, struct ktls_rx *rx)
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

/* sk_data_ready while RX is on: wake readers only for whole records. */
static void ktls_rx_data_ready(struct sock *sk)
{
	struct ktls_ctx *ctx = ktls_get_ctx(sk);
	struct ktls_rx *rx = ctx->rx;

	if (ktls_rx_wake(sk, rx, __ktls_rx_parse(sk, rx,
						 GFP_ATOMIC | __GFP_NOWARN)))
		ctx->saved_data_ready(sk);
}

/*
 * ktls_rx_retry_alloc()'s work: parse again in process context, and tell
 * whoever reads through the socket's current sk_data_ready (ours, or an
 * in-kernel reader's that replaced it, such as the NVMe/TCP host's).
 */
static void ktls_rx_alloc_work(struct work_struct *work)
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

/*
 * Build the nonce and AAD for the record starting with @head (its header
 * and explicit nonce). The AAD takes the record header as
 * received, TLS 1.3 too (RFC 8446 5.2): a record whose outer type was
 * changed on the way fails authentication (EBADMSG, TlsDecryptError).
 * Upstream authenticates type 23 whatever arrived and accepts such a
 * record: a deliberate difference, docs/design.md.
 */
static void ktls_rx_prepare(struct ktls_rx *rx, const u8 *head)
{
	const struct ktls_prot *p = &rx->c.prot;

	ktls_nonce_build(p, rx->scr->iv, rx->c.salt_iv, rx->c.seq,
			 head + KTLS_REC_HDR_LEN);
	ktls_aad_build_rx(p, rx->scr->aad, rx->c.seq, head);
}

/*
 * Map the @len record bytes after the header and nonce (@start bytes) of
 * the record at copied_seq into rx->scr->sg[1...], straight from the skbs of
 * the TCP queue. Called with lock_sock held (the queue can't change).
 * Return: true, or false when the bytes need more entries than there are.
 */
static bool ktls_rx_map_queue(struct sock *sk, struct ktls_rx *rx, u32 start,
			      u32 len)
{
	u32 seq = tcp_sk(sk)->copied_seq + start;
	struct scatterlist *sg = rx->scr->sg + 1;
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

/*
 * Decrypt @clen bytes (ciphertext and tag) from @src to @dst, both led by
 * the AAD, with the nonce and AAD of ktls_rx_prepare(). Waits for an
 * asynchronous transform (cryptd): buffers stay held until it is done.
 * Return: 0, -EBADMSG for a bad tag, or another error from the crypto API.
 */
static int ktls_rx_aead(struct sock *sk, struct ktls_rx *rx,
			struct scatterlist *src, struct scatterlist *dst,
			u32 clen)
{
	int err = ktls_crypto_aead(&rx->c, &rx->scr->req, src, dst, clen,
				   rx->scr->iv, false);

	if (err == -EBADMSG)
		ktls_stat_inc(sk, KTLS_STAT_DECRYPT_ERROR);
	return err;
}

/*
 * Decrypt the @len byte record into @rec and find its type and content.
 * The ciphertext is read from @rec itself (@in_rec: it was copied there)
 * or straight from the TCP queue (rx->scr->sg, by ktls_rx_map_queue(); @rec
 * then holds only header and nonce). Called with lock_sock held.
 * Return: 0, or -EBADMSG (bad tag, TLS 1.3 record of padding only) or
 * another error from the crypto API.
 */
static int ktls_rx_decrypt(struct sock *sk, struct ktls_rx *rx,
			   struct ktls_rx_rec *rec, u32 len, bool in_rec)
{
	const struct ktls_prot *p = &rx->c.prot;
	u32 start = KTLS_REC_HDR_LEN + p->explicit_len;
	u32 clen = len - start;
	struct ktls_rx_scratch *scr = rx->scr;
	struct scatterlist dst[1 + KTLS_REC_SG];
	u8 *head;
	u32 n;
	int err;

	sock_owned_by_me(sk);
	head = ktls_recbuf_at(rec, 0, &n);	/* header and nonce: contiguous */
	ktls_rx_prepare(rx, head);
	sg_init_table(dst, ARRAY_SIZE(dst));
	sg_set_buf(&dst[0], scr->aad, p->aad_len);
	sg_mark_end(&dst[ktls_recbuf_sg(rec, start, clen, dst + 1)]);
	if (!in_rec)
		sg_set_buf(&scr->sg[0], scr->aad, p->aad_len);

	err = ktls_rx_aead(sk, rx, in_rec ? dst : scr->sg, dst, clen);
	if (err)
		return err;

	rec->start = start;
	rec->type = head[0];
	rec->len = clen - p->tag_len;
	if (p->tail_len)
		return ktls_recbuf_inner_parse(rec, start, rec->len,
					       &rec->type, &rec->len);
	return 0;
}

/* A record failed: every later read returns -EBADMSG, as upstream. */
static void ktls_rx_fail(struct sock *sk, struct ktls_rx *rx)
{
	rx->err = -EBADMSG;
	ktls_rx_abort(sk, rx, -EBADMSG);
}

/*
 * TLS 1.3 KeyUpdate (a handshake record starting with message type 24):
 * later records use a key userspace has yet to give, so decryption pauses
 * until TLS_RX is set again; reads that need a new record get EKEYEXPIRED
 * meanwhile, and poll says nothing is readable.
 */
static void ktls_rx_check_key_update(struct sock *sk, struct ktls_rx *rx,
				     const struct ktls_rx_rec *rec)
{
	u32 n;

	if (rx->c.prot.version != KTLS_VER_1_3 ||
	    rec->type != KTLS_CT_HANDSHAKE || !rec->len ||
	    *ktls_recbuf_at(rec, rec->start, &n) != KTLS_HS_KEY_UPDATE)
		return;
	rx->key_pending = true;
	ktls_stat_inc(sk, KTLS_STAT_RX_REKEY_RECEIVED);
}

/* Take rx->scr for the transform of rx->c. Return: 0 or -ENOMEM. */
static int ktls_rx_scratch_get(struct sock *sk, struct ktls_rx *rx)
{
	rx->scr = ktls_crypto_scratch_get(&rx->c, KTLS_SCRATCH_RX,
					  sizeof(*rx->scr), sk->sk_allocation);
	if (!rx->scr)
		return -ENOMEM;
	/*
	 * sg[0] (the AAD) only: ktls_rx_map_queue() initialises the entries
	 * it fills, per skb
	 */
	sg_init_table(rx->scr->sg, 1);
	sg_unmark_end(rx->scr->sg);
	return 0;
}

/*
 * Give back rx->scr, nonce and request context wiped (cipher.c); the AAD,
 * header, tail and scatterlists are no secret. Before rx->c changes: the
 * request context is sized for its transform.
 */
static void ktls_rx_scratch_put(struct ktls_rx *rx)
{
	struct ktls_rx_scratch *scr = rx->scr;

	if (!scr)
		return;
	ktls_crypto_scratch_put(&rx->c, KTLS_SCRATCH_RX, scr, scr->iv,
				&scr->req);
	rx->scr = NULL;
}

/*
 * A record was taken out of TCP and decrypted: count it, and find the next
 * one. Called with lock_sock held.
 */
static void ktls_rx_record_done(struct sock *sk, struct ktls_rx *rx)
{
	sock_owned_by_me(sk);
	if (ktls_seq_inc(rx->c.seq))
		ktls_rx_fail(sk, rx);	/* 2^64 records: no more with this key */
	else
		ktls_rx_parse(sk, rx);	/* keep ->ready right for poll */
}

/*
 * Take the whole record at copied_seq (rx->rec_len bytes, checked by
 * ktls_rx_parse()) out of TCP, decrypt it and queue it on rx->recs.
 * Called with lock_sock held. Return: 0 or a negative errno.
 */
static int ktls_rx_fetch(struct sock *sk, struct ktls_rx *rx)
{
	u32 len = rx->rec_len;
	u32 start = KTLS_REC_HDR_LEN + rx->c.prot.explicit_len;
	struct ktls_rx_rec *rec;
	bool in_rec = true;
	int err;

	sock_owned_by_me(sk);
	if (!rx->scr && ktls_rx_scratch_get(sk, rx))
		return -ENOMEM;
	if (rx->part) {
		/* started early by ktls_rx_pull_partial(): finish it */
		err = ktls_rx_pull(sk, rx, len - rx->part_got);
		if (WARN_ON_ONCE(err))
			return err;
		rec = rx->part;
		rx->part = NULL;
		rx->part_got = 0;
		rx->rec_len = 0;
		err = ktls_rx_decrypt(sk, rx, rec, len, true);
	} else {
		rec = ktls_rx_rec_get(rx, len, sk->sk_allocation);
		if (!rec)
			return -ENOMEM;
		/* decrypt from the skbs, copying only header and nonce */
		in_rec = !ktls_rx_map_queue(sk, rx, start, len - start);
		err = ktls_rx_copy_to_rec(sk, rec, 0, in_rec ? len : start);
		if (WARN_ON_ONCE(err)) {
			ktls_rx_rec_put(rx, rec);
			return err;
		}
		err = ktls_rx_decrypt(sk, rx, rec, len, in_rec);
		if (err == -ENOMEM && !in_rec) {
			/* the record is still whole in TCP: the next read retries */
			ktls_rx_rec_put(rx, rec);
			return err;
		}
		tcp_read_done(sk, len);
		rx->rec_len = 0;
	}
	if (err) {
		ktls_rx_rec_put(rx, rec);
		ktls_rx_fail(sk, rx);
		return rx->err;
	}
	list_add_tail(&rec->list, &rx->recs);
	ktls_rx_check_key_update(sk, rx, rec);
	ktls_rx_record_done(sk, rx);
	return 0;
}

/*
 * The reader leaves: with no byte queued in TCP nothing will be decrypted
 * soon, so give back the spare record buffer (an order-3 allocation) and
 * the scratch space. A reader that keeps up with a stream finds more
 * queued and keeps both. Called with lock_sock held.
 */
static void ktls_rx_idle(struct sock *sk, struct ktls_rx *rx)
{
	sock_owned_by_me(sk);
	if (tcp_inq(sk))
		return;
	ktls_recbuf_release(rx->spare);
	rx->spare = NULL;
	ktls_rx_scratch_put(rx);
}

/* Lockless: whether a reader sleeping for a record should look again. */
static bool ktls_rx_wake_cond(struct sock *sk, struct ktls_rx *rx)
{
	return READ_ONCE(rx->ready) || READ_ONCE(sk->sk_err) ||
	       (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN);
}

/*
 * Wait until a whole record is queued in TCP. With @have_data (the caller
 * already has bytes to return) a pending socket error is left for the
 * next call. Called with lock_sock held; releases it while sleeping.
 * Return: 1 when a record is ready, 0 at EOF, or a negative errno.
 */
static int ktls_rx_wait(struct sock *sk, struct ktls_rx *rx, long *timeo,
			bool have_data)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);

	sock_owned_by_me(sk);
	while (!ktls_rx_parse(sk, rx)) {
		if (sk->sk_err)
			return have_data ? 0 : sock_error(sk);
		if ((sk->sk_shutdown & RCV_SHUTDOWN) ||
		    sock_flag(sk, SOCK_DONE))
			return 0;
		if (!*timeo)
			return -EAGAIN;
		if (signal_pending(current))
			return sock_intr_errno(*timeo);

		add_wait_queue(sk_sleep(sk), &wait);
		sk_set_bit(SOCKWQ_ASYNC_WAITDATA, sk);
		sk_wait_event(sk, timeo, ktls_rx_wake_cond(sk, rx), &wait);
		sk_clear_bit(SOCKWQ_ASYNC_WAITDATA, sk);
		remove_wait_queue(sk_sleep(sk), &wait);
	}
	return 1;
}

/*
 * A whole record to decrypt: wait for it when @wait, else only if it is
 * already complete. Called with lock_sock held.
 * Return: 1 when one is there, 0 when none, or a negative errno.
 */
static int ktls_rx_await(struct sock *sk, struct ktls_rx *rx, long *timeo,
			 bool wait, bool have_data)
{
	sock_owned_by_me(sk);
	if (rx->err)
		return rx->err;
	if (rx->key_pending)
		return -EKEYEXPIRED;
	if (wait)
		return ktls_rx_wait(sk, rx, timeo, have_data);
	return ktls_rx_parse(sk, rx);
}

/*
 * Decrypt one more record onto rx->recs, as ktls_rx_await() finds one.
 * Return: 1 when a record was added, 0 when none, or a negative errno.
 */
static int ktls_rx_more(struct sock *sk, struct ktls_rx *rx, long *timeo,
			bool wait, bool have_data)
{
	int ret = ktls_rx_await(sk, rx, timeo, wait, have_data);

	if (ret <= 0)
		return ret;
	return ktls_rx_fetch(sk, rx) ?: 1;
}

/* Take the reader role; lock_sock is held on success only. */
static int ktls_rx_reader_lock(struct sock *sk, struct ktls_rx *rx,
			       long *timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	int err;

	lock_sock(sk);
	while (rx->reader) {
		err = -EAGAIN;
		if (!*timeo)
			goto err_unlock;
		err = sock_intr_errno(*timeo);
		if (signal_pending(current))
			goto err_unlock;
		add_wait_queue(&rx->readers, &wait);
		sk_wait_event(sk, timeo, !READ_ONCE(rx->reader), &wait);
		remove_wait_queue(&rx->readers, &wait);
	}
	rx->reader = true;
	return 0;

err_unlock:
	release_sock(sk);
	return err;
}

/* Give the reader role back, lock_sock still held (read_sock's caller's). */
static void ktls_rx_reader_done(struct sock *sk, struct ktls_rx *rx)
{
	sock_owned_by_me(sk);
	ktls_rx_idle(sk, rx);
	WRITE_ONCE(rx->reader, false);
	wake_up(&rx->readers);
}

static void ktls_rx_reader_unlock(struct sock *sk, struct ktls_rx *rx)
{
	ktls_rx_reader_done(sk, rx);
	release_sock(sk);
}

/* The record after @prev on rx->recs, or the first one when @prev is NULL. */
static struct ktls_rx_rec *ktls_rx_next(struct ktls_rx *rx,
					struct ktls_rx_rec *prev)
{
	if (!prev)
		return list_first_entry_or_null(&rx->recs, struct ktls_rx_rec,
						list);
	if (list_is_last(&prev->list, &rx->recs))
		return NULL;
	return list_next_entry(prev, list);
}

static void ktls_rx_consume(struct ktls_rx *rx, struct ktls_rx_rec *rec,
			    u32 n)
{
	rec->start += n;
	rec->len -= n;
	if (!rec->len) {
		list_del(&rec->list);
		ktls_rx_rec_put(rx, rec);
	}
}

/*
 * One recvmsg returns records of one type only, the first one's, reported
 * in a TLS_GET_RECORD_TYPE cmsg. A non-data record that cannot report its
 * type is an error (-EIO) and stays queued.
 * Return: 1 to read @rec, 0 to stop before it, or a negative errno.
 */
static int ktls_rx_type(struct msghdr *msg, u8 rec_type, u8 *type)
{
	int err;

	if (*type)
		return *type == rec_type;
	if (!rec_type)
		return -EBADMSG;
	*type = rec_type;
	err = put_cmsg(msg, SOL_TLS, TLS_GET_RECORD_TYPE, sizeof(*type), type);
	if (*type != KTLS_CT_APPLICATION_DATA &&
	    (err || (msg->msg_flags & MSG_CTRUNC)))
		return -EIO;
	return 1;
}

/* Copy what fits of @rec to @msg; consume it unless @peek. */
static int ktls_rx_copy(struct ktls_rx *rx, struct msghdr *msg,
			struct ktls_rx_rec *rec, size_t room, bool peek,
			size_t *copied)
{
	size_t n = min_t(size_t, room, rec->len);
	size_t got = ktls_recbuf_to_iter(rec, rec->start, n, &msg->msg_iter);

	*copied += got;
	if (got == rec->len)
		msg->msg_flags |= MSG_EOR;
	if (!peek)
		ktls_rx_consume(rx, rec, got);
	return got == n ? 0 : -EFAULT;
}

/*
 * Whether the record at copied_seq (rx->rec_len bytes, whole in TCP or in
 * rx->part and TCP) may be decrypted straight into @msg, @room bytes of
 * which are left: nothing is queued before it, it is known to be data
 * before it is decrypted (TLS 1.3: only the peer's promise of no padding,
 * TLS_RX_EXPECT_NO_PAD, tells that the last byte is the type), and its
 * content fits.
 */
static bool ktls_rx_zc_ok(struct sock *sk, struct ktls_rx *rx,
			  struct msghdr *msg, size_t room, u8 type)
{
	const struct ktls_prot *p = &rx->c.prot;
	u32 over = KTLS_REC_HDR_LEN + p->explicit_len + p->tag_len +
		   p->tail_len;

	if (!list_empty(&rx->recs) || !rx->ready ||
	    !user_backed_iter(&msg->msg_iter) ||
	    (type && type != KTLS_CT_APPLICATION_DATA) ||
	    (p->tail_len && !ktls_get_ctx(sk)->rx_no_pad))
		return false;
	room = min(room, iov_iter_count(&msg->msg_iter));
	return rx->rec_len >= over && rx->rec_len - over <= room;
}

/*
 * Take pages of @iter for the next @len bytes into scr->zc_sg[1...].
 * @npages counts the pages taken, even on error.
 * Return: 0, or -EFAULT, -E2BIG (too many pages) to use a record buffer.
 */
static int ktls_rx_map_user(struct ktls_rx_scratch *scr,
			    struct iov_iter *iter, u32 len,
			    unsigned int *npages)
{
	struct scatterlist *sg = scr->zc_sg + 1;
	unsigned int n = 0;

	*npages = 0;
	while (len) {
		size_t off;
		ssize_t got = ktls_compat_pages_get(iter, scr->pages + n, len,
						    KTLS_RX_ZC_PAGES - n,
						    &off);
		unsigned int end;

		if (got <= 0)
			return -EFAULT;
		len -= got;
		end = n + DIV_ROUND_UP(off + got, PAGE_SIZE);
		for (; n < end; n++) {
			u32 seg = min_t(size_t, got, PAGE_SIZE - off);

			sg_set_page(sg++, scr->pages[n], seg, off);
			got -= seg;
			off = 0;
		}
		*npages = n;
		if (len && n == KTLS_RX_ZC_PAGES)
			return -E2BIG;
	}
	return 0;
}

/*
 * Decrypt the record at copied_seq from the skbs, or from rx->part when
 * ktls_rx_pull_partial() took it out of TCP, into the reader's pages (its
 * content) and scr->tail (TLS 1.3 type byte, tag). Every page taken
 * is released before returning, whatever happened.
 * Return: 0, -EBADMSG (bad tag: the pages may hold garbage, as upstream),
 * or another errno: nothing was decided, @msg's iterator is as it was.
 */
static int ktls_rx_decrypt_zc(struct sock *sk, struct ktls_rx *rx,
			      struct msghdr *msg, u32 plain)
{
	const struct ktls_prot *p = &rx->c.prot;
	u32 start = KTLS_REC_HDR_LEN + p->explicit_len;
	struct ktls_rx_scratch *scr = rx->scr;
	size_t before = iov_iter_count(&msg->msg_iter);
	unsigned int npages;
	int err;

	if (rx->part) {
		sg_init_table(scr->sg + 1, KTLS_REC_SG);
		sg_mark_end(&scr->sg[ktls_recbuf_sg(rx->part, start,
						    rx->rec_len - start,
						    scr->sg + 1)]);
	} else if (!ktls_rx_map_queue(sk, rx, start, rx->rec_len - start)) {
		return -E2BIG;
	}
	sg_init_table(scr->zc_sg, ARRAY_SIZE(scr->zc_sg));
	err = ktls_rx_map_user(scr, &msg->msg_iter, plain, &npages);
	if (!err) {
		sg_set_buf(&scr->zc_sg[0], scr->aad, p->aad_len);
		sg_set_buf(&scr->zc_sg[npages + 1], scr->tail,
			   p->tail_len + p->tag_len);
		sg_mark_end(&scr->zc_sg[npages + 1]);
		sg_set_buf(&scr->sg[0], scr->aad, p->aad_len);
		ktls_rx_prepare(rx, scr->hdr);
		err = ktls_rx_aead(sk, rx, scr->sg, scr->zc_sg,
				   rx->rec_len - start);
	}
	ktls_compat_pages_put(&msg->msg_iter, scr->pages, npages);
	if (err && err != -EBADMSG)
		iov_iter_revert(&msg->msg_iter,
				before - iov_iter_count(&msg->msg_iter));
	return err;
}

/*
 * TLS 1.3 with TLS_RX_EXPECT_NO_PAD: the record was not plain data after
 * all (another type, or padding: a broken promise). Its bytes in the
 * reader's buffer don't count; it stays in TCP for a record buffer.
 */
static void ktls_rx_zc_retry(struct sock *sk, struct msghdr *msg, u32 plain,
			     u8 tail)
{
	iov_iter_revert(&msg->msg_iter, plain);
	if (!tail)
		ktls_stat_inc(sk, KTLS_STAT_RX_NO_PAD_VIOLATION);
	ktls_stat_inc(sk, KTLS_STAT_DECRYPT_RETRY);
}

/*
 * Read the record at copied_seq in one pass when ktls_rx_zc_ok(): decrypt
 * it from the skbs straight into the reader's pages. Called as the reader
 * with lock_sock held.
 * Return: 1 when it was read, 0 when it must go through a record buffer
 * (ktls_rx_fetch()), or a negative errno (-EBADMSG after a bad tag).
 */
static int ktls_rx_read_zc(struct sock *sk, struct ktls_rx *rx,
			   struct msghdr *msg, size_t room, u8 *type,
			   size_t *copied)
{
	const struct ktls_prot *p = &rx->c.prot;
	u32 len = rx->rec_len;
	u32 start = KTLS_REC_HDR_LEN + p->explicit_len;
	u32 plain = len - start - p->tag_len - p->tail_len;
	int err;

	sock_owned_by_me(sk);
	if (!ktls_rx_zc_ok(sk, rx, msg, room, *type))
		return 0;
	if (!rx->scr && ktls_rx_scratch_get(sk, rx))
		return 0;
	if (rx->part) {
		/*
		 * Its start was taken out of TCP early (a collapsed window):
		 * take the rest too and decrypt from there, still one pass
		 * into the reader's pages. ktls_rx_fetch() finds it whole.
		 */
		if (ktls_rx_pull(sk, rx, len - rx->part_got))
			return 0;
		ktls_recbuf_read(rx->part, 0, rx->scr->hdr, start);
	} else if (ktls_rx_copy_bits(sk, rx->scr->hdr, start)) {
		return 0;
	}
	if (!p->tail_len && rx->scr->hdr[0] != KTLS_CT_APPLICATION_DATA)
		return 0;
	err = ktls_rx_decrypt_zc(sk, rx, msg, plain);
	if (err && err != -EBADMSG)
		return 0;
	if (!err && p->tail_len &&
	    rx->scr->tail[0] != KTLS_CT_APPLICATION_DATA) {
		ktls_rx_zc_retry(sk, msg, plain, rx->scr->tail[0]);
		return 0;
	}
	if (rx->part) {
		ktls_rx_rec_put(rx, rx->part);
		rx->part = NULL;
		rx->part_got = 0;
	} else {
		tcp_read_done(sk, len);
	}
	rx->rec_len = 0;
	if (err) {
		ktls_rx_fail(sk, rx);
		return rx->err;
	}
	ktls_rx_type(msg, KTLS_CT_APPLICATION_DATA, type);
	*copied += plain;
	msg->msg_flags |= MSG_EOR;
	ktls_rx_record_done(sk, rx);
	return 1;
}

/*
 * A new record for the reader: decrypted straight into @msg when it can
 * be (not for @peek), else onto rx->recs.
 * Return: 1 when read or queued, 0 when none, or a negative errno.
 */
static int ktls_rx_next_rec(struct sock *sk, struct ktls_rx *rx,
			    struct msghdr *msg, size_t room, bool peek,
			    long *timeo, bool wait, u8 *type, size_t *copied)
{
	int ret = ktls_rx_await(sk, rx, timeo, wait, *copied);

	if (ret <= 0)
		return ret;
	if (!peek) {
		ret = ktls_rx_read_zc(sk, rx, msg, room, type, copied);
		if (ret)
			return ret;
	}
	return ktls_rx_fetch(sk, rx) ?: 1;
}

/*
 * The body of recvmsg, called as the reader with lock_sock held. Reads
 * decrypted records first, then new ones: waiting while fewer than the
 * low-water mark bytes were read, then only while whole records are
 * already queued. MSG_PEEK walks the records without consuming them.
 */
static int ktls_rx_read(struct sock *sk, struct ktls_rx *rx,
			struct msghdr *msg, size_t len, int flags, long *timeo)
{
	size_t target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);
	bool peek = flags & MSG_PEEK;
	struct ktls_rx_rec *cur = NULL, *rec;
	size_t copied = 0;
	u8 type = 0;
	int err = 0;

	sock_owned_by_me(sk);
	while (copied < len) {
		rec = ktls_rx_next(rx, cur);
		if (!rec) {
			err = ktls_rx_next_rec(sk, rx, msg, len - copied, peek,
					       timeo, copied < target, &type,
					       &copied);
			if (err <= 0)
				break;
			continue;
		}
		err = ktls_rx_type(msg, rec->type, &type);
		if (err <= 0)
			break;
		err = ktls_rx_copy(rx, msg, rec, len - copied, peek, &copied);
		if (err)
			break;
		if (peek)
			cur = rec;
		if (type != KTLS_CT_APPLICATION_DATA)
			break;	/* a control record is returned alone */
	}
	return copied ? copied : err;
}

/**
 * ktls_recvmsg() - proto->recvmsg with RX configured
 * @sk: socket
 * @msg: destination; receives a TLS_GET_RECORD_TYPE cmsg
 * @len: bytes wanted
 * @flags: MSG_PEEK, MSG_WAITALL, MSG_DONTWAIT, MSG_ERRQUEUE, ...
 * @addr_len: unused (stream socket; gone from the callback in 7.x)
 *
 * Return: plaintext bytes read, 0 at EOF, or a negative errno: -EBADMSG
 * after a record failed authentication (and on every later call), the
 * framing error once (-EMSGSIZE, -EBADMSG, -EINVAL), -EIO for a control
 * record without room for its cmsg, -EAGAIN, -EINTR.
 */
#ifdef COMPAT_RECVMSG_ADDR_LEN
int ktls_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
		 int flags, int *addr_len)
#else
int ktls_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags)
#endif
{
	struct ktls_rx *rx = ktls_get_ctx(sk)->rx;
	long timeo;
	int ret;

	if (unlikely(flags & MSG_ERRQUEUE))
		return sock_recv_errqueue(sk, msg, len, SOL_IP, IP_RECVERR);

	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	ret = ktls_rx_reader_lock(sk, rx, &timeo);
	if (ret)
		return ret;
	ret = ktls_rx_read(sk, rx, msg, len, flags, &timeo);
	ktls_rx_reader_unlock(sk, rx);
	return ret;
}

static bool ktls_rx_readable(struct ktls_rx *rx)
{
	return READ_ONCE(rx->ready) || !list_empty(&rx->recs);
}

/**
 * ktls_sock_is_readable() - proto->sock_is_readable with RX configured
 * @sk: socket
 *
 * Return: true when a decrypted record or a whole encrypted one waits.
 */
bool ktls_sock_is_readable(struct sock *sk)
{
	return ktls_rx_readable(ktls_get_ctx(sk)->rx);
}

/**
 * ktls_poll() - proto_ops->poll with RX configured
 * @file: file of the socket
 * @sock: socket
 * @wait: poll table
 *
 * TCP's mask, but readable only once a whole record has arrived (or at
 * EOF, or when not established: TCP's answer stands then).
 *
 * Return: the event mask.
 */
__poll_t ktls_poll(struct file *file, struct socket *sock,
		   struct poll_table_struct *wait)
{
	struct sock *sk = sock->sk;
	struct ktls_ctx *ctx = ktls_get_ctx(sk);
	__poll_t mask = ctx->sk_ops->poll(file, sock, wait);

	if (inet_sk_state_load(sk) != TCP_ESTABLISHED ||
	    (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN))
		return mask;
	if (!ktls_rx_readable(ctx->rx))
		mask &= ~(EPOLLIN | EPOLLRDNORM);
	return mask;
}

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

/**
 * ktls_rx_init() - key RX from ctx->rx_info and start framing records
 * @sk: socket, lock_sock held
 * @ctx: context whose rx_info was validated
 *
 * Records that arrived before TLS_RX are parsed too; readers are woken if
 * a whole one is already queued.
 *
 * Return: 0 or a negative errno; on error nothing is left allocated.
 */
int ktls_rx_init(struct sock *sk, struct ktls_ctx *ctx)
{
	struct ktls_rx *rx;
	int err;

	sock_owned_by_me(sk);
	rx = kzalloc(sizeof(*rx), GFP_KERNEL);
	if (!rx)
		return -ENOMEM;
	err = ktls_crypto_init(&rx->c, (void *)ctx->rx_info);
	if (err)
		goto err_free;
	INIT_LIST_HEAD(&rx->recs);
	init_waitqueue_head(&rx->readers);
	INIT_DELAYED_WORK(&rx->alloc_work, ktls_rx_alloc_work);
	rx->sk = sk;
	ctx->rx = rx;

	write_lock_bh(&sk->sk_callback_lock);
	ctx->saved_data_ready = sk->sk_data_ready;
	sk->sk_data_ready = ktls_rx_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);

	if (ktls_rx_parse(sk, rx))
		ctx->saved_data_ready(sk);
	return 0;

err_free:
	kfree_sensitive(rx);
	return err;
}

/**
 * ktls_rx_stop() - stop RX's work at close
 * @sk: socket, lock_sock NOT held (taken here, then the work is stopped)
 * @ctx: context
 *
 * The work is queued only under the socket lock (softirq's or the
 * owner's) and not once @closing is set, which is done as the owner: no
 * work is queued after this returns.
 */
void ktls_rx_stop(struct sock *sk, struct ktls_ctx *ctx)
{
	struct ktls_rx *rx = ctx->rx;

	lock_sock(sk);
	rx->closing = true;
	release_sock(sk);
	if (cancel_delayed_work_sync(&rx->alloc_work))
		sock_put(sk);
}

/**
 * ktls_rx_release() - stop RX at close
 * @sk: socket, lock_sock held
 * @ctx: context
 */
void ktls_rx_release(struct sock *sk, struct ktls_ctx *ctx)
{
	sock_owned_by_me(sk);
	write_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_data_ready == ktls_rx_data_ready)
		sk->sk_data_ready = ctx->saved_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	ktls_stat_dec(sk, KTLS_STAT_CURR_RX_SW);
}

/**
 * ktls_rx_free() - free RX state and wipe its keys
 * @ctx: context, detached from its socket
 */
void ktls_rx_free(struct ktls_ctx *ctx)
{
	struct ktls_rx *rx = ctx->rx;
	struct ktls_rx_rec *rec, *tmp;

	list_for_each_entry_safe(rec, tmp, &rx->recs, list) {
		list_del(&rec->list);
		ktls_recbuf_free(rec);
	}
	ktls_recbuf_free(rx->part);
	ktls_recbuf_release(rx->spare);
	ktls_rx_scratch_put(rx);
	ktls_crypto_free(&rx->c);
	kfree_sensitive(rx);
	ctx->rx = NULL;
}

/**
 * ktls_rx_swap_crypto() - install the next RX key (TLS 1.3 KeyUpdate)
 * @sk: socket, lock_sock held
 * @ctx: context with RX configured
 * @c: new keyed state; on return it holds the old one, for the caller
 *
 * Records decrypted before stay queued as they are; decryption resumes
 * with the new key if it was paused by a KeyUpdate.
 *
 * Return: 0.
 */
int ktls_rx_swap_crypto(struct sock *sk, struct ktls_ctx *ctx,
			struct ktls_crypto *c)
{
	struct ktls_rx *rx = ctx->rx;

	sock_owned_by_me(sk);
	ktls_rx_scratch_put(rx);	/* sized for the old transform */
	swap(rx->c, *c);
	if (rx->key_pending) {
		rx->key_pending = false;
		/* wake readers and poll if a record waits already */
		sk->sk_data_ready(sk);
	}
	return 0;
}
