// SPDX-License-Identifier: GPL-2.0
/* keyscan.c - no copy of a key survives in kernel memory once it is dropped */
/*
 * Key hygiene (issue 9), tested on the stock kernel: every key this
 * program hands to the module is random, and after the sockets holding it
 * are closed (or after a refused setsockopt, or after a TLS 1.3 rekey) the
 * whole of RAM is read through /proc/kcore and searched for it. A key
 * found anywhere (the module's context, a crypto transform, a freed slab
 * object, a kernel stack) is a key that was not wiped. Debian's kernels do
 * not clear memory on free (no init_on_free), so a missed wipe stays
 * visible until the memory is reused.
 *
 * The program itself never keeps a key: each is stored XORed with a
 * random mask, put together only in the setsockopt buffer, which is wiped
 * right after the call, and compared masked. The scan's filter holds hash
 * bits, not key bytes. The scanner runs pinned to one CPU so that the
 * kernel's one-page bounce buffer of /proc/kcore is reused from read to
 * read rather than left behind holding a page it copied.
 *
 * Positive control: before closing, every key of live sockets must be
 * found at least once (else a clean result would prove nothing).
 *
 *   closed_sockets      every version x cipher the module offers, both
 *                       ends kTLS, data each way, getsockopt of the keys;
 *                       found while open, gone after close
 *   refused_setsockopt  keys in calls the module refuses (bad length,
 *                       TLS_TX twice on 1.2, version mismatch, unknown
 *                       cipher and version, rekey to another cipher):
 *                       gone after close
 *   rekey_drops_old     TLS 1.3 KeyUpdate both ways: the old keys are
 *                       gone while the sockets still live; new ones found
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <linux/tls.h>

#include "kselftest_harness.h"
#include "peer_ref.h"
#include "stress_util.h"

#ifndef EKEYEXPIRED
#define EKEYEXPIRED 127
#endif

/* ------------------------------------------------------ masked keys */

#define MAX_SECRETS	128

struct secret {
	uint8_t enc[32], mask[32];	/* key = enc ^ mask */
	uint8_t len;
	char what[48];
	long found;
	uint64_t where;			/* kcore vaddr of the first hit */
};

static struct secret g_sec[MAX_SECRETS];
static int g_nsec;


/* A new random key of LEN bytes, written into OUT (for setsockopt). */
static struct secret *secret_new(uint8_t *out, size_t len, const char *what)
{
	struct secret *s;
	size_t i;

	if (g_nsec == MAX_SECRETS)
		abort();
	s = &g_sec[g_nsec++];
	memset(s, 0, sizeof(*s));
	s->len = len;
	snprintf(s->what, sizeof(s->what), "%s", what);
	rnd(out, len);
	rnd(s->mask, len);
	for (i = 0; i < len; i++)
		s->enc[i] = out[i] ^ s->mask[i];
	return s;
}

/* Does P (LEN bytes available) hold S? */
static int secret_at(const struct secret *s, const uint8_t *p)
{
	size_t i;

	for (i = 0; i < s->len; i++)
		if ((p[i] ^ s->mask[i]) != s->enc[i])
			return 0;
	return 1;
}

static void secrets_reset(void)
{
	explicit_bzero(g_sec, sizeof(g_sec));
	g_nsec = 0;
}

/* ---------------------------------------------------- kTLS plumbing */

/*
 * Attach (ULP first when ULP) and set OPT from a crypto_info of VERSION and
 * cipher C whose key is the new secret WHAT (or KEY when given); returns the
 * setsockopt result, errno kept. EXTRA bytes of slack make a bad length.
 */
static int set_key(int fd, const char *ulp, int opt, uint16_t version,
		   const struct ref_cipher *c, const char *what,
		   struct secret **key, int extra)
{
	struct ref_dir d;
	uint8_t ci[80];
	size_t len;
	int rc, e;

	if (ulp && setsockopt(fd, IPPROTO_TCP, TCP_ULP, ulp, strlen(ulp) + 1))
		return -1;
	memset(&d, 0, sizeof(d));
	memset(ci, 0, sizeof(ci));
	d.version = version;
	d.c = c;
	*key = secret_new(d.key, c->key_len, what);
	rnd(d.salt, c->salt_len);
	rnd(d.iv, c->iv_len);
	len = ref_dir_crypto_info(&d, ci);
	rc = setsockopt(fd, SOL_TLS, opt, ci, len + extra);
	e = errno;
	explicit_bzero(ci, sizeof(ci));
	explicit_bzero(&d, sizeof(d));
	errno = e;
	return rc;
}

/* getsockopt(OPT) returns KEY (the uapi hands the key back). */
static int get_key_is(int fd, int opt, const struct ref_cipher *c,
		      const struct secret *key)
{
	uint8_t ci[80];
	socklen_t len = 4 + c->iv_len + c->key_len + c->salt_len + 8;
	int ok;

	if (getsockopt(fd, SOL_TLS, opt, ci, &len))
		return 0;
	ok = len >= 4u + c->iv_len + c->key_len &&
	     secret_at(key, ci + 4 + c->iv_len);
	explicit_bzero(ci, sizeof(ci));
	return ok;
}

/*
 * TLS_RX of R from TLS_TX of T as it is now (getsockopt gives the key; it
 * wants the exact crypto_info length of cipher C).
 */
static int copy_tx_to_rx(int t, int r, const struct ref_cipher *c)
{
	uint8_t ci[80];
	socklen_t len = 4 + c->iv_len + c->key_len + c->salt_len + 8;
	int rc, e;

	rc = getsockopt(t, SOL_TLS, TLS_TX, ci, &len);
	if (!rc)
		rc = setsockopt(r, SOL_TLS, TLS_RX, ci, len);
	e = errno;
	explicit_bzero(ci, sizeof(ci));
	errno = e;
	return rc;
}

/* Send N random bytes from A, read and compare them at B. */
static int move(int a, int b, size_t n)
{
	static uint8_t out[65536], in[65536];
	size_t got = 0;
	ssize_t r;

	if (n > sizeof(out))
		return -1;
	rnd(out, n);
	if (send(a, out, n, 0) != (ssize_t)n)
		return -1;
	while (got < n) {
		r = recv(b, in + got, n - got, 0);
		if (r <= 0)
			return -1;
		got += r;
	}
	return memcmp(in, out, n) ? -1 : 0;
}

/* ------------------------------------------------------ the scanner */

#define CHUNK		(1u << 20)
#define SLACK		64
#define FILTER_BITS	20

static uint8_t g_filter[1u << (FILTER_BITS - 3)];
static uint8_t *g_buf;

static uint32_t fhash(uint32_t w)
{
	return (w * 0x9e3779b1u) >> (32 - FILTER_BITS);
}

/* The 4 key bytes at J of S, as a little-endian load would see them. */
static uint32_t secret_word(const struct secret *s, int j)
{
	uint32_t w = 0;
	int b;

	for (b = 3; b >= 0; b--)
		w = w << 8 | (uint8_t)(s->enc[j + b] ^ s->mask[j + b]);
	return w;
}

static void scan_chunk(const uint8_t *p, size_t n, size_t first,
		       uint64_t vaddr)
{
	size_t pos, i;
	uint32_t w;
	int j;

	for (pos = 0; pos + 4 <= n; pos += 4) {
		memcpy(&w, p + pos, 4);
		if (!(g_filter[fhash(w) >> 3] & 1u << (fhash(w) & 7)))
			continue;
		for (i = 0; i < (size_t)g_nsec; i++) {
			struct secret *s = &g_sec[i];

			for (j = 0; j < 4; j++) {
				size_t at = pos - j;

				if (pos < (size_t)j || at >= first ||
				    at + s->len > n || !secret_at(s, p + at))
					continue;
				if (!s->found++)
					s->where = vaddr + at;
			}
		}
	}
}

/*
 * Search every RAM segment of /proc/kcore (those with a physical address)
 * for every secret; fills found/where. Returns the bytes read, or -1.
 */
static long long scan_ram(struct __test_metadata *_metadata)
{
	Elf64_Ehdr eh;
	Elf64_Phdr *ph = NULL;
	long long total = 0;
	cpu_set_t one, old;
	int fd, i, k;
	double t0 = now_s();

	memset(g_filter, 0, sizeof(g_filter));
	for (i = 0; i < g_nsec; i++) {
		g_sec[i].found = 0;
		g_sec[i].where = 0;
		for (k = 0; k < 4; k++) {
			uint32_t h = fhash(secret_word(&g_sec[i], k));

			g_filter[h >> 3] |= 1u << (h & 7);
		}
	}
	if (!g_buf)
		g_buf = malloc(CHUNK + SLACK);
	if (!g_buf)
		return -1;
	sched_getaffinity(0, sizeof(old), &old);
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	sched_setaffinity(0, sizeof(one), &one);

	fd = open("/proc/kcore", O_RDONLY);
	if (fd < 0) {
		TH_LOG("open /proc/kcore: %s", strerror(errno));
		goto out;
	}
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_phentsize != sizeof(*ph))
		goto bad;
	ph = calloc(eh.e_phnum, sizeof(*ph));
	if (!ph || pread(fd, ph, eh.e_phnum * sizeof(*ph), eh.e_phoff) !=
	    (ssize_t)(eh.e_phnum * sizeof(*ph)))
		goto bad;
	for (i = 0; i < eh.e_phnum; i++) {
		uint64_t off = 0, size = ph[i].p_memsz;
		size_t own;

		/* RAM and kernel text have a physical address; vmalloc,
		 * vmemmap and modules (all backed by RAM too) do not.
		 */
		if (ph[i].p_type != PT_LOAD || ph[i].p_paddr == (Elf64_Addr)-1)
			continue;
		while (off < size) {
			size_t want = size - off > CHUNK + SLACK ?
				      CHUNK + SLACK : size - off;
			ssize_t n = pread(fd, g_buf, want, ph[i].p_offset + off);

			if (n <= 0) {	/* a hole: go on a page later */
				off += 4096;
				continue;
			}
			/* this chunk owns the keys that start in its first
			 * CHUNK bytes; SLACK lets the last of them end
			 */
			own = (size_t)n < want ? (size_t)n :
			      want > CHUNK ? CHUNK : want;
			scan_chunk(g_buf, n, own, ph[i].p_vaddr + off);
			total += own;
			off += own;
		}
	}
	free(ph);
	close(fd);
	explicit_bzero(g_buf, CHUNK + SLACK);
	sched_setaffinity(0, sizeof(old), &old);
	TH_LOG("scanned %lld MiB of RAM in %.1f s for %d keys",
	       total >> 20, now_s() - t0, g_nsec);
	return total;
bad:
	TH_LOG("/proc/kcore: not the ELF core file expected");
	free(ph);
	close(fd);
out:
	sched_setaffinity(0, sizeof(old), &old);
	return -1;
}

/* Wait for the module to let go of closed sockets (gauges, then RCU). */
static void settle(void)
{
	char why[256];

	gauges_settle(10, why, sizeof(why));
	usleep(500000);
}

/* Every secret found (want_found) or none of them; logs the others. */
static int check_all(struct __test_metadata *_metadata, int want_found)
{
	int i, bad = 0;

	for (i = 0; i < g_nsec; i++) {
		struct secret *s = &g_sec[i];

		if (!!s->found == !!want_found)
			continue;
		bad++;
		if (want_found)
			TH_LOG("%s: not found while its socket is open "
			       "(the scanner cannot see it)", s->what);
		else
			TH_LOG("%s: %ld cop%s left, first at 0x%llx", s->what,
			       s->found, s->found == 1 ? "y" : "ies",
			       (unsigned long long)s->where);
	}
	return bad;
}

/* How many copies each key had, in one line. */
static void copies_log(struct __test_metadata *_metadata, const char *when)
{
	long lo = -1, hi = 0, sum = 0;
	int i;

	for (i = 0; i < g_nsec; i++) {
		if (lo < 0 || g_sec[i].found < lo)
			lo = g_sec[i].found;
		if (g_sec[i].found > hi)
			hi = g_sec[i].found;
		sum += g_sec[i].found;
	}
	TH_LOG("%s: %d keys, %ld copies (%ld to %ld each; kernel text and the "
	       "direct map can show one page twice)", when, g_nsec, sum,
	       lo < 0 ? 0 : lo, hi);
}

/* ---------------------------------------------------------- variants */

struct variant {
	const char *name;
	uint16_t version;
	int cipher;
};

static const struct variant variants[] = {
	{ "12_aes_gcm", TLS_1_2_VERSION, GC_AES_GCM_128 },
	{ "13_aes_gcm", TLS_1_3_VERSION, GC_AES_GCM_128 },
	{ "12_aes_gcm_256", TLS_1_2_VERSION, GC_AES_GCM_256 },
	{ "13_aes_gcm_256", TLS_1_3_VERSION, GC_AES_GCM_256 },
	{ "12_aes_ccm", TLS_1_2_VERSION, GC_AES_CCM_128 },
	{ "13_aes_ccm", TLS_1_3_VERSION, GC_AES_CCM_128 },
	{ "12_chacha", TLS_1_2_VERSION, GC_CHACHA },
	{ "13_chacha", TLS_1_3_VERSION, GC_CHACHA },
	{ "13_sm4_gcm", TLS_1_3_VERSION, GC_SM4_GCM },
	{ "13_sm4_ccm", TLS_1_3_VERSION, GC_SM4_CCM },
	{ "12_aria_gcm", TLS_1_2_VERSION, GC_ARIA_GCM_128 },
	{ "12_aria_gcm_256", TLS_1_2_VERSION, GC_ARIA_GCM_256 },
};
#define NVARIANTS (sizeof(variants) / sizeof(variants[0]))

/*
 * ktls.ko offers every cipher here; Debian's in-tree tls.ko may miss
 * those the kernel has no implementation of (SM4, ARIA).
 */
static int strict(void)
{
	return !access("/sys/module/ktls", F_OK);
}

static char g_ulp[64];

static const char *ulp(void)
{
	if (!g_ulp[0])
		ulp_name(g_ulp, sizeof(g_ulp));
	return g_ulp;
}

/* --------------------------------------------------------------- tests */

TEST(closed_sockets)
{
	int fds[NVARIANTS][2];
	struct secret *k[NVARIANTS][2];
	char what[48];
	size_t v;

	secrets_reset();
	for (v = 0; v < NVARIANTS; v++) {
		const struct ref_cipher *c = &guest_ciphers[variants[v].cipher];
		uint16_t ver = variants[v].version;
		int a, b, rc;

		ASSERT_EQ(loopback_pair(v & 1 ? AF_INET6 : AF_INET, &a, &b), 0);
		fds[v][0] = a;
		fds[v][1] = b;
		k[v][0] = NULL;
		set_timeouts(a, 10);
		set_timeouts(b, 10);
		snprintf(what, sizeof(what), "%s a->b key", variants[v].name);
		rc = set_key(a, ulp(), TLS_TX, ver, c, what, &k[v][0], 0);
		if (rc && errno == ENOENT && !strict()) {
			/* the in-tree module on a kernel without the cipher */
			TH_LOG("%s: not offered by this module",
			       variants[v].name);
			g_nsec--;
			fds[v][0] = a;
			fds[v][1] = b;
			k[v][0] = k[v][1] = NULL;
			continue;
		}
		ASSERT_EQ(rc, 0) TH_LOG("%s: %s", what, strerror(errno));
		EXPECT_TRUE(get_key_is(a, TLS_TX, c, k[v][0]));
		ASSERT_EQ(setsockopt(b, IPPROTO_TCP, TCP_ULP, ulp(),
				     strlen(ulp()) + 1), 0);
		snprintf(what, sizeof(what), "%s b->a key", variants[v].name);
		ASSERT_EQ(set_key(b, NULL, TLS_TX, ver, c, what, &k[v][1], 0),
			  0);
		/* each RX end: the other end's TX crypto_info, key included */
		ASSERT_EQ(copy_tx_to_rx(a, b, c), 0)
			TH_LOG("%s: %s", variants[v].name, strerror(errno));
		ASSERT_EQ(copy_tx_to_rx(b, a, c), 0)
			TH_LOG("%s: %s", variants[v].name, strerror(errno));
		EXPECT_EQ(move(a, b, 20000), 0) TH_LOG("%s", variants[v].name);
		EXPECT_EQ(move(b, a, 30000), 0) TH_LOG("%s", variants[v].name);
		EXPECT_EQ(move(a, b, 1), 0);
		EXPECT_TRUE(get_key_is(b, TLS_RX, c, k[v][0]));
		EXPECT_TRUE(get_key_is(a, TLS_RX, c, k[v][1]));
	}

	ASSERT_GT(scan_ram(_metadata), 0);
	EXPECT_EQ(check_all(_metadata, 1), 0);
	copies_log(_metadata, "while open");

	for (v = 0; v < NVARIANTS; v++) {
		close(fds[v][0]);
		close(fds[v][1]);
	}
	settle();
	ASSERT_GT(scan_ram(_metadata), 0);
	EXPECT_EQ(check_all(_metadata, 0), 0);
	secrets_reset();
}

TEST(refused_setsockopt)
{
	const struct ref_cipher *gcm = &guest_ciphers[GC_AES_GCM_128];
	const struct ref_cipher *gcm256 = &guest_ciphers[GC_AES_GCM_256];
	const struct ref_cipher *chacha = &guest_ciphers[GC_CHACHA];
	struct ref_cipher unknown = *gcm256;
	struct secret *k;
	int a[6], b[6], i;

	secrets_reset();
	unknown.type = 0x7777;
	for (i = 0; i < 6; i++) {
		ASSERT_EQ(loopback_pair(AF_INET, &a[i], &b[i]), 0);
		ASSERT_EQ(setsockopt(a[i], IPPROTO_TCP, TCP_ULP, ulp(),
				     strlen(ulp()) + 1), 0);
	}

	/* crypto_info one byte too long */
	EXPECT_EQ(set_key(a[0], NULL, TLS_TX, TLS_1_2_VERSION, gcm,
			  "length + 1", &k, 1), -1);
	EXPECT_EQ(errno, EINVAL);
	/* TLS_TX twice on TLS 1.2 */
	EXPECT_EQ(set_key(a[1], NULL, TLS_TX, TLS_1_2_VERSION, gcm,
			  "first TX (1.2)", &k, 0), 0);
	EXPECT_EQ(set_key(a[1], NULL, TLS_TX, TLS_1_2_VERSION, gcm,
			  "second TX (1.2)", &k, 0), -1);
	EXPECT_EQ(errno, EBUSY);
	/* RX of another version than TX */
	EXPECT_EQ(set_key(a[2], NULL, TLS_TX, TLS_1_3_VERSION, chacha,
			  "TX (1.3)", &k, 0), 0);
	EXPECT_EQ(set_key(a[2], NULL, TLS_RX, TLS_1_2_VERSION, chacha,
			  "RX of the wrong version", &k, 0), -1);
	EXPECT_EQ(errno, EINVAL);
	/* unknown cipher */
	EXPECT_EQ(set_key(a[3], NULL, TLS_RX, TLS_1_3_VERSION, &unknown,
			  "unknown cipher", &k, 0), -1);
	EXPECT_EQ(errno, EINVAL);
	/* unknown version (TLS 1.1) */
	EXPECT_EQ(set_key(a[4], NULL, TLS_TX, 0x0302, gcm,
			  "TLS 1.1", &k, 0), -1);
	EXPECT_EQ(errno, EINVAL);
	/* TLS 1.3 rekey to another cipher (in-tree before 6.14: EBUSY) */
	EXPECT_EQ(set_key(a[5], NULL, TLS_TX, TLS_1_3_VERSION, gcm,
			  "TX before a bad rekey", &k, 0), 0);
	EXPECT_EQ(set_key(a[5], NULL, TLS_TX, TLS_1_3_VERSION, gcm256,
			  "rekey to another cipher", &k, 0), -1);
	EXPECT_TRUE(errno == EINVAL || errno == EBUSY) TH_LOG("%s",
							     strerror(errno));

	for (i = 0; i < 6; i++) {
		close(a[i]);
		close(b[i]);
	}
	settle();
	ASSERT_GT(scan_ram(_metadata), 0);
	EXPECT_EQ(check_all(_metadata, 0), 0);
	secrets_reset();
}

/* key_update message, update_not_requested (RFC 8446 4.6.3) */
static const uint8_t key_update_msg[] = { 0x18, 0, 0, 1, 0 };

/*
 * One KeyUpdate from TX end T to RX end R: T sends the message and takes
 * the next key, R reads up to it, sees EKEYEXPIRED, takes the same key.
 */
static void rekey_one(struct __test_metadata *_metadata, int t, int r,
		      const struct ref_cipher *c, const char *what,
		      struct secret **next)
{
	uint8_t buf[64];
	int type;

	ASSERT_EQ(send_type(t, 22, key_update_msg, sizeof(key_update_msg)),
		  sizeof(key_update_msg));
	ASSERT_EQ(set_key(t, NULL, TLS_TX, TLS_1_3_VERSION, c, what, next, 0),
		  0) TH_LOG("TX rekey: %s", strerror(errno));
	ASSERT_EQ(recv_type(r, buf, sizeof(buf), 0, &type),
		  sizeof(key_update_msg));
	ASSERT_EQ(type, 22);
	EXPECT_EQ(recv(r, buf, sizeof(buf), MSG_DONTWAIT), -1);
	EXPECT_EQ(errno, EKEYEXPIRED);
	/* R's new crypto_info: T's as it is now (iv, salt, rec_seq) */
	EXPECT_TRUE(get_key_is(t, TLS_TX, c, *next));
	EXPECT_EQ(copy_tx_to_rx(t, r, c), 0)
			TH_LOG("%s", strerror(errno));
}

TEST(rekey_drops_old)
{
	static const int ciphers[] = { GC_AES_GCM_128, GC_CHACHA, GC_SM4_GCM };
	struct secret *old[3][2], *cur[3][2];
	int a[3], b[3], i, j;
	char what[64];

	secrets_reset();
	for (i = 0; i < 3; i++) {
		const struct ref_cipher *c = &guest_ciphers[ciphers[i]];

		ASSERT_EQ(loopback_pair(AF_INET, &a[i], &b[i]), 0);
		set_timeouts(a[i], 10);
		set_timeouts(b[i], 10);
		for (j = 0; j < 2; j++) {
			int t = j ? b[i] : a[i], r = j ? a[i] : b[i];

			snprintf(what, sizeof(what), "%s %s first key",
				 c->evp, j ? "b->a" : "a->b");
			ASSERT_EQ(set_key(t, j ? NULL : ulp(), TLS_TX,
					  TLS_1_3_VERSION, c, what, &old[i][j],
					  0), 0);
			if (!j)
				ASSERT_EQ(setsockopt(r, IPPROTO_TCP, TCP_ULP,
						     ulp(), strlen(ulp()) + 1),
					  0);
			ASSERT_EQ(copy_tx_to_rx(t, r, c), 0)
			TH_LOG("%s", strerror(errno));
		}
		for (j = 0; j < 2; j++) {
			int t = j ? b[i] : a[i], r = j ? a[i] : b[i];

			EXPECT_EQ(move(t, r, 10000), 0);
			snprintf(what, sizeof(what), "%s %s next key",
				 c->evp, j ? "b->a" : "a->b");
			rekey_one(_metadata, t, r, c, what, &cur[i][j]);
			EXPECT_EQ(move(t, r, 10000), 0);
		}
	}
	ASSERT_GT(scan_ram(_metadata), 0);
	for (i = 0; i < 3; i++)
		for (j = 0; j < 2; j++) {
			EXPECT_EQ(old[i][j]->found, 0)
				TH_LOG("%s: %ld copies, first at 0x%llx",
				       old[i][j]->what, old[i][j]->found,
				       (unsigned long long)old[i][j]->where);
			EXPECT_GT(cur[i][j]->found, 0)
				TH_LOG("%s: not found while in use",
				       cur[i][j]->what);
		}
	for (i = 0; i < 3; i++) {
		close(a[i]);
		close(b[i]);
	}
	secrets_reset();
}

int main(int argc, char **argv)
{
	harness_set_timeouts(300);
	return test_harness_run(argc, argv);
}
