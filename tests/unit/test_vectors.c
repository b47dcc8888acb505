// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Real records: core/ nonce+AAD+header vs an RFC-direct reference, RFC 8448. */
#include <errno.h>
#include <stdlib.h>
#include <openssl/evp.h>

#include "../../core/record.h"
#include "test.h"

#define TAG 16
#define REC_MAX (KTLS_REC_HDR_LEN + 8 + KTLS_MAX_PLAIN + 256 + TAG)

enum aead { AES_GCM, AES_CCM, CHACHA };

struct suite {
	const char *name;
	enum aead aead;
	u16 version;
};

static const EVP_CIPHER *evp_of(enum aead a)
{
	switch (a) {
	case AES_GCM:
		return EVP_aes_128_gcm();
	case AES_CCM:
		return EVP_aes_128_ccm();
	default:
		return EVP_chacha20_poly1305();
	}
}

/* One AEAD operation with a 12-byte nonce; returns false on tag mismatch. */
static bool aead(enum aead a, bool enc, const u8 *key, const u8 nonce[12],
		 const u8 *aad, int aad_len, const u8 *in, int len, u8 *out,
		 u8 tag[TAG])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	bool ccm = a == AES_CCM;
	int n, ok;

	ok = EVP_CipherInit_ex(c, evp_of(a), NULL, NULL, NULL, enc);
	ok &= EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL);
	if (ccm)
		ok &= EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, TAG,
					  enc ? NULL : tag);
	ok &= EVP_CipherInit_ex(c, NULL, NULL, key, nonce, enc);
	if (ccm)
		ok &= EVP_CipherUpdate(c, NULL, &n, NULL, len);
	ok &= EVP_CipherUpdate(c, NULL, &n, aad, aad_len);
	if (!ccm && !enc)
		ok &= EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, TAG, tag);
	/* CCM with len 0 still needs the update call to run */
	ok &= EVP_CipherUpdate(c, out, &n, in, len) || (!len && !ccm);
	if (!ccm)
		ok &= EVP_CipherFinal_ex(c, out + n, &n);
	if (enc && ok)
		ok &= EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, TAG, tag);
	EVP_CIPHER_CTX_free(c);
	return ok == 1;
}

/*
 * Reference record sealing, written from the RFCs without core/:
 * RFC 5288/6655 (TLS 1.2 AES: salt || explicit), RFC 7905 (TLS 1.2 ChaCha:
 * iv XOR seq), RFC 8446 5.2/5.3 (TLS 1.3). Returns the record length.
 */
static size_t ref_seal(const struct suite *s, const u8 *key, const u8 *siv,
		       u64 seq, const u8 expl[8], u8 type, const u8 *pt,
		       u16 n, u16 pad, u8 *rec)
{
	bool tls13 = s->version == KTLS_VER_1_3;
	bool has_expl = !tls13 && s->aead != CHACHA;
	u8 nonce[12], aad[13], inner[KTLS_MAX_PLAIN + 257];
	size_t body = has_expl ? 8 : 0, in_len = n, len;
	int i;

	memcpy(nonce, siv, 12);
	if (has_expl)
		memcpy(nonce + 4, expl, 8);
	else
		for (i = 0; i < 8; i++)
			nonce[4 + i] ^= seq >> (56 - 8 * i);

	memcpy(inner, pt, n);
	if (tls13) {
		inner[n] = type;
		memset(inner + n + 1, 0, pad);
		in_len = n + 1 + pad;
	}
	len = body + in_len + TAG;
	rec[0] = tls13 ? 23 : type;
	rec[1] = 3;
	rec[2] = 3;
	rec[3] = len >> 8;
	rec[4] = len;
	if (has_expl)
		memcpy(rec + 5, expl, 8);

	if (tls13) {
		memcpy(aad, rec, 5);
	} else {
		for (i = 0; i < 8; i++)
			aad[i] = seq >> (56 - 8 * i);
		aad[8] = type;
		aad[9] = 3;
		aad[10] = 3;
		aad[11] = n >> 8;
		aad[12] = n;
	}
	if (!aead(s->aead, true, key, nonce, aad, tls13 ? 5 : 13, inner,
		  in_len, rec + 5 + body, rec + 5 + body + in_len))
		return 0;
	return 5 + len;
}

static struct ktls_prot prot_for(const struct suite *s)
{
	struct ktls_prot p;
	bool chacha = s->aead == CHACHA;
	bool tls13 = s->version == KTLS_VER_1_3;

	if (ktls_prot_init(&p, s->version, chacha ? 0 : 4, chacha ? 12 : 8,
			   TAG, s->aead == AES_CCM, !tls13 && !chacha))
		abort();
	return p;
}

/* TX with core/: what the module does per record. */
static size_t ours_seal(const struct ktls_prot *p, enum aead a, const u8 *key,
			u8 *siv, u8 seq[8], u8 type, const u8 *pt, u16 n,
			u8 *rec)
{
	u8 iv[KTLS_MAX_NONCE], aad[KTLS_MAX_AAD], inner[KTLS_MAX_PLAIN + 1];
	u8 *body = rec + KTLS_REC_HDR_LEN + p->explicit_len;
	unsigned int aad_len;
	u32 in_len = n + p->tail_len;

	ktls_hdr_build(p, rec, type, n);
	memcpy(rec + KTLS_REC_HDR_LEN, siv + p->salt_len, p->explicit_len);
	ktls_nonce_build(p, iv, siv, seq, siv + p->salt_len);
	aad_len = ktls_aad_build(p, aad, seq, type, n);
	memcpy(inner, pt, n);
	if (p->tail_len)
		inner[n] = type;
	if (!aead(a, true, key, iv + ktls_nonce_offset(p), aad, aad_len,
		  inner, in_len, body, body + in_len))
		return 0;
	ktls_seq_inc(seq);
	ktls_iv_advance(p, siv);
	return n + p->overhead;
}

/* RX with core/: parse, nonce from the record, decrypt, inner type. */
static int ours_open(const struct ktls_prot *p, enum aead a, const u8 *key,
		     const u8 *siv, u8 seq[8], const u8 *rec, size_t rec_len,
		     u8 *type, u8 *out, u32 *out_len)
{
	u8 iv[KTLS_MAX_NONCE], aad[KTLS_MAX_AAD], tag[TAG];
	const u8 *body = rec + KTLS_REC_HDR_LEN + p->explicit_len;
	u32 len, ct_len;
	int err;

	err = ktls_hdr_parse(p, rec, type, &len);
	if (err)
		return err;
	if (len != rec_len)
		return -EPROTO;
	ct_len = len - KTLS_REC_HDR_LEN - p->explicit_len - p->tag_len;
	ktls_nonce_build(p, iv, siv, seq, rec + KTLS_REC_HDR_LEN);
	ktls_aad_build_rx(p, aad, seq, rec);
	memcpy(tag, body + ct_len, TAG);
	if (!aead(a, false, key, iv + ktls_nonce_offset(p), aad, p->aad_len,
		  body, ct_len, out, tag))
		return -EBADMSG;
	*out_len = ct_len;
	if (p->tail_len) {
		err = ktls_tls13_inner_parse(out, ct_len, type, out_len);
		if (err)
			return err;
	}
	ktls_seq_inc(seq);
	return 0;
}

static const struct suite suites[] = {
	{ "aes128gcm-1.2", AES_GCM, KTLS_VER_1_2 },
	{ "aes128ccm-1.2", AES_CCM, KTLS_VER_1_2 },
	{ "chacha-1.2", CHACHA, KTLS_VER_1_2 },
	{ "aes128gcm-1.3", AES_GCM, KTLS_VER_1_3 },
	{ "aes128ccm-1.3", AES_CCM, KTLS_VER_1_3 },
	{ "chacha-1.3", CHACHA, KTLS_VER_1_3 },
};

static void fill(u8 *b, size_t n, u32 seed)
{
	while (n--) {
		seed = seed * 1103515245 + 12345;
		*b++ = seed >> 16;
	}
}

static void be64(u8 out[8], u64 v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		out[i] = v;
}

/* A run of records, both directions, against the reference. */
static void cross_check(const struct suite *s)
{
	static const u16 lens[] = { 0, 1, 50, 1000, KTLS_MAX_PLAIN };
	static u8 pt[KTLS_MAX_PLAIN], ref[REC_MAX], mine[REC_MAX];
	static u8 out[KTLS_MAX_PLAIN + 257];
	struct ktls_prot p = prot_for(s);
	u8 key[32], siv[12], siv0[12], tx_seq[8], rx_seq[8], expl[8], type;
	u64 seq0 = 0x00000000fffffffdULL, k;
	size_t rl, ml;
	unsigned int i, bad = 0;
	u32 olen;

	fill(key, sizeof(key), s->aead * 7 + s->version);
	fill(siv, sizeof(siv), s->aead * 3 + 1);
	siv[11] = 0xfe;		/* make the explicit iv carry */
	memcpy(siv0, siv, 12);
	be64(tx_seq, seq0);
	be64(rx_seq, seq0);

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		u8 t = i & 1 ? KTLS_CT_APPLICATION_DATA : KTLS_CT_HANDSHAKE;

		fill(pt, lens[i], i);
		/* explicit iv = crypto_info iv + record index, big-endian */
		for (k = 0; k < 8; k++)
			expl[k] = siv0[4 + k];
		for (k = 0; k < i; k++) {
			int j = 7;

			while (j >= 0 && !++expl[j])
				j--;
		}
		rl = ref_seal(s, key, siv0, seq0 + i, expl, t, pt, lens[i],
			      0, ref);
		ml = ours_seal(&p, s->aead, key, siv, tx_seq, t, pt, lens[i],
			       mine);
		if (!rl || rl != ml || memcmp(ref, mine, rl)) {
			fprintf(stderr, "%s: record %u (len %u) differs\n",
				s->name, i, lens[i]);
			bad++;
			continue;
		}
		if (ours_open(&p, s->aead, key, siv0, rx_seq, ref, rl, &type,
			      out, &olen) || type != t || olen != lens[i] ||
		    memcmp(out, pt, olen)) {
			fprintf(stderr, "%s: open %u failed\n", s->name, i);
			bad++;
		}
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(ktls_seq_get(tx_seq), seq0 + i);
	CHECK_EQ(ktls_seq_get(rx_seq), seq0 + i);

	/*
	 * A record of the reference's with a bit of its outer type flipped
	 * does not open, TLS 1.3 included (RFC 8446 5.2: the AAD is the
	 * header as received); the sequence number stays.
	 */
	fill(pt, 30, 99);
	rl = ref_seal(s, key, siv0, seq0 + i, expl, KTLS_CT_APPLICATION_DATA,
		      pt, 30, 0, ref);
	for (k = 0; k < 8; k++) {
		ref[0] ^= 1 << k;
		CHECK_EQ(ours_open(&p, s->aead, key, siv0, rx_seq, ref, rl,
				   &type, out, &olen), -EBADMSG);
		ref[0] ^= 1 << k;
	}
	CHECK_EQ(ktls_seq_get(rx_seq), seq0 + i);
	CHECK_EQ(ours_open(&p, s->aead, key, siv0, rx_seq, ref, rl, &type, out,
			   &olen), 0);
	i++;

	if (s->version != KTLS_VER_1_3)
		return;
	/* padded TLS 1.3 records from the reference, seq continues */
	for (k = 1; k <= 300; k += 37) {
		fill(pt, 20, k);
		rl = ref_seal(s, key, siv0, seq0 + i, NULL, KTLS_CT_ALERT, pt,
			      20, k, ref);
		CHECK_EQ(ours_open(&p, s->aead, key, siv0, rx_seq, ref, rl,
				   &type, out, &olen), 0);
		CHECK_EQ(type, KTLS_CT_ALERT);
		CHECK_EQ(olen, 20);
		i++;
	}
	/* tampered tag -> -EBADMSG, seq not advanced */
	rl = ref_seal(s, key, siv0, seq0 + i, NULL, 23, pt, 10, 0, ref);
	ref[rl - 1] ^= 1;
	CHECK_EQ(ours_open(&p, s->aead, key, siv0, rx_seq, ref, rl, &type,
			   out, &olen), -EBADMSG);
	CHECK_EQ(ktls_seq_get(rx_seq), seq0 + i);
}

static size_t unhex(u8 *out, const char *h)
{
	size_t n = 0;
	unsigned int v;

	for (; h[0] && h[1]; h += 2) {
		if (sscanf(h, "%2x", &v) != 1)
			abort();
		out[n++] = v;
	}
	return n;
}

/* RFC 8448 section 3 (Simple 1-RTT), TLS_AES_128_GCM_SHA256. */
static void rfc8448_case(const char *key_hex, const char *iv_hex, u64 seq,
			 const char *rec_hex, u8 want_type, const u8 *want,
			 u32 want_len)
{
	struct suite s = { "rfc8448", AES_GCM, KTLS_VER_1_3 };
	struct ktls_prot p = prot_for(&s);
	u8 key[16], siv[12], rec[128], mine[128], out[128], sq[8], type;
	size_t rl;
	u32 olen;

	unhex(key, key_hex);
	unhex(siv, iv_hex);
	rl = unhex(rec, rec_hex);

	be64(sq, seq);
	CHECK_EQ(ours_open(&p, AES_GCM, key, siv, sq, rec, rl, &type, out,
			   &olen), 0);
	CHECK_EQ(type, want_type);
	CHECK_EQ(olen, want_len);
	CHECK_MEM(out, want, want_len);

	be64(sq, seq);
	CHECK_EQ(ours_seal(&p, AES_GCM, key, siv, sq, want_type, want,
			   want_len, mine), rl);
	CHECK_MEM(mine, rec, rl);
}

static void test_rfc8448(void)
{
	u8 data[50];
	int i;

	for (i = 0; i < 50; i++)
		data[i] = i;
	/* {client} send application_data record, first record: seq 0 */
	rfc8448_case("17422dda596ed5d9acd890e3c63f5051",
		     "5b78923dee08579033e523d9", 0,
		     "1703030043a23f7054b62c94d0affafe8228ba55cbefacea42f914aa66bcab3f2b9819a8a5b46b395bd54a9a20441e2b62974e1f5a6292a2977014bd1e3deae63aeebb21694915e4",
		     KTLS_CT_APPLICATION_DATA, data, 50);
	/* {client} send alert record (close_notify): seq 1 */
	rfc8448_case("17422dda596ed5d9acd890e3c63f5051",
		     "5b78923dee08579033e523d9", 1,
		     "1703030013c9872760655666b74d7ff1153efd6db6d0b0e3",
		     KTLS_CT_ALERT, (const u8 *)"\x01\x00", 2);
	/* {server} send application_data record: after NewSessionTicket */
	rfc8448_case("9f02283b6c9c07efc26bb9f2ac92e356",
		     "cf782b88dd83549aadf1e984", 1,
		     "17030300432e937e11ef4ac740e538ad36005fc4a46932fc3225d05f82aa1b36e30efaf97d90e6dffc602dcb501a59a8fcc49c4bf2e5f0a21c0047c2abf332540dd032e167c2955d",
		     KTLS_CT_APPLICATION_DATA, data, 50);
}

void test_vectors(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(suites); i++)
		cross_check(&suites[i]);
	test_rfc8448();
}
