/* SPDX-License-Identifier: GPL-3.0-or-later */
/* version_order: versions as PEP 440 writes and orders them (epoch, release, a/b/rc pre-releases, post and
 * dev releases, local labels), including the spellings PEP 440 normalizes (1.2.3-rc1, 1.2.3-rc.1,
 * 1.2.3alpha2, V1.0), so semantic-versioning pre-releases sort before their release. What it cannot order
 * without guessing is refused, naming it. */
#ifndef CELERY_VERSION_ORDER_H
#define CELERY_VERSION_ORDER_H

#include "error.h"

#define VERSION_MAX_RELEASE 16 /* numbers in a release: 1.2.3 has 3 */
#define VERSION_MAX_LOCAL   64 /* bytes of a local label */

enum version_pre {
	VERSION_PRE_NONE = -1,
	VERSION_PRE_A = 0,  /* a, alpha */
	VERSION_PRE_B = 1,  /* b, beta */
	VERSION_PRE_RC = 2, /* rc, c, pre, preview */
};

struct version {
	long long epoch;
	long long release[VERSION_MAX_RELEASE];
	int nrelease;
	enum version_pre pre_kind;
	long long pre;                 /* the pre-release number, when pre_kind is not NONE */
	long long post;                /* -1 without a post-release */
	long long dev;                 /* -1 without a dev release */
	char local[VERSION_MAX_LOCAL]; /* normalized: lower case, '.' between parts; "" without one */
};

/* Parses s. ERROR_USAGE naming s (within 60 bytes) when it is not a version this order knows: among
 * them "1.2.3-1", a post-release to PEP 440 and a pre-release to semantic versioning. */
int version_parse(const char *s, struct version *v, struct error *err);
/* <0, 0, >0 as a sorts before, with or after b in PEP 440's order (1.0 == 1.0.0). */
int version_cmp(const struct version *a, const struct version *b);
/* The same, with the local labels left out. */
int version_cmp_public(const struct version *a, const struct version *b);
/* 1 for a pre-release or a dev release. */
int version_is_pre(const struct version *v);

#endif
