// SPDX-License-Identifier: GPL-2.0 OR MIT
/* A program of a libktls user: built by tests/pkg/Makefile against the
 * installed libktls-dev (pkg-config), run by tests/pkg/check.sh.
 */
#include <ktls/ktls.h>

int main(void)
{
	return ktls_cipher_count() ? 0 : 1;
}
