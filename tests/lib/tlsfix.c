// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/* In-process TLS pair with an ephemeral ECDSA P-256 certificate. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/tls.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ktls/ktls.h"
#include "tlsfix.h"

const struct tlsfix_case tlsfix_cases[TLSFIX_NCASES] = {
	{ TLS1_2_VERSION, "ECDHE-ECDSA-AES128-GCM-SHA256", TLS_CIPHER_AES_GCM_128 },
	{ TLS1_2_VERSION, "ECDHE-ECDSA-AES256-GCM-SHA384", TLS_CIPHER_AES_GCM_256 },
	{ TLS1_2_VERSION, "ECDHE-ECDSA-CHACHA20-POLY1305", TLS_CIPHER_CHACHA20_POLY1305 },
	{ TLS1_2_VERSION, "ECDHE-ECDSA-AES128-CCM", TLS_CIPHER_AES_CCM_128 },
	{ TLS1_3_VERSION, "TLS_AES_128_GCM_SHA256", TLS_CIPHER_AES_GCM_128 },
	{ TLS1_3_VERSION, "TLS_AES_256_GCM_SHA384", TLS_CIPHER_AES_GCM_256 },
	{ TLS1_3_VERSION, "TLS_CHACHA20_POLY1305_SHA256", TLS_CIPHER_CHACHA20_POLY1305 },
	{ TLS1_3_VERSION, "TLS_AES_128_CCM_SHA256", TLS_CIPHER_AES_CCM_128 },
};

static EVP_PKEY *fix_key;
static X509 *fix_cert;

static int make_cert(void)
{
	X509_NAME *n;

	if (fix_cert)
		return 0;
	fix_key = EVP_EC_gen("P-256");
	fix_cert = X509_new();
	if (!fix_key || !fix_cert)
		return -1;
	ASN1_INTEGER_set(X509_get_serialNumber(fix_cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(fix_cert), -60);
	X509_gmtime_adj(X509_getm_notAfter(fix_cert), 3600);
	X509_set_pubkey(fix_cert, fix_key);
	n = X509_get_subject_name(fix_cert);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
				   (const unsigned char *)"ktls-test", -1, -1, 0);
	X509_set_issuer_name(fix_cert, n);
	return X509_sign(fix_cert, fix_key, EVP_sha256()) > 0 ? 0 : -1;
}

static SSL_CTX *make_ctx(bool server, int version, const char *cipher)
{
	SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method()
					  : TLS_client_method());

	if (!ctx)
		return NULL;
	SSL_CTX_set_min_proto_version(ctx, version);
	SSL_CTX_set_max_proto_version(ctx, version);
	if (version == TLS1_3_VERSION)
		SSL_CTX_set_ciphersuites(ctx, cipher);
	else
		SSL_CTX_set_cipher_list(ctx, cipher);
	if (server) {
		SSL_CTX_use_certificate(ctx, fix_cert);
		SSL_CTX_use_PrivateKey(ctx, fix_key);
	}
	ktls_ctx_prepare(ctx);
	return ctx;
}

static void set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

int tlsfix_open(struct tlsfix *f, int version, const char *cipher)
{
	int fds[2], rs = 0, rc = 0;

	memset(f, 0, sizeof(*f));
	f->sfd = f->cfd = -1;
	if (make_cert() || socketpair(AF_UNIX, SOCK_STREAM, 0, fds))
		return -1;
	f->sfd = fds[0];
	f->cfd = fds[1];
	f->sctx = make_ctx(true, version, cipher);
	f->cctx = make_ctx(false, version, cipher);
	if (!f->sctx || !f->cctx)
		return -1;
	f->s = SSL_new(f->sctx);
	f->c = SSL_new(f->cctx);
	SSL_set_fd(f->s, f->sfd);
	SSL_set_fd(f->c, f->cfd);
	set_nonblock(f->sfd, true);
	set_nonblock(f->cfd, true);
	for (int i = 0; i < 1000 && (rs != 1 || rc != 1); i++) {
		if (rc != 1)
			rc = SSL_connect(f->c);
		if (rs != 1)
			rs = SSL_accept(f->s);
	}
	set_nonblock(f->sfd, false);
	set_nonblock(f->cfd, false);
	return rs == 1 && rc == 1 ? 0 : -1;
}

void tlsfix_close(struct tlsfix *f)
{
	SSL_free(f->s);
	SSL_free(f->c);
	SSL_CTX_free(f->sctx);
	SSL_CTX_free(f->cctx);
	if (f->sfd >= 0)
		close(f->sfd);
	if (f->cfd >= 0)
		close(f->cfd);
}

size_t tlsfix_read_n(SSL *ssl, unsigned char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		int r = SSL_read(ssl, buf + got, (int)(n - got));

		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}
