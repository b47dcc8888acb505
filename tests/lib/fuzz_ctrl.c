// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/* libFuzzer target: what kernel RX hands libktls after the hand-off (data,
 * alerts, NewSessionTicket, KeyUpdate, junk), through the syscall seam. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/tls.h>
#include <openssl/ssl.h>

#include "../../lib/internal.h"

struct feed {
	const uint8_t *p;
	size_t left;
};

/* Input: records as [type][len_hi][len_lo][bytes...]. */
static ssize_t f_recvmsg(void *priv, int fd, struct msghdr *m, int fl)
{
	struct feed *f = priv;
	struct cmsghdr *cm;
	size_t len;
	uint8_t type;

	(void)fd;
	(void)fl;
	if (f->left < 3)
		return 0;
	type = f->p[0];
	len = (size_t)f->p[1] << 8 | f->p[2];
	f->p += 3;
	f->left -= 3;
	if (len > f->left)
		len = f->left;
	if (len > m->msg_iov[0].iov_len)
		len = m->msg_iov[0].iov_len;
	if (type == 0xff) {		/* kernel error */
		errno = EBADMSG;
		return -1;
	}
	memcpy(m->msg_iov[0].iov_base, f->p, len);
	f->p += len;
	f->left -= len;
	if (m->msg_controllen >= CMSG_SPACE(1)) {
		cm = CMSG_FIRSTHDR(m);
		cm->cmsg_level = SOL_TLS;
		cm->cmsg_type = TLS_GET_RECORD_TYPE;
		cm->cmsg_len = CMSG_LEN(1);
		*CMSG_DATA(cm) = type;
	}
	return (ssize_t)len;
}

static int f_setsockopt(void *priv, int fd, int l, int n, const void *v,
			socklen_t len)
{
	(void)priv; (void)fd; (void)l; (void)n; (void)v; (void)len;
	return 0;
}

static ssize_t f_sendmsg(void *priv, int fd, const struct msghdr *m, int fl)
{
	size_t n = 0;

	(void)priv; (void)fd; (void)fl;
	for (size_t i = 0; i < m->msg_iovlen; i++)
		n += m->msg_iov[i].iov_len;
	return (ssize_t)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static SSL_CTX *ctx;
	struct feed f = { data + (size ? 1 : 0), size ? size - 1 : 0 };
	struct ktls_conn *c = calloc(1, sizeof(*c));
	uint8_t buf[100000];
	size_t want;

	if (!ctx)
		ctx = SSL_CTX_new(TLS_client_method());
	c->ssl = SSL_new(ctx);
	c->fd = -1;
	c->sys.recvmsg = f_recvmsg;
	c->sys.sendmsg = f_sendmsg;
	c->sys.setsockopt = f_setsockopt;
	c->sys.priv = &f;
	c->version = size && (data[0] & 1) ? TLS_1_2_VERSION : TLS_1_3_VERSION;
	c->cipher = ktls_row_by_type(TLS_CIPHER_AES_GCM_128);
	c->md = "SHA256";
	c->secret_len = 32;
	c->kdirs = KTLS_BOTH;
	c->rekey_after = UINT64_MAX;
	want = size && (data[0] & 2) ? 10 : sizeof(buf);
	for (int i = 0; i < 1000; i++)
		if (ktls_recv(c, buf, want) <= 0)
			break;
	SSL_free(c->ssl);
	c->ssl = NULL;
	ktls_conn_free(c);
	return 0;
}
