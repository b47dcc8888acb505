// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Throughput of our SM4/ARIA (ECB, CTR, GCM) against libgcrypt and OpenSSL. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>
#include <gcrypt.h>

#include "../../core/sm4.h"
#include "../../core/aria.h"
#include "aead.h"

#define MAXLEN	16384

static uint8_t buf[MAXLEN + 16], out[MAXLEN + 16];
static uint8_t key[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static uint8_t iv[16] = { 9, 9, 9 };
static struct ktls_sm4_ctx sm4;
static struct ktls_aria_ctx aria;
static struct ghash gh_sm4, gh_aria;

enum op { ECB, CTR, GCM };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void sm4_ecb_cb(const void *c, uint8_t *o, const uint8_t *i, size_t n)
{
	ktls_sm4_encrypt_ecb(c, o, i, n);
}

static void sm4_ctr_cb(const void *c, uint8_t *o, const uint8_t *i, size_t l,
		       uint8_t ctr[16])
{
	ktls_sm4_ctr(c, o, i, l, ctr);
}

static void aria_ecb_cb(const void *c, uint8_t *o, const uint8_t *i, size_t n)
{
	ktls_aria_encrypt_ecb(c, o, i, n);
}

static void aria_ctr_cb(const void *c, uint8_t *o, const uint8_t *i, size_t l,
			uint8_t ctr[16])
{
	ktls_aria_ctr(c, o, i, l, ctr);
}

static const struct bc bc_sm4 = { &sm4, sm4_ecb_cb, sm4_ctr_cb };
static const struct bc bc_aria = { &aria, aria_ecb_cb, aria_ctr_cb };

static void ours(int is_aria, enum op op, size_t len)
{
	uint8_t ctr[16], tag[16];

	switch (op) {
	case ECB:
		if (is_aria)
			ktls_aria_encrypt_ecb(&aria, out, buf, len / 16);
		else
			ktls_sm4_encrypt_ecb(&sm4, out, buf, len / 16);
		break;
	case CTR:
		memcpy(ctr, iv, 16);
		if (is_aria)
			ktls_aria_ctr(&aria, out, buf, len, ctr);
		else
			ktls_sm4_ctr(&sm4, out, buf, len, ctr);
		break;
	case GCM:
		gcm_seal(is_aria ? &bc_aria : &bc_sm4, is_aria ? &gh_aria : &gh_sm4,
			 iv, buf, 13, buf, len, out, tag);
		break;
	}
}

static gcry_cipher_hd_t gc[3];

static void gcrypt_run(enum op op, size_t len)
{
	uint8_t tag[16];

	gcry_cipher_setiv(gc[op], iv, op == GCM ? 12 : 16);
	if (op == CTR)
		gcry_cipher_setctr(gc[op], iv, 16);
	if (op == GCM)
		gcry_cipher_authenticate(gc[op], buf, 13);
	gcry_cipher_encrypt(gc[op], out, len, buf, len);
	if (op == GCM)
		gcry_cipher_gettag(gc[op], tag, 16);
}

static EVP_CIPHER_CTX *ox[2][3];

static int ossl_run(int is_aria, enum op op, size_t len)
{
	EVP_CIPHER_CTX *x = ox[is_aria][op];
	int l = 0;

	if (!x)
		return -1;
	EVP_EncryptInit_ex(x, NULL, NULL, NULL, iv);
	if (op == GCM)
		EVP_EncryptUpdate(x, NULL, &l, buf, 13);
	EVP_EncryptUpdate(x, out, &l, buf, (int)len);
	if (op == GCM)
		EVP_EncryptFinal_ex(x, out + l, &l);
	return 0;
}

/* MB/s of one (implementation, op, size), run for about 0.15 s */
static double measure(int who, int is_aria, enum op op, size_t len)
{
	double t0 = now(), t;
	size_t iters = 0;

	do {
		for (int i = 0; i < 16; i++) {
			if (who == 0)
				ours(is_aria, op, len);
			else if (who == 1)
				gcrypt_run(op, len);
			else if (ossl_run(is_aria, op, len))
				return -1;
		}
		iters += 16;
		t = now() - t0;
	} while (t < 0.15);
	return iters * len / t / 1e6;
}

int main(void)
{
	static const char *const ops[] = { "ECB", "CTR", "GCM" };
	static const size_t sizes[] = { 64, 1024, 16384 };
	const EVP_CIPHER *oc[2][3] = {
		{ EVP_sm4_ecb(), EVP_sm4_ctr(), NULL },
		{ EVP_aria_128_ecb(), EVP_aria_128_ctr(), EVP_aria_128_gcm() },
	};
	const int modes[3] = { GCRY_CIPHER_MODE_ECB, GCRY_CIPHER_MODE_CTR,
			       GCRY_CIPHER_MODE_GCM };
	uint8_t h[16] = { 0 };
	enum ktls_bc_impl impls[3] = { KTLS_BC_GFNI, KTLS_BC_AESNI, KTLS_BC_GENERIC };

	gcry_check_version(NULL);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	for (int a = 0; a < 2; a++)
		for (int o = 0; o < 3; o++) {
			if (!oc[a][o])
				continue;
			ox[a][o] = EVP_CIPHER_CTX_new();
			EVP_EncryptInit_ex(ox[a][o], oc[a][o], NULL, key, iv);
			EVP_CIPHER_CTX_set_padding(ox[a][o], 0);
		}
	for (int o = 0; o < 3; o++) {
		gcry_cipher_open(&gc[o], GCRY_CIPHER_SM4, modes[o], 0);
		gcry_cipher_setkey(gc[o], key, 16);
	}
	ktls_aria_setkey(&aria, key, 16);
	ktls_aria_encrypt(&aria, h, h);
	ghash_init(&gh_aria, h);
	memset(h, 0, 16);

	printf("MB/s (1e6 bytes/s), single thread, wall clock; GCM = 13-byte AAD,"
	       " 12-byte IV;\nour GCM uses the test harness's table GHASH"
	       " (not the kernel's).\n\n");
	printf("%-26s %10s %10s %10s\n", "implementation", "64 B", "1 KiB", "16 KiB");
	for (int o = 0; o < 3; o++) {
		for (int im = 0; im < 3; im++) {
			if (ktls_sm4_set_impl(impls[im]))
				continue;
			ktls_sm4_setkey(&sm4, key);
			memset(h, 0, 16);
			ktls_sm4_encrypt(&sm4, h, h);
			ghash_init(&gh_sm4, h);
			printf("SM4-%s ktls %-12s", ops[o], ktls_bc_impl_name(impls[im]));
			for (int s = 0; s < 3; s++)
				printf(" %10.1f", measure(0, 0, o, sizes[s]));
			printf("\n");
		}
		printf("SM4-%s libgcrypt %-8s", ops[o], gcry_check_version(NULL));
		for (int s = 0; s < 3; s++)
			printf(" %10.1f", measure(1, 0, o, sizes[s]));
		printf("\n");
		if (ox[0][o]) {
			printf("SM4-%s OpenSSL %-10s", ops[o], "");
			for (int s = 0; s < 3; s++)
				printf(" %10.1f", measure(2, 0, o, sizes[s]));
			printf("\n");
		}
	}
	ktls_sm4_set_impl(KTLS_BC_AUTO);
	for (int o = 0; o < 3; o++) {
		printf("ARIA128-%s ktls %-8s", ops[o], "generic-ct");
		for (int s = 0; s < 3; s++)
			printf(" %10.1f", measure(0, 1, o, sizes[s]));
		printf("\nARIA128-%s OpenSSL %-6s", ops[o], "");
		for (int s = 0; s < 3; s++)
			printf(" %10.1f", measure(2, 1, o, sizes[s]));
		printf("\n");
	}
	printf("(libgcrypt %s has no ARIA)\n", gcry_check_version(NULL));
	ktls_sm4_clear(&sm4);
	ktls_aria_clear(&aria);
	return 0;
}
