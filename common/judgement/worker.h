/* SPDX-License-Identifier: GPL-3.0-or-later */
/* worker: node name -> base name, version tag and host. */
#ifndef CELERY_WORKER_H
#define CELERY_WORKER_H

#include "error.h"

/* NAME@HOST split at the first '@'. The version is what follows the last "-v" in NAME that is directly
 * followed by a digit: "celery-v0.12.0@h" -> base "celery", version "0.12.0", host "h". */
struct worker_name {   /* the three in one allocation, freed by worker_name_free */
	char *base;    /* NAME without its version tag; the whole NAME when untagged */
	char *version; /* the tag, or NULL when untagged */
	char *host;    /* after the first '@'; "" when there is no '@' */
};

int worker_name_parse(const char *node, struct worker_name *out, struct error *err);
void worker_name_free(struct worker_name *wn);

#endif
