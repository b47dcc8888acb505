/* SPDX-License-Identifier: GPL-2.0 */
/* stress_util.h - shared helpers of the fuzz, soak and lifecycle suites. */
/*
 * Header-only on purpose: tests/vm/Makefile turns every .c in this folder into
 * its own program (ksft_filter.c, the harness wrapper, aside). Include after
 * kselftest_harness.h and peer_ref.h; the socket helpers are net_util.h's.
 *
 *   seeded PRNG (splitmix64), env knobs, kTLS setup of one direction with
 *   seeded keys, the module's TlsCurr* gauges, and a harness time limit set
 *   at run time (the suites run for a time taken from the environment,
 *   which a compile-time TEST_F_TIMEOUT cannot know).
 */
#ifndef KTLS_STRESS_UTIL_H
#define KTLS_STRESS_UTIL_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/tls.h>

#include "net_util.h"

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

/* ---------------------------------------------------------- kTLS */

/*
 * Fill D with keys from R for VERSION and cipher C, and the matching
 * crypto_info into CI (64 bytes); returns the crypto_info length.
 */
static inline size_t stress_dir_init(struct srng *r, struct ref_dir *d,
				     uint16_t version,
				     const struct ref_cipher *c, uint8_t *ci)
{
	uint8_t seq[8];

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
	return ref_dir_crypto_info(d, ci);
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
	int rc;

	if (ulp && setsockopt(fd, IPPROTO_TCP, TCP_ULP, ulp, strlen(ulp) + 1))
		return -1;
	rc = setsockopt(fd, SOL_TLS, opt, ci, ref_dir_crypto_info(d, ci));
	explicit_bzero(ci, sizeof(ci));
	return rc;
}

/* ------------------------------------------------------- counters */

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
