/* SPDX-License-Identifier: GPL-3.0-or-later */
/* json_utf8: UTF-8 validation (RFC 3629) and repair of JSON text. */
#include "json_utf8.h"

#include "strbuf.h"

#include <string.h>

size_t utf8_sequence_length(const unsigned char *s, size_t left)
{
	unsigned char c = s[0];
	size_t n;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (n > left)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

char *json_utf8_repair(const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	const unsigned char *p = (const unsigned char *)text;
	size_t left = strlen(text);

	while (left > 0) {
		size_t n = utf8_sequence_length(p, left);
		if (n == 0) {
			strbuf_puts(&sb, "\\ufffd");
			n = 1;
		} else {
			strbuf_append(&sb, (const char *)p, n);
		}
		p += n;
		left -= n;
	}
	if (sb.len == 0)
		strbuf_puts(&sb, "");
	return strbuf_detach(&sb);
}
