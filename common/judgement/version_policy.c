/* SPDX-License-Identifier: GPL-3.0-or-later */
/* version_policy: parsing --accept clauses, matching a worker's version against them as PEP 440's
 * "Version specifiers" section says, and the policy in words. */
#include "version_policy.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	const char *text;
	enum version_op op;
} operators[] = {{"==", VERSION_EQ},     {"!=", VERSION_NE}, {">=", VERSION_GE}, {"<=", VERSION_LE},
                 {"~=", VERSION_COMPAT}, {">", VERSION_GT},  {"<", VERSION_LT}};

static const char *op_text(enum version_op op)
{
	for (size_t i = 0; i < sizeof(operators) / sizeof(operators[0]); i++)
		if (operators[i].op == op)
			return operators[i].text;
	return "?";
}

/* Adds one spec of n empty clauses; returns it, or NULL out of memory. */
static struct version_spec *add_spec(struct version_policy *p, size_t n)
{
	struct version_spec *grown = realloc(p->specs, (p->nspecs + 1) * sizeof(*grown));

	if (grown == NULL)
		return NULL;
	p->specs = grown;
	grown[p->nspecs].clauses = calloc(n ? n : 1, sizeof(struct version_clause));
	grown[p->nspecs].n = 0;
	return grown[p->nspecs].clauses ? &grown[p->nspecs++] : NULL;
}

/* One clause: OP V, OP V.* or V.* alone. */
static int parse_clause(const char *text, size_t len, struct version_clause *c, struct error *err)
{
	char v[sizeof(c->text)];
	size_t op_len = 0;

	while (len > 0 && *text == ' ')
		text++, len--;
	while (len > 0 && text[len - 1] == ' ')
		len--;
	memset(c, 0, sizeof(*c));
	c->op = VERSION_EQ;
	for (size_t i = 0; i < sizeof(operators) / sizeof(operators[0]); i++)
		if (len >= strlen(operators[i].text) &&
		    strncmp(text, operators[i].text, strlen(operators[i].text)) == 0) {
			c->op = operators[i].op;
			op_len = strlen(operators[i].text);
			break;
		}
	if (len >= 3 && strncmp(text, "===", 3) == 0)
		return error_set(err, ERROR_USAGE,
		                 "--accept: === (arbitrary equality) is not supported; use ==");
	if (op_len == 0 && len > 0 && strchr("=!<>~", *text) != NULL)
		return error_set(err, ERROR_USAGE,
		                 "--accept: unknown operator in '%.*s' (==, !=, >=, >, <=, <, ~=)",
		                 (int)(len > 60 ? 60 : len), text);
	text += op_len, len -= op_len;
	while (len > 0 && *text == ' ')
		text++, len--;
	c->prefix = len > 2 && strncmp(text + len - 2, ".*", 2) == 0;
	len -= c->prefix ? 2 : 0;
	if (len == 0 || len >= sizeof(v))
		return error_set(err, ERROR_USAGE,
		                 "--accept: a clause needs a version of 1 to %zu characters", sizeof(v) - 1);
	if (op_len == 0 && !c->prefix)
		return error_set(err, ERROR_USAGE,
		                 "--accept: '%.*s' needs an operator (==%.*s) or .* (%.*s.*)",
		                 (int)(len > 40 ? 40 : len), text, (int)(len > 40 ? 40 : len), text,
		                 (int)(len > 40 ? 40 : len), text);
	memcpy(v, text, len);
	v[len] = '\0';
	memcpy(c->text, v, len + 1);
	if (c->prefix && c->op != VERSION_EQ && c->op != VERSION_NE)
		return error_set(err, ERROR_USAGE, "--accept: .* goes with == and != only ('%.60s')", v);
	if (version_parse(v, &c->v, err) < 0)
		return error_wrap(err, "--accept");
	c->ordered = 1;
	if (c->prefix && (version_is_pre(&c->v) || c->v.post >= 0 || c->v.local[0] != '\0'))
		return error_set(err, ERROR_USAGE, "--accept: V.* takes a release only (1.2.*), not '%.60s'",
		                 v);
	if (c->v.local[0] != '\0' && c->op != VERSION_EQ && c->op != VERSION_NE)
		return error_set(err, ERROR_USAGE, "--accept: a local label (+...) goes with == and != only");
	if (c->op == VERSION_COMPAT && c->v.nrelease < 2)
		return error_set(err, ERROR_USAGE, "--accept: ~= needs at least two release numbers (~=1.2)");
	return 0;
}

int version_policy_accept(struct version_policy *p, const char *spec, struct error *err)
{
	size_t n = 1;
	struct version_spec *s;

	for (const char *q = spec; *q; q++)
		n += *q == ',';
	if ((s = add_spec(p, n)) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	for (const char *q = spec;; q += strcspn(q, ",") + 1) {
		if (parse_clause(q, strcspn(q, ","), &s->clauses[s->n], err) < 0)
			return -1;
		s->n++;
		if (q[strcspn(q, ",")] == '\0')
			return 0;
	}
}

int version_policy_expect(struct version_policy *p, const char *v, struct error *err)
{
	struct version_spec *s;
	struct version_clause *c;
	struct error ignored;

	if (p->expected != NULL || p->newest)
		return error_set(err, ERROR_USAGE, "-e/--expected-version is given twice; give one version");
	if (strcmp(v, "newest") == 0) {
		p->newest = 1;
		return 0;
	}
	if (strlen(v) >= sizeof(c->text))
		return error_set(err, ERROR_USAGE, "-e/--expected-version: longer than %zu characters",
		                 sizeof(c->text) - 1);
	if ((p->expected = strdup(v)) == NULL || (s = add_spec(p, 1)) == NULL)
		return error_set(err, ERROR_NOMEM, "out of memory");
	c = &s->clauses[s->n++];
	c->op = VERSION_EQ;
	c->bare = 1;
	memcpy(c->text, v, strlen(v) + 1);
	c->ordered = version_parse(v, &c->v, &ignored) == 0; /* else compared as text: no order needed */
	return 0;
}

int version_policy_resolve_newest(struct version_policy *p, const char *const *versions, size_t count,
                                  struct error *err)
{
	struct version best, v;
	const char *best_text = NULL;
	struct error ignored;

	if (!p->newest || p->resolved)
		return 0;
	p->resolved = 1;
	for (size_t i = 0; i < count; i++) {
		p->newest_tagged |= versions[i] != NULL;
		if (versions[i] != NULL && version_parse(versions[i], &v, &ignored) == 0 &&
		    (best_text == NULL || version_cmp(&v, &best) > 0))
			best = v, best_text = versions[i];
	}
	if (best_text == NULL)
		return 0;
	p->newest = 0;
	if (version_policy_expect(p, best_text, err) < 0)
		return -1;
	p->newest = 1; /* remembered for the words */
	return 0;
}

void version_policy_free(struct version_policy *p)
{
	for (size_t i = 0; i < p->nspecs; i++)
		free(p->specs[i].clauses);
	free(p->specs);
	free(p->expected);
	memset(p, 0, sizeof(*p));
}

/* 1 when c's release numbers are a prefix of v's (padded with zeros), in the same epoch. */
static int release_prefix(const struct version *c, int n, const struct version *v)
{
	if (c->epoch != v->epoch)
		return 0;
	for (int i = 0; i < n; i++)
		if (c->release[i] != (i < v->nrelease ? v->release[i] : 0))
			return 0;
	return 1;
}

/* 1 when v is a pre-release (or dev release) of c's release, c itself not being one. */
static int pre_of(const struct version *v, const struct version *c)
{
	struct version base = *v;

	if (!version_is_pre(v) || version_is_pre(c))
		return 0;
	base.pre_kind = VERSION_PRE_NONE, base.post = base.dev = -1, base.local[0] = '\0';
	return version_cmp_public(&base, c) == 0 && c->post < 0;
}

/* 1 when v is a post-release of c, c itself not being one. */
static int post_of(const struct version *v, const struct version *c)
{
	struct version base = *v;

	if (v->post < 0 || c->post >= 0)
		return 0;
	base.post = base.dev = -1;
	return version_cmp_public(&base, c) == 0;
}

/* Whether one clause holds for v: 1 or 0; -1 when it needs an order and v has none. */
static int clause_holds(const struct version_clause *c, const char *text, const struct version *v, int parsed)
{
	int eq, cmp;

	if (!c->ordered || (!parsed && !c->prefix && (c->op == VERSION_EQ || c->op == VERSION_NE))) {
		eq = strcmp(text, c->text) == 0;
		return c->op == VERSION_EQ ? eq : !eq;
	}
	if (!parsed)
		return -1;
	if (c->prefix)
		eq = release_prefix(&c->v, c->v.nrelease, v);
	else
		eq = c->v.local[0] != '\0' ? version_cmp(v, &c->v) == 0 : version_cmp_public(v, &c->v) == 0;
	cmp = version_cmp_public(v, &c->v);
	switch (c->op) {
	case VERSION_EQ:
		return eq;
	case VERSION_NE:
		return !eq;
	case VERSION_GE:
		return cmp >= 0;
	case VERSION_LE:
		return cmp <= 0;
	case VERSION_LT: /* <1.0 takes no 1.0rc1 */
		return cmp < 0 && !pre_of(v, &c->v);
	case VERSION_GT: /* >1.0 takes no 1.0.post1 */
		return cmp > 0 && !post_of(v, &c->v);
	case VERSION_COMPAT:
		return cmp >= 0 && release_prefix(&c->v, c->v.nrelease - 1, v);
	}
	return 0;
}

enum verdict version_verdict(const struct version_policy *p, const char *version)
{
	struct version v;
	struct error ignored;
	int parsed, unorderable = 0;

	if (version == NULL)
		return p->allow_untagged ? VERDICT_COMPATIBLE : VERDICT_UNTAGGED;
	parsed = version_parse(version, &v, &ignored) == 0;
	if (p->newest && !parsed)
		return VERDICT_UNORDERABLE; /* it may be the newest: no one can say */
	for (size_t i = 0; i < p->nspecs; i++) {
		int fails = 0, unknown = 0;
		for (size_t j = 0; j < p->specs[i].n; j++) { /* every clause: a failing one decides */
			int holds = clause_holds(&p->specs[i].clauses[j], version, &v, parsed);
			fails |= holds == 0;
			unknown |= holds < 0;
		}
		if (!fails && !unknown)
			return VERDICT_COMPATIBLE;
		unorderable |= !fails && unknown;
	}
	return unorderable ? VERDICT_UNORDERABLE : VERDICT_MISMATCH;
}

int verdict_is_compatible(enum verdict v)
{
	return v == VERDICT_COMPATIBLE;
}

const char *verdict_name(enum verdict v)
{
	switch (v) {
	case VERDICT_COMPATIBLE:
		return "compatible";
	case VERDICT_MISMATCH:
		return "version mismatch";
	case VERDICT_UNTAGGED:
		return "untagged";
	case VERDICT_UNORDERABLE:
		return "version not orderable";
	case VERDICT_UNREADABLE:
		return "unreadable reply";
	}
	return "unknown";
}

void version_policy_words(const struct version_policy *p, struct strbuf *sb)
{
	size_t before = sb->len;

	if (p->newest && p->expected == NULL)
		strbuf_puts(sb, p->newest_tagged ? "newest (no tagged version can be ordered)"
		                                 : "newest (no tagged worker answered)");
	for (size_t i = 0; i < p->nspecs; i++) {
		if (sb->len > before)
			strbuf_puts(sb, " or ");
		for (size_t j = 0; j < p->specs[i].n; j++) {
			const struct version_clause *c = &p->specs[i].clauses[j];
			if (j > 0)
				strbuf_putc(sb, ',');
			if (c->bare && p->newest)
				strbuf_puts(sb, "newest = ");
			else if (!c->bare && !(c->prefix && c->op == VERSION_EQ))
				strbuf_puts(sb, op_text(c->op));
			strbuf_put_clean(sb, c->text);
			if (c->prefix)
				strbuf_puts(sb, ".*");
		}
	}
}
