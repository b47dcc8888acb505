// SPDX-License-Identifier: GPL-2.0
/* tx.c - TX record layer: build records, encrypt in place, push pages to TCP. */

#include <linux/highmem.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/splice.h>
#include <crypto/aead.h>

#include "ktls.h"
#include "testhook.h"

enum {
	KTLS_TX_SCHEDULED,	/* work queued to push a pending record */
	KTLS_TX_CLOSING,	/* socket closing: queue no more work */
};

/*
 * One record in up to KTLS_TX_SEGS page frag segments, each holding a page
 * reference. Byte 0 is the record header; plaintext is written from the
 * payload offset on and encrypted in place. The segments back @cap bytes.
 *
 * Plaintext that arrives as spliced pages is not copied: while @next > 0
 * the open record's plaintext is ext[0..next) (each holding a page
 * reference), and sealing encrypts from there into the segments.
 */
struct ktls_tx_rec {
	struct bio_vec seg[KTLS_TX_SEGS];
	struct bio_vec ext[KTLS_TX_EXT];
	u8 nseg;
	u8 next;	/* entries in ext[]: plaintext is referenced */
	u32 cap;	/* bytes backed by seg[] */
	u32 len;	/* plaintext bytes */
	u8 type;	/* content type */
};

/*
 * Lock order: ctx->tx_lock, then lock_sock. tx_lock keeps senders, rekey
 * and the push work from interleaving records; lock_sock protects
 * everything below.
 */
struct ktls_tx {
	struct ktls_crypto c;
	struct ktls_tx_rec open;	/* accumulating plaintext (MSG_MORE) */
	struct ktls_tx_sealed closed;	/* encrypted, not all taken by TCP */
	struct ktls_tx_async *async;	/* asynchronous AEAD: txasync.c */
	struct ktls_tx_scratch *scr;	/* NULL outside a sealing call */
	u32 max_plain;			/* payload limit per record */
	bool in_push;			/* write_space from inside our push */
	bool unpushed;			/* TCP holds bytes of KTLS_PUSH_LATER */
	unsigned long flags;		/* KTLS_TX_* bits, atomic */
	struct work_struct work;
	struct sock *sk;
};

static struct ktls_tx *ktls_tx(struct ktls_ctx *ctx)
{
	return ctx->tx;
}

/**
 * ktls_tx_crypto() - TX keyed state, for getsockopt
 * @ctx: context with TX configured
 *
 * Return: the TX crypto state.
 */
struct ktls_crypto *ktls_tx_crypto(struct ktls_ctx *ctx)
{
	return &ctx->tx->c;
}

static u32 ktls_tx_payload_off(const struct ktls_tx *tx)
{
	return KTLS_REC_HDR_LEN + tx->c.prot.explicit_len;
}

static void ktls_rec_free(struct ktls_tx_rec *rec)
{
	ktls_bvec_put(rec->seg, rec->nseg);
	ktls_bvec_put(rec->ext, rec->next);
	memset(rec, 0, sizeof(*rec));
}

/*
 * Make sure bytes [0, end) of @rec are backed, carving from the page frag
 * of the socket's task (as TCP and the in-tree module do): consecutive
 * records share its pages, so a 16 KiB record costs about half a page
 * allocation, a segment is as long as the frag allows, and an idle socket
 * holds no page. Each segment holds its own page reference. Within one
 * call the frag is the socket's alone; a record left open across calls is
 * given all its room first (ktls_tx_reserve()), so other sockets carving
 * from the same frag in between cannot split it into more segments.
 */
static int ktls_rec_alloc(struct sock *sk, struct ktls_tx_rec *rec, u32 end)
{
	struct page_frag *pf = sk_page_frag(sk);
	gfp_t gfp = sk->sk_allocation;

	while (rec->cap < end) {
		u32 want = end - rec->cap, n;
		struct bio_vec *last = rec->nseg ? &rec->seg[rec->nseg - 1] :
						   NULL;

		/* never leave a crumb of a frag for the next segment */
		if (!skb_page_frag_refill(min_t(u32, want, 256), pf, gfp))
			return -ENOMEM;
		n = min_t(u32, want, pf->size - pf->offset);
		if (last && last->bv_page == pf->page &&
		    last->bv_offset + last->bv_len == pf->offset) {
			last->bv_len += n;
		} else {
			if (WARN_ON_ONCE(rec->nseg == KTLS_TX_SEGS))
				return -ENOMEM;
			get_page(pf->page);
			rec->seg[rec->nseg++] = (struct bio_vec){
				.bv_page = pf->page, .bv_len = n,
				.bv_offset = pf->offset,
			};
		}
		pf->offset += n;
		rec->cap += n;
	}
	return 0;
}

/*
 * Find byte @pos of @rec: its page (the small page, also inside a compound
 * one) and offset there. Return: bytes from there to the end of that page
 * or segment, whichever comes first.
 */
static u32 ktls_rec_at(const struct ktls_tx_rec *rec, u32 pos,
		       struct page **page, u32 *off)
{
	const struct bio_vec *bv = rec->seg;
	u32 o;

	while (pos >= bv->bv_len) {
		pos -= bv->bv_len;
		bv++;
	}
	o = bv->bv_offset + pos;
	*page = ktls_nth_page(bv->bv_page, o / PAGE_SIZE);
	*off = offset_in_page(o);
	return min_t(u32, bv->bv_len - pos, PAGE_SIZE - *off);
}

static void ktls_rec_write(struct ktls_tx_rec *rec, u32 pos, const void *src,
			   u32 len)
{
	while (len) {
		struct page *page;
		u32 off, n = min(len, ktls_rec_at(rec, pos, &page, &off));

		memcpy_to_page(page, off, src, n);
		pos += n;
		src += n;
		len -= n;
	}
}

/* Map bytes [pos, pos + len) of @rec into @sg; returns entries used. */
static int ktls_rec_sg(struct ktls_tx_rec *rec, u32 pos, u32 len,
		       struct scatterlist *sg)
{
	const struct bio_vec *bv = rec->seg;
	int n = 0;

	while (pos >= bv->bv_len) {
		pos -= bv->bv_len;
		bv++;
	}
	while (len) {
		u32 chunk = min_t(u32, len, bv->bv_len - pos);

		sg_set_page(&sg[n++], bv->bv_page, chunk, bv->bv_offset + pos);
		len -= chunk;
		pos = 0;
		bv++;
	}
	return n;
}

/* Copy referenced plaintext (ext[]) into the record's own pages. */
static int ktls_rec_unref(struct sock *sk, struct ktls_tx *tx)
{
	struct ktls_tx_rec *rec = &tx->open;
	u32 pos = ktls_tx_payload_off(tx);
	int i;

	if (ktls_rec_alloc(sk, rec, pos + rec->len))
		return -ENOMEM;
	for (i = 0; i < rec->next; i++) {
		const struct bio_vec *bv = &rec->ext[i];
		void *src = kmap_local_page(bv->bv_page);

		ktls_rec_write(rec, pos, src + bv->bv_offset, bv->bv_len);
		kunmap_local(src);
		pos += bv->bv_len;
		put_page(bv->bv_page);
	}
	rec->next = 0;
	return 0;
}

/* Add @len bytes at @off of @page, whose reference ext[] takes over. */
static void ktls_rec_ext_add(struct ktls_tx_rec *rec, struct page *page,
			     u32 off, u32 len)
{
	struct bio_vec *last = rec->next ? &rec->ext[rec->next - 1] : NULL;

	if (last && last->bv_page == page &&
	    last->bv_offset + last->bv_len == off) {
		last->bv_len += len;
		put_page(page);
		return;
	}
	rec->ext[rec->next++] = (struct bio_vec){
		.bv_page = page, .bv_len = len, .bv_offset = off,
	};
}

/*
 * Take up to @len bytes of @from (spliced pages, or the user's buffer) as
 * plaintext of the open record by reference, as many pages per call as
 * ext[] has room for. Return: 0, -ENOSPC when ext[] is full (the caller
 * copies instead), or the errno of taking the pages.
 */
static int ktls_rec_ref_in(struct ktls_tx_rec *rec, struct iov_iter *from,
			   u32 len)
{
	struct page *pages[KTLS_TX_EXT];

	while (len) {
		size_t off;
		ssize_t got;
		int i;

		if (rec->next == KTLS_TX_EXT)
			return -ENOSPC;
		got = iov_iter_get_pages2(from, pages, len,
					  KTLS_TX_EXT - rec->next, &off);
		if (got <= 0)
			return got ? got : -EFAULT;
		rec->len += got;
		len -= got;
		for (i = 0; got; i++, off = 0) {
			u32 n = min_t(size_t, got, PAGE_SIZE - off);

			ktls_rec_ext_add(rec, pages[i], off, n);
			got -= n;
		}
	}
	return 0;
}

/*
 * Append up to @len bytes from @from to the open record: by reference
 * when they are spliced pages (@zc) and so is all of the record so far,
 * else copied.
 */
static int ktls_rec_copy_in(struct sock *sk, struct ktls_tx *tx,
			    struct iov_iter *from, u32 len, bool zc)
{
	struct ktls_tx_rec *rec = &tx->open;
	u32 base = ktls_tx_payload_off(tx);

	if (zc && (!rec->len || rec->next)) {
		size_t left = iov_iter_count(from) - len;
		int err = ktls_rec_ref_in(rec, from, len);

		if (err != -ENOSPC)
			return err;
		len = iov_iter_count(from) - left;
	}
	if (rec->next && ktls_rec_unref(sk, tx))
		return -ENOMEM;
	if (ktls_rec_alloc(sk, rec, base + rec->len + len))
		return -ENOMEM;
	while (len) {
		struct page *page;
		u32 off, chunk;
		size_t got;

		chunk = min(len, ktls_rec_at(rec, base + rec->len, &page, &off));
		got = copy_page_from_iter(page, off, chunk, from);
		rec->len += got;
		len -= got;
		if (got != chunk)
			return -EFAULT;
	}
	return 0;
}

/* Cut the open record's plaintext back to @len bytes. */
static void ktls_rec_trim(struct ktls_tx_rec *rec, u32 len)
{
	u32 keep = len;
	int i;

	for (i = 0; i < rec->next; i++) {
		if (keep >= rec->ext[i].bv_len) {
			keep -= rec->ext[i].bv_len;
			continue;
		}
		if (keep) {
			rec->ext[i++].bv_len = keep;
			keep = 0;
		}
		break;
	}
	if (rec->next) {
		ktls_bvec_put(rec->ext + i, rec->next - i);
		rec->next = i;
	}
	rec->len = len;
}

/*
 * Take @len bytes of the user's buffer as the plaintext of the empty open
 * record by reference: one pass (the seal reads them there) instead of a
 * copy and a pass. Only for a record sealed before the send call returns,
 * which drops the references, so no user page stays held. When the pages
 * can't all be taken, what was taken is dropped and the bytes are copied,
 * with the errors of copying.
 */
static int ktls_rec_user_in(struct sock *sk, struct ktls_tx *tx,
			    struct iov_iter *from, u32 len)
{
	struct ktls_tx_rec *rec = &tx->open;

	if (!ktls_rec_ref_in(rec, from, len))
		return 0;
	iov_iter_revert(from, rec->len);
	ktls_rec_trim(rec, 0);
	return ktls_rec_copy_in(sk, tx, from, len, false);
}

/* tx->scr, allocated for the transform of tx->c when there is none. */
static struct ktls_tx_scratch *ktls_tx_scratch_get(struct sock *sk,
						   struct ktls_tx *tx)
{
	if (!tx->scr)
		tx->scr = ktls_crypto_scratch_get(&tx->c, KTLS_SCRATCH_TX,
						  sizeof(*tx->scr),
						  sk->sk_allocation);
	return tx->scr;
}

/*
 * A send call ends: give back the scratch space of its seals, nonce and
 * request context wiped (cipher.c); AAD, tail type and scatterlists are
 * no secret. Called by the send paths and the key swap, which hold
 * ctx->tx_lock and lock_sock (asserted there), and by ktls_tx_free() once
 * no one else can.
 */
static void ktls_tx_idle(struct ktls_tx *tx)
{
	struct ktls_tx_scratch *scr = tx->scr;

	if (!scr)
		return;
	ktls_crypto_scratch_put(&tx->c, KTLS_SCRATCH_TX, scr, scr->iv,
				&scr->req);
	tx->scr = NULL;
}

/*
 * The open record is sealed: its segments, now ciphertext, become the
 * closed record, or go with the scratch when the AEAD is still running
 * (or others are): the scratch then belongs to the flight (txasync.c),
 * and so do the plaintext pages the AEAD reads. @mine: plaintext bytes
 * of the running send call in it, given back if it fails.
 */
static void ktls_tx_sealed_take(struct ktls_tx *tx, u32 len, bool flying,
				u32 mine)
{
	struct ktls_tx_rec *rec = &tx->open;
	struct ktls_tx_sealed *to = &tx->closed;
	struct ktls_tx_scratch *scr = tx->scr;

	if (flying) {
		to = &scr->rec;
		memcpy(scr->ext, rec->ext, sizeof(rec->ext));
		scr->next = rec->next;
		scr->mine = mine;
		rec->next = 0;
	}
	ktls_bvec_put(rec->ext, rec->next);
	memcpy(to->seg, rec->seg, sizeof(rec->seg));
	to->nseg = rec->nseg;
	to->len = len;
	to->sent = 0;
	if (flying) {
		ktls_tx_async_add(tx->async, scr);
		tx->scr = NULL;		/* the next record takes its own */
	}
}

/*
 * The socket is done: a record could not be sealed. Set once the records
 * before it have gone to TCP, which refuses data after an error.
 */
static void ktls_tx_broken(struct sock *sk)
{
	if (READ_ONCE(sk->sk_err) == EBADMSG)
		return;
	WRITE_ONCE(sk->sk_err, EBADMSG);
	sk_error_report(sk);
}

/*
 * Seal the open record in place and make it the closed record, or with
 * an asynchronous AEAD a record in flight (@mine: ktls_tx_sealed_take()).
 * On error the open record keeps its plaintext and nothing reaches the
 * wire; -EBADMSG means the socket is done, for the caller to report with
 * ktls_tx_broken() once the records in flight before it are pushed.
 * Called with lock_sock held and no sealed record pending but those in
 * flight.
 */
static int ktls_tx_seal(struct sock *sk, struct ktls_tx *tx, u32 mine)
{
	const struct ktls_prot *p = &tx->c.prot;
	struct ktls_tx_rec *rec = &tx->open;
	u32 base = ktls_tx_payload_off(tx);
	u32 plain = rec->len;
	u8 type = rec->type;
	struct ktls_tx_scratch *scr;
	struct scatterlist *sg, *src;
	u8 hdr[KTLS_REC_HDR_LEN];
	int n, err;

	sock_owned_by_me(sk);
	/*
	 * No record after the one numbered 2^64 - 1 could have its own
	 * number, so that one is not sent either: the socket is done with
	 * EBADMSG, as upstream since 7.x (its recseq_wrap test).
	 */
	if (!memchr_inv(tx->c.seq, 0xff, KTLS_REC_SEQ_LEN))
		return -EBADMSG;
	err = ktls_rec_alloc(sk, rec, plain + p->overhead);
	if (err)
		return err;
	scr = ktls_tx_scratch_get(sk, tx);
	if (!scr)
		return -ENOMEM;
	sg = scr->sg_dst;

	ktls_hdr_build(p, hdr, rec->type, plain);
	ktls_rec_write(rec, 0, hdr, sizeof(hdr));
	if (p->explicit_len)
		ktls_rec_write(rec, KTLS_REC_HDR_LEN,
			       tx->c.salt_iv + p->salt_len, p->explicit_len);
	if (p->tail_len)
		ktls_rec_write(rec, base + plain, &rec->type, 1);
	ktls_nonce_build(p, scr->iv, tx->c.salt_iv, tx->c.seq,
			 tx->c.salt_iv + p->salt_len);
	ktls_aad_build(p, scr->aad, tx->c.seq, rec->type, plain);

	sg_init_table(sg, rec->nseg + 1);	/* AAD and at most each segment */
	sg_set_buf(&sg[0], scr->aad, p->aad_len);
	n = ktls_rec_sg(rec, base, plain + p->tail_len + p->tag_len, &sg[1]);
	sg_mark_end(&sg[n]);
	src = sg;
	if (rec->next) {	/* plaintext in spliced pages: read it there */
		src = scr->sg_src;
		sg_init_table(src, rec->next + 1 + p->tail_len);
		sg_set_buf(&src[0], scr->aad, p->aad_len);
		for (n = 0; n < rec->next; n++)
			sg_set_page(&src[n + 1], rec->ext[n].bv_page,
				    rec->ext[n].bv_len, rec->ext[n].bv_offset);
		if (p->tail_len) {
			scr->tail = rec->type;
			sg_set_buf(&src[n + 1], &scr->tail, 1);
		}
	}

	err = ktls_tx_async_seal(sk, &tx->async, &tx->c, scr, src, sg,
				 plain + p->tail_len);
	if (err < 0) {
		/* plaintext read from spliced pages is intact: try again */
		if (err == -ENOMEM && rec->next)
			return err;
		/*
		 * The plaintext may be partly encrypted in place: the record
		 * can't be sealed again. As upstream, the socket is done.
		 */
		return -EBADMSG;
	}
	ktls_seq_inc(tx->c.seq);	/* can't wrap: checked above */
	if (p->explicit_len)
		ktls_iv_advance(p, tx->c.salt_iv);

	ktls_tx_sealed_take(tx, plain + p->overhead, err > 0, mine);
	memset(rec, 0, sizeof(*rec));
	rec->type = type;	/* the send loop goes on with it */
	return 0;
}

/*
 * Hand one sealed record to TCP. Return: 0 when all of it is queued
 * (its pages are dropped), -EAGAIN when TCP took only part (it stays
 * pending), or an errno.
 */
static int ktls_tx_push_rec(struct sock *sk, struct ktls_tx *tx,
			    struct ktls_tx_sealed *rec, int flags)
{
	flags &= MSG_DONTWAIT | MSG_MORE | MSG_NOSIGNAL | KTLS_PUSH_LATER;
	while (rec->sent < rec->len) {
		int ret;

		tx->in_push = true;
		ret = ktls_compat_push(sk, rec->seg, rec->nseg, rec->sent,
				       rec->len - rec->sent, flags);
		tx->in_push = false;
		if (ret <= 0)
			return ret ? ret : -EAGAIN;
		/* without the flag TCP pushed all it holds, ours too */
		tx->unpushed = flags & KTLS_PUSH_LATER;
		rec->sent += ret;
	}
	ktls_sealed_free(rec);
	return 0;
}

/* Whether sealed records wait for TCP (lockless: a hint for write_space) */
static bool ktls_tx_pending(const struct ktls_tx *tx)
{
	struct ktls_tx_async *a = READ_ONCE(tx->async);

	return READ_ONCE(tx->closed.len) || (a && !list_empty(&a->sealed));
}

/*
 * Hand the sealed records to TCP in order: the closed record, then those
 * an asynchronous AEAD sealed (never both); the last with @flags, those
 * before it as more to come. Return: 0 when all are queued, -EAGAIN when
 * TCP took only part (the rest stays pending), or an errno.
 */
static int ktls_tx_push(struct sock *sk, struct ktls_tx *tx, int flags)
{
	struct list_head *q = tx->async ? &tx->async->sealed : NULL;
	int more = flags | MSG_MORE | KTLS_PUSH_LATER;
	int err;

	if (tx->closed.len) {
		err = ktls_tx_push_rec(sk, tx, &tx->closed,
				       !q || list_empty(q) ? flags : more);
		if (err)
			return err;
	}
	while (q && !list_empty(q)) {
		struct ktls_tx_scratch *scr;

		scr = list_first_entry(q, struct ktls_tx_scratch, list);
		err = ktls_tx_push_rec(sk, tx, &scr->rec,
				       list_is_singular(q) ? flags : more);
		if (err)
			return err;
		ktls_tx_async_pop(tx->async);
	}
	return 0;
}

/*
 * Wait for the records in flight, if any, then hand every sealed record
 * to TCP (ktls_tx_push()). If one failed, those before it are pushed,
 * the socket is done, and the bytes of this call in it and after it are
 * taken off *@copied (when given). Called with ctx->tx_lock and
 * lock_sock held. Return: 0, -EBADMSG, or ktls_tx_push()'s error.
 */
static int ktls_tx_drain(struct sock *sk, struct ktls_tx *tx, int flags,
			 size_t *copied)
{
	u32 lost;
	int err, ret;

	if (!tx->async || list_empty(&tx->async->flight))
		return ktls_tx_push(sk, tx, flags);
	err = ktls_tx_async_wait(sk, tx->async, &tx->c, &lost);
	if (copied)
		*copied -= lost;
	ret = ktls_tx_push(sk, tx, flags);
	if (err)
		ktls_tx_broken(sk);
	return err ?: ret;
}

/*
 * Push what TCP holds of records handed over with KTLS_PUSH_LATER: the
 * call is about to return or to wait for send-buffer room, and TCP sends
 * nothing more on its own if nothing is in flight. Called with lock_sock
 * held; releases it meanwhile (as waiting does).
 */
static void ktls_tx_flush(struct sock *sk, struct ktls_tx *tx)
{
	sock_owned_by_me(sk);
	if (!tx->unpushed)
		return;
	tx->unpushed = false;
	release_sock(sk);
	ktls_compat_tcp_push(sk);
	lock_sock(sk);
}

/*
 * The open record stays open after this call (MSG_MORE): back all of it
 * now, while the page frag is still ours.
 */
static int ktls_tx_reserve(struct sock *sk, struct ktls_tx *tx)
{
	return ktls_rec_alloc(sk, &tx->open,
			      tx->max_plain + tx->c.prot.overhead);
}

/* Seal the open record, none of it from this call, and push it. */
static int ktls_tx_close_rec(struct sock *sk, struct ktls_tx *tx, int flags)
{
	return ktls_tx_seal(sk, tx, 0) ?: ktls_tx_drain(sk, tx, flags, NULL);
}

static int ktls_tx_cmsg_type(struct msghdr *msg, u8 *type)
{
	struct cmsghdr *cmsg;

	for_each_cmsghdr(cmsg, msg) {
		if (!CMSG_OK(msg, cmsg))
			return -EINVAL;
		if (cmsg->cmsg_level != SOL_TLS)
			continue;
		if (cmsg->cmsg_type != TLS_SET_RECORD_TYPE)
			return -EINVAL;
		if (cmsg->cmsg_len < CMSG_LEN(sizeof(*type)))
			return -EINVAL;
		if (msg->msg_flags & MSG_MORE)
			return -EINVAL;
		*type = *(u8 *)CMSG_DATA(cmsg);
	}
	return 0;
}

/*
 * The send loop shared by sendmsg, sendpage and splice. @flags may carry
 * KTLS_PUSH_LATER from a sendpage that more pages of the same splice
 * follow. A record the call fills before its last byte, or whose end the
 * splice goes on after, is handed to TCP with KTLS_PUSH_LATER: one TCP
 * push per call, not per record, as TCP itself pushes a sendfile. Called
 * with ctx->tx_lock and lock_sock held. Return: plaintext bytes accepted
 * or errno.
 */
static int ktls_tx_send_locked(struct sock *sk, struct ktls_tx *tx,
			       struct iov_iter *from, u8 type, int flags,
			       bool more, bool zc)
{
	long timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	bool empty = !iov_iter_count(from);
	bool user = !zc && user_backed_iter(from);
	bool splice_more = flags & KTLS_PUSH_LATER;
	size_t copied = 0;
	u32 mine = 0;	/* bytes of this call in the open record */
	int err = 0;

	sock_owned_by_me(sk);
	lockdep_assert_held(&ktls_get_ctx(sk)->tx_lock);
	flags &= ~KTLS_PUSH_LATER;
	if (ktls_tx_pending(tx)) {
		err = ktls_tx_push(sk, tx, flags);
		if (err)
			goto out;
	}
	if (tx->open.len && tx->open.type != type) {
		err = ktls_tx_close_rec(sk, tx, flags);
		if (err)
			goto out;
	}
	tx->open.type = type;

	while (iov_iter_count(from)) {
		u32 n = min_t(size_t, iov_iter_count(from),
			      tx->max_plain - tx->open.len);
		u32 before = tx->open.len;
		bool last = n == iov_iter_count(from);
		bool hold = last && more && type == KTLS_CT_APPLICATION_DATA &&
			    before + n < tx->max_plain;

		if (sk->sk_err) {
			err = -sk->sk_err;
			break;
		}
		/* records in flight are not TCP's yet: bound them */
		if (ktls_tx_async_full(sk, tx->async)) {
			err = ktls_tx_drain(sk, tx, flags | MSG_MORE |
					    KTLS_PUSH_LATER, &copied);
			if (err)
				break;
		}
		/*
		 * Take no more while TCP holds a send buffer's worth, as
		 * upstream: a non-blocking sender sees EAGAIN instead of
		 * sealing records TCP cannot queue, a blocking one waits.
		 */
		if (!sk_stream_memory_free(sk)) {
			if (ktls_tx_async_flying(tx->async)) {
				err = ktls_tx_drain(sk, tx, flags | MSG_MORE |
						    KTLS_PUSH_LATER, &copied);
				if (err)
					break;
			}
			ktls_tx_flush(sk, tx);
			if (sk_stream_memory_free(sk))
				continue;
			set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
			err = sk_stream_wait_memory(sk, &timeo);
			if (err)
				break;
			continue;
		}
		/* a record sealed below may read the user's pages */
		if (user && !before && !hold)
			err = ktls_rec_user_in(sk, tx, from, n);
		else
			err = ktls_rec_copy_in(sk, tx, from, n, zc);
		copied += tx->open.len - before;
		mine += tx->open.len - before;
		if (err)
			break;
		if (hold) {
			err = ktls_tx_reserve(sk, tx);
			break;
		}
		if (tx->open.len == tx->max_plain || last) {
			err = ktls_tx_seal(sk, tx, mine);
			if (err)
				break;
			mine = 0;	/* sealed: it goes out */
			/* an asynchronous AEAD works on: seal the next one */
			if (!last && ktls_tx_async_flying(tx->async))
				continue;
			/* more to come in this call or the next: don't push */
			if (!last || splice_more)
				err = ktls_tx_drain(sk, tx, flags | MSG_MORE |
						    KTLS_PUSH_LATER, &copied);
			else
				err = ktls_tx_drain(sk, tx, more ? flags | MSG_MORE :
						    flags, &copied);
			if (err)
				break;
		}
	}
	/* nothing stays in flight after the call (the loop stopped early) */
	if (ktls_tx_async_flying(tx->async)) {
		int ret = ktls_tx_drain(sk, tx, flags | MSG_MORE |
					KTLS_PUSH_LATER, &copied);

		err = err ?: ret;
	}
	/*
	 * Bytes of this call that could not be sealed are given back, as
	 * upstream trims its open record: the caller sends them again, and
	 * no byte reported sent is left in a record nobody will close.
	 */
	if (err && mine) {
		ktls_rec_trim(&tx->open, tx->open.len - mine);
		copied -= mine;
	}
	if (!tx->open.len && tx->open.nseg) {
		u8 t = tx->open.type;

		ktls_rec_free(&tx->open);	/* its room came from this call */
		tx->open.type = t;
	}
	/*
	 * A send of nothing leaves a record held back by MSG_MORE open, as
	 * upstream does; an empty control record is sent as a record.
	 */
	if (empty && !err && type != KTLS_CT_APPLICATION_DATA && !tx->open.len)
		err = ktls_tx_close_rec(sk, tx, flags);
out:
	if (err == -EBADMSG)
		ktls_tx_broken(sk);
	/* unless the splice goes on with its next page, as it said */
	if (!splice_more || err || iov_iter_count(from))
		ktls_tx_flush(sk, tx);
	if (copied)
		return copied;
	return sk_stream_error(sk, flags, err);
}

/**
 * ktls_sendmsg() - proto->sendmsg with TX configured
 * @sk: socket
 * @msg: data, optionally a TLS_SET_RECORD_TYPE cmsg
 * @size: bytes in @msg
 *
 * Return: plaintext bytes accepted, or a negative errno.
 */
int ktls_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
{
	struct ktls_ctx *ctx = ktls_get_ctx(sk);
	struct ktls_tx *tx = ktls_tx(ctx);
	int flags = msg->msg_flags;
	u8 type = KTLS_CT_APPLICATION_DATA;
	int ret;

	if (flags & ~(MSG_MORE | MSG_DONTWAIT | MSG_NOSIGNAL | MSG_EOR |
		      MSG_CMSG_COMPAT | KTLS_MSG_INTERNAL))
		return -EOPNOTSUPP;

	mutex_lock(&ctx->tx_lock);
	lock_sock(sk);
	ret = 0;
	if (msg->msg_controllen)
		ret = ktls_tx_cmsg_type(msg, &type);
	if (!ret)
		ret = ktls_tx_send_locked(sk, tx, &msg->msg_iter, type, flags,
					  flags & MSG_MORE,
					  (flags & KTLS_MSG_SPLICE) &&
					  iov_iter_is_bvec(&msg->msg_iter));
	ktls_tx_idle(tx);
	release_sock(sk);
	mutex_unlock(&ctx->tx_lock);
	return ret;
}

#ifdef COMPAT_HAS_SENDPAGE
/**
 * ktls_sendpage() - proto->sendpage with TX configured (sendfile, splice)
 * @sk: socket
 * @page: source page
 * @offset: start in @page
 * @size: bytes
 * @flags: MSG_* and MSG_SENDPAGE_NOTLAST
 *
 * Return: bytes accepted, or a negative errno.
 */
int ktls_sendpage(struct sock *sk, struct page *page, int offset,
		  size_t size, int flags)
{
	struct ktls_ctx *ctx = ktls_get_ctx(sk);
	struct ktls_tx *tx = ktls_tx(ctx);
	struct bio_vec bvec = {
		.bv_page = page, .bv_offset = offset, .bv_len = size,
	};
	struct iov_iter from;
	int ret;

	if (flags & ~(MSG_MORE | MSG_DONTWAIT | MSG_NOSIGNAL |
		      MSG_SENDPAGE_NOTLAST | MSG_SENDPAGE_NOPOLICY |
		      MSG_NO_SHARED_FRAGS))
		return -EOPNOTSUPP;
	iov_iter_bvec(&from, ITER_SOURCE, &bvec, 1, size);

	mutex_lock(&ctx->tx_lock);
	lock_sock(sk);
	ret = ktls_tx_send_locked(sk, tx, &from, KTLS_CT_APPLICATION_DATA,
				  (flags & ~MSG_SENDPAGE_NOTLAST) |
				  (flags & MSG_SENDPAGE_NOTLAST ? KTLS_PUSH_LATER : 0),
				  flags & (MSG_MORE | MSG_SENDPAGE_NOTLAST), true);
	ktls_tx_idle(tx);
	release_sock(sk);
	mutex_unlock(&ctx->tx_lock);
	return ret;
}
#endif

/**
 * ktls_splice_eof() - splice finished: send what MSG_MORE held back
 * @sock: socket
 */
void ktls_splice_eof(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct ktls_ctx *ctx = ktls_get_ctx(sk);
	struct ktls_tx *tx;

	if (!ctx || ctx->tx_conf != KTLS_SW)
		return;
	tx = ktls_tx(ctx);
	mutex_lock(&ctx->tx_lock);
	lock_sock(sk);
	if (ktls_tx_pending(tx))
		ktls_tx_push(sk, tx, 0);
	if (!ktls_tx_pending(tx) && tx->open.len &&
	    ktls_tx_close_rec(sk, tx, 0) == -EBADMSG)
		ktls_tx_broken(sk);
	ktls_tx_idle(tx);
	release_sock(sk);
	mutex_unlock(&ctx->tx_lock);
}

static void ktls_tx_work(struct work_struct *work)
{
	struct ktls_tx *tx = container_of(work, struct ktls_tx, work);
	struct sock *sk = tx->sk;
	struct ktls_ctx *ctx;

	KTLS_HOOK(tx_work);
	/* live: ktls_tx_release() cancels this work before the ctx goes */
	ctx = ktls_get_ctx(sk);
	mutex_lock(&ctx->tx_lock);
	lock_sock(sk);
	clear_bit(KTLS_TX_SCHEDULED, &tx->flags);
	if (ktls_tx_pending(tx) && !test_bit(KTLS_TX_CLOSING, &tx->flags))
		ktls_tx_push(sk, tx, MSG_DONTWAIT);
	release_sock(sk);
	mutex_unlock(&ctx->tx_lock);
	sock_put(sk);
}

/**
 * ktls_tx_write_space() - TCP has room again
 * @sk: socket, called from TCP with the socket locked
 * @ctx: its context
 *
 * A record that TCP took only part of is finished from a work item, so it
 * goes out even if the application never sends again.
 */
void ktls_tx_write_space(struct sock *sk, struct ktls_ctx *ctx)
{
	struct ktls_tx *tx = ktls_tx(ctx);

	sock_owned_by_me(sk);
	if (!tx->in_push && ktls_tx_pending(tx) &&
	    !test_bit(KTLS_TX_CLOSING, &tx->flags) &&
	    !test_and_set_bit(KTLS_TX_SCHEDULED, &tx->flags)) {
		sock_hold(sk);
		KTLS_HOOK(write_space);	/* close's window: ktls_tx_release() */
		if (!schedule_work(&tx->work))
			sock_put(sk);
	}
	ctx->saved_write_space(sk);
}

/**
 * ktls_tx_swap_crypto() - install the next TX key (TLS 1.3 KeyUpdate)
 * @ctx: context with TX configured
 * @c: new keyed state; on return it holds the old one, for the caller to
 *     free
 *
 * Called with ctx->tx_lock and lock_sock held, so no record is being
 * sealed: records sealed before use the old key, every later one (also
 * plaintext already held back by MSG_MORE, which the application sent
 * after its KeyUpdate) the new one.
 */
void ktls_tx_swap_crypto(struct ktls_ctx *ctx, struct ktls_crypto *c)
{
	lockdep_assert_held(&ctx->tx_lock);
	ktls_tx_idle(ctx->tx);	/* sized for the old transform's requests */
	swap(ctx->tx->c, *c);
}

/**
 * ktls_tx_set_max_payload() - apply TLS_TX_MAX_PAYLOAD_LEN
 * @ctx: context
 * @max: payload limit per record
 *
 * Called with ctx->tx_lock and lock_sock held.
 * Return: 0, or -EBUSY while a record is open (it was sized for the old
 * limit).
 */
int ktls_tx_set_max_payload(struct ktls_ctx *ctx, u16 max)
{
	lockdep_assert_held(&ctx->tx_lock);
	if (ctx->tx) {
		if (ctx->tx->open.len)
			return -EBUSY;
		ctx->tx->max_plain = max;
	}
	ctx->tx_max_payload = max;
	return 0;
}

/**
 * ktls_tx_init() - key TX from ctx->tx_info
 * @sk: socket, lock_sock held
 * @ctx: context whose tx_info was validated
 *
 * Return: 0 or a negative errno; on error nothing is left allocated.
 */
int ktls_tx_init(struct sock *sk, struct ktls_ctx *ctx)
{
	struct ktls_tx *tx;
	int err;

	sock_owned_by_me(sk);
	tx = kzalloc(sizeof(*tx), GFP_KERNEL);
	if (!tx)
		return -ENOMEM;
	err = ktls_crypto_init(&tx->c, (void *)ctx->tx_info);
	if (err)
		goto err_free;
	INIT_WORK(&tx->work, ktls_tx_work);
	tx->sk = sk;
	tx->max_plain = ctx->tx_max_payload ?: KTLS_MAX_PLAIN;
	tx->open.type = KTLS_CT_APPLICATION_DATA;
	ctx->tx = tx;
	return 0;

err_free:
	kfree_sensitive(tx);
	return err;
}

/**
 * ktls_tx_release() - stop TX at close: push what is sealed, drop the rest
 * @sk: socket, lock_sock NOT held (taken here after the work is stopped)
 * @ctx: context
 */
void ktls_tx_release(struct sock *sk, struct ktls_ctx *ctx)
{
	struct ktls_tx *tx = ktls_tx(ctx);

	/*
	 * write_space runs under the socket's bh lock (softirq) or as its
	 * owner (release_sock()). Set CLOSING as the owner: one that passed
	 * its test before has queued its work by now, for the cancel below,
	 * and none after queues any. Set without the lock, a softirq past
	 * the test could queue the work after the cancel, to run on a
	 * freed context.
	 */
	lock_sock(sk);
	set_bit(KTLS_TX_CLOSING, &tx->flags);
	release_sock(sk);
	if (cancel_work_sync(&tx->work))
		sock_put(sk);

	mutex_lock(&ctx->tx_lock);
	lock_sock(sk);
	if (ktls_tx_pending(tx))
		ktls_tx_push(sk, tx, MSG_DONTWAIT);
	ktls_stat_dec(sk, KTLS_STAT_CURR_TX_SW);
	release_sock(sk);
	mutex_unlock(&ctx->tx_lock);
}

/**
 * ktls_tx_free() - free TX state and wipe its keys
 * @ctx: context, detached from its socket
 */
void ktls_tx_free(struct ktls_ctx *ctx)
{
	struct ktls_tx *tx = ktls_tx(ctx);

	ktls_rec_free(&tx->open);
	ktls_sealed_free(&tx->closed);
	ktls_tx_async_free(tx->async);
	ktls_tx_idle(tx);
	ktls_crypto_free(&tx->c);
	kfree_sensitive(tx);
	ctx->tx = NULL;
}
