/* SPDX-License-Identifier: GPL-3.0-or-later */
/* error: filling and wrapping the error record. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int error_set(struct error *err, enum error_kind kind, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->kind = kind;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int error_wrap(struct error *err, const char *context)
{
	char joined[2 * sizeof(err->msg)];

	if (err == NULL)
		return -1;
	snprintf(joined, sizeof(joined), "%.200s: %s", context, err->msg);
	memcpy(err->msg, joined, sizeof(err->msg) - 1);
	err->msg[sizeof(err->msg) - 1] = '\0';
	return -1;
}
