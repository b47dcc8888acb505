// SPDX-License-Identifier: GPL-2.0
/*
 * rxdec.c - decrypting one RX record: AEAD set-up, the scratch, failure,
 * record done, and the record type a recvmsg returns. Shared by the read
 * loop (rx.c) and zero-copy (rxzc.c), which both sit above it: nothing
 * here calls back into either. Called with lock_sock held (but
 * ktls_rx_scratch_put() at free, the socket detached).
 */

#include <linux/scatterlist.h>
#include <crypto/aead.h>

#include "ktls.h"

/**
 * ktls_rx_prepare_seq() - nonce and AAD of a record into a scratch
 * @c: keyed state
 * @scr: the scratch the record is decrypted with
 * @seq: the record's sequence number
 * @head: the record's header and explicit nonce
 *
 * The AAD takes the record header as received, TLS 1.3 too (RFC 8446
 * 5.2): a record whose outer type was changed on the way fails
 * authentication (EBADMSG, TlsDecryptError). Upstream authenticates type
 * 23 whatever arrived and accepts such a record: a deliberate difference,
 * docs/design.md.
 */
void ktls_rx_prepare_seq(const struct ktls_crypto *c,
			 struct ktls_rx_scratch *scr, const u8 *seq,
			 const u8 *head)
{
	const struct ktls_prot *p = &c->prot;

	ktls_nonce_build(p, scr->iv, c->salt_iv, seq, head + KTLS_REC_HDR_LEN);
	ktls_aad_build_rx(p, scr->aad, seq, head);
}

/**
 * ktls_rx_prepare() - nonce and AAD of the next record into rx->scr
 * @rx: RX state, with rx->scr
 * @head: the record's header and explicit nonce
 */
void ktls_rx_prepare(struct ktls_rx *rx, const u8 *head)
{
	ktls_rx_prepare_seq(&rx->c, rx->scr, rx->c.seq, head);
}

/**
 * ktls_rx_aead() - decrypt with the nonce and AAD of ktls_rx_prepare()
 * @sk: socket, lock_sock held
 * @rx: its RX state, with rx->scr
 * @src: ciphertext and tag, led by the AAD
 * @dst: where the plaintext goes, led by the AAD
 * @clen: bytes of ciphertext and tag
 *
 * Waits for an asynchronous transform (cryptd): buffers stay held until
 * it is done.
 *
 * Return: 0, -EBADMSG for a bad tag (counted), or another error from the
 * crypto API.
 */
int ktls_rx_aead(struct sock *sk, struct ktls_rx *rx, struct scatterlist *src,
		 struct scatterlist *dst, u32 clen)
{
	int err = ktls_crypto_aead(&rx->c, &rx->scr->req, src, dst, clen,
				   rx->scr->iv, false);

	if (err == -EBADMSG)
		ktls_stat_inc(sk, KTLS_STAT_DECRYPT_ERROR);
	return err;
}

/**
 * ktls_rx_fail() - a record failed: every later read returns -EBADMSG
 * @sk: socket, lock_sock held
 * @rx: its RX state
 *
 * As upstream; the parser stops and sk_err reports it once.
 */
void ktls_rx_fail(struct sock *sk, struct ktls_rx *rx)
{
	rx->err = -EBADMSG;
	ktls_rx_abort(sk, rx, -EBADMSG);
}

/**
 * ktls_rx_scratch_get() - take rx->scr for the transform of rx->c
 * @sk: socket, lock_sock held
 * @rx: its RX state, without rx->scr
 *
 * Return: 0 or -ENOMEM.
 */
int ktls_rx_scratch_get(struct sock *sk, struct ktls_rx *rx)
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

/**
 * ktls_rx_scratch_put() - give back rx->scr, if taken
 * @rx: RX state: lock_sock held, or detached from its socket (at free)
 *
 * Nonce and request context are wiped (cipher.c); the AAD, header, tail
 * and scatterlists are no secret. Before rx->c changes: the request
 * context is sized for its transform.
 */
void ktls_rx_scratch_put(struct ktls_rx *rx)
{
	struct ktls_rx_scratch *scr = rx->scr;

	if (!scr)
		return;
	ktls_crypto_scratch_put(&rx->c, KTLS_SCRATCH_RX, scr, scr->iv,
				&scr->req);
	rx->scr = NULL;
}

/**
 * ktls_rx_record_done() - a record was taken out of TCP and decrypted
 * @sk: socket, lock_sock held
 * @rx: its RX state
 *
 * Counts it, and frames the next one.
 */
void ktls_rx_record_done(struct sock *sk, struct ktls_rx *rx)
{
	sock_owned_by_me(sk);
	if (ktls_seq_inc(rx->c.seq))
		ktls_rx_fail(sk, rx);	/* 2^64 records: no more with this key */
	else
		ktls_rx_parse(sk, rx);	/* keep ->ready right for poll */
}

/**
 * ktls_rx_type() - whether this recvmsg reads a record of @rec_type
 * @msg: destination, for the TLS_GET_RECORD_TYPE cmsg
 * @rec_type: the record's type
 * @type: the type this call returns, 0 until one was read
 *
 * One recvmsg returns records of one type only, the first one's, reported
 * in a TLS_GET_RECORD_TYPE cmsg. A non-data record that cannot report its
 * type is an error (-EIO) and stays queued.
 *
 * Return: 1 to read @rec, 0 to stop before it, or a negative errno.
 */
int ktls_rx_type(struct msghdr *msg, u8 rec_type, u8 *type)
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
