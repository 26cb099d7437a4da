/* SPDX-License-Identifier: GPL-3.0-or-later */
/* resp: a reader of Redis's replies (RESP2) of our own, fed bytes as they arrive. It bounds what it holds
 * as it reads: a string element over the size cap is skipped unread, the strings of a pop can be handed
 * over as soon as each is whole, an array's room grows with the elements that really arrive, not with
 * the count it announces, and every element's object counts toward the cap on what a reply holds. hiredis's
 * reader can do none of that through its public API. */
#ifndef CELERY_RESP_H
#define CELERY_RESP_H

#include "error.h"

#include <stddef.h>

enum resp_type {
	RESP_STRING = 1, /* a bulk string */
	RESP_ARRAY,
	RESP_INTEGER,
	RESP_NIL, /* a null bulk string or a null array */
	RESP_STATUS,
	RESP_ERROR,
};

struct resp {
	enum resp_type type;
	long long integer;     /* RESP_INTEGER */
	char *str;             /* RESP_STRING, RESP_STATUS, RESP_ERROR: NUL-terminated (it may hold NULs) */
	size_t len;            /* its length */
	struct resp **element; /* RESP_ARRAY: the elements; one handed over (resp_stream) is NULL here */
	size_t elements;       /* how many */
};

void resp_free(struct resp *r);

/* The shapes of reply whose strings a stream hands over. */
enum resp_stream_shape {
	RESP_STREAM_PAIR,  /* [key, string]: BRPOP's string */
	RESP_STREAM_KEYED, /* [key, [string...]]: BLMPOP's strings */
	RESP_STREAM_FLAT,  /* [string...]: the strings of RPOP KEY COUNT */
};

/* The strings to hand over while a reply is read, and to whom. */
struct resp_stream {
	int (*fn)(void *ctx, const char *s, size_t len, struct error *err);
	void *ctx;
	enum resp_stream_shape shape;
	long long handed; /* how many fn took */
};

#define RESP_MAX_DEPTH 8    /* arrays within arrays; Redis's replies nest three deep at most */
#define RESP_LINE_MAX  4096 /* bytes of a status or error line kept; the rest is read, not kept */

struct resp_frame {
	struct resp *array;
	size_t want; /* elements it announced */
	size_t cap;  /* room allocated in array->element */
};

struct resp_reader {
	size_t max_string;          /* a longer string is skipped: it reads as "" and `dropped` counts it */
	size_t max_held;            /* a reply holding more than this fails with ERROR_OVERSIZE: its bytes
	                               and, for each element, its object and its slot */
	struct resp_stream *stream; /* strings handed over while reading, or NULL */
	long long dropped;          /* strings skipped for their size */
	int stream_failed;          /* stream->fn failed: the rest of the reply was read, not handed over */
	struct error stream_error;  /* its error */
	/* the reply being read */
	struct resp *root;
	struct resp_frame frame[RESP_MAX_DEPTH];
	int depth;                /* open arrays */
	char line[RESP_LINE_MAX]; /* a status, error or length line read so far (its first bytes) */
	size_t line_len;          /* its length, of which the first RESP_LINE_MAX bytes are in line */
	char line_last;           /* its last byte */
	struct resp *bulk; /* a string whose payload is being read (NULL when skipped or handed over) */
	char *payload;     /* where its bytes go */
	size_t bulk_len;   /* its length */
	size_t got;        /* of its bytes and CRLF, those read */
	int in_bulk;       /* a payload (and its CRLF) is being read */
	int bulk_skipped;  /* ...and is over the cap: it is discarded */
	int bulk_handed;   /* ...and goes to stream->fn when whole */
	size_t held;       /* bytes of the reply held */
};

void resp_reader_init(struct resp_reader *r, size_t max_string, size_t max_held);
/* Reads buf[0..len) until a reply is whole (*out is set: the caller frees it) or buf is used up (*out is
 * NULL); returns the bytes used. -1 with err (ERROR_BROKER for a protocol error, ERROR_OVERSIZE,
 * ERROR_NOMEM) when the stream of replies cannot be followed any more: the reader must be reset. */
long resp_reader_feed(struct resp_reader *r, const char *buf, size_t len, struct resp **out,
                      struct error *err);
/* 1 when no reply is half read. */
int resp_reader_idle(const struct resp_reader *r);
/* Drops a reply half read. */
void resp_reader_reset(struct resp_reader *r);

#endif
