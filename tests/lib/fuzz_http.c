// SPDX-License-Identifier: GPL-2.0 OR MIT
/* libFuzzer target: tools/http.c request parser and range resolution. */
#include <stdint.h>
#include <string.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_req r;
	uint64_t first, count;
	int ret = http_parse_request((const char *)data, size, &r);

	if (ret > 0) {
		if ((size_t)ret > size || !memchr(r.path, '\0', sizeof(r.path)))
			__builtin_trap();
		(void)http_path_safe(r.path);
		(void)http_content_type(r.path);
		for (uint64_t sz = 0; sz < 3; sz++)
			if (http_range_resolve(&r, sz * 1000, &first, &count) == 206 &&
			    (count == 0 || first + count > sz * 1000))
				__builtin_trap();
	}
	return 0;
}
