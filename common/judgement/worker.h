/* SPDX-License-Identifier: GPL-3.0-or-later */
/* worker: node name -> base name, version tag and host; the version policy that judges compatibility. */
#ifndef CELERY_WORKER_H
#define CELERY_WORKER_H

#include "error.h"

/* NAME@HOST split at the first '@'. The version is what follows the last "-v" in NAME that is directly
 * followed by a digit: "celery-v0.12.0@h" -> base "celery", version "0.12.0", host "h". */
struct worker_name {
	char *base;    /* NAME without its version tag; the whole NAME when untagged */
	char *version; /* the tag, or NULL when untagged */
	char *host;    /* after the first '@'; "" when there is no '@' */
};

int worker_name_parse(const char *node, struct worker_name *out, struct error *err);
void worker_name_free(struct worker_name *wn);

enum verdict {
	VERDICT_COMPATIBLE, /* runs the expected version */
	VERDICT_MISMATCH,   /* tagged with another version */
	VERDICT_UNTAGGED,   /* no version tag, and untagged workers are not allowed */
	VERDICT_UNREADABLE, /* answered in a format we cannot read: identity unknown */
};

struct version_policy {
	const char *expected; /* the version workers must run; compared as an exact string */
	int allow_untagged;   /* count untagged workers as compatible */
};

enum verdict version_verdict(const struct version_policy *p, const char *version);
int verdict_is_compatible(enum verdict v);
/* "compatible", "version mismatch", "untagged", "unreadable reply". */
const char *verdict_name(enum verdict v);

#endif
