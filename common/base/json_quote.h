/* SPDX-License-Identifier: GPL-3.0-or-later */
/* json_quote: a JSON string literal written as Python's json.dumps writes ASCII text. */
#ifndef CELERY_JSON_QUOTE_H
#define CELERY_JSON_QUOTE_H

#include "strbuf.h"

/* Appends "<before><s escaped><after>" as one JSON string literal. */
void json_quote(struct strbuf *sb, const char *before, const char *s, const char *after);

#endif
