/* SPDX-License-Identifier: GPL-3.0-or-later */
/* strbuf: growable strings. */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int strbuf_reserve(struct strbuf *sb, size_t extra)
{
	size_t need, cap;
	char *p;

	if (sb->failed)
		return -1;
	if (extra > (size_t)-1 / 2 - sb->len) {
		sb->failed = 1;
		return -1;
	}
	need = sb->len + extra + 1;
	if (need <= sb->cap)
		return 0;
	cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap *= 2;
	p = realloc(sb->buf, cap);
	if (p == NULL) {
		sb->failed = 1;
		return -1;
	}
	sb->buf = p;
	sb->cap = cap;
	return 0;
}

void strbuf_append(struct strbuf *sb, const char *s, size_t n)
{
	if (strbuf_reserve(sb, n) < 0)
		return;
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_append(sb, s, strlen(s));
}

void strbuf_putc(struct strbuf *sb, char c)
{
	if (sb->len + 2 <= sb->cap && !sb->failed) { /* room for it and the NUL: the common case */
		sb->buf[sb->len++] = c;
		sb->buf[sb->len] = '\0';
		return;
	}
	strbuf_append(sb, &c, 1);
}

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || strbuf_reserve(sb, (size_t)n) < 0) {
		sb->failed = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

static void put_clean_n(struct strbuf *sb, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '|' || c == '\\')
			strbuf_printf(sb, "\\x%02x", c);
		else
			strbuf_putc(sb, (char)c);
	}
}

void strbuf_put_clean(struct strbuf *sb, const char *s)
{
	put_clean_n(sb, s, strlen(s));
}

size_t utf8_cut(const char *s, size_t most)
{
	size_t n = strnlen(s, most);

	if (n < most || s[n] == '\0')
		return n;
	/* s[n] continues a character: cut before that character's first byte, three bytes back at most (bytes
	 * that are no UTF-8 are cut where they stand) */
	for (size_t back = 0; back <= 3 && back <= n; back++)
		if (((unsigned char)s[n - back] & 0xc0) != 0x80)
			return n - back;
	return n;
}

void strbuf_put_clean_most(struct strbuf *sb, const char *s, size_t most)
{
	size_t keep = utf8_cut(s, most);

	put_clean_n(sb, s, keep);
	if (s[keep] != '\0')
		strbuf_puts(sb, "...");
}

const char *strbuf_str(const struct strbuf *sb)
{
	if (sb->failed)
		return NULL;
	return sb->buf ? sb->buf : "";
}

char *strbuf_detach(struct strbuf *sb)
{
	char *s = NULL;

	if (!sb->failed)
		s = sb->buf ? sb->buf : strdup("");
	else
		free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	sb->failed = 0;
	return s;
}

void strbuf_clear(struct strbuf *sb)
{
	if (sb->buf != NULL)
		sb->buf[0] = '\0';
	sb->len = 0;
	sb->failed = 0;
}

void strbuf_free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	sb->failed = 0;
}
