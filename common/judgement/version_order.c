/* SPDX-License-Identifier: GPL-3.0-or-later */
/* version_order: a PEP 440 parser (normalizing spellings as its "Normalization" section says) and the
 * ordering of its "Summary of permitted suffixes and relative ordering". */
#include "version_order.h"

#include <ctype.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

#define NUMBER_MAX_DIGITS 18 /* fits a long long */

struct cursor {
	const char *p;
};

static int is_sep(char c)
{
	return c == '.' || c == '-' || c == '_';
}

/* Reads a number of 1 to 18 digits; -1 when there is none (or it is too long). */
static int read_number(struct cursor *c, long long *out)
{
	long long v = 0;
	int n = 0;

	while (isdigit((unsigned char)c->p[n])) {
		if (n == NUMBER_MAX_DIGITS)
			return -1;
		v = v * 10 + (c->p[n] - '0');
		n++;
	}
	if (n == 0)
		return -1;
	c->p += n;
	*out = v;
	return 0;
}

/* Takes word (case-insensitive) at the cursor, after an optional separator; 1 when taken. A word must not
 * run on into further letters ("rc" is not taken from "rcx"). */
static int take_word(struct cursor *c, const char *word)
{
	const char *p = c->p + (is_sep(*c->p) ? 1 : 0);
	size_t n = strlen(word);

	if (strncasecmp(p, word, n) != 0 || isalpha((unsigned char)p[n]))
		return 0;
	c->p = p + n;
	return 1;
}

/* An optional number after a suffix word, with an optional separator before it; 0 when there is none. */
static long long suffix_number(struct cursor *c)
{
	struct cursor try = {c->p + (is_sep(*c->p) && isdigit((unsigned char)c->p[1]) ? 1 : 0)};
	long long v = 0;

	if (isdigit((unsigned char)*try.p) && read_number(&try, &v) == 0)
		c->p = try.p;
	return v;
}

static void read_pre(struct cursor *c, struct version *v)
{
	static const struct {
		const char *word;
		enum version_pre kind;
	} words[] = {{"alpha", VERSION_PRE_A}, {"a", VERSION_PRE_A},        {"beta", VERSION_PRE_B},
	             {"b", VERSION_PRE_B},     {"preview", VERSION_PRE_RC}, {"pre", VERSION_PRE_RC},
	             {"rc", VERSION_PRE_RC},   {"c", VERSION_PRE_RC}};

	v->pre_kind = VERSION_PRE_NONE;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (take_word(c, words[i].word)) {
			v->pre_kind = words[i].kind;
			v->pre = suffix_number(c);
			return;
		}
}

/* post, rev or r with an optional number; "-N" alone is refused by the caller. */
static void read_post(struct cursor *c, struct version *v)
{
	static const char *const words[] = {"post", "rev", "r"};

	v->post = -1;
	for (size_t i = 0; i < 3; i++)
		if (take_word(c, words[i])) {
			v->post = suffix_number(c);
			return;
		}
}

/* +label: letters and digits in parts joined by '.', '-' or '_', stored lower case with '.'. */
static int read_local(struct cursor *c, struct version *v)
{
	size_t n = 0;

	if (*c->p != '+')
		return 0;
	for (const char *p = c->p + 1;; p++) {
		int part_start = p == c->p + 1 || is_sep(p[-1]);
		if (*p == '\0' && !part_start)
			break;
		if (!isalnum((unsigned char)*p) && !(is_sep(*p) && !part_start))
			return -1;
		if (n + 1 >= sizeof(v->local))
			return -1;
		v->local[n++] = is_sep(*p) ? '.' : (char)tolower((unsigned char)*p);
	}
	v->local[n] = '\0';
	c->p += strlen(c->p);
	return 0;
}

int version_parse(const char *s, struct version *v, struct error *err)
{
	struct cursor c = {s};
	long long first;

	memset(v, 0, sizeof(*v));
	v->post = v->dev = -1;
	if (*c.p == 'v' || *c.p == 'V')
		c.p++;
	if (read_number(&c, &first) < 0)
		goto refuse;
	if (*c.p == '!') {
		v->epoch = first;
		c.p++;
		if (read_number(&c, &first) < 0)
			goto refuse;
	}
	v->release[v->nrelease++] = first;
	while (*c.p == '.' && isdigit((unsigned char)c.p[1])) {
		c.p++;
		if (v->nrelease == VERSION_MAX_RELEASE || read_number(&c, &v->release[v->nrelease++]) < 0)
			goto refuse;
	}
	read_pre(&c, v);
	if (*c.p == '-' && isdigit((unsigned char)c.p[1]))
		return error_set(err, ERROR_USAGE,
		                 "version '%.60s': a post-release to PEP 440, a pre-release to semantic "
		                 "versioning; write N.N.N.postN or N.N.N-rc.N",
		                 s);
	read_post(&c, v);
	if (take_word(&c, "dev"))
		v->dev = suffix_number(&c);
	if (read_local(&c, v) < 0 || *c.p != '\0')
		goto refuse;
	return 0;
refuse:
	return error_set(err, ERROR_USAGE,
	                 "version '%.60s' cannot be ordered (PEP 440 forms: 1.2.3, 1.2.3rc1, "
	                 "1.2.3-rc.1, 1.2.3.post1, 1.2.3.dev4, 1.2.3+build)",
	                 s);
}

static int cmp_ll(long long a, long long b)
{
	return (a > b) - (a < b);
}

/* The pre-release position: a dev release without pre or post sorts before every pre-release of its
 * release; a release without pre-release after all of them. */
static int pre_cmp(const struct version *a, const struct version *b)
{
	int ca = a->pre_kind != VERSION_PRE_NONE ? 1 : (a->post < 0 && a->dev >= 0) ? 0 : 2;
	int cb = b->pre_kind != VERSION_PRE_NONE ? 1 : (b->post < 0 && b->dev >= 0) ? 0 : 2;

	if (ca != cb || ca != 1)
		return cmp_ll(ca, cb);
	if (a->pre_kind != b->pre_kind)
		return cmp_ll(a->pre_kind, b->pre_kind);
	return cmp_ll(a->pre, b->pre);
}

/* Local labels: none sorts first; parts compare numerically when both are numbers, a number after
 * letters, letters by bytes; a label that is a prefix of the other sorts first. */
static int local_cmp(const char *a, const char *b)
{
	while (*a != '\0' && *b != '\0') {
		size_t na = strcspn(a, "."), nb = strcspn(b, ".");
		int da = strspn(a, "0123456789") == na, db = strspn(b, "0123456789") == nb;
		int c;

		if (da != db)
			return da ? 1 : -1;
		if (da) {
			while (na > 1 && *a == '0')
				a++, na--;
			while (nb > 1 && *b == '0')
				b++, nb--;
			c = na != nb ? cmp_ll((long long)na, (long long)nb) : strncmp(a, b, na);
		} else {
			c = strncmp(a, b, na < nb ? na : nb);
			c = c ? c : cmp_ll((long long)na, (long long)nb);
		}
		if (c != 0)
			return c > 0 ? 1 : -1;
		a += na + (a[na] == '.');
		b += nb + (b[nb] == '.');
	}
	return (*a != '\0') - (*b != '\0');
}

int version_cmp_public(const struct version *a, const struct version *b)
{
	int n = a->nrelease > b->nrelease ? a->nrelease : b->nrelease, c;

	if ((c = cmp_ll(a->epoch, b->epoch)) != 0)
		return c;
	for (int i = 0; i < n; i++) /* missing numbers count as 0: 1.0 == 1.0.0 */
		if ((c = cmp_ll(i < a->nrelease ? a->release[i] : 0, i < b->nrelease ? b->release[i] : 0)) !=
		    0)
			return c;
	if ((c = pre_cmp(a, b)) != 0 || (c = cmp_ll(a->post, b->post)) != 0)
		return c;
	return cmp_ll(a->dev < 0 ? LLONG_MAX : a->dev, b->dev < 0 ? LLONG_MAX : b->dev);
}

int version_cmp(const struct version *a, const struct version *b)
{
	int c = version_cmp_public(a, b);

	return c != 0 ? c : local_cmp(a->local, b->local);
}

int version_is_pre(const struct version *v)
{
	return v->pre_kind != VERSION_PRE_NONE || v->dev >= 0;
}
