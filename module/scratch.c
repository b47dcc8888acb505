// SPDX-License-Identifier: GPL-2.0
/*
 * scratch.c - the module's one per-CPU cache: a block per CPU and kind
 *
 * A send or receive call takes scratch space for the records it seals or
 * opens (nonce, AAD, scatterlists, the AEAD request) and gives it back when
 * it ends, so that an idle socket holds none; an RX socket that goes idle
 * or closes gives back its full-size record buffer (recbuf.c) the same
 * way. A block given back is kept in its CPU's slot for that kind (TX,
 * RX scratch, RX record) instead of being freed, and the next taker on
 * that CPU takes it if it is large enough: a reader or writer that drains
 * its socket on every call would otherwise allocate and free one per call
 * (or per record), and under init_on_alloc (Debian's default) have the
 * allocator clear KiBs each time. Memory kept: a block per CPU and kind,
 * not per socket. this_cpu_xchg() makes the slots safe from any context,
 * process or the data_ready softirq; they are freed at module exit, after
 * the last socket. Callers wipe what is secret in a block before they
 * give it back.
 */

#include <linux/crypto.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "ktls.h"

struct ktls_scratch {
	size_t size;					/* of data[] */
	u8 data[] __aligned(CRYPTO_MINALIGN);	/* holds AEAD requests */
};

static DEFINE_PER_CPU(struct ktls_scratch *, ktls_scratch_slot[KTLS_SCRATCH_KINDS]);

/**
 * ktls_scratch_get() - a block, this CPU's kept one if it is large enough
 * @kind: KTLS_SCRATCH_TX, KTLS_SCRATCH_RX or KTLS_SCRATCH_REC
 * @size: bytes needed
 * @gfp: allocation flags when this CPU keeps no block of @size
 *
 * Any context; allocates only if this CPU's block is missing or smaller.
 * Return: @size bytes of uninitialised memory, or NULL.
 */
void *ktls_scratch_get(enum ktls_scratch_kind kind, size_t size, gfp_t gfp)
{
	struct ktls_scratch *s = this_cpu_xchg(ktls_scratch_slot[kind], NULL);

	if (s && s->size < size) {
		kfree(s);
		s = NULL;
	}
	if (!s) {
		s = kmalloc(struct_size(s, data, size), gfp);
		if (!s)
			return NULL;
		s->size = size;
	}
	return s->data;
}

/**
 * ktls_scratch_put() - a block is done with: keep it for this CPU
 * @kind: the kind it was taken as
 * @p: what ktls_scratch_get() returned, its secrets wiped; NULL is a no-op
 *
 * Any context. Keeps @p for the next call on this CPU, freeing the block
 * kept before.
 */
void ktls_scratch_put(enum ktls_scratch_kind kind, void *p)
{
	if (p)
		kfree(this_cpu_xchg(ktls_scratch_slot[kind],
				    container_of(p, struct ktls_scratch, data)));
}

/**
 * ktls_scratch_free() - free a block instead of keeping it
 * @p: what ktls_scratch_get() returned, its secrets wiped; NULL is a no-op
 *
 * Any context.
 */
void ktls_scratch_free(void *p)
{
	if (p)
		kfree(container_of(p, struct ktls_scratch, data));
}

/** ktls_scratch_exit() - free the blocks kept; no socket is left */
void ktls_scratch_exit(void)
{
	int cpu, k;

	for_each_possible_cpu(cpu) {
		for (k = 0; k < KTLS_SCRATCH_KINDS; k++) {
			kfree(per_cpu(ktls_scratch_slot[k], cpu));
			per_cpu(ktls_scratch_slot[k], cpu) = NULL;
		}
	}
}
