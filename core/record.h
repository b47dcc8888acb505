/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* TLS record format core: header, nonce, AAD, TLS 1.3 inner type, seq. */
#ifndef KTLS_CORE_RECORD_H
#define KTLS_CORE_RECORD_H

#include "compat.h"

#define KTLS_REC_HDR_LEN	5
#define KTLS_MAX_PLAIN		16384		/* 2^14 */
#define KTLS_REC_SEQ_LEN	8
#define KTLS_NONCE_LEN		12		/* AEAD nonce, all ciphers here */
#define KTLS_MAX_NONCE		16		/* crypto API IV incl. CCM B0 */
#define KTLS_MAX_AAD		13
#define KTLS_CCM_B0		2		/* CCM flags byte: L - 1 */

enum ktls_content_type {
	KTLS_CT_CHANGE_CIPHER_SPEC = 20,
	KTLS_CT_ALERT = 21,
	KTLS_CT_HANDSHAKE = 22,
	KTLS_CT_APPLICATION_DATA = 23,
};

/* TLS 1.3 handshake message type of KeyUpdate (RFC 8446 B.3) */
#define KTLS_HS_KEY_UPDATE	24

#define KTLS_VER_1_2		0x0303
#define KTLS_VER_1_3		0x0304

/* Per-direction protocol parameters, filled once by ktls_prot_init(). */
struct ktls_prot {
	u16 version;		/* KTLS_VER_1_2 or KTLS_VER_1_3 */
	u8 tag_len;		/* 16 */
	u8 salt_len;		/* 4 for GCM/CCM, 0 for ChaCha20-Poly1305 */
	u8 iv_len;		/* crypto_info iv[]: 8 GCM/CCM, 12 ChaCha */
	u8 nonce_len;		/* AEAD nonce: always 12 here */
	u8 explicit_len;	/* 8 for TLS 1.2 GCM/CCM, else 0 */
	u8 tail_len;		/* 1 for TLS 1.3 (inner content type) */
	u8 ccm_b0;		/* 0, or KTLS_CCM_B0 for ccm(...) */
	u8 aad_len;		/* 13 for TLS 1.2, 5 for TLS 1.3 */
	u16 overhead;		/* hdr + explicit + tail + tag */
};

/*
 * TLS 1.2 explicit nonce (GCM/CCM/ARIA-GCM, RFC 5288 / RFC 6655), as the
 * in-tree module does it: on TX the explicit_len bytes written right after
 * the header are NOT the record sequence number but the iv[] part of the
 * crypto_info (crypto_info.iv as given by setsockopt for the first record),
 * which advances by one, big-endian, per record in lockstep with rec_seq.
 * Per record: ktls_nonce_build(p, iv, salt_iv, seq, salt_iv + p->salt_len),
 * copy salt_iv + p->salt_len (explicit_len bytes) into the record, then
 * ktls_seq_inc(seq) and ktls_iv_advance(p, salt_iv).  On RX pass the bytes
 * read from the record as explicit_iv; never predict them.
 * getsockopt(TLS_TX) upstream returns the advanced iv and rec_seq.
 *
 * Errors (negative errno), matching upstream tls_rx_msg_size() and the
 * kselftest tls.c: ktls_hdr_parse() checks in this order
 *   payload > 2^14 + explicit + tag + tail  -> -EMSGSIZE
 *   payload < explicit + tag (tail ignored) -> -EBADMSG
 *   version bytes != 0x03 0x03 (1.2 and 1.3) -> -EINVAL
 * ktls_tls13_inner_parse(): no non-zero byte -> -EBADMSG.
 */

int ktls_prot_init(struct ktls_prot *p, u16 version, u8 salt_len, u8 iv_len,
		   u8 tag_len, bool ccm, bool iv_is_explicit);

/*
 * plain_len <= KTLS_MAX_PLAIN is everything encrypted except the TLS 1.3
 * inner type byte (content, plus zero padding if any).  TLS 1.3 writes
 * outer type 23; ktls_aad_build() takes the same plain_len.
 */
void ktls_hdr_build(const struct ktls_prot *p, u8 hdr[KTLS_REC_HDR_LEN],
		    u8 type, u16 plain_len);
int ktls_hdr_parse(const struct ktls_prot *p, const u8 hdr[KTLS_REC_HDR_LEN],
		   u8 *type, u32 *rec_len);

void ktls_nonce_build(const struct ktls_prot *p, u8 out[KTLS_MAX_NONCE],
		      const u8 *salt_iv, const u8 seq[KTLS_REC_SEQ_LEN],
		      const u8 *explicit_iv);
unsigned int ktls_nonce_offset(const struct ktls_prot *p);
void ktls_iv_advance(const struct ktls_prot *p, u8 *salt_iv);

/*
 * Both return p->aad_len. ktls_aad_build() is for records we seal (TLS 1.3:
 * outer type 23); ktls_aad_build_rx() for a received record, from its
 * header as received (after ktls_hdr_parse() accepted it), so a record
 * whose header was changed on the way fails authentication (RFC 8446 5.2).
 */
unsigned int ktls_aad_build(const struct ktls_prot *p, u8 aad[KTLS_MAX_AAD],
			    const u8 seq[KTLS_REC_SEQ_LEN], u8 type,
			    u16 plain_len);
unsigned int ktls_aad_build_rx(const struct ktls_prot *p,
			       u8 aad[KTLS_MAX_AAD],
			       const u8 seq[KTLS_REC_SEQ_LEN],
			       const u8 hdr[KTLS_REC_HDR_LEN]);

/* buf = content || type || zeros; data_len = content length. */
int ktls_tls13_inner_parse(const u8 *buf, u32 len, u8 *type, u32 *data_len);

/* Big-endian; ktls_seq_inc() returns true when it wrapped to zero. */
bool ktls_seq_inc(u8 seq[KTLS_REC_SEQ_LEN]);
u64 ktls_seq_get(const u8 seq[KTLS_REC_SEQ_LEN]);
void ktls_seq_put(u8 seq[KTLS_REC_SEQ_LEN], u64 v);

#endif /* KTLS_CORE_RECORD_H */
