/* SPDX-License-Identifier: GPL-3.0-or-later */
/* json_quote: escaping as Python's json.dumps does for ASCII text. */
#include "json_quote.h"

void json_quote(struct strbuf *sb, const char *before, const char *s, const char *after)
{
	strbuf_putc(sb, '"');
	strbuf_puts(sb, before);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			strbuf_printf(sb, "\\%c", c);
		else if (c == '\n')
			strbuf_puts(sb, "\\n");
		else if (c < 0x20 || c == 0x7f)
			strbuf_printf(sb, "\\u%04x", c);
		else
			strbuf_putc(sb, (char)c);
	}
	strbuf_puts(sb, after);
	strbuf_putc(sb, '"');
}
