/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/* libktls: hand a finished OpenSSL handshake to kernel TLS, or say why not. */
#ifndef KTLS_KTLS_H
#define KTLS_KTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <openssl/ssl.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Syscall seam.  Every kernel interaction of the library goes through one of
 * these, so the hand-off logic is testable without a kernel.  Each returns
 * what the syscall returns (-1 and errno on failure).  A NULL struct (or NULL
 * member) means the real syscall.
 */
struct ktls_sys {
	int (*setsockopt)(void *priv, int fd, int level, int name,
			  const void *val, socklen_t len);
	int (*getsockopt)(void *priv, int fd, int level, int name,
			  void *val, socklen_t *len);
	ssize_t (*sendmsg)(void *priv, int fd, const struct msghdr *msg,
			   int flags);
	ssize_t (*recvmsg)(void *priv, int fd, struct msghdr *msg, int flags);
	ssize_t (*sendfile)(void *priv, int out_fd, int in_fd, off_t *off,
			    size_t count);
	void *priv;
};

/* Directions, usable as a mask. */
#define KTLS_TX		1u
#define KTLS_RX		2u
#define KTLS_BOTH	(KTLS_TX | KTLS_RX)

struct ktls_opts {
	const struct ktls_sys *sys;	/* NULL: real syscalls */
	unsigned int dirs;		/* directions to hand off (0 = both) */
	uint64_t tx_rekey_records;	/* TLS 1.3: KeyUpdate after N records
					 * sent (0 = library default,
					 * UINT64_MAX = never) */
	bool userspace_only;		/* never try the kernel */
};

struct ktls_conn;

/*
 * Call once per SSL_CTX before any handshake: installs the keylog and
 * message callbacks the hand-off needs (previous ones are chained), turns
 * read-ahead off, disables renegotiation and OpenSSL's own kTLS.
 * Returns 0 or -1 (OpenSSL error queue set).
 */
int ktls_ctx_prepare(SSL_CTX *ctx);

/*
 * After SSL_connect()/SSL_accept() succeeded on a connected TCP socket:
 * move the record layer to the kernel for the requested directions.  Never
 * fails for a kernel reason: a direction the kernel refuses stays in OpenSSL
 * and ktls_conn_status() says why.  Returns NULL only on allocation failure
 * or a misuse (no handshake, fd not a socket), with errno set.
 */
struct ktls_conn *ktls_conn_new(SSL *ssl, const struct ktls_opts *opts);
void ktls_conn_free(struct ktls_conn *c);	/* does not free ssl or close */

/* Which directions run in the kernel (mask of KTLS_TX/KTLS_RX). */
unsigned int ktls_conn_kernel_dirs(const struct ktls_conn *c);
/* One line: path per direction, version, cipher, and any fallback reason. */
const char *ktls_conn_status(const struct ktls_conn *c);
/* Last error as one sentence (valid until the next call on c). */
const char *ktls_conn_error(const struct ktls_conn *c);

/*
 * Data path, for blocking sockets (SO_RCVTIMEO/SO_SNDTIMEO are honoured:
 * a timeout returns -1 with EAGAIN).  Both paths behave alike: ktls_send() sends all of len or
 * fails; ktls_recv() returns >0 bytes, 0 on close_notify/EOF, -1 on error
 * (errno: EPROTO peer alert or bad record, EBADMSG authentication failure,
 * EOPNOTSUPP KeyUpdate the kernel can't follow, else the syscall's).
 */
ssize_t ktls_send(struct ktls_conn *c, const void *buf, size_t len);
/* As ktls_send(); KTLS_SEND_MORE: more data follows at once (MSG_MORE), so
 * the kernel may put it in the same record (e.g. HTTP head + body). */
#define KTLS_SEND_MORE	1u
ssize_t ktls_send_ex(struct ktls_conn *c, const void *buf, size_t len,
		     unsigned int flags);
ssize_t ktls_recv(struct ktls_conn *c, void *buf, size_t len);
/* sendfile(2) when TX is in the kernel, read()+SSL_write() otherwise. */
ssize_t ktls_sendfile(struct ktls_conn *c, int in_fd, off_t *off,
		      size_t count);
/* TLS 1.3 KeyUpdate now (request: ask the peer to update too). */
int ktls_key_update(struct ktls_conn *c, bool request);
/* Send close_notify. */
int ktls_shutdown(struct ktls_conn *c);

/* Counters, for tools and tests. */
struct ktls_conn_stats {
	uint64_t tx_records, rx_records;	/* since the hand-off */
	uint64_t tx_rekeys, rx_rekeys;
	uint64_t tickets;			/* NewSessionTicket consumed */
};
void ktls_conn_get_stats(const struct ktls_conn *c,
			 struct ktls_conn_stats *st);

/*
 * Library-agnostic entry: install one direction from raw material.  The
 * socket must be a connected TCP socket; the ULP is attached if needed.
 * Returns 0 or a negative errno (the one the kernel gave).  Secrets are
 * wiped from library memory; the caller wipes its own copies.
 */
/* TLS 1.3: IANA suite (0x1301.., 0x00C6 TLS_SM4_GCM_SM3, 0x00C7
 * TLS_SM4_CCM_SM3) and traffic secret. */
int ktls_install_tls13(const struct ktls_sys *sys, int fd, unsigned int dir,
		       uint16_t suite, const uint8_t *secret,
		       size_t secret_len, uint64_t seq);
/* TLS 1.2: kernel cipher type (TLS_CIPHER_*), write key, fixed IV (4 bytes
 * salt for GCM/CCM, 12 for ChaCha20), sequence number. */
int ktls_install_tls12(const struct ktls_sys *sys, int fd, unsigned int dir,
		       uint16_t cipher_type, const uint8_t *key,
		       size_t key_len, const uint8_t *iv, size_t iv_len,
		       uint64_t seq);

/* Either version from raw key material: version TLS_1_2_VERSION or
 * TLS_1_3_VERSION (0x0303/0x0304), kernel cipher type, write key, and iv as
 * for ktls_install_tls12() (TLS 1.3: the 12-byte IV from "iv"). */
int ktls_install_keys(const struct ktls_sys *sys, int fd, unsigned int dir,
		      uint16_t version, uint16_t cipher_type,
		      const uint8_t *key, size_t key_len, const uint8_t *iv,
		      size_t iv_len, uint64_t seq);

/* Cipher table introspection (for ktls check and tests). */
struct ktls_cipher_desc {
	const char *name;		/* "AES-128-GCM" */
	uint16_t kernel_type;		/* TLS_CIPHER_* */
	uint16_t tls13_suite;		/* IANA id, 0 if none */
	const char *tls13_hash;		/* "SHA256", ... */
	uint8_t key_len, salt_len, iv_len, tag_len;
	size_t info_len;		/* sizeof the crypto_info struct */
	const char *evp_name;		/* EVP AEAD name in libcrypto */
};
size_t ktls_cipher_count(void);
const struct ktls_cipher_desc *ktls_cipher_at(size_t i);
const struct ktls_cipher_desc *ktls_cipher_by_type(uint16_t kernel_type);
const struct ktls_cipher_desc *ktls_cipher_by_suite(uint16_t tls13_suite);

/* Explain an errno from TCP_ULP/TLS_TX/TLS_RX as one sentence with a fix. */
const char *ktls_explain_errno(int err, bool ulp);

#ifdef __cplusplus
}
#endif

#endif /* KTLS_KTLS_H */
