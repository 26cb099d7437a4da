/* SPDX-License-Identifier: GPL-3.0-or-later */
/* strbuf: a growable string whose allocation failure is sticky, so callers check once at the end. */
#ifndef CELERY_STRBUF_H
#define CELERY_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *buf;  /* NUL-terminated text, or NULL while empty */
	size_t len; /* bytes used, without the NUL */
	size_t cap; /* bytes allocated */
	int failed; /* set once an allocation failed; later appends do nothing */
};

#define STRBUF_INIT                                                                                          \
	{                                                                                                    \
		NULL, 0, 0, 0                                                                                \
	}

void strbuf_append(struct strbuf *sb, const char *s, size_t n);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends text from the outside world so that it cannot break plugin output: '|', '\\' and control
 * characters become \xNN escapes. */
void strbuf_put_clean(struct strbuf *sb, const char *s);
/* As strbuf_put_clean, of the first most bytes of s at most (cut where no UTF-8 character is split),
 * with "..." after a cut. */
void strbuf_put_clean_most(struct strbuf *sb, const char *s, size_t most);
/* How many bytes of s to keep so that at most most remain and no UTF-8 character is split. */
size_t utf8_cut(const char *s, size_t most);
/* The text ("" while empty); NULL once an allocation failed. */
const char *strbuf_str(const struct strbuf *sb);
/* Hands the buffer to the caller (NULL once an allocation failed) and resets sb. */
char *strbuf_detach(struct strbuf *sb);
/* Empties sb, keeping its memory for what comes next. */
void strbuf_clear(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);

#endif
