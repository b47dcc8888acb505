// SPDX-License-Identifier: GPL-2.0
/*
 * txasync.c - a send call's TX records in flight, when the AEAD completes
 * later (cryptd, pcrypt, a hardware queue).
 *
 * Each record is submitted with its own scratch (nonce, AAD, scatterlists,
 * request) and keeps it, with its segments and the plaintext pages it
 * reads, on the flight list in sequence order. The completion, in any
 * context (a kworker, a padata worker with BH off, an interrupt), only
 * stores its result and drops the count; the send call sleeps until the
 * count is zero, then takes the records in order. Nothing is in flight
 * outside a send call (ktls_tx_send_locked()), so close, rekey and the
 * push work never meet a running AEAD.
 *
 * The count starts at one, the waiter's own: a completion that drops it
 * to zero can only happen after the waiter dropped its one, so exactly
 * one side sees zero, and complete() is the last thing a completion
 * touches. The waiter's struct (in struct ktls_tx) and the records
 * outlive every completion because the waiter returns only after them.
 */

#include <linux/completion.h>
#include <linux/list.h>
#include <linux/slab.h>

#include "ktls.h"

/**
 * ktls_tx_async_new() - a socket's in-flight state, nothing in flight
 * @gfp: allocation flags (the socket's)
 *
 * Return: the state, or NULL: the caller then waits for each record.
 */
struct ktls_tx_async *ktls_tx_async_new(gfp_t gfp)
{
	struct ktls_tx_async *a = kmalloc(sizeof(*a), gfp);

	if (!a)
		return NULL;
	INIT_LIST_HEAD(&a->flight);
	INIT_LIST_HEAD(&a->sealed);
	atomic_set(&a->pending, 1);
	init_completion(&a->done);
	a->n = 0;
	a->bytes = 0;
	return a;
}

/*
 * A record's AEAD is done. Any context; must not sleep. The record and
 * @a stay until the waiter sees the count at zero, so nothing is read
 * after the decrement but what complete() needs.
 */
static void ktls_tx_async_done(KTLS_CRYPTO_DONE_ARG arg, int err)
{
	struct ktls_tx_scratch *scr = ktls_crypto_done_data(arg);
	struct ktls_tx_async *a = scr->async;

	if (err == -EINPROGRESS)	/* a backlogged request started */
		return;
	scr->err = err;
	/* fully ordered: the waiter that sees the count reads @err after */
	if (atomic_dec_and_test(&a->pending))
		complete(&a->done);
}

/**
 * ktls_tx_async_seal() - seal one record, the AEAD maybe completing later
 * @sk: socket (counters)
 * @ap: the socket's in-flight state, NULL until a record completed later
 * @c: keyed state
 * @scr: the record's scratch, its nonce, AAD and scatterlists built
 * @src: plaintext, led by the AAD
 * @dst: output, led by the AAD
 * @len: plaintext bytes after the AAD
 *
 * Called with ctx->tx_lock and lock_sock held. Each record is waited
 * for, as with a synchronous AEAD, until one of @c's requests completed
 * later (ktls_crypto_later()): then *@ap is allocated (a socket whose
 * AEAD never does spends no memory on it), and from the next record on
 * a record is not waited for: it joins the flight (the caller hands it
 * over with ktls_tx_async_add()), and so does one it sealed at once
 * while others are in flight, to keep the order.
 *
 * Return: 0 (sealed: nothing in flight, the caller goes on as for a
 * synchronous AEAD), 1 (in flight: hand it over), or a negative errno
 * (not sealed, the callback will not run).
 */
int ktls_tx_async_seal(struct sock *sk, struct ktls_tx_async **ap,
		       struct ktls_crypto *c, struct ktls_tx_scratch *scr,
		       struct scatterlist *src, struct scatterlist *dst,
		       u32 len)
{
	struct ktls_tx_async *a = *ap;
	int err;

	sock_owned_by_me(sk);
	if (!a) {
		err = ktls_crypto_aead(c, &scr->req, src, dst, len, scr->iv,
				       true);
		/* no memory: the next records are waited for too */
		if (!err && ktls_crypto_later(c))
			WRITE_ONCE(*ap, ktls_tx_async_new(sk->sk_allocation));
		return err;
	}
	scr->async = a;
	scr->err = 0;
	atomic_inc(&a->pending);
	err = ktls_crypto_seal_start(c, &scr->req, src, dst, len, scr->iv,
				     ktls_tx_async_done, scr);
	if (err == -EINPROGRESS || err == -EBUSY) {
		ktls_stat_inc(sk, KTLS_STAT_TX_ASYNC);
		return 1;
	}
	/* done or refused here: no completion comes; never the last count */
	atomic_dec(&a->pending);
	if (err)
		return err;
	return list_empty(&a->flight) ? 0 : 1;
}

/**
 * ktls_tx_async_add() - a record submitted by ktls_tx_async_seal() flies
 * @a: the socket's in-flight state
 * @scr: its scratch, with the record (@scr->rec, @scr->ext) filled in
 *
 * Called with ctx->tx_lock and lock_sock held, right after the seal.
 * The completion does not look at what is filled in here.
 */
void ktls_tx_async_add(struct ktls_tx_async *a, struct ktls_tx_scratch *scr)
{
	list_add_tail(&scr->list, &a->flight);
	a->n++;
	a->bytes += scr->rec.len;
}

/* A record leaves: its segments, then its scratch (already wiped). */
static void ktls_tx_async_drop(struct ktls_tx_scratch *scr)
{
	list_del(&scr->list);
	ktls_sealed_free(&scr->rec);
	ktls_scratch_put(KTLS_SCRATCH_TX, scr);
}

/**
 * ktls_tx_async_wait() - wait for the records in flight, in order
 * @sk: socket
 * @a: the socket's in-flight state
 * @c: keyed state they were sealed with
 * @lost: set to the plaintext bytes of this send call in records that
 *	will not be sent
 *
 * Called with ctx->tx_lock and lock_sock held. Sleeps uninterruptibly:
 * the records' pages and scratch may be freed only when their AEAD is
 * done. Each record's nonce and request are wiped and its plaintext
 * pages dropped; those sealed before the first failure join @a->sealed
 * in order, that one and every later one are dropped (none may reach the
 * wire after a gap).
 *
 * Return: 0, or -EBADMSG when a record failed (the caller makes the
 * socket done once it has pushed the ones before it).
 */
int ktls_tx_async_wait(struct sock *sk, struct ktls_tx_async *a,
		       const struct ktls_crypto *c, u32 *lost)
{
	struct ktls_tx_scratch *scr, *tmp;
	int err = 0;

	sock_owned_by_me(sk);
	*lost = 0;
	if (list_empty(&a->flight))
		return 0;
	ktls_stat_max(sk, KTLS_STAT_TX_ASYNC_MAX, a->n);
	if (!atomic_dec_and_test(&a->pending))
		wait_for_completion(&a->done);
	/* no completion is left to touch either */
	atomic_set(&a->pending, 1);
	reinit_completion(&a->done);

	list_for_each_entry_safe(scr, tmp, &a->flight, list) {
		ktls_bvec_put(scr->ext, scr->next);
		scr->next = 0;
		ktls_crypto_scratch_wipe(c, scr->iv, &scr->req);
		if (scr->err && !err) {
			net_dbg_ratelimited("async seal failed: %d\n",
					    scr->err);
			err = -EBADMSG;
		}
		if (err) {
			*lost += scr->mine;
			ktls_tx_async_drop(scr);
		} else {
			list_move_tail(&scr->list, &a->sealed);
		}
	}
	a->n = 0;
	a->bytes = 0;
	return err;
}

/**
 * ktls_tx_async_pop() - TCP has taken all of the first sealed record
 * @a: the socket's in-flight state, @a->sealed not empty
 *
 * Called with lock_sock held.
 */
void ktls_tx_async_pop(struct ktls_tx_async *a)
{
	ktls_tx_async_drop(list_first_entry(&a->sealed,
					    struct ktls_tx_scratch, list));
}

/**
 * ktls_tx_async_free() - drop the sealed records TCP did not take, and @a
 * @a: the socket's in-flight state, or NULL; the socket is detached
 */
void ktls_tx_async_free(struct ktls_tx_async *a)
{
	struct ktls_tx_scratch *scr, *tmp;

	if (!a)
		return;
	WARN_ON_ONCE(!list_empty(&a->flight));
	list_for_each_entry_safe(scr, tmp, &a->sealed, list)
		ktls_tx_async_drop(scr);
	kfree(a);
}
