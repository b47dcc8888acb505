// SPDX-License-Identifier: GPL-2.0 OR MIT
/* HTTP/1.1 request-head parser, Range resolution, content types. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http.h"

static const char *find_crlf(const char *p, const char *end)
{
	for (; p + 1 < end; p++)
		if (p[0] == '\r' && p[1] == '\n')
			return p;
	return NULL;
}

static const char *find_head_end(const char *buf, size_t len)
{
	for (size_t i = 0; i + 3 < len; i++)
		if (!memcmp(buf + i, "\r\n\r\n", 4))
			return buf + i + 4;
	return NULL;
}

static bool is_tchar(int c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int hexv(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decode the path part of a target into r->path; query dropped. */
static int decode_target(const char *t, size_t n, struct http_req *r)
{
	size_t o = 0;

	if (n == 0 || t[0] != '/')
		return -400;
	for (size_t i = 0; i < n && t[i] != '?' && t[i] != '#'; i++) {
		int c = (unsigned char)t[i];

		if (c <= 0x20 || c >= 0x7f)
			return -400;
		if (c == '%') {
			int hi = i + 2 < n ? hexv(t[i + 1]) : -1;
			int lo = hi < 0 ? -1 : hexv(t[i + 2]);

			if (lo < 0)
				return -400;
			c = hi << 4 | lo;
			if (c == 0)
				return -400;
			i += 2;
		}
		if (o + 1 >= sizeof(r->path))
			return -414;
		r->path[o++] = (char)c;
	}
	r->path[o] = '\0';
	return 0;
}

static int parse_request_line(const char *p, const char *eol,
			      struct http_req *r)
{
	const char *sp1, *sp2;
	size_t mlen;
	int ret;

	sp1 = memchr(p, ' ', (size_t)(eol - p));
	if (!sp1)
		return -400;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1));
	if (!sp2 || memchr(sp2 + 1, ' ', (size_t)(eol - sp2 - 1)))
		return -400;
	mlen = (size_t)(sp1 - p);
	for (size_t i = 0; i < mlen; i++)
		if (!is_tchar((unsigned char)p[i]))
			return -400;
	if (mlen == 0)
		return -400;
	if ((size_t)(eol - sp2 - 1) != 8 || memcmp(sp2 + 1, "HTTP/1.", 7))
		return (size_t)(eol - sp2 - 1) >= 5 &&
		       !memcmp(sp2 + 1, "HTTP/", 5) ? -505 : -400;
	if (sp2[8] != '0' && sp2[8] != '1')
		return -505;
	r->minor = sp2[8] - '0';
	r->keep_alive = r->minor == 1;
	if ((size_t)(sp2 - sp1 - 1) >= HTTP_MAX_PATH)
		return -414;
	ret = decode_target(sp1 + 1, (size_t)(sp2 - sp1 - 1), r);
	if (ret)
		return ret;
	if (mlen == 4 && !memcmp(p, "HEAD", 4))
		r->head = true;
	else if (!(mlen == 3 && !memcmp(p, "GET", 3)))
		return -405;
	return 0;
}

static bool parse_u64(const char *p, const char *end, uint64_t *v)
{
	uint64_t x = 0;

	if (p == end)
		return false;
	for (; p < end; p++) {
		if (!isdigit((unsigned char)*p) || x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (uint64_t)(*p - '0');
	}
	*v = x;
	return true;
}

/* "bytes=a-b" | "bytes=a-" | "bytes=-n"; anything else is ignored. */
static void parse_range(const char *v, const char *end, struct http_req *r)
{
	const char *dash;

	r->has_range = false;
	if ((size_t)(end - v) < 7 || strncasecmp(v, "bytes=", 6))
		return;
	v += 6;
	if (memchr(v, ',', (size_t)(end - v)))
		return;			/* multiple ranges: serve all */
	dash = memchr(v, '-', (size_t)(end - v));
	if (!dash)
		return;
	if (dash == v) {
		if (!parse_u64(dash + 1, end, &r->range_last))
			return;
		r->range_suffix = true;
	} else {
		if (!parse_u64(v, dash, &r->range_first))
			return;
		r->range_last = UINT64_MAX;
		if (dash + 1 < end && !parse_u64(dash + 1, end, &r->range_last))
			return;
		if (r->range_last < r->range_first)
			return;
	}
	r->has_range = true;
}

static bool token_in(const char *v, const char *end, const char *tok)
{
	size_t tl = strlen(tok);

	for (const char *p = v; p + tl <= end; p++)
		if (!strncasecmp(p, tok, tl) &&
		    (p == v || p[-1] == ',' || p[-1] == ' ') &&
		    (p + tl == end || p[tl] == ',' || p[tl] == ' '))
			return true;
	return false;
}

static int parse_header(const char *p, const char *eol, struct http_req *r,
			bool *host)
{
	const char *colon = memchr(p, ':', (size_t)(eol - p)), *v, *e = eol;

	if (!colon || colon == p)
		return -400;
	for (const char *q = p; q < colon; q++)
		if (!is_tchar((unsigned char)*q))
			return -400;
	for (v = colon + 1; v < e && (*v == ' ' || *v == '\t'); v++)
		;
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	for (const char *q = v; q < e; q++)
		if ((unsigned char)*q < 0x20 && *q != '\t')
			return -400;
#define IS(name) ((size_t)(colon - p) == strlen(name) && \
		  !strncasecmp(p, name, strlen(name)))
	if (IS("Host"))
		*host = true;
	else if (IS("Connection") && token_in(v, e, "close"))
		r->keep_alive = false;
	else if (IS("Connection") && token_in(v, e, "keep-alive"))
		r->keep_alive = true;
	else if (IS("Range"))
		parse_range(v, e, r);
	else if (IS("Transfer-Encoding"))
		return -400;		/* no request bodies here */
	else if (IS("Content-Length") && !(e - v == 1 && *v == '0'))
		return -400;
#undef IS
	return 0;
}

int http_parse_request(const char *buf, size_t len, struct http_req *r)
{
	const char *end, *p = buf, *eol;
	bool host = false;
	int ret;

	memset(r, 0, sizeof(*r));
	end = find_head_end(buf, len);
	if (!end)
		return len >= HTTP_MAX_HEADER ? -431 : 0;
	if ((size_t)(end - buf) > HTTP_MAX_HEADER)
		return -431;
	eol = find_crlf(p, end);
	ret = parse_request_line(p, eol, r);
	if (ret && ret != -405)
		return ret;
	for (p = eol + 2; p < end - 2; p = eol + 2) {
		int hr;

		eol = find_crlf(p, end);
		hr = parse_header(p, eol, r, &host);
		if (hr)
			return hr;
	}
	if (ret)
		return ret;
	if (r->minor == 1 && !host)
		return -400;
	return (int)(end - buf);
}

int http_range_resolve(const struct http_req *r, uint64_t size,
		       uint64_t *first, uint64_t *count)
{
	uint64_t last;

	*first = 0;
	*count = size;
	if (!r->has_range)
		return 200;
	if (r->range_suffix) {
		if (r->range_last == 0)
			return 416;
		*first = r->range_last >= size ? 0 : size - r->range_last;
		*count = size - *first;
		return size ? 206 : 416;
	}
	if (r->range_first >= size)
		return 416;
	last = r->range_last >= size ? size - 1 : r->range_last;
	*first = r->range_first;
	*count = last - r->range_first + 1;
	return 206;
}

bool http_path_safe(const char *path)
{
	const char *p = path;

	if (p[0] != '/')
		return false;
	while (*p) {
		const char *seg = ++p;

		while (*p && *p != '/')
			p++;
		if ((p - seg == 2 && !memcmp(seg, "..", 2)) ||
		    memchr(seg, '\\', (size_t)(p - seg)))
			return false;
	}
	return true;
}

const char *http_content_type(const char *path)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".htm", "text/html; charset=utf-8" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".css", "text/css" },
		{ ".js", "text/javascript" },
		{ ".json", "application/json" },
		{ ".png", "image/png" },
		{ ".jpg", "image/jpeg" },
		{ ".jpeg", "image/jpeg" },
		{ ".gif", "image/gif" },
		{ ".svg", "image/svg+xml" },
		{ ".pdf", "application/pdf" },
		{ ".gz", "application/gzip" },
		{ ".tar", "application/x-tar" },
		{ ".mp4", "video/mp4" },
		{ ".wasm", "application/wasm" },
	};
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');

	if (dot && (!slash || dot > slash))
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (!strcasecmp(dot, types[i].ext))
				return types[i].type;
	return "application/octet-stream";
}

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 206: return "Partial Content";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 414: return "URI Too Long";
	case 416: return "Range Not Satisfiable";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}
