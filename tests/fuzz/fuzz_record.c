// SPDX-License-Identifier: GPL-2.0 OR MIT
/* libFuzzer target: hdr_parse, inner scan, nonce and AAD with random params. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/record.h"

#define FUZZ_ASSERT(c) do { if (!(c)) abort(); } while (0)

static void fuzz_hdr(const struct ktls_prot *p, const u8 hdr[5])
{
	u32 len = (u32)hdr[3] << 8 | hdr[4], min, rec_len = 0;
	u8 type = 0;
	int err, want;

	min = p->explicit_len + p->tag_len;
	if (len > KTLS_MAX_PLAIN + min + p->tail_len)
		want = -EMSGSIZE;
	else if (len < min)
		want = -EBADMSG;
	else if (hdr[1] != 3 || hdr[2] != 3)
		want = -EINVAL;
	else
		want = 0;
	err = ktls_hdr_parse(p, hdr, &type, &rec_len);
	FUZZ_ASSERT(err == want);
	FUZZ_ASSERT(type == hdr[0]);
	if (!err) {
		FUZZ_ASSERT(rec_len == len + KTLS_REC_HDR_LEN);
		FUZZ_ASSERT(rec_len <= (u32)KTLS_MAX_PLAIN + p->overhead);
	}
}

static void check_inner(const u8 *b, size_t size)
{
	u32 dl = 0, end = size;
	u8 type = 0;
	int err;

	while (end && !b[end - 1])
		end--;
	err = ktls_tls13_inner_parse(b, size, &type, &dl);
	if (!end) {
		FUZZ_ASSERT(err == -EBADMSG);
	} else {
		FUZZ_ASSERT(!err && type && type == b[end - 1]);
		FUZZ_ASSERT(dl == end - 1);
	}
}

static void fuzz_inner(const u8 *data, size_t size, unsigned int align,
		       u8 fill)
{
	u8 *exact = malloc(size ? size : 1);
	u8 *slack = malloc(size + align);

	/* exact-size heap copy: ASan catches any read outside it */
	memcpy(exact, data, size);
	check_inner(exact, size);
	/* unaligned start; a read before it would see the slack bytes */
	memset(slack, fill, align);
	memcpy(slack + align, data, size);
	check_inner(slack + align, size);
	free(exact);
	free(slack);
}

static void fuzz_nonce_aad(const struct ktls_prot *p, const u8 *d)
{
	u8 out[KTLS_MAX_NONCE], aad[KTLS_MAX_AAD], hdr[KTLS_REC_HDR_LEN];
	u8 rx_aad[KTLS_MAX_AAD];
	const u8 *siv = d, *seq = d + 12, *expl = d + 20;
	u16 plain = ((u16)d[28] << 8 | d[29]) % (KTLS_MAX_PLAIN + 1);
	unsigned int off = ktls_nonce_offset(p), i, alen;
	u8 type = d[30], rt, want[KTLS_NONCE_LEN];
	u32 rl;

	ktls_nonce_build(p, out, siv, seq, p->explicit_len ? expl : NULL);
	FUZZ_ASSERT(off == (p->ccm_b0 ? 1u : 0u));
	if (off)
		FUZZ_ASSERT(out[0] == KTLS_CCM_B0);
	for (i = off + KTLS_NONCE_LEN; i < KTLS_MAX_NONCE; i++)
		FUZZ_ASSERT(!out[i]);
	if (p->explicit_len) {
		memcpy(want, siv, p->salt_len);
		memcpy(want + p->salt_len, expl, p->explicit_len);
	} else {
		for (i = 0; i < KTLS_NONCE_LEN; i++)
			want[i] = siv[i] ^ (i < 4 ? 0 : seq[i - 4]);
	}
	FUZZ_ASSERT(!memcmp(out + off, want, KTLS_NONCE_LEN));

	alen = ktls_aad_build(p, aad, seq, type, plain);
	FUZZ_ASSERT(alen == p->aad_len && alen <= KTLS_MAX_AAD);
	ktls_hdr_build(p, hdr, type, plain);
	FUZZ_ASSERT(!ktls_hdr_parse(p, hdr, &rt, &rl));
	FUZZ_ASSERT(rl == (u32)plain + p->overhead);
	if (p->version == KTLS_VER_1_3) {
		FUZZ_ASSERT(!memcmp(aad, hdr, KTLS_REC_HDR_LEN));
	} else {
		FUZZ_ASSERT(!memcmp(aad, seq, KTLS_REC_SEQ_LEN));
		FUZZ_ASSERT(aad[8] == type && rt == type);
		FUZZ_ASSERT(aad[11] == plain >> 8 && aad[12] == (plain & 0xff));
	}
	/* RX: the AAD of the header as received is the one TX built */
	memset(rx_aad, 0, sizeof(rx_aad));
	FUZZ_ASSERT(ktls_aad_build_rx(p, rx_aad, seq, hdr) == alen);
	FUZZ_ASSERT(!memcmp(rx_aad, aad, alen));
}

/*
 * Input: [0] version/cipher selector, [1] salt_len, [2] iv_len, [3] tag_len,
 * [4..8] header, [9..39] nonce/AAD material, rest: inner plaintext.
 */
int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct ktls_prot p;
	u8 sel;
	int err;

	if (size < 40)
		return 0;
	sel = data[0];
	err = ktls_prot_init(&p, sel & 1 ? KTLS_VER_1_3 :
			     sel & 2 ? KTLS_VER_1_2 : 0x0300 | data[1],
			     data[1] % 16, data[2] % 16, data[3] % 20,
			     sel & 4, sel & 8);
	fuzz_inner(data + 40, size - 40, 1 + (sel >> 5),
		   sel & 16 ? 0xff : 0);
	if (err) {
		FUZZ_ASSERT(err == -EINVAL);
		return 0;
	}
	FUZZ_ASSERT(p.nonce_len == KTLS_NONCE_LEN);
	FUZZ_ASSERT(p.salt_len + p.iv_len == KTLS_NONCE_LEN);
	FUZZ_ASSERT(!p.explicit_len || (p.explicit_len == 8 && p.salt_len == 4));
	FUZZ_ASSERT(p.overhead == KTLS_REC_HDR_LEN + p.explicit_len +
		    p.tail_len + p.tag_len);
	fuzz_hdr(&p, data + 4);
	fuzz_nonce_aad(&p, data + 9);
	return 0;
}
