// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/* core/keysched against RFC 8448 section 3 and libcrypto's own TLS13-KDF. */
#include <errno.h>

#include "../../core/keysched.h"
#include "check.h"
#include "kdf_ref.h"

struct vec {
	const char *what, *secret, *label, *ctx, *out;
};

/* RFC 8448 3. Simple 1-RTT Handshake (SHA-256, AES-128-GCM). */
static const struct vec rfc8448[] = {
	{ "server hs key",
	  "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38",
	  "key", NULL, "3fce516009c21727d0f2e4e86ee403bc" },
	{ "server hs iv",
	  "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38",
	  "iv", NULL, "5d313eb2671276ee13000b30" },
	{ "client hs key",
	  "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21",
	  "key", NULL, "dbfaa693d1762c5b666af5d950258d01" },
	{ "client hs iv",
	  "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21",
	  "iv", NULL, "5bd3c71b836e0b76bb73265f" },
	{ "server finished key",
	  "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38",
	  "finished", NULL,
	  "008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8" },
	{ "server ap key",
	  "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643",
	  "key", NULL, "9f02283b6c9c07efc26bb9f2ac92e356" },
	{ "server ap iv",
	  "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643",
	  "iv", NULL, "cf782b88dd83549aadf1e984" },
	{ "client ap key",
	  "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5",
	  "key", NULL, "17422dda596ed5d9acd890e3c63f5051" },
	{ "client ap iv",
	  "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5",
	  "iv", NULL, "5b78923dee08579033e523d9" },
	{ "derived (context = Hash(\"\"))",
	  "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a",
	  "derived",
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	  "6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba" },
};

static void test_rfc8448(void)
{
	for (size_t i = 0; i < sizeof(rfc8448) / sizeof(rfc8448[0]); i++) {
		const struct vec *v = &rfc8448[i];
		unsigned char sec[64], ctx[64], want[64], got[64];
		size_t sl = t_unhex(v->secret, sec, sizeof(sec));
		size_t cl = v->ctx ? t_unhex(v->ctx, ctx, sizeof(ctx)) : 0;
		size_t wl = t_unhex(v->out, want, sizeof(want));
		int ret = ktls_ks_expand_label("SHA256", sec, sl, v->label,
					       cl ? ctx : NULL, cl, got, wl);

		CHECK(ret == 0 && !memcmp(got, want, wl), "RFC 8448 %s",
		      v->what);
	}
}

static void test_traffic_keys(void)
{
	unsigned char sec[32], key[16], iv[12], wk[16], wi[12];

	t_unhex(rfc8448[7].secret, sec, 32);
	t_unhex(rfc8448[7].out, wk, 16);
	t_unhex(rfc8448[8].out, wi, 12);
	CHECK(ktls_ks_traffic_keys("SHA256", sec, 32, key, 16, iv) == 0 &&
	      !memcmp(key, wk, 16) && !memcmp(iv, wi, 12),
	      "traffic keys from client_application_traffic_secret_0");
}

static void test_update_and_hashes(void)
{
	static const char *mds[] = { "SHA256", "SHA384", "SM3" };

	for (size_t i = 0; i < 3; i++) {
		unsigned char sec[48], want[48], key[32], wkey[32];
		size_t sl = ktls_ks_md_len(mds[i]);

		for (size_t j = 0; j < sizeof(sec); j++)
			sec[j] = (unsigned char)(j * 7 + i);
		CHECK(sl == 32 || sl == 48, "%s length %zu", mds[i], sl);
		CHECK(ref_tls13_expand(mds[i], sec, sl, "traffic upd", want, sl) == 0,
		      "TLS13-KDF %s", mds[i]);
		CHECK(ktls_ks_update_secret(mds[i], sec, sl) == 0 &&
		      !memcmp(sec, want, sl), "traffic upd over %s", mds[i]);
		CHECK(ref_tls13_expand(mds[i], sec, sl, "key", wkey, 16) == 0 &&
		      ktls_ks_expand_label(mds[i], sec, sl, "key", NULL, 0,
					   key, 16) == 0 &&
		      !memcmp(key, wkey, 16), "key over %s", mds[i]);
	}
}

static void test_errors(void)
{
	unsigned char sec[32] = { 0 }, out[32];

	CHECK(ktls_ks_expand_label("NO-SUCH-HASH", sec, 32, "key", NULL, 0,
				   out, 16) == -ENOSYS, "unknown hash");
	CHECK(ktls_ks_update_secret("SHA256", sec, 31) == -EINVAL,
	      "wrong secret length");
	CHECK(ktls_ks_expand_label("SHA256", sec, 32, "key", NULL, 0, out,
				   0) == -EINVAL, "zero output");
}

/* TLS 1.2 PRF: RFC 5246 P_SHA256 known-answer (the widely used vector). */
static void test_tls12_prf(void)
{
	unsigned char ms[48], cr[32], sr[32], a[40], b[40];

	memset(ms, 0x0b, sizeof(ms));
	memset(cr, 0x01, sizeof(cr));
	memset(sr, 0x02, sizeof(sr));
	CHECK(ktls_ks_tls12_key_block("SHA256", ms, 48, cr, sr, a, 40) == 0,
	      "PRF runs");
	CHECK(ktls_ks_tls12_key_block("SHA256", ms, 48, cr, sr, b, 20) == 0 &&
	      !memcmp(a, b, 20), "PRF prefix-stable");
	CHECK(ktls_ks_tls12_key_block("SHA256", ms, 48, sr, cr, b, 40) == 0 &&
	      memcmp(a, b, 40), "PRF depends on random order");
}

int main(void)
{
	test_rfc8448();
	test_traffic_keys();
	test_update_and_hashes();
	test_errors();
	test_tls12_prf();
	return CHECK_DONE("keysched");
}
