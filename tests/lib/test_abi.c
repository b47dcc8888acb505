// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/* libktls.so links from the public header alone and behaves without a kernel. */
#include <errno.h>
#include <linux/tls.h>

#include "ktls/ktls.h"
#include "check.h"

int main(void)
{
	uint8_t key[16] = { 0 }, iv[4] = { 0 };

	CHECK(ktls_cipher_count() >= 4, "cipher table exported");
	CHECK(ktls_cipher_by_type(TLS_CIPHER_AES_GCM_128) &&
	      ktls_cipher_by_suite(0x1301) == ktls_cipher_by_type(TLS_CIPHER_AES_GCM_128),
	      "lookups");
	CHECK(ktls_install_tls12(NULL, -1, KTLS_TX, TLS_CIPHER_AES_GCM_128, key,
				 16, iv, 4, 0) < 0, "bad fd refused");
	CHECK(ktls_conn_new(NULL, NULL) == NULL && errno == EINVAL, "NULL ssl");
	CHECK(ktls_explain_errno(ENOTCONN, true) != NULL, "explain");
	return CHECK_DONE("abi");
}
