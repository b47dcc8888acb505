// SPDX-License-Identifier: GPL-2.0
/*
 * rxasync.c - several RX records in flight in one recvmsg, when the AEAD
 * completes later (cryptd, pcrypt, a hardware queue).
 *
 * Where zero-copy (rxzc.c) would decrypt the record at copied_seq into
 * the reader's pages and a request of the transform has completed later
 * before (ktls_crypto_later(): not x86's SIMD wrappers, which are
 * flagged asynchronous but complete at once), the records
 * behind it that are whole in TCP, are data by their header (TLS 1.2) and
 * fit the reader's room are started too, up to KTLS_RX_FLIGHT_MAX. Each
 * maps its ciphertext where it lies in the TCP receive queue (at its
 * offset from copied_seq: nothing is consumed yet), its content into the
 * next part of the reader's pages, and has its own scratch (nonce and AAD
 * from its own sequence number, scatterlists, pages, request). The call
 * then sleeps, uninterruptibly, until every AEAD is done, and takes the
 * results in order up to the first record that failed or is not plain
 * data (TLS 1.3's inner type): that one and every later one stay in TCP
 * for the one-record path (a later one may have been opened with a key
 * a KeyUpdate retired). Only then does TCP drop the records taken
 * (tcp_read_done()): the skbs the AEADs read live as long as they run,
 * since lock_sock is held throughout and TCP neither collapses nor
 * prunes the receive queue of a socket its user owns (new segments wait
 * on the backlog).
 *
 * The completion, in any context, only stores its result and drops the
 * count, which starts at one for the waiter, as in txasync.c; the count
 * and completion live on the recvmsg's stack. Nothing is in flight
 * outside ktls_rx_read_async(), so close, shutdown, a rekey (TLS_RX
 * swapping the key), splice_read, read_sock and sockmap never meet a
 * running AEAD. A synchronous transform takes exactly the path it took
 * before.
 *
 * The record-buffer path (ktls_rx_fetch(): MSG_PEEK, splice_read,
 * read_sock, and a recvmsg zero-copy does not serve, TLS 1.3 without
 * TLS_RX_EXPECT_NO_PAD among them) does the same with record buffers for
 * destinations: ktls_rx_fetch_async() opens the whole records behind the
 * one at copied_seq at once, each into its own buffer, and queues them on
 * rx->recs in order, where the one-record path would have put them one
 * by one; those readers then take them from there.
 */

#include <linux/completion.h>
#include <linux/scatterlist.h>
#include <linux/uio.h>

#include "ktls.h"

/* A recvmsg's records in flight: AEADs running, plus one for the waiter. */
struct ktls_rx_async {
	atomic_t pending;
	struct completion done;
};

/*
 * A record's AEAD is done. Any context; must not sleep. The scratch and
 * @a stay until the waiter sees the count at zero.
 */
static void ktls_rx_async_done(KTLS_CRYPTO_DONE_ARG arg, int err)
{
	struct ktls_rx_scratch *scr = ktls_crypto_done_data(arg);
	struct ktls_rx_async *a = scr->async;

	if (err == -EINPROGRESS)	/* a backlogged request started */
		return;
	scr->err = err;
	/* fully ordered: the waiter that sees the count reads @err after */
	if (atomic_dec_and_test(&a->pending))
		complete(&a->done);
}

/*
 * A flight's record @len bytes long at @off bytes from copied_seq: @scr
 * set up for it, its header and nonce copied, its ciphertext mapped where
 * it lies in the TCP queue (scr->sg, after the AAD), scr->zc_sg cleared
 * for its destination. Return: 0, or a negative errno (not started).
 */
static int ktls_rx_flight_source(struct sock *sk, struct ktls_rx *rx,
				 struct ktls_rx_async *a,
				 struct ktls_rx_scratch *scr, u32 off, u32 len)
{
	const struct ktls_prot *p = &rx->c.prot;
	u32 start = KTLS_REC_HDR_LEN + p->explicit_len;

	scr->async = a;
	scr->err = 0;
	scr->len = len;
	scr->plain = len - start - p->tag_len - p->tail_len;
	scr->npages = 0;
	if (ktls_rx_copy_bits(sk, off, scr->hdr, start))
		return -EAGAIN;
	sg_init_table(scr->sg, 1);
	sg_unmark_end(scr->sg);
	if (!ktls_rx_map_queue(sk, scr->sg, off + start, len - start))
		return -E2BIG;
	sg_set_buf(&scr->sg[0], scr->aad, p->aad_len);
	sg_init_table(scr->zc_sg, ARRAY_SIZE(scr->zc_sg));
	return 0;
}

/*
 * Start @scr's AEAD, sequence number @seq, into scr->zc_sg (its entries
 * after the AAD filled and the end marked by the caller). It is then in
 * flight or done (scr->err).
 */
static void ktls_rx_flight_submit(struct sock *sk, struct ktls_rx *rx,
				  struct ktls_rx_async *a,
				  struct ktls_rx_scratch *scr, const u8 *seq)
{
	const struct ktls_prot *p = &rx->c.prot;
	u32 start = KTLS_REC_HDR_LEN + p->explicit_len;
	int err;

	sg_set_buf(&scr->zc_sg[0], scr->aad, p->aad_len);
	ktls_rx_prepare_seq(&rx->c, scr, seq, scr->hdr);
	atomic_inc(&a->pending);
	err = ktls_crypto_open_start(&rx->c, &scr->req, scr->sg, scr->zc_sg,
				     scr->len - start, scr->iv,
				     ktls_rx_async_done, scr);
	if (err == -EINPROGRESS || err == -EBUSY) {
		ktls_stat_inc(sk, KTLS_STAT_RX_ASYNC);
		return;
	}
	/* done or refused here: no completion comes; never the last count */
	atomic_dec(&a->pending);
	scr->err = err;
}

/*
 * Start the @len byte record at @off bytes from copied_seq, sequence
 * number @seq, into the next pages of @msg. Return: 0 when it is in
 * flight or done (scr->err), or a negative errno when it was not
 * started: then no page is held and @msg's iterator is as it was.
 */
static int ktls_rx_async_start(struct sock *sk, struct ktls_rx *rx,
			       struct ktls_rx_async *a,
			       struct ktls_rx_scratch *scr, struct msghdr *msg,
			       u32 off, u32 len, const u8 *seq)
{
	const struct ktls_prot *p = &rx->c.prot;
	size_t before = iov_iter_count(&msg->msg_iter);
	int err;

	err = ktls_rx_flight_source(sk, rx, a, scr, off, len);
	if (err)
		return err;
	err = ktls_rx_map_user(scr, &msg->msg_iter, scr->plain, &scr->npages);
	if (err) {
		ktls_compat_pages_put(&msg->msg_iter, scr->pages, scr->npages);
		scr->npages = 0;
		iov_iter_revert(&msg->msg_iter,
				before - iov_iter_count(&msg->msg_iter));
		return err;
	}
	sg_set_buf(&scr->zc_sg[scr->npages + 1], scr->tail,
		   p->tail_len + p->tag_len);
	sg_mark_end(&scr->zc_sg[scr->npages + 1]);
	ktls_rx_flight_submit(sk, rx, a, scr, seq);
	return 0;
}

/*
 * Whether the record at @off bytes from copied_seq may join the flight:
 * its header is good, it is whole in TCP, data by its header (TLS 1.2;
 * TLS 1.3 tells only once opened) and its content fits @room. Sets *len.
 */
static bool ktls_rx_async_next(struct sock *sk, struct ktls_rx *rx, u32 off,
			       size_t room, u32 *len)
{
	const struct ktls_prot *p = &rx->c.prot;
	u8 type;

	/* a bad header is left for the parser, which stops there */
	if (ktls_rx_hdr_at(sk, rx, off, &type, len))
		return false;
	return (u64)off + *len <= (u64)tcp_inq(sk) &&
	       ktls_rx_zc_fits(p, *len, room) &&
	       (p->tail_len || type == KTLS_CT_APPLICATION_DATA);
}

/* Wait for every AEAD started: uninterruptibly, they use pages and skbs. */
static void ktls_rx_async_wait(struct ktls_rx_async *a)
{
	if (!atomic_dec_and_test(&a->pending))
		wait_for_completion(&a->done);
}

/*
 * Records @taken bytes long were read, @ok of them, and maybe a bad one
 * after them (@bad: its length): TCP drops them, the sequence number
 * moves on as ktls_rx_record_done() moves it, and the socket fails after
 * a bad one.
 */
static void ktls_rx_async_consume(struct sock *sk, struct ktls_rx *rx,
				  u32 taken, int ok, u32 bad)
{
	bool wrapped = false;
	int i;

	if (!taken && !bad)
		return;
	tcp_read_done(sk, taken + bad);
	rx->rec_len = 0;
	for (i = 0; i < ok; i++)
		wrapped |= ktls_seq_inc(rx->c.seq);
	if (bad) {
		ktls_stat_inc(sk, KTLS_STAT_DECRYPT_ERROR);
		ktls_rx_fail(sk, rx);
	} else if (wrapped) {
		ktls_rx_fail(sk, rx);	/* 2^64 records: no more with this key */
	} else {
		ktls_rx_parse(sk, rx);	/* keep ->ready right for poll */
	}
}

/**
 * ktls_rx_read_async() - read the records queued in TCP, several at once
 * @sk: socket, lock_sock held (kept throughout), as the reader
 * @rx: its RX state; rx->rec_len is the first record's length
 * @msg: destination
 * @room: bytes of @msg left to fill in this call
 * @type: the type this call returns, 0 until one was read; set to data
 * @copied: bytes read in this call, increased by the records' content
 *
 * Only once a request of the transform completed later
 * (ktls_crypto_later()) and when ktls_rx_zc_ok() holds for
 * the record at copied_seq (and it is not in rx->part). A record whose
 * AEAD failed with another error than -EBADMSG, or (TLS 1.3) is not plain
 * data, stays in TCP with its iterator bytes given back, as after
 * ktls_rx_read_zc() gave up: the one-record path reads it.
 *
 * Return: 1 when records were read, 0 when none was (the one-record path
 * takes the first), or -EBADMSG when the first failed authentication
 * (the socket fails; after records were read, the next call returns it).
 */
int ktls_rx_read_async(struct sock *sk, struct ktls_rx *rx,
		       struct msghdr *msg, size_t room, u8 *type,
		       size_t *copied)
{
	struct ktls_rx_scratch *fl[KTLS_RX_FLIGHT_MAX], *scr;
	u32 off = 0, len, taken = 0, got = 0, bad = 0;
	u8 seq[KTLS_REC_SEQ_LEN];
	struct ktls_rx_async a;
	bool stop = false;
	size_t before;
	int n = 0, ok = 0, i;

	sock_owned_by_me(sk);
	if (!ktls_crypto_later(&rx->c) || rx->part ||
	    !ktls_rx_zc_ok(sk, rx, msg, room, *type))
		return 0;
	room = min(room, iov_iter_count(&msg->msg_iter));
	before = iov_iter_count(&msg->msg_iter);
	atomic_set(&a.pending, 1);
	init_completion(&a.done);
	memcpy(seq, rx->c.seq, sizeof(seq));

	while (n < KTLS_RX_FLIGHT_MAX &&
	       ktls_rx_async_next(sk, rx, off, room, &len)) {
		scr = ktls_crypto_scratch_get(&rx->c, KTLS_SCRATCH_RX,
					      sizeof(*scr), sk->sk_allocation);
		if (!scr)
			break;
		if (ktls_rx_async_start(sk, rx, &a, scr, msg, off, len, seq)) {
			ktls_crypto_scratch_put(&rx->c, KTLS_SCRATCH_RX, scr,
						scr->iv, &scr->req);
			break;
		}
		fl[n++] = scr;
		off += len;
		room -= scr->plain;
		/* refused at once; or the next would reuse a nonce */
		if (scr->err || ktls_seq_inc(seq))
			break;
	}
	if (!n)
		return 0;
	ktls_stat_max(sk, KTLS_STAT_RX_ASYNC_MAX, n);
	ktls_rx_async_wait(&a);

	/* in order, up to the first that is not read now; pages all go */
	for (i = 0; i < n; i++) {
		scr = fl[i];
		ktls_compat_pages_put(&msg->msg_iter, scr->pages, scr->npages);
		if (!stop) {
			stop = scr->err ||
			       (rx->c.prot.tail_len &&
				scr->tail[0] != KTLS_CT_APPLICATION_DATA);
			if (scr->err == -EBADMSG)
				bad = scr->len;
			else if (scr->err)
				net_dbg_ratelimited("async open failed: %d\n",
						    scr->err);
		}
		if (!stop) {
			ok++;
			taken += scr->len;
			got += scr->plain;
		}
		ktls_crypto_scratch_put(&rx->c, KTLS_SCRATCH_RX, scr, scr->iv,
					&scr->req);
	}
	/* the reader's bytes from the first record not read on */
	iov_iter_revert(&msg->msg_iter,
			before - iov_iter_count(&msg->msg_iter) - got);
	ktls_rx_async_consume(sk, rx, taken, ok, bad);
	if (!ok)
		return bad ? rx->err : 0;
	ktls_rx_type(msg, KTLS_CT_APPLICATION_DATA, type);
	*copied += got;
	msg->msg_flags |= MSG_EOR;
	return 1;
}

/*
 * Record buffers (ktls_rx_fetch()'s path: MSG_PEEK, splice_read,
 * read_sock, and recvmsg where zero-copy does not apply): the records
 * behind the one at copied_seq, whole in TCP, are opened at once too,
 * each into a record buffer of its own, and queued on rx->recs in order.
 */

/* Whether the record at @off bytes from copied_seq is whole, its header good. */
static bool ktls_rx_batch_next(struct sock *sk, struct ktls_rx *rx, u32 off,
			       u32 *len)
{
	u8 type;

	return !ktls_rx_hdr_at(sk, rx, off, &type, len) &&
	       (u64)off + *len <= (u64)tcp_inq(sk);
}

/*
 * Start the @len byte record at @off bytes from copied_seq, sequence
 * number @seq, into @rec. Return: 0 when it is in flight or done
 * (scr->err), or a negative errno when it was not started.
 */
static int ktls_rx_batch_start(struct sock *sk, struct ktls_rx *rx,
			       struct ktls_rx_async *a,
			       struct ktls_rx_scratch *scr,
			       struct ktls_rx_rec *rec, u32 off, u32 len,
			       const u8 *seq)
{
	u32 start = KTLS_REC_HDR_LEN + rx->c.prot.explicit_len;
	int err;

	BUILD_BUG_ON(ARRAY_SIZE(scr->zc_sg) < 1 + KTLS_REC_SG);
	err = ktls_rx_flight_source(sk, rx, a, scr, off, len);
	if (err)
		return err;
	sg_mark_end(&scr->zc_sg[ktls_recbuf_sg(rec, start, len - start,
					       scr->zc_sg + 1)]);
	ktls_rx_flight_submit(sk, rx, a, scr, seq);
	return 0;
}

/* @rec was opened: its type and content, as ktls_rx_decrypt() finds them */
static int ktls_rx_batch_opened(const struct ktls_rx *rx,
				struct ktls_rx_rec *rec,
				const struct ktls_rx_scratch *scr)
{
	const struct ktls_prot *p = &rx->c.prot;

	rec->start = KTLS_REC_HDR_LEN + p->explicit_len;
	rec->type = scr->hdr[0];
	rec->len = scr->len - rec->start - p->tag_len;
	if (p->tail_len)
		return ktls_recbuf_inner_parse(rec, rec->start, rec->len,
					       &rec->type, &rec->len);
	return 0;
}

/**
 * ktls_rx_fetch_async() - open the records whole in TCP several at once
 * @sk: socket, lock_sock held (kept throughout), as the reader
 * @rx: its RX state; rx->rec_len is the first record's length
 *
 * Only once a request of the transform completed later
 * (ktls_crypto_later()), when the record at copied_seq is not in rx->part
 * and another one is whole behind it. Each record gets its own record
 * buffer and scratch, up to KTLS_RX_FLIGHT_MAX; the call waits for all,
 * then queues them on rx->recs in order up to the first that failed or
 * is a KeyUpdate (decryption pauses after it: those behind it may have
 * been opened with the retired key). TCP drops the records queued (and
 * a bad one after them: the socket fails there); every other one stays
 * in TCP for the one-record path, as in ktls_rx_read_async().
 *
 * Return: 1 when records were queued, 0 when none was (ktls_rx_fetch()
 * takes the first), or -EBADMSG when the first failed authentication
 * (the socket fails).
 */
int ktls_rx_fetch_async(struct sock *sk, struct ktls_rx *rx)
{
	struct ktls_rx_scratch *fl[KTLS_RX_FLIGHT_MAX], *scr;
	struct ktls_rx_rec *rb[KTLS_RX_FLIGHT_MAX], *rec;
	u32 off = 0, len, taken = 0, bad = 0;
	u8 seq[KTLS_REC_SEQ_LEN];
	struct ktls_rx_async a;
	bool stop = false;
	int n = 0, ok = 0, i;

	sock_owned_by_me(sk);
	if (!ktls_crypto_later(&rx->c) || rx->part || !rx->rec_len ||
	    !ktls_rx_batch_next(sk, rx, rx->rec_len, &len))
		return 0;
	atomic_set(&a.pending, 1);
	init_completion(&a.done);
	memcpy(seq, rx->c.seq, sizeof(seq));

	while (n < KTLS_RX_FLIGHT_MAX && ktls_rx_batch_next(sk, rx, off, &len)) {
		scr = ktls_crypto_scratch_get(&rx->c, KTLS_SCRATCH_RX,
					      sizeof(*scr), sk->sk_allocation);
		if (!scr)
			break;
		rec = ktls_rx_rec_get(rx, len, sk->sk_allocation);
		if (!rec || ktls_rx_batch_start(sk, rx, &a, scr, rec, off, len,
						seq)) {
			if (rec)
				ktls_rx_rec_put(rx, rec);
			ktls_crypto_scratch_put(&rx->c, KTLS_SCRATCH_RX, scr,
						scr->iv, &scr->req);
			break;
		}
		fl[n] = scr;
		rb[n++] = rec;
		off += len;
		/* refused at once; or the next would reuse a nonce */
		if (scr->err || ktls_seq_inc(seq))
			break;
	}
	if (!n)
		return 0;
	ktls_stat_max(sk, KTLS_STAT_RX_ASYNC_MAX, n);
	ktls_rx_async_wait(&a);

	/* in order, up to the first that is not queued now */
	for (i = 0; i < n; i++) {
		scr = fl[i];
		rec = rb[i];
		if (!stop && !scr->err)
			scr->err = ktls_rx_batch_opened(rx, rec, scr);
		if (!stop && scr->err) {
			stop = true;
			if (scr->err == -EBADMSG)
				bad = scr->len;
			else
				net_dbg_ratelimited("async open failed: %d\n",
						    scr->err);
		} else if (!stop) {
			list_add_tail(&rec->list, &rx->recs);
			ok++;
			taken += scr->len;
			stop = ktls_rx_check_key_update(sk, rx, rec);
			rec = NULL;
		}
		if (rec)
			ktls_rx_rec_put(rx, rec);
		ktls_crypto_scratch_put(&rx->c, KTLS_SCRATCH_RX, scr, scr->iv,
					&scr->req);
	}
	ktls_rx_async_consume(sk, rx, taken, ok, bad);
	if (!ok)
		return bad ? rx->err : 0;
	return 1;
}
