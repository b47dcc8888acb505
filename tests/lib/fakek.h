/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/* A fake kernel behind the libktls syscall seam, with a reference record
 * layer (OpenSSL EVP AEAD) driven by the crypto_info the library gave it. */
#ifndef KTLS_TESTS_FAKEK_H
#define KTLS_TESTS_FAKEK_H

#include <stdbool.h>
#include <stdint.h>
#include "ktls/ktls.h"

struct ref_dir {
	bool set;
	uint16_t version, type;
	uint8_t key[32], nonce[12];	/* nonce base: salt||iv or iv */
	uint8_t expl[8];		/* TLS 1.2 GCM/CCM explicit nonce */
	size_t key_len;
	uint64_t seq;
	uint8_t info[64];		/* last crypto_info, as given */
	int installs;
};

struct fakek {
	int fd;
	bool no_ulp;		/* TCP_ULP -> ENOENT */
	bool not_established;	/* TCP_INFO state SYN_SENT */
	bool allow_rekey;	/* second TLS_TX/TLS_RX accepted (6.14+) */
	bool refuse_cipher;	/* TLS_TX/TLS_RX -> EINVAL */
	bool corrupt_next;	/* flip a ciphertext bit on the next RX */
	bool corrupt_tx_next;	/* flip a ciphertext bit on the next TX */
	bool ulp;
	struct ref_dir tx, rx;
	uint8_t pend[16384 + 256];	/* decrypted data not yet returned */
	size_t pend_len, pend_off;
	uint8_t pend_type;
	struct ktls_sys sys;
};

void fakek_init(struct fakek *k, int fd);

/* Reference record layer, usable on its own. */
int ref_from_info(struct ref_dir *d, const void *info, size_t len);
/* Returns the record length written to out (>= len + 5 + 8 + 16 + 1). */
int ref_seal(struct ref_dir *d, uint8_t type, const uint8_t *pt, size_t len,
	     uint8_t *out);
/* rec is one whole record; returns plaintext length or -1 (bad tag). */
int ref_open(struct ref_dir *d, const uint8_t *rec, size_t len,
	     uint8_t *type, uint8_t *pt);

#endif /* KTLS_TESTS_FAKEK_H */
