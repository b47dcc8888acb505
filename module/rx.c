// SPDX-License-Identifier: GPL-2.0
/*
 * rx.c - RX record layer: decrypt the records strp.c frames into record
 * buffers (with rxdec.c, which rxzc.c shares), and the read loop
 * (recvmsg, poll) with its reader role, which splice.c and rxzc.c share.
 */

#include <linux/in.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include "ktls.h"

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

/*
 * TLS 1.3 KeyUpdate (a handshake record starting with message type 24):
 * later records use a key userspace has yet to give, so decryption pauses
 * until TLS_RX is set again; reads that need a new record get EKEYEXPIRED
 * meanwhile, and poll says nothing is readable. Return: whether @rec is
 * one.
 */
bool ktls_rx_check_key_update(struct sock *sk, struct ktls_rx *rx,
			      const struct ktls_rx_rec *rec)
{
	u32 n;

	if (rx->c.prot.version != KTLS_VER_1_3 ||
	    rec->type != KTLS_CT_HANDSHAKE || !rec->len ||
	    *ktls_recbuf_at(rec, rec->start, &n) != KTLS_HS_KEY_UPDATE)
		return false;
	rx->key_pending = true;
	ktls_stat_inc(sk, KTLS_STAT_RX_REKEY_RECEIVED);
	return true;
}

/*
 * Take the whole record at copied_seq (rx->rec_len bytes, checked by
 * ktls_rx_parse()) out of TCP, decrypt it and queue it on rx->recs; with
 * an asynchronous AEAD the whole ones behind it too, several at once
 * (rxasync.c). Called with lock_sock held. Return: 0 or a negative errno.
 */
static int ktls_rx_fetch(struct sock *sk, struct ktls_rx *rx)
{
	u32 len = rx->rec_len;
	u32 start = KTLS_REC_HDR_LEN + rx->c.prot.explicit_len;
	struct ktls_rx_rec *rec;
	bool in_rec = true;
	int err;

	sock_owned_by_me(sk);
	err = ktls_rx_fetch_async(sk, rx);
	if (err)
		return err < 0 ? err : 0;
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
		in_rec = !ktls_rx_map_queue(sk, rx->scr->sg, start,
						 len - start);
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

/**
 * ktls_rx_more() - decrypt one more record onto rx->recs
 * @sk: socket, lock_sock held (released while waiting)
 * @rx: its RX state, as the reader
 * @timeo: how long to wait, decreased by the time waited
 * @wait: wait for a record; else take one only if it is whole already
 * @have_data: the caller has bytes to return: leave a socket error for
 *	the next call
 *
 * Return: 1 when a record was added, 0 when none, or a negative errno.
 */
int ktls_rx_more(struct sock *sk, struct ktls_rx *rx, long *timeo, bool wait,
		 bool have_data)
{
	int ret = ktls_rx_await(sk, rx, timeo, wait, have_data);

	if (ret <= 0)
		return ret;
	return ktls_rx_fetch(sk, rx) ?: 1;
}

/**
 * ktls_rx_reader_lock() - take lock_sock and the reader role
 * @sk: socket, lock_sock not held
 * @rx: its RX state
 * @timeo: how long to wait for another reader, decreased as waited
 *
 * Return: 0 with lock_sock held, or -EAGAIN, -EINTR, -ERESTARTSYS
 * without.
 */
int ktls_rx_reader_lock(struct sock *sk, struct ktls_rx *rx, long *timeo)
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

/**
 * ktls_rx_reader_done() - give the reader role back, keep lock_sock
 * @sk: socket, lock_sock held (and kept: read_sock's caller's)
 * @rx: its RX state
 */
void ktls_rx_reader_done(struct sock *sk, struct ktls_rx *rx)
{
	sock_owned_by_me(sk);
	ktls_rx_idle(sk, rx);
	WRITE_ONCE(rx->reader, false);
	wake_up(&rx->readers);
}

/**
 * ktls_rx_reader_unlock() - give the reader role and lock_sock back
 * @sk: socket, lock_sock held
 * @rx: its RX state
 */
void ktls_rx_reader_unlock(struct sock *sk, struct ktls_rx *rx)
{
	ktls_rx_reader_done(sk, rx);
	release_sock(sk);
}

/**
 * ktls_rx_next() - a decrypted record
 * @rx: RX state, lock_sock held
 * @prev: a record on rx->recs, or NULL
 *
 * Return: the record after @prev on rx->recs, the first one when @prev is
 * NULL, or NULL when there is none.
 */
struct ktls_rx_rec *ktls_rx_next(struct ktls_rx *rx, struct ktls_rx_rec *prev)
{
	if (!prev)
		return list_first_entry_or_null(&rx->recs, struct ktls_rx_rec,
						list);
	if (list_is_last(&prev->list, &rx->recs))
		return NULL;
	return list_next_entry(prev, list);
}

/**
 * ktls_rx_consume() - @n bytes of a decrypted record were read
 * @rx: RX state, lock_sock held
 * @rec: the record, on rx->recs
 * @n: bytes read from its front; a record read whole is put away
 */
void ktls_rx_consume(struct ktls_rx *rx, struct ktls_rx_rec *rec, u32 n)
{
	rec->start += n;
	rec->len -= n;
	if (!rec->len) {
		list_del(&rec->list);
		ktls_rx_rec_put(rx, rec);
	}
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
 * A new record for the reader: decrypted straight into @msg when it can
 * be (not for @peek), with those behind it for an asynchronous AEAD,
 * else onto rx->recs.
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
		ret = ktls_rx_read_async(sk, rx, msg, room, type, copied);
		if (ret)
			return ret;
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
 * ktls_rx_swap_crypto() - install the next RX keyed state
 * @sk: socket, lock_sock held
 * @ctx: context with RX configured
 * @c: new keyed state; on return it holds the old one, for the caller
 * @resume: a new key (TLS 1.3 KeyUpdate), not the old one again
 *
 * Records decrypted before stay queued as they are; with @resume,
 * decryption goes on if a KeyUpdate paused it.
 */
void ktls_rx_swap_crypto(struct sock *sk, struct ktls_ctx *ctx,
			 struct ktls_crypto *c, bool resume)
{
	struct ktls_rx *rx = ctx->rx;

	sock_owned_by_me(sk);
	ktls_rx_scratch_put(rx);	/* sized for the old transform */
	swap(rx->c, *c);
	if (resume && rx->key_pending) {
		rx->key_pending = false;
		/* wake readers and poll if a record waits already */
		sk->sk_data_ready(sk);
	}
}
