// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Unit tests for tools/http.c: request heads, ranges, paths, types. */
#include <stdint.h>

#include "check.h"
#include "http.h"

static int parse(const char *s, struct http_req *r)
{
	return http_parse_request(s, strlen(s), r);
}

static void test_requests(void)
{
	static const struct { const char *req; int want; } v[] = {
		{ "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 27 },
		{ "GET / HTTP/1.1\r\nHost: a\r\n", 0 },
		{ "GET / HTTP/1.1\r\n\r\n", -400 },		/* no Host */
		{ "GET / HTTP/1.0\r\n\r\n", 18 },
		{ "POST / HTTP/1.1\r\nHost: a\r\n\r\n", -405 },
		{ "GET / HTTP/2.0\r\nHost: a\r\n\r\n", -505 },
		{ "GET / HTTP/1.2\r\nHost: a\r\n\r\n", -505 },
		{ "GET / FOO/1.1\r\nHost: a\r\n\r\n", -400 },
		{ "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", -400 },
		{ "GET x HTTP/1.1\r\nHost: a\r\n\r\n", -400 },
		{ "GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n", -400 },
		{ "GET /%00 HTTP/1.1\r\nHost: a\r\n\r\n", -400 },
		{ "GET / HTTP/1.1\r\nHost a\r\n\r\n", -400 },
		{ "GET / HTTP/1.1\r\nHo st: a\r\n\r\n", -400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", -400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n", -400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", 46 },
		{ "G\x01T / HTTP/1.1\r\nHost: a\r\n\r\n", -400 },
		{ "\r\n\r\n", -400 },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct http_req r;
		int got = parse(v[i].req, &r);

		CHECK(got == v[i].want, "request %zu: got %d want %d", i, got,
		      v[i].want);
	}
}

static void test_fields(void)
{
	struct http_req r;
	char big[HTTP_MAX_HEADER + 100];

	CHECK(parse("HEAD /a%20b.txt?x=1 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", &r) > 0 &&
	      r.head && !r.keep_alive && !strcmp(r.path, "/a b.txt"),
	      "HEAD, decode, query, close: %s", r.path);
	CHECK(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &r) > 0 &&
	      r.keep_alive && r.minor == 0, "1.0 keep-alive");
	CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nRange: bytes=10-19\r\n\r\n", &r) > 0 &&
	      r.has_range && r.range_first == 10 && r.range_last == 19,
	      "range a-b");
	CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nRange: bytes=5-\r\n\r\n", &r) > 0 &&
	      r.has_range && r.range_last == UINT64_MAX, "range a-");
	CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nRange: bytes=-7\r\n\r\n", &r) > 0 &&
	      r.has_range && r.range_suffix && r.range_last == 7, "range -n");
	CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nRange: bytes=1-2,4-5\r\n\r\n", &r) > 0 &&
	      !r.has_range, "multi-range ignored");
	CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nRange: bytes=9-3\r\n\r\n", &r) > 0 &&
	      !r.has_range, "inverted range ignored");
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET /", 5);
	CHECK(http_parse_request(big, sizeof(big), &r) == -431, "head too big");
	memcpy(big + 2000, " HTTP/1.1\r\nHost: h\r\n\r\n", 22);
	CHECK(http_parse_request(big, 2022, &r) == -414, "URI too long");
}

static void test_ranges(void)
{
	struct http_req r = { 0 };
	uint64_t f, n;

	CHECK(http_range_resolve(&r, 100, &f, &n) == 200 && f == 0 && n == 100,
	      "no range");
	r.has_range = true;
	r.range_first = 10;
	r.range_last = 19;
	CHECK(http_range_resolve(&r, 100, &f, &n) == 206 && f == 10 && n == 10,
	      "10-19");
	r.range_last = 1000;
	CHECK(http_range_resolve(&r, 100, &f, &n) == 206 && f == 10 && n == 90,
	      "10-1000 clamps");
	r.range_first = 100;
	CHECK(http_range_resolve(&r, 100, &f, &n) == 416, "past end");
	CHECK(http_range_resolve(&r, 0, &f, &n) == 416, "empty file");
	r.range_suffix = true;
	r.range_last = 30;
	CHECK(http_range_resolve(&r, 100, &f, &n) == 206 && f == 70 && n == 30,
	      "suffix");
	r.range_last = 300;
	CHECK(http_range_resolve(&r, 100, &f, &n) == 206 && f == 0 && n == 100,
	      "suffix larger than file");
}

static void test_paths(void)
{
	CHECK(http_path_safe("/"), "/");
	CHECK(http_path_safe("/a/b.c"), "/a/b.c");
	CHECK(http_path_safe("/a..b"), "/a..b");
	CHECK(!http_path_safe("/.."), "/..");
	CHECK(!http_path_safe("/a/../b"), "/a/../b");
	CHECK(!http_path_safe("/a/.."), "/a/..");
	CHECK(!http_path_safe("/a\\..\\b"), "backslash");
	CHECK(!http_path_safe("a"), "relative");
	CHECK(!strcmp(http_content_type("/x/INDEX.HTML"), "text/html; charset=utf-8"),
	      "html type");
	CHECK(!strcmp(http_content_type("/x.d/file"), "application/octet-stream"),
	      "default type");
	CHECK(!strcmp(http_reason(416), "Range Not Satisfiable"), "reason");
}

int main(void)
{
	test_requests();
	test_fields();
	test_ranges();
	test_paths();
	return CHECK_DONE("http");
}
