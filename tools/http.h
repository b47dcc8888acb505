/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* Minimal HTTP/1.1 request parsing for `ktls serve`: pure, no I/O. */
#ifndef KTLS_TOOLS_HTTP_H
#define KTLS_TOOLS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_HEADER	8192
#define HTTP_MAX_PATH	1024

struct http_req {
	bool head;			/* HEAD, else GET */
	int minor;			/* HTTP/1.<minor> */
	bool keep_alive;
	char path[HTTP_MAX_PATH];	/* percent-decoded, query stripped */
	bool has_range;			/* one valid bytes= range */
	bool range_suffix;		/* bytes=-N */
	uint64_t range_first, range_last;	/* last == UINT64_MAX: open */
};

/*
 * Parse one request head from buf.  Returns the number of bytes it used
 * (> 0) when complete, 0 if more input is needed, or -status (400, 405,
 * 414, 431, 501, 505) for a request that must be rejected.
 */
int http_parse_request(const char *buf, size_t len, struct http_req *r);

/*
 * Resolve the request's range against a file size.  Returns 200 (whole
 * file, *first = 0, *count = size), 206 (partial) or 416.
 */
int http_range_resolve(const struct http_req *r, uint64_t size,
		       uint64_t *first, uint64_t *count);

/* True if a decoded path has no "..", no NUL-free escapes and starts "/". */
bool http_path_safe(const char *path);

const char *http_content_type(const char *path);
const char *http_reason(int status);

#endif /* KTLS_TOOLS_HTTP_H */
