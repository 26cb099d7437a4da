/* SPDX-License-Identifier: GPL-3.0-or-later */
/* numparse: strict number parsing: the whole string must be the number, nothing before or after. */
#ifndef CELERY_NUMPARSE_H
#define CELERY_NUMPARSE_H

/* A decimal: optional sign, digits, optional fraction ("-3.5", "+2", ".5", "10."); no exponent, no
 * hex, no inf or nan, no spaces. Returns 0 or -1. */
int parse_decimal(const char *s, double *out);
/* A decimal integer between min and max inclusive. Returns 0 or -1. */
int parse_long(const char *s, long min, long max, long *out);

#endif
