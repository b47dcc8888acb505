// SPDX-License-Identifier: GPL-2.0
/*
 * rxzc.c - RX zero-copy: decrypt a record straight into the reader's pages.
 *
 * A recvmsg that has no decrypted record queued ahead, finds a whole
 * record in TCP, is not MSG_PEEK, reads into user memory and has room for
 * the record's whole content decrypts it from the skbs (or from rx->part)
 * into the reader's pages in one pass, the tag and TLS 1.3 type byte into
 * the scratch. Anything else, or a record that turns out not to be data,
 * goes through a record buffer (rx.c), so errno answers are the same
 * either way. Called as the reader with lock_sock held.
 */

#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/uio.h>

#include "ktls.h"

/**
 * ktls_rx_zc_ok() - whether the next record may go to the reader's pages
 * @sk: socket, lock_sock held, as the reader
 * @rx: its RX state
 * @msg: destination
 * @room: bytes of @msg left to fill in this call
 * @type: the type this call returns, 0 until one was read
 *
 * Whether the record at copied_seq (rx->rec_len bytes, whole in TCP or in
 * rx->part and TCP) may be decrypted straight into @msg, @room bytes of
 * which are left: nothing is queued before it, it is known to be data
 * before it is decrypted (TLS 1.3: only the peer's promise of no padding,
 * TLS_RX_EXPECT_NO_PAD, tells that the last byte is the type), and its
 * content fits.
 *
 * Return: true when it may.
 */
bool ktls_rx_zc_ok(struct sock *sk, struct ktls_rx *rx, struct msghdr *msg,
		   size_t room, u8 type)
{
	const struct ktls_prot *p = &rx->c.prot;

	if (!list_empty(&rx->recs) || !rx->ready ||
	    !user_backed_iter(&msg->msg_iter) ||
	    (type && type != KTLS_CT_APPLICATION_DATA) ||
	    (p->tail_len && !ktls_get_ctx(sk)->rx_no_pad))
		return false;
	room = min(room, iov_iter_count(&msg->msg_iter));
	return ktls_rx_zc_fits(p, rx->rec_len, room);
}

/**
 * ktls_rx_zc_fits() - whether a record's content fits the reader's room
 * @p: record format
 * @rec_len: the record's length, header included
 * @room: bytes the reader has left
 *
 * Return: true when the record has content (TLS 1.3: a type byte) and
 * all of it, were it data, fits @room.
 */
bool ktls_rx_zc_fits(const struct ktls_prot *p, u32 rec_len, size_t room)
{
	u32 over = KTLS_REC_HDR_LEN + p->explicit_len + p->tag_len +
		   p->tail_len;

	return rec_len >= over && rec_len - over <= room;
}

/**
 * ktls_rx_map_user() - take the reader's pages for a record's content
 * @scr: the scratch the record is decrypted with
 * @iter: the reader's iterator, user-backed; advanced
 * @len: bytes to map into @scr->zc_sg[1...], @scr->pages
 * @npages: set to the pages taken, even on error: release them with
 *	ktls_compat_pages_put()
 *
 * Return: 0, or -EFAULT, -E2BIG (too many pages) to use a record buffer.
 */
int ktls_rx_map_user(struct ktls_rx_scratch *scr, struct iov_iter *iter,
		     u32 len, unsigned int *npages)
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
	} else if (!ktls_rx_map_queue(sk, scr->sg, start,
					      rx->rec_len - start)) {
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

/**
 * ktls_rx_read_zc() - read the whole record at copied_seq into @msg
 * @sk: socket, lock_sock held, as the reader
 * @rx: its RX state; rx->rec_len is the record's length
 * @msg: destination
 * @room: bytes of @msg left to fill in this call
 * @type: the type this call returns, 0 until one was read; set to data
 * @copied: bytes read in this call, increased by the record's content
 *
 * Reads the record in one pass when ktls_rx_zc_ok(): decrypts it from
 * the skbs straight into the reader's pages.
 *
 * Return: 1 when it was read, 0 when it must go through a record buffer
 * (ktls_rx_fetch()), or a negative errno (-EBADMSG after a bad tag).
 */
int ktls_rx_read_zc(struct sock *sk, struct ktls_rx *rx, struct msghdr *msg,
		    size_t room, u8 *type, size_t *copied)
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
	} else if (ktls_rx_copy_bits(sk, 0, rx->scr->hdr, start)) {
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
