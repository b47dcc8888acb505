// SPDX-License-Identifier: GPL-2.0 OR MIT
/* TLS record format core: header, nonce, AAD, TLS 1.3 inner type, seq. */

#include "record.h"

#define KTLS_LEGACY_MAJOR	0x03
#define KTLS_LEGACY_MINOR	0x03

static void ktls_put_be16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/**
 * ktls_prot_init() - derive the per-direction record parameters
 * @p: filled on success, untouched on error
 * @version: KTLS_VER_1_2 or KTLS_VER_1_3
 * @salt_len: crypto_info salt size (4 for GCM/CCM, 0 for ChaCha20)
 * @iv_len: crypto_info iv size (8 for GCM/CCM, 12 for ChaCha20)
 * @tag_len: AEAD tag size, 1..16
 * @ccm: the AEAD is ccm(...) and wants the B0 flags byte before the nonce
 * @iv_is_explicit: TLS 1.2 salt||explicit style; the iv part travels in
 *	the record. False for ChaCha20 and for all of TLS 1.3.
 *
 * Return: 0, or -EINVAL for a combination no TLS cipher suite uses:
 * unknown version, salt_len + iv_len != 12, tag_len not 1..16, or an
 * explicit nonce that is not 8 bytes (RFC 5288) or is asked for TLS 1.3.
 */
int ktls_prot_init(struct ktls_prot *p, u16 version, u8 salt_len, u8 iv_len,
		   u8 tag_len, bool ccm, bool iv_is_explicit)
{
	bool tls13 = version == KTLS_VER_1_3;
	u8 explicit_len = iv_is_explicit ? iv_len : 0;

	if (version != KTLS_VER_1_2 && !tls13)
		return -EINVAL;
	if (salt_len + iv_len != KTLS_NONCE_LEN)
		return -EINVAL;
	if (!tag_len || tag_len > 16)
		return -EINVAL;
	if (iv_is_explicit && (tls13 || iv_len != KTLS_REC_SEQ_LEN))
		return -EINVAL;

	p->version = version;
	p->tag_len = tag_len;
	p->salt_len = salt_len;
	p->iv_len = iv_len;
	p->nonce_len = KTLS_NONCE_LEN;
	p->explicit_len = explicit_len;
	p->tail_len = tls13 ? 1 : 0;
	p->ccm_b0 = ccm ? KTLS_CCM_B0 : 0;
	p->aad_len = tls13 ? KTLS_REC_HDR_LEN : KTLS_MAX_AAD;
	p->overhead = KTLS_REC_HDR_LEN + explicit_len + p->tail_len + tag_len;
	return 0;
}

/**
 * ktls_hdr_build() - write the 5-byte header of an outgoing record
 * @p: protocol parameters
 * @hdr: output
 * @type: content type (TLS 1.3: the inner type; the outer one is always 23)
 * @plain_len: plaintext bytes in the record, TLS 1.3 inner type excluded
 *
 * The explicit nonce (TLS 1.2 GCM/CCM) is not written; it follows @hdr.
 */
void ktls_hdr_build(const struct ktls_prot *p, u8 hdr[KTLS_REC_HDR_LEN],
		    u8 type, u16 plain_len)
{
	u16 len = plain_len + p->overhead - KTLS_REC_HDR_LEN;

	hdr[0] = p->version == KTLS_VER_1_3 ? KTLS_CT_APPLICATION_DATA : type;
	hdr[1] = KTLS_LEGACY_MAJOR;
	hdr[2] = KTLS_LEGACY_MINOR;
	ktls_put_be16(hdr + 3, len);
}

/**
 * ktls_hdr_parse() - validate an incoming record header
 * @p: protocol parameters
 * @hdr: the 5 header bytes
 * @type: set to the outer content type (also on error)
 * @rec_len: on success, the full record length including the header
 *
 * Checks, in upstream's order: payload longer than 2^14 plus explicit nonce,
 * tag and TLS 1.3 inner type; payload shorter than explicit nonce plus tag
 * (the inner type byte is not required here, the inner scan rejects it);
 * legacy version not 3.3, for TLS 1.2 and 1.3 alike.
 *
 * Return: 0, -EMSGSIZE, -EBADMSG or -EINVAL as above.
 */
int ktls_hdr_parse(const struct ktls_prot *p, const u8 hdr[KTLS_REC_HDR_LEN],
		   u8 *type, u32 *rec_len)
{
	u32 cipher_overhead = p->explicit_len + p->tag_len;
	u32 len = (u32)hdr[3] << 8 | hdr[4];

	*type = hdr[0];
	if (len > KTLS_MAX_PLAIN + cipher_overhead + p->tail_len)
		return -EMSGSIZE;
	if (len < cipher_overhead)
		return -EBADMSG;
	if (hdr[1] != KTLS_LEGACY_MAJOR || hdr[2] != KTLS_LEGACY_MINOR)
		return -EINVAL;
	*rec_len = len + KTLS_REC_HDR_LEN;
	return 0;
}

/**
 * ktls_nonce_offset() - where the 12-byte AEAD nonce starts in the IV
 * @p: protocol parameters
 *
 * Return: 1 when the CCM B0 flags byte comes first, else 0.
 */
unsigned int ktls_nonce_offset(const struct ktls_prot *p)
{
	return p->ccm_b0 ? 1 : 0;
}

/**
 * ktls_nonce_build() - the IV to hand the crypto API for one record
 * @p: protocol parameters
 * @out: output, KTLS_MAX_NONCE bytes, zero-filled past the nonce
 * @salt_iv: crypto_info salt followed by iv (salt_len + iv_len bytes)
 * @seq: the record sequence number
 * @explicit_iv: TLS 1.2 GCM/CCM: the explicit nonce bytes of the record
 *	(TX: what goes into the record, see record.h; RX: what was read).
 *	Ignored, and may be NULL, otherwise.
 *
 * TLS 1.2 GCM/CCM: nonce = salt || explicit_iv.  ChaCha20 and TLS 1.3:
 * nonce = (salt || iv) XOR seq, seq left-padded with zeros to 12 bytes.
 */
void ktls_nonce_build(const struct ktls_prot *p, u8 out[KTLS_MAX_NONCE],
		      const u8 *salt_iv, const u8 seq[KTLS_REC_SEQ_LEN],
		      const u8 *explicit_iv)
{
	unsigned int off = ktls_nonce_offset(p);
	u8 *nonce = out + off;
	unsigned int i;

	memset(out, 0, KTLS_MAX_NONCE);
	if (p->ccm_b0)
		out[0] = p->ccm_b0;

	if (p->explicit_len) {
		memcpy(nonce, salt_iv, p->salt_len);
		memcpy(nonce + p->salt_len, explicit_iv, p->explicit_len);
		return;
	}

	memcpy(nonce, salt_iv, KTLS_NONCE_LEN);
	nonce += KTLS_NONCE_LEN - KTLS_REC_SEQ_LEN;
	for (i = 0; i < KTLS_REC_SEQ_LEN; i++)
		nonce[i] ^= seq[i];
}

/**
 * ktls_iv_advance() - step the TLS 1.2 explicit nonce to the next record
 * @p: protocol parameters
 * @salt_iv: crypto_info salt followed by iv; the iv part is incremented
 *
 * Call once per record sent, together with ktls_seq_inc() on the record
 * sequence. No-op when the nonce has no explicit part.
 */
void ktls_iv_advance(const struct ktls_prot *p, u8 *salt_iv)
{
	u8 *iv = salt_iv + p->salt_len;
	int i;

	if (!p->explicit_len)
		return;
	for (i = p->explicit_len - 1; i >= 0; i--)
		if (++iv[i])
			break;
}

/**
 * ktls_aad_build() - additional authenticated data for one record
 * @p: protocol parameters
 * @aad: output, KTLS_MAX_AAD bytes
 * @seq: record sequence number (TLS 1.2 only)
 * @type: content type (TLS 1.2 only; TLS 1.3 AAD carries the outer 23)
 * @plain_len: plaintext bytes, TLS 1.3 inner type excluded
 *
 * TLS 1.2: seq || type || 3.3 || plain_len.  TLS 1.3: the header of the
 * encrypted record.
 *
 * Return: the AAD length, p->aad_len.
 */
unsigned int ktls_aad_build(const struct ktls_prot *p, u8 aad[KTLS_MAX_AAD],
			    const u8 seq[KTLS_REC_SEQ_LEN], u8 type,
			    u16 plain_len)
{
	u8 *hdr = aad;
	u16 len = plain_len;

	if (p->version == KTLS_VER_1_3) {
		type = KTLS_CT_APPLICATION_DATA;
		len = plain_len + p->tail_len + p->tag_len;
	} else {
		memcpy(aad, seq, KTLS_REC_SEQ_LEN);
		hdr += KTLS_REC_SEQ_LEN;
	}
	hdr[0] = type;
	hdr[1] = KTLS_LEGACY_MAJOR;
	hdr[2] = KTLS_LEGACY_MINOR;
	ktls_put_be16(hdr + 3, len);
	return p->aad_len;
}

/**
 * ktls_aad_build_rx() - additional authenticated data of a received record
 * @p: protocol parameters
 * @aad: output, KTLS_MAX_AAD bytes
 * @seq: record sequence number (TLS 1.2 only)
 * @hdr: the record header as received, accepted by ktls_hdr_parse()
 *
 * TLS 1.3 (RFC 8446 5.2): the header exactly as received, opaque_type ||
 * legacy_record_version || length, so a changed outer type fails
 * authentication like any other changed byte (upstream authenticates the
 * outer type 23 whatever arrived). TLS 1.2 (RFC 5246 6.2.3.3): seq || type
 * || version, both as received || the plaintext length, the received
 * length less explicit nonce and tag (ktls_hdr_parse() checked it holds
 * them).
 *
 * Return: the AAD length, p->aad_len.
 */
unsigned int ktls_aad_build_rx(const struct ktls_prot *p,
			       u8 aad[KTLS_MAX_AAD],
			       const u8 seq[KTLS_REC_SEQ_LEN],
			       const u8 hdr[KTLS_REC_HDR_LEN])
{
	u16 len = (u16)hdr[3] << 8 | hdr[4];

	if (p->version == KTLS_VER_1_3) {
		memcpy(aad, hdr, KTLS_REC_HDR_LEN);
		return p->aad_len;
	}
	memcpy(aad, seq, KTLS_REC_SEQ_LEN);
	memcpy(aad + KTLS_REC_SEQ_LEN, hdr, 3);
	ktls_put_be16(aad + KTLS_REC_SEQ_LEN + 3,
		      len - p->explicit_len - p->tag_len);
	return p->aad_len;
}

static u32 ktls_last_nonzero(const u8 *buf, u32 len)
{
	u64 w;

	while (len && ((unsigned long)(buf + len) & (sizeof(w) - 1))) {
		if (buf[len - 1])
			return len;
		len--;
	}
	while (len >= sizeof(w)) {
		memcpy(&w, buf + len - sizeof(w), sizeof(w));
		if (w)
			break;
		len -= sizeof(w);
	}
	while (len && !buf[len - 1])
		len--;
	return len;
}

/**
 * ktls_tls13_inner_parse() - find the content type of a TLS 1.3 record
 * @buf: the decrypted TLSInnerPlaintext: content, type, zero padding
 * @len: its length
 * @type: set to the inner content type
 * @data_len: set to the content length (the type byte's offset)
 *
 * Scans backwards a word at a time over the padding.
 *
 * Return: 0, or -EBADMSG when every byte is zero (no type), as upstream.
 */
int ktls_tls13_inner_parse(const u8 *buf, u32 len, u8 *type, u32 *data_len)
{
	u32 end = ktls_last_nonzero(buf, len);

	if (!end)
		return -EBADMSG;
	*type = buf[end - 1];
	*data_len = end - 1;
	return 0;
}

/**
 * ktls_seq_inc() - add one to a big-endian record sequence number
 * @seq: the sequence number
 *
 * Return: true if it wrapped to zero (the caller must stop using the key).
 */
bool ktls_seq_inc(u8 seq[KTLS_REC_SEQ_LEN])
{
	int i;

	for (i = KTLS_REC_SEQ_LEN - 1; i >= 0; i--)
		if (++seq[i])
			return false;
	return true;
}

/**
 * ktls_seq_get() - read a big-endian record sequence number
 * @seq: the sequence number
 *
 * Return: its value.
 */
u64 ktls_seq_get(const u8 seq[KTLS_REC_SEQ_LEN])
{
	u64 v = 0;
	int i;

	for (i = 0; i < KTLS_REC_SEQ_LEN; i++)
		v = v << 8 | seq[i];
	return v;
}

/**
 * ktls_seq_put() - store a big-endian record sequence number
 * @seq: output
 * @v: value
 */
void ktls_seq_put(u8 seq[KTLS_REC_SEQ_LEN], u64 v)
{
	int i;

	for (i = KTLS_REC_SEQ_LEN - 1; i >= 0; i--, v >>= 8)
		seq[i] = v & 0xff;
}
