/* SPDX-License-Identifier: GPL-3.0-or-later */
/* json_scan: a validating JSON scanner and readers of the values it has checked. */
#include "json_scan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* What a scan keeps besides its place, which each step takes and returns (NULL once it failed). */
struct scanner {
	const char *start, *end;
	int depth, flags;
	struct error *err;
	struct json_members *top; /* the root object's members, when asked */
	int top_depth;            /* depth inside the root */
	int nul;                  /* refused for a \u0000 (JSON_SCAN_NO_NUL) */
	struct json_ends *ends;   /* where to record container ends, or NULL */
};

/* Fails the scan at p, saying why and where; NULL. */
static const char *fail(struct scanner *s, const char *p, const char *why)
{
	if (p >= s->end)
		error_set(s->err, ERROR_PARSE, "not JSON: truncated or empty");
	else
		error_set(s->err, ERROR_PARSE, "not JSON: %s at byte %zu", why, (size_t)(p - s->start));
	return NULL;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Inlined: it runs around every value, and most often finds no space or a single one. */
static inline __attribute__((always_inline)) const char *skip_space(const char *p, const char *end)
{
	while (p < end && (unsigned char)*p <= ' ' && is_space(*p))
		p++;
	return p;
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

/* Sixteen bytes at a time, with the compiler's vector extensions (SSE2, NEON or plain words). */
typedef unsigned char bytes16 __attribute__((vector_size(16)));

/* The place of the first nonzero byte of w, a word read from memory (one byte is nonzero). */
static size_t first_set_byte(uint64_t w)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (size_t)__builtin_clzll(w) / 8;
#else
	return (size_t)__builtin_ctzll(w) / 8;
#endif
}

/* The length of the run at text[0..n) before a quote, a backslash or a control character (n when none). */
static inline __attribute__((always_inline)) size_t plain_run(const char *text, size_t n)
{
	size_t i = 0;

	for (; i + 16 <= n; i += 16) {
		bytes16 v, hit;
		uint64_t half[2];
		memcpy(&v, text + i, 16);
		hit = (bytes16)((v == '"') | (v == '\\') | (v < 0x20));
		memcpy(half, &hit, 16);
		if (half[0] != 0)
			return i + first_set_byte(half[0]);
		if (half[1] != 0)
			return i + 8 + first_set_byte(half[1]);
	}
	while (i < n && text[i] != '"' && text[i] != '\\' && (unsigned char)text[i] >= 0x20)
		i++;
	return i;
}

/* The string whose opening quote is at p. Inlined: a reply's body is mostly short strings. */
static inline __attribute__((always_inline)) const char *scan_string(struct scanner *s, const char *p)
{
	for (p++;;) {
		p += plain_run(p, (size_t)(s->end - p));
		if (p >= s->end)
			return fail(s, p, "unterminated string");
		if (*p == '"')
			return p + 1;
		if (*p != '\\')
			return fail(s, p, "control character in a string");
		if (p + 1 >= s->end)
			return fail(s, p, "unterminated string");
		if (p[1] == 'u') {
			long v = s->end - p >= 6 ? hex4(p + 2) : -1;
			if (v < 0)
				return fail(s, p, "bad \\u escape");
			if (v == 0 && (s->flags & JSON_SCAN_NO_NUL)) {
				s->nul = 1;
				return fail(s, p, "NUL character in a string");
			}
			p += 6;
		} else if (strchr("\"\\/bfnrt", p[1]) != NULL && p[1] != '\0') {
			p += 2;
		} else {
			return fail(s, p, "bad escape");
		}
	}
}

static const char *digits(struct scanner *s, const char *p)
{
	const char *q = p;

	while (p < s->end && *p >= '0' && *p <= '9')
		p++;
	return p > q ? p : fail(s, p, "bad number");
}

/* The literal word, n characters long, at p. */
static inline __attribute__((always_inline)) const char *match(struct scanner *s, const char *p,
                                                               const char *word, size_t n)
{
	if ((size_t)(s->end - p) < n)
		return fail(s, p, "unexpected character");
	for (size_t i = 0; i < n; i++)
		if (p[i] != word[i])
			return fail(s, p, "unexpected character");
	return p + n;
}

static const char *scan_number(struct scanner *s, const char *p)
{
	if (*p == '-')
		p++;
	if (p < s->end && *p == 'I')
		return match(s, p, "Infinity", 8);
	if (p < s->end && *p == '0')
		p++;
	else if ((p = digits(s, p)) == NULL)
		return NULL;
	if (p < s->end && *p == '.' && (p = digits(s, p + 1)) == NULL)
		return NULL;
	if (p < s->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < s->end && (*p == '+' || *p == '-'))
			p++;
		return digits(s, p);
	}
	return p;
}

static const char *scan_value(struct scanner *s, const char *p, struct json_span *out);

/* An array or object from its opening bracket at p; objects have string keys. */
static const char *scan_container(struct scanner *s, const char *p, char close)
{
	struct json_span v;
	size_t recorded = s->ends != NULL && s->ends->n < JSON_ENDS_MAX ? s->ends->n++ : JSON_ENDS_MAX;

	if (++s->depth > 0)
		return fail(s, p, "nested too deep");
	if (recorded < JSON_ENDS_MAX)
		s->ends->open[recorded] = p;
	p = skip_space(p + 1, s->end);
	for (int first = 1;; first = 0) {
		struct json_span key = {p, 0, JSON_STRING, s->ends};
		if (first && p < s->end && *p == close)
			break;
		if (close == '}') {
			if (p >= s->end || *p != '"')
				return fail(s, p, "expected a member name");
			if ((p = scan_string(s, p)) == NULL)
				return NULL;
			key.len = (size_t)(p - key.p);
			p = skip_space(p, s->end);
			if (p >= s->end || *p != ':')
				return fail(s, p, "expected ':'");
			p = skip_space(p + 1, s->end);
		}
		if ((p = scan_value(s, p, &v)) == NULL)
			return NULL;
		if (close == '}' && s->top != NULL && s->depth == s->top_depth &&
		    s->top->n++ < JSON_MEMBERS_MAX) {
			s->top->key[s->top->n - 1] = key;
			s->top->value[s->top->n - 1] = v;
		}
		p = skip_space(p, s->end);
		if (p < s->end && *p == ',') {
			p = skip_space(p + 1, s->end);
			continue;
		}
		if (p < s->end && *p == close)
			break;
		return fail(s, p, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
	}
	s->depth--;
	if (recorded < JSON_ENDS_MAX)
		s->ends->close[recorded] = p + 1;
	return p + 1;
}

static const char *scan_value(struct scanner *s, const char *p, struct json_span *out)
{
	const char *at = p;

	if (p >= s->end)
		return fail(s, p, "truncated");
	switch (*p) {
	case '"':
		out->kind = JSON_STRING;
		p = scan_string(s, p);
		break;
	case '{':
		out->kind = JSON_OBJECT;
		p = scan_container(s, p, '}');
		break;
	case '[':
		out->kind = JSON_ARRAY;
		p = scan_container(s, p, ']');
		break;
	case 't':
		out->kind = JSON_TRUE;
		p = match(s, p, "true", 4);
		break;
	case 'f':
		out->kind = JSON_FALSE;
		p = match(s, p, "false", 5);
		break;
	case 'n':
		out->kind = JSON_NULL;
		p = match(s, p, "null", 4);
		break;
	case 'N':
		out->kind = JSON_NUMBER;
		p = match(s, p, "NaN", 3);
		break;
	default:
		out->kind = JSON_NUMBER;
		p = *p == '-' || (*p >= '0' && *p <= '9') || *p == 'I' ? scan_number(s, p)
		                                                       : fail(s, p, "unexpected character");
	}
	out->p = at;
	out->len = p != NULL ? (size_t)(p - at) : 0;
	out->ends = s->ends;
	return p;
}

int json_scan(const char *text, size_t len, int max_depth, int flags, struct json_span *out,
              struct error *err)
{
	return json_scan_members(text, len, max_depth, flags, out, NULL, NULL, err);
}

int json_scan_members(const char *text, size_t len, int max_depth, int flags, struct json_span *out,
                      struct json_members *m, struct json_ends *ends, struct error *err)
{
	struct scanner s = {text, text + len, -max_depth, flags, err, m, -max_depth + 1, 0, ends};
	const char *p;

	if (m != NULL)
		m->n = 0;
	if (ends != NULL)
		ends->n = 0;
	if ((p = scan_value(&s, skip_space(text, s.end), out)) == NULL)
		return s.nul ? JSON_SCAN_NUL : -1;
	p = skip_space(p, s.end);
	if (p != s.end) {
		fail(&s, p, "trailing characters");
		return -1;
	}
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

/* The end of the container opening at p as the scan recorded it, or NULL. */
static const char *recorded_end(const struct json_ends *ends, const char *p)
{
	size_t lo = 0, hi = ends != NULL ? ends->n : 0;

	while (lo < hi) { /* the containers open in order: a binary search */
		size_t mid = lo + (hi - lo) / 2;
		if (ends->open[mid] == p)
			return ends->close[mid];
		if (ends->open[mid] < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The end of the scanned value starting at p. */
static const char *skip_value(const char *p, const char *end, const struct json_ends *ends,
                              enum json_kind *kind)
{
	const char *known;
	int depth = 0;

	switch (*p) {
	case '"':
		*kind = JSON_STRING;
		return skip_string(p);
	case '{':
	case '[':
		*kind = *p == '{' ? JSON_OBJECT : JSON_ARRAY;
		if ((known = recorded_end(ends, p)) != NULL)
			return known;
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
	c->ends = container->ends;
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
		if (key != NULL)
			*key = (struct json_span){p, (size_t)(q - p), JSON_STRING, c->ends};
		p = q;
		while (*p != ':')
			p++;
		p++;
		while (is_space(*p))
			p++;
	}
	value->p = p;
	value->ends = c->ends;
	p = skip_value(p, c->end, c->ends, &value->kind);
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
