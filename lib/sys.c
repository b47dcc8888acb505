// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/* The syscall seam, ULP attach and crypto_info install. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <linux/tls.h>
#include <openssl/crypto.h>

#include "internal.h"

int ksys_setsockopt(const struct ktls_sys *s, int fd, int lvl, int name,
		    const void *v, socklen_t l)
{
	if (s && s->setsockopt)
		return s->setsockopt(s->priv, fd, lvl, name, v, l);
	return setsockopt(fd, lvl, name, v, l);
}

int ksys_getsockopt(const struct ktls_sys *s, int fd, int lvl, int name,
		    void *v, socklen_t *l)
{
	if (s && s->getsockopt)
		return s->getsockopt(s->priv, fd, lvl, name, v, l);
	return getsockopt(fd, lvl, name, v, l);
}

ssize_t ksys_sendmsg(const struct ktls_sys *s, int fd,
		     const struct msghdr *m, int fl)
{
	if (s && s->sendmsg)
		return s->sendmsg(s->priv, fd, m, fl);
	return sendmsg(fd, m, fl);
}

ssize_t ksys_recvmsg(const struct ktls_sys *s, int fd, struct msghdr *m,
		     int fl)
{
	if (s && s->recvmsg)
		return s->recvmsg(s->priv, fd, m, fl);
	return recvmsg(fd, m, fl);
}

ssize_t ksys_sendfile(const struct ktls_sys *s, int out, int in, off_t *off,
		      size_t n)
{
	if (s && s->sendfile)
		return s->sendfile(s->priv, out, in, off, n);
	return sendfile(out, in, off, n);
}

/* The ULP name: "tls", or KTLS_ULP when ktls.ko runs beside the in-tree
 * module under another name (ulp_name=ktls). */
static const char *ulp_name(void)
{
	const char *n = getenv("KTLS_ULP");

	return n && *n && strlen(n) < 16 ? n : "tls";
}

static bool ulp_is_tls(const struct ktls_sys *s, int fd)
{
	char name[16] = "";
	socklen_t len = sizeof(name) - 1;

	if (ksys_getsockopt(s, fd, IPPROTO_TCP, TCP_ULP, name, &len) < 0)
		return false;
	name[len < sizeof(name) ? len : sizeof(name) - 1] = '\0';
	return !strcmp(name, ulp_name());
}

int ktls_ulp_attach(const struct ktls_sys *s, int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (ksys_getsockopt(s, fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		return -errno;
	if (ti.tcpi_state != TCP_ESTABLISHED)
		return -ENOTCONN;
	if (ulp_is_tls(s, fd))
		return 0;
	if (ksys_setsockopt(s, fd, IPPROTO_TCP, TCP_ULP, ulp_name(),
			    (socklen_t)strlen(ulp_name()) + 1) < 0)
		return errno == EEXIST && ulp_is_tls(s, fd) ? 0 : -errno;
	return 0;
}

int ktls_info_install(const struct ktls_sys *s, int fd, unsigned int dir,
		      uint8_t info[KTLS_MAX_INFO], size_t len)
{
	int ret;

	ret = ksys_setsockopt(s, fd, SOL_TLS, dir == KTLS_TX ? TLS_TX : TLS_RX,
			      info, (socklen_t)len);
	ret = ret < 0 ? -errno : 0;
	OPENSSL_cleanse(info, KTLS_MAX_INFO);
	return ret;
}

const char *ktls_explain_errno(int err, bool ulp)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case ENOENT:
		return ulp ? "the kernel has no TLS ULP: load ktls.ko (or the in-tree tls.ko: modprobe tls)"
			   : "the kernel lacks the crypto algorithm for this cipher: load its crypto module, or ktls.ko which brings SM4 and ARIA";
	case ENOPROTOOPT:
		return ulp ? "the kernel has no TLS ULP: load ktls.ko (or the in-tree tls.ko: modprobe tls)"
			   : "the kernel does not support SOL_TLS: load ktls.ko or tls.ko";
	case ENOTCONN:
		return "the socket is not an established TCP connection: hand off only after connect/accept and the TLS handshake";
	case EEXIST:
		return "another ULP is already attached to this socket: use a fresh socket";
	case EBUSY:
		return "the kernel already has keys for this direction and cannot rekey: it needs Linux 6.14+ or ktls.ko with rekey support";
	case EINVAL:
		return "the loaded TLS module does not accept this TLS version with this cipher (a newer kernel or ktls.ko may)";
	case ENOSYS:
	case EOPNOTSUPP:
		return "the kernel lacks the crypto algorithm for this cipher: load its crypto module or ktls.ko";
	case EPERM:
	case EACCES:
		return "permission denied by the kernel (seccomp or LSM policy): allow setsockopt(SOL_TLS)";
	case ENOTSOCK:
	case EBADF:
		return "the descriptor is not a TCP socket: kTLS needs a TCP connection";
	default:
		return "the kernel refused kTLS for this socket";
	}
}
