// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/* Fake kernel for libktls unit tests: records crypto_info, frames records
 * on a real socketpair with an independent EVP-based record layer. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <linux/tls.h>
#include <openssl/evp.h>

#include "fakek.h"
#include "fdio.h"

/* Parse with the uapi structs directly, independent of lib/cipher.c. */
#define TAKE(ST, KL, SL, IL)						\
	do {								\
		const struct ST *s = info;				\
		if (len != sizeof(*s))					\
			return -EINVAL;					\
		memcpy(d->key, s->key, KL);				\
		memcpy(d->nonce, s->salt, SL);				\
		memcpy(d->nonce + SL, s->iv, IL);			\
		memcpy(d->expl, s->iv, IL < 8 ? IL : 8);		\
		seq = s->rec_seq;					\
		d->key_len = KL;					\
	} while (0)

int ref_from_info(struct ref_dir *d, const void *info, size_t len)
{
	const struct tls_crypto_info *ci = info;
	const unsigned char *seq = NULL;

	switch (ci->cipher_type) {
	case TLS_CIPHER_AES_GCM_128:
		TAKE(tls12_crypto_info_aes_gcm_128, 16, 4, 8);
		break;
	case TLS_CIPHER_AES_GCM_256:
		TAKE(tls12_crypto_info_aes_gcm_256, 32, 4, 8);
		break;
	case TLS_CIPHER_AES_CCM_128:
		TAKE(tls12_crypto_info_aes_ccm_128, 16, 4, 8);
		break;
	case TLS_CIPHER_CHACHA20_POLY1305:
		TAKE(tls12_crypto_info_chacha20_poly1305, 32, 0, 12);
		break;
	case TLS_CIPHER_SM4_GCM:
		TAKE(tls12_crypto_info_sm4_gcm, 16, 4, 8);
		break;
	case TLS_CIPHER_SM4_CCM:
		TAKE(tls12_crypto_info_sm4_ccm, 16, 4, 8);
		break;
	default:
		return -EINVAL;
	}
	if (ci->version != TLS_1_2_VERSION && ci->version != TLS_1_3_VERSION)
		return -EINVAL;
	d->version = ci->version;
	d->type = ci->cipher_type;
	d->seq = 0;
	for (int i = 0; i < 8; i++)
		d->seq = d->seq << 8 | seq[i];
	memcpy(d->info, info, len);
	d->set = true;
	return 0;
}

static const EVP_CIPHER *ref_cipher(uint16_t type)
{
	switch (type) {
	case TLS_CIPHER_AES_GCM_128: return EVP_aes_128_gcm();
	case TLS_CIPHER_AES_GCM_256: return EVP_aes_256_gcm();
	case TLS_CIPHER_AES_CCM_128: return EVP_aes_128_ccm();
	case TLS_CIPHER_CHACHA20_POLY1305: return EVP_chacha20_poly1305();
	default: return NULL;
	}
}

static bool tls12_explicit(const struct ref_dir *d)
{
	return d->version == TLS_1_2_VERSION &&
	       d->type != TLS_CIPHER_CHACHA20_POLY1305;
}

static void ref_nonce(const struct ref_dir *d, const uint8_t *expl,
		      uint8_t n[12])
{
	memcpy(n, d->nonce, 12);
	if (tls12_explicit(d)) {
		memcpy(n + 4, expl, 8);
		return;
	}
	for (int i = 0; i < 8; i++)
		n[4 + i] ^= (uint8_t)(d->seq >> (56 - 8 * i));
}

static void put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* One AEAD operation; tag is read (dec) or written (enc). */
static int aead(const struct ref_dir *d, bool enc, const uint8_t nonce[12],
		const uint8_t *aad, size_t aad_len, const uint8_t *in,
		size_t len, uint8_t *out, uint8_t *tag)
{
	const EVP_CIPHER *c = ref_cipher(d->type);
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	bool ccm = d->type == TLS_CIPHER_AES_CCM_128;
	int ol, ok = c && x;

	ok = ok && EVP_CipherInit_ex(x, c, NULL, NULL, NULL, enc);
	ok = ok && EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL);
	if (ccm)
		ok = ok && EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, 16,
					       enc ? NULL : tag);
	ok = ok && EVP_CipherInit_ex(x, NULL, NULL, d->key, nonce, enc);
	if (ccm)
		ok = ok && EVP_CipherUpdate(x, NULL, &ol, NULL, (int)len);
	else if (!enc)
		ok = ok && EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, 16,
					       tag);
	ok = ok && EVP_CipherUpdate(x, NULL, &ol, aad, (int)aad_len);
	ok = ok && (len == 0 && ccm ? 1 :
		    EVP_CipherUpdate(x, out, &ol, in, (int)len));
	if (!ccm || enc)
		ok = ok && EVP_CipherFinal_ex(x, out + len, &ol);
	if (enc)
		ok = ok && EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, 16,
					       tag);
	EVP_CIPHER_CTX_free(x);
	return ok ? 0 : -1;
}

int ref_seal(struct ref_dir *d, uint8_t type, const uint8_t *pt, size_t len,
	     uint8_t *out)
{
	uint8_t nonce[12], aad[13], inner[16384 + 1];
	size_t hdr = 5 + (tls12_explicit(d) ? 8 : 0), clen, aad_len;
	bool v13 = d->version == TLS_1_3_VERSION;

	ref_nonce(d, d->expl, nonce);
	memcpy(inner, pt, len);
	if (v13)
		inner[len++] = type;
	clen = len + 16;
	out[0] = v13 ? 23 : type;
	out[1] = 3;
	out[2] = 3;
	put16(out + 3, hdr - 5 + clen);
	if (tls12_explicit(d))
		memcpy(out + 5, d->expl, 8);
	if (v13) {
		memcpy(aad, out, 5);
		aad_len = 5;
	} else {
		for (int i = 0; i < 8; i++)
			aad[i] = (uint8_t)(d->seq >> (56 - 8 * i));
		aad[8] = type;
		aad[9] = 3;
		aad[10] = 3;
		put16(aad + 11, len);
		aad_len = 13;
	}
	if (aead(d, true, nonce, aad, aad_len, inner, len, out + hdr,
		 out + hdr + len))
		return -1;
	d->seq++;
	for (int i = 7; i >= 0 && ++d->expl[i] == 0; i--)
		;
	return (int)(hdr + clen);
}

int ref_open(struct ref_dir *d, const uint8_t *rec, size_t len,
	     uint8_t *type, uint8_t *pt)
{
	size_t hdr = 5 + (tls12_explicit(d) ? 8 : 0), clen, aad_len;
	bool v13 = d->version == TLS_1_3_VERSION;
	uint8_t nonce[12], aad[13];

	if (len < hdr + 16)
		return -1;
	clen = len - hdr - 16;
	ref_nonce(d, rec + 5, nonce);
	if (v13) {
		memcpy(aad, rec, 5);
		aad_len = 5;
	} else {
		for (int i = 0; i < 8; i++)
			aad[i] = (uint8_t)(d->seq >> (56 - 8 * i));
		aad[8] = rec[0];
		aad[9] = 3;
		aad[10] = 3;
		put16(aad + 11, clen);
		aad_len = 13;
	}
	if (aead(d, false, nonce, aad, aad_len, rec + hdr, clen, pt,
		 (uint8_t *)rec + hdr + clen))
		return -1;
	d->seq++;
	*type = rec[0];
	if (v13) {
		while (clen > 0 && pt[clen - 1] == 0)
			clen--;
		if (clen == 0)
			return -1;
		*type = pt[--clen];
	}
	return (int)clen;
}

static int f_setsockopt(void *priv, int fd, int level, int name,
			const void *val, socklen_t len)
{
	struct fakek *k = priv;
	struct ref_dir *d;

	(void)fd;
	if (level == IPPROTO_TCP && name == TCP_ULP) {
		if (k->no_ulp) {
			errno = ENOENT;
			return -1;
		}
		if (k->ulp) {
			errno = EEXIST;
			return -1;
		}
		k->ulp = len >= 3 && !memcmp(val, "tls", 3);
		return 0;
	}
	if (level != SOL_TLS || (name != TLS_TX && name != TLS_RX)) {
		errno = ENOPROTOOPT;
		return -1;
	}
	if (!k->ulp) {
		errno = ENOPROTOOPT;
		return -1;
	}
	d = name == TLS_TX ? &k->tx : &k->rx;
	if (d->set && (!k->allow_rekey || d->version != TLS_1_3_VERSION)) {
		errno = EBUSY;
		return -1;
	}
	if (k->refuse_cipher || ref_from_info(d, val, len)) {
		errno = EINVAL;
		return -1;
	}
	d->installs++;
	return 0;
}

static int f_getsockopt(void *priv, int fd, int level, int name, void *val,
			socklen_t *len)
{
	struct fakek *k = priv;

	(void)fd;
	if (level == IPPROTO_TCP && name == TCP_INFO) {
		struct tcp_info *ti = val;

		memset(ti, 0, *len);
		ti->tcpi_state = k->not_established ? TCP_SYN_SENT
						    : TCP_ESTABLISHED;
		return 0;
	}
	if (level == IPPROTO_TCP && name == TCP_ULP) {
		*len = k->ulp ? 3 : 0;
		memcpy(val, "tls", *len);
		return 0;
	}
	errno = ENOPROTOOPT;
	return -1;
}

static ssize_t f_sendmsg(void *priv, int fd, const struct msghdr *msg,
			 int flags)
{
	struct fakek *k = priv;
	uint8_t type = 23, rec[16384 + 64];
	struct cmsghdr *cm;
	size_t total = 0;

	if (!k->tx.set)
		return sendmsg(fd, msg, flags);
	for (cm = CMSG_FIRSTHDR((struct msghdr *)msg); cm;
	     cm = CMSG_NXTHDR((struct msghdr *)msg, cm))
		if (cm->cmsg_level == SOL_TLS &&
		    cm->cmsg_type == TLS_SET_RECORD_TYPE)
			type = *CMSG_DATA(cm);
	for (size_t i = 0; i < msg->msg_iovlen; i++) {
		const uint8_t *p = msg->msg_iov[i].iov_base;
		size_t left = msg->msg_iov[i].iov_len;

		while (left) {
			size_t n = left < 16384 ? left : 16384;
			int r = ref_seal(&k->tx, type, p, n, rec);

			if (r > 0 && k->corrupt_tx_next) {
				rec[r - 1] ^= 1;
				k->corrupt_tx_next = false;
			}
			if (r < 0 || fd_write_all(fd, rec, (size_t)r)) {
				errno = EIO;
				return -1;
			}
			p += n;
			left -= n;
			total += n;
		}
	}
	return (ssize_t)total;
}

static int fill_record(struct fakek *k, int fd)
{
	uint8_t rec[16384 + 256 + 5];
	size_t len;
	int r;

	r = fd_read_all(fd, rec, 5);
	if (r <= 0)
		return r;
	len = (size_t)rec[3] << 8 | rec[4];
	if (len > sizeof(rec) - 5) {
		errno = EMSGSIZE;
		return -1;
	}
	if (fd_read_all(fd, rec + 5, len) <= 0) {
		errno = EIO;
		return -1;
	}
	if (k->corrupt_next) {
		rec[5 + len / 2] ^= 1;
		k->corrupt_next = false;
	}
	r = ref_open(&k->rx, rec, len + 5, &k->pend_type, k->pend);
	if (r < 0) {
		errno = EBADMSG;
		return -1;
	}
	k->pend_len = (size_t)r;
	k->pend_off = 0;
	return 1;
}

static ssize_t f_recvmsg(void *priv, int fd, struct msghdr *msg, int flags)
{
	struct fakek *k = priv;
	struct cmsghdr *cm;
	size_t n;
	int r;

	if (!k->rx.set)
		return recvmsg(fd, msg, flags);
	if (k->pend_off >= k->pend_len) {
		do {
			r = fill_record(k, fd);
		} while (r > 0 && k->pend_len == 0 && k->pend_type == 23);
		if (r <= 0)
			return r;
	}
	if (msg->msg_controllen < CMSG_SPACE(1)) {
		if (k->pend_type != 23) {
			errno = EIO;
			return -1;
		}
	} else {
		cm = CMSG_FIRSTHDR(msg);
		cm->cmsg_level = SOL_TLS;
		cm->cmsg_type = TLS_GET_RECORD_TYPE;
		cm->cmsg_len = CMSG_LEN(1);
		*CMSG_DATA(cm) = k->pend_type;
		msg->msg_controllen = CMSG_SPACE(1);
	}
	n = k->pend_len - k->pend_off;
	if (n > msg->msg_iov[0].iov_len)
		n = msg->msg_iov[0].iov_len;
	memcpy(msg->msg_iov[0].iov_base, k->pend + k->pend_off, n);
	k->pend_off += n;
	return (ssize_t)n;
}

static ssize_t f_sendfile(void *priv, int out, int in, off_t *off, size_t n)
{
	uint8_t buf[16384];
	struct iovec iov = { .iov_base = buf };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t r = pread(in, buf, n < sizeof(buf) ? n : sizeof(buf), *off);

	if (r <= 0)
		return r;
	iov.iov_len = (size_t)r;
	r = f_sendmsg(priv, out, &msg, 0);
	if (r > 0)
		*off += r;
	return r;
}

void fakek_init(struct fakek *k, int fd)
{
	memset(k, 0, sizeof(*k));
	k->fd = fd;
	k->sys.setsockopt = f_setsockopt;
	k->sys.getsockopt = f_getsockopt;
	k->sys.sendmsg = f_sendmsg;
	k->sys.recvmsg = f_recvmsg;
	k->sys.sendfile = f_sendfile;
	k->sys.priv = k;
}
