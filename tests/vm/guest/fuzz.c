// SPDX-License-Identifier: GPL-2.0
/* fuzz.c - seeded record fuzzer against kernel kTLS RX, with exact errnos. */
/*
 * Each case is a fresh loopback TCP pair: the kernel end has the ULP and
 * TLS_RX with random keys, the other end is a plain socket that a writer
 * thread feeds with bytes built by peer_ref.h. A case is
 *
 *   0-5 valid records  data (0 B .. 2^14, TLS 1.3 padding), alert,
 *                      handshake, change_cipher_spec, other non-zero types
 *   0-1 bad record     one mutation, below, with the errno record.h
 *                      documents (header checks in upstream's order:
 *                      EMSGSIZE, then EBADMSG, then EINVAL; a record that
 *                      does not authenticate: EBADMSG, sticky)
 *   filler             random bytes, so a record whose length grew is
 *                      complete and the answer never depends on a timeout
 *
 * written whole, in random chunks, or byte by byte at first (TCP_NODELAY).
 * The reader checks that every valid record before the bad one arrives
 * intact (data may merge across records, a control record comes alone with
 * its type), then the errno, then that a second read returns no data
 * (EBADMSG again for authentication failures). Nothing may block longer
 * than SO_RCVTIMEO (5 s).
 *
 * One upstream quirk is allowed, once per case where it can happen: a read
 * that starts at an empty data record followed by a control record
 * consumes the empty record, stops at the type change and returns 0 (with
 * type 23) although the stream is not at EOF. Debian's 6.1 tls.ko does
 * this, and so does ktls.
 *
 * Mutations: bit flip in the type (EBADMSG: the type is in the AAD, TLS
 * 1.3 included, where ktls authenticates the header as received, RFC 8446
 * 5.2; upstream reads such a 1.3 record as sent, issue 16), version
 * (EINVAL), length (by the header checks, else EBADMSG), body or tag
 * (EBADMSG); a random non-zero mask XORed into a random header byte (by
 * the byte: type EBADMSG, version EINVAL, length as a length bit flip);
 * length 0, below the minimum, above the maximum; truncated with
 * the length fixed up, truncated in the stream, truncated at EOF (read
 * returns 0); wrong sequence number; random header and body; TLS 1.3 inner
 * plaintext of zeros only (EBADMSG) and padding past the limit (EMSGSIZE).
 * Handshake records never start with KeyUpdate (24): TLS 1.3 RX pauses at
 * one in ktls (EKEYEXPIRED), not in 6.1's in-tree module.
 *
 * Env: KTLS_FUZZ_SEED (printed; default from the clock), KTLS_FUZZ_SECONDS
 * (all variants together, default 20), KTLS_FUZZ_CASES (per variant,
 * instead of a time: with the seed, a run is then reproducible case for
 * case). A failure names its case; KTLS_FUZZ_SEED=S KTLS_FUZZ_CASES=N
 * replays cases 0..N-1 of every variant. A mutated record read as data
 * fails its case and is counted ("accepted mutated records").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <linux/tls.h>

#include "kselftest_harness.h"
#include "peer_ref.h"
#include "stress_util.h"

#define NVARIANTS	5		/* the V() lines below */
#define MAX_VALID	5
#define WIRE_MAX	(6 * (REF_MAX_PT + 600) + 2 * REF_MAX_PT)
#define READ_BUF	(REF_MAX_PT + 1024)

static uint64_t g_seed;
/* CI default: a seed that has run clean, cases per variant */
#define KTLS_FUZZ_CI_SEED	"0x660ec6e21861a"
#define KTLS_FUZZ_CI_CASES	500
static unsigned long g_default_cases;

enum mut {
	M_NONE, M_FLIP_TYPE, M_FLIP_VERSION, M_FLIP_LEN, M_FLIP_BODY,
	M_LEN_ZERO, M_LEN_SHORT, M_LEN_OVER, M_TRUNC_FIXLEN, M_TRUNC_STREAM,
	M_TRUNC_EOF, M_WRONG_SEQ, M_RANDOM_HDR, M_FLIP_HDR, M_13_ALL_PAD,
	M_13_PAD_OVER, M_COUNT
};

static const char *const mut_name[M_COUNT] = {
	"none", "flip_type", "flip_version", "flip_len", "flip_body",
	"len_zero", "len_short", "len_over", "trunc_fixlen", "trunc_stream",
	"trunc_eof", "wrong_seq", "random_hdr", "flip_hdr", "13_all_pad",
	"13_pad_over",
};

/* What the reader must get, in order: data runs and control records. */
struct item {
	int type;		/* 23 data (merged run), else one control record */
	size_t off, len;	/* into case.plain */
	int after_empty;	/* control after an empty data record: see below */
};

struct fcase {
	struct ref_dir d;
	uint8_t *wire, *plain;
	size_t wire_len, plain_len, bad_off;
	struct item items[2 * MAX_VALID + 2];
	int nitems;
	int expect;		/* 0 none, -1 EOF, else errno */
	int hdr_err;		/* found by the header checks: not sticky */
	enum mut m;
	int chunking;		/* 0 whole, 1 random chunks, 2 bytes first */
	int shut;		/* writer shuts down after the bytes */
	int records;		/* records in this case (valid + bad) */
	int pending_empty;	/* an empty data record since the last content */
};

struct writer {
	int fd;
	const uint8_t *buf;
	size_t len;
	int chunking, shut;
	uint64_t seed;
};

struct counts {
	unsigned long cases, records, valid, bytes;
	unsigned long by_errno[4];	/* EBADMSG, EMSGSIZE, EINVAL, EOF */
	unsigned long by_mut[M_COUNT];
	unsigned long second[4];	/* after a header error: EAGAIN, same, other, data */
	unsigned long empty_reads;	/* reads that returned 0 at an empty record */
	unsigned long hdr_flips;	/* cases with a header byte changed */
	unsigned long accepted;		/* mutated records read as data: 0 */
};

/* ---------------------------------------------------------- building */

static size_t min_len(const struct ref_dir *d)
{
	return REF_TAG + (ref_is_12_explicit(d) ? 8 : 0);
}

static size_t max_len(const struct ref_dir *d)
{
	return ref_overhead(d) - REF_HDR + REF_MAX_PT;
}

static void add_item(struct fcase *c, int type, size_t off, size_t len)
{
	struct item *last = c->nitems ? &c->items[c->nitems - 1] : NULL;

	if (type == REF_TYPE_DATA) {
		c->pending_empty = !len;
		if (!len)
			return;
	}
	if (type == REF_TYPE_DATA && last && last->type == REF_TYPE_DATA) {
		last->len += len;
		return;
	}
	c->items[c->nitems].type = type;
	c->items[c->nitems].off = off;
	c->items[c->nitems].len = len;
	c->items[c->nitems].after_empty = type != REF_TYPE_DATA &&
					  c->pending_empty;
	if (type != REF_TYPE_DATA)
		c->pending_empty = 0;
	c->nitems++;
}

static int pick_type(struct srng *r)
{
	uint32_t k = srng_below(r, 20);

	if (k < 14)
		return REF_TYPE_DATA;
	if (k < 16)
		return REF_TYPE_ALERT;
	if (k < 18)
		return REF_TYPE_HS;
	if (k < 19)
		return 20;		/* change_cipher_spec */
	do {
		k = srng_range(r, 1, 255);
	} while (k == REF_TYPE_DATA);
	return k;
}

static size_t pick_len(struct srng *r, int type)
{
	uint32_t k = srng_below(r, 10);

	if (type == REF_TYPE_ALERT)
		return 2;
	if (type != REF_TYPE_DATA)
		return srng_range(r, 1, k < 8 ? 64 : 2000);
	if (k < 1)
		return 0;
	if (k < 5)
		return srng_range(r, 1, 64);
	if (k < 8)
		return srng_range(r, 65, 2000);
	return srng_range(r, 2001, REF_MAX_PT);
}

/* Seal one valid record at the end of the wire; its plaintext to plain. */
static int put_valid(struct srng *r, struct fcase *c)
{
	int type = pick_type(r);
	size_t len = pick_len(r, type), pad = 0;
	uint8_t *pt = c->plain + c->plain_len;
	ssize_t n;

	srng_fill(r, pt, len);
	if (type == REF_TYPE_HS && len && pt[0] == 24)
		pt[0] = 1;		/* never a KeyUpdate */
	if (c->d.version == REF_V13 && srng_below(r, 4) == 0)
		pad = srng_below(r, REF_MAX_PT - len + 1) %
		      (srng_below(r, 2) ? 32 : REF_MAX_PT + 1);
	n = ref_seal(&c->d, type, pt, len, pad, c->wire + c->wire_len);
	if (n < 0)
		return -1;
	c->wire_len += n;
	add_item(c, type, c->plain_len, len);
	c->plain_len += len;
	c->records++;
	return 0;
}

static enum mut pick_mut(struct srng *r, uint16_t version)
{
	enum mut m;

	do {
		m = srng_below(r, M_COUNT);
	} while (version != REF_V13 && (m == M_13_ALL_PAD || m == M_13_PAD_OVER));
	return m;
}

/* The errno of a header, by the checks in upstream's order; 0 if it passes. */
static int hdr_errno(const struct ref_dir *d, const uint8_t *h)
{
	size_t len = (size_t)h[3] << 8 | h[4];

	if (len > max_len(d))
		return EMSGSIZE;
	if (len < min_len(d))
		return EBADMSG;
	if (h[1] != 3 || h[2] != 3)
		return EINVAL;
	return 0;
}

static void set_len(uint8_t *rec, size_t len)
{
	rec[3] = len >> 8;
	rec[4] = len;
}

/* The errno of a record whose header byte BYTE (0-4) was changed. */
static int flip_errno(const struct ref_dir *d, const uint8_t *h, int byte)
{
	if (byte == 0)
		return EBADMSG;		/* authenticated: 1.2 and 1.3 */
	return hdr_errno(d, h) ?: EBADMSG;
}

/* Append the bad record of mutation M; sets c->expect. */
static int put_bad(struct srng *r, struct fcase *c, enum mut m)
{
	uint8_t *rec = c->wire + c->wire_len, *pt = c->plain + c->plain_len;
	size_t len = srng_range(r, 0, 300), rl, body;
	int type = srng_below(r, 4) ? REF_TYPE_DATA : REF_TYPE_ALERT;
	ssize_t n;
	int e;

	/*
	 * A control record is read with its type; an empty one would be
	 * left unread (its item has no bytes) and fail the final EAGAIN.
	 */
	if (type != REF_TYPE_DATA && !len)
		len = 2;
	srng_fill(r, pt, len);
	c->bad_off = c->wire_len;
	c->records++;
	if (m == M_13_ALL_PAD) {
		memset(pt, 0, len);
		n = ref_seal(&c->d, 0, pt, len, srng_below(r, 40), rec);
		c->expect = EBADMSG;
		goto out;
	}
	if (m == M_13_PAD_OVER) {
		len = srng_range(r, 0, REF_MAX_PT);
		srng_fill(r, pt, len);
		n = ref_seal(&c->d, type, pt, len,
			     REF_MAX_PT - len + srng_range(r, 1, 255), rec);
		c->expect = EMSGSIZE;
		goto out;
	}
	if (m == M_WRONG_SEQ)
		c->d.seq += srng_range(r, 1, 1000);
	n = ref_seal(&c->d, type, pt, len, 0, rec);
	if (n < 0)
		return -1;
	rl = n;
	body = rl - REF_HDR;
	c->expect = EBADMSG;
	switch (m) {
	case M_FLIP_TYPE:
		rec[0] ^= 1 << srng_below(r, 8);
		break;
	case M_FLIP_VERSION:
		rec[1 + srng_below(r, 2)] ^= 1 << srng_below(r, 8);
		c->expect = EINVAL;
		break;
	case M_FLIP_LEN:
		rec[3 + srng_below(r, 2)] ^= 1 << srng_below(r, 8);
		c->expect = hdr_errno(&c->d, rec) ?: EBADMSG;
		break;
	case M_FLIP_BODY:
		rec[REF_HDR + srng_below(r, body)] ^= 1 << srng_below(r, 8);
		break;
	case M_LEN_ZERO:
		set_len(rec, 0);
		break;
	case M_LEN_SHORT:
		set_len(rec, srng_below(r, min_len(&c->d)));
		break;
	case M_LEN_OVER:
		set_len(rec, srng_range(r, max_len(&c->d) + 1, 0xffff));
		c->expect = EMSGSIZE;
		break;
	case M_TRUNC_FIXLEN:
		body = srng_below(r, body);
		set_len(rec, body);
		n = REF_HDR + body;
		break;
	case M_TRUNC_STREAM:
		n -= srng_range(r, 1, body);
		break;
	case M_TRUNC_EOF:
		n -= srng_range(r, 1, rl);
		c->expect = -1;
		c->shut = 1;
		break;
	case M_FLIP_HDR:
		e = srng_below(r, REF_HDR);
		rec[e] ^= srng_range(r, 1, 255);
		c->expect = flip_errno(&c->d, rec, e);
		break;
	case M_RANDOM_HDR:
		srng_fill(r, rec, rl);
		if (srng_below(r, 2))		/* mostly past the version check */
			rec[1] = rec[2] = 3;
		if (srng_below(r, 2))
			set_len(rec, srng_range(r, min_len(&c->d), max_len(&c->d)));
		e = hdr_errno(&c->d, rec);
		c->expect = e ?: EBADMSG;
		break;
	default:
		break;
	}
out:
	if (n < 0)
		return -1;
	c->hdr_err = c->expect > 0 && hdr_errno(&c->d, rec);
	c->wire_len += n;
	return 0;
}

static int build_case(struct srng *r, struct fcase *c, uint16_t version,
		      const struct ref_cipher *ciph, const char *ulp, int kfd)
{
	int nvalid = srng_range(r, 0, MAX_VALID), i;

	c->wire_len = c->plain_len = 0;
	c->nitems = c->records = c->pending_empty = 0;
	c->expect = c->shut = c->hdr_err = 0;
	if (ktls_attach(kfd, ulp, TLS_RX, r, &c->d, version, ciph))
		return -errno;
	for (i = 0; i < nvalid; i++)
		if (put_valid(r, c))
			return -ENOMEM;
	c->m = srng_below(r, 8) ? pick_mut(r, version) : M_NONE;
	if (c->m != M_NONE && put_bad(r, c, c->m))
		return -ENOMEM;
	if (c->expect > 0) {	/* filler: a grown length is always complete */
		srng_fill(r, c->wire + c->wire_len, max_len(&c->d) + REF_HDR);
		c->wire_len += max_len(&c->d) + REF_HDR;
	}
	c->chunking = srng_below(r, 3);
	return 0;
}

/* ------------------------------------------------------------ writer */

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	struct srng r = { w->seed };
	size_t off = 0, n;
	int one = 1;
	ssize_t s;

	if (w->chunking)
		setsockopt(w->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	while (off < w->len) {
		n = w->len - off;
		if (w->chunking == 1)
			n = srng_range(&r, 1, 4096);
		else if (w->chunking == 2 && off < 600)
			n = 1;
		if (n > w->len - off)
			n = w->len - off;
		s = send(w->fd, w->buf + off, n, MSG_NOSIGNAL);
		if (s <= 0)
			return NULL;	/* the reader gave up and closed */
		off += s;
	}
	if (w->shut)
		shutdown(w->fd, SHUT_WR);
	return NULL;
}

/* ------------------------------------------------------------ reader */

static int errno_slot(int e)
{
	switch (e) {
	case EBADMSG: return 0;
	case EMSGSIZE: return 1;
	case EINVAL: return 2;
	default: return 3;
	}
}

/*
 * Read everything valid, then the error. Returns 0, or -1 with a message
 * in WHY.
 */
static int check_case(struct srng *r, struct fcase *c, int kfd,
		      struct counts *k, char *why, size_t wl)
{
	static uint8_t buf[READ_BUF];
	size_t want, got;
	ssize_t n;
	int i, type, e;

	for (i = 0; i < c->nitems; i++) {
		struct item *it = &c->items[i];

		for (got = 0; got < it->len; got += n) {
			want = READ_BUF;
			if (it->type == REF_TYPE_DATA && srng_below(r, 2))
				want = srng_range(r, 1, srng_below(r, 2) ?
						  64 : READ_BUF);
			n = recv_type(kfd, buf, want, 0, &type);
			if (!n && type == REF_TYPE_DATA && it->after_empty) {
				it->after_empty = 0;	/* upstream: see top */
				k->empty_reads++;
				continue;
			}
			if (n <= 0) {
				snprintf(why, wl, "item %d (type %d, %zu of %zu B read): recv %zd (%s)",
					 i, it->type, got, it->len, n,
					 n ? strerror(errno) : "EOF");
				return -1;
			}
			if (type != it->type || (size_t)n > it->len - got ||
			    (it->type != REF_TYPE_DATA && (size_t)n != it->len)) {
				snprintf(why, wl, "item %d: got %zd B type %d, want type %d, %zu B left",
					 i, n, type, it->type, it->len - got);
				return -1;
			}
			if (memcmp(buf, c->plain + it->off + got, n)) {
				snprintf(why, wl, "item %d: %zd B at %zu differ",
					 i, n, got);
				return -1;
			}
			k->bytes += n;
		}
	}
	if (!c->expect) {
		n = recv(kfd, buf, READ_BUF, MSG_DONTWAIT);
		if (n != -1 || errno != EAGAIN) {
			snprintf(why, wl, "after the last record: recv %zd (%s), want EAGAIN",
				 n, n < 0 ? strerror(errno) : "data");
			return -1;
		}
		return 0;
	}
	n = recv_type(kfd, buf, READ_BUF, 0, &type);
	e = n < 0 ? errno : 0;
	if (n > 0)
		k->accepted++;
	if (c->expect < 0) {
		if (n != 0) {
			snprintf(why, wl, "truncated record at EOF: recv %zd (%s), want 0",
				 n, n < 0 ? strerror(e) : "data");
			return -1;
		}
		k->by_errno[3]++;
		return 0;
	}
	if (n != -1 || e != c->expect) {
		snprintf(why, wl, "bad record: recv %zd (%s), want %s", n,
			 n < 0 ? strerror(e) : "data", strerror(c->expect));
		return -1;
	}
	k->by_errno[errno_slot(e)]++;
	n = recv(kfd, buf, READ_BUF, MSG_DONTWAIT);
	e = n < 0 ? errno : 0;
	if (!c->hdr_err && (n != -1 || e != EBADMSG)) {
		snprintf(why, wl, "EBADMSG not sticky: then recv %zd (%s)", n,
			 n < 0 ? strerror(e) : "data");
		return -1;
	}
	if (c->hdr_err) {
		k->second[n >= 0 ? 3 : e == EAGAIN ? 0 : e == c->expect ? 1 : 2]++;
		if (n >= 0) {
			snprintf(why, wl, "after %s (header): recv %zd, want no data",
				 strerror(c->expect), n);
			return -1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------- cases */

static int run_case(struct fcase *c, uint64_t seed, uint16_t version,
		    const struct ref_cipher *ciph, const char *ulp,
		    struct counts *k, char *why, size_t wl)
{
	struct srng r = { seed };
	struct writer w;
	pthread_t th;
	int kfd, pfd, rc;

	if (loopback_pair(AF_INET, &kfd, &pfd)) {
		snprintf(why, wl, "TCP pair: %s", strerror(errno));
		return -1;
	}
	set_timeouts(kfd, 5);
	set_timeouts(pfd, 5);
	rc = build_case(&r, c, version, ciph, ulp, kfd);
	if (rc) {
		snprintf(why, wl, "setup: %s", strerror(-rc));
		close(kfd);
		close(pfd);
		return -1;
	}
	w = (struct writer){ pfd, c->wire, c->wire_len, c->chunking, c->shut,
			     srng_next(&r) };
	if (pthread_create(&th, NULL, writer_main, &w)) {
		snprintf(why, wl, "pthread_create failed");
		close(kfd);
		close(pfd);
		return -1;
	}
	rc = check_case(&r, c, kfd, k, why, wl);
	close(kfd);
	pthread_join(th, NULL);
	close(pfd);
	k->cases++;
	k->records += c->records;
	k->by_mut[c->m]++;
	k->hdr_flips += c->m == M_FLIP_TYPE || c->m == M_FLIP_VERSION ||
			c->m == M_FLIP_LEN || c->m == M_FLIP_HDR;
	return rc;
}

FIXTURE(fuzz) {
	struct fcase c;
};

FIXTURE_VARIANT(fuzz) {
	uint16_t version;
	const struct ref_cipher *cipher;
	int index;
	const char *name;
};

#define V(vname, ver, ciph, i)						\
	FIXTURE_VARIANT_ADD(fuzz, vname) {				\
		.version = ver, .cipher = &guest_ciphers[ciph], .index = i,		\
		.name = #vname,						\
	}

V(12_aes_gcm, TLS_1_2_VERSION, GC_AES_GCM_128, 0);
V(13_aes_gcm, TLS_1_3_VERSION, GC_AES_GCM_128, 1);
V(13_chacha, TLS_1_3_VERSION, GC_CHACHA, 2);
V(12_chacha, TLS_1_2_VERSION, GC_CHACHA, 3);
V(13_aes_ccm, TLS_1_3_VERSION, GC_AES_CCM_128, 4);

FIXTURE_SETUP(fuzz)
{
	self->c.wire = malloc(WIRE_MAX);
	self->c.plain = malloc(WIRE_MAX);
	ASSERT_NE(self->c.wire, NULL);
	ASSERT_NE(self->c.plain, NULL);
}

FIXTURE_TEARDOWN(fuzz)
{
	free(self->c.wire);
	free(self->c.plain);
}

static void print_counts(const char *name, const struct counts *k,
			 double secs)
{
	int i;

	fprintf(stderr, "# %s: %lu records in %lu cases, %.1f s, %lu plaintext bytes checked; errors: EBADMSG %lu, EMSGSIZE %lu, EINVAL %lu, EOF %lu; after a header error: EAGAIN %lu, same errno %lu, other %lu; 0-byte reads at an empty data record %lu\n",
		name, k->records, k->cases, secs, k->bytes, k->by_errno[0],
		k->by_errno[1], k->by_errno[2], k->by_errno[3], k->second[0],
		k->second[1], k->second[2], k->empty_reads);
	fprintf(stderr, "# %s: %lu cases with a header byte changed (flip_type, flip_version, flip_len, flip_hdr); accepted mutated records %lu\n",
		name, k->hdr_flips, k->accepted);
	fprintf(stderr, "# %s: cases by mutation:", name);
	for (i = 0; i < M_COUNT; i++)
		fprintf(stderr, " %s %lu", mut_name[i], k->by_mut[i]);
	fprintf(stderr, "\n");
}

TEST_F(fuzz, records)
{
	double secs = env_ul("KTLS_FUZZ_SECONDS", 20) / (double)NVARIANTS;
	unsigned long ncases = env_ul("KTLS_FUZZ_CASES", g_default_cases), i;
	double start = now_s(), end = start + secs;
	struct counts k = { 0 };
	char ulp[64], why[256];
	uint64_t base = g_seed ^ ((uint64_t)variant->index << 48);

	ulp_name(ulp, sizeof(ulp));
	for (i = 0; ncases ? i < ncases : now_s() < end; i++) {
		if (run_case(&self->c, base + i, variant->version,
			     variant->cipher, ulp, &k, why, sizeof(why))) {
			print_counts(variant->name, &k, now_s() - start);
			ASSERT_TRUE(0) {
				TH_LOG("case %lu (seed %#llx, mutation %s, chunking %d, %d records): %s",
				       i, (unsigned long long)g_seed,
				       mut_name[self->c.m], self->c.chunking,
				       self->c.records, why);
			}
		}
	}
	print_counts(variant->name, &k, now_s() - start);
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	/*
	 * With no settings at all (CI), a fixed seed and case count: the
	 * run is the same on every machine. Any setting makes it explore.
	 */
	if (!getenv("KTLS_FUZZ_SEED") && !getenv("KTLS_FUZZ_CASES") &&
	    !getenv("KTLS_FUZZ_SECONDS")) {
		setenv("KTLS_FUZZ_SEED", KTLS_FUZZ_CI_SEED, 0);
		g_default_cases = KTLS_FUZZ_CI_CASES;
	}
	g_seed = env_seed("KTLS_FUZZ_SEED");
	printf("# fuzz: KTLS_FUZZ_SEED=%#llx KTLS_FUZZ_SECONDS=%lu\n",
	       (unsigned long long)g_seed, env_ul("KTLS_FUZZ_SECONDS", 20));
	fflush(stdout);
	harness_set_timeouts(env_ul("KTLS_FUZZ_SECONDS", 20) / NVARIANTS + 60);
	return test_harness_run(argc, argv);
}
