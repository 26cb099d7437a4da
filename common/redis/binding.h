/* SPDX-License-Identifier: GPL-3.0-or-later */
/* binding: kombu's binding members (routing key, pattern and queue joined by sep): splitting them, and
 * learning sep from the members a broker holds, so that ours are written as the workers read theirs. */
#ifndef CELERY_BINDING_H
#define CELERY_BINDING_H

#include "error.h"
#include "kombu_names.h"

#include <stddef.h>

/* One member's three fields; each points into the member and is not NUL-terminated. */
struct binding_fields {
	const char *routing_key;
	size_t routing_key_len;
	const char *pattern;
	size_t pattern_len;
	const char *queue;
	size_t queue_len;
};

/* Splits a member of len bytes at sep as kombu does (str.split); 0 when it has exactly three fields,
 * -1 when kombu could not read it with this sep. */
int binding_split(const char *member, size_t len, const char *sep, struct binding_fields *out);

/* Like binding_split, but also reads a member as kombu writes it with an empty routing key and pattern,
 * SEP SEP QUEUE, whose queue holds the separator: a worker's pidbox binding when its node name does
 * (worker:1@h under sep ':'; harmless on Redis, where fanout exchanges publish without splitting their
 * set). 0 when it splits in three, 1 when it reads only that way, -1 otherwise. */
int binding_split_bound(const char *member, size_t len, const char *sep, struct binding_fields *out);

/* Learns the separator the n members were written with (as binding_split_bound reads them) and copies it to
 * sep (KOMBU_SEP_MAX + 1 bytes). Returns 1 when learned, 0 when there is nothing to learn from (n is 0; sep
 * is left as it is), -1 with ERROR_USAGE when no one separator splits every member, or several do and none is
 * kombu's default. */
int binding_learn_sep(char *const *members, const size_t *lens, size_t n, char *sep, struct error *err);

#endif
