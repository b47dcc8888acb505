// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Unit tests for core/record.c: header, nonce, AAD, inner type, seq. */
#include <errno.h>
#include <stdlib.h>

#include "../../core/record.h"
#include "test.h"

enum suite { GCM12, CCM12, CHACHA12, GCM13, CCM13, CHACHA13, NSUITES };

static const char *const suite_name[NSUITES] = {
	"gcm12", "ccm12", "chacha12", "gcm13", "ccm13", "chacha13",
};

static struct ktls_prot prot_of(enum suite s)
{
	struct ktls_prot p;
	bool tls13 = s >= GCM13;
	bool chacha = s == CHACHA12 || s == CHACHA13;
	bool ccm = s == CCM12 || s == CCM13;
	int err;

	err = ktls_prot_init(&p, tls13 ? KTLS_VER_1_3 : KTLS_VER_1_2,
			     chacha ? 0 : 4, chacha ? 12 : 8, 16, ccm,
			     !tls13 && !chacha);
	if (err) {
		fprintf(stderr, "prot_init(%s) = %d\n", suite_name[s], err);
		abort();
	}
	return p;
}

static void test_prot_init(void)
{
	struct ktls_prot p;

	p = prot_of(GCM12);
	CHECK_EQ(p.explicit_len, 8);
	CHECK_EQ(p.tail_len, 0);
	CHECK_EQ(p.aad_len, 13);
	CHECK_EQ(p.nonce_len, 12);
	CHECK_EQ(p.ccm_b0, 0);
	CHECK_EQ(p.overhead, 5 + 8 + 16);

	p = prot_of(CCM12);
	CHECK_EQ(p.ccm_b0, 2);
	CHECK_EQ(p.overhead, 29);

	p = prot_of(CHACHA12);
	CHECK_EQ(p.explicit_len, 0);
	CHECK_EQ(p.overhead, 5 + 16);
	CHECK_EQ(p.aad_len, 13);

	p = prot_of(GCM13);
	CHECK_EQ(p.explicit_len, 0);
	CHECK_EQ(p.tail_len, 1);
	CHECK_EQ(p.aad_len, 5);
	CHECK_EQ(p.overhead, 5 + 1 + 16);

	p = prot_of(CCM13);
	CHECK_EQ(p.ccm_b0, 2);
	CHECK_EQ(p.overhead, 22);

	p = prot_of(CHACHA13);
	CHECK_EQ(p.overhead, 22);

	CHECK_EQ(ktls_prot_init(&p, 0x0302, 4, 8, 16, false, true), -EINVAL);
	CHECK_EQ(ktls_prot_init(&p, 0x0000, 4, 8, 16, false, true), -EINVAL);
	CHECK_EQ(ktls_prot_init(&p, KTLS_VER_1_2, 4, 4, 16, false, true),
		 -EINVAL);
	CHECK_EQ(ktls_prot_init(&p, KTLS_VER_1_2, 4, 12, 16, false, false),
		 -EINVAL);
	CHECK_EQ(ktls_prot_init(&p, KTLS_VER_1_3, 4, 8, 16, false, true),
		 -EINVAL);
	CHECK_EQ(ktls_prot_init(&p, KTLS_VER_1_2, 0, 12, 16, false, true),
		 -EINVAL);
	CHECK_EQ(ktls_prot_init(&p, KTLS_VER_1_2, 4, 8, 0, false, true),
		 -EINVAL);
	CHECK_EQ(ktls_prot_init(&p, KTLS_VER_1_2, 4, 8, 17, false, true),
		 -EINVAL);
}

static void test_hdr_build(void)
{
	struct ktls_prot p;
	u8 hdr[KTLS_REC_HDR_LEN];

	p = prot_of(GCM12);
	ktls_hdr_build(&p, hdr, KTLS_CT_HANDSHAKE, 100);
	CHECK_MEM(hdr, "\x16\x03\x03\x00\x7c", 5);	/* 100 + 8 + 16 */
	ktls_hdr_build(&p, hdr, KTLS_CT_APPLICATION_DATA, KTLS_MAX_PLAIN);
	CHECK_MEM(hdr, "\x17\x03\x03\x40\x18", 5);

	p = prot_of(CHACHA12);
	ktls_hdr_build(&p, hdr, KTLS_CT_ALERT, 2);
	CHECK_MEM(hdr, "\x15\x03\x03\x00\x12", 5);

	p = prot_of(GCM13);
	ktls_hdr_build(&p, hdr, KTLS_CT_ALERT, 2);	/* outer type is 23 */
	CHECK_MEM(hdr, "\x17\x03\x03\x00\x13", 5);
	ktls_hdr_build(&p, hdr, KTLS_CT_APPLICATION_DATA, 0);
	CHECK_MEM(hdr, "\x17\x03\x03\x00\x11", 5);
	ktls_hdr_build(&p, hdr, KTLS_CT_APPLICATION_DATA, KTLS_MAX_PLAIN);
	CHECK_MEM(hdr, "\x17\x03\x03\x40\x11", 5);
}

static int parse_len(const struct ktls_prot *p, u8 maj, u8 min, u32 len,
		     u32 *rec_len)
{
	u8 hdr[5] = { 23, maj, min, len >> 8, len & 0xff };
	u8 type = 0;
	int err;

	*rec_len = 0xdeadbeef;
	err = ktls_hdr_parse(p, hdr, &type, rec_len);
	if (type != 23)
		return -1000;
	return err;
}

static void test_hdr_parse_suite(enum suite s)
{
	struct ktls_prot p = prot_of(s);
	u32 min = p.explicit_len + p.tag_len;
	u32 max = KTLS_MAX_PLAIN + min + p.tail_len;
	u32 rl;

	CHECK_EQ(parse_len(&p, 3, 3, max, &rl), 0);
	CHECK_EQ(rl, max + 5);
	CHECK_EQ(parse_len(&p, 3, 3, max + 1, &rl), -EMSGSIZE);
	CHECK_EQ(rl, 0xdeadbeef);
	CHECK_EQ(parse_len(&p, 3, 3, 0xffff, &rl), -EMSGSIZE);
	CHECK_EQ(parse_len(&p, 3, 3, min, &rl), 0);
	CHECK_EQ(rl, min + 5);
	CHECK_EQ(parse_len(&p, 3, 3, min - 1, &rl), -EBADMSG);
	CHECK_EQ(parse_len(&p, 3, 3, 0, &rl), -EBADMSG);
	CHECK_EQ(parse_len(&p, 3, 3, 1, &rl), -EBADMSG);
	/* TLS 1.3: the inner type byte is not part of the minimum */
	if (p.tail_len)
		CHECK_EQ(parse_len(&p, 3, 3, p.tag_len, &rl), 0);

	/* legacy version is 3.3 for both TLS 1.2 and 1.3 */
	CHECK_EQ(parse_len(&p, 3, 4, 100, &rl), -EINVAL);
	CHECK_EQ(parse_len(&p, 3, 1, 100, &rl), -EINVAL);
	CHECK_EQ(parse_len(&p, 2, 3, 100, &rl), -EINVAL);
	CHECK_EQ(parse_len(&p, 0, 0, 100, &rl), -EINVAL);
	CHECK_EQ(rl, 0xdeadbeef);

	/* upstream order: size checks before the version check */
	CHECK_EQ(parse_len(&p, 3, 4, max + 1, &rl), -EMSGSIZE);
	CHECK_EQ(parse_len(&p, 3, 4, min - 1, &rl), -EBADMSG);
}

static void test_hdr_parse(void)
{
	struct ktls_prot p = prot_of(GCM12);
	u8 hdr[5], type;
	u32 rl;
	int s;

	for (s = 0; s < NSUITES; s++)
		test_hdr_parse_suite(s);

	/* round trip from build, every type passes through on TLS 1.2 */
	ktls_hdr_build(&p, hdr, KTLS_CT_CHANGE_CIPHER_SPEC, 1);
	CHECK_EQ(ktls_hdr_parse(&p, hdr, &type, &rl), 0);
	CHECK_EQ(type, KTLS_CT_CHANGE_CIPHER_SPEC);
	CHECK_EQ(rl, 1 + p.overhead);

	p = prot_of(CHACHA13);
	ktls_hdr_build(&p, hdr, KTLS_CT_HANDSHAKE, 777);
	CHECK_EQ(ktls_hdr_parse(&p, hdr, &type, &rl), 0);
	CHECK_EQ(type, KTLS_CT_APPLICATION_DATA);
	CHECK_EQ(rl, 777 + p.overhead);
}

static const u8 seq_a[8] = { 0, 0, 0, 0, 0, 0, 0x12, 0x34 };
static const u8 seq_b[8] = { 0x80, 1, 2, 3, 4, 5, 6, 0xff };
static const u8 salt_iv8[12] = {
	0xa0, 0xa1, 0xa2, 0xa3, 0xb0, 0xb1, 0xb2, 0xb3,
	0xb4, 0xb5, 0xb6, 0xb7,
};

static const u8 expl[8] = { 0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7 };

static void test_nonce_tls12(void)
{
	static const u8 zero[KTLS_MAX_NONCE];
	struct ktls_prot p = prot_of(GCM12);
	u8 n[KTLS_MAX_NONCE];

	memset(n, 0x55, sizeof(n));
	ktls_nonce_build(&p, n, salt_iv8, seq_a, expl);
	CHECK_EQ(ktls_nonce_offset(&p), 0);
	CHECK_MEM(n, salt_iv8, 4);
	CHECK_MEM(n + 4, expl, 8);
	CHECK_MEM(n + 12, zero, 4);

	/* explicit part comes from the record, not from seq or iv */
	ktls_nonce_build(&p, n, salt_iv8, seq_b, salt_iv8 + 4);
	CHECK_MEM(n, salt_iv8, 12);

	p = prot_of(CCM12);
	memset(n, 0x55, sizeof(n));
	ktls_nonce_build(&p, n, salt_iv8, seq_a, expl);
	CHECK_EQ(ktls_nonce_offset(&p), 1);
	CHECK_EQ(n[0], 2);
	CHECK_EQ(n[0], 15 - 12 - 1);	/* CCM flags L' = 15 - nonce - 1 */
	CHECK_MEM(n + 1, salt_iv8, 4);
	CHECK_MEM(n + 5, expl, 8);
	CHECK_MEM(n + 13, zero, 3);
}

static void xor_ref(u8 out[12], const u8 iv[12], const u8 seq[8])
{
	int i;

	for (i = 0; i < 12; i++)
		out[i] = iv[i] ^ (i < 4 ? 0 : seq[i - 4]);
}

static void test_nonce_xor(void)
{
	static const u8 zero[KTLS_MAX_NONCE];
	static const enum suite xs[] = { CHACHA12, GCM13, CHACHA13, CCM13 };
	u8 n[KTLS_MAX_NONCE], ref[12];
	unsigned int i, off;

	for (i = 0; i < ARRAY_SIZE(xs); i++) {
		struct ktls_prot p = prot_of(xs[i]);

		off = ktls_nonce_offset(&p);
		CHECK_EQ(off, xs[i] == CCM13 ? 1 : 0);
		memset(n, 0x55, sizeof(n));
		ktls_nonce_build(&p, n, salt_iv8, seq_b, NULL);
		xor_ref(ref, salt_iv8, seq_b);
		CHECK_MEM(n + off, ref, 12);
		CHECK_MEM(n + off + 12, zero, 4 - off);
		if (off)
			CHECK_EQ(n[0], 2);

		/* seq 0: nonce is the static iv */
		ktls_nonce_build(&p, n, salt_iv8, zero, expl);
		CHECK_MEM(n + off, salt_iv8, 12);
	}
}

static void test_iv_advance(void)
{
	struct ktls_prot p = prot_of(GCM12);
	u8 si[12] = { 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0xfe, 0xff };
	u8 ff[12] = { 1, 2, 3, 4, 0xff, 0xff, 0xff, 0xff,
		      0xff, 0xff, 0xff, 0xff };
	u8 before[12];

	ktls_iv_advance(&p, si);
	CHECK_MEM(si, "\x01\x02\x03\x04\0\0\0\0\0\0\xff\x00", 12);
	ktls_iv_advance(&p, si);
	CHECK_MEM(si, "\x01\x02\x03\x04\0\0\0\0\0\0\xff\x01", 12);

	/* wraps inside the iv, never carries into the salt */
	ktls_iv_advance(&p, ff);
	CHECK_MEM(ff, "\x01\x02\x03\x04\0\0\0\0\0\0\0\0", 12);

	p = prot_of(CHACHA12);
	memcpy(before, si, 12);
	ktls_iv_advance(&p, si);
	CHECK_MEM(si, before, 12);
	p = prot_of(GCM13);
	ktls_iv_advance(&p, si);
	CHECK_MEM(si, before, 12);
}

static void test_aad(void)
{
	struct ktls_prot p = prot_of(GCM12);
	u8 aad[KTLS_MAX_AAD], hdr[5];
	int s;

	memset(aad, 0x55, sizeof(aad));
	CHECK_EQ(ktls_aad_build(&p, aad, seq_b, KTLS_CT_ALERT, 0x1234), 13);
	CHECK_MEM(aad, seq_b, 8);
	CHECK_MEM(aad + 8, "\x15\x03\x03\x12\x34", 5);

	p = prot_of(CHACHA12);
	CHECK_EQ(ktls_aad_build(&p, aad, seq_a, KTLS_CT_APPLICATION_DATA, 0),
		 13);
	CHECK_MEM(aad, seq_a, 8);
	CHECK_MEM(aad + 8, "\x17\x03\x03\x00\x00", 5);

	p = prot_of(GCM13);
	memset(aad, 0x55, sizeof(aad));
	CHECK_EQ(ktls_aad_build(&p, aad, seq_b, KTLS_CT_HANDSHAKE, 50), 5);
	CHECK_MEM(aad, "\x17\x03\x03\x00\x43", 5);	/* 50 + 1 + 16 */
	CHECK_MEM(aad + 5, "\x55\x55\x55\x55\x55\x55\x55\x55", 8);

	/* TLS 1.3 AAD is exactly the record header */
	for (s = GCM13; s <= CHACHA13; s++) {
		p = prot_of(s);
		ktls_aad_build(&p, aad, seq_a, KTLS_CT_ALERT, KTLS_MAX_PLAIN);
		ktls_hdr_build(&p, hdr, KTLS_CT_ALERT, KTLS_MAX_PLAIN);
		CHECK_MEM(aad, hdr, 5);
	}
}

/*
 * RX AAD from the header as received: the same bytes as the TX AAD for a
 * header we built, and every received header byte in it (TLS 1.3: the
 * whole header; TLS 1.2: type and version, the length less nonce and tag).
 */
static void test_aad_rx(void)
{
	static const u16 lens[] = { 0, 1, 50, 1000, KTLS_MAX_PLAIN };
	u8 tx[KTLS_MAX_AAD], rx[KTLS_MAX_AAD], hdr[5], type, want[5];
	struct ktls_prot p;
	unsigned int i;
	u32 rec_len;
	u16 body;
	int s;

	for (s = 0; s < NSUITES; s++) {
		p = prot_of(s);
		for (i = 0; i < ARRAY_SIZE(lens); i++) {
			type = i & 1 ? KTLS_CT_APPLICATION_DATA : KTLS_CT_ALERT;
			ktls_hdr_build(&p, hdr, type, lens[i]);
			CHECK_EQ(ktls_hdr_parse(&p, hdr, &type, &rec_len), 0);
			memset(tx, 0x55, sizeof(tx));
			memset(rx, 0x55, sizeof(rx));
			CHECK_EQ(ktls_aad_build(&p, tx, seq_b, type, lens[i]),
				 p.aad_len);
			CHECK_EQ(ktls_aad_build_rx(&p, rx, seq_b, hdr),
				 p.aad_len);
			CHECK_MEM(rx, tx, sizeof(tx));
		}

		/* a received header other than ours goes into the AAD as is */
		hdr[0] = KTLS_CT_HANDSHAKE;
		hdr[1] = 0x03;
		hdr[2] = 0x03;
		hdr[3] = 0x01;
		hdr[4] = 0x23;
		body = 0x0123 - p.explicit_len - p.tag_len;
		memset(rx, 0x55, sizeof(rx));
		CHECK_EQ(ktls_aad_build_rx(&p, rx, seq_a, hdr), p.aad_len);
		if (p.version == KTLS_VER_1_3) {
			CHECK_MEM(rx, hdr, 5);
			CHECK_MEM(rx + 5, "\x55\x55\x55\x55\x55\x55\x55\x55",
				  8);
			continue;
		}
		memcpy(want, hdr, 3);
		want[3] = body >> 8;
		want[4] = body & 0xff;
		CHECK_MEM(rx, seq_a, 8);
		CHECK_MEM(rx + 8, want, 5);
		hdr[1] = 0x02;		/* as received, though parse refuses it */
		hdr[2] = 0x01;
		ktls_aad_build_rx(&p, rx, seq_a, hdr);
		CHECK_MEM(rx + 8, "\x16\x02\x01", 3);
	}
}

/* Naive reference for the inner-type scan. */
static int inner_ref(const u8 *b, u32 len, u8 *type, u32 *dlen)
{
	while (len && !b[len - 1])
		len--;
	if (!len)
		return -EBADMSG;
	*type = b[len - 1];
	*dlen = len - 1;
	return 0;
}

static bool inner_case(u32 data_len, u32 pad, unsigned int align, u8 fill)
{
	u32 len = data_len + 1 + pad, dl = ~0u, rdl = ~0u;
	u8 *mem = malloc(len + 8);
	u8 *b = mem + align, t = 0, rt = 0;
	int err, rerr;
	bool ok;

	memset(b, fill, data_len);
	b[data_len] = KTLS_CT_HANDSHAKE;
	memset(b + data_len + 1, 0, pad);
	err = ktls_tls13_inner_parse(b, len, &t, &dl);
	rerr = inner_ref(b, len, &rt, &rdl);
	ok = !err && !rerr && t == KTLS_CT_HANDSHAKE && dl == data_len &&
	     rt == t && rdl == dl;
	free(mem);
	return ok;
}

static void test_inner(void)
{
	static const u32 dlens[] = { 0, 1, 7, 8, 9, 15, 16, 17, 100, 16383 };
	u8 buf[64] = { 0 }, *big, t;
	unsigned int i, align, bad;
	u32 pad, dl, len;

	/* no padding */
	CHECK_EQ(ktls_tls13_inner_parse((const u8 *)"ab\x17", 3, &t, &dl), 0);
	CHECK_EQ(t, 0x17);
	CHECK_EQ(dl, 2);
	CHECK_EQ(ktls_tls13_inner_parse((const u8 *)"\x15", 1, &t, &dl), 0);
	CHECK_EQ(t, 0x15);
	CHECK_EQ(dl, 0);

	/* padding 1..4096, many data lengths and alignments */
	for (i = 0; i < ARRAY_SIZE(dlens); i++) {
		bad = 0;
		for (align = 0; align < 8; align++)
			for (pad = 0; pad <= 4096;
			     pad += pad < 64 ? 1 : 61)
				bad += !inner_case(dlens[i], pad, align, 0xaa);
		CHECK_EQ(bad, 0);
	}
	/* data ending in zeros: type is still the last non-zero byte */
	bad = 0;
	for (align = 0; align < 8; align++)
		for (pad = 0; pad < 40; pad++)
			bad += !inner_case(33, pad, align, 0);
	CHECK_EQ(bad, 0);

	/* all zero: no content type */
	for (len = 0; len < sizeof(buf) - 1; len++)
		CHECK_EQ(ktls_tls13_inner_parse(buf + 1, len, &t, &dl), -EBADMSG);
	big = calloc(1, KTLS_MAX_PLAIN + 1);
	CHECK_EQ(ktls_tls13_inner_parse(big, KTLS_MAX_PLAIN + 1, &t, &dl),
		 -EBADMSG);

	/* one non-zero byte at every position, odd offset, lengths not % 8 */
	bad = 0;
	for (len = 1; len < 70; len++) {
		for (i = 0; i < len; i++) {
			memset(big, 0, len + 3);
			big[3 + i] = 0x80 | i;
			if (ktls_tls13_inner_parse(big + 3, len, &t, &dl) ||
			    t != (0x80 | i) || dl != i)
				bad++;
		}
	}
	CHECK_EQ(bad, 0);
	free(big);
}

static void test_seq(void)
{
	u8 s[8] = { 0, 0, 0, 0, 0, 0, 0, 0xfe };
	u8 m[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe };

	CHECK(!ktls_seq_inc(s));
	CHECK_EQ(ktls_seq_get(s), 0xff);
	CHECK(!ktls_seq_inc(s));
	CHECK_MEM(s, "\0\0\0\0\0\0\x01\x00", 8);
	CHECK_EQ(ktls_seq_get(s), 0x100);

	ktls_seq_put(s, 0x00ffffffffffffffULL);
	CHECK(!ktls_seq_inc(s));
	CHECK_MEM(s, "\x01\0\0\0\0\0\0\0", 8);

	CHECK(!ktls_seq_inc(m));
	CHECK_EQ(ktls_seq_get(m), 0xffffffffffffffffULL);
	CHECK(ktls_seq_inc(m));
	CHECK_MEM(m, "\0\0\0\0\0\0\0\0", 8);
	CHECK_EQ(ktls_seq_get(m), 0);

	ktls_seq_put(s, 0x0102030405060708ULL);
	CHECK_MEM(s, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	CHECK_EQ(ktls_seq_get(s), 0x0102030405060708ULL);
}

void test_record(void)
{
	test_prot_init();
	test_hdr_build();
	test_hdr_parse();
	test_nonce_tls12();
	test_nonce_xor();
	test_iv_advance();
	test_aad();
	test_aad_rx();
	test_inner();
	test_seq();
}
