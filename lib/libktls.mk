# SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
# What a Makefile needs to build libktls or link it into a program, in one
# place (lib/Makefile, tools/Makefile and tests/bench/Makefile include it):
#   LIBKTLS_SRCS        the library's sources, relative to lib/
#   LIBKTLS_SSL_STATIC  the host's static OpenSSL archives (fully static
#                       programs: the `ktls` CLI, the benchmark harness)
LIBKTLS_SRCS := cipher.c sys.c handoff.c io.c raw.c ../core/keysched.c
LIBKTLS_SSL_STATIC := $(shell for d in /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib; do \
	[ -f $$d/libssl.a ] && echo "$$d/libssl.a $$d/libcrypto.a" && break; done)
