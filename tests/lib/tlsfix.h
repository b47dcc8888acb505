/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/* Test fixture: an in-process OpenSSL client/server pair on a socketpair. */
#ifndef KTLS_TESTS_TLSFIX_H
#define KTLS_TESTS_TLSFIX_H

#include <stdbool.h>
#include <stdint.h>
#include <openssl/ssl.h>

struct tlsfix {
	SSL_CTX *sctx, *cctx;
	SSL *s, *c;
	int sfd, cfd;
};

/* What OpenSSL 3.0 negotiates with a kernel cipher: 1.2 rows, then 1.3. */
struct tlsfix_case {
	int ver;		/* TLS1_2_VERSION or TLS1_3_VERSION */
	const char *cipher;	/* cipher list (1.2) or suite (1.3) name */
	uint16_t ktype;		/* TLS_CIPHER_* */
};
#define TLSFIX_NCASES	8
extern const struct tlsfix_case tlsfix_cases[TLSFIX_NCASES];

/* version: TLS1_2_VERSION or TLS1_3_VERSION; cipher: suite or list name. */
int tlsfix_open(struct tlsfix *f, int version, const char *cipher);
void tlsfix_close(struct tlsfix *f);
/* Read exactly n bytes with SSL_read; returns bytes read. */
size_t tlsfix_read_n(SSL *ssl, unsigned char *buf, size_t n);

#endif /* KTLS_TESTS_TLSFIX_H */
