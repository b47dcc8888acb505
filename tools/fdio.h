/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* Whole-buffer read/write on a file descriptor (EINTR and short counts),
 * and a connected loopback TCP pair. */
#ifndef KTLS_TOOLS_FDIO_H
#define KTLS_TOOLS_FDIO_H

#include <stddef.h>

/* Write all N bytes of P; 0, or -1 with errno (0 if write returned 0). */
int fd_write_all(int fd, const void *p, size_t n);
/* Read exactly N bytes into P; 1, 0 at end of file first, -1 with errno. */
int fd_read_all(int fd, void *p, size_t n);
/* A connected TCP pair over 127.0.0.1 (close-on-exec): *A the connecting
 * end, *B the accepted one; 0, or -errno with both -1. */
int loopback_pair(int *a, int *b);

#endif /* KTLS_TOOLS_FDIO_H */
