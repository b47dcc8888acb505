/* SPDX-License-Identifier: GPL-2.0 */
/* blockcipher.h - SM4/ARIA registration with the crypto API (placeholder). */
#ifndef KTLS_BLOCKCIPHER_H
#define KTLS_BLOCKCIPHER_H

int ktls_blockciphers_init(void);
void ktls_blockciphers_exit(void);

#endif /* KTLS_BLOCKCIPHER_H */
