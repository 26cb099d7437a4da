/* SPDX-License-Identifier: GPL-3.0-or-later */
/* base64: RFC 4648 standard-alphabet encoding and strict decoding of message bodies. */
#ifndef CELERY_BASE64_H
#define CELERY_BASE64_H

#include <stddef.h>

/* Returns a malloc'ed NUL-terminated encoding of n bytes, or NULL when out of memory. */
char *base64_encode(const unsigned char *in, size_t n);
/* Decodes n characters into a malloc'ed buffer (NUL-terminated for convenience, length in *outlen).
 * Padding is optional; any character outside the alphabet, misplaced padding or a dangling
 * character fails. Returns NULL on bad input or no memory. */
unsigned char *base64_decode(const char *in, size_t n, size_t *outlen);
/* The same, decoding the n characters of buf into buf itself (NUL-terminated); 0, or -1 on bad input. */
int base64_decode_in_place(unsigned char *buf, size_t n, size_t *outlen);

#endif
