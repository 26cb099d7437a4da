/* SPDX-License-Identifier: GPL-3.0-or-later */
/* base64: encoder and strict decoder. */
#include "base64.h"

#include <stdlib.h>
#include <string.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *base64_encode(const unsigned char *in, size_t n)
{
	size_t i, o = 0;
	char *out;

	if (n > ((size_t)-1 / 4) * 3 - 3)
		return NULL;
	out = malloc((n + 2) / 3 * 4 + 1);
	if (out == NULL)
		return NULL;
	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
		out[o++] = alphabet[v & 63];
	}
	if (i < n) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0);
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = i + 1 < n ? alphabet[v >> 6 & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return out;
}

/* The value of each character of the alphabet, 64 for any other byte. */
static unsigned char sextets[256];

static void fill_sextets(void)
{
	memset(sextets, 64, sizeof(sextets));
	for (unsigned i = 0; i < 64; i++)
		sextets[(unsigned char)alphabet[i]] = (unsigned char)i;
}

/* Decodes n characters of in to out, which may be in itself (each output byte is written after the
 * characters it comes from are read). Returns the decoded length, or -1 on bad input. */
static long decode(const char *in, size_t n, unsigned char *out)
{
	const unsigned char *s = (const unsigned char *)in;
	unsigned acc = 0, bad = 0;
	size_t o = 0, i, pad = 0;

	if (sextets[0] == 0)
		fill_sextets();
	/* Up to two '=' may end the input, and only where they complete a quartet. */
	while (n > 0 && in[n - 1] == '=' && pad < 2) {
		n--;
		pad++;
	}
	if (n % 4 == 1 || (pad > 0 && (n + pad) % 4 != 0))
		return -1;
	for (i = 0; i + 4 <= n; i += 4) {
		unsigned a = sextets[s[i]], b = sextets[s[i + 1]], c = sextets[s[i + 2]],
		         d = sextets[s[i + 3]];
		bad |= a | b | c | d;
		acc = a << 18 | b << 12 | c << 6 | d;
		out[o++] = (unsigned char)(acc >> 16);
		out[o++] = (unsigned char)(acc >> 8);
		out[o++] = (unsigned char)acc;
	}
	for (acc = 0; i < n; i++) { /* the last 2 or 3 characters */
		bad |= sextets[s[i]];
		acc = acc << 6 | sextets[s[i]];
	}
	if (bad & 64)
		return -1;
	if (n % 4 == 2) {
		out[o++] = (unsigned char)(acc >> 4);
	} else if (n % 4 == 3) {
		out[o++] = (unsigned char)(acc >> 10);
		out[o++] = (unsigned char)(acc >> 2);
	}
	return (long)o;
}

unsigned char *base64_decode(const char *in, size_t n, size_t *outlen)
{
	unsigned char *out = malloc(n / 4 * 3 + 3);
	long o;

	if (out == NULL)
		return NULL;
	if ((o = decode(in, n, out)) < 0) {
		free(out);
		return NULL;
	}
	out[o] = '\0';
	*outlen = (size_t)o;
	return out;
}

int base64_decode_in_place(unsigned char *buf, size_t n, size_t *outlen)
{
	long o = decode((const char *)buf, n, buf);

	if (o < 0)
		return -1;
	buf[o] = '\0';
	*outlen = (size_t)o;
	return 0;
}
