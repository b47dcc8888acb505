/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/* libktls internals: cipher rows, syscall wrappers, connection state. */
#ifndef KTLS_LIB_INTERNAL_H
#define KTLS_LIB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ktls/ktls.h"

#ifndef SOL_TLS
#define SOL_TLS 282
#endif
#ifndef TCP_ULP
#define TCP_ULP 31
#endif

#define KTLS_MAX_KEY	32
#define KTLS_MAX_SECRET	64
#define KTLS_MAX_INFO	64	/* >= every crypto_info struct */
#define KTLS_REC_MAX	16384
#define KTLS_DEFAULT_REKEY_AEAD	(1ull << 24)	/* RFC 8446 5.5 for AES */

#define CT_CCS		20
#define CT_ALERT	21
#define CT_HANDSHAKE	22
#define CT_APPDATA	23

#define HS_NEW_SESSION_TICKET	4
#define HS_FINISHED		20
#define HS_KEY_UPDATE		24

/* One row per kernel cipher: the public description plus layout. */
struct ktls_cipher_row {
	struct ktls_cipher_desc d;
	int nid;		/* OpenSSL cipher NID for TLS 1.2 lookup */
	size_t off_key, off_iv, off_salt, off_seq;
};

const struct ktls_cipher_row *ktls_row_by_type(uint16_t type);
const struct ktls_cipher_row *ktls_row_by_suite(uint16_t suite);
const struct ktls_cipher_row *ktls_row_by_nid(int nid);

/*
 * Fill a crypto_info for version (TLS_1_2_VERSION/TLS_1_3_VERSION).
 * fixed_iv: TLS 1.3 and ChaCha20: the 12-byte static IV; TLS 1.2 GCM/CCM:
 * the 4-byte implicit salt (the explicit nonce starts at seq).
 */
int ktls_info_build(const struct ktls_cipher_row *r, uint16_t version,
		    const uint8_t *key, size_t key_len,
		    const uint8_t *fixed_iv, size_t fixed_iv_len,
		    uint64_t seq, uint8_t info[KTLS_MAX_INFO]);

/* Syscall wrappers through the seam. */
int ksys_setsockopt(const struct ktls_sys *s, int fd, int lvl, int name,
		    const void *v, socklen_t l);
int ksys_getsockopt(const struct ktls_sys *s, int fd, int lvl, int name,
		    void *v, socklen_t *l);
ssize_t ksys_sendmsg(const struct ktls_sys *s, int fd,
		     const struct msghdr *m, int fl);
ssize_t ksys_recvmsg(const struct ktls_sys *s, int fd, struct msghdr *m,
		     int fl);
ssize_t ksys_sendfile(const struct ktls_sys *s, int out, int in, off_t *off,
		      size_t n);

/* ULP attach (idempotent) after checking the socket is established. */
int ktls_ulp_attach(const struct ktls_sys *s, int fd);
/* setsockopt(SOL_TLS, TLS_TX/TLS_RX) and wipe info.  Returns 0 or -errno. */
int ktls_info_install(const struct ktls_sys *s, int fd, unsigned int dir,
		      uint8_t info[KTLS_MAX_INFO], size_t len);

/* Per-SSL state gathered by the callbacks during the handshake. */
struct ktls_ssl_state {
	uint8_t secret[2][KTLS_MAX_SECRET];	/* [0] client, [1] server */
	size_t secret_len[2];
	uint64_t rec[2];			/* [0] read, [1] write */
	bool fin[2];
	bool key_update_seen;
	uint64_t peer_update_requests;		/* KeyUpdate(update_requested)
						 * read by OpenSSL */
};
struct ktls_ssl_state *ktls_ssl_state(SSL *ssl);

struct ktls_conn {
	SSL *ssl;
	int fd;
	struct ktls_sys sys;
	const struct ktls_cipher_row *cipher;
	uint16_t version;		/* TLS_1_x_VERSION */
	unsigned int kdirs;		/* directions in the kernel */
	const char *md;			/* TLS 1.3 hash name */
	size_t secret_len;
	uint8_t tx_secret[KTLS_MAX_SECRET], rx_secret[KTLS_MAX_SECRET];
	uint64_t tx_since_key, rekey_after;
	uint64_t updates_answered;	/* of peer_update_requests */
	uint8_t *pend;			/* plaintext drained from OpenSSL */
	size_t pend_len, pend_off;
	uint8_t *rbuf;			/* KTLS_REC_MAX + 256 */
	size_t rbuf_len, rbuf_off;	/* app data left in rbuf */
	uint8_t hs[4 + 65536];		/* partial handshake message */
	size_t hs_len;
	bool eof, closed_notify, tx_dead;
	int sticky;			/* errno once the connection failed */
	struct ktls_conn_stats st;
	char status[320];
	char err[256];
};

void ktls_set_err(struct ktls_conn *c, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* io.c: kernel-side record helpers used by handoff.c too. */
ssize_t ktls_send_record(struct ktls_conn *c, uint8_t type, const void *buf,
			 size_t len, int flags);

#endif /* KTLS_LIB_INTERNAL_H */
