// SPDX-License-Identifier: GPL-2.0 OR MIT
/* SM4/ARIA tests: official vectors, OpenSSL ECB/CTR/GCM and libgcrypt GCM/CCM cross-checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <gcrypt.h>

#include "bc.h"

static unsigned int passed, failed;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		passed++;						\
	} else {							\
		failed++;						\
		printf("FAIL %s:%d: ", __FILE__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	}								\
} while (0)

static size_t unhex(uint8_t *out, const char *s)
{
	size_t n = 0;

	for (; s[0] && s[1]; s += 2)
		sscanf(s, "%2hhx", &out[n++]);
	return n;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static void rnd_bytes(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = (uint8_t)rnd();
}

static const enum ktls_bc_impl impls[] = {
	KTLS_BC_GENERIC, KTLS_BC_AESNI, KTLS_BC_GFNI
};

static void test_sm4_vectors(void)
{
	uint8_t key[16], pt[16], ct[16], out[16];
	struct ktls_sm4_ctx c;
	int i;

	unhex(key, "0123456789abcdeffedcba9876543210");
	unhex(ct, "681edf34d206965e86b3e94f536e4246");
	memcpy(pt, key, 16);
	for (i = 0; i < 3; i++) {
		if (ktls_bc_set_impl(impls[i]))
			continue;
		ktls_sm4_setkey(&c, key);
		ktls_sm4_encrypt(&c, out, pt);
		CHECK(!memcmp(out, ct, 16), "GB/T 32907 encrypt (%s)",
		      ktls_bc_impl_name(impls[i]));
		ktls_sm4_decrypt(&c, out, ct);
		CHECK(!memcmp(out, pt, 16), "GB/T 32907 decrypt (%s)",
		      ktls_bc_impl_name(impls[i]));
	}
	/* 1,000,000 iterations on the default path */
	ktls_bc_set_impl(KTLS_BC_AUTO);
	ktls_sm4_setkey(&c, key);
	memcpy(out, pt, 16);
	for (i = 0; i < 1000000; i++)
		ktls_sm4_encrypt(&c, out, out);
	unhex(ct, "595298c7c6fd271f0402f804c33d3f66");
	CHECK(!memcmp(out, ct, 16), "GB/T 32907 1,000,000 iterations (%s)",
	      ktls_bc_impl_name(ktls_bc_get_impl()));
	ktls_sm4_clear(&c);
	for (i = 0; i < 32; i++)
		if (c.rk_enc[i] || c.rk_dec[i])
			break;
	CHECK(i == 32, "ktls_sm4_clear wipes the schedule");
}

static void test_aria_vectors(void)
{
	static const char *const cts[3] = {
		"d718fbd6ab644c739da95f3be6451778",
		"26449c1805dbe7aa25a468ce263a9e79",
		"f92bd7c79fb72e2f2b8f80c1972d24fc",
	};
	uint8_t key[32], pt[16], ct[16], out[16], ek1[16];
	struct ktls_aria_ctx c;
	unsigned int i, k, im;

	unhex(key, "000102030405060708090a0b0c0d0e0f"
		   "101112131415161718191a1b1c1d1e1f");
	unhex(pt, "00112233445566778899aabbccddeeff");
	for (im = 0; im < 3; im++) {
		if (ktls_bc_set_impl(impls[im]))
			continue;
		for (k = 0; k < 3; k++) {
			CHECK(ktls_aria_setkey(&c, key, 16 + 8 * k) == 0, "ARIA setkey");
			unhex(ct, cts[k]);
			ktls_aria_encrypt(&c, out, pt);
			CHECK(!memcmp(out, ct, 16), "RFC 5794 ARIA-%u encrypt (%s)",
			      128 + 64 * k, ktls_bc_impl_name(impls[im]));
			ktls_aria_decrypt(&c, out, ct);
			CHECK(!memcmp(out, pt, 16), "RFC 5794 ARIA-%u decrypt (%s)",
			      128 + 64 * k, ktls_bc_impl_name(impls[im]));
		}
	}
	ktls_bc_set_impl(KTLS_BC_AUTO);
	ktls_aria_setkey(&c, key, 16);
	unhex(ek1, "d415a75c794b85c5e0d2a0b3cb793bf6");
	CHECK(!memcmp(c.ek[0], ek1, 16), "RFC 5794 A.1 round key e1");
	CHECK(ktls_aria_setkey(&c, key, 20) == -EINVAL, "ARIA rejects 160-bit key");
	ktls_aria_clear(&c);
	for (i = 0; i < sizeof(c); i++)
		if (((uint8_t *)&c)[i])
			break;
	CHECK(i == sizeof(c), "ktls_aria_clear wipes the schedule");
}

static void test_rfc8998(void)
{
	uint8_t key[16], iv[12], aad[20], pt[64], ct[64], tag[16], out[64], t[16];
	struct ktls_sm4_ctx c;
	struct bc bc = bc_sm4(&c);
	static struct ghash g;
	int i;

	unhex(key, "0123456789ABCDEFFEDCBA9876543210");
	unhex(iv, "00001234567800000000ABCD");
	unhex(aad, "FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2");
	unhex(pt, "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
		  "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA");
	for (i = 0; i < 3; i++) {
		if (ktls_bc_set_impl(impls[i]))
			continue;
		ktls_sm4_setkey(&c, key);
		bc_ghash_init(&bc, &g);
		gcm_seal(&bc, &g, iv, aad, 20, pt, 64, out, t);
		unhex(ct, "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
			  "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D");
		unhex(tag, "83DE3541E4C2B58177E065A9BF7B62EC");
		CHECK(!memcmp(out, ct, 64) && !memcmp(t, tag, 16),
		      "RFC 8998 SM4-GCM (%s)", ktls_bc_impl_name(impls[i]));
		CHECK(gcm_open(&bc, &g, iv, aad, 20, ct, 64, out, tag) == 0 &&
		      !memcmp(out, pt, 64), "RFC 8998 SM4-GCM open");
		ct[7] ^= 1;
		CHECK(gcm_open(&bc, &g, iv, aad, 20, ct, 64, out, tag) != 0,
		      "SM4-GCM rejects a flipped bit");
		ccm_seal(&bc, iv, 12, aad, 20, pt, 64, out, t, 16);
		unhex(ct, "48AF93501FA62ADBCD414CCE6034D895DDA1BF8F132F042098661572E7483094"
			  "FD12E518CE062C98ACEE28D95DF4416BED31A2F04476C18BB40C84A74B97DC5B");
		unhex(tag, "16842D4FA186F56AB33256971FA110F4");
		CHECK(!memcmp(out, ct, 64) && !memcmp(t, tag, 16),
		      "RFC 8998 SM4-CCM (%s)", ktls_bc_impl_name(impls[i]));
	}
}

static int ossl_ecb(const char *name, const uint8_t *key, const uint8_t *in,
		    size_t len, uint8_t *out, int enc)
{
	EVP_CIPHER *ci = EVP_CIPHER_fetch(NULL, name, NULL);
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	int l1 = 0, ok;

	ok = ci && x && EVP_CipherInit_ex(x, ci, NULL, key, NULL, enc) &&
	     EVP_CIPHER_CTX_set_padding(x, 0) &&
	     EVP_CipherUpdate(x, out, &l1, in, (int)len) && (size_t)l1 == len;
	EVP_CIPHER_CTX_free(x);
	EVP_CIPHER_free(ci);
	return ok ? 0 : -1;
}

#define MAXB 67

static void test_sm4_random_ecb(int rounds)
{
	uint8_t key[16], in[MAXB * 16], a[MAXB * 16], b[MAXB * 16], ctr[16], c2[16];
	struct ktls_sm4_ctx c;
	int i, im, bad[3] = { 0 }, n[3] = { 0 };

	for (i = 0; i < rounds; i++) {
		size_t nb = 1 + rnd() % MAXB;

		rnd_bytes(key, 16);
		rnd_bytes(in, nb * 16);
		ossl_ecb("SM4-ECB", key, in, nb * 16, b, 1);
		for (im = 0; im < 3; im++) {
			if (ktls_bc_set_impl(impls[im]))
				continue;
			ktls_sm4_setkey(&c, key);
			ktls_sm4_encrypt_ecb(&c, a, in, nb);
			n[im]++;
			bad[im] += !!memcmp(a, b, nb * 16);
			ktls_sm4_decrypt_ecb(&c, a, a, nb);
			bad[im] += !!memcmp(a, in, nb * 16);
		}
		/* CTR against OpenSSL, counters near a 64-bit carry */
		rnd_bytes(ctr, 16);
		if (i & 1)
			memset(ctr + 8, 0xff, 7);
		memcpy(c2, ctr, 16);
		{
			EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
			int l = 0;
			size_t len = 1 + rnd() % (MAXB * 16);

			EVP_EncryptInit_ex(x, EVP_sm4_ctr(), NULL, key, c2);
			EVP_EncryptUpdate(x, b, &l, in, (int)len);
			EVP_CIPHER_CTX_free(x);
			ktls_bc_set_impl(KTLS_BC_AUTO);
			ktls_sm4_setkey(&c, key);
			ktls_sm4_ctr(&c, a, in, len, ctr);
			CHECK(!memcmp(a, b, len), "SM4-CTR vs OpenSSL (len %zu)", len);
		}
	}
	for (im = 0; im < 3; im++)
		if (n[im])
			CHECK(bad[im] == 0, "SM4-ECB vs OpenSSL, %d random keys (%s): %d bad",
			      n[im], ktls_bc_impl_name(impls[im]), bad[im]);
	ktls_bc_set_impl(KTLS_BC_AUTO);
}

static void test_aria_random_ecb(int rounds)
{
	static const char *const names[3] = {
		"ARIA-128-ECB", "ARIA-192-ECB", "ARIA-256-ECB"
	};
	uint8_t key[32], in[MAXB * 16], a[MAXB * 16], b[MAXB * 16];
	struct ktls_aria_ctx c;
	int i, k, im, bad[3][3] = { { 0 } }, n[3] = { 0 };

	for (i = 0; i < rounds; i++) {
		size_t nb = 1 + rnd() % MAXB;

		k = i % 3;
		rnd_bytes(key, 32);
		rnd_bytes(in, nb * 16);
		ossl_ecb(names[k], key, in, nb * 16, b, 1);
		for (im = 0; im < 3; im++) {
			if (ktls_bc_set_impl(impls[im]))
				continue;
			n[im] += k == 0;
			ktls_aria_setkey(&c, key, 16 + 8 * k);
			ktls_aria_encrypt_ecb(&c, a, in, nb);
			bad[im][k] += !!memcmp(a, b, nb * 16);
			ktls_aria_decrypt_ecb(&c, a, a, nb);
			bad[im][k] += !!memcmp(a, in, nb * 16);
		}
	}
	for (im = 0; im < 3; im++)
		for (k = 0; n[im] && k < 3; k++)
			CHECK(bad[im][k] == 0, "%s vs OpenSSL, %d random keys (%s): %d bad",
			      names[k], (rounds + 2 - k) / 3,
			      ktls_bc_impl_name(impls[im]), bad[im][k]);
	ktls_bc_set_impl(KTLS_BC_AUTO);
}

/* ktls_sm4_cbcmac() on every path against chained single-block ECB. */
static void test_sm4_cbcmac(int rounds)
{
	uint8_t key[16], in[MAXB * 16], m0[16], ma[16], mb[16];
	struct ktls_sm4_ctx c;
	int i, im, bad[3] = { 0 }, n[3] = { 0 };
	size_t nb, j, k;

	for (i = 0; i < rounds; i++) {
		nb = rnd() % MAXB;
		rnd_bytes(key, 16);
		rnd_bytes(m0, 16);
		rnd_bytes(in, nb * 16);
		ktls_bc_set_impl(KTLS_BC_GENERIC);
		ktls_sm4_setkey(&c, key);
		memcpy(mb, m0, 16);
		for (j = 0; j < nb; j++) {
			for (k = 0; k < 16; k++)
				mb[k] ^= in[16 * j + k];
			ktls_sm4_encrypt(&c, mb, mb);
		}
		for (im = 0; im < 3; im++) {
			if (ktls_bc_set_impl(impls[im]))
				continue;
			memcpy(ma, m0, 16);
			/* in two calls, split at a random block */
			j = nb ? rnd() % (nb + 1) : 0;
			ktls_sm4_cbcmac(&c, ma, in, j);
			ktls_sm4_cbcmac(&c, ma, in + 16 * j, nb - j);
			n[im]++;
			bad[im] += !!memcmp(ma, mb, 16);
		}
	}
	for (im = 0; im < 3; im++)
		if (n[im])
			CHECK(bad[im] == 0, "SM4 CBC-MAC vs chained ECB, %d cases (%s): %d bad",
			      n[im], ktls_bc_impl_name(impls[im]), bad[im]);
	ktls_bc_set_impl(KTLS_BC_AUTO);
}

/* SM4-GCM and SM4-CCM on our cipher against libgcrypt. */
static void test_sm4_aead_random(int rounds)
{
	uint8_t key[16], iv[13], aad[80], pt[700], a[700], b[700], ta[16], tb[16];
	struct ktls_sm4_ctx c;
	struct bc bc = bc_sm4(&c);
	static struct ghash g;
	int i, bad_gcm = 0, bad_ccm = 0, bad_open = 0;

	for (i = 0; i < rounds; i++) {
		size_t alen = rnd() % sizeof(aad), len = rnd() % sizeof(pt);
		size_t tlen = 4 + 2 * (rnd() % 7), nlen = 7 + rnd() % 7;
		gcry_cipher_hd_t hd;
		uint64_t lens[3] = { len, alen, tlen };

		rnd_bytes(key, 16);
		rnd_bytes(iv, 13);
		rnd_bytes(aad, alen);
		rnd_bytes(pt, len);
		if (ktls_bc_set_impl(impls[i % 3]))
			ktls_bc_set_impl(KTLS_BC_AUTO);
		ktls_sm4_setkey(&c, key);
		bc_ghash_init(&bc, &g);
		gcm_seal(&bc, &g, iv, aad, alen, pt, len, a, ta);

		gcry_cipher_open(&hd, GCRY_CIPHER_SM4, GCRY_CIPHER_MODE_GCM, 0);
		gcry_cipher_setkey(hd, key, 16);
		gcry_cipher_setiv(hd, iv, 12);
		gcry_cipher_authenticate(hd, aad, alen);
		gcry_cipher_encrypt(hd, b, len, pt, len);
		gcry_cipher_gettag(hd, tb, 16);
		gcry_cipher_close(hd);
		bad_gcm += memcmp(a, b, len) || memcmp(ta, tb, 16);
		ta[rnd() % 16] ^= 1 << (rnd() % 8);
		bad_open += gcm_open(&bc, &g, iv, aad, alen, a, len, b, ta) == 0;

		ccm_seal(&bc, iv, nlen, aad, alen, pt, len, a, ta, tlen);
		gcry_cipher_open(&hd, GCRY_CIPHER_SM4, GCRY_CIPHER_MODE_CCM, 0);
		gcry_cipher_setkey(hd, key, 16);
		gcry_cipher_setiv(hd, iv, nlen);
		gcry_cipher_ctl(hd, GCRYCTL_SET_CCM_LENGTHS, lens, sizeof(lens));
		gcry_cipher_authenticate(hd, aad, alen);
		gcry_cipher_encrypt(hd, b, len, pt, len);
		gcry_cipher_gettag(hd, tb, tlen);
		gcry_cipher_close(hd);
		bad_ccm += memcmp(a, b, len) || memcmp(ta, tb, tlen);
	}
	ktls_bc_set_impl(KTLS_BC_AUTO);
	CHECK(!bad_gcm, "SM4-GCM vs libgcrypt, %d random cases: %d bad", rounds, bad_gcm);
	CHECK(!bad_open, "SM4-GCM rejects %d corrupted tags: %d accepted", rounds, bad_open);
	CHECK(!bad_ccm, "SM4-CCM vs libgcrypt, %d random cases: %d bad", rounds, bad_ccm);
}

/* ARIA-GCM on our cipher against OpenSSL (libgcrypt 1.10 has no ARIA). */
static void test_aria_gcm_random(int rounds)
{
	uint8_t key[32], iv[12], aad[40], pt[300], a[300], b[300], ta[16], tb[16];
	struct ktls_aria_ctx c;
	struct bc bc = bc_aria(&c);
	static struct ghash g;
	int i, bad = 0;

	for (i = 0; i < rounds; i++) {
		size_t alen = rnd() % sizeof(aad), len = rnd() % sizeof(pt);
		int k256 = i & 1, l = 0;
		EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();

		rnd_bytes(key, 32);
		rnd_bytes(iv, 12);
		rnd_bytes(aad, alen);
		rnd_bytes(pt, len);
		if (ktls_bc_set_impl(impls[i % 3]))
			ktls_bc_set_impl(KTLS_BC_AUTO);
		ktls_aria_setkey(&c, key, k256 ? 32 : 16);
		bc_ghash_init(&bc, &g);
		gcm_seal(&bc, &g, iv, aad, alen, pt, len, a, ta);

		EVP_EncryptInit_ex(x, k256 ? EVP_aria_256_gcm() : EVP_aria_128_gcm(),
				   NULL, key, iv);
		EVP_EncryptUpdate(x, NULL, &l, aad, (int)alen);
		EVP_EncryptUpdate(x, b, &l, pt, (int)len);
		EVP_EncryptFinal_ex(x, b + l, &l);
		EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_GET_TAG, 16, tb);
		EVP_CIPHER_CTX_free(x);
		bad += memcmp(a, b, len) || memcmp(ta, tb, 16);
	}
	ktls_bc_set_impl(KTLS_BC_AUTO);
	CHECK(!bad, "ARIA-GCM (128/256) vs OpenSSL, %d random cases: %d bad", rounds, bad);
}

int main(int argc, char **argv)
{
	int scale = argc > 1 ? atoi(argv[1]) : 1;

	if (!gcry_check_version(NULL))
		return 1;
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	printf("cpu: %s%s%s; default path %s\n",
	       ktls_x86_bc_features() & KTLS_X86_AESNI ? "aes " : "",
	       ktls_x86_bc_features() & KTLS_X86_GFNI ? "gfni " : "",
	       ktls_x86_bc_features() & KTLS_X86_AVX2 ? "avx2" : "",
	       ktls_bc_impl_name(ktls_bc_get_impl()));
	test_sm4_vectors();
	test_aria_vectors();
	test_rfc8998();
	test_sm4_random_ecb(2000 / scale);
	test_aria_random_ecb(3000 / scale);
	test_sm4_cbcmac(1000 / scale);
	test_sm4_aead_random(2000 / scale);
	test_aria_gcm_random(1000 / scale);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
