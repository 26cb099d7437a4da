/* SPDX-License-Identifier: GPL-3.0-or-later */
/* json_scan: a validating JSON scanner and readers of the values it has checked. */
#include "json_scan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct scanner {
	const char *start, *p, *end;
	int depth, flags;
	struct error *err;
	struct json_members *top; /* the root object's members, when asked */
	int top_depth;            /* depth inside the root */
	int nul;                  /* refused for a \u0000 (JSON_SCAN_NO_NUL) */
};

static int fail(struct scanner *s, const char *why)
{
	if (s->p >= s->end)
		return error_set(s->err, ERROR_PARSE, "not JSON: truncated or empty");
	return error_set(s->err, ERROR_PARSE, "not JSON: %s at byte %zu", why, (size_t)(s->p - s->start));
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_space(struct scanner *s)
{
	while (s->p < s->end && is_space(*s->p))
		s->p++;
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The four hex digits at p, or -1. */
static long hex4(const char *p)
{
	long v = 0;

	for (int i = 0; i < 4; i++) {
		int h = hex(p[i]);
		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

/* 1 when text[0..n) holds no backslash and no control character, the common case, checked eight bytes at
 * a time: a byte below 0x20, or a zero byte of the text xor backslashes, sets its high bit in the test. */
static int plain(const char *text, size_t n)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x, y;
		memcpy(&x, text + i, 8);
		y = x ^ (ones * '\\');
		if (((x - ones * 0x20) & ~x & highs) | ((y - ones) & ~y & highs))
			return 0;
	}
	for (; i < n; i++)
		if (text[i] == '\\' || (unsigned char)text[i] < 0x20)
			return 0;
	return 1;
}

static int scan_string(struct scanner *s)
{
	const char *close;

	s->p++; /* the opening quote */
	close = memchr(s->p, '"', (size_t)(s->end - s->p));
	if (close != NULL && plain(s->p, (size_t)(close - s->p))) {
		s->p = close + 1;
		return 0;
	}
	for (;;) {
		const char *q = s->p;
		while (q < s->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
			q++;
		s->p = q;
		if (q >= s->end)
			return fail(s, "unterminated string");
		if (*q == '"') {
			s->p++;
			return 0;
		}
		if (*q != '\\')
			return fail(s, "control character in a string");
		if (q + 1 >= s->end)
			return fail(s, "unterminated string");
		if (q[1] == 'u') {
			long v = s->end - q >= 6 ? hex4(q + 2) : -1;
			if (v < 0)
				return fail(s, "bad \\u escape");
			if (v == 0 && (s->flags & JSON_SCAN_NO_NUL)) {
				s->nul = 1;
				return fail(s, "NUL character in a string");
			}
			s->p = q + 6;
		} else if (strchr("\"\\/bfnrt", q[1]) != NULL && q[1] != '\0') {
			s->p = q + 2;
		} else {
			return fail(s, "bad escape");
		}
	}
}

static int digits(struct scanner *s)
{
	const char *q = s->p;

	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return s->p > q ? 0 : fail(s, "bad number");
}

static int match(struct scanner *s, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return fail(s, "unexpected character");
	s->p += n;
	return 0;
}

static int scan_number(struct scanner *s)
{
	if (*s->p == '-')
		s->p++;
	if (s->p < s->end && *s->p == 'I')
		return match(s, "Infinity");
	if (s->p < s->end && *s->p == '0')
		s->p++;
	else if (digits(s) < 0)
		return -1;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (digits(s) < 0)
			return -1;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (digits(s) < 0)
			return -1;
	}
	return 0;
}

static int scan_value(struct scanner *s, struct json_span *out);

/* An array or object from its opening bracket; objects have string keys. */
static int scan_container(struct scanner *s, char close)
{
	struct json_span v;

	if (++s->depth > 0)
		return fail(s, "nested too deep");
	s->p++;
	skip_space(s);
	if (s->p < s->end && *s->p == close) {
		s->p++;
		s->depth--;
		return 0;
	}
	for (;;) {
		struct json_span key = {s->p, 0, JSON_STRING};
		if (close == '}') {
			if (s->p >= s->end || *s->p != '"')
				return fail(s, "expected a member name");
			if (scan_string(s) < 0)
				return -1;
			key.len = (size_t)(s->p - key.p);
			skip_space(s);
			if (s->p >= s->end || *s->p != ':')
				return fail(s, "expected ':'");
			s->p++;
			skip_space(s);
		}
		if (scan_value(s, &v) < 0)
			return -1;
		if (close == '}' && s->top != NULL && s->depth == s->top_depth &&
		    s->top->n++ < JSON_MEMBERS_MAX) {
			s->top->key[s->top->n - 1] = key;
			s->top->value[s->top->n - 1] = v;
		}
		skip_space(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			skip_space(s);
			continue;
		}
		if (s->p < s->end && *s->p == close) {
			s->p++;
			s->depth--;
			return 0;
		}
		return fail(s, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int scan_value(struct scanner *s, struct json_span *out)
{
	const char *at = s->p;
	int rc;

	if (s->p >= s->end)
		return fail(s, "truncated");
	switch (*s->p) {
	case '"':
		out->kind = JSON_STRING;
		rc = scan_string(s);
		break;
	case '{':
		out->kind = JSON_OBJECT;
		rc = scan_container(s, '}');
		break;
	case '[':
		out->kind = JSON_ARRAY;
		rc = scan_container(s, ']');
		break;
	case 't':
		out->kind = JSON_TRUE;
		rc = match(s, "true");
		break;
	case 'f':
		out->kind = JSON_FALSE;
		rc = match(s, "false");
		break;
	case 'n':
		out->kind = JSON_NULL;
		rc = match(s, "null");
		break;
	case 'N':
		out->kind = JSON_NUMBER;
		rc = match(s, "NaN");
		break;
	default:
		out->kind = JSON_NUMBER;
		rc = (*s->p == '-' || (*s->p >= '0' && *s->p <= '9') || *s->p == 'I')
		         ? scan_number(s)
		         : fail(s, "unexpected character");
	}
	out->p = at;
	out->len = (size_t)(s->p - at);
	return rc;
}

int json_scan(const char *text, size_t len, int max_depth, int flags, struct json_span *out,
              struct error *err)
{
	return json_scan_members(text, len, max_depth, flags, out, NULL, err);
}

int json_scan_members(const char *text, size_t len, int max_depth, int flags, struct json_span *out,
                      struct json_members *m, struct error *err)
{
	struct scanner s = {text, text, text + len, -max_depth, flags, err, m, -max_depth + 1, 0};

	if (m != NULL)
		m->n = 0;
	skip_space(&s);
	if (scan_value(&s, out) < 0)
		return s.nul ? JSON_SCAN_NUL : -1;
	skip_space(&s);
	if (s.p != s.end)
		return fail(&s, "trailing characters");
	return 0;
}

/* The end of the string starting at p (after its closing quote); the text has been scanned, so a closing
 * quote comes: the first quote not escaped, that is not after an odd run of backslashes. */
static const char *skip_string(const char *p)
{
	const char *from = p + 1;

	for (;;) {
		const char *q = rawmemchr(from, '"');
		size_t slashes = 0;
		while (q - slashes > from && q[-1 - (long)slashes] == '\\')
			slashes++;
		if (slashes % 2 == 0)
			return q + 1;
		from = q + 1;
	}
}

/* The end of the scanned value starting at p. */
static const char *skip_value(const char *p, const char *end, enum json_kind *kind)
{
	int depth = 0;

	switch (*p) {
	case '"':
		*kind = JSON_STRING;
		return skip_string(p);
	case '{':
	case '[':
		*kind = *p == '{' ? JSON_OBJECT : JSON_ARRAY;
		for (;; p++) {
			if (*p == '"')
				p = skip_string(p) - 1;
			else if (*p == '{' || *p == '[')
				depth++;
			else if ((*p == '}' || *p == ']') && --depth == 0)
				return p + 1;
		}
	case 't':
		*kind = JSON_TRUE;
		break;
	case 'f':
		*kind = JSON_FALSE;
		break;
	case 'n':
		*kind = JSON_NULL;
		break;
	default:
		*kind = JSON_NUMBER;
	}
	while (p < end && *p != ',' && *p != ']' && *p != '}' && !is_space(*p))
		p++;
	return p;
}

void json_cursor_open(struct json_cursor *c, const struct json_span *container)
{
	c->p = container->p + 1;
	c->end = container->p + container->len - 1; /* the closing bracket */
}

int json_cursor_next(struct json_cursor *c, struct json_span *key, struct json_span *value)
{
	const char *p = c->p;

	while (p < c->end && (is_space(*p) || *p == ','))
		p++;
	if (p >= c->end)
		return 0;
	if (*p == '"' && *c->end == '}') {
		const char *q = skip_string(p);
		if (key != NULL) {
			key->p = p;
			key->len = (size_t)(q - p);
			key->kind = JSON_STRING;
		}
		p = q;
		while (*p != ':')
			p++;
		p++;
		while (is_space(*p))
			p++;
	}
	value->p = p;
	p = skip_value(p, c->end, &value->kind);
	value->len = (size_t)(p - value->p);
	c->p = p;
	return 1;
}

int json_get(const struct json_span *obj, const char *name, struct json_span *value)
{
	struct json_cursor c;
	struct json_span k;

	if (obj->kind != JSON_OBJECT)
		return 0;
	json_cursor_open(&c, obj);
	while (json_cursor_next(&c, &k, value))
		if (json_string_is(&k, name))
			return 1;
	return 0;
}

static size_t put_utf8(char *out, unsigned long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Decodes the character or escape at *pp (inside a scanned string) into out[0..4), advancing *pp. */
static size_t decode_one(const char **pp, char out[4])
{
	const char *p = *pp;
	unsigned long cp;

	if (*p != '\\') {
		*pp = p + 1;
		out[0] = *p;
		return 1;
	}
	*pp = p + 2;
	switch (p[1]) {
	case 'b':
		out[0] = '\b';
		return 1;
	case 'f':
		out[0] = '\f';
		return 1;
	case 'n':
		out[0] = '\n';
		return 1;
	case 'r':
		out[0] = '\r';
		return 1;
	case 't':
		out[0] = '\t';
		return 1;
	case 'u':
		break;
	default: /* '"', '\\', '/' */
		out[0] = p[1];
		return 1;
	}
	cp = (unsigned long)hex4(p + 2);
	*pp = p + 6;
	if (cp >= 0xd800 && cp < 0xdc00 && p[6] == '\\' && p[7] == 'u') {
		long low = hex4(p + 8);
		if (low >= 0xdc00 && low < 0xe000) {
			*pp = p + 12;
			return put_utf8(out, 0x10000 + ((cp - 0xd800) << 10) + ((unsigned long)low - 0xdc00));
		}
	}
	if (cp >= 0xd800 && cp < 0xe000)
		cp = 0xfffd;
	return put_utf8(out, cp);
}

int json_string_is(const struct json_span *s, const char *text)
{
	const char *p = s->p + 1, *end = s->p + s->len - 1;
	size_t n = strlen(text), at = 0;
	char buf[4];

	if (memchr(p, '\\', (size_t)(end - p)) == NULL)
		return (size_t)(end - p) == n && memcmp(p, text, n) == 0;
	while (p < end) {
		size_t k = decode_one(&p, buf);
		if (at + k > n || memcmp(text + at, buf, k) != 0)
			return 0;
		at += k;
	}
	return at == n;
}

size_t json_string_decode(const struct json_span *s, char *out)
{
	const char *p = s->p + 1, *end = s->p + s->len - 1;
	size_t n = 0;

	while (p < end) {
		const char *q = memchr(p, '\\', (size_t)(end - p));
		if (q == NULL)
			q = end;
		memmove(out + n, p, (size_t)(q - p));
		n += (size_t)(q - p);
		p = q;
		if (p < end)
			n += decode_one(&p, out + n);
	}
	out[n] = '\0';
	return n;
}

char *json_value_dup(const struct json_span *v)
{
	char *out = malloc(v->len + 1);

	if (out != NULL && v->kind == JSON_STRING)
		json_string_decode(v, out);
	else if (out != NULL)
		memcpy(out, v->p, v->len), out[v->len] = '\0';
	return out;
}
