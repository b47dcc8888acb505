/* SPDX-License-Identifier: GPL-2.0 */
/* net_util.h - sockets and kTLS set-up shared by the guest test programs. */
/*
 * Header-only on purpose: tests/vm/Makefile turns every .c in this folder into
 * its own program (ksft_filter.c, the harness wrapper, aside). Include after
 * peer_ref.h.
 *
 *   the reference cipher table, loopback TCP pairs (IPv4 or IPv6), socket
 *   timeouts, TCP sockets allocated (sockstat), record types as cmsgs, the
 *   crypto_info of a struct ref_dir,
 *   the ULP name of the module under test and its counters file.
 */
#ifndef KTLS_NET_UTIL_H
#define KTLS_NET_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <linux/tls.h>

/* ------------------------------------------------------------ ciphers */

/* Indexes into guest_ciphers; the first GC_STOCK are in every kernel. */
enum guest_cipher {
	GC_AES_GCM_128, GC_AES_GCM_256, GC_AES_CCM_128, GC_CHACHA,
	GC_SM4_GCM, GC_SM4_CCM, GC_ARIA_GCM_128, GC_ARIA_GCM_256,
	GC_COUNT
};
#define GC_STOCK	GC_SM4_GCM

/*
 * OpenSSL 3.0 has SM4 only as a block cipher: SM4-GCM/CCM are the
 * reference's own GCM and CCM over EVP SM4-ECB.
 */
static const struct ref_cipher guest_ciphers[GC_COUNT] = {
	[GC_AES_GCM_128] = { TLS_CIPHER_AES_GCM_128, 16, 4, 8, REF_EVP_GCM,
			     "AES-128-GCM" },
	[GC_AES_GCM_256] = { TLS_CIPHER_AES_GCM_256, 32, 4, 8, REF_EVP_GCM,
			     "AES-256-GCM" },
	[GC_AES_CCM_128] = { TLS_CIPHER_AES_CCM_128, 16, 4, 8, REF_EVP_CCM,
			     "AES-128-CCM" },
	[GC_CHACHA] = { TLS_CIPHER_CHACHA20_POLY1305, 32, 0, 12,
			REF_EVP_CHACHA, "ChaCha20-Poly1305" },
	[GC_SM4_GCM] = { TLS_CIPHER_SM4_GCM, 16, 4, 8, REF_ECB_GCM, "SM4-ECB" },
	[GC_SM4_CCM] = { TLS_CIPHER_SM4_CCM, 16, 4, 8, REF_ECB_CCM, "SM4-ECB" },
	[GC_ARIA_GCM_128] = { TLS_CIPHER_ARIA_GCM_128, 16, 4, 8, REF_EVP_GCM,
			      "ARIA-128-GCM" },
	[GC_ARIA_GCM_256] = { TLS_CIPHER_ARIA_GCM_256, 32, 4, 8, REF_EVP_GCM,
			      "ARIA-256-GCM" },
};

static inline const struct ref_cipher *cipher_by_type(uint16_t type)
{
	size_t i;

	for (i = 0; i < GC_COUNT; i++)
		if (guest_ciphers[i].type == type)
			return &guest_ciphers[i];
	return NULL;
}

/* LEN random bytes into P (keys, IVs, payloads); aborts if none come. */
static inline void rnd(void *p, size_t len)
{
	uint8_t *b = p;
	ssize_t n;

	while (len) {
		n = getrandom(b, len, 0);
		if (n <= 0)
			abort();
		b += n;
		len -= n;
	}
}

/* ------------------------------------------------------------ sockets */

/* A connected loopback TCP pair of FAMILY (AF_INET or AF_INET6); 0 or -1. */
static inline int loopback_pair(int family, int *a, int *b)
{
	struct sockaddr_storage ss = { .ss_family = family };
	struct sockaddr_in6 *s6 = (void *)&ss;
	struct sockaddr_in *s4 = (void *)&ss;
	socklen_t sl = family == AF_INET6 ? sizeof(*s6) : sizeof(*s4);
	int l, one = 1;

	if (family == AF_INET6)
		s6->sin6_addr = in6addr_loopback;
	else
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	*a = *b = -1;
	l = socket(family, SOCK_STREAM, 0);
	if (l < 0)
		return -1;
	if (setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(l, (void *)&ss, sl) || listen(l, 1) ||
	    getsockname(l, (void *)&ss, &sl))
		goto fail;
	*a = socket(family, SOCK_STREAM, 0);
	if (*a < 0 || connect(*a, (void *)&ss, sl))
		goto fail;
	*b = accept(l, NULL, NULL);
	if (*b < 0)
		goto fail;
	close(l);
	return 0;
fail:
	if (*a >= 0)
		close(*a);
	*a = -1;
	close(l);
	return -1;
}

static inline int set_rcv_timeout(int fd, int secs)
{
	struct timeval tv = { .tv_sec = secs };

	return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* SO_RCVTIMEO and SO_SNDTIMEO. */
static inline int set_timeouts(int fd, int secs)
{
	struct timeval tv = { .tv_sec = secs };

	if (set_rcv_timeout(fd, secs))
		return -1;
	return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* TCP sockets allocated in this netns (/proc/net/sockstat "alloc"). */
static inline long tcp_alloc(void)
{
	FILE *f = fopen("/proc/net/sockstat", "r");
	char line[256];
	long n = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "TCP: inuse %*d orphan %*d tw %*d alloc %ld",
			   &n) == 1)
			break;
	fclose(f);
	return n;
}

/* recvmsg with room for a TLS_GET_RECORD_TYPE cmsg; *type = -1 if none. */
static inline ssize_t recv_type(int fd, void *buf, size_t len, int flags,
				int *type)
{
	char cbuf[CMSG_SPACE(1)];
	struct iovec iov = { buf, len };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	ssize_t n;

	*type = -1;
	n = recvmsg(fd, &m, flags);
	if (n < 0)
		return n;
	for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
		if (cm->cmsg_level == SOL_TLS &&
		    cm->cmsg_type == TLS_GET_RECORD_TYPE)
			*type = *CMSG_DATA(cm);
	return n;
}

/* sendmsg of one record of TYPE (TLS_SET_RECORD_TYPE). */
static inline ssize_t send_type(int fd, uint8_t type, const void *buf,
				size_t len)
{
	char cbuf[CMSG_SPACE(1)] = { 0 };
	struct iovec iov = { (void *)buf, len };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = CMSG_SPACE(1),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_TLS;
	cm->cmsg_type = TLS_SET_RECORD_TYPE;
	cm->cmsg_len = CMSG_LEN(1);
	*CMSG_DATA(cm) = type;
	m.msg_controllen = cm->cmsg_len;
	return sendmsg(fd, &m, 0);
}

/* ------------------------------------------------------ test modules */

/* finit_module(2) of the module file PATH with PARAMS: 0, or -1 (errno). */
static inline int kmod_insert(const char *path, const char *params)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc, err;

	if (fd < 0)
		return -1;
	rc = syscall(__NR_finit_module, fd, params, 0);
	err = errno;
	close(fd);
	errno = err;
	return rc;
}

/* PATH loaded, by this call or before it (EEXIST): 0, or -1 (errno). */
static inline int kmod_load_once(const char *path)
{
	return kmod_insert(path, "") && errno != EEXIST ? -1 : 0;
}

/*
 * delete_module(2) of NAME, retried for up to SECS while it is in use
 * (sockets that just closed still hold it): 0, or -1 (errno).
 */
static inline int kmod_unload(const char *name, int secs)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (!syscall(__NR_delete_module, name, O_NONBLOCK))
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (errno != EWOULDBLOCK || (t.tv_sec - t0.tv_sec) +
		    (t.tv_nsec - t0.tv_nsec) / 1e9 > secs)
			return -1;
		usleep(20000);
	}
}

/* ------------------------------------------------------------ kTLS */

/*
 * The crypto_info (uapi layout: version, cipher, iv, key, salt, rec_seq)
 * of D as it is now, into CI (64 bytes); returns its length.
 */
static inline size_t ref_dir_crypto_info(const struct ref_dir *d,
					 uint8_t *ci)
{
	const struct ref_cipher *c = d->c;
	size_t off = 4;

	memcpy(ci, &d->version, 2);
	memcpy(ci + 2, &c->type, 2);
	memcpy(ci + off, d->iv, c->iv_len);
	off += c->iv_len;
	memcpy(ci + off, d->key, c->key_len);
	off += c->key_len;
	memcpy(ci + off, d->salt, c->salt_len);
	off += c->salt_len;
	ref_be64(ci + off, d->seq);
	return off + 8;
}

/* ULP name of the module under test: its ulp_name parameter, or "tls". */
static inline void ulp_name(char *buf, size_t len)
{
	FILE *f = NULL;
	DIR *d = opendir("/sys/module");
	struct dirent *e;
	char p[512];

	snprintf(buf, len, "tls");
	while (d && (e = readdir(d))) {
		snprintf(p, sizeof(p), "/sys/module/%s/parameters/ulp_name",
			 e->d_name);
		f = fopen(p, "r");
		if (f)
			break;
	}
	if (d)
		closedir(d);
	if (!f)
		return;
	if (fgets(buf, len, f))
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

/* Path of the counters file (/proc/net/<ulp>_stat); 0 or -1. */
static inline int stat_path(char *buf, size_t len)
{
	char ulp[64];

	ulp_name(ulp, sizeof(ulp));
	snprintf(buf, len, "/proc/net/%s_stat", ulp);
	return access(buf, R_OK);
}

/* Counter NAME of the module under test, -1 if absent. */
static inline long stat_value(const char *name)
{
	char path[128], key[64];
	long v;
	FILE *f;

	if (stat_path(path, sizeof(path)))
		return -1;
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &v) == 2)
		if (!strcmp(key, name)) {
			fclose(f);
			return v;
		}
	fclose(f);
	return -1;
}

#endif /* KTLS_NET_UTIL_H */
