/* SPDX-License-Identifier: GPL-3.0-or-later */
/* version_policy: which worker versions are compatible: -e V (exactly V), --accept SPEC (clauses ==V, !=V,
 * >=V, >V, <=V, <V, ~=V and V.* that must all hold; any one SPEC may hold), -e newest (the highest version
 * that answered), and whether untagged workers count. */
#ifndef CELERY_VERSION_POLICY_H
#define CELERY_VERSION_POLICY_H

#include "error.h"
#include "strbuf.h"
#include "version_order.h"

#include <stddef.h>

enum version_op { VERSION_EQ, VERSION_NE, VERSION_GE, VERSION_GT, VERSION_LE, VERSION_LT, VERSION_COMPAT };

struct version_clause {
	enum version_op op;
	int prefix;  /* V.*: with == (or alone) and != only */
	int bare;    /* from -e V: written as V alone in words */
	int ordered; /* v holds V; 0 only for ==V and !=V of a V that cannot be ordered (compared as text) */
	struct version v;
	char text[72]; /* V as written, without the operator and the .* */
};

struct version_spec {
	struct version_clause *clauses; /* all must hold */
	size_t n;
};

enum verdict {
	VERDICT_COMPATIBLE,  /* runs a version the policy accepts */
	VERDICT_MISMATCH,    /* tagged with a version it does not accept */
	VERDICT_UNTAGGED,    /* no version tag, and untagged workers are not allowed */
	VERDICT_UNORDERABLE, /* tagged with a version the policy's clauses cannot order: UNKNOWN, never a
	                        guess */
	VERDICT_UNREADABLE,  /* answered in a format we cannot read: identity unknown */
};

struct version_policy {
	struct version_spec *specs; /* any one may hold; none until set */
	size_t nspecs;
	int newest;         /* -e newest: version_policy_resolve_newest turns it into ==HIGHEST */
	int resolved;       /* newest was resolved (once: later calls keep it) */
	int newest_tagged;  /* a tagged worker answered when newest was resolved */
	char *expected;     /* -e's version (resolved for newest), for the summary and JSON; or NULL */
	int allow_untagged; /* count untagged workers as compatible */
};

/* -e V: V exactly (==V; a V that cannot be ordered is compared as text), or "newest". ERROR_USAGE when given
 * twice. With --accept too, either may hold. */
int version_policy_expect(struct version_policy *p, const char *v, struct error *err);
/* --accept SPEC: "CLAUSE[,CLAUSE...]". ERROR_USAGE naming the clause or version it cannot read. */
int version_policy_accept(struct version_policy *p, const char *spec, struct error *err);
/* -e newest: the highest of the versions (count of them; NULLs and those that cannot be ordered are
 * skipped) becomes the expected one; with none, nothing is expected from -e. ERROR_NOMEM only. */
int version_policy_resolve_newest(struct version_policy *p, const char *const *versions, size_t count,
                                  struct error *err);
void version_policy_free(struct version_policy *p);

enum verdict version_verdict(const struct version_policy *p, const char *version);
int verdict_is_compatible(enum verdict v);
/* "compatible", "version mismatch", "untagged", "version not orderable", "unreadable reply". */
const char *verdict_name(enum verdict v);
/* The policy in words: "0.12.0", ">=0.12.0,<0.13 or ==0.11.2", "newest = 0.12.1", "newest (none
 * answered)". */
void version_policy_words(const struct version_policy *p, struct strbuf *sb);

#endif
