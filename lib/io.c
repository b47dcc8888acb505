// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/* Data path after the hand-off: send, sendfile, recv with control records,
 * KeyUpdate both ways, close_notify. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/tls.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "../core/keysched.h"
#include "internal.h"

#define ALERT_WARNING		1
#define ALERT_FATAL		2
#define ALERT_CLOSE_NOTIFY	0
#define ALERT_UNEXPECTED	10
#define ALERT_BAD_RECORD_MAC	20
#define ALERT_DECODE_ERROR	50
#define ALERT_INTERNAL		80
#define ALERT_USER_CANCELED	90

ssize_t ktls_send_record(struct ktls_conn *c, uint8_t type, const void *buf,
			 size_t len, int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(unsigned char))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	size_t done = 0;
	ssize_t n;

	if (type != CT_APPDATA) {
		memset(&cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = sizeof(cbuf.buf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_TLS;
		cm->cmsg_type = TLS_SET_RECORD_TYPE;
		cm->cmsg_len = CMSG_LEN(sizeof(unsigned char));
		*CMSG_DATA(cm) = type;
	}
	while (done < len) {
		iov.iov_base = (uint8_t *)buf + done;
		iov.iov_len = len - done;
		n = ksys_sendmsg(&c->sys, c->fd, &msg, MSG_NOSIGNAL | flags);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

static int fail(struct ktls_conn *c, int err)
{
	c->sticky = err;
	errno = err;
	return -1;
}

static void send_alert(struct ktls_conn *c, uint8_t level, uint8_t desc)
{
	uint8_t a[2] = { level, desc };

	if ((c->kdirs & KTLS_TX) && !c->tx_dead)
		ktls_send_record(c, CT_ALERT, a, sizeof(a), 0);
}

/* Derive the next secret for one direction and give it to the kernel. */
static int rekey_dir(struct ktls_conn *c, unsigned int dir)
{
	uint8_t *sec = dir == KTLS_TX ? c->tx_secret : c->rx_secret;
	uint8_t key[KTLS_MAX_KEY], iv[12], info[KTLS_MAX_INFO];
	int ret;

	ret = ktls_ks_update_secret(c->md, sec, c->secret_len);
	if (!ret)
		ret = ktls_ks_traffic_keys(c->md, sec, c->secret_len, key,
					   c->cipher->d.key_len, iv);
	if (!ret)
		ret = ktls_info_build(c->cipher, c->version, key,
				      c->cipher->d.key_len, iv, 12, 0, info);
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(iv, sizeof(iv));
	if (!ret)
		ret = ktls_info_install(&c->sys, c->fd, dir, info,
					c->cipher->d.info_len);
	if (!ret && dir == KTLS_TX)
		c->st.tx_rekeys++;
	if (!ret && dir == KTLS_RX)
		c->st.rx_rekeys++;
	return ret;
}

int ktls_key_update(struct ktls_conn *c, bool request)
{
	uint8_t msg[5] = { HS_KEY_UPDATE, 0, 0, 1, request ? 1 : 0 };
	int ret;

	if (c->sticky)
		return fail(c, c->sticky);
	if (c->version != TLS_1_3_VERSION) {
		ktls_set_err(c, EINVAL, "KeyUpdate exists only in TLS 1.3.");
		return -1;
	}
	if (!(c->kdirs & KTLS_TX)) {
		if (SSL_key_update(c->ssl, request ? SSL_KEY_UPDATE_REQUESTED :
				   SSL_KEY_UPDATE_NOT_REQUESTED) != 1 ||
		    SSL_do_handshake(c->ssl) != 1) {
			ktls_set_err(c, EPROTO, "OpenSSL could not send a KeyUpdate.");
			return fail(c, EPROTO);
		}
		c->st.tx_rekeys++;
		return 0;
	}
	if (ktls_send_record(c, CT_HANDSHAKE, msg, sizeof(msg), 0) < 0) {
		ktls_set_err(c, errno, "Unable to send a KeyUpdate: %s.",
			     strerror(errno));
		return fail(c, errno);
	}
	ret = rekey_dir(c, KTLS_TX);
	if (ret) {
		c->tx_dead = true;
		ktls_set_err(c, EOPNOTSUPP,
			     "The kernel refused the new TX key after our KeyUpdate (%s): %s.",
			     strerror(-ret), ktls_explain_errno(ret, false));
		return fail(c, EOPNOTSUPP);
	}
	c->tx_since_key = 0;
	return 0;
}

/*
 * How much may go out under the current TX key (TLS 1.3 AEAD limit, RFC 8446
 * 5.5): sends a KeyUpdate first when the budget is spent.  Records are
 * counted as full ones, so the count is an upper bound.
 */
static int tx_chunk(struct ktls_conn *c, size_t want, size_t *chunk)
{
	uint64_t left;

	*chunk = want;
	if (c->version != TLS_1_3_VERSION || c->rekey_after == UINT64_MAX)
		return 0;
	if (c->tx_since_key >= c->rekey_after && ktls_key_update(c, false) < 0)
		return -1;
	left = (c->rekey_after - c->tx_since_key) * KTLS_REC_MAX;
	if (want > left)
		*chunk = (size_t)left;
	return 0;
}

static void tx_account(struct ktls_conn *c, size_t n)
{
	uint64_t recs = (n + KTLS_REC_MAX - 1) / KTLS_REC_MAX;

	c->st.tx_records += recs;
	c->tx_since_key += recs;
}

static ssize_t kernel_send(struct ktls_conn *c, const uint8_t *buf, size_t len,
			   int flags)
{
	size_t done = 0, chunk;

	if (c->tx_dead)
		return fail(c, EPIPE);
	while (done < len) {
		if (tx_chunk(c, len - done, &chunk) < 0)
			return -1;
		if (ktls_send_record(c, CT_APPDATA, buf + done, chunk,
				     done + chunk < len ? 0 : flags) < 0)
			return done ? (ssize_t)done : -1;
		tx_account(c, chunk);
		done += chunk;
	}
	return (ssize_t)done;
}

static ssize_t kernel_sendfile(struct ktls_conn *c, int in_fd, off_t *off,
			       size_t count)
{
	size_t done = 0, chunk;
	ssize_t n;

	while (done < count) {
		if (tx_chunk(c, count - done, &chunk) < 0)
			return done ? (ssize_t)done : -1;
		n = ksys_sendfile(&c->sys, c->fd, in_fd, off, chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return done ? (ssize_t)done : -1;
		tx_account(c, (size_t)n);
		done += (size_t)n;
	}
	return (ssize_t)done;
}

ssize_t ktls_send(struct ktls_conn *c, const void *buf, size_t len)
{
	return ktls_send_ex(c, buf, len, 0);
}

ssize_t ktls_send_ex(struct ktls_conn *c, const void *buf, size_t len,
		     unsigned int flags)
{
	int n;

	if (c->sticky)
		return fail(c, c->sticky);
	if (c->kdirs & KTLS_TX)
		return kernel_send(c, buf, len,
				   flags & KTLS_SEND_MORE ? MSG_MORE : 0);
	if (len == 0)
		return 0;
	ERR_clear_error();
	n = SSL_write(c->ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len);
	if (n <= 0) {
		ktls_set_err(c, EPIPE, "SSL_write failed: %s.",
			     ERR_reason_error_string(ERR_peek_last_error()) ?:
			     strerror(errno));
		return fail(c, EPIPE);
	}
	c->st.tx_records += (n + KTLS_REC_MAX - 1) / KTLS_REC_MAX;
	return n;
}

ssize_t ktls_sendfile(struct ktls_conn *c, int in_fd, off_t *off,
		      size_t count)
{
	uint8_t buf[KTLS_REC_MAX];
	ssize_t n, done = 0;

	if (c->sticky)
		return fail(c, c->sticky);
	if (c->kdirs & KTLS_TX) {
		if (c->tx_dead)
			return fail(c, EPIPE);
		return kernel_sendfile(c, in_fd, off, count);
	}
	while ((size_t)done < count) {
		size_t want = count - (size_t)done;

		n = pread(in_fd, buf, want < sizeof(buf) ? want : sizeof(buf),
			  *off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (ktls_send(c, buf, (size_t)n) < 0)
			return done ? done : -1;
		*off += n;
		done += n;
	}
	return done;
}

int ktls_shutdown(struct ktls_conn *c)
{
	if (c->kdirs & KTLS_TX) {
		send_alert(c, ALERT_WARNING, ALERT_CLOSE_NOTIFY);
		return 0;
	}
	return SSL_shutdown(c->ssl) >= 0 ? 0 : -1;
}

static ssize_t take(uint8_t *src, size_t *off, size_t have, void *dst,
		    size_t len)
{
	size_t n = have - *off < len ? have - *off : len;

	memcpy(dst, src + *off, n);
	*off += n;
	return (ssize_t)n;
}

static int on_alert(struct ktls_conn *c, const uint8_t *a, size_t n)
{
	if (n != 2) {
		ktls_set_err(c, EPROTO, "The peer sent a malformed alert.");
		return fail(c, EPROTO);
	}
	if (a[1] == ALERT_CLOSE_NOTIFY) {
		c->eof = c->closed_notify = true;
		return 0;
	}
	/* TLS 1.2 warnings (and user_canceled) are not fatal. */
	if (a[1] == ALERT_USER_CANCELED ||
	    (c->version == TLS_1_2_VERSION && a[0] == ALERT_WARNING))
		return 0;
	ktls_set_err(c, EPROTO, "The peer sent alert %s (%u).",
		     SSL_alert_desc_string_long(a[1]), a[1]);
	return fail(c, EPROTO);
}

static int on_key_update(struct ktls_conn *c, const uint8_t *body, size_t n)
{
	int ret;

	if (n != 1 || body[0] > 1) {
		send_alert(c, ALERT_FATAL, ALERT_DECODE_ERROR);
		ktls_set_err(c, EPROTO, "The peer sent a malformed KeyUpdate.");
		return fail(c, EPROTO);
	}
	ret = rekey_dir(c, KTLS_RX);
	if (ret) {
		send_alert(c, ALERT_FATAL, ALERT_INTERNAL);
		ktls_set_err(c, EOPNOTSUPP,
			     "The peer sent a KeyUpdate but the kernel refused the new RX key (%s): %s; connection closed.",
			     strerror(-ret), ktls_explain_errno(ret, false));
		return fail(c, EOPNOTSUPP);
	}
	if (body[0] == 1)
		return ktls_key_update(c, false);
	return 0;
}

/* Process complete handshake messages accumulated in c->hs. */
static int on_handshake(struct ktls_conn *c, const uint8_t *p, size_t n)
{
	size_t off = 0;

	if (c->version != TLS_1_3_VERSION || c->hs_len + n > sizeof(c->hs)) {
		send_alert(c, ALERT_FATAL, ALERT_UNEXPECTED);
		ktls_set_err(c, EPROTO, "The peer sent an unexpected handshake message (renegotiation is not supported).");
		return fail(c, EPROTO);
	}
	memcpy(c->hs + c->hs_len, p, n);
	c->hs_len += n;
	while (c->hs_len - off >= 4) {
		const uint8_t *m = c->hs + off;
		size_t blen = (size_t)m[1] << 16 | m[2] << 8 | m[3];
		int ret = 0;

		if (c->hs_len - off < 4 + blen)
			break;
		if (m[0] == HS_NEW_SESSION_TICKET && !SSL_is_server(c->ssl)) {
			c->st.tickets++;
		} else if (m[0] == HS_KEY_UPDATE) {
			ret = on_key_update(c, m + 4, blen);
		} else {
			send_alert(c, ALERT_FATAL, ALERT_UNEXPECTED);
			ktls_set_err(c, EPROTO, "The peer sent handshake message %u after the handshake, which is not supported.",
				     m[0]);
			ret = fail(c, EPROTO);
		}
		if (ret)
			return ret;
		off += 4 + blen;
	}
	memmove(c->hs, c->hs + off, c->hs_len - off);
	c->hs_len -= off;
	return 0;
}

static int kernel_err(struct ktls_conn *c, int err)
{
	if (err == EAGAIN || err == EWOULDBLOCK || err == EINTR) {
		errno = err;
		return -1;
	}
	if (err == EBADMSG) {
		send_alert(c, ALERT_FATAL, ALERT_BAD_RECORD_MAC);
		ktls_set_err(c, err, "A record failed authentication (EBADMSG): the data was corrupted or forged; connection closed.");
	} else if (err == EKEYEXPIRED)
		ktls_set_err(c, err, "The kernel is waiting for a key after a KeyUpdate (EKEYEXPIRED).");
	else if (err == EMSGSIZE)
		ktls_set_err(c, err, "The peer sent an oversized record (EMSGSIZE); connection closed.");
	else
		ktls_set_err(c, err, "Kernel TLS receive failed: %s.",
			     strerror(err));
	return fail(c, err);
}

/* One recvmsg: returns bytes of app data (>0), 0 on EOF, 1-shot control
 * records are consumed and -2 returned so the caller loops. */
static ssize_t kernel_recv_once(struct ktls_conn *c, uint8_t *dst, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(unsigned char))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = dst, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf.buf, .msg_controllen = sizeof(cbuf.buf),
	};
	uint8_t type = CT_APPDATA;
	struct cmsghdr *cm;
	ssize_t n;

	n = ksys_recvmsg(&c->sys, c->fd, &msg, 0);
	if (n < 0)
		return kernel_err(c, errno);
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_TLS &&
		    cm->cmsg_type == TLS_GET_RECORD_TYPE)
			type = *CMSG_DATA(cm);
	if (n == 0) {
		c->eof = true;
		if (!c->closed_notify)
			ktls_set_err(c, 0, "The peer closed TCP without close_notify.");
		return 0;
	}
	c->st.rx_records++;
	if (type == CT_APPDATA)
		return n;
	if (type == CT_ALERT)
		return on_alert(c, dst, (size_t)n) ? -1 : -2;
	if (type == CT_HANDSHAKE)
		return on_handshake(c, dst, (size_t)n) ? -1 : -2;
	send_alert(c, ALERT_FATAL, ALERT_UNEXPECTED);
	ktls_set_err(c, EPROTO, "The peer sent a record of unknown type %u.",
		     type);
	return fail(c, EPROTO);
}

static ssize_t kernel_recv(struct ktls_conn *c, void *buf, size_t len)
{
	ssize_t n;

	for (;;) {
		if (c->rbuf_off < c->rbuf_len)
			return take(c->rbuf, &c->rbuf_off, c->rbuf_len, buf,
				    len);
		if (c->sticky)
			return fail(c, c->sticky);
		if (c->eof)
			return 0;
		if (len >= KTLS_REC_MAX) {
			n = kernel_recv_once(c, buf, len);
		} else {
			if (!c->rbuf && !(c->rbuf = malloc(KTLS_REC_MAX + 256)))
				return -1;
			n = kernel_recv_once(c, c->rbuf, KTLS_REC_MAX + 256);
			if (n > 0) {
				c->rbuf_len = (size_t)n;
				c->rbuf_off = 0;
				continue;
			}
		}
		if (n != -2)
			return n;
	}
}

/*
 * RX in OpenSSL, TX in the kernel: OpenSSL read a KeyUpdate asking us to
 * update, but it cannot write; answer through kernel TX before more data
 * (RFC 8446 4.6.3).
 */
static int answer_update_request(struct ktls_conn *c)
{
	struct ktls_ssl_state *st = ktls_ssl_state(c->ssl);

	if (!st || !(c->kdirs & KTLS_TX) ||
	    st->peer_update_requests == c->updates_answered)
		return 0;
	c->updates_answered = st->peer_update_requests;
	return ktls_key_update(c, false);
}

static ssize_t user_recv(struct ktls_conn *c, void *buf, size_t len)
{
	int n, e;

	ERR_clear_error();
	n = SSL_read(c->ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len);
	if (answer_update_request(c) < 0)
		return -1;
	if (n > 0) {
		c->st.rx_records++;
		return n;
	}
	e = SSL_get_error(c->ssl, n);
	if (e == SSL_ERROR_ZERO_RETURN) {
		c->eof = c->closed_notify = true;
		return 0;
	}
	if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
		if (n == 0 || errno == 0) {
			c->eof = true;
			ktls_set_err(c, 0, "The peer closed TCP without close_notify.");
			return 0;
		}
		ktls_set_err(c, errno, "Receive failed: %s.", strerror(errno));
		return fail(c, errno);
	}
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		errno = EAGAIN;
		return -1;
	}
	if (c->kdirs & KTLS_TX)
		ktls_set_err(c, EPROTO, "OpenSSL had to answer the peer (KeyUpdate?) while TX is in the kernel: %s.",
			     ERR_reason_error_string(ERR_peek_last_error()) ?:
			     "error");
	else
		ktls_set_err(c, EPROTO, "TLS receive failed: %s.",
			     ERR_reason_error_string(ERR_peek_last_error()) ?:
			     "error");
	return fail(c, EPROTO);
}

ssize_t ktls_recv(struct ktls_conn *c, void *buf, size_t len)
{
	if (c->pend_off < c->pend_len)
		return take(c->pend, &c->pend_off, c->pend_len, buf, len);
	if (len == 0)
		return 0;
	if (c->kdirs & KTLS_RX)
		return kernel_recv(c, buf, len);
	if (c->sticky)
		return fail(c, c->sticky);
	if (c->eof)
		return 0;
	return user_recv(c, buf, len);
}
