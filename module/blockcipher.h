/* SPDX-License-Identifier: GPL-2.0 */
/* SM4/ARIA registration with the crypto API when the running kernel has none. */
#ifndef KTLS_BLOCKCIPHER_H
#define KTLS_BLOCKCIPHER_H

int ktls_blockciphers_init(void);
void ktls_blockciphers_exit(void);

#endif /* KTLS_BLOCKCIPHER_H */
