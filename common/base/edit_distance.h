/* SPDX-License-Identifier: GPL-3.0-or-later */
/* edit_distance: how many single-character insertions, deletions and substitutions turn one name into
 * another (Levenshtein), for "did you mean" hints. */
#ifndef CELERY_EDIT_DISTANCE_H
#define CELERY_EDIT_DISTANCE_H

#include <stddef.h>

/* The distance between a and b, or limit + 1 when it is more than limit (or a name is longer than 256). */
size_t edit_distance(const char *a, const char *b, size_t limit);

#endif
