// SPDX-License-Identifier: GPL-2.0
/*
 * recbuf.c - RX record buffers: one order-3 block, or order-0 pages.
 *
 * A record is taken out of TCP into a buffer, decrypted there in place
 * and read from it. The buffer is one contiguous block when it can be
 * had (the common case: one copy, one scatterlist entry); when the block
 * cannot be had (fragmented memory, an atomic allocation in softirq or a
 * kernel socket's atomic sk_allocation) the record goes into order-0
 * pages instead, as upstream's parser falls back to. Readers never see
 * the difference: they go through the accessors below.
 *
 * Blocks are cached at two levels: a socket keeps the block of a record
 * it read as its spare, for the next record (ktls_rx_rec_get() and
 * ktls_rx_rec_put()); a socket that goes idle or closes leaves its spare
 * in its CPU's KTLS_SCRATCH_REC slot (scratch.c), for the next socket on
 * that CPU that needs one: a reader that drains TCP on every call would
 * otherwise allocate and free one per record. That bounds the memory idle
 * sockets hold by the number of CPUs, not of sockets. Only blocks are
 * kept: pages are wiped and freed at once.
 */

#include <linux/highmem.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include "ktls.h"

/* Records this long or shorter get a buffer of their own size. */
#define KTLS_REC_SMALL_MAX	2048

static struct ktls_rx_rec *ktls_recbuf_alloc_pages(u32 size, gfp_t gfp)
{
	struct ktls_rx_rec *rec = kzalloc(sizeof(*rec), gfp);
	unsigned int i;

	if (!rec)
		return NULL;
	rec->layout = KTLS_REC_PAGED;
	rec->size = size;
	for (i = 0; i < DIV_ROUND_UP(size, PAGE_SIZE); i++) {
		rec->pages[i] = alloc_page(gfp);
		if (!rec->pages[i]) {
			ktls_recbuf_free(rec);
			return NULL;
		}
	}
	return rec;
}

/**
 * ktls_recbuf_alloc() - a buffer for a record of up to @size bytes
 * @size: the record's length, header included (at most KTLS_RX_MAX_REC)
 * @gfp: allocation flags (atomic in softirq)
 *
 * A short record gets a buffer of its size. A longer one gets a full
 * block: this CPU's cached one, or a new one if the page allocator has
 * one without trying hard; else order-0 pages for @size bytes.
 *
 * Return: the buffer, or NULL.
 */
struct ktls_rx_rec *ktls_recbuf_alloc(u32 size, gfp_t gfp)
{
	struct ktls_rx_rec *rec;

	if (size <= KTLS_REC_SMALL_MAX) {
		rec = kmalloc(struct_size(rec, data, size), gfp);
		if (rec) {
			rec->layout = KTLS_REC_SMALL;
			rec->size = size;
		}
		return rec;
	}
	rec = ktls_scratch_get(KTLS_SCRATCH_REC,
			       struct_size(rec, data, KTLS_RX_MAX_REC),
			       gfp | __GFP_NORETRY | __GFP_NOWARN);
	if (rec) {
		rec->layout = KTLS_REC_BLOCK;
		rec->size = KTLS_RX_MAX_REC;
		return rec;
	}
	return ktls_recbuf_alloc_pages(size, gfp);
}

/**
 * ktls_recbuf_free() - free a record buffer
 * @rec: buffer, any layout, or NULL
 *
 * Pages are wiped first: they go straight back to the page allocator.
 */
void ktls_recbuf_free(struct ktls_rx_rec *rec)
{
	unsigned int i;

	if (!rec)
		return;
	if (rec->layout == KTLS_REC_BLOCK) {
		ktls_scratch_free(rec);
		return;
	}
	if (rec->layout == KTLS_REC_PAGED) {
		for (i = 0; i < ARRAY_SIZE(rec->pages) && rec->pages[i]; i++) {
			memzero_explicit(page_address(rec->pages[i]),
					 PAGE_SIZE);
			__free_page(rec->pages[i]);
		}
	}
	kfree(rec);
}

/**
 * ktls_recbuf_release() - a record buffer the socket keeps no more
 * @rec: buffer, or NULL
 *
 * A block goes to this CPU's slot (what the slot held is freed); other
 * layouts are freed.
 */
void ktls_recbuf_release(struct ktls_rx_rec *rec)
{
	if (rec && rec->layout == KTLS_REC_BLOCK)
		ktls_scratch_put(KTLS_SCRATCH_REC, rec);
	else
		ktls_recbuf_free(rec);
}

/**
 * ktls_rx_rec_put() - a socket's record buffer is done with
 * @rx: the socket's RX state, locked (lock_sock, or the bh lock)
 * @rec: the buffer
 *
 * A block is kept as the spare, or goes to the per-CPU slot; other
 * layouts are freed. Plaintext stays in a block until it is reused (by
 * this socket or, through the per-CPU slot, another) or freed: the
 * application had it all along, unlike keys. Pages are wiped as they are
 * freed.
 */
void ktls_rx_rec_put(struct ktls_rx *rx, struct ktls_rx_rec *rec)
{
	if (rec->layout != KTLS_REC_BLOCK)
		ktls_recbuf_free(rec);
	else if (!rx->spare)
		rx->spare = rec;
	else
		ktls_recbuf_release(rec);
}

/**
 * ktls_rx_rec_get() - a buffer for a socket's record, the spare first
 * @rx: the socket's RX state, locked (lock_sock, or the bh lock)
 * @len: the record's length (or KTLS_RX_MAX_REC for a record's start)
 * @gfp: allocation flags when there is no spare
 *
 * Return: the buffer, or NULL.
 */
struct ktls_rx_rec *ktls_rx_rec_get(struct ktls_rx *rx, u32 len, gfp_t gfp)
{
	struct ktls_rx_rec *rec = rx->spare;

	if (rec) {
		rx->spare = NULL;
		return rec;
	}
	return ktls_recbuf_alloc(len, gfp);
}

/**
 * ktls_recbuf_at() - the address of one byte of a record buffer
 * @rec: buffer
 * @off: offset in it, below its size
 * @n: set to the bytes contiguous from there (at least the rest of a page)
 *
 * The first KTLS_REC_HDR_LEN + 8 bytes (header, explicit nonce) are always
 * contiguous.
 *
 * Return: the address.
 */
u8 *ktls_recbuf_at(const struct ktls_rx_rec *rec, u32 off, u32 *n)
{
	if (rec->layout != KTLS_REC_PAGED) {
		*n = rec->size - off;
		return (u8 *)rec->data + off;
	}
	*n = min_t(u32, rec->size - off, PAGE_SIZE - offset_in_page(off));
	return (u8 *)page_address(rec->pages[off / PAGE_SIZE]) +
	       offset_in_page(off);
}

/** ktls_recbuf_read() - copy @len bytes at @off of @rec to @to */
void ktls_recbuf_read(const struct ktls_rx_rec *rec, u32 off, void *to,
		      u32 len)
{
	u32 n;

	while (len) {
		const u8 *p = ktls_recbuf_at(rec, off, &n);

		n = min(n, len);
		memcpy(to, p, n);
		to += n;
		off += n;
		len -= n;
	}
}

/**
 * ktls_recbuf_to_iter() - copy @len bytes at @off of @rec to @iter
 * @rec: buffer
 * @off: offset of the first byte
 * @len: bytes
 * @iter: destination
 *
 * Return: bytes copied; fewer than @len on a fault.
 */
size_t ktls_recbuf_to_iter(const struct ktls_rx_rec *rec, u32 off,
			   u32 len, struct iov_iter *iter)
{
	size_t done = 0;
	u32 n;

	while (done < len) {
		const u8 *p = ktls_recbuf_at(rec, off + done, &n);
		size_t got;

		n = min_t(u32, n, len - done);
		got = copy_to_iter(p, n, iter);
		done += got;
		if (got != n)
			break;
	}
	return done;
}

/**
 * ktls_recbuf_sg() - map @len bytes at @off of @rec into @sg
 * @rec: buffer
 * @off: offset of the first byte
 * @len: bytes, at least 1
 * @sg: entries, initialised by the caller; at most KTLS_REC_SG are used
 *
 * The end is not marked.
 *
 * Return: the number of entries used.
 */
int ktls_recbuf_sg(const struct ktls_rx_rec *rec, u32 off, u32 len,
		   struct scatterlist *sg)
{
	int i = 0;

	if (rec->layout != KTLS_REC_PAGED) {
		sg_set_buf(sg, rec->data + off, len);
		return 1;
	}
	while (len) {
		u32 n = min_t(u32, len, PAGE_SIZE - offset_in_page(off));

		sg_set_page(&sg[i++], rec->pages[off / PAGE_SIZE], n,
			    offset_in_page(off));
		off += n;
		len -= n;
	}
	return i;
}

/**
 * ktls_recbuf_inner_parse() - ktls_tls13_inner_parse() over a record buffer
 * @rec: buffer holding the decrypted TLSInnerPlaintext at @off
 * @off: its offset
 * @len: its length
 * @type: set to the inner content type
 * @data_len: set to the content length
 *
 * The padding is scanned from the end, contiguous part by part.
 *
 * Return: 0, or -EBADMSG when every byte is zero.
 */
int ktls_recbuf_inner_parse(const struct ktls_rx_rec *rec, u32 off,
			    u32 len, u8 *type, u32 *data_len)
{
	u32 end = len, n;

	if (rec->layout != KTLS_REC_PAGED)
		return ktls_tls13_inner_parse(rec->data + off, len, type,
					      data_len);
	while (end) {
		/* [from, end): the content's bytes in the page of its last */
		u32 last = off + end - 1;
		u32 from = max_t(u32, last - offset_in_page(last), off) - off;
		const u8 *p = ktls_recbuf_at(rec, off + from, &n);

		if (!ktls_tls13_inner_parse(p, end - from, type, data_len)) {
			*data_len += from;
			return 0;
		}
		end = from;
	}
	return -EBADMSG;
}
