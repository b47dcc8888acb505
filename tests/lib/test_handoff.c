// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/* libktls hand-off through the syscall seam: a fake kernel encrypts and
 * decrypts with the crypto_info it was given, a real OpenSSL peer checks. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <linux/tls.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ktls/ktls.h"
#include "check.h"
#include "kdf_ref.h"
#include "fakek.h"
#include "tlsfix.h"

static unsigned char a[65536], b[65536];

static size_t recv_n(struct ktls_conn *c, unsigned char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = ktls_recv(c, buf + got, n - got);

		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

static bool h_to_p(struct ktls_conn *c, SSL *p, size_t n)
{
	RAND_bytes(a, (int)n);
	if (ktls_send(c, a, n) != (ssize_t)n)
		return false;
	return tlsfix_read_n(p, b, n) == n && !memcmp(a, b, n);
}

static bool p_to_h(SSL *p, struct ktls_conn *c, size_t n)
{
	RAND_bytes(a, (int)n);
	if (SSL_write(p, a, (int)n) != (int)n)
		return false;
	return recv_n(c, b, n) == n && !memcmp(a, b, n);
}

static void keyupdates(const char *tag, struct ktls_conn *c, SSL *p)
{
	struct ktls_conn_stats st;

	/* Peer asks us to update too: we install RX, answer, install TX. */
	SSL_key_update(p, SSL_KEY_UPDATE_REQUESTED);
	CHECK(p_to_h(p, c, 777), "%s: data after peer KeyUpdate (%s)", tag,
	      ktls_conn_error(c));
	ktls_conn_get_stats(c, &st);
	CHECK(st.rx_rekeys == 1 && st.tx_rekeys == 1,
	      "%s: rekeys rx %llu tx %llu", tag,
	      (unsigned long long)st.rx_rekeys,
	      (unsigned long long)st.tx_rekeys);
	CHECK(h_to_p(c, p, 1000), "%s: peer reads after our answer", tag);
	CHECK(ktls_key_update(c, false) == 0 && h_to_p(c, p, 5000),
	      "%s: our own KeyUpdate", tag);
	CHECK(p_to_h(p, c, 100), "%s: RX unaffected by our update", tag);
}

static void run_case(const struct tlsfix_case *tc, bool server)
{
	struct tlsfix f;
	struct fakek k;
	struct ktls_opts o = { .sys = &k.sys };
	struct ktls_conn *c;
	struct ktls_conn_stats st;
	const char *v = tc->ver == TLS1_3_VERSION ? "1.3" : "1.2";
	char tag[96];
	SSL *h, *p;
	uint16_t kv = tc->ver == TLS1_3_VERSION ? TLS_1_3_VERSION
						: TLS_1_2_VERSION;

	snprintf(tag, sizeof(tag), "TLS%s %s %s", v, tc->cipher,
		 server ? "server" : "client");
	if (tlsfix_open(&f, tc->ver, tc->cipher)) {
		CHECK(0, "%s: handshake", tag);
		tlsfix_close(&f);
		return;
	}
	h = server ? f.s : f.c;
	p = server ? f.c : f.s;
	fakek_init(&k, server ? f.sfd : f.cfd);
	k.allow_rekey = true;
	c = ktls_conn_new(h, &o);
	CHECK(c && ktls_conn_kernel_dirs(c) == KTLS_BOTH, "%s: both in kernel: %s",
	      tag, c ? ktls_conn_status(c) : "NULL");
	if (!c || ktls_conn_kernel_dirs(c) != KTLS_BOTH)
		goto out;
	CHECK(k.tx.type == tc->ktype && k.rx.type == tc->ktype &&
	      k.tx.version == kv && k.rx.version == kv,
	      "%s: crypto_info cipher %u/%u version %x", tag, k.tx.type,
	      k.rx.type, k.tx.version);
	CHECK(strstr(ktls_conn_status(c), "TX kernel, RX kernel") != NULL,
	      "%s: status '%s'", tag, ktls_conn_status(c));
	CHECK(h_to_p(c, p, 1) && h_to_p(c, p, 16384) && h_to_p(c, p, 16385) &&
	      h_to_p(c, p, 40000), "%s: kernel TX readable by OpenSSL", tag);
	CHECK(p_to_h(p, c, 1) && p_to_h(p, c, 30000),
	      "%s: OpenSSL readable by kernel RX (%s)", tag,
	      ktls_conn_error(c));
	ktls_conn_get_stats(c, &st);
	if (tc->ver == TLS1_3_VERSION && !server)
		CHECK(st.tickets == 2, "%s: tickets consumed: %llu", tag,
		      (unsigned long long)st.tickets);
	if (tc->ver == TLS1_3_VERSION)
		keyupdates(tag, c, p);
	CHECK(ktls_shutdown(c) == 0 && SSL_read(p, b, 1) == 0 &&
	      SSL_get_error(p, 0) == SSL_ERROR_ZERO_RETURN,
	      "%s: close_notify from kernel TX", tag);
	SSL_shutdown(p);
	CHECK(ktls_recv(c, b, sizeof(b)) == 0, "%s: close_notify into recv", tag);
out:
	ktls_conn_free(c);
	tlsfix_close(&f);
}

/* A TLS 1.3 connection whose server end goes through the fake kernel. */
struct sess {
	struct tlsfix f;
	struct fakek k;
	struct ktls_opts o;
	struct ktls_conn *c;
};

/* Handshake; knobs of s->k and s->o are set between this and sess_handoff. */
static void sess_open(struct sess *s)
{
	memset(s, 0, sizeof(*s));
	if (tlsfix_open(&s->f, TLS1_3_VERSION, "TLS_AES_128_GCM_SHA256"))
		CHECK(0, "TLS 1.3 handshake");
	fakek_init(&s->k, s->f.sfd);
	s->o.sys = &s->k.sys;
}

static struct ktls_conn *sess_handoff(struct sess *s)
{
	s->c = ktls_conn_new(s->f.s, &s->o);
	return s->c;
}

static void sess_close(struct sess *s)
{
	ktls_conn_free(s->c);
	tlsfix_close(&s->f);
}

/* The kernel refuses, or is not asked: the connection stays in OpenSSL. */
static void test_fallback(void)
{
	enum { NO_ULP, NOT_ESTABLISHED, REFUSE_CIPHER, USERSPACE };
	static const struct {
		int knob;
		const char *name, *status;
		bool detached;		/* the ULP must not be attached */
		size_t data;		/* bytes each way through OpenSSL */
	} fb[] = {
		{ NO_ULP, "no ULP", "no TLS ULP", false, 20000 },
		{ NOT_ESTABLISHED, "not established", "established", true, 0 },
		{ REFUSE_CIPHER, "cipher refused", "TLS_TX refused", false, 100 },
		{ USERSPACE, "userspace_only", "disabled", true, 0 },
	};
	struct sess s;
	struct ktls_conn *c;

	for (size_t i = 0; i < sizeof(fb) / sizeof(fb[0]); i++) {
		sess_open(&s);
		s.k.no_ulp = fb[i].knob == NO_ULP;
		s.k.not_established = fb[i].knob == NOT_ESTABLISHED;
		s.k.refuse_cipher = fb[i].knob == REFUSE_CIPHER;
		s.o.userspace_only = fb[i].knob == USERSPACE;
		c = sess_handoff(&s);
		CHECK(c && ktls_conn_kernel_dirs(c) == 0 &&
		      (!fb[i].detached || !s.k.ulp) &&
		      strstr(ktls_conn_status(c), fb[i].status),
		      "%s: fallback said out loud: %s", fb[i].name,
		      c ? ktls_conn_status(c) : "");
		if (fb[i].data)
			CHECK(c && h_to_p(c, s.f.c, fb[i].data) &&
			      p_to_h(s.f.c, c, fb[i].data),
			      "%s: data flows through OpenSSL", fb[i].name);
		sess_close(&s);
	}
}

/* One direction in the kernel, the other in OpenSSL, through a KeyUpdate. */
static void test_one_direction(void)
{
	static const unsigned int dirs[] = { KTLS_TX, KTLS_RX };
	struct sess s;
	struct ktls_conn *c;

	for (size_t i = 0; i < 2; i++) {
		unsigned int d = dirs[i];
		const char *tag = d == KTLS_TX ? "TX only" : "RX only";

		sess_open(&s);
		s.o.dirs = d;
		c = sess_handoff(&s);
		CHECK(c && ktls_conn_kernel_dirs(c) == d &&
		      s.k.tx.set == (d == KTLS_TX) && s.k.rx.set == (d == KTLS_RX),
		      "%s: %s", tag, c ? ktls_conn_status(c) : "");
		CHECK(c && h_to_p(c, s.f.c, 20000) && p_to_h(s.f.c, c, 20000),
		      "%s: data both ways", tag);
		/* The answer to the peer's update_requested goes out where TX
		 * is: through the kernel with a new key (never with OpenSSL's
		 * stale TX state), or through OpenSSL. */
		s.k.allow_rekey = true;
		SSL_key_update(s.f.c, SSL_KEY_UPDATE_REQUESTED);
		CHECK(c && p_to_h(s.f.c, c, 10) && h_to_p(c, s.f.c, 1000),
		      "%s: update_requested answered: %s", tag,
		      c ? ktls_conn_error(c) : "");
		CHECK(c && s.k.tx.installs == (d == KTLS_TX ? 2 : 0),
		      "%s: TX keys installed: %d", tag, s.k.tx.installs);
		sess_close(&s);
	}
}

static void test_rekey_refused(void)
{
	struct sess s;
	struct ktls_conn *c;

	sess_open(&s);
	c = sess_handoff(&s);
	SSL_key_update(s.f.c, SSL_KEY_UPDATE_NOT_REQUESTED);
	RAND_bytes(a, 10);
	SSL_write(s.f.c, a, 10);
	CHECK(ktls_recv(c, b, 10) == -1 && errno == EOPNOTSUPP &&
	      strstr(ktls_conn_error(c), "refused the new RX key"),
	      "no kernel rekey: clean failure: %s", ktls_conn_error(c));
	CHECK(ktls_recv(c, b, 10) == -1 && errno == EOPNOTSUPP,
	      "no kernel rekey: failure is sticky");
	sess_close(&s);
}

static void test_corrupt(void)
{
	struct sess s;
	struct ktls_conn *c;

	sess_open(&s);
	c = sess_handoff(&s);
	s.k.corrupt_next = true;
	SSL_write(s.f.c, a, 100);
	CHECK(ktls_recv(c, b, 100) == -1 && errno == EBADMSG &&
	      strstr(ktls_conn_error(c), "EBADMSG"),
	      "corrupt record: EBADMSG: %s", ktls_conn_error(c));
	sess_close(&s);
}

static void test_peer_alert(void)
{
	struct sess s;
	struct ktls_conn *c;

	sess_open(&s);
	c = sess_handoff(&s);
	s.k.corrupt_tx_next = true;
	CHECK(ktls_send(c, "x", 1) == 1 && SSL_read(s.f.c, b, 1) <= 0,
	      "peer rejects a corrupted record");
	CHECK(ktls_recv(c, b, 10) == -1 && errno == EPROTO &&
	      strstr(ktls_conn_error(c), "bad record mac"),
	      "peer's fatal alert becomes a clean error: %s", ktls_conn_error(c));
	sess_close(&s);
}

static void test_drain(void)
{
	struct sess s;
	struct ktls_conn *c;
	unsigned char buf[16];

	sess_open(&s);
	SSL_write(s.f.c, "0123456789", 10);
	CHECK(SSL_read(s.f.s, buf, 3) == 3, "drain: partial read before");
	c = sess_handoff(&s);
	CHECK(c && ktls_conn_kernel_dirs(c) == KTLS_BOTH, "drain: handed off");
	CHECK(recv_n(c, buf, 7) == 7 && !memcmp(buf, "3456789", 7),
	      "drain: buffered plaintext returned first");
	CHECK(p_to_h(s.f.c, c, 5000), "drain: then kernel records");
	sess_close(&s);
}

static void test_tx_rekey_after(void)
{
	struct sess s;
	struct ktls_conn *c;
	struct ktls_conn_stats st;
	bool ok = true;

	sess_open(&s);
	s.k.allow_rekey = true;
	s.o.tx_rekey_records = 2;
	c = sess_handoff(&s);
	for (int i = 0; i < 6; i++)
		ok = ok && h_to_p(c, s.f.c, 100);
	ktls_conn_get_stats(c, &st);
	CHECK(ok && st.tx_rekeys == 2 && s.k.tx.installs == 3,
	      "TX KeyUpdate every 2 records: %llu rekeys",
	      (unsigned long long)st.tx_rekeys);
	/* One large send is split so no key covers more than 2 records. */
	CHECK(h_to_p(c, s.f.c, 3 * 16384 + 1), "large send across rekeys");
	ktls_conn_get_stats(c, &st);
	CHECK(st.tx_rekeys == 4 && s.k.tx.installs == 5,
	      "large send: KeyUpdate every 2 records: %llu rekeys",
	      (unsigned long long)st.tx_rekeys);
	sess_close(&s);
}

static void test_sendfile(void)
{
	char path[] = "/tmp/ktls-test-XXXXXX";
	int fd = mkstemp(path);
	struct sess s;
	struct ktls_conn *c;
	off_t off = 0;

	unlink(path);
	RAND_bytes(a, 50000);
	CHECK(write(fd, a, 50000) == 50000, "sendfile: temp file");
	for (int user = 0; user < 2; user++) {
		sess_open(&s);
		s.o.userspace_only = user;
		c = sess_handoff(&s);
		off = 0;
		CHECK(ktls_sendfile(c, fd, &off, 50000) == 50000 &&
		      off == 50000 && tlsfix_read_n(s.f.c, b, 50000) == 50000 &&
		      !memcmp(a, b, 50000), "sendfile %s path",
		      user ? "userspace" : "kernel");
		sess_close(&s);
	}
	close(fd);
}

static void test_raw(void)
{
	static const struct { uint16_t suite, type; const char *md; size_t sl; }
	rs[] = {
		{ 0x00C6, TLS_CIPHER_SM4_GCM, "SM3", 32 },
		{ 0x00C7, TLS_CIPHER_SM4_CCM, "SM3", 32 },
		{ 0x1302, TLS_CIPHER_AES_GCM_256, "SHA384", 48 },
		{ 0x1303, TLS_CIPHER_CHACHA20_POLY1305, "SHA256", 32 },
	};
	uint8_t sec[48], key[32], iv[12];
	int fds[2];
	struct fakek k;

	for (size_t i = 0; i < sizeof(rs) / sizeof(rs[0]); i++) {
		socketpair(AF_UNIX, SOCK_STREAM, 0, fds);
		fakek_init(&k, fds[0]);
		RAND_bytes(sec, sizeof(sec));
		ref_tls13_expand(rs[i].md, sec, rs[i].sl, "key", key, k.tx.key_len ?: 32);
		ref_tls13_expand(rs[i].md, sec, rs[i].sl, "iv", iv, 12);
		CHECK(ktls_install_tls13(&k.sys, fds[0], KTLS_TX, rs[i].suite,
					 sec, rs[i].sl, 5) == 0 &&
		      ktls_install_tls13(&k.sys, fds[0], KTLS_RX, rs[i].suite,
					 sec, rs[i].sl, 9) == 0,
		      "raw 1.3 suite %04x installs", rs[i].suite);
		ref_tls13_expand(rs[i].md, sec, rs[i].sl, "key", key, k.tx.key_len);
		CHECK(k.tx.type == rs[i].type && k.tx.version == TLS_1_3_VERSION &&
		      !memcmp(k.tx.key, key, k.tx.key_len) &&
		      !memcmp(k.tx.nonce, iv, 12) && k.tx.seq == 5 &&
		      k.rx.seq == 9, "raw 1.3 suite %04x: key/iv/seq", rs[i].suite);
		CHECK(ktls_install_tls13(&k.sys, fds[0], KTLS_TX, rs[i].suite,
					 sec, rs[i].sl - 1, 0) == -EINVAL,
		      "raw 1.3 suite %04x: bad secret length", rs[i].suite);
		close(fds[0]);
		close(fds[1]);
	}
	socketpair(AF_UNIX, SOCK_STREAM, 0, fds);
	fakek_init(&k, fds[0]);
	RAND_bytes(key, 16);
	CHECK(ktls_install_tls12(&k.sys, fds[0], KTLS_TX, TLS_CIPHER_AES_GCM_128,
				 key, 16, (const uint8_t *)"SALT", 4, 7) == 0 &&
	      !memcmp(k.tx.key, key, 16) && !memcmp(k.tx.nonce, "SALT", 4) &&
	      k.tx.seq == 7 && k.tx.expl[7] == 7,
	      "raw 1.2 GCM: salt, explicit nonce = seq");
	CHECK(ktls_install_tls13(&k.sys, fds[0], KTLS_RX, 0x1399, sec, 32, 0) ==
	      -EINVAL, "raw 1.3: unknown suite");
	k.not_established = true;
	CHECK(ktls_install_tls12(&k.sys, fds[0], KTLS_RX, TLS_CIPHER_AES_GCM_128,
				 key, 16, (const uint8_t *)"SALT", 4, 7) ==
	      -ENOTCONN, "raw: ENOTCONN before established");
	close(fds[0]);
	close(fds[1]);
}

static void test_table(void)
{
	bool ok = ktls_cipher_count() >= 4;

	for (size_t i = 0; i < ktls_cipher_count(); i++) {
		const struct ktls_cipher_desc *d = ktls_cipher_at(i);

		ok = ok && d->salt_len + d->iv_len == 12 && d->tag_len == 16 &&
		     ktls_cipher_by_type(d->kernel_type) == d &&
		     (!d->tls13_suite || ktls_cipher_by_suite(d->tls13_suite) == d);
	}
	CHECK(ok, "cipher table consistent");
	CHECK(strstr(ktls_explain_errno(ENOENT, true), "load ktls.ko"),
	      "errno explained");
}

int main(void)
{
	for (size_t i = 0; i < TLSFIX_NCASES; i++) {
		run_case(&tlsfix_cases[i], true);
		run_case(&tlsfix_cases[i], false);
	}
	test_fallback();
	test_one_direction();
	test_rekey_refused();
	test_corrupt();
	test_peer_alert();
	test_drain();
	test_tx_rekey_after();
	test_sendfile();
	test_raw();
	test_table();
	return CHECK_DONE("handoff");
}
