/* SPDX-License-Identifier: GPL-2.0 */
/* ktls.h - per-socket context and the interfaces between the module's files. */
#ifndef KTLS_H
#define KTLS_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <linux/list.h>
#include <linux/scatterlist.h>
#include <linux/wait.h>
#include <linux/skmsg.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <crypto/aead.h>
#include <uapi/linux/tls.h>

#include "compat/compat.h"
#include "core/record.h"

/* Options and info attributes newer than the LTS uapi headers. */
#ifndef TLS_TX_MAX_PAYLOAD_LEN
#define TLS_TX_MAX_PAYLOAD_LEN	5
#endif
#ifndef TLS_INFO_TX_MAX_PAYLOAD_LEN
#define TLS_INFO_TX_MAX_PAYLOAD_LEN	(TLS_INFO_RX_NO_PAD + 1)
#endif

/* Largest crypto_info any cipher uses (chacha20 / aes-gcm-256: 56 bytes). */
#define KTLS_MAX_INFO_LEN	64
/* salt || iv, the longest is 4 + 8 or 0 + 12 */
#define KTLS_MAX_SALT_IV	16
#define KTLS_MAX_KEY		32

enum ktls_conf {
	KTLS_BASE,	/* direction not configured: plain TCP */
	KTLS_SW,	/* software record layer */
	KTLS_NUM_CONFIG,
};

enum ktls_ipver {
	KTLSV4,
	KTLSV6,
	KTLS_NUM_PROTS,
};

/**
 * struct ktls_cipher - one row of the cipher descriptor table (cipher.c)
 * @type: TLS_CIPHER_* value from the uapi
 * @name: human readable name for logs and docs
 * @aead: kernel crypto API algorithm name
 * @key_len: key size
 * @iv_len: size of the crypto_info iv field
 * @salt_len: size of the crypto_info salt field
 * @tag_len: authentication tag size
 * @info_len: sizeof() the uapi crypto_info struct of this cipher
 * @iv_off: offset of iv[] in that struct
 * @key_off: offset of key[]
 * @salt_off: offset of salt[]
 * @seq_off: offset of rec_seq[]
 * @ccm: the AEAD is CCM (nonce carries the B0 flags byte)
 * @explicit_iv: TLS 1.2 records carry iv_len bytes of explicit nonce
 * @tls12: allowed with TLS 1.2
 * @tls13: allowed with TLS 1.3
 */
struct ktls_cipher {
	u16 type;
	const char *name;
	const char *aead;
	u8 key_len;
	u8 iv_len;
	u8 salt_len;
	u8 tag_len;
	u16 info_len;
	u16 iv_off;
	u16 key_off;
	u16 salt_off;
	u16 seq_off;
	bool ccm;
	bool explicit_iv;
	bool tls12;
	bool tls13;
};

const struct ktls_cipher *ktls_cipher_find(u16 type);

/**
 * struct ktls_crypto - the keyed state of one direction
 * @cipher: descriptor row
 * @prot: record format parameters derived from @cipher and the version
 * @aead: transform keyed with the direction's key
 * @salt_iv: salt followed by iv, as laid out for the nonce builder
 * @seq: record sequence number of the next record
 */
struct ktls_crypto {
	const struct ktls_cipher *cipher;
	struct ktls_prot prot;
	bool later;	/* a request completed later: keep several in flight */
	struct crypto_aead *aead;
	u8 salt_iv[KTLS_MAX_SALT_IV];
	u8 seq[KTLS_REC_SEQ_LEN];
};

int ktls_crypto_init(struct ktls_crypto *c, const struct tls_crypto_info *info);
int ktls_crypto_rekey(struct ktls_crypto *next, const struct ktls_crypto *cur,
		      const struct tls_crypto_info *info,
		      const struct tls_crypto_info *old, bool *install);
void ktls_crypto_retire(struct ktls_crypto *c, const struct ktls_crypto *live);
void ktls_crypto_free(struct ktls_crypto *c);

struct ktls_tx;
struct ktls_rx;

/**
 * struct ktls_ctx - per-socket state, hung off icsk_ulp_data
 * @sk_proto: the proto the socket had before the ULP (tcp_prot/tcpv6_prot,
 *	tcp_bpf's while in a sockmap; updated by the ULP update hook)
 * @own_prot: NULL, or this socket's unconfigured proto built from a base
 *	the shared tables were not built from (proto.c); freed with the ctx
 * @sk_ops: the proto_ops the socket had before
 * @ipver: KTLSV4 or KTLSV6
 * @tx_conf: KTLS_BASE or KTLS_SW, protected by lock_sock
 * @rx_conf: same for RX
 * @zc_ro_tx: TLS_TX_ZEROCOPY_RO value (accepted, no effect in software)
 * @rx_no_pad: TLS_RX_EXPECT_NO_PAD value
 * @tx_max_payload: TLS_TX_MAX_PAYLOAD_LEN value (0: not set)
 * @tx_info: crypto_info given for TX (returned by getsockopt); wiped on free
 * @rx_info: same for RX
 * @tx: TX record layer state, NULL unless tx_conf == KTLS_SW
 * @rx: RX record layer state, NULL unless rx_conf == KTLS_SW
 * @saved_write_space: the socket's sk_write_space before the ULP
 * @saved_data_ready: the socket's sk_data_ready before RX was set
 * @tx_lock: serializes TX: senders, rekey, the push work (before lock_sock)
 * @rcu: deferred free
 */
struct ktls_ctx {
	struct mutex tx_lock;
	struct proto *sk_proto;
	struct proto *own_prot;
	const struct proto_ops *sk_ops;
	u8 ipver;
	u8 tx_conf;
	u8 rx_conf;
	bool zc_ro_tx;
	bool rx_no_pad;
	u16 tx_max_payload;
	u8 tx_info[KTLS_MAX_INFO_LEN];
	u8 rx_info[KTLS_MAX_INFO_LEN];
	struct ktls_tx *tx;
	struct ktls_rx *rx;
	void (*saved_write_space)(struct sock *sk);
	void (*saved_data_ready)(struct sock *sk);
	struct rcu_head rcu;
};

static inline struct ktls_ctx *ktls_get_ctx(const struct sock *sk)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);

	/* Read under lock_sock or from socket callbacks, where the ULP
	 * data cannot go away under us.
	 */
	return (__force void *)icsk->icsk_ulp_data;
}

/* Whether the socket has a psock (it is in a sockmap): kTLS is refused. */
static inline bool ktls_has_psock(const struct sock *sk)
{
	bool ret;

	rcu_read_lock();
	ret = !!sk_psock(sk);
	rcu_read_unlock();
	return ret;
}

/* proto.c */
int ktls_proto_init(void);
void ktls_proto_update(struct sock *sk, struct ktls_ctx *ctx);
const struct proto *ktls_proto_shared(struct sock *sk, u8 ipver);
void ktls_proto_own(struct proto *p, const struct proto *base);

/* sockopt.c */
int ktls_setsockopt(struct sock *sk, int level, int optname,
		    sockptr_t optval, unsigned int optlen);
int ktls_getsockopt(struct sock *sk, int level, int optname,
		    char __user *optval, int __user *optlen);

/* main.c */
void ktls_ctx_free(struct sock *sk, struct ktls_ctx *ctx);
void ktls_close(struct sock *sk, long timeout);
void ktls_write_space(struct sock *sk);
extern struct tcp_ulp_ops ktls_ulp_ops;

/* diag.c */
#ifdef COMPAT_ULP_GET_INFO_NET_ADMIN
int ktls_get_info(struct sock *sk, struct sk_buff *skb, bool net_admin);
#else
int ktls_get_info(struct sock *sk, struct sk_buff *skb);
#endif
#ifdef COMPAT_ULP_GET_INFO_SIZE_NET_ADMIN
size_t ktls_get_info_size(const struct sock *sk, bool net_admin);
#else
size_t ktls_get_info_size(const struct sock *sk);
#endif

/*
 * scratch.c - the one per-CPU cache: a block per CPU and kind, kept
 * between calls. Any context (this_cpu_xchg()); no lock.
 */
enum ktls_scratch_kind {
	KTLS_SCRATCH_TX,	/* a send call's scratch (tx.c) */
	KTLS_SCRATCH_RX,	/* a receive call's scratch (rxdec.c), and
				 * each of its records in flight (rxasync.c)
				 */
	KTLS_SCRATCH_REC,	/* a full-size RX record buffer (recbuf.c) */
	KTLS_SCRATCH_KINDS,
};
void *ktls_scratch_get(enum ktls_scratch_kind kind, size_t size, gfp_t gfp);
void ktls_scratch_put(enum ktls_scratch_kind kind, void *p);
void ktls_scratch_free(void *p);
void ktls_scratch_exit(void);

/*
 * cipher.c - one AEAD call, either direction, and its scratch: the
 * caller's lock (TX: tx_lock and lock_sock; RX: lock_sock) covers the
 * scratch; ktls_crypto_aead() sleeps (process context).
 */
void *ktls_crypto_scratch_get(const struct ktls_crypto *c,
			      enum ktls_scratch_kind kind, size_t size,
			      gfp_t gfp);
void ktls_crypto_scratch_put(const struct ktls_crypto *c,
			     enum ktls_scratch_kind kind, void *scr, u8 *iv,
			     struct aead_request *req);
int ktls_crypto_aead(struct ktls_crypto *c, struct aead_request *req,
		     struct scatterlist *src, struct scatterlist *dst, u32 len,
		     u8 *iv, bool encrypt);
void ktls_crypto_scratch_wipe(const struct ktls_crypto *c, u8 *iv,
			      struct aead_request *req);
bool ktls_crypto_later(const struct ktls_crypto *c);
int ktls_crypto_seal_start(const struct ktls_crypto *c,
			   struct aead_request *req, struct scatterlist *src,
			   struct scatterlist *dst, u32 len, u8 *iv,
			   crypto_completion_t done, void *data);
int ktls_crypto_open_start(const struct ktls_crypto *c,
			   struct aead_request *req, struct scatterlist *src,
			   struct scatterlist *dst, u32 len, u8 *iv,
			   crypto_completion_t done, void *data);

/*
 * TX records, shared by tx.c (build, seal, push) and txasync.c (records
 * whose AEAD completes later).
 */

/* the largest record: header, explicit nonce, payload, type, tag */
#define KTLS_TX_MAX_REC	(KTLS_REC_HDR_LEN + 8 + KTLS_MAX_PLAIN + 1 + 16)
/*
 * Segments of one record. Records are carved from the page frag TCP uses
 * for the socket (sk_page_frag(): the task's, or the socket's for sockets
 * that must not use it; 32 KiB compound pages, order-0 pages when memory
 * is fragmented): a
 * record needs one or two segments, at most one per page plus the rest of
 * the previous frag.
 */
#define KTLS_TX_SEGS	(DIV_ROUND_UP(KTLS_TX_MAX_REC, PAGE_SIZE) + 2)
#define KTLS_TX_SG	(KTLS_TX_SEGS + 2)
/*
 * Pieces of spliced pages (sendfile, splice) one record can reference as
 * its plaintext instead of copying them: a 16 KiB record of whole pages
 * takes 4 or 5. A record that would need more is copied.
 */
#define KTLS_TX_EXT	8
/*
 * Records of one send call whose AEAD may run at once (asynchronous
 * transforms only); also bounded by the socket's send buffer.
 */
#define KTLS_TX_FLIGHT_MAX	16

/*
 * A sealed record not all taken by TCP: the open record's segments, which
 * now hold the ciphertext. It never references plaintext pages (ext[]),
 * so it leaves them out and struct ktls_tx stays small.
 */
struct ktls_tx_sealed {
	struct bio_vec seg[KTLS_TX_SEGS];
	u8 nseg;
	u32 len;	/* record bytes */
	u32 sent;	/* bytes TCP has taken */
};

/*
 * What sealing a record needs besides the record: taken by the first seal
 * of a send call and given back when the call returns, so an idle socket
 * holds none of it. @req is last: the transform's request context
 * follows it.
 *
 * A record whose AEAD completes later (txasync.c) keeps the scratch it
 * was sealed with, and the scratch keeps the record: its segments, the
 * plaintext pages it reads, until TCP has taken it.
 */
struct ktls_tx_scratch {
	struct list_head list;		/* in flight, then sealed */
	struct ktls_tx_async *async;	/* whose count the completion drops */
	int err;			/* the AEAD's result, from @async's done */
	u32 mine;			/* plaintext bytes of the send call */
	struct ktls_tx_sealed rec;	/* the record, once submitted */
	struct bio_vec ext[KTLS_TX_EXT];	/* plaintext it reads, held */
	u8 next;			/* entries in @ext */
	u8 aad[KTLS_MAX_AAD];		/* heap: scatterlists can't map stack */
	u8 iv[KTLS_MAX_NONCE];
	u8 tail;			/* TLS 1.3 inner type, for ext[] seals */
	struct scatterlist sg_src[KTLS_TX_EXT + 3];
	struct scatterlist sg_dst[KTLS_TX_SG];
	struct aead_request req;
};
/* ktls_crypto_scratch_put() wipes KTLS_MAX_NONCE bytes of the nonce */
static_assert(sizeof_field(struct ktls_tx_scratch, iv) == KTLS_MAX_NONCE);

static inline void ktls_bvec_put(const struct bio_vec *bv, int n)
{
	int i;

	for (i = 0; i < n; i++)
		put_page(bv[i].bv_page);
}

static inline void ktls_sealed_free(struct ktls_tx_sealed *rec)
{
	ktls_bvec_put(rec->seg, rec->nseg);
	memset(rec, 0, sizeof(*rec));
}

/*
 * txasync.c - a send call's records in flight, for an asynchronous AEAD.
 * Records are submitted in sequence order and join @flight; the call
 * waits for all of them before it waits for send-buffer room, before it
 * returns, and when they reach KTLS_TX_FLIGHT_MAX or the send buffer;
 * so outside a send call @flight is empty. Those that sealed join
 * @sealed, in order, until TCP takes them (after struct ktls_tx's one
 * synchronous sealed record, which is never pending at the same time).
 * Everything but @pending and @done is protected by ctx->tx_lock and
 * lock_sock; the completion touches only those and its record's err.
 * Allocated by the first record of a socket that does complete later
 * (ktls_tx_async_seal()): a socket whose AEAD always completes at once
 * never has it, and its struct ktls_tx stays within kmalloc-512.
 */
struct ktls_tx_async {
	struct list_head flight;	/* struct ktls_tx_scratch, in order */
	struct list_head sealed;	/* same, done, not all taken by TCP */
	atomic_t pending;		/* AEADs running, plus one (no waiter) */
	u8 n;				/* records on @flight */
	u32 bytes;			/* their record bytes */
	struct completion done;		/* @pending fell to 0 */
};

struct ktls_tx_async *ktls_tx_async_new(gfp_t gfp);
int ktls_tx_async_seal(struct sock *sk, struct ktls_tx_async **ap,
		       struct ktls_crypto *c, struct ktls_tx_scratch *scr,
		       struct scatterlist *src, struct scatterlist *dst,
		       u32 len);
void ktls_tx_async_add(struct ktls_tx_async *a, struct ktls_tx_scratch *scr);
int ktls_tx_async_wait(struct sock *sk, struct ktls_tx_async *a,
		       const struct ktls_crypto *c, u32 *lost);
void ktls_tx_async_pop(struct ktls_tx_async *a);
void ktls_tx_async_free(struct ktls_tx_async *a);

/* Whether records are in flight (@a: NULL when the socket never had any) */
static inline bool ktls_tx_async_flying(const struct ktls_tx_async *a)
{
	return a && a->n;
}

/* Whether the call must wait for its records in flight before going on. */
static inline bool ktls_tx_async_full(const struct sock *sk,
				      const struct ktls_tx_async *a)
{
	return ktls_tx_async_flying(a) && (a->n >= KTLS_TX_FLIGHT_MAX ||
			READ_ONCE(sk->sk_wmem_queued) + a->bytes >=
			READ_ONCE(sk->sk_sndbuf));
}

/* tx.c - called with lock_sock held unless said otherwise */
struct ktls_crypto *ktls_tx_crypto(struct ktls_ctx *ctx);
int ktls_tx_init(struct sock *sk, struct ktls_ctx *ctx);
void ktls_tx_release(struct sock *sk, struct ktls_ctx *ctx);
void ktls_tx_free(struct ktls_ctx *ctx);
int ktls_sendmsg(struct sock *sk, struct msghdr *msg, size_t size);
#ifdef COMPAT_HAS_SENDPAGE
int ktls_sendpage(struct sock *sk, struct page *page, int offset,
		  size_t size, int flags);
#endif
void ktls_splice_eof(struct socket *sock);
void ktls_tx_write_space(struct sock *sk, struct ktls_ctx *ctx);
void ktls_tx_swap_crypto(struct ktls_ctx *ctx, struct ktls_crypto *c);
int ktls_tx_set_max_payload(struct ktls_ctx *ctx, u16 max);

/* rekey.c - called with lock_sock (and for TX ctx->tx_lock) held */
int ktls_rekey(struct sock *sk, struct ktls_ctx *ctx, const u8 *info,
	       unsigned int optlen, bool tx);

/*
 * recbuf.c - RX record buffers. A buffer belongs to one socket and is
 * used under its lock (lock_sock, or the bh lock in data_ready); only the
 * per-CPU KTLS_SCRATCH_REC slot that ktls_recbuf_release() fills and
 * ktls_recbuf_alloc() empties is shared (scratch.c: any context).
 */

/* the longest record ktls_hdr_parse() accepts: header, nonce, tag, type */
#define KTLS_RX_MAX_REC		(KTLS_REC_HDR_LEN + 8 + KTLS_MAX_PLAIN + 16 + 1)
/* order-0 pages a record can need, and scatterlist entries to map them */
#define KTLS_REC_PAGES		DIV_ROUND_UP(KTLS_RX_MAX_REC, PAGE_SIZE)
#define KTLS_REC_SG		KTLS_REC_PAGES

enum ktls_rec_layout {
	KTLS_REC_SMALL,		/* data[] of the record's size (short ones) */
	KTLS_REC_BLOCK,		/* data[] of KTLS_RX_MAX_REC: an order-3 block */
	KTLS_REC_PAGED,		/* pages[]: no block could be had */
};

/**
 * struct ktls_rx_rec - one record taken off the TCP queue
 * @list: on the socket's decrypted records
 * @start: offset of the first unread content byte
 * @len: content bytes left to read
 * @size: bytes the buffer holds
 * @type: content type
 * @layout: enum ktls_rec_layout; only a block is kept for reuse
 * @pages: KTLS_REC_PAGED: DIV_ROUND_UP(@size, PAGE_SIZE) order-0 pages
 * @data: KTLS_REC_SMALL, KTLS_REC_BLOCK: the bytes
 *
 * The record is held as received and decrypted in place; its content is
 * then [@start, @start + @len), consumed from the front. Bytes are reached
 * through ktls_recbuf_at() and the helpers below, whatever the layout.
 */
struct ktls_rx_rec {
	struct list_head list;
	u32 start;
	u32 len;
	u32 size;
	u8 type;
	u8 layout;
	struct page *pages[KTLS_REC_PAGES];
	u8 data[];
};

struct ktls_rx_rec *ktls_recbuf_alloc(u32 size, gfp_t gfp);
void ktls_recbuf_free(struct ktls_rx_rec *rec);
void ktls_recbuf_release(struct ktls_rx_rec *rec);
u8 *ktls_recbuf_at(const struct ktls_rx_rec *rec, u32 off, u32 *n);
void ktls_recbuf_read(const struct ktls_rx_rec *rec, u32 off, void *to,
		      u32 len);
size_t ktls_recbuf_to_iter(const struct ktls_rx_rec *rec, u32 off,
			   u32 len, struct iov_iter *iter);
int ktls_recbuf_sg(const struct ktls_rx_rec *rec, u32 off, u32 len,
		   struct scatterlist *sg);
int ktls_recbuf_inner_parse(const struct ktls_rx_rec *rec, u32 off,
			    u32 len, u8 *type, u32 *data_len);

/*
 * RX state, shared by strp.c (framing), rxdec.c (decrypting a record),
 * rx.c (record buffers, read loop), rxzc.c (zero-copy), splice.c
 * (splice_read, read_sock) and recbuf.c.
 *
 * Scatterlist entries for decrypting straight from the TCP queue: the AAD,
 * then the record's bytes in skbs (head and page frags). Records spread
 * over more entries are copied out first.
 */
#define KTLS_RX_SG		48

/*
 * Pages of the reader's buffer one record can be decrypted into: a 16 KiB
 * buffer takes five; a record spread over more segments goes the usual way.
 */
#define KTLS_RX_ZC_PAGES	16

/* TLS 1.2 explicit nonce, the longest (GCM, CCM) */
#define KTLS_RX_MAX_EXPLICIT	8

struct ktls_rx_async;

/*
 * What decrypting a record needs besides the record: taken when a record
 * is fetched and freed when the reader leaves with nothing queued, so an
 * idle socket holds none of it. @req is last: the transform's request
 * context follows it. A record in flight (rxasync.c) has one of its own,
 * given back before its recvmsg returns; only it uses the first fields.
 */
struct ktls_rx_scratch {
	struct ktls_rx_async *async;	/* whose count the completion drops */
	int err;			/* the AEAD's result, from its done */
	u32 len;			/* the record's bytes */
	u32 plain;			/* its content, if data */
	u32 npages;			/* entries of @pages taken */
	u8 aad[KTLS_MAX_AAD];		/* heap: scatterlists can't map stack */
	u8 iv[KTLS_MAX_NONCE];
	u8 hdr[KTLS_REC_HDR_LEN + KTLS_RX_MAX_EXPLICIT]; /* zero-copy: */
	u8 tail[1 + 16];		/* TLS 1.3 inner type, tag */
	struct scatterlist sg[KTLS_RX_SG];	/* source, in the TCP queue */
	struct scatterlist zc_sg[KTLS_RX_ZC_PAGES + 2];	/* AAD, pages, tail */
	struct page *pages[KTLS_RX_ZC_PAGES];	/* the reader's, held */
	struct aead_request req;
};
/* ktls_crypto_scratch_put() wipes KTLS_MAX_NONCE bytes of the nonce */
static_assert(sizeof_field(struct ktls_rx_scratch, iv) == KTLS_MAX_NONCE);

/*
 * Records stay in the TCP receive queue until a whole one is there; only
 * then are they copied out and decrypted. Everything below is protected by
 * the socket lock: lock_sock in process context, or the bh lock in the
 * data_ready hook. @ready is also read locklessly by poll.
 *
 * One reader at a time (recvmsg, splice_read) owns the record stream, so a
 * record is never split between readers and a peek cursor stays valid
 * while its reader sleeps: @reader, taken under lock_sock, kept across the
 * waits that release it.
 */
struct ktls_rx {
	struct ktls_crypto c;
	struct ktls_rx_scratch *scr;	/* NULL while idle */
	struct list_head recs;		/* decrypted, not fully read */
	u32 rec_len;			/* length of the record at copied_seq */
	struct ktls_rx_rec *part;	/* its start, taken out of TCP early */
	struct ktls_rx_rec *spare;	/* a read record's buffer, for reuse */
	u32 part_got;			/* bytes of it in @part */
	int err;			/* sticky: -EBADMSG after a bad record */
	bool ready;			/* a whole record waits in TCP */
	bool stopped;			/* framing or crypto error: parse no more */
	bool reader;			/* a reader owns the record stream */
	bool key_pending;		/* KeyUpdate read: wait for the next key */
	bool closing;			/* close: schedule no more work */
	wait_queue_head_t readers;	/* waiting for @reader */
	struct delayed_work alloc_work;	/* @part again, may sleep */
	struct sock *sk;
};

/* recbuf.c - a socket's buffers, its spare first; under the socket's lock */
struct ktls_rx_rec *ktls_rx_rec_get(struct ktls_rx *rx, u32 len, gfp_t gfp);
void ktls_rx_rec_put(struct ktls_rx *rx, struct ktls_rx_rec *rec);

/*
 * strp.c - framing over the TCP queue. Called with the socket locked:
 * lock_sock in process context, or the bh lock in data_ready;
 * ktls_rx_parse() and ktls_rx_map_queue() with lock_sock,
 * ktls_rx_alloc_work() with neither (it takes lock_sock).
 */
int ktls_rx_copy_bits(struct sock *sk, u32 skip, u8 *to, u32 len);
int ktls_rx_hdr_at(struct sock *sk, struct ktls_rx *rx, u32 skip, u8 *type,
		   u32 *len);
int ktls_rx_copy_to_rec(struct sock *sk, struct ktls_rx_rec *rec, u32 off,
			u32 len);
void ktls_rx_abort(struct sock *sk, struct ktls_rx *rx, int err);
int ktls_rx_pull(struct sock *sk, struct ktls_rx *rx, u32 n);
bool ktls_rx_parse(struct sock *sk, struct ktls_rx *rx);
void ktls_rx_data_ready(struct sock *sk);
void ktls_rx_alloc_work(struct work_struct *work);
bool ktls_rx_map_queue(struct sock *sk, struct scatterlist *sgl, u32 start,
		       u32 len);

/*
 * rxdec.c - decrypting one record, for rx.c and rxzc.c: called with
 * lock_sock held; ktls_rx_scratch_put() also at free, the socket detached
 */
void ktls_rx_prepare_seq(const struct ktls_crypto *c,
			 struct ktls_rx_scratch *scr, const u8 *seq,
			 const u8 *head);
void ktls_rx_prepare(struct ktls_rx *rx, const u8 *head);
int ktls_rx_aead(struct sock *sk, struct ktls_rx *rx, struct scatterlist *src,
		 struct scatterlist *dst, u32 clen);
void ktls_rx_fail(struct sock *sk, struct ktls_rx *rx);
int ktls_rx_scratch_get(struct sock *sk, struct ktls_rx *rx);
void ktls_rx_scratch_put(struct ktls_rx *rx);
void ktls_rx_record_done(struct sock *sk, struct ktls_rx *rx);
int ktls_rx_type(struct msghdr *msg, u8 rec_type, u8 *type);

/*
 * rxzc.c - for rx.c and rxasync.c: called as the reader with lock_sock
 * held (ktls_rx_zc_fits() and ktls_rx_map_user() need no lock)
 */
bool ktls_rx_zc_ok(struct sock *sk, struct ktls_rx *rx, struct msghdr *msg,
		   size_t room, u8 type);
bool ktls_rx_zc_fits(const struct ktls_prot *p, u32 rec_len, size_t room);
int ktls_rx_map_user(struct ktls_rx_scratch *scr, struct iov_iter *iter,
		     u32 len, unsigned int *npages);
int ktls_rx_read_zc(struct sock *sk, struct ktls_rx *rx, struct msghdr *msg,
		    size_t room, u8 *type, size_t *copied);

/*
 * rxasync.c - a recvmsg's records in flight, for an asynchronous AEAD:
 * called as the reader with lock_sock held, which is kept (never
 * released) until every AEAD it started is done, so the skbs they read
 * stay in the TCP receive queue; nothing is in flight when it returns.
 */
#define KTLS_RX_FLIGHT_MAX	16
int ktls_rx_read_async(struct sock *sk, struct ktls_rx *rx,
		       struct msghdr *msg, size_t room, u8 *type,
		       size_t *copied);
int ktls_rx_fetch_async(struct sock *sk, struct ktls_rx *rx);

/*
 * rx.c - the read loop, for splice.c: called with lock_sock held unless
 * said otherwise
 */
int ktls_rx_more(struct sock *sk, struct ktls_rx *rx, long *timeo, bool wait,
		 bool have_data);
/* lock_sock not held; held on success only */
int ktls_rx_reader_lock(struct sock *sk, struct ktls_rx *rx, long *timeo);
void ktls_rx_reader_done(struct sock *sk, struct ktls_rx *rx);
/* lock_sock held; released */
void ktls_rx_reader_unlock(struct sock *sk, struct ktls_rx *rx);
struct ktls_rx_rec *ktls_rx_next(struct ktls_rx *rx, struct ktls_rx_rec *prev);
void ktls_rx_consume(struct ktls_rx *rx, struct ktls_rx_rec *rec, u32 n);
/* for rxasync.c: a queued record is a KeyUpdate: decryption pauses */
bool ktls_rx_check_key_update(struct sock *sk, struct ktls_rx *rx,
			      const struct ktls_rx_rec *rec);

/* rx.c - the socket's RX: called with lock_sock held unless said otherwise */
struct ktls_crypto *ktls_rx_crypto(struct ktls_ctx *ctx);
void ktls_rx_swap_crypto(struct sock *sk, struct ktls_ctx *ctx,
			 struct ktls_crypto *c, bool resume);
int ktls_rx_init(struct sock *sk, struct ktls_ctx *ctx);
void ktls_rx_stop(struct sock *sk, struct ktls_ctx *ctx);
void ktls_rx_release(struct sock *sk, struct ktls_ctx *ctx);
void ktls_rx_free(struct ktls_ctx *ctx);
#ifdef COMPAT_RECVMSG_ADDR_LEN
int ktls_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
		 int flags, int *addr_len);
#else
int ktls_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags);
#endif
bool ktls_sock_is_readable(struct sock *sk);
__poll_t ktls_poll(struct file *file, struct socket *sock,
		   struct poll_table_struct *wait);

/* splice.c - lock_sock not held, but ktls_read_sock()'s caller holds it */
int ktls_read_sock(struct sock *sk, read_descriptor_t *desc,
		   sk_read_actor_t actor);
ssize_t ktls_splice_read(struct socket *sock, loff_t *ppos,
			 struct pipe_inode_info *pipe, size_t len,
			 unsigned int flags);

/* stats.c */
enum ktls_stat {
	KTLS_STAT_CURR_TX_SW,
	KTLS_STAT_CURR_RX_SW,
	KTLS_STAT_CURR_TX_DEVICE,
	KTLS_STAT_CURR_RX_DEVICE,
	KTLS_STAT_TX_SW,
	KTLS_STAT_RX_SW,
	KTLS_STAT_TX_DEVICE,
	KTLS_STAT_RX_DEVICE,
	KTLS_STAT_DECRYPT_ERROR,
	KTLS_STAT_RX_DEVICE_RESYNC,
	KTLS_STAT_DECRYPT_RETRY,
	KTLS_STAT_RX_NO_PAD_VIOLATION,
	KTLS_STAT_TX_REKEY_OK,
	KTLS_STAT_TX_REKEY_ERROR,
	KTLS_STAT_RX_REKEY_OK,
	KTLS_STAT_RX_REKEY_ERROR,
	KTLS_STAT_RX_REKEY_RECEIVED,
	KTLS_STAT_TX_ASYNC,		/* records whose AEAD completed later */
	KTLS_STAT_TX_ASYNC_MAX,		/* most records in flight at once */
	KTLS_STAT_RX_ASYNC,		/* RX: records whose AEAD completed later */
	KTLS_STAT_RX_ASYNC_MAX,		/* RX: most records in flight at once */
	KTLS_STAT_MAX,
};

int ktls_stats_init(const char *ulp_name);
void ktls_stats_exit(void);
void ktls_stat_add(const struct sock *sk, enum ktls_stat stat, long v);
void ktls_stat_max(const struct sock *sk, enum ktls_stat stat, long v);

static inline void ktls_stat_inc(const struct sock *sk, enum ktls_stat stat)
{
	ktls_stat_add(sk, stat, 1);
}

static inline void ktls_stat_dec(const struct sock *sk, enum ktls_stat stat)
{
	ktls_stat_add(sk, stat, -1);
}

#endif /* KTLS_H */
