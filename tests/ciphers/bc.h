/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* Shared by the cipher tests and the benchmark: struct bc over core/ SM4 and ARIA. */
#ifndef KTLS_TESTS_BC_H
#define KTLS_TESTS_BC_H

#include "../../core/sm4.h"
#include "../../core/aria.h"
#include "aead.h"

/* The harness's view of our ciphers (ECB, CTR and, for SM4, CBC-MAC); @c is
 * filled in later by setkey, so it is not const here. */
struct bc bc_sm4(struct ktls_sm4_ctx *c);
struct bc bc_aria(struct ktls_aria_ctx *c);

/* GHASH key H = E_K(0^128) for the GCM harness. */
void bc_ghash_init(const struct bc *bc, struct ghash *g);

#endif
