// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/* Hand-off: collect secrets and record counts from OpenSSL, install keys. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <linux/tls.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "../core/keysched.h"
#include "internal.h"

static int ssl_idx = -1, ctx_idx = -1;
static pthread_once_t idx_once = PTHREAD_ONCE_INIT;

struct ctx_chain {
	SSL_CTX_keylog_cb_func keylog;
	void (*msg)(int, int, int, const void *, size_t, SSL *, void *);
};

static void state_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
		       long argl, void *argp)
{
	(void)parent; (void)ad; (void)idx; (void)argl; (void)argp;
	if (ptr) {
		OPENSSL_cleanse(ptr, sizeof(struct ktls_ssl_state));
		free(ptr);
	}
}

static void chain_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
		       long argl, void *argp)
{
	(void)parent; (void)ad; (void)idx; (void)argl; (void)argp;
	free(ptr);
}

static void idx_init(void)
{
	ssl_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, state_free);
	ctx_idx = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, chain_free);
}

struct ktls_ssl_state *ktls_ssl_state(SSL *ssl)
{
	struct ktls_ssl_state *st;

	pthread_once(&idx_once, idx_init);
	st = SSL_get_ex_data(ssl, ssl_idx);
	if (!st) {
		st = calloc(1, sizeof(*st));
		if (st && !SSL_set_ex_data(ssl, ssl_idx, st)) {
			free(st);
			st = NULL;
		}
	}
	return st;
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Parse "LABEL <client_random> <secret>" for the application secrets. */
static void keylog_cb(const SSL *cssl, const char *line)
{
	static const char *labels[2] = { "CLIENT_TRAFFIC_SECRET_0 ",
					 "SERVER_TRAFFIC_SECRET_0 " };
	SSL *ssl = (SSL *)cssl;
	struct ctx_chain *ch = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl),
						   ctx_idx);
	struct ktls_ssl_state *st = ktls_ssl_state(ssl);
	const char *p, *sp;
	size_t n;

	for (int who = 0; st && who < 2; who++) {
		if (strncmp(line, labels[who], strlen(labels[who])))
			continue;
		sp = strchr(line + strlen(labels[who]), ' ');
		if (!sp)
			break;
		for (p = sp + 1, n = 0; n < KTLS_MAX_SECRET; n++, p += 2) {
			int hi = hexval(p[0]), lo = hi < 0 ? -1 : hexval(p[1]);

			if (hi < 0 || lo < 0)
				break;
			st->secret[who][n] = (uint8_t)(hi << 4 | lo);
		}
		st->secret_len[who] = n;
	}
	if (ch && ch->keylog)
		ch->keylog(cssl, line);
}

/*
 * Count records per direction after that direction's Finished: the header
 * callback runs when a record is built or read, the handshake callback after
 * its message, so rec[] ends up as the number of records since Finished.
 */
static void msg_cb(int write_p, int version, int type, const void *buf,
		   size_t len, SSL *ssl, void *arg)
{
	struct ctx_chain *ch = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl),
						   ctx_idx);
	struct ktls_ssl_state *st = ktls_ssl_state(ssl);
	const uint8_t *b = buf;
	int d = write_p ? 1 : 0;

	if (st && type == SSL3_RT_HEADER && st->fin[d])
		st->rec[d]++;
	if (st && type == SSL3_RT_HANDSHAKE && len >= 1) {
		if (b[0] == HS_FINISHED) {
			st->fin[d] = true;
			st->rec[d] = 0;
		} else if (b[0] == HS_KEY_UPDATE) {
			st->key_update_seen = true;
			if (!write_p && len >= 5 && b[4] == 1)
				st->peer_update_requests++;
		}
	}
	if (ch && ch->msg)
		ch->msg(write_p, version, type, buf, len, ssl, arg);
}

int ktls_ctx_prepare(SSL_CTX *ctx)
{
	struct ctx_chain *ch;

	pthread_once(&idx_once, idx_init);
	if (ssl_idx < 0 || ctx_idx < 0)
		return -1;
	ch = SSL_CTX_get_ex_data(ctx, ctx_idx);
	if (!ch) {
		ch = calloc(1, sizeof(*ch));
		if (!ch || !SSL_CTX_set_ex_data(ctx, ctx_idx, ch)) {
			free(ch);
			return -1;
		}
		if (SSL_CTX_get_keylog_callback(ctx) != keylog_cb)
			ch->keylog = SSL_CTX_get_keylog_callback(ctx);
	}
	SSL_CTX_set_keylog_callback(ctx, keylog_cb);
	SSL_CTX_set_msg_callback(ctx, msg_cb);
	SSL_CTX_set_read_ahead(ctx, 0);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
			    SSL_OP_NO_COMPRESSION);
	SSL_CTX_clear_options(ctx, SSL_OP_ENABLE_KTLS);
	SSL_CTX_set_mode(ctx, SSL_MODE_AUTO_RETRY);
	return 0;
}

void ktls_set_err(struct ktls_conn *c, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	errno = err;
}

/* A write BIO that fails: OpenSSL must never write once TX is in the
 * kernel (e.g. answering a KeyUpdate it read itself), or it would send
 * records with stale sequence numbers. */
static int failbio_write(BIO *b, const char *buf, int len)
{
	(void)b; (void)buf; (void)len;
	ERR_raise_data(ERR_LIB_SSL, ERR_R_INTERNAL_ERROR,
		       "ktls: TX is in the kernel, OpenSSL may not write");
	return -1;
}

static long failbio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	(void)b; (void)num; (void)ptr;
	return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static BIO_METHOD *failbio_meth;
static pthread_once_t failbio_once = PTHREAD_ONCE_INIT;

static void failbio_init(void)
{
	failbio_meth = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
				    "ktls-tx-in-kernel");
	if (failbio_meth) {
		BIO_meth_set_write(failbio_meth, failbio_write);
		BIO_meth_set_ctrl(failbio_meth, failbio_ctrl);
	}
}

static void ssl_block_writes(SSL *ssl)
{
	BIO *b;

	pthread_once(&failbio_once, failbio_init);
	if (!failbio_meth)
		return;
	b = BIO_new(failbio_meth);
	if (b) {
		BIO_set_init(b, 1);
		SSL_set0_wbio(ssl, b);
	}
}

/* Key material for one direction, ready for ktls_info_build(). */
struct dir_keys {
	uint8_t key[KTLS_MAX_KEY];
	uint8_t iv[12];
	size_t iv_len;
	uint64_t seq;
};

static int keys_tls13(struct ktls_conn *c, struct ktls_ssl_state *st,
		      unsigned int dir, struct dir_keys *k)
{
	bool server = SSL_is_server(c->ssl);
	int sender = (dir == KTLS_TX) == server ? 1 : 0;
	uint8_t *sec = dir == KTLS_TX ? c->tx_secret : c->rx_secret;

	if (st->secret_len[sender] != c->secret_len)
		return -ENOKEY;
	memcpy(sec, st->secret[sender], c->secret_len);
	k->iv_len = 12;
	k->seq = st->rec[dir == KTLS_TX ? 1 : 0];
	return ktls_ks_traffic_keys(c->md, sec, c->secret_len, k->key,
				    c->cipher->d.key_len, k->iv);
}

static int keys_tls12(struct ktls_conn *c, struct ktls_ssl_state *st,
		      unsigned int dir, struct dir_keys *k)
{
	const SSL_CIPHER *cs = SSL_get_current_cipher(c->ssl);
	const EVP_MD *md = SSL_CIPHER_get_handshake_digest(cs);
	uint8_t master[48], cr[32], sr[32], block[2 * (32 + 12)];
	size_t kl = c->cipher->d.key_len, mlen;
	bool client_side = (dir == KTLS_TX) != SSL_is_server(c->ssl);
	int ret;

	k->iv_len = c->cipher->d.kernel_type == TLS_CIPHER_CHACHA20_POLY1305 ?
		    12 : c->cipher->d.salt_len;
	mlen = SSL_SESSION_get_master_key(SSL_get_session(c->ssl), master,
					  sizeof(master));
	if (!md || mlen == 0 || SSL_get_client_random(c->ssl, cr, 32) != 32 ||
	    SSL_get_server_random(c->ssl, sr, 32) != 32)
		return -ENOKEY;
	/* AEAD suites: no MAC keys; client key, server key, client IV,
	 * server IV. */
	ret = ktls_ks_tls12_key_block(EVP_MD_get0_name(md), master, mlen, cr,
				      sr, block, 2 * (kl + k->iv_len));
	if (!ret) {
		memcpy(k->key, block + (client_side ? 0 : kl), kl);
		memcpy(k->iv, block + 2 * kl + (client_side ? 0 : k->iv_len),
		       k->iv_len);
		/* The Finished was record 0 in each direction. */
		k->seq = st->rec[dir == KTLS_TX ? 1 : 0] + 1;
	}
	OPENSSL_cleanse(master, sizeof(master));
	OPENSSL_cleanse(block, sizeof(block));
	return ret;
}

static int install_dir(struct ktls_conn *c, struct ktls_ssl_state *st,
		       unsigned int dir)
{
	struct dir_keys k;
	uint8_t info[KTLS_MAX_INFO];
	int ret;

	memset(&k, 0, sizeof(k));
	ret = c->version == TLS_1_3_VERSION ? keys_tls13(c, st, dir, &k)
					    : keys_tls12(c, st, dir, &k);
	if (!ret)
		ret = ktls_info_build(c->cipher, c->version, k.key,
				      c->cipher->d.key_len, k.iv, k.iv_len,
				      k.seq, info);
	OPENSSL_cleanse(&k, sizeof(k));
	if (ret)
		return ret;
	return ktls_info_install(&c->sys, c->fd, dir, info,
				 c->cipher->d.info_len);
}

/* Decide whether the negotiated session can go to the kernel at all. */
static const char *session_unsuitable(struct ktls_conn *c,
				      struct ktls_ssl_state *st)
{
	const SSL_CIPHER *cs = SSL_get_current_cipher(c->ssl);
	int v = SSL_version(c->ssl);
	SSL_SESSION *sess = SSL_get_session(c->ssl);

	if (v != TLS1_2_VERSION && v != TLS1_3_VERSION)
		return "the protocol version is not TLS 1.2 or 1.3";
	c->version = v == TLS1_3_VERSION ? TLS_1_3_VERSION : TLS_1_2_VERSION;
	if (!cs)
		return "no cipher was negotiated";
	if (v == TLS1_3_VERSION)
		c->cipher = ktls_row_by_suite(SSL_CIPHER_get_protocol_id(cs));
	else if (SSL_CIPHER_is_aead(cs) && !strstr(SSL_CIPHER_get_name(cs),
						     "CCM8"))
		c->cipher = ktls_row_by_nid(SSL_CIPHER_get_cipher_nid(cs));
	if (!c->cipher)
		return "the negotiated cipher has no kernel equivalent";
	if (sess && SSL_SESSION_get_max_fragment_length(sess) !=
		    TLSEXT_max_fragment_length_DISABLED)
		return "a max_fragment_length was negotiated, which kTLS ignores";
	if (!st)
		return "ktls_ctx_prepare() was not called before the handshake";
	if (!st->fin[0] && !st->fin[1])
		return "no handshake records were seen: call ktls_ctx_prepare() before SSL_new()";
	if (!st->fin[0] || !st->fin[1])
		return "the handshake has not finished in both directions";
	if (st->key_update_seen)
		return "a KeyUpdate happened before the hand-off";
	if (c->version == TLS_1_3_VERSION) {
		c->md = c->cipher->d.tls13_hash;
		c->secret_len = ktls_ks_md_len(c->md);
		if (!c->secret_len || !st->secret_len[0] || !st->secret_len[1])
			return "the TLS 1.3 traffic secrets were not captured (keylog callback replaced?)";
	}
	return NULL;
}

/* Move plaintext OpenSSL already decrypted into c->pend. */
static const char *drain_openssl(struct ktls_conn *c)
{
	int n;

	while (SSL_pending(c->ssl) > 0) {
		size_t want = (size_t)SSL_pending(c->ssl);
		uint8_t *p = realloc(c->pend, c->pend_len + want);

		if (!p)
			return "out of memory draining OpenSSL's buffer";
		c->pend = p;
		n = SSL_read(c->ssl, p + c->pend_len, (int)want);
		if (n <= 0)
			return "OpenSSL's buffered records could not be drained";
		c->pend_len += (size_t)n;
	}
	if (SSL_has_pending(c->ssl))
		return "OpenSSL holds unprocessed bytes (read_ahead on?)";
	return NULL;
}

static void status_line(struct ktls_conn *c, const char *why)
{
	const SSL_CIPHER *cs = SSL_get_current_cipher(c->ssl);

	snprintf(c->status, sizeof(c->status), "TX %s, RX %s, %s %s%s%s",
		 c->kdirs & KTLS_TX ? "kernel" : "userspace",
		 c->kdirs & KTLS_RX ? "kernel" : "userspace",
		 SSL_get_version(c->ssl), cs ? SSL_CIPHER_get_name(cs) : "?",
		 why ? ": " : "", why ? why : "");
}

static void handoff(struct ktls_conn *c, unsigned int dirs)
{
	struct ktls_ssl_state *st = ktls_ssl_state(c->ssl);
	char why[256];
	const char *bad = session_unsuitable(c, st);
	int ret = 0;

	if (!bad && (dirs & KTLS_RX))
		bad = drain_openssl(c);
	if (!bad) {
		ret = ktls_ulp_attach(&c->sys, c->fd);
		if (ret)
			bad = ktls_explain_errno(ret, true);
	}
	for (unsigned int d = KTLS_TX; !bad && d <= KTLS_RX; d <<= 1) {
		if (!(dirs & d))
			continue;
		ret = install_dir(c, st, d);
		if (ret) {
			snprintf(why, sizeof(why), "%s refused (%s): %s",
				 d == KTLS_TX ? "TLS_TX" : "TLS_RX",
				 strerror(-ret), ktls_explain_errno(ret, false));
			bad = why;
			break;
		}
		c->kdirs |= d;
	}
	if (c->kdirs & KTLS_TX)
		ssl_block_writes(c->ssl);
	if (st) {	/* the connection keeps what rekeying needs */
		OPENSSL_cleanse(st->secret, sizeof(st->secret));
		memset(st->secret_len, 0, sizeof(st->secret_len));
	}
	status_line(c, bad);
	if (bad && c->version == TLS_1_3_VERSION && (c->kdirs & KTLS_TX))
		c->rekey_after = UINT64_MAX;	/* half in OpenSSL: no rekey */
}

struct ktls_conn *ktls_conn_new(SSL *ssl, const struct ktls_opts *opts)
{
	struct ktls_conn *c;
	unsigned int dirs = opts && opts->dirs ? opts->dirs : KTLS_BOTH;

	if (!ssl || !SSL_is_init_finished(ssl)) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->ssl = ssl;
	c->fd = SSL_get_fd(ssl);
	if (opts && opts->sys)
		c->sys = *opts->sys;
	c->rekey_after = opts && opts->tx_rekey_records ?
			 opts->tx_rekey_records : KTLS_DEFAULT_REKEY_AEAD;
	if (opts && opts->userspace_only) {
		session_unsuitable(c, ktls_ssl_state(ssl));
		status_line(c, "kernel TLS disabled by the caller");
	} else if (c->fd < 0) {
		status_line(c, "the SSL is not bound to a socket descriptor");
	} else {
		handoff(c, dirs);
	}
	if (c->version == TLS_1_3_VERSION && c->cipher &&
	    c->cipher->d.kernel_type == TLS_CIPHER_CHACHA20_POLY1305 &&
	    !(opts && opts->tx_rekey_records))
		c->rekey_after = UINT64_MAX;	/* no practical AEAD limit */
	return c;
}

void ktls_conn_free(struct ktls_conn *c)
{
	if (!c)
		return;
	if (c->pend)
		OPENSSL_cleanse(c->pend, c->pend_len);
	free(c->pend);
	if (c->rbuf)
		OPENSSL_cleanse(c->rbuf, KTLS_REC_MAX + 256);
	free(c->rbuf);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

unsigned int ktls_conn_kernel_dirs(const struct ktls_conn *c)
{
	return c->kdirs;
}

const char *ktls_conn_status(const struct ktls_conn *c)
{
	return c->status;
}

const char *ktls_conn_error(const struct ktls_conn *c)
{
	return c->err[0] ? c->err : "no error";
}

void ktls_conn_get_stats(const struct ktls_conn *c,
			 struct ktls_conn_stats *st)
{
	*st = c->st;
}
