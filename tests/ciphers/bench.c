// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Throughput of our SM4/ARIA (ECB, CTR, GCM, CCM) against libgcrypt and OpenSSL. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>
#include <gcrypt.h>

#include "bc.h"

#define MAXLEN	16384

static uint8_t buf[MAXLEN + 16], out[MAXLEN + 16];
static uint8_t key[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static uint8_t iv[16] = { 9, 9, 9 };
static struct ktls_sm4_ctx sm4;
static struct ktls_aria_ctx aria;
static struct ghash gh_sm4, gh_aria;
static struct bc bcs[2];	/* SM4, ARIA */

enum op { ECB, CTR, GCM, CCM, NOPS };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

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
		gcm_seal(&bcs[is_aria], is_aria ? &gh_aria : &gh_sm4,
			 iv, buf, 13, buf, len, out, tag);
		break;
	case CCM:	/* TLS 1.3 SM4-CCM: 12-byte nonce, 16-byte tag */
		ccm_seal(&bcs[is_aria], iv, 12, buf, 13, buf, len, out, tag, 16);
		break;
	default:
		break;
	}
}

static gcry_cipher_hd_t gc[NOPS];

static void gcrypt_run(enum op op, size_t len)
{
	uint64_t lens[3] = { len, 13, 16 };
	uint8_t tag[16];

	gcry_cipher_setiv(gc[op], iv, op >= GCM ? 12 : 16);
	if (op == CTR)
		gcry_cipher_setctr(gc[op], iv, 16);
	if (op == CCM)
		gcry_cipher_ctl(gc[op], GCRYCTL_SET_CCM_LENGTHS, lens, sizeof(lens));
	if (op >= GCM)
		gcry_cipher_authenticate(gc[op], buf, 13);
	gcry_cipher_encrypt(gc[op], out, len, buf, len);
	if (op >= GCM)
		gcry_cipher_gettag(gc[op], tag, 16);
}

static EVP_CIPHER_CTX *ox[2][NOPS];

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

static void row(const char *name, int who, int is_aria, enum op op)
{
	static const size_t sizes[] = { 64, 1024, 16384 };

	printf("%-30s", name);
	for (int i = 0; i < 3; i++)
		printf(" %10.1f", measure(who, is_aria, op, sizes[i]));
	printf("\n");
}

int main(void)
{
	static const char *const ops[] = { "ECB", "CTR", "GCM", "CCM" };
	const EVP_CIPHER *oc[2][NOPS] = {
		{ EVP_sm4_ecb(), EVP_sm4_ctr(), NULL, NULL },
		{ EVP_aria_128_ecb(), EVP_aria_128_ctr(), EVP_aria_128_gcm(), NULL },
	};
	const int modes[NOPS] = { GCRY_CIPHER_MODE_ECB, GCRY_CIPHER_MODE_CTR,
				  GCRY_CIPHER_MODE_GCM, GCRY_CIPHER_MODE_CCM };
	enum ktls_bc_impl impls[3] = { KTLS_BC_GFNI, KTLS_BC_AESNI, KTLS_BC_GENERIC };
	char name[64];

	gcry_check_version(NULL);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	for (int a = 0; a < 2; a++)
		for (int o = 0; o < NOPS; o++) {
			if (!oc[a][o])
				continue;
			ox[a][o] = EVP_CIPHER_CTX_new();
			EVP_EncryptInit_ex(ox[a][o], oc[a][o], NULL, key, iv);
			EVP_CIPHER_CTX_set_padding(ox[a][o], 0);
		}
	for (int o = 0; o < NOPS; o++) {
		gcry_cipher_open(&gc[o], GCRY_CIPHER_SM4, modes[o], 0);
		gcry_cipher_setkey(gc[o], key, 16);
	}
	bcs[0] = bc_sm4(&sm4);
	bcs[1] = bc_aria(&aria);

	printf("MB/s (1e6 bytes/s), single thread, thread CPU time (steadier than"
	       " wall clock\non a shared host); GCM/CCM = 13-byte AAD,"
	       " 12-byte IV/nonce, 16-byte tag;\nour GCM uses the test harness's"
	       " table GHASH (not the kernel's).\n\n");
	printf("%-30s %10s %10s %10s\n", "implementation", "64 B", "1 KiB", "16 KiB");
	for (int a = 0; a < 2; a++) {
		const char *cn = a ? "ARIA128" : "SM4";

		for (int o = 0; o < NOPS; o++) {
			if (a && o == CCM)
				continue;
			for (int im = 0; im < 3; im++) {
				if (ktls_bc_set_impl(impls[im]))
					continue;
				ktls_sm4_setkey(&sm4, key);
				ktls_aria_setkey(&aria, key, 16);
				bc_ghash_init(&bcs[0], &gh_sm4);
				bc_ghash_init(&bcs[1], &gh_aria);
				snprintf(name, sizeof(name), "%s-%s ktls %s", cn, ops[o],
					 ktls_bc_impl_name(impls[im]));
				row(name, 0, a, o);
			}
			if (!a) {
				snprintf(name, sizeof(name), "%s-%s libgcrypt %s", cn,
					 ops[o], gcry_check_version(NULL));
				row(name, 1, a, o);
			}
			if (ox[a][o]) {
				snprintf(name, sizeof(name), "%s-%s OpenSSL", cn, ops[o]);
				row(name, 2, a, o);
			}
		}
	}
	printf("(libgcrypt %s has no ARIA; OpenSSL 3.0 has no SM4-GCM/CCM)\n",
	       gcry_check_version(NULL));
	ktls_sm4_clear(&sm4);
	ktls_aria_clear(&aria);
	return 0;
}
