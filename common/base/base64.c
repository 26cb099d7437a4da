/* SPDX-License-Identifier: GPL-3.0-or-later */
/* base64: encoder and strict decoder. */
#include "base64.h"

#include <stdint.h>
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

/* For each byte, its sextet already shifted into place for each of the four positions of a quartet, or
 * BAD for a byte outside the alphabet: a quartet decodes with four lookups and three ORs. */
#define BAD 0x80000000u
static uint32_t sextets[4][256];

static void fill_sextets(void)
{
	for (unsigned pos = 0; pos < 4; pos++) {
		for (unsigned c = 0; c < 256; c++)
			sextets[pos][c] = BAD;
		for (unsigned i = 0; i < 64; i++)
			sextets[pos][(unsigned char)alphabet[i]] = i << (18 - 6 * pos);
	}
}

/* Decodes n characters of in to out, which may be in itself (each output byte is written after the
 * characters it comes from are read). Returns the decoded length, or -1 on bad input. */
static long decode(const char *in, size_t n, unsigned char *out)
{
	const unsigned char *s = (const unsigned char *)in;
	uint32_t v, bad = 0;
	size_t o = 0, i, pad = 0;

	if (sextets[0][0] == 0)
		fill_sextets();
	/* Up to two '=' may end the input, and only where they complete a quartet. */
	while (n > 0 && in[n - 1] == '=' && pad < 2) {
		n--;
		pad++;
	}
	if (n % 4 == 1 || (pad > 0 && (n + pad) % 4 != 0))
		return -1;
	for (i = 0; i + 4 <= n; i += 4) {
		v = sextets[0][s[i]] | sextets[1][s[i + 1]] | sextets[2][s[i + 2]] | sextets[3][s[i + 3]];
		bad |= v;
		out[o] = (unsigned char)(v >> 16);
		out[o + 1] = (unsigned char)(v >> 8);
		out[o + 2] = (unsigned char)v;
		o += 3;
	}
	for (v = 0; i < n; i++) /* the last 2 or 3 characters */
		v |= sextets[i % 4][s[i]];
	bad |= v;
	if (bad & BAD)
		return -1;
	if (n % 4 >= 2)
		out[o++] = (unsigned char)(v >> 16);
	if (n % 4 == 3)
		out[o++] = (unsigned char)(v >> 8);
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
