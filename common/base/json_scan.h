/* SPDX-License-Identifier: GPL-3.0-or-later */
/* json_scan: checks JSON text in one pass and reads values where they lie, with no tree and no copy. */
#ifndef CELERY_JSON_SCAN_H
#define CELERY_JSON_SCAN_H

#include "error.h"

#include <stddef.h>

enum json_kind { JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

/* A value inside scanned text: a string's span holds its quotes, an array's or object's its brackets. */
struct json_span {
	const char *p;
	size_t len;
	enum json_kind kind;
	const struct json_ends *ends; /* the scan's record of where containers end, or NULL */
};

/* Where the arrays and objects of a scanned text end, as the scan records them in the order they open (the
 * first JSON_ENDS_MAX of them), so that a reader steps over one without reading it again. */
#define JSON_ENDS_MAX 64
struct json_ends {
	const char *open[JSON_ENDS_MAX];  /* the opening bracket */
	const char *close[JSON_ENDS_MAX]; /* one past the closing bracket */
	size_t n;
};

#define JSON_SCAN_NO_NUL 1  /* refuse a string holding \u0000 ... */
#define JSON_SCAN_NUL    -2 /* ... and say so with this return value */

/* Checks that text[0..len) is exactly one JSON value with white space around it (RFC 8259, plus NaN,
 * Infinity and -Infinity as Python writes them), with arrays and objects nested at most max_depth deep and
 * no raw control character in a string. Fills *out with the value. Fails with ERROR_PARSE saying why and
 * where: -1, or JSON_SCAN_NUL for a \u0000 that JSON_SCAN_NO_NUL refuses. Only scanned spans may be given to
 * the functions below. */
int json_scan(const char *text, size_t len, int max_depth, int flags, struct json_span *out,
              struct error *err);

/* The first members of an object, as json_scan_members finds them while checking it. */
#define JSON_MEMBERS_MAX 16
struct json_members {
	struct json_span key[JSON_MEMBERS_MAX], value[JSON_MEMBERS_MAX];
	size_t n; /* members of the object, counting those beyond JSON_MEMBERS_MAX; 0 for another value */
};

/* As json_scan, and when the value is an object also gives its members, so that reading them takes no
 * second pass; with ends, records where containers end, for the spans of this text to use (ends must last as
 * long as they do). */
int json_scan_members(const char *text, size_t len, int max_depth, int flags, struct json_span *out,
                      struct json_members *m, struct json_ends *ends, struct error *err);

/* Walks the members of an object or the elements of an array. */
struct json_cursor {
	const char *p, *end;
	const struct json_ends *ends;
};

void json_cursor_open(struct json_cursor *c, const struct json_span *container);
/* Gives the next member's key (objects only; key may be NULL for arrays) and value; 0 at the end. */
int json_cursor_next(struct json_cursor *c, struct json_span *key, struct json_span *value);

/* Finds the value of the first member of obj whose key is name (Celery, writing Python dictionaries, never
 * repeats one). 1 if found. */
int json_get(const struct json_span *obj, const char *name, struct json_span *value);
/* 1 when string s decodes to exactly text. */
int json_string_is(const struct json_span *s, const char *text);
/* Decodes string s into out, which holds at least s->len bytes (decoded text is never longer than its
 * quoted form; out may be s->p itself, to decode where it lies), and NUL-terminates it; returns the decoded
 * length. A lone surrogate becomes U+FFFD. */
size_t json_string_decode(const struct json_span *s, char *out);
/* A value copied out, NUL-terminated: a string decoded, anything else as its JSON text; NULL when out of
 * memory. */
char *json_value_dup(const struct json_span *v);

#endif
