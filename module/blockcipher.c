// SPDX-License-Identifier: GPL-2.0
/* blockcipher.c - SM4/ARIA registration with the crypto API (placeholder). */

#include "blockcipher.h"

/**
 * ktls_blockciphers_init() - register fallback block ciphers
 *
 * Return: 0 or a negative errno.
 */
int ktls_blockciphers_init(void)
{
	return 0;
}

/**
 * ktls_blockciphers_exit() - unregister what ktls_blockciphers_init() did
 */
void ktls_blockciphers_exit(void)
{
}
