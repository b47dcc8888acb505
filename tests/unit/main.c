// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Unit test runner for core/: runs every group, prints the tally last. */
#include "test.h"

unsigned int test_passed, test_failed;

int main(void)
{
	test_record();
	test_vectors();
	printf("%u passed, %u failed\n", test_passed, test_failed);
	return test_failed ? 1 : 0;
}
