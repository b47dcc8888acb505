/* SPDX-License-Identifier: GPL-2.0 */
/* stress_util.h - shared helpers of the fuzz, soak and lifecycle suites. */
/*
 * Header-only on purpose: build-guest.sh turns every .c in this folder into
 * its own program. Include after kselftest_harness.h and peer_ref.h.
 *
 *   seeded PRNG (splitmix64), env knobs, loopback TCP pairs, kTLS setup of
 *   one direction from a struct ref_dir, the module's counters file, and a
 *   harness time limit set at run time (the suites run for a time taken
 *   from the environment, which a compile-time TEST_F_TIMEOUT cannot know).
 */
#ifndef KTLS_STRESS_UTIL_H
#define KTLS_STRESS_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/tls.h>

#ifndef SOL_TLS
#define SOL_TLS 282
#endif
#ifndef TCP_ULP
#define TCP_ULP 31
#endif

/* ------------------------------------------------------------ PRNG */

struct srng {
	uint64_t s;
};

static inline uint64_t srng_next(struct srng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n); n > 0. */
static inline uint32_t srng_below(struct srng *r, uint32_t n)
{
	return (uint32_t)(srng_next(r) % n);
}

/* Uniform in [lo, hi]. */
static inline uint32_t srng_range(struct srng *r, uint32_t lo, uint32_t hi)
{
	return lo + srng_below(r, hi - lo + 1);
}

static inline void srng_fill(struct srng *r, void *p, size_t len)
{
	uint8_t *b = p;
	uint64_t v;
	size_t n;

	while (len) {
		v = srng_next(r);
		n = len < 8 ? len : 8;
		memcpy(b, &v, n);
		b += n;
		len -= n;
	}
}

/* ---------------------------------------------------------- environment */

static inline unsigned long env_ul(const char *name, unsigned long def)
{
	const char *s = getenv(name);
	char *end;
	unsigned long v;

	if (!s || !*s)
		return def;
	v = strtoul(s, &end, 0);
	return *end ? def : v;
}

/* The seed: $NAME if set, else from the clock; always printed by callers. */
static inline uint64_t env_seed(const char *name)
{
	struct timespec ts;
	const char *s = getenv(name);

	if (s && *s)
		return strtoull(s, NULL, 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000003ULL ^ (uint64_t)ts.tv_nsec;
}

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Give every test of this program a harness time limit of SECS: the
 * suites run for a time read from the environment.
 */
static inline void harness_set_timeouts(int secs)
{
	struct __fixture_metadata *f;
	struct __test_metadata *t;

	for (f = __fixture_list; f; f = f->next)
		for (t = f->tests; t; t = t->next)
			t->timeout = secs;
}

/* ---------------------------------------------------------- sockets */

/* A connected loopback TCP pair; 0 or -1 with errno. */
static inline int tcp_pair_raw(int *a, int *b)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int l, one = 1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	*a = *b = -1;
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0)
		return -1;
	if (setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(l, (void *)&sa, sizeof(sa)) || listen(l, 1) ||
	    getsockname(l, (void *)&sa, &sl))
		goto fail;
	*a = socket(AF_INET, SOCK_STREAM, 0);
	if (*a < 0 || connect(*a, (void *)&sa, sl))
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

static inline int set_timeouts(int fd, int secs)
{
	struct timeval tv = { .tv_sec = secs };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		return -1;
	return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/*
 * Fill D with keys from R for VERSION and cipher C, and the matching
 * crypto_info into CI (64 bytes); returns the crypto_info length.
 */
static inline size_t stress_dir_init(struct srng *r, struct ref_dir *d,
				     uint16_t version,
				     const struct ref_cipher *c, uint8_t *ci)
{
	uint8_t seq[8];
	size_t off = 4;

	memset(d, 0, sizeof(*d));
	d->version = version;
	d->c = c;
	srng_fill(r, d->key, c->key_len);
	srng_fill(r, d->salt, c->salt_len);
	srng_fill(r, d->iv, c->iv_len);
	srng_fill(r, seq, 8);
	seq[0] &= 0x7f;		/* far from the 2^64 wrap */
	d->seq = ref_get_be64(seq);
	d->explicit_nonce = srng_next(r);
	memcpy(ci, &version, 2);
	memcpy(ci + 2, &c->type, 2);
	memcpy(ci + off, d->iv, c->iv_len);
	off += c->iv_len;
	memcpy(ci + off, d->key, c->key_len);
	off += c->key_len;
	memcpy(ci + off, d->salt, c->salt_len);
	off += c->salt_len;
	memcpy(ci + off, seq, 8);
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

/* Attach the ULP and set TLS_TX or TLS_RX (OPT) from D; 0 or -1. */
static inline int ktls_attach(int fd, const char *ulp, int opt,
			      struct srng *r, struct ref_dir *d,
			      uint16_t version, const struct ref_cipher *c)
{
	uint8_t ci[64];
	size_t len;
	int rc;

	if (ulp && setsockopt(fd, IPPROTO_TCP, TCP_ULP, ulp, strlen(ulp) + 1))
		return -1;
	len = stress_dir_init(r, d, version, c, ci);
	rc = setsockopt(fd, SOL_TLS, opt, ci, len);
	explicit_bzero(ci, sizeof(ci));
	return rc;
}

/* Same keys for the other end: its crypto_info from D as it is now. */
static inline int ktls_attach_same(int fd, const char *ulp, int opt,
				   const struct ref_dir *d)
{
	uint8_t ci[64];
	size_t off = 4;
	const struct ref_cipher *c = d->c;
	uint8_t seq[8];
	int rc;

	if (ulp && setsockopt(fd, IPPROTO_TCP, TCP_ULP, ulp, strlen(ulp) + 1))
		return -1;
	memcpy(ci, &d->version, 2);
	memcpy(ci + 2, &c->type, 2);
	memcpy(ci + off, d->iv, c->iv_len);
	off += c->iv_len;
	memcpy(ci + off, d->key, c->key_len);
	off += c->key_len;
	memcpy(ci + off, d->salt, c->salt_len);
	off += c->salt_len;
	ref_be64(seq, d->seq);
	memcpy(ci + off, seq, 8);
	rc = setsockopt(fd, SOL_TLS, opt, ci, off + 8);
	explicit_bzero(ci, sizeof(ci));
	return rc;
}

/* ------------------------------------------------------- counters */

/* Path of the counters file (/proc/net/<ulp>_stat); 0 or -1. */
static inline int stat_path(char *buf, size_t len)
{
	char ulp[64];

	ulp_name(ulp, sizeof(ulp));
	snprintf(buf, len, "/proc/net/%s_stat", ulp);
	return access(buf, R_OK);
}

/*
 * Sum of the TlsCurr* gauges; names and values of the non-zero ones go to
 * WHY. -1 when there is no counters file.
 */
static inline long gauges_sum(char *why, size_t len)
{
	char path[128], name[64];
	long v, sum = 0;
	size_t used = 0;
	FILE *f;

	if (why && len)
		why[0] = 0;
	if (stat_path(path, sizeof(path)))
		return -1;
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", name, &v) == 2) {
		if (strncmp(name, "TlsCurr", 7) || !v)
			continue;
		sum += v;
		if (why && used < len)
			used += snprintf(why + used, len - used, "%s=%ld ",
					 name, v);
	}
	fclose(f);
	return sum;
}

/* Poll until the gauges are 0 (sockets close asynchronously). */
static inline long gauges_settle(double secs, char *why, size_t len)
{
	double end = now_s() + secs;
	long s;

	for (;;) {
		s = gauges_sum(why, len);
		if (s <= 0 || now_s() > end)
			return s;
		usleep(20000);
	}
}

#endif /* KTLS_STRESS_UTIL_H */
