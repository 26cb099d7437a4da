/* SPDX-License-Identifier: GPL-3.0-or-later */
/* error: the record every fallible function in common/ fills instead of printing or exiting. */
#ifndef CELERY_ERROR_H
#define CELERY_ERROR_H

enum error_kind {
	ERROR_NONE = 0,
	ERROR_USAGE,       /* a bad option or option value */
	ERROR_PARSE,       /* malformed data: a reply, an envelope, a URL */
	ERROR_CONNECT,     /* the broker cannot be reached, or the connection to it was lost */
	ERROR_UNAVAILABLE, /* the broker answers but cannot serve: LOADING, OOM, MASTERDOWN, BUSY */
	ERROR_AUTH,        /* credentials or ACL refused by the broker */
	ERROR_TIMEOUT,     /* a deadline passed */
	ERROR_CANCELLED,   /* a signal asked the plugin to stop */
	ERROR_BROKER,      /* the broker answered with another error (READONLY, WRONGTYPE, ...) */
	ERROR_OVERSIZE,    /* a reply exceeded the size cap; the connection must be reopened */
	ERROR_NOMEM,       /* an allocation failed */
};

struct error {
	enum error_kind kind; /* what went wrong, for the caller to map to a state */
	char msg[256];        /* one line saying why, never containing a password */
};

/* Fills err (when not NULL) and returns -1, so callers can write `return error_set(...)`. */
int error_set(struct error *err, enum error_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepends "context: " to the message already in err, keeping its kind; returns -1. */
int error_wrap(struct error *err, const char *context);

#endif
