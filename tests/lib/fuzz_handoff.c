// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/* libFuzzer target: libktls's hand-off against whatever the kernel answers,
 * through the syscall seam, and its raw-secret entry points. */
/*
 * Input byte 0 picks the mode and the connection:
 *   bit 7 clear  ktls_conn_new() after a real OpenSSL handshake (tlsfix):
 *                bits 0-2 the tlsfix_cases row (4-7: TLS 1.3), bits 3-4
 *                directions asked for, bit 5 hand off the client end,
 *                bit 6 kernel rekey
 *   bit 7 set    ktls_install_tls13/tls12/keys() with fuzzed suite, cipher
 *                type, lengths, sequence number and key material
 * The rest is the kernel's script: each setsockopt/getsockopt through the
 * seam takes one byte; below 0xc0 the fake kernel (fakek.c) answers, else
 * the call fails with one of the errnos a kernel gives there. Past the end
 * of the input the fake kernel answers.
 *
 * What must hold, whatever the kernel said: ktls_conn_new() returns a
 * connection, runs in the kernel only directions asked for, says why a
 * direction stayed in OpenSSL, and data flows both ways; the raw entries
 * return 0 or a negative errno (the injected one when the kernel refused
 * TLS_TX/TLS_RX), and on 0 the kernel holds the key, version and sequence
 * number given.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <linux/tls.h>
#include <openssl/rand.h>

#include "ktls/ktls.h"
#include "fakek.h"
#include "tlsfix.h"

struct script {
	const uint8_t *p;
	size_t left;
	struct fakek *k;
	int injected;		/* last errno injected on TLS_TX/TLS_RX */
};

static const int kernel_errnos[] = {
	ENOENT, EEXIST, EBUSY, EINVAL, ENOTCONN, ENOPROTOOPT, EOPNOTSUPP,
	ENOMEM,
};

/* 0: let the fake kernel answer; else the errno to fail with. */
static int next_answer(struct script *s)
{
	uint8_t v;

	if (!s->left)
		return 0;
	v = *s->p++;
	s->left--;
	return v < 0xc0 ? 0 : kernel_errnos[v & 7];
}

static int s_setsockopt(void *priv, int fd, int level, int name,
			const void *val, socklen_t len)
{
	struct script *s = priv;
	int e = next_answer(s);

	if (e) {
		if (level == SOL_TLS)
			s->injected = e;
		errno = e;
		return -1;
	}
	return s->k->sys.setsockopt(s->k, fd, level, name, val, len);
}

static int s_getsockopt(void *priv, int fd, int level, int name, void *val,
			socklen_t *len)
{
	struct script *s = priv;
	int e = next_answer(s);

	if (e) {
		errno = e;
		return -1;
	}
	return s->k->sys.getsockopt(s->k, fd, level, name, val, len);
}

static ssize_t s_sendmsg(void *priv, int fd, const struct msghdr *m, int fl)
{
	struct script *s = priv;

	return s->k->sys.sendmsg(s->k, fd, m, fl);
}

static ssize_t s_recvmsg(void *priv, int fd, struct msghdr *m, int fl)
{
	struct script *s = priv;

	return s->k->sys.recvmsg(s->k, fd, m, fl);
}

static ssize_t s_sendfile(void *priv, int out, int in, off_t *off, size_t n)
{
	struct script *s = priv;

	return s->k->sys.sendfile(s->k, out, in, off, n);
}

static void script_init(struct script *s, struct ktls_sys *sys,
			struct fakek *k, const uint8_t *p, size_t n)
{
	*s = (struct script){ .p = p, .left = n, .k = k };
	*sys = (struct ktls_sys){
		.setsockopt = s_setsockopt, .getsockopt = s_getsockopt,
		.sendmsg = s_sendmsg, .recvmsg = s_recvmsg,
		.sendfile = s_sendfile, .priv = s,
	};
}

/* ------------------------------------------------ ktls_conn_new() */

static void flows(struct ktls_conn *c, SSL *peer)
{
	unsigned char out[100], in[100];
	size_t got = 0;
	ssize_t r;

	RAND_bytes(out, sizeof(out));
	if (ktls_send(c, out, sizeof(out)) != (ssize_t)sizeof(out) ||
	    tlsfix_read_n(peer, in, sizeof(in)) != sizeof(in) ||
	    memcmp(out, in, sizeof(in)))
		abort();	/* our end -> peer broken */
	RAND_bytes(out, sizeof(out));
	if (SSL_write(peer, out, sizeof(out)) != (int)sizeof(out))
		abort();
	while (got < sizeof(in)) {
		r = ktls_recv(c, in + got, sizeof(in) - got);
		if (r <= 0)
			abort();	/* peer -> our end broken */
		got += (size_t)r;
	}
	if (memcmp(out, in, sizeof(in)))
		abort();
}

static void fuzz_conn(uint8_t mode, const uint8_t *p, size_t n)
{
	static const unsigned int asked[4] = { 0, KTLS_TX, KTLS_RX, KTLS_BOTH };
	unsigned int want = asked[(mode >> 3) & 3], dirs;
	bool client = mode & 0x20;
	const struct ktls_cipher_desc *d;
	struct ktls_opts o = { 0 };
	struct ktls_conn *c;
	struct ktls_sys sys;
	struct script s;
	struct tlsfix f;
	struct fakek k;
	int i = mode & 7;

	if (tlsfix_open(&f, tlsfix_cases[i].ver, tlsfix_cases[i].cipher))
		abort();	/* the fixture itself */
	fakek_init(&k, client ? f.cfd : f.sfd);
	k.allow_rekey = mode & 0x40;
	script_init(&s, &sys, &k, p, n);
	o.sys = &sys;
	o.dirs = want;
	c = ktls_conn_new(client ? f.c : f.s, &o);
	if (!c)
		abort();	/* never fails for a kernel reason */
	dirs = ktls_conn_kernel_dirs(c);
	if (dirs & ~(want ? want : KTLS_BOTH))
		abort();	/* a direction nobody asked for */
	if (dirs != (want ? want : KTLS_BOTH) && !*ktls_conn_status(c))
		abort();	/* a fallback not said */
	d = ktls_cipher_by_type(tlsfix_cases[i].ktype);
	if (((dirs & KTLS_TX) && (!k.tx.set || k.tx.type != d->kernel_type)) ||
	    ((dirs & KTLS_RX) && (!k.rx.set || k.rx.type != d->kernel_type)))
		abort();	/* "kernel" without the kernel holding it */
	flows(c, client ? f.s : f.c);
	ktls_conn_free(c);
	tlsfix_close(&f);
}

/* ------------------------------------------------ raw entry points */

struct raw_in {
	uint8_t entry, dir;
	uint16_t id;		/* suite (1.3) or cipher type */
	uint16_t version;
	uint8_t key_len, iv_len;
	uint64_t seq;
	uint8_t material[64];	/* secret or key, then iv */
};

static void check_installed(const struct raw_in *in, const struct fakek *k,
			    uint16_t version)
{
	const struct ref_dir *d = in->dir == KTLS_TX ? &k->tx : &k->rx;

	if (!d->set || d->version != version || d->seq != in->seq)
		abort();
	if (in->entry != 0 && memcmp(d->key, in->material, d->key_len))
		abort();	/* the key given is the key installed */
}

static void fuzz_raw(const uint8_t *p, size_t n)
{
	struct raw_in in = { 0 };
	struct ktls_sys sys;
	struct script s;
	struct fakek k;
	int fds[2], ret;
	uint16_t version;

	if (n < 16)
		return;
	in.entry = p[0] % 3;
	in.dir = p[1] & 3;
	in.id = (uint16_t)(p[2] << 8 | p[3]);
	in.version = (uint16_t)(p[4] << 8 | p[5]);
	in.key_len = p[6] % 80;
	in.iv_len = p[7] % 20;
	memcpy(&in.seq, p + 8, 8);
	p += 16;
	n -= 16;
	if (n > sizeof(in.material)) {
		memcpy(in.material, p, sizeof(in.material));
		p += sizeof(in.material);
		n -= sizeof(in.material);
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds))
		abort();
	fakek_init(&k, fds[0]);
	script_init(&s, &sys, &k, p, n);
	switch (in.entry) {
	case 0:
		version = TLS_1_3_VERSION;
		ret = ktls_install_tls13(&sys, fds[0], in.dir, in.id,
					 in.material, in.key_len, in.seq);
		break;
	case 1:
		version = TLS_1_2_VERSION;
		ret = ktls_install_tls12(&sys, fds[0], in.dir, in.id,
					 in.material, in.key_len,
					 in.material + 32, in.iv_len, in.seq);
		break;
	default:
		version = in.version;
		ret = ktls_install_keys(&sys, fds[0], in.dir, in.version,
					in.id, in.material, in.key_len,
					in.material + 32, in.iv_len, in.seq);
		break;
	}
	if (ret > 0 || ret < -4095)
		abort();	/* 0 or a negative errno */
	if (s.injected && ret && ret != -s.injected && ret != -EINVAL &&
	    ret != -ENOSYS)
		abort();	/* the kernel's errno, not another */
	if (!ret)
		check_installed(&in, &k, version);
	close(fds[0]);
	close(fds[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	if (data[0] & 0x80)
		fuzz_raw(data + 1, size - 1);
	else
		fuzz_conn(data[0], data + 1, size - 1);
	return 0;
}
