/* SPDX-License-Identifier: GPL-3.0-or-later */
/* resp: RESP2 replies read incrementally, with bounded memory (docs: design.md, "redis"). */
#include "resp.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BULK      (512LL * 1024 * 1024) /* Redis's own limit on a string (proto-max-bulk-len) */
#define LENGTH_DIGITS 20                    /* a length or integer line: sign and 19 digits */
#define ELEMENT_COST  64                    /* the allocation of a struct resp, counted as held */

void resp_free(struct resp *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->elements; i++)
		resp_free(r->element[i]);
	free(r->element);
	free(r->str);
	free(r);
}

void resp_reader_init(struct resp_reader *r, size_t max_string, size_t max_held)
{
	memset(r, 0, sizeof(*r));
	r->max_string = max_string;
	r->max_held = max_held;
}

int resp_reader_idle(const struct resp_reader *r)
{
	return r->root == NULL && r->line_len == 0 && !r->in_bulk;
}

void resp_reader_reset(struct resp_reader *r)
{
	resp_free(r->root);
	free(r->payload);
	r->root = NULL;
	r->payload = NULL;
	r->depth = 0;
	r->line_len = 0;
	r->in_bulk = 0;
	r->held = 0;
}

/* A whole integer in text[0..len): an optional '-' and 1 to 19 digits. */
static int parse_integer(const char *text, size_t len, long long *out)
{
	size_t i = len > 1 && text[0] == '-' ? 1 : 0;
	unsigned long long v = 0;

	if (len == 0 || len - i > 19)
		return -1;
	for (; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return -1;
		v = v * 10 + (unsigned long long)(text[i] - '0');
	}
	if (v > (unsigned long long)LLONG_MAX + (text[0] == '-'))
		return -1;
	*out = text[0] == '-' ? (long long)(0 - v) : (long long)v;
	return 0;
}

static int malformed(struct error *err, const char *what)
{
	return error_set(err, ERROR_BROKER, "protocol error from the broker: %s", what);
}

/* The bytes held grew by n: within the cap? */
static int hold(struct resp_reader *r, size_t n, struct error *err)
{
	r->held += n;
	if (r->held > r->max_held)
		return error_set(err, ERROR_OVERSIZE, "a reply exceeded the %zu MiB size cap",
		                 r->max_held >> 20);
	return 0;
}

/* 1 when the element about to be placed is one that the stream hands over. */
static int handed_here(const struct resp_reader *r)
{
	const struct resp_frame *top = r->depth > 0 ? &r->frame[r->depth - 1] : NULL;
	const struct resp *root = r->depth > 0 ? r->frame[0].array : NULL;
	int keyed_root;

	if (r->stream == NULL || top == NULL)
		return 0;
	keyed_root = r->frame[0].want == 2 && root->elements >= 1 && root->element[0] != NULL &&
	             root->element[0]->type == RESP_STRING;
	switch (r->stream->shape) {
	case RESP_STREAM_FLAT:
		return r->depth == 1;
	case RESP_STREAM_PAIR:
		return r->depth == 1 && keyed_root; /* the second element: the first is the key */
	case RESP_STREAM_KEYED:
		return r->depth == 2 && keyed_root && root->elements == 2;
	}
	return 0;
}

/* Appends e (NULL for a string handed over) to the innermost open array, its room growing with the
 * elements that arrive. */
static int append(struct resp_reader *r, struct resp *e, struct error *err)
{
	struct resp_frame *f = &r->frame[r->depth - 1];
	struct resp *a = f->array;

	/* what an element costs beyond its bytes on the wire: its object and its slot */
	if (hold(r, (e != NULL ? ELEMENT_COST : 0) + sizeof(e), err) < 0) {
		resp_free(e);
		return -1;
	}
	if (a->elements == f->cap) {
		size_t cap = f->cap == 0 ? 16 : 2 * f->cap;
		struct resp **grown;
		if (cap > f->want)
			cap = f->want;
		if ((grown = realloc(a->element, cap * sizeof(*grown))) == NULL) {
			resp_free(e);
			return error_set(err, ERROR_NOMEM, "out of memory reading a reply");
		}
		a->element = grown;
		f->cap = cap;
	}
	a->element[a->elements++] = e;
	return 0;
}

/* A complete element: the reply itself, or appended, closing the arrays it fills. 1 when the reply is
 * whole. */
static int complete(struct resp_reader *r, struct resp *e, struct error *err)
{
	if (r->depth == 0) {
		r->root = e;
		return 1;
	}
	if (append(r, e, err) < 0)
		return -1;
	while (r->depth > 0 && r->frame[r->depth - 1].array->elements == r->frame[r->depth - 1].want)
		r->depth--;
	return r->depth == 0;
}

static struct resp *new_value(enum resp_type type)
{
	struct resp *v = calloc(1, sizeof(*v));

	if (v != NULL)
		v->type = type;
	return v;
}

/* A status or error line's text, copied. */
static int text_line(struct resp_reader *r, enum resp_type type, const char *text, size_t len,
                     struct error *err)
{
	struct resp *v = new_value(type);

	if (v == NULL || (v->str = malloc(len + 1)) == NULL) {
		resp_free(v);
		return error_set(err, ERROR_NOMEM, "out of memory reading a reply");
	}
	memcpy(v->str, text, len);
	v->str[len] = '\0';
	v->len = len;
	return complete(r, v, err);
}

/* "$N": a string of N bytes follows (or none for -1). */
static int bulk_header(struct resp_reader *r, long long n, struct error *err)
{
	if (n == -1) {
		struct resp *v = new_value(RESP_NIL);
		return v == NULL ? error_set(err, ERROR_NOMEM, "out of memory reading a reply")
		                 : complete(r, v, err);
	}
	if (n < -1 || n > MAX_BULK)
		return malformed(err, "a string's length");
	r->in_bulk = 1;
	r->bulk_len = (size_t)n;
	r->got = 0;
	r->bulk_handed = handed_here(r);
	r->bulk_skipped = r->bulk_len > r->max_string;
	if (r->bulk_skipped) {
		r->dropped++;
		return 0;
	}
	if ((r->payload = malloc(r->bulk_len + 1)) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory reading a reply");
	return 0;
}

/* "*N": N elements follow (or none for -1). */
static int array_header(struct resp_reader *r, long long n, struct error *err)
{
	struct resp *v = new_value(n == -1 ? RESP_NIL : RESP_ARRAY);

	if (v == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory reading a reply");
	if (n < -1 || n > MAX_BULK) {
		free(v);
		return malformed(err, "an array's length");
	}
	if (n <= 0)
		return complete(r, v, err);
	if (r->depth == RESP_MAX_DEPTH) {
		free(v);
		return malformed(err, "arrays nested too deep");
	}
	if (r->depth == 0)
		r->root = v;
	else if (append(r, v, err) < 0)
		return -1;
	r->frame[r->depth++] = (struct resp_frame){v, (size_t)n, 0};
	return 0;
}

/* A whole line (its CRLF included) of the reply. */
static int end_line(struct resp_reader *r, struct error *err)
{
	const char *text = r->line + 1;
	/* without the type byte and the CRLF; a line cut short keeps what fitted */
	size_t len = r->line_len - 2 <= RESP_LINE_MAX ? r->line_len - 3 : RESP_LINE_MAX - 1;
	long long n;

	r->line_len = 0;
	switch (r->line[0]) {
	case '+':
		return text_line(r, RESP_STATUS, text, len, err);
	case '-':
		return text_line(r, RESP_ERROR, text, len, err);
	case ':': {
		struct resp *v;
		if (parse_integer(text, len, &n) < 0)
			return malformed(err, "an integer");
		if ((v = new_value(RESP_INTEGER)) == NULL)
			return error_set(err, ERROR_NOMEM, "out of memory reading a reply");
		v->integer = n;
		return complete(r, v, err);
	}
	case '$':
		return parse_integer(text, len, &n) < 0 ? malformed(err, "a string's length")
		                                        : bulk_header(r, n, err);
	case '*':
		return parse_integer(text, len, &n) < 0 ? malformed(err, "an array's length")
		                                        : array_header(r, n, err);
	}
	return malformed(err, "an unknown type");
}

/* Takes line bytes up to and including a LF; returns the bytes used, or -1. *whole says whether the
 * line ended. A status or error line longer than RESP_LINE_MAX keeps its start; a length or integer line
 * that long is not RESP. */
static long take_line(struct resp_reader *r, const char *buf, size_t len, int *whole, struct error *err)
{
	const char *lf = memchr(buf, '\n', len);
	size_t n = lf != NULL ? (size_t)(lf - buf) + 1 : len;
	char type = r->line_len > 0 ? r->line[0] : buf[0];
	char before_lf = n >= 2 ? buf[n - 2] : r->line_last;

	if (memchr("+-:$*", type, 5) == NULL)
		return malformed(err, "an unknown type");
	/* a length line's bytes are held up to its longest: the cap and the length are judged alike, however
	 * the bytes arrive */
	if (type != '+' && type != '-' && r->line_len + n > LENGTH_DIGITS + 3)
		return hold(r, LENGTH_DIGITS + 3 - r->line_len, err) < 0
		           ? -1
		           : malformed(err, "a length line too long");
	if (hold(r, n, err) < 0)
		return -1;
	if (r->line_len < RESP_LINE_MAX)
		memcpy(r->line + r->line_len, buf,
		       n < RESP_LINE_MAX - r->line_len ? n : RESP_LINE_MAX - r->line_len);
	r->line_len += n;
	r->line_last = buf[n - 1];
	*whole = lf != NULL;
	if (*whole && (r->line_len < 3 || before_lf != '\r'))
		return malformed(err, "a line without CRLF");
	return (long)n;
}

/* The string's bytes and CRLF are all read: handed over, placed, or (skipped) placed as "". */
static int end_bulk(struct resp_reader *r, struct error *err)
{
	struct resp *v;
	char *s = r->payload;
	size_t len = r->bulk_skipped ? 0 : r->bulk_len;

	r->in_bulk = 0;
	r->payload = NULL;
	if (s == NULL && (s = malloc(1)) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory reading a reply");
	s[len] = '\0';
	if (r->bulk_handed && r->stream != NULL) {
		if (!r->stream_failed && r->stream->fn(r->stream->ctx, s, len, &r->stream_error) < 0)
			r->stream_failed = 1;
		else if (!r->stream_failed)
			r->stream->handed++;
		free(s);
		r->held = r->held > len ? r->held - len : 0; /* handed over: no longer held */
		return complete(r, NULL, err);
	}
	if ((v = new_value(RESP_STRING)) == NULL) {
		free(s);
		return error_set(err, ERROR_NOMEM, "out of memory reading a reply");
	}
	v->str = s;
	v->len = len;
	return complete(r, v, err);
}

/* Takes a string's bytes and its CRLF; returns the bytes used, or -1. */
static long take_bulk(struct resp_reader *r, const char *buf, size_t len, struct error *err)
{
	size_t used = 0;

	if (r->got < r->bulk_len) {
		size_t n = r->bulk_len - r->got < len ? r->bulk_len - r->got : len;
		if (!r->bulk_skipped) {
			if (hold(r, n, err) < 0)
				return -1;
			memcpy(r->payload + r->got, buf, n);
		}
		r->got += n;
		used = n;
	}
	while (used < len && r->got < r->bulk_len + 2) {
		if (buf[used] != (r->got == r->bulk_len ? '\r' : '\n'))
			return malformed(err, "a string without CRLF");
		r->got++;
		used++;
	}
	return (long)used;
}

long resp_reader_feed(struct resp_reader *r, const char *buf, size_t len, struct resp **out,
                      struct error *err)
{
	size_t i = 0;

	*out = NULL;
	while (i < len) {
		long n;
		int whole = 0, done = 0;

		if (r->in_bulk) {
			if ((n = take_bulk(r, buf + i, len - i, err)) < 0)
				return -1;
			i += (size_t)n;
			if (r->got == r->bulk_len + 2 && (done = end_bulk(r, err)) < 0)
				return -1;
		} else {
			if ((n = take_line(r, buf + i, len - i, &whole, err)) < 0)
				return -1;
			i += (size_t)n;
			if (whole && (done = end_line(r, err)) < 0)
				return -1;
		}
		if (done) {
			*out = r->root;
			r->root = NULL;
			r->held = 0;
			return (long)i;
		}
	}
	return (long)i;
}
