/* SPDX-License-Identifier: GPL-3.0-or-later */
/* json_utf8: JSON text made valid UTF-8 whatever workers put in their names: json-c copies bytes above
 * 0x7f as they are, so an invalid sequence in a node or queue name would reach --json unescaped. */
#ifndef CELERY_JSON_UTF8_H
#define CELERY_JSON_UTF8_H

#include <stddef.h>

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 when the byte there does not start one (a stray
 * continuation byte, an overlong form, a surrogate, a code point above U+10FFFF, a truncated sequence). */
size_t utf8_sequence_length(const unsigned char *s, size_t left);
/* A malloc'ed copy of JSON text in which every byte that is not part of a valid UTF-8 sequence becomes
 * the escape \ufffd (such bytes can only stand inside strings); NULL when out of memory. */
char *json_utf8_repair(const char *text);

#endif
