// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Helpers shared by `ktls` subcommands: TLS options, certificates, time. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "ktls-tool.h"

int parse_tls_version(const char *s, int *version)
{
	if (!strcmp(s, "1.2"))
		*version = TLS1_2_VERSION;
	else if (!strcmp(s, "1.3"))
		*version = TLS1_3_VERSION;
	else
		return -1;
	return 0;
}

int apply_tls_opts(SSL_CTX *ctx, const struct tls_opts *o, const char *cmd)
{
	int ok12 = 0, ok13 = 0;

	if (o->version) {
		SSL_CTX_set_min_proto_version(ctx, o->version);
		SSL_CTX_set_max_proto_version(ctx, o->version);
	} else {
		SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	}
	if (!o->cipher) {
		/* Offer every suite the kernel can take, CCM included. */
		SSL_CTX_set_ciphersuites(ctx, "TLS_AES_256_GCM_SHA384:"
					 "TLS_CHACHA20_POLY1305_SHA256:"
					 "TLS_AES_128_GCM_SHA256:"
					 "TLS_AES_128_CCM_SHA256");
		SSL_CTX_set_cipher_list(ctx, "AESGCM:CHACHA20:AESCCM:!aNULL:!eNULL:!PSK:!SRP:!AESCCM8:!DSS:!kRSA");
		return 0;
	}
	if (o->version != TLS1_2_VERSION)
		ok13 = SSL_CTX_set_ciphersuites(ctx, o->cipher);
	if (o->version != TLS1_3_VERSION)
		ok12 = SSL_CTX_set_cipher_list(ctx, o->cipher);
	ERR_clear_error();
	if (!ok12 && !ok13) {
		fprintf(stderr, "%s %s: Unknown cipher `%s' for this TLS version.\n",
			PROG_NAME, cmd, o->cipher);
		return -1;
	}
	if (!o->version)
		SSL_CTX_set_min_proto_version(ctx, ok13 ? TLS1_3_VERSION
							: TLS1_2_VERSION),
		SSL_CTX_set_max_proto_version(ctx, ok13 ? TLS1_3_VERSION
							: TLS1_2_VERSION);
	return 0;
}

static int add_ext(X509 *cert, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, cert, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	if (!ext)
		return 0;
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

int use_selfsigned_cert(SSL_CTX *ctx)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *cert = X509_new();
	X509_NAME *name;
	int ok = key && cert;

	if (ok) {
		ASN1_INTEGER_set(X509_get_serialNumber(cert), (long)time(NULL));
		X509_set_version(cert, 2);
		X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
		X509_gmtime_adj(X509_getm_notAfter(cert), 30L * 24 * 3600);
		X509_set_pubkey(cert, key);
		name = X509_get_subject_name(cert);
		X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					   (const unsigned char *)"localhost",
					   -1, -1, 0);
		X509_set_issuer_name(cert, name);
		ok = add_ext(cert, NID_subject_alt_name,
			     "DNS:localhost,IP:127.0.0.1,IP:::1") &&
		     X509_sign(cert, key, EVP_sha256()) > 0 &&
		     SSL_CTX_use_certificate(ctx, cert) == 1 &&
		     SSL_CTX_use_PrivateKey(ctx, key) == 1;
	}
	X509_free(cert);
	EVP_PKEY_free(key);
	return ok ? 0 : -1;
}

int parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *s == '\0' || *end || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (end == s)
		return -1;
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	if (*end || !v || v > (1ULL << 30))
		return -1;
	*out = v;
	return 0;
}

double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *ssl_err_string(void)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	return r ? r : "connection failed";
}

const char *tls_stat_path(void)
{
	static char path[64];
	const char *ulp = getenv("KTLS_ULP");

	if (ulp && *ulp && strlen(ulp) < 32) {
		snprintf(path, sizeof(path), "/proc/net/%s_stat", ulp);
		if (!access(path, R_OK))
			return path;
	}
	if (access("/proc/net/tls_stat", R_OK) && !access("/proc/net/ktls_stat", R_OK))
		return "/proc/net/ktls_stat";
	return "/proc/net/tls_stat";
}
