/* SPDX-License-Identifier: GPL-3.0-or-later */
/* binding: splitting binding members and learning their separator. */
#include "binding.h"

#include <string.h>

#define MAX_CANDIDATES 8

/* The next occurrence of sep in s[0..len), or NULL. */
static const char *find_sep(const char *s, size_t len, const char *sep, size_t seplen)
{
	for (size_t i = 0; i + seplen <= len; i++)
		if (memcmp(s + i, sep, seplen) == 0)
			return s + i;
	return NULL;
}

int binding_split(const char *member, size_t len, const char *sep, struct binding_fields *out)
{
	size_t seplen = strlen(sep);
	const char *end = member + len, *a, *b;

	if (seplen == 0 || (a = find_sep(member, len, sep, seplen)) == NULL)
		return -1;
	b = find_sep(a + seplen, (size_t)(end - a - seplen), sep, seplen);
	if (b == NULL || find_sep(b + seplen, (size_t)(end - b - seplen), sep, seplen) != NULL)
		return -1;
	out->routing_key = member;
	out->routing_key_len = (size_t)(a - member);
	out->pattern = a + seplen;
	out->pattern_len = (size_t)(b - a - seplen);
	out->queue = b + seplen;
	out->queue_len = (size_t)(end - b - seplen);
	return 0;
}

int binding_split_bound(const char *member, size_t len, const char *sep, struct binding_fields *out)
{
	size_t seplen = strlen(sep);

	if (binding_split(member, len, sep, out) == 0)
		return 0;
	if (seplen == 0 || len <= 2 * seplen || memcmp(member, sep, seplen) != 0 ||
	    memcmp(member + seplen, sep, seplen) != 0)
		return -1;
	*out = (struct binding_fields){member, 0, member + seplen, 0, member + 2 * seplen, len - 2 * seplen};
	return 1;
}

struct candidates {
	char sep[MAX_CANDIDATES][KOMBU_SEP_MAX + 1];
	size_t n;
};

static void add_candidate(struct candidates *c, const char *s, size_t len)
{
	if (len == 0 || len > KOMBU_SEP_MAX || memchr(s, '\0', len) != NULL || c->n == MAX_CANDIDATES)
		return;
	for (size_t i = 0; i < c->n; i++)
		if (strlen(c->sep[i]) == len && memcmp(c->sep[i], s, len) == 0)
			return;
	memcpy(c->sep[c->n], s, len);
	c->sep[c->n++][len] = '\0';
}

/* The separators a member can have been written with, from the two shapes kombu writes with an empty
 * pattern: QUEUE s s QUEUE (task queues: routing key = queue) and s s QUEUE (pidbox: empty routing key). */
static void derive_candidates(const char *m, size_t len, struct candidates *c)
{
	for (size_t k = 1; 2 * k + 2 <= len; k++) {
		size_t mid = len - 2 * k, half = mid / 2;
		if (mid % 2 == 0 && half <= KOMBU_SEP_MAX && memcmp(m, m + len - k, k) == 0 &&
		    memcmp(m + k, m + k + half, half) == 0)
			add_candidate(c, m + k, half);
	}
	for (size_t j = 1; j <= KOMBU_SEP_MAX && 2 * j < len; j++)
		if (memcmp(m, m + j, j) == 0)
			add_candidate(c, m, j);
}

static int splits_all(char *const *members, const size_t *lens, size_t n, const char *sep)
{
	struct binding_fields f;

	for (size_t i = 0; i < n; i++)
		if (binding_split_bound(members[i], lens[i], sep, &f) < 0)
			return 0;
	return 1;
}

int binding_learn_sep(char *const *members, const size_t *lens, size_t n, char *sep, struct error *err)
{
	struct candidates c;
	const char *found = NULL;

	if (n == 0)
		return 0;
	if (splits_all(members, lens, n, KOMBU_SEP)) {
		memcpy(sep, KOMBU_SEP, sizeof(KOMBU_SEP));
		return 1;
	}
	c.n = 0;
	for (size_t i = 0; i < n; i++)
		derive_candidates(members[i], lens[i], &c);
	for (size_t i = 0; i < c.n; i++) {
		if (!splits_all(members, lens, n, c.sep[i]))
			continue;
		if (found != NULL)
			return error_set(err, ERROR_USAGE,
			                 "kombu's binding members in the broker fit more than one separator; "
			                 "give it with --transport-option sep=...");
		found = c.sep[i];
	}
	if (found == NULL)
		return error_set(
		    err, ERROR_USAGE,
		    "kombu's binding members in the broker disagree on their separator, or use one "
		    "that cannot be told; give it with --transport-option sep=...");
	memcpy(sep, found, strlen(found) + 1);
	return 1;
}
